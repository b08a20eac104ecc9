#!/usr/bin/env bash
# Make the base images the example project and the integration tests build FROM, without any registry:
#   multistage-local/busybox:1   busybox applets, /etc/passwd, /tmp (stands in for busybox / alpine)
#   multistage-local/node:20     the same plus this machine's node, its libraries and npm (stands in for node:20-alpine)
# Idempotent: an image that already exists is kept. Needs a running engine and /bin/busybox (busybox-static).
set -euo pipefail

BUSYBOX_IMAGE=${BUSYBOX_IMAGE:-multistage-local/busybox:1}
NODE_IMAGE=${NODE_IMAGE:-multistage-local/node:20}

rootfs_busybox() {
  local root=$1
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,home,var/run,www}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
  ln -s /bin/busybox "$root/usr/bin/env"
  printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
}

import_dir() {
  local root=$1 name=$2; shift 2
  tar -C "$root" -c . | docker import "$@" - "$name" >/dev/null
  echo "made $name"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! docker image inspect "$BUSYBOX_IMAGE" >/dev/null 2>&1; then
  rootfs_busybox "$tmp/busybox"
  import_dir "$tmp/busybox" "$BUSYBOX_IMAGE" --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' --change 'CMD ["sh"]'
fi

if ! docker image inspect "$NODE_IMAGE" >/dev/null 2>&1; then
  root="$tmp/node"
  rootfs_busybox "$root"
  node_bin=$(readlink -f "$(command -v node)")
  mkdir -p "$root/usr/local/bin" "$root/usr/local/lib/node_modules"
  cp "$node_bin" "$root/usr/local/bin/node"
  for lib in $(ldd "$node_bin" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  cp -r "$npm_dir" "$root/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  import_dir "$root" "$NODE_IMAGE" \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' \
    --change 'ENV NODE_VERSION=20' \
    --change 'CMD ["node"]'
fi
