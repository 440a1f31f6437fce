"""The inspection agent: runs in the project's interpreter and describes one app.

This file is executed as a script, by path, with the interpreter that runs the
user's project. It needs only the standard library and ``qtasks``; it never
imports anything from ``qtasks_lsp``. The server passes one JSON request as
the single command-line argument::

    {"spec": "shop.app:app", "paths": ["/abs/root"], "root": "/abs/root",
     "limits": {"address_space": 8589934592, "cpu_seconds": 120},
     "pycache": "/home/me/.cache/qtasks-lsp/pycache"}

and reads one JSON document, the *inspection document*, from fd 1. Before any
project code runs, fd 1 is duplicated into a private descriptor and then
pointed at fd 2, so whatever the project prints (``print``, ``os.write(1,
...)``, C extensions, child processes) lands on stderr and cannot corrupt the
result.

When the agent leads its own process group (as the inspector starts it), it
watches its parent: if the parent dies mid-inspection (an editor closed, a
terminal killed), the agent kills its whole group, so a hung import and its
children do not outlive the caller.

Inspection document, schema version 1::

    schema          1
    ok              true when the app was imported and inspected
    spec            the app spec that was imported
    python          {"version": "3.11.7", "executable": "/.../python"}
    qtasks          {"version": "1.7.3", "stats": true}  (stats: has Stats)
    app             InspectStats.app(json=True), parsed (null on failure)
    app_text        InspectStats.app() text (null on failure)
    method          "sync" or "async"
    tasks           list of task records: InspectStats.tasks(json=True) fields
                    plus "file", "line" (the ``def``), "end_line", "doc",
                    "signature" (text), "parameters" (name, kind, annotation,
                    default, required) and "router" ({"module", "attr"} or null)
                    and "shared" (registered with @shared_task)
    loaded_files    project files the import loaded (absolute paths)
    timing          {"import_ms", "inspect_ms", "total_ms"}
    error           null, or {"kind", "message", "file", "line", "traceback",
                    "hint", ...}

Error kinds raised here: ``module-not-found``, ``syntax``, ``env-missing``,
``exit``, ``memory``, ``exception``, ``attribute-missing``, ``not-an-app``,
``qtasks-missing``, ``bad-spec``. The server adds ``timeout``, ``crash`` and
``protocol`` for what only the parent can see.
"""

import asyncio
import contextlib
import dataclasses
import inspect
import json
import linecache
import os
import signal
import sys
import threading
import time
import traceback

SCHEMA = 1
MARKER = "QTASKS_LSP_INSPECTING"
SITE_DIRS = ("site-packages", "dist-packages")
PARENT_POLL = 0.5


def _take_result_channel():
    """Keep fd 1 for the result and send everything else printed to stderr."""
    result_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return result_fd


def _watch_parent():
    """Kill the agent's process group once the process that started it is gone."""
    if not hasattr(os, "killpg") or os.getpgid(0) != os.getpid():
        return
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os.killpg(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="qtasks-lsp-parent", daemon=True).start()


def _apply_limits(limits):
    """Cap address space and CPU time where the platform allows it."""
    try:
        import resource
    except ImportError:
        return
    caps = (
        ("RLIMIT_AS", limits.get("address_space")),
        ("RLIMIT_CPU", limits.get("cpu_seconds")),
    )
    for name, value in caps:
        which = getattr(resource, name, None)
        if which is None or not value:
            continue
        soft, hard = resource.getrlimit(which)
        value = int(value)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(which, (value, hard))


def _is_project_file(path, roots):
    """True for a source file under a project root and outside any environment."""
    if not path or not os.path.isabs(path):
        return False
    real = os.path.realpath(path)
    if any(part in real.split(os.sep) for part in SITE_DIRS):
        return False
    return any(real == root or real.startswith(root + os.sep) for root in roots)


def _project_frame(tb, roots):
    """The deepest traceback frame in the project, else the last one on disk."""
    frames = traceback.extract_tb(tb)
    for frame in reversed(frames):
        if _is_project_file(frame.filename, roots):
            return frame
    if frames and os.path.isabs(frames[-1].filename):
        return frames[-1]
    return None


def _is_os_module(filename):
    """True for the ``os`` module's source, plain or frozen (``<frozen os>``)."""
    return filename == "<frozen os>" or os.path.basename(filename) == "os.py"


def _missing_env_name(exc, tb):
    """The variable name when a KeyError came from reading os.environ."""
    if not isinstance(exc, KeyError) or not exc.args:
        return None
    if not isinstance(exc.args[0], str):
        return None
    frames = traceback.extract_tb(tb)
    for frame in reversed(frames):
        line = frame.line or ""
        if "environ" in line or "getenv" in line:
            return exc.args[0]
        if frame.name == "__getitem__" and _is_os_module(frame.filename):
            continue
        break
    return None


def _error(kind, message, hint=None, **extra):
    record = {"kind": kind, "message": message, "hint": hint}
    record.update(extra)
    return record


def _describe_exception(exc, roots, spec, paths):
    """Turn an exception raised while importing the app into an error record."""
    tb = exc.__traceback__
    text = "".join(traceback.format_exception(type(exc), exc, tb))
    frame = _project_frame(tb, roots) if tb else None
    where = {
        "file": frame.filename if frame else None,
        "line": frame.lineno if frame else None,
        "traceback": text[-8000:],
    }
    module_name = spec.partition(":")[0]
    if isinstance(exc, SyntaxError):
        where.update(file=exc.filename, line=exc.lineno)
        return _error(
            "syntax",
            "syntax error in %s, line %s: %s" % (exc.filename, exc.lineno, exc.msg),
            "Fix the syntax error; the app cannot be imported until then.",
            **where,
        )
    if isinstance(exc, ModuleNotFoundError):
        missing = exc.name or str(exc)
        top = module_name.split(".")[0]
        if missing.split(".")[0] == top:
            hint = (
                "The app's own module `%s` is not importable from %s. Add the folder "
                "that contains it to the `extraPaths` setting, or set `app` "
                "(`--app`) to the right module path." % (module_name, ", ".join(paths))
            )
        elif "." in missing and missing.split(".")[0] in sys.modules:
            hint = (
                "`%s` is installed but has no module `%s`: check the spelling of "
                "the import." % (missing.split(".")[0], missing)
            )
        else:
            hint = (
                "Install `%s` into this interpreter, or point the `python` setting "
                "(`--python`) at the project's virtual environment."
                % missing.split(".")[0]
            )
        return _error(
            "module-not-found",
            "No module named '%s' (interpreter %s)" % (missing, sys.executable),
            hint,
            module=missing,
            **where,
        )
    name = _missing_env_name(exc, tb)
    if name:
        return _error(
            "env-missing",
            "the app needs the environment variable %s, which is not set" % name,
            "Put %s=... in an env file and set `envFile` (`--env-file`) to it, or skip this code "
            "when %s is set." % (name, MARKER),
            variable=name,
            **where,
        )
    if isinstance(exc, MemoryError):
        return _error(
            "memory",
            "the app ran out of memory during import (the inspection's address-space "
            "limit was reached)",
            "Avoid large allocations at import time, or raise the limit with "
            "`inspection.memoryLimit`.",
            **where,
        )
    return _error(
        "exception",
        "%s: %s" % (type(exc).__name__, exc),
        "The app raised an exception while it was imported; `qtasks-lsp inspect -v` "
        "prints its traceback, and editors log it in the QTasks output",
        **where,
    )


def _resolve_app(spec):
    """Import ``module:attr`` and return the QueueTasks it names."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise _Failure(
            _error(
                "bad-spec",
                "`%s` is not an app spec" % spec,
                "Write the app as `module:attribute`, e.g. `shop.app:app`.",
            )
        )
    import importlib

    target = importlib.import_module(module_name)
    for part in attr.split("."):
        if not hasattr(target, part):
            raise _Failure(
                _error(
                    "attribute-missing",
                    "module `%s` has no attribute `%s`" % (module_name, attr),
                    "Check the name after the colon in the app spec.",
                    file=getattr(sys.modules.get(module_name), "__file__", None),
                )
            )
        target = getattr(target, part)
    if _is_app(target):
        return target
    what = "is of type %s" % type(target).__name__
    if callable(target) and not isinstance(target, type):
        made = target()
        if inspect.isawaitable(made):
            made = asyncio.run(_await(made))
        if _is_app(made):
            return made
        what = "returned a value of type %s" % type(made).__name__
    raise _Failure(
        _error(
            "not-an-app",
            "`%s` %s, not a QueueTasks app" % (spec, what),
            "Point the app spec at a `QueueTasks(...)` instance or at a function "
            "that returns one.",
            file=getattr(sys.modules.get(module_name), "__file__", None),
        )
    )


async def _await(awaitable):
    return await awaitable


def _is_app(value):
    try:
        from qtasks.base.qtasks import BaseQueueTasks
    except ImportError:
        return type(value).__name__ == "QueueTasks" and hasattr(value, "tasks")
    return isinstance(value, BaseQueueTasks)


class _Failure(Exception):
    def __init__(self, record):
        super().__init__(record["message"])
        self.record = record


def _stats(app):
    """Run QTasks' own Stats on the app: (app json, app text, task records)."""
    method = getattr(app, "_method", "sync")
    try:
        from qtasks.stats import AsyncStats, SyncStats
    except ImportError:
        return None, None, [_plain_record(t) for t in app.tasks.values()]
    if method == "async":
        inspector = asyncio.run(_await(AsyncStats(app).inspect()))
    else:
        inspector = SyncStats(app).inspect()
    app_json = json.loads(inspector.app(json=True))
    app_text = inspector.app()
    tasks = json.loads(inspector.tasks(json=True))
    return app_json, app_text, tasks


def _plain_record(task):
    """A task record for qtasks versions without the Stats component."""
    if dataclasses.is_dataclass(task):
        data = dataclasses.asdict(task)
    else:
        data = dict(vars(task))
    return json.loads(json.dumps(data, default=str))


def _def_line(lines, start):
    for offset, text in enumerate(lines):
        stripped = text.lstrip()
        if stripped.startswith(("def ", "async def ")):
            return start + offset
    return start


def _code_place(code):
    """File, ``def`` line and last line of a function, from its code object.

    Cheaper than ``inspect.getsourcelines``, which tokenizes the whole file
    for every function: the lines come from ``linecache``, read once a file.
    """
    filename = code.co_filename
    if not os.path.isabs(filename) or not os.path.isfile(filename):
        return {"line": code.co_firstlineno}
    start = code.co_firstlineno
    source = linecache.getlines(filename)
    window = source[start - 1 : start + 50]
    lines = [line for _, _, line in code.co_lines() if line] or [start]
    return {
        "file": filename,
        "line": _def_line(window, start) if window else start,
        "end_line": max(lines),
    }


def _describe_function(func):
    func = inspect.unwrap(func)
    info = {"file": None, "line": None, "end_line": None, "doc": inspect.getdoc(func)}
    code = getattr(func, "__code__", None)
    if code is not None:
        info.update(_code_place(code))
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        info.update(signature=None, parameters=[])
        return info
    info["signature"] = str(sig)
    info["parameters"] = [_parameter(p) for p in sig.parameters.values()]
    return info


def _parameter(param):
    empty = inspect.Parameter.empty
    annotation = param.annotation
    if annotation is not empty and not isinstance(annotation, str):
        annotation = inspect.formatannotation(annotation)
    return {
        "name": param.name,
        "kind": param.kind.name,
        "annotation": None if annotation is empty else annotation,
        "default": None if param.default is empty else repr(param.default),
        "required": param.default is empty
        and param.kind
        not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD),
    }


def _router_of(app, name, func):
    """Where the router that brought this task lives, as module and attribute."""
    for router in getattr(app, "routers", []) or []:
        if name not in getattr(router, "tasks", {}):
            continue
        module = sys.modules.get(getattr(func, "__module__", ""), None)
        for attr, value in vars(module).items() if module else ():
            if value is router:
                return {"module": module.__name__, "attr": attr}
        return {"module": None, "attr": None}
    return None


def _shared_names():
    try:
        from qtasks.registries.task_registry import TaskRegistry
    except ImportError:
        return set()
    return set(getattr(TaskRegistry, "_tasks", {}) or {})


def _enrich(app, records):
    shared = _shared_names()
    for record in records:
        schema = app.tasks.get(record.get("name"))
        func = getattr(schema, "func", None)
        if func is not None:
            record.update(_describe_function(func))
            record["router"] = _router_of(app, record["name"], func)
        record["shared"] = record.get("name") in shared
    return records


def _loaded_files(roots):
    files = set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path and path.endswith(".py") and _is_project_file(path, roots):
            files.add(os.path.realpath(path))
    return sorted(files)


def _qtasks_info():
    try:
        import qtasks
    except ImportError:
        return None
    try:
        import qtasks.stats  # noqa: F401

        has_stats = True
    except ImportError:
        has_stats = False
    return {"version": getattr(qtasks, "__version__", None), "stats": has_stats}


def _cache_compiled_modules(folder):
    """Keep what the project's import compiles in ``folder``, not in its tree.

    Called after qtasks is imported, so qtasks and the standard library still
    load from their own ``__pycache__``; the project's modules (and whatever
    they import next) are compiled once into the cache and reused.
    """
    if not folder:
        return
    sys.pycache_prefix = folder
    sys.dont_write_bytecode = False


def inspect_app(request):
    """Import the app named in the request and build the inspection document."""
    started = time.perf_counter()
    spec = request["spec"]
    roots = [os.path.realpath(p) for p in [request.get("root")] + request["paths"] if p]
    document = {
        "schema": SCHEMA,
        "ok": False,
        "spec": spec,
        "python": {
            "version": "%d.%d.%d" % sys.version_info[:3],
            "executable": sys.executable,
        },
        "qtasks": None,
        "app": None,
        "app_text": None,
        "method": None,
        "tasks": [],
        "loaded_files": [],
        "timing": {},
        "error": None,
    }
    for path in reversed(request["paths"]):
        if path not in sys.path:
            sys.path.insert(0, path)
    document["qtasks"] = _qtasks_info()
    _cache_compiled_modules(request.get("pycache"))
    if document["qtasks"] is None:
        document["error"] = _error(
            "qtasks-missing",
            "qtasks is not installed in %s" % sys.executable,
            "Install qtasks there, or point the `python` setting at the project's "
            "virtual environment.",
        )
        return document
    try:
        app = _resolve_app(spec)
        imported = time.perf_counter()
        app_json, app_text, tasks = _stats(app)
        document.update(
            ok=True,
            app=app_json,
            app_text=app_text,
            method=getattr(app, "_method", "sync"),
            tasks=_enrich(app, tasks),
        )
        document["timing"]["import_ms"] = round((imported - started) * 1000, 1)
        document["timing"]["inspect_ms"] = round(
            (time.perf_counter() - imported) * 1000, 1
        )
    except _Failure as failure:
        document["error"] = failure.record
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        frame = _project_frame(exc.__traceback__, roots)
        document["error"] = _error(
            "exit",
            "the app exited during import (code %s)" % code,
            'Move the code that calls sys.exit() under `if __name__ == "__main__":`, '
            "or skip it when %s is set." % MARKER,
            code=code,
            file=frame.filename if frame else None,
            line=frame.lineno if frame else None,
        )
    except BaseException as exc:  # the boundary: any failure of user code
        document["error"] = _describe_exception(exc, roots, spec, request["paths"])
    document["loaded_files"] = _loaded_files(roots)
    document["timing"]["total_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return document


def main():
    """Entry point: read the request, inspect, write one JSON document."""
    result_fd = _take_result_channel()
    os.environ.setdefault(MARKER, "1")
    request = json.loads(sys.argv[1])
    _watch_parent()
    _apply_limits(request.get("limits") or {})
    try:
        document = inspect_app(request)
        payload = json.dumps(document, default=str, ensure_ascii=False)
    except BaseException as exc:  # last resort: report rather than die silently
        payload = json.dumps(
            {
                "schema": SCHEMA,
                "ok": False,
                "spec": request.get("spec"),
                "error": _error(
                    "exception",
                    "the inspection itself failed: %s: %s" % (type(exc).__name__, exc),
                    None,
                    traceback=traceback.format_exc()[-8000:],
                ),
            }
        )
    data = payload.encode("utf-8")
    while data:
        written = os.write(result_fd, data)
        data = data[written:]
    os.close(result_fd)
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
