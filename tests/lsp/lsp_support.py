"""Helpers of the end-to-end tests: start, drive and read a real qtasks-lsp.

Initialization with a client's capability set, document sync, positions in
ASCII test files, hover requests and the status command. The fixtures that
use them are in ``conftest.py``.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
PROJECTS = REPO / "tests" / "projects"
CLIENTS = ["visual-studio-code", "neovim"]
SHOP_TASKS = {
    "billing.charge",
    "cleanup_carts",
    "emails.send",
    "orders.process",
    "photos.thumbnails",
    "ping",
    "refund",
    "reports:daily",
}
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "qtasks_lsp"])


def copy_example(name: str, target: Path) -> Path:
    """A fresh copy of an example project, without caches."""
    shutil.copytree(
        EXAMPLES / name, target, ignore=shutil.ignore_patterns("__pycache__")
    )
    return target


async def initialize(
    client: LanguageClient,
    root: Path,
    spec: str,
    options: dict[str, Any] | None = None,
    encodings: list[str] | None = None,
    more_folders: list[Path] | None = None,
) -> types.InitializeResult:
    """Initialize the server on one workspace folder with a client's capabilities.

    Like a real editor, the client accepts the server's dynamic registrations
    and keeps them in ``registrations``.
    """
    registered: list[types.Registration] = []
    client.registrations = registered  # type: ignore[attr-defined]

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def accept(params: types.RegistrationParams) -> None:
        registered.extend(params.registrations)

    capabilities = client_capabilities(spec)
    if encodings is not None:
        capabilities.general = types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind(e) for e in encodings]
        )
    settings = {"editorPython": sys.executable}
    settings.update(options or {})
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=root.as_uri(),
            workspace_folders=[
                types.WorkspaceFolder(uri=folder.as_uri(), name=folder.name)
                for folder in [root, *(more_folders or [])]
            ],
            initialization_options=settings,
        )
    )


async def status(client: LanguageClient) -> dict[str, Any]:
    """The result of the ``qtasks.server.status`` command."""
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="qtasks.server.status")
    )


async def wait_for_state(
    client: LanguageClient, wanted: str, timeout: float = 30
) -> dict[str, Any]:
    """Poll the status command until every app is in the ``wanted`` state."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await status(client)
        states = {app["state"] for app in result["apps"]}
        if states == {wanted}:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"apps never became {wanted}: {result['text']}")
        await asyncio.sleep(0.1)


def open_file(client: LanguageClient, path: Path, text: str | None = None) -> str:
    """Send didOpen for a file (its text on disk unless given); return its URI."""
    uri = path.as_uri()
    open_text(client, uri, path.read_text(encoding="utf-8") if text is None else text)
    return uri


def open_text(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    """Send didOpen for any URI with the given text."""
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=version, text=text
            )
        )
    )


def replace_text(client: LanguageClient, uri: str, text: str, version: int) -> None:
    """Send didChange that replaces the whole document."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=uri, version=version
            ),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def close(client: LanguageClient, uri: str) -> None:
    """Send didClose for a URI."""
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)
        )
    )


def position(text: str, needle: str, shift: int = 0) -> types.Position:
    """The position of the first ``needle`` in ``text`` plus ``shift`` characters.

    Only for ASCII lines: columns are counted in code points.
    """
    offset = text.index(needle) + shift
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return types.Position(line=line, character=column)


async def hover(
    client: LanguageClient, uri: str, at: types.Position
) -> types.Hover | None:
    """A hover request."""
    return await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=at
        )
    )


def card(result: types.Hover | None) -> str:
    """The text of a hover card (fails when there is none)."""
    assert result is not None, "expected a hover card"
    assert isinstance(result.contents, types.MarkupContent)
    return result.contents.value


def span(text: str, needle: str) -> types.Range:
    """The range of the first ``needle`` in ``text`` (ASCII lines only)."""
    start = position(text, needle)
    end = position(text, needle, len(needle))
    return types.Range(start=start, end=end)


def _pulls(spec: str) -> bool:
    caps = client_capabilities(spec)
    return bool(caps.text_document and caps.text_document.diagnostic)


async def diagnostics(
    client: LanguageClient, uri: str, spec: str, count: int | None = None
) -> list[types.Diagnostic]:
    """The client's diagnostics for a document, asked for or waited for."""
    deadline = asyncio.get_running_loop().time() + 20
    while True:
        if _pulls(spec):
            report = await client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(
                    text_document=types.TextDocumentIdentifier(uri=uri)
                )
            )
            items = list(report.items)
        else:
            items = list(client.diagnostics.get(uri, []))
        if count is None or len(items) == count:
            return items
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"expected {count} diagnostics, got {items}")
        await asyncio.sleep(0.1)
