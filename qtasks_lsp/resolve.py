"""Resolving names as a file sees them: apps, receivers and task functions.

Shared by the editor features and by ``checks`` (and so by ``qtasks-lsp
check``); it needs no LSP types, so the command-line checks do not pay for
importing them.
"""

from __future__ import annotations

from pathlib import Path

from qtasks_lsp.catalogue import Task
from qtasks_lsp.scan import FileScan
from qtasks_lsp.workspace import AppState, Root


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


def receiver_app(
    root: Root, file_scan: FileScan | None, callee: str
) -> AppState | None:
    """The app a call is made on (``app`` in ``app.add_task``), when it is one."""
    receiver = callee.rpartition(".")[0]
    if not receiver or file_scan is None:
        return None
    return root.apps.get(qualify(file_scan, receiver) or "")


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
