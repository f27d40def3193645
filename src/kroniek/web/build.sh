#!/usr/bin/env bash
# Build the web UI from its sources (ui/) into static/, which ships inside the Python package.
# Needs Node.js 18+ and npm; users of kroniek need neither, as static/ is committed.
set -euo pipefail
web="$(cd "$(dirname "$0")/../../../web" && pwd)"
cd "$web"
npm ci --no-audit --no-fund
node build.mjs
