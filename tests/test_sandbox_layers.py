"""Each confinement layer, alone, stops what it is there to stop; together they report themselves.

A sandbox is started with every layer but one left off (``Sandbox(disabled=...)``), and a worker
tries what that layer must refuse. Where this machine's kernel lacks a layer, its test skips and
says so; it never passes silently. ``course doctor`` and ``course grade --require-isolation`` are
tested at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.sandbox.layers import SWITCHABLE
from autograder.sandbox.runner import Job, Limits, Sandbox, default_closed_paths
from tests.conftest import ROOT, SOLUTIONS

ALL_ON = Sandbox  # the shared sandbox has every layer the kernel offers


def _only(layer: str) -> Sandbox:
    """A sandbox with one layer on (plus the limits, which are always on)."""
    return Sandbox(closed=default_closed_paths(), disabled=[x for x in SWITCHABLE if x != layer])


@pytest.fixture(scope="module")
def available():
    return Sandbox.shared().layers


def _attempt(box: Sandbox, body: str, *args, cpu_seconds: float = 10) -> str:
    """Run ``body`` (the body of a function of ``args``) in a worker; what it returned or raised."""
    names = ", ".join(f"a{i}" for i in range(len(args)))
    source = f"def attempt({names}):\n    import os\n" + "".join(
        f"    {line}\n" for line in body.strip().split("\n")
    )
    job = Job(
        function="attempt",
        statements=[
            {"source": source, "filename": "<layer test>", "line": 1, "names": ["attempt"]}
        ],
        cases=[("case", tuple(args), {})],
    )
    run = box.run(job, Limits(cpu_seconds=cpu_seconds), lambda *a: None)
    assert run.grader_error is None, run.grader_error
    got = run.results.get("case")
    if got is None:
        return f"stopped: {run.fate}"
    if got.raised is not None:
        return f"{got.raised.type}: {got.raised.message}"
    return f"returned {got.value!r}"


def _require(condition: bool, why: str) -> None:
    if not condition:
        pytest.skip(f"this kernel does not offer it: {why}")


def test_landlock_alone_closes_the_solutions_and_everything_outside_scratch(available, tmp_path):
    _require(available.landlock_abi > 0, available.landlock_why)
    box = _only("landlock")
    try:
        read = _attempt(box, "return open(a0).read()[:20]", str(SOLUTIONS / "02_activations.ipynb"))
        write = _attempt(box, "open(a0, 'w').write('x')\nreturn 'written'", str(tmp_path / "x"))
        listing = _attempt(box, "return os.listdir('/')")
        scratch = _attempt(box, "open('here', 'w').write('x')\nreturn open('here').read()")
    finally:
        box.stop()
    assert read.startswith("PermissionError"), read
    assert write.startswith("PermissionError") and not (tmp_path / "x").exists(), write
    assert listing.startswith("PermissionError"), listing
    assert scratch == "returned 'x'", scratch


def test_landlock_scopes_signals_to_the_worker(available):
    _require(available.landlock_abi >= 6, f"Landlock ABI {available.landlock_abi} < 6")
    box = _only("landlock")
    try:
        got = _attempt(box, "os.kill(a0, 0)\nreturn 'signalled'", os.getpid())
    finally:
        box.stop()
    assert got.startswith("PermissionError"), got


def test_seccomp_alone_stops_processes_sockets_and_device_nodes(available):
    _require(available.seccomp, available.seccomp_why)
    box = _only("seccomp")
    try:
        fork = _attempt(box, "pid = os.fork()\nif pid == 0:\n    os._exit(0)\nreturn 'forked'")
        socket = _attempt(box, "import socket\nsocket.socket()\nreturn 'socket'")
        fifo = _attempt(box, "os.mkfifo('fifo')\nreturn 'fifo'")
        signal = _attempt(box, "os.kill(a0, 0)\nreturn 'signalled'", os.getpid())
        thread = _attempt(
            box,
            "import threading\nt = threading.Thread(target=print)\nt.start()\nt.join()\nreturn 'thread'",
        )
    finally:
        box.stop()
    assert fork.startswith("PermissionError"), fork
    assert socket.startswith("PermissionError"), socket
    assert fifo.startswith("PermissionError"), fifo
    assert signal.startswith("PermissionError"), signal
    assert thread == "returned 'thread'", thread


def test_namespaces_alone_hide_other_processes_and_the_network(available):
    _require(available.namespaces, available.namespaces_why)
    box = _only("namespaces")
    try:
        me = _attempt(box, "return os.getpid()")
        grader = _attempt(box, "os.kill(a0, 0)\nreturn 'visible'", os.getpid())
        network = _attempt(
            box,
            "import socket\ns = socket.socket()\ns.settimeout(1)\ns.connect(('1.1.1.1', 53))\nreturn 'connected'",
        )
    finally:
        box.stop()
    assert me == "returned 1", me  # pid 1 of its own pid namespace
    assert grader.startswith("ProcessLookupError"), grader
    assert network.startswith("OSError") or "unreachable" in network, network


def test_the_unprivileged_user_alone_cannot_touch_roots_files(available, tmp_path):
    _require(available.drop_to_uid is not None, available.unprivileged_why or "not running as root")
    box = _only("user")
    try:
        uid = _attempt(box, "return os.getuid()")
        write = _attempt(box, "open(a0, 'w').write('x')\nreturn 'written'", str(tmp_path / "y"))
        signal = _attempt(box, "os.kill(a0, 0)\nreturn 'signalled'", os.getpid())
    finally:
        box.stop()
    assert uid == f"returned {available.drop_to_uid}", uid
    assert write.startswith("PermissionError") and not (tmp_path / "y").exists(), write
    assert signal.startswith("PermissionError"), signal


def test_seccomp_alone_keeps_a_worker_in_its_session_and_its_parent_death_signal(available):
    """The ways out of the job's process group and of its parent-death signal are refused."""
    _require(available.seccomp, available.seccomp_why)
    box = _only("seccomp")
    try:
        attempts = {
            "prctl(PR_SET_PDEATHSIG, 0)": _attempt(
                box,
                "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
                "if libc.prctl(1, 0, 0, 0, 0) != 0:\n"
                "    raise PermissionError(ctypes.get_errno(), 'refused')\nreturn 'cleared'",
            ),
            "setsid": _attempt(box, "os.setsid()\nreturn 'left the session'"),
            "setpgid": _attempt(box, "os.setpgid(0, 0)\nreturn 'left the group'"),
        }
    finally:
        box.stop()
    allowed = {name: got for name, got in attempts.items() if not got.startswith("PermissionError")}
    assert not allowed, allowed


def test_the_cgroup_alone_ends_what_a_worker_started_outside_its_session(available):
    """With every other layer off, a worker forks a child that leaves the session and clears
    its parent-death signal; the run's cgroup still ends it with the run."""
    from tests.conftest import own_processes, stray_processes

    _require(bool(available.cgroup), available.cgroup_why)
    box = _only("cgroup")
    before = own_processes()
    try:
        got = _attempt(
            box,
            "import ctypes, time\n"
            "if os.fork() == 0:\n"
            "    ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)\n"
            "    os.setsid()\n"
            "    time.sleep(1000)\n"
            "return 'forked'",
            # Without namespaces the child holds the worker's pipes open, so the job lasts its
            # whole wall clock (the cgroup ends the child with the run): keep that clock short.
            cpu_seconds=1,
        )
    finally:
        box.stop()
    left = stray_processes(before)
    assert got == "returned 'forked'", got
    assert left == [], left


def test_the_limits_alone_stop_a_memory_bomb():
    box = Sandbox(closed=default_closed_paths(), disabled=list(SWITCHABLE))
    try:
        got = _attempt(box, "hoard = []\nwhile True:\n    hoard.append(bytearray(1 << 26))")
    finally:
        box.stop()
    assert got.startswith(("MemoryError", "stopped")), got


def test_every_layer_the_kernel_offers_is_on_in_the_shared_sandbox(available):
    lines = available.lines()
    assert len(lines) == 6
    assert lines[4].startswith("limits: on")
    assert lines[5].startswith("cgroup: on" if available.cgroup else "cgroup: off")
    if available.landlock_abi:
        assert lines[0].startswith(f"landlock: on (ABI {available.landlock_abi}")
    if available.seccomp:
        assert lines[1] == "seccomp: on"


def _course(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_course_doctor_reports_each_layer_and_shows_it_holds(available):
    done = _course("doctor")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for prefix in ("landlock: ", "seccomp: ", "namespaces: ", "unprivileged user: ", "limits: on"):
        assert any(line.startswith(prefix) for line in lines), (prefix, done.stdout)
    if available.landlock_abi and available.seccomp:
        assert "ALLOWED" not in done.stdout, done.stdout
        # the course package, the reference, a write outside scratch, a process, a socket, a signal
        assert done.stdout.count("refused:") == 6, done.stdout
        assert "grading untrusted work: allowed" in done.stdout


def test_doctor_says_why_a_layer_is_off_and_that_grading_would_be_refused():
    done = _course("doctor", env={"COURSE_SANDBOX_DISABLE": "seccomp"})
    assert done.returncode == 1, done.stderr
    assert "seccomp: off (disabled by COURSE_SANDBOX_DISABLE)" in done.stdout
    assert "grading untrusted work: refused without seccomp" in done.stdout
    assert "internal error" not in done.stdout + done.stderr


def _class(tmp_path: Path) -> Path:
    folder = tmp_path / "class"
    (folder / "alice").mkdir(parents=True)
    shutil.copy(SOLUTIONS / "02_activations.ipynb", folder / "alice" / "02_activations.ipynb")
    return folder


def _grade(folder: Path, out: Path, *flags: str, env: dict) -> subprocess.CompletedProcess:
    return _course("grade", str(folder), "--out", str(out), "--quiet", *flags, env=env)


@pytest.mark.parametrize("layer", ["landlock", "seccomp"])
def test_course_grade_refuses_without_landlock_or_seccomp_by_default(tmp_path, layer):
    folder = _class(tmp_path)
    done = _grade(folder, tmp_path / "grades.csv", env={"COURSE_SANDBOX_DISABLE": layer})
    assert done.returncode == 2, (done.stdout, done.stderr)
    name = {"landlock": "Landlock", "seccomp": "seccomp"}[layer]
    assert f"refusing to grade untrusted work without {name} (disabled by" in done.stderr
    assert (
        "--allow-weak-isolation" in done.stderr and "COURSE_ALLOW_WEAK_ISOLATION=1" in done.stderr
    )
    assert not (tmp_path / "grades.csv").exists()


def test_an_accepted_risk_is_recorded_in_the_results_and_the_feedback(tmp_path):
    from autograder.grading.classes.archive import load_results

    folder = _class(tmp_path)
    out = tmp_path / "grades.csv"
    done = _grade(folder, out, "--allow-weak-isolation", env={"COURSE_SANDBOX_DISABLE": "seccomp"})
    assert done.returncode == 0, (done.stdout, done.stderr)
    note = "graded without seccomp (disabled by COURSE_SANDBOX_DISABLE)"
    assert f"isolation: {note}" in done.stdout
    assert f"warning: {note}" in done.stderr
    feedback = (tmp_path / "feedback" / "alice.md").read_text()
    assert "**Isolation:** graded without seccomp" in feedback
    assert "graded without seccomp" in (tmp_path / "feedback" / "alice.html").read_text()
    kept = load_results(out, {"alice": "alice"})["alice"]
    assert kept.isolation.startswith(note) and kept.points == 7


def test_the_opt_out_variable_must_say_on_or_off(tmp_path):
    """COURSE_ALLOW_WEAK_ISOLATION=1 is tested with run_autograder and nbgrader; a value that is
    neither on nor off is refused, never taken as consent."""
    wrong = _grade(
        _class(tmp_path),
        tmp_path / "grades.csv",
        env={"COURSE_SANDBOX_DISABLE": "landlock", "COURSE_ALLOW_WEAK_ISOLATION": "maybe"},
    )
    assert wrong.returncode == 2 and "COURSE_ALLOW_WEAK_ISOLATION='maybe'" in wrong.stderr
    assert not (tmp_path / "grades.csv").exists()


def test_a_learner_checking_their_own_notebook_is_not_refused(tmp_path):
    notebook = _class(tmp_path) / "alice" / "02_activations.ipynb"
    done = _course("check", str(notebook), env={"COURSE_SANDBOX_DISABLE": "landlock,seccomp"})
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert "7/7" in done.stdout.replace(" ", "") or "7 / 7" in done.stdout, done.stdout


def _without_capabilities(*args: str) -> subprocess.CompletedProcess:
    """A course command as root with no capability at all, as in a container started with
    ``--cap-drop ALL`` (an empty bounding set: root keeps uid 0 and nothing else)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and util-linux's setpriv to drop every capability")
    return subprocess.run(
        ["setpriv", "--bounding-set=-all", "--inh-caps=-all", sys.executable, "-m"]
        + ["autograder.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_doctor_as_root_without_capabilities_reports_instead_of_crashing(available):
    _require(available.landlock_abi > 0 and available.seccomp, "Landlock and seccomp")
    done = _without_capabilities("doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "unprivileged user: off (root may not give files away here" in done.stdout
    assert "worker ran as uid 0" in done.stdout
    assert "ALLOWED" not in done.stdout and "internal error" not in done.stderr


def test_grading_as_root_without_capabilities_is_confined_by_landlock_and_seccomp(
    available, tmp_path
):
    _require(available.landlock_abi > 0 and available.seccomp, "Landlock and seccomp")
    notebook = _class(tmp_path) / "alice" / "02_activations.ipynb"
    done = _without_capabilities("check", str(notebook))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "7/7" in done.stdout.replace(" ", ""), done.stdout


@pytest.mark.parametrize(
    "number, cpu_used, stopped_by_the_limit",
    [
        ("SIGKILL", 6.0, True),  # the hard limit, one second past the soft one
        ("SIGKILL", 4.81, True),  # the same, on a busy machine (the kernel counts by ticks)
        ("SIGXCPU", 5.0, True),
        ("SIGKILL", 0.2, False),  # killed early: not the CPU limit
        ("SIGSEGV", 6.0, False),
    ],
)
def test_a_worker_killed_at_its_cpu_limit_is_told_so(number, cpu_used, stopped_by_the_limit):
    """The kernel enforces RLIMIT_CPU on tick-sampled CPU time, while wait4 reports the exact
    run time: beside a CPU-bound process an endless loop was killed at the 6 s hard limit with
    4.81 s counted, and was told it had run out of memory. Half the limit is enough now."""
    import signal

    from autograder.sandbox.zygote import ended_at_cpu_limit

    assert ended_at_cpu_limit(getattr(signal, number), cpu_used, 5.0) is stopped_by_the_limit
