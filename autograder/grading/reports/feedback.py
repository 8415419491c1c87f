"""Feedback a person reads: one function in a notebook, a progress table, a student's report.

Messages carry text from student code and file names; it is made safe here, at rendering
(``safe_text``), so every renderer takes any ``str``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from autograder.grading.engine.results import NEEDS_REVIEW, NOT_CHECKED, PASSED, FunctionReport
from autograder.safe_text import markdown, one_line, printable

MARK = {
    "passed": "✓",
    "failed": "✗",
    "not implemented": "·",
    "not defined": "✗",
    NEEDS_REVIEW: "!",
    NOT_CHECKED: "○",
    "not graded": "·",
}


def _points(value: float) -> str:
    return f"{value:g}"


def total_words(result) -> str:
    """A result's total in words that cannot be misread, the same everywhere (feedback,
    ``course check``, the class report, Gradescope): ``62/62 points``, ``62/62 required + 22
    bonus = 84 points``, ``57.5/62 required + 22 bonus - 7.95 late penalty = 71.55 points``."""
    return _total_phrase(result.points, result.max_points, result.bonus_points, result.penalty)


def _total_phrase(required: float, maximum: float, bonus: float, penalty: float = 0.0) -> str:
    words = f"{_points(required)}/{_points(maximum)}"
    if not bonus and not penalty:
        return f"{words} points"
    words += " required"
    if bonus:
        words += f" + {_points(bonus)} bonus"
    if penalty:
        words += f" - {_points(penalty)} late penalty"
    return f"{words} = {_points(required + bonus - penalty)} points"


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
    failing = [c for c in report.checks if c.status not in (PASSED, NOT_CHECKED)]
    waiting = [c for c in report.checks if c.status == NOT_CHECKED]
    first = failing[0] if failing else waiting[0]
    lines.append(f"{MARK.get(first.status, '✗')} {name}: {first.message}")
    shown = {first.message}
    for record in failing[1:]:
        if record.message not in shown:
            shown.add(record.message)
            lines.append(f"  also: {record.message}")
    if failing and waiting:
        titles = ", ".join(f'"{c.label}"' for c in waiting)
        lines.append(f"  not checked yet (they need the values first): {titles}")
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
    summary = f"total: {_total_phrase(total, maximum, bonus)}"
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


def graded_with(result) -> str:
    """How a result was graded, in one sentence: never "the public checks" for a run whose
    hidden checks could not run (the grader failed, or refused)."""
    if result.mode == "hidden":
        return (
            f"Graded with hidden checks on fresh random inputs (seed {result.seed}); "
            "the public checks in your notebooks use fixed inputs."
        )
    if result.mode == "public":
        return "Graded with the public checks (the same as `check(...)` in the notebooks)."
    if result.mode == "absent":
        return "Not graded: no submission was found for you."
    return "Not graded: the grader itself failed, so no check ran (needs review)."


def _summary_lines(result) -> list[str]:
    """The top of a student's feedback: total, how it was graded, problems, needs review."""
    lines = [f"# Feedback for {markdown(printable(result.submission))}", ""]
    lines.append(f"**Total: {total_words(result)}**")
    lines.append("")
    if result.late is not None:
        lines += [markdown(result.late.note), ""]
    overridden = [f for f in result.functions if f.override is not None]
    if overridden:
        lines.append(
            "Changed by your instructor: "
            + "; ".join(
                f"`{f.function}` {_points(f.override.graded_points)} → "
                f"{_points(f.override.points)} points ({markdown(f.override.reason)})"
                for f in overridden
                if f.override is not None
            )
            + "."
        )
        lines.append("")
    lines.append(graded_with(result))
    lines.append("")
    if result.isolation:
        lines.append(f"**Isolation:** {markdown(result.isolation)}.")
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
    return lines


def _lesson_lines(result, report: FunctionReport) -> list[str]:
    """A lesson's heading and its table of functions (Markdown)."""
    lines = [
        f"## {report.notebook}: {report.lesson_title}" + (" (bonus)" if report.bonus else ""),
        "",
        "| function | points | status |",
        "|---|---|---|",
    ]
    for r in (f for f in result.functions if f.lesson == report.lesson):
        status = f"{MARK.get(r.status, '')} {r.status}"
        if r.override is not None:
            status += f" (set to {_points(r.override.points)} by your instructor)"
        lines.append(f"| `{r.function}` | {_points(r.points)}/{_points(r.max_points)} | {status} |")
    lines.append("")
    return lines


def _check_lines(report: FunctionReport, text=markdown) -> list[str]:
    """Every check of a function with its points and message (or why nothing was checked),
    each text made safe by ``text`` (Markdown by default)."""
    if report.status in ("not implemented", "not defined"):
        message = report.checks[0].message if report.checks else report.status
        lines = [text(message, line_start=True) if text is markdown else text(message)]
    else:
        lines = []
        for record in report.checks:
            mark = MARK.get(record.status, "")
            shown = text(record.message) if record.status != "passed" else "passed"
            lines.append(
                f"- {mark} {text(record.label)} ({_points(record.points)}/{_points(record.max_points)}): {shown}"
            )
    if report.note:
        lines += ["", f"Note: {text(report.note)}"]
    return lines


def render_function_details(report: FunctionReport) -> str:
    """One function's feedback with every check listed, as plain text: the one-line summary,
    then the checks (Gradescope shows it as one test's output)."""
    summary = render_function(report)
    if report.status in ("not implemented", "not defined"):
        note = f"\n\nNote: {printable(report.note)}" if report.note else ""
        return summary + note + "\n"
    return summary + "\n\n" + "\n".join(_check_lines(report, printable)) + "\n"


def _lessons(result):
    """(report, starts a new lesson) for every function, in course order."""
    current = None
    for report in result.functions:
        yield report, report.lesson != current
        current = report.lesson


def render_markdown(result) -> str:
    """A student's feedback file: totals, then every function with every failing check."""
    lines = _summary_lines(result)
    for report, new_lesson in _lessons(result):
        if new_lesson:
            lines.extend(_lesson_lines(result, report))
        if report.status != "passed":
            lines += [f"### `{report.function}`", "", *_check_lines(report), ""]
    return "\n".join(lines).rstrip() + "\n"


HTML_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .6rem}"
    "code{background:#f4f4f4;padding:0 .2rem}"
    ".function{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem;"
    "border-top:1px solid #ddd;padding:.5rem 0}.function h3{grid-column:1/3;margin:.2rem 0}"
    ".function ul{margin:0;padding-left:1.2rem}"
    "pre.source{background:#f7f7f7;border:1px solid #e2e2e2;padding:.5rem;overflow-x:auto;"
    "font-size:.85rem;margin:0}pre.source code{background:none;padding:0}"
    "@media (max-width:48rem){.function{grid-template-columns:1fr}.function h3{grid-column:1}}"
)


def render_html(result) -> str:
    """The report as HTML, self-contained, for an LMS or a browser: each graded function's
    checks beside the code that was graded (escaped; never run by the page)."""
    import mistune

    to_html = mistune.create_markdown(escape=True, plugins=["table"])
    parts = [to_html("\n".join(_summary_lines(result)))]
    for report, new_lesson in _lessons(result):
        if new_lesson:
            parts.append(to_html("\n".join(_lesson_lines(result, report))))
        score = f"{_points(report.points)}/{_points(report.max_points)} points"
        checks = to_html("\n".join(_check_lines(report)))
        if report.source:
            source = printable(report.source, keep_newlines=True)
            code = f'<pre class="source"><code>{html.escape(source)}</code></pre>'
        else:
            code = '<p class="source">(no code was graded)</p>'
        parts.append(
            f'<section class="function"><h3>{MARK.get(report.status, "")} '
            f"<code>{html.escape(report.function)}</code>: {score}</h3>"
            f'<div class="checks">{checks}</div><div class="code">{code}</div></section>'
        )
    title = html.escape(f"Feedback for {one_line(result.submission)}")
    body = "\n".join(parts)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{HTML_STYLE}</style></head>\n<body>\n{body}</body></html>\n"
    )
