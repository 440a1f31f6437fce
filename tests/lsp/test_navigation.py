"""Go to definition and find references, from task names to functions and send sites."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_support import open_file, position
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")


def _word(text: str, needle: str, length: int) -> types.Range:
    """The range of the first ``length`` characters of ``needle`` in ``text``."""
    return types.Range(start=position(text, needle), end=position(text, needle, length))


def _ident(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


@pytest.mark.parametrize(
    ("file", "needle", "shift"),
    [
        ("shop/checkout.py", '"orders.process"', 4),
        ("shop/app.py", 'name="orders.process"', 8),
    ],
)
async def test_definition_of_a_task_name_is_its_function_name(
    shop: LanguageClient, shop_root: Path, file: str, needle: str, shift: int
) -> None:
    """From ``"orders.process"`` the definition is ``process_order`` on its def line."""
    path = shop_root / file
    uri = open_file(shop, path)
    app = shop_root / "shop/app.py"

    result = await shop.text_document_definition_async(
        types.DefinitionParams(
            text_document=_ident(uri),
            position=position(path.read_text(), needle, shift),
        )
    )

    definition = _word(app.read_text(), "process_order(", 13)
    assert list(result or []) == [types.Location(uri=app.as_uri(), range=definition)]


async def test_definition_of_a_router_task_is_in_the_router_module(
    shop: LanguageClient, shop_root: Path
) -> None:
    """``task_name="billing.charge"`` leads to ``charge`` in shop/billing/tasks.py."""
    path = shop_root / "shop/app.py"
    uri = open_file(shop, path)
    tasks = shop_root / "shop/billing/tasks.py"

    result = await shop.text_document_definition_async(
        types.DefinitionParams(
            text_document=_ident(uri),
            position=position(path.read_text(), '"billing.charge"', 3),
        )
    )

    definition = _word(tasks.read_text(), "charge(order_id", 6)
    assert list(result or []) == [types.Location(uri=tasks.as_uri(), range=definition)]


async def test_no_definition_for_task_data(
    shop: LanguageClient, shop_root: Path
) -> None:
    """A string passed as data to a task has no definition."""
    path = shop_root / "shop/checkout.py"
    uri = open_file(shop, path)

    result = await shop.text_document_definition_async(
        types.DefinitionParams(
            text_document=_ident(uri),
            position=position(path.read_text(), '"Thanks for', 3),
        )
    )

    assert not result


@pytest.mark.parametrize("declaration", [False, True])
async def test_references_of_emails_send_are_its_send_sites(
    shop: LanguageClient, shop_root: Path, declaration: bool
) -> None:
    """References of ``emails.send``: the strings that send it, and its def if asked."""
    app = shop_root / "shop/app.py"
    text = app.read_text()
    uri = open_file(shop, app)

    result = await shop.text_document_references_async(
        types.ReferenceParams(
            text_document=_ident(uri),
            position=position(text, '"emails.send"', 2),
            context=types.ReferenceContext(include_declaration=declaration),
        )
    )

    site = types.Location(uri=app.as_uri(), range=_word(text, 'emails.send", to=', 11))
    expected = [site]
    if declaration:
        definition = _word(text, "send_email(to", 10)
        expected.insert(0, types.Location(uri=app.as_uri(), range=definition))
    assert list(result or []) == expected
