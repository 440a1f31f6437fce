"""``textDocument/references``: every place in the workspace that sends a task.

From a task name (or the task's function name), the references are the
task-name strings of every send site in the workspace that names the task,
plus its declaration when the client asks for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from qtasks_lsp import resolve
from qtasks_lsp.features import definition, lookup
from qtasks_lsp.scan import SendSite
from qtasks_lsp.workspace import Root

if TYPE_CHECKING:
    from qtasks_lsp.server import QTasksServer


def is_task_name(root: Root, site: SendSite, path: object) -> bool:
    """True when a send site's string is a task name (not data)."""
    if site.form == "keyword":
        return True
    return bool(resolve.receiver_is_app(root, path, f"{site.receiver}.add_task"))  # type: ignore[arg-type]


def send_sites(root: Root, name: str) -> list[tuple[Path, SendSite]]:
    """Every send site of the root that names ``name``."""
    found: list[tuple[Path, SendSite]] = []
    for path, file_scan in root.scans.items():
        for site in file_scan.sends:
            if site.name == name and is_task_name(root, site, path):
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
    sites = send_sites(target.root, target.name)
    locations = [_location(ls, p, s) for p, s in sites]  # type: ignore[arg-type]
    if params.context.include_declaration and target.task is not None:
        declared = definition.location(ls, target.task)
        if declared is not None:
            locations.insert(0, declared)
    return locations


def register(ls: QTasksServer) -> None:
    """Register the references handler."""
    ls.feature(types.TEXT_DOCUMENT_REFERENCES)(references)
