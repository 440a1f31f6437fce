"""``qtasks-lsp check``: the editor's diagnostics for every Python file, for CI.

The same rules as the language server (``checks``) run on every file under
ROOT after the same static scan and, unless ``--no-inspect``, the same
sandboxed inspection. Output is one ``path:line:col: severity[code] message``
line per finding (paths relative to ROOT, 1-based columns), or JSON.

Exit status: 1 when a finding of warning severity or above exists, 0 when
none does, 2 for usage and setup errors.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from qtasks_lsp import checks, inspector, project, scan_cache
from qtasks_lsp.errors import InspectionError, SetupError
from qtasks_lsp.render import relative
from qtasks_lsp.workspace import AppState, Root

logger = logging.getLogger(__name__)


def _start(pool: ThreadPoolExecutor, proj: project.Project) -> dict[str, Future[Any]]:
    """Start every app's inspection; the agents run while the files are scanned."""
    assert proj.python is not None
    return {
        app.spec: pool.submit(
            inspector.inspect, app, proj.python, proj.root, proj.sandbox()
        )
        for app in proj.apps
    }


def _apply(state: AppState, running: Future[inspector.Outcome]) -> None:
    """Replace an app's catalogue with its inspection, or record the failure."""
    try:
        outcome = running.result()
    except InspectionError as exc:
        state.last_error = exc.record
        state.set_state("error")
        sys.stderr.write(
            f"qtasks-lsp: could not inspect `{state.choice.spec}`: {exc.describe()}\n"
        )
        if exc.record.get("traceback"):
            logger.info("traceback of the failed import:\n%s", exc.record["traceback"])
        return
    state.document = outcome.document
    state.set_state("ready")


def _record(finding: checks.Finding, base: Path) -> dict[str, Any]:
    return {
        "path": relative(finding.path, base),
        "line": finding.span.line,
        "column": finding.span.col + 1,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_col + 1,
        "severity": checks.SEVERITY_NAMES[finding.severity],
        "code": finding.code,
        "message": finding.message,
    }


def collect(proj: project.Project, inspect: bool) -> list[checks.Finding]:
    """Scan, optionally inspect, and check every file of a project."""
    root = Root(path=proj.root, project=proj)
    with ThreadPoolExecutor(max_workers=max(1, len(proj.apps))) as pool:
        running = _start(pool, proj) if inspect else {}
        cache = scan_cache.load(root.path)
        scan_cache.save(root.path, root.scan_all({}, cache))
        for note in root.scan_notes:
            sys.stderr.write(f"qtasks-lsp: {note}; files past that were not checked\n")
        root.set_apps(proj.apps)
        for spec, job in running.items():
            _apply(root.apps[spec], job)
    if running:
        root.rebuild_static()
    findings = []
    for path in sorted(root.scans):
        findings += checks.check_file(root, path)
    return findings


def run(
    args: argparse.Namespace, layers: list[tuple[dict[str, Any] | None, str]]
) -> int:
    """Run the check and print the findings; return the exit status."""
    base = Path(args.root)
    if not base.is_dir():
        sys.stderr.write(f"qtasks-lsp: {base} is not a folder\n")
        return 2
    try:
        proj = project.resolve(base, layers, need_python=not args.no_inspect)
    except SetupError as exc:
        sys.stderr.write(f"qtasks-lsp: {exc.describe().rstrip('.')}.\n")
        return 2
    findings = collect(proj, inspect=not args.no_inspect)
    records = [_record(f, proj.root) for f in findings]
    if args.json:
        json.dump({"root": str(proj.root), "findings": records}, sys.stdout, indent=2)
        print()
    else:
        for r in records:
            print(
                f"{r['path']}:{r['line']}:{r['column']}: {r['severity']}[{r['code']}] {r['message']}"
            )
    failing = [f for f in findings if f.severity <= checks.WARNING]
    return 1 if failing else 0
