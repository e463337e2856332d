#!/usr/bin/env bash
# The main job: on a fresh machine or a prepared one, provision, start the lab and run the demo
# experiment (examples/db-outage.json).
# Stops what it started unless FAULTLINE_KEEP_LAB=1 (keep it to browse the Web UI afterwards).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

bash scripts/provision.sh
lab_was_up=0
bin/faultline doctor >/dev/null 2>&1 && lab_was_up=1
if [ $lab_was_up = 0 ] && [ "${FAULTLINE_KEEP_LAB:-0}" != 1 ]; then
  trap 'echo "[demo] stopping the lab (FAULTLINE_KEEP_LAB=1 keeps it)"; bin/faultline down >/dev/null' EXIT
fi
bin/faultline up
echo "[demo] the db-outage experiment: stop the database for 10 s under the business workload"
bin/faultline run examples/db-outage.json
