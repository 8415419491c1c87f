"""Attacks on the grader, each dropped into an otherwise correct submission.

The outcome each time: the attacked exercise scores 0 (or what its code honestly earns), every
other exercise is graded, the grader does not crash, nothing is left running, and it all ends in
bounded time.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import grade, worker_processes
from tests.scoreboard import record

SOLUTION_PATH = "solutions/02_activations.ipynb"
LESSON = "02_activations"
OTHERS = ()  # TEMP
ATTACK_TIMEOUT = 5  # seconds per exercise; course.yml's own limits are longer
BOUND_SECONDS = 60

ATTACKS: dict[str, str] = {
    "monkeypatch numpy inside the function": """
def relu(Z):
    np.maximum = lambda a, b: a
    np.allclose = lambda *args, **kwargs: True
    np.isclose = lambda a, b, **kwargs: np.ones(np.shape(a), dtype=bool)
    return Z
""",
    "monkeypatch numpy and builtins while defining": """
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
    "forked orphans": """
import os

def relu(Z):
    for _ in range(3):
        if os.fork() == 0:
            import time
            time.sleep(10_000)
    return np.maximum(Z, 0)
""",
    "a setsid orphan through subprocess": """
import subprocess

def relu(Z):
    subprocess.Popen(["sleep", "10000"], start_new_session=True)
    return np.maximum(Z, 0)
""",
    "writing a grades file": """
def relu(Z):
    for path in ("/tmp/grades.csv", "../grades.csv", "/work/grades.csv"):
        with open(path, "w") as handle:
            handle.write("student,total\\nme,100\\n")
    return Z
""",
    "forging the worker's result files": """
import json, os

def relu(Z):
    for i in range(10):
        with open(f"out/case_{i:03d}.json", "w") as handle:
            json.dump({"name": "random", "result": {"str": "perfect"}, "after": {}}, handle)
    os._exit(0)
""",
    "crafted .npy results: pickled objects": """
import json, os, pickle

def relu(Z):
    payload = pickle.dumps(object())
    header = "{'descr': '|O', 'fortran_order': False, 'shape': (6, 5), }".ljust(117) + "\\n"
    with open("out/c0_0.npy", "wb") as handle:
        handle.write(b"\\x93NUMPY\\x01\\x00" + len(header).to_bytes(2, "little") + header.encode() + payload)
    cases = json.load(open("job.json"))["cases"]
    for i, case in enumerate(cases):
        with open(f"out/case_{i:03d}.json", "w") as handle:
            json.dump({"name": case["name"], "result": {"ndarray": "c0_0"}, "after": {}}, handle)
    os._exit(0)
""",
    "crafted .npy results: a header claiming a huge shape": """
import json, os

def relu(Z):
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000, 100000), }".ljust(117) + "\\n"
    with open("out/c0_0.npy", "wb") as handle:
        handle.write(b"\\x93NUMPY\\x01\\x00" + len(header).to_bytes(2, "little") + header.encode() + b"\\0" * 64)
    cases = json.load(open("job.json"))["cases"]
    for i, case in enumerate(cases):
        with open(f"out/case_{i:03d}.json", "w") as handle:
            json.dump({"name": case["name"], "result": {"ndarray": "c0_0"}, "after": {}}, handle)
    os._exit(0)
""",
    "reading the reference solutions": """
import glob, os

def relu(Z):
    for root in ("/work", os.path.expanduser("~"), "/"):
        for path in glob.glob(root + "/**/solutions/02_activations.ipynb", recursive=True):
            text = open(path).read()
    return Z
""",
    "importing the reference and the checks": """
def relu(Z):
    from autograder.reference import load_reference
    return load_reference().namespace.relu(Z)
""",
    "reading the checks' source": """
import numpy, os

def relu(Z):
    root = os.path.dirname(os.path.dirname(numpy.__file__))
    for name in os.listdir(root):
        if "autograder" in name or "course" in name:
            open(os.path.join(root, name)).read()
    return Z
""",
    "a network call": """
def relu(Z):
    import urllib.request
    urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)
    return np.maximum(Z, 0)
""",
    "a raw socket": """
import socket

def relu(Z):
    socket.create_connection(("127.0.0.1", 9), timeout=1)
    return np.maximum(Z, 0)
""",
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_is_contained(name, submission_factory):
    folder = submission_factory({"relu": ATTACKS[name]}, lessons=[LESSON])
    before = set(worker_processes())
    started = time.monotonic()
    result = grade(folder / "02_activations.ipynb", seed=7, timeout_seconds=ATTACK_TIMEOUT)
    seconds = time.monotonic() - started
    time.sleep(0.2)
    leftover = sorted(set(worker_processes()) - before)
    points = {f.function: f for f in result.functions}
    problems = []
    if points["relu"].points != 0:
        problems.append(f"relu earned {points['relu'].points}")
    for other in OTHERS:
        if points[other].points != points[other].max_points:
            problems.append(f"{other} lost points: {points[other].first_message}")
    if leftover:
        problems.append(f"processes left running: {leftover}")
    if seconds > BOUND_SECONDS:
        problems.append(f"took {seconds:.0f} s")
    if name == "writing a grades file" and any(
        Path(p).exists() for p in ("/tmp/grades.csv", "/work/grades.csv")
    ):
        problems.append("a grades file was written")
    errors = [c.message for f in result.functions for c in f.checks if c.status == "error"]
    if errors:
        problems.append(f"a check errored: {errors[0]}")
    record("attacks", name, not problems, "; ".join(problems))
    assert not problems, problems
    assert points["relu"].first_message, "the attacked function should get feedback"


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
        "ANSWERS = " + repr({k: v for k, v in answers.items()}) + "\n\n"
        "def relu(Z):\n"
        "    return np.array(ANSWERS[tuple(np.asarray(Z).ravel().round(6).tolist())], dtype=Z.dtype)\n"
    )
    folder = submission_factory({"relu": source}, lessons=[LESSON])
    result = grade(folder / "02_activations.ipynb", seed=11)
    relu = {f.function: f for f in result.functions}["relu"]
    record("attacks", "answers hard-coded from the public cases", relu.points == 0)
    assert relu.points == 0
    public_result = grade(folder / "02_activations.ipynb", use_reference=False)
    assert {f.function: f for f in public_result.functions}["relu"].points == relu.max_points
