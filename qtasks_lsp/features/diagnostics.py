"""Diagnostics for unknown task names, and the quick fix that renames them.

A task name in a send site (where hover treats a string as a task name: a
``task_name=`` value, or the first argument of ``<app>.add_task`` with a
receiver that is an app) that the document's app does not have is reported
with code ``unknown-task`` and the closest names: a warning when the
catalogue comes from a successful inspection, a hint-level information when
only the source was read (dynamically registered tasks cannot be seen
there), and nothing while no catalogue exists. Diagnostics are pushed for
open documents, debounced while typing, and refreshed when a catalogue
changes. The code action offers each suggestion as a quick fix.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from qtasks_lsp.features import lookup, references
from qtasks_lsp.workspace import AppState, Root

if TYPE_CHECKING:
    from qtasks_lsp.server import QTasksServer

logger = logging.getLogger(__name__)

SOURCE = "qtasks"
UNKNOWN_TASK = "unknown-task"
DEBOUNCE = 0.3
_pending: dict[str, asyncio.TimerHandle] = {}


def _app_label(root: Root, state: AppState) -> str:
    name = (state.document or {}).get("app", {}) or {}
    label = name.get("Name") if isinstance(name, dict) else None
    where = ""
    if state.choice.file is not None:
        try:
            where = f" ({state.choice.file.relative_to(root.path).as_posix()})"
        except ValueError:
            where = f" ({state.choice.file})"
    return f"'{label or state.choice.spec}'{where}"


def _severity(state: AppState) -> types.DiagnosticSeverity | None:
    if state.catalogue.origin == "inspected" and state.state == "ready":
        return types.DiagnosticSeverity.Warning
    if state.catalogue.origin == "inspected":
        return types.DiagnosticSeverity.Information
    if state.catalogue.tasks:
        return types.DiagnosticSeverity.Information
    return None


def suggestions(name: str, known: list[str]) -> list[str]:
    """The known names closest to ``name``, best first."""
    return difflib.get_close_matches(name, known, n=3, cutoff=0.6)


def compute(ls: QTasksServer, uri: str) -> list[types.Diagnostic]:
    """The diagnostics of one document."""
    found = ls.app_for(uri)
    path = ls.path_of(uri)
    if found is None or path is None:
        return []
    root, state = found
    file_scan = root.scans.get(path)
    severity = _severity(state)
    if file_scan is None or severity is None:
        return []
    known = list(state.catalogue.tasks)
    diagnostics = []
    for site in file_scan.sends:
        if site.name in state.catalogue.tasks or not references.is_task_name(root, site, path):
            continue
        close = suggestions(site.name, known)
        message = f"No task '{site.name}' in app {_app_label(root, state)}."
        if close:
            message += " Did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
        diagnostics.append(
            types.Diagnostic(
                range=lookup.span_range(ls, path, site.span),
                message=message,
                severity=severity,
                code=UNKNOWN_TASK,
                source=SOURCE,
                data={"suggestions": close},
            )
        )
    return diagnostics


def publish(ls: QTasksServer, uri: str) -> None:
    """Send the diagnostics of one open document."""
    _pending.pop(uri, None)
    if uri not in ls.workspace.text_documents:
        return
    try:
        items = compute(ls, uri)
    except Exception:  # the boundary of a background job
        logger.exception("could not compute diagnostics for %s", uri)
        return
    document = ls.workspace.text_documents.get(uri)
    version = document.version if document is not None else None
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=version)
    )


def schedule(ls: QTasksServer, uri: str) -> None:
    """Publish a document's diagnostics after a short pause in typing."""
    handle = _pending.pop(uri, None)
    if handle is not None:
        handle.cancel()
    loop = asyncio.get_event_loop()
    _pending[uri] = loop.call_later(DEBOUNCE, publish, ls, uri)


def refresh_root(ls: QTasksServer, root: Root) -> None:
    """Publish again for every open document of a root."""
    for uri in list(ls.workspace.text_documents):
        path = ls.path_of(uri)
        if path is not None and root.contains(path):
            schedule(ls, uri)


def code_action(
    ls: QTasksServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    """Quick fixes: replace an unknown task name with each suggestion."""
    actions = []
    for diagnostic in params.context.diagnostics:
        if diagnostic.code != UNKNOWN_TASK or diagnostic.source != SOURCE:
            continue
        data: Any = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        for name in data.get("suggestions") or []:
            edit = types.TextEdit(range=diagnostic.range, new_text=name)
            actions.append(
                types.CodeAction(
                    title=f"Replace with '{name}'",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=name == (data.get("suggestions") or [None])[0],
                    edit=types.WorkspaceEdit(
                        changes={params.text_document.uri: [edit]}
                    ),
                )
            )
    return actions or None


def register(ls: QTasksServer) -> None:
    """Register the code action and the diagnostics triggers."""
    ls.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )(code_action)
    ls.catalogue_listeners.append(lambda root: refresh_root(ls, root))
    ls.document_listeners.append(lambda uri: schedule(ls, uri))

