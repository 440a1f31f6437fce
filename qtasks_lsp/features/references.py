"""``textDocument/references``: every place in the workspace that sends a task.

From a task name (or the task's function name), the references are the
task-name strings of every send site in the workspace that sends the task to
its app (a name another app also has is not counted for it),
plus its declaration when the client asks for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from qtasks_lsp import checks
from qtasks_lsp.features import definition, lookup
from qtasks_lsp.scan import SendSite
from qtasks_lsp.workspace import AppState, Root

if TYPE_CHECKING:
    from qtasks_lsp.server import QTasksServer


def send_sites(root: Root, name: str, app: AppState) -> list[tuple[Path, SendSite]]:
    """Every send site of the root that sends ``name`` to ``app``."""
    found: list[tuple[Path, SendSite]] = []
    for path, file_scan in root.scans.items():
        default = root.app_for(path)
        for site in file_scan.sends:
            if site.name != name or default is None:
                continue
            if not checks.is_task_name(root, site, path, file_scan):
                continue
            if checks.send_app(root, file_scan, site, default) is app:
                found.append((path, site))
    return found


def _location(ls: QTasksServer, path: Path, site: SendSite) -> types.Location:
    return types.Location(
        uri=path.as_uri(), range=lookup.span_range(ls, path, site.span)
    )


def references(
    ls: QTasksServer, params: types.ReferenceParams
) -> list[types.Location] | None:
    """Answer a references request."""
    target = lookup.at(ls, params.text_document.uri, params.position)
    if target is None:
        return None
    sites = send_sites(target.root, target.name, target.app)
    locations = [_location(ls, p, s) for p, s in sites]
    if params.context.include_declaration and target.task is not None:
        declared = definition.location(ls, target.task)
        if declared is not None:
            locations.insert(0, declared)
    return locations


def register(ls: QTasksServer) -> None:
    """Register the references handler."""
    ls.feature(types.TEXT_DOCUMENT_REFERENCES)(references)
