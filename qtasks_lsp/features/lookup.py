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

from qtasks_lsp import cursor, resolve
from qtasks_lsp.catalogue import Task
from qtasks_lsp.scan import Span
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
        if context.role == "positional" and not resolve.receiver_is_app(
            root, path, context.callee, file_scan
        ):
            return None
        literal = context.literal
        owner = resolve.receiver_app(root, file_scan, context.callee)
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
    task = resolve.task_by_function(root, state, path, name, role)
    if task is None:
        return None
    return Target(task.name, root, state, task, start, end, lexed)


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
