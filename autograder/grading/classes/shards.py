"""A class graded on several machines: ``--shard K/N`` grades one share, ``--merge`` writes it all.

``course grade DIR --out OUT/grades.csv --seed S --shard K/N`` grades the K-th of N shares of
the students (K from 1 to N): the students in name order, every N-th one starting from the
K-th, so shares differ by one student at most and every machine that sees the same folder
draws the same shares. Each shard needs the same ``--seed`` (the hidden cases are drawn from
it), keeps its students' results in ``OUT/results/`` as a whole run does, and records what it
did in ``OUT/results/shards/K-of-N.json``. It writes nothing else.

``course grade DIR --out OUT/grades.csv --merge`` checks that all N shards are there, agree on
the seed and together hold a result for every student of ``DIR``, then writes what a single run
writes (grades.csv, feedback, items.csv, report.html, the LMS file, the audit log) from the kept
results. One run and N shards merged give the same files, timings aside.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from autograder.errors import UserError
from autograder.grading.classes.archive import archive_dir, write_atomically

SHARDS_DIR = "shards"
_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class ShardError(UserError):
    """A shard option is wrong or the shards are incomplete; the message says what to do."""


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` (``1/4`` ... ``4/4``) as (K, N)."""
    match = _SHARD.match(text or "")
    if not match:
        raise ShardError(f"--shard {text!r}: give K/N, e.g. --shard 1/4 (K from 1 to N).")
    k, n = int(match[1]), int(match[2])
    if not 1 <= k <= n:
        raise ShardError(f"--shard {text}: K must be from 1 to N ({n}).")
    return k, n


def share(count: int, k: int, n: int) -> list[int]:
    """The indices (in name order) of shard K of N: K-1, K-1+N, K-1+2N, ..."""
    return list(range(k - 1, count, n))


@dataclass
class ShardRecord:
    k: int
    n: int
    seed: int
    students: list[str]  # the students this shard graded
    failures: list[str]  # those the grader itself failed on
    finished_at: str

    @property
    def name(self) -> str:
        return f"{self.k}-of-{self.n}"


def shards_dir(out_csv: Path) -> Path:
    return archive_dir(out_csv) / SHARDS_DIR


def save_shard(out_csv: Path, record: ShardRecord) -> Path:
    folder = shards_dir(out_csv)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{record.name}.json"
    write_atomically(path, json.dumps(asdict(record), indent=1) + "\n")
    return path


def clear_shard(out_csv: Path, k: int, n: int) -> None:
    """Forget shard K of N's record before it runs again: a record means the shard finished."""
    (shards_dir(out_csv) / f"{k}-of-{n}.json").unlink(missing_ok=True)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def load_shards(out_csv: Path, students: list[str]) -> tuple[int, list[ShardRecord]]:
    """The shards' records, checked: one N, all N present, one seed, every student graded by
    the shard that owns them. Returns the seed and the records."""
    folder = shards_dir(out_csv)
    records: list[ShardRecord] = []
    for path in sorted(folder.glob("*-of-*.json")) if folder.is_dir() else []:
        try:
            records.append(ShardRecord(**json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, TypeError) as exc:
            raise ShardError(f"{path} cannot be read ({exc}): run that shard again.") from None
    if not records:
        raise ShardError(
            f"no shard has finished in {folder}: run `course grade DIR --out ... --seed S "
            "--shard K/N` for K = 1 ... N first."
        )
    counts = sorted({r.n for r in records})
    if len(counts) > 1:
        raise ShardError(
            f"{folder} holds shards of {' and of '.join(map(str, counts))}: keep the shards of "
            "one run (remove the others' files) and merge again."
        )
    n = counts[0]
    seeds = sorted({r.seed for r in records})
    if len(seeds) > 1:
        raise ShardError(
            f"the shards in {folder} used different seeds ({', '.join(map(str, seeds))}); give "
            "every shard the same --seed and run them again."
        )
    missing = sorted(set(range(1, n + 1)) - {r.k for r in records})
    if missing:
        raise ShardError(
            f"{len(missing)} of {n} shards have not finished: "
            + ", ".join(f"{k}/{n}" for k in missing)
            + " (run them, then merge)."
        )
    graded = {name for r in records for name in r.students}
    for k in range(1, n + 1):
        owned = [students[i] for i in share(len(students), k, n)]
        not_graded = [name for name in owned if name not in graded]
        if not_graded:
            raise ShardError(
                f"shard {k}/{n} did not grade {', '.join(not_graded[:5])}"
                + (f" and {len(not_graded) - 5} more" if len(not_graded) > 5 else "")
                + " (the class folder changed since it ran?): run it again, then merge."
            )
    return seeds[0], sorted(records, key=lambda r: r.k)
