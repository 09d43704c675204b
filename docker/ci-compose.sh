#!/usr/bin/env bash
# The compose stage of CI (.ci/run calls it after the Maven stages): builds the images with podman, runs
# docker/compose.yml with podman-compose, and drives the stack through its proxy (docker/ci/drive_stack.py):
# a pending action submitted on one replica, the approval mail caught and its link confirmed, the long-poll held
# on the other replica answered, Prometheus scraping both replicas with the action's metrics, the dashboard
# logged in to (screenshot), one replica killed and the other still serving; then `compose down`.
#
#   bash docker/ci-compose.sh      # as root on Debian; installs podman, podman-compose, runc, debootstrap, ...
#
# No image registry is reachable here, so every image is built locally from Debian's packages: two Debian
# bookworm root file systems made by debootstrap and imported with `podman import` (one with openjdk-17 for the
# product image, one with nginx, PostgreSQL, Prometheus and python3-aiosmtpd for the other services), kept as
# images between runs (the tag carries a hash of their package lists). The product image is docker/Dockerfile on
# the PostgreSQL build in target/quarkus-app: with AGENTGATE_CI_PACKAGED=postgresql the script takes the one
# there (.ci/run's PostgreSQL stage has just built it), else it runs ./mvnw -Ppostgresql package first.
# Only loopback ports are published, each a free one picked at start; containers, networks and volumes are
# removed on the way out, failed or not. Exit code 0 only when every step passed. Without podman and outside CI
# (CI unset, not root on Debian) it prints why and skips; with CI=true it never skips.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STARTED=$SECONDS
PROJECT="agentgate-ci-$$"   # its own name per run: containers, network and volumes of this run only
OUT="$ROOT/target/ci-compose"
SUITE=bookworm
MIRROR="${AGENTGATE_CI_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
JRE_PACKAGES="openjdk-17-jre-headless,curl"
SERVICES_PACKAGES="nginx,postgresql,prometheus,python3-aiosmtpd,wget,curl"
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$OUT"

step() { echo "   [$((SECONDS - STARTED))s] $*"; }
die() { echo "!! compose stage: $*" >&2; exit 1; }

echo "== compose stage: podman images from Debian packages, the compose stack driven through its proxy"

# ---- 1. tools --------------------------------------------------------------------------------------
TOOLS="podman podman-compose runc netavark aardvark-dns debootstrap python3 curl"
missing=""
for tool in podman podman-compose runc netavark aardvark-dns debootstrap python3 curl; do
    case $tool in
        netavark | aardvark-dns) [ -x "/usr/lib/podman/$tool" ] || missing="$missing $tool" ;;
        *) command -v "$tool" >/dev/null || missing="$missing $tool" ;;
    esac
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
        if [ "${CI:-}" = true ]; then
            die "missing$missing, and this is not root on Debian to install them"
        fi
        echo "   skipped: missing$missing (install them, or run as root on Debian: the script installs them)"
        exit 0
    fi
    step "installing$missing (apt-get)"
    apt-get update -qq
    # no service the packages ship is started (policy-rc.d), as in .ci/run
    own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        own_policy=yes
    fi
    status=0
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $TOOLS uidmap iptables >"$OUT/apt.log" 2>&1 || status=$?
    if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
    [ "$status" -eq 0 ] || { cat "$OUT/apt.log" >&2; die "apt-get install failed"; }
fi
# runc with cgroupfs, no default ulimits (cgroup v1 hybrid), netavark: set for this script only
export CONTAINERS_CONF="$ROOT/docker/ci/containers.conf"
podman info >/dev/null || die "podman does not run here (podman info failed)"
step "podman $(podman version --format '{{.Client.Version}}'), podman-compose $(podman-compose version 2>/dev/null | sed -n 's/^podman-composer* version *//p'), runtime runc, network netavark"

# ---- cleanup, whatever happens -------------------------------------------------------------------------
ROOTFS_DIRS=()
declare -A PIDS=()
COMPOSE_UP=""
compose() {
    podman-compose -p "$PROJECT" -f "$ROOT/docker/compose.yml" "$@"
}
# Removes this run's stack: compose down, then what podman-compose 1.0.3 leaves (the network, and the anonymous
# volumes of the images' VOLUME lines).
remove_stack() {
    local containers volumes status=0
    containers=$(podman ps -a -q --filter "label=io.podman.compose.project=$PROJECT")
    volumes=$(for c in $containers; do podman inspect --format '{{range .Mounts}}{{.Name}} {{end}}' "$c"; done)
    compose down -v -t 5 >"$OUT/compose-down.log" 2>&1 || status=$?
    podman ps -a -q --filter "label=io.podman.compose.project=$PROJECT" | xargs -r podman rm -f -v >/dev/null 2>&1 || true
    # shellcheck disable=SC2086
    [ -z "${volumes// /}" ] || podman volume rm -f $volumes >/dev/null 2>&1 || true
    podman volume ls -q --filter "label=io.podman.compose.project=$PROJECT" | xargs -r podman volume rm -f >/dev/null 2>&1 || true
    podman network rm -f "${PROJECT}_default" >/dev/null 2>&1 || true
    return "$status"
}
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "$COMPOSE_UP" ]; then
        if [ "$status" -ne 0 ]; then
            for c in $(podman ps -a --filter "label=io.podman.compose.project=$PROJECT" --format '{{.Names}}'); do
                echo "---- logs of $c (last 40 lines)" >&2
                podman logs --tail 40 "$c" >&2 2>&1 || true
            done
        fi
        remove_stack || true
    fi
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for dir in "${ROOTFS_DIRS[@]}"; do
        for m in dev/pts dev proc sys; do mountpoint -q "$dir/$m" 2>/dev/null && umount -l "$dir/$m"; done
        rm -rf --one-file-system "$dir"
    done
    if [ "$status" -ne 0 ]; then
        echo "!! compose stage FAILED after $((SECONDS - STARTED)) s" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 2. base images: Debian root file systems (debootstrap), kept between runs -----------------------
# The tag carries a hash of the mirror and package list, so a changed list makes a new image. The two
# debootstraps run side by side (they mostly wait on the mirror).
declare -A PACKAGES=([debian-jre]="$JRE_PACKAGES" [debian-services]="$SERVICES_PACKAGES")
declare -A BASE_REF ROOTFS
for name in debian-jre debian-services; do
    tag="$SUITE-$(printf '%s %s' "$MIRROR" "${PACKAGES[$name]}" | sha256sum | cut -c1-12)"
    BASE_REF[$name]="localhost/agentgate-ci/$name:$tag"
    if podman image exists "${BASE_REF[$name]}"; then
        step "base image ${BASE_REF[$name]}: kept from an earlier run"
        continue
    fi
    step "base image ${BASE_REF[$name]}: debootstrap $SUITE (minbase + ${PACKAGES[$name]}) from $MIRROR"
    ROOTFS[$name]=$(mktemp -d /var/tmp/agentgate-ci-rootfs.XXXXXX)
    ROOTFS_DIRS+=("${ROOTFS[$name]}")
    debootstrap --variant=minbase --include="${PACKAGES[$name]}" "$SUITE" "${ROOTFS[$name]}" "$MIRROR" \
        >"$OUT/debootstrap-$name.log" 2>&1 &
    PIDS[$name]=$!
done
for name in "${!PIDS[@]}"; do
    wait "${PIDS[$name]}" || { tail -n 20 "$OUT/debootstrap-$name.log" >&2; die "debootstrap of $name failed"; }
    dir=${ROOTFS[$name]}
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
    tar -C "$dir" -c . | podman import --change 'CMD ["/bin/bash"]' - "${BASE_REF[$name]}" >"$OUT/import-$name.log" 2>&1 \
        || { cat "$OUT/import-$name.log" >&2; die "podman import of $name failed"; }
    rm -rf --one-file-system "$dir"
    unset "PIDS[$name]"
    step "base image ${BASE_REF[$name]}: imported"
done
JRE_IMAGE=${BASE_REF[debian-jre]}
SERVICES_IMAGE=${BASE_REF[debian-services]}
step "JDK of the product image: $(podman run --rm "$JRE_IMAGE" java -version 2>&1 | head -n 1)"

# ---- 3. service images (nginx, PostgreSQL, Prometheus, SMTP catcher) from the Debian base ----------------
for target in proxy postgres prometheus mailcatcher; do
    podman build -q --format docker -f docker/ci/services.Containerfile --build-arg "BASE_IMAGE=$SERVICES_IMAGE" \
        --target "$target" -t "localhost/agentgate-ci/$target:latest" docker/ci >"$OUT/build-$target.log" 2>&1 \
        || { cat "$OUT/build-$target.log" >&2; die "building the $target image failed"; }
done
step "service images built: proxy (nginx), postgres, prometheus, mailcatcher (python3-aiosmtpd)"

# ---- 4. the product image: docker/Dockerfile on the PostgreSQL build ------------------------------------
if [ "${AGENTGATE_CI_PACKAGED:-}" = postgresql ] && [ -f target/quarkus-app/quarkus-run.jar ]; then
    step "PostgreSQL build: target/quarkus-app as the previous stage packaged it"
else
    step "PostgreSQL build: ./mvnw -Ppostgresql package (log: target/ci-compose/package.log)"
    ./mvnw -B -ntp -Ppostgresql -DskipTests -Dappcds.training.skip=true package >"$OUT/package.log" 2>&1 \
        || { tail -n 40 "$OUT/package.log" >&2; die "./mvnw package failed"; }
fi
previous=$(podman image inspect --format '{{.Id}}' localhost/agentgate-ci/agentgate:postgresql 2>/dev/null || true)
podman build --format docker --ignorefile docker/Dockerfile.dockerignore -f docker/Dockerfile \
    --build-arg "RUNTIME_IMAGE=$JRE_IMAGE" -t "localhost/agentgate-ci/agentgate:postgresql" . >"$OUT/build-agentgate.log" 2>&1 \
    || { tail -n 40 "$OUT/build-agentgate.log" >&2; die "building the product image failed"; }
# the previous run's product image, now untagged, is not kept
if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect --format '{{.Id}}' localhost/agentgate-ci/agentgate:postgresql)" ]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
fi
step "product image localhost/agentgate-ci/agentgate:postgresql built ($(grep -c '^STEP' "$OUT/build-agentgate.log") steps; its own AppCDS archive written by its JDK)"

# ---- 5. the compose stack --------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PROXY_PORT=$(free_port)
MAIL_PORT=$(free_port)
PROMETHEUS_PORT=$(free_port)
GRAFANA_PORT=$(free_port)
secret() { python3 -c "import secrets; print(secrets.token_hex($1))"; }
export AGENTGATE_IMAGE=localhost/agentgate-ci/agentgate:postgresql \
    AGENTGATE_PROXY_IMAGE=localhost/agentgate-ci/proxy:latest \
    AGENTGATE_POSTGRES_IMAGE=localhost/agentgate-ci/postgres:latest \
    AGENTGATE_MAIL_IMAGE=localhost/agentgate-ci/mailcatcher:latest \
    AGENTGATE_PROMETHEUS_IMAGE=localhost/agentgate-ci/prometheus:latest \
    AGENTGATE_PROXY_PORT="127.0.0.1:$PROXY_PORT" \
    AGENTGATE_MAIL_PORT="127.0.0.1:$MAIL_PORT" \
    AGENTGATE_PROMETHEUS_PORT="127.0.0.1:$PROMETHEUS_PORT" \
    AGENTGATE_GRAFANA_PORT="127.0.0.1:$GRAFANA_PORT" \
    AGENTGATE_BASE_URL="http://127.0.0.1:$PROXY_PORT" \
    AGENTGATE_ADMIN_TOKEN="$(secret 24)" \
    AGENTGATE_LINKS_SECRET="$(secret 32)" \
    AGENTGATE_AUDIT_KEY="$(secret 32)" \
    AGENTGATE_SESSION_KEY="$(secret 24)" \
    POSTGRES_PASSWORD="$(secret 16)"
# Grafana is left out: Debian does not package it (its dashboard is checked by docker/check_ops_kit.py).
SERVICES="postgres mailpit prometheus app1 app2 proxy"
COMPOSE_UP=yes
# shellcheck disable=SC2086
compose up --no-start --no-build $SERVICES >"$OUT/compose-up.log" 2>&1 \
    || { cat "$OUT/compose-up.log" >&2; die "podman-compose up --no-start failed"; }
container() { podman ps -a --filter "label=io.podman.compose.project=$PROJECT" \
    --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -n 1; }
declare -A CTR
for s in $SERVICES; do
    CTR[$s]=$(container "$s")
    [ -n "${CTR[$s]}" ] || die "podman-compose created no container for $s (see $OUT/compose-up.log)"
done
step "compose stack created (project $PROJECT): proxy on 127.0.0.1:$PROXY_PORT, SMTP catcher API 127.0.0.1:$MAIL_PORT, Prometheus 127.0.0.1:$PROMETHEUS_PORT"

# podman runs health checks from systemd timers, which these machines lack: they are run here, in the order
# compose's depends_on (service_healthy) gives.
healthy() { # timeout, services...
    local timeout=$1
    shift
    local deadline=$((SECONDS + timeout)) s
    for s in "$@"; do
        until podman healthcheck run "${CTR[$s]}" >/dev/null 2>&1; do
            [ "$(podman inspect --format '{{.State.Running}}' "${CTR[$s]}")" = true ] \
                || die "$s exited before it was healthy"
            [ "$SECONDS" -lt "$deadline" ] || die "$s not healthy within $timeout s"
            sleep 2
        done
    done
}
podman start "${CTR[postgres]}" "${CTR[mailpit]}" "${CTR[prometheus]}" >/dev/null 2>&1
healthy 60 postgres mailpit prometheus
step "postgres, SMTP catcher and prometheus healthy"
podman start "${CTR[app1]}" "${CTR[app2]}" >/dev/null 2>&1
healthy 180 app1 app2
step "app1 and app2 healthy (/q/health/ready): $(podman logs "${CTR[app1]}" 2>&1 | grep -o 'started in [0-9.]*s' | head -n 1)"
podman start "${CTR[proxy]}" >/dev/null 2>&1
healthy 30 proxy
step "proxy healthy: http://127.0.0.1:$PROXY_PORT/ answers through nginx"

# ---- 6. drive it -----------------------------------------------------------------------------------
SCREENSHOT=""
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    SCREENSHOT="$OUT/dashboard-through-proxy.png"
elif [ "${CI:-}" = true ]; then
    die "Debian's chromium and chromedriver are missing (.ci/run installs them for the browser tests)"
else
    step "no chromium/chromedriver here: the dashboard screenshot is left out"
fi
PROXY_URL="http://127.0.0.1:$PROXY_PORT" MAIL_URL="http://127.0.0.1:$MAIL_PORT" \
PROMETHEUS_URL="http://127.0.0.1:$PROMETHEUS_PORT" ADMIN_TOKEN="$AGENTGATE_ADMIN_TOKEN" \
APP1="${CTR[app1]}" APP2="${CTR[app2]}" SCREENSHOT="$SCREENSHOT" CHROMEDRIVER_PORT="$(free_port)" \
ELAPSED=$((SECONDS - STARTED)) PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$ROOT/docker/ci" python3 docker/ci/drive_stack.py

# ---- 7. down -------------------------------------------------------------------------------------
remove_stack || { cat "$OUT/compose-down.log" >&2; die "compose down failed"; }
COMPOSE_UP=""
left=$(podman ps -a -q --filter "label=io.podman.compose.project=$PROJECT" | wc -l)
[ "$left" -eq 0 ] || die "compose down left $left containers"
! podman network exists "${PROJECT}_default" || die "the stack's network is still there"
step "compose down: containers, network and volumes removed"
echo "== compose stage passed in $((SECONDS - STARTED)) s"
