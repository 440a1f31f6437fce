"""One workspace root: its settings, its apps and its interpreter, decided together.

Both the CLI and the language server go through ``resolve``, so a terminal and
an editor always agree on which app is inspected with which interpreter, and
both can say where each decision came from.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import attrs

from qtasks_lsp import config, discovery, interpreter
from qtasks_lsp.discovery import AppChoice
from qtasks_lsp.errors import SetupError
from qtasks_lsp.inspector import Sandbox
from qtasks_lsp.interpreter import Interpreter

logger = logging.getLogger(__name__)


@attrs.define
class Project:
    """Everything decided about a root before any project code runs."""

    root: Path
    settings: config.Settings
    apps: list[AppChoice]
    python: Interpreter | None
    python_error: SetupError | None = None
    problems: list[str] = attrs.Factory(list)

    def sandbox(self) -> Sandbox:
        """The sandbox the settings ask for."""
        env_file = None
        if self.settings.env_file:
            env_file = config.resolve_path(
                self.settings, "env_file", self.settings.env_file, self.root
            )
        return Sandbox(
            timeout=self.settings.inspection_timeout,
            memory_limit_mb=int(self.settings.inspection_memory_limit),
            env_file=env_file,
        )

    def choice(self, app: AppChoice) -> dict[str, Any]:
        """The decisions behind one app's inspection, for reports."""
        return {
            "spec": app.spec,
            "source": app.source,
            "file": str(app.file) if app.file else None,
            "line": app.line,
            "paths": [str(p) for p in app.paths],
            "python": str(self.python.path) if self.python else None,
            "python_source": self.python.source if self.python else None,
        }


def extra_paths(settings: config.Settings, root: Path) -> list[Path]:
    """The ``extraPaths`` setting as absolute folders."""
    return [
        config.resolve_path(settings, "extra_paths", p, root)
        for p in settings.extra_paths
    ]


def resolve(
    root: Path,
    layers: list[tuple[dict[str, Any] | None, str]] | None = None,
    editor_python: str | None = None,
    need_python: bool = True,
    discovered: tuple[list[AppChoice], list[str]] | None = None,
) -> Project:
    """Decide the apps and the interpreter of ``root`` (raises ``SetupError``)."""
    root = root.resolve()
    settings, problems = config.load(root, layers)
    paths = extra_paths(settings, root)
    specs = settings.app
    apps = discovery.choose(root, specs, settings.sources.get("app"), paths, discovered)
    python = None
    python_error = None
    try:
        explicit = None
        if settings.python:
            explicit = str(
                config.resolve_path(settings, "python", settings.python, root)
            )
        python = interpreter.choose(
            root,
            explicit=explicit,
            explicit_source=settings.sources.get("python", "setting `python`"),
            editor=editor_python,
        )
    except SetupError as exc:
        if need_python:
            raise
        python_error = exc
    return Project(root, settings, apps, python, python_error, problems)
