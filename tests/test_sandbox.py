"""What a project's import may do to the inspection, and that none of it escapes.

Each test runs the real ``qtasks-lsp inspect --json`` in a subprocess on a
sample project under ``tests/projects`` that hangs, prints, exits, forks or
eats memory at import time, with the real qtasks installed. The hanging
projects run side by side, since each of them costs a full timeout.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from inspect_support import (
    PID_FILE_VARIABLE,
    PROJECTS,
    Run,
    clean_env,
    finish,
    inspect_cli,
    read_pids,
    start,
    survivors,
)

HANG_TIMEOUT = 3.0
HANGING = {
    "hangs_at_import": 1,
    "hangs_in_timer": 1,
    "hangs_with_child": 2,
}


@pytest.fixture(scope="module")
def hung_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Run, Path]]:
    """Every hanging project inspected at once, with its pid file."""
    started = {}
    for name in HANGING:
        pid_file = tmp_path_factory.mktemp(name) / "pids"
        env = clean_env(**{PID_FILE_VARIABLE: str(pid_file)})
        args = ("--json", "--timeout", str(HANG_TIMEOUT))
        started[name] = (*start(PROJECTS / name, *args, env=env), pid_file)
    return {
        name: (finish(proc, t0), pids) for name, (proc, t0, pids) in started.items()
    }


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(HANGING))
def test_import_that_never_returns_times_out_with_a_hint(
    hung_runs: dict[str, tuple[Run, Path]], name: str
) -> None:
    """A blocking import is stopped at the timeout; the hint says how to avoid it."""
    run, _ = hung_runs[name]

    error = run.error()
    assert run.returncode == 1, run.stderr
    assert error["kind"] == "timeout"
    assert f"did not finish within {HANG_TIMEOUT:g} s" in error["message"]
    assert 'if __name__ == "__main__":' in error["hint"]
    assert "QTASKS_LSP_INSPECTING" in error["hint"]
    assert run.seconds < HANG_TIMEOUT + 5
    assert isinstance(run.app()["output"], str)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(HANGING))
def test_timed_out_import_leaves_no_process_behind(
    hung_runs: dict[str, tuple[Run, Path]], name: str
) -> None:
    """The hung interpreter and every child it started are gone after the timeout."""
    _, pid_file = hung_runs[name]

    pids = read_pids(pid_file)

    assert len(pids) == HANGING[name]
    assert survivors(pids) == []


@pytest.mark.timeout(60)
def test_noisy_import_still_yields_tasks_and_keeps_capped_output() -> None:
    """Prints, a fake header, raw bytes on fd 1 and a child's output corrupt nothing."""
    run = inspect_cli(PROJECTS / "noisy_import", "--json")

    report = run.app()
    assert run.returncode == 0, run.stderr
    assert report["inspection"]["ok"] is True
    assert [t["name"] for t in report["inspection"]["tasks"]] == ["noisy.shout"]
    output = report["output"]
    assert output.startswith("loading line 0\n")
    assert "Content-Length: 99" in output
    assert "raw bytes that are not UTF-8" in output
    assert "the child says hello" in output
    assert output.rstrip().endswith("app ready")
    assert "bytes not kept" in output
    assert len(output.encode("utf-8")) < 2 * 64 * 1024 + 1024


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("how", "code"),
    [("os._exit(3)", 3), ("sys.exit()", 0), ("sys.exit(3)", 3)],
)
def test_exit_at_import_is_reported_with_its_code(how: str, code: int) -> None:
    """An import that exits, by any means, is an `exit` error naming the exit code."""
    env = clean_env(QTASKS_TEST_EXIT=how)

    run = inspect_cli(PROJECTS / "exits_at_import", "--json", env=env)

    error = run.error()
    assert run.returncode == 1, run.stderr
    assert error["kind"] == "exit"
    assert error["message"] == f"the app exited during import (code {code})"
    assert error["code"] == code
    assert 'if __name__ == "__main__":' in error["hint"]


@pytest.mark.timeout(60)
def test_huge_allocation_at_import_is_a_memory_error() -> None:
    """Asking for 64 GiB hits the address-space limit quickly instead of the machine."""
    run = inspect_cli(PROJECTS / "memory_hog", "--json")

    error = run.error()
    assert run.returncode == 1, run.stderr
    assert error["kind"] == "memory"
    assert "ran out of memory during import" in error["message"]
    assert error["file"].endswith("app.py") and error["line"] == 6
    assert run.seconds < 30


@pytest.mark.timeout(60)
def test_missing_environment_variable_is_named_with_the_env_file_hint() -> None:
    """A KeyError from os.environ names the variable and suggests an env file."""
    run = inspect_cli(PROJECTS / "needs_env", "--json")

    error = run.error()
    assert run.returncode == 1, run.stderr
    assert error["kind"] == "env-missing"
    assert error["variable"] == "QTASKS_TEST_REDIS_URL"
    assert "QTASKS_TEST_REDIS_URL" in error["message"]
    assert "env file" in error["hint"] and "`envFile`" in error["hint"]
    assert error["file"].endswith("needs_env/app.py") and error["line"] == 7


@pytest.mark.timeout(60)
def test_env_file_provides_the_missing_variable() -> None:
    """With ``--env-file`` setting the variable, the same project inspects cleanly."""
    project = PROJECTS / "needs_env"

    run = inspect_cli(project, "--json", "--env-file", str(project / "test.env"))

    report = run.app()
    assert run.returncode == 0, run.stderr
    assert [t["name"] for t in report["inspection"]["tasks"]] == ["configured.ping"]


@pytest.mark.timeout(60)
def test_project_can_skip_side_effects_when_the_marker_is_set() -> None:
    """Code guarded by QTASKS_LSP_INSPECTING is skipped, however the caller set it."""
    env = clean_env(QTASKS_LSP_INSPECTING="")

    run = inspect_cli(
        PROJECTS / "guarded_by_marker", "--json", "--timeout", "10", env=env
    )

    assert run.returncode == 0, run.stderr
    assert [t["name"] for t in run.app()["inspection"]["tasks"]] == ["guarded.work"]
    assert run.seconds < 10


@pytest.mark.timeout(60)
def test_background_child_of_a_successful_import_is_stopped(tmp_path: Path) -> None:
    """A process the import started and left running does not outlive the inspection."""
    pid_file = tmp_path / "pids"
    env = clean_env(**{PID_FILE_VARIABLE: str(pid_file)})

    run = inspect_cli(PROJECTS / "leaves_child", "--json", env=env)

    assert run.returncode == 0, run.stderr
    assert [t["name"] for t in run.app()["inspection"]["tasks"]] == ["forgetful.work"]
    assert len(read_pids(pid_file)) == 1
    assert survivors(read_pids(pid_file)) == []


@pytest.mark.timeout(60)
def test_killing_the_command_mid_inspection_leaves_no_process(tmp_path: Path) -> None:
    """If the caller dies during a hung import, the agent and its children go too."""
    pid_file = tmp_path / "pids"
    env = clean_env(**{PID_FILE_VARIABLE: str(pid_file)})
    proc, _ = start(PROJECTS / "hangs_with_child", "--timeout", "60", env=env)
    deadline = time.monotonic() + 20
    while not (pid_file.exists() and len(read_pids(pid_file)) == 2):
        assert time.monotonic() < deadline, "the project never started"
        time.sleep(0.05)

    proc.kill()
    proc.communicate()

    assert survivors(read_pids(pid_file), grace=5.0) == []
