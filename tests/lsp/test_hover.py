"""Hover cards on task names: send sites, decorators, function names, and non-names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lsp_support import card, hover, open_file, position, replace_text, span
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

INSPECTED = re.compile(r"^- data: inspected at \d\d:\d\d:\d\d$", re.MULTILINE)

# (file, needle, characters into the needle, task, priority, tags, where it is defined)
NAMED = [
    (
        "shop/checkout.py",
        '"orders.process"',
        3,
        "orders.process",
        "0",
        None,
        "shop/app.py:19",
    ),
    (
        "shop/checkout.py",
        '"photos.thumbnails"',
        1,
        "photos.thumbnails",
        "0",
        None,
        "shop/app.py:30",
    ),
    (
        "shop/app.py",
        'task_name="emails.send"',
        12,
        "emails.send",
        "5",
        "io, email",
        "shop/app.py:13",
    ),
    (
        "shop/billing/tasks.py",
        '"billing.charge"',
        8,
        "billing.charge",
        "3",
        "payments",
        "shop/billing/tasks.py:15",
    ),
    (
        "shop/checkout.py",
        "send_email.add_task(",
        4,
        "emails.send",
        "5",
        "io, email",
        "shop/app.py:13",
    ),
    (
        "shop/app.py",
        "def send_email",
        6,
        "emails.send",
        "5",
        "io, email",
        "shop/app.py:13",
    ),
    (
        "shop/checkout.py",
        '"reports:daily"',
        9,
        "reports:daily",
        "1",
        None,
        "shop/maintenance.py:12",
    ),
]


@pytest.mark.parametrize(
    ("file", "needle", "shift", "name", "priority", "tags", "where"), NAMED
)
async def test_hover_card_names_task_priority_tags_place_and_app(
    shop: LanguageClient,
    shop_root: Path,
    file: str,
    needle: str,
    shift: int,
    name: str,
    priority: str,
    tags: str | None,
    where: str,
) -> None:
    """A task name (string or function name) gets the task's full, inspected card."""
    path = shop_root / file
    uri = open_file(shop, path)
    value = card(await hover(shop, uri, position(path.read_text(), needle, shift)))

    defined_in, _, line = where.partition(":")
    target = f"{(shop_root / defined_in).as_uri()}#L{line}"
    assert value.startswith(f"**QTasks task** `{name}`")
    assert f"\n- priority: {priority}\n" in value
    if tags is None:
        assert "- tags:" not in value
    else:
        assert f"\n- tags: {tags}\n" in value
    assert f"\n- defined at: [{where}]({target})\n" in value
    assert "\n- app: shop.app:app\n" in value
    assert INSPECTED.search(value)


async def test_hover_range_is_the_string_content(
    shop: LanguageClient, shop_root: Path
) -> None:
    """The hover range of a send site covers the task name without its quotes."""
    path = shop_root / "shop/checkout.py"
    text = path.read_text()
    uri = open_file(shop, path)

    result = await hover(shop, uri, position(text, '"orders.process"', 5))

    assert result is not None
    assert result.range == span(text, "orders.process")


async def test_hover_range_of_a_function_name_is_the_name(
    shop: LanguageClient, shop_root: Path
) -> None:
    """On ``send_email.add_task`` the range is the function name."""
    path = shop_root / "shop/checkout.py"
    text = path.read_text()
    uri = open_file(shop, path)

    result = await hover(shop, uri, position(text, "send_email.add_task", 2))

    assert result is not None
    start = position(text, "send_email.add_task")
    assert result.range == types.Range(
        start=start, end=types.Position(line=start.line, character=start.character + 10)
    )


# (file, needle, characters into the needle) of strings that name no task
NOT_NAMES = [
    ("shop/checkout.py", '"Thanks for your order"', 4),
    ("shop/checkout.py", 'f"orders/{order_id}"', 4),
    ("shop/checkout.py", '"USD"', 1),
    ("shop/app.py", "# noqa: F401", 3),
    ("shop/app.py", '"redis://localhost', 3),
    ("shop/app.py", 'f"sent {subject!r}', 3),
]


@pytest.mark.parametrize(("file", "needle", "shift"), NOT_NAMES)
async def test_no_hover_on_strings_that_are_not_task_names(
    shop: LanguageClient, shop_root: Path, file: str, needle: str, shift: int
) -> None:
    """Data passed to a task, comments, f-strings and other strings get no card."""
    path = shop_root / file
    uri = open_file(shop, path)

    assert await hover(shop, uri, position(path.read_text(), needle, shift)) is None


SCRATCH = {
    "bytes": 'from shop.app import app\napp.add_task(b"emails.send")\n',
    "f-string": 'from shop.app import app\nn = "x"\napp.add_task(f"emails.{n}")\n',
    "comment": 'from shop.app import app\n# app.add_task("emails.send")\n',
    "data": 'from shop.app import send_email\nsend_email.add_task("emails.send")\n',
}


@pytest.mark.parametrize("case", sorted(SCRATCH))
async def test_no_hover_in_an_open_buffer_for_non_names(
    shop: LanguageClient, shop_root: Path, case: str
) -> None:
    """Bytes, f-strings with placeholders, comments and task data are not names."""
    path = shop_root / "shop" / f"scratch_{case.replace('-', '_')}.py"
    text = SCRATCH[case]
    uri = open_file(shop, path, text)

    assert await hover(shop, uri, position(text, "emails.", 2)) is None


async def test_unknown_task_name_gets_a_no_such_task_card(
    shop: LanguageClient, shop_root: Path
) -> None:
    """A misspelt name, typed into a buffer, gets the short "no such task" card."""
    path = shop_root / "shop" / "scratch_typo.py"
    uri = open_file(shop, path, "from shop.app import app\n")
    text = 'from shop.app import app\napp.add_task("emails.sned")\n'
    replace_text(shop, uri, text, version=2)

    value = card(await hover(shop, uri, position(text, "emails.sned", 3)))

    assert value.startswith(
        "**QTasks**: no such task `emails.sned` in app `shop.app:app` (shop/app.py)"
    )
    assert INSPECTED.search(value)
