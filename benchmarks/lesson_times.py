"""How long each lesson takes to run top to bottom, as a learner runs it.

    python benchmarks/lesson_times.py [--data DIR] [--which finished|unfinished|both]
                                      [--lesson 05_gradient_descent] [--cells N]

Each notebook is copied, with the other lessons beside it, into a folder of its own and executed
top to bottom in a fresh Jupyter kernel (nbclient, as "Restart and run all" does), on the data in
``--data`` (default: the embedded sample). "finished" runs ``solutions/`` (every exercise done,
every experiment runs: the slowest case); "unfinished" runs ``lessons/`` as a learner first opens
them (the demonstrations skip). The wall clock of each notebook is printed with the load average
before it and the CPU seconds of its kernel (user + system: on a shared machine the wall clock
grows with the load, the CPU time much less), and ``--cells N`` lists its N slowest cells. The
goal is at most 30 s per lesson on the sample and at most 3 minutes on the full data.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbclient
import nbformat

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
GOAL_SAMPLE_S = 30.0
GOAL_FULL_S = 180.0


def _cell_label(cell: nbformat.NotebookNode) -> str:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return str(meta.get("grade_id") or cell.get("id") or "?")


CPU_PROBE = "import os as _os\n_t = _os.times()\nprint(_t.user + _t.system)"


def run_notebook(
    source: Path, notebook: str, data: Path
) -> tuple[float, float, list[tuple[float, str]]]:
    """Seconds to execute ``source/notebook`` top to bottom, the kernel's CPU seconds, and the
    seconds of each cell."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for path in source.glob("*.ipynb"):
            shutil.copy(path, folder / path.name)
        nb = nbformat.read(folder / notebook, as_version=4)
        os.environ["COURSE_DATA"] = str(data)
        os.environ.pop("MPLBACKEND", None)  # the kernel draws its figures, as in Jupyter
        client = nbclient.NotebookClient(
            nb, timeout=1200, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
        )
        cells: list[tuple[float, str]] = []
        started = time.perf_counter()
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                before = time.perf_counter()
                client.execute_cell(cell, index)
                cells.append((time.perf_counter() - before, _cell_label(cell)))
            wall = time.perf_counter() - started
            probe = nbformat.v4.new_code_cell(CPU_PROBE)
            nb.cells.append(probe)
            client.execute_cell(probe, len(nb.cells) - 1)
        cpu = float("".join(o.get("text", "") for o in probe.outputs).strip() or "nan")
        return wall, cpu, cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SAMPLE, help="data folder (Kaggle format)")
    parser.add_argument("--which", choices=("finished", "unfinished", "both"), default="both")
    parser.add_argument("--lesson", action="append", help="only these lessons (e.g. 05_gradient)")
    parser.add_argument("--cells", type=int, default=0, help="list the N slowest cells of each")
    args = parser.parse_args()
    goal = GOAL_SAMPLE_S if args.data.resolve() == SAMPLE.resolve() else GOAL_FULL_S
    kinds = {"finished": ROOT / "solutions", "unfinished": ROOT / "lessons"}
    if args.which != "both":
        kinds = {args.which: kinds[args.which]}
    print(
        f"{os.cpu_count()} cores, Python {platform.python_version()}, data {args.data}, "
        f"goal {goal:.0f} s per lesson"
    )
    worst = 0.0
    for kind, source in kinds.items():
        for path in sorted(source.glob("*.ipynb")):
            if args.lesson and not any(path.stem.startswith(x) for x in args.lesson):
                continue
            load = os.getloadavg()[0]
            seconds, cpu, cells = run_notebook(source, path.name, args.data)
            worst = max(worst, seconds)
            verdict = "ok" if seconds <= goal else "OVER"
            print(
                f"{kind:10s} {path.stem:22s} {seconds:6.1f} s  (kernel CPU {cpu:5.1f} s, "
                f"load {load:.2f})  {verdict}"
            )
            for cell_seconds, label in sorted(cells, reverse=True)[: args.cells]:
                print(f"    {cell_seconds:6.1f} s  {label}")
            sys.stdout.flush()
    print(f"slowest: {worst:.1f} s (goal {goal:.0f} s)")


if __name__ == "__main__":
    main()
