"""Unit tests of the decisions behind ``inspect``: modules, apps, settings, Python.

No subprocess runs here: discovery reads source with ``ast``, settings are
merged from dictionaries and pyproject files, and the interpreter is chosen
from folders laid out on disk (a venv here is a folder with ``pyvenv.cfg``,
``bin/python`` and, when it should count as having qtasks, a
``site-packages/qtasks/__init__.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from qtasks_lsp import config, discovery, interpreter, pysource
from qtasks_lsp.errors import SetupError


def touch(path: Path, text: str = "") -> Path:
    """Create a file and its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


MODULE_NAMES = [
    pytest.param(["app.py"], "app.py", "app", "", id="plain-file"),
    pytest.param(
        ["shop/__init__.py", "shop/app.py"], "shop/app.py", "shop.app", "", id="package"
    ),
    pytest.param(
        ["shop/__init__.py", "shop/billing/__init__.py", "shop/billing/tasks.py"],
        "shop/billing/tasks.py",
        "shop.billing.tasks",
        "",
        id="subpackage",
    ),
    pytest.param(
        ["shop/__init__.py"], "shop/__init__.py", "shop", "", id="package-init"
    ),
    pytest.param(
        ["src/acme/__init__.py", "src/acme/worker.py"],
        "src/acme/worker.py",
        "acme.worker",
        "src",
        id="src-layout",
    ),
    pytest.param(
        ["src/acme/worker.py"],
        "src/acme/worker.py",
        "acme.worker",
        "src",
        id="src-namespace",
    ),
    pytest.param(
        ["scripts/run.py"], "scripts/run.py", "run", "scripts", id="folder-without-init"
    ),
    pytest.param(
        ["services/mail/__init__.py", "services/mail/app.py"],
        "services/mail/app.py",
        "mail.app",
        "services",
        id="package-in-plain-folder",
    ),
]


@pytest.mark.parametrize(("files", "target", "module", "entry"), MODULE_NAMES)
def test_module_name_follows_the_layout(
    tmp_path: Path, files: list[str], target: str, module: str, entry: str
) -> None:
    """A file's dotted module and its sys.path folder follow packages and src/."""
    for name in files:
        touch(tmp_path / name)

    found = pysource.module_name(tmp_path / target, tmp_path)

    assert found == (module, (tmp_path / entry).resolve())


APPS_IN_SOURCE = [
    pytest.param(
        "from qtasks import QueueTasks\napp = QueueTasks()",
        [("app", "sync")],
        id="plain",
    ),
    pytest.param(
        "from qtasks.asyncio import QueueTasks as Q\njobs = Q(name='x')",
        [("jobs", "async")],
        id="asyncio-alias",
    ),
    pytest.param(
        "import qtasks as qt\nqueue = qt.QueueTasks()",
        [("queue", "sync")],
        id="module-alias",
    ),
    pytest.param(
        "import qtasks\napp = qtasks.QueueTasks()", [("app", "sync")], id="module"
    ),
    pytest.param(
        "import qtasks.asyncio\napp = qtasks.asyncio.QueueTasks()",
        [("app", "async")],
        id="dotted-asyncio",
    ),
    pytest.param(
        "from qtasks import asyncio as qa\napp = qa.QueueTasks()",
        [("app", "async")],
        id="submodule-alias",
    ),
    pytest.param(
        "from qtasks.qtasks import QueueTasks\napp: QueueTasks = QueueTasks()",
        [("app", "sync")],
        id="annotated",
    ),
    pytest.param(
        "from qtasks import QueueTasks\nimport os\n"
        "if os.environ.get('X'):\n    app = QueueTasks(name='a')\n"
        "else:\n    app = QueueTasks(name='b')",
        [("app", "sync"), ("app", "sync")],
        id="under-if",
    ),
    pytest.param(
        "from qtasks import QueueTasks\nsync = QueueTasks()\n"
        "from qtasks.asyncio import QueueTasks as AQ\nasync_ = AQ()",
        [("sync", "sync"), ("async_", "async")],
        id="two-apps",
    ),
    pytest.param(
        "from qtasks import QueueTasks\ndef make():\n    return QueueTasks()",
        [],
        id="inside-function",
    ),
    pytest.param(
        "from elsewhere import QueueTasks\napp = QueueTasks()", [], id="other-package"
    ),
    pytest.param("app = QueueTasks()", [], id="not-imported"),
    pytest.param(
        "from qtasks import QueueTasks\nclass W:\n    app = QueueTasks()",
        [],
        id="in-class",
    ),
    pytest.param(
        "from qtasks import QueueTasks\napp = QueueTasks(", [], id="syntax-error"
    ),
]


@pytest.mark.parametrize(("source", "expected"), APPS_IN_SOURCE)
def test_apps_in_file_recognises_every_import_form(
    tmp_path: Path, source: str, expected: list[tuple[str, str]]
) -> None:
    """Module-level QueueTasks(...) is found under any import alias, sync or async."""
    path = touch(tmp_path / "worker.py", source)

    apps = discovery.apps_in_file(path, tmp_path)

    assert [(a.variable, a.kind) for a in apps] == expected
    assert all(a.module == "worker" and a.paths == [tmp_path.resolve()] for a in apps)
    assert all(a.source.startswith("discovered in worker.py:") for a in apps)


@pytest.mark.parametrize(
    "spec", ["app", "mod:", ":app", "a-b:app", "mod:app-x", "mod:1app", "mod:app:x"]
)
def test_malformed_app_spec_is_refused(spec: str) -> None:
    """A spec that is not module:attribute is a `bad-spec` setup error."""
    with pytest.raises(SetupError) as caught:
        discovery.check_spec(spec)

    assert caught.value.kind == "bad-spec"


def test_discovery_skips_virtual_environments(tmp_path: Path) -> None:
    """Apps inside a venv or site-packages are never taken for the project's app."""
    app = "from qtasks import QueueTasks\napp = QueueTasks()\n"
    touch(tmp_path / "main.py", app)
    touch(tmp_path / "env2" / "pyvenv.cfg")
    touch(tmp_path / "env2" / "lib" / "x.py", app)
    touch(tmp_path / ".venv" / "lib" / "y.py", app)

    apps = discovery.discover(tmp_path)

    assert [a.spec for a in apps] == ["main:app"]


# Settings


def write_pyproject(root: Path, table: str) -> None:
    """A pyproject.toml with the given text after its [project] table."""
    touch(root / "pyproject.toml", f'[project]\nname = "x"\n\n{table}')


def test_settings_layers_override_in_order_and_record_their_source(
    tmp_path: Path,
) -> None:
    """pyproject < each later layer; every value remembers the layer that set it."""
    write_pyproject(
        tmp_path,
        '[tool.qtasks-lsp]\napp = "a:app"\npython = "py/bin/python"\n'
        "inspection = { timeout = 4 }\n",
    )
    layers: list[tuple[dict[str, Any] | None, str]] = [
        ({"app": ["b:app"], "inspection": {"timeout": 9}}, "initializationOptions"),
        ({"app": "c:app"}, "--app"),
    ]

    settings, problems = config.load(tmp_path, layers)

    assert problems == []
    assert settings.app == ["c:app"]
    assert settings.inspection_timeout == 9.0
    assert settings.python == "py/bin/python"
    assert settings.sources == {
        "app": "--app",
        "python": "pyproject.toml ([tool.qtasks-lsp])",
        "inspection_timeout": "initializationOptions",
    }


def test_empty_values_leave_the_lower_layer_alone(tmp_path: Path) -> None:
    """An editor sending null, "" or [] does not hide the pyproject's value."""
    write_pyproject(tmp_path, '[tool.qtasks-lsp]\napp = "a:app"\npython = "p"\n')

    settings, _ = config.load(
        tmp_path, [({"app": [], "python": "", "envFile": None}, "ed")]
    )

    assert (settings.app, settings.python, settings.env_file) == (["a:app"], "p", None)


@pytest.mark.parametrize(
    "key", ["extraPaths", "extra_paths", "extra-paths"], ids=["camel", "snake", "kebab"]
)
def test_setting_keys_may_use_any_case_style(tmp_path: Path, key: str) -> None:
    """camelCase, snake_case and kebab-case name the same setting."""
    settings, problems = config.load(tmp_path, [({key: ["src"]}, "test")])

    assert (settings.extra_paths, problems) == (["src"], [])


MALFORMED = [
    pytest.param('app = 5\npython = "ok"', "setting `app`", id="app-not-string"),
    pytest.param('python = ["x"]\napp = "a:b"', "must be a string", id="python-list"),
    pytest.param(
        'inspection = { timeout = "soon" }\napp = "a:b"',
        "must be a positive number",
        id="timeout-text",
    ),
    pytest.param(
        'inspection = { timeout = -1 }\napp = "a:b"', "positive number", id="negative"
    ),
    pytest.param('trusted = "yes"\napp = "a:b"', "true or false", id="bool-text"),
    pytest.param(
        'colour = "red"\napp = "a:b"', "unknown setting `colour`", id="unknown"
    ),
]


@pytest.mark.parametrize(("table", "problem"), MALFORMED)
def test_malformed_setting_is_dropped_with_a_message(
    tmp_path: Path, table: str, problem: str
) -> None:
    """One bad key is reported and ignored; the good keys next to it still apply."""
    write_pyproject(tmp_path, f"[tool.qtasks-lsp]\n{table}\n")

    settings, problems = config.load(tmp_path)

    assert len(problems) == 1 and problem in problems[0]
    assert "(ignored)" in problems[0]
    assert settings.app == ["a:b"] or settings.python == "ok"
    assert settings.inspection_timeout == config.DEFAULT_TIMEOUT


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[tool.qtasks-lsp\napp = 1", "could not read"),
        ('[tool]\nqtasks-lsp = "app:app"', "is not a table"),
        ("tool = 3", None),
    ],
    ids=["bad-toml", "not-a-table", "tool-not-a-table"],
)
def test_unreadable_pyproject_gives_defaults_and_a_message(
    tmp_path: Path, text: str, problem: str | None
) -> None:
    """An unusable pyproject.toml never raises; the settings fall back to defaults."""
    touch(tmp_path / "pyproject.toml", text)

    settings, problems = config.load(tmp_path)

    assert settings.app == [] and settings.python is None
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0]


def test_relative_paths_resolve_against_the_pyproject_folder(tmp_path: Path) -> None:
    """A path set in a parent's pyproject.toml is relative to that file's folder."""
    write_pyproject(tmp_path, '[tool.qtasks-lsp]\npython = "env/bin/python"\n')
    root = tmp_path / "service"
    root.mkdir()

    settings, _ = config.load(root)
    path = config.resolve_path(settings, "python", settings.python or "", root)

    assert path == (tmp_path / "env" / "bin" / "python").resolve()


# Interpreter


def fake_venv(folder: Path, qtasks: bool = True) -> Path:
    """A venv laid out on disk; with ``qtasks`` it counts as having qtasks."""
    touch(folder / "pyvenv.cfg", "home = /usr/bin\n")
    python = touch(folder / "bin" / "python")
    if qtasks:
        touch(
            folder / "lib" / "python3.11" / "site-packages" / "qtasks" / "__init__.py"
        )
    return python


ORDER = ["editor", "active", ".venv", "venv"]


@pytest.mark.parametrize(
    ("present", "winner", "source"),
    [
        (ORDER, "editor", "the editor's selected interpreter"),
        (ORDER[1:], "active", "VIRTUAL_ENV"),
        (ORDER[2:], ".venv", ".venv/ in the root"),
        (ORDER[3:], "venv", "venv/ in the root"),
    ],
    ids=["editor", "virtual-env", "dot-venv", "venv"],
)
def test_interpreter_precedence(
    tmp_path: Path, present: list[str], winner: str, source: str
) -> None:
    """editor > VIRTUAL_ENV > .venv/ > venv/, each choice saying where it came from."""
    root = tmp_path / "root"
    pythons: dict[str, Path] = {
        name: fake_venv(root / name) for name in (".venv", "venv") if name in present
    }
    pythons["editor"] = fake_venv(tmp_path / "editor")
    pythons["active"] = fake_venv(tmp_path / "active")
    editor = str(pythons["editor"]) if "editor" in present else None
    environ = {"VIRTUAL_ENV": str(tmp_path / "active")} if "active" in present else {}

    chosen = interpreter.choose(root, editor=editor, environ=environ)

    assert (chosen.path, chosen.source) == (pythons[winner], source)


def test_explicit_interpreter_beats_everything_and_is_taken_as_is(
    tmp_path: Path,
) -> None:
    """An explicit interpreter is used even without qtasks; relative means the root."""
    python = fake_venv(tmp_path / "tools", qtasks=False)
    fake_venv(tmp_path / ".venv")

    chosen = interpreter.choose(
        tmp_path, explicit="tools/bin/python", explicit_source="--python", environ={}
    )

    assert (chosen.path, chosen.source) == (python, "--python")


def test_missing_explicit_interpreter_is_a_setup_error(tmp_path: Path) -> None:
    """An explicit interpreter that does not exist is named in the error."""
    with pytest.raises(SetupError) as caught:
        interpreter.choose(tmp_path, explicit="/nowhere/python", environ={})

    assert caught.value.kind == "no-interpreter"
    assert "/nowhere/python" in caught.value.message


def test_venvs_without_qtasks_are_passed_over(tmp_path: Path) -> None:
    """A VIRTUAL_ENV or .venv without qtasks is skipped for the next candidate."""
    fake_venv(tmp_path / "active", qtasks=False)
    fake_venv(tmp_path / ".venv", qtasks=False)
    python = fake_venv(tmp_path / "venv")

    chosen = interpreter.choose(
        tmp_path, environ={"VIRTUAL_ENV": str(tmp_path / "active")}
    )

    assert (chosen.path, chosen.source) == (python, "venv/ in the root")


def test_running_interpreter_is_the_last_resort(tmp_path: Path) -> None:
    """With no venv at all, the interpreter running qtasks-lsp is used (has qtasks)."""
    chosen = interpreter.choose(tmp_path, environ={})

    assert chosen.path == Path(sys.executable)
    assert chosen.source == "the interpreter running qtasks-lsp"
