#!/usr/bin/env bash
# The proxy benchmark (docs/benchmarks.md, "Proxy"): wrk through cape-proxyd, nginx and HAProxy, side by
# side in one run, each in front of the same upstream (nginx serving a 612-byte page), all on loopback and
# on this machine's cores, and the upstream alone (the ceiling). Prints markdown.
#
#   tests/bench/run-proxy-bench.sh [BUILD_DIR]        (default: $CAPE_BUILD_DIR or ./build)
#
# Environment: RUNS (3: interleaved, medians), DURATION (10 s), CONNECTIONS (64), THREADS (2).
# Needs: bin/cape-proxyd, nginx, haproxy, wrk (./run bench installs them).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-${CAPE_BUILD_DIR:-$ROOT/build}}
# shellcheck source=tests/bench/benchlib.sh
. "$ROOT/tests/bench/benchlib.sh"
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}

[ -x "$BUILD/bin/cape-proxyd" ] || die "missing $BUILD/bin/cape-proxyd: build first (./run build)"
for tool in nginx haproxy wrk python3; do command -v $tool >/dev/null || die "no $tool (./run bench installs it)"; done

WORK=$(mktemp -d /tmp/cape-proxy-bench.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$WORK/upstream.pid" ] && kill "$(cat "$WORK/upstream.pid")" 2>/dev/null || true
    [ -f "$WORK/nginx-proxy.pid" ] && kill "$(cat "$WORK/nginx-proxy.pid")" 2>/dev/null || true
    sleep 0.3
    rm -rf "$WORK"
}
trap cleanup EXIT
[ -n "${KEEP_WORK:-}" ] && trap - EXIT
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
UPSTREAM=$(port) NGINX=$(port) HAPROXY=$(port) CAPE=$(port) CAPE_MORE=$(port)

# The upstream: nginx, one worker, a 612-byte page (the size of nginx's own welcome page).
mkdir -p "$WORK/www" "$WORK/tmp"
chmod 755 "$WORK"
head -c 612 /dev/zero | tr '\0' 'x' >"$WORK/www/index.html"
chmod -R a+rX "$WORK/www"
common_nginx="pid PIDFILE; error_log $WORK/nginx-error.log; daemon on;
events { worker_connections 4096; }"
cat >"$WORK/upstream.conf" <<CONF
${common_nginx//PIDFILE/$WORK/upstream.pid}
worker_processes 1;
http {
    access_log off;
    client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
    uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
    keepalive_requests 1000000;
    server { listen 127.0.0.1:$UPSTREAM; root $WORK/www; }
}
CONF
# nginx as a proxy, configured as its documentation advises for upstream keep-alive.
cat >"$WORK/nginx-proxy.conf" <<CONF
${common_nginx//PIDFILE/$WORK/nginx-proxy.pid}
worker_processes $THREADS;
http {
    access_log off;
    client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
    uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
    keepalive_requests 1000000;
    upstream app { server 127.0.0.1:$UPSTREAM; keepalive 128; }
    server {
        listen 127.0.0.1:$NGINX;
        location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";
                     proxy_set_header X-Forwarded-For \$remote_addr; }
    }
}
CONF
cat >"$WORK/haproxy.cfg" <<CONF
global
    nbthread $THREADS
    maxconn 4096
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    option http-keep-alive
    option forwardfor
    http-reuse always
frontend web
    bind 127.0.0.1:$HAPROXY
    default_backend app
backend app
    server upstream 127.0.0.1:$UPSTREAM
CONF
cat >"$WORK/cape.json" <<CONF
{"listen":[{"address":"127.0.0.1:$CAPE"}],"routes":[{"host":"bench.test","endpoints":["127.0.0.1:$UPSTREAM"]}]}
CONF
sed "s/:$CAPE\"/:$CAPE_MORE\"/" "$WORK/cape.json" >"$WORK/cape-more.json"

nginx -c "$WORK/upstream.conf" -p "$WORK" 2>/dev/null
nginx -c "$WORK/nginx-proxy.conf" -p "$WORK" 2>/dev/null
haproxy -f "$WORK/haproxy.cfg" -q >/dev/null 2>&1 & PIDS+=($!)
"$BUILD/bin/cape-proxyd" --config "$WORK/cape.json" --workers "$THREADS" >"$WORK/cape.log" 2>&1 & PIDS+=($!)
# Twice the threads: on shared cores a process's share of the CPU grows with its runnable threads.
"$BUILD/bin/cape-proxyd" --config "$WORK/cape-more.json" --workers $((THREADS * 2)) >"$WORK/cape-more.log" 2>&1 & PIDS+=($!)
sleep 1
for p in $UPSTREAM $NGINX $HAPROXY $CAPE $CAPE_MORE; do
    status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: bench.test' "http://127.0.0.1:$p/index.html" || true)
    [ "$status" = 200 ] || die "port $p answers $status, not 200 ($(tail -3 "$WORK/cape.log" "$WORK/nginx-error.log" 2>/dev/null))"
done

# wrk's requests/s and latency percentiles (ms) for one run.
measure() {
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H 'Host: bench.test' "http://127.0.0.1:$1/index.html" \
        >"$WORK/wrk.txt" 2>&1
    grep -q 'Non-2xx' "$WORK/wrk.txt" && die "non-2xx answers through port $1: $(cat "$WORK/wrk.txt")"
    local rps p50 p99
    rps=$(awk '/^Requests\/sec/ { print $2 }' "$WORK/wrk.txt")
    ms() { awk -v q="$1" '$1 == q { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } print v }' "$WORK/wrk.txt"; }
    p50=$(ms 50%); p99=$(ms 99%)
    echo "$rps $p50 $p99"
}
declare -A RPS P50 P99
for run in $(seq "$RUNS"); do
    for name in cape nginx haproxy capemore upstream; do
        case $name in cape) p=$CAPE ;; capemore) p=$CAPE_MORE ;; nginx) p=$NGINX ;; haproxy) p=$HAPROXY ;; upstream) p=$UPSTREAM ;; esac
        log "run $run/$RUNS: $name"
        read -r rps p50 p99 < <(measure "$p")
        RPS[$name]+="$rps "; P50[$name]+="$p50 "; P99[$name]+="$p99 "
    done
done
med() { tr ' ' '\n' <<<"$1" | grep -v '^$' | median; }

echo "### Proxy: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- command: \`tests/bench/run-proxy-bench.sh\` (\`./run bench\`)"
echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- Cape $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (uncommitted changes)'), $(nginx -v 2>&1 | sed 's/.*: //'), $(haproxy -v | head -1 | cut -d' ' -f1-3), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s on loopback, a 612-byte page from an nginx upstream (1 worker); each proxy with $THREADS workers/threads and upstream keep-alive; runs interleaved, medians of $RUNS."
echo
echo "| | requests/s | p50 latency | p99 latency | vs nginx |"
echo "|---|---|---|---|---|"
nginx_rps=$(med "${RPS[nginx]}")
for name in cape nginx haproxy capemore upstream; do
    label=$name
    case $name in
    cape) label="cape-proxyd ($THREADS workers)" ;;
    capemore) label="cape-proxyd ($((THREADS * 2)) workers)" ;;
    nginx) label="nginx ($THREADS workers)" ;;
    haproxy) label="HAProxy ($THREADS threads)" ;;
    upstream) label="the upstream alone (no proxy)" ;;
    esac
    rps=$(med "${RPS[$name]}")
    printf '| %s | %.0f | %s ms | %s ms | %s |\n' "$label" "$rps" "$(med "${P50[$name]}")" "$(med "${P99[$name]}")" "$(ratio "$rps" "$nginx_rps")"
done
echo
