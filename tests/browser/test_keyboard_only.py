"""With the keyboard only: lesson 00's explorer, and problem set 1's check and submit.

No mouse event is sent. JupyterLab's command palette (Ctrl+Shift+C) runs the notebook,
the arrow keys move between cells, Tab and Shift+Tab move between an explorer's controls,
and the keys a student knows change them (a letter picks a dropdown's choice, the arrows
move a slider, a year is typed into a box and Enter pressed). After every key that moves
the focus, the focused element must show that it has it (WCAG 2.4.7 Focus Visible): an
outline, a changed border, shadow or background, JupyterLab's active-cell bar, or a text
cursor in an editor.

* Lesson 00: the explorer's chart and verdict change when its controls are changed from
  the keyboard, and the notebook keeps its cells (letters typed into a control never
  reach JupyterLab's shortcuts: c, v, x, d d would copy, paste or delete cells).
* Problem set 1 (a copy in a git-ignored folder): the q1 answer typed into its cell, the
  check run (all public checks pass), the notebook saved, and ``check.submit`` run: it
  writes the file to hand in.
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

from course.paths import EXERCISES_DIR, NOTEBOOKS_DIR, PROJECT_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

_spec = importlib.util.spec_from_file_location(
    "_browser_lesson_helpers_keys", Path(__file__).with_name("test_lessons_in_jupyterlab.py"))
helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helpers)

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
LESSON = NOTEBOOKS_DIR / "00-how-this-course-works.ipynb"
EXERCISE = EXERCISES_DIR / "ps1" / "ps1.ipynb"

#: Whether the focused element shows its focus: compared with a copy of itself that does
#: not have the focus (same parent, same classes), or JupyterLab's own signs of focus.
FOCUS_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {visible: false, what: 'nothing has the focus'};
  const what = (el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
    ? '.' + el.className.trim().split(/\\s+/).slice(0, 3).join('.') : '')
    + (el.getAttribute('aria-label') ? ` "${el.getAttribute('aria-label')}"` : ''));
  const cell = el.classList.contains('jp-Cell') ? el : null;
  if (cell && cell.classList.contains('jp-mod-active')) {
    const bar = cell.querySelector('.jp-Collapser');
    const colour = bar && getComputedStyle(bar).backgroundColor;
    return {visible: !!colour && colour !== 'rgba(0, 0, 0, 0)', what: what + ' (active cell)'};
  }
  if (el.closest('.cm-editor.cm-focused')) return {visible: true, what: what + ' (editor)'};
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
    && !/rgba\\(\\d+, \\d+, \\d+, 0\\)/.test(style.outlineColor);
  const copy = el.cloneNode(false);
  copy.removeAttribute('id');
  copy.setAttribute('tabindex', '-1');
  el.parentNode.insertBefore(copy, el);
  const plain = getComputedStyle(copy);
  const differs = ['boxShadow', 'borderTopColor', 'borderBottomColor', 'backgroundColor',
                   'outlineStyle', 'color'].filter(k => plain[k] !== style[k]);
  copy.remove();
  // An explorer's controls: the course's outline (course.css), not just a border colour.
  const control = !!el.closest('.jupyter-widgets');
  return {visible: control ? outline : outline || differs.length > 0, what, differs, outline};
}
"""


def _focus_shown(page, log: list[str]) -> None:
    state = page.evaluate(FOCUS_JS)
    log.append(f"{'ok ' if state['visible'] else 'NO '} {state['what']} "
               f"(outline: {state.get('outline')}, changed: {state.get('differs')})")
    assert state["visible"], f"the focus is not visible on {state['what']} ({state})"


def _palette(page, command: str) -> None:
    page.keyboard.press("Control+Shift+c")
    page.wait_for_selector(".lm-CommandPalette input", timeout=10_000)
    page.keyboard.type(command)
    time.sleep(0.3)
    page.keyboard.press("Enter")


def _active(page) -> int:
    return page.evaluate(
        "() => Number(document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) "
        ".jp-Cell.jp-mod-active').dataset.windowedListIndex)")


def _go_to_cell(page, index: int, log: list[str]) -> None:
    """Command mode, then the arrow keys until the cell is the active one."""
    page.keyboard.press("Escape")
    for _ in range(200):
        here = _active(page)
        if here == index:
            break
        page.keyboard.press("ArrowDown" if here < index else "ArrowUp")
    assert _active(page) == index, f"the arrow keys did not reach cell {index + 1}"
    time.sleep(0.2)
    _focus_shown(page, log)


def _open_run_all(page, jupyterlab, path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    page.goto(jupyterlab.lab_url(path))
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=90_000)
    helpers._wait_kernel_idle(page)
    page.keyboard.press("Escape")
    _palette(page, "Run All Cells")
    helpers._wait_all_cells_ran(page, sum(c["cell_type"] == "code" for c in cells))
    return cells


def test_lesson_00_explorer_with_the_keyboard_only(jupyterlab, lab_page):
    page, log = lab_page, []
    cells = _open_run_all(page, jupyterlab, LESSON)
    explorer = next(i for i, c in enumerate(cells)
                    if "explorer" in c.get("metadata", {}).get("tags", []))
    view = page.locator(f"{PANEL} .jp-Cell[data-windowed-list-index='{explorer}']")
    view.locator(".vega-embed svg.marks").first.wait_for(timeout=30_000)
    before = view.evaluate(helpers.CHART_SIGNATURE_JS)
    verdict = view.locator(".course-explorer-verdict").inner_text()

    # From the cell after the explorer, Shift+Tab walks back into the explorer's controls.
    after_explorer = next(i for i in range(explorer + 1, len(cells))
                          if (cells[i]["metadata"].get("slideshow") or {}).get("slide_type")
                          != "notes")  # (presenter notes are hidden, and skipped)
    _go_to_cell(page, after_explorer, log)
    reached = set()
    for _ in range(25):
        page.keyboard.press("Shift+Tab")
        time.sleep(0.15)
        _focus_shown(page, log)
        kind = page.evaluate(
            "() => { const e = document.activeElement; return e.closest('.widget-dropdown') ? "
            "'dropdown' : e.closest('.widget-slider') ? 'slider' : e.tagName === 'INPUT' ? "
            "'box' : e.closest('.jp-Cell') ? 'cell' : 'other'; }")
        if kind in ("dropdown", "slider", "box"):
            reached.add(kind)
        if kind == "dropdown":
            break
    assert "dropdown" in reached and "slider" in reached, (
        f"Shift+Tab did not reach the explorer's controls: {reached}; focus went: {log[-8:]}")
    page.keyboard.press("c")  # the first choice starting with C: China
    time.sleep(0.5)
    for _ in range(3):  # on to the slider: its handles move with the arrow keys
        page.keyboard.press("Tab")
        time.sleep(0.15)
        _focus_shown(page, log)
        if page.evaluate("() => !!document.activeElement.closest('.widget-slider')"):
            break
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    deadline = time.monotonic() + 20
    after = before
    while time.monotonic() < deadline and (after == before or not helpers._drawn(after)):
        time.sleep(0.2)
        after = view.evaluate(helpers.CHART_SIGNATURE_JS)
    page.screenshot(path=str(page.artifacts / "explorer-by-keyboard.png"))
    (page.artifacts / "focus-path.txt").write_text("\n".join(log))
    assert after != before and helpers._drawn(after), "the keyboard did not change the chart"
    assert view.locator(".course-explorer-verdict").inner_text() != verdict
    assert "China" in view.locator(".course-explorer-verdict").inner_text()
    assert page.locator(f"{PANEL} .jp-Cell").count() == len(cells), (
        "a key reached JupyterLab's shortcuts and added or removed cells")


@pytest.mark.needs("solutions")  # the reference answer comes from solutions/ps1
def test_ps1_check_and_submit_with_the_keyboard_only(jupyterlab, lab_page):
    exercise = _load_exercise_helpers()
    page, log = lab_page, []
    folder = PROJECT_ROOT / "test-artifacts" / f"keyboard-run-{secrets.token_hex(6)}"
    folder.mkdir(parents=True)
    try:
        copy = folder / EXERCISE.name
        shutil.copyfile(EXERCISE, copy)
        cells = _open_run_all(page, jupyterlab, copy)
        answer_at = exercise._answer_index(cells, "q1")
        check_at = exercise._check_index(cells, "q1")
        submit_at = next(i for i, c in enumerate(cells)
                         if "check.submit(" in "".join(c["source"]))

        _go_to_cell(page, answer_at, log)
        page.keyboard.press("Enter")  # edit the cell
        time.sleep(0.3)
        _focus_shown(page, log)
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(exercise.reference_answer("q1"))
        page.keyboard.press("Shift+Enter")  # run it, and on to the next cell
        _go_to_cell(page, check_at, log)
        page.keyboard.press("Shift+Enter")
        check = page.locator(f"{PANEL} .jp-Cell[data-windowed-list-index='{check_at}']")
        exercise._wait_output(check, re.compile(
            r"q1: (all \d+ public checks|the public check) passed"), "check('q1')")
        page.keyboard.press("Escape")
        page.keyboard.press("Control+s")  # check.submit runs the saved notebook
        time.sleep(1.5)

        _go_to_cell(page, submit_at, log)
        page.keyboard.press("Enter")
        page.keyboard.press("Control+a")
        page.keyboard.insert_text('check.submit("s1234567")')
        page.keyboard.press("Control+Enter")
        submit = page.locator(f"{PANEL} .jp-Cell[data-windowed-list-index='{submit_at}']")
        deadline = time.monotonic() + 180
        text = ""
        while time.monotonic() < deadline and "upload" not in text:
            time.sleep(0.5)
            text = submit.locator(".jp-OutputArea").inner_text()
        submit.scroll_into_view_if_needed()
        page.screenshot(path=str(page.artifacts / "submitted-by-keyboard.png"))
        (page.artifacts / "focus-path.txt").write_text("\n".join(log))
        assert re.search(r"q1: answered; public checks (\d+)/\1 passed", text), text
        assert "Wrote ps1.submission.ipynb" in text, text
        assert (folder / "ps1.submission.ipynb").is_file()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _load_exercise_helpers():
    spec = importlib.util.spec_from_file_location(
        "_browser_exercise_helpers_keys", Path(__file__).with_name("test_exercise.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
