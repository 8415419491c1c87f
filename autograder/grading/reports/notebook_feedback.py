"""One function's feedback as Jupyter shows it: HTML a learner reads at a glance.

``check("softmax")`` returns a :class:`autograder.inline.Score` whose ``_repr_html_`` is
:func:`render_function_html`. It reads top to bottom, coarse to fine:

1. the verdict and the points, in colour: passed (green), wrong (red), not started (grey), not
   found (red), grader problem (purple), each with its own mark and word, so that colour is
   never the only sign;
2. for a wrong function, the first check that failed, its message, and its hint once;
3. the rest folded away (``<details>``): the other failed checks (a hint already shown is not
   repeated) and the checks that count once the values are right.

Text wraps at spaces, never inside a word or a number (Jupyter's text output breaks anywhere).
The plain-text feedback (:func:`autograder.grading.reports.feedback.render_function`) is unchanged;
this is a second rendering of the same report, and every text in it is escaped.
"""

from __future__ import annotations

import html

from autograder.grading.engine.results import (
    FAILED,
    NEEDS_REVIEW,
    NOT_CHECKED,
    NOT_DEFINED,
    NOT_IMPLEMENTED,
    PASSED,
    CheckRecord,
    FunctionReport,
)
from autograder.safe_text import printable

#: How each verdict looks: (CSS class, mark, word, text colour, background, accent).
VERDICTS = {
    PASSED: ("passed", "✓", "passed", "#1b5e20", "#e8f5e9", "#2e7d32"),
    FAILED: ("wrong", "✗", "wrong", "#b71c1c", "#ffebee", "#d32f2f"),
    NOT_IMPLEMENTED: ("not-started", "·", "not started", "#37474f", "#eceff1", "#90a4ae"),
    NOT_DEFINED: ("not-found", "✗", "not found", "#b71c1c", "#ffebee", "#d32f2f"),
    NEEDS_REVIEW: ("needs-review", "!", "grader problem", "#4a148c", "#f3e5f5", "#7b1fa2"),
}

_TEXT = (
    "font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:13px;line-height:1.45;"
    "white-space:pre-line;word-break:normal;overflow-wrap:break-word;max-width:60em"
)


def verdict_of(report: FunctionReport) -> str:
    """The verdict a learner reads: one of the keys of :data:`VERDICTS`."""
    status = report.status
    return status if status in VERDICTS else FAILED


def _points(value: float) -> str:
    return f"{value:g}"


def _text(value: str) -> str:
    return html.escape(printable(value, keep_newlines=True))


def _without_hint(record: CheckRecord) -> str:
    """The record's message without its trailing `` Hint: ...`` (shown on its own)."""
    suffix = f" Hint: {record.hint}"
    if record.hint and record.message.endswith(suffix):
        return record.message[: -len(suffix)]
    return record.message


def _bar(share: float, colour: str) -> str:
    return (
        '<span style="display:inline-block;width:7em;height:.6em;background:#e0e0e0;'
        'border-radius:.3em;overflow:hidden;vertical-align:middle" aria-hidden="true">'
        f'<span style="display:block;height:100%;width:{100 * share:.0f}%;'
        f'background:{colour}"></span></span>'
    )


def _header(report: FunctionReport, verdict: str) -> str:
    _, mark, word, ink, _, accent = VERDICTS[verdict]
    passed = sum(1 for c in report.checks if c.status == PASSED)
    share = report.points / report.max_points if report.max_points else 0.0
    return (
        '<div class="course-check-head" style="display:flex;flex-wrap:wrap;gap:.2em .7em;'
        'align-items:center">'
        f'<span class="course-check-verdict" style="color:{ink};font-weight:600">'
        f"{mark} {word}</span>"
        f'<code style="font-size:13px">{html.escape(report.function)}</code>'
        f'<b class="course-check-points">{_points(report.points)} / '
        f"{_points(report.max_points)} points</b>"
        f"{_bar(max(0.0, min(1.0, share)), accent)}"
        f'<span style="color:#546e7a">{passed} of {len(report.checks)} checks passed</span>'
        "</div>"
    )


def _hint_box(hint: str) -> str:
    return (
        '<div class="course-check-hint" style="margin-top:.35em;padding:.3em .6em;'
        'background:#fffde7;border-left:3px solid #f9a825">'
        f"<b>Hint:</b> {_text(hint)}</div>"
    )


def _failure_details(report: FunctionReport) -> str:
    failing = [c for c in report.checks if c.status not in (PASSED, NOT_CHECKED)]
    waiting = [c for c in report.checks if c.status == NOT_CHECKED]
    parts = []
    shown_hints: set[str] = set()
    if failing:
        first = failing[0]
        parts.append(
            f'<div class="course-check-first" style="margin-top:.35em"><b>{_text(first.label)}'
            f"</b>: {_text(_without_hint(first))}</div>"
        )
        if first.hint:
            parts.append(_hint_box(first.hint))
            shown_hints.add(first.hint)
    items = []
    for record in failing[1:]:
        mark = VERDICTS.get(record.status, VERDICTS[FAILED])[1]
        extra = ""
        if record.hint and record.hint not in shown_hints:
            extra = f"<br><i>Hint:</i> {_text(record.hint)}"
            shown_hints.add(record.hint)
        items.append(
            f"<li>{mark} <b>{_text(record.label)}</b>: {_text(_without_hint(record))}{extra}</li>"
        )
    groups: dict[str, list[CheckRecord]] = {}
    for record in waiting:
        reason = record.message.removeprefix("not checked yet: ").strip().rstrip(".")
        reason = reason.replace("this counts once ", "they count once ", 1)
        groups.setdefault(reason, []).append(record)
    for reason, records in groups.items():
        names = "".join(f"<li>○ {_text(c.label)}</li>" for c in records)
        items.append(
            f"<li>Not checked yet, {_text(reason)}:"
            f'<ul style="margin:.1em 0;padding-left:1.2em;list-style:none">{names}</ul></li>'
        )
    if items:
        more = max(len(failing) - 1, 0) + len(waiting)
        what = "more " if failing else ""
        parts.append(
            '<details class="course-check-more" style="margin-top:.35em">'
            f'<summary style="cursor:pointer;color:#546e7a">{more} {what}'
            f"check{'s' if more != 1 else ''} not passed</summary>"
            f'<ul style="margin:.2em 0;padding-left:1.3em">{"".join(items)}</ul></details>'
        )
    return "".join(parts)


def render_function_html(report: FunctionReport, *, hint_available: bool = False) -> str:
    """The feedback of one function as HTML (see the module's docstring).

    ``hint_available``: a staged hint exists for this function; a function that is not
    passed yet then says how to ask for it (``hint("softmax")``).
    """
    verdict = verdict_of(report)
    css, _, _, _, background, accent = VERDICTS[verdict]
    body = ""
    if verdict == FAILED:
        body = _failure_details(report)
    elif verdict in (NOT_IMPLEMENTED, NOT_DEFINED, NEEDS_REVIEW):
        message = report.checks[0].message if report.checks else ""
        if verdict == NEEDS_REVIEW:
            message = report.first_message or message
        if message and message != "not implemented yet":
            body = (
                f'<div class="course-check-first" style="margin-top:.35em">{_text(message)}</div>'
            )
    if hint_available and verdict in (FAILED, NOT_IMPLEMENTED):
        body += (
            '<div style="margin-top:.35em;color:#546e7a">Stuck? '
            f'<code>hint("{html.escape(report.function)}")</code> gives a hint in three steps: '
            "the idea, the approach, the shape of the code.</div>"
        )
    return (
        f'<div class="course-check course-check-{css}" data-verdict="{css}" '
        f'style="{_TEXT};background:{background};border-left:4px solid {accent};'
        f'padding:.4em .7em;margin:.2em 0;border-radius:2px">'
        f"{_header(report, verdict)}{body}</div>"
    )
