#!/usr/bin/env bash
# The stamp of what `npm run build` compiles into dist/: one hash over every file under src/ (its
# path and its contents, so a deleted or renamed file changes it too), the lockfile (the
# dependencies, workflow bundles included), both tsconfigs and the build script. `npm run build`
# writes it to dist/.stamp; bin/faultline runs dist/ only while it matches, and
# scripts/provision.sh rebuilds when it does not. About 10 ms.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
{
  find src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  sha256sum package-lock.json tsconfig.json tsconfig.build.json scripts/build.ts
} | sha256sum | cut -c1-16
