"""Long completion lists: names starting with what is typed first, every name reachable."""

from __future__ import annotations

from qtasks_lsp.catalogue import Task
from qtasks_lsp.features.completion import LIMIT, Candidates, _narrow


def _candidates(names: list[str]) -> Candidates:
    return Candidates(
        [(None, Task(name=n, app="a:app", origin="source"), n.lower()) for n in names]
    )  # type: ignore[misc]


NAMES = [f"group{g:02d}.task{t:02d}" for g in range(50) for t in range(20)] + [
    "emails.send",
    "billing.send_invoice",
]


def test_prefix_matches_come_first_in_rank_order() -> None:
    """Typing ``group1`` offers group10..19 in their original order, capped at LIMIT."""
    found = [c[2] for c in _narrow(_candidates(NAMES), "group1")]

    assert len(found) == LIMIT
    assert found[:3] == ["group10.task00", "group10.task01", "group10.task02"]


def test_contained_names_follow_the_prefix_matches() -> None:
    """Typing ``send`` offers names containing it when none starts with it."""
    found = [c[2] for c in _narrow(_candidates(NAMES), "Send")]

    assert found == ["emails.send", "billing.send_invoice"]


def test_typing_more_reaches_every_name() -> None:
    """Each of the 1,002 names is offered once its full text is typed."""
    candidates = _candidates(NAMES)

    assert all(name in [c[2] for c in _narrow(candidates, name)] for name in NAMES)
