"""The rules behind diagnostics and ``qtasks-lsp check``, free of LSP types.

Each rule reads one file's scan and the catalogue of the file's app and
yields ``Finding`` records with a stable code:

- ``unknown-task``: a task name the app does not have, with the closest names
  (an empty string, a name still being typed, is not reported);
- ``bad-arguments``: arguments that cannot bind to the task's signature;
- ``duplicate-task``: a second task of the same name in one app;
- ``app-import-failed``: the inspection failed at a known place in this file.

Severities follow what the catalogue can know: a fresh inspection makes an
unknown name a warning; a catalogue read from source only makes it
information, since tasks registered dynamically are invisible there.
"""

from __future__ import annotations

import difflib
import inspect
from pathlib import Path
from typing import Any

import attrs

from qtasks_lsp.catalogue import Task
from qtasks_lsp.scan import FileScan, SendSite, Span
from qtasks_lsp.workspace import AppState, Root

ERROR, WARNING, INFORMATION, HINT = 1, 2, 3, 4
SEVERITY_NAMES = {ERROR: "error", WARNING: "warning", INFORMATION: "info", HINT: "hint"}
SEND_KEYWORDS = frozenset({"priority", "timeout", "task_name", "trigger"})


@attrs.define
class Finding:
    """One problem found in a file."""

    path: Path
    span: Span
    severity: int
    code: str
    message: str
    data: dict[str, Any] = attrs.Factory(dict)


def _app_label(root: Root, state: AppState) -> str:
    summary = (state.document or {}).get("app") or {}
    label = summary.get("Name") if isinstance(summary, dict) else None
    where = ""
    if state.choice.file is not None:
        try:
            where = f" ({state.choice.file.relative_to(root.path).as_posix()})"
        except ValueError:
            where = f" ({state.choice.file})"
    return f"'{label or state.choice.spec}'{where}"


def unknown_severity(state: AppState) -> int | None:
    """How sure an unknown-name finding can be, given the catalogue's origin."""
    if state.catalogue.origin == "inspected" and state.state == "ready":
        return WARNING
    if state.catalogue.origin == "inspected" or state.catalogue.tasks:
        return INFORMATION
    return None


def suggestions(name: str, known: list[str]) -> list[str]:
    """The known names closest to ``name``, best first."""
    return difflib.get_close_matches(name, known, n=3, cutoff=0.6)


def is_task_name(root: Root, site: SendSite, path: Path) -> bool:
    """True when a send site's string is a task name (not data)."""
    from qtasks_lsp.features.lookup import receiver_is_app

    if site.form == "keyword":
        return True
    return bool(receiver_is_app(root, path, f"{site.receiver}.add_task"))


def unknown_tasks(
    root: Root, state: AppState, path: Path, scan: FileScan
) -> list[Finding]:
    """``unknown-task`` findings of one file."""
    severity = unknown_severity(state)
    if severity is None:
        return []
    known = list(state.catalogue.tasks)
    found = []
    for site in scan.sends:
        if not site.name.strip() or site.name in state.catalogue.tasks:
            continue
        if not is_task_name(root, site, path):
            continue
        close = suggestions(site.name, known)
        message = f"No task '{site.name}' in app {_app_label(root, state)}."
        if close:
            message += " Did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
        found.append(
            Finding(
                path,
                site.span,
                severity,
                "unknown-task",
                message,
                {"suggestions": close},
            )
        )
    return found


def _signature(task: Task) -> inspect.Signature | None:
    params = []
    records = list(task.parameters or [])
    if (
        task.echo
        and records
        and records[0].get("kind")
        in (
            "POSITIONAL_ONLY",
            "POSITIONAL_OR_KEYWORD",
        )
    ):
        records = records[1:]
    try:
        for record in records:
            kind = getattr(inspect.Parameter, str(record.get("kind")), None)
            if kind is None:
                return None
            default = inspect.Parameter.empty if record.get("required") else None
            if kind in (
                inspect.Parameter.VAR_POSITIONAL,
                inspect.Parameter.VAR_KEYWORD,
            ):
                default = inspect.Parameter.empty
            params.append(inspect.Parameter(str(record["name"]), kind, default=default))
        return inspect.Signature(params)
    except (ValueError, TypeError, KeyError):
        return None


def binding_problem(task: Task, site: SendSite) -> tuple[str, Span] | None:
    """Why a send's arguments cannot bind to the task, and where; None if they can."""
    if site.unpacking:
        return None
    signature = _signature(task)
    if signature is None:
        return None
    keywords = [k for k in site.keywords if k not in SEND_KEYWORDS]
    arguments = ([None] * site.positional, {k: None for k in keywords})
    for bind in (signature.bind_partial, signature.bind):
        try:
            bind(*arguments[0], **arguments[1])
        except TypeError as exc:
            return str(exc), _problem_span(signature, site, keywords, str(exc))
    return None


def _problem_span(
    signature: inspect.Signature, site: SendSite, keywords: list[str], message: str
) -> Span:
    for name in keywords:
        if f"'{name}'" in message and name in site.keyword_spans:
            return site.keyword_spans[name]
    if "too many positional" in message:
        accepted = sum(
            p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            for p in signature.parameters.values()
        )
        if accepted < len(site.arg_spans):
            return site.arg_spans[accepted]
    return site.span


def _task_of_call(
    root: Root, state: AppState, path: Path, site: SendSite
) -> Task | None:
    from qtasks_lsp.features.lookup import task_by_function

    return task_by_function(root, state, path, str(site.receiver), "send")


def bad_arguments(
    root: Root, state: AppState, path: Path, scan: FileScan
) -> list[Finding]:
    """``bad-arguments`` findings of one file."""
    found = []
    sites = [
        (s, state.catalogue.get(s.name))
        for s in scan.sends
        if is_task_name(root, s, path)
    ]
    sites += [(s, _task_of_call(root, state, path, s)) for s in scan.calls]
    for site, task in sites:
        if task is None:
            continue
        problem = binding_problem(task, site)
        if problem is None:
            continue
        text, span = problem
        message = f"Arguments do not fit task '{task.name}' {task.func or ''}{task.signature or ''}: {text}."
        found.append(
            Finding(path, span, WARNING, "bad-arguments", message, {"task": task.name})
        )
    return found


def duplicates(root: Root, state: AppState, path: Path) -> list[Finding]:
    """``duplicate-task`` findings: second definitions of a name, in this file."""
    found = []
    for task in state.catalogue.duplicates:
        if task.file != path:
            continue
        first = state.catalogue.get(task.name)
        where = ""
        if first is not None and first.file is not None:
            try:
                where = (
                    f" at {first.file.relative_to(root.path).as_posix()}:{first.line}"
                )
            except ValueError:
                where = f" at {first.file}:{first.line}"
        message = (
            f"Task '{task.name}' is already defined in app {_app_label(root, state)}{where}; "
            "QTasks refuses to register a name twice."
        )
        span = task.string_span or task.name_span
        found.append(
            Finding(path, span, ERROR, "duplicate-task", message, {"task": task.name})
        )
    return found


def import_failed(root: Root, path: Path) -> list[Finding]:
    """``app-import-failed``: an inspection error located in this file."""
    found = []
    for state in root.apps.values():
        error = state.last_error or {}
        file = error.get("file")
        if not file or not error.get("line"):
            continue
        try:
            same = Path(file).resolve() == path
        except OSError:
            same = False
        if not same:
            continue
        line = int(error["line"])
        text = str(error.get("message") or "").rstrip(".!")
        message = f"Importing app '{state.choice.spec}' failed here: {text}."
        if error.get("hint"):
            message += f" {str(error['hint']).rstrip('.')}."
        span = Span(line, 0, line, 10_000)
        found.append(
            Finding(
                path,
                span,
                ERROR,
                "app-import-failed",
                message,
                {"kind": error.get("kind")},
            )
        )
    return found


def check_file(root: Root, path: Path) -> list[Finding]:
    """Every finding of one file."""
    scan = root.scans.get(path)
    state = root.app_for(path)
    found = import_failed(root, path)
    if scan is None or state is None:
        return found
    found += unknown_tasks(root, state, path, scan)
    found += bad_arguments(root, state, path, scan)
    found += duplicates(root, state, path)
    return sorted(found, key=lambda f: (f.span.line, f.span.col, f.code))
