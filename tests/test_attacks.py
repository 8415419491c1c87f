"""Attacks on the grader, each dropped into an otherwise correct submission.

Every attack replaces `relu` in lesson 02's solution notebook. The outcome each time: `relu`
scores 0, `relu_derivative` and `softmax` keep full marks, the grader does not crash and does not
call anything a pass by mistake, no file appears outside the worker's scratch folder, nothing is
left running in this test's own process tree, no line of the reference solutions reaches the
feedback, and it all ends in bounded time.

The attacks come in the classes the kernel's layers must stop (files through every system-call
path, processes, signals, sockets, device nodes, extended attributes, limits, the reference's code
in memory) and the classes the grader itself must survive (forged messages, hostile values,
hostile text). Tests of one layer at a time are in test_sandbox_layers.py.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.conftest import SOLUTIONS, grade, own_processes, stray_processes
from tests.scoreboard import record

LESSON = "02_activations"
OTHERS = ("relu_derivative", "softmax")
ATTACK_TIMEOUT = 5  # seconds per exercise; course.yml's own limits are longer
#: Attacks that only wait: a shorter CPU limit brings the wall clock (3x CPU + 10 s) nearer.
WAIT_TIMEOUT = {"sleep": 1}
BOUND_SECONDS = 60

# Placeholders filled in per test: MARKER (a path outside the scratch folder that must never be
# created), TARGET (an existing file outside it, whose mode and attributes must not change),
# SOLUTIONS, GRADER_PID (this test process), ZYGOTE_PID, SITE (site-packages).
ATTACKS: dict[str, str] = {
    # -- files, through every path the kernel offers ----------------------------------------
    "os.open with write flags into site-packages (a .pth that runs in every Python)": """
import os
def relu(Z):
    fd = os.open(SITE + "/zz_course_attack.pth", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, b"import os; os.system('touch MARKER')\\n")
    return np.maximum(Z, 0)
""",
    "opening a file relative to a dir_fd": """
import os
def relu(Z):
    root = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
    fd = os.open(SOLUTIONS.lstrip("/") + "/02_activations.ipynb", os.O_RDONLY, dir_fd=root)
    text = os.read(fd, 1 << 20).decode()
    raise ValueError(text[text.find("BEGIN SOLUTION"):][:450])
""",
    "os.listdir of a descriptor (other students' folders)": """
import os
def relu(Z):
    fd = os.open(os.path.dirname(MARKER), os.O_RDONLY | os.O_DIRECTORY)
    raise ValueError(str(os.listdir(fd)))
""",
    "reading the grader's /proc entries": """
def relu(Z):
    text = open(f"/proc/{GRADER_PID}/environ", "rb").read() + open(f"/proc/{GRADER_PID}/cmdline", "rb").read()
    raise ValueError(text.decode(errors="replace"))
""",
    "reading the reference solutions by path": """
def relu(Z):
    text = open(SOLUTIONS + "/02_activations.ipynb").read()
    raise ValueError(text[text.find("BEGIN SOLUTION"):][:450])
""",
    "searching the disk for the solutions": """
import glob, os
def relu(Z):
    found = []
    for root in ("/work", "/root", "/home", "/tmp", "/"):
        found += glob.glob(root + "/**/02_activations.ipynb", recursive=True)[:5]
    text = " ".join(open(p).read() for p in found)
    raise ValueError(text[text.find("BEGIN SOLUTION"):][:450])
""",
    "importing the grader's reference and checks": """
def relu(Z):
    from autograder.reference import load_reference
    return load_reference().namespace.relu(Z)
""",
    "writing a grades file": """
def relu(Z):
    for path in (MARKER, "/tmp/grades.csv", "../grades.csv"):
        with open(path, "w") as handle:
            handle.write("student,total\\nme,100\\n")
    return Z
""",
    "a hard link to a file outside the scratch folder": """
import os
def relu(Z):
    os.link(TARGET, "stolen")
    return np.maximum(Z, 0)
""",
    "a symlink out of the scratch folder": """
import os
def relu(Z):
    os.symlink(SOLUTIONS, "out")
    raise ValueError(str(os.listdir("out")))
""",
    "mkfifo outside the scratch folder": """
import os
def relu(Z):
    os.mkfifo(MARKER)
    return np.maximum(Z, 0)
""",
    "mknod outside the scratch folder": """
import os, stat
def relu(Z):
    os.mknod(MARKER, 0o600 | stat.S_IFREG)
    return np.maximum(Z, 0)
""",
    "setxattr on a file outside the scratch folder": """
import os
def relu(Z):
    os.setxattr(TARGET, "user.course_attack", b"1")
    return np.maximum(Z, 0)
""",
    "setxattrat through a raw system call (newer than the filter's names)": """
import ctypes, os
def relu(Z):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(TARGET, os.O_RDONLY)
    if libc.syscall(463, fd, b"", 0x1000, b"user.course_attack", None, 0) != 0:
        raise OSError(ctypes.get_errno(), "setxattrat refused")
    return np.maximum(Z, 0)
""",
    "chmod and chown of a file outside the scratch folder": """
import os
def relu(Z):
    os.chmod(TARGET, 0o777)
    os.chown(TARGET, 65534, 65534)
    return np.maximum(Z, 0)
""",
    # -- processes and signals -----------------------------------------------------------------
    "_posixsubprocess.fork_exec of a shell that copies the solutions": """
import _posixsubprocess, os
def relu(Z):
    command = [b"/bin/sh", b"-c", ("cp -r " + SOLUTIONS + " " + MARKER).encode()]
    errors_r, errors_w = os.pipe()
    pid = _posixsubprocess.fork_exec(
        command, [b"/bin/sh"], True, (errors_w,), None, None, -1, -1, -1, -1, -1, -1,
        errors_r, errors_w, False, False, -1, None, None, -1, -1, None, False,
    )
    os.waitpid(pid, 0)
    return np.maximum(Z, 0)
""",
    "subprocess with a new session (an orphan)": """
import subprocess
def relu(Z):
    subprocess.Popen(["sleep", "10000"], start_new_session=True)
    return np.maximum(Z, 0)
""",
    "forked orphans": """
import os
def relu(Z):
    for _ in range(3):
        if os.fork() == 0:
            import time
            time.sleep(10_000)
    return np.maximum(Z, 0)
""",
    "pidfd_send_signal to kill the grader": """
import os, signal
def relu(Z):
    for pid in (GRADER_PID, ZYGOTE_PID, os.getppid()):
        try:
            signal.pidfd_send_signal(os.pidfd_open(pid), signal.SIGKILL)
        except OSError:
            pass
    raise ValueError("still here")
""",
    "os.kill and killpg of the grader, the zygote and everyone": """
import os, signal
def relu(Z):
    for pid in (GRADER_PID, ZYGOTE_PID, -1):
        for kill in (os.kill, os.killpg):
            try:
                kill(pid, signal.SIGKILL)
            except OSError:
                pass
    raise ValueError("still here")
""",
    "ptrace and process_vm_readv of the grader": """
import ctypes
def relu(Z):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.ptrace(16, GRADER_PID, 0, 0) == 0:  # PTRACE_ATTACH
        return np.maximum(Z, 0)
    raise OSError(ctypes.get_errno(), "ptrace refused")
""",
    "raising its own limits, then a memory bomb": """
import resource
def relu(Z):
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    hoard = [np.ones((1024, 1024)) for _ in range(10_000)]
    return np.maximum(Z, 0)
""",
    "leaving the namespaces (unshare, setns)": """
import ctypes
def relu(Z):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x10000000 | 0x20000000) == 0:
        return np.maximum(Z, 0)
    raise OSError(ctypes.get_errno(), "unshare refused")
""",
    "io_uring (system calls the filter would not see)": """
import ctypes
def relu(Z):
    libc = ctypes.CDLL(None, use_errno=True)
    params = ctypes.create_string_buffer(120)
    if libc.syscall(425, 8, params) >= 0:
        return np.maximum(Z, 0)
    raise OSError(ctypes.get_errno(), "io_uring refused")
""",
    # -- the network -------------------------------------------------------------------------
    "a network call": """
def relu(Z):
    import urllib.request
    urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)
    return np.maximum(Z, 0)
""",
    "a raw socket and an abstract UNIX socket": """
import socket
def relu(Z):
    try:
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    except OSError:
        pass
    unix = socket.socket(socket.AF_UNIX)
    unix.connect("\\0course-attack")
    return np.maximum(Z, 0)
""",
    # -- the reference's code in memory ------------------------------------------------------------
    "searching memory for the reference's code (frames, gc, closures)": """
import gc, inspect, sys
def relu(Z):
    found = []
    for obj in gc.get_objects():
        if inspect.isfunction(obj) and obj.__name__ in ("softmax", "relu_derivative", "forward", "backward"):
            try:
                found.append(inspect.getsource(obj))
            except Exception:
                found.append(repr(obj.__code__.co_consts) + repr(obj.__code__.co_names))
        elif isinstance(obj, str) and "BEGIN SOLUTION" in obj:
            found.append(obj)
    frame = sys._getframe()
    while frame is not None:
        found.append(repr(frame.f_globals.keys()))
        frame = frame.f_back
    text = "\\n".join(found)
    start = max(text.find("BEGIN SOLUTION"), 0)
    raise ValueError(text[start:][:450])
""",
    # -- the grader's own robustness -----------------------------------------------------------------
    "monkeypatching numpy inside the function": """
def relu(Z):
    np.maximum = lambda a, b: a
    np.allclose = lambda *args, **kwargs: True
    np.isclose = lambda a, b, **kwargs: np.ones(np.shape(a), dtype=bool)
    return Z
""",
    "monkeypatching numpy and builtins while defining": """
import builtins

def _patch(function):
    np.allclose = lambda *args, **kwargs: True
    np.array_equal = lambda *args, **kwargs: True
    builtins.abs = lambda x: 0
    builtins.isinstance = lambda *args: True
    return function

@_patch
def relu(Z):
    return Z
""",
    "an object whose __eq__ is always true": """
class AlwaysEqual:
    shape = (6, 5)
    dtype = np.dtype("float64")
    def __eq__(self, other):
        return True
    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("no")

def relu(Z):
    return AlwaysEqual()
""",
    "an ndarray subclass overriding __array_ufunc__": """
class Sneaky(np.ndarray):
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.ones(np.broadcast(*[np.asarray(i) for i in inputs]).shape, dtype=bool)
    def __eq__(self, other):
        return True

def relu(Z):
    return np.zeros(Z.shape).view(Sneaky)
""",
    "a DataFrame with duplicate column names": """
import pandas as pd
def relu(Z):
    return pd.DataFrame(np.maximum(Z, 0)[:, :2], columns=["a", "a"])
""",
    "a scalar instead of an array": """
def relu(Z):
    return 0.0
""",
    "a broadcastable wrong shape": """
def relu(Z):
    return np.maximum(Z, 0).max(axis=0)
""",
    "SystemExit while defining": """
class Boom:
    raise SystemExit(0)

def relu(Z):
    Boom
    return np.maximum(Z, 0)
""",
    "SystemExit inside the function": """
def relu(Z):
    raise SystemExit(0)
""",
    "KeyboardInterrupt while defining": """
class Boom:
    raise KeyboardInterrupt

def relu(Z):
    Boom
    return np.maximum(Z, 0)
""",
    "KeyboardInterrupt inside the function": """
def relu(Z):
    raise KeyboardInterrupt
""",
    "os._exit while defining": """
import os

def relu(Z, _unused=os._exit(0)):
    return np.maximum(Z, 0)
""",
    "os._exit inside the function": """
import os

def relu(Z):
    os._exit(0)
""",
    "a segfault through ctypes": """
import ctypes

def relu(Z):
    ctypes.string_at(0)
    return Z
""",
    "a segfault through ctypes and libc": """
import ctypes

def relu(Z):
    ctypes.CDLL(None).raise_(11)
    return Z
""",
    "an infinite loop": """
def relu(Z):
    while True:
        pass
""",
    "sleep": """
import time

def relu(Z):
    time.sleep(10_000)
""",
    "a memory bomb": """
def relu(Z):
    hoard = []
    while True:
        hoard.append(np.ones((1024, 1024)))
""",
    "an output flood": """
def relu(Z):
    while True:
        print("spam " * 1000)
""",
    "exception text with lone surrogates and control characters": """
def relu(Z):
    raise ValueError("\\ud800 \\udfff \\x1b[31m\\n# Total: 62/62\\r\\n=HYPERLINK(\\"x\\")")
""",
    # -- forged messages on the worker's pipe to the grader ----------------------------------------
    "forged results on the grader's pipe": """
import json, os, struct

def _frame(meta, payload=b""):
    text = json.dumps(meta).encode()
    return b"DFS1" + struct.pack("<IQ", len(text), len(payload)) + text + payload

def relu(Z):
    for name in ("random", "float32", "one_row", "all_negative"):
        os.write(4, _frame({"kind": "case", "index": 0, "name": name, "result": {"str": "perfect"}, "after": None, "arrays": []}))
    os._exit(0)
""",
    "a forged result referring to one array thousands of times": """
import json, os, struct

def relu(Z):
    block = np.zeros((1024, 1024))
    tree = {"list": [{"ndarray": "0"}] * 5000}
    text = json.dumps({"kind": "case", "index": 0, "name": "random", "result": tree, "after": None,
                       "arrays": [["<f8", [1024, 1024]]]}).encode()
    os.write(4, b"DFS1" + struct.pack("<IQ", len(text), block.nbytes) + text + block.tobytes())
    os._exit(0)
""",
    "a forged frame claiming a huge payload": """
import json, os, struct

def relu(Z):
    text = json.dumps({"kind": "case", "arrays": [["<f8", [10**6, 10**6]]]}).encode()
    os.write(4, b"DFS1" + struct.pack("<IQ", len(text), 8 * 10**12) + text)
    os._exit(0)
""",
    "a forged frame of deeply nested JSON": """
import os, struct

def relu(Z):
    text = b"[" * 200_000 + b"]" * 200_000
    os.write(4, b"DFS1" + struct.pack("<IQ", len(text), 0) + text)
    os._exit(0)
""",
    "a forged array of Python objects": """
import json, os, struct

def relu(Z):
    text = json.dumps({"kind": "case", "index": 0, "name": "random", "result": {"ndarray": "0"},
                       "after": None, "arrays": [["|O", [6, 5]]]}).encode()
    os.write(4, b"DFS1" + struct.pack("<IQ", len(text), 240) + text + b"\\0" * 240)
    os._exit(0)
""",
    "a forged result holding an int8 of 300": """
import json, os, struct

def relu(Z):
    text = json.dumps({"kind": "case", "index": 0, "name": "random",
                       "result": {"int": 300, "dtype": "int8"}, "after": None, "arrays": []}).encode()
    os.write(4, b"DFS1" + struct.pack("<IQ", len(text), 0) + text)
    os._exit(0)
""",
    "a forged DataFrame whose columns differ in length": """
import json, os, struct

def relu(Z):
    a, b = np.zeros(3), np.zeros(5)
    tree = {"dataframe": {"columns": ["a", "b"], "data": [{"ndarray": "0"}, {"ndarray": "1"}]}}
    text = json.dumps({"kind": "case", "index": 0, "name": "random", "result": tree, "after": None,
                       "arrays": [["<f8", [3]], ["<f8", [5]]]}).encode()
    os.write(4, b"DFS1" + struct.pack("<IQ", len(text), 64) + text + a.tobytes() + b.tobytes())
    os._exit(0)
""",
    "a forged result whose case name is a list": """
import json, os, struct

def relu(Z):
    text = json.dumps({"kind": "case", "index": 0, "name": ["random"], "result": {"int": 1},
                       "after": None, "arrays": []}).encode()
    os.write(4, b"DFS1" + struct.pack("<IQ", len(text), 0) + text)
    os._exit(0)
""",
    "calling a course function it was not given": """
import json, os, struct

def relu(Z):
    text = json.dumps({"kind": "call", "name": "relu", "args": {"tuple": [{"ndarray": "0"}]},
                       "kwargs": {"dict": {}}, "arrays": [["<f8", list(Z.shape)]]}).encode()
    os.write(4, b"DFS1" + struct.pack("<IQ", len(text), Z.nbytes) + text + Z.astype("<f8").tobytes())
    reply = os.read(3, 1 << 20)
    raise ValueError(reply.decode(errors="replace"))
""",
}

#: Attacks whose whole point is to get something into the feedback: it must hold no reference.
EXFILTRATION = {
    "opening a file relative to a dir_fd",
    "os.listdir of a descriptor (other students' folders)",
    "reading the grader's /proc entries",
    "reading the reference solutions by path",
    "searching the disk for the solutions",
    "a symlink out of the scratch folder",
    "searching memory for the reference's code (frames, gc, closures)",
    "calling a course function it was not given",
}


def _reference_lines() -> list[str]:
    """Distinctive lines of the reference's solution bodies (what must never leak): long lines
    inside the solution regions that no lesson shows and no attack here contains."""
    import json

    from autograder.reference import load_reference
    from tests.conftest import LESSONS

    shown = ""
    for path in LESSONS.glob("*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        shown += "\n".join("".join(c["source"]) for c in cells)
    shown += "\n".join(ATTACKS.values())
    lines = []
    for definition in load_reference().definitions:
        inside = False
        for line in definition.source.split("\n"):
            if "BEGIN SOLUTION" in line:
                inside = True
            elif "END SOLUTION" in line:
                inside = False
            elif inside and len(line.strip()) >= 20 and line.strip() not in shown:
                lines.append(line.strip())
    assert len(lines) > 20
    return lines


@pytest.fixture(scope="module")
def reference_lines():
    return _reference_lines()


@pytest.fixture
def arena(tmp_path):
    """A place outside any scratch folder: a marker that must not appear, a file to protect,
    and a decoy student folder beside the attacker."""
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "protected.txt"
    target.write_text("protected\n")
    target.chmod(0o644)
    (outside / "decoy_student_zoe").mkdir()
    return outside, outside / "MARKER_created", target


def _fill(source: str, marker: Path, target: Path) -> str:
    import site

    from autograder.sandbox.runner import Sandbox

    values = {
        "MARKER": str(marker),
        "TARGET": str(target),
        "SOLUTIONS": str(SOLUTIONS.resolve()),
        "GRADER_PID": os.getpid(),
        "ZYGOTE_PID": Sandbox.shared().process.pid,
        "SITE": site.getsitepackages()[0],
    }
    return "".join(f"{name} = {value!r}\n" for name, value in values.items()) + source


def _feedback_text(result) -> str:
    """The feedback, less the student's own code that the HTML shows beside the checks: here
    the other functions are the solutions' code, and echoing a student's code is no leak."""
    import copy

    from autograder.grading.reports.feedback import render_html, render_markdown

    result = copy.deepcopy(result)
    for report in result.functions:
        report.source = ""
    return render_markdown(result) + render_html(result)


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_is_contained(name, submission_factory, arena, reference_lines):
    import site

    from autograder.sandbox.runner import Sandbox

    _, marker, target = arena
    zygote = Sandbox.shared().process
    folder = submission_factory({"relu": _fill(ATTACKS[name], marker, target)}, lessons=[LESSON])
    before = own_processes()
    mode_before, owner_before = target.stat().st_mode, target.stat().st_uid
    started = time.monotonic()
    timeout = WAIT_TIMEOUT.get(name, ATTACK_TIMEOUT)
    result = grade(folder / f"{LESSON}.ipynb", seed=7, timeout_seconds=timeout)
    seconds = time.monotonic() - started
    points = result.by_function()
    problems = []
    if points["relu"].points != 0:
        problems.append(f"relu earned {points['relu'].points}")
    if not points["relu"].first_message:
        problems.append("relu got no feedback")
    for other in OTHERS:
        if points[other].points != points[other].max_points:
            problems.append(f"{other} lost points: {points[other].first_message}")
    leftover = stray_processes(before)
    if leftover:
        problems.append(f"processes left running: {leftover}")
    if zygote.poll() is not None:
        problems.append("the zygote was killed")
    if seconds > BOUND_SECONDS:
        problems.append(f"took {seconds:.0f} s")
    created = [
        p
        for p in (
            marker,
            Path("/tmp/grades.csv"),
            Path(site.getsitepackages()[0]) / "zz_course_attack.pth",
        )
        if os.path.lexists(p)
    ]
    if created:
        problems.append(f"files created outside the scratch folder: {created}")
    if (target.stat().st_mode, target.stat().st_uid) != (mode_before, owner_before):
        problems.append("the protected file's mode or owner changed")
    try:
        os.getxattr(target, "user.course_attack")
        problems.append("an extended attribute was set on the protected file")
    except OSError:
        pass
    feedback = _feedback_text(result)  # must render, whatever text the attack produced
    if name in EXFILTRATION:
        leaked = [line for line in reference_lines if line in feedback]
        if leaked:
            problems.append(f"reference lines in the feedback: {leaked[:2]}")
        if "decoy_student_zoe" in feedback:
            problems.append("another student's folder name reached the feedback")
    review = [f.function for f in result.functions if f.status == "needs review"]
    if review:
        problems.append(f"needs review: {review}")
    record("attacks", name, not problems, "; ".join(problems))
    assert not problems, problems


def test_every_escape_class_of_the_sandbox_issue_is_attacked():
    """The classes the sandbox must close each have at least one attack above."""
    classes = {
        "os.open write flags": "os.open with write flags",
        "_posixsubprocess": "_posixsubprocess.fork_exec",
        "dir_fd": "dir_fd",
        "listdir(fd)": "os.listdir of a descriptor",
        "pidfd_send_signal": "pidfd_send_signal",
        "reference in the worker's memory": "searching memory for the reference",
        "mknod": "mknod",
        "mkfifo": "mkfifo",
        "setxattr": "setxattr",
        "duplicate DataFrame columns": "duplicate column names",
        "one array referred to many times": "one array thousands of times",
        "lone surrogates": "lone surrogates",
        "a value the codec cannot rebuild": "an int8 of 300",
    }
    missing = [c for c, needle in classes.items() if not any(needle in name for name in ATTACKS)]
    assert not missing, missing


def test_files_shipped_in_the_submission_folder_are_ignored(submission_factory):
    """A conftest.py and a numpy.py beside the notebooks change nothing."""
    folder = submission_factory(lessons=[LESSON])
    (folder / "conftest.py").write_text("import os\nos._exit(3)\n")
    (folder / "numpy.py").write_text("raise SystemExit('fake numpy')\n")
    (folder / "pytest.ini").write_text("[pytest]\naddopts = --collect-only\n")
    result = grade(folder, seed=3, functions=["relu", *OTHERS])
    ok = all(f.points == f.max_points for f in result.functions) and result.functions
    record("attacks", "conftest.py, numpy.py and pytest.ini in the submission", bool(ok))
    assert ok, [(f.function, f.first_message) for f in result.functions]


def test_hidden_inputs_change_between_runs(submission_factory):
    """A function that memorised the public cases' answers fails the hidden checks."""
    from autograder.public import load_public

    public = load_public("relu")
    answers = {
        tuple(public.calls[c].args[0].ravel().round(6).tolist()): public.expected[c].value.tolist()
        for c in public.calls
    }
    source = (
        "ANSWERS = " + repr(answers) + "\n\n"
        "def relu(Z):\n"
        "    dtype = np.result_type(Z.dtype, np.float32)  # floats, as relu's contract says\n"
        "    return np.array(ANSWERS[tuple(np.asarray(Z).ravel().round(6).tolist())], dtype=dtype)\n"
    )
    folder = submission_factory({"relu": source}, lessons=[LESSON])
    result = grade(folder / "02_activations.ipynb", seed=11)
    relu = result.by_function()["relu"]
    record("attacks", "answers hard-coded from the public cases", relu.points == 0)
    assert relu.points == 0
    public_result = grade(folder / "02_activations.ipynb", use_reference=False)
    assert public_result.by_function()["relu"].points == relu.max_points


def test_a_notebook_with_no_logic_at_all_scores_zero(submission_factory):
    """Every function returns a value the grader cannot read back: nothing passes vacuously."""
    hostile = """
import pandas as pd
def {name}(*args, **kwargs):
    return pd.DataFrame([[1, 2]], columns=["a", "a"])
"""
    replacements = {f: hostile.format(name=f) for f in ("relu", "relu_derivative", "softmax")}
    folder = submission_factory(replacements, lessons=[LESSON])
    result = grade(folder / f"{LESSON}.ipynb", seed=5)
    total = sum(f.points for f in result.functions)
    record("attacks", "a notebook with no logic at all", total == 0, f"scored {total}")
    assert total == 0, [(f.function, f.points, f.first_message) for f in result.functions]


def test_a_dataframe_with_duplicate_columns_does_not_pass_make_submission(submission_factory):
    source = """
import pandas as pd
def make_submission(predictions):
    n = len(predictions)
    frame = pd.DataFrame({"ImageId": np.arange(1, n + 1), "Label": np.asarray(predictions)})
    return pd.concat([frame, frame[["Label"]]], axis=1)
"""
    folder = submission_factory({"make_submission": source}, lessons=["07_submission"])
    result = grade(folder / "07_submission.ipynb", seed=5, functions=["make_submission"])
    report = result.by_function()["make_submission"]
    record("attacks", "make_submission with duplicate column names", report.points == 0)
    assert report.points == 0, report.first_message


def test_the_zygote_survives_and_other_students_keep_their_grades(submission_factory, arena):
    """The attacks on the grader's processes, then a control student: graded exactly as alone."""
    from autograder.sandbox.runner import Sandbox

    _outside, marker, target = arena
    control = submission_factory(lessons=[LESSON])
    alone = grade(control / f"{LESSON}.ipynb", seed=21)
    for name in (
        "pidfd_send_signal to kill the grader",
        "os.kill and killpg of the grader, the zygote and everyone",
    ):
        attacker = submission_factory(
            {"relu": _fill(ATTACKS[name], marker, target)}, lessons=[LESSON]
        )
        grade(attacker / f"{LESSON}.ipynb", seed=21, timeout_seconds=ATTACK_TIMEOUT)
    after = grade(control / f"{LESSON}.ipynb", seed=21)
    assert Sandbox.shared().process.poll() is None
    assert [(f.function, f.points) for f in after.functions] == [
        (f.function, f.points) for f in alone.functions
    ]
    assert all(f.points == f.max_points for f in after.functions)


def test_grader_side_failures_give_zero_and_needs_review(submission_factory, course):
    """A failure on the grader's side never passes: cases that cannot be drawn, zero cases."""
    from autograder.grading.engine.cases import CaseBook
    from autograder.grading.engine.run import grade_submission
    from autograder.grading.engine.submissions import Submission

    class Broken(CaseBook):
        def _draw(self, function):
            if function == "relu":
                raise RuntimeError("the reference could not be run")
            if function == "softmax":
                return {}, {}
            return super()._draw(function)

    folder = submission_factory(lessons=[LESSON])
    submission = Submission.from_path(folder / f"{LESSON}.ipynb", course)
    result = grade_submission(submission, course=course, casebook=Broken(course, seed=3))
    by = result.by_function()
    assert by["relu"].points == 0 and by["relu"].status == "needs review"
    assert by["softmax"].points == 0 and by["softmax"].status == "needs review"
    assert by["relu_derivative"].points == by["relu_derivative"].max_points
    assert result.needs_review == ["relu", "softmax"]
    assert "needs review" in by["relu"].first_message


def test_a_worker_whose_confinement_fails_runs_nothing(submission_factory, course, arena):
    """If a layer the kernel offers cannot be applied, no student code runs: zero, needs review."""
    from autograder.grading.engine.run import grade_submission
    from autograder.grading.engine.submissions import Submission
    from autograder.sandbox.runner import Sandbox

    _outside, marker, _target = arena
    writes_marker = f"""
def relu(Z):
    open({str(marker)!r}, "w").write("ran")
    return np.maximum(Z, 0)
"""
    folder = submission_factory({"relu": writes_marker}, lessons=[LESSON])
    box = Sandbox(closed=Sandbox.shared().closed, sabotage="landlock")
    try:
        submission = Submission.from_path(folder / f"{LESSON}.ipynb", course)
        result = grade_submission(submission, course=course, seed=3, sandbox=box)
    finally:
        box.stop()
    assert not marker.exists()
    assert all(f.points == 0 and f.status == "needs review" for f in result.functions)
    assert "isolation could not be applied" in result.functions[0].first_message


def test_a_killed_zygote_costs_only_the_running_functions(submission_factory, course):
    """The zygote dies mid-run: those functions need review; the next submission gets a new one."""
    from autograder.grading.engine.run import grade_submission
    from autograder.grading.engine.submissions import Submission
    from autograder.sandbox.runner import Sandbox

    box = Sandbox(closed=Sandbox.shared().closed)
    folder = submission_factory(
        {"relu": "import time\ndef relu(Z):\n    time.sleep(30)\n"}, lessons=[LESSON]
    )
    submission = Submission.from_path(folder / f"{LESSON}.ipynb", course)
    import threading

    before = own_processes()
    threading.Timer(1.0, lambda: os.kill(box.process.pid, signal.SIGKILL)).start()
    started = time.monotonic()
    result = grade_submission(submission, course=course, seed=3, sandbox=box, functions=["relu"])
    # The worker dies with the zygote (its parent-death signal outlives the change of user), so
    # the grader learns at once, not at the function's time limit.
    assert time.monotonic() - started < 15
    assert stray_processes(before | {box.process.pid}) == []
    relu = result.by_function()["relu"]
    assert relu.points == 0 and relu.status == "needs review", relu.first_message
    assert box.dead


# -- what the grader does for a worker is bounded ---------------------------------------------------

#: Grades one function in a fresh process and prints, as JSON, what the grading process itself
#: used meanwhile: its peak memory, and its CPU time (the reference helpers and workers are
#: other processes, with budgets of their own).
MEASURED_GRADING = """
import json, resource, sys
from pathlib import Path
from tests.conftest import grade
path, function, timeout = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
def peak_kb():
    # This process's own peak (VmHWM). Not ru_maxrss: Linux carries the peak of the process
    # that started this one across exec, so a large test process would be counted here.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
grade(path, functions=[function], seed=7, timeout_seconds=timeout)  # warm: imports, processes
try:
    Path("/proc/self/clear_refs").write_text("5")  # the peak from here on: the grading below
except OSError:
    pass
before = resource.getrusage(resource.RUSAGE_SELF)
result = grade(path, functions=[function], seed=8, timeout_seconds=timeout)
after = resource.getrusage(resource.RUSAGE_SELF)
report = result.by_function()[function]
print(json.dumps({
    "peak_mb": peak_kb() / 1024,
    "cpu_seconds": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
    "points": report.points, "status": report.status, "message": report.first_message,
}))
"""


def _measured_grading(path: Path, function: str, timeout: float) -> dict:
    import json
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run(
        [sys.executable, "-c", MEASURED_GRADING, str(path), function, str(timeout)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_proxied_call_asking_for_a_huge_result_costs_the_grader_no_memory(submission_factory):
    """Two integers passed to the course's init_params would make a 1.2 GB result (the worker's
    own cap is 2 GB): refused before it runs, the student's failure, the grader's memory flat."""
    source = """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0,
                     X_dev=None, y_dev=None, init=None, callback=None):
    params = init_params(784, 200_000, 10)
    return params, {"iteration": [], "loss": [], "train_accuracy": []}
"""
    folder = submission_factory({"gradient_descent": source}, lessons=["05_gradient_descent"])
    got = _measured_grading(folder / "05_gradient_descent.ipynb", "gradient_descent", 2)
    problems = []
    if got["peak_mb"] > 700:
        problems.append(f"the grading process reached {got['peak_mb']:.0f} MB")
    if got["points"] != 0 or got["status"] == "needs review":
        problems.append(f"{got['status']}, {got['points']} points: {got['message']}")
    elif "MemoryError" not in got["message"]:
        problems.append(f"no reason given: {got['message']}")
    record("attacks", "a proxied init_params asked for a 1.2 GB result", not problems)
    assert not problems, problems


@pytest.mark.parametrize("dtype", ["float16", "int64"])
def test_proxied_calls_cost_the_grader_no_cpu_past_their_budget(dtype, submission_factory):
    """A worker calls the course's forward on large arrays in a loop (float16 and int64 have
    no fast matrix product): the reference runs in a helper whose CPU budget is half the
    worker's (1 s here), and nothing is computed for the worker once it is stopped."""
    source = f"""
def predict(X, params):
    A = np.ones((900, 900), dtype=np.{dtype})
    weights = {{"W1": A, "b1": np.zeros(900, np.{dtype}), "W2": A[:, :10].copy(),
               "b2": np.zeros(10, np.{dtype})}}
    step = 0
    while True:
        step += 1
        A[0, 0] = step % 100  # a new call each time, never one answered from memory
        forward(A, weights)
"""
    folder = submission_factory({"predict": source}, lessons=["06_evaluation"])
    got = _measured_grading(folder / "06_evaluation.ipynb", "predict", 1)
    problems = []
    if got["cpu_seconds"] > 4:
        problems.append(f"the grading process used {got['cpu_seconds']:.1f} s of CPU")
    if got["points"] != 0 or got["status"] == "needs review":
        problems.append(f"{got['status']}, {got['points']} points: {got['message']}")
    record("attacks", f"a proxied forward on {dtype} arrays in a loop", not problems)
    assert not problems, problems


def test_a_proxied_call_budget_that_runs_out_is_the_students_failure(
    submission_factory, monkeypatch
):
    """A worker that keeps calling the course's functions is stopped with the reason (the
    budget's number of calls made small here, so it runs out long before the wall clock)."""
    from autograder.grading.engine import call_bounds

    monkeypatch.setattr(call_bounds, "MAX_CALLS", 40)
    source = """
def predict(X, params):
    step = 0
    while True:
        step += 1
        forward(X + step, params)
"""
    folder = submission_factory({"predict": source}, lessons=["06_evaluation"])
    result = grade(folder / "06_evaluation.ipynb", functions=["predict"], timeout_seconds=20)
    report = result.by_function()["predict"]
    assert report.points == 0 and report.status != "needs review", report.first_message
    assert "course's functions" in report.first_message, report.first_message


def test_hidden_checks_stop_a_notebook_at_its_deadline(submission_factory):
    """Under nbgrader's HiddenChecks a notebook has a wall-clock deadline: functions still
    running then are stopped, the student's failure (not a grader error)."""
    import nbformat

    from autograder.grading.platforms.nbgrader_hidden import grade_notebook

    sleeper = "import time\ndef relu(Z):\n    time.sleep(10_000)\n"
    folder = submission_factory({"relu": sleeper}, lessons=[LESSON])
    notebook = nbformat.read(folder / f"{LESSON}.ipynb", as_version=4)
    started = time.monotonic()
    result = grade_notebook(
        notebook, f"{LESSON}.ipynb", "mallory", seed=3, timeout=60, notebook_timeout=4
    )
    seconds = time.monotonic() - started
    relu = result.by_function()["relu"]
    assert relu.points == 0 and relu.status != "needs review", relu.first_message
    assert "time limit of 4 s" in relu.first_message, relu.first_message
    assert seconds < 60, f"took {seconds:.0f} s: the function's own 190 s wall clock ran"


SLEEPER_OUT_OF_ITS_SESSION = """
import ctypes, os, time

def relu(Z):
    try:
        ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)  # PR_SET_PDEATHSIG 0: no signal when its parent dies
        os.setsid()  # out of the job's session and process group
    except OSError:
        pass
    time.sleep(10_000)
"""


@pytest.mark.parametrize(
    "disabled", ["", "namespaces", "namespaces,cgroup"], ids=["all layers", "docker", "bare"]
)
def test_nothing_a_worker_starts_outlives_course_grade(disabled, submission_factory, tmp_path):
    """A worker clears its parent-death signal, leaves its session and sleeps: when `course
    grade` has exited, no process of it is left (with namespaces off, as in Docker without
    privileges, and with no writable cgroup tree either)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    folder = submission_factory({"relu": SLEEPER_OUT_OF_ITS_SESSION}, lessons=[LESSON])
    students = tmp_path / "class"
    students.mkdir()
    folder.rename(students / "mallory")
    before = own_processes()
    done = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", str(students), "--quiet"]
        + ["--out", str(tmp_path / "out" / "grades.csv"), "--timeout", "1", "--seed", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COURSE_SANDBOX_DISABLE": disabled},
        check=False,
    )
    left = stray_processes(before)
    for pid in left:  # leave nothing behind for the other tests, whatever the outcome
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    record(
        "attacks",
        f"a worker out of its session, after course grade ({disabled or 'all'})",
        not left,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert not left, f"processes left after course grade exited: {left}"


def _long_relu(seed: int, size: int = 1_900_000) -> str:
    """A relu of about 2 MB (just under the 2 MB of code the notebook reader takes from one
    notebook): distinct assignments, then the right answer."""
    import random

    rng = random.Random(seed)
    lines = ["def relu(Z):"]
    length = 0
    while length < size:
        lines.append(f"    v{len(lines)} = {rng.randrange(10**6)} * {rng.randrange(10**6)}")
        length += len(lines[-1]) + 1
    return "\n".join(lines) + "\n    return np.maximum(Z, 0)\n"


def test_two_colluding_two_megabyte_functions_do_not_stop_the_class_report(
    submission_factory, tmp_path
):
    """Two students hand in the same 2 MB function, one lightly edited: `course grade` still
    finishes and writes items.csv and report.html, and the pair is flagged. (The guard below
    is for a run that never ends; docs/class-grading.md states the bound.)"""
    import subprocess
    import sys

    from tests.conftest import ROOT

    original = _long_relu(1)
    edited = original.replace("v17 =", "w17 =").replace("v99 = ", "v99 = 1 + ")
    assert len(original) > 1_900_000
    students = tmp_path / "class"
    students.mkdir()
    for name, source in (("mallory", original), ("trudy", edited)):
        submission_factory({"relu": source}, lessons=[LESSON]).rename(students / name)
    out = tmp_path / "out"
    try:
        done = subprocess.run(
            [sys.executable, "-m", "autograder.cli", "grade", str(students), "--quiet"]
            + ["--out", str(out / "grades.csv"), "--seed", "3"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=400,
            check=False,
        )
    except subprocess.TimeoutExpired:
        done = None
    finished = (
        done is not None and (out / "report.html").is_file() and (out / "items.csv").is_file()
    )
    record("attacks", "two colluding 2 MB functions, then the class report", finished)
    assert done is not None, "course grade did not finish"
    assert done.returncode == 0, done.stderr[-2000:]
    assert finished, "items.csv or report.html was not written"
    page = (out / "report.html").read_text(encoding="utf-8")
    similar = page[page.index("Identical or near-identical") :]
    assert "<td>mallory</td><td>trudy</td>" in similar, similar[:2000]


def test_an_interrupt_while_the_data_is_read_is_an_interrupt_not_a_data_error(tmp_path):
    """Ctrl-C while pandas parses the data (its C parser turns the KeyboardInterrupt into
    "Error tokenizing data") ends `course train` with exit 130 and one line, never with
    "cannot be read as a CSV file ... Replace the file" and exit 2."""
    from tests.test_cli import assert_interrupted, interrupted_at

    out = tmp_path / "out"
    done = interrupted_at("reading-data", "train", "--no-progress", "--out", str(out))
    record("attacks", "Ctrl-C while the data is read", done.returncode == 130)
    assert_interrupted(done, out)


def test_an_interrupt_that_a_library_swallows_is_still_an_interrupt(monkeypatch, capsys, tmp_path):
    """pandas' C parser can turn a KeyboardInterrupt into "Error tokenizing data": a real SIGINT
    arrives while the data is read, the read ends in that ParserError, and the command still
    ends as an interrupt (130, one line), not as "cannot be read as a CSV file ... Replace the
    file" (exit 2)."""
    import pandas as pd

    from autograder import cli
    from tests.conftest import ROOT

    real_read_csv = pd.read_csv

    def swallowing_read_csv(*args, **kwargs):
        try:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, mid-read
            time.sleep(1)
        except KeyboardInterrupt:
            raise pd.errors.ParserError(
                "Error tokenizing data. C error: Calling read(nbytes) on source failed. "
                "Try engine='python'."
            ) from None
        return real_read_csv(*args, **kwargs)

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(pd, "read_csv", swallowing_read_csv)
    code = cli.main(["score", "data/sample/answer_key.csv"])
    err = capsys.readouterr().err
    record("attacks", "an interrupt pandas turns into a parser error", code == 130)
    assert code == 130, err
    assert err == "course: interrupted.\n", err
    # The command is over: its interrupt must not stop the next write in this process.
    from autograder import interrupts

    assert not interrupts.received()
    written = tmp_path / "after.txt"
    interrupts.write_text(written, "written")
    assert written.read_text() == "written"
