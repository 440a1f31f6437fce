"""Where the data comes from: source first, inspection later, untrusted, hanging."""

from __future__ import annotations

import asyncio
from pathlib import Path

import psutil
from lsp_support import (
    PROJECTS,
    card,
    copy_example,
    hover,
    initialize,
    open_file,
    position,
    status,
    wait_for_state,
)
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities


def agents(client: LanguageClient) -> list[psutil.Process]:
    """The live child processes of the server."""
    server = psutil.Process(client._server.pid)
    return [p for p in server.children(recursive=True) if p.is_running()]


async def test_hover_before_first_inspection_reads_from_source(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """A hover right after ``initialized`` is answered from source, later inspected."""
    root = copy_example("shop", tmp_path / "shop")
    await initialize(client, root, spec)
    path = root / "shop/checkout.py"
    uri = open_file(client, path)
    at = position(path.read_text(), '"orders.process"', 2)

    early = card(await hover(client, uri, at))
    await wait_for_state(client, "ready")
    late = card(await hover(client, uri, at))

    assert early.endswith("\n- data: read from source")
    assert "\n- data: inspected at " in late


async def test_ready_status_notification_follows_the_inspection(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """A ``qtasks/status`` notification with state ``ready`` follows the inspection."""
    root = copy_example("shop", tmp_path / "shop")
    await initialize(client, root, spec)

    async def ready() -> dict:
        while True:
            params = await client.wait_for_notification("qtasks/status")
            apps = params["apps"] if isinstance(params, dict) else params.apps
            if apps and all(
                (a["state"] if isinstance(a, dict) else a.state) == "ready"
                for a in apps
            ):
                return params

    await asyncio.wait_for(ready(), 30)


async def test_worker_example_aliased_async_app_named_queue(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """src layout, ``QueueTasks as AsyncQueue``: ``"feeds:refresh"`` has a card."""
    root = copy_example("worker", tmp_path / "worker")
    await initialize(client, root, spec)
    await wait_for_state(client, "ready")
    path = root / "src/worker/main.py"
    uri = open_file(client, path)

    value = card(
        await hover(client, uri, position(path.read_text(), '"feeds:refresh"', 3))
    )

    assert value.startswith("**QTasks task** `feeds:refresh`")
    assert "\n- kind: async\n" in value
    assert "\n- retry: 5\n" in value
    target = path.as_uri()
    assert f"\n- defined at: [src/worker/main.py:12]({target}#L12)\n" in value
    assert "\n- app: worker.main:queue\n" in value
    assert "\n- data: inspected at " in value


async def test_untrusted_workspace_runs_no_project_code(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """``trusted: false``: hover reads from source, state untrusted, no agent starts."""
    root = copy_example("shop", tmp_path / "shop")
    await initialize(client, root, spec, {"trusted": False})
    path = root / "shop/checkout.py"
    uri = open_file(client, path)
    seen: set[int] = set()

    for _ in range(10):
        seen.update(p.pid for p in agents(client))
        await asyncio.sleep(0.1)
    value = card(
        await hover(client, uri, position(path.read_text(), '"orders.process"', 2))
    )
    result = await status(client)

    assert value.endswith(
        "\n- data: read from source (untrusted workspace: no project code runs)"
    )
    assert [a["state"] for a in result["apps"]] == ["untrusted"]
    assert seen == set()


async def test_hanging_import_times_out_and_hover_still_answers(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """Import hangs: source answers at once, the timeout is shown, state ``error``."""
    root = tmp_path / "lsp_hang"
    root.mkdir()
    for name in ("app.py", "pyproject.toml"):
        (root / name).write_text((PROJECTS / "lsp_hang" / name).read_text())
    await initialize(client, root, spec, {"inspection": {"timeout": 2}})
    path = root / "app.py"
    uri = open_file(client, path)
    at = position(path.read_text(), '"naps.take"', 2)

    await asyncio.sleep(0.8)
    started = asyncio.get_running_loop().time()
    value = card(await hover(client, uri, at))
    elapsed = asyncio.get_running_loop().time() - started
    result = await wait_for_state(client, "error", timeout=20)

    assert elapsed < 1
    assert "\n- priority: 7\n" in value
    assert "\n- data: read from source" in value
    [shown] = [m for m in client.messages if "did not finish" in m.message]
    assert shown.type == types.MessageType.Warning
    assert "`app:app` did not finish within 2 s and was stopped" in shown.message
    assert "`inspection.timeout`" in shown.message
    assert result["apps"][0]["lastError"]["kind"] == "timeout"
    assert agents(client) == []


async def test_file_changed_outside_the_editor_is_inspected_again(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """A watched-file change to a module the app imported refreshes the catalogue."""
    root = copy_example("shop", tmp_path / "shop")
    await initialize(client, root, spec)
    await wait_for_state(client, "ready")
    caps = client_capabilities(spec).workspace
    if (
        caps
        and caps.did_change_watched_files
        and caps.did_change_watched_files.dynamic_registration
    ):
        watchers = client.registrations[0].register_options["watchers"]
        globs = [w["globPattern"] for w in watchers]
        assert globs[:2] == ["**/*.py", "**/pyproject.toml"]
    app_file = root / "shop" / "app.py"
    app_file.write_text(
        app_file.read_text()
        + '\n\n@app.task(name="stock.sync", priority=7)\ndef sync_stock() -> None:\n'
        "    pass\n"
    )

    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(
                    uri=app_file.as_uri(), type=types.FileChangeType.Changed
                )
            ]
        )
    )

    deadline = asyncio.get_running_loop().time() + 30
    while True:
        result = await status(client)
        app = result["apps"][0]
        if app["state"] == "ready" and app["taskCount"] == 9:
            break
        assert asyncio.get_running_loop().time() < deadline, result["text"]
        await asyncio.sleep(0.1)
    sends = root / "shop" / "checkout.py"
    text = sends.read_text() + '\napp.add_task("stock.sync")\n'
    uri = open_file(client, sends, text)
    value = card(await hover(client, uri, position(text, '"stock.sync"', 2)))
    assert "\n- priority: 7\n" in value
    assert "inspected at" in value
