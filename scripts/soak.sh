#!/usr/bin/env bash
# Soak test (issue 9): a release build serves a fresh copy of the 十堰 demo under a steady mixed load
# (bench/soak.lua: public reads and searches, officials' dashboards with a token, registration pushes) for
# MINUTES minutes (default 10), while the server's resident memory and open file descriptors are sampled every
# SAMPLE seconds (default 10) from /proc. At the end it prints the samples and a verdict, and exits 1 unless:
#   - RSS grew less than MAX_GROWTH_PCT (default 5) % over the last two thirds of the run (the first third
#     is warm-up: caches, prepared statements, one database connection per thread);
#   - the fd count at the end is within 2 of the count at one third, and never above it by more than 8;
#   - no 5xx, no non-2xx answer, no socket error (connect, read, write, timeout) in wrk's report;
#   - the server is alive at the end and exits 0 on SIGTERM.
# Usage: scripts/soak.sh [MINUTES]; env CONNS (16), SAMPLE (10), MAX_GROWTH_PCT (5), PORT (18290), SOAK_SECONDS
# (a duration in seconds instead of MINUTES, for a quick check of the script itself).
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-10}
CONNS=${CONNS:-16}
SAMPLE=${SAMPLE:-10}
MAX_GROWTH_PCT=${MAX_GROWTH_PCT:-5}
PORT=${PORT:-18290}
BUILD=build-rel
[ -f $BUILD/build.ninja ] || meson setup $BUILD --buildtype=release >/dev/null
ninja -C $BUILD tuoyu >/dev/null
BIN=$BUILD/tuoyu
tmp=$(mktemp -d)
SERVER=
WRK=
cleanup() {
    [ -n "$WRK" ] && kill "$WRK" 2>/dev/null
    [ -n "$SERVER" ] && kill -9 "$SERVER" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

db=$tmp/soak.db
"$BIN" demo --db "$db" >/dev/null 2>&1
export TUOYU_KEY_FILE=$db.keys
# The load sends far more than the default 600 requests a minute per token.
sqlite3 "$db" "INSERT INTO settings (key, value) VALUES ('token_rate_per_minute', '100000000')"
TUOYU_IDS=$(sqlite3 "$db" "SELECT group_concat(id, ' ') FROM institutions WHERE state = 'filed'")
TUOYU_OFFICIAL_TOKEN=$("$BIN" token create --db "$db" --user city | tail -1)
TUOYU_REGISTRAR_TOKEN=$("$BIN" token create --db "$db" --user registrar | tail -1)
export TUOYU_IDS TUOYU_OFFICIAL_TOKEN TUOYU_REGISTRAR_TOKEN

"$BIN" serve --db "$db" --listen 127.0.0.1:$PORT 2>"$tmp/server.log" &
SERVER=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.1; done
curl -sf http://127.0.0.1:$PORT/healthz >/dev/null || { echo "server did not start" >&2; cat "$tmp/server.log" >&2; exit 1; }

secs=${SOAK_SECONDS:-$((MINUTES * 60))}
wrk -t2 -c"$CONNS" -d"${secs}s" --timeout 5s --latency -s bench/soak.lua http://127.0.0.1:$PORT >"$tmp/wrk.out" 2>&1 &
WRK=$!

# sample: elapsed seconds, RSS (kB), open fds, threads
sample() {
    local rss fds thr
    rss=$(awk '/^VmRSS:/ {print $2}' /proc/$SERVER/status)
    thr=$(awk '/^Threads:/ {print $2}' /proc/$SERVER/status)
    fds=$(ls /proc/$SERVER/fd | wc -l)
    echo "$1 $rss $fds $thr"
}
: >"$tmp/samples"
start=$(date +%s)
while kill -0 "$WRK" 2>/dev/null; do
    sleep "$SAMPLE"
    # Samples are taken under load only: after wrk has gone its connections are closed.
    kill -0 "$WRK" 2>/dev/null && kill -0 "$SERVER" 2>/dev/null || break
    sample $(($(date +%s) - start)) >>"$tmp/samples"
done
wait "$WRK" || true
WRK=
alive=yes
kill -0 "$SERVER" 2>/dev/null || alive=no
exit_code=gone
if [ $alive = yes ]; then
    kill -TERM "$SERVER"
    if wait "$SERVER"; then exit_code=0; else exit_code=$?; fi
fi
SERVER=

echo "== wrk (${secs} s, ${CONNS} connections) =="
cat "$tmp/wrk.out"
echo "== samples: seconds RSS(kB) fds threads =="
cat "$tmp/samples"
registrations=$(sqlite3 "$db" "SELECT count(*) FROM institutions")
echo "institutions at the end: $registrations (the demo has 300)"

read -r s2 s3 s4 s5 < <(awk '/^soak-status/ {split($2,a,"="); split($3,b,"="); split($4,c,"="); split($5,d,"="); print a[2], b[2], c[2], d[2]}' "$tmp/wrk.out") || true
sockerr=$(awk '/Socket errors/ {n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i; print n}' "$tmp/wrk.out")
non2xx=$(awk '/Non-2xx or 3xx/ {print $NF}' "$tmp/wrk.out")
rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.out")
# Verdict from the samples: base = the first sample at or after one third of the run; end = the mean of the last
# three samples.
verdict=$(awk -v third=$((secs / 3)) -v maxg="$MAX_GROWTH_PCT" '
    { t[NR] = $1; r[NR] = $2; f[NR] = $3; n = NR }
    END {
        if (n < 6) { print "FAIL too few samples (" n ")"; exit }
        for (i = 1; i <= n && t[i] < third; i++) ;
        b = i; base = r[b]; fbase = f[b]; fmax = f[b]; fmin = f[b]; rmax = r[b]
        for (i = b; i <= n; i++) { if (f[i] > fmax) fmax = f[i]; if (f[i] < fmin) fmin = f[i]; if (r[i] > rmax) rmax = r[i] }
        e = (r[n] + r[n-1] + r[n-2]) / 3
        g = (e - base) * 100 / base
        ok = (g < maxg) && (f[n] - fbase <= 2) && (fmax - fbase <= 8)
        printf "%s rss_base_kb=%d rss_end_kb=%d rss_max_kb=%d growth_pct=%.2f fd_base=%d fd_end=%d fd_min=%d fd_max=%d first_rss_kb=%d\n",
            ok ? "OK" : "FAIL", base, e, rmax, g, fbase, f[n], fmin, fmax, r[1]
    }' "$tmp/samples")
echo "== verdict =="
echo "requests/s: ${rps:-?}; answers 2xx=${s2:-?} 3xx=${s3:-?} 4xx=${s4:-?} 5xx=${s5:-?}; non-2xx/3xx (wrk): ${non2xx:-0}; socket errors: ${sockerr:-0}"
echo "memory/fds: $verdict"
echo "server alive at the end: $alive; exit code on SIGTERM: $exit_code"
fail=0
[[ $verdict == OK* ]] || fail=1
[ "${s2:-0}" -gt 0 ] || fail=1
[ "${s3:-1}" = 0 ] && [ "${s4:-1}" = 0 ] && [ "${s5:-1}" = 0 ] || fail=1
[ "${non2xx:-0}" = 0 ] && [ "${sockerr:-0}" = 0 ] || fail=1
[ $alive = yes ] && [ "$exit_code" = 0 ] || fail=1
if [ $fail = 0 ]; then echo "SOAK PASSED"; else echo "SOAK FAILED"; fi
exit $fail
