"""What an instructor gets around the grades: items.csv, report.html, the kept results that let
one student be regraded alone, the Canvas export, similar submissions, code in the feedback."""

from __future__ import annotations

import base64
import csv
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.conftest import LESSONS, ROOT, SOLUTIONS, write_submission

SEED = 777
WRONG_AXIS = (
    "def softmax(Z):\n    e = np.exp(Z - Z.max(axis=0, keepdims=True))\n"
    "    return e / e.sum(axis=0, keepdims=True)"
)
SUMMED = (
    "def cross_entropy(probs, y):\n    p = np.clip(probs[np.arange(len(y)), y], 1e-12, None)\n"
    "    return float(-np.sum(np.log(p)))"
)


def solution_cells(lessons: list[str]) -> dict[str, str]:
    from autograder.config import load_course

    course = load_course()
    cells = {}
    for lesson in lessons:
        nb = nbformat.read(SOLUTIONS / course.lesson(lesson).notebook, as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") and meta.get("grade_id"):
                cells[meta["grade_id"]] = cell.source
    return cells


def course_command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The solutions (alice), the untouched lessons (bob) and a half-done student (carol:
    lessons 01-03 written, with two classic mistakes, the rest untouched)."""
    root = tmp_path_factory.mktemp("class-report")
    subs = root / "submissions"
    write_submission(subs / "alice")
    write_submission(subs / "bob", source=LESSONS)
    done = solution_cells(["01_data", "02_activations", "03_forward"])
    done.update(softmax=WRONG_AXIS, cross_entropy=SUMMED)
    write_submission(subs / "carol", source=LESSONS, replacements=done)
    out = root / "out" / "grades.csv"
    run = course_command(
        "grade", str(subs), "--out", str(out), "--seed", str(SEED), "--quiet", "--lms", "canvas"
    )
    assert run.returncode == 0, run.stderr
    return subs, out, run


def test_items_csv_covers_every_check_and_every_function(graded, course):
    _, out, _ = graded
    rows = read_csv(out.parent / "items.csv")
    assert list(rows[0]) == [
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
    want = []
    for exercise in course.exercises:
        want += [(exercise.function, check) for check in exercise.checks]
        want.append((exercise.function, "(all checks)"))
    assert [(r["function"], r["check"]) for r in rows] == want
    assert len({r["function"] for r in rows}) == len(course.exercises)


def test_item_numbers_agree_with_grades_csv(graded, course):
    _, out, _ = graded
    grades = read_csv(out)
    items = read_csv(out.parent / "items.csv")
    whole = {r["function"]: r for r in items if r["check"] == "(all checks)"}
    for exercise in course.exercises:
        column = [float(g[exercise.function]) for g in grades]
        row = whole[exercise.function]
        assert float(row["max_points"]) == exercise.points
        assert float(row["mean_points"]) == pytest.approx(sum(column) / len(column), abs=1e-4)
        full = sum(1 for p in column if p == exercise.points) / len(column)
        zero = sum(1 for p in column if p == 0) / len(column)
        assert float(row["share_full"]) == pytest.approx(full, abs=1e-4)
        assert float(row["share_zero"]) == pytest.approx(zero, abs=1e-4)
        checks = [r for r in items if r["function"] == exercise.function and r is not row]
        assert sum(float(r["mean_points"]) for r in checks) == pytest.approx(
            float(row["mean_points"]), abs=1e-3
        )


def test_the_named_mistake_is_the_top_hint_of_its_items(graded):
    _, out, _ = graded
    items = {(r["function"], r["check"]): r for r in read_csv(out.parent / "items.csv")}
    softmax = items[("softmax", "(all checks)")]
    assert "axis=0" in softmax["top_hint"] and float(softmax["top_hint_share"]) == pytest.approx(
        1 / 3, abs=1e-4
    )
    assert softmax["top_mistake"] == "softmax.columns"  # the id, as data
    value = items[("cross_entropy", "test_cross_entropy_value")]
    assert "not the sum" in value["top_hint"]
    assert value["top_mistake"] == "cross_entropy.sum_not_mean"
    assert items[("relu", "(all checks)")]["top_hint"] == ""  # nobody got relu wrong
    assert items[("relu", "(all checks)")]["top_mistake"] == ""


def figures(page: str) -> list[bytes]:
    return [base64.b64decode(b) for b in re.findall(r'src="data:image/png;base64,([^"]+)"', page)]


def test_report_html_has_figures_mistakes_and_similar_pairs(graded):
    _, out, _ = graded
    page = (out.parent / "report.html").read_text(encoding="utf-8")
    pngs = figures(page)
    assert len(pngs) == 2 and all(
        p.startswith(b"\x89PNG\r\n\x1a\n") and len(p) > 5000 for p in pngs
    )
    assert "<script" not in page
    mistakes = page[page.index("cost the class the most points") : page.index("<h2>Students")]
    assert "axis=0" in mistakes and "not the sum" in mistakes
    assert "softmax.columns" in mistakes and "cross_entropy.sum_not_mean" in mistakes
    assert "The grader did not fail on any submission" in page
    similar = page[page.index("Identical or near-identical") :]
    assert "<td>alice</td><td>carol</td>" in similar  # carol's lessons 01-03 are alice's code
    assert "bob" not in similar  # untouched stubs are never compared
    assert f"seed {SEED}" in page
    totals = [float(g["total"]) for g in read_csv(out)]
    assert f"mean {sum(totals) / len(totals):.1f}, median" in page
    assert "over the 3 submissions with at least one lesson notebook" in page


def test_report_html_links_every_student_to_their_feedback(graded):
    _, out, _ = graded
    page = (out.parent / "report.html").read_text(encoding="utf-8")
    students = page[page.index("<h2>Students") : page.index("<h2>Needs review")]
    for name in ("alice", "bob", "carol"):
        assert f'<a href="feedback/{name}.html">{name}</a>' in students
        assert (out.parent / "feedback" / f"{name}.html").is_file()
    alice = students[students.index(">alice</a>") :].split("</tr>")[0]
    assert "62/62 required + 22 bonus = 84 points" in alice and "carol" in alice  # similar


def test_items_separate_not_attempted_from_attempted_and_wrong(graded):
    _, out, _ = graded
    items = {(r["function"], r["check"]): r for r in read_csv(out.parent / "items.csv")}
    softmax = items[("softmax", "(all checks)")]  # alice right, carol wrong, bob the stub
    assert softmax["counted"] == "3" and softmax["attempted"] == "2"
    assert float(softmax["share_not_attempted"]) == pytest.approx(1 / 3, abs=1e-4)
    assert float(softmax["share_attempted_wrong"]) == pytest.approx(0.5)
    assert float(softmax["mean_points_attempted"]) == pytest.approx(
        (3 + float(read_csv(out)[2]["softmax"])) / 2, abs=1e-4
    )
    relu = items[("relu", "(all checks)")]  # bob left it, alice and carol got it right
    assert float(relu["share_attempted_wrong"]) == 0 and relu["attempted"] == "2"
    forward = items[("backward", "(all checks)")]  # only alice wrote it (lesson 04)
    assert forward["attempted"] == "1" and float(forward["share_not_attempted"]) == pytest.approx(
        2 / 3, abs=1e-4
    )


def test_feedback_total_is_the_gradebook_total_for_every_student(graded):
    _, out, _ = graded
    for row in read_csv(out):
        markdown = (out.parent / "feedback" / f"{row['feedback_file']}.md").read_text()
        total_line = next(line for line in markdown.splitlines() if line.startswith("**Total:"))
        assert total_line.endswith(f" = {row['total']} points**") or total_line == (
            f"**Total: {row['required']}/62 points**"
        ), total_line
        assert float(row["total"]) == float(row["required"]) + float(row["bonus"])
        assert f"{row['required']}/62" in total_line
    alice = next(r for r in read_csv(out) if r["student"] == "alice")
    assert (alice["required"], alice["bonus"], alice["total"], alice["percent"]) == (
        "62",
        "22",
        "84",
        "135.5",
    )
    assert (
        "**Total: 62/62 required + 22 bonus = 84 points**"
        in (out.parent / "feedback" / "alice.md").read_text()
    )
    canvas = list(csv.reader((out.parent / "canvas.csv").open()))
    assert {r[3]: r[5] for r in canvas[2:]}["alice"] == "84"


def test_canvas_csv_is_canvas_gradebook_import(graded, course):
    _, out, _ = graded
    with (out.parent / "canvas.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", course.title]
    assert rows[1] == ["    Points Possible", "", "", "", "", f"{course.max_points:g}"]
    totals = {g["student"]: g["total"] for g in read_csv(out)}
    assert {r[3]: r[5] for r in rows[2:]} == totals


def test_only_regrades_one_student_and_updates_the_report(graded, tmp_path):
    subs, out, _ = graded
    copy = tmp_path / "out"
    shutil.copytree(out.parent, copy)
    before = read_csv(copy / "grades.csv")
    alice_feedback = (copy / "feedback" / "alice.md").stat().st_mtime_ns
    fixed = subs.parent / "fixed"
    shutil.copytree(subs, fixed)
    shutil.copy(SOLUTIONS / "02_activations.ipynb", fixed / "carol" / "02_activations.ipynb")
    run = course_command(
        "grade", str(fixed), "--out", str(copy / "grades.csv"), "--only", "carol", "--quiet"
    )
    assert run.returncode == 0, run.stderr
    assert "regraded carol" in run.stdout and f"seed {SEED}" in run.stdout
    old_total = next(r for r in before if r["student"] == "carol")["total"]
    assert f"total {old_total} → {float(old_total) + 3:g} (softmax 0 → 3)" in run.stdout
    kept = list((copy / "results" / "history" / "carol").glob("*.json"))
    assert len(kept) == 1  # the earlier result, kept
    from autograder.grading.engine.results import GradingResult

    earlier = GradingResult.from_json(kept[0].read_text())
    assert earlier.by_function()["softmax"].points == 0 and earlier.submission == "carol"
    audit = read_csv(copy / "audit.csv")
    change = [r for r in audit if r["student"] == "carol" and r["item"] == "softmax"]
    assert change and change[-1]["old"] == "0" and change[-1]["new"] == "3"
    assert change[-1]["why"] == "regraded (--only carol)"
    after = read_csv(copy / "grades.csv")
    assert [r for r in after if r["student"] != "carol"] == [
        r for r in before if r["student"] != "carol"
    ]
    carol = next(r for r in after if r["student"] == "carol")
    old = next(r for r in before if r["student"] == "carol")
    assert float(carol["softmax"]) == 3 and float(old["softmax"]) < 3
    assert float(carol["total"]) == float(old["total"]) + 3 - float(old["softmax"])
    assert (copy / "feedback" / "alice.md").stat().st_mtime_ns == alice_feedback
    items = {(r["function"], r["check"]): r for r in read_csv(copy / "items.csv")}
    assert items[("softmax", "(all checks)")]["top_hint"] == ""  # the mistake is gone


def test_only_without_kept_results_says_what_to_do(graded, tmp_path):
    subs, *_ = graded
    run = course_command("grade", str(subs), "--out", str(tmp_path / "g.csv"), "--only", "carol")
    assert run.returncode == 2
    assert "grade the whole class once" in run.stderr
    run = course_command("grade", str(subs), "--out", str(tmp_path / "g.csv"), "--only", "zed")
    assert run.returncode == 2 and "no such student in" in run.stderr
    run = course_command("grade", str(subs), "--out", str(tmp_path / "g.csv"), "--only", "Carl")
    assert run.returncode == 2 and "(did you mean carol?)" in run.stderr


# -- fast tests on made-up results -----------------------------------------------------------------


def made_up(name: str, sources: dict[str, str]):
    from autograder.grading.engine.results import CheckRecord, FunctionReport, GradingResult

    functions = []
    for function, source in sources.items():
        report = FunctionReport(function=function, lesson="02_activations", max_points=2)
        report.checks.append(CheckRecord(function, "test_x", "passed", "", 2, 2))
        report.source = source
        functions.append(report)
    return GradingResult(submission=name, functions=functions, seed=1, mode="hidden")


SOFTMAX = '''def softmax(Z):
    """Row-wise softmax."""
    shifted = Z - Z.max(axis=1, keepdims=True)  # stability
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    probabilities = exp / total
    assert probabilities.shape == Z.shape
    return probabilities
'''
RENAMED = """def softmax(logits):
    s = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(s)   # exponentiate
    t = e.sum(axis=1, keepdims=True)

    p = e / t
    assert p.shape == logits.shape
    return p
"""
OTHER = """def softmax(Z):
    out = np.empty_like(Z)
    for i in range(Z.shape[0]):
        row = Z[i] - np.max(Z[i])
        out[i] = np.exp(row) / np.sum(np.exp(row))
    return out
"""
STATEMENTS = [
    "Z = Z - np.max(Z, axis=1, keepdims=True)",
    "Z = np.exp(Z) / np.exp(Z).sum(1)[:, None]",
    "Z = np.clip(Z, -50.0, 50.0)",
    "n, k = Z.shape",
    "Z = Z.astype(np.float64)",
    "Z = np.where(Z > 0, Z, 0.01 * Z)",
    "Z = Z / np.linalg.norm(Z, axis=1, keepdims=True)",
    "Z = np.log1p(np.abs(Z)) * np.sign(Z)",
    "Z = Z.T.copy().T",
    "Z = np.nan_to_num(Z, nan=0.0)",
    "Z = np.sort(Z, axis=0)[::-1]",
    "Z = Z + np.eye(*Z.shape) * 1e-9",
    "Z = np.cumsum(Z, axis=1) - np.cumsum(Z, axis=1)[:, :1]",
    "Z = np.tanh(Z) ** 3",
    "Z = np.round(Z, decimals=7)",
    "Z = (Z - Z.mean()) / (Z.std() + 1e-12)",
]
FORWARD = """def forward(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ params["W2"] + params["b2"]
    probs = softmax(Z2)
    return probs, {"Z1": Z1, "A1": A1, "Z2": Z2}
"""


def test_names_comments_and_layout_do_not_hide_a_copy():
    from autograder.grading.reports.similarity import normalise

    assert normalise(SOFTMAX) == normalise(RENAMED)
    assert normalise(SOFTMAX) != normalise(OTHER)


def test_fifteen_identical_notebooks_in_a_class_of_forty_are_one_group():
    from autograder.grading.reports.similarity import find_similar

    results = [made_up(f"copy{i:02d}", {"softmax": SOFTMAX, "forward": FORWARD}) for i in range(15)]
    results.append(made_up("renamer", {"softmax": RENAMED, "forward": FORWARD}))
    rng = random.Random(5)
    for i in range(24):  # honest work: each its own way
        softmax = (
            "def softmax(Z):\n"
            + "".join(f"    {line}\n" for line in rng.sample(STATEMENTS, 8))
            + "    return Z\n"
        )
        forward = (
            "def forward(X, params):\n"
            + "".join(f"    {line}\n" for line in rng.sample(STATEMENTS, 8))
            + "    return X, {}\n"
        )
        results.append(made_up(f"honest{i:02d}", {"softmax": softmax, "forward": forward}))
    report = find_similar(results)
    assert report.groups[0] == sorted([f"copy{i:02d}" for i in range(15)] + ["renamer"])
    flagged = {p.first for p in report.pairs} | {p.second for p in report.pairs}
    assert not any(name.startswith("honest") for name in flagged)
    assert report.pairs[0].similarity == 1.0


def test_a_few_short_identical_lines_are_not_flagged():
    from autograder.grading.reports.similarity import find_similar

    relu = "def relu(Z):\n    return np.maximum(Z, 0)\n"
    report = find_similar([made_up("a", {"relu": relu}), made_up("b", {"relu": relu})])
    assert report.pairs == [] and report.groups == []


def test_canvas_export_matches_students_to_the_roster(tmp_path):
    from autograder.grading.classes.lms import read_roster, write_lms_file

    roster = tmp_path / "export.csv"
    roster.write_text(
        '"Student","ID","SIS User ID","SIS Login ID","Section","Quiz 1 (11)"\n'
        '"    Points Possible","","","","","10"\n'
        '"Smith, Ann","123","S-1","asmith","Period 2","9"\n'
        '"Jones, Bob","234","S-2","bjones","Period 2",""\n'
    )
    results = [made_up("asmith", {"relu": "x"}), made_up("=cmd()", {"relu": "x"})]
    export = write_lms_file(
        "canvas",
        results,
        tmp_path / "canvas.csv",
        assignment="Problem set 1 (4321)",
        points_possible=62,
        roster=read_roster(roster, "canvas"),
    )
    rows = list(csv.reader((tmp_path / "canvas.csv").open()))
    assert rows[0][-1] == "Problem set 1 (4321)"
    assert rows[2] == ["Smith, Ann", "123", "S-1", "asmith", "Period 2", "2"]
    assert rows[3][0] == "'=cmd()"  # never a formula in a spreadsheet
    assert rows[4] == ["Jones, Bob", "234", "S-2", "bjones", "Period 2", "0"]  # no submission
    assert export.unmatched == ["=cmd()"]


def test_an_lms_file_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    """Ctrl-C while the import file is written leaves the earlier file as it was (never half a
    file an LMS would import as the class's grades), and no partial file beside it."""
    import csv as csv_module

    from autograder.grading.classes.lms import write_lms_file

    path = tmp_path / "canvas.csv"
    path.write_text("the earlier export\n")
    real_writer = csv_module.writer

    class Interrupted:
        def __init__(self, handle, **kwargs):
            self.writer = real_writer(handle, **kwargs)

        def writerow(self, row):
            self.writer.writerow(row)

        def writerows(self, rows):
            raise KeyboardInterrupt

    monkeypatch.setattr(csv_module, "writer", Interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_lms_file(
            "canvas",
            [made_up("asmith", {"relu": "x"})],
            path,
            assignment="Problem set 1",
            points_possible=62,
        )
    assert path.read_text() == "the earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["canvas.csv"]


def test_mistakes_are_ranked_by_the_points_they_cost_not_by_how_often():
    from autograder.config import load_course
    from autograder.grading.engine.results import CheckRecord, FunctionReport, GradingResult
    from autograder.grading.reports.report import analyse

    course = load_course()

    def student(name: str, function: str, check: str, mistake: str, lost: float, waiting=()):
        exercise = course.exercise(function)
        report = FunctionReport.empty(exercise, course.lesson(exercise.lesson))
        for test, points in exercise.checks.items():
            if test == check:
                record = CheckRecord(function, test, "failed", "wrong", points - lost, points)
                record.hint, record.mistake = "the hint of " + mistake, mistake
            elif test in waiting:
                record = CheckRecord(function, test, "not checked yet", "", 0.0, points)
            else:
                record = CheckRecord(function, test, "passed", "", points, points)
            report.checks.append(record)
        result = GradingResult(name, [report], 1, "hidden", files={exercise.lesson: "x.ipynb"})
        return result

    # three students lose 0.5 each to a cheap mistake; one loses 1.25 + 1.25 held back
    results = [
        student(f"s{i}", "softmax", "test_softmax_large_logits", "cheap", 0.5) for i in range(3)
    ]
    results.append(
        student(
            "t",
            "cross_entropy",
            "test_cross_entropy_value",
            "costly",
            course.exercise("cross_entropy").checks["test_cross_entropy_value"],
            waiting=[
                c
                for c in course.exercise("cross_entropy").checks
                if c != "test_cross_entropy_value"
            ][:1],
        )
    )
    report = analyse(results, course, seed=1)
    assert [m.id for m in report.mistakes] == ["costly", "cheap"]
    costly, cheap = report.mistakes
    assert cheap.points == pytest.approx(1.5) and len(cheap.students) == 3
    held_back = course.exercise("cross_entropy").checks
    waiting = next(c for c in held_back if c != "test_cross_entropy_value")
    assert costly.points == pytest.approx(
        held_back["test_cross_entropy_value"] + held_back[waiting]
    )
    whole = {i.function: i for i in report.function_items}
    assert whole["cross_entropy"].top_mistake == ("costly", pytest.approx(costly.points))


def test_per_assignment_totals_when_ps1_and_ps2_are_graded_together():
    from autograder.config import load_course
    from autograder.grading.engine.results import CheckRecord, FunctionReport, GradingResult
    from autograder.grading.reports.report import analyse, render_report

    course = load_course()
    results = []
    for name, ps2_share in (("a", 1.0), ("b", 0.0)):
        functions = []
        for exercise in course.exercises:
            report = FunctionReport.empty(exercise, course.lesson(exercise.lesson))
            full = exercise.lesson == "01_data" or (
                exercise.lesson == "02_activations" and ps2_share
            )
            report.checks.append(
                CheckRecord(
                    exercise.function,
                    "t",
                    "passed" if full else "failed",
                    "",
                    exercise.points if full else 0,
                    exercise.points,
                )
            )
            functions.append(report)
        files = {"01_data": "ps1/01_data.ipynb", "02_activations": "ps2/02_activations.ipynb"}
        results.append(GradingResult(name, functions, 1, "hidden", files=files))
    report = analyse(results, course, seed=1)
    assert [(p.name, p.lessons, p.max_points, p.totals) for p in report.assignments] == [
        ("ps1", ["01_data"], 9.0, [9.0, 9.0]),
        ("ps2", ["02_activations"], 7.0, [7.0, 0.0]),
    ]
    page = render_report(report, course)
    assert "<h2>Per assignment</h2>" in page and "<code>ps2/</code>" in page
    one_folder = [
        GradingResult("c", results[0].functions, 1, "hidden", files={"01_data": "01_data.ipynb"})
    ]
    assert analyse(one_folder, course, seed=1).assignments == []


def test_html_feedback_shows_the_graded_code_escaped_beside_its_checks():
    from autograder.grading.reports.feedback import render_html

    result = made_up("dora", {"relu": "def relu(Z):\n    return '<script>alert(1)</script>'"})
    page = render_html(result)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    section = page[page.index('<section class="function">') :]
    assert section.index('class="checks"') < section.index('class="code"')


def test_a_similarity_is_the_same_in_every_process():
    """Shards and regrades run in other processes, where Python's string hashes differ: the
    fingerprints must not depend on them, or one pair gets two similarities."""
    script = (
        "from autograder.grading.reports.similarity import _Vocabulary, _fingerprint, _function_similarity"
        ", normalise\n"
        "v = _Vocabulary()\n"
        f"a = _fingerprint(tuple(normalise({SOFTMAX + FORWARD!r})), v)\n"
        f"b = _fingerprint(tuple(normalise({RENAMED + FORWARD.replace('Z2', 'out')!r})), v)\n"
        "print(repr(_function_similarity(a, b)))\n"
    )
    seen = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True,
            cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=120,
        )  # fmt: skip
        seen.add(done.stdout.strip())
    assert len(seen) == 1, seen
    assert 0.5 < float(seen.pop()) < 1.0
