"""What the server knows follows the workspace: new apps, broken lines, buffers.

Each test starts its own server on a fresh folder and edits documents the way
an editor does (didOpen, didChange), asserting what hover, diagnostics and the
commands say afterwards.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from lsp_support import (
    PROJECTS,
    card,
    copy_example,
    diagnostics,
    hover,
    initialize,
    open_file,
    open_text,
    position,
    replace_text,
    status,
    wait_for_state,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

APP = (
    "from qtasks import QueueTasks\n\n"
    'app = QueueTasks(name="late")\n\n\n'
    '@app.task(name="late.job")\ndef job() -> None:\n    pass\n\n\n'
    'app.add_task("late.job")\n'
)


async def test_an_app_written_after_start_is_found(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """A folder with no app at start: typing one into a new buffer makes it the app."""
    root = tmp_path / "empty"
    root.mkdir()
    await initialize(client, root, spec, {"trusted": False})
    before = await status(client)
    path = root / "tasks.py"
    uri = path.as_uri()

    open_text(client, uri, "")
    replace_text(client, uri, APP, version=2)
    await asyncio.sleep(0.5)
    after = await status(client)
    value = card(await hover(client, uri, position(APP, '"late.job")\n', 3)))

    assert before["apps"] == []
    assert [app["spec"] for app in after["apps"]] == ["tasks:app"]
    assert value.startswith("**QTasks task** `late.job`")


async def test_a_line_being_typed_keeps_the_other_diagnostics(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """An unfinished call on one line does not hide a finding on a complete line."""
    root = copy_example("shop", tmp_path / "shop")
    await initialize(client, root, spec, {"trusted": False})
    path = root / "shop" / "checkout.py"
    text = path.read_text() + '\n\ndef typo() -> None:\n    app.add_task("pnig")\n'
    uri = open_file(client, path, text)
    await diagnostics(client, uri, spec, count=1)

    replace_text(client, uri, text + '    app.add_task(task_name="', version=2)
    found = await diagnostics(client, uri, spec, count=1)

    assert found[0].message.startswith("No task 'pnig' in app 'shop.app:app'")


async def test_untitled_buffers_get_diagnostics(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """A buffer that is not a file is checked against the workspace's app."""
    root = copy_example("shop", tmp_path / "shop")
    await initialize(client, root, spec, {"trusted": False})
    uri = "untitled:Untitled-1"
    text = 'from shop.app import app\napp.add_task("emails.sen")\n'

    open_text(client, uri, text)
    found = await diagnostics(client, uri, spec, count=1)

    assert found[0].range == types.Range(
        start=types.Position(line=1, character=14),
        end=types.Position(line=1, character=24),
    )
    assert "Did you mean 'emails.send'?" in found[0].message


async def test_hover_answers_for_the_app_the_call_is_made_on(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """Two apps: a name sent through one app is looked up in that app only."""
    root = tmp_path / "two"
    shutil.copytree(PROJECTS / "sends_per_app", root)
    await initialize(client, root, spec, {"trusted": False})
    path = root / "pkg" / "use.py"
    text = path.read_text()
    uri = open_file(client, path)

    known = card(await hover(client, uri, position(text, '"sync.only", 1', 3)))
    wrong = card(
        await hover(client, uri, position(text, '"jobs.run", "j")\n    await', 3))
    )

    assert known.startswith("**QTasks task** `sync.only`")
    assert "- app: pkg.other:sync_app\n" in known
    assert wrong.startswith(
        "**QTasks**: no such task `jobs.run` in app `pkg.other:sync_app`"
    )
    assert wrong.endswith("Defined in app `pkg.main:broker`.")


async def test_inspect_app_names_the_apps_when_the_argument_matches_none(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """An unknown app spec is answered with the list of the workspace's apps."""
    root = copy_example("shop", tmp_path / "shop")
    await initialize(client, root, spec, {"trusted": False})
    await wait_for_state(client, "untrusted")

    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="qtasks.server.inspectApp", arguments=["nope:x"]
        )
    )

    assert result["text"] == (
        "No QTasks app 'nope:x' in this workspace; its apps are: `shop.app:app`."
    )
    assert result["app"] is None


async def test_each_workspace_folder_answers_with_its_own_app(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """Two workspace folders (shop, worker): each document's names come from its app."""
    shop = copy_example("shop", tmp_path / "shop")
    worker = copy_example("worker", tmp_path / "worker")
    await initialize(client, shop, spec, {"trusted": False}, more_folders=[worker])
    checkout = shop / "shop" / "checkout.py"
    main = worker / "src" / "worker" / "main.py"
    shop_uri = open_file(client, checkout)
    worker_uri = open_file(client, main)

    in_shop = card(
        await hover(client, shop_uri, position(checkout.read_text(), '"ping"', 2))
    )
    in_worker = card(
        await hover(
            client, worker_uri, position(main.read_text(), '"feeds:refresh", "', 3)
        )
    )
    foreign = card(
        await hover(
            client,
            worker_uri,
            position(main.read_text(), '"media.transcode"', 3),
        )
    )

    assert "- app: shop.app:app\n" in in_shop
    assert "- app: worker.main:queue\n" in in_worker
    assert "- app: worker.main:queue\n" in foreign
    apps = {app["spec"] for app in (await status(client))["apps"]}
    assert apps == {"shop.app:app", "worker.main:queue"}


async def test_references_count_only_sends_to_the_task_s_app(
    client: LanguageClient, tmp_path: Path, spec: str
) -> None:
    """``s.add_task("jobs.run")`` goes to another app: not a reference of the task."""
    root = tmp_path / "two"
    shutil.copytree(PROJECTS / "sends_per_app", root)
    await initialize(client, root, spec, {"trusted": False})
    jobs = root / "pkg" / "jobs.py"
    uri = open_file(client, jobs)

    found = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position(jobs.read_text(), '"jobs.run"', 2),
            context=types.ReferenceContext(include_declaration=False),
        )
    )

    use = (root / "pkg" / "use.py").as_uri()
    assert [(r.uri, r.range.start.line) for r in found] == [(use, 15)]
