"""The notebook reader: definitions only, found by name, one bad cell costs only itself."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.notebooks import (
    MAX_NOTEBOOK_BYTES,
    MAX_SOURCE_CHARS,
    NotebookError,
    names_used,
    parse_notebook,
    read_notebook,
    select_for,
)
from tests.conftest import ROOT


def _notebook(*cells: str) -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    return nbformat.writes(nb).encode()


def _read(*cells: str):
    return parse_notebook(_notebook(*cells), Path("lesson.ipynb"))


def test_only_definitions_are_kept():
    source = _read(
        "import numpy as np\nfrom math import pi",
        "RATE = 0.5\nSIZES = (784, 10)\nrate2 = RATE * 2",
        "def f(x):\n    return x + 1\n\nclass Net:\n    pass",
        "for i in range(10**9):\n    pass\nplt.plot([1])\nname = input('who?')\ndata = load_everything()",
    )
    assert source.defined_names() == {"np", "pi", "RATE", "SIZES", "rate2", "f", "Net"}
    assert "range(10**9)" not in _kept(source)
    assert "input(" not in _kept(source)


def test_a_syntax_error_costs_only_its_cell():
    source = _read(
        "def good(x):\n    return x", "def bad(x)\n    return x", "def also_good():\n    pass"
    )
    assert source.defined_names() == {"good", "also_good"}
    assert len(source.problems) == 1
    assert 'cell "def bad(x)"' in source.problems[0] and "`bad`" in source.problems[0]
    assert "syntax error" in source.problem_for("bad")


def test_magics_and_shell_lines_do_not_break_a_cell():
    source = _read(
        "%matplotlib inline\n!pip list\nimport numpy as np\n\ndef f(x):\n    return np.abs(x)"
    )
    assert {"np", "f"} <= source.defined_names()


def test_later_definitions_win_and_cells_may_move():
    source = _read(
        "def helper():\n    return 2",
        "def f():\n    return helper()",
        "def helper():\n    return 3",
    )
    chosen = select_for(source.definitions, "f")
    assert [d.source for d in chosen] == [
        "def helper():\n    return 2",
        "def f():\n    return helper()",
        "def helper():\n    return 3",
    ]


def test_select_for_takes_only_what_a_function_uses():
    source = _read(
        "import numpy as np\nimport seaborn as sns",
        "def g(x):\n    return np.exp(x)",
        "def f(x):\n    return g(x) + 1",
        "def unrelated():\n    return sns",
    )
    chosen = {n for d in select_for(source.definitions, "f") for n in d.names}
    assert chosen == {"np", "g", "f"}
    assert "sns" not in chosen
    assert names_used(source.definitions, "f") >= {"g", "np"}


def test_a_lambda_assignment_counts_as_a_definition():
    source = _read("import numpy as np\nrelu = lambda Z: np.maximum(Z, 0)")
    assert "relu" in source.defined_names()


def test_an_assignment_with_a_call_is_not_run():
    source = _read("X = np.load('big.npy')\nparams = train(X)")
    assert source.defined_names() == set()


def test_notebook_imports_are_kept_apart():
    source = _read("relu, softmax = import_functions('02_activations.ipynb', 'relu', 'softmax')")
    assert [d.kind for d in source.definitions] == ["notebook-import"]
    assert "import_functions" not in _kept(source)
    assert "import_functions" in _kept(source, notebook_imports=True)


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"{not json", "not valid notebook json"),
        (b"[1, 2]", "json list"),
        (b'{"metadata": {}}', "has no 'cells'"),
        (b'{"cells": "abc", "nbformat": 4}', "not a list"),
        (b'{"cells": [], "nbformat": 4}', "has no cells"),
        (b'{"cells": [1], "nbformat": 5}', "nbformat 5"),
        (b"\xff\xfe{}", "not utf-8"),
    ],
)
def test_unreadable_notebooks_get_a_clear_message(raw, message):
    with pytest.raises(NotebookError) as error:
        parse_notebook(raw, Path("03_forward.ipynb"))
    assert message in str(error.value).lower()
    assert "03_forward.ipynb" in str(error.value)


def test_nbformat_3_is_converted(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("def f(x):\n    return x")]
    old = nbformat.convert(nb, 3)
    path = tmp_path / "old.ipynb"
    path.write_text(nbformat.writes(old, version=3))
    assert "f" in read_notebook(path).defined_names()


def test_source_as_a_list_of_lines_is_read():
    raw = json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [
                {
                    "cell_type": "code",
                    "metadata": {},
                    "outputs": [],
                    "execution_count": None,
                    "source": ["def f(x):\n", "    return x\n"],
                }
            ],
        }
    ).encode()
    assert "f" in parse_notebook(raw, Path("x.ipynb")).defined_names()


def test_a_missing_file_is_a_notebook_error(tmp_path):
    with pytest.raises(NotebookError):
        read_notebook(tmp_path / "nope.ipynb")


# -- cells named as Jupyter shows them ---------------------------------------------------------------


def _notebook_with_counts(*cells: tuple[str, int | None]) -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.cells = []
    for source, count in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.execution_count = count
        nb.cells.append(cell)
    return nbformat.writes(nb).encode()


def test_a_cell_is_named_by_its_execution_count():
    raw = _notebook_with_counts(("import numpy as np", 3), ("def forward(X):\n    return X", 7))
    source = parse_notebook(raw, Path("03_forward.ipynb"))
    labels = {d.names[0]: d.label for d in source.definitions}
    assert labels == {"np": "03_forward.ipynb, In [3]", "forward": "03_forward.ipynb, In [7]"}


def test_without_execution_counts_a_cell_is_named_by_its_first_line():
    raw = _notebook_with_counts(
        ("\n# the forward pass\ndef forward(X, params):\n    return X", None),
        ("import numpy as np", None),
        ("import numpy as np\nimport math", None),
        ("def twice(x)\n    return 2 * x", None),
    )
    source = parse_notebook(raw, Path("03_forward.ipynb"))
    labels = [d.label for d in source.definitions]
    assert labels == [
        '03_forward.ipynb, cell "# the forward pass"',
        '03_forward.ipynb, cell "import numpy as np"',
        '03_forward.ipynb, cell "import numpy as np" (2nd)',
        '03_forward.ipynb, cell "import numpy as np" (2nd)',
    ]
    assert source.problems[0].startswith('cell "def twice(x)" has a syntax error at line 1')


def test_execution_counts_that_repeat_are_not_used():
    raw = _notebook_with_counts(("def f():\n    pass", 4), ("def g():\n    pass", 4))
    labels = [d.label for d in parse_notebook(raw, Path("a.ipynb")).definitions]
    assert labels == ['a.ipynb, cell "def f():"', 'a.ipynb, cell "def g():"']


# -- any parse failure costs only its cell ----------------------------------------------------------

# Real sources that make CPython 3.11's parser fail other than with a SyntaxError.
TOO_DEEP = {
    "MemoryError": "x = " + "-" * 100_000 + "1",
    "RecursionError": "x = a" + ".b" * 200_000,
}


@pytest.mark.parametrize("kind", list(TOO_DEEP))
def test_a_cell_python_cannot_parse_costs_only_that_cell(kind):
    with pytest.raises(Exception) as raised:
        compile(TOO_DEEP[kind], "<cell>", "exec", flags=ast.PyCF_ONLY_AST)
    assert type(raised.value).__name__ == kind  # the source really fails this way
    source = _read("def good(x):\n    return x", TOO_DEEP[kind] + "\ndef lost():\n    pass")
    assert source.defined_names() == {"good"}
    assert "nested too deeply" in source.problems[0] and "`lost`" in source.problems[0]


@pytest.mark.parametrize("error", [MemoryError, RecursionError, ValueError, SyntaxError])
def test_every_kind_of_parse_failure_is_caught(error, monkeypatch):
    from autograder import notebooks

    real = notebooks.parse_python

    def parse(text):
        if "broken" in text:
            raise error("the parser gave up")
        return real(text)

    monkeypatch.setattr(notebooks, "parse_python", parse)
    source = _read("def good(x):\n    return x", "def broken():\n    pass")
    assert source.defined_names() == {"good"}
    assert "`broken`" in source.problems[0]


# -- reading is linear --------------------------------------------------------------------------------


def test_a_long_lambda_is_read_in_one_pass(monkeypatch):
    """Counts the AST nodes the reader visits; the old reader visited each about once per call."""
    cell = "relu = lambda Z: " + " + ".join(f"g{i}(Z)" for i in range(1500))  # 15 KB
    nodes = sum(1 for _ in ast.walk(ast.parse(cell)))
    visits = 0
    real = ast.iter_child_nodes

    def counting(node):
        nonlocal visits
        visits += 1
        return real(node)

    monkeypatch.setattr(ast, "iter_child_nodes", counting)
    source = _read(cell)
    assert source.defined_names() == {"relu"}
    assert visits <= 3 * nodes, f"{visits} node visits for {nodes} nodes"


def test_a_cell_of_many_statements_is_read_in_linear_time(tmp_path):
    """20,000 statements: about a second when linear, a quarter of an hour when quadratic."""
    cell = "\n".join(f"x_{i} = {i}" for i in range(20_000))
    path = tmp_path / "many.ipynb"
    path.write_bytes(_notebook(cell))
    script = (
        "import sys; from autograder.notebooks import read_notebook; "
        "print(len(read_notebook(sys.argv[1]).definitions))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=120,  # generous: a loaded machine reads it in a few seconds
        check=True,
    )
    assert done.stdout.strip() == "20000"


# -- only regular files, and outputs do not count ---------------------------------------------------


def _solution_bytes() -> bytes:
    return (ROOT / "solutions" / "02_activations.ipynb").read_bytes()


def test_a_folder_fifo_or_device_is_refused_without_blocking(tmp_path):
    (tmp_path / "folder.ipynb").mkdir()
    os.mkfifo(tmp_path / "fifo.ipynb")  # opening it for reading would block
    (tmp_path / "zero.ipynb").symlink_to("/dev/zero")  # reading it would never end
    for name, kind in [("folder", "a folder"), ("fifo", "FIFO"), ("zero", "a device")]:
        with pytest.raises(NotebookError) as error:
            read_notebook(tmp_path / f"{name}.ipynb")
        assert kind in str(error.value), str(error.value)


def test_a_symbolic_link_out_of_the_folder_is_not_followed(tmp_path):
    student = tmp_path / "student"
    student.mkdir()
    (tmp_path / "elsewhere.ipynb").write_bytes(_solution_bytes())
    (student / "02_activations.ipynb").symlink_to(tmp_path / "elsewhere.ipynb")
    with pytest.raises(NotebookError) as error:
        read_notebook(student / "02_activations.ipynb", within=student)
    assert "outside the submission folder" in str(error.value)
    (student / "copy.ipynb").write_bytes(_solution_bytes())
    (student / "inside.ipynb").symlink_to("copy.ipynb")
    assert "relu" in read_notebook(student / "inside.ipynb", within=student).defined_names()


def test_large_outputs_do_not_count_against_a_notebook(tmp_path):
    data = json.loads(_solution_bytes())
    code = next(c for c in data["cells"] if c["cell_type"] == "code")
    code["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": ["x" * 1000 + "\n"] * 30_000}
    ]
    path = tmp_path / "02_activations.ipynb"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert path.stat().st_size > 30_000_000
    source = read_notebook(path)
    assert {"relu", "relu_derivative", "softmax"} <= source.defined_names()
    assert not source.problems


def test_a_file_past_the_size_cap_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "02_activations.ipynb"
    with path.open("wb") as handle:  # sparse: nothing is written to disk
        handle.truncate(MAX_NOTEBOOK_BYTES + 1)
    with pytest.raises(NotebookError) as error:
        read_notebook(path)
    assert "not read at all" in str(error.value) and "memory" in str(error.value)


def test_code_past_the_source_cap_costs_only_its_cell():
    huge = "def huge():\n    return 1\n" + "# padding\n" * (MAX_SOURCE_CHARS // 10)
    source = _read("def good(x):\n    return x", huge, "def after():\n    pass")
    assert source.defined_names() == {"good", "after"}
    assert "MB of code" in source.problems[0] and "`huge`" in source.problems[0]


def _kept(source, *, notebook_imports: bool = False) -> str:
    """The code the reader keeps from a notebook, as one text."""
    return "\n".join(
        d.source for d in source.definitions if notebook_imports or d.kind != "notebook-import"
    )
