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
#   bash .ci/setup-docker.sh --download-only DIR
#                                              only download the pinned packages from Debian's archive into DIR and
#                                              check them against the checksums below (what a clone without
#                                              ../shared does; .ci/run checks that this path still works)
#
# Idempotent: an engine this script started with the asked store is left running; one with the other store is
# restarted with the asked one (images of the other store are not visible until it is switched back). An engine this
# script did not start is used as it is. Also installs what the tests need beside it: busybox-static (local base
# images) and docker-registry (a local registry).
set -euo pipefail

STORE=containerd
DOWNLOAD_ONLY=
while [ $# -gt 0 ]; do
  case "$1" in
    --store) STORE=$2; shift 2 ;;
    --download-only) DOWNLOAD_ONLY=$2; shift 2 ;;
    *) echo "usage: $0 [--store containerd|classic] | --download-only DIR" >&2; exit 2 ;;
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
# Their SHA-256, as in ../shared/tools/debs/SHA256SUMS: a download is checked against these, whoever serves it.
PINNED_SHA256="\
69a59cc77a1fb8ee9ad6859abc2e6de5d76b70887405595c2b1307818fecf682  docker.io_28.5.2+dfsg4-5_amd64.deb
2dda86ce7033fd612fc50e136679d8174ccad680eb29cd4611e0d2a1b84cf591  containerd_2.1.9+ds1-5_amd64.deb
6103bcc4eab8169ae679f806d3949ffc99a1545a61fddea6124da826f115f2bf  docker-buildx_0.29.1+ds1-4_amd64.deb
d8622ebffce1d69197288fc030ff06a4c247af5507107f85c5a878870b686b23  cosign_3.1.1-2_amd64.deb"
ENGINE_VERSION=28.5.2

# Download the pinned packages from Debian's archive (sid, where these versions are) into $1, with an apt
# configuration of its own (the machine's sources and lists are not touched), and check them against PINNED_SHA256.
# A version the archive no longer has is replaced by its current one, with a warning (that .deb is then checked by
# apt's signed index only).
download_debs() {
  local dest=$1 tmp
  shift
  tmp=$(mktemp -d)
  mkdir -p "$tmp/sp" "$tmp/lists/partial" "$dest"
  # One stanza of our own: deriving it from the machine's sources once emptied the security stanza's Suites
  # ("E: Malformed entry 2 ... (Suite)"). The mirror is the machine's own Debian mirror when it has one.
  local mirror
  mirror=$(sed -n 's|^URIs: *\(http[^ ]*/debian\)/*$|\1|p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
  cat > "$tmp/sp/sid.sources" <<SOURCES
Types: deb
URIs: ${mirror:-http://deb.debian.org/debian}
Suites: sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  local o=(-oDir::Etc::SourceList=/dev/null -oDir::Etc::SourceParts="$tmp/sp" -oDir::State::Lists="$tmp/lists"
    -oDir::Cache="$tmp/cache" -oDebug::NoLocking=1 -oAPT::Sandbox::User=root)
  apt-get "${o[@]}" update -qq
  local package
  for package in "${PACKAGES[@]}" "$@"; do
    if ! (cd "$dest" && apt-get "${o[@]}" download "$package" >/dev/null 2>&1); then
      echo "warning: Debian's archive no longer has $package; taking its current ${package%%=*}" >&2
      (cd "$dest" && apt-get "${o[@]}" download "${package%%=*}" >/dev/null)
    fi
  done
  rm -rf "$tmp"
  local line deb
  while read -r line; do
    deb=${line##* }
    if [ -f "$dest/$deb" ]; then
      echo "$line" | (cd "$dest" && sha256sum --quiet -c -) || { echo "checksum mismatch: $deb" >&2; return 1; }
    fi
  done <<< "$PINNED_SHA256"
}

if [ -n "$DOWNLOAD_ONLY" ]; then
  download_debs "$DOWNLOAD_ONLY"
  (cd "$DOWNLOAD_ONLY" && sha256sum ./*.deb)
  exit 0
fi

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
    if command -v docker >/dev/null; then download_debs "$work/debs"; else download_debs "$work/debs" docker-cli; fi
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
