"""The Gradescope autograder in a real Docker daemon, in the settings platforms run it.

The image is built as Gradescope builds one: the zip written by `course gradescope`, unzipped
into /autograder/source, its own setup.sh run there as root (``tests/container/Dockerfile``, on
a Debian base image made with debootstrap by ``scripts/container-setup.sh``). Each test runs
``run_autograder`` with ``--network none`` on a submission whose ``relu`` attacks: it tries to
write outside its scratch folder and to read the reference, and reports what happened in the
exception it raises (which the feedback shows). Every other function is the reference's, so the
score says that everything else was graded right.

Marked ``container``: they run with ``python -m pytest -m container`` after
``bash scripts/container-setup.sh``, and skip with the reason when no Docker daemon answers.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, distinctive_solution_lines, write_submission

pytestmark = pytest.mark.container

BASE_IMAGE = os.environ.get("COURSE_BASE_IMAGE", "course-base:bookworm")
IMAGE = "course-gradescope-test"
DOCKERFILE = ROOT / "tests" / "container" / "Dockerfile"
LESSONS = ["01_data", "02_activations", "03_forward", "04_backprop"]
FULL_MARKS = 37  # lessons 01-04: 9 + 7 + 10 + 11 points
RELU_POINTS = 2
REFERENCE = "/autograder/source/solutions/02_activations.ipynb"
OUTSIDE = ["/autograder/results/escaped.txt", "/autograder/escaped.txt", "/tmp/escaped.txt"]

ATTACK = f"""
def relu(Z):
    import os
    notes = []
    for path in {OUTSIDE!r}:
        try:
            with open(path, "w") as handle:
                handle.write("escaped")
            notes.append("WROTE " + path)
        except Exception as exc:
            notes.append("write refused: " + type(exc).__name__)
    try:
        with open({REFERENCE!r}) as handle:
            notes.append("READ " + handle.read(200))
    except Exception as exc:
        notes.append("read refused: " + type(exc).__name__)
    raise RuntimeError(" | ".join(notes))
"""

#: A seccomp profile without the Landlock system calls: they fail with EPERM, as under a profile
#: that does not list them. New namespaces are refused too, as Docker's default profile refuses
#: them without CAP_SYS_ADMIN; everything else is allowed, so what is missing is Landlock.
NO_LANDLOCK_PROFILE = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [
        {
            "names": [
                "landlock_create_ruleset",
                "landlock_add_rule",
                "landlock_restrict_self",
                "unshare",
                "setns",
            ],
            "action": "SCMP_ACT_ERRNO",
            "errnoRet": 1,
        }
    ],
}

#: Docker's own flags for each setting named in docs/isolation.md.
ROOT_DEFAULT: list[str] = []
USER_NO_CAPS = ["--user", "1000:1000", "--cap-drop", "ALL"]
ROOT_NO_CAPS = ["--cap-drop", "ALL"]


def _docker(*args: str, timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout, check=False, **kwargs
    )


def _daemon_problem() -> str:
    """Why the container tests cannot run here ("" when they can)."""
    if shutil.which("docker") is None:
        return "no docker command; run `bash scripts/container-setup.sh` (as root) first"
    try:
        info = _docker("info", "--format", "{{.ServerVersion}}", timeout=30)
    except subprocess.TimeoutExpired:
        return "the Docker daemon did not answer within 30 s"
    if info.returncode != 0:
        return (
            "no Docker daemon answers ("
            + (info.stderr.strip().splitlines() or ["no message"])[-1][:200]
            + "); run `bash scripts/container-setup.sh` (as root) first"
        )
    if _docker("image", "inspect", BASE_IMAGE, timeout=60).returncode != 0:
        return f"the base image {BASE_IMAGE} is missing; run `bash scripts/container-setup.sh`"
    return ""


def _host_certificates() -> Path:
    """The host's certificate bundle, for pip inside the build (a registry behind a TLS proxy)."""
    for candidate in (
        os.environ.get("PIP_CERT"),
        os.environ.get("SSL_CERT_FILE"),
        "/etc/ssl/certs/ca-certificates.crt",
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    pytest.skip("no certificate bundle on this machine for pip inside the image build")


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> str:
    """The Gradescope image of lessons 01-04, built with the zip's own setup.sh."""
    problem = _daemon_problem()
    if problem:
        pytest.skip(problem)
    from autograder.grading.platforms.gradescope import build_autograder

    context = tmp_path_factory.mktemp("gradescope-image")
    archive = context / "autograder.zip"
    build_autograder(archive, lessons=LESSONS)
    with zipfile.ZipFile(archive) as handle:
        handle.extractall(context / "source")
    shutil.copy(_host_certificates(), context / "host-ca.crt")
    shutil.copy(DOCKERFILE, context / "Dockerfile")
    tag = f"{IMAGE}:{hashlib.sha256(archive.read_bytes()).hexdigest()[:12]}"
    built = _docker(
        "build",
        "--network",
        "host",  # the build reaches the package registries as the host does
        "--build-arg",
        f"BASE={BASE_IMAGE}",
        "-t",
        tag,
        str(context),
        timeout=1800,
        env={**os.environ, "DOCKER_BUILDKIT": "0"},
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return tag


@pytest.fixture(scope="module")
def submission(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("container-submission") / "submission"
    write_submission(folder, lessons=LESSONS, replacements={"relu": ATTACK})
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return folder


@dataclass
class Run:
    done: subprocess.CompletedProcess
    results_dir: Path

    @property
    def results(self) -> dict | None:
        path = self.results_dir / "results.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    @property
    def log(self) -> str:
        return self.done.stdout[-4000:] + self.done.stderr[-4000:]


def run_autograder(
    image: str, submission: Path, tmp_path: Path, flags: list[str], env: dict | None = None
) -> Run:
    """``run_autograder`` in a fresh container with ``--network none`` and ``flags``."""
    results_dir = tmp_path / "results"
    results_dir.mkdir()
    uid = int(flags[flags.index("--user") + 1].split(":")[0]) if "--user" in flags else 0
    os.chown(results_dir, uid, uid)  # writable by the grading user only
    results_dir.chmod(0o755)
    environment = [f"--env={key}={value}" for key, value in (env or {}).items()]
    done = _docker(
        "run",
        "--rm",
        "--network",
        "none",
        *flags,
        *environment,
        "-v",
        f"{submission}:/autograder/submission:ro",
        "-v",
        f"{results_dir}:/autograder/results",
        image,
        "/autograder/run_autograder",
        timeout=900,
    )
    return Run(done, results_dir)


def doctor(image: str, flags: list[str]) -> subprocess.CompletedProcess:
    return _docker(
        "run",
        "--rm",
        "--network",
        "none",
        *flags,
        "-w",
        "/autograder/source",
        image,
        "/autograder/venv/bin/course",
        "doctor",
        timeout=300,
    )


def relu_output(results: dict) -> str:
    tests = {t["name"]: t for t in results["tests"]}
    return tests["02_activations · relu"]["output"]


def assert_graded_and_contained(run: Run) -> dict:
    """The submission got every point but relu's; relu's attempts were all refused."""
    assert run.done.returncode == 0, run.log
    results = run.results
    assert results is not None, run.log
    assert results["score"] == FULL_MARKS - RELU_POINTS, json.dumps(results, indent=1)[:3000]
    attempts = relu_output(results).splitlines()[0]  # the summary line: one case's message
    assert attempts.count("write refused: PermissionError") == len(OUTSIDE), attempts
    assert "read refused: PermissionError" in attempts, attempts
    assert "WROTE" not in relu_output(results) and "READ" not in relu_output(results)
    assert not (run.results_dir / "escaped.txt").exists()
    shown = "\n".join([results["output"], *(t["output"] for t in results["tests"])])
    assert not [line for line in distinctive_solution_lines() if line in shown]
    assert "Graded with hidden checks" in results["output"]
    return results


def test_as_root_under_dockers_default_profile(image, submission, tmp_path):
    run = run_autograder(image, submission, tmp_path, ROOT_DEFAULT)
    assert_graded_and_contained(run)
    assert "isolation: landlock: on" in run.done.stdout and "seccomp: on" in run.done.stdout


def test_as_uid_1000_with_every_capability_dropped(image, submission, tmp_path):
    """setup.sh leaves the reference readable by whichever user grades; no worker reads it."""
    run = run_autograder(image, submission, tmp_path, USER_NO_CAPS)
    assert_graded_and_contained(run)
    assert "unprivileged user: on (runs as uid 1000, not root)" in run.done.stdout


def test_as_root_with_every_capability_dropped(image, submission, tmp_path):
    """Root that cannot change its user: the worker stays uid 0 without capabilities, and
    Landlock and seccomp alone keep it from the reference and from writing outside scratch."""
    run = run_autograder(image, submission, tmp_path, ROOT_NO_CAPS)
    assert_graded_and_contained(run)
    assert "unprivileged user: off (root may not" in run.done.stdout


def test_without_landlock_the_run_is_refused_and_fails(image, submission, tmp_path):
    profile = tmp_path / "no-landlock.json"
    profile.write_text(json.dumps(NO_LANDLOCK_PROFILE))
    run = run_autograder(image, submission, tmp_path, ["--security-opt", f"seccomp={profile}"])
    assert run.done.returncode == 2, run.log
    assert run.results is None, run.results  # Gradescope shows a failed run, not a score
    assert "NOT GRADED: refusing to grade untrusted work without Landlock" in run.done.stdout
    assert "Graded with the public checks" not in run.done.stdout


def test_without_landlock_an_instructor_may_accept_the_risk_and_it_is_recorded(
    image, submission, tmp_path
):
    profile = tmp_path / "no-landlock.json"
    profile.write_text(json.dumps(NO_LANDLOCK_PROFILE))
    run = run_autograder(
        image,
        submission,
        tmp_path,
        ["--security-opt", f"seccomp={profile}"],
        env={"COURSE_ALLOW_WEAK_ISOLATION": "1"},
    )
    assert run.done.returncode == 0, run.log
    results = run.results
    assert results is not None, run.log
    assert results["score"] == FULL_MARKS - RELU_POINTS
    assert "Isolation: graded without Landlock" in results["output"]
    assert results["extra_data"]["isolation"].startswith("graded without Landlock")
    # Root closed the reference to other users, so the worker (nobody) still cannot read it.
    assert "read refused: PermissionError" in relu_output(results)


@pytest.mark.parametrize(
    ("flags", "expected_exit", "expected"),
    [
        (ROOT_DEFAULT, 0, "grading untrusted work: allowed"),
        (USER_NO_CAPS, 0, "unprivileged user: on (runs as uid 1000"),
        (ROOT_NO_CAPS, 0, "unprivileged user: off (root may not"),
    ],
    ids=["root-default-profile", "uid-1000-no-capabilities", "root-no-capabilities"],
)
def test_course_doctor_reports_and_never_crashes(image, flags, expected_exit, expected):
    done = doctor(image, flags)
    assert done.returncode == expected_exit, done.stdout + done.stderr
    assert expected in done.stdout, done.stdout
    assert "internal error" not in done.stdout + done.stderr
    assert "ALLOWED" not in done.stdout, done.stdout


def test_course_doctor_without_landlock_says_grading_is_refused(image, tmp_path):
    profile = tmp_path / "no-landlock.json"
    profile.write_text(json.dumps(NO_LANDLOCK_PROFILE))
    done = doctor(image, ["--security-opt", f"seccomp={profile}"])
    assert done.returncode == 1, done.stdout + done.stderr
    assert "landlock: off" in done.stdout
    assert "grading untrusted work: refused without Landlock" in done.stdout
