"""Reading Python source without running it: files, imports and dotted names.

Shared by app discovery and the static task scan. Everything here works on
the standard library's ``ast``; nothing imports or executes project code.
"""

from __future__ import annotations

import ast
import logging
import os
from collections.abc import Iterator
from pathlib import Path

logger = logging.getLogger(__name__)

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        ".env",
        "env",
        "__pycache__",
        "node_modules",
        "site-packages",
        "dist-packages",
        "build",
        "dist",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".idea",
        ".vscode",
        ".eggs",
    }
)
MAX_FILES = 5000
MAX_ENTRIES = 50000
MAX_FILE_BYTES = 2_000_000

QUEUE_TASKS_SYNC = frozenset({"qtasks.QueueTasks", "qtasks.qtasks.QueueTasks"})
QUEUE_TASKS_ASYNC = frozenset(
    {"qtasks.asyncio.QueueTasks", "qtasks.asyncio.qtasks.QueueTasks"}
)
ROUTERS = frozenset(
    {
        "qtasks.SyncRouter",
        "qtasks.AsyncRouter",
        "qtasks.routers.SyncRouter",
        "qtasks.routers.AsyncRouter",
        "qtasks.routers.sync_router.SyncRouter",
        "qtasks.routers.async_router.AsyncRouter",
    }
)
SHARED_TASK = frozenset(
    {
        "qtasks.shared_task",
        "qtasks.utils.shared_task",
        "qtasks.utils.registry.shared_task",
    }
)


def _skipped(dirpath: str, name: str) -> bool:
    if name in SKIP_DIRS or name.endswith(".egg-info"):
        return True
    return os.path.exists(os.path.join(dirpath, name, "pyvenv.cfg"))


def python_files(
    root: Path, limit: int = MAX_FILES, notes: list[str] | None = None
) -> Iterator[Path]:
    """Python files under ``root``, skipping environments and build output, bounded.

    When the bound is reached, a sentence saying so is added to ``notes``.
    """
    seen = 0
    found = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not _skipped(dirpath, d))
        seen += len(dirnames) + len(filenames)
        for name in sorted(filenames):
            if not name.endswith(".py"):
                continue
            found += 1
            yield Path(dirpath, name)
            if found >= limit:
                _stopped(
                    notes, f"only the first {limit} Python files under {root} were read"
                )
                return
        if seen >= MAX_ENTRIES:
            _stopped(notes, f"only the first {seen} entries under {root} were read")
            return


def _stopped(notes: list[str] | None, text: str) -> None:
    logger.info("%s", text)
    if notes is not None:
        notes.append(text)


def read_source(path: Path) -> str | None:
    """The text of a source file, or None when it is unreadable or too large."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return data.decode("utf-8-sig", errors="replace")


def parse(source: str, filename: str = "<unknown>") -> ast.Module | None:
    """Parse source, or None when it does not parse (a leading BOM is ignored)."""
    try:
        return ast.parse(source.removeprefix("\ufeff"), filename=filename)
    except (SyntaxError, ValueError):
        return None


def parse_repaired(source: str, attempts: int = 8) -> ast.Module | None:
    """Parse source that is being typed: blank the lines a syntax error names, retry.

    Line numbers stay as they are, so what parses keeps its true positions.
    """
    lines = source.removeprefix("\ufeff").split("\n")
    for _ in range(attempts):
        try:
            return ast.parse("\n".join(lines))
        except SyntaxError as exc:
            first = exc.lineno or 0
            last = getattr(exc, "end_lineno", None) or first
            if not 0 < first <= len(lines):
                return None
            for index in range(first - 1, min(last, len(lines))):
                lines[index] = ""
        except ValueError:
            return None
    return None


def syntax_error(source: str) -> str | None:
    """``line N: message`` for source that does not parse, else None."""
    try:
        ast.parse(source.removeprefix("\ufeff"))
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    except ValueError as exc:
        return str(exc)
    return None


def import_map(tree: ast.Module) -> dict[str, str]:
    """Map each name bound by an import anywhere in the module to its dotted origin."""
    names: dict[str, str] = {}
    for node in statements(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def statements(tree: ast.AST) -> Iterator[ast.AST]:
    """Every statement of a module, nested blocks included, without expressions."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for field in _BLOCKS:
            block = getattr(node, field, None)
            if isinstance(block, list):
                stack.extend(reversed(block))


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of attribute accesses on a name, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def qualified(node: ast.AST, imports: dict[str, str]) -> str | None:
    """The imported origin of a name or attribute chain (``Q`` -> ``qtasks.QueueTasks``)."""
    name = dotted(node)
    if name is None:
        return None
    head, _, rest = name.partition(".")
    origin = imports.get(head)
    if origin is None:
        return None
    return f"{origin}.{rest}" if rest else origin


def app_kind(call: ast.AST, imports: dict[str, str]) -> str | None:
    """``sync``/``async`` when ``call`` constructs a QueueTasks, else None."""
    if not isinstance(call, ast.Call):
        return None
    origin = qualified(call.func, imports)
    if origin in QUEUE_TASKS_SYNC:
        return "sync"
    if origin in QUEUE_TASKS_ASYNC:
        return "async"
    return None


def module_level_assignments(tree: ast.Module) -> Iterator[tuple[str, ast.expr, int]]:
    """``(name, value, line)`` for each module-level assignment to a plain name."""
    body = list(tree.body)
    while body:
        node = body.pop(0)
        if isinstance(node, (ast.If, ast.Try)):
            body[:0] = node.body + node.orelse + getattr(node, "finalbody", [])
            continue
        if isinstance(node, ast.Assign) and node.value is not None:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    yield target.id, node.value, node.lineno
        elif (
            isinstance(node, ast.AnnAssign)
            and node.value is not None
            and isinstance(node.target, ast.Name)
        ):
            yield node.target.id, node.value, node.lineno


def module_name(path: Path, root: Path) -> tuple[str, Path]:
    """The dotted module of a file and the folder that must be on ``sys.path``.

    Packages are followed upwards through their ``__init__.py`` files. A file
    under ``ROOT/src`` is imported relative to ``src`` (namespace packages
    included); any other file outside a package is imported from its folder.
    """
    path = path.resolve()
    root = root.resolve()
    src = root / "src"
    if src in path.parents:
        parts = path.relative_to(src).with_suffix("").parts
        return _join(parts), src
    folder = path.parent
    parts_list = [path.stem]
    while (folder / "__init__.py").exists() and folder != folder.parent:
        parts_list.insert(0, folder.name)
        folder = folder.parent
        if folder == root.parent:
            break
    return _join(tuple(parts_list)), folder


def _join(parts: tuple[str, ...]) -> str:
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)
