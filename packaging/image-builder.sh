#!/usr/bin/env bash
# Build Docker images offline: no registry is reachable, so images are made FROM scratch out of
# host binaries plus every shared library ldd reports for them, written directly in the
# `docker save` archive format (no daemon needed), and optionally loaded into Docker engines.
#
#   image-builder.sh --tag NAME[:TAG] --out IMAGE.tar [options]   build an image archive
#   image-builder.sh load IMAGE.tar HOST[,HOST...]                 `docker load` it into engines
#
# Build options (repeatable ones marked *):
#   --file SRC[:DEST]*     copy SRC (file or directory) to DEST (default: same path) with its libraries
#   --symlink TARGET:LINK* create the symbolic link LINK -> TARGET
#   --cmd JSON             e.g. '["sh","-c","echo hi"]'
#   --entrypoint JSON      e.g. '["/bin/redis-server"]'
#   --env K=V*  --expose PORT[/PROTO]*  --label K=V*  --user UID[:GID]  --workdir DIR
#   --healthcheck JSON     the config's Healthcheck, e.g. '{"Test":["CMD","probe"],"Interval":5000000000}'
#   --load HOST[,HOST...]  after building, load the archive into these engines (unix:///sock, tcp://...)
# The archive is reproducible: same inputs give the same image ID (timestamps come from the first
# --file, or from SOURCE_DATE_EPOCH).
set -euo pipefail

die() { echo "image-builder: $*" >&2; exit 1; }

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }

# load IMAGE.tar HOSTS: one `docker load` per engine, in parallel; fails if any load fails.
load_into() {
    local tar=$1 hosts=$2 host pid failed=0
    local -a pids=() names=()
    [[ -f $tar ]] || die "no such archive: $tar"
    IFS=, read -r -a names <<<"$hosts"
    for host in "${names[@]}"; do
        docker -H "$host" load -q -i "$tar" 2>&1 | sed "s|^|[$host] |" >&2 &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || failed=1
    done
    ((failed == 0)) || die "loading $tar failed on at least one of: $hosts"
}

# The libraries (and loader) a file needs, one absolute path per line; nothing for static or
# non-ELF files. ldd exits non-zero for those, so its status alone cannot be trusted.
libraries_of() {
    local out
    out=$(ldd "$1" 2>&1) || true
    case $out in
        *"not a dynamic executable"* | *"not regular file"*) return 0 ;;
        *"not found"*) die "missing library for $1:"$'\n'"$out" ;;
    esac
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$out"
}

# copy_in ROOT SRC DEST: copy a file with symlinks resolved (the image has no host layout to
# point into), keeping its mode.
copy_in() {
    [[ -d $1${3%/*} ]] || mkdir -p "$1${3%/*}"
    cp -L --preserve=mode "$2" "$1$3"
}

build() {
    local tag="" out="" cmd="null" entrypoint="null" healthcheck="null" user="" workdir="" load=""
    local -a files=() symlinks=() envs=() exposes=() labels=()
    while (($#)); do
        [[ $1 != -h && $1 != --help ]] || usage
        (($# >= 2)) || die "option $1 needs a value"
        case $1 in
            --tag) tag=$2 ;;
            --out) out=$2 ;;
            --cmd) cmd=$2 ;;
            --entrypoint) entrypoint=$2 ;;
            --healthcheck) healthcheck=$2 ;;
            --env) envs+=("$2") ;;
            --expose) exposes+=("$2") ;;
            --label) labels+=("$2") ;;
            --user) user=$2 ;;
            --workdir) workdir=$2 ;;
            --file) files+=("$2") ;;
            --symlink) symlinks+=("$2") ;;
            --load) load=$2 ;;
            *) die "unknown option: $1 (try --help)" ;;
        esac
        shift 2
    done
    [[ -n $tag && -n $out ]] || die "--tag and --out are required"
    ((${#files[@]})) || die "at least one --file is required"
    for json in "$cmd" "$entrypoint"; do
        jq -e 'type == "array" or type == "null"' <<<"$json" >/dev/null 2>&1 ||
            die "--cmd/--entrypoint must be a JSON array, got: $json"
    done
    jq -e 'type == "null" or (type == "object" and (.Test | type == "array"))' <<<"$healthcheck" >/dev/null 2>&1 ||
        die "--healthcheck must be a JSON object with a Test array, got: $healthcheck"
    # NAME[:TAG], where a colon before the last slash belongs to a registry host:port.
    local name=$tag version=latest
    if [[ ${tag##*/} == *:* ]]; then
        name=${tag%:*}
        version=${tag##*:}
    fi

    local work
    work=$(mktemp -d "${TMPDIR:-/tmp}/image-builder.XXXXXX")
    # shellcheck disable=SC2064 # expand now: $work is local
    trap "rm -rf '$work'" EXIT
    local root=$work/root
    mkdir -p "$root/tmp" "$root/etc"
    chmod 1777 "$root/tmp"
    # Enough of /etc for tools that look up user names (ps, id, whoami).
    printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

    local spec src dest bin lib first_src=""
    local -a bins
    for spec in "${files[@]}"; do
        src=${spec%%:*}
        dest=${spec#*:}
        [[ $spec == *:* ]] || dest=$src
        [[ -e $src ]] || die "no such file: $src"
        [[ $dest == /* ]] || die "destination must be absolute: $dest"
        [[ -n $first_src ]] || first_src=$src
        if [[ -d $src ]]; then
            mkdir -p "$root$dest"
            cp -rL --preserve=mode "$src/." "$root$dest/"
            mapfile -t bins < <(find "$src" -type f -perm -u+x)
        else
            copy_in "$root" "$src" "$dest"
            bins=("$src")
        fi
        for bin in "${bins[@]}"; do
            while IFS= read -r lib; do
                [[ -e $root$lib ]] || copy_in "$root" "$lib" "$lib"
            done < <(libraries_of "$bin")
        done
    done
    local link
    for spec in "${symlinks[@]}"; do
        [[ $spec == *:* ]] || die "--symlink wants TARGET:LINK, got: $spec"
        link=$root${spec#*:}
        [[ -d ${link%/*} ]] || mkdir -p "${link%/*}"
        ln -sfn "${spec%%:*}" "$link"
    done
    [[ -z $workdir ]] || mkdir -p "$root$workdir"

    local epoch=${SOURCE_DATE_EPOCH:-$(stat -L -c %Y "$first_src")}
    local created
    created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
    local -a tar_opts=(--format=gnu --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner)

    # The layer: the root's top-level entries (no "./" prefix). Its sha256 is the diff ID.
    local -a top
    mapfile -t top < <(find "$root" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort)
    local image=$work/image
    mkdir -p "$image"
    tar "${tar_opts[@]}" -C "$root" -cf "$image/layer.tar" "${top[@]}"
    local diff_id
    diff_id=$(sha256sum "$image/layer.tar" | cut -d' ' -f1)
    mkdir "$image/$diff_id"
    mv "$image/layer.tar" "$image/$diff_id/layer.tar"

    # The image config; the image ID is the sha256 of exactly these bytes.
    local config
    config=$(jq -cn \
        --arg created "$created" --arg diff "sha256:$diff_id" \
        --argjson cmd "$cmd" --argjson entrypoint "$entrypoint" --argjson healthcheck "$healthcheck" \
        --arg user "$user" --arg workdir "$workdir" \
        --arg files "${files[*]}" \
        --args '$ARGS.positional as $a | {
            architecture: "amd64", os: "linux", created: $created,
            config: ({
                Env: ([$a[] | select(startswith("env:")) | ltrimstr("env:")]
                      + ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
                      | unique_by(split("=")[0])),
                Cmd: $cmd, Entrypoint: $entrypoint, Healthcheck: $healthcheck, User: $user, WorkingDir: $workdir,
                ExposedPorts: ([$a[] | select(startswith("port:")) | ltrimstr("port:")
                                | (if contains("/") then . else . + "/tcp" end) | {(.): {}}] | add),
                Labels: ([$a[] | select(startswith("label:")) | ltrimstr("label:")
                          | {(split("=")[0]): (split("=")[1:] | join("="))}] | add)
            } | with_entries(select(.value != null))),
            rootfs: {type: "layers", diff_ids: [$diff]},
            history: [{created: $created, created_by: ("cape image-builder: " + $files)}]
        }' \
        "${envs[@]/#/env:}" "${exposes[@]/#/port:}" "${labels[@]/#/label:}")
    local image_id
    image_id=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
    printf '%s' "$config" >"$image/$image_id.json"
    jq -cn --arg c "$image_id.json" --arg t "$name:$version" --arg l "$diff_id/layer.tar" \
        '[{Config: $c, RepoTags: [$t], Layers: [$l]}]' >"$image/manifest.json"
    jq -cn --arg n "$name" --arg v "$version" --arg l "$diff_id" \
        '{($n): {($v): $l}}' >"$image/repositories"

    mkdir -p "$(dirname "$out")"
    # Write beside the target, then rename: a reader (or a concurrent build of the same archive)
    # never sees a half-written file.
    local part
    part=$(mktemp "$out.XXXXXX")
    tar "${tar_opts[@]}" -C "$image" -cf "$part" manifest.json repositories "$image_id.json" "$diff_id"
    chmod 644 "$part"
    mv "$part" "$out"
    echo "image-builder: $name:$version sha256:$image_id -> $out" >&2

    [[ -z $load ]] || load_into "$out" "$load"
}

case ${1:-} in
    load)
        (($# == 3)) || usage
        load_into "$2" "$3"
        ;;
    "" | -h | --help) usage ;;
    *) build "$@" ;;
esac
