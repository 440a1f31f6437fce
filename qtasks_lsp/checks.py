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

from qtasks_lsp.catalogue import Catalogue, Task
from qtasks_lsp.render import relative, sentence
from qtasks_lsp.resolve import qualify, receiver_is_app, task_by_function
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
    where = f" ({relative(state.choice.file, root.path)})" if state.choice.file else ""
    return f"'{label or state.choice.spec}'{where}"


def unknown_severity(state: AppState) -> int | None:
    """How sure an unknown-name finding can be, given the catalogue's origin."""
    if state.catalogue.origin == "inspected" and state.state == "ready":
        return WARNING
    if state.catalogue.origin == "inspected" or state.catalogue.tasks:
        return INFORMATION
    return None


_suggested: dict[int, tuple[Catalogue, dict[str, list[str]]]] = {}


def suggestions(name: str, catalogue: Catalogue) -> list[str]:
    """The catalogue's names closest to ``name``, best first (cached per catalogue).

    Only names whose length allows difflib's ratio to reach the 0.6 cutoff
    (``2 * shorter / (sum of lengths)``) are compared.
    """
    entry = _suggested.get(id(catalogue))
    if entry is None or entry[0] is not catalogue:
        if len(_suggested) > 32:
            _suggested.clear()
        entry = (catalogue, {})
        _suggested[id(catalogue)] = entry
    cache = entry[1]
    if name not in cache:
        size = len(name)
        known = [
            k for k in catalogue.tasks if 2 * min(size, len(k)) >= 0.6 * (size + len(k))
        ]
        cache[name] = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    return cache[name]


def is_task_name(
    root: Root, site: SendSite, path: Path, scan: FileScan | None = None
) -> bool:
    """True when a send site's string is a task name (not data).

    A ``task_name=`` value counts in any ``.add_task(...)`` call (an app's, a
    task's, ``self``'s in an echo task, a timer's); a positional string only
    when the receiver is an app.
    """
    if site.form == "keyword":
        return site.method == "add_task"
    return bool(receiver_is_app(root, path, f"{site.receiver}.add_task", scan))


def send_app(root: Root, scan: FileScan, site: SendSite, default: AppState) -> AppState:
    """The app a send goes to: the receiver's when it names an app, else ``default``."""
    if site.receiver:
        spec = qualify(scan, site.receiver)
        if spec in root.apps:
            return root.apps[spec]
    return default


def unknown_tasks(
    root: Root, state: AppState, path: Path, scan: FileScan
) -> list[Finding]:
    """``unknown-task`` findings of one file, each send checked against its app."""
    found = []
    for site in scan.sends:
        if not site.name.strip() or not is_task_name(root, site, path, scan):
            continue
        app = send_app(root, scan, site, state)
        severity = unknown_severity(app)
        if severity is None or site.name in app.catalogue.tasks:
            continue
        close = suggestions(site.name, app.catalogue)
        message = f"No task '{site.name}' in app {_app_label(root, app)}."
        if close:
            message += " Did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
        data = {"suggestions": close}
        found.append(Finding(path, site.span, severity, "unknown-task", message, data))
    return found


_signatures: dict[int, tuple[Task, inspect.Signature | None]] = {}


def _signature_of(task: Task) -> inspect.Signature | None:
    """The signature a send binds against, built once per task object."""
    cached = _signatures.get(id(task))
    if cached is not None and cached[0] is task:
        return cached[1]
    if len(_signatures) > 50_000:
        _signatures.clear()
    signature = _signature(task)
    _signatures[id(task)] = (task, signature)
    return signature


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
    signature = _signature_of(task)
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
    root: Root, state: AppState, path: Path, scan: FileScan, site: SendSite
) -> Task | None:
    """The task whose function a ``fn.add_task(...)`` call is made on, if any."""
    if receiver_is_app(root, path, f"{site.receiver}.add_task", scan) is not False:
        return None
    return task_by_function(root, state, path, str(site.receiver), "send")


def bad_arguments(
    root: Root, state: AppState, path: Path, scan: FileScan
) -> list[Finding]:
    """``bad-arguments`` findings of one file."""
    found = []
    sites = [
        (s, send_app(root, scan, s, state).catalogue.get(s.name))
        for s in scan.sends
        if is_task_name(root, s, path, scan)
    ]
    sites += [(s, _task_of_call(root, state, path, scan, s)) for s in scan.calls]
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
            where = f" at {relative(first.file, root.path)}:{first.line}"
        message = (
            f"Task '{task.name}' is already defined in app {_app_label(root, state)}{where}; "
            "QTasks refuses to register a name twice."
        )
        span = task.string_span or task.name_span
        found.append(
            Finding(path, span, ERROR, "duplicate-task", message, {"task": task.name})
        )
    return found


NOT_IMPORT_ERRORS = frozenset({"no-interpreter", "qtasks-missing", "env-file"})


def _failure_place(root: Root, state: AppState) -> tuple[Path, int] | None:
    """Where an app's failed import is shown: the error's place, else the app's line."""
    error = state.last_error
    if not error or error.get("kind") in NOT_IMPORT_ERRORS:
        return None
    if error.get("file") and error.get("line"):
        try:
            return Path(error["file"]).resolve(), int(error["line"])
        except (OSError, ValueError):
            return None
    if state.choice.file is not None and state.choice.line:
        return state.choice.file, state.choice.line
    return None


def import_failed(root: Root, path: Path) -> list[Finding]:
    """``app-import-failed``: an app's import failed here (or, with no place, at the app)."""
    found = []
    for state in root.apps.values():
        place = _failure_place(root, state)
        if place is None or place[0] != path:
            continue
        error = state.last_error or {}
        text = str(error.get("message") or "").rstrip(".!")
        message = f"Importing app '{state.choice.spec}' failed: {text}."
        if error.get("hint"):
            message += f" {sentence(error['hint'])}"
        span = Span(place[1], 0, place[1], 10_000)
        data = {"kind": error.get("kind")}
        found.append(Finding(path, span, ERROR, "app-import-failed", message, data))
    return found


def check_file(root: Root, path: Path, scan: FileScan | None = None) -> list[Finding]:
    """Every finding of one file (``scan``: a buffer's, for a document not on disk)."""
    scan = scan or root.scans.get(path)
    state = root.app_for(path)
    found = import_failed(root, path)
    if scan is None or state is None:
        return found
    found += unknown_tasks(root, state, path, scan)
    found += bad_arguments(root, state, path, scan)
    found += duplicates(root, state, path)
    return sorted(found, key=lambda f: (f.span.line, f.span.col, f.code))
