#!/bin/sh
# Quick start, command 2 (and what .ci/run runs): install what is missing,
# build the optimised build (the one scripts/run.sh uses: -O3 sees warnings
# -O0 does not), then build with AddressSanitizer + UndefinedBehaviorSanitizer
# and run every test.
set -e
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
echo "embargo: building the Release build in build/ ..." >&2
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DEMBARGO_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)"
echo "embargo: building with ASan+UBSan (gcc) in build-test/ and running the suite ..." >&2
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DEMBARGO_SANITIZE=ON >/dev/null
cmake --build build-test -j"$(nproc)"
cd build-test
ctest --output-on-failure -j"$(nproc)"

# The fuzz targets (tests/fuzz; scripts/fuzz.sh runs them for longer): built
# with clang, libFuzzer, ASan+UBSan; each CTest test fuzz/<target> runs the
# target's seeds and then fuzzes for a few seconds (EMBARGO_FUZZ_SECONDS).
cd ..
for p in clang libclang-rt-14-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || fuzz_missing="${fuzz_missing:-} $p"
done
if [ -n "${fuzz_missing:-}" ]; then
    echo "embargo: installing missing Debian packages:$fuzz_missing" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    log="${TMPDIR:-/tmp}/embargo-install-deps.log"
    if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $fuzz_missing >"$log" 2>&1; then
        cat "$log" >&2
        exit 1
    fi
fi
echo "embargo: building and running the fuzz targets (clang, libFuzzer) in build-fuzz/ ..." >&2
CC=clang cmake -S . -B build-fuzz -DEMBARGO_FUZZ=ON -DEMBARGO_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS_DEBUG="-g -O1" >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz
cd build-fuzz
ctest -R '^fuzz/' --output-on-failure -j"$(nproc)"

# The whole suite again under clang's ASan+UBSan (gcc's build above, clang's
# here: each sanitizer implementation catches things the other misses).
cd ..
echo "embargo: the suite again under clang's ASan+UBSan in build-clang/ ..." >&2
CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=Debug -DEMBARGO_SANITIZE=ON >/dev/null
cmake --build build-clang -j"$(nproc)"
cd build-clang
ctest --output-on-failure -j"$(nproc)" -E '^browser/'
