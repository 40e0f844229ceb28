#!/bin/sh
# Quick start, command 2 (and what .ci/run runs): install what is missing,
# build with AddressSanitizer + UndefinedBehaviorSanitizer, run every test.
set -e
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DEMBARGO_SANITIZE=ON >/dev/null
cmake --build build-test -j"$(nproc)"
cd build-test
ctest --output-on-failure -j"$(nproc)"
