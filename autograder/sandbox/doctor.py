"""``course doctor``: which isolation layers are in force here, shown by trying them.

It prints one line per layer (``landlock: on (ABI 7)``, ``seccomp: on``, ...), then runs a
worker exactly as grading does and has it attempt what each layer must stop: reading the course
package, writing outside its scratch folder, starting a process, opening a socket, signalling
its parent. Every attempt must fail; the line says which layer stopped it.
"""

from __future__ import annotations

from autograder.sandbox.runner import Job, Limits, Sandbox

PROBE = """
def probe(closed_file, parent_pid):
    import os
    results = {}

    def attempt(name, action):
        try:
            action()
            results[name] = "allowed"
        except Exception as exc:
            results[name] = type(exc).__name__ + ": " + str(exc)[:120]

    attempt("read the course package", lambda: open(closed_file, "rb").read(1))
    attempt("write outside the scratch folder", lambda: open("/tmp/course-doctor-escape", "w").write("x"))
    attempt("start a process", lambda: os.fork() or os._exit(0))
    def connect():
        import socket
        socket.socket().connect(("127.0.0.1", 9))
    attempt("open a socket", connect)
    attempt("signal the grader", lambda: os.kill(parent_pid, 0))
    results["uid"] = str(os.getuid())
    return results
"""


def verify(sandbox: Sandbox | None = None) -> tuple[list[str], bool]:
    """Lines describing each attempt, and whether every one was refused."""
    import os

    from autograder import config

    box = sandbox or Sandbox.shared()
    closed_file = str(config.PACKAGE_DIR / "config.py")
    job = Job(
        function="probe",
        statements=[{"source": PROBE, "filename": "<doctor>", "line": 1, "names": ["probe"]}],
        cases=[("probe", (closed_file, os.getpid()), {})],
    )
    run = box.run(job, Limits(cpu_seconds=20), lambda *a: None)
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
        return [f"the probe worker did not run: {why}"], False
    lines = []
    contained = True
    for name, outcome in result.value.items():
        if name == "uid":
            lines.append(f"  worker ran as uid {outcome}")
            continue
        refused = outcome != "allowed"
        contained = contained and refused
        lines.append(
            f"  {'refused' if refused else 'ALLOWED'}: {name}"
            + (f" ({outcome})" if refused else "")
        )
    return lines, contained
