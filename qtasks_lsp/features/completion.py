"""``textDocument/completion``: task names inside task-name strings.

Typing ``app.add_task("`` (or ``task_name="``, or a decorator's ``name="``)
lists the task names of the document's app first, then of the other apps,
each with its priority, kind and place as detail and the hover card as
documentation. The edit replaces the whole string content, so names with
dots or colons complete from any cursor position. At an empty first argument
of ``<app>.add_task(`` the item inserts the quotes too. Long lists are
filtered by what is typed (names that start with it first, then names that
contain it), capped at 25 items, and marked incomplete, so that typing more
reaches every name.
"""

from __future__ import annotations

import bisect
import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from qtasks_lsp import cursor, resolve
from qtasks_lsp.catalogue import Catalogue, Task
from qtasks_lsp.features import hover, lookup
from qtasks_lsp.scan import FileScan
from qtasks_lsp.workspace import AppState, Root

if TYPE_CHECKING:
    from qtasks_lsp.server import QTasksServer

LIMIT = 25
_EMPTY_CALL = re.compile(r"([\w.]*\w)\s*\.\s*add_task\s*\(\s*$")


@functools.lru_cache(maxsize=4096)
def _shown_path(file: Path, root: Path) -> str:
    """A task's file as shown in details: relative to the root when inside it."""
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.name


def _detail(task: Task, root: Root) -> str:
    kind = "async" if task.awaiting or task.generating == "async" else "sync"
    where = ""
    if task.file is not None:
        where = f" · {_shown_path(task.file, root.path)}"
        if task.line:
            where += f":{task.line}"
    return f"priority {task.priority} · {kind}{where}"


Candidate = tuple[AppState, Task, str]


class Candidates:
    """Every task name once, in rank order, with a sorted index for prefixes."""

    def __init__(self, items: list[Candidate]) -> None:
        self.items = items
        self.sorted = sorted((c[2], rank) for rank, c in enumerate(items))
        self.keys = [name for name, _ in self.sorted]

    def starting(self, needle: str) -> list[int]:
        """The ranks of the names that start with ``needle``."""
        first = bisect.bisect_left(self.keys, needle)
        last = bisect.bisect_right(self.keys, needle + "\U0010ffff")
        return sorted(rank for _, rank in self.sorted[first:last])


_cache: dict[tuple[int, ...], tuple[list[Catalogue], Candidates]] = {}


def _narrow(candidates: Candidates, typed: str) -> list[Candidate]:
    """At most ``LIMIT`` names containing what is typed, those starting with it first."""
    needle = typed.lower()
    ranks = candidates.starting(needle)
    if len(ranks) < LIMIT:
        chosen = set(ranks)
        ranks += [
            rank
            for rank, c in enumerate(candidates.items)
            if needle in c[2] and rank not in chosen
        ]
    return [candidates.items[rank] for rank in ranks[:LIMIT]]


def _candidates(root: Root, path: Path | None) -> Candidates:
    """Every task name once, the document's app first; cached per set of catalogues.

    The cache keeps the catalogues it was built from alive, so their ids
    cannot be reused by newer catalogues while the entry exists.
    """
    states = root.ordered_apps(path)
    key = tuple(id(state.catalogue) for state in states)
    cached = _cache.get(key)
    if cached is not None:
        return cached[1]
    seen: set[str] = set()
    found = []
    for state in states:
        for task in state.catalogue.tasks.values():
            if task.name not in seen:
                seen.add(task.name)
                found.append((state, task, task.name.lower()))
    candidates = Candidates(found)
    _cache.clear()
    _cache[key] = ([state.catalogue for state in states], candidates)
    return candidates


def _resolves_documentation(ls: QTasksServer) -> bool:
    """True when the client fetches an item's documentation through resolve."""
    caps = ls.client_capabilities
    text = caps.text_document if caps else None
    item = text.completion.completion_item if text and text.completion else None
    support = item.resolve_support if item else None
    return bool(support and "documentation" in support.properties)


def _item(
    ls: QTasksServer,
    root: Root,
    state: AppState,
    task: Task,
    edit_range: types.Range,
    new_text: str,
    rank: int,
    documented: bool,
) -> types.CompletionItem:
    item = types.CompletionItem(
        label=task.name,
        kind=types.CompletionItemKind.Value,
        detail=_detail(task, root),
        sort_text=f"{rank:05d}",
        filter_text=new_text,
        text_edit=types.TextEdit(range=edit_range, new_text=new_text),
        data={"app": state.choice.spec, "name": task.name, "root": str(root.path)},
    )
    if documented:
        item.documentation = _documentation(ls, root, state, task)
    return item


_cards: dict[
    tuple[str, str, bool], tuple[Task, str, float | None, types.MarkupContent]
] = {}


def _documentation(
    ls: QTasksServer, root: Root, state: AppState, task: Task
) -> types.MarkupContent:
    """The hover card of a task as item documentation, built once per task state."""
    markdown = hover.wants_markdown(ls)
    key = (task.app, task.name, markdown)
    cached = _cards.get(key)
    if (
        cached
        and cached[0] is task
        and cached[1] == state.state
        and cached[2] == state.last_inspection
    ):
        return cached[3]
    if markdown:
        content = types.MarkupContent(
            kind=types.MarkupKind.Markdown, value=hover.markdown_card(task, root, state)
        )
    else:
        content = types.MarkupContent(
            kind=types.MarkupKind.PlainText, value=hover.plain_card(task, root, state)
        )
    if len(_cards) > 10_000:
        _cards.clear()
    _cards[key] = (task, state.state, state.last_inspection, content)
    return content


def _string_site(
    lexed: cursor.Lexed, offset: int
) -> tuple[int, int, str, cursor.Context] | None:
    context = cursor.context_at(lexed, offset)
    if context is None:
        return None
    literal = context.literal
    typed = lexed.text[literal.content_start : offset]
    return literal.content_start, literal.content_end, typed, context


def _empty_argument(
    root: Root,
    path: Path | None,
    lexed: cursor.Lexed,
    offset: int,
    file_scan: FileScan | None,
) -> bool:
    if lexed.literal_at(offset) is not None or lexed.in_comment(offset):
        return False
    line_start = lexed.text.rfind("\n", 0, offset) + 1
    match = _EMPTY_CALL.search(lexed.text, max(0, line_start - 200), offset)
    if match is None:
        return False
    after = lexed.text[offset : offset + 200].lstrip()
    if after and after[0] not in "),\n\r":
        return False
    callee = match.group(1) + ".add_task"
    return resolve.receiver_is_app(root, path, callee, file_scan) is not False


def completion(
    ls: QTasksServer, params: types.CompletionParams
) -> types.CompletionList | None:
    """Answer a completion request."""
    uri = params.text_document.uri
    found = ls.app_for(uri)
    text = ls.text_of(uri)
    if found is None or text is None:
        return None
    root, _state = found
    path = ls.path_of(uri)
    file_scan = ls.scan_of(uri)
    lexed = ls.lexed(uri, text)
    offset = lookup.offset_of(ls, lexed, params.position)
    site = _string_site(lexed, offset)
    if site is not None:
        start, end, typed, context = site
        quote = ""
        if (
            context.role == "positional"
            and resolve.receiver_is_app(root, path, context.callee, file_scan) is False
        ):
            return None
    elif _empty_argument(root, path, lexed, offset, file_scan):
        start, end, typed, quote = offset, offset, "", '"'
    else:
        return None
    edit_range = lookup.range_of(ls, lexed, start, end)
    everything = _candidates(root, path)
    incomplete = len(everything.items) > LIMIT
    candidates = _narrow(everything, typed) if incomplete else everything.items
    documented = not _resolves_documentation(ls)
    items = [
        _item(
            ls,
            root,
            state,
            task,
            edit_range,
            f"{quote}{task.name}{quote}",
            rank,
            documented,
        )
        for rank, (state, task, _) in enumerate(candidates)
    ]
    return types.CompletionList(is_incomplete=incomplete, items=items)


def resolve_item(ls: QTasksServer, item: types.CompletionItem) -> types.CompletionItem:
    """Add the hover card to an item sent without one."""
    data = item.data if isinstance(item.data, dict) else {}
    for root in ls.roots.values():
        if str(root.path) != data.get("root"):
            continue
        state = root.apps.get(str(data.get("app")))
        task = state.catalogue.get(str(data.get("name"))) if state else None
        if state is not None and task is not None and item.documentation is None:
            item.documentation = _documentation(ls, root, state, task)
    return item


def register(ls: QTasksServer) -> None:
    """Register the completion handlers."""
    options = types.CompletionOptions(
        trigger_characters=['"', "'"], resolve_provider=True
    )
    ls.feature(types.TEXT_DOCUMENT_COMPLETION, options)(completion)
    ls.feature(types.COMPLETION_ITEM_RESOLVE)(resolve_item)
