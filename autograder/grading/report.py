"""What the class did, item by item: ``items.csv`` and ``report.html`` beside the gradebook.

``items.csv`` has one row per check (``function, check, max_points, mean_points, share_full,
share_zero, top_hint, top_hint_share, top_mistake``) and a row per function (check ``(all
checks)``). ``top_hint`` is the advice most failed attempts got on that item; ``top_mistake`` is
the id of the known mistake most often named there, a mistake being named only when a student's
output fitted its model (``CheckRecord.mistake``). A function on which the grader itself failed
for a student ("needs review") is left out of that function's numbers.

``report.html`` is one self-contained page: a histogram of totals, mean score per function in
lesson order, the five most common named mistakes, the students flagged "needs review", and
submissions whose graded functions are identical or nearly so. Figures are matplotlib PNGs
embedded in the page; every text that came from a submission is escaped.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from autograder import interrupts
from autograder.config import Course
from autograder.grading.results import FAILED, NEEDS_REVIEW, CheckRecord, GradingResult
from autograder.grading.safe_text import csv_cell, one_line
from autograder.grading.similarity import MAX_PAIRS, SimilarityReport, find_similar

ITEMS_CSV = "items.csv"
REPORT_HTML = "report.html"
FUNCTION_ROW = "(all checks)"
ITEM_COLUMNS = [
    "function",
    "check",
    "max_points",
    "mean_points",
    "share_full",
    "share_zero",
    "top_hint",
    "top_hint_share",
    "top_mistake",
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
    hints: Counter = field(default_factory=Counter)  # hint -> students showing it
    named: Counter = field(default_factory=Counter)  # mistake id -> students showing it

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
    def top_hint(self) -> tuple[str, float]:
        if not self.hints or not self.counted:
            return "", 0.0
        hint, count = min(self.hints.items(), key=lambda kv: (-kv[1], kv[0]))
        return hint, count / self.counted

    @property
    def top_mistake(self) -> str:
        if not self.named:
            return ""
        return min(self.named.items(), key=lambda kv: (-kv[1], kv[0]))[0]


@dataclass
class Mistake:
    """A named mistake across the class: one known mistake (by id) of one function."""

    function: str
    id: str
    hint: str
    students: list[str] = field(default_factory=list)
    example: str = ""  # a whole message that carried the hint


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

    @property
    def totals(self) -> list[float]:
        """Each submission's total as grades.csv has it (bonus included)."""
        return [r.points + r.bonus_points for r in self.results]


def _function_reports(results: list[GradingResult], function: str):
    for result in results:
        report = result.by_function().get(function)
        if report is not None and report.status != NEEDS_REVIEW:
            yield result.submission, report


def analyse(results: list[GradingResult], course: Course, seed: int | None) -> ClassReport:
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
            whole.points.append(report.points)
            records = {r.check: r for r in report.checks}
            shown: set[str] = set()
            named: set[str] = set()
            for name, item in per_check.items():
                record = records.get(name)
                item.points.append(record.points if record is not None else 0.0)
                hint = hint_of(record) if record is not None else ""
                if hint:
                    item.hints[hint] += 1
                    if hint not in shown:
                        shown.add(hint)
                        whole.hints[hint] += 1
                mistake_id = record.mistake if record is not None and hint else ""
                if mistake_id:
                    item.named[mistake_id] += 1
                    if mistake_id not in named:
                        named.add(mistake_id)
                        whole.named[mistake_id] += 1
                        mistake = mistakes.setdefault(
                            (exercise.function, mistake_id),
                            Mistake(exercise.function, mistake_id, hint, example=record.message),
                        )
                        mistake.students.append(student)
        items.extend(per_check.values())
        function_items.append(whole)
    ranked = sorted(mistakes.values(), key=lambda m: (-len(m.students), m.function, m.id))
    return ClassReport(
        course_title=course.title,
        results=results,
        items=items,
        function_items=function_items,
        mistakes=ranked,
        similarity=find_similar(results),
        max_points=course.max_points,
        seed=seed,
        bonus_points=sum(e.points for e in course.exercises) - course.max_points,
    )


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
                writer.writerow(
                    [
                        item.function,
                        item.check,
                        _number(item.max_points),
                        _number(item.mean_points),
                        _number(item.share_full),
                        _number(item.share_zero),
                        csv_cell(hint),
                        _number(share) if hint else "",
                        csv_cell(item.top_mistake),
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
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(report.course_title)}: class report</title><style>{STYLE}</style></head><body>",
        f"<h1>{_e(report.course_title)}: class report</h1>",
        '<p class="muted">'
        + _e(
            f"{n} submissions; "
            + (f"hidden checks with seed {report.seed}; " if report.seed is not None else "")
            + f"written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        )
        + "</p>",
    ]
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
    parts.append("<h2>Mean score per function</h2>")
    parts.append(
        '<img alt="mean score per function, in lesson order" '
        f'src="data:image/png;base64,{functions_figure(report, course)}">'
    )
    parts.append(_functions_table(report, course))
    parts.append(_mistakes_section(report))
    parts.append(_review_section(report))
    parts.append(_similarity_section(report))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _functions_table(report: ClassReport, course: Course) -> str:
    rows = [
        (
            "<table><tr><th>lesson</th><th>function</th><th>points</th><th>mean</th>"
            "<th>full marks</th><th>zero</th><th>most common mistake</th></tr>"
        )
    ]
    for item in report.function_items:
        lesson = course.lesson_of(item.function)
        hint, share = item.top_hint
        rows.append(
            f"<tr><td>{_e(lesson.id)}{' (bonus)' if lesson.bonus else ''}</td>"
            f"<td><code>{_e(item.function)}</code></td><td class=n>{item.max_points:g}</td>"
            f"<td class=n>{item.mean_points:.2f}</td><td class=n>{_percent(item.share_full)}</td>"
            f"<td class=n>{_percent(item.share_zero)}</td>"
            f"<td>{_e(hint) + f' ({_percent(share)})' if hint else ''}</td></tr>"
        )
    rows.append("</table>")
    return "\n".join(rows)


def _mistakes_section(report: ClassReport) -> str:
    parts = [f"<h2>The {TOP_MISTAKES} most common named mistakes</h2>"]
    top = report.mistakes[:TOP_MISTAKES]
    if not top:
        parts.append("<p>No failed check named a known mistake.</p>")
        return "\n".join(parts)
    n = len(report.results) or 1
    parts.append(
        "<table><tr><th>#</th><th>function</th><th>mistake (the hint)</th><th>students</th>"
        "<th>an example</th></tr>"
    )
    for rank, mistake in enumerate(top, start=1):
        count = len(mistake.students)
        parts.append(
            f"<tr><td class=n>{rank}</td><td><code>{_e(mistake.function)}</code></td>"
            f"<td>{_e(mistake.hint)}</td><td class=n>{count} ({_percent(count / n)})</td>"
            f"<td>{_e(mistake.example)}</td></tr>"
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
    results: list[GradingResult], course: Course, folder: Path, seed: int | None
) -> ClassReport:
    """Write items.csv and report.html into ``folder``; return what they say."""
    report = analyse(results, course, seed)
    folder.mkdir(parents=True, exist_ok=True)
    write_items(report, folder / ITEMS_CSV)
    interrupts.write_text(
        folder / REPORT_HTML, render_report(report, course), errors="backslashreplace"
    )
    return report
