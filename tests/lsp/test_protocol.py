"""Protocol hygiene: encodings, line endings, URIs, odd documents, exit codes."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import psutil
import pytest
from lsp_support import (
    PROJECTS,
    SERVER,
    card,
    close,
    copy_example,
    hover,
    initialize,
    open_file,
    open_text,
    position,
    wait_for_state,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

OFF = {"inspection": {"enabled": False}}
LINE = 'x = "😀 Жук 中文"; app.add_task("emails.send")'


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
async def test_positions_count_code_units_of_the_negotiated_encoding(
    client: LanguageClient, tmp_path: Path, spec: str, encoding: str
) -> None:
    """Emoji, Cyrillic and CJK before a name: columns count UTF-16 or UTF-8 units."""
    root = copy_example("shop", tmp_path / "shop")
    result = await initialize(client, root, spec, OFF, encodings=[encoding])
    text = f"from shop.app import app\n{LINE}\n"
    uri = open_file(client, root / "shop" / "wide.py", text)
    before = LINE[: LINE.index("emails.send")]
    start = _units(before, encoding)
    at = types.Position(line=1, character=start + 3)

    found = await hover(client, uri, at)

    assert (result.capabilities.position_encoding or "utf-16") == encoding
    assert card(found).startswith("**QTasks task** `emails.send`")
    assert found.range == types.Range(
        start=types.Position(line=1, character=start),
        end=types.Position(line=1, character=start + len("emails.send")),
    )


async def test_crlf_file_hover_and_completion(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """A file with CRLF line ends gets the same cards and edit ranges as an LF file."""
    root = copy_example("shop", tmp_path / "shop")
    await initialize(client, root, spec, OFF)
    text = (
        'from shop.app import app\r\n\r\napp.add_task("orders.process")\r\n'
        'app.add_task("or")\r\n'
    )
    path = root / "shop" / "crlf.py"
    path.write_bytes(text.encode())
    uri = open_file(client, path, text)

    found = await hover(client, uri, types.Position(line=2, character=16))
    items = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=3, character=16),
        )
    )

    assert card(found).startswith("**QTasks task** `orders.process`")
    assert found.range == types.Range(
        start=types.Position(line=2, character=14),
        end=types.Position(line=2, character=28),
    )
    edit = items.items[0].text_edit
    assert edit.range == types.Range(
        start=types.Position(line=3, character=14),
        end=types.Position(line=3, character=16),
    )


async def test_untitled_document_gets_cards_and_completion(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """An ``untitled:`` buffer is answered from the workspace's app."""
    root = copy_example("shop", tmp_path / "shop")
    await initialize(client, root, spec, OFF)
    uri = "untitled:Untitled-1"
    text = (
        'from shop.app import app\napp.add_task(task_name="billing.charge")\n'
        'app.add_task("")\napp.add_task("emails.send")\n'
    )
    open_text(client, uri, text)

    found = await hover(client, uri, position(text, "billing.charge", 2))
    positional = await hover(client, uri, position(text, "emails.send", 2))
    items = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=2, character=14),
        )
    )

    assert card(found).startswith("**QTasks task** `billing.charge`")
    assert card(positional).startswith("**QTasks task** `emails.send`")
    assert len(items.items) == 8


async def test_percent_encoded_folder_uri(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """A folder with a space and non-ASCII letters: URIs decode and encode back."""
    root = copy_example("shop", tmp_path / "my shöp ñ")
    await initialize(client, root, spec, OFF)
    path = root / "shop" / "checkout.py"
    uri = open_file(client, path)
    app = root / "shop" / "app.py"

    value = card(
        await hover(client, uri, position(path.read_text(), '"orders.process"', 3))
    )
    found = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position(path.read_text(), '"orders.process"', 3),
        )
    )

    assert "%20" in uri
    assert f"- defined at: [shop/app.py:19]({app.as_uri()}#L19)" in value
    assert [loc.uri for loc in found] == [app.as_uri()]


async def test_close_of_a_never_opened_document_is_harmless(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """didClose for a document never opened does not break the next request."""
    root = copy_example("shop", tmp_path / "shop")
    await initialize(client, root, spec, OFF)
    path = root / "shop" / "checkout.py"
    close(client, path.as_uri())
    close(client, (root / "nowhere.py").as_uri())
    close(client, "untitled:Untitled-9")

    value = card(
        await hover(client, path.as_uri(), position(path.read_text(), '"ping"', 2))
    )

    assert value.startswith("**QTasks task** `ping`")


async def test_hover_on_closed_and_missing_files(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """A closed file is read from disk; a missing file gets null, not an error."""
    root = copy_example("shop", tmp_path / "shop")
    await initialize(client, root, spec, OFF)
    path = root / "shop" / "checkout.py"
    uri = open_file(client, path)
    close(client, uri)

    on_disk = await hover(client, uri, position(path.read_text(), '"reports:daily"', 2))
    missing = await hover(
        client,
        (root / "shop" / "gone.py").as_uri(),
        types.Position(line=0, character=0),
    )

    assert card(on_disk).startswith("**QTasks task** `reports:daily`")
    assert missing is None


async def _start_with_agent(
    tmp_path: Path, spec: str
) -> tuple[LanguageClient, list[int]]:
    """A server on a project whose import hangs, with its agent running."""
    root = tmp_path / "lsp_hang"
    shutil.copytree(
        PROJECTS / "lsp_hang", root, ignore=shutil.ignore_patterns("__pycache__")
    )
    client = await SERVER.start()
    await initialize(client, root, spec, {"inspection": {"timeout": 60}})
    await wait_for_state(client, "inspecting")
    server = psutil.Process(client._server.pid)
    for _ in range(50):
        children = server.children(recursive=True)
        if children:
            return client, [p.pid for p in children]
        await asyncio.sleep(0.1)
    raise AssertionError("the inspection agent never started")


def _gone(pids: list[int]) -> bool:
    procs = []
    for pid in pids:
        try:
            procs.append(psutil.Process(pid))
        except psutil.NoSuchProcess:
            continue
    _gone_procs, alive = psutil.wait_procs(procs, timeout=5)
    return not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]


async def test_shutdown_then_exit_ends_with_status_0_and_kills_the_agent(
    tmp_path: Path, spec: str
) -> None:
    """shutdown, exit: the process exits with 0 and no agent outlives it."""
    client, agents = await _start_with_agent(tmp_path, spec)

    await client.shutdown_async(None)
    client.exit(None)
    code = await asyncio.wait_for(client._server.wait(), 10)
    await client.stop()

    assert code == 0
    assert _gone(agents)


async def test_exit_without_shutdown_ends_with_status_1_and_kills_the_agent(
    tmp_path: Path, spec: str
) -> None:
    """exit without shutdown: the process exits with 1 and no agent outlives it."""
    client, agents = await _start_with_agent(tmp_path, spec)

    client.exit(None)
    code = await asyncio.wait_for(client._server.wait(), 10)
    await client.stop()

    assert code == 1
    assert _gone(agents)


async def test_closed_stdin_ends_the_server_and_kills_the_agent(
    tmp_path: Path, spec: str
) -> None:
    """When the client closes stdin, the server ends and no agent is left."""
    client, agents = await _start_with_agent(tmp_path, spec)

    client._server.stdin.close()
    await asyncio.wait_for(client._server.wait(), 10)
    await client.stop()

    assert _gone(agents)
