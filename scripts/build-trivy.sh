#!/usr/bin/env bash
# Build the real Trivy from its Go module, at exactly the version the action pins by default (DEFAULT_TRIVY_VERSION
# in src/inputs.ts), into a folder of its own:
#
#   bash scripts/build-trivy.sh            builds $MULTISTAGE_TRIVY_DIR/bin/trivy (default /opt/multistage-trivy)
#   bash scripts/build-trivy.sh --print    prints the folder holding trivy, building it first when needed
#   bash scripts/build-trivy.sh --print --report-version 0.50.0
#                                          the same Trivy, built to call itself 0.50.0, in a folder of its own
#                                          (tests of "trivy on PATH is another version"; never for scanning)
#
# Idempotent: a trivy already there that says the pinned version is kept. Go's module and build caches (GOMODCACHE,
# GOCACHE: ~/go/pkg/mod and ~/.cache/go-build unless set) are reused between runs, so a rebuild takes seconds where
# the first build takes minutes. Never `@latest`: a tag can be replaced (v0.69.4 was a malicious release), a version
# in the module proxy cannot (the go command checks it against the checksum database).
#
# Needs Go >= the version Trivy's go.mod asks for (1.26.3 for v0.71-v0.74): /usr/local/go/bin/go or `go` on PATH.
# Without Go this says so and exits 3: the action itself then downloads and verifies Trivy's release where GitHub is
# reachable (see README, "On a fresh machine").
set -euo pipefail
cd "$(dirname "$0")/.."

print=false
REPORT=
while [ $# -gt 0 ]; do
  case "$1" in
    --print) print=true; shift ;;
    --report-version) REPORT=$2; shift 2 ;;
    *) echo "usage: $0 [--print] [--report-version X.Y.Z]" >&2; exit 2 ;;
  esac
done

MODULE_VERSION=$(sed -n "s/^export const DEFAULT_TRIVY_VERSION = '\([0-9.]*\)';$/\1/p" src/inputs.ts)
[ -n "$MODULE_VERSION" ] || { echo "build-trivy: DEFAULT_TRIVY_VERSION not found in src/inputs.ts" >&2; exit 1; }
VERSION=${REPORT:-$MODULE_VERSION}
DIR=${MULTISTAGE_TRIVY_DIR:-/opt/multistage-trivy}
BIN="$DIR/bin"
[ -n "$REPORT" ] && BIN="$DIR/report-$REPORT/bin"

says_version() {
  local out
  out=$("$BIN/trivy" --version 2>/dev/null) || return 1
  [ "$(printf '%s\n' "$out" | sed -n '1s/^Version: //p')" = "$VERSION" ]
}

log() { if $print; then echo "$@" >&2; else echo "$@"; fi; }

if [ -x "$BIN/trivy" ] && says_version; then
  log "trivy $VERSION already built in $BIN"
else
  GO=$(command -v go || true)
  [ -z "$GO" ] && [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go
  if [ -z "$GO" ]; then
    echo "build-trivy: no Go toolchain (go on PATH or /usr/local/go); install Go >= 1.26.3 to build Trivy $VERSION, or let the action download its release" >&2
    exit 3
  fi
  mkdir -p "$BIN"
  log "building trivy $VERSION from github.com/aquasecurity/trivy/cmd/trivy@v$MODULE_VERSION with $("$GO" version)"
  start=$(date +%s%N)
  # jsonv2: Trivy imports encoding/json/v2 from v0.67 on. The ldflags set the version it reports (else "dev").
  # GOTOOLCHAIN=local: build with this Go or fail, never fetch another toolchain behind the caller's back.
  CGO_ENABLED=0 GOEXPERIMENT=jsonv2 GOTOOLCHAIN=local GOBIN="$BIN" \
    "$GO" install -ldflags "-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=$VERSION" \
    "github.com/aquasecurity/trivy/cmd/trivy@v$MODULE_VERSION" >&2
  elapsed=$((($(date +%s%N) - start) / 1000000))
  if ! says_version; then
    echo "build-trivy: the trivy built in $BIN does not say Version: $VERSION" >&2
    "$BIN/trivy" --version >&2 || true
    exit 1
  fi
  log "built trivy $VERSION in $BIN in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s"
fi

if $print; then echo "$BIN"; fi
