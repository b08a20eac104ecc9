#!/usr/bin/env bash
# The builders GitHub users have, beside the engine's own `docker` driver, for the integration tests:
#   msa-container  the docker-container driver, as docker/setup-buildx-action creates it (network=host), from a
#                  BuildKit image made locally from ../shared/tools/buildkit (no registry can be reached here)
#   msa-remote     the remote driver: a buildkitd on 127.0.0.1:$MSA_REMOTE_PORT run by this script (the path of
#                  teams whose builds outgrow one runner)
# Neither builder sees the engine's images, so the base images are pushed to the local registry (127.0.0.1:5000)
# they build from. BuildKit 0.32.2 comes from ../shared/tools/buildkit (the project's machines, offline); without it
# (GitHub's runners) from the moby/buildkit:v0.32.2 image, pulled.
#   builders.sh up | down
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TOOLS=${MULTISTAGE_TOOLS_DIR:-$here/../../../shared/tools}
REGISTRY=127.0.0.1:5000
PORT=${MSA_REMOTE_PORT:-18234}
STATE=${MSA_BUILDKIT_DIR:-/var/lib/msa-buildkit}
RUN=${MSA_BUILDKIT_RUN:-/tmp/msa-buildkit}

registry_config() {
  printf '[registry."%s"]\n  http = true\n  insecure = true\n' "$REGISTRY"
}

IMAGE=moby/buildkit:v0.32.2
local_tools() { [ -f "$TOOLS/buildkit/buildkitd.gz" ]; }

up() {
  mkdir -p "$RUN"
  for image in busybox:1 node:20; do
    docker tag "multistage-local/$image" "$REGISTRY/multistage-local/$image"
    docker push -q "$REGISTRY/multistage-local/$image" >/dev/null
  done

  if local_tools; then
    bash "$TOOLS/buildkit/make-buildkit-image.sh" >/dev/null
  else
    docker pull -q "$IMAGE" >/dev/null && docker tag "$IMAGE" moby/buildkit:buildx-stable-1
  fi
  registry_config > "$RUN/container.toml"
  if ! docker buildx inspect msa-container >/dev/null 2>&1; then
    docker buildx create --name msa-container --driver docker-container --driver-opt network=host \
      --config "$RUN/container.toml" --bootstrap >/dev/null 2>&1
  fi
  docker buildx inspect msa-container --bootstrap >/dev/null

  if ! docker buildx inspect msa-remote >/dev/null 2>&1 || ! (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    {
      printf 'root = "%s"\n[grpc]\n  address = ["tcp://127.0.0.1:%s"]\n' "$STATE" "$PORT"
      printf '[worker.oci]\n  enabled = true\n  snapshotter = "overlayfs"\n  networkMode = "host"\n'
      printf '[worker.containerd]\n  enabled = false\n'
      registry_config
    } > "$RUN/remote.toml"
    if local_tools; then
      mkdir -p "$RUN/bin" "$STATE"
      gunzip -c "$TOOLS/buildkit/buildkitd.gz" > "$RUN/bin/buildkitd"
      chmod +x "$RUN/bin/buildkitd"
      setsid "$RUN/bin/buildkitd" --config "$RUN/remote.toml" >"$RUN/buildkitd.log" 2>&1 </dev/null &
      echo $! > "$RUN/buildkitd.pid"
    else
      docker rm --force msa-remote-buildkitd >/dev/null 2>&1 || true
      docker run -d --name msa-remote-buildkitd --privileged --network host -v "$RUN/remote.toml:/etc/buildkit/remote.toml:ro" \
        "$IMAGE" --config /etc/buildkit/remote.toml >/dev/null
    fi
    for _ in $(seq 1 50); do (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.2; done
    docker buildx rm msa-remote >/dev/null 2>&1 || true
    docker buildx create --name msa-remote --driver remote "tcp://127.0.0.1:$PORT" >/dev/null
  fi
  docker buildx inspect msa-remote --bootstrap >/dev/null
  echo "builders: msa-container (docker-container), msa-remote (remote, tcp://127.0.0.1:$PORT)"
}

down() {
  docker buildx rm --force msa-container >/dev/null 2>&1 || true
  docker buildx rm msa-remote >/dev/null 2>&1 || true
  if [ -f "$RUN/buildkitd.pid" ]; then kill "$(cat "$RUN/buildkitd.pid")" 2>/dev/null || true; rm -f "$RUN/buildkitd.pid"; fi
  docker rm --force msa-remote-buildkitd >/dev/null 2>&1 || true
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
