"""What is under the cursor: a task-name string, a task function, or nothing.

This works on the text alone, not on the syntax tree, so it keeps working
while the code is incomplete: an unterminated string, a call still missing
its ``)``, a call spread over several lines. A regular expression finds the
string literals and comments of the document once per version; the context
of a string is then read backwards from its opening quote: the call it sits
in, and whether it is that call's first positional argument, a
``task_name=`` value, or the ``name=`` of a task decorator.
"""

from __future__ import annotations

import bisect
import re

import attrs

_TOKENS = re.compile(
    r"""
    (?P<comment>\#[^\r\n]*)
    | (?<![\w])(?P<prefix>[rRbBuUfF]{0,2})
      (?P<string>
          '''(?:\\.|[^\\])*?(?:'''|\Z)
        | \"\"\"(?:\\.|[^\\])*?(?:\"\"\"|\Z)
        | '(?:\\.|[^\\'\r\n])*(?:'|(?=[\r\n])|\Z)
        | "(?:\\.|[^\\"\r\n])*(?:"|(?=[\r\n])|\Z)
      )
    """,
    re.VERBOSE | re.DOTALL,
)
_IDENT_BEFORE = re.compile(r"[\w.]*\w$")
_WORD = re.compile(r"\w+")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_MAX_BACK = 4000


@attrs.define
class Literal:
    """A string literal: where its content starts and ends, and how it is written."""

    start: int
    content_start: int
    content_end: int
    end: int
    prefix: str
    quote: str
    terminated: bool

    @property
    def plain(self) -> bool:
        """True for a literal whose value is its text: no bytes, no placeholders."""
        prefix = self.prefix.lower()
        return "b" not in prefix and "f" not in prefix


@attrs.define
class Context:
    """A string that names a task, and the call it appears in."""

    literal: Literal
    role: str
    callee: str
    value: str


class Lexed:
    """The string literals and comments of one document version."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.literals: list[Literal] = []
        self.comments: list[tuple[int, int]] = []
        for match in _TOKENS.finditer(text):
            if match.group("comment") is not None:
                self.comments.append(match.span())
                continue
            self.literals.append(_literal(match))
        self.starts = [lit.start for lit in self.literals]
        self.line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self.comment_starts = [c[0] for c in self.comments]

    def literal_at(self, offset: int) -> Literal | None:
        """The literal whose content holds ``offset`` (its closing quote included)."""
        index = bisect.bisect_right(self.starts, offset) - 1
        if index < 0:
            return None
        literal = self.literals[index]
        if literal.content_start <= offset <= literal.content_end:
            return literal
        return None

    def in_comment(self, offset: int) -> bool:
        """True when ``offset`` lies inside a comment."""
        index = bisect.bisect_right(self.comment_starts, offset) - 1
        return (
            index >= 0 and self.comments[index][0] <= offset <= self.comments[index][1]
        )

    def skip_back(self, offset: int) -> int:
        """Move left over a literal or comment that ends at ``offset``."""
        index = bisect.bisect_right(self.starts, offset - 1) - 1
        if index >= 0 and self.literals[index].end == offset:
            return self.literals[index].start
        index = bisect.bisect_right(self.comment_starts, offset - 1) - 1
        if index >= 0 and self.comments[index][1] == offset:
            return self.comments[index][0]
        return offset


def _literal(match: re.Match[str]) -> Literal:
    prefix = match.group("prefix") or ""
    body = match.group("string")
    start = match.start()
    quote = body[:3] if body[:3] in ("'''", '"""') else body[0]
    content_start = match.start("string") + len(quote)
    terminated = len(body) >= 2 * len(quote) and body.endswith(quote)
    content_end = match.end() - len(quote) if terminated else match.end()
    return Literal(
        start, content_start, content_end, match.end(), prefix, quote, terminated
    )


def _back_whitespace(text: str, offset: int, lexed: Lexed) -> int:
    while offset > 0:
        moved = lexed.skip_back(offset)
        if moved != offset and lexed.in_comment(moved):
            offset = moved
            continue
        if text[offset - 1] in " \t\r\n\\":
            offset -= 1
            continue
        break
    return offset


def enclosing_call(text: str, offset: int, lexed: Lexed) -> tuple[int, int] | None:
    """``(open paren, argument index)`` of the call around ``offset``, if any."""
    depth = 0
    commas = 0
    limit = max(0, offset - _MAX_BACK)
    position = offset
    while position > limit:
        moved = lexed.skip_back(position)
        if moved != position:
            position = moved
            continue
        char = text[position - 1]
        position -= 1
        if char in ")]}":
            depth += 1
        elif char in "([{":
            if depth == 0:
                return (position, commas) if char == "(" else None
            depth -= 1
        elif char == "," and depth == 0:
            commas += 1
        elif char == ":" and depth == 0 and text[position - 1 : position] != "=":
            return None
    return None


def callee_before(text: str, paren: int, lexed: Lexed) -> str:
    end = _back_whitespace(text, paren, lexed)
    match = _IDENT_BEFORE.search(text, max(0, end - 300), end)
    return match.group(0) if match else ""


def context_at(lexed: Lexed, offset: int) -> Context | None:
    """The task-name context of the string holding ``offset``, if it has one."""
    literal = lexed.literal_at(offset)
    if literal is None or not literal.plain:
        return None
    text = lexed.text
    value = text[literal.content_start : literal.content_end]
    before = _back_whitespace(text, literal.start, lexed)
    found = enclosing_call(text, literal.start, lexed)
    if found is None:
        return None
    paren, argument = found
    callee = callee_before(text, paren, lexed)
    keyword = _keyword_before(text, before, lexed)
    if keyword == "task_name":
        return Context(literal, "task_name", callee, value)
    if keyword == "name" and _is_task_decorator(text, paren, callee, lexed):
        return Context(literal, "decorator", callee, value)
    if keyword is not None or argument != 0:
        return None
    if callee.endswith(".add_task") or callee == "add_task":
        return Context(literal, "positional", callee, value)
    if _is_task_decorator(text, paren, callee, lexed):
        return Context(literal, "decorator", callee, value)
    return None


def _keyword_before(text: str, offset: int, lexed: Lexed) -> str | None:
    if (
        offset == 0
        or text[offset - 1] != "="
        or text[offset - 2 : offset] in ("==", "!=", "<=", ">=")
    ):
        return None
    end = _back_whitespace(text, offset - 1, lexed)
    match = re.search(r"(\w+)$", text[max(0, end - 100) : end])
    return match.group(1) if match else None


def _is_task_decorator(text: str, paren: int, callee: str, lexed: Lexed) -> bool:
    if not (callee.endswith(".task") or callee.split(".")[-1] == "shared_task"):
        return False
    start = paren - len(callee)
    start = _back_whitespace(text, start, lexed)
    return start > 0 and text[start - 1] == "@"


def word_at(text: str, offset: int) -> tuple[int, int, str] | None:
    """The identifier touching ``offset``: (start, end, word)."""
    start = offset
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    end = offset
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    if start == end:
        return None
    word = text[start:end]
    if not _WORD.fullmatch(word) or word[0].isdigit():
        return None
    return start, end, word


def function_role(text: str, start: int, end: int) -> str | None:
    """``def`` when the word is being defined, ``send`` for ``word.add_task``."""
    head = text[max(0, start - 12) : start]
    if re.search(r"\bdef\s+$", head):
        return "def"
    if re.match(r"\s*\.\s*add_task\b", text[end : end + 40]):
        return "send"
    return None
