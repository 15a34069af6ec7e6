#!/usr/bin/env bash
# Build tuoyu and run every test: unit tests (meson, cmocka), HTTP tests (node --test tests/http) and browser
# tests (node --test tests/browser, Debian's Chromium) against the built binary.
#
#   scripts/test.sh                                   # build in build/
#   BUILD_DIR=build-asan MESON_OPTS="-Db_sanitize=address,undefined -Db_lundef=false" scripts/test.sh
#
# Environment: BUILD_DIR (default build), MESON_OPTS (extra meson setup options), TUOYU_SKIP_BROWSER=1 (skip
# the browser tests), CI=true (the browser tests must run). The last line printed is "N passed, N failed";
# the exit status is non-zero when anything failed or nothing ran.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-build}
MESON_OPTS=${MESON_OPTS:-}
case "$BUILD_DIR" in /*) BUILD_ABS=$BUILD_DIR ;; *) BUILD_ABS=$ROOT/$BUILD_DIR ;; esac

passed=0
failed=0
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

say() { printf '\n==== %s\n' "$*"; }

finish() {
    if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
        say "no test ran: counting that as a failure"
        failed=1
    fi
    echo
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

# The last "# <word> N" line of a TAP file (node's test runner summary), or 0.
tap_count() { awk -v w="$2" '$1 == "#" && $2 == w { n = $3 } END { print n + 0 }' "$1" 2>/dev/null || echo 0; }

# node --test over some files with a readable report on stdout and a TAP copy to count from.
run_node_tests() {
    local part=$1 tap=$logs/$1.tap concurrency=$2
    shift 2
    local opts=(--test --test-reporter=spec --test-reporter-destination=stdout
                --test-reporter=tap "--test-reporter-destination=$tap")
    if node --help 2>/dev/null | grep -q -- '--test-concurrency'; then opts+=("--test-concurrency=$concurrency"); fi
    say "$part tests: $*"
    TUOYU_BIN=$BUILD_ABS/tuoyu timeout --kill-after=30 1500 node "${opts[@]}" "$@"
    local rc=$?
    local p f c
    p=$(tap_count "$tap" pass)
    f=$(tap_count "$tap" fail)
    c=$(tap_count "$tap" cancelled)
    f=$((f + c))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "$part tests: node exited $rc without a failed test (crash or timeout): counting one failure"
        f=1
    fi
    say "$part tests: $p ok, $f not ok"
    passed=$((passed + p))
    failed=$((failed + f))
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

say "unit tests"
meson test -C "$BUILD_DIR" --suite unit --print-errorlogs 2>&1 | tee "$logs/unit.log"
rc=${PIPESTATUS[0]}
count() { awk -F: -v k="$1" '$1 == k { gsub(/[ \t]/, "", $2); n = $2 } END { print n + 0 }' "$logs/unit.log"; }
up=$(count Ok)
uf=$(( $(count Fail) + $(count Timeout) + $(count 'Unexpected Pass') ))
if [ "$rc" -ne 0 ] && [ "$uf" -eq 0 ]; then
    echo "meson test exited $rc without a failed test: counting one failure"
    uf=1
fi
say "unit tests: $up ok, $uf not ok"
passed=$((passed + up))
failed=$((failed + uf))

run_node_tests http 2 tests/http/*.test.mjs

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
