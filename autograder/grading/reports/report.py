"""What the class did, item by item: ``items.csv`` and ``report.html`` beside the gradebook.

``items.csv`` has one row per check and a row per function (check ``(all checks)``):

* ``counted``: the submissions the row's numbers are over: every graded submission with at least
  one lesson notebook. Empty folders, roster students without a submission, and a function on
  which the grader itself failed for a student ("needs review") are left out.
* ``mean_points, share_full, share_zero``: over all of ``counted``.
* ``share_not_attempted``: the share that left the function unwritten (the stub, or not
  defined); ``attempted, mean_points_attempted, share_attempted_wrong``: over those who wrote
  it, so "not attempted" never passes for "attempted and wrong".
* ``top_hint, top_hint_share``: the advice most failed attempts got there, and its share.
* ``top_mistake, top_mistake_points``: the known mistake (by its id, named only when a
  student's output fitted its model: ``CheckRecord.mistake``) that cost the class the most
  points there, and those points.

The points a named mistake costs a student are those lost on the checks that named it, plus
the checks held back until the values are right ("not checked yet"), shared among the
function's named mistakes.

``report.html`` is one self-contained page: the totals and what their mean includes, a
histogram of totals, per-assignment totals when assignment folders (``ps1/``, ``ps2/``) were
graded together, mean score per function in lesson order, the five named mistakes that cost the
class the most points, a table of every student (total, late, needs review, similar code) with
a link to their feedback, the students flagged "needs review", and submissions whose graded
functions are identical or nearly so. Figures are matplotlib PNGs embedded in the page; every
text that came from a submission is escaped.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from autograder import interrupts
from autograder.config import Course
from autograder.grading.engine.results import (
    FAILED,
    NEEDS_REVIEW,
    NOT_CHECKED,
    CheckRecord,
    FunctionReport,
    GradingResult,
)
from autograder.grading.reports.similarity import MAX_PAIRS, SimilarityReport, find_similar
from autograder.safe_text import csv_cell, one_line

ITEMS_CSV = "items.csv"
REPORT_HTML = "report.html"
FUNCTION_ROW = "(all checks)"
ITEM_COLUMNS = [
    "function",
    "check",
    "max_points",
    "counted",
    "mean_points",
    "share_full",
    "share_zero",
    "share_not_attempted",
    "attempted",
    "mean_points_attempted",
    "share_attempted_wrong",
    "top_hint",
    "top_hint_share",
    "top_mistake",
    "top_mistake_points",
]
TOP_MISTAKES = 5


def hint_of(record: CheckRecord) -> str:
    """The hint of a failed check (advice, or the words of a named mistake), or ""."""
    if record.status != FAILED:
        return ""
    return " ".join(record.hint.split())


@dataclass
class Item:
    """One row of items.csv."""

    function: str
    check: str
    max_points: float
    points: list[float] = field(default_factory=list)  # one per student counted
    attempts: list[bool] = field(default_factory=list)  # one per student counted
    hints: Counter = field(default_factory=Counter)  # hint -> students showing it
    named: Counter = field(default_factory=Counter)  # mistake id -> points it cost the class

    @property
    def counted(self) -> int:
        return len(self.points)

    @property
    def mean_points(self) -> float:
        return statistics.fmean(self.points) if self.points else 0.0

    @property
    def share_full(self) -> float:
        full = sum(1 for p in self.points if p >= self.max_points - 1e-9)
        return full / self.counted if self.counted else 0.0

    @property
    def share_zero(self) -> float:
        zero = sum(1 for p in self.points if p <= 1e-9)
        return zero / self.counted if self.counted else 0.0

    @property
    def attempted(self) -> list[float]:
        return [p for p, tried in zip(self.points, self.attempts, strict=True) if tried]

    @property
    def share_not_attempted(self) -> float:
        return 1 - len(self.attempted) / self.counted if self.counted else 0.0

    @property
    def mean_points_attempted(self) -> float:
        return statistics.fmean(self.attempted) if self.attempted else 0.0

    @property
    def share_attempted_wrong(self) -> float:
        tried = self.attempted
        wrong = sum(1 for p in tried if p < self.max_points - 1e-9)
        return wrong / len(tried) if tried else 0.0

    @property
    def top_hint(self) -> tuple[str, float]:
        if not self.hints or not self.counted:
            return "", 0.0
        hint, count = min(self.hints.items(), key=lambda kv: (-kv[1], kv[0]))
        return hint, count / self.counted

    @property
    def top_mistake(self) -> tuple[str, float]:
        """The mistake id that cost the class the most points here, and those points."""
        if not self.named:
            return "", 0.0
        return min(self.named.items(), key=lambda kv: (-kv[1], kv[0]))


@dataclass
class Mistake:
    """A named mistake across the class: one known mistake (by id) of one function."""

    function: str
    id: str
    hint: str
    students: list[str] = field(default_factory=list)
    example: str = ""  # a whole message that carried the hint
    points: float = 0.0  # what it cost the class


def mistake_costs(report: FunctionReport) -> dict[str, dict[str, float]]:
    """Per mistake id named in ``report``: the points it cost, per check. A check held back
    until the values are right ("not checked yet") is shared among the function's named
    mistakes."""
    costs: dict[str, dict[str, float]] = {}
    for record in report.checks:
        if record.status == FAILED and record.mistake and hint_of(record):
            lost = record.max_points - record.points
            costs.setdefault(record.mistake, {})
            costs[record.mistake][record.check] = costs[record.mistake].get(record.check, 0) + lost
    if costs:
        waiting = [r for r in report.checks if r.status == NOT_CHECKED]
        for record in waiting:
            for by_check in costs.values():
                by_check[record.check] = record.max_points / len(costs)
    return costs


@dataclass
class ClassReport:
    course_title: str
    results: list[GradingResult]
    items: list[Item]
    function_items: list[Item]
    mistakes: list[Mistake]
    similarity: SimilarityReport
    max_points: float
    seed: int | None

    bonus_points: float = 0.0
    feedback: dict[str, str] = field(default_factory=dict)  # student -> link to their feedback
    assignments: list = field(default_factory=list)  # AssignmentTotals, when ps1/ ps2/ ...

    @property
    def counted(self) -> list[GradingResult]:
        """The submissions the class's numbers are over (see ``counted``)."""
        return [r for r in self.results if counted(r)]

    @property
    def totals(self) -> list[float]:
        """Each counted submission's total as grades.csv has it (required + bonus - penalty)."""
        return [r.total for r in self.counted]


def counted(result: GradingResult) -> bool:
    """Whether a submission counts in the class's numbers: graded, with a notebook."""
    return result.mode != "absent" and not result.empty


def _function_reports(results: list[GradingResult], function: str):
    for result in results:
        if not counted(result):
            continue
        report = result.by_function().get(function)
        if report is not None and report.status != NEEDS_REVIEW:
            yield result.submission, report


def analyse(
    results: list[GradingResult],
    course: Course,
    seed: int | None,
    feedback: dict[str, str] | None = None,
) -> ClassReport:
    """Item statistics, named mistakes and similar submissions for a graded class."""
    items: list[Item] = []
    function_items: list[Item] = []
    mistakes: dict[tuple[str, str], Mistake] = {}  # (function, mistake id) -> the class's
    for exercise in course.exercises:
        whole = Item(exercise.function, FUNCTION_ROW, exercise.points)
        per_check = {
            name: Item(exercise.function, name, pts) for name, pts in exercise.checks.items()
        }
        for student, report in _function_reports(results, exercise.function):
            whole.points.append(report.graded_points)
            whole.attempts.append(report.attempted)
            records = {r.check: r for r in report.checks}
            shown: set[str] = set()
            costs = mistake_costs(report)
            for name, item in per_check.items():
                record = records.get(name)
                item.points.append(record.points if record is not None else 0.0)
                item.attempts.append(report.attempted)
                hint = hint_of(record) if record is not None else ""
                if hint:
                    item.hints[hint] += 1
                    if hint not in shown:
                        shown.add(hint)
                        whole.hints[hint] += 1
                for mistake_id, by_check in costs.items():
                    if by_check.get(name):
                        item.named[mistake_id] += by_check[name]
            for mistake_id, by_check in costs.items():
                whole.named[mistake_id] += sum(by_check.values())
                example = next(
                    r for r in report.checks if r.mistake == mistake_id and r.status == FAILED
                )
                mistake = mistakes.setdefault(
                    (exercise.function, mistake_id),
                    Mistake(
                        exercise.function, mistake_id, hint_of(example), example=example.message
                    ),
                )
                mistake.students.append(student)
                mistake.points += sum(by_check.values())
        items.extend(per_check.values())
        function_items.append(whole)
    ranked = sorted(
        mistakes.values(), key=lambda m: (-m.points, -len(m.students), m.function, m.id)
    )
    started = time.perf_counter()
    similarity = find_similar([r for r in results if counted(r)])
    similarity.seconds = time.perf_counter() - started
    return ClassReport(
        course_title=course.title,
        results=results,
        items=items,
        function_items=function_items,
        mistakes=ranked,
        similarity=similarity,
        max_points=course.max_points,
        seed=seed,
        bonus_points=sum(e.points for e in course.exercises) - course.max_points,
        feedback=feedback or {},
        assignments=assignment_totals(results, course),
    )


@dataclass
class AssignmentTotals:
    """One assignment folder's share of the class's points (``ps1/`` holding lessons 01-04)."""

    name: str
    lessons: list[str]
    max_points: float
    totals: list[float]  # one per counted submission that handed it in


def assignment_totals(results: list[GradingResult], course: Course) -> list[AssignmentTotals]:
    """Per-assignment totals, when the students' notebooks lie in assignment folders (the same
    folder name for a lesson across the class) and there are at least two of them."""
    where: dict[str, Counter] = {}
    for result in results:
        if not counted(result):
            continue
        for lesson, file in result.files.items():
            if "/" in file:
                where.setdefault(lesson, Counter())[file.split("/", 1)[0]] += 1
    folder_of = {lesson: counts.most_common(1)[0][0] for lesson, counts in where.items()}
    folders = sorted(set(folder_of.values()))
    if len(folders) < 2:
        return []
    out = []
    for folder in folders:
        lessons = [lesson.id for lesson in course.lessons if folder_of.get(lesson.id) == folder]
        functions = [e for e in course.exercises if e.lesson in lessons]
        totals = []
        for result in results:
            if not counted(result) or not any(lesson in result.files for lesson in lessons):
                continue
            points = result.by_function()
            totals.append(sum(points[e.function].points for e in functions if e.function in points))
        out.append(AssignmentTotals(folder, lessons, sum(e.points for e in functions), totals))
    return out


def _number(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def write_items(report: ClassReport, path: Path) -> None:
    """items.csv: a row per check, then the function's own row, in course order."""
    by_function: dict[str, list[Item]] = {}
    for item in report.items:
        by_function.setdefault(item.function, []).append(item)
    with (
        interrupts.replacing(path) as partial,
        partial.open("w", newline="", encoding="utf-8") as handle,
    ):
        writer = csv.writer(handle)
        writer.writerow(ITEM_COLUMNS)
        for whole in report.function_items:
            for item in [*by_function.get(whole.function, []), whole]:
                hint, share = item.top_hint
                mistake, cost = item.top_mistake
                writer.writerow(
                    [
                        item.function,
                        item.check,
                        _number(item.max_points),
                        item.counted,
                        _number(item.mean_points),
                        _number(item.share_full),
                        _number(item.share_zero),
                        _number(item.share_not_attempted),
                        len(item.attempted),
                        _number(item.mean_points_attempted),
                        _number(item.share_attempted_wrong),
                        csv_cell(hint),
                        _number(share) if hint else "",
                        csv_cell(mistake),
                        _number(cost) if mistake else "",
                    ]
                )


# -- figures ------------------------------------------------------------------------------------


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _of(report: ClassReport) -> str:
    bonus = f" + {report.bonus_points:g} bonus" if report.bonus_points else ""
    return f"{report.max_points:g}{bonus}"


def totals_figure(report: ClassReport) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.2))
    top = report.max_points + report.bonus_points
    bins = max(5, min(31, int(top // 2) + 1))
    ax.hist(report.totals, bins=bins, range=(0, top), color="tab:blue", edgecolor="white")
    ax.set_xlabel(f"total points (of {_of(report)})")
    ax.set_ylabel("students")
    ax.set_title(f"Totals of {len(report.results)} submissions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return _png(fig)


def functions_figure(report: ClassReport, course: Course) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    labels, shares, colours = [], [], []
    for item in report.function_items:
        lesson = course.lesson_of(item.function)
        labels.append(f"{lesson.id} · {item.function}" + (" (bonus)" if lesson.bonus else ""))
        shares.append(100 * item.mean_points / item.max_points if item.max_points else 0.0)
        colours.append("tab:orange" if lesson.bonus else "tab:blue")
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(labels) + 1.2))
    positions = list(range(len(labels)))[::-1]  # the first lesson at the top
    ax.barh(positions, shares, color=colours)
    ax.set_yticks(positions, labels, fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("mean score, % of the function's points")
    ax.set_title("Mean score per function, in lesson order")
    for y, share in zip(positions, shares, strict=True):
        ax.text(min(share + 1, 92), y, f"{share:.0f}%", va="center", fontsize=7)
    return _png(fig)


# -- the page -----------------------------------------------------------------------------------

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.45}table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
    "td,th{border:1px solid #ccc;padding:.2rem .6rem;vertical-align:top;text-align:left}"
    "th{background:#f4f4f4}td.n{text-align:right}img{max-width:100%}"
    ".muted{color:#666}code{background:#f4f4f4;padding:0 .2rem}"
)


def _e(text: object) -> str:
    """Any text (a student's name, a message from their code) as one line of HTML text."""
    return html.escape(one_line(text), quote=True)


def _percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def render_report(report: ClassReport, course: Course) -> str:
    totals = report.totals
    n = len(totals)
    empty = sum(1 for r in report.results if r.mode != "absent" and r.empty)
    absent = sum(1 for r in report.results if r.mode == "absent")
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(report.course_title)}: class report</title><style>{STYLE}</style></head><body>",
        f"<h1>{_e(report.course_title)}: class report</h1>",
        '<p class="muted">'
        + _e(
            f"{n} graded submissions; "
            + (f"hidden checks with seed {report.seed}; " if report.seed is not None else "")
            + f"written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        )
        + "</p>",
    ]
    left_out = []
    if empty:
        left_out.append(f"{empty} folder{'s' if empty != 1 else ''} without any lesson notebook")
    if absent:
        left_out.append(f"{absent} roster student{'s' if absent != 1 else ''} without a submission")
    includes = (
        f"Every number below is over the {n} submissions with at least one lesson notebook"
        + (f" ({' and '.join(left_out)} left out)" if left_out else "")
        + "; a total is required + bonus - late penalty, as in grades.csv."
    )
    parts.append(f"<p>{_e(includes)}</p>")
    if totals:
        parts.append(
            "<p>"
            + _e(
                f"Total points (of {_of(report)}): mean "
                f"{statistics.fmean(totals):.1f}, median {statistics.median(totals):g}, "
                f"lowest {min(totals):g}, highest {max(totals):g}."
            )
            + "</p>"
        )
    parts.append("<h2>Totals</h2>")
    parts.append(
        f'<img alt="histogram of total points" src="data:image/png;base64,{totals_figure(report)}">'
    )
    parts.append(_assignments_section(report))
    parts.append("<h2>Mean score per function</h2>")
    parts.append(
        '<img alt="mean score per function, in lesson order" '
        f'src="data:image/png;base64,{functions_figure(report, course)}">'
    )
    parts.append(_functions_table(report, course))
    parts.append(_mistakes_section(report))
    parts.append(_students_section(report))
    parts.append(_review_section(report))
    parts.append(_similarity_section(report))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _assignments_section(report: ClassReport) -> str:
    if not report.assignments:
        return ""
    rows = [
        "<h2>Per assignment</h2>",
        "<p class=muted>"
        + _e(
            "Points per assignment folder, over the submissions that handed it in; bonus "
            "lessons included, late penalties (which apply to a student's whole total) not."
        )
        + "</p>",
        (
            "<table><tr><th>assignment</th><th>lessons</th><th>points</th><th>handed in</th>"
            "<th>mean</th><th>median</th></tr>"
        ),
    ]
    for part in report.assignments:
        totals = part.totals
        rows.append(
            f"<tr><td><code>{_e(part.name)}/</code></td><td>{_e(', '.join(part.lessons))}</td>"
            f"<td class=n>{part.max_points:g}</td><td class=n>{len(totals)}</td>"
            f"<td class=n>{statistics.fmean(totals) if totals else 0:.1f}</td>"
            f"<td class=n>{statistics.median(totals) if totals else 0:g}</td></tr>"
        )
    rows.append("</table>")
    return "\n".join(rows)


def _functions_table(report: ClassReport, course: Course) -> str:
    rows = [
        (
            "<table><tr><th>lesson</th><th>function</th><th>points</th><th>mean</th>"
            "<th>full marks</th><th>not attempted</th><th>attempted and wrong</th>"
            "<th>most common hint</th></tr>"
        )
    ]
    for item in report.function_items:
        lesson = course.lesson_of(item.function)
        hint, share = item.top_hint
        rows.append(
            f"<tr><td>{_e(lesson.id)}{' (bonus)' if lesson.bonus else ''}</td>"
            f"<td><code>{_e(item.function)}</code></td><td class=n>{item.max_points:g}</td>"
            f"<td class=n>{item.mean_points:.2f}</td><td class=n>{_percent(item.share_full)}</td>"
            f"<td class=n>{_percent(item.share_not_attempted)}</td>"
            f"<td class=n>{_percent(item.share_attempted_wrong)} of {len(item.attempted)}</td>"
            f"<td>{_e(hint) + f' ({_percent(share)})' if hint else ''}</td></tr>"
        )
    rows.append("</table>")
    return "\n".join(rows)


def _mistakes_section(report: ClassReport) -> str:
    parts = [f"<h2>The {TOP_MISTAKES} named mistakes that cost the class the most points</h2>"]
    top = report.mistakes[:TOP_MISTAKES]
    if not top:
        parts.append("<p>No failed check named a known mistake.</p>")
        return "\n".join(parts)
    n = len(report.counted) or 1
    parts.append(
        "<p class=muted>"
        + _e(
            "Ranked by the points each cost the class: those lost on the checks that named it, "
            "and on the checks held back until the values are right."
        )
        + "</p>"
    )
    parts.append(
        "<table><tr><th>#</th><th>function</th><th>mistake</th><th>points lost</th>"
        "<th>students</th><th>an example</th></tr>"
    )
    for rank, mistake in enumerate(top, start=1):
        count = len(mistake.students)
        parts.append(
            f"<tr><td class=n>{rank}</td><td><code>{_e(mistake.function)}</code></td>"
            f"<td><code>{_e(mistake.id)}</code>: {_e(mistake.hint)}</td>"
            f"<td class=n>{_number(mistake.points)}</td>"
            f"<td class=n>{count} ({_percent(count / n)})</td>"
            f"<td>{_e(mistake.example)}</td></tr>"
        )
    parts.append("</table>")
    return "\n".join(parts)


def _students_section(report: ClassReport) -> str:
    from autograder.grading.reports.feedback import total_words

    similar: dict[str, set[str]] = {}
    for group in report.similarity.groups:
        for name in group:
            similar.setdefault(name, set()).update(n for n in group if n != name)
    for pair in report.similarity.pairs:
        similar.setdefault(pair.first, set()).add(pair.second)
        similar.setdefault(pair.second, set()).add(pair.first)
    parts = [
        "<h2>Students</h2>",
        (
            "<table><tr><th>student</th><th>total</th><th>late</th><th>needs review</th>"
            "<th>similar code</th><th>status</th></tr>"
        ),
    ]
    for result in report.results:
        link = report.feedback.get(result.submission)
        name = _e(result.submission)
        cell = f'<a href="{html.escape(link, quote=True)}">{name}</a>' if link else name
        late = result.late
        if late is None or late.late_days == 0:
            late_text = ""
        elif late.late_days is None:
            late_text = "not judged" if not late.penalty else f"-{late.penalty:g}"
        else:
            late_text = f"{late.late_days} d, -{late.penalty:g}"
        if result.mode == "absent":
            status = "no submission"
        elif result.empty:
            status = "no lesson notebook"
        else:
            status = "graded"
        parts.append(
            f"<tr><td>{cell}</td><td>{_e(total_words(result))}</td><td>{_e(late_text)}</td>"
            f"<td>{_e(', '.join(result.needs_review))}</td>"
            f"<td>{_e(', '.join(sorted(similar.get(result.submission, ()))))}</td>"
            f"<td>{status}</td></tr>"
        )
    parts.append("</table>")
    return "\n".join(parts)


def _review_section(report: ClassReport) -> str:
    flagged = [r for r in report.results if r.needs_review]
    parts = ["<h2>Needs review</h2>"]
    if not flagged:
        parts.append("<p>The grader did not fail on any submission.</p>")
        return "\n".join(parts)
    parts.append(
        "<p>The grader itself failed on these; they got no points there until someone looks.</p>"
        "<table><tr><th>student</th><th>functions</th><th>why</th></tr>"
    )
    for result in flagged:
        why = next(
            (
                c.message
                for f in result.functions
                if f.status == NEEDS_REVIEW
                for c in f.checks
                if c.status == NEEDS_REVIEW
            ),
            "",
        )
        parts.append(
            f"<tr><td>{_e(result.submission)}</td><td>{_e(', '.join(result.needs_review))}</td>"
            f"<td>{_e(why)}</td></tr>"
        )
    parts.append("</table>")
    return "\n".join(parts)


def _similarity_section(report: ClassReport) -> str:
    similar = report.similarity
    parts = [
        "<h2>Identical or near-identical submissions</h2>",
        "<p class=muted>"
        + _e(
            f"Graded functions compared after normalising names, comments, docstrings and layout; "
            f"a pair is listed at {100 * similar.threshold:.0f}% similarity or more when the code "
            f"both implemented holds at least {similar.min_tokens} tokens. "
            f"{similar.compared_students} submissions had code to compare. Similar code is a "
            "reason to look, not proof of copying."
        )
        + "</p>",
    ]
    if similar.groups:
        parts.append("<h3>Identical after normalising</h3><ul>")
        for group in similar.groups:
            parts.append(f"<li>{len(group)} submissions: {_e(', '.join(group))}</li>")
        parts.append("</ul>")
    if not similar.pairs:
        parts.append("<p>No pair reached the threshold.</p>")
        if not similar.complete:
            parts.append(f"<p>{_e(similar.note)}</p>")
        return "\n".join(parts)
    parts.append(
        "<table><tr><th>student</th><th>student</th><th>similarity</th>"
        "<th>functions compared</th><th>identical</th></tr>"
    )
    for pair in similar.pairs[:MAX_PAIRS]:
        parts.append(
            f"<tr><td>{_e(pair.first)}</td><td>{_e(pair.second)}</td>"
            f"<td class=n>{100 * pair.similarity:.1f}%</td><td class=n>{len(pair.compared)}</td>"
            f"<td>{_e(', '.join(pair.identical))}</td></tr>"
        )
    parts.append("</table>")
    more = len(similar.pairs) - min(len(similar.pairs), MAX_PAIRS) + similar.more_pairs
    if more:
        parts.append(f"<p>… and {more} more pairs.</p>")
    if not similar.complete:
        parts.append(f"<p>{_e(similar.note)}</p>")
    return "\n".join(parts)


def write_class_report(
    results: list[GradingResult],
    course: Course,
    folder: Path,
    seed: int | None,
    *,
    feedback: dict[str, str] | None = None,
) -> ClassReport:
    """Write items.csv and report.html into ``folder``; return what they say. ``feedback``
    links each student to their feedback page (relative to ``folder``)."""
    report = analyse(results, course, seed, feedback)
    folder.mkdir(parents=True, exist_ok=True)
    write_items(report, folder / ITEMS_CSV)
    interrupts.write_text(
        folder / REPORT_HTML, render_report(report, course), errors="backslashreplace"
    )
    return report
