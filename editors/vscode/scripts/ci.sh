#!/usr/bin/env bash
# Builds, packages and tests the VS Code extension on a Debian machine that has
# python3, node 20 and npm: installs the tools the end-to-end test needs
# (cached under ~/.cache/qtasks-lsp-ci, so a second run skips them), lints,
# packages the .vsix with the server bundled, runs the unit tests, then the
# end-to-end test in code-server + Chromium. Exits non-zero on any failure.
#
# QTASKS_LSP_PYTHON: interpreter that runs the server and the example project
# in the end-to-end test (default python3; it needs qtasks installed).
set -euo pipefail

EXTENSION_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$EXTENSION_DIR"
export QTASKS_LSP_PYTHON="${QTASKS_LSP_PYTHON:-python3}"
STARTED=$SECONDS

step() { printf '\n== %s (%ss)\n' "$*" "$((SECONDS - STARTED))"; }

step "tools: apt packages, node 24, code-server"
bash scripts/install-tools.sh

step "npm dependencies"
# Install scripts are not needed (esbuild finds its binary without them) and
# some would try to download prebuilt binaries, so they are skipped.
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.ci-lock-hash 2>/dev/null)" = "$lock_hash" ]; then
  echo "node_modules up to date"
else
  npm ci --ignore-scripts --no-audit --no-fund
  echo "$lock_hash" >node_modules/.ci-lock-hash
fi

step "lint"
npm run --silent lint

step "package (bundles the server with pip)"
npm run --silent package

step "unit tests"
npm test

step "end-to-end test in code-server (python: $QTASKS_LSP_PYTHON)"
"$QTASKS_LSP_PYTHON" -c "import qtasks" || {
  echo "$QTASKS_LSP_PYTHON cannot import qtasks: install the project with pip install -e '.[test]'"
  exit 1
}
timeout --kill-after=30 900 npm run --silent test:e2e

step "done"
