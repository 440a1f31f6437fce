"""``textDocument/completion``: task names inside task-name strings.

Typing ``app.add_task("`` (or ``task_name="``, or a decorator's ``name="``)
lists the task names of the document's app first, then of the other apps,
each with its priority, kind and place as detail and the hover card as
documentation. The edit replaces the whole string content, so names with
dots or colons complete from any cursor position. At an empty first argument
of ``<app>.add_task(`` the item inserts the quotes too. Long lists are
filtered by what is typed and marked incomplete.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lsprotocol import types

from qtasks_lsp import cursor
from qtasks_lsp.catalogue import Task
from qtasks_lsp.features import hover, lookup
from qtasks_lsp.workspace import AppState, Root

if TYPE_CHECKING:
    from qtasks_lsp.server import QTasksServer

LIMIT = 200
_EMPTY_CALL = re.compile(r"([\w.]*\w)\s*\.\s*add_task\s*\(\s*$")


def _detail(task: Task, root: Root) -> str:
    kind = "async" if task.awaiting or task.generating == "async" else "sync"
    where = ""
    if task.file is not None:
        try:
            where = f" · {task.file.relative_to(root.path).as_posix()}"
        except ValueError:
            where = f" · {task.file.name}"
        if task.line:
            where += f":{task.line}"
    return f"priority {task.priority} · {kind}{where}"


def _candidates(root: Root, path: object) -> list[tuple[AppState, Task]]:
    seen: set[str] = set()
    found = []
    for state in root.ordered_apps(path):  # type: ignore[arg-type]
        for task in state.catalogue.tasks.values():
            if task.name not in seen:
                seen.add(task.name)
                found.append((state, task))
    return found


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


def _documentation(
    ls: QTasksServer, root: Root, state: AppState, task: Task
) -> types.MarkupContent:
    if hover.wants_markdown(ls):
        return types.MarkupContent(
            kind=types.MarkupKind.Markdown, value=hover.markdown_card(task, root, state)
        )
    return types.MarkupContent(
        kind=types.MarkupKind.PlainText, value=hover.plain_card(task, root, state)
    )


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
    root: Root, path: object, lexed: cursor.Lexed, offset: int
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
    return lookup.receiver_is_app(root, path, match.group(1) + ".add_task") is not False  # type: ignore[arg-type]


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
    lexed = ls.lexed(uri, text)
    offset = lookup.offset_of(ls, lexed, params.position)
    site = _string_site(lexed, offset)
    if site is not None:
        start, end, typed, context = site
        quote = ""
        if context.role == "positional" and lookup.receiver_is_app(root, path, context.callee) is False:
            return None
    elif _empty_argument(root, path, lexed, offset):
        start, end, typed, quote = offset, offset, "", '"'
    else:
        return None
    edit_range = lookup.range_of(ls, lexed, start, end)
    candidates = _candidates(root, path)
    incomplete = len(candidates) > LIMIT
    if incomplete:
        needle = typed.lower()
        candidates = [c for c in candidates if needle in c[1].name.lower()][:LIMIT]
    documented = len(candidates) <= 50
    items = [
        _item(ls, root, state, task, edit_range, f"{quote}{task.name}{quote}", rank, documented)
        for rank, (state, task) in enumerate(candidates)
    ]
    return types.CompletionList(is_incomplete=incomplete, items=items)


def resolve(ls: QTasksServer, item: types.CompletionItem) -> types.CompletionItem:
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
    options = types.CompletionOptions(trigger_characters=['"', "'"], resolve_provider=True)
    ls.feature(types.TEXT_DOCUMENT_COMPLETION, options)(completion)
    ls.feature(types.COMPLETION_ITEM_RESOLVE)(resolve)
