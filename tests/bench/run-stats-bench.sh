#!/usr/bin/env bash
# The stats benchmark (docs/benchmarks.md, "Stats"): the desktop app's stats view while 200 containers
# stream their stats on the sandbox swarm, against the docker CLI's `docker stats` on every node over
# the same containers. Prints markdown.
#
#   tests/bench/run-stats-bench.sh [BUILD_DIR]        (default: $CAPE_BUILD_DIR or ./build)
#
# Environment: CONTAINERS (200), SECONDS_MEASURED (60), SANDBOX_STATE (default BUILD_DIR/sandbox.env;
# a sandbox is started, and stopped again, if none runs there).
# Needs: bench/bench_stats in the build directory, the docker CLI, /usr/bin/time.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-${CAPE_BUILD_DIR:-$ROOT/build}}
# shellcheck source=tests/bench/benchlib.sh
. "$ROOT/tests/bench/benchlib.sh"
CONTAINERS=${CONTAINERS:-200}
SECONDS_MEASURED=${SECONDS_MEASURED:-60}
SERVICE=cape-bench-idle


[ -x "$BUILD/bench/bench_stats" ] || die "missing $BUILD/bench/bench_stats: build first (./run build)"
command -v docker >/dev/null || die "no docker CLI"
[ -x /usr/bin/time ] || die "no /usr/bin/time (Debian package time)"

WORK=$(mktemp -d /tmp/cape-stats-bench.XXXXXX)
cleanup() {
    if [ -n "${DOCKER_HOST:-}" ]; then docker service rm "$SERVICE" >/dev/null 2>&1 || true; fi
    bench_sandbox_down
    rm -rf "$WORK"
}
trap cleanup EXIT


bench_sandbox_up
read -ra NODE_ENGINES <<<"$CAPE_SANDBOX_NODES"

# The engines' own CPU (dockerd of every node, in clock ticks): each stats stream costs its engine a
# cgroup read per second, whoever asks.
ENGINE_PIDS=()
for n in "$CAPE_SANDBOX_DIR"/n*/docker.pid; do ENGINE_PIDS+=("$(cat "$n")"); done
engine_ticks() {
    local p total=0
    for p in "${ENGINE_PIDS[@]}"; do
        total=$((total + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
    done
    echo "$total"
}
engine_cpu() { awk -v t="$(($2 - $1))" -v hz="$(getconf CLK_TCK)" -v s="$3" 'BEGIN { printf "%.1f", t / hz / s * 100 }'; }

echo "### Stats: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- command: \`tests/bench/run-stats-bench.sh\` (\`./run bench\`)"
echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- Cape $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (uncommitted changes)'), docker CLI $(docker --version | sed 's/^Docker version \([^,]*\).*/\1/'), engines $(docker version --format '{{.Server.Version}}')"
echo

log "$CONTAINERS idle containers (busybox sleep) over ${#NODE_ENGINES[@]} nodes"
docker service rm "$SERVICE" >/dev/null 2>&1 || true
docker service create -d --quiet --name "$SERVICE" --replicas "$CONTAINERS" \
    "$CAPE_SANDBOX_BUSYBOX_IMAGE" sleep 86400 >/dev/null 2>&1
for _ in $(seq 180); do
    [ "$(docker service ls --filter name="$SERVICE" --format '{{.Replicas}}')" = "$CONTAINERS/$CONTAINERS" ] && break
    sleep 1
done
[ "$(docker service ls --filter name="$SERVICE" --format '{{.Replicas}}')" = "$CONTAINERS/$CONTAINERS" ] ||
    die "$SERVICE did not reach $CONTAINERS running replicas"
sleep 10 # the start-up load settles

log "Cape's stats view, ${SECONDS_MEASURED}s"
node_args=()
for n in "${NODE_ENGINES[@]}"; do node_args+=(--node "$n"); done
QT_QPA_PLATFORM=offscreen "$BUILD/bench/bench_stats" --connect "$DOCKER_HOST" "${node_args[@]}" \
    --containers "$CONTAINERS" --service "$SERVICE" --seconds "$SECONDS_MEASURED" 2>"$WORK/cape.err" >"$WORK/cape.txt" &
cape=$!
# The engines over the same window as Cape.
until grep -q '^measuring' "$WORK/cape.txt" 2>/dev/null; do
    kill -0 "$cape" 2>/dev/null || die "bench_stats failed: $(tail -3 "$WORK/cape.err")"
    sleep 0.1
done
before=$(engine_ticks)
wait "$cape" || die "bench_stats failed: $(tail -3 "$WORK/cape.err")"
after=$(engine_ticks)
value() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" "$WORK/cape.txt"; }
cape_engines=$(engine_cpu "$before" "$after" "$SECONDS_MEASURED")

log "docker stats on every node, ${SECONDS_MEASURED}s"
before=$(engine_ticks)
i=0
for n in "${NODE_ENGINES[@]}"; do
    i=$((i + 1))
    DOCKER_HOST=$n /usr/bin/time -f '%U %S %M' -o "$WORK/cli$i.time" timeout -s INT "$SECONDS_MEASURED" \
        docker stats --no-trunc >"$WORK/cli$i.out" 2>/dev/null &
done
wait || true
after=$(engine_ticks)
cli_engines=$(engine_cpu "$before" "$after" "$SECONDS_MEASURED")
# time says "Command exited with non-zero status" first when timeout stops the CLI.
read -r cli_cpu cli_rss < <(for f in "$WORK"/cli*.time; do tail -1 "$f"; done |
    awk -v t="$SECONDS_MEASURED" '{ cpu += $1 + $2; rss += $3 } END { printf "%.1f %.1f\n", cpu / t * 100, rss / 1024 }')

echo "$CONTAINERS idle containers (one replicated service) on the ${#NODE_ENGINES[@]}-node sandbox swarm, measured for ${SECONDS_MEASURED} s once every container has delivered a sample and 5 s more. Cape: \`bench_stats\`, the real stats view (StatsView, offscreen, painting): the containers table sorted by CPU and the cluster's charts with a line per node, then halfway through the service selected (its total and its replicas); one stats stream per container on the engine that runs it. Lag is how late a 10 ms timer on the GUI thread fires. docker CLI: \`docker stats --no-trunc\` once per node (the CLI shows one engine's containers), the figures summed."
echo
echo "| | Cape stats view | docker stats × ${#NODE_ENGINES[@]} | Cape / CLI |"
echo "|---|---|---|---|"
echo "| containers followed | $(value containers) | $CONTAINERS | |"
echo "| samples/s received | $(value samples_per_s) | (not reported) | |"
echo "| CPU | $(value cpu_pct) % | $cli_cpu % | $(ratio "$(value cpu_pct)" "$cli_cpu") |"
echo "| memory | $(value rss_mib) MiB RSS (peak $(value peak_rss_mib)) | $cli_rss MiB max RSS (sum) | $(ratio "$(value rss_mib)" "$cli_rss") |"
echo "| GUI event-loop lag p50 / p99 / max | $(value lag_p50_ms) / $(value lag_p99_ms) / $(value lag_max_ms) ms | (no GUI) | |"
echo "| same lag before the view opened (the machine's load alone) | $(value base_p50_ms) / $(value base_p99_ms) / $(value base_max_ms) ms | | |"
echo "| the engines' CPU meanwhile (3 × dockerd) | $cape_engines % | $cli_engines % | $(ratio "$cape_engines" "$cli_engines") |"
echo
