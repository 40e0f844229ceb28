#!/bin/sh
# Browser tests of the web UI (CTest: browser/ui). Headless Debian chromium driven over WebDriver
# by chromedriver, from a dependency-free Node script (built-in fetch): Debian packages only,
# no npm download, so it runs offline and in CI.
#   EMBARGO=build/embargo sh tests/browser/run.sh
# See ui.test.js for EMBARGO_UI_BASE_URL, EMBARGO_UI_MOCK, EMBARGO_UI_SCREENSHOTS.
set -e
here=$(cd "$(dirname "$0")" && pwd)
missing=""
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -x /usr/bin/chromedriver ] || missing="$missing chromium-driver"
if [ -n "$missing" ]; then
    echo "browser tests: installing missing Debian packages:$missing" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >&2
fi
if [ -n "$TEST_TMP_DIR" ]; then
    rm -rf "$TEST_TMP_DIR"
    mkdir -p "$TEST_TMP_DIR"
fi
exec node --test "$here/ui.test.js"
