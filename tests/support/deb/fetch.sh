#!/usr/bin/env bash
# Fetches one Debian package into the project cache and unpacks it there, with a private
# apt state (own sources list, lists, cache and status dirs), so that the system's apt
# configuration is never touched. Prints nothing but errors; the caller checks the binary.
#
#   tests/support/deb/fetch.sh PACKAGE SUITE CACHE_DIR
#   DEB_MIRROR=http://archive.debian.org/debian tests/support/deb/fetch.sh consul bullseye .cache/consul
set -euo pipefail

package="$1"
suite="$2"
cache="$3"

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

mirror="${DEB_MIRROR:-$(find_mirror || true)}"
if [[ -z "$mirror" ]]; then
    echo "fetch.sh: no Debian mirror found in /etc/apt/sources.list*; set DEB_MIRROR" >&2
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
    # An old release (bullseye) has a Release file that may be past Valid-Until.
    -o "Acquire::Check-Valid-Until=false"
    -o "Acquire::Languages=none"
    -o "Debug::NoLocking=true"
    -o "APT::Sandbox::User=$(id -un)"
)

echo "fetch.sh: $package from $mirror $suite (private apt state in $work)" >&2
apt-get "${apt_opts[@]}" -qq update
(cd "$work/archives" && apt-get "${apt_opts[@]}" -qq download "$package")
deb="$(ls -1t "$work"/archives/"${package}"_*.deb | sed -n 1p)"
dpkg-deb -x "$deb" "$cache"
