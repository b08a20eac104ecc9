#!/usr/bin/env bash
# The main job on a fresh machine: the action's whole pipeline (test stage, build, smoke test, scan, SARIF) on the
# example project, through the bundled command line. Base images are the local ones scripts/make-base-images.sh
# makes, since no registry is reachable on the project's machines.
# Trivy: the one on PATH if there is one. Otherwise (or with --trivy-double) the test double that replays Trivy's own
# recorded reports, because neither Trivy nor its DB can be downloaded on the project's machines. Pass
# --download-trivy to let the action download and verify the real release instead.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=auto
case "${1:-}" in
  --download-trivy) mode=download; shift ;;
  --trivy-double) mode=double; shift ;;
esac
if [ "$mode" = double ] || { [ "$mode" = auto ] && ! command -v trivy >/dev/null; }; then
  echo "note: no trivy on PATH and none can be downloaded here; scanning with the test double that replays Trivy's recorded reports" >&2
  export PATH="$PWD/__tests__/fixtures/trivy/bin:$PATH"
fi

exec node dist/cli/index.js \
  --context examples/fullstack \
  --target production-backend \
  --port 3001 \
  --test-target test-results \
  --smoke-hardened \
  --build-args NODE_IMAGE=multistage-local/node:20 \
  --build-args STATIC_IMAGE=multistage-local/busybox:1 \
  "$@"
