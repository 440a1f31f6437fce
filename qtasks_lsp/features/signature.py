"""``textDocument/signatureHelp``: the task's own parameters while typing a send.

Inside ``app.add_task("billing.charge", |)`` or ``charge.add_task(|)`` the
client shows the task's parameters (without ``self`` for echo tasks), then
the send call's own keywords (``priority``, ``timeout``), with the active
parameter following the cursor: by position, or by name after ``kw=``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from qtasks_lsp import cursor, resolve
from qtasks_lsp.catalogue import Task
from qtasks_lsp.features import lookup

if TYPE_CHECKING:
    from qtasks_lsp.server import QTasksServer

SEND_OPTIONS = ("priority: int | None = None", "timeout: float | None = None")
_KEYWORD = re.compile(r"(\w+)\s*=(?!=)[^,]*$", re.DOTALL)


def task_parameters(task: Task) -> list[dict[str, Any]]:
    """The parameters a sender passes: ``self`` of an echo task left out."""
    params = list(task.parameters or [])
    if task.echo and params and params[0].get("kind") != "KEYWORD_ONLY":
        params = params[1:]
    return params


def _label(param: dict[str, Any]) -> str:
    name = str(param["name"])
    if param.get("kind") == "VAR_POSITIONAL":
        name = f"*{name}"
    elif param.get("kind") == "VAR_KEYWORD":
        name = f"**{name}"
    if param.get("annotation"):
        name += f": {param['annotation']}"
    if param.get("default") is not None:
        name += f" = {param['default']}"
    return name


def _call_task(
    ls: QTasksServer, uri: str, lexed: cursor.Lexed, paren: int, callee: str
) -> tuple[Task, bool] | None:
    """The task a send call is about, and whether its first argument is the name."""
    found = ls.app_for(uri)
    file_scan = ls.scan_of(uri)
    if found is None or file_scan is None:
        return None
    root, state = found
    path = file_scan.path
    receiver = callee.rpartition(".")[0]
    if resolve.receiver_is_app(root, path, callee, ls.scan_of(uri)):
        literal = lexed.literal_at(_first_argument(lexed.text, paren))
        if literal is None:
            return None
        name = lexed.text[literal.content_start : literal.content_end]
        for app in root.ordered_apps(path):
            task = app.catalogue.get(name)
            if task is not None:
                return task, True
        return None
    task = resolve.task_by_function(root, state, path, receiver, "send")
    return (task, False) if task is not None else None


def _first_argument(text: str, paren: int) -> int:
    index = paren + 1
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    while index < len(text) and text[index] in "rRuU":
        index += 1
    return index + 1


def _active(params: list[dict[str, Any]], argument: int, segment: str) -> int:
    keyword = _KEYWORD.search(segment)
    if keyword is not None:
        names = [str(p["name"]) for p in params]
        if keyword.group(1) in names:
            return names.index(keyword.group(1))
        options = [o.split(":")[0] for o in SEND_OPTIONS]
        if keyword.group(1) in options:
            return len(params) + options.index(keyword.group(1))
    kinds = [p.get("kind") for p in params]
    positional = [
        i
        for i, k in enumerate(kinds)
        if k in ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")
    ]
    if argument < len(positional):
        return positional[argument]
    if "VAR_POSITIONAL" in kinds:
        return kinds.index("VAR_POSITIONAL")
    return len(params)


def signature_help(
    ls: QTasksServer, params: types.SignatureHelpParams
) -> types.SignatureHelp | None:
    """Answer a signature help request."""
    uri = params.text_document.uri
    text = ls.text_of(uri)
    if text is None:
        return None
    lexed = ls.lexed(uri, text)
    offset = lookup.offset_of(ls, lexed, params.position)
    if lexed.literal_at(offset) is not None or lexed.in_comment(offset):
        return None
    enclosing = cursor.enclosing_call(text, offset, lexed)
    if enclosing is None:
        return None
    paren, argument = enclosing
    callee = cursor.callee_before(text, paren, lexed)
    if not callee.endswith(".add_task"):
        return None
    found = _call_task(ls, uri, lexed, paren, callee)
    if found is None:
        return None
    task, named = found
    if named:
        argument -= 1
        if argument < 0:
            return None
    shown = task_parameters(task)
    labels = [_label(p) for p in shown] + list(SEND_OPTIONS)
    info = types.SignatureInformation(
        label=f"{task.name}({', '.join(labels)})",
        documentation=task.description or task.doc,
        parameters=[types.ParameterInformation(label=label) for label in labels],
    )
    segment = text[paren + 1 : offset].rsplit(",", 1)[-1]
    return types.SignatureHelp(
        signatures=[info],
        active_signature=0,
        active_parameter=_active(shown, argument, segment),
    )


def register(ls: QTasksServer) -> None:
    """Register the signature help handler."""
    options = types.SignatureHelpOptions(
        trigger_characters=["(", ","], retrigger_characters=["="]
    )
    ls.feature(types.TEXT_DOCUMENT_SIGNATURE_HELP, options)(signature_help)
