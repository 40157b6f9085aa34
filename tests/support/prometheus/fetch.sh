#!/usr/bin/env bash
# Fetches Debian bookworm's `prometheus` package (Prometheus and promtool 2.42) into the
# project cache and prints promtool's version, without touching the system's apt
# configuration (tests/support/deb/fetch.sh keeps a private apt state).
#
#   tests/support/prometheus/fetch.sh        # -> .cache/prometheus/usr/bin/{prometheus,promtool}
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cache="${PROMETHEUS_CACHE_DIR:-$root/.cache/prometheus}"
binary="$cache/usr/bin/promtool"

if ! { [[ -x "$binary" ]] && "$binary" --version >/dev/null 2>&1; }; then
    bash "$root/tests/support/deb/fetch.sh" prometheus "${PROMETHEUS_DEB_SUITE:-bookworm}" "$cache"
fi
"$binary" --version 2>&1 | sed -n 1p  # sed reads to the end: no SIGPIPE under pipefail
