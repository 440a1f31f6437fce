"""Fixtures of the end-to-end tests: a real qtasks-lsp over stdio.

Every test runs under the capabilities of VS Code and of Neovim. The
``shop`` fixture is one server per module on a copy of ``examples/shop``
that tests do not edit on disk; tests that change files start their own
server with ``client``. The helpers the tests call are in ``lsp_support``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsp_support import CLIENTS, SERVER, copy_example, initialize, wait_for_state
from pytest_lsp import LanguageClient


@pytest.fixture(scope="module")
def shop_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of examples/shop shared by one module's read-only tests."""
    return copy_example("shop", tmp_path_factory.mktemp("ro") / "shop")


@pytest.fixture(scope="module", params=CLIENTS, autouse=True)
def spec(request: pytest.FixtureRequest) -> str:
    """The client whose capabilities the server sees."""
    return request.param


@pytest_lsp.fixture(config=SERVER, scope="module")
async def shop(lsp_client: LanguageClient, shop_root: Path, spec: str):
    """A server on the shop copy, inspected, under one client's capabilities."""
    await initialize(lsp_client, shop_root, spec)
    await wait_for_state(lsp_client, "ready")
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    """A server of its own, not initialized yet: the test says how."""
    yield
    await lsp_client.shutdown_session()
