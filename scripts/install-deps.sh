#!/bin/sh
# Installs the Debian packages embargo needs, only when missing.
#   scripts/install-deps.sh          what building and running need (scripts/run.sh)
#   scripts/install-deps.sh --test   also what the test suite needs (scripts/test.sh, .ci/run):
#                                    cmocka, curl, jq and python3 (the e2e tests), and Node.js +
#                                    Chromium + chromedriver for the
#                                    browser tests of the web UI
set -e
PKGS="build-essential cmake pkg-config libicu-dev libexpat1-dev libsqlite3-dev libjansson-dev \
libssl-dev zlib1g-dev libmicrohttpd-dev libcurl4-openssl-dev libzip-dev"
if [ "${1:-}" = "--test" ]; then
    PKGS="$PKGS libcmocka-dev curl jq python3 nodejs chromium chromium-driver"
fi
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "embargo: installing missing Debian packages:$missing" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    # apt's and dpkg's hundreds of progress lines go to a log, shown only when something fails
    log="${TMPDIR:-/tmp}/embargo-install-deps.log"
    $SUDO apt-get update -qq >"$log" 2>&1 || true
    if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >>"$log" 2>&1; then
        cat "$log" >&2
        echo "embargo: installing the packages failed (log above, also in $log)" >&2
        exit 1
    fi
    echo "embargo: installed:$missing" >&2
fi
