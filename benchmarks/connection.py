"""One LSP client connection over stdio, with the timings the benchmarks need.

The same code drives the real server and the floor server: start the process,
``initialize``, open a document, send hover and completion requests one at a
time and time each round trip. It also keeps what the real server reports
along the way (``qtasks/status`` notifications, "inspected ... in N ms" log
lines) so states and inspection times are read from the server's own account.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import statistics
import time
from pathlib import Path
from typing import Any

import psutil
from lsprotocol import types
from pygls.lsp.client import LanguageClient

INSPECTED = re.compile(r"inspected \S+: (\d+) tasks in (\d+(?:\.\d+)?) ms")


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(values: list[float]) -> dict[str, float]:
    """p50, p95, mean and max of latencies in milliseconds."""
    return {
        "p50_ms": round(percentile(values, 0.50), 3),
        "p95_ms": round(percentile(values, 0.95), 3),
        "mean_ms": round(statistics.fmean(values), 3),
        "max_ms": round(max(values), 3),
        "count": len(values),
    }


class Connection:
    """A client connected to one server process."""

    def __init__(self, command: list[str], root: Path, options: dict[str, Any]) -> None:
        self.argv = command
        self.root = root
        self.options = options
        self.client = LanguageClient("qtasks-lsp-bench", "0")
        self.statuses: list[dict[str, Any]] = []
        self.inspections_ms: list[float] = []
        self.status_changed = asyncio.Event()
        self.stderr_tail: list[str] = []
        self.diagnostics = 0
        self.stderr_bytes = 0
        self._hooks()

    def _hooks(self) -> None:
        @self.client.feature("qtasks/status")
        def on_status(params: Any) -> None:
            self.statuses.append(_plain(params))
            self.status_changed.set()

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: types.LogMessageParams) -> None:
            match = INSPECTED.search(params.message)
            if match:
                self.inspections_ms.append(float(match.group(2)))

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def on_message(params: types.ShowMessageParams) -> None:
            self.stderr_tail.append(f"showMessage: {params.message}")

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.diagnostics = len(params.diagnostics)

        @self.client.feature(types.WORKSPACE_CONFIGURATION)
        def on_configuration(params: types.ConfigurationParams) -> list[Any]:
            return [None for _ in params.items]

    async def start(self) -> None:
        """Launch the server, keep its stderr drained, and ``initialize``."""
        await self.client.start_io(*self.argv, cwd=str(self.root))
        asyncio.create_task(self._drain())
        capabilities = types.ClientCapabilities(
            workspace=types.WorkspaceClientCapabilities(configuration=True),
            text_document=types.TextDocumentClientCapabilities(
                hover=types.HoverClientCapabilities(
                    content_format=[types.MarkupKind.Markdown]
                ),
                # as VS Code and Neovim declare: item documentation comes
                # through completionItem/resolve
                completion=types.CompletionClientCapabilities(
                    completion_item=types.ClientCompletionItemOptions(
                        resolve_support=types.ClientCompletionItemResolveOptions(
                            properties=["documentation", "detail"]
                        )
                    )
                ),
            ),
        )
        folder = types.WorkspaceFolder(uri=self.root.as_uri(), name=self.root.name)
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=capabilities,
                root_uri=self.root.as_uri(),
                workspace_folders=[folder],
                initialization_options=self.options,
            )
        )
        self.client.initialized(types.InitializedParams())

    async def _drain(self) -> None:
        stream = self.client._server.stderr if self.client._server else None
        if stream is None:
            return
        while chunk := await stream.read(65536):
            self.stderr_bytes += len(chunk)
            self.stderr_tail = (self.stderr_tail + [chunk.decode(errors="replace")])[
                -4:
            ]

    def open(self, path: Path) -> str:
        """Open a document from disk; return its URI."""
        uri = path.as_uri()
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=path.read_text()
                )
            )
        )
        return uri

    async def hover(self, uri: str, line: int, character: int) -> tuple[float, str]:
        """One hover round trip: milliseconds and the hover text."""
        params = types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=character),
        )
        started = time.perf_counter()
        result = await self.client.text_document_hover_async(params)
        elapsed = (time.perf_counter() - started) * 1000
        text = ""
        if result is not None and isinstance(result.contents, types.MarkupContent):
            text = result.contents.value
        return elapsed, text

    async def completion(
        self, uri: str, line: int, character: int
    ) -> tuple[float, int]:
        """One completion round trip: milliseconds and the number of items."""
        params = types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=character),
        )
        started = time.perf_counter()
        result = await self.client.text_document_completion_async(params)
        elapsed = (time.perf_counter() - started) * 1000
        if result is None:
            return elapsed, 0
        items = result.items if isinstance(result, types.CompletionList) else result
        return elapsed, len(items)

    def state(self) -> dict[str, Any] | None:
        """The first app's entry of the latest ``qtasks/status`` notification."""
        if not self.statuses:
            return None
        apps = self.statuses[-1].get("apps") or []
        return apps[0] if apps else None

    async def wait_state(self, wanted: str, timeout: float) -> dict[str, Any]:
        """Wait until ``qtasks/status`` says the first app is ``wanted``."""
        deadline = time.monotonic() + timeout
        while True:
            app = self.state()
            if app is not None and app.get("state") == wanted:
                return app
            if time.monotonic() > deadline:
                raise TimeoutError(f"state is not {wanted!r} after {timeout} s: {app}")
            self.status_changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.status_changed.wait(), 0.05)

    def reinspect(self) -> None:
        """Ask for a new inspection (a settings change makes the server inspect)."""
        self.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=None)
        )

    def rss_mb(self) -> float:
        """Resident memory of the server process, in MB."""
        assert self.client._server is not None
        return psutil.Process(self.client._server.pid).memory_info().rss / 2**20

    async def close(self) -> None:
        """``shutdown``, ``exit`` and wait for the process."""
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), 10)
            self.client.exit(None)
            await asyncio.wait_for(self.client.stop(), 10)
        except (asyncio.TimeoutError, RuntimeError):
            if (
                self.client._server is not None
                and self.client._server.returncode is None
            ):
                self.client._server.kill()


def _plain(value: Any) -> Any:
    """Notification and command payloads as plain dicts and lists."""
    if hasattr(value, "_asdict"):
        return _plain(value._asdict())
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return {k: _plain(v) for k, v in vars(value).items()}
    return value
