#!/usr/bin/env bash
# Every test on the stack GitHub users run on, as CI runs them (the README's test command):
#   1. unit and integration tests on Docker 28.5 with the containerd image store, on the engine's docker driver and
#      on the docker-container and remote builders (the global setup starts them);
#   2. the builder matrix again on the classic image store (GitHub's default), after switching the engine's store,
#      then the engine is switched back.
# Switching stores restarts the engine, so it is only done to an engine .ci/setup-docker.sh started; on another
# engine this stops with a message instead of testing less than it says.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_OPTIONS=--experimental-vm-modules

store() { docker info --format '{{json .DriverStatus}}' | grep io.containerd.snapshotter >/dev/null && echo containerd || echo classic; }

bash .ci/setup-docker.sh
[ "$(store)" = containerd ] || { echo "test-all: the engine is not on the containerd image store" >&2; exit 1; }
npx jest

restore() { bash .ci/setup-docker.sh --store containerd >/dev/null; }
trap restore EXIT
bash .ci/setup-docker.sh --store classic
if [ "$(store)" != classic ]; then
  echo "test-all: the engine's image store could not be switched (it was not started by .ci/setup-docker.sh); run .ci/setup-docker.sh on a machine without an engine, or run npm test" >&2
  exit 1
fi
bash scripts/make-base-images.sh
npx jest --selectProjects integration --testPathPatterns '__tests__/matrix\.itest\.ts'
