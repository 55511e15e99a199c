#!/usr/bin/env bash
# `pnpm bench [name…]`: the benchmarks, which print figures (they are not tests and are not part of `pnpm test`).
#   checkin        scripts/bench/bench.mjs: the check-in benchmark on PostgreSQL + Redis and on the embedded default
#                  (prints the table, writes bench-results/*.json)
#   checkin-burst  scripts/bench/checkin-burst.mjs: 300 students check in at once, submit → teacher socket latency
#   reports        scripts/bench/reports.mjs: report routes on a 500-student × 60-session course
#   auth-cost      scripts/bench/auth-cost.mjs: what the token claim checks + revocation lookup add per request
#   scan           apps/web-e2e/src/bench/scan-to-check-in.bench.ts: projector code → phone-size Chromium scans its QR
#                  code → checked in, p50/p99 over SCAN_TRIES (30) at SCAN_INTERVAL (5 s); also builds the web app
#   data           scripts/bench/data.mjs: the read routes at 1×, 10× and 100× data on PostgreSQL, growth per step,
#                  sequential scans of large tables (`pnpm bench:data`; not run by default)
#   profile        bench.mjs --profile: CPU profiles of GET /api/me and the check-in, summarised (not run by default)
#   hostile-input  scripts/bench/hostile-input.mjs: 100,000 `[` on login, and /api/health while 4 clients send it
#   webhooks       scripts/bench/webhooks.mjs: a 300-student check-in burst with and without a webhook endpoint,
#                  check-in p50/p99 and event → receiver p50/p99 (BENCH_STUDENTS, BENCH_DATABASE_URL)
#   web            scripts/bench/web.mjs: Lighthouse 12 (mobile) on the sign-in page, the student dashboard and the QR
#                  check-in link: scores, LCP, TBT, compressed JS + CSS (`pnpm bench:web`; also builds the web app)
#   live-page      scripts/bench/live-page.mjs: the teacher's live page in Chromium with 1,000 enrolled and 500 check-ins
#                  within 5 s: long tasks (count, over 100 ms, longest) while drawing and during the burst (also builds
#                  the web app; not run by default)
# Without a name: checkin, checkin-burst and reports. Installs what it needs (system packages via the project's installer, node modules if
# missing), builds the production API, starts a private PostgreSQL + Redis for `checkin` and stops everything.
#   BENCH_RATE=600 BENCH_SKIP=pglite,sockets pnpm bench checkin      (see bench.mjs for every knob)
#   BENCH_NO_BUILD=1 pnpm bench reports                               (reuse apps/api/dist)
# See scripts/bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(checkin checkin-burst reports)
for n in "${names[@]}"; do
  case "$n" in
    checkin | checkin-burst | reports | auth-cost | scan | data | profile | hostile-input | webhooks | web | live-page) ;;
    *) echo "bench: unknown benchmark '$n' (checkin, checkin-burst, reports, auth-cost, scan, data, profile, hostile-input, webhooks, web, live-page)" >&2; exit 2 ;;
  esac
done

command -v pnpm >/dev/null || npm i -g pnpm@10 >/dev/null
[[ -d node_modules/.pnpm ]] || flock /tmp/pnpm.lock pnpm install --frozen-lockfile
if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
  echo "bench: building the production API"
  pnpm --filter @sysponto/contracts build >/dev/null
  pnpm --filter api build >/dev/null || { echo "bench: the API build failed" >&2; exit 1; }
  if [[ " ${names[*]} " == *" scan "* || " ${names[*]} " == *" web "* || " ${names[*]} " == *" live-page "* ]]; then
    echo "bench: building the web app"
    pnpm --filter @sysponto/client build >/dev/null
    pnpm --filter web build >/dev/null || { echo "bench: the web build failed" >&2; exit 1; }
  fi
fi

status=0
for n in "${names[@]}"; do
  echo
  echo "=== bench: $n ($(date -u +%H:%M:%S))"
  case "$n" in
    checkin-burst | reports | auth-cost | hostile-input | webhooks)
      node "scripts/bench/$n.mjs" || status=1
      ;;
    web | live-page)
      bash scripts/install-system-deps.sh >/dev/null # Chromium
      node "scripts/bench/$n.mjs" || status=1
      ;;
    scan)
      bash scripts/install-system-deps.sh >/dev/null # Chromium
      pnpm --filter web-e2e bench:scan || status=1
      ;;
    checkin | profile)
      (
        bash scripts/install-system-deps.sh --no-browser
        # 10,000+ sockets need more than the default open-file limit; EMFILE is reported, not fatal.
        ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
        ulimit -n 65536 2>/dev/null || true
        echo "bench: open-file limit $(ulimit -n)"
        export SYSPONTO_SERVICES_DIR=${SYSPONTO_SERVICES_DIR:-/tmp/sysponto-bench-$$}
        trap 'bash "$ROOT/scripts/services.sh" stop >/dev/null 2>&1 || true' EXIT
        trap 'exit 130' INT TERM
        eval "$(bash scripts/services.sh start)"
        export TEST_DATABASE_URL TEST_REDIS_URL
        if [[ $n == profile ]]; then node scripts/bench/bench.mjs --profile; else node scripts/bench/bench.mjs; fi
      ) || status=1
      ;;
    data)
      (
        bash scripts/install-system-deps.sh --no-browser
        if [[ -z ${BENCH_DATABASE_URL:-} ]]; then
          export SYSPONTO_SERVICES_DIR=${SYSPONTO_SERVICES_DIR:-/tmp/sysponto-bench-$$}
          trap 'bash "$ROOT/scripts/services.sh" stop >/dev/null 2>&1 || true' EXIT
          trap 'exit 130' INT TERM
          eval "$(bash scripts/services.sh start)"
          export BENCH_DATABASE_URL=$TEST_DATABASE_URL
        fi
        node scripts/bench/data.mjs
      ) || status=1
      ;;
  esac
done
exit $status
