"""Finding the QTasks app(s) of a workspace, and saying where each choice came from.

Precedence: an explicit spec (command-line flag or editor setting) > ``app``
in ``[tool.qtasks-lsp]`` of the nearest pyproject.toml > static discovery of
module-level ``NAME = QueueTasks(...)`` assignments, read with ``ast`` (no
code runs), whatever the import form or alias. Each app records the folders
that must be on ``sys.path`` to import it, computed from the layout.
"""

from __future__ import annotations

import logging
from pathlib import Path

import attrs

from qtasks_lsp import pysource
from qtasks_lsp.errors import SetupError
from qtasks_lsp.render import relative

logger = logging.getLogger(__name__)


@attrs.define
class AppChoice:
    """One app to inspect: its spec, how to import it, and why it was chosen."""

    spec: str
    paths: list[Path]
    source: str
    file: Path | None = None
    line: int | None = None
    kind: str | None = None

    @property
    def variable(self) -> str:
        """The attribute part of the spec (``app`` in ``shop.app:app``)."""
        return self.spec.partition(":")[2]

    @property
    def module(self) -> str:
        """The module part of the spec."""
        return self.spec.partition(":")[0]


def discover(root: Path, notes: list[str] | None = None) -> list[AppChoice]:
    """Every module-level ``X = QueueTasks(...)`` under ``root``, read from source.

    What kept an app from being found (a file that mentions QueueTasks but
    does not parse, a tree too large to read whole) is added to ``notes``.
    """
    apps: list[AppChoice] = []
    for path in pysource.python_files(root, notes=notes):
        apps.extend(apps_in_file(path, root, notes=notes))
    return apps


def apps_in_file(
    path: Path, root: Path, source: str | None = None, notes: list[str] | None = None
) -> list[AppChoice]:
    """The QueueTasks apps assigned at module level in one file.

    A file with a syntax error elsewhere still yields its apps (the lines the
    error names are left out), so that the inspection can report the error.
    """
    text = source if source is not None else pysource.read_source(path)
    if not text or "QueueTasks" not in text:
        return []
    tree = pysource.parse(text, str(path)) or pysource.parse_repaired(text)
    if tree is None:
        if notes is not None:
            error = pysource.syntax_error(text)
            notes.append(f"{relative(path, root)} does not parse ({error})")
        return []
    imports = pysource.import_map(tree)
    module, path_entry = pysource.module_name(path, root)
    found = []
    for name, value, line in pysource.module_level_assignments(tree):
        kind = pysource.app_kind(value, imports)
        if kind is None:
            continue
        found.append(
            AppChoice(
                spec=f"{module}:{name}",
                paths=[path_entry],
                source=f"discovered in {relative(path, root)}:{line}",
                file=path.resolve(),
                line=line,
                kind=kind,
            )
        )
    return found


def check_spec(spec: str) -> None:
    """Refuse a spec that is not ``module:attribute``."""
    module, sep, attr = spec.partition(":")
    ok = sep and module and attr and all(p.isidentifier() for p in module.split("."))
    if not ok or not all(p.isidentifier() for p in attr.split(".")):
        raise SetupError(
            "bad-spec",
            f"`{spec}` is not an app spec",
            "Write it as `module:attribute`, for example `shop.app:app` or "
            "`acme.worker:create_app`",
        )


def locate(
    spec: str, root: Path, extra_paths: list[Path]
) -> tuple[list[Path], Path | None]:
    """The ``sys.path`` folders for an explicit spec, and its module file if found."""
    module = spec.partition(":")[0]
    relative = Path(*module.split("."))
    candidates = [root, root / "src", *extra_paths]
    for base in candidates:
        for option in (relative.with_suffix(".py"), relative / "__init__.py"):
            if (base / option).is_file():
                return _unique([base, *extra_paths]), (base / option).resolve()
    return _unique(
        [root, *([root / "src"] if (root / "src").is_dir() else []), *extra_paths]
    ), None


def _unique(paths: list[Path]) -> list[Path]:
    seen: list[Path] = []
    for path in paths:
        resolved = path.resolve()
        if resolved not in seen:
            seen.append(resolved)
    return seen


def explicit(spec: str, root: Path, extra_paths: list[Path], source: str) -> AppChoice:
    """An app named by the user (flag, setting or pyproject.toml)."""
    check_spec(spec)
    paths, file = locate(spec, root, extra_paths)
    line = None
    kind = None
    if file is not None:
        variable = spec.partition(":")[2].split(".")[0]
        for app in apps_in_file(file, root):
            if app.variable == variable:
                line, kind = app.line, app.kind
    return AppChoice(
        spec=spec, paths=paths, source=source, file=file, line=line, kind=kind
    )


def choose(
    root: Path,
    specs: list[str],
    spec_source: str | None,
    extra_paths: list[Path],
    discovered: tuple[list[AppChoice], list[str]] | None = None,
) -> list[AppChoice]:
    """The apps to inspect under ``root``: named ones if any, else discovered ones.

    ``discovered`` is what the caller already found (apps and notes), for a
    caller that has scanned the tree itself; otherwise the tree is read here.
    """
    if specs:
        return [explicit(s, root, extra_paths, spec_source or "setting") for s in specs]
    notes: list[str] = []
    if discovered is None:
        apps = discover(root, notes)
    else:
        apps, notes = discovered
    for app in apps:
        app.paths = _unique([*app.paths, *extra_paths])
    if not apps:
        why = f" ({'; '.join(notes)})" if notes else ""
        raise SetupError(
            "no-app",
            f"no QTasks app found under {root}: no module-level "
            f"`NAME = QueueTasks(...)`{why}",
            "Name the app with `--app module:attribute` (or the `app` setting, or "
            '`app = "module:attr"` in [tool.qtasks-lsp] of pyproject.toml); a factory '
            "function works there too",
        )
    logger.debug("discovered %d app(s) under %s", len(apps), root)
    return apps
