"""What a learner sees, in a real browser: lesson 02 executed, rendered, and looked at.

Lesson 02 is run as a learner has it half done (``relu_derivative`` right, ``softmax`` wrong,
``relu`` not started), in a kernel that draws its figures as Jupyter does, then rendered to HTML
with nbconvert (JupyterLab's own stylesheet; the outputs are those JupyterLab shows) and opened
in headless Chromium driven by selenium. The test reads the page as a learner would: what is
visible, in which colour, and where the figures are.

Debian's ``chromium`` and ``chromium-driver`` must be installed (``.ci/run`` installs them on a
CI machine); where they are absent the tests are skipped, saying so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nbclient
import nbformat
import pytest

from tests.conftest import LESSONS, SOLUTIONS, replace_function

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,2000",
)

RELU_DERIVATIVE = """
def relu_derivative(Z):
    Z = np.asarray(Z)
    dtype = Z.dtype if np.issubdtype(Z.dtype, np.floating) else np.float64
    return (Z > 0).astype(dtype)
"""
SOFTMAX_OVER_COLUMNS = """
def softmax(Z):
    exp = np.exp(Z - Z.max(axis=0, keepdims=True))
    return exp / exp.sum(axis=0, keepdims=True)
"""
COLUMNS_HINT = "It normalises each column (axis=0)"


def _needs_chromium() -> None:
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip(
            "Chromium is not installed: the browser tests need Debian's chromium and "
            "chromium-driver (apt-get install chromium chromium-driver; .ci/run does)"
        )
    try:
        import selenium  # noqa: F401
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e .[dev])")


def _execute(folder: Path, name: str) -> nbformat.NotebookNode:
    nb = nbformat.read(folder / name, as_version=4)
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the inline backend: figures as Jupyter shows them
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute(env=env)
    return nb


def _render(nb: nbformat.NotebookNode, path: Path) -> Path:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    _needs_chromium()
    folder = tmp_path_factory.mktemp("lessons")
    for path in LESSONS.glob("*.ipynb"):
        shutil.copy(path, folder / path.name)
    half_done = nbformat.read(folder / "02_activations.ipynb", as_version=4)
    replace_function(half_done, "relu_derivative", RELU_DERIVATIVE)
    replace_function(half_done, "softmax", SOFTMAX_OVER_COLUMNS)
    half_done.cells.append(nbformat.v4.new_code_cell('hint("softmax")'))
    nbformat.write(half_done, folder / "02_activations.ipynb")
    learner = _render(_execute(folder, "02_activations.ipynb"), folder / "learner.html")
    shutil.copy(SOLUTIONS / "02_activations.ipynb", folder / "02_activations.ipynb")
    finished = _render(_execute(folder, "02_activations.ipynb"), folder / "finished.html")
    return learner, finished


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    _needs_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # never let selenium look for drivers online
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()


def _open(browser, page: Path):
    from selenium.webdriver.common.by import By

    browser.get(page.as_uri())
    return browser.find_element(By.TAG_NAME, "body")


def _cells(browser):
    from selenium.webdriver.common.by import By

    return browser.find_elements(By.CSS_SELECTOR, ".jp-Cell.jp-CodeCell")


def _check_boxes(browser):
    from selenium.webdriver.common.by import By

    return {
        box.get_attribute("data-verdict"): box
        for box in browser.find_elements(By.CSS_SELECTOR, ".course-check")
    }


def _style(browser, element, prop: str) -> str:
    return browser.execute_script(
        "return getComputedStyle(arguments[0]).getPropertyValue(arguments[1]);", element, prop
    )


def test_three_checks_are_three_visibly_different_results(pages, browser):
    _open(browser, pages[0])
    boxes = _check_boxes(browser)
    assert set(boxes) == {"passed", "wrong", "not-started"}
    backgrounds = {_style(browser, box, "background-color") for box in boxes.values()}
    borders = {_style(browser, box, "border-left-color") for box in boxes.values()}
    assert len(backgrounds) == 3 and len(borders) == 3
    assert boxes["passed"].text.startswith("✓ passed\nrelu_derivative")
    assert boxes["wrong"].text.startswith("✗ wrong\nsoftmax\n0 / 3 points")
    assert boxes["not-started"].text.startswith("· not started\nrelu\n0 / 2 points")
    for box in boxes.values():
        assert box.is_displayed() and box.size["height"] > 10


def test_the_hint_shows_once_and_the_rest_is_folded(pages, browser):
    body = _open(browser, pages[0])
    wrong = _check_boxes(browser)["wrong"]
    assert wrong.text.count(COLUMNS_HINT) == 1
    assert body.text.count(COLUMNS_HINT) == 1  # the whole page: the hint once
    assert "more checks not passed" in wrong.text
    assert "large" not in wrong.text  # the second failure is folded away until clicked
    from selenium.webdriver.common.by import By

    wrong.find_element(By.TAG_NAME, "summary").click()
    assert "large" in wrong.text and wrong.text.count(COLUMNS_HINT) == 1


def test_feedback_text_wraps_at_words(pages, browser):
    _open(browser, pages[0])
    wrong = _check_boxes(browser)["wrong"]
    assert _style(browser, wrong, "word-break") == "normal"
    assert _style(browser, wrong, "white-space") == "pre-line"
    assert "sans" in _style(browser, wrong, "font-family") or "system-ui" in _style(
        browser, wrong, "font-family"
    )


def test_no_raw_markup_reaches_the_learner(pages, browser):
    body = _open(browser, pages[0])
    text = body.text
    for raw in ("<div", "</", "&lt;", "&gt;", "&amp;", "data-verdict", "**Hint"):
        assert raw not in text, raw
    assert "Hint 1 of 3 for softmax: the idea" in text  # hint("softmax") rendered as Markdown


def test_a_skipped_demonstration_shows_no_figure(pages, browser):
    from selenium.webdriver.common.by import By

    _open(browser, pages[0])
    skipped = [cell for cell in _cells(browser) if "⏭ skipped" in cell.text]
    assert skipped, "the ReLU plot should skip while relu is not started"
    assert any("relu is not implemented yet" in cell.text for cell in skipped)
    assert any("lesson 02 (02_activations.ipynb)" in cell.text for cell in skipped)
    for cell in skipped:
        assert cell.find_elements(By.CSS_SELECTOR, ".jp-OutputArea img") == []


def test_the_finished_lesson_draws_its_figure_where_the_learner_saw_none(pages, browser):
    """The same cell, with relu written: the browser does show a figure there, so the test
    above can see one when it is present."""
    from selenium.webdriver.common.by import By

    _open(browser, pages[1])
    plots = [cell for cell in _cells(browser) if "relu_derivative([-1, 0, 2])" in cell.text]
    assert len(plots) == 1
    images = plots[0].find_elements(By.CSS_SELECTOR, ".jp-OutputArea img")
    assert len(images) == 1 and images[0].size["width"] > 200
    assert set(_check_boxes(browser)) == {"passed"}


def test_chromium_runs_headless_with_the_stated_flags():
    _needs_chromium()
    done = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "Chromium" in done.stdout
