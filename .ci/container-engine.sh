#!/usr/bin/env bash
# Installs podman and lays the Node base image for the container e2e suite, as root on Debian.
# Idempotent and quiet: it prints only when something fails. Engine notes for machines without
# CAP_SYS_RESOURCE and with hybrid cgroups are at the top of ../shared/tools/container-base-image.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_IMAGE=docker.io/library/node:20-bookworm-slim
BASE_SCRIPT=../shared/tools/container-base-image
LOG=$(mktemp -t nestclaw-container-setup.XXXXXX)
trap 'rm -f "$LOG"' EXIT
fail() {
  echo "container setup: $1" >&2
  tail -n 30 "$LOG" >&2
  exit 1
}

if ! command -v podman >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    podman runc debootstrap uidmap podman-compose; } >"$LOG" 2>&1 || fail "apt-get install podman failed"
fi

# Without CAP_SYS_RESOURCE podman cannot raise its default ulimits, and crun fails on hybrid
# cgroups; an existing containers.conf is the machine owner's and is left alone.
if [ ! -e /etc/containers/containers.conf ]; then
  mkdir -p /etc/containers
  cat >/etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
CONF
fi

podman info >"$LOG" 2>&1 || fail "podman does not run here"

if ! podman image exists "$BASE_IMAGE"; then
  [ -f "$BASE_SCRIPT" ] || fail "$BASE_IMAGE is missing and $BASE_SCRIPT is not there to lay it"
  # The script's own mirror lookup stops on a machine without /etc/apt/sources.list; name the mirror.
  mirror=$(grep -rhoE 'https?://[^ ]+/debian/?' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
    grep -v snapshot | head -n 1 || true)
  # Kept outside the clone so a later run reuses the debootstrapped root.
  W=/var/tmp/nestclaw-container-base MIRROR=${mirror:-http://deb.debian.org/debian} \
    bash "$BASE_SCRIPT" >"$LOG" 2>&1 || fail "laying $BASE_IMAGE with $BASE_SCRIPT failed"
fi
