"""Presenter notes and expected answers never reach a student's screen or the room's.

Each lesson is opened in JupyterLab (with the course's settings) and used as a student
would, and as a lecturer would before a live demo:

1. **Run All** (running a Markdown cell renders it, and JupyterLab shows a collapsed cell's
   source again when it runs);
2. **a deck session**: the deck started from the toolbar, a few screens, Escape;
3. **Shift+Enter through the whole lesson**, cell after cell.

After each, no presenter-notes cell takes any room on the page, the text on screen holds
no "Presenter notes" and no line of any note (the expected answers: "*Expected:* **1995**"
under lesson 00's Exercise 5.1), and the notes cells are still there in the notebook (the
deck extension hides them by their metadata; the student edition leaves them out
altogether: tests/publish/test_release.py). Screenshots of each step are kept.
"""

from __future__ import annotations

import importlib.util
import json
import re
import time
from pathlib import Path

import pytest

from course.publish import slides

pytestmark = [pytest.mark.browser, pytest.mark.slow]

_spec = importlib.util.spec_from_file_location(
    "_browser_lesson_helpers_notes", Path(__file__).with_name("test_lessons_in_jupyterlab.py"))
helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helpers)

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

NOTES_JS = """
() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const notes = Array.from(panel.querySelectorAll('.jp-Notebook .jp-Cell.course-mod-notes'));
  return {
    marked: notes.length,
    shown: notes.filter(c => c.getClientRects().length > 0 || c.offsetHeight > 0)
      .map(c => Number(c.dataset.windowedListIndex)),
    text: panel.innerText,
    cells: panel.querySelectorAll('.jp-Notebook .jp-Cell').length,
  };
}
"""


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[*`_]", "", text).split())


def _note_lines(cells: list[dict]) -> list[str]:
    """Pieces of every note, as they would read on screen, that the lesson itself (its
    other cells) does not also say."""
    lesson = " ".join(_plain(slides.source(c)) for c in cells
                      if slides.slide_type(c) != "notes")
    found = []
    for cell in cells:
        if slides.slide_type(cell) != "notes":
            continue
        for line in slides.source(cell).splitlines()[1:]:
            plain = _plain(line)[:40]
            if len(plain) >= 25 and plain not in lesson:
                found.append(plain)
    return found


def _check(page, cells: list[dict], when: str) -> None:
    state = page.evaluate(NOTES_JS)
    expected = sum(slides.slide_type(c) == "notes" for c in cells)
    assert state["cells"] == len(cells), f"{when}: the notebook lost or gained cells"
    assert state["marked"] == expected, (
        f"{when}: {state['marked']} of {expected} notes cells are marked as notes")
    assert not state["shown"], f"{when}: notes cells {state['shown']} are on screen"
    text = " ".join(state["text"].split())
    assert "Presenter notes" not in text, f"{when}: 'Presenter notes' is on screen"
    leaked = [line for line in _note_lines(cells) if line in text]
    assert not leaked, f"{when}: lines of the notes are on screen: {leaked[:3]}"


def test_a_student_never_sees_presenter_notes(jupyterlab, lab_page, lesson):
    page = lab_page
    cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    n_code = sum(c["cell_type"] == "code" for c in cells)
    page.goto(jupyterlab.lab_url(lesson))
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=90_000)
    helpers._wait_kernel_idle(page)

    helpers._run_all(page)
    helpers._wait_all_cells_ran(page, n_code)
    page.screenshot(path=str(page.artifacts / "1-after-run-all.png"))
    _check(page, cells, "after Run All")

    page.locator(f"{PANEL} .jp-Cell[data-windowed-list-index='0']").click()
    page.locator(f"{PANEL} [data-command='deck:toggle']").first.click()
    page.wait_for_selector(".jp-NotebookPanel.jp-Deck", timeout=20_000)
    for _ in range(3):
        page.keyboard.press("PageDown")
        time.sleep(0.5)
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('.jp-NotebookPanel.jp-Deck')",
                           timeout=10_000)
    time.sleep(0.5)
    page.screenshot(path=str(page.artifacts / "2-after-a-deck.png"))
    _check(page, cells, "after a deck session")

    page.locator(f"{PANEL} .jp-Cell[data-windowed-list-index='0']").click()
    page.keyboard.press("Escape")  # command mode
    visible = sum(slides.slide_type(c) != "notes" for c in cells)
    for _ in range(visible - 1):  # (on the last cell, Shift+Enter would add a new one)
        page.keyboard.press("Shift+Enter")
        time.sleep(0.05)
    helpers._wait_kernel_idle(page, timeout_ms=180_000)
    time.sleep(1.0)
    page.screenshot(path=str(page.artifacts / "3-after-shift-enter.png"))
    _check(page, cells, "after Shift+Enter through the lesson")
    active = page.evaluate(
        "() => Number(document.querySelector('.jp-Notebook .jp-Cell.jp-mod-active')"
        ".dataset.windowedListIndex)")
    assert slides.slide_type(cells[active]) != "notes", "a notes cell became the active cell"
    assert active == max(i for i, c in enumerate(cells) if slides.slide_type(c) != "notes"), (
        f"Shift+Enter stopped at cell {active + 1}, not at the lesson's last cell")
