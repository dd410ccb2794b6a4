#!/usr/bin/env bash
# The eventsource benchmark (docs/benchmarks.md, "Eventsource"): N events queued exactly as the Superhero
# client writes them, indexed by cape-eventd and by the reference server (@superhero/core.eventsource
# 3.7.8, src/server/index.js) on the same Redis, one after the other; and the Redis-side ceiling: the
# same write commands piped raw with redis-cli --pipe. Prints markdown.
#
#   tests/bench/run-eventsource-bench.sh [BUILD_DIR]        (default: $CAPE_BUILD_DIR or ./build)
#
# Environment: EVENTS (20000), RUNS (3), REFERENCE_RUNS (RUNS), BROWSE_EVENTS (1000000: the store the browser pages through).
# Needs: bin/cape-eventd, redis-server and redis-cli, node and npm (the reference is installed into
# BUILD_DIR/npm like the interop tests do), python3 (writes the raw protocol for --pipe).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-${CAPE_BUILD_DIR:-$ROOT/build}}
# shellcheck source=tests/bench/benchlib.sh
. "$ROOT/tests/bench/benchlib.sh"
EVENTS=${EVENTS:-20000}
RUNS=${RUNS:-3}
REFERENCE_RUNS=${REFERENCE_RUNS:-$RUNS}
NPM_DIR=$BUILD/npm/superhero-eventsource
REFERENCE=$NPM_DIR/node_modules/@superhero/core.eventsource/src/server/index.js


for bin in bin/cape-eventd bench/bench_eventsourcebrowse; do
    [ -x "$BUILD/$bin" ] || die "missing $BUILD/$bin: build first (./run build)"
done
BROWSE_EVENTS=${BROWSE_EVENTS:-1000000}
for tool in redis-server redis-cli node npm python3; do command -v $tool >/dev/null || die "no $tool"; done
if [ ! -f "$REFERENCE" ]; then
    log "installing @superhero/core.eventsource@3.7.8 into $NPM_DIR"
    mkdir -p "$NPM_DIR"
    (cd "$NPM_DIR" && npm install --no-audit --no-fund --no-save @superhero/core.eventsource@3.7.8 >/dev/null)
fi

WORK=$(mktemp -d /tmp/cape-eventsource-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SERVER=
CLUSTER_PORTS=()
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
    redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
    for port in "${CLUSTER_PORTS[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" --daemonize yes >/dev/null
for _ in $(seq 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
rcli() { redis-cli -p "$PORT" "$@"; }

# N events as the client writes them (XADD, each field its JSON), 100 processes, half with a ppid; one
# script, so that they appear at once.
FLOOD='redis.pcall("XGROUP", "CREATE", KEYS[1], KEYS[1], "$", "MKSTREAM")
for i = 1, tonumber(ARGV[1]) do
  local ppid = "null"
  if i % 2 == 0 then ppid = "\"parent-" .. (i % 7) .. "\"" end
  redis.call("XADD", KEYS[1], "*", "data", "{\"i\":" .. i .. ",\"user\":{\"name\":\"n" .. i .. "\"}}",
             "rid", "null", "timestamp", "\"2026-01-01T00:00:00.000Z\"", "domain", "\"Load Test\"",
             "pid", "\"p" .. (i % 100) .. "\"", "ppid", ppid, "name", "\"tick\"", "broadcast", "true")
end
return 1'

# Starts a server (cape, reference, or cluster: cape-eventd on the Redis Cluster made below), queues the
# events, wakes it as the client does, and times until all are indexed (the persisted stream, written last
# on a cluster, holds them all).
time_server() {
    local kind=$1 start end port cli=rcli
    if [ "$kind" = cluster ]; then
        cli=ccli
        for port in "${CLUSTER_PORTS[@]}"; do redis-cli -p "$port" flushall >/dev/null; done
    else
        rcli flushall >/dev/null
    fi
    case $kind in
    cape) "$BUILD/bin/cape-eventd" --redis "127.0.0.1:$PORT" --consumer bench >"$WORK/server.log" 2>&1 & ;;
    cluster) "$BUILD/bin/cape-eventd" --cluster "127.0.0.1:${CLUSTER_PORTS[0]}" --consumer bench >"$WORK/server.log" 2>&1 & ;;
    *) REDIS_HOST=127.0.0.1 REDIS_PORT=$PORT NODE_PATH=$NPM_DIR/node_modules node "$REFERENCE" >"$WORK/server.log" 2>&1 & ;;
    esac
    SERVER=$!
    # Subscribed: ready (on a cluster, on one of the masters: PUBSUB NUMSUB counts a node's own).
    for _ in $(seq 200); do
        for port in "$PORT" "${CLUSTER_PORTS[@]}"; do
            [ "$(redis-cli -p "$port" pubsub numsub process-event-scheduled | tail -1)" != 0 ] && break 2
        done
        sleep 0.05
    done
    sleep 0.5
    $cli eval "$FLOOD" 1 process-event-queued "$EVENTS" >/dev/null
    start=$(date +%s%N)
    $cli publish process-event-queued null >/dev/null
    while [ "$($cli xlen process-load-test-tick-persisted)" -lt "$EVENTS" ]; do
        sleep 0.01
        kill -0 "$SERVER" 2>/dev/null || die "$kind server died: $(tail -5 "$WORK/server.log")"
        [ $(( ($(date +%s%N) - start) / 1000000000 )) -gt 600 ] && die "$kind: not done in 10 minutes"
    done
    end=$(date +%s%N)
    sleep 0.5
    [ "$($cli hlen pd)" = "$EVENTS" ] || die "$kind: pd does not hold $EVENTS events"
    [ "$($cli xlen process-load-test-tick-persisted)" = "$EVENTS" ] || die "$kind: the persisted stream holds more than $EVENTS entries"
    kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true
    SERVER=
    echo $(( (end - start) / 1000 ))
}

# The ceiling: the writes cape-eventd sends for these events, as raw protocol through redis-cli --pipe.
python3 - "$EVENTS" >"$WORK/pipe.resp" <<'EOF'
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
def cmd(*args):
    args = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    out.write(b"*%d\r\n" % len(args))
    for a in args:
        out.write(b"$%d\r\n%s\r\n" % (len(a), a))
# As cape-eventd writes a batch of 1000: one MULTI, one HSET of pd, one ZADD per sorted set, the persisted
# stream's XADD and three PUBLISHes per event, one XDEL and one XACK.
for first in range(1, n + 1, 1000):
    batch = range(first, min(n, first + 999) + 1)
    hset, zadds, appends, ids = [], {}, [], []
    for i in batch:
        sid = "1767225600000-%d" % i
        member = '"%s"' % sid
        ppid = "parent-%d" % (i % 7) if i % 2 == 0 else None
        pid = "p%d" % (i % 100)
        doc = '{"data":{"i":%d,"user":{"name":"n%d"}},"rid":null,"timestamp":"2026-01-01T00:00:00.000Z","domain":"Load Test","pid":"%s","ppid":%s,"name":"tick"}' % (i, i, pid, '"%s"' % ppid if ppid else "null")
        hset += [sid, doc]
        keys = ["ph:load-test:" + pid, "phn:load-test:%s:tick" % pid, "phon:tick", "phop:" + pid]
        if ppid:
            keys += ["phopp:" + ppid, "phpp:Load Test:" + ppid]
        for key in keys:
            zadds.setdefault(key, []).extend([1767225600000, member])
        appends.append((member, pid))
        ids.append(sid)
    cmd("MULTI")
    cmd("HSET", "pd", *hset)
    for key, pairs in zadds.items():
        cmd("ZADD", key, *pairs)
    for member, pid in appends:
        cmd("XADD", "process-load-test-tick-persisted", "*", "id", member)
        message = '{"id":%s}' % member
        for channel in ("process-load-test-tick-persisted", "process-load-test-%s-persisted-pid" % pid, "process-load-test-%s-tick-persisted-pid-name" % pid):
            cmd("PUBLISH", channel, message)
    cmd("XDEL", "process-event-queued", *ids)
    cmd("XACK", "process-event-queued", "process-event-queued", *ids)
    cmd("EXEC")
EOF
time_pipe() {
    rcli flushall >/dev/null
    rcli eval "$FLOOD" 1 process-event-queued "$EVENTS" >/dev/null
    local start end
    start=$(date +%s%N)
    redis-cli -p "$PORT" --pipe <"$WORK/pipe.resp" >/dev/null
    end=$(date +%s%N)
    echo $(( (end - start) / 1000 ))
}

rate() { awk -v n="$EVENTS" -v us="$1" 'BEGIN { printf "%.0f", n / (us / 1e6) }'; }

log "cape-eventd, $RUNS runs of $EVENTS events"
for _ in $(seq "$RUNS"); do time_server cape; done | median >"$WORK/cape.us"
log "the Redis ceiling (redis-cli --pipe), $RUNS runs"
for _ in $(seq "$RUNS"); do time_pipe; done | median >"$WORK/pipe.us"
log "the reference server, $REFERENCE_RUNS runs of $EVENTS events (it is slow)"
for _ in $(seq "$REFERENCE_RUNS"); do time_server reference; done | median >"$WORK/reference.us"

# The same on a Redis Cluster of three masters (all on this machine's cores): what routing by slot and
# the cluster's once-only writes cost.
log "cape-eventd on a 3-master Redis Cluster, $RUNS runs"
for i in 1 2 3; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    bus=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    mkdir -p "$WORK/cluster-$i"
    # The bus port named: port + 10000, the default, may be taken or past 65535.
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK/cluster-$i" \
        --cluster-enabled yes --cluster-port "$bus" --daemonize yes >/dev/null
    CLUSTER_PORTS+=("$port")
done
for port in "${CLUSTER_PORTS[@]}"; do
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
redis-cli --cluster create "${CLUSTER_PORTS[@]/#/127.0.0.1:}" --cluster-yes >/dev/null
for port in "${CLUSTER_PORTS[@]}"; do
    for _ in $(seq 100); do
        redis-cli -p "$port" cluster info | grep -q cluster_state:ok && break
        sleep 0.1
    done
done
ccli() { redis-cli -c -p "${CLUSTER_PORTS[0]}" "$@"; }
for _ in $(seq "$RUNS"); do time_server cluster; done | median >"$WORK/cluster.us"

cape_rate=$(rate "$(cat "$WORK/cape.us")")
cluster_rate=$(rate "$(cat "$WORK/cluster.us")")
pipe_rate=$(rate "$(cat "$WORK/pipe.us")")
ref_rate=$(rate "$(cat "$WORK/reference.us")")

echo "### Eventsource: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- command: \`tests/bench/run-eventsource-bench.sh\` (\`./run bench\`)"
echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- Cape $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (uncommitted changes)'), $(redis-server --version | cut -d' ' -f1-3), node $(node --version), @superhero/core.eventsource 3.7.8"
echo
echo "$EVENTS events queued at once as the client writes them (one XADD each, every field its JSON; 100 processes, half with a ppid, all broadcast), then the wake-up the client publishes; timed from the wake-up until the persisted stream holds all of them (then checked: \`pd\` holds exactly $EVENTS events, the persisted stream exactly $EVENTS entries). Medians: cape-eventd of $RUNS (default settings, batches of 1000), the reference of $REFERENCE_RUNS. The cluster: cape-eventd on a Redis Cluster of 3 masters on the same 2 cores. The ceiling: the write commands cape-eventd sends for the same events, per batch of 1000 (MULTI, one HSET, one ZADD per sorted set, per event an XADD and 3 PUBLISH, one XDEL, one XACK, EXEC), piped raw with \`redis-cli --pipe\`, median of $RUNS (no reads, no decoding: Redis alone)."
echo
echo "| | events/s | time for $EVENTS | vs the reference | share of the ceiling |"
echo "|---|---|---|---|---|"
echo "| reference server (node) | $ref_rate | $(awk -v us="$(cat "$WORK/reference.us")" 'BEGIN { printf "%.2f s", us / 1e6 }') | 1.0 | $(awk -v a="$ref_rate" -v b="$pipe_rate" 'BEGIN { printf "%.1f %%", a / b * 100 }') |"
echo "| cape-eventd | $cape_rate | $(awk -v us="$(cat "$WORK/cape.us")" 'BEGIN { printf "%.2f s", us / 1e6 }') | $(ratio "$cape_rate" "$ref_rate" 1) | $(awk -v a="$cape_rate" -v b="$pipe_rate" 'BEGIN { printf "%.1f %%", a / b * 100 }') |"
echo "| cape-eventd, 3-master Redis Cluster | $cluster_rate | $(awk -v us="$(cat "$WORK/cluster.us")" 'BEGIN { printf "%.2f s", us / 1e6 }') | $(ratio "$cluster_rate" "$ref_rate" 1) | — |"
echo "| Redis ceiling (redis-cli --pipe) | $pipe_rate | $(awk -v us="$(cat "$WORK/pipe.us")" 'BEGIN { printf "%.2f s", us / 1e6 }') | $(ratio "$pipe_rate" "$ref_rate" 1) | 100 % |"
echo

# --- browsing a large store with the desktop's model ---------------------------------------------
log "browsing: $BROWSE_EVENTS events indexed by cape-eventd, then paged through"
rcli flushall >/dev/null
"$BUILD/bin/cape-eventd" --redis "127.0.0.1:$PORT" --consumer bench >"$WORK/server.log" 2>&1 &
SERVER=$!
left=$BROWSE_EVENTS
while [ "$left" -gt 0 ]; do
    chunk=$(( left < 100000 ? left : 100000 ))
    rcli eval "$FLOOD" 1 process-event-queued "$chunk" >/dev/null
    left=$(( left - chunk ))
done
rcli publish process-event-queued null >/dev/null
while [ "$(rcli hlen pd)" -lt "$BROWSE_EVENTS" ]; do
    sleep 0.5
    kill -0 "$SERVER" 2>/dev/null || die "cape-eventd died: $(tail -5 "$WORK/server.log")"
done
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
SERVER=
memory=$(rcli info memory | sed -n 's/^used_memory_human:\(.*\)\r$/\1/p')
"$BUILD/bench/bench_eventsourcebrowse" --redis "127.0.0.1:$PORT" --domain "Load Test" --pid p7 --pages 20 >"$WORK/browse.txt"
browse() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" "$WORK/browse.txt"; }
echo "Browsing $BROWSE_EVENTS indexed events (Redis holding $memory) with the desktop's EventsourceTableModel (bench_eventsourcebrowse, headless): the first page of 200 and then 19 more, as scrolling asks for them."
echo
echo "| query | first page | slowest next page | rows after 20 pages | matching |"
echo "|---|---|---|---|---|"
echo "| recent events (HSCAN of pd) | $(browse recent_first_page_ms) ms | $(browse recent_next_page_max_ms) ms | $(browse recent_rows) | $(browse recent_total) |"
echo "| one process (its sorted set, newest first) | $(browse process_first_page_ms) ms | $(browse process_next_page_max_ms) ms | $(browse process_rows) | $(browse process_total) |"
echo
echo "The model held $(browse rss_mib) MiB more after both."
echo
