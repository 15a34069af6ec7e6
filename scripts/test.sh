#!/usr/bin/env bash
# Build tuoyu and run every test against the built binary, on both database engines:
#   unit tests            meson test --suite unit (cmocka; every test case counts)
#   store tests, SQLite   meson test --suite store with TUOYU_TEST_DB=<temp file>
#   HTTP tests, SQLite    node --test tests/http
#   PostgreSQL            a throwaway cluster (scripts/pg-cluster.sh) on a free loopback port; the store tests
#                         (TUOYU_TEST_DB=postgresql://…/store) and the whole HTTP suite again with
#                         TUOYU_TEST_PG=postgresql://postgres@127.0.0.1:PORT (a fresh database per server);
#                         the cluster is stopped and removed at the end, also on failure
#   fuzz (short)          scripts/fuzz.sh short: every libFuzzer harness 20 s (clang, build-fuzz); normal pass only
#   browser tests         node --test tests/browser (Debian's Chromium), SQLite
#
#   scripts/test.sh                                   # build in build/
#   BUILD_DIR=build-asan MESON_OPTS="-Db_sanitize=address,undefined -Db_lundef=false" scripts/test.sh
#   TUOYU_SKIP_PG=1 TUOYU_SKIP_BROWSER=1 scripts/test.sh   # a quick local run: SQLite only
#
# Environment: BUILD_DIR (default build), MESON_OPTS (extra meson setup options), TUOYU_SKIP_BROWSER=1 (skip
# the browser tests), TUOYU_SKIP_FUZZ=1 (skip the short fuzz run; also skipped when MESON_OPTS sanitizes),
# TUOYU_SKIP_PG=1 (skip the PostgreSQL part; .ci/run clears it), TUOYU_PG_STORE_ONLY=1 (on
# PostgreSQL run the store tests but not the HTTP suite), CI=true (the browser tests
# and the store suite must run). The last line printed is "N passed, N failed, N skipped"; the exit status is
# non-zero when anything failed or nothing ran.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-build}
MESON_OPTS=${MESON_OPTS:-}
case "$BUILD_DIR" in /*) BUILD_ABS=$BUILD_DIR ;; *) BUILD_ABS=$ROOT/$BUILD_DIR ;; esac

passed=0
failed=0
skipped=0
timings=()
logs=$(mktemp -d)
pg_dir=

cleanup() {
    if [ -n "$pg_dir" ]; then
        scripts/pg-cluster.sh stop "$pg_dir" || true
        rm -rf "$pg_dir"
    fi
    rm -rf "$logs"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n==== %s\n' "$*"; }

# Add one part's counts to the totals and remember how long it took: count_part PART OK FAILED SKIPPED T0,
# where T0 is $SECONDS when the part started.
count_part() {
    local part=$1 p=$2 f=$3 s=${4:-0} t0=${5:-$SECONDS}
    say "$part tests: $p ok, $f not ok, $s skipped ($((SECONDS - t0)) s)"
    timings+=("$part: $p ok, $f not ok, $s skipped, $((SECONDS - t0)) s")
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
}

finish() {
    if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
        say "no test ran: counting that as a failure"
        failed=1
    fi
    if [ "${#timings[@]}" -gt 0 ]; then
        say "parts"
        printf '  %s\n' "${timings[@]}"
    fi
    echo
    echo "$passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
    exit $?
}

# The last "# <word> N" line of a TAP file (node's test runner summary), or 0.
tap_count() { awk -v w="$2" '$1 == "#" && $2 == w { n = $3 } END { print n + 0 }' "$1" 2>/dev/null || echo 0; }

# node --test over some files with a readable report on stdout and a TAP copy to count from.
#   run_node_tests PART CONCURRENCY FILE…   (extra environment for node: put it before the call)
run_node_tests() {
    local part=$1 tap=$logs/${1//[^a-z]/_}.tap concurrency=$2 t0=$SECONDS
    shift 2
    local opts=(--test --test-reporter=spec --test-reporter-destination=stdout
                --test-reporter=tap "--test-reporter-destination=$tap")
    if node --help 2>/dev/null | grep -q -- '--test-concurrency'; then opts+=("--test-concurrency=$concurrency"); fi
    say "$part tests: $*"
    TUOYU_BIN=$BUILD_ABS/tuoyu timeout --kill-after=30 1500 node "${opts[@]}" "$@"
    local rc=$?
    local p f c s
    p=$(tap_count "$tap" pass)
    f=$(tap_count "$tap" fail)
    c=$(tap_count "$tap" cancelled)
    s=$(tap_count "$tap" skipped)
    f=$((f + c))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "$part tests: node exited $rc without a failed test (crash or timeout): counting one failure"
        f=1
    fi
    count_part "$part" "$p" "$f" "$s" "$t0"
}

# The number after "KEY:" in meson test's closing summary (Ok, Fail, Timeout, …), or 0.
meson_count() { awk -F: -v k="$2" '$1 == k { gsub(/[ \t]/, "", $2); n = $2 } END { print n + 0 }' "$1"; }

# One meson test suite, verbose, counted by cmocka test case: every test executable prints
# "[  PASSED  ] N test(s)." and, when some failed, "[  FAILED  ] N test(s), listed below:". An executable that
# meson counts as failed without a cmocka FAILED line (a crash, a timeout, an abort) counts as one failure
# more. When no cmocka line is found at all, meson's own Ok/Fail counts are used. Skipped: meson's (exit 77)
# plus cmocka's "[  SKIPPED ] N test(s)".
#   run_meson_suite PART SUITE [NAME=VALUE…]   (the environment of the tests)
run_meson_suite() {
    local part=$1 suite=$2 log=$logs/${1//[^a-z]/_}.log t0=$SECONDS
    shift 2
    say "$part tests: meson test --suite $suite $*"
    env "$@" meson test -C "$BUILD_DIR" --suite "$suite" -v --print-errorlogs >"$log" 2>&1
    local rc=$?
    cat "$log"
    local mp mf cp cf cfl p f s
    mp=$(meson_count "$log" Ok)
    s=$(( $(meson_count "$log" Skipped) + $(awk '/\[  SKIPPED \] [0-9]+ test\(s\)/ { sub(/.*\[  SKIPPED \] /, ""); n += $1 } END { print n + 0 }' "$log") ))
    mf=$(( $(meson_count "$log" Fail) + $(meson_count "$log" Timeout) + $(meson_count "$log" 'Unexpected Pass') ))
    cp=$(awk '/\[  PASSED  \] [0-9]+ test\(s\)/ { sub(/.*\[  PASSED  \] /, ""); n += $1 } END { print n + 0 }' "$log")
    cf=$(awk '/\[  FAILED  \] [0-9]+ test\(s\)/ { sub(/.*\[  FAILED  \] /, ""); n += $1 } END { print n + 0 }' "$log")
    cfl=$(grep -cE '\[  FAILED  \] [0-9]+ test\(s\)' "$log")
    if [ "$cp" -eq 0 ] && [ "$cf" -eq 0 ]; then
        p=$mp
        f=$mf
    else
        p=$cp
        f=$((cf + (mf > cfl ? mf - cfl : 0)))
    fi
    if grep -q 'No suitable tests defined' "$log"; then
        if [ "${CI:-}" = "true" ]; then
            echo "$part tests: meson knows no test in suite $suite, and under CI it must run: counting one failure"
            f=$((f + 1))
        else
            echo "$part tests: meson knows no test in suite $suite"
        fi
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "$part tests: meson test exited $rc without a failed test: counting one failure"
        f=1
    fi
    count_part "$part" "$p" "$f" "$s" "$t0"
}

# A loopback TCP port that was free a moment ago.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The PostgreSQL part: a throwaway cluster, the store suite and the whole HTTP suite on it, then stop it.
run_pg_part() {
    local t0=$SECONDS port='' _ pg
    say "PostgreSQL: starting a throwaway cluster"
    pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/tuoyu-pg.XXXXXX")
    for _ in 1 2 3; do
        port=$(free_port)
        if scripts/pg-cluster.sh start "$pg_dir" "$port"; then break; fi
        port=
    done
    if [ -z "$port" ]; then
        say "FAILED: the PostgreSQL cluster did not start (scripts/pg-cluster.sh start $pg_dir)"
        failed=$((failed + 1))
        return
    fi
    pg=postgresql://postgres@127.0.0.1:$port
    timings+=("postgresql cluster start: $((SECONDS - t0)) s")
    say "PostgreSQL: $pg (cluster in $pg_dir)"

    if createdb -h 127.0.0.1 -p "$port" -U postgres store; then
        run_meson_suite "store (postgresql)" store "TUOYU_TEST_DB=$pg/store"
    else
        say "FAILED: createdb store"
        failed=$((failed + 1))
    fi
    if [ -n "${TUOYU_PG_STORE_ONLY:-}" ]; then
        say "SKIPPED!!! http (postgresql): TUOYU_PG_STORE_ONLY=$TUOYU_PG_STORE_ONLY (the store tests ran on PostgreSQL)"
    else
        TUOYU_TEST_PG=$pg run_node_tests "http (postgresql)" 2 tests/http/*.test.mjs
    fi

    scripts/pg-cluster.sh stop "$pg_dir" || { say "FAILED: the PostgreSQL cluster did not stop"; failed=$((failed + 1)); }
    rm -rf "$pg_dir"
    pg_dir=
}

say "dependencies"
if ! scripts/install-deps.sh; then
    echo "scripts/install-deps.sh failed"
    failed=$((failed + 1))
    finish
fi

say "build in $BUILD_DIR ${MESON_OPTS:+($MESON_OPTS)}"
# shellcheck disable=SC2086 # MESON_OPTS is a list of options
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    meson setup "$BUILD_DIR" $MESON_OPTS || { failed=$((failed + 1)); finish; }
elif [ -n "$MESON_OPTS" ]; then
    meson configure "$BUILD_DIR" $MESON_OPTS || { failed=$((failed + 1)); finish; }
fi
if ! ninja -C "$BUILD_DIR"; then
    echo "build failed"
    failed=$((failed + 1))
    finish
fi

run_meson_suite unit unit
run_meson_suite "store (sqlite)" store "TUOYU_TEST_DB=$logs/store.db"
run_node_tests "http (sqlite)" 2 tests/http/*.test.mjs

# The deployment files: systemd-analyze verify and nginx -t (tests/deploy/check.sh prints ok / not ok lines).
t0=$SECONDS
TUOYU_BIN=$BUILD_ABS/tuoyu tests/deploy/check.sh >"$logs/deploy.log" 2>&1
cat "$logs/deploy.log"
count_part deploy "$(grep -c '^ok - ' "$logs/deploy.log")" "$(grep -c '^not ok - ' "$logs/deploy.log")" 0 "$t0"

# The short fuzz run: every libFuzzer harness of tests/fuzz for FUZZ_SECONDS (default 20) s on a copy of its
# corpus, built with clang in build-fuzz (scripts/fuzz.sh prints one ok / not ok line per harness). Only in
# the normal pass: the harnesses carry ASan + UBSan themselves, so the sanitizer pass (MESON_OPTS with
# -Db_sanitize, or TUOYU_SKIP_FUZZ=1) leaves them out.
if [ -n "${TUOYU_SKIP_FUZZ:-}" ] || [[ "$MESON_OPTS" == *sanitize* ]]; then
    say "SKIPPED: fuzz (short): this is the sanitizer pass or TUOYU_SKIP_FUZZ=${TUOYU_SKIP_FUZZ:-} (it runs in the normal pass)"
else
    t0=$SECONDS
    say "fuzz (short): scripts/fuzz.sh short"
    scripts/fuzz.sh short >"$logs/fuzz.log" 2>&1
    rc=$?
    cat "$logs/fuzz.log"
    if [ "$rc" -eq 77 ]; then
        if [ "${CI:-}" = "true" ]; then
            say "FAILED: clang with libFuzzer is missing, and under CI the fuzz run must run"
            failed=$((failed + 1))
        else
            say "SKIPPED!!! fuzz (short): clang with libFuzzer is missing (apt-get install clang libclang-rt-14-dev)"
        fi
    else
        fp=$(grep -c '^ok - fuzz_' "$logs/fuzz.log")
        ff=$(grep -c '^not ok - fuzz_' "$logs/fuzz.log")
        if [ "$rc" -ne 0 ] && [ "$ff" -eq 0 ]; then
            echo "fuzz (short): scripts/fuzz.sh exited $rc without a failed harness (build failure?): counting one failure"
            ff=1
        fi
        count_part "fuzz (short)" "$fp" "$ff" 0 "$t0"
    fi
fi

if [ -n "${TUOYU_SKIP_PG:-}" ]; then
    say "SKIPPED!!! PostgreSQL part: store and HTTP tests on PostgreSQL (TUOYU_SKIP_PG=$TUOYU_SKIP_PG)"
else
    run_pg_part
fi

if [ -n "${TUOYU_SKIP_BROWSER:-}" ]; then
    say "SKIPPED: browser tests (TUOYU_SKIP_BROWSER=$TUOYU_SKIP_BROWSER)"
elif [ ! -x /usr/bin/chromium ]; then
    if [ "${CI:-}" = "true" ]; then
        say "FAILED: /usr/bin/chromium is missing, and under CI the browser tests must run"
        failed=$((failed + 1))
    else
        say "SKIPPED!!! browser tests: /usr/bin/chromium is missing (apt-get install chromium)"
    fi
else
    run_node_tests browser 1 tests/browser/*.test.mjs
fi

finish
