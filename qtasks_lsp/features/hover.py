"""``textDocument/hover``: a card describing the task under the cursor.

Hovering ``"emails.send"`` in ``app.add_task("emails.send", ...)``, a
``task_name=`` value, a decorator's ``name=``, or a task's function name
shows the task's name, description, signature, options, where it is
defined, which app it belongs to, and whether the data was inspected or read
from source. An unknown name gets a short "no such task" card.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from qtasks_lsp.catalogue import Task
from qtasks_lsp.features import lookup
from qtasks_lsp.render import relative
from qtasks_lsp.workspace import AppState, Root

if TYPE_CHECKING:
    from qtasks_lsp.server import QTasksServer


def _when(stamp: float | None) -> str:
    if stamp is None:
        return ""
    return time.strftime(" at %H:%M:%S", time.localtime(stamp))


def provenance(root: Root, state: AppState) -> str:
    """Where the data came from, in words."""
    if state.catalogue.origin == "inspected":
        text = f"inspected{_when(state.last_inspection)}"
        if state.state == "stale":
            text += "; the last inspection failed, this data may be out of date"
        return text
    if state.state == "untrusted":
        return "read from source (untrusted workspace: no project code runs)"
    if state.state == "disabled":
        return "read from source (inspection is turned off)"
    return "read from source"


def _fmt(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "-"
    return str(value)


def _kind(task: Task) -> str:
    kind = "async" if task.awaiting or task.generating == "async" else "sync"
    if task.generating:
        kind += " generator"
    if task.echo:
        kind += ", echo (receives `self`)"
    return kind


def card_lines(task: Task, root: Root, state: AppState) -> list[tuple[str, str]]:
    """The labelled facts of a task's card, in display order."""
    facts = [("kind", _kind(task)), ("priority", _fmt(task.priority))]
    optional = [
        ("tags", task.tags),
        ("retry", task.retry),
        ("retry on", task.retry_on_exc),
        ("max time", f"{task.max_time} s" if task.max_time is not None else None),
        ("executor", task.executor),
        ("middlewares before", task.middlewares_before),
        ("middlewares after", task.middlewares_after),
        ("router", task.router),
        ("shared task", "yes" if task.shared else None),
    ]
    facts += [
        (label, _fmt(value)) for label, value in optional if value not in (None, [], {})
    ]
    facts += [(f"extra `{k}`", _fmt(v)) for k, v in task.extra.items()]
    facts.append(("app", f"{state.choice.spec}"))
    facts.append(("data", provenance(root, state)))
    return facts


def _where(task: Task, root: Root) -> tuple[str, str | None]:
    if task.file is None:
        return "unknown", None
    shown = relative(task.file, root.path)
    line = f":{task.line}" if task.line else ""
    uri = task.file.as_uri() + (f"#L{task.line}" if task.line else "")
    return f"{shown}{line}", uri


def markdown_card(task: Task, root: Root, state: AppState) -> str:
    """The card as Markdown."""
    head = f"**QTasks task** `{task.name}`"
    parts = [head]
    summary = task.description or task.doc
    if summary:
        parts.append(summary)
    if task.signature:
        func = task.func or "task"
        parts.append(f"```python\ndef {func}{task.signature}\n```")
    facts = [f"- {label}: {value}" for label, value in card_lines(task, root, state)]
    shown, uri = _where(task, root)
    facts.insert(
        -2, f"- defined at: [{shown}]({uri})" if uri else f"- defined at: {shown}"
    )
    parts.append("\n".join(facts))
    return "\n\n".join(parts)


def plain_card(task: Task, root: Root, state: AppState) -> str:
    """The card as plain text, for clients without Markdown."""
    lines = [f"QTasks task {task.name}"]
    summary = task.description or task.doc
    if summary:
        lines.append(summary)
    if task.signature:
        lines.append(f"def {task.func or 'task'}{task.signature}")
    facts = card_lines(task, root, state)
    facts.insert(-2, ("defined at", _where(task, root)[0]))
    lines += [f"{label}: {value}" for label, value in facts]
    return "\n".join(lines)


def unknown_card(name: str, root: Root, state: AppState, markdown: bool) -> str:
    """The short card for a name the app does not have."""
    where = ""
    if state.choice.file is not None:
        where = f" ({relative(state.choice.file, root.path)})"
    if markdown:
        return (
            f"**QTasks**: no such task `{name}` in app `{state.choice.spec}`{where}\n\n"
            f"- data: {provenance(root, state)}"
        )
    return f"QTasks: no such task {name} in app {state.choice.spec}{where}\ndata: {provenance(root, state)}"


def wants_markdown(ls: QTasksServer) -> bool:
    """True unless the client asked for plain-text hovers only."""
    caps = ls.client_capabilities
    hover = caps.text_document.hover if caps and caps.text_document else None
    formats = hover.content_format if hover else None
    if not formats:
        return True
    return formats[0] == types.MarkupKind.Markdown


def hover(ls: QTasksServer, params: types.HoverParams) -> types.Hover | None:
    """Answer a hover request."""
    target = lookup.at(ls, params.text_document.uri, params.position)
    if target is None:
        return None
    markdown = wants_markdown(ls)
    if target.task is None:
        value = unknown_card(target.name, target.root, target.app, markdown)
        owners = [
            f"`{s.choice.spec}`" if markdown else s.choice.spec
            for s in target.root.apps.values()
            if s is not target.app and s.catalogue.get(target.name)
        ]
        if owners:
            value += f"\n\nDefined in app {', '.join(owners)}."
    elif markdown:
        value = markdown_card(target.task, target.root, target.app)
    else:
        value = plain_card(target.task, target.root, target.app)
    kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
    return types.Hover(
        contents=types.MarkupContent(kind=kind, value=value),
        range=lookup.range_of(ls, target.lexed, target.start, target.end),
    )


def register(ls: QTasksServer) -> None:
    """Register the hover handler."""
    ls.feature(types.TEXT_DOCUMENT_HOVER)(hover)
