#!/usr/bin/env bash
# Quick start on the embedded default: installs pnpm 10 if missing, installs dependencies, builds what is not built
# yet (cached by Nx) and starts SysPonto with PGlite under ./data. Needs only Node >= 20.19 and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("SysPonto needs Node >= 20.19 (found "+process.versions.node+")"); process.exit(1) }'
if ! command -v pnpm >/dev/null 2>&1 || ! pnpm --version 2>/dev/null | grep -q '^10\.'; then
  echo "Installing pnpm 10…"
  npm install -g pnpm@10 >/dev/null
fi
pnpm install --frozen-lockfile
exec pnpm start
