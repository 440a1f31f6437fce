"""Turning an inspection into text for terminals and Markdown for editors.

The app summary keeps the fields and labels of QTasks' own
``InspectStats.app()``; the task table adds where each task is defined.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

TABLE_COLUMNS = ("name", "priority", "tags", "kind", "generator", "echo", "defined at")


def relative(path: str | Path | None, root: Path) -> str:
    """A path for display: relative to the root when it lies under it, else as given."""
    if not path:
        return "?"
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def task_row(task: dict[str, Any], root: Path) -> tuple[str, ...]:
    """One task as the cells of the task table."""
    tags = ", ".join(task.get("tags") or []) or "-"
    where = relative(task.get("file"), root)
    if task.get("line"):
        where += f":{task['line']}"
    return (
        str(task.get("name")),
        str(task.get("priority")),
        tags,
        "async"
        if task.get("awaiting") or task.get("generating") == "async"
        else "sync",
        str(task.get("generating") or "no"),
        "yes" if task.get("echo") else "no",
        where,
    )


def text_table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """A plain-text table with aligned columns."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip()
        for r in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """A Markdown table; pipes in cells are escaped."""

    def cells(row: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"

    return "\n".join([cells(header), "|" + "---|" * len(header), *map(cells, rows)])


def sorted_tasks(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Tasks in a stable order: by file, then line, then name."""
    return sorted(
        document.get("tasks") or [],
        key=lambda t: (t.get("file") or "", t.get("line") or 0, str(t.get("name"))),
    )


def origin_lines(choice: dict[str, Any]) -> list[str]:
    """Which app and interpreter were used, and where each choice came from."""
    return [
        f"app:     {choice['spec']}  ({choice['source']})",
        f"python:  {choice['python']}  ({choice['python_source']})",
    ]


def inspection_text(
    choice: dict[str, Any], document: dict[str, Any], root: Path
) -> str:
    """The terminal report of one inspected app."""
    qtasks = document.get("qtasks") or {}
    python = document.get("python") or {}
    timing = document.get("timing") or {}
    lines = origin_lines(choice)
    if qtasks:
        lines.append(
            f"qtasks:  {qtasks.get('version')} on Python {python.get('version')}, "
            f"imported in {timing.get('import_ms', '?')} ms"
        )
    lines.append("")
    lines.append((document.get("app_text") or _summary_text(document)).rstrip("\n-"))
    lines.append("")
    rows = [task_row(t, root) for t in sorted_tasks(document)]
    lines.append(f"Tasks ({len(rows)})")
    lines.append(text_table(rows, TABLE_COLUMNS) if rows else "No registered tasks.")
    return "\n".join(lines)


def _summary_text(document: dict[str, Any]) -> str:
    app = document.get("app") or {}
    if not app and not document.get("qtasks"):
        return "(not inspected: the tasks below are read from source)"
    if not app:
        return "(this qtasks has no Stats component: only the task list is known)"
    return "\n".join(f"{label:<26}: {value}" for label, value in app.items())


def inspection_markdown(
    choice: dict[str, Any], document: dict[str, Any], root: Path
) -> str:
    """The Markdown report of one inspected app, for editors."""
    app = document.get("app") or {}
    title = app.get("Name") or choice["spec"]
    lines = [f"# QTasks app `{choice['spec']}`", ""]
    lines.append(f"- app: `{choice['spec']}` ({choice['source']})")
    lines.append(f"- python: `{choice['python']}` ({choice['python_source']})")
    qtasks = document.get("qtasks") or {}
    if qtasks:
        lines.append(f"- qtasks {qtasks.get('version')}, name `{title}`")
    lines.append("")
    if app:
        lines.append("## Summary")
        lines.append("")
        fields = [(str(k), str(v)) for k, v in app.items()]
        lines.append(markdown_table(fields, ("field", "value")))
        lines.append("")
    rows = [task_row(t, root) for t in sorted_tasks(document)]
    lines.append(f"## Tasks ({len(rows)})")
    lines.append("")
    lines.append(
        markdown_table(rows, TABLE_COLUMNS) if rows else "No registered tasks."
    )
    return "\n".join(lines) + "\n"


def error_text(choice: dict[str, Any], error: dict[str, Any], root: Path) -> str:
    """A one-paragraph report of a failed inspection, with the place if known."""
    text = (
        f"could not inspect `{choice['spec']}` with {choice['python']}: "
        f"{sentence(error.get('message'))}"
    )
    if error.get("file"):
        where = relative(error["file"], root)
        text += f" At {where}" + (
            f", line {error['line']}." if error.get("line") else "."
        )
    if error.get("hint"):
        text += f" {sentence(error['hint'])}"
    return text


def sentence(text: Any) -> str:
    """Text ending in exactly one full stop (or its own ``?``)."""
    clean = str(text or "").rstrip().rstrip(".!")
    return clean if clean.endswith("?") else f"{clean}."
