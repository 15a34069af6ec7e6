#!/usr/bin/env bash
# Run the libFuzzer harnesses of tests/fuzz (one per parser/validator: see each harness's header comment).
#
#   scripts/fuzz.sh short            # every harness FUZZ_SECONDS (default 20) s: the CI run
#   scripts/fuzz.sh long SECONDS     # the campaign: every harness SECONDS s
#   FUZZ_MERGE=1 scripts/fuzz.sh long 600   # … and merge what it found back into tests/fuzz/corpus
#
# Builds build-fuzz (CC=clang meson setup build-fuzz -Dfuzz=true) when needed, then runs each harness on a
# COPY of its corpus tests/fuzz/corpus/<target> in a temporary directory (the repository is not modified,
# except by FUZZ_MERGE=1 in long mode), with its dictionary tests/fuzz/<target>.dict when there is one.
# A crash, a leak, a timeout (an input running over 10 s) or an out-of-memory fails the target; the input
# that did it is kept in $BUILD_FUZZ/fuzz-artifacts/<target>/ (reproduce: build-fuzz/tests/fuzz/fuzz_<target>
# <file>). Prints one line per target,
#   ok - fuzz_<target>: N execs (N/s), cov N ft N, corpus N inputs N bytes, 0 crashes, N s
# (or "not ok - …"), the figures being libFuzzer's final statistics, and exits non-zero when a target failed.
# Exits 77 (skipped) when clang or its libFuzzer runtime is missing (apt-get install clang libclang-rt-14-dev).
#
# Environment: FUZZ_SECONDS (short mode's seconds per target, default 20), FUZZ_JOBS (harnesses at once,
# default 2), FUZZ_TARGETS (a space-separated subset, e.g. "csv jspec"), FUZZ_MERGE=1 (long mode: minimize
# the campaign's corpus with -merge=1 into tests/fuzz/corpus/<target>, keeping the hand-made seed-* files),
# BUILD_FUZZ (default build-fuzz), CC (default clang).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD

mode=${1:-}
case "$mode" in
short) seconds=${FUZZ_SECONDS:-20} ;;
long)
    seconds=${2:-}
    if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
        echo "usage: scripts/fuzz.sh long SECONDS" >&2
        exit 2
    fi
    ;;
*)
    echo "usage: scripts/fuzz.sh short | long SECONDS" >&2
    exit 2
    ;;
esac
read -r -a targets <<<"${FUZZ_TARGETS:-jspec router csv codes html multipart}"
jobs=${FUZZ_JOBS:-2}
BUILD_FUZZ=${BUILD_FUZZ:-build-fuzz}
case "$BUILD_FUZZ" in /*) BUILD_FUZZ_ABS=$BUILD_FUZZ ;; *) BUILD_FUZZ_ABS=$ROOT/$BUILD_FUZZ ;; esac
export CC=${CC:-clang}

# libFuzzer needs clang and its runtime (libclang-rt-*-dev): probe with a one-line harness.
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe/p.c"
if ! command -v "$CC" >/dev/null 2>&1 || ! "$CC" -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
    echo "fuzz: SKIPPED!!! $CC with libFuzzer (-fsanitize=fuzzer) is not available (apt-get install clang libclang-rt-14-dev)"
    exit 77
fi

echo "fuzz: building in $BUILD_FUZZ"
if [ ! -f "$BUILD_FUZZ/build.ninja" ]; then
    meson setup "$BUILD_FUZZ" -Dfuzz=true >"$probe/setup.log" 2>&1 || { cat "$probe/setup.log"; echo "fuzz: meson setup failed"; exit 1; }
fi
ninja -C "$BUILD_FUZZ" "${targets[@]/#/tests/fuzz/fuzz_}" || { echo "fuzz: build failed"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tuoyu-fuzz.XXXXXX")
trap 'rm -rf "$probe" "$work"' EXIT
trap 'exit 130' INT TERM
artifacts=$BUILD_FUZZ_ABS/fuzz-artifacts

# Run one target; writes its summary line to $work/<target>.line.
run_one() {
    local t=$1 bin=$BUILD_FUZZ_ABS/tests/fuzz/fuzz_$1 dir=$work/$1 log=$work/$1.log t0=$SECONDS
    mkdir -p "$dir/corpus" "$dir/artifacts"
    if [ -d "tests/fuzz/corpus/$t" ]; then cp -R "tests/fuzz/corpus/$t/." "$dir/corpus/"; fi
    local opts=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
                -artifact_prefix="$dir/artifacts/" -close_fd_mask=1)
    if [ -f "tests/fuzz/$t.dict" ]; then opts+=(-dict="tests/fuzz/$t.dict"); fi
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
        "$bin" "${opts[@]}" "$dir/corpus" >"$log" 2>&1
    local rc=$?
    local execs rate cov ft corp bytes crashes
    execs=$(awk '/^stat::number_of_executed_units:/ { print $NF }' "$log" | tail -n 1)
    rate=$(awk '/^stat::average_exec_per_sec:/ { print $NF }' "$log" | tail -n 1)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
    ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
    corp=$(find "$dir/corpus" -type f | wc -l)
    bytes=$(find "$dir/corpus" -type f -printf '%s\n' | awk '{ n += $1 } END { print n + 0 }')
    crashes=$(find "$dir/artifacts" -type f | wc -l)
    local status=ok
    if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ] || grep -qE '^==[0-9]+==ERROR|^SUMMARY: |runtime error:' "$log"; then
        status="not ok"
        [ "$crashes" -eq 0 ] && crashes=1
        mkdir -p "$artifacts/$t"
        cp "$dir/artifacts/"* "$artifacts/$t/" 2>/dev/null
        cp "$log" "$artifacts/$t/fuzz_$t.log"
        {
            echo "---- fuzz_$t failed (exit $rc); log and inputs in $artifacts/$t/"
            grep -E -A25 '^==[0-9]+==ERROR|runtime error:|deadly signal|ERROR: libFuzzer' "$log" | head -n 60
        } >"$work/$t.fail"
    fi
    printf '%s - fuzz_%s: %s execs (%s/s), cov %s ft %s, corpus %s inputs %s bytes, %s crashes, %s s\n' \
        "$status" "$t" "${execs:-0}" "${rate:-0}" "${cov:-0}" "${ft:-0}" "$corp" "$bytes" "$crashes" \
        "$((SECONDS - t0))" >"$work/$t.line"

    if [ "$mode" = long ] && [ -n "${FUZZ_MERGE:-}" ] && [ "$status" = ok ]; then
        # Minimize: the hand-made seeds, plus whatever of the campaign's corpus adds coverage to them.
        local merged=$dir/merged
        mkdir -p "$merged"
        find "tests/fuzz/corpus/$t" -maxdepth 1 -name 'seed-*' -exec cp {} "$merged/" \;
        if "$bin" -merge=1 -timeout=10 -rss_limit_mb=2048 "$merged" "$dir/corpus" >"$dir/merge.log" 2>&1; then
            find "tests/fuzz/corpus/$t" -maxdepth 1 -type f ! -name 'seed-*' -delete
            find "$merged" -maxdepth 1 -type f ! -name 'seed-*' -exec cp {} "tests/fuzz/corpus/$t/" \;
            echo "fuzz_$t: merged into tests/fuzz/corpus/$t ($(find "tests/fuzz/corpus/$t" -type f | wc -l) files)" >>"$work/$t.line"
        else
            echo "fuzz_$t: the merge failed (see $dir/merge.log); the repository corpus is unchanged" >>"$work/$t.line"
        fi
    fi
}

echo "fuzz: ${targets[*]}, $seconds s each, $jobs at a time"
running=0
for t in "${targets[@]}"; do
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
    run_one "$t" &
    running=$((running + 1))
done
wait

failed=0
for t in "${targets[@]}"; do
    [ -f "$work/$t.fail" ] && cat "$work/$t.fail"
done
for t in "${targets[@]}"; do
    if [ -f "$work/$t.line" ]; then cat "$work/$t.line"; else echo "not ok - fuzz_$t: did not run"; fi
    grep -q '^ok - ' "$work/$t.line" 2>/dev/null || failed=$((failed + 1))
done
[ "$failed" -eq 0 ]
