"""The language server: wires the workspace knowledge, inspections and features.

Handlers live in ``qtasks_lsp.features``, one module per request; this module
builds the server object, keeps the roots and settings, and starts it on
stdio or TCP. Every request is answered from memory: inspections run in
worker threads (``inspections.Scheduler``) and replace catalogues when done.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from qtasks_lsp import __version__, inspector, project, scan
from qtasks_lsp.cursor import Lexed
from qtasks_lsp.errors import SetupError
from qtasks_lsp.inspections import Scheduler
from qtasks_lsp.scan import FileScan
from qtasks_lsp.workspace import AppState, Root

logger = logging.getLogger(__name__)

LOG_LEVELS = {
    "error": logging.ERROR,
    "warning": logging.WARNING,
    "info": logging.INFO,
    "debug": logging.DEBUG,
}
MESSAGE_TYPES = {
    logging.ERROR: types.MessageType.Error,
    logging.WARNING: types.MessageType.Warning,
    logging.INFO: types.MessageType.Info,
    logging.DEBUG: types.MessageType.Log,
}


class ClientLogHandler(logging.Handler):
    """Forwards the package's log records to the client's output panel."""

    def __init__(self, server: QTasksServer) -> None:
        super().__init__(logging.INFO)
        self.server = server
        self._busy = False

    def emit(self, record: logging.LogRecord) -> None:
        if self._busy or not self.server.ready:
            return
        self._busy = True
        try:
            kind = MESSAGE_TYPES.get(record.levelno, types.MessageType.Log)
            params = types.LogMessageParams(type=kind, message=self.format(record))
            self.server.window_log_message(params)
        except Exception:  # logging must never break the server
            pass
        finally:
            self._busy = False


class QTasksServer(LanguageServer):
    """The qtasks-lsp language server."""

    def __init__(self) -> None:
        super().__init__(
            "qtasks-lsp",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.roots: dict[Path, Root] = {}
        self.init_options: dict[str, Any] = {}
        self.ready = False
        self.said: set[str] = set()
        self.scheduler = Scheduler(self)
        self.log_handler = ClientLogHandler(self)
        self.log_handler.setFormatter(
            logging.Formatter("%(levelname)s %(name)s: %(message)s")
        )
        self._lexed: dict[str, tuple[int | None, Lexed]] = {}
        self._buffer_scans: dict[str, tuple[int | None, FileScan]] = {}
        self.catalogue_listeners: list[Any] = []
        self.document_listeners: list[Any] = []

    def on_document_changed(self, uri: str) -> None:
        """Let the features that follow the buffer (diagnostics) refresh."""
        for listener in self.document_listeners:
            listener(uri)

    def on_catalogue_changed(self, root: Root) -> None:
        """Let the features that depend on catalogues (diagnostics) refresh."""
        for listener in self.catalogue_listeners:
            listener(root)

    def say_once(self, key: str, message: str, kind: types.MessageType) -> None:
        """Show a message to the user, once per cause."""
        if key in self.said:
            return
        self.said.add(key)
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def set_log_level(self, name: str) -> None:
        """Apply the ``logLevel`` setting to what reaches the client."""
        self.log_handler.setLevel(LOG_LEVELS.get(name, logging.INFO))

    def path_of(self, uri: str) -> Path | None:
        """The file system path of a ``file:`` URI, decoded; None for other schemes."""
        if not uri.startswith("file:"):
            return None
        path = to_fs_path(uri)
        if path is None:
            path = unquote(urlparse(uri).path)
        return Path(path).resolve()

    def root_for(self, uri: str) -> Root | None:
        """The root a document belongs to; the first root for non-file documents."""
        path = self.path_of(uri)
        roots = sorted(
            self.roots.values(), key=lambda r: len(r.path.parts), reverse=True
        )
        if path is None:
            return roots[-1] if roots else None
        for root in roots:
            if root.contains(path):
                return root
        return None

    def text_of(self, uri: str) -> str | None:
        """The open buffer's text, or the file's text on disk, or None."""
        document = self.workspace.text_documents.get(uri)
        if document is not None:
            return document.source
        path = self.path_of(uri)
        if path is None or not path.is_file():
            return None
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def lexed(self, uri: str, text: str) -> Lexed:
        """The lexed form of a document, cached per version."""
        document = self.workspace.text_documents.get(uri)
        version = document.version if document is not None else None
        cached = self._lexed.get(uri)
        if cached is not None and cached[0] == version and cached[1].text == text:
            return cached[1]
        lexed = Lexed(text)
        self._lexed[uri] = (version, lexed)
        return lexed

    def forget(self, uri: str) -> None:
        """Drop what is cached for a closed document."""
        self._lexed.pop(uri, None)
        self._buffer_scans.pop(uri, None)

    def scan_of(self, uri: str) -> FileScan | None:
        """The scan of a document: the root's for files, the buffer's for others.

        A document that is not a file (``untitled:``) is scanned from its
        buffer, once per version, as a module of the root it is shown with.
        """
        root = self.root_for(uri)
        if root is None:
            return None
        path = self.path_of(uri)
        if path is not None:
            return root.scans.get(path)
        document = self.workspace.text_documents.get(uri)
        if document is None:
            return None
        cached = self._buffer_scans.get(uri)
        if cached is not None and cached[0] == document.version:
            return cached[1]
        buffer_scan = scan.scan_source(
            root.path / "__buffer__.py", document.source, root.path
        )
        self._buffer_scans[uri] = (document.version, buffer_scan)
        return buffer_scan

    def open_overrides(self) -> dict[Path, str]:
        """Open buffers by path: they win over the disk when scanning."""
        overrides = {}
        for uri, document in self.workspace.text_documents.items():
            path = self.path_of(uri)
            if path is not None and path.suffix == ".py":
                overrides[path] = document.source
        return overrides

    def app_for(self, uri: str) -> tuple[Root, AppState] | None:
        """The root and app that a document's task names refer to."""
        root = self.root_for(uri)
        if root is None:
            return None
        state = root.app_for(self.path_of(uri))
        if state is None:
            return None
        return root, state

    def setup_root(
        self, root: Root, inspect: bool = True, rescan: bool = False
    ) -> None:
        """Decide apps and interpreter for a root, scan it, and start inspecting.

        The files are scanned the first time only (or when ``rescan``): later
        changes reach the scan through document and file-watch events.
        """
        overrides = self.open_overrides()
        if rescan or not root.scans:
            root.scan_all(overrides)
        try:
            root.project = project.resolve(
                root.path,
                root.layers,
                root.editor_python,
                need_python=False,
                discovered=root.discovered(overrides),
            )
            root.setup_error = None
        except SetupError as exc:
            root.project = None
            root.setup_error = exc
            logger.info("%s: %s", root.path, exc.describe())
        for problem in root.project.problems if root.project else []:
            self.say_once(
                f"setting:{problem}", f"QTasks: {problem}", types.MessageType.Warning
            )
        if root.project is not None:
            self.set_log_level(root.project.settings.log_level)
            python = root.project.python
            for app in root.project.apps:
                logger.info(
                    "app %s (%s), python %s (%s)",
                    app.spec,
                    app.source,
                    python.path if python else "none",
                    python.source if python else "no interpreter with qtasks",
                )
        self.scheduler.reset_apps(root)
        if inspect:
            self.scheduler.request(root)


def _add_root(server: QTasksServer, path: Path) -> Root:
    root = Root(path=path.resolve())
    server.roots[root.path] = root
    return root


def roots_from_init(server: QTasksServer, params: types.InitializeParams) -> None:
    """Create the roots named by ``initialize``."""
    folders = params.workspace_folders or []
    for folder in folders:
        path = server.path_of(folder.uri)
        if path is not None:
            _add_root(server, path)
    if not server.roots and params.root_uri:
        path = server.path_of(params.root_uri)
        if path is not None:
            _add_root(server, path)
    if not server.roots and params.root_path:
        _add_root(server, Path(params.root_path))


def build() -> QTasksServer:
    """A server with every feature registered."""
    from qtasks_lsp.features import (
        commands,
        completion,
        definition,
        diagnostics,
        hover,
        lifecycle,
        references,
        signature,
        symbols,
    )

    server = QTasksServer()
    features = (
        lifecycle,
        hover,
        completion,
        definition,
        references,
        signature,
        symbols,
        commands,
        diagnostics,
    )
    for feature in features:
        feature.register(server)
    return server


def serve(args: argparse.Namespace) -> int:
    """Run the server until the client leaves; the exit status follows LSP rules."""
    server = build()
    logging.getLogger("qtasks_lsp").addHandler(server.log_handler)
    try:
        if args.tcp:
            server.start_tcp(args.host, args.port)
        else:
            server.start_io()
    finally:
        inspector.kill_all()
        server.scheduler.close()
    return 0 if server.protocol._shutdown else 1
