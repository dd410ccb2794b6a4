#!/usr/bin/env bash
# The dashboard benchmark (docs/benchmarks.md, "Dashboard at 10,000 tasks"): Cape's live state
# (ClusterStore, headless) and the desktop app against a replayed swarm of 30 nodes, 1,000 services
# and 10,000 tasks, and the docker CLI against the same replay, in one run. Prints markdown.
#
#   tests/bench/run-dashboard-bench.sh [BUILD_DIR]        (default: $CAPE_BUILD_DIR or ./build)
#
# Environment: NODES SERVICES TASKS (30 1000 10000), REPEAT and CHANGES (5 runs of 100 task
# changes), GUI_RUNS (3), CLI_RUNS (10), CLI_ALL_RUNS (3), SCREENSHOT (keep the app's screenshot here).
# Needs: bench/bench_dashboard, bench/cape-engine-replay and bin/cape in the build directory, the
# docker CLI, /usr/bin/time; hyperfine if installed (else a loop timed with date +%s%N).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-${CAPE_BUILD_DIR:-$ROOT/build}}
# shellcheck source=tests/bench/benchlib.sh
. "$ROOT/tests/bench/benchlib.sh"
NODES=${NODES:-30}
SERVICES=${SERVICES:-1000}
TASKS=${TASKS:-10000}
REPEAT=${REPEAT:-5}
CHANGES=${CHANGES:-100}
GUI_RUNS=${GUI_RUNS:-3}
CLI_RUNS=${CLI_RUNS:-10}
CLI_ALL_RUNS=${CLI_ALL_RUNS:-3}
SCREENSHOT_WAIT_S=1.5 # cape --screenshot grabs this long after loaded()

for bin in "$BUILD/bench/bench_dashboard" "$BUILD/bench/cape-engine-replay" "$BUILD/bin/cape"; do
    [ -x "$bin" ] || die "missing $bin: build first (./run build)"
done
command -v docker >/dev/null || die "no docker CLI"
[ -x /usr/bin/time ] || die "no /usr/bin/time (Debian package time)"

WORK=$(mktemp -d /tmp/cape-dashboard-bench.XXXXXX)
REPLAY_PID=
cleanup() {
    if [ -n "$REPLAY_PID" ]; then
        kill "$REPLAY_PID" 2>/dev/null || true
        wait "$REPLAY_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# median of numbers on stdin
# a / b, two decimals
fmt_ms() { awk -v v="$1" 'BEGIN { if (v < 10) printf "%.2f ms", v; else printf "%.0f ms", v }'; }

echo "### Dashboard at $TASKS tasks: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- command: \`tests/bench/run-dashboard-bench.sh\` (\`./run bench\`), $NODES nodes, $SERVICES services, $TASKS tasks"
echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- Cape $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (uncommitted changes)'), docker CLI $(docker --version | sed 's/^Docker version \([^,]*\).*/\1/')"
echo

# --- 1. ClusterStore, in process, against its own replay child -------------------------------
log "ClusterStore: $REPEAT runs of connect and load, $CHANGES task changes each"
"$BUILD/bench/bench_dashboard" --nodes "$NODES" --services "$SERVICES" --tasks "$TASKS" --repeat "$REPEAT" \
    --changes "$CHANGES" --results "$WORK/store.env" >"$WORK/store.md"
cat "$WORK/store.md"
echo
result() { sed -n "s/^$1=//p" "$WORK/store.env"; }
services_ms=$(result services_ms)
loaded_ms=$(result loaded_ms)
event_to_row_ms=$(result event_to_row_ms)
event_to_row_p95_ms=$(result event_to_row_p95_ms)
post_to_row_ms=$(result post_to_row_ms)
rss_first_mib=$(result rss_first_mib)
rss_max_mib=$(result rss_max_mib)

# --- 2. one replay for the desktop app and the docker CLI -------------------------------------
SOCK=$WORK/engine.sock
"$BUILD/bench/cape-engine-replay" --socket "$SOCK" --nodes "$NODES" --services "$SERVICES" --tasks "$TASKS" \
    >"$WORK/replay.log" 2>&1 &
REPLAY_PID=$!
for _ in $(seq 600); do
    grep -q 'listening on' "$WORK/replay.log" && break
    kill -0 "$REPLAY_PID" 2>/dev/null || die "the replay exited: $(cat "$WORK/replay.log")"
    sleep 0.5
done
grep -q 'listening on' "$WORK/replay.log" || die "the replay did not start listening"
log "$(head -1 "$WORK/replay.log")"

# --- 3. the desktop app: start to the services view loaded and grabbed ------------------------
log "cape desktop app: $GUI_RUNS runs"
: >"$WORK/gui.txt"
for _ in $(seq "$GUI_RUNS"); do
    QT_QPA_PLATFORM=offscreen /usr/bin/time -f '%e %M' -o "$WORK/gui.time" \
        "$BUILD/bin/cape" --connect "unix://$SOCK" --view services --size 1440x900 \
        --screenshot "$WORK/services.png" >/dev/null 2>"$WORK/gui.err" || die "cape failed: $(cat "$WORK/gui.err")"
    tail -1 "$WORK/gui.time" >>"$WORK/gui.txt"
done
[ -n "${SCREENSHOT:-}" ] && cp "$WORK/services.png" "$SCREENSHOT"
gui_wall_s=$(awk '{ print $1 }' "$WORK/gui.txt" | median)
gui_ms=$(awk -v w="$gui_wall_s" -v s="$SCREENSHOT_WAIT_S" 'BEGIN { printf "%.0f", (w - s) * 1000 }')
gui_rss_mib=$(awk '{ print $2 / 1024 }' "$WORK/gui.txt" | sort -g | tail -1)

# --- 4. the docker CLI against the same replay --------------------------------------------------
export DOCKER_HOST=unix://$SOCK
mapfile -t names < <(docker service ls --format '{{.Name}}' | sort)
[ "${#names[@]}" -eq "$SERVICES" ] || die "docker service ls listed ${#names[@]} services, not $SERVICES"
one=${names[0]}
thirty=("${names[@]:0:30}")
declare -A cli_cmd=(
    [ls]="docker service ls"
    [ps1]="docker service ps $one"
    [ps30]="docker service ps ${thirty[*]}"
    [psall]="docker service ps ${names[*]}"
)
declare -A cli_ms
time_cli() { # key runs
    local key=$1 runs=$2
    if command -v hyperfine >/dev/null; then
        hyperfine -N --style none --warmup 1 --runs "$runs" --command-name "$key" \
            --export-csv "$WORK/$key.csv" "${cli_cmd[$key]}" >/dev/null 2>&1 || die "hyperfine failed on ${cli_cmd[$key]:0:60}"
        # command,mean,stddev,median,user,system,min,max (seconds)
        cli_ms[$key]=$(awk -F, 'NR == 2 { printf "%.1f", $4 * 1000 }' "$WORK/$key.csv")
    else
        ${cli_cmd[$key]} >/dev/null
        local start end
        for _ in $(seq "$runs"); do
            start=$(date +%s%N)
            ${cli_cmd[$key]} >/dev/null
            end=$(date +%s%N)
            echo $(((end - start) / 1000))
        done | median | awk '{ printf "%.1f", $1 / 1000 }' >"$WORK/$key.ms"
        cli_ms[$key]=$(cat "$WORK/$key.ms")
    fi
}
timer=$(command -v hyperfine >/dev/null && echo "hyperfine, median of $CLI_RUNS after a warm-up" || echo "a loop timed with date +%s%N, median of $CLI_RUNS")
log "docker CLI: $timer"
time_cli ls "$CLI_RUNS"
time_cli ps1 "$CLI_RUNS"
time_cli ps30 "$CLI_RUNS"
time_cli psall "$CLI_ALL_RUNS"
ps_lines=$(docker service ps "${thirty[@]}" | tail -n +2 | wc -l)
all_lines=$(docker service ps "${names[@]}" | tail -n +2 | wc -l)

# --- 5. side by side ---------------------------------------------------------------------------
echo "| contender | what it shows | median | Cape / CLI |"
echo "| --- | --- | --- | --- |"
echo "| Cape ClusterStore | connect → services table holds all $SERVICES services | $(fmt_ms "$services_ms") | $(ratio "$services_ms" "${cli_ms[ls]}") × \`service ls\` |"
echo "| Cape desktop app | process start → services view loaded, grabbed and saved (the ${SCREENSHOT_WAIT_S} s screenshot wait subtracted), $GUI_RUNS runs | $(fmt_ms "$gui_ms") | $(ratio "$gui_ms" "${cli_ms[ls]}") × \`service ls\`, $(ratio "$gui_ms" "${cli_ms[psall]}") × \`service ps\` (all) |"
echo "| \`docker service ls\` | process start → $SERVICES services printed | $(fmt_ms "${cli_ms[ls]}") | |"
echo "| Cape ClusterStore | connect → loaded(): all $TASKS tasks, nodes, networks, configs, secrets | $(fmt_ms "$loaded_ms") | $(ratio "$loaded_ms" "${cli_ms[psall]}") × \`service ps\` (all) |"
echo "| \`docker service ps\` all $SERVICES services | $all_lines tasks printed ($CLI_ALL_RUNS runs) | $(fmt_ms "${cli_ms[psall]}") | |"
echo "| \`docker service ps\` 30 services | $ps_lines tasks printed | $(fmt_ms "${cli_ms[ps30]}") | |"
echo "| \`docker service ps $one\` | one service's tasks | $(fmt_ms "${cli_ms[ps1]}") | |"
echo "| Cape ClusterStore | a task's state change: event line in → row changed (median / p95) | $(fmt_ms "$event_to_row_ms") / $(fmt_ms "$event_to_row_p95_ms") | $(ratio "$post_to_row_ms" "${cli_ms[ps1]}") × \`service ps\` (one), POST → row |"
echo "| Cape ClusterStore | VmRSS after load (first run / highest) | $(printf '%.0f / %.0f MiB' "$rss_first_mib" "$rss_max_mib") | |"
echo "| Cape desktop app | max RSS (/usr/bin/time %M, highest of $GUI_RUNS) | $(printf '%.0f MiB' "$gui_rss_mib") | |"
echo
echo "CLI timings: $timer; each is a whole \`docker\` process against the same replay. Cape's ClusterStore"
echo "figures are in-process (no process start); the desktop app's include starting the process."
echo
met() { awk -v v="$1" -v t="$2" 'BEGIN { print (v < t) ? "met" : "MISSED" }'; }
mb() { awk -v m="$1" 'BEGIN { printf "%.0f", m * 1.048576 }'; } # MiB -> MB
echo "Targets: services table < 1 s: $(met "$services_ms" 1000) ($(fmt_ms "$services_ms")); one task change < 5 ms:" \
    "$(met "$event_to_row_ms" 5) ($(fmt_ms "$event_to_row_ms") median, $(fmt_ms "$event_to_row_p95_ms") p95);" \
    "resident memory < 200 MB: ClusterStore after its first load $(met "$(mb "$rss_first_mib")" 200)" \
    "($(mb "$rss_first_mib") MB), after reloads $(met "$(mb "$rss_max_mib")" 200) ($(mb "$rss_max_mib") MB)," \
    "desktop app $(met "$(mb "$gui_rss_mib")" 200) ($(mb "$gui_rss_mib") MB)."
