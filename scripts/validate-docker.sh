#!/usr/bin/env bash
# Validates docker/ without a Docker engine: the compose file (`docker compose config` or docker-compose v1, with a
# throwaway env file), docker/nginx.conf with `nginx -t` (upstream names stubbed to loopback), hadolint when present.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

sed -e 's/^JWT_SECRET=$/JWT_SECRET=validate-only-0123456789abcdef0123456789/' -e 's/^POSTGRES_PASSWORD=$/POSTGRES_PASSWORD=validate-only/' docker/.env.example >"$tmp/env"
if docker compose version >/dev/null 2>&1; then compose=(docker compose); elif command -v docker-compose >/dev/null; then compose=(docker-compose); else compose=(); fi
if [[ ${#compose[@]} -gt 0 ]]; then
  if "${compose[@]}" -f docker/compose.yaml --env-file "$tmp/env" config -q; then echo "compose: ok (${compose[*]})"; else echo "compose: INVALID"; fail=1; fi
  # Without the secrets it must refuse (no default secrets in production).
  if "${compose[@]}" -f docker/compose.yaml --env-file /dev/null config -q >/dev/null 2>&1; then echo "compose: accepted an env without JWT_SECRET"; fail=1; fi
else
  echo "compose: skipped (no docker compose / docker-compose; scripts/install-system-deps.sh --with-lint installs docker-compose)"
fi

if command -v nginx >/dev/null; then
  sed -e 's/server api1:3000/server 127.0.0.1:3001/; s/server api2:3000/server 127.0.0.1:3002/' \
    -e "s|/tmp/nginx|$tmp/nginx|g" -e 's|^error_log /dev/stderr warn;|error_log stderr warn;|' docker/nginx.conf >"$tmp/nginx.conf"
  if nginx -t -q -p "$tmp" -e "$tmp/error.log" -c "$tmp/nginx.conf"; then echo "nginx: ok"; else echo "nginx: INVALID"; fail=1; fi
else
  echo "nginx: skipped (not installed)"
fi

if command -v hadolint >/dev/null; then
  if hadolint docker/Dockerfile; then echo "hadolint: ok"; else fail=1; fi
else
  echo "hadolint: skipped (not packaged for Debian 12)"
fi
exit $fail
