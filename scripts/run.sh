#!/bin/sh
# Quick start, command 1: install what is missing, build embargo, and run the
# main job on the bundled lists (a search of a listed name).
# Usage: scripts/run.sh ["NAME TO SEARCH"]
# The lists live in the same home as every `embargo` command of the README
# ($EMBARGO_HOME, else $XDG_DATA_HOME/embargo or ~/.local/share/embargo).
set -e
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "embargo: configuring and building (Release) in build/ ..." >&2
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DEMBARGO_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
NAME="${1:-Esmail Khatib}"
echo "\$ embargo search \"$NAME\""
build/embargo search "$NAME"
if ! command -v embargo >/dev/null 2>&1; then
    echo "embargo: to run it as \`embargo\`: sudo cmake --install build (the command, library," \
        "man page and bash completion), or export PATH=\"$PWD/build:\$PATH\"" >&2
fi
