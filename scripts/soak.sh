#!/usr/bin/env bash
# The soak of issue 8 (not part of CI; about 11 minutes): a 10-minute experiment at 64 clients with
# the db stopped five times, on the lab. Prints the faultline worker's resident memory every 10 s,
# then the history's size, unhandled rejections and the verdict; its last line is one JSON object.
# Starts (and afterwards stops) what is not running yet, like scripts/test.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash scripts/provision.sh
lab_was_up=0
bin/faultline doctor >/dev/null 2>&1 && lab_was_up=1
cleanup() {
  local rc=$?
  [ $lab_was_up = 0 ] && bin/faultline down >/dev/null 2>&1
  exit $rc
}
trap cleanup EXIT
bin/faultline up
node --import ./node_modules/tsx/dist/loader.mjs scripts/soak.ts
