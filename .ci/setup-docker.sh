#!/usr/bin/env bash
# Bring up the engine GitHub's Ubuntu runners ship, on a Debian 12 machine with none: Docker Engine 28.5.2 with
# containerd 2.1.9 and buildx 0.29.1 (and cosign 3.1.1 beside them), run with Debian 12's own runc.
#
# The packages are Debian's builds (sid). When ../shared/tools/debs is there (the project's machines: no network but
# Debian's archive) its pinned .debs are used after their SHA256SUMS are checked; otherwise the same packages are
# downloaded from Debian's archive by name, at the pinned versions when the archive still has them. They are
# unpacked (dpkg -x), never installed, so the machine's own packages stay as they are.
#
#   bash .ci/setup-docker.sh                   the engine with the containerd image store (default)
#   bash .ci/setup-docker.sh --store classic   the engine with the classic image store (GitHub's default)
#
# Idempotent: an engine this script started with the asked store is left running; one with the other store is
# restarted with the asked one (images of the other store are not visible until it is switched back). An engine this
# script did not start is used as it is. Also installs what the tests need beside it: busybox-static (local base
# images) and docker-registry (a local registry).
set -euo pipefail

STORE=containerd
while [ $# -gt 0 ]; do
  case "$1" in
    --store) STORE=$2; shift 2 ;;
    *) echo "usage: $0 [--store containerd|classic]" >&2; exit 2 ;;
  esac
done
case "$STORE" in containerd|classic) ;; *) echo "--store is containerd or classic, not $STORE" >&2; exit 2 ;; esac

STATE=${MULTISTAGE_DOCKER_DIR:-/opt/multistage-docker}
BIN="$STATE/bin"
LOG="$STATE/dockerd.log"
PIDFILE="$STATE/dockerd.pid"
STOREFILE="$STATE/store"
TOOLS=${MULTISTAGE_TOOLS_DIR:-$(cd "$(dirname "$0")/.." && pwd)/../shared/tools}
# name=version of each package, as Debian's archive names them.
PACKAGES=(docker.io=28.5.2+dfsg4-5 containerd=2.1.9+ds1-5 docker-buildx=0.29.1+ds1-4 cosign=3.1.1-2)
ENGINE_VERSION=28.5.2

ours_running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

if docker info >/dev/null 2>&1; then
  if ! ours_running; then
    echo "using the docker engine that is already running (not started by this script)"
    exit 0
  fi
  if [ "$(cat "$STOREFILE" 2>/dev/null)" = "$STORE" ]; then
    echo "docker engine already running ($STORE image store)"
    exit 0
  fi
  echo "restarting the engine with the $STORE image store"
  kill "$(cat "$PIDFILE")"
  for _ in $(seq 1 60); do ours_running || break; sleep 0.5; done
fi

export DEBIAN_FRONTEND=noninteractive
mkdir -p "$STATE"
if ! command -v runc >/dev/null || ! command -v tini-static >/dev/null || [ ! -x /bin/busybox ] ||
  ! command -v docker-registry >/dev/null || ! command -v iptables >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq runc iptables tini busybox-static docker-registry >/dev/null
fi

have_engine() { [ -x "$BIN/dockerd" ] && "$BIN/dockerd" --version 2>/dev/null | grep -q "version $ENGINE_VERSION"; }

if ! have_engine || [ ! -x /usr/libexec/docker/cli-plugins/docker-buildx ] || ! command -v docker >/dev/null; then
  work="$STATE/unpack"
  rm -rf "$work"; mkdir -p "$work/debs" "$work/x"
  if [ -f "$TOOLS/debs/SHA256SUMS" ]; then
    echo "using the pinned packages in $TOOLS/debs"
    (cd "$TOOLS/debs" && sha256sum --quiet -c SHA256SUMS)
    cp "$TOOLS"/debs/*.deb "$work/debs/"
  else
    echo "no $TOOLS/debs: downloading ${PACKAGES[*]} from Debian's archive (sid)"
    mkdir -p "$work/sp" "$work/lists/partial"
    sed -e 's/bookworm-updates//' -e 's/bookworm-security//' -e 's/\bbookworm\b/sid/' \
      /etc/apt/sources.list.d/debian.sources > "$work/sp/sid.sources"
    o=(-oDir::Etc::SourceList=/dev/null -oDir::Etc::SourceParts="$work/sp" -oDir::State::Lists="$work/lists")
    apt-get "${o[@]}" update -qq
    for package in "${PACKAGES[@]}"; do
      if ! (cd "$work/debs" && apt-get "${o[@]}" download "$package" >/dev/null 2>&1); then
        echo "warning: Debian's archive no longer has $package; taking its current ${package%%=*}" >&2
        (cd "$work/debs" && apt-get "${o[@]}" download "${package%%=*}" >/dev/null)
      fi
    done
    if ! command -v docker >/dev/null; then (cd "$work/debs" && apt-get "${o[@]}" download docker-cli >/dev/null); fi
  fi
  for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$work/x"; done
  mkdir -p "$BIN" /usr/libexec/docker/cli-plugins
  for f in usr/sbin/dockerd usr/sbin/docker-proxy usr/bin/containerd usr/bin/containerd-shim-runc-v2 usr/bin/ctr; do
    cp "$work/x/$f" "$BIN/"
  done
  [ -x "$work/x/usr/bin/cosign" ] && cp "$work/x/usr/bin/cosign" /usr/local/bin/cosign
  command -v docker >/dev/null || cp "$work/x/usr/bin/docker" /usr/local/bin/docker
  ln -sf /usr/bin/tini-static "$BIN/docker-init"
  cp "$work/x/usr/libexec/docker/cli-plugins/docker-buildx" /usr/libexec/docker/cli-plugins/
  rm -rf "$work"
fi

snapshotter=$([ "$STORE" = containerd ] && echo true || echo false)
cat > "$STATE/daemon.json" <<JSON
{"features":{"containerd-snapshotter":$snapshotter}}
JSON
# Debian 12's runc (the engine's own default runtime name), never one from the unpacked packages.
PATH="$BIN:$PATH" setsid dockerd --config-file "$STATE/daemon.json" --pidfile "$PIDFILE" >"$LOG" 2>&1 </dev/null &
echo "$STORE" > "$STOREFILE"

for _ in $(seq 1 120); do
  if docker info >/dev/null 2>&1; then
    docker version --format 'engine {{.Server.Version}}, client {{.Client.Version}}'
    docker buildx version
    docker info --format '{{range .DriverStatus}}{{index . 0}}: {{index . 1}}{{"\n"}}{{end}}' | sed -n '1,3p'
    exit 0
  fi
  sleep 1
done
echo "dockerd did not come up; last log lines:" >&2
tail -n 40 "$LOG" >&2
exit 1
