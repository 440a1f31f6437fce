"""Diagnostics, quick fixes, signature help and workspace symbols through the server.

VS Code's capabilities include pull diagnostics, Neovim's do not: the same
assertions run on what each client receives (asked for, or pushed).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_support import (
    PROJECTS,
    copy_example,
    diagnostics,
    initialize,
    open_file,
    position,
    replace_text,
    span,
    wait_for_state,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="function")

TYPO = 'app.add_task("emails.sned", "a@b.c", "hi")'
FIXED = 'app.add_task("emails.send", "a@b.c", "hi")'


@pytest.fixture
def shop_copy(tmp_path: Path) -> Path:
    """A copy of examples/shop whose checkout module sends one misspelled name."""
    root = copy_example("shop", tmp_path / "shop")
    sends = root / "shop" / "checkout.py"
    sends.write_text(sends.read_text() + f"\n\ndef typo() -> None:\n    {TYPO}\n")
    return root


async def open_inspected(
    client: LanguageClient, root: Path, spec: str
) -> tuple[Path, str, str]:
    """Start on the shop copy, wait for its inspection, open the checkout module."""
    await initialize(client, root, spec)
    await wait_for_state(client, "ready")
    path = root / "shop" / "checkout.py"
    return path, path.read_text(), open_file(client, path)


async def test_unknown_name_is_a_warning_with_suggestion(
    client: LanguageClient, shop_copy: Path, spec: str
) -> None:
    """After inspection, a misspelled name is a warning naming the app and the fix."""
    path, text, uri = await open_inspected(client, shop_copy, spec)

    found = await diagnostics(client, uri, spec, count=1)

    assert found[0].range == span(text, "emails.sned")
    assert found[0].severity == types.DiagnosticSeverity.Warning
    assert (found[0].code, found[0].source) == ("unknown-task", "qtasks")
    assert found[0].message == (
        "No task 'emails.sned' in app 'shop' (shop/app.py). Did you mean 'emails.send'?"
    )


async def test_quick_fix_gives_the_corrected_text(
    client: LanguageClient, shop_copy: Path, spec: str
) -> None:
    """Applying the preferred quick fix turns the misspelled call into the right one."""
    path, text, uri = await open_inspected(client, shop_copy, spec)
    found = await diagnostics(client, uri, spec, count=1)

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=found[0].range,
            context=types.CodeActionContext(diagnostics=found),
        )
    )

    assert actions is not None and [a.title for a in actions] == [
        "Replace with 'emails.send'"
    ]
    edit = actions[0].edit.changes[uri][0]
    lines = text.split("\n")
    line = lines[edit.range.start.line]
    fixed = (
        line[: edit.range.start.character]
        + edit.new_text
        + line[edit.range.end.character :]
    )
    assert fixed.strip() == FIXED


async def test_diagnostics_follow_the_buffer_while_typing(
    client: LanguageClient, shop_copy: Path, spec: str
) -> None:
    """Fixing the name in the buffer (unsaved) clears the diagnostic."""
    path, text, uri = await open_inspected(client, shop_copy, spec)
    await diagnostics(client, uri, spec, count=1)

    replace_text(client, uri, text.replace(TYPO, FIXED), version=2)

    assert await diagnostics(client, uri, spec, count=0) == []


async def test_source_only_catalogue_gives_information(
    client: LanguageClient, shop_copy: Path, spec: str
) -> None:
    """Untrusted (source only): the same finding, at information severity."""
    await initialize(client, shop_copy, spec, {"trusted": False})
    path = shop_copy / "shop" / "checkout.py"
    uri = open_file(client, path)

    found = await diagnostics(client, uri, spec, count=1)

    assert found[0].severity == types.DiagnosticSeverity.Information
    assert found[0].message.startswith("No task 'emails.sned' in app 'shop.app:app'")


async def test_bad_arguments_and_failed_import(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """A missing argument and an app that fails at import are reported where they are."""
    import shutil

    root = tmp_path / "dup"
    shutil.copytree(PROJECTS / "check_duplicate", root)
    (root / "send.py").write_text(
        'from tasks import app\n\napp.add_task("reports.build", 1)\n'
    )
    await initialize(client, root, spec)
    await wait_for_state(client, "error")
    tasks_uri = open_file(client, root / "tasks.py")
    send_uri = open_file(client, root / "send.py")

    in_tasks = await diagnostics(client, tasks_uri, spec, count=2)
    in_send = await diagnostics(client, send_uri, spec, count=1)

    assert [(d.code, d.severity, d.range.start.line) for d in in_tasks] == [
        ("app-import-failed", types.DiagnosticSeverity.Error, 10),
        ("duplicate-task", types.DiagnosticSeverity.Error, 10),
    ]
    assert in_send[0].code == "bad-arguments"
    assert in_send[0].message.endswith("too many positional arguments.")


async def test_signature_help_follows_the_cursor(
    client: LanguageClient, shop_copy: Path, spec: str
) -> None:
    """Inside add_task("billing.charge", 1, |) the active parameter is `amount`."""
    await initialize(client, shop_copy, spec)
    await wait_for_state(client, "ready")
    path = shop_copy / "shop" / "checkout.py"
    text = path.read_text() + '\n\napp.add_task("billing.charge", 1, \n'
    uri = open_file(client, path, text)
    at = position(text, 'app.add_task("billing.charge", 1, ', 34)

    result = await client.text_document_signature_help_async(
        types.SignatureHelpParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=at
        )
    )

    assert result is not None
    assert result.signatures[0].label == (
        "billing.charge(order_id: int, amount: float, currency: str = 'EUR', "
        "priority: int | None = None, timeout: float | None = None)"
    )
    assert result.active_parameter == 1


async def test_workspace_symbols_find_tasks(
    client: LanguageClient, shop_copy: Path, spec: str
) -> None:
    """Go to symbol in workspace finds tasks by part of their name."""
    await initialize(client, shop_copy, spec)
    await wait_for_state(client, "ready")

    found = await client.workspace_symbol_async(
        types.WorkspaceSymbolParams(query="BILL")
    )

    tasks_file = (shop_copy / "shop" / "billing" / "tasks.py").as_uri()
    assert [(s.name, s.location.uri, s.location.range.start.line) for s in found] == [
        ("billing.charge", tasks_file, 14)
    ]
