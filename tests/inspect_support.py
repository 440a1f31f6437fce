"""Running the real ``qtasks-lsp inspect`` in a subprocess, and checking what it left.

The tests of the inspect command share these pieces: a run of the CLI with a
clean environment, the sample projects under ``tests/projects``, virtual
environments made for a test, and a check that no process outlived a run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

TESTS = Path(__file__).resolve().parent
PROJECTS = TESTS / "projects"
REPO = TESTS.parent
PID_FILE_VARIABLE = "QTASKS_TEST_PID_FILE"
CLI = [sys.executable, "-m", "qtasks_lsp", "inspect"]


@dataclass
class Run:
    """One finished run of the CLI."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def document(self) -> dict[str, Any]:
        """The ``--json`` output."""
        return json.loads(self.stdout)

    def app(self, index: int = 0) -> dict[str, Any]:
        """One app's report from the ``--json`` output."""
        return self.document()["apps"][index]

    def error(self, index: int = 0) -> dict[str, Any]:
        """One app's inspection error from the ``--json`` output."""
        return self.app(index)["inspection"]["error"]


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without anything that would steer a choice."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("VIRTUAL_ENV", "QTASKS_LSP_INSPECTING", "PYTHONPATH")
        and not key.startswith("QTASKS_TEST_")
    }
    env.update(extra)
    return env


def start(
    root: Path,
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    command: list[str] | None = None,
) -> tuple[subprocess.Popen[str], float]:
    """Start the CLI on ``root`` and return the process and its start time."""
    proc = subprocess.Popen(
        [*(command or CLI), str(root), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        cwd=str(cwd or REPO),
        env=env if env is not None else clean_env(),
    )
    return proc, time.monotonic()


def finish(proc: subprocess.Popen[str], started: float, limit: float = 60.0) -> Run:
    """Wait for a started CLI run, killing it if it overruns ``limit`` seconds."""
    try:
        stdout, stderr = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
    return Run(proc.returncode, stdout, stderr, time.monotonic() - started)


def inspect_cli(root: Path, *args: str, limit: float = 60.0, **options: Any) -> Run:
    """Run ``qtasks-lsp inspect ROOT ARGS...`` to the end."""
    proc, started = start(root, *args, **options)
    return finish(proc, started, limit)


def read_pids(path: Path) -> list[int]:
    """The process ids a sample project wrote to its pid file."""
    return [int(line) for line in path.read_text().split()]


def alive(pid: int) -> bool:
    """True while a process exists and is not a zombie waiting to be reaped."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def survivors(pids: list[int], grace: float = 2.0) -> list[int]:
    """The processes still alive after ``grace`` seconds."""
    deadline = time.monotonic() + grace
    while True:
        left = [pid for pid in pids if alive(pid)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def make_venv(folder: Path, sees: tuple[Path, ...] = ()) -> Path:
    """A real virtual environment (no pip) that also imports from ``sees``."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True
    )
    site = next(folder.glob("lib/python3*/site-packages"))
    if sees:
        lines = "".join(f"{path}\n" for path in sees)
        (site / "_qtasks_lsp_tests.pth").write_text(lines, encoding="utf-8")
    return folder / "bin" / "python"


def make_qtasks_venv(folder: Path) -> Path:
    """A virtual environment with the test run's qtasks installed, on disk."""
    import qtasks

    package = Path(qtasks.__file__).parent
    python = make_venv(folder, sees=(package.parent,))
    site = next(folder.glob("lib/python3*/site-packages"))
    (site / "qtasks").symlink_to(package, target_is_directory=True)
    return python
