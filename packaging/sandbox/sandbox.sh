#!/usr/bin/env bash
# A real multi-node Docker Swarm on this one machine, plus a Redis, for tests and the demo.
#
#   sandbox.sh up [--nodes N] [--state FILE] [--dir DIR]
#       Start N dockerds (default 3; node1 manager, the others workers), each in its own network
#       namespace and hostname, bridged on a private subnet; form a swarm; load the images
#       cape/busybox:latest and cape/redis:latest into every node; start redis-server on loopback.
#       Writes DIR/env (and a copy to FILE); prints DOCKER_HOST=... and REDIS=... on stdout.
#   sandbox.sh down [--state FILE | --dir DIR | --all]
#       Remove everything the sandbox created. --all removes every cape sandbox and leftover found.
#   sandbox.sh status [--state FILE | --dir DIR]       nodes and redis; exit 1 if none is running
#   sandbox.sh node-stop I [--kill] [--state FILE | --dir DIR]   stop node I's dockerd, keep its data
#   sandbox.sh node-start I [--state FILE | --dir DIR]
#
# Sandbox K (the first free index in 1..200) owns: bridge capebrK with subnet 10.77.K.0/24 (node
# I = 10.77.K.I, host = 10.77.K.254), network namespaces capeK-nI, host-side veths capeKvI,
# cgroups /capeK-nI, and its directory (default /tmp/cape-sandbox.XXXX). Needs root.
# Environment: CAPE_IMAGE_CACHE (default DIR/images) keeps built image archives between runs.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IMAGE_BUILDER=$HERE/../image-builder.sh
# Index -> sandbox directory, so that `down --all` and `status` also find sandboxes outside /tmp.
REGISTRY=/run/cape-sandbox
MAX_INDEX=200
BUSYBOX_IMAGE=cape/busybox:latest
REDIS_IMAGE=cape/redis:latest
BUSYBOX_APPLETS="sh echo sleep cat ls ps top httpd nc wget date hostname seq yes env true false
    mkdir rm cp mv ln grep sed awk head tail wc sort uniq tr cut tee touch kill id whoami uname
    printf test expr nslookup ping ip ifconfig netstat timeout xargs find df du free uptime vi"

log() { echo "sandbox: $*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }

bridge_of() { echo "capebr$1"; }
netns_of() { echo "cape$1-n$2"; }
veth_of() { echo "cape$1v$2"; }
ip_of() { echo "10.77.$1.$2"; }
socket_of() { echo "$1/n$2/docker.sock"; }
link_names() { ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'; }

# env_get FILE KEY: a value from an env file written by `up` (KEY="value" lines).
env_get() {
    [[ -f $1 ]] || return 0
    sed -n "s/^$2=\"\(.*\)\"\$/\1/p" "$1"
}

# ---------------------------------------------------------------------------------------------
# Teardown. Works from whatever is left: it must also clean half-built and killed sandboxes.

# Container processes of the sandboxes in KS, by the cgroup parent each node's dockerd was given.
container_pids() {
    local k
    for k in "${KS[@]}"; do
        find /sys/fs/cgroup -mindepth 3 -maxdepth 5 -path "*/cape$k-n*/*" -name cgroup.procs \
            -exec cat {} + 2>/dev/null
    done | sort -u
}

# The processes of the given directories (DIRS) and indexes (KS), one pid per line.
sandbox_pids() {
    local p k d comm cwd ns line state ppid child
    local -a args
    local -A keep=() children=() zombie=()
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        read -r comm 2>/dev/null <"/proc/$p/comm" || continue
        case $comm in
            # Engines: their command lines name paths in the sandbox directory.
            dockerd | containerd | containerd-shim*)
                mapfile -d '' args 2>/dev/null <"/proc/$p/cmdline" || continue
                for d in "${DIRS[@]}"; do
                    if [[ " ${args[*]} " == *" $d/"* || " ${args[*]} " == *"=$d/"* ]]; then keep[$p]=1; fi
                done
                ;;
            # Redis runs with its working directory in the sandbox directory.
            redis-server)
                cwd=$(readlink "/proc/$p/cwd" 2>/dev/null) || continue
                for d in "${DIRS[@]}"; do
                    if [[ ${cwd% (deleted)} == "$d/redis" ]]; then keep[$p]=1; fi
                done
                ;;
        esac
        # Remember the process tree, to take the descendants along, and the zombies: they are
        # dead already (PID 1 here reaps lazily) and only look alive to kill -0.
        read -r line 2>/dev/null <"/proc/$p/stat" || continue
        read -r state ppid _ <<<"${line##*) }"
        children[$ppid]+=" $p"
        if [[ $state == Z ]]; then zombie[$p]=1; fi
    done
    # Everything in the nodes' network namespaces (dockerd, containerd, docker-proxy, ...).
    for k in "${KS[@]}"; do
        while read -r ns _; do
            [[ $ns =~ ^cape$k-n[0-9]+$ ]] || continue
            for p in $(ip netns pids "$ns" 2>/dev/null); do keep[$p]=1; done
        done < <(ip netns list 2>/dev/null)
    done
    for p in $(container_pids); do keep[$p]=1; done
    # Descendants (container processes are children of the shims).
    local -a todo=("${!keep[@]}")
    while ((${#todo[@]})); do
        p=${todo[-1]}
        unset 'todo[-1]'
        for child in ${children[$p]:-}; do
            [[ -n ${keep[$child]:-} ]] && continue
            keep[$child]=1
            todo+=("$child")
        done
    done
    for p in "${!keep[@]}"; do
        if [[ -z ${zombie[$p]:-} && $p != "$$" && $p != "$BASHPID" ]]; then echo "$p"; fi
    done
}

# The given pids that are neither gone nor zombies.
living() {
    local p line
    for p in "$@"; do
        read -r line 2>/dev/null <"/proc/$p/stat" || continue
        read -r line _ <<<"${line##*) }"
        if [[ $line != Z ]]; then echo "$p"; fi
    done
}

# SIGTERM, a bounded wait, then SIGKILL until nothing is left. The engines and the containers
# get SIGKILL at once: a graceful dockerd shutdown takes seconds (it stops each container and
# the swarm node) for a sandbox that is thrown away, and a container's init (a child of its
# shim) is usually a shell, which ignores SIGTERM as PID 1. Killing dockerd first also stops it
# restarting containers.
kill_sandbox_processes() {
    local -a pids at_once=()
    local p comm line ppid parent round
    mapfile -t pids < <(sandbox_pids)
    ((${#pids[@]})) || return 0
    log "stopping ${#pids[@]} processes"
    for p in "${pids[@]}"; do
        read -r comm 2>/dev/null <"/proc/$p/comm" || continue
        read -r line 2>/dev/null <"/proc/$p/stat" || continue
        read -r _ ppid _ <<<"${line##*) }"
        parent=""
        read -r parent 2>/dev/null <"/proc/$ppid/comm" || true
        if [[ $comm == dockerd || $parent == containerd-shim* ]]; then at_once+=("$p"); fi
    done
    mapfile -t -O "${#at_once[@]}" at_once < <(container_pids)
    kill -KILL "${at_once[@]}" 2>/dev/null || true
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for ((round = 0; round < 30; round++)); do
        mapfile -t pids < <(living "${pids[@]}")
        ((${#pids[@]})) || break
        sleep 0.1
    done
    for ((round = 0; round < 10; round++)); do
        mapfile -t pids < <(sandbox_pids)
        ((${#pids[@]})) || return 0
        kill -KILL "${pids[@]}" 2>/dev/null || true
        sleep 0.2
    done
    log "warning: processes still alive: ${pids[*]}"
}

# Mounts strictly below DIR, deepest first (dockerd's overlays, shm, netns files, our tmpfs).
mounts_under() {
    awk -v d="$1/" 'index($2, d) == 1 { print length($2), $2 }' /proc/mounts | sort -rn | cut -d' ' -f2-
}

unmount_under() {
    local m round
    for ((round = 0; round < 5; round++)); do
        local -a mounts=()
        mapfile -t mounts < <(mounts_under "$1")
        ((${#mounts[@]})) || return 0
        for m in "${mounts[@]}"; do
            umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
        done
    done
    log "warning: still mounted under $1: $(mounts_under "$1" | tr '\n' ' ')"
}

remove_network() {
    local k=$1 ns link br
    br=$(bridge_of "$k")
    while read -r ns _; do
        if [[ $ns =~ ^cape$k-n[0-9]+$ ]]; then ip netns delete "$ns" 2>/dev/null || true; fi
    done < <(ip netns list 2>/dev/null)
    while read -r link; do
        if [[ $link =~ ^cape${k}v[0-9]+$ ]]; then ip link delete "$link" 2>/dev/null || true; fi
    done < <(link_names)
    ip link delete "$br" 2>/dev/null || true
    while iptables -D FORWARD -i "$br" -o "$br" -j ACCEPT 2>/dev/null; do :; done
}

# The cgroups runc made for the containers of sandbox K (one tree per cgroup v1 controller).
remove_cgroups() {
    find /sys/fs/cgroup -mindepth 2 -depth -type d -path "/sys/fs/cgroup/*/cape$1-n*" -print0 2>/dev/null |
        xargs -0 -r rmdir 2>/dev/null || true
}

# teardown: remove the sandboxes in DIRS and everything carrying an index in KS.
teardown() {
    local d k f
    kill_sandbox_processes
    for d in "${DIRS[@]}"; do
        unmount_under "$d"
    done
    for k in "${KS[@]}"; do
        remove_network "$k"
        remove_cgroups "$k"
        rm -f "$REGISTRY/$k"
    done
    for d in "${DIRS[@]}"; do
        [[ -d $d ]] || continue
        # Copies of the env file made by `up --state`, if they still describe this sandbox.
        while read -r f; do
            if [[ $(env_get "$f" CAPE_SANDBOX_DIR) == "$d" ]]; then rm -f "$f"; fi
        done < <(cat "$d/state-files" 2>/dev/null)
        if [[ -n $(mounts_under "$d") ]]; then
            log "warning: keeping $d, something is still mounted below it"
        elif [[ -e $d/.cape-sandbox || $d == /tmp/cape-sandbox.* ]]; then
            # A second try: an image build of an interrupted `up` may still be writing there.
            rm -rf --one-file-system "$d" 2>/dev/null || { sleep 1; rm -rf --one-file-system "$d"; } ||
                log "warning: could not remove $d"
        else
            log "warning: $d is not a sandbox directory, not removing it"
        fi
    done
    rmdir "$REGISTRY" 2>/dev/null || true
}

# Selects the sandbox named by --state FILE or --dir DIR (sets DIR, INDEX and STATE).
select_sandbox() {
    STATE="" DIR="" INDEX=""
    while (($#)); do
        (($# >= 2)) || die "option $1 needs a value"
        case $1 in
            --state) STATE=$2 ;;
            --dir) DIR=$2 ;;
            *) die "unknown option: $1" ;;
        esac
        shift 2
    done
    if [[ -n $STATE ]]; then
        DIR=$(env_get "$STATE" CAPE_SANDBOX_DIR)
    elif [[ -z $DIR ]]; then
        DIR=${CAPE_SANDBOX_DIR:-}
        [[ -n $DIR ]] || die "which sandbox? give --state FILE or --dir DIR (or set CAPE_SANDBOX_DIR)"
    fi
    [[ -z $DIR ]] || DIR=$(realpath -m "$DIR")
    INDEX=$(env_get "$DIR/env" CAPE_SANDBOX_INDEX)
    # An index now registered to another sandbox is not ours any more.
    if [[ -n $INDEX && -f $REGISTRY/$INDEX && $(cat "$REGISTRY/$INDEX") != "$DIR" ]]; then INDEX=""; fi
    return 0
}

cmd_down() {
    DIRS=() KS=()
    if [[ ${1:-} == --all ]]; then
        (($# == 1)) || die "--all takes no other option"
        local d k f ns link
        # Directories: the default location, the registry, and any engine still running.
        for d in /tmp/cape-sandbox.*; do
            if [[ -d $d ]]; then DIRS+=("$d"); fi
        done
        for f in "$REGISTRY"/*; do
            [[ -f $f ]] || continue
            KS+=("${f##*/}")
            DIRS+=("$(cat "$f")")
        done
        while read -r d; do
            if [[ -e $d/.cape-sandbox ]]; then DIRS+=("$d"); fi
        done < <(pgrep -a -x dockerd | sed -n 's|.*--data-root \(/[^ ]*\)/n[0-9]*/data.*|\1|p')
        # Indexes: from the directories, and from every named thing we create.
        for d in "${DIRS[@]}"; do
            KS+=("$(env_get "$d/env" CAPE_SANDBOX_INDEX)")
        done
        while read -r ns _; do
            if [[ $ns =~ ^cape([0-9]+)-n[0-9]+$ ]]; then KS+=("${BASH_REMATCH[1]}"); fi
        done < <(ip netns list 2>/dev/null)
        while read -r link; do
            if [[ $link =~ ^capebr([0-9]+)$ || $link =~ ^cape([0-9]+)v[0-9]+$ ]]; then
                KS+=("${BASH_REMATCH[1]}")
            fi
        done < <(link_names)
        while read -r d; do
            if [[ ${d##*/} =~ ^cape([0-9]+)-n[0-9]+$ ]]; then KS+=("${BASH_REMATCH[1]}"); fi
        done < <(find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d -name 'cape*-n*' 2>/dev/null)
        mapfile -t DIRS < <(printf '%s\n' "${DIRS[@]}" | sed '/^$/d' | sort -u)
        mapfile -t KS < <(printf '%s\n' "${KS[@]}" | sed '/^$/d' | sort -un)
        if ((${#DIRS[@]} + ${#KS[@]} == 0)); then
            log "nothing to clean"
            return 0
        fi
        log "cleaning directories [${DIRS[*]}] and indexes [${KS[*]}]"
    else
        select_sandbox "$@"
        if [[ -n $INDEX ]]; then KS=("$INDEX"); fi
        if [[ -z $DIR || ! -e $DIR ]]; then
            # A state file whose sandbox is already gone is still ours to remove.
            if [[ -n $STATE ]]; then rm -f "$STATE"; fi
            log "no sandbox there, nothing to do"
            return 0
        fi
        DIRS=("$DIR")
    fi
    teardown
    if [[ -n ${STATE:-} ]]; then rm -f "$STATE"; fi
    log "down"
}

# ---------------------------------------------------------------------------------------------
# Up.

# Claims the first index nobody uses. Creating the bridge is the atomic claim: of two concurrent
# `up`s only one can create capebrK. Indexes with leftovers of a killed run are skipped.
claim_index() {
    local k netns links
    netns=$(ip netns list 2>/dev/null | awk '{ print $1 }')
    links=$(link_names)
    for ((k = 1; k <= MAX_INDEX; k++)); do
        grep -Eq "^cape$k-n[0-9]+$" <<<"$netns" && continue
        grep -Eq "^cape${k}v[0-9]+$" <<<"$links" && continue
        [[ -e $REGISTRY/$k ]] && continue
        ip link add "$(bridge_of "$k")" type bridge 2>/dev/null || continue
        echo "$k"
        return 0
    done
    die "no free sandbox index in 1..$MAX_INDEX (run: $0 down --all)"
}

setup_network() {
    local k=$1 nodes=$2 i br ns veth
    br=$(bridge_of "$k")
    ip addr add "$(ip_of "$k" 254)/24" dev "$br"
    ip link set "$br" up
    # The nodes' dockerds load br_netfilter, so bridged traffic crosses the host's FORWARD chain.
    iptables -I FORWARD -i "$br" -o "$br" -j ACCEPT
    # No default route in the nodes: anything that tries the internet (registry, DNS) fails at
    # once with "network unreachable" instead of waiting for a timeout.
    for ((i = 1; i <= nodes; i++)); do
        ns=$(netns_of "$k" "$i")
        veth=$(veth_of "$k" "$i")
        ip netns add "$ns"
        ip link add "$veth" type veth peer name eth0 netns "$ns"
        ip link set "$veth" master "$br" up
        ip -n "$ns" addr add "$(ip_of "$k" "$i")/24" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$ns" link set lo up
    done
}

# overlay2 needs a backing filesystem that takes an overlay upper dir (not overlayfs itself).
overlay_works() {
    local probe
    probe=$(mktemp -d "$1/.overlay-probe.XXXX")
    mkdir "$probe/l" "$probe/u" "$probe/w" "$probe/m"
    local ok=1
    if mount -t overlay overlay -o "lowerdir=$probe/l,upperdir=$probe/u,workdir=$probe/w" \
        "$probe/m" 2>/dev/null; then
        umount "$probe/m"
        ok=0
    fi
    rm -rf "$probe"
    return "$ok"
}

# Prepares DIR/nI/data for every node and prints the storage driver to use: overlay2 on the
# directory's filesystem, else overlay2 on a tmpfs mounted per node, else vfs (slow, copies).
prepare_storage() {
    local dir=$1 nodes=$2 i
    for ((i = 1; i <= nodes; i++)); do mkdir -p "$dir/n$i/data" "$dir/n$i/exec"; done
    if overlay_works "$dir"; then
        echo overlay2
        return 0
    fi
    log "overlay2 does not work on the filesystem of $dir; trying tmpfs"
    for ((i = 1; i <= nodes; i++)); do mount -t tmpfs -o mode=0711 cape-sandbox "$dir/n$i/data"; done
    if overlay_works "$dir/n1/data"; then
        echo overlay2
        return 0
    fi
    log "overlay2 does not work on tmpfs either; using vfs"
    for ((i = 1; i <= nodes; i++)); do umount "$dir/n$i/data"; done
    echo vfs
}

# start_node DIR K I DRIVER: one dockerd in netns capeK-nI with hostname nodeI. nsenter, not
# `ip netns exec`: the latter remounts /sys and dockerd then finds no cgroups. setsid keeps it
# out of our process group, so a Ctrl-C in the caller's terminal does not reach it.
# DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: a swarm task uses the local image instead of first trying
# to pull it (there is no registry; each task would wait for the pull to fail).
start_node() {
    local dir=$1 k=$2 i=$3 driver=$4 n=$1/n$3
    # DIR/<hostname>/docker.sock: what a global service's bind mount names with a template
    # (CAPE_SANDBOX_NODE_SOCKET_TEMPLATE), where real nodes each have /var/run/docker.sock.
    ln -sfn "n$i" "$dir/node$i"
    # Own trust key: it is the engine ID, which would otherwise be shared via /etc/docker.
    jq -n --arg key "$n/key.json" '{"deprecated-key-path": $key}' >"$n/daemon.json"
    # shellcheck disable=SC2016 # $1 and $@ belong to the inner sh
    setsid nsenter --net="/var/run/netns/$(netns_of "$k" "$i")" unshare --uts \
        sh -c 'hostname "$1" && shift && exec "$@"' sh "node$i" \
        env DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 dockerd --config-file "$n/daemon.json" \
        --data-root "$n/data" --exec-root "$n/exec" -H "unix://$n/docker.sock" \
        --pidfile "$n/docker.pid" --storage-driver "$driver" --cgroup-parent "/$(netns_of "$k" "$i")" \
        </dev/null >>"$n/dockerd.log" 2>&1 &
    # Not a job of ours: teardown stops it, and bash need not report how it ended.
    disown "$!"
}

# wait_node DIR I PID: until the engine answers (30 s), or its process PID ends.
wait_node() {
    local dir=$1 i=$2 pid=$3 t
    for ((t = 0; t < 300; t++)); do
        docker -H "unix://$(socket_of "$dir" "$i")" version >/dev/null 2>&1 && return 0
        [[ -n $(living "$pid") ]] || break
        sleep 0.1
    done
    tail -n 20 "$dir/n$i/dockerd.log" >&2 || true
    die "node$i's dockerd did not come up (log: $dir/n$i/dockerd.log)"
}

form_swarm() {
    local dir=$1 k=$2 nodes=$3 i token pid manager failed=0
    local -a pids=()
    manager=unix://$(socket_of "$dir" 1)
    docker -H "$manager" swarm init --advertise-addr "$(ip_of "$k" 1)" \
        --listen-addr "$(ip_of "$k" 1):2377" >/dev/null
    token=$(docker -H "$manager" swarm join-token -q worker)
    for ((i = 2; i <= nodes; i++)); do
        docker -H "unix://$(socket_of "$dir" "$i")" swarm join --token "$token" \
            --advertise-addr "$(ip_of "$k" "$i")" --listen-addr "$(ip_of "$k" "$i"):2377" \
            "$(ip_of "$k" 1):2377" >/dev/null &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    ((failed == 0)) || die "a worker could not join the swarm"
    # All nodes Ready (60 s).
    local ready=0 t
    for ((t = 0; t < 120; t++)); do
        ready=$(docker -H "$manager" node ls --format '{{.Status}}' | grep -c '^Ready$' || true)
        ((ready == nodes)) && return 0
        sleep 0.5
    done
    docker -H "$manager" node ls >&2 || true
    die "only $ready of $nodes nodes became Ready within 60 s"
}

# cached_image NAME BUILDER-ARGS...: prints the path of the image archive, building it unless an
# archive built from the same inputs (builder, binaries, arguments) is in the cache.
cached_image() {
    local name=$1 cache=$2 key
    shift 2
    key=$({
        sha256sum "$IMAGE_BUILDER"
        printf '%s\n' "$@" | sed -n 's/^\(\/[^:]*\).*/\1/p' | sort -u | xargs -r sha256sum
        printf '%s\n' "$@"
    } | sha256sum | cut -c1-16)
    local tar=$cache/$name-$key.tar
    if [[ ! -f $tar ]]; then
        mkdir -p "$cache"
        "$IMAGE_BUILDER" "$@" --out "$tar"
    fi
    echo "$tar"
}

# build_images CACHE: prints the paths of both image archives (built, or from the cache).
build_images() {
    local cache=$1 applet
    local -a bb_args=(--tag "$BUSYBOX_IMAGE" --cmd '["sh"]'
        --file "$(readlink -f /bin/busybox):/bin/busybox")
    for applet in $BUSYBOX_APPLETS; do bb_args+=(--symlink "busybox:/bin/$applet"); done
    cached_image busybox "$cache" "${bb_args[@]}"
    cached_image redis "$cache" --tag "$REDIS_IMAGE" --file "$(command -v redis-server)" \
        --cmd '["redis-server","--protected-mode","no","--save",""]' --expose 6379
}

# load_images HOSTS ARCHIVE...: every archive into every node, all at once.
load_images() {
    local hosts=$1 archive pid failed=0
    local -a pids=()
    shift
    for archive in "$@"; do
        "$IMAGE_BUILDER" load "$archive" "$hosts" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    return "$failed"
}

# start_redis DIR: redis-server on a free loopback port; prints the port. Its working directory
# is DIR/redis, which is how `down` recognises it.
start_redis() {
    local dir=$1 port attempt t
    mkdir -p "$dir/redis"
    for ((attempt = 0; attempt < 10; attempt++)); do
        port=$((20000 + RANDOM % 20000))
        [[ -z $(ss -Htln "sport = :$port") ]] || continue
        (cd "$dir/redis" && redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
            --daemonize yes --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log" \
            --dir "$dir/redis")
        for ((t = 0; t < 50; t++)); do
            if [[ $(redis-cli -p "$port" ping 2>/dev/null) == PONG ]]; then
                echo "$port"
                return 0
            fi
            sleep 0.1
        done
    done
    die "could not start redis-server (log: $dir/redis/redis.log)"
}

# A state file from an earlier run: refuse if its sandbox still runs, else clean its remains.
check_previous_state() {
    local state=$1 old
    old=$(env_get "$state" CAPE_SANDBOX_DIR)
    [[ -n $old ]] || return 0
    if docker -H "unix://$(socket_of "$old" 1)" version >/dev/null 2>&1; then
        die "$state describes a running sandbox ($old); run: $0 down --state $state"
    fi
    log "cleaning the remains of $old"
    (cmd_down --state "$state")
}

cmd_up() {
    local nodes=3 state="" dir=""
    while (($#)); do
        (($# >= 2)) || die "option $1 needs a value"
        case $1 in
            --nodes) nodes=$2 ;;
            --state) state=$2 ;;
            --dir) dir=$2 ;;
            *) die "unknown option: $1" ;;
        esac
        shift 2
    done
    [[ $nodes =~ ^[0-9]+$ ]] || die "--nodes wants a number"
    ((nodes >= 1 && nodes <= 50)) || die "--nodes wants 1..50"
    ((EUID == 0)) || die "needs root (network namespaces, bridges, mounts)"
    local tool
    for tool in dockerd docker containerd ip iptables nsenter unshare setsid redis-server redis-cli jq ss; do
        command -v "$tool" >/dev/null ||
            die "missing $tool (apt-get install docker.io iproute2 iptables redis-server redis-tools jq)"
    done
    [[ -x /bin/busybox ]] || die "missing /bin/busybox (apt-get install busybox-static)"
    [[ -z $state ]] || check_previous_state "$state"

    if [[ -n $dir ]]; then
        dir=$(realpath -m "$dir")
        # Unix socket paths are limited to 108 bytes; containerd's are the longest we create.
        ((${#dir} <= 60)) || die "directory path too long for unix sockets: $dir"
        [[ $dir != *[[:space:]]* ]] || die "directory path must not contain spaces: $dir"
        mkdir -p "$dir"
        [[ -z $(ls -A "$dir") ]] || die "$dir is not empty"
    else
        dir=$(mktemp -d /tmp/cape-sandbox.XXXX)
    fi
    touch "$dir/.cape-sandbox"

    # From here on, a failure (or Ctrl-C) removes whatever was created.
    DIRS=("$dir") KS=()
    trap 'status=$?; if ((status != 0)); then
        log "up failed, cleaning up"; kill $(jobs -p) 2>/dev/null; teardown; fi' EXIT
    trap 'exit 130' INT TERM

    local k
    k=$(claim_index)
    KS=("$k")
    mkdir -p "$REGISTRY"
    echo "$dir" >"$REGISTRY/$k"
    printf 'CAPE_SANDBOX_DIR="%s"\nCAPE_SANDBOX_INDEX="%s"\n' "$dir" "$k" >"$dir/env"
    log "sandbox $k in $dir, $nodes nodes on $(ip_of "$k" 0)/24"

    # The images build while the network and the engines come up.
    build_images "${CAPE_IMAGE_CACHE:-$dir/images}" >"$dir/images.list" &
    local build_pid=$!
    setup_network "$k" "$nodes"
    local driver i
    driver=$(prepare_storage "$dir" "$nodes")
    local -a node_pids=()
    for ((i = 1; i <= nodes; i++)); do
        start_node "$dir" "$k" "$i" "$driver"
        node_pids[i]=$!
    done
    local port
    port=$(start_redis "$dir")
    local -a sockets=() ips=() netns=()
    for ((i = 1; i <= nodes; i++)); do
        wait_node "$dir" "$i" "${node_pids[i]}"
        sockets+=("unix://$(socket_of "$dir" "$i")")
        ips+=("$(ip_of "$k" "$i")")
        netns+=("$(netns_of "$k" "$i")")
    done
    log "engines up ($driver); forming the swarm and loading images"

    # The images load while the swarm forms.
    local hosts
    local -a archives
    hosts=$(IFS=,; echo "${sockets[*]}")
    wait "$build_pid" || die "building the images failed"
    mapfile -t archives <"$dir/images.list"
    load_images "$hosts" "${archives[@]}" &
    local images_pid=$!
    form_swarm "$dir" "$k" "$nodes"
    wait "$images_pid" || die "loading the images failed"

    {
        printf 'CAPE_SANDBOX_DIR="%s"\n' "$dir"
        printf 'CAPE_SANDBOX_INDEX="%s"\n' "$k"
        printf 'DOCKER_HOST="%s"\n' "${sockets[0]}"
        printf 'CAPE_SANDBOX_NODES="%s"\n' "${sockets[*]}"
        printf 'CAPE_SANDBOX_NODE_IPS="%s"\n' "${ips[*]}"
        printf 'CAPE_SANDBOX_NODE_SOCKET_TEMPLATE="%s"\n' "$dir/{{.Node.Hostname}}/docker.sock"
        printf 'CAPE_SANDBOX_NETNS="%s"\n' "${netns[*]}"
        printf 'CAPE_SANDBOX_REDIS="%s"\n' "127.0.0.1:$port"
        printf 'CAPE_SANDBOX_BUSYBOX_IMAGE="%s"\n' "$BUSYBOX_IMAGE"
        printf 'CAPE_SANDBOX_REDIS_IMAGE="%s"\n' "$REDIS_IMAGE"
        printf 'CAPE_SANDBOX_STORAGE_DRIVER="%s"\n' "$driver"
    } >"$dir/env"
    if [[ -n $state ]]; then
        mkdir -p "$(dirname "$state")"
        cp "$dir/env" "$state"
        realpath "$state" >>"$dir/state-files"
    fi
    trap - EXIT INT TERM
    docker -H "${sockets[0]}" node ls >&2
    log "ready: source $dir/env${state:+ (or $state)}; remove with: $0 down --dir $dir"
    echo "DOCKER_HOST=${sockets[0]}"
    echo "REDIS=127.0.0.1:$port"
}

# ---------------------------------------------------------------------------------------------
# Status and node control.

# status_of DIR: prints the sandbox's nodes and redis; fails if its manager does not answer.
status_of() {
    local dir=$1 manager redis
    manager=$(env_get "$dir/env" DOCKER_HOST)
    redis=$(env_get "$dir/env" CAPE_SANDBOX_REDIS)
    [[ -n $manager ]] || return 1
    docker -H "$manager" version >/dev/null 2>&1 || return 1
    echo "sandbox $(env_get "$dir/env" CAPE_SANDBOX_INDEX) in $dir (DOCKER_HOST=$manager)"
    docker -H "$manager" node ls
    echo "redis $redis: $(redis-cli -h "${redis%:*}" -p "${redis##*:}" ping 2>&1)"
}

cmd_status() {
    local -a dirs=()
    local f running=0
    if (($#)) || [[ -n ${CAPE_SANDBOX_DIR:-} ]]; then
        select_sandbox "$@"
        dirs=("$DIR")
    else
        for f in "$REGISTRY"/*; do
            if [[ -f $f ]]; then dirs+=("$(cat "$f")"); fi
        done
    fi
    for f in "${dirs[@]}"; do
        if status_of "$f"; then running=$((running + 1)); fi
    done
    ((running)) || { echo "no sandbox is running"; return 1; }
}

cmd_node() {
    local action=$1 i=${2:-} force=0
    [[ $i =~ ^[0-9]+$ ]] || die "$action wants a node number"
    shift 2
    local -a rest=()
    while (($#)); do
        if [[ $1 == --kill && $action == node-stop ]]; then force=1; else rest+=("$1"); fi
        shift
    done
    select_sandbox "${rest[@]}"
    [[ -n $INDEX && -d $DIR/n$i ]] || die "no node $i in sandbox ${DIR:-?}"
    local sock
    sock=unix://$(socket_of "$DIR" "$i")
    if [[ $action == node-start ]]; then
        docker -H "$sock" version >/dev/null 2>&1 && { log "node$i is already running"; return 0; }
        start_node "$DIR" "$INDEX" "$i" "$(env_get "$DIR/env" CAPE_SANDBOX_STORAGE_DRIVER)"
        wait_node "$DIR" "$i" $!
        log "node$i started"
        return 0
    fi
    local pid t
    pid=$(cat "$DIR/n$i/docker.pid" 2>/dev/null) || { log "node$i is not running"; return 0; }
    # Without --kill, let dockerd stop its containers (bounded); with it, a crash: the engine,
    # its containerd, shims and containers all die at once.
    if ((!force)); then
        kill -TERM "$pid" 2>/dev/null || true
        for ((t = 0; t < 300; t++)); do
            [[ -n $(living "$pid") ]] || break
            sleep 0.1
        done
    fi
    DIRS=("$DIR/n$i") KS=()
    kill_sandbox_processes
    # No stale container mounts; the node's own tmpfs (if any) is DIR/nI/data itself and stays.
    unmount_under "$DIR/n$i/exec"
    unmount_under "$DIR/n$i/data"
    # The pid files name dead processes now, but possibly zombies (PID 1 here reaps lazily),
    # which a restarting dockerd would take for a running containerd and wait for.
    rm -f "$DIR/n$i/docker.pid" "$DIR/n$i/exec/containerd/containerd.pid"
    log "node$i stopped"
}

case ${1:-} in
    up) shift; cmd_up "$@" ;;
    down) shift; cmd_down "$@" ;;
    status) shift; cmd_status "$@" ;;
    node-stop | node-start) cmd_node "$@" ;;
    *) usage ;;
esac
