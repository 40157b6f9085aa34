#!/usr/bin/env bash
# Fetches Debian bullseye's `consul` package (1.8.7) into the project cache and
# prints its version, without touching the system's apt configuration
# (tests/support/deb/fetch.sh keeps a private apt state).
#
#   tests/support/consul/fetch.sh            # -> .cache/consul/usr/bin/consul
#   CONSUL_CACHE_DIR=/x tests/support/consul/fetch.sh
#   CONSUL_DEB_MIRROR=http://archive.debian.org/debian tests/support/consul/fetch.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cache="${CONSUL_CACHE_DIR:-$root/.cache/consul}"
binary="$cache/usr/bin/consul"

# Idempotent: an unpacked binary that runs is all we need.
if ! { [[ -x "$binary" ]] && "$binary" version >/dev/null 2>&1; }; then
    DEB_MIRROR="${CONSUL_DEB_MIRROR:-${DEB_MIRROR:-}}" \
        bash "$root/tests/support/deb/fetch.sh" consul "${CONSUL_DEB_SUITE:-bullseye}" "$cache"
fi
"$binary" version | sed -n 1p  # sed reads to the end: no SIGPIPE under pipefail
