#!/bin/sh
# run_perf.sh - the performance benchmark in one command: builds a Release
# tree in build-bench/ (when needed), then runs bench_match, which prints the
# figures (machine, snapshot compile and open, latency, throughput, memory,
# scaling on synthetic lists of 10k / 100k / 1M entities).
#
#   bench/run_perf.sh                      full run (several minutes)
#   bench/run_perf.sh --quick --max-size 100000   quick run
#   bench/run_perf.sh --markdown           markdown tables for docs/PERFORMANCE.md
#
# Other options are passed to bench_match (--threads N, --keep, --work DIR).
# $EMBARGO_SHARED_DATA overrides the location of ../shared/data; when the data
# is absent the benchmark prints "skipped: ..." and exits 0.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-bench"

# the data first: no half-minute build to learn that it is absent
shared="${EMBARGO_SHARED_DATA:-../shared/data}"
if [ ! -d "$shared" ]; then
    echo "skipped: ../shared/data not found ($shared); set EMBARGO_SHARED_DATA"
    exit 0
fi
echo "run_perf: building bench_match (Release) in $build ..." >&2

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DEMBARGO_TESTS=OFF >/dev/null
cmake --build "$build" --target bench_match -j"$(nproc 2>/dev/null || echo 2)" >/dev/null

exec "$build/bench/bench_match" --work "$build/bench-work" "$@"
