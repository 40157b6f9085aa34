#!/usr/bin/env bash
# Installs Debian's Chromium and its WebDriver (chromium, chromium-driver) for the browser
# tests, when they are missing. The tests drive the system browser; nothing else is fetched.
#
#   tests/support/browser/install.sh     # as root (or through sudo), on Debian or Ubuntu
set -euo pipefail

if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    chromium --version
    exit 0
fi
if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null; then exec sudo "$0" "$@"; fi
    echo "install.sh: run as root to install chromium and chromium-driver" >&2
    exit 2
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -qq update
apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
chromium --version
