#!/usr/bin/env bash
# The project's fixture DBs for Trivy, made as Trivy's own tests make theirs and served as Trivy's are:
#
#   bash scripts/trivy-test-db.sh --out DIR [--large N] [--push PREFIX [--plain-http]]
#
# builds the Go tool of __tests__/tools/trivy-db (cached in $MULTISTAGE_TRIVY_FIXTURE_DIR, default
# /opt/multistage-trivy/fixture-tool, rebuilt when its sources change), makes trivy.db and the Java DB from
# __tests__/fixtures/trivy-db into DIR, and with --push pushes them as Trivy's OCI artifacts to PREFIX/trivy-db:2 and
# PREFIX/trivy-java-db:1 (e.g. --push localhost:5000/trivy-fixtures; plain http on loopback, elsewhere only with
# --plain-http). --large N adds N generated LOW advisories (a report over GitHub's SARIF limits). Test tooling: these
# DBs know only the fixtures.
# Needs Go (go on PATH or /usr/local/go); without it this says so and exits 3.
set -euo pipefail
cd "$(dirname "$0")/.."

out= prefix= large=0 plain=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --push) prefix=$2; shift 2 ;;
    --large) large=$2; shift 2 ;;
    --plain-http) plain=(--plain-http); shift ;;
    *) echo "usage: $0 --out DIR [--large N] [--push PREFIX [--plain-http]]" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || { echo "trivy-test-db: --out DIR is needed" >&2; exit 2; }

GO=$(command -v go || true)
[ -z "$GO" ] && [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go
if [ -z "$GO" ]; then
  echo "trivy-test-db: no Go toolchain (go on PATH or /usr/local/go); the fixture DBs are built with Go" >&2
  exit 3
fi

src=__tests__/tools/trivy-db
tooldir=${MULTISTAGE_TRIVY_FIXTURE_DIR:-/opt/multistage-trivy/fixture-tool}
stamp=$(cat "$src"/go.mod "$src"/go.sum "$src"/*.go | sha256sum | cut -c1-16)
tool="$tooldir/trivy-db-$stamp"
if [ ! -x "$tool" ]; then
  mkdir -p "$tooldir"
  echo "building the fixture DB tool ($src) with $("$GO" version)" >&2
  (cd "$src" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly "$GO" build -o "$tool.partial" .)
  mv "$tool.partial" "$tool"
fi

"$tool" build --fixtures __tests__/fixtures/trivy-db/db --java-fixtures __tests__/fixtures/trivy-db/java-db.yaml \
  --out "$out" --large "$large"
# The JAR the images hold must be the one the Java DB indexes: the tool writes it again and compares.
"$tool" jar --out "$out/app.jar"
cmp -s "$out/app.jar" __tests__/fixtures/services/scanned/rootfs/srv/lib/app.jar || {
  echo "trivy-test-db: services/scanned/rootfs/srv/lib/app.jar is not what 'trivy-db jar' writes (update it and java-db.yaml's sha1)" >&2
  exit 1
}
if [ -n "$prefix" ]; then
  "$tool" push --out "$out" --db "$prefix/trivy-db:2" --java-db "$prefix/trivy-java-db:1" ${plain[@]+"${plain[@]}"}
fi
