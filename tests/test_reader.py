"""The notebook reader: definitions only, found by name, one bad cell costs only itself."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from autograder.notebooks import (
    NotebookError,
    names_used,
    parse_notebook,
    read_notebook,
    select_for,
)


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
    assert "range(10**9)" not in source.module_source()
    assert "input(" not in source.module_source()


def test_a_syntax_error_costs_only_its_cell():
    source = _read(
        "def good(x):\n    return x", "def bad(x)\n    return x", "def also_good():\n    pass"
    )
    assert source.defined_names() == {"good", "also_good"}
    assert len(source.problems) == 1
    assert "code cell 2" in source.problems[0] and "`bad`" in source.problems[0]
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
    assert "import_functions" not in source.module_source()
    assert "import_functions" in source.module_source(include_notebook_imports=True)


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
