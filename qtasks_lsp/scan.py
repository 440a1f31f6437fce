"""The static scan: what one Python file declares and sends, read with ``ast``.

No code runs. For each file the scan records the QTasks apps and routers it
creates, the routers it includes into apps, the tasks it declares with
``@<app>.task``, ``@<router>.task`` or ``@shared_task`` (with the literal
values of the decorator's arguments), and the places where it sends a task by
name. Names of apps and routers are qualified (``shop.app:app``) so that
files can refer to each other through imports.
"""

from __future__ import annotations

import ast
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from qtasks_lsp import pysource

logger = logging.getLogger(__name__)

_IMPORT_LINE = re.compile(r"\s*(from\s+[\w.]+\s+)?import\s")


@attrs.define
class Span:
    """A range in a file: 1-based lines, 0-based code-point columns."""

    line: int
    col: int
    end_line: int
    end_col: int


@attrs.define
class TaskDef:
    """A task declared in source."""

    name: str
    func: str
    owner: str
    file: Path
    line: int
    name_span: Span
    decorator_span: Span | None
    string_span: Span | None
    options: dict[str, Any]
    doc: str | None
    signature: str
    parameters: list[dict[str, Any]]
    awaiting: bool
    generating: str | bool


@attrs.define
class SendSite:
    """A string used as a task name where a task is sent."""

    name: str
    span: Span
    form: str
    receiver: str | None
    call_span: Span
    positional: int
    keywords: list[str]
    unpacking: bool
    callee_span: Span | None = None
    arg_spans: list[Span] = attrs.Factory(list)
    keyword_spans: dict[str, Span] = attrs.Factory(dict)
    method: str | None = None


@attrs.define
class FileScan:
    """Everything the scan found in one file."""

    path: Path
    module: str
    apps: dict[str, str] = attrs.Factory(dict)
    routers: dict[str, str] = attrs.Factory(dict)
    includes: list[tuple[str, str]] = attrs.Factory(list)
    tasks: list[TaskDef] = attrs.Factory(list)
    sends: list[SendSite] = attrs.Factory(list)
    calls: list[SendSite] = attrs.Factory(list)
    imports: dict[str, str] = attrs.Factory(dict)
    parsed: bool = True
    mentions_app: bool = False
    error: str | None = None


class _Lines:
    """Converts ``ast``'s UTF-8 byte columns into code-point columns."""

    def __init__(self, source: str) -> None:
        self.lines = re.split(r"\r\n|\r|\n", source)
        self.ascii = source.isascii()

    def column(self, line: int, byte_col: int) -> int:
        if self.ascii or line - 1 >= len(self.lines):
            return byte_col
        text = self.lines[line - 1]
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    def span(self, node: ast.AST) -> Span:
        line = node.lineno  # type: ignore[attr-defined]
        end_line = node.end_lineno or line  # type: ignore[attr-defined]
        if self.ascii:
            end = node.end_col_offset or 0  # type: ignore[attr-defined]
            return Span(line, node.col_offset, end_line, end)  # type: ignore[attr-defined]
        return Span(
            line,
            self.column(line, node.col_offset),  # type: ignore[attr-defined]
            end_line,
            self.column(end_line, node.end_col_offset or 0),  # type: ignore[attr-defined]
        )

    def content(self, node: ast.AST) -> Span:
        """The span of a string literal's content, without prefix and quotes."""
        span = self.span(node)
        text = self.lines[span.line - 1] if span.line - 1 < len(self.lines) else ""
        col = span.col
        while col < len(text) and text[col] in "rRuU":
            col += 1
        quote = 3 if text[col : col + 3] in ('"""', "'''") else 1
        return Span(
            span.line,
            col + quote,
            span.end_line,
            max(col + quote, span.end_col - quote),
        )


def _literal(node: ast.AST) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return ast.unparse(node)


class _Resolver:
    """Qualifies local names: ``app`` -> ``shop.app:app`` via assignments and imports."""

    def __init__(self, module: str, tree: ast.Module, lines: _Lines) -> None:
        self.module = module
        self.lines = lines
        self.imports = pysource.import_map(tree)
        self.locals: dict[str, str] = {}

    def qualify(self, node: ast.AST) -> str | None:
        name = pysource.dotted(node)
        if name is None:
            return None
        if name in self.locals:
            return self.locals[name]
        head, _, rest = name.partition(".")
        origin = self.imports.get(head)
        if origin is not None:
            full = f"{origin}.{rest}" if rest else origin
            module, _, attr = full.rpartition(".")
            return f"{module}:{attr}" if module else full
        if "." not in name:
            return f"{self.module}:{name}"
        return None


_LEAVES = (ast.expr_context, ast.Constant, ast.Name, ast.operator, ast.cmpop)


def _nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a tree in source order, without the leaves no rule looks at."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        children: list[ast.AST] = []
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                children.extend(v for v in value if isinstance(v, ast.AST))
            elif isinstance(value, ast.AST):
                children.append(value)
        stack.extend(c for c in reversed(children) if not isinstance(c, _LEAVES))


def scan_source(path: Path, source: str, root: Path) -> FileScan:
    """Scan one file's text."""
    module, _ = pysource.module_name(path, root)
    result = FileScan(path=path, module=module)
    result.mentions_app = "QueueTasks" in source
    tree = pysource.parse(source, str(path))
    if tree is None:
        result.parsed = False
        if result.mentions_app:
            result.error = pysource.syntax_error(source)
        tree = pysource.parse_repaired(source)
        if tree is None:
            result.imports = _line_imports(source)
            return result
    resolver = _Resolver(module, tree, _Lines(source))
    result.imports = resolver.imports
    for name, value, _line in pysource.module_level_assignments(tree):
        if pysource.app_kind(value, resolver.imports):
            result.apps[name] = f"{module}:{name}"
            resolver.locals[name] = result.apps[name]
        elif isinstance(value, ast.Call) and (
            pysource.qualified(value.func, resolver.imports) in pysource.ROUTERS
        ):
            result.routers[name] = f"{module}:{name}"
            resolver.locals[name] = result.routers[name]
    for node in _nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            task = _task_def(node, path, resolver)
            if task is not None:
                result.tasks.append(task)
        elif isinstance(node, ast.Call):
            _call(node, resolver, result)
    return result


def _line_imports(source: str) -> dict[str, str]:
    """The imports of a file that does not parse, read one statement line at a time."""
    names: dict[str, str] = {}
    for line in source.splitlines():
        if not _IMPORT_LINE.match(line):
            continue
        tree = pysource.parse(line.strip(), "<import>")
        if tree is not None:
            names.update(pysource.import_map(tree))
    return names


def _task_decorator(
    decorator: ast.expr, resolver: _Resolver
) -> tuple[str, ast.Call | None] | None:
    """``(owner, call)`` when a decorator registers a task, else None."""
    call = decorator if isinstance(decorator, ast.Call) else None
    target = call.func if call else decorator
    if pysource.qualified(target, resolver.imports) in pysource.SHARED_TASK:
        return "shared", call
    if isinstance(target, ast.Attribute) and target.attr == "task":
        owner = resolver.qualify(target.value)
        if owner is not None:
            return owner, call
    return None


def _task_def(
    node: ast.FunctionDef | ast.AsyncFunctionDef, path: Path, resolver: _Resolver
) -> TaskDef | None:
    for decorator in node.decorator_list:
        found = _task_decorator(decorator, resolver)
        if found is None:
            continue
        owner, call = found
        options: dict[str, Any] = {}
        string_span = None
        name = node.name
        if call is not None:
            for keyword in call.keywords:
                if keyword.arg:
                    options[keyword.arg] = _literal(keyword.value)
            name_node = next((k.value for k in call.keywords if k.arg == "name"), None)
            if name_node is None and call.args:
                name_node = call.args[0]
            if isinstance(name_node, ast.Constant) and isinstance(name_node.value, str):
                name = name_node.value
                string_span = resolver.lines.content(name_node)
        options.pop("name", None)
        name_line = node.lineno
        line_text_offset = 4 if isinstance(node, ast.FunctionDef) else 10
        def_col = resolver.lines.column(name_line, node.col_offset)
        name_span = Span(name_line, def_col + line_text_offset, name_line, 0)
        name_span.end_col = name_span.col + len(node.name)
        generating = _generating(node, resolver.lines)
        return TaskDef(
            name=name,
            func=node.name,
            owner=owner,
            file=path,
            line=node.lineno,
            name_span=name_span,
            decorator_span=resolver.lines.span(decorator),
            string_span=string_span,
            options=options,
            doc=ast.get_docstring(node),
            signature=f"({ast.unparse(node.args)})",
            parameters=_parameters(node.args),
            awaiting=isinstance(node, ast.AsyncFunctionDef) and not generating,
            generating=generating,
        )
    return None


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _yields(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: _Lines) -> bool:
    """True when the function's own body (not a nested scope) yields."""
    end = node.end_lineno or node.lineno
    if not any("yield" in line for line in lines.lines[node.lineno - 1 : end]):
        return False
    stack: list[ast.AST] = list(node.body)
    while stack:
        child = stack.pop()
        if isinstance(child, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(child, _SCOPES):
            stack.extend(ast.iter_child_nodes(child))
    return False


def _generating(
    node: ast.FunctionDef | ast.AsyncFunctionDef, lines: _Lines
) -> str | bool:
    if not _yields(node, lines):
        return False
    return "async" if isinstance(node, ast.AsyncFunctionDef) else "sync"


def _parameters(args: ast.arguments) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = []
    positional = [*args.posonlyargs, *args.args]
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for index, (arg, default) in enumerate(zip(positional, defaults, strict=False)):
        kind = (
            "POSITIONAL_ONLY"
            if index < len(args.posonlyargs)
            else "POSITIONAL_OR_KEYWORD"
        )
        params.append(_param(arg, kind, default))
    if args.vararg:
        params.append(_param(args.vararg, "VAR_POSITIONAL", None, variadic=True))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=False):
        params.append(_param(arg, "KEYWORD_ONLY", default))
    if args.kwarg:
        params.append(_param(args.kwarg, "VAR_KEYWORD", None, variadic=True))
    return params


def _param(
    arg: ast.arg, kind: str, default: ast.expr | None, variadic: bool = False
) -> dict[str, Any]:
    return {
        "name": arg.arg,
        "kind": kind,
        "annotation": ast.unparse(arg.annotation) if arg.annotation else None,
        "default": ast.unparse(default) if default is not None else None,
        "required": default is None and not variadic,
    }


def _call(node: ast.Call, resolver: _Resolver, result: FileScan) -> None:
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == "include_router" and node.args:
        app = resolver.qualify(func.value)
        router = resolver.qualify(node.args[0])
        if app and router:
            result.includes.append((app, router))
    keyword = next((k for k in node.keywords if k.arg == "task_name"), None)
    receiver = pysource.dotted(func.value) if isinstance(func, ast.Attribute) else None
    if keyword is not None and _is_str(keyword.value):
        site = _site(node, resolver, keyword.value.value, "keyword", receiver)  # type: ignore[attr-defined]
        site.span = resolver.lines.content(keyword.value)
        result.sends.append(site)
        return
    if not (isinstance(func, ast.Attribute) and func.attr == "add_task"):
        return
    if receiver is None:
        return
    call = _site(node, resolver, "", "function", receiver)
    result.calls.append(call)
    first = node.args[0] if node.args else None
    if first is not None and _is_str(first):
        result.sends.append(
            attrs.evolve(
                call,
                name=first.value,  # type: ignore[attr-defined]
                span=resolver.lines.content(first),
                form="positional",
                positional=call.positional - 1,
                arg_spans=call.arg_spans[1:],
            )
        )


def _site(
    node: ast.Call, resolver: _Resolver, name: str, form: str, receiver: str | None
) -> SendSite:
    """A send call's shape: its arguments, keywords and their places."""
    lines = resolver.lines
    unpacking = any(isinstance(a, ast.Starred) for a in node.args) or any(
        k.arg is None for k in node.keywords
    )
    keyword_spans = {}
    for keyword in node.keywords:
        if keyword.arg:
            span = lines.span(keyword)
            keyword_spans[keyword.arg] = Span(
                span.line, span.col, span.line, span.col + len(keyword.arg)
            )
    callee = lines.span(node.func)
    return SendSite(
        name=name,
        span=callee,
        form=form,
        receiver=receiver,
        method=node.func.attr if isinstance(node.func, ast.Attribute) else None,
        call_span=lines.span(node),
        positional=len(node.args),
        keywords=list(keyword_spans),
        unpacking=unpacking,
        callee_span=callee,
        arg_spans=[lines.span(a) for a in node.args],
        keyword_spans=keyword_spans,
    )


def _is_str(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)
