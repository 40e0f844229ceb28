#!/bin/sh
# Quick start, command 1: install what is missing, build embargo, and run the
# main job on the bundled lists (a search of a listed name).
# Usage: scripts/run.sh ["NAME TO SEARCH"]
set -e
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DEMBARGO_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
export EMBARGO_HOME="${EMBARGO_HOME:-$PWD/build/home}"
NAME="${1:-Esmail Khatib}"
echo "\$ embargo search \"$NAME\"    (lists in $EMBARGO_HOME)"
build/embargo search "$NAME"
