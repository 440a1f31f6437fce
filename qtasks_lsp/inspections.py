"""Running inspections for the server: debounced, coalesced, in the background.

Each root has at most one inspection running. A request while one runs marks
the root dirty, and one more run follows (never two at once, never a queue).
Runs happen in a worker thread, each in a fresh agent subprocess; the result
replaces the app's catalogue, or, on failure, the old catalogue stays and is
marked stale. The client sees work-done progress ("QTasks: inspecting ...")
and a ``qtasks/status`` notification on every state change.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from qtasks_lsp import inspector
from qtasks_lsp.errors import InspectionError, SetupError
from qtasks_lsp.render import sentence
from qtasks_lsp.workspace import AppState, Root

if TYPE_CHECKING:
    from qtasks_lsp.server import QTasksServer

logger = logging.getLogger(__name__)

DEBOUNCE = 0.3
CLOSE_WAIT = 5.0


class Scheduler:
    """Starts inspections for roots, one at a time per root."""

    def __init__(self, server: QTasksServer) -> None:
        self.server = server
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="inspect")
        self.running: dict[Path, asyncio.Task[None]] = {}
        self.dirty: set[Path] = set()
        self.jobs: set[Future[inspector.Outcome]] = set()

    def close(self) -> None:
        """Stop accepting work, and kill agents until no inspection thread waits on one."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + CLOSE_WAIT
        while any(not job.done() for job in self.jobs) and time.monotonic() < deadline:
            inspector.kill_all()  # also the agent of a job that was starting it just now
            time.sleep(0.05)

    def reset_apps(self, root: Root) -> None:
        """Create one app state per chosen app, keeping what is already known."""
        root.set_apps(root.project.apps if root.project else [])
        for state in root.apps.values():
            state.set_state(self._idle_state(root, state))
        self.notify_status()

    def _idle_state(self, root: Root, state: AppState) -> str:
        settings = root.project.settings if root.project else None
        if settings is not None and not settings.trusted:
            return "untrusted"
        if settings is not None and not settings.inspection_enabled:
            return "disabled"
        if state.catalogue.origin == "inspected":
            return "stale" if state.last_error else "ready"
        return "error" if state.last_error else "static"

    def can_inspect(self, root: Root) -> bool:
        """True when settings allow running project code for this root."""
        proj = root.project
        if proj is None or not proj.apps:
            return False
        return proj.settings.trusted and proj.settings.inspection_enabled

    def request(self, root: Root) -> None:
        """Ask for a fresh inspection of a root (debounced, coalesced)."""
        if not self.can_inspect(root):
            return
        if root.project is not None and root.project.python is not None:
            for state in root.apps.values():
                state.set_state("inspecting")
            self.notify_status()
        if root.path in self.running and not self.running[root.path].done():
            self.dirty.add(root.path)
            return
        self.running[root.path] = asyncio.ensure_future(self._run(root))

    async def _run(self, root: Root) -> None:
        await asyncio.sleep(DEBOUNCE)
        while True:
            self.dirty.discard(root.path)
            await self._inspect_root(root)
            if root.path not in self.dirty:
                return

    async def _inspect_root(self, root: Root) -> None:
        proj = root.project
        if proj is None:
            return
        if proj.python is None:
            self._no_python(root)
            return
        token = str(uuid.uuid4())
        progress = await self._begin(token, root)
        for state in list(root.apps.values()):
            state.set_state("inspecting")
            self.notify_status()
            self._report(progress, token, state.choice.spec)
            try:
                job = self.pool.submit(
                    inspector.inspect,
                    state.choice,
                    proj.python,
                    proj.root,
                    proj.sandbox(),
                )
                self.jobs.add(job)
                job.add_done_callback(self.jobs.discard)
                outcome = await asyncio.wrap_future(job)
            except (InspectionError, SetupError) as exc:
                self._failed(root, state, exc)
            except Exception:  # the boundary of a background job
                logger.exception(
                    "inspection of %s failed unexpectedly", state.choice.spec
                )
                state.set_state(self._idle_state(root, state))
            else:
                self._succeeded(root, state, outcome)
            self.notify_status()
        if progress:
            self.server.work_done_progress.end(token, types.WorkDoneProgressEnd())

    async def _begin(self, token: str, root: Root) -> bool:
        capabilities = self.server.client_capabilities
        window = capabilities.window if capabilities else None
        if not (window and window.work_done_progress):
            return False
        try:
            await asyncio.wait_for(
                self.server.work_done_progress.create_async(token), 5
            )
        except Exception:  # a client that refuses progress still gets results
            return False
        self.server.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title="QTasks", message=f"inspecting {root.path.name}"
            ),
        )
        return True

    def _report(self, progress: bool, token: str, spec: str) -> None:
        if progress:
            self.server.work_done_progress.report(
                token, types.WorkDoneProgressReport(message=f"inspecting {spec}")
            )

    def _succeeded(
        self, root: Root, state: AppState, outcome: inspector.Outcome
    ) -> None:
        document = outcome.document
        state.document = document
        state.output = outcome.output
        state.last_error = None
        state.last_inspection = time.time()
        state.loaded_files = {Path(p) for p in document.get("loaded_files") or []}
        root.rebuild_static()
        state.set_state("ready")
        self.server.said = {
            k for k in self.server.said if not k.startswith(f"fail:{state.choice.spec}")
        }
        self.server.on_catalogue_changed(root)

    def _failed(
        self, root: Root, state: AppState, exc: InspectionError | SetupError
    ) -> None:
        record: dict[str, Any] = getattr(exc, "record", None) or {
            "kind": exc.kind,
            "message": exc.message,
            "hint": exc.hint,
        }
        state.last_error = record
        state.last_inspection = time.time()
        state.set_state("stale" if state.catalogue.origin == "inspected" else "error")
        shown = (
            "the last good result is kept"
            if state.state == "stale"
            else "using tasks read from source"
        )
        message = (
            f"QTasks: could not inspect `{state.choice.spec}`: "
            f"{sentence(record.get('message'))}"
        )
        if record.get("hint"):
            message += f" {sentence(record['hint'])}"
        message += f" ({shown})"
        logger.warning("%s", message)
        if record.get("traceback"):
            logger.info("traceback of the failed import:\n%s", record["traceback"])
        self.server.say_once(
            f"fail:{state.choice.spec}:{record.get('kind')}:{record.get('message')}",
            message,
            types.MessageType.Warning,
        )
        self.server.on_catalogue_changed(root)

    def _no_python(self, root: Root) -> None:
        proj = root.project
        error = proj.python_error if proj else None
        text = error.describe() if error else "no interpreter with qtasks"
        for state in root.apps.values():
            state.last_error = {"kind": "no-interpreter", "message": text, "hint": None}
            state.set_state("static")
        self.server.say_once(
            f"nopython:{root.path}",
            f"QTasks: {text.rstrip('.')}. Task names are read from source only.",
            types.MessageType.Warning,
        )
        self.notify_status()

    def notify_status(self) -> None:
        """Tell the client the current status of every app."""
        if not self.server.ready:
            return
        from qtasks_lsp.features.commands import status_payload

        try:
            self.server.protocol.notify("qtasks/status", status_payload(self.server))
        except Exception:  # a client gone away must not break the scheduler
            logger.debug("could not send qtasks/status", exc_info=True)
