"""``qtasks-lsp inspect`` end to end: which app, which interpreter, and what went wrong.

Every test runs the real command in a subprocess, with the real qtasks, on a
sample project under ``tests/projects`` (or a copy of one in a temporary
folder when the test needs a venv, a setting or an awkward path next to it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from inspect_support import (
    PROJECTS,
    Run,
    clean_env,
    inspect_cli,
    make_qtasks_venv,
    make_venv,
)

pytestmark = pytest.mark.timeout(60)

PYPROJECT = "pyproject.toml ([tool.qtasks-lsp])"


def task_names(report: dict) -> list[str]:
    """The task names of one app's report, sorted."""
    return sorted(t["name"] for t in report["inspection"]["tasks"])


def copy_project(name: str, destination: Path) -> Path:
    """A copy of a sample project at ``destination``."""
    shutil.copytree(PROJECTS / name, destination)
    return destination


FAILURES = [
    pytest.param(
        "missing_dependency",
        [],
        "module-not-found",
        ["No module named 'acme_payments_sdk'", f"interpreter {sys.executable}"],
        ["Install `acme_payments_sdk`", "`python` setting"],
        id="third-party-module-missing",
    ),
    pytest.param(
        "layout_backend",
        [],
        "module-not-found",
        ["No module named 'worker'"],
        ["`worker.app` is not importable", "`extraPaths`"],
        id="app-module-outside-sys-path",
    ),
    pytest.param(
        "syntax_error",
        [],
        "syntax",
        ["syntax error in", "tasks.py, line 7"],
        ["Fix the syntax error"],
        id="syntax-error",
    ),
    pytest.param(
        "not_an_app",
        ["--app", "things:thing"],
        "not-an-app",
        ["`things:thing` is of type int, not a QueueTasks app"],
        ["`QueueTasks(...)` instance"],
        id="not-an-app",
    ),
    pytest.param(
        "not_an_app",
        ["--app", "things:make_thing"],
        "not-an-app",
        ["`things:make_thing` returned a value of type str, not a QueueTasks app"],
        ["a function that returns one"],
        id="factory-returns-no-app",
    ),
    pytest.param(
        "not_an_app",
        ["--app", "things:nope"],
        "attribute-missing",
        ["module `things` has no attribute `nope`"],
        ["after the colon"],
        id="attribute-missing",
    ),
]


@pytest.mark.parametrize(("project", "args", "kind", "message", "hint"), FAILURES)
def test_broken_import_is_reported_with_kind_message_and_hint(
    project: str, args: list[str], kind: str, message: list[str], hint: list[str]
) -> None:
    """A failed import exits 1 with the right error kind, what failed and what to do."""
    run = inspect_cli(PROJECTS / project, "--json", *args)

    error = run.error()
    assert run.returncode == 1, run.stderr
    assert error["kind"] == kind
    for part in message:
        assert part in error["message"]
    for part in hint:
        assert part in error["hint"]


def test_syntax_error_points_at_file_and_line() -> None:
    """A syntax error in a module the app imports names that file and line."""
    run = inspect_cli(PROJECTS / "syntax_error", "--json")

    error = run.error()
    assert Path(error["file"]) == PROJECTS / "syntax_error" / "tasks.py"
    assert error["line"] == 7


def test_failure_in_text_mode_is_one_paragraph_on_stderr() -> None:
    """Without ``--json`` a failure is said once on stderr, with the place and hint."""
    run = inspect_cli(PROJECTS / "missing_dependency")

    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr.startswith("qtasks-lsp: could not inspect `app:app` with ")
    assert "At app.py, line 3." in run.stderr


SETUP_ERRORS = [
    pytest.param("no_app", [], "no-app", "--app module:attribute", id="no-app"),
    pytest.param("factory", [], "no-app", "a factory function", id="factory-unnamed"),
    pytest.param(
        "two_apps", ["--app", "mail"], "bad-spec", "module:attribute", id="spec"
    ),
    pytest.param(
        "two_apps",
        ["--python", "/nowhere/python"],
        "no-interpreter",
        ".venv/bin/python",
        id="python",
    ),
]


@pytest.mark.parametrize(("project", "args", "kind", "hint"), SETUP_ERRORS)
def test_setup_error_exits_2_and_says_what_to_change(
    project: str, args: list[str], kind: str, hint: str
) -> None:
    """Nothing to inspect exits 2; stderr and the JSON error say how to fix it."""
    run = inspect_cli(PROJECTS / project, "--json", *args)

    error = run.document()["error"]
    assert run.returncode == 2
    assert run.document()["apps"] == []
    assert error["kind"] == kind
    assert hint in error["hint"]
    assert run.stderr.startswith("qtasks-lsp: ")
    assert hint in run.stderr


SUCCESSES = [
    pytest.param(
        "two_apps",
        [],
        [
            ("billing.app:app", "discovered in billing/app.py:5", ["billing.charge"]),
            ("mail.app:app", "discovered in mail/app.py:5", ["mail.send"]),
        ],
        id="two-apps",
    ),
    pytest.param(
        "two_apps",
        ["--app", "mail.app:app"],
        [("mail.app:app", "--app", ["mail.send"])],
        id="app-flag-picks-one",
    ),
    pytest.param(
        "src_relative",
        [],
        [("acme.worker:app", "discovered in src/acme/worker.py:7", ["acme.report"])],
        id="src-layout-relative-imports",
    ),
    pytest.param(
        "factory",
        ["--app", "factory_app:create_app"],
        [("factory_app:create_app", "--app", ["made.hello"])],
        id="factory-function",
    ),
    pytest.param(
        "asyncio_alias",
        [],
        [("service:jobs", "discovered in service.py:5", ["fetch"])],
        id="asyncio-app-aliased-Q",
    ),
    pytest.param(
        "qt_alias",
        [],
        [("tasks_app:queue", "discovered in tasks_app.py:5", ["aliased.add"])],
        id="module-alias-qt",
    ),
    pytest.param(
        "pyproject_app",
        [],
        [("service.main:queue", PYPROJECT, ["named.run"])],
        id="pyproject-app",
    ),
    pytest.param(
        "pyproject_app",
        ["--app", "service.main:other"],
        [("service.main:other", "--app", [])],
        id="app-flag-beats-pyproject",
    ),
]


@pytest.mark.parametrize(("project", "args", "apps"), SUCCESSES)
def test_app_is_found_inspected_and_its_origin_reported(
    project: str, args: list[str], apps: list[tuple[str, str, list[str]]]
) -> None:
    """Each app is inspected, with its spec, where the spec came from, and its tasks."""
    run = inspect_cli(PROJECTS / project, "--json", *args)

    reports = run.document()["apps"]
    assert run.returncode == 0, run.stderr
    assert [(r["spec"], r["source"], task_names(r)) for r in reports] == apps
    assert all(
        r["python_source"] == "the interpreter running qtasks-lsp" for r in reports
    )


def test_asyncio_app_is_inspected_with_async_stats() -> None:
    """An asyncio app is inspected as such and its coroutine task is marked async."""
    run = inspect_cli(PROJECTS / "asyncio_alias", "--json")

    inspection = run.app()["inspection"]
    assert inspection["method"] == "async"
    assert inspection["app"]["Method"] == "async"
    assert inspection["tasks"][0]["awaiting"] is True
    assert inspection["tasks"][0]["signature"] == "(url: str) -> str"


def test_router_task_in_src_layout_knows_its_router() -> None:
    """A task brought by a router records the router's module and name."""
    run = inspect_cli(PROJECTS / "src_relative", "--json")

    task = run.app()["inspection"]["tasks"][0]
    assert task["router"] == {"module": "acme.jobs", "attr": "router"}
    assert task["file"] == str(PROJECTS / "src_relative" / "src" / "acme" / "jobs.py")


def test_extra_paths_in_pyproject_makes_the_app_module_importable(
    tmp_path: Path,
) -> None:
    """The hint of the layout error works: `extraPaths = ["backend"]` fixes it."""
    root = copy_project("layout_backend", tmp_path / "project")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'extraPaths = ["backend"]\n')

    run = inspect_cli(root, "--json")

    assert run.returncode == 0, run.stderr
    assert task_names(run.app()) == ["images.resize"]
    assert str(root / "backend") in run.app()["paths"]


def test_non_ascii_and_spaces_in_the_path_are_fine(tmp_path: Path) -> None:
    """A project under `проект с пробелами/` is found, inspected and reported."""
    root = copy_project("src_relative", tmp_path / "проект с пробелами")

    run = inspect_cli(root, "--json")

    assert run.returncode == 0, run.stderr
    assert run.document()["root"] == str(root)
    assert task_names(run.app()) == ["acme.report"]
    assert run.app()["inspection"]["tasks"][0]["file"].startswith(str(root))


def test_text_report_shows_summary_table_and_origins() -> None:
    """The terminal report has the app and interpreter origins, summary and tasks."""
    run = inspect_cli(PROJECTS / "pyproject_app")

    assert run.returncode == 0, run.stderr
    assert f"app:     service.main:queue  ({PYPROJECT})" in run.stdout
    assert "(the interpreter running qtasks-lsp)" in run.stdout
    assert "Name                      : named" in run.stdout
    assert "Tasks (1)" in run.stdout
    assert "named.run" in run.stdout and "service/main.py:10" in run.stdout


def test_module_and_console_script_behave_the_same() -> None:
    """`python -m qtasks_lsp inspect` and `qtasks-lsp inspect` give the same report."""
    script = Path(sys.executable).with_name("qtasks-lsp")
    root = PROJECTS / "two_apps"

    as_module = inspect_cli(root, "--json")
    as_script = inspect_cli(root, "--json", command=[str(script), "inspect"])

    def summary(run: Run) -> list[tuple]:
        return [
            (r["spec"], r["source"], r["python_source"], task_names(r), r["output"])
            for r in run.document()["apps"]
        ]

    assert as_script.returncode == as_module.returncode == 0
    assert summary(as_script) == summary(as_module)
    failed = inspect_cli(PROJECTS / "no_app", command=[str(script), "inspect"])
    assert failed.returncode == 2
    assert failed.stderr == inspect_cli(PROJECTS / "no_app").stderr


# Interpreter choice: each venv is real; the ones with qtasks see this run's
# qtasks (a symlink into their site-packages, plus a .pth for its dependencies).


@pytest.fixture(scope="module")
def venvs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three venvs with qtasks (`flag`, `pyproject`, `active`) and one without."""
    base = tmp_path_factory.mktemp("venvs")
    found = {
        name: make_qtasks_venv(base / name) for name in ("flag", "pyproject", "active")
    }
    found["bare"] = make_venv(base / "bare")
    return found


@pytest.fixture()
def project_with_venv(tmp_path: Path) -> Path:
    """A copy of `qt_alias` with its own `.venv/` that has qtasks."""
    root = copy_project("qt_alias", tmp_path / "project")
    make_qtasks_venv(root / ".venv")
    return root


LADDER = [
    pytest.param(["flag", "pyproject", "active"], "flag", "--python", id="flag"),
    pytest.param(["pyproject", "active"], "pyproject", PYPROJECT, id="pyproject"),
    pytest.param(["active"], "active", "VIRTUAL_ENV", id="virtual-env"),
    pytest.param([], ".venv", ".venv/ in the root", id="dot-venv"),
]


@pytest.mark.parametrize(("present", "chosen", "source"), LADDER)
def test_interpreter_precedence_and_its_reported_origin(
    venvs: dict[str, Path],
    project_with_venv: Path,
    present: list[str],
    chosen: str,
    source: str,
) -> None:
    """--python > [tool.qtasks-lsp] python > VIRTUAL_ENV > .venv/, each one reported."""
    root = project_with_venv
    args = ["--json"]
    env = clean_env()
    if "flag" in present:
        args += ["--python", str(venvs["flag"])]
    if "pyproject" in present:
        (root / "pyproject.toml").write_text(
            f'[tool.qtasks-lsp]\npython = "{venvs["pyproject"]}"\n'
        )
    if "active" in present:
        env["VIRTUAL_ENV"] = str(venvs["active"].parent.parent)
    expected = root / ".venv" / "bin" / "python" if chosen == ".venv" else venvs[chosen]

    run = inspect_cli(root, *args, env=env)

    report = run.app()
    assert run.returncode == 0, run.stderr
    assert (report["python"], report["python_source"]) == (str(expected), source)
    assert report["inspection"]["python"]["executable"] == str(expected)
    assert task_names(report) == ["aliased.add"]


def test_relative_python_flag_is_taken_from_the_working_directory(
    venvs: dict[str, Path],
) -> None:
    """`--python venv/bin/python` typed in a terminal means the cwd, not the root."""
    base = venvs["flag"].parent.parent.parent

    run = inspect_cli(
        PROJECTS / "qt_alias", "--json", "--python", "flag/bin/python", cwd=base
    )

    assert run.returncode == 0, run.stderr
    assert run.app()["python"] == str(venvs["flag"])


@pytest.fixture(scope="module")
def tool_without_qtasks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv that runs qtasks-lsp but has no qtasks: its own deps only."""
    import attr
    import attrs
    import dotenv

    import qtasks_lsp

    base = tmp_path_factory.mktemp("tool")
    packages = base / "packages"
    packages.mkdir()
    for module in (attr, attrs, dotenv, qtasks_lsp):
        folder = Path(str(module.__file__)).parent
        (packages / folder.name).symlink_to(folder, target_is_directory=True)
    return make_venv(base / "venv", sees=(packages,))


def test_no_interpreter_with_qtasks_exits_2_and_lists_what_was_tried(
    venvs: dict[str, Path], tool_without_qtasks: Path, tmp_path: Path
) -> None:
    """Without qtasks anywhere, the command names every interpreter it tried."""
    root = copy_project("qt_alias", tmp_path / "project")
    make_venv(root / ".venv")
    env = clean_env(VIRTUAL_ENV=str(venvs["bare"].parent.parent))
    command = [str(tool_without_qtasks), "-m", "qtasks_lsp", "inspect"]

    run = inspect_cli(root, "--json", env=env, command=command)

    error = run.document()["error"]
    assert run.returncode == 2, run.stderr
    assert error["kind"] == "no-interpreter"
    assert error["message"].startswith("no interpreter with qtasks found; tried: ")
    assert f"{venvs['bare']} (VIRTUAL_ENV): no qtasks" in error["message"]
    assert (
        f"{root}/.venv/bin/python (.venv/ in the root): no qtasks" in error["message"]
    )
    assert (
        f"{tool_without_qtasks} (the interpreter running qtasks-lsp)"
        in error["message"]
    )
    assert "--python" in error["hint"]


# qtasks before 1.6 has no Stats component; the task list comes from app.tasks.

LEGACY_QTASKS = "qtasks==1.5.1"


@pytest.fixture(scope="module", autouse=True)
def legacy_install(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """qtasks 1.5.1 installing into a fresh venv while this module's other tests run."""
    python = make_venv(tmp_path_factory.mktemp("legacy") / "venv")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install"]
    proc = subprocess.Popen(
        [*pip, "--quiet", "--disable-pip-version-check", LEGACY_QTASKS],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield proc, python
    if proc.poll() is None:
        proc.kill()
        proc.communicate()


@pytest.fixture(scope="module")
def legacy_python(legacy_install: tuple[subprocess.Popen[str], Path]) -> Path:
    """The venv with qtasks 1.5.1, once its installation has finished."""
    proc, python = legacy_install
    output, _ = proc.communicate(timeout=240)
    assert proc.returncode == 0, output
    return python


@pytest.mark.timeout(300)
def test_qtasks_without_stats_still_yields_the_task_list(legacy_python: Path) -> None:
    """On qtasks 1.5 the tasks come from `app.tasks`, and the report says so."""
    root = PROJECTS / "legacy_qtasks"

    run = inspect_cli(root, "--json", "--python", str(legacy_python))
    text = inspect_cli(root, "--python", str(legacy_python))

    inspection = run.app()["inspection"]
    assert run.returncode == 0, run.stderr
    assert inspection["qtasks"]["stats"] is False
    assert inspection["qtasks"]["version"].startswith("1.5")
    assert inspection["app"] is None
    assert task_names(run.app()) == ["bye", "legacy.hello"]
    hello = next(t for t in inspection["tasks"] if t["name"] == "legacy.hello")
    assert (hello["priority"], hello["line"], hello["doc"]) == (2, 9, "Say hello.")
    assert text.returncode == 0, text.stderr
    assert "no Stats component" in text.stdout and "legacy.hello" in text.stdout


def test_repository_root_is_not_needed_as_cwd(tmp_path: Path) -> None:
    """The command works from any working directory, with the root as an argument."""
    run = inspect_cli(PROJECTS / "qt_alias", "--json", cwd=tmp_path)

    assert run.returncode == 0, run.stderr
    assert run.document()["root"] == str(PROJECTS / "qt_alias")
