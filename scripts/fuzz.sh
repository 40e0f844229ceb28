#!/bin/sh
# scripts/fuzz.sh - long fuzzing runs (tests/fuzz): builds the fuzz build
# (build-fuzz/, clang, -DEMBARGO_FUZZ=ON) and runs every fuzz target, one
# after the other, for N seconds each, keeping each target's corpus in
# build-fuzz/corpus/<target> (seeded from build-fuzz/tests/fuzz/seeds/<target>)
# so that the next run starts where this one stopped. Prints per target the
# executions, exec/s, corpus size and crashes; a crashing input is saved as
# build-fuzz/crashes/<target>-crash-* and the script stops with status 1.
#
#   scripts/fuzz.sh [--seconds N] [--target NAME]... [--jobs J] [--no-build]
#
# --jobs J runs J fuzzing processes per target (libFuzzer -jobs/-workers).
# Every crash becomes a regression test: put the input under
# tests/data/fuzz/<target>/ (tests/unit/test_fuzz_regressions.c replays it).
set -e
cd "$(dirname "$0")/.."
seconds=60
jobs=1
build=1
targets=
while [ $# -gt 0 ]; do
    case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --target) targets="$targets ${2#fuzz_}"; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
B=build-fuzz
if [ $build = 1 ]; then
    CC=clang cmake -S . -B $B -DEMBARGO_FUZZ=ON -DEMBARGO_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug \
        -DCMAKE_C_FLAGS_DEBUG="-g -O1" >/dev/null
    cmake --build $B -j"${BUILD_JOBS:-2}" --target fuzz >/dev/null
fi
if [ -z "$targets" ]; then
    for f in $B/tests/fuzz/fuzz_*; do
        [ -x "$f" ] && targets="$targets ${f##*/fuzz_}"
    done
fi
mkdir -p $B/corpus $B/crashes $B/logs
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
printf '%-20s %12s %9s %8s %9s %s\n' target executions exec/s corpus cov crashes
for t in $targets; do
    exe=$B/tests/fuzz/fuzz_$t
    [ -x "$exe" ] || { echo "fuzz.sh: no target $t ($exe)" >&2; exit 2; }
    corpus=$B/corpus/$t
    mkdir -p "$corpus"
    dict=
    [ -f "$exe.dict" ] && dict=-dict=$exe.dict
    before=$(find $B/crashes -name "$t-*" | wc -l)
    log=$B/logs/$t.log
    par=
    [ "$jobs" -gt 1 ] && par="-jobs=$jobs -workers=$jobs"
    set +e
    # shellcheck disable=SC2086
    "$exe" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=3072 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix=$B/crashes/$t- $dict $par \
        "$corpus" "$B/tests/fuzz/seeds/$t" >"$log" 2>&1
    rc=$?
    set -e
    [ "$jobs" -gt 1 ] && cat fuzz-*.log >>"$log" 2>/dev/null && rm -f fuzz-*.log
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s+=$2} END {print s+0}')
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | awk '{s+=$2} END {print s+0}')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
    size=$(find "$corpus" -type f | wc -l)
    crashes=$(($(find $B/crashes -name "$t-*" | wc -l) - before))
    [ $rc -ne 0 ] && [ "$crashes" -eq 0 ] && crashes="rc=$rc"
    printf '%-20s %12s %9s %8s %9s %s\n' "$t" "$execs" "$rate" "$size" "${cov:-?}" "$crashes"
    if [ $rc -ne 0 ]; then
        echo "fuzz.sh: $t failed (exit $rc); see $log; inputs: $(ls $B/crashes/$t-* 2>/dev/null | tr '\n' ' ')" >&2
        grep -E 'ERROR|runtime error|fuzz oracle|SUMMARY' "$log" | head -5 >&2
        status=1
        break
    fi
done
exit $status
