#!/usr/bin/env bash
# Benchmarks of issue 9: tuoyu against the limit of its stack, measured in the SAME run on the same data.
#
#   bench/run.sh            print a Markdown report
#   bench/run.sh --write    also put it into docs/benchmarks.md (everything above "## Fuzzing")
#
# What one run measures, on SQLite and (unless BENCH_PG=0) on PostgreSQL with the same rows (`tuoyu copy`):
# - wrk -t2 -c$CONNS -d$DURATION --latency: tuoyu's public page (/institutions/{id}), public GET by id, public
#   search (first page; a deep page by keyset `after` when the answer carries `next`, else by `page=`) and
#   registration push (a registrar token of every authority); the raw stack (bench/raw/raw.c: libmicrohttpd +
#   the same SQL + jansson, no auth, audit or framework) for by id, the 20-row search and a durable insert;
#   nginx serving a static file of the size of tuoyu's by-id answer (SQLite part only);
# - officials' dashboards and the county scoreboard, sequential curl as admin and as a county official;
# - tuoyu's RSS (VmHWM, VmRSS) and open fds after the load; start-up to the first 200 of /healthz (best of 3);
#   for PostgreSQL also the time of `tuoyu copy`.
# The run fails (exit 1, no --write unless BENCH_FORCE_WRITE=1) when any answer was not 2xx or a socket failed.
#
# Environment:
#   DURATION=10s CONNS=32          wrk's duration and connections
#   BENCH_DB=/path/n.db            the data set (its key file: BENCH_DB.keys or TUOYU_KEY_FILE); it is copied
#                                  into a temporary directory first (the benchmark writes) and never changed
#   BENCH_SCALE=national|province  without BENCH_DB: `tuoyu gen --scale … --seed 1` into BENCH_CACHE
#                                  (default ~/.cache/tuoyu-bench) once, then copied like BENCH_DB
#   BENCH_PG=0                     skip PostgreSQL; PGPORT picks the cluster's port (default: a free one)
#   DASH_N=20                      sequential requests per dashboard URL and role (fewer when one is slow)
#   DASH_URLS="/dash …"            the dashboard URLs (default: the list below); DASH_TIMEOUT=120 (s)
#   WRK_TIMEOUT=5s                 wrk's request timeout (a timed-out request counts as a failure)
#   BENCH_TMP=/dir                 where the copy and the cluster go (default: mktemp -d under /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WRITE=0
[ "${1:-}" = --write ] && WRITE=1
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
WRK_TIMEOUT=${WRK_TIMEOUT:-5s}
SCALE=${BENCH_SCALE:-national}
BENCH_PG=${BENCH_PG:-1}
DASH_N=${DASH_N:-20}
for tool in wrk nginx curl sqlite3 meson ninja; do
    command -v $tool >/dev/null || {
        echo "bench: $tool is missing" >&2
        exit 2
    }
done

BUILD=build-bench
[ -f $BUILD/build.ninja ] || meson setup $BUILD --buildtype=release >/dev/null
ninja -C $BUILD build.ninja >/dev/null 2>&1 || true
ninja -C $BUILD tuoyu bench/bench-raw >/dev/null
BIN=$ROOT/$BUILD/tuoyu
RAW=$ROOT/$BUILD/bench/bench-raw

now_ms() { echo $(($(date +%s%N) / 1000000)); }
log() { echo "bench: $*" >&2; }

# ---- processes: every one started here is killed on exit ----
PIDS=()
PGDIR=
tmp=${BENCH_TMP:-$(mktemp -d /tmp/tuoyu-bench.XXXXXX)}
mkdir -p "$tmp"
chmod 755 "$tmp"
# halt PID: TERM, up to 10 s to finish (tuoyu's shutdown waits for its daily job), then KILL.
halt() {
    kill "$1" 2>/dev/null || return 0
    for _ in $(seq 100); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$1" 2>/dev/null; then
        log "process $1 still running 10 s after TERM: killed"
        SLOW_STOPS=$((${SLOW_STOPS:-0} + 1))
        kill -9 "$1" 2>/dev/null || true
    fi
    wait "$1" 2>/dev/null || true
}
cleanup() {
    local p
    for p in "${PIDS[@]}"; do
        halt "$p"
    done
    [ -n "$PGDIR" ] && { "$ROOT/scripts/pg-cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || true; }
    [ -n "${BENCH_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# stop PID: end one process started here and forget it.
stop() {
    halt "$1"
    local keep=() p
    for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}

# A loopback port nobody listens on (tuoyu and MHD set SO_REUSEPORT: a busy port would be shared silently).
free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 20000))
        ss -Hltn "sport = :$p" | grep -q . || {
            echo $p
            return
        }
    done
}

# wait_200 URL: poll until it answers 200 (10 s at most).
wait_200() {
    for _ in $(seq 1000); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" = 200 ] && return 0
        sleep 0.01
    done
    echo "bench: $1 did not answer 200" >&2
    return 1
}


# ---- the data set ----
if [ -n "${BENCH_DB:-}" ]; then
    SRC=$BENCH_DB
    KEYS=${TUOYU_KEY_FILE:-$BENCH_DB.keys}
else
    CACHE=${BENCH_CACHE:-$HOME/.cache/tuoyu-bench}
    mkdir -p "$CACHE"
    SRC=$CACHE/$SCALE.db
    KEYS=$SRC.keys
    if [ ! -f "$SRC" ] || [ -f "$SRC.partial" ]; then
        log "generating the $SCALE data set into $SRC (once)"
        rm -f "$SRC" "$SRC-wal" "$SRC-shm" "$KEYS"
        touch "$SRC.partial"
        TUOYU_KEY_FILE=$KEYS "$BIN" gen --db "$SRC" --scale "$SCALE" --seed 1 >"$CACHE/$SCALE.gen.out"
        rm -f "$SRC.partial"
    fi
fi
if [ ! -f "$SRC" ] || [ ! -f "$KEYS" ]; then
    echo "bench: no data set $SRC with its key file $KEYS" >&2
    exit 2
fi
log "copying $SRC into $tmp"
# A consistent copy even when the source has a WAL: sqlite3's backup reads it, cp does not.
if [ -f "$SRC-wal" ] && [ -s "$SRC-wal" ]; then
    sqlite3 "file:$SRC?mode=ro" ".backup '$tmp/bench.db'"
else
    cp --reflink=auto "$SRC" "$tmp/bench.db"
fi
cp "$KEYS" "$tmp/bench.db.keys"
DB=$tmp/bench.db
export TUOYU_KEY_FILE=$tmp/bench.db.keys
# A data set made by an older binary gets this binary's schema (serve does not migrate).
"$BIN" init --db "$DB" >/dev/null

q() { sqlite3 "$DB" "$1"; }
N_INST=$(q "SELECT COUNT(*) FROM institutions")
N_FILED=$(q "SELECT COUNT(*) FROM institutions WHERE state = 'filed'")
N_CHILDREN=$(q "SELECT COUNT(*) FROM children")
N_CLASSES=$(q "SELECT COUNT(*) FROM classes")
N_DISTRICTS=$(q "SELECT COUNT(*) FROM districts")
N_CHECKS=$(q "SELECT COUNT(*) FROM health_checks" 2>/dev/null || echo "?")
DB_MB=$(($(stat -c %s "$DB") / 1048576))
log "data: $N_INST institutions ($N_FILED filed), $N_CHILDREN children, $N_DISTRICTS districts, $DB_MB MB"

# Ids, districts and a county of the data: 20,000 filed ids in random order (cold rows across the whole table),
# the 8 districts with the most filed institutions, the biggest one for the deep page.
q "SELECT id FROM institutions WHERE state = 'filed' ORDER BY random() LIMIT 20000" >"$tmp/ids"
export TUOYU_IDS_FILE=$tmp/ids
DISTRICTS=$(q "SELECT district_code FROM institutions WHERE state = 'filed' GROUP BY district_code
               ORDER BY COUNT(*) DESC, district_code LIMIT 8" | tr '\n' ' ')
export TUOYU_DISTRICTS=$DISTRICTS
BIG=${DISTRICTS%% *}
# The deep page: every district (no filter but the age), the last full page of 20 — the depth OFFSET pays for.
DEEP_AGE=24
DEEP_WHERE="state = 'filed' AND min_age_months <= $DEEP_AGE AND max_age_months >= $DEEP_AGE"
DEEP_TOTAL=$(q "SELECT COUNT(*) FROM institutions WHERE $DEEP_WHERE")
DEEP_PAGE=$(((DEEP_TOTAL - 1) / 20))
[ $DEEP_PAGE -le 100000 ] || DEEP_PAGE=100000
[ $DEEP_PAGE -ge 2 ] || DEEP_PAGE=2
# The keyset cursor of the same page: the id of the row just before its first.
DEEP_AFTER=$(q "SELECT id FROM institutions WHERE $DEEP_WHERE ORDER BY id LIMIT 1 OFFSET $(((DEEP_PAGE - 1) * 20 - 1))")
SAMPLE_ID=$(head -1 "$tmp/ids")
export TUOYU_DISTRICT=$BIG

# Accounts (on the copy): admin, a county official of the biggest district, a registrar of every authority.
printf 'bench-password-1234\n' >"$tmp/pw"
# Tokens are rate-limited per token (600 a minute by default); the benchmark's own tokens are not.
UNLIMITED="UPDATE api_tokens SET rate_per_minute = 1000000000 WHERE name = 'bench'"
accounts() { # DB
    "$BIN" user add --db "$1" --username bench_admin --role admin --password-file "$tmp/pw" >/dev/null
    "$BIN" user add --db "$1" --username bench_county --role county_official --district "$BIG" \
        --password-file "$tmp/pw" >/dev/null
    "$BIN" user add --db "$1" --username bench_registrar --role registrar --authority all \
        --password-file "$tmp/pw" >/dev/null
    TOK_ADMIN=$("$BIN" token create --db "$1" --user bench_admin --name bench | tail -1)
    TOK_COUNTY=$("$BIN" token create --db "$1" --user bench_county --name bench | tail -1)
    TOK_REG=$("$BIN" token create --db "$1" --user bench_registrar --name bench | tail -1)
}

# ---- measurements ----
declare -A R # R[engine.bench.rps|p99|bad]
FAIL=0

# bench ENGINE NAME URL [LUA]: one wrk run into R; non-2xx answers and socket errors count as failures.
bench() {
    local engine=$1 name=$2 url=$3 lua=${4:-} out rps p99 bad sock
    if [ -n "$lua" ]; then
        out=$(wrk -t2 -c"$CONNS" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency -s "$ROOT/bench/$lua" "$url" 2>&1)
    else
        out=$(wrk -t2 -c"$CONNS" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency "$url" 2>&1)
    fi
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    bad=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    sock=$(echo "$out" | awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}')
    bad=$((${bad:-0} + ${sock:-0}))
    R[$engine.$name.rps]=${rps:-0}
    R[$engine.$name.p99]=${p99:-?}
    R[$engine.$name.bad]=$bad
    if [ "$bad" != 0 ] || [ -z "$rps" ]; then
        FAIL=1
        log "FAILED: $engine $name: $bad non-2xx answers or socket errors"
        printf '    %s\n' "$out" >&2
    fi
    log "$engine $name: ${rps:-0} req/s, p99 ${p99:-?}, failures $bad"
}

# check URL [TOKEN]: the answer must be 2xx before it is benchmarked.
check() {
    local code
    code=$(curl -s -o "$tmp/check.out" -w '%{http_code}' ${2:+-H "Authorization: Bearer $2"} "$1")
    case $code in
    2??) ;;
    *)
        log "FAILED: $1 answered $code: $(head -c 300 "$tmp/check.out")"
        FAIL=1
        ;;
    esac
}

# Dashboards and the scoreboard: sequential requests, median and max in ms.
YEAR=$(date +%Y)
DASH_URLS=${DASH_URLS:-"/dash /dash/planning /dash/assessment /dash/institutions /dash/filings /api/v1/dashboard
/api/v1/planning /api/v1/assessment?year=$YEAR"}
DASH_TIMEOUT=${DASH_TIMEOUT:-120}
declare -A D # D[engine.role.url] = "median max n"
dashboards() { # ENGINE BASE
    local engine=$1 base=$2 role tok url code t start
    for role in admin county; do
        tok=$TOK_ADMIN
        [ $role = county ] && tok=$TOK_COUNTY
        for url in $DASH_URLS; do
            : >"$tmp/times"
            start=$(now_ms)
            for _ in $(seq "$DASH_N"); do
                read -r code t < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
                    --max-time "$DASH_TIMEOUT" -H "Authorization: Bearer $tok" "$base$url")
                if [ "${code:0:1}" != 2 ]; then
                    log "FAILED: $engine $role $url answered $code"
                    FAIL=1
                fi
                # A request cut by the timeout still runs in the server and would slow every later one:
                # restart the server before going on.
                awk -v t="$t" 'BEGIN { printf "%.1f\n", t * 1000 }' >>"$tmp/times"
                if [ "$code" = 000 ]; then
                    restart "${base##*:}"
                    break
                fi
                # A slow page: the samples of 15 s are enough to say so.
                [ $(($(now_ms) - start)) -gt 15000 ] && break
            done
            D[$engine.$role.$url]=$(sort -n "$tmp/times" | awk '{ v[NR] = $1 } END {
                m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f %.1f %d", m, v[NR], NR }')
            log "$engine $role $url: median/max/n ${D[$engine.$role.$url]}"
        done
    done
}

# serve DB PORT: start tuoyu; SERVER gets its pid.
serve() {
    "$BIN" serve --db "$1" --listen 127.0.0.1:"$2" --jobs off 2>>"$tmp/serve.log" &
    SERVER=$!
    PIDS+=("$SERVER")
    wait_200 "http://127.0.0.1:$2/healthz"
}

# restart PORT: stop the server under test (TUOYU_PID) and serve the same database on the same port again.
restart() {
    stop "$TUOYU_PID"
    serve "$TUOYU_DB" "$1"
    TUOYU_PID=$SERVER
}

# startup ENGINE DB: R[ENGINE.startup] = best of 3, ms from exec of `tuoyu serve` to the first 200 of /healthz.
startup() {
    local best=999999 port pid t0 t
    for _ in 1 2 3; do
        port=$(free_port)
        t0=$(date +%s%N)
        "$BIN" serve --db "$2" --listen 127.0.0.1:"$port" --jobs off 2>>"$tmp/serve.log" &
        pid=$!
        PIDS+=("$pid")
        until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" = 200 ]; do
            if ! kill -0 "$pid" 2>/dev/null; then
                log "FAILED: tuoyu serve exited during start-up"
                FAIL=1
                break
            fi
            sleep 0.005
        done
        t=$((($(date +%s%N) - t0) / 1000000))
        [ $t -lt $best ] && best=$t
        stop "$pid"
    done
    R[$1.startup]=$best
}

# memory PID ENGINE: VmHWM, VmRSS (MiB) and open fds of the server after the load.
memory() {
    local hwm rss
    hwm=$(awk '/VmHWM/ {print $2}' /proc/"$1"/status)
    rss=$(awk '/VmRSS/ {print $2}' /proc/"$1"/status)
    R[$2.hwm]=$(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }')
    R[$2.rss]=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
    R[$2.anon]=$(awk '/RssAnon/ { printf "%.1f", $2 / 1024 }' /proc/"$1"/status)
    R[$2.fds]=$(find /proc/"$1"/fd -mindepth 1 -maxdepth 1 | wc -l)
}

# suite ENGINE DB: everything of one engine. The reads come before the writes.
suite() {
    local engine=$1 db=$2 port rport base rbase deep rdeep
    accounts "$db"
    if [ "$engine" = sqlite ]; then
        q "$UNLIMITED"
    else
        psql -q "$db" -c "$UNLIMITED"
    fi
    startup "$engine" "$db"
    log "$engine start-up: ${R[$engine.startup]} ms"
    port=$(free_port)
    serve "$db" "$port"
    TUOYU_PID=$SERVER TUOYU_DB=$db
    base=http://127.0.0.1:$port
    rport=$(free_port)
    "$RAW" "$db" "$rport" 2>>"$tmp/raw.log" &
    local raw=$!
    PIDS+=("$raw")
    rbase=http://127.0.0.1:$rport
    wait_200 "$rbase/raw/institutions/$SAMPLE_ID"

    # The deep page: keyset when tuoyu's answer has a cursor, else OFFSET (page=); the raw stack the same way.
    curl -s "$base/api/v1/public/institutions?age_months=$DEEP_AGE" >"$tmp/first.json"
    if grep -q '"next"' "$tmp/first.json"; then
        R[deep_mode]="keyset (\`after=$DEEP_AFTER\`)"
        deep="$base/api/v1/public/institutions?age_months=$DEEP_AGE&after=$DEEP_AFTER"
        rdeep="$rbase/raw/search?age_months=$DEEP_AGE&after=$DEEP_AFTER"
    else
        R[deep_mode]="OFFSET (\`page=$DEEP_PAGE\`)"
        deep="$base/api/v1/public/institutions?age_months=$DEEP_AGE&page=$DEEP_PAGE"
        rdeep="$rbase/raw/search?age_months=$DEEP_AGE&page=$DEEP_PAGE"
    fi
    for u in "$base/institutions/$SAMPLE_ID" "$base/api/v1/public/institutions/$SAMPLE_ID" "$deep" \
        "$base/api/v1/public/institutions?district=$BIG&age_months=$DEEP_AGE" "$rbase/raw/institutions/$SAMPLE_ID" \
        "$rdeep" "$rbase/raw/search?district=$BIG&age_months=$DEEP_AGE"; do
        check "$u"
    done
    if [ "$engine" = sqlite ]; then
        curl -s "$base/api/v1/public/institutions/$SAMPLE_ID" >"$tmp/ng/static/institution.json"
        R[static.bytes]=$(stat -c %s "$tmp/ng/static/institution.json")
        R[byid.bytes]=${R[static.bytes]}
        R[rawbyid.bytes]=$(curl -s "$rbase/raw/institutions/$SAMPLE_ID" | wc -c)
        R[page.bytes]=$(curl -s "$base/institutions/$SAMPLE_ID" | wc -c)
    fi

    TUOYU_PATH=/institutions/ bench "$engine" page "$base" get_by_id.lua
    TUOYU_PATH=/api/v1/public/institutions/ bench "$engine" byid "$base" get_by_id.lua
    TUOYU_PATH=/raw/institutions/ bench "$engine" raw_byid "$rbase" get_by_id.lua
    bench "$engine" search "$base" search.lua
    TUOYU_SEARCH_PATH=/raw/search bench "$engine" raw_search "$rbase" search.lua
    bench "$engine" deep "$deep"
    bench "$engine" raw_deep "$rdeep"
    if [ "$engine" = sqlite ]; then
        bench "$engine" nginx "http://127.0.0.1:$NGPORT/institution.json"
    fi
    local prefix=A
    [ "$engine" = pg ] && prefix=B
    TUOYU_TOKEN=$TOK_REG TUOYU_PREFIX=$prefix bench "$engine" push "$base" push.lua
    TUOYU_PUSH_PATH=/raw/insert TUOYU_PREFIX=$prefix bench "$engine" raw_insert "$rbase" push.lua
    memory "$TUOYU_PID" "$engine"
    log "$engine tuoyu after load: VmHWM ${R[$engine.hwm]} MiB, VmRSS ${R[$engine.rss]} MiB, ${R[$engine.fds]} fds"
    stop "$raw"
    dashboards "$engine" "$base"
    stop "$TUOYU_PID"
}

# nginx: a static file of the size of tuoyu's by-id answer (written by the SQLite suite before its run).
NGPORT=$(free_port)
mkdir -p "$tmp/ng/static" "$tmp/ng/logs"
NGUSER=
[ "$(id -u)" = 0 ] && NGUSER="user root root;"
cat >"$tmp/ng/nginx.conf" <<EOF
$NGUSER
daemon off;
worker_processes $(nproc);
pid $tmp/ng/nginx.pid;
error_log $tmp/ng/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $tmp/ng/tmp_body;
    proxy_temp_path $tmp/ng/tmp_proxy;
    fastcgi_temp_path $tmp/ng/tmp_fcgi;
    uwsgi_temp_path $tmp/ng/tmp_uwsgi;
    scgi_temp_path $tmp/ng/tmp_scgi;
    default_type application/json;
    sendfile on;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$NGPORT;
        root $tmp/ng/static;
    }
}
EOF
echo '{}' >"$tmp/ng/static/institution.json"
nginx -p "$tmp/ng" -c "$tmp/ng/nginx.conf" 2>>"$tmp/ng/logs/error.log" &
PIDS+=($!)
wait_200 "http://127.0.0.1:$NGPORT/institution.json"

if [ "$BENCH_PG" != 0 ]; then
    command -v psql >/dev/null || {
        echo "bench: psql is missing (BENCH_PG=0 skips PostgreSQL)" >&2
        exit 2
    }
    PGDIR=$tmp/pg
    PGPORT=${PGPORT:-$(free_port)}
    "$ROOT/scripts/pg-cluster.sh" start "$PGDIR" "$PGPORT" >/dev/null
    createdb -h 127.0.0.1 -p "$PGPORT" -U postgres tuoyu
    PGURL="postgresql://postgres@127.0.0.1:$PGPORT/tuoyu"
    log "copying into PostgreSQL (tuoyu copy)"
    t0=$(now_ms)
    "$BIN" copy --from "$DB" --to "$PGURL" >"$tmp/copy.out" 2>&1 || {
        cat "$tmp/copy.out" >&2
        exit 1
    }
    R[pg.copy]=$(awk -v ms=$(($(now_ms) - t0)) 'BEGIN { printf "%.0f", ms / 1000 }')
    log "copy: ${R[pg.copy]} s"
fi

START=$(date -u '+%F %H:%M UTC')
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
suite sqlite "$DB"
if [ "$BENCH_PG" != 0 ]; then suite pg "$PGURL"; fi

# ---- the report ----
ratio() { awk -v a="${R[$1]}" -v b="${R[$2]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# p99 in ms from wrk's "1.23ms", "456.78us", "1.02s".
ms() { echo "$1" | awk '/us$/ { printf "%.2f", $1 / 1000; next } /ms$/ { printf "%.2f", $1 + 0; next }
                        /s$/ { printf "%.0f", $1 * 1000; next } { print "?" }'; }
ok() { awk -v v="$1" -v lim="$2" -v op="$3" 'BEGIN { if (v == "?") print "?"; else if (op == "ge")
    print (v + 0 >= lim ? "yes" : "**no**"); else print (v + 0 < lim ? "yes" : "**no**") }'; }
ENGINES=sqlite
[ "$BENCH_PG" != 0 ] && ENGINES="sqlite pg"
name() { [ "$1" = sqlite ] && echo SQLite || echo PostgreSQL; }

report() {
    local e b raw target p99t label r p
    echo "# Benchmarks"
    echo
    echo "Measured by \`bench/run.sh\` on $START: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo |
        sed 's/.*: //')), load average $LOAD at the start (the machine is shared), Linux $(uname -r)."
    echo "wrk -t2 -c$CONNS -d$DURATION --timeout $WRK_TIMEOUT --latency on loopback; wrk, tuoyu and the database share the cores."
    echo "Release build of $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src sql 2>/dev/null || echo ' (with local changes)')."
    echo "Data: \`tuoyu gen --scale $SCALE --seed 1\`: $N_INST institutions ($N_FILED filed), $N_CLASSES classes,"
    echo "$N_CHILDREN children, $N_CHECKS health checks, $N_DISTRICTS divisions; SQLite file $DB_MB MB. Reads cycle over"
    echo "20,000 random filed institutions and the 8 districts with the most filed ones; the deep page is page"
    echo "$DEEP_PAGE of every district at age $DEEP_AGE months ($DEEP_TOTAL matches), read by ${R[deep_mode]}."
    echo
    echo "## Against the raw stack, same run"
    echo
    echo "The raw stack (\`bench/raw/raw.c\`) is libmicrohttpd with tuoyu's options (epoll, a pool of $(nproc)"
    echo "threads), one connection per thread and tuoyu's SQL serialised with jansson: no auth, audit, logging or"
    echo "framework. Its by-id answer is the institution row of the public answer ($(printf %s "${R[rawbyid.bytes]}") bytes: inst_get and"
    echo "the vacancies); tuoyu's (${R[byid.bytes]} bytes) also reads the filing dossier, the supervision record, the"
    echo "rating, the fee schedule and the credit records. Its search is the same COUNT, page query and"
    echo "per-row vacancies; its insert a single-row \`BEGIN IMMEDIATE\`…\`COMMIT\` (SQLite \`synchronous=FULL\`;"
    echo "PostgreSQL \`synchronous_commit=on\`) into a table of its own. Failures: non-2xx answers and socket errors."
    echo
    echo "| benchmark | engine | tuoyu req/s | tuoyu p99 ms | raw req/s | raw p99 ms | tuoyu / raw | target | met | failures |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    for e in $ENGINES; do
        for b in page byid search deep push; do
            case $b in
            page) raw=raw_byid label="public page \`/institutions/{id}\` (${R[page.bytes]} B)" target=0.7 p99t=10 ;;
            byid) raw=raw_byid label="\`GET /api/v1/public/institutions/{id}\`" target=0.7 p99t=10 ;;
            search) raw=raw_search label="search, first page (20 rows + total)" target=0.7 p99t=20 ;;
            deep) raw=raw_deep label="search, page $DEEP_PAGE" target=0.7 p99t=20 ;;
            push) raw=raw_insert label="\`POST /api/v1/registrations\` vs durable insert" target=0.5 p99t= ;;
            esac
            r=$(ratio "$e.$b.rps" "$e.$raw.rps")
            p=$(ms "${R[$e.$b.p99]}")
            local met
            met=$(ok "$r" $target ge)
            [ -n "$p99t" ] && [ "$(ok "$p" "$p99t" lt)" != yes ] && met="**no** (p99)"
            echo "| $label | $(name "$e") | ${R[$e.$b.rps]} | $p | ${R[$e.$raw.rps]} | $(ms "${R[$e.$raw.p99]}") | $r |" \
                "≥ $target${p99t:+, p99 < $p99t ms} | $met | $((${R[$e.$b.bad]} + ${R[$e.$raw.bad]})) |"
        done
    done
    echo "| nginx, static file of ${R[static.bytes]} B | — | — | — | ${R[sqlite.nginx.rps]} | $(ms "${R[sqlite.nginx.p99]}") | $(ratio sqlite.byid.rps sqlite.nginx.rps) (SQLite by id / nginx) | — | — | ${R[sqlite.nginx.bad]} |"
    echo
    echo "## Officials' dashboards and the county scoreboard"
    echo
    echo "Sequential requests (curl, one at a time, up to $DASH_N per URL and role, fewer once 15 s are spent on"
    echo "it; a request is cut at $DASH_TIMEOUT s, counts as a failure and the server is restarted) with a bearer token: \`admin\` and a \`county_official\` of district $BIG. Target: < 200 ms."
    echo
    local hdr="| URL | role |" sep="|---|---|"
    for e in $ENGINES; do
        hdr+=" $(name "$e") median ms | max ms | n |"
        sep+="---|---|---|"
    done
    echo "$hdr met |"
    echo "$sep---|"
    for role in admin county; do
        for url in $DASH_URLS; do
            local line="| \`$url\` | $role |" met=yes
            for e in $ENGINES; do
                read -r med mx n <<<"${D[$e.$role.$url]:-? ? 0}"
                line+=" $med | $mx | $n |"
                [ "$(ok "$mx" 200 lt)" = yes ] || met="**no**"
            done
            echo "$line $met |"
        done
    done
    echo
    echo "## Server"
    echo
    local hdr2="| | target |" sep2="|---|---|"
    for e in $ENGINES; do
        hdr2+=" $(name "$e") |"
        sep2+="---|"
    done
    echo "$hdr2"
    echo "$sep2"
    local l1="| peak RSS (VmHWM, mapped database pages included) after the load, MiB | — |"
    local l2="| RSS (VmRSS) after the load, MiB | — |" l5="| server memory (RssAnon) after the load, MiB | < 128 |"
    local l3="| open file descriptors after the load | — |" l4="| start-up to the first 200 of /healthz, ms (best of 3) | < 1000 |"
    for e in $ENGINES; do
        l1+=" ${R[$e.hwm]} |"
        l2+=" ${R[$e.rss]} |"
        l3+=" ${R[$e.fds]} |"
        l4+=" ${R[$e.startup]} |"
        l5+=" ${R[$e.anon]} |"
    done
    printf '%s\n' "$l5" "$l1" "$l2" "$l3" "$l4"
    if [ "$BENCH_PG" != 0 ]; then
        echo "| \`tuoyu copy\` SQLite → PostgreSQL, s | — | | ${R[pg.copy]} |"
    fi
    echo
    echo "\`tuoyu serve\` ran with \`--jobs off\`: the daily jobs (yearly ban re-check, token log purge, compliance"
    echo "refresh of every institution) run at start-up and daily in a deployment, on a connection of their own;"
    echo "these figures are the steady state without them."
    echo
    echo "RSS is read from \`/proc/PID/status\` after all load of the engine. SQLite reads the database through"
    echo "mmap, so RSS includes the mapped pages of the file it touched (the OS page cache, shared); RssAnon, the"
    echo "server's own memory, is the figure the 128 MiB target is about. Failures above are counted, and a run"
    echo "with any fails."
}

report >"$tmp/report.md"
cat "$tmp/report.md"
if [ $FAIL != 0 ]; then
    echo "bench: FAILED: some answers were not 2xx (see above); docs/benchmarks.md not written" >&2
    [ -n "${BENCH_FORCE_WRITE:-}" ] || exit 1
fi
if [ $WRITE = 1 ]; then
    python3 - "$tmp/report.md" docs/benchmarks.md <<'EOF'
import sys
new = open(sys.argv[1], encoding="utf-8").read().rstrip("\n") + "\n\n"
doc = open(sys.argv[2], encoding="utf-8").read()
k = doc.find("\n## Fuzzing")
open(sys.argv[2], "w", encoding="utf-8").write(new + (doc[k + 1:] if k >= 0 else ""))
EOF
    log "wrote docs/benchmarks.md"
fi
