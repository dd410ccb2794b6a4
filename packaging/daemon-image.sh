#!/usr/bin/env bash
# The daemons' image, cape-daemons:<version>: cape-proxyd, cape-eventd and cape-deployd with their shared libraries
# on a scratch base (packaging/image-builder.sh: no registry is reachable here), running as a non-root
# user, written as a `docker save` archive for offline loading.
#
#   packaging/daemon-image.sh --out FILE.tar [--build BUILD_DIR] [--load HOST[,HOST...]]
#
# BUILD_DIR defaults to $CAPE_BUILD_DIR or ./build; the version is the daemons' own (--version).
# A service picks its daemon by command, e.g. ["cape-proxyd","--config","/etc/cape/proxy.json"].
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=${CAPE_BUILD_DIR:-$ROOT/build}
out="" load=""
die() { echo "daemon-image: $*" >&2; exit 1; }
while (($#)); do
    (($# >= 2)) || die "option $1 needs a value"
    case $1 in
        --out) out=$2 ;;
        --build) BUILD=$2 ;;
        --load) load=$2 ;;
        *) die "unknown option: $1" ;;
    esac
    shift 2
done
[[ -n $out ]] || die "usage: daemon-image.sh --out FILE.tar [--build BUILD_DIR] [--load HOSTS]"
daemons=(cape-proxyd cape-eventd cape-deployd)
for daemon in "${daemons[@]}"; do
    [[ -x $BUILD/bin/$daemon ]] || die "missing $BUILD/bin/$daemon: build first (./run build)"
done
version=$("$BUILD/bin/cape-proxyd" --version | awk '{ print $2 }')
revision=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)

args=(--tag "cape-daemons:$version" --out "$out"
    --user 65532:65532 --workdir /
    --env PATH=/usr/local/bin:/usr/bin:/bin
    # cape-proxyd's usual listeners and admin port, cape-eventd's metrics, cape-deployd's API.
    --expose 80 --expose 443 --expose 9464 --expose 9470
    --cmd '["cape-proxyd","--help"]'
    --label "org.opencontainers.image.title=cape-daemons"
    --label "org.opencontainers.image.description=Cape's swarm daemons: cape-proxyd (the TLS entry point), cape-eventd (eventsource over Redis streams) and cape-deployd (push-to-deploy)"
    --label "org.opencontainers.image.version=$version"
    --label "org.opencontainers.image.revision=$revision"
    --label "org.opencontainers.image.vendor=Cape")
for daemon in "${daemons[@]}"; do args+=(--file "$BUILD/bin/$daemon:/usr/bin/$daemon"); done
[[ -z $load ]] || args+=(--load "$load")
"$HERE/image-builder.sh" "${args[@]}"
echo "cape-daemons:$version"
