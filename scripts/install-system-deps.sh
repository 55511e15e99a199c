#!/usr/bin/env bash
# Installs the Debian packages the system tests, the cluster test and the benchmark need. Idempotent: a fast
# no-op when everything is present; `apt-get update` runs only when something is missing.
#
#   bash scripts/install-system-deps.sh [--no-browser] [--with-lint]
#     --no-browser   skip chromium (~480 MB; only the browser journeys need it)
#     --with-lint    also docker-compose (offline `docker-compose config`) for validating docker/
#
# Needs root (or passwordless sudo). Packages: postgresql (server, psql, pgbench), redis-server, nginx, chromium.
set -euo pipefail

browser=1
lint=0
for arg in "$@"; do
  case "$arg" in
    --no-browser) browser=0 ;;
    --with-lint) lint=1 ;;
    -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "install-system-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

# package → a file that proves it is installed and usable
declare -A probe=(
  [postgresql]=/usr/lib/postgresql/15/bin/pg_ctl
  [postgresql-contrib]=/usr/lib/postgresql/15/bin/pgbench
  [redis-server]=/usr/bin/redis-server
  [nginx]=/usr/sbin/nginx
)
[[ $browser == 1 ]] && probe[chromium]=/usr/bin/chromium
[[ $lint == 1 ]] && probe[docker-compose]=/usr/bin/docker-compose

missing=()
for pkg in "${!probe[@]}"; do
  [[ -x ${probe[$pkg]} ]] || missing+=("$pkg")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-system-deps: all present"
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=(sudo -n); else
    echo "install-system-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-system-deps: installing ${missing[*]}"
started=$SECONDS
# Another process (another engineer, a parallel CI step) may hold the dpkg lock: wait for it instead of failing.
apt_opts=(-o DPkg::Lock::Timeout=300 -q)
# Install without updating first when the package lists already know the packages; update once otherwise.
if ! "${SUDO[@]}" apt-get install "${apt_opts[@]}" -y --no-install-recommends "${missing[@]}" >/tmp/sysponto-apt.log 2>&1; then
  "${SUDO[@]}" apt-get update "${apt_opts[@]}" >>/tmp/sysponto-apt.log 2>&1
  "${SUDO[@]}" apt-get install "${apt_opts[@]}" -y --no-install-recommends "${missing[@]}" >>/tmp/sysponto-apt.log 2>&1 || {
    tail -30 /tmp/sysponto-apt.log >&2
    exit 1
  }
fi
# Debian starts the packaged services on install: the project runs its own instances on private ports, so stop them.
for svc in redis-server nginx postgresql; do
  if [[ " ${missing[*]} " == *" $svc "* ]] && command -v service >/dev/null; then "${SUDO[@]}" service "$svc" stop >/dev/null 2>&1 || true; fi
done
echo "install-system-deps: done in $((SECONDS - started)) s"
