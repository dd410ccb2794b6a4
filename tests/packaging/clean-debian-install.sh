#!/usr/bin/env bash
# The .deb packages on a clean Debian: cpack makes them from the build, debootstrap makes a
# minimal Debian 12 (what the packages declare they need must come from Debian's archive), apt
# installs both packages there, and the programs run: `cape --version` without a display, every
# daemon's --version and --help. Also checks what a desktop and systemd read: the .desktop file,
# the AppStream metadata, the units, and the API token the daemons' package makes.
#
#   tests/packaging/clean-debian-install.sh BUILD_DIR
#
# Needs root (debootstrap, chroot) and Debian's archive (deb.debian.org), as `./run deps` does.
set -euo pipefail
BUILD=$(cd "${1:?usage: clean-debian-install.sh BUILD_DIR}" && pwd)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "==> $*"; }

step "validating the desktop entry and the AppStream metadata"
desktop-file-validate "$ROOT/packaging/desktop/io.github.cape.Cape.desktop"
appstreamcli validate --no-net --pedantic "$ROOT/packaging/desktop/io.github.cape.Cape.metainfo.xml" ||
    appstreamcli validate --no-net "$ROOT/packaging/desktop/io.github.cape.Cape.metainfo.xml"
for unit in "$ROOT"/packaging/systemd/*.service; do
    systemd-analyze verify --man=no "$unit" 2>&1 | grep -v "Command /usr/bin/cape-.* is not executable" |
        grep . && fail "systemd-analyze found problems in $unit"
done

step "making the packages (cpack)"
(cd "$BUILD" && rm -f ./*.deb && cpack -G DEB >/dev/null)
desktop_deb=$(ls "$BUILD"/cape_*_amd64.deb)
daemons_deb=$(ls "$BUILD"/cape-daemons_*_amd64.deb)

work=$(mktemp -d "${TMPDIR:-/tmp}/clean-debian.XXXXXX")
cleanup() {
    for m in proc dev/pts dev; do umount "$work/root/$m" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
step "a minimal Debian 12 (debootstrap --variant=minbase)"
debootstrap --variant=minbase bookworm "$work/root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
mount -t proc proc "$work/root/proc"
cp "$desktop_deb" "$daemons_deb" "$work/root/tmp/"

step "apt install ./$(basename "$desktop_deb") ./$(basename "$daemons_deb")"
in_debian() { chroot "$work/root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
in_debian apt-get update -qq
in_debian env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "/tmp/$(basename "$desktop_deb")" "/tmp/$(basename "$daemons_deb")" >"$work/apt.log" 2>&1 ||
    { tail -30 "$work/apt.log"; fail "apt could not install the packages"; }

step "the programs run"
version=$(in_debian cape --version) || fail "cape --version: $version"
[[ $version == "cape "* ]] || fail "cape --version said: $version"
echo "    $version"
for daemon in cape-proxyd cape-eventd cape-deployd; do
    out=$(in_debian "$daemon" --version) || fail "$daemon --version: $out"
    [[ $out == "$daemon "* ]] || fail "$daemon --version said: $out"
    in_debian "$daemon" --help | grep -q -- "--probe" || fail "$daemon --help does not list --probe"
    echo "    $out"
done

step "what the packages put in place"
for file in /usr/share/applications/io.github.cape.Cape.desktop /usr/share/metainfo/io.github.cape.Cape.metainfo.xml \
    /usr/share/icons/hicolor/scalable/apps/io.github.cape.Cape.svg /usr/share/icons/hicolor/48x48/apps/io.github.cape.Cape.png \
    /usr/share/cape/stack.yml /usr/lib/systemd/system/cape-proxyd.service /etc/cape/proxy.json; do
    [[ -s $work/root$file ]] || fail "missing $file"
done
[[ -s $(ls "$work"/root/usr/share/cape/cape-daemons-*.tar) ]] || fail "missing the daemons' image archive"
token=$work/root/etc/cape/deployd-api-token
[[ $(stat -c %a "$token") == 600 ]] || fail "the API token is not private: $(stat -c %a "$token")"
[[ $(tr -d '\n' <"$token") =~ ^[0-9a-f]{64}$ ]] || fail "the API token is not 32 random bytes in hex"
echo "PASS: both packages install with apt on a clean Debian 12, and their programs run"
