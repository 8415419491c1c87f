"""Counts that the autograder's own tests report at the end of a run (see conftest.py)."""

from __future__ import annotations

from collections import defaultdict

RESULTS: dict[str, list[tuple[str, bool, str]]] = defaultdict(list)
TIMINGS: dict[str, float] = {}


def record(category: str, name: str, ok: bool, detail: str = "") -> None:
    RESULTS[category].append((name, ok, detail))


def export() -> dict:
    """This process's counts, as plain data (what a parallel test process hands back)."""
    return {
        "results": {k: [list(row) for row in v] for k, v in RESULTS.items()},
        "timings": TIMINGS,
    }


def merge(exported: dict | None) -> None:
    """Add the counts another test process exported (``export``) to this process's."""
    if not exported:
        return
    for category, rows in exported.get("results", {}).items():
        RESULTS[category].extend((name, bool(ok), detail) for name, ok, detail in rows)
    TIMINGS.update(exported.get("timings", {}))


def summary_lines() -> list[str]:
    lines = []
    labels = {
        "mistakes caught": "mistakes caught",
        "mistakes hinted": "mistakes hinted",
        "mistakes named": "mistakes named by their model (and no other)",
        "variants": "correct variants at full marks",
        "attacks": "attacks contained",
        "broken inputs": "broken inputs handled",
    }
    for key, label in labels.items():
        rows = RESULTS.get(key)
        if not rows:
            continue
        passed = sum(1 for _, ok, _ in rows if ok)
        share = f" ({passed / len(rows):.0%})" if key == "mistakes hinted" else ""
        lines.append(f"{label}: {passed}/{len(rows)}{share}")
        for name, ok, detail in rows:
            if not ok:
                lines.append(f"  not ok: {name} {detail}".rstrip())
    for key, seconds in TIMINGS.items():
        lines.append(f"{key}: {seconds:.1f} s")
    return lines
