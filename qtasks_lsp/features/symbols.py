"""``workspace/symbol``: tasks by name, so "go to symbol in workspace" finds them.

Every task of every app whose name contains the query (case-insensitive; an
empty query lists all) is a symbol of kind Function, located at its
function's name, with the app spec as container.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from qtasks_lsp.features import definition

if TYPE_CHECKING:
    from qtasks_lsp.server import QTasksServer

LIMIT = 500


def workspace_symbols(
    ls: QTasksServer, params: types.WorkspaceSymbolParams
) -> list[types.SymbolInformation]:
    """Answer a workspace symbol request."""
    query = params.query.lower()
    symbols: list[types.SymbolInformation] = []
    seen: set[tuple[str, str]] = set()
    for root in ls.roots.values():
        for state in root.apps.values():
            for task in state.catalogue.tasks.values():
                key = (task.name, str(task.file))
                if query not in task.name.lower() or key in seen:
                    continue
                location = definition.location(ls, task)
                if location is None:
                    continue
                seen.add(key)
                symbols.append(
                    types.SymbolInformation(
                        name=task.name,
                        kind=types.SymbolKind.Function,
                        location=location,
                        container_name=state.choice.spec,
                    )
                )
                if len(symbols) >= LIMIT:
                    return symbols
    return symbols


def register(ls: QTasksServer) -> None:
    """Register the workspace symbol handler."""
    ls.feature(types.WORKSPACE_SYMBOL)(workspace_symbols)
