"""``textDocument/definition``: from a task name to the task's function.

Works on a task-name string (send sites, ``task_name=``, decorator ``name=``)
and on a task function's name in ``fn.add_task``. The location is the
function's name in its ``def`` line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from qtasks_lsp.catalogue import Task
from qtasks_lsp.features import lookup
from qtasks_lsp.scan import Span

if TYPE_CHECKING:
    from qtasks_lsp.server import QTasksServer


def location(ls: QTasksServer, task: Task) -> types.Location | None:
    """Where a task's function is defined, as an LSP location."""
    if task.file is None or task.line is None:
        return None
    span = task.name_span or Span(task.line, 0, task.line, 0)
    return types.Location(
        uri=task.file.as_uri(), range=lookup.span_range(ls, task.file, span)
    )


def definition(
    ls: QTasksServer, params: types.DefinitionParams
) -> list[types.Location] | None:
    """Answer a definition request."""
    target = lookup.at(ls, params.text_document.uri, params.position)
    if target is None or target.task is None:
        return None
    found = location(ls, target.task)
    return [found] if found else None


def register(ls: QTasksServer) -> None:
    """Register the definition handler."""
    ls.feature(types.TEXT_DOCUMENT_DEFINITION)(definition)
