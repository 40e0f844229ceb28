#!/bin/sh
# The quality evaluation in one command: builds Release into build-bench/ when
# needed, then runs bench/eval_quality (bench/eval_quality.c) against a fresh
# scratch store home under build-bench/ (seeded from the bundled lists).
#
#   bench/run_quality.sh                 all figures (docs/QUALITY.md)
#   bench/run_quality.sh --markdown      the same as markdown tables
#   bench/run_quality.sh --sweep --only pairs      P/R/F1 for thresholds 0.50..0.95
#   bench/run_quality.sh --verbose --only negatives  every error case, explained
#   bench/run_quality.sh --only unscript  UN original-script names (even DATAID half)
#   bench/run_quality.sh --only multiscript   bench/data/multiscript_dev.tsv, top 5
#   options: --threshold T, --only pairs|un|negatives|cross|script|unscript|multiscript,
#            --verbose, --sweep, --markdown
#
# The build directory is $EMBARGO_BENCH_BUILD, else build-bench/.
# The data come from $EMBARGO_SHARED_DATA, else ../shared/data next to the repo.
set -e
cd "$(dirname "$0")/.."
root=$(pwd)
data=${EMBARGO_SHARED_DATA:-$root/../shared/data}
if [ ! -d "$data" ]; then
    echo "skipped: ../shared/data not found"
    exit 0
fi
export EMBARGO_SHARED_DATA="$data"
build=${EMBARGO_BENCH_BUILD:-$root/build-bench}
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DEMBARGO_TESTS=OFF >/dev/null
fi
if ! cmake --build "$build" --target eval_quality -j"$(nproc)" >"$build/build.log" 2>&1; then
    cat "$build/build.log" >&2
    exit 1
fi
home=$build/quality-home
rm -rf "$home"
mkdir -p "$home"
exec "$build/bench/eval_quality" --home "$home" "$@"
