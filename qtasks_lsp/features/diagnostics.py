"""Diagnostics (``qtasks`` source) and the quick fix for unknown task names.

The rules are in ``qtasks_lsp.checks``: ``unknown-task``, ``bad-arguments``,
``duplicate-task`` and ``app-import-failed``. They run on the open buffer's
text. A client that supports pull diagnostics (LSP 3.17) asks for them and
is told to ask again when a catalogue changes; other clients get them
pushed, debounced while typing. The code action offers each suggested name
of an ``unknown-task`` diagnostic as a quick fix.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from qtasks_lsp import checks
from qtasks_lsp.features import lookup
from qtasks_lsp.workspace import Root

if TYPE_CHECKING:
    from qtasks_lsp.server import QTasksServer

logger = logging.getLogger(__name__)

SOURCE = "qtasks"
UNKNOWN_TASK = "unknown-task"
DEBOUNCE = 0.3
_pending: dict[str, asyncio.TimerHandle] = {}


def to_lsp(
    ls: QTasksServer, finding: checks.Finding, uri: str | None = None
) -> types.Diagnostic:
    """An LSP diagnostic for a finding (``uri``: the document, when not a file)."""
    return types.Diagnostic(
        range=lookup.span_range(ls, finding.path, finding.span, uri),
        message=finding.message,
        severity=types.DiagnosticSeverity(finding.severity),
        code=finding.code,
        source=SOURCE,
        data=finding.data,
    )


def compute(ls: QTasksServer, uri: str) -> list[types.Diagnostic]:
    """The diagnostics of one document."""
    root = ls.root_for(uri)
    if root is None:
        return []
    path = ls.path_of(uri)
    if path is not None:
        return [to_lsp(ls, f) for f in checks.check_file(root, path)]
    buffer_scan = ls.scan_of(uri)
    if buffer_scan is None:
        return []
    findings = checks.check_file(root, buffer_scan.path, buffer_scan)
    return [to_lsp(ls, f, uri) for f in findings if f.path == buffer_scan.path]


def pull_supported(ls: QTasksServer) -> bool:
    """True when the client asks for diagnostics itself (LSP 3.17 pull model)."""
    caps = ls.client_capabilities
    return bool(caps and caps.text_document and caps.text_document.diagnostic)


def publish(ls: QTasksServer, uri: str) -> None:
    """Send the diagnostics of one open document."""
    _pending.pop(uri, None)
    if uri not in ls.workspace.text_documents or pull_supported(ls):
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
    """Publish again for every open document of a root (or ask a pull client to)."""
    if pull_supported(ls):
        caps = ls.client_capabilities.workspace
        if caps and caps.diagnostics and caps.diagnostics.refresh_support:
            ls.workspace_diagnostic_refresh(None)
        return
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


def pull(
    ls: QTasksServer, params: types.DocumentDiagnosticParams
) -> types.RelatedFullDocumentDiagnosticReport:
    """Answer a ``textDocument/diagnostic`` request from the open buffer."""
    return types.RelatedFullDocumentDiagnosticReport(
        items=compute(ls, params.text_document.uri)
    )


def register(ls: QTasksServer) -> None:
    """Register pull diagnostics, the code action and the push triggers."""
    ls.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier=SOURCE, inter_file_dependencies=True, workspace_diagnostics=False
        ),
    )(pull)
    ls.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )(code_action)
    ls.catalogue_listeners.append(lambda root: refresh_root(ls, root))
    ls.document_listeners.append(lambda uri: schedule(ls, uri))
