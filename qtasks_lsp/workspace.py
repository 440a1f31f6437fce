"""The server's knowledge of each workspace root, answered from memory.

A ``Root`` holds the static scan of its files (open buffers override the
disk), the decided apps and interpreter, and one ``AppState`` per app with
its catalogue. Features only read from here; nothing in this module waits
for project code. Inspections are run by ``inspections.Scheduler``.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import attrs

from qtasks_lsp import catalogue as cat
from qtasks_lsp import discovery, pysource, scan, scan_cache
from qtasks_lsp.discovery import AppChoice
from qtasks_lsp.errors import SetupError
from qtasks_lsp.project import Project
from qtasks_lsp.render import relative

logger = logging.getLogger(__name__)


@attrs.define
class AppState:
    """One app of a root: its catalogue and the state of its inspection."""

    choice: AppChoice
    catalogue: cat.Catalogue
    state: str = "static"
    last_error: dict[str, Any] | None = None
    last_inspection: float | None = None
    document: dict[str, Any] | None = None
    loaded_files: set[Path] = attrs.Factory(set)
    output: str = ""

    def set_state(self, new: str) -> None:
        """Change the state, logging the transition."""
        if new != self.state:
            logger.debug("%s: %s -> %s", self.choice.spec, self.state, new)
            self.state = new


@attrs.define
class Root:
    """A workspace folder and everything known about it."""

    path: Path
    project: Project | None = None
    setup_error: SetupError | None = None
    scans: dict[Path, scan.FileScan] = attrs.Factory(dict)
    apps: dict[str, AppState] = attrs.Factory(dict)
    layers: list[tuple[dict[str, Any] | None, str]] = attrs.Factory(list)
    editor_python: str | None = None
    generation: int = (
        0  # bumped on every change to ``scans``; keys what derives from them
    )
    scan_notes: list[str] = attrs.Factory(list)
    _specs: tuple[Any, set[str], set[str]] | None = None

    def contains(self, path: Path) -> bool:
        """True when ``path`` lies in this root."""
        return path == self.path or self.path in path.parents

    def scan_all(
        self,
        overrides: dict[Path, str],
        cache: dict[Path, scan_cache.Entry] | None = None,
    ) -> dict[Path, scan_cache.Entry]:
        """Scan every Python file of the root (open buffers win over the disk).

        With a ``cache`` of earlier scans, a file whose size and modification
        time are unchanged is not read again. Returns the entries for the next
        cache.
        """
        started = time.perf_counter()
        self.scans = {}
        self.scan_notes = []
        entries: dict[Path, scan_cache.Entry] = {}
        for path in pysource.python_files(self.path, notes=self.scan_notes):
            resolved = path.resolve()
            text = overrides.get(resolved)
            stamp = scan_cache.stamp(resolved) if cache is not None else None
            kept = cache.get(resolved) if cache and stamp and text is None else None
            if kept is not None and kept[:2] == stamp and self._same_module(kept[2]):
                self.scans[resolved] = kept[2]
                entries[resolved] = kept
                continue
            if text is None:
                text = pysource.read_source(path)
            if text is None:
                continue
            self.scans[resolved] = scan.scan_source(resolved, text, self.path)
            if stamp is not None:
                entries[resolved] = (*stamp, self.scans[resolved])
        for path, text in overrides.items():
            if self.contains(path) and path not in self.scans:
                self.scans[path] = scan.scan_source(path, text, self.path)
        self.generation += 1
        logger.info(
            "scanned %d files of %s in %.0f ms",
            len(self.scans),
            self.path,
            (time.perf_counter() - started) * 1000,
        )
        return entries

    def _same_module(self, file_scan: scan.FileScan) -> bool:
        """True when a cached scan's module name still matches the layout."""
        return pysource.module_name(file_scan.path, self.path)[0] == file_scan.module

    def rescan(self, path: Path, text: str | None) -> bool:
        """Scan one file again; True when what it declares changed."""
        old = self.scans.get(path)
        if text is None:
            text = pysource.read_source(path)
        if text is None:
            self.scans.pop(path, None)
            self.generation += 1
            return old is not None
        new = scan.scan_source(path, text, self.path)
        self.scans[path] = new
        self.generation += 1
        if old is None:
            return bool(new.tasks or new.apps or new.routers)
        if not new.parsed:
            new.tasks, new.apps, new.routers, new.includes = (
                old.tasks,
                old.apps,
                old.routers,
                old.includes,
            )
            return False
        return _declared(old) != _declared(new)

    def set_apps(self, choices: list[AppChoice]) -> None:
        """One app state per chosen app, keeping what is already known of each."""
        old = self.apps
        self.apps = {}
        for choice in choices:
            state = old.get(choice.spec)
            if state is None:
                state = AppState(
                    choice=choice, catalogue=cat.Catalogue(app=choice.spec)
                )
            state.choice = choice
            self.apps[choice.spec] = state
        self.rebuild_static()

    def discovered(
        self, overrides: dict[Path, str]
    ) -> tuple[list[AppChoice], list[str]]:
        """The apps the scan found (buffers included), and why others may be missing."""
        apps: list[AppChoice] = []
        notes = list(self.scan_notes)
        for path, file_scan in sorted(self.scans.items()):
            if file_scan.apps:
                text = overrides.get(path)
                apps += discovery.apps_in_file(path, self.path, source=text)
            elif file_scan.mentions_app and file_scan.error:
                shown = relative(path, self.path)
                notes.append(f"{shown} does not parse ({file_scan.error})")
        return apps, notes

    def settings_named_apps(self) -> bool:
        """True when the apps were named by a setting rather than discovered."""
        return bool(self.project and self.project.settings.app)

    def scanned_app_specs(self) -> set[str]:
        """The app specs declared in the scanned files."""
        return {spec for s in self.scans.values() for spec in s.apps.values()}

    def app_specs(self) -> set[str]:
        """Every app spec known from the scan and the settings."""
        key = (self.generation, tuple(self.apps))
        if self._specs is None or self._specs[0] != key:
            modules = {s.module for s in self.scans.values()}
            self._specs = (key, self.scanned_app_specs() | set(self.apps), modules)
        return self._specs[1]

    def has_module(self, module: str) -> bool:
        """True when a scanned file of the root is that module."""
        self.app_specs()
        assert self._specs is not None
        return module in self._specs[2]

    def rebuild_static(self) -> None:
        """Recompute each app's catalogue: from its last good inspection, if any,
        with the positions of the current scans; else from the scans alone."""
        scans = list(self.scans.values())
        specs = self.app_specs()
        for state in self.apps.values():
            source = cat.static(state.choice.spec, scans, specs)
            if state.document is not None:
                state.catalogue = cat.inspected(
                    state.choice.spec, state.document, source
                )
            else:
                state.catalogue = source

    def app_for(self, path: Path | None) -> AppState | None:
        """The app a document belongs to: the one it declares or imports, or the nearest."""
        if not self.apps:
            return None
        states = list(self.apps.values())
        if path is None or len(states) == 1:
            return states[0]
        file_scan = self.scans.get(path)
        if file_scan is not None:
            for state in states:
                spec = state.choice.spec
                if spec in file_scan.apps.values():
                    return state
            origins = set(file_scan.imports.values())
            for state in states:
                module = state.choice.module
                if any(o == module or o.startswith(module + ".") for o in origins):
                    return state
        return max(states, key=lambda s: _shared_prefix(s.choice.file, path))

    def ordered_apps(self, path: Path | None) -> list[AppState]:
        """Every app, the document's own first."""
        first = self.app_for(path)
        rest = [s for s in self.apps.values() if s is not first]
        return ([first] if first else []) + rest


def _declared(file_scan: scan.FileScan) -> tuple[Any, ...]:
    return (
        [(t.name, t.owner, t.line, t.func, repr(t.options)) for t in file_scan.tasks],
        sorted(file_scan.apps.items()),
        sorted(file_scan.routers.items()),
        sorted(file_scan.includes),
    )


def _shared_prefix(file: Path | None, path: Path) -> int:
    if file is None:
        return 0
    count = 0
    for a, b in zip(file.parts, path.parts, strict=False):
        if a != b:
            break
        count += 1
    return count
