"""How heavy each install is: the learner's set against everything, in fresh virtual environments.

    python benchmarks/install_size.py [--keep DIR]

1. **The student release, light set.** ``course release`` writes the bundle; a fresh venv runs the
   bundle's own set-up command, ``python -m pip install -r requirements.txt``. Then, in that venv
   and bundle, ``course check`` grades a finished lesson 02 with the public checks, and
   ``check("relu")`` runs as a notebook kernel would run it; nbgrader, ruff and pyseccomp must be
   absent.
2. **Everything**, as the README's first command and CI install it: a copy of this working tree,
   ``python -m pip install -r requirements.txt`` in a fresh venv.

Each install runs with ``--no-cache-dir`` (nothing reused from earlier installs) and prints its
wall-clock seconds and the number of distributions installed (``pip list``, pip and setuptools
included). Both use the package index this machine is configured with.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ABSENT = ("nbgrader", "ruff", "pyseccomp")


def _run(command: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done


def install(folder: Path, venv: Path) -> tuple[float, list[str]]:
    """A fresh venv, then ``pip install -r requirements.txt`` in ``folder``: seconds and the
    distributions installed."""
    _run([sys.executable, "-m", "venv", str(venv)], folder)
    python = str(venv / "bin" / "python")
    started = time.perf_counter()
    _run([python, "-m", "pip", "install", "--no-cache-dir", "-q", "-r", "requirements.txt"], folder)
    seconds = time.perf_counter() - started
    listed = _run([python, "-m", "pip", "list", "--format=freeze"], folder).stdout.split()
    return seconds, listed


def learner_checks(bundle: Path, venv: Path) -> list[str]:
    """In the light venv: course check on a finished lesson, check() in a kernel's way."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_")}
    work = bundle / "finished"
    work.mkdir()
    shutil.copy(ROOT / "solutions" / "02_activations.ipynb", work / "02_activations.ipynb")
    done = _run(
        [str(venv / "bin" / "course"), "check", "finished/02_activations.ipynb"], bundle, env
    )
    assert "public checks" in done.stdout and "total: 7/7 points" in done.stdout, done.stdout
    code = (
        "import numpy as np\nfrom autograder import check, hint\n"
        "def relu(Z):\n    return np.maximum(Z, 0.0)\n"
        "print(float(check('relu')))\nprint(repr(hint('relu')).splitlines()[0])\n"
    )
    kernel = _run([str(venv / "bin" / "python"), "-c", code], bundle / "lessons", env)
    return [done.stdout.strip().splitlines()[-1], kernel.stdout.strip().replace("\n", " | ")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="build in DIR and keep it (default: a temp dir)")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="install-size-"))
    base.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} cores, Python {platform.python_version()}, in {base}")
    print(f"load average at the start: {os.getloadavg()[0]:.2f}")

    bundle = base / "student-release"
    _run([sys.executable, "-m", "autograder.cli", "release", str(bundle)], ROOT)
    seconds, listed = install(bundle, base / "venv-light")
    names = {line.split("==")[0].lower() for line in listed}
    present = [name for name in ABSENT if name in names]
    assert not present, f"the light set installed {present}"
    print(f"student release, light set: {len(listed)} distributions in {seconds:.1f} s")
    print(f"  absent: {', '.join(ABSENT)}")
    for line in learner_checks(bundle, base / "venv-light"):
        print(f"  {line}")

    tree = base / "course"
    ignore = shutil.ignore_patterns(".git", "out", "__pycache__", "*.egg-info", "data/full")
    shutil.copytree(ROOT, tree, ignore=ignore)
    seconds, listed = install(tree, base / "venv-full")
    print(f"everything (requirements.txt): {len(listed)} distributions in {seconds:.1f} s")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    if args.keep is None:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
