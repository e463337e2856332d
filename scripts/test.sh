#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a prepared one: provisions (idempotent), starts the
# lab (the mocha harness reuses what runs), typechecks, runs every test, and stops what it started.
# Arguments go to the integration suite's mocha: `bash scripts/test.sh test/integration/lab.test.ts`
# runs that file alone (after the typecheck, the lint and the unit tests), `--reporter spec` lists
# every test.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

docker_was_running=0
docker info >/dev/null 2>&1 && docker_was_running=1

bash scripts/provision.sh

# Never a Temporal server a developer configured for themselves (test/temporal-isolation.ts does
# the same for mocha run alone): no profile, no TEMPORAL_* but the suite's config file.
for var in $(compgen -e | grep '^TEMPORAL_' || true); do unset "$var"; done
export TEMPORAL_CONFIG_FILE="$ROOT/test/temporal-config.toml"

lab_was_up=0
bin/faultline doctor >/dev/null 2>&1 && lab_was_up=1

cleanup() {
  local rc=$?
  if [ $lab_was_up = 0 ]; then
    echo "[test] stopping the lab this run started"
    bin/faultline down >/dev/null 2>&1 || echo "[test] faultline down failed" >&2
  fi
  if [ $docker_was_running = 0 ] && [ -f .lab/state/dockerd.pid ]; then
    echo "[test] stopping dockerd this run started"
    pid=$(cat .lab/state/dockerd.pid)
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    rm -f .lab/state/dockerd.pid
  fi
  exit $rc
}
trap cleanup EXIT

echo "[test] typecheck"
npx tsc --noEmit -p .
echo "[test] lint (eslint with the layer rules, prettier, knip)"
npm run --silent lint
echo "[test] unit tests (no lab)"
npm run --silent test:unit
echo "[test] integration tests (the real lab)"
npm run --silent test:integration -- "$@"
