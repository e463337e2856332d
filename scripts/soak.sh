#!/usr/bin/env bash
# The soak of issue 8 (not part of CI; about 11 minutes): a 10-minute experiment at 64 clients with
# the db stopped five times, on the lab. Prints the faultline worker's resident memory every 10 s,
# then the history's size, unhandled rejections and the verdict; its last line is one JSON object.
# `bash scripts/soak.sh closed-loop`: 16 clients without think time or fault for 10 minutes (the
# engine's memory, issue 3); `write-heavy`: the same, half writes and 30 % purchases, all audited
# (the business-write ledger's memory). Leaves the lab up (`bin/faultline down` stops it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/provision.sh
bin/faultline up
exec node --import ./node_modules/tsx/dist/loader.mjs scripts/soak.ts "$@"
