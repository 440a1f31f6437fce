"""The scan cache of ``qtasks-lsp check``: reused when files are unchanged, never stale."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from qtasks_lsp import scan_cache
from qtasks_lsp.workspace import Root

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of examples/shop, with the cache folder inside the test's folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "shop"
    shutil.copytree(REPO / "examples" / "shop", root)
    return root.resolve()


def scan_twice(root: Path) -> tuple[Root, dict[Path, scan_cache.Entry]]:
    """Scan once to fill the cache, then again with what was kept."""
    first = Root(path=root)
    scan_cache.save(root, first.scan_all({}, scan_cache.load(root)))
    second = Root(path=root)
    kept = scan_cache.load(root)
    second.scan_all({}, kept)
    return second, kept


def test_unchanged_files_are_not_scanned_again(shop: Path) -> None:
    """The second run takes every scan from the cache, identical to a fresh scan."""
    second, kept = scan_twice(shop)
    fresh = Root(path=shop)
    fresh.scan_all({})

    assert set(kept) == set(fresh.scans)
    assert all(second.scans[p] is kept[p][2] for p in kept)
    assert second.scans == fresh.scans


def test_a_changed_file_is_scanned_again(shop: Path) -> None:
    """A file whose size or time changed is read anew, the others are reused."""
    scan_twice(shop)
    sends = shop / "shop" / "checkout.py"
    sends.write_text(sends.read_text() + '\napp.add_task("ping")\n')
    os.utime(sends, ns=(1, 1))

    root = Root(path=shop)
    kept = scan_cache.load(shop)
    root.scan_all({}, kept)

    assert root.scans[sends] is not kept[sends][2]
    assert [s.name for s in root.scans[sends].sends][-1] == "ping"
    other = shop / "shop" / "app.py"
    assert root.scans[other] is kept[other][2]


def test_a_new_package_layout_is_scanned_again(shop: Path) -> None:
    """Removing an __init__.py changes module names: cached scans are not used."""
    scan_twice(shop)
    (shop / "shop" / "billing" / "__init__.py").unlink()

    root = Root(path=shop)
    root.scan_all({}, scan_cache.load(shop))

    tasks = shop / "shop" / "billing" / "tasks.py"
    assert root.scans[tasks].module == "tasks"


def test_an_unreadable_cache_is_ignored(shop: Path) -> None:
    """A damaged cache file counts as no cache."""
    scan_twice(shop)
    for path in (Path(os.environ["XDG_CACHE_HOME"]) / "qtasks-lsp" / "scans").iterdir():
        path.write_bytes(b"not a pickle")

    assert scan_cache.load(shop) == {}
