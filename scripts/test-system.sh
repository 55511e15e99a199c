#!/usr/bin/env bash
# `pnpm test:system`: the API e2e suite on real PostgreSQL 15 + Redis, then the cluster tests (two production API
# replicas behind nginx). Installs the system packages when missing, starts private services, always stops them.
#
#   bash scripts/test-system.sh [--no-e2e] [--no-cluster] [-- extra jest args for both runs]
#
# Prints `system: N passed, N failed` at the end and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

run_e2e=1
run_cluster=1
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-e2e) run_e2e=0 ;;
    --no-cluster) run_cluster=0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "test-system: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

started=$SECONDS
bash scripts/install-system-deps.sh --no-browser

# Our own folder, so a benchmark or a developer's services elsewhere are left alone.
export SYSPONTO_SERVICES_DIR=${SYSPONTO_SERVICES_DIR:-/tmp/sysponto-system-$$}
RESULTS=$(mktemp -d /tmp/sysponto-results.XXXXXX)
cleanup() {
  bash "$ROOT/scripts/services.sh" stop >/dev/null 2>&1 || true
  rm -rf "$RESULTS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

eval "$(bash scripts/services.sh start)"
export TEST_DATABASE_URL TEST_REDIS_URL

status=0
run_jest() { # name, jest args…
  local name=$1
  shift
  echo
  echo "=== $name ==="
  (cd apps/api && NODE_OPTIONS=--experimental-vm-modules pnpm exec jest --runInBand --json --outputFile="$RESULTS/$name.json" "$@" "${extra[@]}") || status=1
}

if [[ $run_e2e == 1 ]]; then
  run_jest e2e
fi
if [[ $run_cluster == 1 ]]; then
  echo
  echo "=== building the production API for the cluster tests ==="
  pnpm --filter api build || status=1
  run_jest cluster -c jest.system.config.cjs
fi

# Totals over both runs, from jest's JSON reports (a run that crashed before writing one counts as a failure).
totals=$(node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const name of process.argv.slice(2)) {
    const file = process.argv[1] + "/" + name + ".json";
    if (!fs.existsSync(file)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
    skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$RESULTS" $([[ $run_e2e == 1 ]] && echo e2e) $([[ $run_cluster == 1 ]] && echo cluster))
[[ $totals == *" 0 failed"* ]] || status=1

echo
echo "test-system: finished in $((SECONDS - started)) s"
echo "system: $totals"
exit $status
