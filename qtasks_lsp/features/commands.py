"""``workspace/executeCommand``: Inspect App, Status and Refresh.

``qtasks.server.inspectApp`` returns ``{text, markdown, app, tasks}`` for one
app (an app spec or a document URI may be passed; the first app otherwise):
the ``InspectStats.app()`` summary, a Markdown page with the task table, and
the JSON behind them. When the app was never inspected (untrusted, no
interpreter, a failure) the answer is built from source and says so.
``qtasks.server.status`` describes every app; ``qtasks.server.refresh``
schedules new inspections.
"""

from __future__ import annotations

import time
from typing import Any

import attrs

from qtasks_lsp import render
from qtasks_lsp.catalogue import Task
from qtasks_lsp.server import (
    QTasksServer,  # resolved at run time: pygls reads the hints
)
from qtasks_lsp.workspace import AppState, Root

INSPECT_APP = "qtasks.server.inspectApp"
STATUS = "qtasks.server.status"
REFRESH = "qtasks.server.refresh"


def _choice(root: Root, state: AppState) -> dict[str, Any]:
    proj = root.project
    if proj is not None:
        return proj.choice(state.choice)
    return {
        "spec": state.choice.spec,
        "source": state.choice.source,
        "python": None,
        "python_source": None,
    }


def _task_record(task: Task) -> dict[str, Any]:
    record = attrs.asdict(task, recurse=True)
    record["file"] = str(task.file) if task.file else None
    record.pop("name_span", None)
    record.pop("string_span", None)
    return record


def _find(ls: QTasksServer, argument: Any) -> tuple[Root, AppState] | None:
    """The app an argument names (a spec or a document URI); the first app without one."""
    if argument is None:
        for root in ls.roots.values():
            for state in root.apps.values():
                return root, state
        return None
    if not isinstance(argument, str):
        return None
    for root in ls.roots.values():
        if argument in root.apps:
            return root, root.apps[argument]
    if "/" in argument or argument.startswith("untitled:"):
        return ls.app_for(argument)
    return None


def inspect_app(ls: QTasksServer, *arguments: Any) -> dict[str, Any] | None:
    """The app summary of one app: text, Markdown and the JSON behind them."""
    argument = arguments[0] if arguments else None
    found = _find(ls, argument)
    if found is None:
        text = _no_app(ls, argument)
        return {"text": text, "markdown": text, "app": None, "tasks": []}
    root, state = found
    choice = _choice(root, state)
    tasks = [_task_record(t) for t in state.catalogue.tasks.values()]
    document = state.document if state.catalogue.origin == "inspected" else None
    if document is not None:
        text = render.inspection_text(choice, document, root.path)
        markdown = render.inspection_markdown(choice, document, root.path)
        return {
            "text": text,
            "markdown": markdown,
            "app": document.get("app"),
            "tasks": tasks,
        }
    static_document = {"app": None, "tasks": tasks, "qtasks": None}
    note = _why_static(state)
    text = note + "\n\n" + render.inspection_text(choice, static_document, root.path)
    markdown = f"> {note}\n\n" + render.inspection_markdown(
        choice, static_document, root.path
    )
    return {"text": text, "markdown": markdown, "app": None, "tasks": tasks}


def _why_static(state: AppState) -> str:
    reason = {
        "untrusted": "the workspace is not trusted, so no project code runs",
        "disabled": "inspection is turned off",
        "inspecting": "the first inspection is still running",
    }.get(state.state)
    if reason is None and state.last_error:
        reason = f"inspection failed: {state.last_error.get('message')}"
    return f"Read from source ({reason or 'not inspected yet'})."


def _no_app(ls: QTasksServer, argument: Any) -> str:
    """Why there is no app to show, and which apps there are."""
    known = [spec for root in ls.roots.values() for spec in root.apps]
    if argument is not None and known:
        return (
            f"No QTasks app {argument!r} in this workspace; its apps are: "
            + ", ".join(f"`{spec}`" for spec in known)
            + "."
        )
    errors = [r.setup_error.describe() for r in ls.roots.values() if r.setup_error]
    return "No QTasks app found. " + " ".join(errors)


def _stamp(value: float | None) -> str | None:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(value)) if value else None


def status_payload(ls: QTasksServer) -> dict[str, Any]:
    """Every app of every root: spec, interpreter, state, errors and counts."""
    apps: list[dict[str, Any]] = []
    for root in ls.roots.values():
        proj = root.project
        for state in root.apps.values():
            apps.append(
                {
                    "spec": state.choice.spec,
                    "root": str(root.path),
                    "source": state.choice.source,
                    "python": str(proj.python.path) if proj and proj.python else None,
                    "pythonSource": proj.python.source
                    if proj and proj.python
                    else None,
                    "state": state.state,
                    "taskCount": len(state.catalogue.tasks),
                    "origin": state.catalogue.origin,
                    "lastError": state.last_error,
                    "lastInspection": _stamp(state.last_inspection),
                }
            )
    lines = []
    for app in apps:
        lines.append(
            f"{app['spec']} ({app['source']}): {app['state']}, {app['taskCount']} tasks; "
            f"python {app['python'] or 'none'} ({app['pythonSource'] or '-'})"
        )
        if app["lastError"]:
            error: dict[str, Any] = app["lastError"]
            lines.append(f"  last error: {error.get('message')}")
    for root in ls.roots.values():
        if root.setup_error is not None:
            lines.append(f"{root.path}: {root.setup_error.describe()}")
    text = "\n".join(lines) or "No workspace folder is open."
    markdown = "\n".join(f"- {line.strip()}" for line in lines) or text
    return {"apps": apps, "text": text, "markdown": markdown}


def status(ls: QTasksServer, *arguments: Any) -> dict[str, Any]:
    """The ``qtasks.server.status`` command."""
    return status_payload(ls)


def refresh(ls: QTasksServer, *arguments: Any) -> None:
    """The ``qtasks.server.refresh`` command: decide again and inspect again."""
    for root in ls.roots.values():
        ls.setup_root(root, rescan=True)
    return None


def register(ls: QTasksServer) -> None:
    """Register the three server commands."""
    ls.command(INSPECT_APP)(inspect_app)
    ls.command(STATUS)(status)
    ls.command(REFRESH)(refresh)
