"""What a position in a document refers to, shared by hover, definition and references.

A position names a task when it is on a task-name string (see ``cursor``)
whose call makes it a name: the first argument of ``<app>.add_task`` with a
receiver that resolves to a QTasks app, any ``task_name=`` value, or the
``name=`` of a task decorator; or on a task's function name, at its ``def``
or in ``fn.add_task``.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
from lsprotocol import types

from qtasks_lsp import cursor
from qtasks_lsp.catalogue import Task
from qtasks_lsp.scan import FileScan, Span
from qtasks_lsp.workspace import AppState, Root

if TYPE_CHECKING:
    from qtasks_lsp.server import QTasksServer


@attrs.define
class Target:
    """A task name found at a position, and what it resolves to."""

    name: str
    root: Root
    app: AppState
    task: Task | None
    start: int
    end: int
    lexed: cursor.Lexed


def offset_of(ls: QTasksServer, lexed: cursor.Lexed, position: types.Position) -> int:
    """The code-point offset of an LSP position, in the negotiated encoding."""
    starts = lexed.line_starts
    if position.line >= len(starts):
        return len(lexed.text)
    start = starts[position.line]
    end = (
        starts[position.line + 1]
        if position.line + 1 < len(starts)
        else len(lexed.text)
    )
    line = lexed.text[start:end].rstrip("\r\n")
    return start + _column(line, position.character, _encoding(ls))


def _encoding(ls: QTasksServer) -> str:
    return str(ls.workspace.position_encoding or "utf-16")


def _column(line: str, wanted: int, encoding: str) -> int:
    """The code-point index in ``line`` of a column counted in code units."""
    count = 0
    for index, char in enumerate(line):
        if count >= wanted:
            return index
        count += units(char, encoding)
    return len(line)


def position_of(ls: QTasksServer, lexed: cursor.Lexed, offset: int) -> types.Position:
    """The LSP position of a code-point offset, in the negotiated encoding."""
    line = bisect.bisect_right(lexed.line_starts, offset) - 1
    segment = lexed.text[lexed.line_starts[line] : offset]
    return types.Position(line=line, character=units(segment, _encoding(ls)))


def units(segment: str, encoding: str) -> int:
    """The length of ``segment`` in the code units of ``encoding``."""
    if encoding == "utf-32":
        return len(segment)
    if encoding == "utf-8":
        return len(segment.encode("utf-8", "surrogatepass"))
    return len(segment) + sum(1 for c in segment if ord(c) > 0xFFFF)


def range_of(
    ls: QTasksServer, lexed: cursor.Lexed, start: int, end: int
) -> types.Range:
    """The LSP range between two code-point offsets."""
    return types.Range(
        start=position_of(ls, lexed, start), end=position_of(ls, lexed, end)
    )


def receiver_is_app(
    root: Root, path: Path | None, callee: str, file_scan: FileScan | None = None
) -> bool | None:
    """Whether the receiver of ``x.add_task`` is an app: True, False, or None (unknown).

    ``self`` and names that resolve to something else of the workspace (a task
    function, a local variable) are not apps; names from outside the workspace
    are unknown.
    """
    receiver = callee.rpartition(".")[0]
    if not receiver:
        return None
    if receiver.split(".")[0] in ("self", "cls"):
        return False
    if file_scan is None:
        file_scan = root.scans.get(path) if path else None
    if file_scan is None:
        return None
    spec = qualify(file_scan, receiver)
    if spec is None:
        return None
    if spec in root.app_specs():
        return True
    module = spec.partition(":")[0]
    return False if root.has_module(module) else None


def qualify(file_scan: FileScan, expression: str) -> str | None:
    """``module:attr`` for a dotted name as seen from a file, through its imports."""
    if expression in file_scan.apps:
        return file_scan.apps[expression]
    head, _, rest = expression.partition(".")
    origin = file_scan.imports.get(head)
    if origin is None:
        return None if rest else f"{file_scan.module}:{expression}"
    full = f"{origin}.{rest}" if rest else origin
    module, _, attr = full.rpartition(".")
    return f"{module}:{attr}" if module else None


def at(ls: QTasksServer, uri: str, position: types.Position) -> Target | None:
    """The task name at a position, or None when the position names no task."""
    found = ls.app_for(uri)
    text = ls.text_of(uri)
    if found is None or text is None:
        return None
    root, state = found
    lexed = ls.lexed(uri, text)
    offset = offset_of(ls, lexed, position)
    path = ls.path_of(uri)
    context = cursor.context_at(lexed, offset)
    if context is not None:
        file_scan = ls.scan_of(uri)
        if context.role == "positional" and not receiver_is_app(
            root, path, context.callee, file_scan
        ):
            return None
        literal = context.literal
        owner = _receiver_app(root, file_scan, context.callee)
        if owner is not None:
            state, task = owner, owner.catalogue.get(context.value)
        else:
            state, task = _find(root, state, path, context.value)
        return Target(
            context.value,
            root,
            state,
            task,
            literal.content_start,
            literal.content_end,
            lexed,
        )
    if lexed.literal_at(offset) is not None or lexed.in_comment(offset):
        return None
    return _function_target(root, state, path, lexed, offset)


def _receiver_app(
    root: Root, file_scan: FileScan | None, callee: str
) -> AppState | None:
    """The app a call is made on (``app`` in ``app.add_task``), when it is one."""
    receiver = callee.rpartition(".")[0]
    if not receiver or file_scan is None:
        return None
    return root.apps.get(qualify(file_scan, receiver) or "")


def _find(
    root: Root, state: AppState, path: Path | None, name: str
) -> tuple[AppState, Task | None]:
    """The task of that name: in the document's app first, then in the others."""
    for app in root.ordered_apps(path):
        task = app.catalogue.get(name)
        if task is not None:
            return app, task
    return state, None


def _function_target(
    root: Root, state: AppState, path: Path | None, lexed: cursor.Lexed, offset: int
) -> Target | None:
    text = lexed.text
    word = cursor.word_at(text, offset)
    if word is None or path is None:
        return None
    start, end, name = word
    role = cursor.function_role(text, start, end)
    if role is None:
        return None
    task = task_by_function(root, state, path, name, role)
    if task is None:
        return None
    return Target(task.name, root, state, task, start, end, lexed)


def task_by_function(
    root: Root, state: AppState, path: Path, name: str, role: str
) -> Task | None:
    """The task whose function ``name`` is defined here (``def``) or sent (``send``)."""
    if role == "def":
        for app in root.ordered_apps(path):
            task = app.catalogue.by_function(path, name)
            if task is not None:
                return task
        return None
    file_scan = root.scans.get(path)
    spec = qualify(file_scan, name) if file_scan else None
    if spec is None:
        return None
    module, _, func = spec.partition(":")
    for app in root.ordered_apps(path):
        for task in app.catalogue.tasks.values():
            if task.func != func or task.file is None:
                continue
            task_scan = root.scans.get(task.file)
            if task_scan is not None and task_scan.module == module:
                return task
    return None


def span_range(
    ls: QTasksServer, path: Path, span: Span, uri: str | None = None
) -> types.Range:
    """An LSP range for a scan span (1-based lines, code-point columns) of a file.

    ``uri`` names the document when it is not the file at ``path`` (untitled).
    """
    uri = uri or path.as_uri()
    text = ls.text_of(uri) or ""
    lexed = ls.lexed(uri, text)
    starts = lexed.line_starts

    def offset(line: int, col: int) -> int:
        if line - 1 >= len(starts):
            return len(text)
        return min(starts[line - 1] + col, len(text))

    return range_of(
        ls, lexed, offset(span.line, span.col), offset(span.end_line, span.end_col)
    )
