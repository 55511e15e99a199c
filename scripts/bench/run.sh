#!/usr/bin/env bash
# `pnpm bench`: the check-in benchmark on this machine. Installs what it needs (system packages via the project's
# installer, node modules if missing), builds the production API, starts a private PostgreSQL + Redis, runs
# scripts/bench/bench.mjs (prints the table, writes bench-results/*.json) and stops everything.
#   BENCH_RATE=600 BENCH_SKIP=pglite,sockets pnpm bench     (see bench.mjs for every knob)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

bash scripts/install-system-deps.sh --no-browser
command -v pnpm >/dev/null || npm i -g pnpm@10 >/dev/null
[[ -d node_modules/.pnpm ]] || flock /tmp/pnpm.lock pnpm install --frozen-lockfile
if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
  echo "bench: building the production API"
  pnpm --filter @sysponto/contracts build >/dev/null
  pnpm --filter api build >/dev/null || { echo "bench: the API build failed" >&2; exit 1; }
fi

# 10,000+ sockets need more than the default open-file limit; EMFILE is reported, not fatal.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
ulimit -n 65536 2>/dev/null || true
echo "bench: open-file limit $(ulimit -n)"

export SYSPONTO_SERVICES_DIR=${SYSPONTO_SERVICES_DIR:-/tmp/sysponto-bench-$$}
trap 'bash "$ROOT/scripts/services.sh" stop >/dev/null 2>&1 || true' EXIT
trap 'exit 130' INT TERM
eval "$(bash scripts/services.sh start)"
export TEST_DATABASE_URL TEST_REDIS_URL

node scripts/bench/bench.mjs
