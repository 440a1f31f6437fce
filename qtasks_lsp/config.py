"""Settings: what the user may set, where it comes from, and how layers merge.

One settings object has the same shape in every source (see docs/protocol.md).
Sources, lowest first: defaults, ``[tool.qtasks-lsp]`` in the nearest
pyproject.toml, the client's ``initializationOptions``, the client's
``workspace/configuration`` section ``qtasks``; command-line flags beat all of
them. An empty value (null, "" or []) leaves the lower layer's value alone, so
an editor that sends every setting with its default hides nothing. Keys may be
written camelCase, snake_case or kebab-case. A value of the
wrong type is dropped with a problem message, never raised: one bad key must
not hide the good ones.
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path
from typing import Any

import attrs

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

logger = logging.getLogger(__name__)

LOG_LEVELS = ("error", "warning", "info", "debug")
DEFAULT_TIMEOUT = 15.0
DEFAULT_MEMORY_LIMIT_MB = 8192


@attrs.define
class Settings:
    """The merged settings for one workspace root."""

    app: list[str] = attrs.Factory(list)
    python: str | None = None
    extra_paths: list[str] = attrs.Factory(list)
    env_file: str | None = None
    inspection_enabled: bool = True
    inspection_timeout: float = DEFAULT_TIMEOUT
    inspection_memory_limit: int = DEFAULT_MEMORY_LIMIT_MB
    trusted: bool = True
    log_level: str = "info"
    sources: dict[str, str] = attrs.Factory(dict)
    base: dict[str, Path] = attrs.Factory(dict)


def _snake(key: str) -> str:
    key = key.replace("-", "_")
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()


def flatten(raw: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """Flatten ``{"inspection": {"timeout": 5}}`` into ``{"inspection_timeout": ...}``.

    Each value comes with the key as the user wrote it (``inspection.timeout``),
    for messages.
    """
    flat: dict[str, tuple[str, Any]] = {}
    for key, value in raw.items():
        name = _snake(str(key))
        if name == "inspection" and isinstance(value, dict):
            for sub, subvalue in value.items():
                flat[f"inspection_{_snake(str(sub))}"] = (f"{key}.{sub}", subvalue)
        else:
            flat[name] = (str(key), value)
    return flat


def _as_str_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v for v in value if v.strip()]
    return None


def _check(name: str, value: Any) -> tuple[Any, str | None]:
    """Validate one setting: (clean value, None) or (None, what is wrong)."""
    if name in ("app", "extra_paths"):
        clean = _as_str_list(value)
        return clean, None if clean is not None else "a string or a list of strings"
    if name in ("python", "env_file"):
        if value is None or isinstance(value, str):
            return (value or None), None
        return None, "a string"
    if name in ("inspection_enabled", "trusted"):
        return (value, None) if isinstance(value, bool) else (None, "true or false")
    if name in ("inspection_timeout", "inspection_memory_limit"):
        ok = (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and value > 0
        )
        return (value, None) if ok else (None, "a positive number")
    if name == "log_level":
        ok = isinstance(value, str) and value.lower() in LOG_LEVELS
        return (
            (value.lower(), None) if ok else (None, "one of " + ", ".join(LOG_LEVELS))
        )
    return None, "a known setting"


KNOWN = {f.name for f in attrs.fields(Settings)} - {"sources", "base"}


def apply_layer(
    settings: Settings,
    raw: dict[str, Any] | None,
    source: str,
    base: Path | None = None,
) -> list[str]:
    """Lay one source over ``settings``; return a message per rejected key."""
    problems: list[str] = []
    if not raw:
        return problems
    for name, (written, value) in flatten(raw).items():
        if name not in KNOWN:
            if name not in ("editor_python",):
                problems.append(f"unknown setting `{written}` in {source} (ignored)")
            continue
        if value is None or value == "" or value == []:
            continue
        clean, wrong = _check(name, value)
        if wrong:
            problems.append(
                f"setting `{written}` in {source} must be {wrong}, got {value!r} "
                "(ignored)"
            )
            continue
        if name == "inspection_timeout":
            clean = float(clean)
        setattr(settings, name, clean)
        settings.sources[name] = source
        if base is not None:
            settings.base[name] = base
    return problems


def find_pyproject(start: Path, stop: Path | None = None) -> Path | None:
    """The nearest pyproject.toml at ``start`` or above it (not above ``stop``)."""
    current = start.resolve()
    for folder in (current, *current.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
        if stop is not None and folder == stop.resolve():
            break
    return None


def read_pyproject(path: Path) -> tuple[dict[str, Any], str | None]:
    """The ``[tool.qtasks-lsp]`` table of a pyproject.toml and a problem, if any."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, f"could not read {path}: {exc}"
    tool = data.get("tool", {})
    table = tool.get("qtasks-lsp", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        return {}, f"[tool.qtasks-lsp] in {path} is not a table (ignored)"
    return table, None


def load(
    root: Path,
    layers: list[tuple[dict[str, Any] | None, str]] | None = None,
) -> tuple[Settings, list[str]]:
    """Settings for ``root``: defaults, pyproject.toml, then ``layers`` in order."""
    settings = Settings()
    problems: list[str] = []
    pyproject = find_pyproject(root)
    if pyproject is not None:
        table, problem = read_pyproject(pyproject)
        if problem:
            problems.append(problem)
        label = f"{pyproject.name} ([tool.qtasks-lsp])"
        problems += apply_layer(settings, table, label, base=pyproject.parent)
    for raw, source in layers or []:
        problems += apply_layer(settings, raw, source, base=root)
    for problem in problems:
        logger.debug("%s", problem)
    return settings, problems


def resolve_path(settings: Settings, name: str, value: str, root: Path) -> Path:
    """A path setting made absolute against the folder of the layer that set it."""
    path = Path(value).expanduser()
    if path.is_absolute():
        return path
    return (settings.base.get(name, root) / path).resolve()
