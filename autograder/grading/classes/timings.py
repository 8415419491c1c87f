"""Where a class run spends its time (``course grade --timings``).

A run is a few stages in order (finding students, reading earlier results, grading, the
similarity search, the class report, writing the rest); each is a ``Stage`` record, timed by
the clock of the process that runs the class. The grading processes record, per student, the
time each graded function's confined worker took (``FunctionReport.worker_seconds``); summed
over the class, they say which functions the grading time went to.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from autograder.grading.engine.results import GradingResult


@dataclass(frozen=True)
class Stage:
    """One stage of a class run and the wall-clock seconds it took."""

    name: str
    seconds: float


@dataclass
class Timings:
    """A run's stages, in order; ``lap`` closes the stage that ran since the previous lap."""

    stages: list[Stage] = field(default_factory=list)
    _mark: float = field(default_factory=time.perf_counter, repr=False)

    def lap(self, name: str, *, within: Stage | None = None) -> None:
        """``within``: a stage that ran inside this one, timed by itself, shown first and
        taken out of this one's time."""
        now = time.perf_counter()
        seconds = now - self._mark
        if within is not None:
            self.stages.append(within)
            seconds -= within.seconds
        self.stages.append(Stage(name, seconds))
        self._mark = now

    def extend(self, stages: list[Stage]) -> None:
        """Stages timed elsewhere (the outputs'), which end now."""
        self.stages.extend(stages)
        self._mark = time.perf_counter()

    @property
    def total(self) -> float:
        return sum(stage.seconds for stage in self.stages)


def worker_seconds(results: list[GradingResult]) -> dict[str, float]:
    """Each graded function's worker time, summed over ``results``, the most first (functions
    no worker ran for, as lessons nobody handed in, are left out)."""
    totals: dict[str, float] = {}
    for result in results:
        for report in result.functions:
            if report.worker_seconds:
                totals[report.function] = totals.get(report.function, 0.0) + report.worker_seconds
    return dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))


def render(timings: Timings, graded: list[GradingResult]) -> list[str]:
    """The lines ``--timings`` prints: the stages, their total, then the functions."""
    width = max((len(stage.name) for stage in timings.stages), default=0)
    lines = ["where the time went (wall clock, seconds):"]
    lines += [f"  {stage.name:<{width}}  {stage.seconds:8.2f}" for stage in timings.stages]
    lines.append(f"  {'total':<{width}}  {timings.total:8.2f}")
    functions = worker_seconds(graded)
    if functions:
        lines.append(
            f"worker time per graded function, summed over {len(graded)} graded student(s) "
            "(seconds; the workers run side by side):"
        )
        name_width = max(len(name) for name in functions)
        lines += [f"  {name:<{name_width}}  {seconds:8.2f}" for name, seconds in functions.items()]
    return lines
