"""Running the agent in the project's interpreter, in a sandbox, and reading its result.

The agent (``agent.py``, passed to the interpreter by path) imports the app and
prints one JSON document on fd 1. This module starts it so that nothing the
project does at import can hurt the caller:

- a new session, hence its own process group, killed whole when the agent
  overruns its timeout and again once it has exited, so no child is left;
- stdin closed; stdout and stderr read concurrently by threads, stderr kept
  only up to a cap (head and tail), so a project printing without end never
  blocks or floods anything;
- address-space and CPU-time limits, applied by the agent before the import;
- the caller's environment, plus the optional env file, plus
  ``QTASKS_LSP_INSPECTING=1`` (the marker a project may test to skip side
  effects) and ``PYTHONDONTWRITEBYTECODE=1``: no ``__pycache__`` is written
  into the user's tree; the agent keeps the project's compiled modules in
  qtasks-lsp's cache folder instead (``pycache_folder``), reused between runs.

``inspect`` blocks; the language server calls it from a worker thread.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, Any

import attrs

from qtasks_lsp.discovery import AppChoice
from qtasks_lsp.errors import InspectionError, SetupError
from qtasks_lsp.interpreter import Interpreter

logger = logging.getLogger(__name__)

AGENT = Path(__file__).with_name("agent.py")
MARKER = "QTASKS_LSP_INSPECTING"
OUTPUT_CAP = 64 * 1024
EXIT_GRACE = 2.0
_running: set[subprocess.Popen[bytes]] = set()
_running_lock = threading.Lock()


def kill_all() -> None:
    """Kill every agent still running, with its process group (used at exit)."""
    with _running_lock:
        procs = list(_running)
    for proc in procs:
        _kill_group(proc.pid)


@attrs.define
class Sandbox:
    """How an inspection is confined."""

    timeout: float = 15.0
    memory_limit_mb: int = 8192
    cpu_seconds: int = 120
    env_file: Path | None = None


@attrs.define
class Outcome:
    """What one agent run produced: the document (or error) and what it printed."""

    document: dict[str, Any]
    output: str
    elapsed_ms: float
    returncode: int | None


class _CappedReader(threading.Thread):
    """Drains a pipe, keeping the first and last ``cap`` bytes of it."""

    def __init__(self, stream: IO[bytes], cap: int | None) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.fd = stream.fileno()
        self.cap = cap
        self.head = bytearray()
        self.tail = bytearray()
        self.dropped = 0

    def run(self) -> None:
        try:
            for chunk in iter(lambda: os.read(self.fd, 65536), b""):
                self._keep(chunk)
        except (OSError, ValueError):
            return

    def _keep(self, chunk: bytes) -> None:
        if self.cap is None:
            self.head += chunk
            return
        room = max(self.cap - len(self.head), 0)
        self.head += chunk[:room]
        self.tail += chunk[room:]
        if len(self.tail) > self.cap:
            self.dropped += len(self.tail) - self.cap
            del self.tail[: len(self.tail) - self.cap]

    def text(self) -> str:
        middle = f"\n[... {self.dropped} bytes not kept ...]\n" if self.dropped else ""
        data = bytes(self.head) + middle.encode() + bytes(self.tail)
        return data.decode("utf-8", "replace")


def read_env_file(path: Path) -> dict[str, str]:
    """The variables of a dotenv file; a missing file is a setup error."""
    from dotenv import dotenv_values

    if not path.is_file():
        raise SetupError(
            "env-file",
            f"the env file {path} does not exist",
            "Fix the `envFile` setting (`--env-file`) or create the file",
        )
    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def environment(sandbox: Sandbox) -> dict[str, str]:
    """The agent's environment: the caller's, the env file, and the marker."""
    env = dict(os.environ)
    if sandbox.env_file is not None:
        env.update(read_env_file(sandbox.env_file))
    env[MARKER] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("PYTHONSTARTUP", None)
    return env


def pycache_folder() -> Path:
    """Where the inspected interpreter keeps compiled modules, outside the project."""
    from platformdirs import user_cache_dir

    folder = Path(user_cache_dir("qtasks-lsp")) / "pycache"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def run_agent(
    app: AppChoice,
    python: Interpreter,
    root: Path,
    sandbox: Sandbox,
) -> Outcome:
    """Run the agent once and return its document, never raising for user code."""
    request = {
        "spec": app.spec,
        "paths": [str(p) for p in app.paths],
        "root": str(root.resolve()),
        "pycache": str(pycache_folder()),
        "limits": {
            "address_space": sandbox.memory_limit_mb * 1024 * 1024,
            "cpu_seconds": sandbox.cpu_seconds,
        },
    }
    command = [str(python.path), str(AGENT), json.dumps(request)]
    env = environment(sandbox)
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=str(root),
            env=env,
            start_new_session=True,
        )
    except OSError as exc:
        raise SetupError(
            "no-interpreter",
            f"could not start {python.path} ({python.source}): {exc.strerror or exc}",
            "Point the `python` setting at a working interpreter",
        ) from exc
    assert proc.stdout is not None and proc.stderr is not None
    with _running_lock:
        _running.add(proc)
    result = _CappedReader(proc.stdout, None)
    output = _CappedReader(proc.stderr, OUTPUT_CAP)
    result.start()
    output.start()
    timed_out = False
    try:
        proc.wait(timeout=sandbox.timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        _kill_group(proc.pid)
        proc.wait()
        with _running_lock:
            _running.discard(proc)
    result.join(EXIT_GRACE)
    output.join(EXIT_GRACE)
    for stream in (proc.stdout, proc.stderr):
        stream.close()
    elapsed = (time.perf_counter() - started) * 1000
    text = output.text()
    document = _document(bytes(result.head), proc.returncode, timed_out, sandbox, app)
    return Outcome(document, text, round(elapsed, 1), proc.returncode)


def _document(
    raw: bytes,
    returncode: int | None,
    timed_out: bool,
    sandbox: Sandbox,
    app: AppChoice,
) -> dict[str, Any]:
    """The agent's document, or one describing why there is none."""
    if timed_out:
        return _failed(
            app,
            "timeout",
            f"importing `{app.spec}` did not finish within {sandbox.timeout:g} s "
            "and was stopped",
            "Module-level code must not block: move calls such as `app.run_forever()` "
            'or servers under `if __name__ == "__main__":`, or skip them when the '
            f"{MARKER} environment variable is set; or raise `inspection.timeout` (`--timeout`)",
        )
    if raw:
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return _failed(
                app, "protocol", f"the agent's answer was unreadable: {exc}", None
            )
        if isinstance(document, dict):
            return document
    if returncode is not None and returncode < 0:
        name = _signal_name(-returncode)
        return _failed(
            app,
            "crash",
            f"the interpreter was killed by {name} while importing `{app.spec}`",
            "A C extension crashed or a resource limit was reached; run "
            f'`python -c "import {app.module}"` to see it',
        )
    return _failed(
        app,
        "exit",
        f"the app exited during import (code {returncode})",
        "Something at import time called os._exit() or exit(); move it under "
        f'`if __name__ == "__main__":` or skip it when {MARKER} is set',
        code=returncode,
    )


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _failed(
    app: AppChoice, kind: str, message: str, hint: str | None, **extra: Any
) -> dict[str, Any]:
    error = {"kind": kind, "message": message, "hint": hint, "file": None, "line": None}
    error.update(extra)
    return {"schema": 1, "ok": False, "spec": app.spec, "tasks": [], "error": error}


def inspect(
    app: AppChoice,
    python: Interpreter,
    root: Path,
    sandbox: Sandbox,
) -> Outcome:
    """Inspect one app; raise ``InspectionError`` when it failed."""
    outcome = run_agent(app, python, root, sandbox)
    if outcome.output:
        logger.debug("output of %s during inspection:\n%s", app.spec, outcome.output)
    if not outcome.document.get("ok"):
        raise InspectionError(outcome.document.get("error") or {}, outcome.output)
    logger.info(
        "inspected %s: %d tasks in %.0f ms",
        app.spec,
        len(outcome.document.get("tasks") or []),
        outcome.elapsed_ms,
    )
    return outcome
