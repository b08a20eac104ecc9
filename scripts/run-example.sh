#!/usr/bin/env bash
# The main job on a fresh machine: the action's whole pipeline (test stage, build, smoke test, scan, SARIF) on the
# example project, through the bundled command line. Base images are the local ones scripts/make-base-images.sh
# makes, since no registry is reachable on the project's machines.
#
# The scan is always the real Trivy, at the version the action pins:
#   default         with Go (>= 1.26.3): Trivy built from its Go module (scripts/build-trivy.sh), scanning with the
#                   project's fixture DBs (scripts/trivy-test-db.sh) served from a temporary registry on loopback,
#                   as Trivy fetches its public DB (the public one is not reachable on the project's machines). Its
#                   Trivy cache is a temporary one: your ~/.cache/trivy never holds the fixture DB.
#   --public-db     Trivy's public DBs (mirror.gcr.io, then ghcr.io) and your own ~/.cache/trivy: needs the network.
#                   The default without Go.
#   Without Go and no trivy 0.74.0 on PATH, the action downloads Trivy's release and checks its checksum.
# Other arguments go to the command line as they are (its flags are the action's inputs).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=auto
if [ "${1:-}" = --public-db ]; then mode=public; shift; fi

args=()
cleanup() { :; }
if [ "$mode" = auto ]; then
  if bin=$(bash scripts/build-trivy.sh --print); then
    export PATH="$bin:$PATH"
    tmp=$(mktemp -d)
    registry_pid=
    cleanup() {
      [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null
      rm -rf "$tmp"
    }
    trap cleanup EXIT
    # A registry of its own on a free loopback port (Debian's docker-registry, which .ci/setup-docker.sh installs).
    port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    printf 'version: 0.1\nstorage:\n  inmemory: {}\nhttp:\n  addr: 127.0.0.1:%s\n' "$port" > "$tmp/registry.yml"
    docker-registry serve "$tmp/registry.yml" >"$tmp/registry.log" 2>&1 &
    registry_pid=$!
    for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
    bash scripts/trivy-test-db.sh --out "$tmp/db" --push "localhost:$port/trivy-fixtures" >&2
    echo "note: scanning with the real Trivy ($bin) and the project's fixture DBs from localhost:$port" >&2
    args+=(--trivy-db-repository "localhost:$port/trivy-fixtures/trivy-db:2"
      --trivy-java-db-repository "localhost:$port/trivy-fixtures/trivy-java-db:1")
    export DOCKER_CONFIG="${DOCKER_CONFIG:-$HOME/.docker}"
    export HOME="$tmp/home"
    mkdir -p "$HOME"
  else
    echo "note: Trivy could not be built here (see above): scanning with Trivy's public DBs" >&2
  fi
fi

status=0
node dist/cli/index.js \
  --context examples/fullstack \
  --target production-backend \
  --port 3001 \
  --test-target test-results \
  --smoke-hardened \
  --build-args NODE_IMAGE=multistage-local/node:20 \
  --build-args STATIC_IMAGE=multistage-local/busybox:1 \
  "${args[@]}" \
  "$@" || status=$?
exit "$status"
