"""Presenting a lesson as slides with jupyterlab-slideshow, in real Chromium, offline.

An instructor's path through a session: open the first lesson, run all cells (set-up
cells must run before the deck starts: the deck never runs "skip" cells), press the
notebook toolbar's deck button (command ``deck:toggle``; "Start Deck" in the command
palette runs ``deck:start``), step through slides with Space, reach the slide with the
lesson's explorer (the cell tagged ``explorer``), move one of its controls, and see the
chart redraw on the slide. Escape leaves the deck.

The command id, class names and key bindings come from the installed extension
(``share/jupyter/labextensions/jupyterlab-slideshow``): presenting adds ``jp-Deck`` to
the notebook panel; cells on the current slide carry ``jp-deck-mod-onscreen`` and,
once shown, ``jp-deck-mod-visible``; Space / Shift+Space step, Escape stops.

Uses the ``jupyterlab`` and ``lab_page`` fixtures of ``tests/browser/conftest.py``
(private server on 127.0.0.1, every request beyond loopback aborted).
"""

from __future__ import annotations

import json
import time

import pytest

from course.paths import NOTEBOOKS_DIR

LESSON = NOTEBOOKS_DIR / "00-how-this-course-works.ipynb"
LESSONS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
# What jupyterlab-slideshow 0.3.4 places on slides. A cell that continues the current
# slide must have NO slide_type: the deck's layout code has no case for "-" (RISE's and
# nbconvert's spelling), so such a cell is never shown — a "-" explorer cell vanishes.
DECK_SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", None}
TIMEOUT_MS = 90_000
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

READY_JS = r"""
() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const name = panel.querySelector('.jp-Toolbar-kernelName, .jp-KernelName');
  return !!indicator && indicator.getAttribute('data-status') === 'idle'
    && !!name && name.textContent.trim() !== '' && !/No Kernel/.test(name.textContent);
}
"""

# Indices of the cells shown on the current slide (fully visible, not faded out).
VISIBLE_JS = """
() => Array.from(document.querySelectorAll('.jp-NotebookPanel.jp-Deck:not(.lm-mod-hidden) '
    + '.jp-Cell.jp-deck-mod-onscreen.jp-deck-mod-visible'))
  .map(c => Number(c.getAttribute('data-windowed-list-index')))
"""

CHART_JS = """
(root) => Array.from(root.querySelectorAll('.vega-embed')).map((embed) => {
  const svg = embed.querySelector('svg.marks');
  const canvas = embed.querySelector('canvas');
  if (svg) return svg.outerHTML;
  if (canvas) { try { return canvas.toDataURL(); } catch (e) { return 'canvas:' + e; } }
  return '';
})
"""


def _disable_autosave(settings_dir) -> None:
    """The test must never write the lesson: switch JupyterLab's autosave off."""
    target = settings_dir / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"autosave": False}))


def _wait_until(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}")


def _run_all_cells(page, n_code: int) -> None:
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

    def finished():
        prompts = page.eval_on_selector_all(f"{PANEL} .jp-CodeCell .jp-InputPrompt",
                                            "els => els.map(e => e.textContent.trim())")
        numbered = [p for p in prompts if p[:1] == "[" and p[1:2].isdigit()]
        return len(numbered) == n_code and page.evaluate(READY_JS)

    _wait_until(finished, 120, "all cells to run")


ACTIVE_JS = """
() => { const c = document.querySelector(
    '.jp-NotebookPanel.jp-Deck:not(.lm-mod-hidden) .jp-Cell.jp-mod-active');
  return c ? Number(c.getAttribute('data-windowed-list-index')) : -1; }
"""


def _step(page, key: str = "Space") -> tuple[int, list[int]]:
    """Press a deck key (focus is on the active cell); return (active cell, cells shown).

    The deck steps cell by cell: a cell that continues the slide is already shown, so a
    step may move the active cell without changing what is on screen.
    """
    before = page.evaluate(ACTIVE_JS)
    page.keyboard.press(key)
    deadline = time.monotonic() + 5
    active = page.evaluate(ACTIVE_JS)
    while active == before and time.monotonic() < deadline:
        time.sleep(0.1)
        active = page.evaluate(ACTIVE_JS)
    time.sleep(0.2)  # let the deck apply its classes
    return active, page.evaluate(VISIBLE_JS)


def _move_control(cell) -> str:
    select = cell.locator(".widget-dropdown select").first
    if select.count():
        values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
        current = select.input_value()
        select.select_option(next(v for v in values if v != current))
        return "dropdown"
    handle = cell.locator(".widget-slider .noUi-handle").first
    if handle.count():
        handle.focus()
        for _ in range(5):
            handle.press("PageDown")
        return "slider"
    pytest.fail("the explorer on the slide has no dropdown or slider to move")


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_cell_has_a_slide_type_the_deck_shows(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    unknown = [i for i, c in enumerate(cells)
               if c["metadata"].get("slideshow", {}).get("slide_type") not in DECK_SLIDE_TYPES]
    assert not unknown, (
        f"{path.name}: cells {unknown} have a slide_type jupyterlab-slideshow does not show "
        "(\"-\" hides the cell in the deck); for a cell that continues the slide, remove "
        "its 'slideshow' metadata")
    # The deck always opens a slide at the first cell ("slide" or no type); a first cell
    # marked fragment, skip or notes would hide the lesson's title.
    assert cells[0]["metadata"].get("slideshow", {}).get("slide_type") in ("slide", None)


@pytest.mark.browser
def test_lesson_presents_as_a_deck_and_the_explorer_works_on_its_slide(jupyterlab, lab_page):
    page = lab_page
    saved = LESSON.read_bytes()
    cells = json.loads(saved)["cells"]
    n_code = sum(c["cell_type"] == "code" for c in cells)
    explorer_at = next(i for i, c in enumerate(cells)
                       if "explorer" in c["metadata"].get("tags", []))
    explorer_type = cells[explorer_at]["metadata"].get("slideshow", {}).get("slide_type")
    slide_starts = [i for i, c in enumerate(cells)
                    if c["metadata"].get("slideshow", {}).get("slide_type") == "slide"]
    assert cells[0]["metadata"].get("slideshow", {}).get("slide_type") in ("slide", None)
    slide_starts = sorted({0, *slide_starts})  # the deck opens a slide at the first cell
    _disable_autosave(jupyterlab.home / "settings")

    page.goto(jupyterlab.lab_url(LESSON))
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=TIMEOUT_MS)
    page.wait_for_function(READY_JS, timeout=TIMEOUT_MS, polling=200)
    _run_all_cells(page, n_code)

    # The deck opens on the active cell's slide: select the title cell first, then start
    # the deck from the notebook toolbar, as an instructor would.
    title = page.locator(f"{PANEL} .jp-Cell[data-windowed-list-index='0']")
    title.scroll_into_view_if_needed()
    title.click()
    page.locator(f"{PANEL} [data-command='deck:toggle']").first.click()
    page.wait_for_selector(".jp-NotebookPanel.jp-Deck", timeout=20_000)
    shown = _wait_until(lambda: page.evaluate(VISIBLE_JS), 20, "the first slide")
    assert 0 in shown, f"the deck did not open on the title slide; shown cells {shown}"
    assert not set(shown) & set(slide_starts[1:]), "two slides shown at once"

    # Step with Space: each press moves on by one cell, in notebook order, and the cell
    # it reaches is on screen; a new slide replaces the cells of the previous one.
    page.locator(f"{PANEL} .jp-Cell[data-windowed-list-index='0']").click()
    history = [(page.evaluate(ACTIVE_JS), shown)]
    while explorer_at not in history[-1][1]:
        assert len(history) <= len(cells), (
            f"never reached the explorer (cell {explorer_at}); (active, shown): {history}")
        history.append(_step(page))
        (previous, _), (active, visible) = history[-2], history[-1]
        assert active > previous, (
            f"the deck ended (or Space did nothing) without showing the explorer, cell "
            f"{explorer_at} with slide_type {explorer_type!r}; (active, shown): {history}")
        assert active in visible, f"the active cell is not shown: {history}"
        if active in slide_starts:
            assert min(visible) == active, f"slide {active} shows earlier cells: {history}"
    assert len(history) > 3, "the explorer should not be on the first slides"
    explorer = page.locator(f"{PANEL} .jp-Cell[data-windowed-list-index='{explorer_at}']")
    explorer.locator(".vega-embed canvas, .vega-embed svg.marks").first.wait_for(timeout=30_000)
    assert explorer.locator(".jupyter-widgets").first.is_visible()
    before = explorer.evaluate(CHART_JS)
    assert before and all(before), "the explorer's chart is not drawn on the slide"
    moved = _move_control(explorer)
    after = _wait_until(lambda: (lambda a: a if a != before and all(a) else None)(
        explorer.evaluate(CHART_JS)), 20, f"the chart to redraw after moving the {moved}")
    assert after != before
    assert explorer_at in page.evaluate(VISIBLE_JS), "moving the control left the slide"

    # Escape ends the presentation.
    heading = max(i for i in slide_starts if i <= explorer_at)
    page.locator(f"{PANEL} .jp-Cell[data-windowed-list-index='{heading}']").click()
    page.keyboard.press("Escape")
    _wait_until(lambda: page.locator(".jp-NotebookPanel.jp-Deck").count() == 0, 10,
                "Escape to stop the deck")

    assert not page.record.blocked, f"requests beyond loopback: {page.record.blocked}"
    assert LESSON.read_bytes() == saved, "the session wrote to the lesson file"
