#!/usr/bin/env bash
# The proxy benchmark (docs/benchmarks.md, "Proxy"): wrk through cape-proxyd, nginx, HAProxy and Caddy,
# side by side in one run, each in front of the same upstream (nginx serving a 612-byte page), all on
# loopback and on this machine's cores: plain HTTP keep-alive, TLS keep-alive, new TLS handshakes, and
# the memory each holds per idle keep-alive connection. Prints markdown.
#
#   tests/bench/run-proxy-bench.sh [BUILD_DIR]        (default: $CAPE_BUILD_DIR or ./build)
#
# Environment: RUNS (3: interleaved, medians), DURATION (10 s), CONNECTIONS (64), THREADS (2),
# IDLE (2000 idle connections for the memory figure).
# Needs: bin/cape-proxyd, nginx, haproxy, caddy, wrk, openssl, python3 (./run bench installs them).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-${CAPE_BUILD_DIR:-$ROOT/build}}
# shellcheck source=tests/bench/benchlib.sh
. "$ROOT/tests/bench/benchlib.sh"
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
IDLE=${IDLE:-2000}

[ -x "$BUILD/bin/cape-proxyd" ] || die "missing $BUILD/bin/cape-proxyd: build first (./run build)"
for tool in nginx haproxy caddy wrk openssl python3; do
    command -v $tool >/dev/null || die "no $tool (./run bench installs it)"
done

WORK=$(mktemp -d /tmp/cape-proxy-bench.XXXXXX)
PIDS=()
cleanup() {
    exec 3>&- 2>/dev/null || true
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pidfile in "$WORK"/*.pid; do [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true; done
    sleep 0.3
    rm -rf "$WORK"
}
trap cleanup EXIT
[ -n "${KEEP_WORK:-}" ] && trap - EXIT
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The proxies, each with a plain and a TLS port; "capemore" is cape-proxyd with twice the workers.
PROXIES=(cape nginx haproxy caddy capemore)
declare -A PLAIN TLS PID_OF
UPSTREAM=$(port)
for name in "${PROXIES[@]}"; do PLAIN[$name]=$(port); TLS[$name]=$(port); done

# One certificate for all: ECDSA P-256 (what ACME CAs issue by default), for bench.test and 127.0.0.1.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench.test \
    -addext "subjectAltName=DNS:bench.test,IP:127.0.0.1" -keyout "$WORK/bench.key" -out "$WORK/bench.crt" 2>/dev/null
cat "$WORK/bench.crt" "$WORK/bench.key" >"$WORK/bench.pem"

# The upstream: nginx, one worker, a 612-byte page (the size of nginx's own welcome page).
mkdir -p "$WORK/www" "$WORK/tmp" "$WORK/caddy"
chmod 755 "$WORK"
head -c 612 /dev/zero | tr '\0' 'x' >"$WORK/www/index.html"
chmod -R a+rX "$WORK/www"
common_nginx="pid PIDFILE; error_log $WORK/nginx-error.log; daemon on;
events { worker_connections 8192; }
worker_rlimit_nofile 16384;"
temp_paths="client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
    uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;"
cat >"$WORK/upstream.conf" <<CONF
${common_nginx//PIDFILE/$WORK/upstream.pid}
worker_processes 1;
http {
    access_log off; $temp_paths
    keepalive_requests 1000000;
    server { listen 127.0.0.1:$UPSTREAM; root $WORK/www; }
}
CONF
# nginx as a proxy, configured as its documentation advises for upstream keep-alive and TLS.
cat >"$WORK/nginx-proxy.conf" <<CONF
${common_nginx//PIDFILE/$WORK/nginx-proxy.pid}
worker_processes $THREADS;
http {
    access_log off; $temp_paths
    keepalive_requests 1000000;
    upstream app { server 127.0.0.1:$UPSTREAM; keepalive 128; }
    ssl_certificate $WORK/bench.crt;
    ssl_certificate_key $WORK/bench.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:SSL:10m;
    server {
        listen 127.0.0.1:${PLAIN[nginx]};
        listen 127.0.0.1:${TLS[nginx]} ssl;
        location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";
                     proxy_set_header X-Forwarded-For \$remote_addr; }
    }
}
CONF
cat >"$WORK/haproxy.cfg" <<CONF
global
    nbthread $THREADS
    maxconn 8192
    ssl-default-bind-options ssl-min-ver TLSv1.2
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    option http-keep-alive
    option forwardfor
    http-reuse always
frontend web
    bind 127.0.0.1:${PLAIN[haproxy]}
    bind 127.0.0.1:${TLS[haproxy]} ssl crt $WORK/bench.pem
    default_backend app
backend app
    server upstream 127.0.0.1:$UPSTREAM
CONF
cat >"$WORK/Caddyfile" <<CONF
{
    admin off
    auto_https off
    default_sni bench.test
    storage file_system $WORK/caddy
}
http://:${PLAIN[caddy]} {
    bind 127.0.0.1
    reverse_proxy 127.0.0.1:$UPSTREAM
}
https://:${TLS[caddy]} {
    bind 127.0.0.1
    tls $WORK/bench.crt $WORK/bench.key
    reverse_proxy 127.0.0.1:$UPSTREAM
}
CONF
for name in cape capemore; do
    cat >"$WORK/$name.json" <<CONF
{"listen":[{"address":"127.0.0.1:${PLAIN[$name]}"},{"address":"127.0.0.1:${TLS[$name]}","tls":true}],
 "certificates":[{"name":"bench","cert":"$WORK/bench.crt","key":"$WORK/bench.key"}],
 "routes":[{"host":"bench.test","endpoints":["127.0.0.1:$UPSTREAM"],"certificate":"bench"}]}
CONF
done

# Each server in a session of its own, as a service manager would start it: with the kernel's
# autogroup scheduling (on here) a session shares the CPU as one, so a proxy started in the script's
# session would share its part with wrk, and a daemonising one (nginx) would not.
nginx -c "$WORK/upstream.conf" -p "$WORK" 2>/dev/null
nginx -c "$WORK/nginx-proxy.conf" -p "$WORK" 2>/dev/null
setsid haproxy -f "$WORK/haproxy.cfg" -q >/dev/null 2>&1 </dev/null & PIDS+=($!); PID_OF[haproxy]=$!
HOME=$WORK/caddy XDG_DATA_HOME=$WORK/caddy XDG_CONFIG_HOME=$WORK/caddy GOMAXPROCS=$THREADS \
    setsid caddy run --config "$WORK/Caddyfile" --adapter caddyfile >"$WORK/caddy.log" 2>&1 </dev/null & PIDS+=($!)
PID_OF[caddy]=$!
setsid "$BUILD/bin/cape-proxyd" --config "$WORK/cape.json" --workers "$THREADS" >"$WORK/cape.log" 2>&1 </dev/null &
PIDS+=($!); PID_OF[cape]=$!
# Twice the threads: on shared cores a process's share of the CPU grows with its runnable threads.
setsid "$BUILD/bin/cape-proxyd" --config "$WORK/capemore.json" --workers $((THREADS * 2)) \
    >"$WORK/capemore.log" 2>&1 </dev/null & PIDS+=($!)
PID_OF[capemore]=$!
sleep 1.5
check() {
    local status
    status=$(curl -sk -o /dev/null -w '%{http_code}' -H 'Host: bench.test' "$1" || true)
    [ "$status" = 200 ] || die "$1 answers $status, not 200 ($(tail -3 "$WORK"/*.log 2>/dev/null))"
}
check "http://127.0.0.1:$UPSTREAM/index.html"
for name in "${PROXIES[@]}"; do
    check "http://127.0.0.1:${PLAIN[$name]}/index.html"
    check "https://127.0.0.1:${TLS[$name]}/index.html"
done

# wrk's requests/s and latency percentiles (ms) for one run: URL [extra wrk arguments].
measure() {
    local url=$1
    shift
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H 'Host: bench.test' "$@" "$url" >"$WORK/wrk.txt" 2>&1
    grep -q 'Non-2xx' "$WORK/wrk.txt" && die "non-2xx answers from $url: $(cat "$WORK/wrk.txt")"
    local rps p50 p99
    rps=$(awk '/^Requests\/sec/ { print $2 }' "$WORK/wrk.txt")
    ms() { awk -v q="$1" '$1 == q { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } print v }' "$WORK/wrk.txt"; }
    p50=$(ms 50%); p99=$(ms 99%)
    [ -n "$rps" ] || die "wrk measured nothing for $url: $(cat "$WORK/wrk.txt")"
    echo "$rps $p50 $p99"
}
declare -A RPS P50 P99
SCENARIOS=(plain tls handshake)
for run in $(seq "$RUNS"); do
    for scenario in "${SCENARIOS[@]}"; do
        names=("${PROXIES[@]}")
        [ "$scenario" = plain ] && names+=(upstream)
        for name in "${names[@]}"; do
            log "run $run/$RUNS: $scenario through $name"
            case $scenario in
            plain) [ "$name" = upstream ] && url=http://127.0.0.1:$UPSTREAM || url=http://127.0.0.1:${PLAIN[$name]}
                   extra=() ;;
            tls) url=https://127.0.0.1:${TLS[$name]}; extra=() ;;
            # Every request on a new connection: a full handshake each (wrk resumes no sessions).
            handshake) url=https://127.0.0.1:${TLS[$name]}; extra=(-H 'Connection: close') ;;
            esac
            read -r rps p50 p99 < <(measure "$url/index.html" "${extra[@]}")
            key=$scenario/$name
            RPS[$key]+="$rps "; P50[$key]+="$p50 "; P99[$key]+="$p99 "
        done
    done
done
med() { tr ' ' '\n' <<<"$1" | grep -v '^$' | median; }

# Memory per idle connection: the servers' resident memory (nginx: its workers') before and after
# IDLE keep-alive connections that each served one request.
rss_kib() {
    local pids total=0 pid
    if [ "$1" = nginx ]; then pids=$(pgrep -P "$(cat "$WORK/nginx-proxy.pid")"); else pids=${PID_OF[$1]}; fi
    for pid in $pids; do total=$((total + $(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"))); done
    echo $total
}
declare -A IDLE_KIB
mkfifo "$WORK/hold"
for name in cape nginx haproxy caddy; do
    for kind in plain tls; do
        log "memory: $IDLE idle $kind connections to $name"
        before=$(rss_kib $name)
        if [ $kind = plain ]; then args=("${PLAIN[$name]}" "$IDLE"); else args=("${TLS[$name]}" "$IDLE" --tls); fi
        python3 "$ROOT/tests/bench/proxy/idle-connections.py" "${args[@]}" <"$WORK/hold" >"$WORK/idle.out" 2>"$WORK/idle.err" &
        holder=$!
        exec 3>"$WORK/hold"
        for _ in $(seq 600); do
            grep -q ready "$WORK/idle.out" 2>/dev/null && break
            kill -0 $holder 2>/dev/null || break
            sleep 0.1
        done
        if grep -q ready "$WORK/idle.out"; then
            sleep 1
            after=$(rss_kib $name)
            IDLE_KIB[$kind/$name]=$(awk -v a="$after" -v b="$before" -v n="$IDLE" 'BEGIN { printf "%.1f", (a - b) / n }')
        else
            # A proxy that cannot hold them all: said in the table, the other figures still printed.
            reason=$(tail -1 "$WORK/idle.err" | sed 's/|/\\|/g')
            IDLE_KIB[$kind/$name]="failed: ${reason:-not all connected within a minute}"
            log "$name: ${IDLE_KIB[$kind/$name]}"
        fi
        exec 3>&-
        kill $holder 2>/dev/null || true
        wait $holder 2>/dev/null || true
        sleep 1
    done
done

label() {
    case $1 in
    cape) echo "cape-proxyd ($THREADS workers)" ;;
    capemore) echo "cape-proxyd ($((THREADS * 2)) workers)" ;;
    nginx) echo "nginx ($THREADS workers)" ;;
    haproxy) echo "HAProxy ($THREADS threads)" ;;
    caddy) echo "Caddy (GOMAXPROCS=$THREADS)" ;;
    upstream) echo "the upstream alone (no proxy)" ;;
    esac
}
table() {
    local scenario=$1 nginx_rps name rps
    echo "| | requests/s | p50 latency | p99 latency | vs nginx |"
    echo "|---|---|---|---|---|"
    nginx_rps=$(med "${RPS[$scenario/nginx]}")
    for name in cape nginx haproxy caddy capemore upstream; do
        [ -n "${RPS[$scenario/$name]:-}" ] || continue
        rps=$(med "${RPS[$scenario/$name]}")
        printf '| %s | %.0f | %s ms | %s ms | %s |\n' "$(label $name)" "$rps" "$(med "${P50[$scenario/$name]}")" \
            "$(med "${P99[$scenario/$name]}")" "$(ratio "$rps" "$nginx_rps")"
    done
    echo
}

echo "### Proxy: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- command: \`RUNS=$RUNS DURATION=$DURATION tests/bench/run-proxy-bench.sh\` (\`./run bench\`)"
echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- Cape $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (uncommitted changes)'), $(nginx -v 2>&1 | sed 's/.*: //'), $(haproxy -v | head -1 | cut -d' ' -f1-3), Caddy $(caddy version | cut -d' ' -f1), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(openssl version | cut -d' ' -f1-2)"
echo
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s on loopback, a 612-byte page from an nginx upstream (1 worker); each proxy with $THREADS workers/threads, upstream keep-alive, in a session of its own; runs interleaved, medians of $RUNS."
echo
echo "Plain HTTP, keep-alive:"
echo
table plain
echo "TLS (1.3, ECDSA P-256), keep-alive:"
echo
table tls
echo "New TLS connections (\`Connection: close\`: a TCP connection and a full handshake per request), handshakes/s:"
echo
table handshake
echo "Memory per idle keep-alive connection ($IDLE connections, each after one request; resident memory, KiB):"
echo
echo "| | plain | TLS |"
echo "|---|---|---|"
for name in cape nginx haproxy caddy; do
    echo "| $(label $name) | ${IDLE_KIB[plain/$name]} | ${IDLE_KIB[tls/$name]} |"
done
echo
