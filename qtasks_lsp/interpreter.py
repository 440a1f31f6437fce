"""Choosing the interpreter that runs the project's code, and saying why.

Precedence: an explicit interpreter (command-line flag, ``python`` setting,
``[tool.qtasks-lsp] python``) > the interpreter the editor has selected >
``VIRTUAL_ENV`` > ``.venv/`` or ``venv/`` under the root > the interpreter
running qtasks-lsp, if ``qtasks`` is installed there. Explicit choices are
taken as they are; the others are used only when ``qtasks`` is installed in
them, checked on disk without starting a process. When none qualifies the
error lists every interpreter tried.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
from pathlib import Path

import attrs

from qtasks_lsp.errors import SetupError

logger = logging.getLogger(__name__)


@attrs.define
class Interpreter:
    """The interpreter chosen for a root, and where the choice came from."""

    path: Path
    source: str


def venv_python(venv: Path) -> Path | None:
    """The interpreter inside a virtual environment folder, if there is one."""
    for relative in ("bin/python", "bin/python3", "Scripts/python.exe"):
        candidate = venv / relative
        if candidate.exists():
            return candidate
    return None


def venv_has_qtasks(venv: Path) -> bool:
    """True when a virtual environment has qtasks installed (read from disk)."""
    patterns = (
        "lib/python3*/site-packages/qtasks/__init__.py",
        "lib/python3*/site-packages/qtasks-*.dist-info",
        "Lib/site-packages/qtasks/__init__.py",
        "Lib/site-packages/qtasks-*.dist-info",
    )
    return any(any(venv.glob(pattern)) for pattern in patterns)


def _venv_of(python: Path) -> Path | None:
    for folder in python.absolute().parents[:2]:
        if (folder / "pyvenv.cfg").is_file():
            return folder
    return None


def choose(
    root: Path,
    explicit: str | None = None,
    explicit_source: str = "setting `python`",
    editor: str | None = None,
    environ: dict[str, str] | None = None,
) -> Interpreter:
    """The interpreter to inspect ``root`` with."""
    environ = dict(os.environ) if environ is None else environ
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_absolute():
            path = (root / path).absolute()
        if not path.exists():
            raise SetupError(
                "no-interpreter",
                f"the interpreter {path} ({explicit_source}) does not exist",
                "Point it at a Python executable, e.g. .venv/bin/python",
            )
        return Interpreter(path, explicit_source)
    tried: list[str] = []
    candidates: list[tuple[Path, str]] = []
    if editor:
        candidates.append((Path(editor), "the editor's selected interpreter"))
    if environ.get("VIRTUAL_ENV"):
        candidates.append((Path(environ["VIRTUAL_ENV"]), "VIRTUAL_ENV"))
    for name in (".venv", "venv"):
        candidates.append((root / name, f"{name}/ in the root"))
    for location, source in candidates:
        found = _usable(location, source, tried)
        if found is not None:
            return found
    if importlib.util.find_spec("qtasks") is not None:
        return Interpreter(Path(sys.executable), "the interpreter running qtasks-lsp")
    tried.append(f"{sys.executable} (the interpreter running qtasks-lsp): no qtasks")
    raise SetupError(
        "no-interpreter",
        "no interpreter with qtasks found; tried: " + "; ".join(tried),
        "Install qtasks into the project's virtual environment, or name the "
        "interpreter with `--python` (setting `python`)",
    )


def _usable(location: Path, source: str, tried: list[str]) -> Interpreter | None:
    """The interpreter at a venv folder or executable path if it has qtasks."""
    venv: Path | None
    python: Path | None
    if location.is_dir():
        venv, python = location, venv_python(location)
    else:
        venv, python = _venv_of(location), location
    if python is None or not python.exists():
        if source.endswith("in the root"):
            return None
        tried.append(f"{location} ({source}): no Python there")
        return None
    if venv is None:
        return Interpreter(python, source)
    if venv_has_qtasks(venv):
        return Interpreter(python, source)
    tried.append(f"{python} ({source}): no qtasks")
    return None
