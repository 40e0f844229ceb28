#!/bin/sh
# Quick start, command 2 (and what .ci/run runs): install what is missing,
# build the optimised build (the one scripts/run.sh uses: -O3 sees warnings
# -O0 does not), then build with AddressSanitizer + UndefinedBehaviorSanitizer
# and run every test.
set -e
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DEMBARGO_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DEMBARGO_SANITIZE=ON >/dev/null
cmake --build build-test -j"$(nproc)"
cd build-test
ctest --output-on-failure -j"$(nproc)"
