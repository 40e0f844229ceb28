#!/bin/sh
# run_payments.sh - the payment screening benchmark in one command: builds a
# Release tree (build-pay-rel/, or $EMBARGO_BENCH_BUILD) when needed, then
# runs bench_payments, which prints MT103 and pacs.008 messages per second
# (one thread, and N threads with the figure per thread) and the latency of
# one message (p50, p90, p99, max) on the bundled lists.
#
#   bench/run_payments.sh                    20,000 messages per format
#   bench/run_payments.sh --messages 50000 --threads 2
#   bench/run_payments.sh --markdown         the table of docs/PERFORMANCE.md
#   bench/run_payments.sh --only mt103       one format (mt103 or pacs008), e.g. under perf
#   bench/run_payments.sh --dump FILE        no timing: every result's JSON into FILE, to
#                                            compare two builds' results with cmp
#
# The home is a scratch one seeded from the bundled lists (build/bench-payments-home),
# unless --home DIR is given.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build="${EMBARGO_BENCH_BUILD:-$root/build-pay-rel}"

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DEMBARGO_TESTS=OFF >/dev/null
cmake --build "$build" --target bench_payments embargo_cli -j"$(nproc 2>/dev/null || echo 2)" >/dev/null

case " $* " in
*" --home "*) exec "$build/bench/bench_payments" "$@" ;;
esac
home="$build/bench-payments-home"
[ -d "$home" ] || "$build/embargo" --home "$home" lists >/dev/null
exec "$build/bench/bench_payments" --home "$home" "$@"
