"""The floor: a pygls server that answers hover and completion with constants.

It does the same protocol work as any pygls server (read, parse, dispatch,
serialize, write) and nothing else, so its latencies are the least a pygls
server can reach on this machine. Completion answers one constant item: the
floor measures protocol overhead, not the cost of serializing a long list, so
the ratio to it shows everything the real server adds, list size included.
"""

from __future__ import annotations

from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer("qtasks-lsp-floor", "0")

HOVER = types.Hover(
    contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="**floor**")
)
COMPLETION = types.CompletionList(
    is_incomplete=False,
    items=[
        types.CompletionItem(
            label="group00.task00", kind=types.CompletionItemKind.Value
        )
    ],
)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: LanguageServer, params: types.HoverParams) -> types.Hover:
    """Answer every hover with the same card."""
    return HOVER


@server.feature(types.TEXT_DOCUMENT_COMPLETION)
def completion(
    ls: LanguageServer, params: types.CompletionParams
) -> types.CompletionList:
    """Answer every completion with the same single item."""
    return COMPLETION


if __name__ == "__main__":
    server.start_io()
