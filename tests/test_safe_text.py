"""Text from names and student code is data: every renderer takes any str and opens nothing."""

from __future__ import annotations

import os
import random
import re

import mistune
import pytest

from autograder.safe_text import (
    csv_cell,
    file_name,
    markdown,
    one_line,
    printable,
    unique_file_names,
)


def _any_text(count: int = 400, seed: int = 7) -> list[str]:
    """Strings of any code points (lone surrogates, controls, bidi overrides, separators),
    mixed with the characters Markdown, HTML and spreadsheets treat specially."""
    rng = random.Random(seed)
    special = list("#>-+*=_~`|[]()<>!&\\\n\r\t@ 1.") + ["\u2028", "\u202e", "\udcff", "\x1b"]
    texts = ["", "# x", "1. x", "```", "- [a](javascript:alert(1))", "<script>x</script>"]
    for _ in range(count):
        length = rng.randint(1, 40)
        texts.append(
            "".join(
                rng.choice(special) if rng.random() < 0.5 else chr(rng.randint(0, 0x10FFFF))
                for _ in range(length)
            )
        )
    return texts


ANY_TEXT = _any_text()


def test_every_rule_takes_any_str_and_gives_encodable_text():
    for text in ANY_TEXT:
        _renders_as_encodable_text(text)


def _renders_as_encodable_text(text):
    for rendered in (printable(text), one_line(text), markdown(text), csv_cell(text)):
        rendered.encode("utf-8")  # no lone surrogates left
        assert "\n" not in rendered and "\r" not in rendered
    printable(text, keep_newlines=True).encode("utf-8")


def test_markdown_text_renders_without_markup():
    render = mistune.create_markdown(escape=True, plugins=["table"])
    for text in ANY_TEXT:
        _has_no_markup(render("- " + markdown(text, line_start=True)), text)


def _has_no_markup(html, text):
    for tag in (
        "<a ",
        "<img",
        "<script",
        "<h1",
        "<h2",
        "<table",
        "<blockquote",
        "<ol",
        "<hr",
        "<pre",
    ):
        assert tag not in html, (text, html)


def test_a_message_at_the_start_of_a_line_cannot_become_a_block():
    render = mistune.create_markdown(escape=True, plugins=["table"])
    for text in ANY_TEXT:
        html = render(markdown(text, line_start=True))
        assert not html.strip() or html.startswith("<p>"), (text, html)


def test_file_names_are_portable_whatever_the_name():
    for text in ANY_TEXT:
        _is_portable(file_name(text))


def _is_portable(name):
    assert 1 <= len(name.encode("utf-8")) <= 80
    assert re.fullmatch(r"[\w.-]+", name) and name.isprintable(), name
    assert not name.startswith((".", "-"))


def test_plain_names_are_kept_and_others_get_a_hash():
    assert file_name("alice") == "alice"
    assert file_name("Zoë_Müller-2") == "Zoë_Müller-2"
    assert file_name("../../etc/passwd").startswith("etc_passwd-")
    assert file_name("CON") != "CON"
    assert file_name(os.fsdecode(b"caf\xe9")) != file_name(os.fsdecode(b"caf\xe8"))
    assert len(file_name("n" * 251)) <= 80


def test_unique_file_names_stay_unique_also_ignoring_case():
    names = unique_file_names(["alice", "Alice", "alice", "a/b", "a\\b"])
    assert len({n.casefold() for n in names}) == 5


@pytest.mark.parametrize(
    "value, cell",
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+1 555", "'+1 555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'=1"),
        ("\r=1", "'=1"),
        ("alice", "alice"),
        ("a=b", "a=b"),
    ],
)
def test_csv_cells_never_start_a_formula(value, cell):
    assert csv_cell(value) == cell


def test_names_that_are_not_utf8_show_their_bytes():
    assert printable(os.fsdecode(b"caf\xe9")) == "caf\\xe9"
    assert printable("a\nb\x1b[2J\u202eevil") == "a\\nb\\x1b[2J\\u202eevil"
    assert one_line("two\n\nlines\t here") == "two lines here"


def test_the_renderers_take_any_text_from_students():
    """Names, messages, notes and problems that hold anything: rendered, encodable, one line each."""
    from autograder.grading.engine.results import CheckRecord, FunctionReport, GradingResult
    from autograder.grading.reports.feedback import (
        render_function,
        render_html,
        render_markdown,
        render_table,
    )

    nasty = [t for t in ANY_TEXT if t][:60]
    for text in nasty:
        report = FunctionReport("relu", "02_activations", 2.0, notebook="02_activations.ipynb")
        report.checks = [
            CheckRecord("relu", "test_relu_values", "failed", text, 0.0, 1.0, title=text),
            CheckRecord("relu", "test_relu_shape", "passed", "", 1.0, 1.0),
        ]
        report.note = text
        result = GradingResult(text, [report], 1, "hidden", problems=[text], warnings=[text])
        markdown_text = render_markdown(result)
        for rendered in (
            markdown_text,
            render_html(result),
            render_table([result], verbose=True),
            render_function(report),
        ):
            rendered.encode("utf-8")
        headings = [line for line in markdown_text.splitlines() if line.startswith("#")]
        assert len(headings) == 5, headings  # title, problems, files, lesson, function: no more
