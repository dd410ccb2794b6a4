# What the tests/bench/run-*.sh scripts share; sourced, never run. The script sets ROOT and BUILD first.
# shellcheck shell=bash

BENCH_NAME=$(basename "$0" .sh)
SANDBOX=$ROOT/packaging/sandbox/sandbox.sh
SANDBOX_STATE=${SANDBOX_STATE:-$BUILD/sandbox.env}
STARTED_SANDBOX=

log() { printf '==> %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$BENCH_NAME" "$*" >&2; exit 1; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# ratio A B [DECIMALS]: A / B, or n/a when B is 0.
ratio() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (b > 0) printf "%.*f", d, a / b; else print "n/a" }'; }

# The sandbox swarm at SANDBOX_STATE, started if none runs there (and then stopped by
# bench_sandbox_down); its variables (DOCKER_HOST, CAPE_SANDBOX_*) exported.
bench_sandbox_up() {
    if ! "$SANDBOX" status --state "$SANDBOX_STATE" >/dev/null 2>&1; then
        log "starting a sandbox swarm"
        "$SANDBOX" up --state "$SANDBOX_STATE" >/dev/null
        STARTED_SANDBOX=1
    fi
    set -a
    # shellcheck disable=SC1090
    . "$SANDBOX_STATE"
    set +a
}
bench_sandbox_down() {
    [ -z "$STARTED_SANDBOX" ] || "$SANDBOX" down --state "$SANDBOX_STATE" >/dev/null 2>&1 || true
}
