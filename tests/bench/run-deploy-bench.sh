#!/usr/bin/env bash
# cape-deployd: the time from a webhook received to the first service update sent to the engine
# (image builds excluded: templates name images). Drives the real binary against the sandbox swarm
# (./run sandbox up), a git repository made here and served over file://, a signed GitHub push
# webhook per run; each run changes one service's environment. The daemon's own record gives the
# figure: updateIssuedAt - queuedAt (queuedAt is set as the webhook is answered). Also the whole
# deployment's duration (until the engine reports the rolling update completed). Beside it, the floor:
# `docker service update --detach` sending an update by hand.
#
#   tests/bench/run-deploy-bench.sh [BUILD_DIR]       (RUNS: 10)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-${CAPE_BUILD_DIR:-$ROOT/build}}
# shellcheck source=tests/bench/benchlib.sh
. "$ROOT/tests/bench/benchlib.sh"
RUNS=${RUNS:-10}
bench_sandbox_up
work=$(mktemp -d /tmp/cape-deploy-bench.XXXXXX)
service=cape-bench-deploy-web
cleanup() {
    [[ -n ${deployd:-} ]] && kill "$deployd" 2>/dev/null && wait "$deployd" 2>/dev/null
    docker service rm "$service" >/dev/null 2>&1 || true
    rm -rf "$work"
    bench_sandbox_down
}
trap cleanup EXIT

git init -q -b main "$work/origin"
mkdir -p "$work/origin/deploy"
cat > "$work/origin/deploy/web.js" <<JS
module.exports = ctx => ({
    name: '$service', image: ctx.env.IMAGE, replicas: 1,
    command: ['sleep', '3600'], env: {RUN: ctx.files.read('run.txt').trim()}, stopGracePeriod: '1s'
});
JS
commit() { echo "$1" > "$work/origin/run.txt"; git -C "$work/origin" add -A; git -C "$work/origin" -c user.name=bench -c user.email=bench@cape.test commit -qm "run $1"; }
commit 0
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/deployd.json" <<JSON
{"listen": "127.0.0.1:$port", "docker": "$DOCKER_HOST", "cacheDirectory": "$work/cache",
 "repositories": [{"name": "bench", "url": "file://$work/origin", "webhookSecret": "s3cret",
                   "pollIntervalSeconds": 0, "env": {"IMAGE": "$CAPE_SANDBOX_BUSYBOX_IMAGE"}}]}
JSON
"$BUILD/bin/cape-deployd" --config "$work/deployd.json" 2>"$work/deployd.log" &
deployd=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done

hook() {
    local body='{"ref":"refs/heads/main"}'
    local signature; signature=$(printf %s "$body" | openssl dgst -sha256 -hmac s3cret | awk '{print $NF}')
    curl -sf -X POST -H "X-Hub-Signature-256: sha256=$signature" -H 'X-GitHub-Event: push' \
        -d "$body" "http://127.0.0.1:$port/hooks/bench" | python3 -c 'import json,sys; print(json.load(sys.stdin)["deployment"])'
}
wait_for() {
    for _ in $(seq 600); do
        local record; record=$(curl -sf "http://127.0.0.1:$port/deployments/$1")
        case $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["status"])' "$record") in
            queued|running) sleep 0.2 ;;
            *) echo "$record"; return ;;
        esac
    done
    die "deployment $1 did not end"
}
log "first deployment (creates the service)"
wait_for "$(hook)" >/dev/null
issued=(); total=(); cli=()
for run in $(seq "$RUNS"); do
    commit "$run"
    record=$(wait_for "$(hook)")
    read -r i t status < <(python3 - "$record" <<'PY'
import json, sys
from datetime import datetime
d = json.loads(sys.argv[1])
p = lambda s: datetime.fromisoformat(s.replace('Z', '+00:00'))
print(round((p(d['updateIssuedAt']) - p(d['queuedAt'])).total_seconds() * 1000, 1), d['durationMs'], d['status'])
PY
)
    [[ $status == succeeded ]] || die "run $run: $status ($(tail -3 "$work/deployd.log"))"
    issued+=("$i"); total+=("$t")
    # The floor, side by side: the docker CLI sending the same kind of update by hand (no git, no
    # template, no plan), from its start until the engine accepted the update.
    start=$(date +%s%N)
    docker service update --detach --quiet --env-add "BY_HAND=$run" "$service" >/dev/null
    cli+=("$(( ($(date +%s%N) - start) / 1000000 ))")
    log "run $run: webhook to update issued ${i} ms, deployment ${t} ms; docker service update --detach ${cli[-1]} ms"
done
max() { printf '%s\n' "$@" | sort -g | tail -1; }
echo "webhook received -> update issued: median $(printf '%s\n' "${issued[@]}" | median) ms, max $(max "${issued[@]}") ms over $RUNS runs (target: under 1000 ms)"
echo "docker service update --detach (the CLI's whole run, same machine): median $(printf '%s\n' "${cli[@]}" | median) ms; ratio cape-deployd / CLI: $(ratio "$(printf '%s\n' "${issued[@]}" | median)" "$(printf '%s\n' "${cli[@]}" | median)")"
echo "whole deployment (until the rolling update completed): median $(printf '%s\n' "${total[@]}" | median) ms"
