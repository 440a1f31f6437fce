"""``qtasks-lsp check``: every rule, its exact place and message, and the exit status.

The command runs for real, in a subprocess, on sample projects under
``tests/projects``, with the real qtasks package.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
PROJECTS = REPO / "tests" / "projects"
CREATE = "create(customer: str, amount: float, *, note: str = '') -> None"
CREATE_SOURCE = "create(customer: str, amount: float, *, note: str='')"


def check(root: Path, *flags: str) -> tuple[int, dict[str, Any], str]:
    """Run the check with --json; return the exit status, the findings and stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "qtasks_lsp", "check", str(root), "--json", *flags],
        capture_output=True,
        text=True,
        timeout=60,
    )
    data = json.loads(done.stdout) if done.stdout.strip() else {}
    return done.returncode, data, done.stderr


def brief(findings: list[dict[str, Any]]) -> list[tuple[str, int, int, int, str, str]]:
    """The findings as (path, line, column, end column, severity, code) rows."""
    return [
        (f["path"], f["line"], f["column"], f["end_column"], f["severity"], f["code"])
        for f in findings
    ]


def test_each_rule_is_reported_at_its_exact_place() -> None:
    """Unknown names and bad arguments are found where they are, with nothing extra."""
    status, data, _ = check(PROJECTS / "check_errors")

    assert status == 1
    assert brief(data["findings"]) == [
        ("orders/app.py", 13, 40, 53, "warning", "bad-arguments"),
        ("orders/send.py", 5, 19, 32, "warning", "unknown-task"),
        ("orders/send.py", 6, 19, 32, "warning", "bad-arguments"),
        ("orders/send.py", 7, 47, 48, "warning", "bad-arguments"),
        ("orders/send.py", 8, 47, 53, "warning", "bad-arguments"),
        ("orders/send.py", 11, 38, 39, "warning", "bad-arguments"),
        ("orders/send.py", 14, 5, 20, "warning", "bad-arguments"),
        ("orders/send.py", 16, 33, 40, "warning", "bad-arguments"),
    ]


def test_messages_name_the_app_and_the_closest_names() -> None:
    """The unknown-name message names the app, where it lives, and the suggestions."""
    _, data, _ = check(PROJECTS / "check_errors")
    messages = [f["message"] for f in data["findings"]]

    assert messages[1] == (
        "No task 'orders.craete' in app 'orders' (orders/app.py). "
        "Did you mean 'orders.create' or 'orders.notify'?"
    )
    assert messages[2] == (
        f"Arguments do not fit task 'orders.create' {CREATE}: "
        "missing a required argument: 'amount'."
    )
    assert messages[3].endswith("too many positional arguments.")
    assert messages[4].endswith("got an unexpected keyword argument 'colour'.")


def test_source_only_check_lowers_unknown_names_to_info() -> None:
    """--no-inspect runs no code: unknown names are info, bad arguments still warn."""
    status, data, stderr = check(PROJECTS / "check_errors", "--no-inspect")

    assert status == 1
    rows = brief(data["findings"])
    assert rows[1] == ("orders/send.py", 5, 19, 32, "info", "unknown-task")
    assert [r[5] for r in rows].count("bad-arguments") == 7
    assert data["findings"][2]["message"] == (
        f"Arguments do not fit task 'orders.create' {CREATE_SOURCE}: "
        "missing a required argument: 'amount'."
    )


def test_duplicate_task_and_failed_import_are_errors(tmp_path: Path) -> None:
    """A name registered twice is reported on the second definition, and the import fails there."""
    status, data, stderr = check(PROJECTS / "check_duplicate")

    assert status == 1
    assert brief(data["findings"]) == [
        ("tasks.py", 11, 1, 10001, "error", "app-import-failed"),
        ("tasks.py", 11, 17, 30, "error", "duplicate-task"),
    ]
    assert data["findings"][1]["message"] == (
        "Task 'reports.build' is already defined in app 'tasks:app' (tasks.py) at "
        "tasks.py:7; QTasks refuses to register a name twice."
    )
    assert "Task with name reports.build is already registered" in stderr


@pytest.mark.parametrize("example", ["shop", "worker"])
def test_examples_are_clean(example: str) -> None:
    """No diagnostic is ever reported on the correct calls of the examples."""
    status, data, stderr = check(REPO / "examples" / example)

    assert (status, data["findings"], stderr) == (0, [], "")


def test_text_output_is_one_line_per_finding() -> None:
    """Without --json each finding is a path:line:col: severity[code] message line."""
    done = subprocess.run(
        [sys.executable, "-m", "qtasks_lsp", "check", str(PROJECTS / "check_errors")],
        capture_output=True,
        text=True,
        timeout=60,
    )

    lines = done.stdout.splitlines()
    assert done.returncode == 1
    assert len(lines) == 8
    assert lines[1] == (
        "orders/send.py:5:19: warning[unknown-task] No task 'orders.craete' in app "
        "'orders' (orders/app.py). Did you mean 'orders.create' or 'orders.notify'?"
    )


def test_only_info_findings_exit_zero(tmp_path: Path) -> None:
    """Findings below warning (an unknown name read from source only) do not fail CI."""
    root = tmp_path / "p"
    shutil.copytree(REPO / "examples" / "shop", root)
    sends = root / "shop" / "checkout.py"
    sends.write_text(sends.read_text().replace('"ping"', '"pnig"'))

    status, data, _ = check(root, "--no-inspect")

    assert status == 0
    assert brief(data["findings"]) == [
        ("shop/checkout.py", 17, 19, 23, "info", "unknown-task")
    ]


def test_setup_errors_exit_two(tmp_path: Path) -> None:
    """No app under the root is a setup error with exit status 2 and a clear message."""
    (tmp_path / "plain.py").write_text("print('no app here')\n")

    status, data, stderr = check(tmp_path)

    assert status == 2
    assert "no QTasks app found" in stderr


def test_an_empty_name_being_typed_is_not_reported(tmp_path: Path) -> None:
    """``app.add_task("")`` is a name still being typed, not an unknown task."""
    root = tmp_path / "p"
    shutil.copytree(REPO / "examples" / "shop", root)
    sends = root / "shop" / "checkout.py"
    sends.write_text(sends.read_text() + '\napp.add_task("")\n')

    status, data, _ = check(root, "--no-inspect")

    assert (status, data["findings"]) == (0, [])


def test_each_send_is_checked_against_its_own_app() -> None:
    """With two apps, a send through an aliased or module-qualified app uses that app;
    a ``task_name=`` outside ``add_task`` (a dataclass field) is data."""
    status, data, _ = check(PROJECTS / "sends_per_app")

    assert status == 1
    assert [(f["line"], f["message"]) for f in data["findings"]] == [
        (14, "No task 'jobs.run' in app 'sync-app' (pkg/other.py)."),
        (15, "No task 'sync.only' in app 'async-app' (pkg/main.py)."),
    ]


def test_an_app_that_cannot_be_imported_fails_the_check() -> None:
    """An import failure with no place of its own (an exit) is an error at the app."""
    status, data, stderr = check(PROJECTS / "exits_at_import")

    assert status == 1
    assert brief(data["findings"]) == [
        ("app.py", 8, 1, 10001, "error", "app-import-failed")
    ]
    assert data["findings"][0]["message"].startswith(
        "Importing app 'app:app' failed: the app exited during import (code 3)."
    )
