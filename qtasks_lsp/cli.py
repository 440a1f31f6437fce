"""The ``qtasks-lsp`` command: the language server, and ``inspect`` for terminals.

``qtasks-lsp`` with no subcommand serves the Language Server Protocol (stdio by
default). ``qtasks-lsp inspect [ROOT]`` finds the app(s) and the interpreter,
inspects each app in the sandbox and prints the summary, the task table and
where each decision came from (``--json``: the inspection documents).
``qtasks-lsp check [ROOT]`` reports the editor's diagnostics for every file
(see ``qtasks_lsp.check`` for its exit status).

Exit status: 0 when every app was inspected, 1 when an inspection failed, 2 for
usage and setup errors (no app, no interpreter, a bad spec). With ``--json`` a
setup error is printed too, as ``{"root", "apps": [], "error": {"kind",
"message", "hint"}}``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from qtasks_lsp import __version__
from qtasks_lsp.errors import QTasksLspError

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qtasks-lsp",
        description="Language server and inspector for QTasks projects.",
    )
    parser.add_argument(
        "--version", action="version", version=f"qtasks-lsp {__version__}"
    )
    parser.add_argument("--tcp", action="store_true", help="serve over TCP, not stdio")
    parser.add_argument(
        "--host", default="127.0.0.1", help="TCP host (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=2087, help="TCP port (default 2087)"
    )
    parser.add_argument("--log-file", help="also write the server's log to this file")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more logging (-vv: debug)"
    )
    commands = parser.add_subparsers(dest="command")
    inspect = commands.add_parser(
        "inspect", help="inspect the QTasks app(s) of a project"
    )
    _project_arguments(inspect)
    check = commands.add_parser(
        "check", help="report unknown task names and bad arguments (for CI)"
    )
    _project_arguments(check)
    check.add_argument(
        "--no-inspect", action="store_true", help="run no project code: source only"
    )
    return parser


def _project_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "root", nargs="?", default=".", help="project folder (default .)"
    )
    parser.add_argument(
        "--app", action="append", help="app spec module:attr (repeatable)"
    )
    parser.add_argument("--python", help="interpreter that runs the project")
    parser.add_argument("--json", action="store_true", help="print the JSON documents")
    parser.add_argument(
        "--timeout", type=_positive, help="inspection timeout in seconds"
    )
    parser.add_argument(
        "--env-file", help="dotenv file loaded into the inspected process"
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more logging (-vv: debug)"
    )


def _positive(text: str) -> float:
    """A number of seconds greater than zero (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds above 0, not {text!r}"
        )
    return value


def _flags(args: argparse.Namespace) -> list[tuple[dict[str, Any] | None, str]]:
    layers: list[tuple[dict[str, Any] | None, str]] = []
    if args.app:
        layers.append(({"app": args.app}, "--app"))
    if args.python:
        layers.append(({"python": _python_flag(args.python)}, "--python"))
    if args.timeout:
        layers.append(({"inspection": {"timeout": args.timeout}}, "--timeout"))
    if args.env_file:
        layers.append(({"envFile": str(Path(args.env_file).resolve())}, "--env-file"))
    return layers


def _python_flag(value: str) -> str:
    """``--python`` as an absolute path: a bare name from PATH, else from the cwd."""
    if os.sep not in value and shutil.which(value):
        return str(shutil.which(value))
    return str(Path(value).expanduser().absolute())


def _say(text: str) -> None:
    sys.stderr.write(f"qtasks-lsp: {text}\n")


def _setup_failed(exc: QTasksLspError, root: Path, as_json: bool) -> int:
    """Report an error that stopped everything (also as JSON with ``--json``)."""
    _say(exc.describe().rstrip(".") + ".")
    if as_json:
        error = {"kind": exc.kind, "message": exc.message, "hint": exc.hint}
        json.dump({"root": str(root.resolve()), "apps": [], "error": error}, sys.stdout)
        print()
    return 2


def run_inspect(args: argparse.Namespace) -> int:
    """``qtasks-lsp inspect``: inspect every chosen app and print the reports."""
    from qtasks_lsp import inspector, project, render
    from qtasks_lsp.errors import InspectionError, SetupError

    root = Path(args.root)
    if not root.is_dir():
        _say(f"{root} is not a folder")
        return 2
    try:
        proj = project.resolve(root, _flags(args))
    except SetupError as exc:
        return _setup_failed(exc, root, args.json)
    for problem in proj.problems:
        _say(problem)
    status = 0
    reports: list[dict[str, Any]] = []
    assert proj.python is not None
    for app in proj.apps:
        choice = proj.choice(app)
        try:
            outcome = inspector.inspect(app, proj.python, proj.root, proj.sandbox())
        except SetupError as exc:
            return _setup_failed(exc, proj.root, args.json)
        except InspectionError as exc:
            status = 1
            failed = {"ok": False, "error": exc.record}
            reports.append({**choice, "inspection": failed, "output": exc.output})
            if not args.json:
                _say(render.error_text(choice, exc.record, proj.root))
            if exc.record.get("traceback"):
                logger.info(
                    "traceback of the failed import:\n%s", exc.record["traceback"]
                )
            if exc.output:
                logger.info("output of %s:\n%s", app.spec, exc.output)
            continue
        reports.append(
            {**choice, "inspection": outcome.document, "output": outcome.output}
        )
        if not args.json:
            if len(reports) > 1:
                print()
            print(render.inspection_text(choice, outcome.document, proj.root))
    if args.json:
        sys.stdout.write(
            json.dumps({"root": str(proj.root), "apps": reports}, indent=2)
        )
        print()
    return status


def _logging(verbosity: int, log_file: str | None = None) -> None:
    """Log to stderr (and a file): warnings by default, -v info, -vv debug.

    Only -vv lets pygls log protocol traffic; the package's own records also
    reach the editor, filtered by the ``logLevel`` setting, whatever stderr shows.
    """
    level = logging.WARNING - 10 * min(verbosity, 2)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    root = logging.getLogger()
    for handler in handlers:
        handler.setLevel(level)
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logging.getLogger("pygls").setLevel(
        logging.DEBUG if verbosity >= 2 else logging.WARNING
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``qtasks-lsp`` command."""
    args = _parser().parse_args(argv)
    if args.command == "inspect":
        _logging(args.verbose)
        return run_inspect(args)
    if args.command == "check":
        from qtasks_lsp import check

        _logging(args.verbose)
        return check.run(args, _flags(args))
    try:
        _logging(args.verbose, args.log_file)
    except OSError as exc:
        _say(f"cannot write the log file {args.log_file}: {exc.strerror or exc}")
        return 2
    from qtasks_lsp.server import serve

    try:
        return serve(args)
    except OSError as exc:
        where = f"{args.host}:{args.port}" if args.tcp else "stdio"
        _say(f"cannot serve on {where}: {exc.strerror or exc}")
        return 2
