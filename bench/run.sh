#!/usr/bin/env bash
# Benchmarks of issue 3: registry read by id, public search and registration push, on SQLite and on
# PostgreSQL, measured in the same run on the same data (the 十堰 demo, copied from SQLite to PostgreSQL with
# `tuoyu copy`). Prints a Markdown table with the PostgreSQL/SQLite ratio; `bench/run.sh --write` also puts it
# into docs/benchmarks.md. Needs wrk and PostgreSQL (scripts/pg-cluster.sh); builds a release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
BUILD=build-bench
[ -f $BUILD/build.ninja ] || meson setup $BUILD --buildtype=release >/dev/null
ninja -C $BUILD tuoyu >/dev/null
BIN=$BUILD/tuoyu
tmp=$(mktemp -d)
chmod 755 "$tmp"
PGPORT=${PGPORT:-55499}
cleanup() {
    [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    scripts/pg-cluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

"$BIN" demo --db "$tmp/demo.db" >/dev/null 2>&1
# Both engines serve the same data with the same key file (personal data is sealed with it).
export TUOYU_KEY_FILE=$tmp/demo.db.keys
scripts/pg-cluster.sh start "$tmp/pg" "$PGPORT" >/dev/null
createdb -h 127.0.0.1 -p "$PGPORT" -U postgres tuoyu
PGURL="postgresql://postgres@127.0.0.1:$PGPORT/tuoyu"
"$BIN" copy --from "$tmp/demo.db" --to "$PGURL" | tail -1

IDS=$(sqlite3 "$tmp/demo.db" "SELECT group_concat(id, ' ') FROM institutions WHERE state = 'filed'")
export TUOYU_IDS=$IDS

# wrk_run NAME URL LUA → requests/s and p99 latency (ms)
wrk_run() {
    local out
    out=$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "$3" "$2" 2>&1)
    local rps p99 non2xx
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    echo "$1 ${rps:-0} ${p99:-?} ${non2xx:-0}"
}

# serve DB: start the server on a port and wait for /healthz.
serve() {
    "$BIN" serve --db "$1" --listen 127.0.0.1:18180 2>/dev/null &
    SERVER=$!
    for _ in $(seq 100); do curl -sf http://127.0.0.1:18180/healthz >/dev/null && return 0; sleep 0.05; done
    echo "server did not start" >&2
    return 1
}

declare -A R
for engine in sqlite pg; do
    db=$tmp/demo.db
    [ $engine = pg ] && db=$PGURL
    serve "$db"
    export TUOYU_TOKEN
    TUOYU_TOKEN=$("$BIN" token create --db "$db" --user registrar | tail -1)
    export TUOYU_PREFIX
    TUOYU_PREFIX=$([ $engine = sqlite ] && echo A || echo B)
    for b in get_by_id search push; do
        read -r name rps p99 bad < <(wrk_run "$b" http://127.0.0.1:18180 "bench/$b.lua")
        R[$engine.$b.rps]=$rps
        R[$engine.$b.p99]=$p99
        R[$engine.$b.bad]=$bad
    done
    kill "$SERVER"
    wait "$SERVER" 2>/dev/null || true
    SERVER=
done

table="| benchmark | SQLite req/s | SQLite p99 | PostgreSQL req/s | PostgreSQL p99 | PostgreSQL / SQLite |
|---|---|---|---|---|---|"
for b in get_by_id search push; do
    ratio=$(awk -v a="${R[pg.$b.rps]}" -v b="${R[sqlite.$b.rps]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    table+="
| $b | ${R[sqlite.$b.rps]} | ${R[sqlite.$b.p99]} | ${R[pg.$b.rps]} | ${R[pg.$b.p99]} | $ratio |"
    for e in sqlite pg; do
        [ "${R[$e.$b.bad]}" = 0 ] || echo "warning: $e $b had ${R[$e.$b.bad]} non-2xx answers" >&2
    done
done
echo "$table"
if [ "${1:-}" = --write ]; then
    {
        echo "# Benchmarks"
        echo
        echo "Measured by \`bench/run.sh\` on $(date -u +%F), $(nproc) cores, wrk -t2 -c$CONNS -d$DURATION on loopback"
        echo "(wrk shares the cores with the server and the database). Data: the 十堰 demo (300 institutions), the"
        echo "same rows in both engines (\`tuoyu copy\`). Release build. Ratios compare the two engines measured in"
        echo "the same run; absolute figures vary with the machine."
        echo
        echo "$table"
        echo
        echo "- get_by_id: \`GET /api/v1/public/institutions/{id}\` cycling over the filed institutions."
        echo "- search: \`GET /api/v1/public/institutions?district=…&age_months=…\` (20 rows and the total)."
        echo "- push: \`POST /api/v1/registrations\`, each a new valid USCC: a durable insert with history and audit"
        echo "  (SQLite \`synchronous=FULL\`; PostgreSQL \`synchronous_commit=on\`)."
    } >docs/benchmarks.md
    echo "wrote docs/benchmarks.md"
fi
