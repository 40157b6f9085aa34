#!/usr/bin/env bash
# Fetches Debian bullseye's `consul` package (1.8.7) into the project cache and
# prints its version. Uses a private apt state (own sources list, lists, cache
# and status dirs) so that the system's apt configuration is never touched.
#
#   tests/support/consul/fetch.sh            # -> .cache/consul/usr/bin/consul
#   CONSUL_CACHE_DIR=/x tests/support/consul/fetch.sh
#   CONSUL_DEB_MIRROR=http://archive.debian.org/debian tests/support/consul/fetch.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cache="${CONSUL_CACHE_DIR:-$root/.cache/consul}"
binary="$cache/usr/bin/consul"
suite="${CONSUL_DEB_SUITE:-bullseye}"

# Idempotent: an unpacked binary that runs is all we need.
if [[ -x "$binary" ]] && "$binary" version >/dev/null 2>&1; then
    "$binary" version | sed -n 1p  # sed reads to the end: no SIGPIPE under pipefail
    exit 0
fi

# The Debian mirror the machine's apt configuration names (one-line or deb822
# sources), so that this works behind whatever mirror or proxy the host uses.
find_mirror() {
    local files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources)
    local f
    for f in "${files[@]}"; do
        [[ -r "$f" ]] || continue
        awk '
            /^[[:space:]]*deb[[:space:]]/ {
                for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; break }
            }
            /^[[:space:]]*URIs:/ { for (i = 2; i <= NF; i++) print $i }
        ' "$f"
    done | grep -E '/debian/?$' | grep -v -- '-security' | sed -n 1p
}

mirror="${CONSUL_DEB_MIRROR:-$(find_mirror || true)}"
if [[ -z "$mirror" ]]; then
    echo "fetch.sh: no Debian mirror found in /etc/apt/sources.list*; set CONSUL_DEB_MIRROR" >&2
    exit 2
fi
mirror="${mirror%/}"

work="$cache/.apt"
mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/etc" "$cache"
: >"$work/status"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb [signed-by=$keyring] $mirror $suite main" >"$work/etc/sources.list"

apt_opts=(
    -o "Dir::State=$work"
    -o "Dir::State::Lists=$work/lists"
    -o "Dir::State::status=$work/status"
    -o "Dir::Cache=$work"
    -o "Dir::Cache::archives=$work/archives"
    -o "Dir::Etc::SourceList=$work/etc/sources.list"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::Etc::Preferences=/dev/null"
    -o "Dir::Etc::PreferencesParts=/dev/null"
    -o "APT::Get::List-Cleanup=false"
    # bullseye is an old release; its Release file may be past Valid-Until.
    -o "Acquire::Check-Valid-Until=false"
    -o "Acquire::Languages=none"
    -o "Debug::NoLocking=true"
    -o "APT::Sandbox::User=$(id -un)"
)

echo "fetch.sh: consul from $mirror $suite (private apt state in $work)" >&2
apt-get "${apt_opts[@]}" -qq update
(cd "$work/archives" && apt-get "${apt_opts[@]}" -qq download "consul")
deb="$(ls -1t "$work"/archives/consul_*.deb | sed -n 1p)"
dpkg-deb -x "$deb" "$cache"
"$binary" version | sed -n 1p  # sed reads to the end: no SIGPIPE under pipefail
