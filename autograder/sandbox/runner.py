"""The trusted side of the sandbox: prepare a job, run the supervisor, read back plain values."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autograder import codec
from autograder.notebooks import Definition

HERE = Path(__file__).resolve().parent
SUPERVISOR = HERE / "supervisor.py"


@dataclass
class Limits:
    wall_seconds: float = 20.0
    memory_mb: int = 2048
    output_kb: int = 256
    max_result_mb: int = 64

    def as_json(self) -> str:
        return json.dumps(
            {
                "wall_seconds": self.wall_seconds,
                "cpu_seconds": int(self.wall_seconds) + 1,
                "memory_bytes": self.memory_mb << 20,
                "file_bytes": (self.max_result_mb << 20) + (1 << 20),
                "output_bytes": self.output_kb << 10,
            }
        )


@dataclass
class CallResult:
    """What one call of the student's function gave back."""

    value: Any = None
    raised: codec.Raised | None = None
    args_after: tuple | None = None
    kwargs_after: dict | None = None
    seconds: float = 0.0


@dataclass
class WorkerRun:
    """How a worker ended and what it handed back."""

    defined: bool = False
    defined_kind: str | None = None
    load_problems: list[str] = field(default_factory=list)
    results: dict[str, CallResult] = field(default_factory=dict)
    fate: str | None = None  # why the run stopped early, in words a student can act on
    output: str = ""
    seconds: float = 0.0
    orphans_killed: int = 0


def run_function(
    *,
    statements: list[Definition],
    function: str,
    cases: list[tuple[str, tuple, dict]],
    deps_source: str = "",
    deps: list[str] | tuple[str, ...] = (),
    limits: Limits | None = None,
    audit_hook: bool = True,
) -> WorkerRun:
    """Run ``function`` from the student's ``statements`` on every case, in a fresh worker."""
    limits = limits or Limits()
    scratch = Path(tempfile.mkdtemp(prefix="course-worker-"))
    try:
        (scratch / "in").mkdir()
        (scratch / "out").mkdir()
        counter = iter(range(1 << 30))

        def put_input(array: np.ndarray) -> str:
            key = f"i{next(counter)}"
            (scratch / "in" / f"{key}.npy").write_bytes(codec.array_to_npy(array))
            return key

        encoded_cases = []
        need_pandas = False
        for name, args, kwargs in cases:
            encoded_args = codec.encode(tuple(args), put_input)
            encoded_kwargs = codec.encode(dict(kwargs), put_input)
            need_pandas = need_pandas or "dataframe" in json.dumps([encoded_args, encoded_kwargs])
            encoded_cases.append({"name": name, "args": encoded_args, "kwargs": encoded_kwargs})
        student_text = "\n".join(s.source for s in statements)
        need_pandas = need_pandas or "pandas" in student_text
        job = {
            "function": function,
            "statements": [
                {"source": s.source, "cell": s.cell, "line": s.line, "names": list(s.names)}
                for s in statements
            ],
            "deps_source": deps_source,
            "deps": list(deps),
            "cases": encoded_cases,
            "need_pandas": need_pandas,
            "max_result_bytes": limits.max_result_mb << 20,
            "audit_hook": audit_hook,
        }
        (scratch / "job.json").write_text(json.dumps(job), encoding="utf-8")
        os.chmod(scratch, 0o700)
        report = _supervise(scratch, limits)
        return _collect(scratch, cases, report, limits)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _supervise(scratch: Path, limits: Limits) -> dict:
    command = [sys.executable, "-I", str(SUPERVISOR), str(scratch), limits.as_json()]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=limits.wall_seconds + 15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return {"supervisor_failed": "the supervisor did not finish in time"}
    line = out.decode("utf-8", "replace").strip().splitlines()
    if process.returncode != 0 or not line:
        return {"supervisor_failed": err.decode("utf-8", "replace")[-2000:] or "no report"}
    try:
        return json.loads(line[-1])
    except json.JSONDecodeError:
        return {"supervisor_failed": "an unreadable report"}


def _collect(scratch: Path, cases: list, report: dict, limits: Limits) -> WorkerRun:
    run = WorkerRun(
        output=str(report.get("output", ""))[: limits.output_kb << 10],
        seconds=float(report.get("seconds", 0.0) or 0.0),
        orphans_killed=int(report.get("orphans_killed", 0) or 0),
    )
    if "supervisor_failed" in report:
        run.fate = (
            f"the grader could not run your code ({report['supervisor_failed'].strip()[:300]})"
        )
        return run
    out = scratch / "out"
    max_bytes = limits.max_result_mb << 20
    load = _read_json(out / "load.json", max_bytes)
    if isinstance(load, dict):
        run.defined = bool(load.get("defined"))
        run.defined_kind = str(load.get("kind"))[:100] if load.get("kind") else None
        problems = load.get("problems")
        if isinstance(problems, list):
            run.load_problems = [str(p)[:600] for p in problems[:20]]

    def get_array(key: str) -> np.ndarray:
        if not isinstance(key, str) or not key.replace("_", "").isalnum():
            raise codec.CodecError("malformed array name")
        path = out / f"{key}.npy"
        if not path.is_file() or path.stat().st_size > max_bytes + 4096:
            raise codec.CodecError(f"array {key} is missing or too large")
        return codec.npy_to_array(path.read_bytes(), max_bytes=max_bytes)

    for index, (name, _args, _kwargs) in enumerate(cases):
        payload = _read_json(out / f"case_{index:03d}.json", max_bytes)
        if not isinstance(payload, dict) or payload.get("name") != name:
            continue
        try:
            value = codec.decode(payload.get("result"), get_array)
            after = payload.get("after") or {}
            args_after = codec.decode(after.get("args"), get_array) if after.get("args") else None
            kwargs_after = (
                codec.decode(after.get("kwargs"), get_array) if after.get("kwargs") else None
            )
        except codec.CodecError as exc:
            run.results[name] = CallResult(
                raised=codec.Raised("InvalidResult", f"the result could not be read back: {exc}")
            )
            continue
        result = CallResult(
            args_after=args_after if isinstance(args_after, tuple) else None,
            kwargs_after=kwargs_after if isinstance(kwargs_after, dict) else None,
            seconds=float(payload.get("seconds", 0.0))
            if isinstance(payload.get("seconds"), (int, float))
            else 0.0,
        )
        if isinstance(value, codec.Raised):
            result.raised = value
        else:
            result.value = value
        run.results[name] = result

    run.fate = _fate(report, limits, finished=len(run.results) == len(cases) and load is not None)
    return run


def _fate(report: dict, limits: Limits, *, finished: bool) -> str | None:
    if report.get("timed_out"):
        return (
            f"it did not finish within the time limit of {limits.wall_seconds:g} s "
            "(an endless loop, or much slower than needed?)"
        )
    if report.get("flooded"):
        return f"it printed more than {limits.output_kb} KB, so it was stopped (remove the prints in loops)"
    sig = report.get("signal")
    if sig:
        name = _signal_name(sig)
        if sig == signal.SIGXCPU:
            return "it used more CPU time than allowed (an endless loop?)"
        if sig == signal.SIGXFSZ:
            return "it wrote more data than allowed"
        if sig == signal.SIGSEGV:
            return "it crashed the Python process (segmentation fault)"
        if sig in (signal.SIGKILL, signal.SIGABRT):
            return (
                f"the process was killed ({name}); the usual cause is running out of memory "
                f"(limit {limits.memory_mb} MB)"
            )
        return f"the process was killed by {name}"
    code = report.get("exit_code")
    if code not in (0, None):
        return (
            f"the process exited with code {code} before finishing "
            "(sys.exit, os._exit, or running out of memory?)"
        )
    if not finished:
        return "the process ended before returning every result (os._exit or exit()?)"
    return None


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _read_json(path: Path, max_bytes: int) -> Any:
    try:
        if not path.is_file() or path.stat().st_size > max_bytes:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
