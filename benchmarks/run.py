"""Benchmarks of qtasks-lsp against a 1,000-task project, and against a floor.

``python benchmarks/run.py [--requests N] [--out FILE]`` generates the project
(see ``sample_project``), starts the real server and the floor server
(``floor_server``) over stdio with the same client code, and measures:

- the time from launching the server and sending ``initialize`` to the first
  hover answered with a task card;
- hover and completion latency (p50, p95) over N requests each, the cursor
  inside a task-name string of sends.py at varying lines and columns;
- inspection time: the server's own "inspected ... in N ms" account, and the
  wall time of ``qtasks-lsp inspect ROOT --json`` against
  ``qtasks -A bench.app:app stats inspect tasks json=True`` (median of 5 each);
- the server's resident memory after the run.

It prints a table, says which targets are met and writes the figures as JSON.
The exit status is always 0: this is a report, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from connection import Connection, summary  # noqa: E402
from sample_project import Site, generate  # noqa: E402

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
WARMUP = 20
RUNS = 5
TARGETS = {
    "hover_p95": 3.0,
    "completion_p95": 3.0,
    "inspection": 1.3,
    "check": 1.5,
    "rss_mb": 100.0,
}


def cursor_plan(sites: list[Site], count: int, seed: int) -> list[tuple[int, int]]:
    """``count`` positions inside task-name strings, spread over the file."""
    rng = random.Random(seed)
    picked = [sites[rng.randrange(len(sites))] for _ in range(count)]
    return [(s.line, rng.randint(s.start, s.end)) for s in picked]


async def first_card(
    connection: Connection, uri: str, site: Site, started: float
) -> float:
    """Hover until the answer is a task card; seconds since ``started``."""
    while True:
        _, text = await connection.hover(uri, site.line, site.start + 2)
        if "QTasks task" in text:
            return time.perf_counter() - started
        if time.perf_counter() - started > 60:
            raise TimeoutError("no task card within 60 s")
        await asyncio.sleep(0.01)


async def latencies(
    connections: dict[str, Connection],
    uris: dict[str, str],
    plan: list[tuple[int, int]],
) -> dict[str, dict[str, Any]]:
    """Hover, then completion round trips, alternating between the servers.

    Each position is asked of every server in turn, so that load from
    elsewhere on the machine falls on all of them alike.
    """
    timings: dict[str, dict[str, list[float]]] = {
        name: {"hover": [], "completion": [], "items": []} for name in connections
    }
    for index, (line, column) in enumerate(plan[:WARMUP] + plan):
        for name, connection in connections.items():
            elapsed, _ = await connection.hover(uris[name], line, column)
            if index >= WARMUP:
                timings[name]["hover"].append(elapsed)
    for index, (line, column) in enumerate(plan[:WARMUP] + plan):
        for name, connection in connections.items():
            elapsed, count = await connection.completion(uris[name], line, column)
            if index >= WARMUP:
                timings[name]["completion"].append(elapsed)
                timings[name]["items"].append(count)

    return {
        name: {
            "hover": summary(found["hover"]),
            "completion": summary(found["completion"]),
            "completion_items_mean": round(statistics.fmean(found["items"]), 1),
        }
        for name, found in timings.items()
    }


async def inspections_in_server(connection: Connection) -> dict[str, Any]:
    """The agent's own timing of 5 inspections, and refresh-to-ready wall times."""
    walls = []
    while len(connection.inspections_ms) < RUNS:
        seen = len(connection.inspections_ms)
        started = time.perf_counter()
        connection.reinspect()
        while len(connection.inspections_ms) == seen:
            await asyncio.sleep(0.01)
        await connection.wait_state("ready", 120)
        walls.append((time.perf_counter() - started) * 1000)

    return {
        "agent_ms": connection.inspections_ms[:RUNS],
        "agent_median_ms": statistics.median(connection.inspections_ms[:RUNS]),
        "refresh_to_ready_ms": [round(w, 1) for w in walls],
    }


async def measure_servers(
    root: Path, sites: list[Site], plan: list[tuple[int, int]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Start-up, latencies, inspections and memory of the real and floor servers."""
    real = Connection(
        [
            sys.executable,
            *os.environ.get("BENCH_PROFILE", "").split(),
            "-m",
            "qtasks_lsp",
        ]
        if os.environ.get("BENCH_PROFILE")
        else [sys.executable, "-m", "qtasks_lsp"],
        root,
        {"python": sys.executable},
    )
    started = time.perf_counter()
    await real.start()
    sends = root / "bench" / "sends.py"
    uris = {"real": real.open(sends)}
    card_s = await first_card(real, uris["real"], sites[0], started)
    status = await real.wait_state("ready", 120)
    ready_s = time.perf_counter() - started

    floor = Connection([sys.executable, str(HERE / "floor_server.py")], root, {})
    await floor.start()
    uris["floor"] = floor.open(sends)
    measured = await latencies({"real": real, "floor": floor}, uris, plan)
    measured["floor"]["rss_mb"] = round(floor.rss_mb(), 1)
    await floor.close()

    result = measured["real"]
    result["first_card_s"] = round(card_s, 3)
    result["ready_s"] = round(ready_s, 3)
    result["task_count"] = status.get("taskCount")
    result["inspection_in_server"] = await inspections_in_server(real)
    result["rss_mb"] = round(real.rss_mb(), 1)
    result["stderr_mb"] = round(real.stderr_bytes / 2**20, 1)
    await real.close()

    return result, measured["floor"]


def timed_run(command: list[str], root: Path) -> float:
    """Wall time of one run of a command in ``root``, in milliseconds."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")

    return elapsed


def measure_cli(root: Path) -> dict[str, Any]:
    """``qtasks-lsp inspect`` and ``check`` against the QTasks CLI, alternating, median of 5."""
    commands = {
        "qtasks_lsp_inspect": [
            str(BIN / "qtasks-lsp"),
            "inspect",
            str(root),
            "--json",
            "--python",
            sys.executable,
        ],
        "qtasks_lsp_check": [
            str(BIN / "qtasks-lsp"),
            "check",
            str(root),
            "--json",
            "--python",
            sys.executable,
        ],
        "qtasks_cli": [
            str(BIN / "qtasks"),
            "-A",
            "bench.app:app",
            "stats",
            "inspect",
            "tasks",
            "json=True",
        ],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(RUNS):
        for name, command in commands.items():
            times[name].append(timed_run(command, root))

    return {
        name: {
            "median_ms": round(statistics.median(runs), 1),
            "runs_ms": [round(t, 1) for t in runs],
        }
        for name, runs in times.items()
    }


def ratios(
    real: dict[str, Any], floor: dict[str, Any], cli: dict[str, Any]
) -> dict[str, float]:
    """The figures the targets are stated in."""
    inspect_ms = cli["qtasks_lsp_inspect"]["median_ms"]
    agent_ms = real["inspection_in_server"]["agent_median_ms"]
    return {
        "hover_p95": round(real["hover"]["p95_ms"] / floor["hover"]["p95_ms"], 2),
        "completion_p95": round(
            real["completion"]["p95_ms"] / floor["completion"]["p95_ms"], 2
        ),
        "inspection": round(agent_ms / cli["qtasks_cli"]["median_ms"], 2),
        "inspect_command": round(inspect_ms / cli["qtasks_cli"]["median_ms"], 2),
        "check": round(cli["qtasks_lsp_check"]["median_ms"] / inspect_ms, 2),
        "rss_mb": real["rss_mb"],
    }


def verdicts(measured: dict[str, float]) -> dict[str, bool]:
    """Whether each figure is within its target."""
    return {key: measured[key] <= limit for key, limit in TARGETS.items()}


def table(report: dict[str, Any]) -> str:
    """The report as a plain-text table."""
    real, floor, cli = report["real"], report["floor"], report["cli"]
    rows = [
        ("first hover with a task card", f"{real['first_card_s'] * 1000:.0f} ms", ""),
        (
            "server ready (inspected)",
            f"{real['ready_s'] * 1000:.0f} ms",
            f"{real['task_count']} tasks",
        ),
    ]
    for kind in ("hover", "completion"):
        for q in ("p50_ms", "p95_ms"):
            rows.append(
                (
                    f"{kind} {q[:3]} (floor)",
                    f"{real[kind][q]:.2f} ms",
                    f"{floor[kind][q]:.2f} ms",
                )
            )
    rows += [
        ("completion items, mean", f"{real['completion_items_mean']}", "1"),
        (
            "inspection, agent (median of 5)",
            f"{real['inspection_in_server']['agent_median_ms']:.0f} ms",
            "",
        ),
        (
            "qtasks-lsp inspect --json",
            f"{cli['qtasks_lsp_inspect']['median_ms']:.0f} ms",
            "",
        ),
        (
            "qtasks-lsp check --json",
            f"{cli['qtasks_lsp_check']['median_ms']:.0f} ms",
            f"first {cli['qtasks_lsp_check']['runs_ms'][0]:.0f} ms",
        ),
        (
            "qtasks ... stats inspect tasks",
            f"{cli['qtasks_cli']['median_ms']:.0f} ms",
            "",
        ),
        (
            "server RSS after the run (floor)",
            f"{real['rss_mb']:.1f} MB",
            f"{floor['rss_mb']:.1f} MB",
        ),
        ("server log written to stderr", f"{real['stderr_mb']:.1f} MB", ""),
    ]
    width = max(len(r[0]) for r in rows)
    lines = [f"{'':{width}}  {'qtasks-lsp':>12}  {'floor / note':>12}"]
    lines += [
        f"{name:{width}}  {value:>12}  {other:>12}" for name, value, other in rows
    ]
    lines.append("")
    names = {
        "hover_p95": "hover p95 / floor p95",
        "completion_p95": "completion p95 / floor p95",
        "inspection": "server inspection / qtasks CLI",
        "check": "qtasks-lsp check / inspect",
        "rss_mb": "server RSS, MB",
    }
    for key, limit in TARGETS.items():
        value = report["ratios"][key]
        mark = "met" if report["targets_met"][key] else "MISSED"
        lines.append(f"{names[key]:{width}}  {value:>12}  target <= {limit}: {mark}")
    command = report["ratios"]["inspect_command"]
    lines.append(
        f"{'qtasks-lsp inspect / qtasks CLI':{width}}  {command:>12}  (no target)"
    )

    return "\n".join(lines)


async def benchmark(requests: int) -> dict[str, Any]:
    """Generate the project, run every measurement, and assemble the report."""
    with tempfile.TemporaryDirectory(prefix="qtasks-lsp-bench-") as folder:
        root = Path(folder).resolve()
        sites = generate(root)
        plan = cursor_plan(sites, requests, seed=11)
        real, floor = await measure_servers(root, sites, plan)
        cli = measure_cli(root)
    measured = ratios(real, floor, cli)

    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "requests": requests,
        "real": real,
        "floor": floor,
        "cli": cli,
        "ratios": measured,
        "targets": TARGETS,
        "targets_met": verdicts(measured),
    }


def main() -> int:
    """Run the benchmarks, print the table and write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=500, help="requests of each kind"
    )
    parser.add_argument(
        "--out", default="benchmarks/results.json", help="JSON report file"
    )
    args = parser.parse_args()

    report = asyncio.run(benchmark(max(args.requests, WARMUP)))
    print(table(report))
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nreport written to {args.out}")

    return 0


if __name__ == "__main__":
    sys.exit(main())
