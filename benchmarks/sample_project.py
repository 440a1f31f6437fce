"""The generated QTasks project the benchmarks run against.

``bench/app.py`` holds ``app = QueueTasks(name="bench")`` and imports every task
module at its bottom, so that inspecting ``bench.app:app`` registers all tasks.
``bench/tasks_NN.py`` (50 modules) declare 20 tasks each, 1,000 in all, and
``bench/sends.py`` is a 5,000-line module of ``app.add_task("groupNN.taskMM", ...)``
calls. ``Site`` records where each task-name string of sends.py sits, so that
requests can put the cursor inside it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

MODULES = 50
TASKS_PER_MODULE = 20
SENDS_LINES = 5_000
CALLS_PER_FUNCTION = 9
TAGS = ("io", "cpu", "email", "billing", "reports", "cleanup")


@dataclass(frozen=True)
class Site:
    """A task-name string in sends.py: its line and the columns of its content."""

    line: int
    start: int
    end: int
    name: str


def task_name(module: int, task: int) -> str:
    """The registered name of one generated task."""
    return f"group{module:02d}.task{task:02d}"


def _app_module() -> str:
    imports = "\n".join(
        f"from bench import tasks_{n:02d}  # noqa: E402,F401" for n in range(MODULES)
    )
    return (
        '"""The benchmark app."""\n\n'
        "from qtasks import QueueTasks\n\n"
        'app = QueueTasks(name="bench")\n\n'
        f"{imports}\n"
    )


def _task_module(module: int) -> str:
    lines = [f'"""Tasks of group {module:02d}."""', "", "from bench.app import app", ""]
    for task in range(TASKS_PER_MODULE):
        tags = [TAGS[(module + task) % len(TAGS)], TAGS[task % len(TAGS)]]
        keyword = "async def" if task % 3 == 0 else "def"
        lines += [
            "",
            f'@app.task(name="{task_name(module, task)}", '
            f"priority={task % 5}, tags={tags!r})",
            f'{keyword} task_{task:02d}(user_id: int, note: str = "") -> dict:',
            f'    """Task {task} of group {module}: does a small amount of work."""',
            '    return {"user": user_id, "note": note}',
            "",
        ]
    return "\n".join(lines) + "\n"


def _sends_module(seed: int) -> tuple[str, list[Site]]:
    rng = random.Random(seed)
    lines = [
        '"""Many calls that send tasks by name."""',
        "",
        "from bench.app import app",
        "",
    ]
    sites: list[Site] = []
    function = 0
    while len(lines) < SENDS_LINES:
        lines += ["", f"def send_batch_{function:04d}(user_id: int) -> None:"]
        room = SENDS_LINES - len(lines)
        for _ in range(max(1, min(CALLS_PER_FUNCTION, room))):
            name = task_name(rng.randrange(MODULES), rng.randrange(TASKS_PER_MODULE))
            prefix = '    app.add_task("'
            sites.append(Site(len(lines), len(prefix), len(prefix) + len(name), name))
            lines.append(
                f'{prefix}{name}", user_id, note="batch {function}", priority=1)'
            )
        function += 1
    return "\n".join(lines) + "\n", sites


def generate(root: Path, seed: int = 7) -> list[Site]:
    """Write the project under ``root``; return the task-name sites of sends.py."""
    package = root / "bench"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "app.py").write_text(_app_module(), encoding="utf-8")
    for module in range(MODULES):
        (package / f"tasks_{module:02d}.py").write_text(
            _task_module(module), encoding="utf-8"
        )
    text, sites = _sends_module(seed)
    (package / "sends.py").write_text(text, encoding="utf-8")
    (root / "pyproject.toml").write_text(
        '[project]\nname = "bench"\nversion = "0"\n', encoding="utf-8"
    )

    return sites
