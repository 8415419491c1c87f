"""The worker: runs one student function on the grader's inputs, inside the sandbox.

Started by ``supervisor.py`` as ``python -I worker.py SCRATCH``. It reads ``job.json`` and the
input arrays from SCRATCH, loads the student's definitions (one statement at a time, so one
failing import costs only itself), supplies the reference versions of the functions this one
builds on, installs an audit hook that refuses files outside SCRATCH and the Python
installation, processes, sockets and ctypes, then calls the function once per case. Each
result goes to ``SCRATCH/out`` as JSON plus ``.npy`` files: plain numbers and arrays only.

This file is standard library plus NumPy; it must not import the ``autograder`` package.
"""

from __future__ import annotations

import importlib.util
import json
import linecache
import os
import sys
import time
import traceback

import numpy as np

STUDENT_FILE = "<code cell {cell}>"
REFERENCE_FILE = "<reference>"


def main(scratch: str) -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    codec = _load_module("_grader_codec", os.path.join(os.path.dirname(here), "codec.py"))
    probes = _load_module("_grader_probes", os.path.join(here, "probes.py"))
    with open(os.path.join(scratch, "job.json"), encoding="utf-8") as handle:
        job = json.load(handle)
    in_dir = os.path.join(scratch, "in")
    out_dir = os.path.join(scratch, "out")
    int(job["max_result_bytes"])

    def get_array(key: str) -> np.ndarray:
        with open(os.path.join(in_dir, key + ".npy"), "rb") as handle:
            return codec.npy_to_array(handle.read(), max_bytes=1 << 31)

    if job.get("need_pandas"):
        import pandas  # noqa: F401 - loaded before the audit hook closes the file system

    # Decode every case's inputs now, before the student's code runs.
    cases = []
    for case in job["cases"]:
        args = codec.decode(case["args"], get_array)
        kwargs = codec.decode(case["kwargs"], get_array)
        cases.append(
            (
                case["name"],
                _resolve_probes(args, probes, codec),
                _resolve_probes(kwargs, probes, codec),
            )
        )

    reference: dict = {"__name__": "reference"}
    if job.get("deps_source"):
        exec(compile(job["deps_source"], REFERENCE_FILE, "exec"), reference)  # noqa: S102

    if job.get("audit_hook", True):  # off only in the tests of the other layers
        _install_audit_hook(scratch)
    os.chdir(scratch)

    namespace: dict = {"__name__": "__main__", "__builtins__": __builtins__}
    problems = []
    for statement in job["statements"]:
        filename = STUDENT_FILE.format(cell=statement["cell"])
        text = "\n" * (int(statement.get("line", 1)) - 1) + statement["source"] + "\n"
        previous = linecache.cache.get(filename, (0, None, [], filename))[2]
        lines = list(previous) + [""] * max(0, text.count("\n") - len(previous))
        for number, line in enumerate(text.split("\n")):
            if line and number < len(lines):
                lines[number] = line + "\n"
        linecache.cache[filename] = (len(text), None, lines, filename)
        try:
            code = compile(text, filename, "exec")
            exec(code, namespace)  # noqa: S102 - student code, inside the sandbox
        except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt too
            problems.append(
                f"code cell {statement['cell']}: {type(exc).__name__}: {_short(exc)} "
                f"while defining {', '.join(statement['names'])}"
            )
    for name in job.get("deps", []):
        if name in reference:
            namespace[name] = reference[name]

    function_name = job["function"]
    target = namespace.get(function_name)
    _write_json(
        out_dir,
        "load.json",
        {
            "defined": callable(target),
            "kind": type(target).__name__ if target is not None else None,
            "problems": problems,
        },
    )
    if not callable(target):
        return

    for index, (name, args, kwargs) in enumerate(cases):
        arrays: dict[str, np.ndarray] = {}

        def put_array(array: np.ndarray, _arrays=arrays, _index=index) -> str:
            key = f"c{_index}_{len(_arrays)}"
            _arrays[key] = array
            return key

        started = time.perf_counter()
        try:
            value = target(*args, **kwargs)
            result = codec.encode(value, put_array)
        except BaseException as exc:  # noqa: BLE001
            result = codec.encode(
                codec.Raised(type(exc).__name__, _short(exc), _where(exc, function_name)), put_array
            )
        seconds = time.perf_counter() - started
        try:
            after = {
                "args": codec.encode(args, put_array),
                "kwargs": codec.encode(kwargs, put_array),
            }
        except BaseException:  # noqa: BLE001 - a broken input object must not stop the run
            after = {"args": None, "kwargs": None}
        for key, array in arrays.items():
            path = os.path.join(out_dir, key + ".npy")
            with open(path + ".tmp", "wb") as handle:
                handle.write(codec.array_to_npy(array))
            os.replace(path + ".tmp", path)
        _write_json(
            out_dir,
            f"case_{index:03d}.json",
            {"name": name, "result": result, "after": after, "seconds": seconds},
        )


def _resolve_probes(value, probes, codec):
    if isinstance(value, codec.Probe):
        return probes.PROBES[value.name]
    if isinstance(value, tuple):
        return tuple(_resolve_probes(v, probes, codec) for v in value)
    if isinstance(value, list):
        return [_resolve_probes(v, probes, codec) for v in value]
    if isinstance(value, dict):
        return {k: _resolve_probes(v, probes, codec) for k, v in value.items()}
    return value


def _load_module(name: str, path: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _write_json(out_dir: str, name: str, payload: dict) -> None:
    path = os.path.join(out_dir, name)
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(payload, handle)
    os.replace(path + ".tmp", path)


def _short(exc: BaseException) -> str:
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001 - an exception whose __str__ raises
        text = "(its message could not be read)"
    return text if len(text) <= 500 else text[:500] + "..."


def _where(exc: BaseException, function_name: str) -> str:
    """The last line of the student's own code in the traceback, e.g. 'line 7 of softmax'."""
    try:
        frames = traceback.extract_tb(exc.__traceback__)
    except BaseException:  # noqa: BLE001
        return ""
    for frame in reversed(frames):
        if frame.filename.startswith("<code cell "):
            cell = frame.filename.strip("<>")
            code = (frame.line or "").strip()
            return f"line {frame.lineno} of {cell}, in {frame.name}: {code}".rstrip(": ")
    return ""


# -- the audit hook --------------------------------------------------------------------------

_DENIED_EVENTS = {
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.fork",
    "os.forkpty",
    "os.kill",
    "os.killpg",
    "os.startfile",
    "pty.spawn",
    "subprocess.Popen",
    "sys.addaudithook",
    "resource.setrlimit",
    "resource.prlimit",
    "os.setuid",
    "os.setgid",
    "webbrowser.open",
    "ftplib.connect",
    "smtplib.connect",
    "urllib.Request",
}
_DENIED_PREFIXES = (
    "socket.",
    "ctypes.dlopen",
    "ctypes.dlsym",
    "ctypes.call_function",
    "_winapi.",
    "http.client.",
)
_PATH_EVENTS = {
    "os.remove",
    "os.rename",
    "os.rmdir",
    "os.mkdir",
    "os.symlink",
    "os.link",
    "os.chmod",
    "os.chown",
    "os.truncate",
    "os.utime",
    "shutil.rmtree",
    "shutil.copyfile",
    "shutil.move",
}
_READ_PATH_EVENTS = {"os.listdir", "os.scandir", "os.chdir", "glob.glob"}
# Imports are refused only for the course's own code; what a library may import is free, and
# what it may do (processes, sockets, ctypes calls, files) is refused by event above.
_DENIED_IMPORTS = ("autograder", "solutions", "tests")


def _install_audit_hook(scratch: str) -> None:
    scratch = os.path.realpath(scratch)
    readable = {scratch}
    for root in (sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(np.__file__)):
        readable.add(os.path.realpath(root))
    for entry in sys.path:
        if entry and (
            "site-packages" in entry
            or "dist-packages" in entry
            or entry.startswith(sys.base_prefix)
        ):
            readable.add(os.path.realpath(entry))
    readable = tuple(sorted(readable))
    writable = (scratch,)
    # The course package itself (checks, stored cases, this worker) stays closed even when it
    # is installed inside site-packages.
    closed = (os.path.realpath(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),)
    devices = ("/dev/null", "/dev/urandom")
    realpath = os.path.realpath
    fspath = os.fspath

    def under(path: object, roots: tuple) -> bool:
        try:
            text = realpath(fspath(path))
        except Exception:  # noqa: BLE001 - an int file descriptor or a strange object
            return isinstance(path, int)
        return text in devices or any(text == r or text.startswith(r + os.sep) for r in roots)

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode = args[0], args[1]
            writing = isinstance(mode, str) and any(c in mode for c in "wax+")
            if isinstance(mode, int):  # os.open flags
                writing = bool(
                    mode & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND)
                )
            if path is None or isinstance(path, int):
                return
            if under(path, closed) or not under(path, writable if writing else readable):
                raise PermissionError(f"the grader does not allow opening {path!r} here")
            return
        if event == "import":
            module = args[0] or ""
            if any(module == d or module.startswith(d + ".") for d in _DENIED_IMPORTS):
                raise ImportError(f"importing {module!r} is not allowed while grading")
            return
        if event in _DENIED_EVENTS or event.startswith(_DENIED_PREFIXES):
            raise PermissionError(f"{event} is not allowed while grading")
        if event in _READ_PATH_EVENTS:
            path = args[0] if args else None
            if isinstance(path, (str, bytes, os.PathLike)) and (
                under(path, closed) or not under(path, readable)
            ):
                raise PermissionError(f"{event} on {path!r} is not allowed while grading")
            return
        if event in _PATH_EVENTS:
            for arg in args[:2]:
                if isinstance(arg, (str, bytes, os.PathLike)) and (
                    under(arg, closed) or not under(arg, writable)
                ):
                    raise PermissionError(f"{event} on {arg!r} is not allowed while grading")

    sys.addaudithook(hook)


if __name__ == "__main__":
    main(sys.argv[1])
