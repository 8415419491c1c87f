"""Which isolation layers are in force here, and the one rule for grading untrusted work.

``require_isolation`` is that rule, and every entry point that grades someone else's code calls
it (``course grade`` and its grading processes, Gradescope's ``run_autograder``, nbgrader's
``HiddenChecks``): untrusted work is graded only where Landlock and seccomp are both in force.
Otherwise it refuses (``IsolationRefused``: a clear message, a non-zero exit), unless an
instructor who accepts the risk says so with ``--allow-weak-isolation`` or
``COURSE_ALLOW_WEAK_ISOLATION=1`` (one name everywhere); the run then goes on, and
``Isolation.note`` says what was missing, for the results and the feedback. ``course check`` on a
learner's own work does not call it: that code is their own.

``course doctor`` prints one line per layer (``landlock: on (ABI 7)``, ``seccomp: on``, ...),
the verdict of the same rule, then runs a worker exactly as grading does and has it attempt what
the layers must stop: reading the course package and the reference, writing outside its scratch
folder, starting a process, opening a socket, signalling the grader. It never fails with a
traceback: what it could not do (start the sandbox, run the probe) is a line of its report.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from autograder import environment
from autograder.errors import UserError

if TYPE_CHECKING:  # the sandbox (and NumPy with it) loads only when a rule is applied
    from autograder.sandbox.layers import Layers
    from autograder.sandbox.runner import Sandbox

#: The opt-out, as a command-line flag and as an environment variable: the same name.
ALLOW_FLAG = "--allow-weak-isolation"
ALLOW_VARIABLE = environment.COURSE_ALLOW_WEAK_ISOLATION
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class IsolationRefused(UserError):
    """Untrusted work would be graded without Landlock or seccomp, and nobody accepted that."""


def allowed_by_environment() -> bool:
    """Whether ``COURSE_ALLOW_WEAK_ISOLATION`` accepts grading without the required layers."""
    value = environment.current().allow_weak_isolation
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise UserError(
        f"{ALLOW_VARIABLE}={value[:40]!r} is neither on nor off; set it to 1 to grade without "
        "Landlock or seccomp (accepting the risk), or unset it."
    )


@dataclass(frozen=True)
class Isolation:
    """What grading untrusted work found here: the layers, what the rule misses, the opt-out."""

    layers: Layers
    missing: list[str] = field(default_factory=list)
    accepted_risk: bool = False

    @property
    def note(self) -> str:
        """What the results and the feedback record: "" when every required layer held."""
        if not self.missing:
            return ""
        return (
            f"graded without {' and '.join(self.missing)}: student code ran with weaker "
            f"confinement, a risk the instructor accepted ({ALLOW_FLAG} / {ALLOW_VARIABLE})"
        )


def assess(layers: Layers, *, allow: bool = False) -> Isolation:
    """The rule, on layers already known: refuse unless Landlock and seccomp hold, or ``allow``."""
    missing = layers.required_missing
    if missing and not allow:
        raise IsolationRefused(
            "refusing to grade untrusted work without "
            + " and ".join(missing)
            + ". Grade on a Linux machine (or container) that offers both: `course doctor` "
            f"shows which layers hold and why one is off. To grade anyway, accepting that "
            f"student code runs with weaker confinement, pass {ALLOW_FLAG} or set "
            f"{ALLOW_VARIABLE}=1; the results and every student's feedback will say so."
        )
    return Isolation(layers=layers, missing=list(missing), accepted_risk=bool(missing))


def require_isolation(sandbox: Sandbox | None = None, *, allow: bool | None = None) -> Isolation:
    """The rule for every entry point that grades untrusted work (see the module).

    ``allow``: the caller's own opt-out (a flag, a setting); the environment variable also
    counts. Raises ``IsolationRefused`` (a ``UserError``: exit 2) when the sandbox cannot start
    or the required layers are missing and nobody accepted the risk.
    """
    from autograder.sandbox.runner import Sandbox, SandboxError

    allowed = bool(allow) or allowed_by_environment()
    try:
        box = sandbox or Sandbox.shared()
    except SandboxError as exc:
        raise IsolationRefused(f"refusing to grade: {exc}") from None
    return assess(box.layers, allow=allowed)


# -- course doctor --------------------------------------------------------------------------------

PROBE = """
def probe(closed_file, reference_file, parent_pid):
    import os
    results = {}

    def attempt(name, action):
        try:
            action()
            results[name] = "allowed"
        except Exception as exc:
            results[name] = type(exc).__name__ + ": " + str(exc)[:120]

    attempt("read the course package", lambda: open(closed_file, "rb").read(1))
    if reference_file:
        attempt("read the reference", lambda: open(reference_file, "rb").read(1))
    attempt("write outside the scratch folder", lambda: open("/tmp/course-doctor-escape", "w").write("x"))
    attempt("start a process", lambda: os.fork() or os._exit(0))
    def connect():
        import socket
        socket.socket().connect(("127.0.0.1", 9))
    attempt("open a socket", connect)
    def signal():
        if os.getpid() == parent_pid:  # the grader is pid 1 of a container, and so is the worker
            raise ProcessLookupError("the grader is not visible: that pid is the worker's own")
        os.kill(parent_pid, 0)
    attempt("signal the grader", signal)
    try:
        os.stat(closed_file)
        results["stat"] = "allowed"
    except Exception as exc:
        results["stat"] = type(exc).__name__
    results["uid"] = str(os.getuid())
    return results
"""


def _reference_file() -> str:
    """A solution notebook, when this machine has them (the probe tries to read it)."""
    from autograder.reference import solutions_dir

    try:
        found = sorted(solutions_dir().glob("*.ipynb"))
    except OSError:
        return ""
    return str(found[0]) if found else ""


def verify(sandbox: Sandbox | None = None) -> tuple[list[str], bool]:
    """Lines describing each attempt, and whether every one was refused. Never raises: a probe
    that could not run is a line saying why, and counts as not contained."""
    from autograder import config
    from autograder.sandbox.runner import Job, Limits, Sandbox, SandboxError

    try:
        box = sandbox or Sandbox.shared()
        job = Job(
            function="probe",
            statements=[{"source": PROBE, "filename": "<doctor>", "line": 1, "names": ["probe"]}],
            cases=[
                (
                    "probe",
                    (str(config.PACKAGE_DIR / "config.py"), _reference_file(), os.getpid()),
                    {},
                )
            ],
        )
        run = box.run(job, Limits(cpu_seconds=20), lambda *a: None)
    except (SandboxError, OSError) as exc:
        return [f"  the probe worker could not be started: {type(exc).__name__}: {exc}"], False
    result = run.results.get("probe")
    if (
        run.grader_error
        or result is None
        or result.raised is not None
        or not isinstance(result.value, dict)
    ):
        why = (
            run.grader_error
            or run.fate
            or (result.raised.message if result and result.raised else "no result")
        )
        return [f"  the probe worker did not run: {why}"], False
    lines = []
    contained = True
    for name, outcome in result.value.items():
        if name == "uid":
            lines.append(f"  worker ran as uid {outcome}")
        elif name == "stat":
            lines.append(
                "  not covered: learning whether a path exists, its size and times (stat); "
                + (
                    "Landlock does not cover it"
                    if outcome == "allowed"
                    else f"refused here ({outcome})"
                )
            )
        else:
            refused = outcome != "allowed"
            contained = contained and refused
            lines.append(
                f"  {'refused' if refused else 'ALLOWED'}: {name}"
                + (f" ({outcome})" if refused else "")
            )
    return lines, contained


@dataclass
class Report:
    """What ``course doctor`` found: its lines, and whether untrusted work may be graded here."""

    lines: list[str]
    may_grade: bool


def report() -> Report:
    """The layers, the rule's verdict, and a worker trying what the layers must stop."""
    from autograder.sandbox.runner import Sandbox, SandboxError

    try:
        box = Sandbox.shared()
    except SandboxError as exc:
        return Report(
            [f"the sandbox could not be started: {exc}", "grading untrusted work: refused"], False
        )
    lines = list(box.layers.lines())
    try:
        assess(box.layers)
        verdict = "grading untrusted work: allowed (Landlock and seccomp are on)"
        may_grade = True
    except IsolationRefused:
        verdict = (
            "grading untrusted work: refused without "
            + " and ".join(box.layers.required_missing)
            + f" (unless {ALLOW_FLAG} / {ALLOW_VARIABLE}=1)"
        )
        may_grade = False
    lines.append(verdict)
    lines.append("a worker tried what the layers must stop:")
    tried, contained = verify(box)
    lines.extend(tried)
    if not contained:
        lines.append(
            "warning: a worker could do something it should not, or the probe could not run; "
            "do not grade untrusted work here"
        )
    return Report(lines, may_grade and contained)
