"""The task catalogue of an app: what the editor features answer from.

A catalogue starts from the static scan (``origin == "source"``) and is
replaced by the sandboxed inspection when one succeeds (``origin ==
"inspected"``): inspected tasks keep the exact source positions the scan
found, and tasks that only the inspection knows (registered dynamically) come
with the file and line the agent reported.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import attrs

from qtasks_lsp.scan import FileScan, Span, TaskDef

OPTION_KEYS = (
    "priority",
    "tags",
    "description",
    "echo",
    "retry",
    "retry_on_exc",
    "max_time",
    "executor",
    "middlewares_before",
    "middlewares_after",
    "decode",
    "generate_handler",
)


@attrs.define
class Task:
    """One task as the editor shows it."""

    name: str
    app: str
    origin: str
    func: str | None = None
    file: Path | None = None
    line: int | None = None
    name_span: Span | None = None
    string_span: Span | None = None
    priority: Any = None
    tags: list[str] = attrs.Factory(list)
    description: str | None = None
    doc: str | None = None
    signature: str | None = None
    parameters: list[dict[str, Any]] = attrs.Factory(list)
    awaiting: bool = False
    generating: str | bool = False
    echo: bool = False
    retry: Any = None
    retry_on_exc: Any = None
    max_time: Any = None
    executor: Any = None
    middlewares_before: Any = None
    middlewares_after: Any = None
    extra: dict[str, Any] = attrs.Factory(dict)
    router: str | None = None
    shared: bool = False


@attrs.define
class Catalogue:
    """The tasks of one app, where they came from, and when."""

    app: str
    tasks: dict[str, Task] = attrs.Factory(dict)
    origin: str = "source"
    updated: float = attrs.Factory(time.time)
    duplicates: list[TaskDef] = attrs.Factory(list)

    def get(self, name: str) -> Task | None:
        """The task of that name, if the app has it."""
        return self.tasks.get(name)

    def by_function(self, path: Path, func: str) -> Task | None:
        """The task whose function is ``func`` in ``path``."""
        for task in self.tasks.values():
            if task.func == func and task.file == path:
                return task
        return None


def _from_def(task: TaskDef, app: str, router: str | None) -> Task:
    options = dict(task.options)
    known = {k: options.pop(k) for k in OPTION_KEYS if k in options}
    tags = known.get("tags")
    return Task(
        name=task.name,
        app=app,
        origin="source",
        func=task.func,
        file=task.file,
        line=task.line,
        name_span=task.name_span,
        string_span=task.string_span,
        priority=known.get("priority", 0),
        tags=list(tags) if isinstance(tags, (list, tuple)) else [],
        description=known.get("description"),
        doc=task.doc,
        signature=task.signature,
        parameters=task.parameters,
        awaiting=task.awaiting,
        generating=task.generating,
        echo=bool(known.get("echo", False)),
        retry=known.get("retry"),
        retry_on_exc=known.get("retry_on_exc"),
        max_time=known.get("max_time"),
        executor=known.get("executor"),
        middlewares_before=known.get("middlewares_before"),
        middlewares_after=known.get("middlewares_after"),
        extra=options,
        router=router,
        shared=task.owner == "shared",
    )


def routers_of(scans: list[FileScan]) -> dict[str, set[str]]:
    """For each router, the apps that include it."""
    included: dict[str, set[str]] = {}
    for scan in scans:
        for app, router in scan.includes:
            included.setdefault(router, set()).add(app)
    return included


def static(app: str, scans: list[FileScan], all_apps: set[str]) -> Catalogue:
    """The catalogue of ``app`` as read from source."""
    included = routers_of(scans)
    routers = {r for scan in scans for r in scan.routers.values()}
    catalogue = Catalogue(app=app)
    for scan in scans:
        for task in scan.tasks:
            owner = task.owner
            router = None
            if owner == "shared" or owner == app:
                pass
            elif owner in routers or owner in included:
                apps = included.get(owner)
                if apps is not None and app not in apps:
                    continue
                router = owner
            elif owner in all_apps or len(all_apps) > 1:
                continue
            if task.name in catalogue.tasks:
                catalogue.duplicates.append(task)
                continue
            catalogue.tasks[task.name] = _from_def(task, app, router)
    return catalogue


def _real(path: Path, cache: dict[Path, Path]) -> Path:
    """``path.resolve()``, once per distinct path (it costs a stat per part)."""
    if path not in cache:
        cache[path] = path.resolve()
    return cache[path]


def inspected(
    app: str, document: dict[str, Any], source: Catalogue | None
) -> Catalogue:
    """The catalogue of ``app`` from an inspection document, with source positions."""
    real: dict[Path, Path] = {}
    catalogue = Catalogue(app=app, origin="inspected")
    for record in document.get("tasks") or []:
        name = str(record.get("name"))
        known = source.get(name) if source else None
        router = record.get("router") or None
        task = Task(
            name=name,
            app=app,
            origin="inspected",
            func=known.func if known else None,
            file=Path(record["file"]) if record.get("file") else None,
            line=record.get("line"),
            name_span=known.name_span if known else None,
            string_span=known.string_span if known else None,
            priority=record.get("priority"),
            tags=list(record.get("tags") or []),
            description=record.get("description"),
            doc=record.get("doc"),
            signature=record.get("signature"),
            parameters=record.get("parameters") or [],
            awaiting=bool(record.get("awaiting")),
            generating=record.get("generating") or False,
            echo=bool(record.get("echo")),
            retry=record.get("retry"),
            retry_on_exc=record.get("retry_on_exc"),
            max_time=record.get("max_time"),
            executor=record.get("executor"),
            middlewares_before=record.get("middlewares_before") or None,
            middlewares_after=record.get("middlewares_after") or None,
            extra=record.get("extra") or {},
            router=f"{router['module']}:{router['attr']}" if router else None,
            shared=bool(record.get("shared")),
        )
        if (
            known
            and known.file
            and task.file
            and _real(known.file, real) == _real(task.file, real)
        ):
            task.file = known.file
        catalogue.tasks[name] = task
    if source is not None:
        catalogue.duplicates = source.duplicates
    return catalogue
