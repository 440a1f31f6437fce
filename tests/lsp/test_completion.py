"""Completion of task names: what was typed -> what is offered, and what it replaces."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_support import SHOP_TASKS, close, open_text
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

HEAD = "from shop.app import app, send_email\n"

# (case, document with | at the cursor, string content the edit replaces)
OFFERED = [
    ("empty string", 'app.add_task("|")\n', ""),
    (
        "cursor inside a dotted name",
        'app.add_task("bill|ing.charge", 1)\n',
        "billing.charge",
    ),
    ("name with a colon", 'app.add_task("reports:d|")\n', "reports:d"),
    ("unterminated at end of file", 'app.add_task("em|', "em"),
    ("unterminated mid-file", 'app.add_task("em|\nx = 1\n', "em"),
    ("missing parenthesis", 'app.add_task("em|"\nx = 1\n', "em"),
    ("call over several lines", 'app.add_task(\n    "em|",\n    1,\n)\n', "em"),
    ("task_name keyword", 'app.add_task(task_name="|")\n', ""),
    (
        "task_name after arguments",
        'app.add_task(1, 2, task_name="or|ders")\n',
        "orders",
    ),
    (
        "self.add_task in a task",
        '@app.task(echo=True)\ndef t(self):\n    self.add_task(task_name="|")\n',
        "",
    ),
    (
        "timer.add_task",
        (
            "from qtasks.timer import SyncTimer\ntimer = SyncTimer(app=app)\n"
            'timer.add_task(5, task_name="|")\n'
        ),
        "",
    ),
    ("single quotes", "app.add_task('pi|')\n", "pi"),
]

# (case, document with | at the cursor)
NOT_OFFERED = [
    ("unrelated string", 'x = "|"\n'),
    ("other call", 'print("|")\n'),
    ("second positional argument", 'app.add_task("ping", "|")\n'),
    ("comment", '# app.add_task("|")\n'),
    ("f-string with placeholder", 'x = 1\napp.add_task(f"{x}|")\n'),
    ("byte string", 'app.add_task(b"|")\n'),
    ("task data", 'send_email.add_task("|")\n'),
    ("other keyword", 'app.add_task("ping", subject="|")\n'),
]


def _cursor(source: str) -> tuple[str, types.Position, int]:
    offset = source.index("|")
    text = source[:offset] + source[offset + 1 :]
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return text, types.Position(line=line, character=column), offset


def _point(text: str, offset: int) -> types.Position:
    line = text.count("\n", 0, offset)
    return types.Position(
        line=line, character=offset - (text.rfind("\n", 0, offset) + 1)
    )


async def _complete(
    client: LanguageClient, root: Path, case: str, source: str
) -> tuple[str, int, types.CompletionList | list[types.CompletionItem] | None]:
    text, at, offset = _cursor(HEAD + source)
    uri = (root / "shop" / f"typing_{abs(hash(case))}.py").as_uri()
    open_text(client, uri, text)
    try:
        result = await client.text_document_completion_async(
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=at
            )
        )
    finally:
        close(client, uri)
    return text, offset, result


@pytest.mark.parametrize(
    ("case", "source", "replaced"), OFFERED, ids=[c[0] for c in OFFERED]
)
async def test_completion_offers_every_task_and_replaces_the_whole_string(
    shop: LanguageClient, shop_root: Path, case: str, source: str, replaced: str
) -> None:
    """In a task-name string all 8 names are offered; the edit covers the content."""
    text, offset, result = await _complete(shop, shop_root, case, source)

    assert isinstance(result, types.CompletionList)
    start = next(
        s
        for s in range(offset - len(replaced), offset + 1)
        if text[s : s + len(replaced)] == replaced
    )
    expected = types.Range(
        start=_point(text, start), end=_point(text, start + len(replaced))
    )
    assert {item.label for item in result.items} == SHOP_TASKS
    assert len(result.items) == len(SHOP_TASKS)
    for item in result.items:
        assert isinstance(item.text_edit, types.TextEdit)
        assert item.text_edit.new_text == item.label
        assert item.text_edit.range == expected


@pytest.mark.parametrize(
    "source", ["app.add_task(|)\n", "app.add_task(|", "app.add_task( |, 1)\n"]
)
async def test_completion_at_an_empty_first_argument_inserts_quotes(
    shop: LanguageClient, shop_root: Path, source: str
) -> None:
    """At ``app.add_task(`` each item inserts ``"name"``, quotes included."""
    text, offset, result = await _complete(shop, shop_root, source, source)

    assert isinstance(result, types.CompletionList)
    assert {item.label for item in result.items} == SHOP_TASKS
    at = _point(text, offset)
    for item in result.items:
        assert isinstance(item.text_edit, types.TextEdit)
        assert item.text_edit.new_text == f'"{item.label}"'
        assert item.text_edit.range == types.Range(start=at, end=at)


@pytest.mark.parametrize(
    ("case", "source"), NOT_OFFERED, ids=[c[0] for c in NOT_OFFERED]
)
async def test_no_completion_outside_task_name_strings(
    shop: LanguageClient, shop_root: Path, case: str, source: str
) -> None:
    """Strings that are not task names, comments, f-strings and bytes offer nothing."""
    _text, _offset, result = await _complete(shop, shop_root, case, source)

    items = result.items if isinstance(result, types.CompletionList) else result
    assert not items


async def test_completion_item_carries_priority_and_place(
    shop: LanguageClient, shop_root: Path
) -> None:
    """Each item's detail names its priority, kind and definition place."""
    _text, _offset, result = await _complete(
        shop, shop_root, "detail", 'app.add_task("|")\n'
    )

    assert isinstance(result, types.CompletionList)
    details = {item.label: item.detail for item in result.items}
    assert details["emails.send"] == "priority 5 · sync · shop/app.py:13"
    assert details["reports:daily"] == "priority 1 · sync · shop/maintenance.py:12"
