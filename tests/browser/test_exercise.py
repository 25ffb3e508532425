"""A student's path through problem set 1, in real JupyterLab in Chromium, offline.

The student version ``exercises/ps1/ps1.ipynb`` (as ``course assign`` writes it) is
copied to a fresh, uniquely named folder under ``test-artifacts/`` (inside the served
project root, git-ignored, deleted afterwards), opened, and run with Run All Cells. Then:

* the ungraded explorer cell (tagged ``explorer``) shows a chart, and moving one of its
  controls redraws it;
* ``check("q1")`` on the blank answer (still ``...``) says the public checks did not
  pass and names what to fix;
* the reference answer for q1 — the solution cell of ``solutions/ps1/ps1.ipynb`` without
  its prompt block and marker lines — is put into q1's answer cell through the cell
  editor, that cell and the check cell are run, and the check reports every public
  check passed;
* nothing was fetched from beyond 127.0.0.1 and the exercise on disk is untouched.

Uses the ``jupyterlab`` and ``lab_page`` fixtures of ``tests/browser/conftest.py`` and
the helpers of ``test_lessons_in_jupyterlab.py`` (loaded from its file: the suite runs
with ``--import-mode=importlib``, so test modules are not importable by name).
"""

from __future__ import annotations

import importlib.util
import json
import re
import secrets
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from course.paths import EXERCISES_DIR, PROJECT_ROOT, SOLUTIONS_DIR

pytestmark = [pytest.mark.browser, pytest.mark.needs("solutions")]

EXERCISE = EXERCISES_DIR / "ps1" / "ps1.ipynb"
SOLUTION = SOLUTIONS_DIR / "ps1" / "ps1.ipynb"
QUESTION = "q1"
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
OUTPUT_TIMEOUT_S = 30
CHART_CHANGE_TIMEOUT_S = 20


def _load_lesson_helpers():
    path = Path(__file__).with_name("test_lessons_in_jupyterlab.py")
    spec = importlib.util.spec_from_file_location("_browser_lesson_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


helpers = _load_lesson_helpers()


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def _answer_index(cells: list[dict], question: str) -> int:
    found = [i for i, c in enumerate(cells)
             if c.get("metadata", {}).get("course", {}).get("question") == question]
    assert len(found) == 1, f"expected one answer cell for {question}, found {found}"
    return found[0]


def _check_index(cells: list[dict], question: str) -> int:
    found = [i for i, c in enumerate(cells)
             if c["cell_type"] == "code" and _text(c).strip() == f'check("{question}")']
    assert found, f'no check("{question}") cell'
    return found[0]


def _explorer_index(cells: list[dict]) -> int:
    found = [i for i, c in enumerate(cells) if "explorer" in c.get("metadata", {}).get("tags", [])]
    assert len(found) == 1, f"expected one cell tagged 'explorer', found {found}"
    return found[0]


def reference_answer(question: str) -> str:
    """The solution's answer cell without the prompt block and the marker lines."""
    cell = _cells(SOLUTION)[_answer_index(_cells(SOLUTION), question)]
    kept, in_prompt = [], False
    for line in _text(cell).splitlines():
        marker = line.strip()
        if marker == "# BEGIN PROMPT":
            in_prompt = True
        elif marker == "# END PROMPT":
            in_prompt = False
        elif not in_prompt and marker not in ("# BEGIN SOLUTION", "# END SOLUTION"):
            kept.append(line)
    assert kept, f"the solution's {question} cell is empty"
    return "\n".join(kept)


def test_reference_answer_is_the_solution_without_markers():
    """The helper feeding the browser test: solution code in, every marker out."""
    answer = reference_answer(QUESTION)
    assert "majors_1913 =" in answer
    assert "BEGIN" not in answer and "END" not in answer and "# majors_1913" not in answer
    blank = _text(_cells(EXERCISE)[_answer_index(_cells(EXERCISE), QUESTION)])
    assert "..." in blank and answer != blank, "the exercise's q1 cell should still be blank"


def _output_text(cell) -> str:
    return cell.locator(".jp-OutputArea").inner_text()


def _wait_output(cell, pattern: re.Pattern, what: str) -> str:
    deadline = time.monotonic() + OUTPUT_TIMEOUT_S
    text = ""
    while time.monotonic() < deadline:
        text = _output_text(cell)
        if pattern.search(text):
            return text
        time.sleep(0.2)
    pytest.fail(f"{what}: no output matching {pattern.pattern!r} after {OUTPUT_TIMEOUT_S} s; "
                f"output was {text!r}")


def _run_cell(page, cell) -> None:
    """Select a cell's editor and run it in place (Ctrl+Enter), as a student would."""
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputArea-editor .cm-content").click()
    page.keyboard.press("Control+Enter")


@pytest.fixture
def exercise_copy():
    """A copy of the student notebook in a fresh, git-ignored folder, removed afterwards."""
    folder = PROJECT_ROOT / "test-artifacts" / f"exercise-run-{secrets.token_hex(6)}"
    folder.mkdir(parents=True)
    try:
        copy = folder / EXERCISE.name
        shutil.copyfile(EXERCISE, copy)
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_student_runs_explores_and_self_checks_ps1(exercise_copy, jupyterlab, lab_page,
                                                    record_property):
    page = lab_page
    saved = EXERCISE.read_bytes()
    cells = _cells(exercise_copy)
    n_code = sum(c["cell_type"] == "code" for c in cells)
    answer_at, check_at = _answer_index(cells, QUESTION), _check_index(cells, QUESTION)
    explorer_at = _explorer_index(cells)
    assert answer_at < check_at

    times = helpers._open_and_run_all(page, jupyterlab, exercise_copy, n_code,
                                      wait_for_chart=True)
    for name, seconds in times.items():
        record_property(name, round(seconds, 2))
    notebook = page.locator(f"{PANEL} .jp-Notebook")
    assert notebook.locator(".jp-Cell").count() == len(cells)

    def cell_at(index: int):
        return notebook.locator(f".jp-Cell[data-windowed-list-index='{index}']")

    # Blank answers are `...`, not errors: Run All must reach the end without a traceback.
    tracebacks = notebook.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        has_text="Traceback")
    assert tracebacks.count() == 0, f"a cell raised an error:\n{tracebacks.first.inner_text()}"

    # The ungraded explorer: a chart that redraws when a control moves.
    explorer = cell_at(explorer_at)
    explorer.scroll_into_view_if_needed()
    try:
        explorer.locator(".vega-embed canvas, .vega-embed svg.marks").first.wait_for(
            timeout=30_000)
    except PlaywrightTimeout:
        pytest.fail(f"the explorer cell (cell {explorer_at}) shows no chart")
    before = explorer.evaluate(helpers.CHART_SIGNATURE_JS)
    assert helpers._drawn(before), "the explorer shows no rendered chart"
    explorer.screenshot(path=str(page.artifacts / "explorer-before.png"))
    moved = helpers._move_a_control(explorer)
    deadline = time.monotonic() + CHART_CHANGE_TIMEOUT_S
    after = before
    while time.monotonic() < deadline and (after == before or not helpers._drawn(after)):
        time.sleep(0.2)
        after = explorer.evaluate(helpers.CHART_SIGNATURE_JS)
    explorer.screenshot(path=str(page.artifacts / "explorer-after.png"))
    assert after != before, f"moving the explorer ({moved}) did not change its chart"
    assert helpers._drawn(after), f"after moving the explorer ({moved}) no chart is drawn"

    # The self-check on the blank answer: not passed, and says what to fix.
    check_cell = cell_at(check_at)
    check_cell.scroll_into_view_if_needed()
    blank = _wait_output(check_cell, re.compile(rf"{QUESTION}: \d+ of \d+ public check"),
                         "check on the blank answer")
    assert re.search(rf"{QUESTION}: 0 of [1-9]\d* public checks? passed", blank), blank
    assert "majors_1913" in blank and "..." in blank, \
        f"the check should name the variable still set to `...`:\n{blank}"
    assert "✗" in blank and "all" not in blank.split("\n")[0], blank
    check_cell.screenshot(path=str(page.artifacts / "check-blank.png"))

    # Put the reference answer into q1's answer cell through the editor and run it.
    answer_cell = cell_at(answer_at)
    answer_cell.scroll_into_view_if_needed()
    editor = answer_cell.locator(".jp-InputArea-editor .cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(reference_answer(QUESTION))  # like a paste: no auto-indent
    typed = editor.inner_text()
    assert "sorted(set(" in typed and "= ..." not in typed, f"editor shows:\n{typed}"
    page.keyboard.press("Control+Enter")
    answer_output = _wait_output(answer_cell, re.compile(r"\['\w{3}'"), "the q1 answer cell")
    assert "Traceback" not in answer_output, answer_output

    _run_cell(page, check_cell)
    passed = _wait_output(check_cell,
                          re.compile(rf"{QUESTION}: (all \d+ public checks|the public check) "
                                     "passed"), "check on the reference answer")
    assert "✗" not in passed, passed
    check_cell.screenshot(path=str(page.artifacts / "check-passed.png"))

    blocked = page.record.blocked
    record_property("blocked_requests", len(blocked))
    assert not blocked, f"the exercise tried to reach the network: {blocked}"
    assert EXERCISE.read_bytes() == saved, "the browser session wrote to the exercise"
