#!/bin/sh
# Installs the Debian packages embargo needs to build and test, only when missing.
# Used by both quick-start commands in the README and by .ci/run.
set -e
PKGS="build-essential cmake pkg-config libicu-dev libexpat1-dev libsqlite3-dev libjansson-dev \
libssl-dev zlib1g-dev libcmocka-dev libmicrohttpd-dev libcurl4-openssl-dev libzip-dev \
nodejs chromium chromium-driver curl"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "embargo: installing missing Debian packages:$missing" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi
