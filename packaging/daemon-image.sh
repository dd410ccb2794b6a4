#!/usr/bin/env bash
# The daemons' image, cape-daemons:<version>: cape-proxyd, cape-eventd, cape-deployd and cape-agent with their shared libraries
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
daemons=(cape-proxyd cape-eventd cape-deployd cape-agent)
for daemon in "${daemons[@]}"; do
    [[ -x $BUILD/bin/$daemon ]] || die "missing $BUILD/bin/$daemon: build first (./run build)"
done
version=$("$BUILD/bin/cape-proxyd" --version | awk '{ print $2 }')
revision=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)

args=(--tag "cape-daemons:$version" --out "$out"
    --user 65532:65532 --workdir /
    --env PATH=/usr/local/bin:/usr/bin:/bin
    # Each daemon is its own health probe (--probe asks /health at CAPE_HEALTH_ADDRESS): the
    # default is cape-proxyd's admin address; a service running another daemon sets its own
    # (packaging/stack.yml: cape-eventd 9464, cape-deployd 9470).
    --env CAPE_HEALTH_ADDRESS=127.0.0.1:9000
    --healthcheck '{"Test":["CMD","cape-proxyd","--probe"],"Interval":10000000000,"Timeout":4000000000,"StartPeriod":10000000000,"Retries":3}'
    # cape-proxyd's listeners in packaging/stack.yml, cape-eventd's metrics, cape-deployd's API.
    --expose 8080 --expose 8443 --expose 9464 --expose 9470
    --cmd '["cape-proxyd","--help"]'
    --label "org.opencontainers.image.title=cape-daemons"
    --label "org.opencontainers.image.description=Cape's swarm daemons: cape-proxyd (the TLS entry point), cape-eventd (eventsource over Redis streams), cape-deployd (push-to-deploy) and cape-agent (a node's engine for the desktop)"
    --label "org.opencontainers.image.version=$version"
    --label "org.opencontainers.image.revision=$revision"
    --label "org.opencontainers.image.vendor=Cape")
# Without their debug information: a fifth of the size, and nothing in a container reads it.
stripped=$(mktemp -d "${TMPDIR:-/tmp}/daemon-image.XXXXXX")
trap 'rm -rf "$stripped"' EXIT
for daemon in "${daemons[@]}"; do
    strip --strip-debug -o "$stripped/$daemon" "$BUILD/bin/$daemon"
    touch -r "$BUILD/bin/$daemon" "$stripped/$daemon" # the image's timestamps come from the first file
    args+=(--file "$stripped/$daemon:/usr/bin/$daemon")
done
# Qt's TLS backend is a plugin, loaded from where Qt was built to look (QNetworkAccessManager
# wants one even for plain HTTP).
tls_plugins=$(qtpaths6 --query QT_INSTALL_PLUGINS 2>/dev/null || echo /usr/lib/x86_64-linux-gnu/qt6/plugins)/tls
[[ -d $tls_plugins ]] && args+=(--file "$tls_plugins:$tls_plugins")
[[ -z $load ]] || args+=(--load "$load")
"$HERE/image-builder.sh" "${args[@]}"
echo "cape-daemons:$version"
