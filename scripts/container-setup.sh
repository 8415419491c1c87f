#!/usr/bin/env bash
# Set up what the container tests (`python -m pytest -m container`) need, on a Debian machine
# where you are root: a running Docker daemon (Debian's docker.io) and a base image built from
# Debian's own packages with debootstrap, since no image registry may be reachable.
#
# Idempotent: each step is skipped when its result is already there. It says what it does.
#
#   bash scripts/container-setup.sh            # daemon + base image
#   COURSE_BASE_IMAGE=name:tag bash ...         # another name for the base image
#   DEBIAN_MIRROR=http://... bash ...           # another Debian mirror for debootstrap
set -euo pipefail

BASE_IMAGE="${COURSE_BASE_IMAGE:-course-base:bookworm}"
SUITE="${DEBIAN_SUITE:-bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DOCKER_LOG="${DOCKER_LOG:-/var/log/course-dockerd.log}"

say() { printf 'container-setup: %s\n' "$*"; }
die() { printf 'container-setup: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run this as root (it installs packages and starts dockerd)."
command -v apt-get >/dev/null || die "this needs a Debian-like machine with apt-get."

# -- 1. packages -------------------------------------------------------------------------------
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}" iptables ca-certificates
else
    say "dockerd and debootstrap are installed"
fi

# -- 2. the daemon -----------------------------------------------------------------------------
daemon_answers() { docker info >/dev/null 2>&1; }

wait_for_daemon() {
    for _ in $(seq 1 60); do
        daemon_answers && return 0
        kill -0 "$1" 2>/dev/null || return 1
        sleep 1
    done
    return 1
}

if daemon_answers; then
    say "a Docker daemon already answers ($(docker version --format '{{.Server.Version}}'))"
else
    say "starting dockerd (log: $DOCKER_LOG)"
    nohup dockerd >"$DOCKER_LOG" 2>&1 &
    pid=$!
    if ! wait_for_daemon "$pid"; then
        # A kernel without the netfilter pieces Docker's bridge needs: the tests use only
        # --network none (and the image build the host's network), so run without the bridge.
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        say "dockerd did not start with its default network (see $DOCKER_LOG); starting it" \
            "without the bridge and iptables (builds use the host's network, tests none)"
        nohup dockerd --bridge=none --iptables=false --ip6tables=false >>"$DOCKER_LOG" 2>&1 &
        pid=$!
        wait_for_daemon "$pid" || die "dockerd did not start; its log is $DOCKER_LOG"
    fi
    say "dockerd is running (pid $pid, version $(docker version --format '{{.Server.Version}}'))"
fi

# -- 3. the base image -------------------------------------------------------------------------
if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    say "base image $BASE_IMAGE exists"
else
    root="$(mktemp -d /var/tmp/course-debootstrap.XXXXXX)"
    trap 'rm -rf "$root"' EXIT
    say "building $BASE_IMAGE: debootstrap $SUITE from $MIRROR into $root (a few minutes)"
    debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$root" "$MIRROR" \
        >"$root.log" 2>&1 || die "debootstrap failed; its log is $root.log"
    rm -f "$root.log"
    # The security updates too, as a Debian image has them.
    cat >"$root/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb ${MIRROR%/debian}/debian-security $SUITE-security main
EOF
    rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
    tar -C "$root" -c . | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
    say "imported $BASE_IMAGE ($(docker image inspect "$BASE_IMAGE" --format '{{.Size}}') bytes)"
fi

say "ready: run the container tests with  python -m pytest -m container"
