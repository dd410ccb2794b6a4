#!/usr/bin/env bash
# The logs benchmark (docs/benchmarks.md, "Logs"): search over 1,000,000 buffered lines against grep
# over the same lines, and the desktop app's log panel following a service that writes about 10,000
# lines/s on the sandbox swarm, against the docker CLI following the same service. Prints markdown.
#
#   tests/bench/run-logs-bench.sh [BUILD_DIR]        (default: $CAPE_BUILD_DIR or ./build)
#
# Environment: LINES (1000000), RUNS (5), SECONDS_FOLLOWED (30), SANDBOX_STATE (default
# BUILD_DIR/sandbox.env; a sandbox is started, and stopped again, if none runs there).
# Needs: bench/bench_logsearch and bench/bench_logfollow in the build directory, grep, the docker CLI,
# /usr/bin/time; hyperfine if installed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-${CAPE_BUILD_DIR:-$ROOT/build}}
# shellcheck source=tests/bench/benchlib.sh
. "$ROOT/tests/bench/benchlib.sh"
LINES=${LINES:-1000000}
RUNS=${RUNS:-5}
SECONDS_FOLLOWED=${SECONDS_FOLLOWED:-30}


for bin in "$BUILD/bench/bench_logsearch" "$BUILD/bench/bench_logfollow"; do
    [ -x "$bin" ] || die "missing $bin: build first (./run build)"
done
command -v docker >/dev/null || die "no docker CLI"
[ -x /usr/bin/time ] || die "no /usr/bin/time (Debian package time)"

WORK=$(mktemp -d /tmp/cape-logs-bench.XXXXXX)
cleanup() {
    if [ -n "${DOCKER_HOST:-}" ]; then docker service rm cape-bench-flood >/dev/null 2>&1 || true; fi
    bench_sandbox_down
    rm -rf "$WORK"
}
trap cleanup EXIT


echo "### Logs: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- command: \`tests/bench/run-logs-bench.sh\` (\`./run bench\`)"
echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- Cape $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (uncommitted changes)'), $(grep --version | head -1), docker CLI $(docker --version | sed 's/^Docker version \([^,]*\).*/\1/')"
echo

# --- 1. search: Cape's panel model against grep on the same lines ------------------------------
log "search over $LINES lines"
"$BUILD/bench/bench_logsearch" --lines "$LINES" --runs "$RUNS" --write "$WORK/lines.txt" >"$WORK/search.txt"
fill=$(sed -n 's/^filled //p' "$WORK/search.txt")
declare -A grep_cmd=(
    [plain-case-sensitive]="grep -c 'connection refused' $WORK/lines.txt"
    [plain-ignore-case]="grep -ci 'CONNECTION REFUSED' $WORK/lines.txt"
    [regex]="grep -cP '\" 50[03] \\d+' $WORK/lines.txt"
    [regex-ignore-case]="grep -ciP 'post /api/\\w+/checkout' $WORK/lines.txt"
)
echo "Search over $LINES buffered lines ($fill). Cape: the panel's search (setQuery until searchFinished, PCRE2 JIT on the thread pool), median of $RUNS; grep: the same lines from a file in the page cache, same pattern, median of $RUNS."
echo
echo "| query | Cape | grep | Cape / grep | matches (Cape = grep) |"
echo "|---|---|---|---|---|"
while read -r name median_ms _min matches; do
    [ "$name" = filled ] && continue
    cmd=${grep_cmd[$name]}
    grep_matches=$(bash -c "$cmd")
    for _ in $(seq "$RUNS"); do
        # Not to /dev/null: GNU grep notices it and stops at the first match.
        s=$(date +%s%N); bash -c "$cmd" >"$WORK/grep.out"; e=$(date +%s%N)
        echo $(( (e - s) / 1000 ))
    done | median >"$WORK/grep.us"
    grep_ms=$(awk '{ printf "%.1f", $1 / 1000 }' "$WORK/grep.us")
    same=$([ "$matches" = "$grep_matches" ] && echo yes || echo "NO ($grep_matches)")
    echo "| $name | $median_ms ms | $grep_ms ms | $(ratio "$median_ms" "$grep_ms") | $matches ($same) |"
done <"$WORK/search.txt"
echo

# --- 2. following a flooding service ------------------------------------------------------------
bench_sandbox_up
log "a service writing about 10,000 lines/s (2 replicas, 560 lines every 100 ms each)"
docker service rm cape-bench-flood >/dev/null 2>&1 || true
docker service create -d --quiet --name cape-bench-flood --replicas 2 --replicas-max-per-node 1 \
    "$CAPE_SANDBOX_BUSYBOX_IMAGE" awk 'BEGIN { n = 0; while (1) { for (i = 0; i < 560; i++) { n++; printf "10.0.%d.%d - - \"GET /api/orders/%d HTTP/1.1\" 200 %d \"Mozilla/5.0 (X11; Linux x86_64)\" rt=0.%03d\n", n % 255, n % 253, n, n % 20000, n % 999 } fflush(); system("usleep 100000") } }' >/dev/null 2>&1
for _ in $(seq 60); do
    [ "$(docker service ls --filter name=cape-bench-flood --format '{{.Replicas}}')" = "2/2" ] && break
    sleep 1
done
sleep 3

log "Cape's log panel follows it for ${SECONDS_FOLLOWED}s"
QT_QPA_PLATFORM=offscreen "$BUILD/bench/bench_logfollow" --connect "$DOCKER_HOST" --service cape-bench-flood \
    --seconds "$SECONDS_FOLLOWED" 2>/dev/null >"$WORK/follow.txt"
value() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" "$WORK/follow.txt"; }

log "the docker CLI follows it for ${SECONDS_FOLLOWED}s"
/usr/bin/time -f '%U %S %M' -o "$WORK/cli.time" timeout -s INT "$SECONDS_FOLLOWED" \
    docker service logs -f --tail 0 --timestamps cape-bench-flood >"$WORK/cli.out" 2>/dev/null || true
# time says "Command exited with non-zero status" first when timeout stops the CLI.
read -r cli_user cli_sys cli_rss_kib < <(tail -1 "$WORK/cli.time")
cli_lines=$(wc -l <"$WORK/cli.out")
cli_cpu=$(awk -v u="$cli_user" -v s="$cli_sys" -v t="$SECONDS_FOLLOWED" 'BEGIN { printf "%.1f", (u + s) / t * 100 }')
cli_rate=$(awk -v n="$cli_lines" -v t="$SECONDS_FOLLOWED" 'BEGIN { printf "%.0f", n / t }')

echo "Following a 2-replica service that writes about 10,000 lines/s, for ${SECONDS_FOLLOWED} s after a 5 s warm-up (and 5 s measured before the panel opens). Cape: the log panel (LogPanel, offscreen, painting) on the GUI thread; lag is how late a 10 ms timer on that thread fires. docker CLI: \`docker service logs -f --timestamps\` to a file."
echo
echo "| | Cape log panel | docker CLI | Cape / CLI |"
echo "|---|---|---|---|"
echo "| lines/s received | $(value lines_per_s) | $cli_rate | $(ratio "$(value lines_per_s)" "$cli_rate") |"
echo "| CPU | $(value cpu_pct) % | $cli_cpu % | $(ratio "$(value cpu_pct)" "$cli_cpu") |"
echo "| memory | $(value rss_mib) MiB RSS ($(value buffered) lines buffered) | $(awk -v k="$cli_rss_kib" 'BEGIN { printf "%.1f", k / 1024 }') MiB max RSS | |"
echo "| GUI event-loop lag p50 / p99 / max | $(value lag_p50_ms) / $(value lag_p99_ms) / $(value lag_max_ms) ms | (no GUI) | |"
echo "| same lag before the panel opened (the machine's load alone) | $(value base_p50_ms) / $(value base_p99_ms) / $(value base_max_ms) ms | | |"
echo
