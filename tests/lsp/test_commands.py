"""The server's commands: Inspect App, Status and Refresh."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from lsp_support import SHOP_TASKS, status, wait_for_state
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def _run(client: LanguageClient, command: str, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments) or None)
    )


@pytest.mark.parametrize("argument", [None, "shop.app:app", "checkout"])
async def test_inspect_app_returns_the_summary_and_a_task_table(
    shop: LanguageClient, shop_root: Path, argument: str | None
) -> None:
    """Inspect App answers with QTasks' app summary and a Markdown task table."""
    if argument == "checkout":
        argument = (shop_root / "shop/checkout.py").as_uri()
    arguments = [] if argument is None else [argument]

    result = await _run(shop, "qtasks.server.inspectApp", *arguments)

    assert "\nTasks Count               : 8\n" in result["text"]
    assert result["markdown"].startswith("# QTasks app `shop.app:app`\n")
    assert "## Tasks (8)\n" in result["markdown"]
    assert (
        "| name | priority | tags | kind | generator | echo | defined at |\n"
        "|---|---|---|---|---|---|---|\n"
        "| emails.send | 5 | io, email | sync | no | no | shop/app.py:13 |\n"
    ) in result["markdown"]
    assert (
        "| billing.charge | 3 | payments | sync | no | no | shop/billing/tasks.py:15 |"
        in (result["markdown"])
    )
    assert result["app"]["Tasks Count"] == 8
    assert sorted(t["name"] for t in result["tasks"]) == sorted(SHOP_TASKS)


async def test_status_lists_the_discovered_app_as_ready(
    shop: LanguageClient, shop_root: Path
) -> None:
    """Status names the app, where it was found, and ``ready`` after inspection."""
    result = await status(shop)

    [app] = result["apps"]
    assert app["spec"] == "shop.app:app"
    assert app["root"] == str(shop_root.resolve())
    assert app["source"] == "discovered in shop/app.py:8"
    assert app["state"] == "ready"
    assert app["taskCount"] == 8
    assert app["lastError"] is None
    assert result["text"].startswith(
        "shop.app:app (discovered in shop/app.py:8): ready, 8 tasks; python "
    )


async def test_refresh_returns_null_and_inspects_again(shop: LanguageClient) -> None:
    """Refresh answers null at once, and a new inspection follows."""
    before = (await status(shop))["apps"][0]["lastInspection"]
    await asyncio.sleep(1.1)  # inspection stamps have a one-second resolution

    result = await _run(shop, "qtasks.server.refresh")
    for _ in range(100):
        after = (await status(shop))["apps"][0]
        if after["lastInspection"] != before and after["state"] == "ready":
            break
        await asyncio.sleep(0.1)

    assert result is None
    assert after["state"] == "ready"
    assert after["lastInspection"] > before
    await wait_for_state(shop, "ready")
