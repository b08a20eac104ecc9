#!/usr/bin/env bash
# Bring up a real Docker Engine (26.x, containerd image store) with buildx on a Debian 12 machine that has
# no engine, from Debian's archive. Idempotent: returns at once when `docker info` already answers.
# Also installs what the integration tests need beside the engine: busybox-static (local base images) and
# docker-registry (a local registry for push tests).
set -euo pipefail

STATE=${MULTISTAGE_DOCKER_DIR:-/opt/multistage-docker}
BIN="$STATE/bin"
LOG="$STATE/dockerd.log"

if docker info >/dev/null 2>&1 && docker buildx version >/dev/null 2>&1; then
  echo "docker engine already running"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
mkdir -p "$STATE"
if ! command -v runc >/dev/null || ! command -v tini-static >/dev/null || [ ! -x /bin/busybox ] || ! command -v docker-registry >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq runc iptables tini busybox-static docker-registry >/dev/null
fi

if [ ! -x "$BIN/dockerd" ] || [ ! -x /usr/libexec/docker/cli-plugins/docker-buildx ]; then
  work="$STATE/apt"
  rm -rf "$work"; mkdir -p "$work/sp" "$work/lists/partial" "$work/debs" "$work/x"
  sed -e 's/bookworm-updates//' -e 's/bookworm-security/trixie-security/' -e 's/\bbookworm\b/trixie/' \
    /etc/apt/sources.list.d/debian.sources > "$work/sp/next.sources"
  o=(-oDir::Etc::SourceList=/dev/null -oDir::Etc::SourceParts="$work/sp" -oDir::State::Lists="$work/lists")
  apt-get "${o[@]}" update -qq
  (cd "$work/debs" && apt-get "${o[@]}" download docker.io docker-cli docker-buildx containerd >/dev/null)
  for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$work/x"; done
  mkdir -p "$BIN" /usr/libexec/docker/cli-plugins
  for f in usr/sbin/dockerd usr/sbin/docker-proxy usr/bin/containerd usr/bin/containerd-shim-runc-v2 usr/bin/ctr; do
    cp "$work/x/$f" "$BIN/"
  done
  ln -sf /usr/bin/tini-static "$BIN/docker-init"
  cp "$work/x/usr/libexec/docker/cli-plugins/docker-buildx" /usr/libexec/docker/cli-plugins/
  rm -rf "$work"
fi

cat > "$STATE/daemon.json" <<'JSON'
{"features":{"containerd-snapshotter":true}}
JSON
PATH="$BIN:$PATH" setsid dockerd --config-file "$STATE/daemon.json" >"$LOG" 2>&1 < /dev/null &

for _ in $(seq 1 120); do
  if docker info >/dev/null 2>&1; then
    docker version --format 'engine {{.Server.Version}}, client {{.Client.Version}}'
    docker buildx version
    exit 0
  fi
  sleep 1
done
echo "dockerd did not come up; last log lines:" >&2
tail -n 40 "$LOG" >&2
exit 1
