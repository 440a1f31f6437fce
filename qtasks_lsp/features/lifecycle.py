"""The server's lifecycle and document sync: initialize, settings, edits, exit.

``initialize`` records the roots and ``initializationOptions``; ``initialized``
pulls ``workspace/configuration`` (section ``qtasks``, per folder), scans each
root and starts the first inspection. Edits rescan the changed file; a save
of a file the app imported, of pyproject.toml, or a settings change triggers
a new inspection. ``shutdown`` and ``exit`` kill any running agent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from qtasks_lsp import inspector
from qtasks_lsp.workspace import Root

if TYPE_CHECKING:
    from qtasks_lsp.server import QTasksServer

logger = logging.getLogger(__name__)


def initialize(ls: QTasksServer, params: types.InitializeParams) -> None:
    """Remember the roots and the initialization options."""
    from qtasks_lsp.server import roots_from_init

    options = params.initialization_options
    ls.init_options = options if isinstance(options, dict) else {}
    roots_from_init(ls, params)
    logger.info(
        "qtasks-lsp started for %s", ", ".join(str(r) for r in ls.roots) or "no folder"
    )


def _layers(
    ls: QTasksServer, configured: Any
) -> list[tuple[dict[str, Any] | None, str]]:
    options = {k: v for k, v in ls.init_options.items() if k != "editorPython"}
    layers: list[tuple[dict[str, Any] | None, str]] = [
        (options, "initializationOptions")
    ]
    if isinstance(configured, dict):
        layers.append((configured, "editor setting `qtasks`"))
    return layers


async def _configure(ls: QTasksServer) -> None:
    roots = list(ls.roots.values())
    configured: Sequence[Any] = [None] * len(roots)
    for root in roots:
        root.editor_python = _editor_python(ls)
        if root.project is None:
            root.layers = _layers(ls, None)
            ls.setup_root(root, inspect=False)
    caps = ls.client_capabilities
    if caps and caps.workspace and caps.workspace.configuration and roots:
        items = [
            types.ConfigurationItem(scope_uri=r.path.as_uri(), section="qtasks")
            for r in roots
        ]
        try:
            configured = await ls.workspace_configuration_async(
                types.ConfigurationParams(items=items)
            )
        except Exception:  # a client that cannot answer still gets defaults
            logger.debug("workspace/configuration failed", exc_info=True)
    for root, section in zip(roots, configured, strict=False):
        root.layers = _layers(ls, section)
        ls.setup_root(root)


async def initialized(ls: QTasksServer, params: types.InitializedParams) -> None:
    """Read the settings, scan the roots, start inspecting and watch the files."""
    ls.ready = True
    await _configure(ls)
    await _watch_files(ls)


WATCHED = ("**/*.py", "**/pyproject.toml", "**/*.env", "**/.env*")


async def _watch_files(ls: QTasksServer) -> None:
    """Ask the client to report changes made outside the editor, when it can."""
    caps = ls.client_capabilities
    watched = (
        caps.workspace.did_change_watched_files if caps and caps.workspace else None
    )
    if not (watched and watched.dynamic_registration):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED]
    )
    registration = types.Registration(
        id="qtasks-files",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
    except Exception:  # a client that refuses still works, without outside changes
        logger.debug("could not register file watchers", exc_info=True)


async def did_change_configuration(
    ls: QTasksServer, params: types.DidChangeConfigurationParams
) -> None:
    """Settings changed: decide again and inspect again."""
    ls.said = {k for k in ls.said if not k.startswith("setting:")}
    await _configure(ls)


def _ensure_root(ls: QTasksServer, uri: str) -> Root | None:
    root = ls.root_for(uri)
    if root is not None:
        return root
    path = ls.path_of(uri)
    if path is None:
        return None
    folder = path.parent
    for candidate in (folder, *folder.parents):
        if (candidate / "pyproject.toml").is_file() or (candidate / ".git").exists():
            folder = candidate
            break
    return _add_root(ls, folder)


def _add_root(ls: QTasksServer, path: Path) -> Root:
    """A root that appeared after start: settings from what is known, then set up."""
    root = Root(path=path.resolve())
    root.layers = _layers(ls, None)
    root.editor_python = _editor_python(ls)
    ls.roots[root.path] = root
    ls.setup_root(root)
    return root


def _editor_python(ls: QTasksServer) -> str | None:
    """The interpreter the editor selected (``editorPython``), if it sent one."""
    value = ls.init_options.get("editorPython")
    return value if isinstance(value, str) else None


def _rescan(ls: QTasksServer, uri: str) -> None:
    path = ls.path_of(uri)
    root = ls.root_for(uri)
    if path is None or root is None or path.suffix != ".py":
        return
    document = ls.workspace.text_documents.get(uri)
    text = document.source if document is not None else None
    if root.rescan(path, text):
        _declarations_changed(ls, root)


def _declarations_changed(ls: QTasksServer, root: Root) -> None:
    """A file's apps, routers or tasks changed: update catalogues, or decide again.

    When the apps were discovered (not named by a setting) and the set of apps
    in the source changed (an app was added, removed, or its file parses
    again), the root is set up again and inspected.
    """
    root.rebuild_static()
    named = root.project is not None and root.settings_named_apps()
    if not named and root.scanned_app_specs() != set(root.apps):
        ls.setup_root(root)
        return
    ls.on_catalogue_changed(root)
    ls.scheduler.notify_status()


def did_open(ls: QTasksServer, params: types.DidOpenTextDocumentParams) -> None:
    """Scan an opened document from its buffer."""
    _ensure_root(ls, params.text_document.uri)
    _rescan(ls, params.text_document.uri)
    ls.on_document_changed(params.text_document.uri)


def did_change(ls: QTasksServer, params: types.DidChangeTextDocumentParams) -> None:
    """Rescan an edited document."""
    _rescan(ls, params.text_document.uri)
    ls.on_document_changed(params.text_document.uri)


def did_save(ls: QTasksServer, params: types.DidSaveTextDocumentParams) -> None:
    """A saved file the app imported (or pyproject.toml) triggers a new inspection."""
    uri = params.text_document.uri
    root = ls.root_for(uri)
    path = ls.path_of(uri)
    if root is None or path is None:
        return
    if path.name == "pyproject.toml":
        ls.setup_root(root)
        return
    _rescan(ls, uri)
    if _imported_by_app(root, path):
        ls.scheduler.request(root)


def did_close(ls: QTasksServer, params: types.DidCloseTextDocumentParams) -> None:
    """Forget the buffer; the disk version counts again."""
    uri = params.text_document.uri
    ls.forget(uri)
    if uri.startswith("file:") and ls.path_of(uri) is not None:
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )
    path = ls.path_of(uri)
    root = ls.root_for(uri)
    if path is None or root is None or path.suffix != ".py":
        return
    if root.rescan(path, None):
        _declarations_changed(ls, root)


def did_change_watched_files(
    ls: QTasksServer, params: types.DidChangeWatchedFilesParams
) -> None:
    """Files changed on disk: rescan them and inspect again when they matter."""
    for change in params.changes:
        path = ls.path_of(change.uri)
        root = ls.root_for(change.uri)
        if path is None or root is None:
            continue
        if path.name == "pyproject.toml":
            ls.setup_root(root)
        elif root.project is not None and root.project.sandbox().env_file == path:
            ls.scheduler.request(root)
        elif path.suffix == ".py" and change.uri not in ls.workspace.text_documents:
            if root.rescan(path, None):
                _declarations_changed(ls, root)
            if _imported_by_app(root, path):
                ls.scheduler.request(root)


def _imported_by_app(root: Root, path: Path) -> bool:
    """True when a change to ``path`` may change what the app registers.

    Before any inspection has listed the files it loaded, every file counts.
    """
    loaded = [state.loaded_files for state in root.apps.values()]
    return not any(loaded) or any(path in files for files in loaded)


def did_change_folders(
    ls: QTasksServer, params: types.DidChangeWorkspaceFoldersParams
) -> None:
    """Workspace folders were added or removed."""
    for folder in params.event.removed:
        path = ls.path_of(folder.uri)
        if path is not None:
            ls.roots.pop(path, None)
    for folder in params.event.added:
        path = ls.path_of(folder.uri)
        if path is not None and path not in ls.roots:
            _add_root(ls, path)


def shutdown(ls: QTasksServer, params: Any) -> None:
    """Stop inspections before the client asks the process to exit."""
    inspector.kill_all()


def register(ls: QTasksServer) -> None:
    """Register lifecycle and document-sync handlers."""
    ls.feature(types.INITIALIZE)(initialize)
    ls.feature(types.INITIALIZED)(initialized)
    ls.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    ls.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    ls.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    ls.feature(types.TEXT_DOCUMENT_DID_SAVE)(did_save)
    ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    ls.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched_files)
    ls.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)(did_change_folders)
    ls.feature(types.SHUTDOWN)(shutdown)
