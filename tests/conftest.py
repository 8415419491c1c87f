"""Shared fixtures: pinned data, submissions made from the solution notebooks, grading helpers."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
LESSONS = ROOT / "lessons"
SAMPLE = ROOT / "data" / "sample"

# Tests run on the embedded sample, whatever else sits in data/.
os.environ["COURSE_DATA"] = str(SAMPLE)
# One BLAS thread for the tests and the notebook kernels they start: on two cores, graders,
# kernels and BLAS threads would otherwise fight (tests pin the thread count where it matters).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.pop("COURSE_SOLUTIONS", None)


@pytest.fixture(scope="session")
def course():
    from autograder.config import load_course

    return load_course()


def check_results(notebook: nbformat.NotebookNode) -> list[tuple[str, str, str]]:
    """The ``check("name")`` cells of an executed notebook, in order: (function, the verdict
    its HTML shows, e.g. "passed" / "wrong" / "not-started", and its plain-text value, the
    number nbgrader reads). A cell that showed no verdict gives its printed text instead."""
    import re

    found = []
    for cell in notebook.cells:
        match = re.match(r'check\("(\w+)"\)', cell.source) if cell.cell_type == "code" else None
        if match is None:
            continue
        html = plain = printed = ""
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html += data.get("text/html", "")
            plain += data.get("text/plain", "")
            printed += output.get("text", "")
        verdict = re.search(r'data-verdict="([\w-]+)"', html)
        found.append((match[1], verdict[1] if verdict else printed, plain))
    return found


def notebook_for(function: str) -> str:
    from autograder.config import load_course

    course = load_course()
    return course.lesson(course.exercise(function).lesson).notebook


def replace_function(notebook: nbformat.NotebookNode, function: str, source: str) -> None:
    """Put ``source`` in place of the solution cell of ``function`` (found by grade_id)."""
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") == function and cell.cell_type == "code":
            cell.source = source.strip("\n")
            return
    raise KeyError(f"no solution cell for {function}")


def write_submission(
    folder: Path,
    *,
    replacements: dict[str, str] | None = None,
    lessons: list[str] | None = None,
    source: Path = SOLUTIONS,
) -> Path:
    """A submission folder: copies of notebooks from ``source`` with some functions replaced."""
    from autograder.config import load_course

    course = load_course()
    folder.mkdir(parents=True, exist_ok=True)
    replacements = replacements or {}
    for lesson in course.lessons:
        if lessons is not None and lesson.id not in lessons:
            continue
        nb = nbformat.read(source / lesson.notebook, as_version=4)
        for function, text in replacements.items():
            if course.exercise(function).lesson == lesson.id:
                replace_function(nb, function, text)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        nbformat.write(nb, folder / lesson.notebook)
    return folder


@pytest.fixture
def submission_factory(tmp_path):
    counter = iter(range(10_000))

    def make(
        replacements: dict[str, str] | None = None,
        lessons: list[str] | None = None,
        source: Path = SOLUTIONS,
    ) -> Path:
        return write_submission(
            tmp_path / f"sub{next(counter)}",
            replacements=replacements,
            lessons=lessons,
            source=source,
        )

    return make


def grade(
    path: Path,
    *,
    functions: list[str] | None = None,
    seed: int = 12345,
    use_reference: bool = True,
    timeout_seconds: float | None = None,
    casebook=None,
):
    """Grade a notebook or folder as `course check` does (``casebook``: cases drawn already,
    shared between gradings as `course grade` shares them across a class)."""
    from autograder.config import load_course
    from autograder.grading.engine.run import grade_submission
    from autograder.grading.engine.submissions import Submission

    course = load_course()
    submission = Submission.from_path(path, course)
    return grade_submission(
        submission,
        course=course,
        seed=seed,
        functions=functions,
        use_reference=use_reference,
        timeout_seconds=timeout_seconds,
        casebook=casebook,
    )


def _parents() -> dict[int, int]:
    """pid -> parent pid, for every live (not zombie) process."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = (Path("/proc") / entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: split after the last ')'.
        fields = stat[stat.rfind(")") + 2 :].split()
        if fields and fields[0] != "Z":
            parents[int(entry)] = int(fields[1])
    return parents


def own_processes() -> set[int]:
    """Every process below this test process: its own tree, never other jobs on the machine.

    This process is a child subreaper (see ``pytest_configure``), so a process that a grading
    run orphans (a double fork, ``setsid``) lands here too, instead of escaping to init.
    """
    parents = _parents()
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    found: set[int] = set()
    stack = [os.getpid()]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def stray_processes(before: set[int]) -> list[int]:
    """Processes that appeared below this test process since ``before``, other than the shared
    sandbox's zygote and reference server (which live as long as the test session)."""
    from autograder.grading.engine.reference_calls import ReferenceServer
    from autograder.sandbox.runner import Sandbox

    keep = set(before)
    for kind in (Sandbox, ReferenceServer):  # the shared ones live as long as the test session
        shared = kind._shared.get(kind)
        if shared is not None:
            keep.add(shared.process.pid)
    deadline = time.monotonic() + 2
    while True:  # a job's processes may take a moment to be reaped
        stray = sorted(own_processes() - keep)
        if not stray or time.monotonic() > deadline:
            return stray
        time.sleep(0.05)


def pytest_configure(config):
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


#: The test files that take minutes, longest first: they start first, so that the test
#: processes (``-n``, pytest-xdist, whole files each) end together instead of one waiting on a
#: long file taken last. Measured in `python -m pytest --durations=0` (benchmarks/RESULTS.md).
LONG_FILES = [
    "test_catalogue.py",
    "test_nbgrader.py",
    "test_attacks.py",
    "test_notebooks.py",
    "test_class_grading.py",
    "test_build.py",
    "test_shards.py",
    "test_cli.py",
]


def pytest_xdist_auto_num_workers(config):
    """``-n auto``: one test process per CPU this process may use, at most four (each one
    starts grading processes of its own)."""
    return max(1, min(4, len(os.sched_getaffinity(0))))


def pytest_collection_modifyitems(config, items):
    """Long files first (see LONG_FILES); the container tests build an image with every
    requirement (minutes) and need a Docker daemon: they run only when asked for by their
    marker (``-m container``)."""
    rank = {name: place for place, name in enumerate(LONG_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: file order kept
    if "container" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(
        reason="container tests run with `python -m pytest -m container`, after "
        "`bash scripts/container-setup.sh` (see docs/platforms.md)"
    )
    for item in items:
        if "container" in item.keywords:
            item.add_marker(skip)


def distinctive_solution_lines(min_characters: int = 16) -> set[str]:
    """Code lines of the solutions' ``### BEGIN/END SOLUTION`` regions that the lessons do not
    show anywhere (stripped, at least ``min_characters`` long): what must never reach a student."""
    shown = "\n".join(
        line.strip()
        for path in LESSONS.glob("*.ipynb")
        for cell in nbformat.read(path, as_version=4).cells
        for line in cell.source.splitlines()
    )
    lines = set()
    for path in SOLUTIONS.glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            inside = False
            for line in cell.source.splitlines():
                if "BEGIN SOLUTION" in line:
                    inside = True
                elif "END SOLUTION" in line:
                    inside = False
                elif (
                    inside
                    and len(line.strip()) >= min_characters
                    and not line.strip().startswith("#")
                ):
                    lines.add(line.strip())
    return {line for line in lines if line not in shown}


def copy_tree(source: Path, destination: Path) -> Path:
    shutil.copytree(source, destination)
    return destination


def pytest_sessionfinish(session):
    """In a parallel test process (pytest-xdist's worker), hand the scoreboard to the main one."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        from tests.scoreboard import export

        workeroutput["scoreboard"] = export()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The main process of a parallel run: add a finished worker's scoreboard to its own."""
    from tests.scoreboard import merge

    merge(getattr(node, "workeroutput", {}).get("scoreboard"))


def pytest_terminal_summary(terminalreporter):
    from tests.scoreboard import summary_lines

    lines = summary_lines()
    if lines:
        terminalreporter.section("autograder scoreboard")
        for line in lines:
            terminalreporter.write_line(line)
