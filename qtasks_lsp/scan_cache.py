"""A cache of file scans between runs of ``qtasks-lsp check``.

CI and pre-commit run the check again and again on a tree that barely
changes. The scans of the files are kept in qtasks-lsp's cache folder (one
file per root), each with the size and modification time of the file it came
from; a file whose size or time changed is scanned again. The cache is keyed
by the version of the scanning code, so a new qtasks-lsp never reads an old
format. A cache that cannot be read is ignored and written anew.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from pathlib import Path

from qtasks_lsp import __version__
from qtasks_lsp.scan import FileScan

logger = logging.getLogger(__name__)

Entry = tuple[int, int, FileScan]


def _code_version() -> str:
    """The version of the scanning code: the package version and its sources."""
    digest = hashlib.sha256(__version__.encode())
    for name in ("scan.py", "pysource.py"):
        digest.update((Path(__file__).with_name(name)).read_bytes())
    return digest.hexdigest()[:16]


def _file_for(root: Path) -> Path:
    from platformdirs import user_cache_dir

    key = hashlib.sha256(str(root).encode()).hexdigest()[:24]
    return Path(user_cache_dir("qtasks-lsp")) / "scans" / f"{key}.pickle"


def stamp(path: Path) -> tuple[int, int] | None:
    """The size and modification time that tell whether a file changed."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def load(root: Path) -> dict[Path, Entry]:
    """The scans kept for a root, or nothing when there are none or they are stale."""
    try:
        with _file_for(root).open("rb") as stream:
            version, entries = pickle.load(stream)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        return {}
    if version != _code_version() or not isinstance(entries, dict):
        return {}
    return entries


def save(root: Path, entries: dict[Path, Entry]) -> None:
    """Keep the scans of a root for the next run (best effort)."""
    target = _file_for(root)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as stream:
            pickle.dump((_code_version(), entries), stream, pickle.HIGHEST_PROTOCOL)
        partial.replace(target)
    except OSError as exc:
        logger.debug("could not write the scan cache %s: %s", target, exc)
