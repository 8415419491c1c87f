"""Feedback a person reads: one function in a notebook, a progress table, a student's report.

Messages carry text from student code and file names; it is made safe here, at rendering
(``safe_text``), so every renderer takes any ``str``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from autograder.grading.results import NEEDS_REVIEW, FunctionReport
from autograder.grading.safe_text import markdown, one_line, printable

MARK = {
    "passed": "✓",
    "failed": "✗",
    "not implemented": "·",
    "not defined": "✗",
    NEEDS_REVIEW: "!",
    "not graded": "·",
}


def _points(value: float) -> str:
    return f"{value:g}"


def render_function(report: FunctionReport) -> str:
    """Feedback for one function, as ``check("name")`` prints it."""
    lines = [printable(line, keep_newlines=True) for line in _function_lines(report)]
    return "\n".join(lines)


def _function_lines(report: FunctionReport) -> list[str]:
    name = report.function
    total = len(report.checks)
    passed = sum(1 for c in report.checks if c.status == "passed")
    score = f"{_points(report.points)}/{_points(report.max_points)} points"
    status = report.status
    if status == "passed":
        return [f"✓ {name}: {passed}/{total} checks passed ({score})"]
    if status == "not implemented":
        message = report.checks[0].message if report.checks else ""
        if message and message != "not implemented yet":
            return [f"· {name}: {message} ({score})"]
        return [f"· {name}: not implemented yet ({score})"]
    if status == "not defined":
        return [f"✗ {name}: {report.checks[0].message}"]
    lines = []
    failing = [c for c in report.checks if c.status != "passed"]
    first = failing[0]
    lines.append(f"{MARK.get(first.status, '✗')} {name}: {first.message}")
    shown = {first.message}
    for record in failing[1:]:
        if record.message not in shown:
            shown.add(record.message)
            lines.append(f"  also: {record.message}")
    lines.append(f"  {passed}/{total} checks passed ({score})")
    return lines


def _shorten(text: str, width: int) -> str:
    return one_line(text, limit=width)


def render_table(results: Iterable, *, width: int = 72, verbose: bool = False) -> str:
    """The progress table of ``course check``: lesson, function, points, status, first message.

    ``verbose`` adds, under the table, every check that did not pass, with its whole message
    and hint (``course check -v``).
    """
    results = list(results)
    rows = [("lesson", "function", "points", "status", "first message")]
    total = maximum = bonus = 0.0
    for result in results:
        for report in result.functions:
            rows.append(
                (
                    report.lesson + (" (bonus)" if report.bonus else ""),
                    report.function,
                    f"{_points(report.points)}/{_points(report.max_points)}",
                    report.status,
                    ""
                    if report.status == "not implemented"
                    else _shorten(report.first_message, width),
                )
            )
            if report.bonus:
                bonus += report.points
            else:
                total += report.points
                maximum += report.max_points
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for i, row in enumerate(rows):
        cells = [row[c].ljust(widths[c]) for c in range(4)] + [row[4]]
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 13)
    summary = f"total: {_points(total)}/{_points(maximum)} points"
    if bonus:
        summary += f" (+{_points(bonus)} bonus)"
    lines.append("")
    lines.append(summary)
    if verbose:
        for result in results:
            for report in result.functions:
                failing = [c for c in report.checks if c.status != "passed"]
                if not failing or report.status == "not implemented":
                    continue
                lines.append("")
                lines.append(f"{report.function} ({report.lesson}):")
                for record in failing:
                    mark = MARK.get(record.status, "✗")
                    points = f"{_points(record.points)}/{_points(record.max_points)}"
                    message = printable(record.message, keep_newlines=True)
                    lines.append(f"  {mark} {one_line(record.label)} ({points}): {message}")
    return "\n".join(lines)


def render_markdown(result) -> str:
    """A student's feedback file: totals, then every function with every failing check."""
    lines = [f"# Feedback for {markdown(printable(result.submission))}", ""]
    lines.append(
        f"**Total: {_points(result.points)} / {_points(result.max_points)} points**"
        + (f" (bonus included: {_points(_bonus(result))})" if _bonus(result) else "")
    )
    lines.append("")
    if result.mode == "hidden":
        lines.append(
            f"Graded with hidden checks on fresh random inputs (seed {result.seed}); "
            "the public checks in your notebooks use fixed inputs."
        )
    else:
        lines.append("Graded with the public checks (the same as `check(...)` in the notebooks).")
    lines.append("")
    if result.problems:
        lines.append("## Notebook problems")
        lines.append("")
        lines.extend(f"- {markdown(p)}" for p in result.problems)
        lines.append("")
    if result.warnings:
        lines.append("## Your files")
        lines.append("")
        lines.extend(f"- {markdown(w)}" for w in result.warnings)
        lines.append("")
    if result.needs_review:
        lines.append("## Needs review")
        lines.append("")
        lines.append(
            "The grader itself failed on "
            + ", ".join(f"`{name}`" for name in result.needs_review)
            + ": these got no points for now, and your instructor has been asked to look."
        )
        lines.append("")
    current = None
    for report in result.functions:
        if report.lesson != current:
            current = report.lesson
            lines.append(
                f"## {report.notebook}: {report.lesson_title}"
                + (" (bonus)" if report.bonus else "")
            )
            lines.append("")
            lines.append("| function | points | status |")
            lines.append("|---|---|---|")
            for r in (f for f in result.functions if f.lesson == current):
                lines.append(
                    f"| `{r.function}` | {_points(r.points)}/{_points(r.max_points)} | {MARK.get(r.status, '')} {r.status} |"
                )
            lines.append("")
        if report.status != "passed":
            lines.append(f"### `{report.function}`")
            lines.append("")
            if report.status in ("not implemented", "not defined"):
                message = report.checks[0].message if report.checks else report.status
                lines.append(markdown(message, line_start=True))
            else:
                for record in report.checks:
                    mark = MARK.get(record.status, "")
                    text = markdown(record.message) if record.status != "passed" else "passed"
                    lines.append(
                        f"- {mark} {markdown(record.label)} ({_points(record.points)}/{_points(record.max_points)}): {text}"
                    )
            if report.note:
                lines.append("")
                lines.append(f"Note: {markdown(report.note)}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _bonus(result) -> float:
    return result.bonus_points


def render_html(result) -> str:
    """The same report as HTML, self-contained, for an LMS or a browser."""
    import mistune

    body = mistune.create_markdown(escape=True, plugins=["table"])(render_markdown(result))
    title = html.escape(f"Feedback for {one_line(result.submission)}")
    style = (
        "body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .6rem}"
        "code{background:#f4f4f4;padding:0 .2rem}"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{style}</style></head>\n<body>\n{body}</body></html>\n"
    )
