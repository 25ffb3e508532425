"""The deck in a real room: a clicker, a blank screen, a live demo, a speaker view.

In Chromium, on lesson 00 at 1280x720 (the deck extension, jupyter/labextensions/
alliances-course-deck, on jupyterlab-slideshow 0.3.4):

* **no key edits the lesson**: every printable key and the keys clickers send (PageUp,
  PageDown, F5, Shift+F5, Tab, Enter, b, .) plus JupyterLab's editing shortcuts (Enter,
  Shift+Enter, Ctrl+Enter, Alt+Enter, d d, Ctrl+V, Ctrl+Z, ...) are pressed in the deck; the
  notebook keeps its cells and their sources, the deck keeps presenting, and after Ctrl+S
  the file on disk is byte for byte what it was (``b`` once added a cell, ``git status``
  showed the lesson modified);
* **b and . blank the screen** and any key brings the slide back (without moving);
* **Home and End** go to the first and the last screen that :func:`course.publish.slides.screens`
  reads from the cells;
* **the speaker view** (the ``s`` key: a second window) shows the current screen's
  presenter notes, the next screen and the screen's slot in the 50-minute plan — the same
  as the presenter's running order — and stays in step as the deck moves; its buttons step
  the deck;
* **Escape returns to the notebook at the screen that was showing** (it used to show the
  top of the notebook, thousands of pixels away);
* **the deck never starts from stored state**: a page reloaded while the deck showed (the
  browser closed on it) opens on the notebook, and one press of the deck button starts it.
"""

from __future__ import annotations

import importlib.util
import json
import re
import time
from pathlib import Path

import pytest

from course.paths import NOTEBOOKS_DIR
from course.publish import slides

pytestmark = [pytest.mark.browser, pytest.mark.slow]

_spec = importlib.util.spec_from_file_location(
    "_browser_slides_helpers", Path(__file__).with_name("test_slides.py"))
deck = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(deck)

LESSON = NOTEBOOKS_DIR / "00-how-this-course-works.ipynb"
DECK = deck.DECK
PANEL = deck.PANEL

#: The notebook as the browser shows it: every cell's type, its input's text (code, or the
#: rendered Markdown) and whether the lesson has unsaved edits.
MODEL_JS = """
() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  return Array.from(panel.querySelectorAll('.jp-Notebook .jp-Cell')).map(c => ({
    kind: c.classList.contains('jp-CodeCell') ? 'code' : c.classList.contains('jp-MarkdownCell')
      ? 'markdown' : 'raw',
    rendered: !c.classList.contains('jp-mod-editing') && !!c.querySelector('.jp-RenderedMarkdown')
      || c.classList.contains('jp-CodeCell'),
    text: (c.querySelector('.jp-InputArea-editor .cm-content') || c.querySelector(
      '.jp-InputArea .jp-RenderedMarkdown') || c).textContent}));
}
"""
#: What a test can read of the deck extension's state.
STATE_JS = """
() => ({
  presenting: document.body.dataset.jpDeckMode === 'presenting',
  blank: document.body.classList.contains('course-deck-blanked'),
  blankShown: (() => { const b = document.querySelector('.course-deck-blank');
                       return !!b && getComputedStyle(b).display !== 'none'
                         && b.getBoundingClientRect().width >= innerWidth; })(),
  active: (() => { const c = document.querySelector('.jp-Notebook .jp-Cell.jp-mod-active');
                   return c ? Number(c.dataset.windowedListIndex) : null; })()
})
"""
PRINTABLE = [chr(code) for code in range(33, 127)] + ["Space"]
CLICKER_AND_SHORTCUTS = [
    "PageDown", "PageUp", "F5", "Shift+F5", "Tab", "Shift+Tab", "Enter", "Shift+Enter",
    "Control+Enter", "Alt+Enter", "Delete", "Backspace", "Insert", "Shift+ArrowDown",
    "Shift+ArrowUp", "Control+v", "Control+x", "Control+c", "Control+z", "Control+Shift+z",
    "Control+y", "Control+Shift+Minus", "Control+a", "Control+d", "Alt+ArrowUp", "Shift+m",
    "Shift+Enter", "ContextMenu",
]


def _state(page) -> dict:
    return page.evaluate(STATE_JS)


def _screen_cells(page) -> list[int]:
    screen = deck._screen(page)
    return screen["shown"] if screen else []


def _present_lesson(page, jupyterlab) -> list[dict]:
    cells = deck._open_deck(page, jupyterlab, LESSON, (1280, 720))
    deck._wait_until(lambda: deck._screen(page), 20, "the first slide")
    return cells


def _unblank(page) -> None:
    if _state(page)["blank"]:
        page.keyboard.press("x")
        deck._wait_until(lambda: not _state(page)["blank"], 5, "the slide to come back")


def test_no_key_in_the_deck_edits_the_lesson(jupyterlab, lab_page):
    page = lab_page
    saved = LESSON.read_bytes()
    cells = _present_lesson(page, jupyterlab)
    try:
        before = page.evaluate(MODEL_JS)
        assert [c["kind"] for c in before] == [c["cell_type"] for c in cells]
        page.keyboard.press("PageDown")
        time.sleep(0.5)
        for key in PRINTABLE + CLICKER_AND_SHORTCUTS + ["d", "d", "z", "Shift+z", "0", "0"]:
            if key == "s" or key == "S":
                continue  # opens the speaker view (a window of its own: the next test)
            page.keyboard.press(key)
            time.sleep(0.05)
            _unblank(page)
            state = _state(page)
            assert state["presenting"], f"{key!r} stopped the deck"
            assert not page.locator(".jp-Dialog").count(), f"{key!r} opened a dialog"
        time.sleep(1.0)
        after = page.evaluate(MODEL_JS)
        assert len(after) == len(before), f"a key added or removed cells: {len(after)} cells"
        changed = [i + 1 for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
        assert not changed, f"keys changed cells {changed} (type, text or rendering)"
        page.keyboard.press("Control+s")  # the usual save, as a lecturer does
        time.sleep(2.0)
        assert LESSON.read_bytes() == saved, "the saved lesson differs from the committed one"
    finally:
        if LESSON.read_bytes() != saved:
            LESSON.write_bytes(saved)  # the server saves into the project: leave it clean


@pytest.mark.needs("solutions")  # the speaker view shows presenter notes and the plan
def test_blank_home_end_speaker_view_and_escape_back_to_the_screen(jupyterlab, lab_page):
    page = lab_page
    folder = page.artifacts
    cells = _present_lesson(page, jupyterlab)
    nb = json.loads(LESSON.read_text(encoding="utf-8"))
    found = slides.screens(cells)
    clock = slides.plan_clock(cells, nb["metadata"])
    first_shown = _screen_cells(page)

    # b and . blank the screen; any key brings the same slide back
    page.keyboard.press("PageDown")
    time.sleep(0.6)
    shown = _screen_cells(page)
    for key in ("b", "."):
        page.keyboard.press(key)
        deck._wait_until(lambda: _state(page)["blankShown"], 5, f"{key!r} to blank the screen")
        page.screenshot(path=str(folder / f"blank-{'b' if key == 'b' else 'period'}.png"))
        page.keyboard.press("PageDown")  # the clicker's next: brings the slide back only
        deck._wait_until(lambda: not _state(page)["blank"], 5, "the slide to come back")
        assert _screen_cells(page) == shown, f"unblanking after {key!r} moved the deck"

    # End and Home: the last screen (everything it builds up) and the first
    page.keyboard.press("End")
    deck._wait_until(lambda: _screen_cells(page) == [i for i in found[-1].shown], 10,
                     f"End to show the last screen, cells {found[-1].shown}")
    page.keyboard.press("Home")
    deck._wait_until(lambda: _screen_cells(page) == first_shown, 10, "Home to show the first")

    # the speaker view, in a second window
    with page.context.expect_page(timeout=10_000) as opened:
        page.keyboard.press("s")
    speaker = opened.value
    speaker.wait_for_load_state()
    speaker.set_viewport_size({"width": 1100, "height": 760})

    def says(pattern):
        return lambda: re.search(pattern, speaker.inner_text("body"), re.S)

    deck._wait_until(says(r"Screen 1 of \d+"), 10, "the speaker view to show screen 1")
    for _ in range(8):
        page.keyboard.press("PageDown")
        time.sleep(0.5)
    active = _state(page)["active"]
    screen = next(s for s in found if active in s.cells)
    deck._wait_until(says(rf"Screen {screen.number} of {len(found)}"), 10,
                     f"the speaker view to follow the deck to screen {screen.number}")
    text = speaker.inner_text("body")
    speaker.screenshot(path=str(folder / "speaker-view.png"))
    assert not _markup(text), f"the speaker view shows markup: {_markup(text)}"
    notes = [slides.source(cells[i]) for s in found if s.number == screen.number
             for i in s.notes]
    assert notes, "the test needs a screen with notes"
    body = " ".join(re.sub(r"[*`]", "", notes[0]).split("\n", 1)[-1].split())[:60]
    assert body in " ".join(text.split()), f"the speaker view lacks the notes: {body!r}"
    step = clock[screen.number]
    assert f"min {step.start}–{step.start + step.minutes.total}" in text  # the running order's
    assert f"Screen {screen.number + 1}" in text  # the next screen
    assert re.search(r"\d+:\d\d since the deck started", text)
    speaker.get_by_role("button", name=re.compile("^Next")).click()  # it steps the deck
    deck._wait_until(lambda: _state(page)["active"] != active, 10,
                     "the speaker view's Next button to step the deck")
    deck._wait_until(says(rf"Screen {screen.number + 1} of"), 10, "the speaker view to follow")

    # Every screen to the end, as the speaker view shows it: the lesson's text, never its
    # markup (a screen-only span, a tag cut off by the preview's length).
    for number in range(screen.number + 1, len(found) + 1):
        deck._wait_until(says(rf"Screen {number} of"), 10, f"the speaker view at {number}")
        text = speaker.inner_text("body")
        assert not _markup(text), f"screen {number}: the speaker view shows markup: " \
                                  f"{_markup(text)}"
        if number < len(found):
            page.keyboard.press("PageDown")

    # Escape: the notebook, scrolled to the screen that was showing
    active = _state(page)["active"]
    top = next(s for s in found if active in s.cells).cells[0]
    page.keyboard.press("Escape")
    deck._wait_until(lambda: page.locator(".jp-NotebookPanel.jp-Deck").count() == 0, 10,
                     "Escape to stop the deck")
    time.sleep(1.0)
    page.screenshot(path=str(folder / "after-escape.png"))
    where = page.evaluate(
        """([active, top]) => {
          const box = (i) => document.querySelector(
            `.jp-Notebook .jp-Cell[data-windowed-list-index='${i}']`).getBoundingClientRect();
          const panel = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')
            .getBoundingClientRect();
          return {active: box(active), top: box(top), panel: {top: panel.top,
                  bottom: panel.bottom}};
        }""", [active, top])
    assert _state(page)["active"] == active, "Escape changed the active cell"
    assert where["panel"]["top"] - 2 <= where["top"]["top"] <= where["panel"]["top"] + 120, (
        f"the screen's first cell is not at the top of the notebook: {where}")
    assert where["active"]["top"] < where["panel"]["bottom"], (
        f"the active cell is out of view: {where}")
    speaker.close()


def _markup(text: str) -> list[str]:
    """HTML tags shown as text (the lessons' spans, a tag cut off mid-way)."""
    return re.findall(r"</?(?:span|div|br|a|em|strong)\b[^\n]{0,40}", text)


def test_the_deck_never_starts_from_stored_state(jupyterlab, lab_page):
    page = lab_page
    _present_lesson(page, jupyterlab)
    stored = jupyterlab.home / "settings" / "jupyterlab-slideshow" / "plugin.jupyterlab-settings"
    deck._wait_until(lambda: stored.is_file() and '"active": true' in stored.read_text(), 10,
                     "jupyterlab-slideshow to store active: true")
    page.reload()  # as after closing the browser on the deck
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=deck.TIMEOUT_MS)
    page.wait_for_function(deck.READY_JS, timeout=deck.TIMEOUT_MS, polling=200)
    time.sleep(3.0)  # the deck, if it were to start, starts once the app is restored
    assert not _state(page)["presenting"], "the deck started from the stored settings"
    assert '"active": false' in stored.read_text()
    page.screenshot(path=str(page.artifacts / "reloaded.png"))
    page.locator(f"{PANEL} [data-command='deck:toggle']").first.click()  # the guide's step 1
    page.wait_for_selector(DECK, timeout=20_000)
    time.sleep(1.5)
    assert _state(page)["presenting"], "one press of the deck button did not start the deck"
    page.keyboard.press("Escape")
