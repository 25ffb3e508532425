"""Presenting each lesson as a deck on a projector, in real Chromium, offline.

For every lesson the test does what an instructor with a presentation clicker does: open
the lesson at 1280x720, click the title, start the deck from the notebook toolbar (the
course's deck extension runs the notebook first), then step through the whole deck with the
keys a clicker sends — PageDown, Space, ArrowRight and ArrowDown in turn — and a few steps
back with PageUp, ArrowLeft, ArrowUp and Shift+Space. On every screen it checks

* **order**: the screen is the next one :func:`course.publish.slides.screens` reads from the cells'
  metadata (subslides and fragments included), and every key press changes the screen;
* **fit**: the screen fits the window without scrolling, no code line or table is wider
  than its box, and no text or chart runs past the window's edge;
* **size**: the smallest text, measured where it is drawn (CSS zoom and canvas scaling
  included) and expressed for a 720-pixel-high screen, is at least 24 px for body text,
  20 px for code, printed output and tables, and 12 px in charts (JupyterLab's 10-px chart
  labels scaled up with the text);
* **no filler**: no set-up code (``course.setup()``) and no code cell of more than
  :data:`MAX_CODE_LINES` lines on a slide, no step that only adds a "Your verdict" box or an
  empty code cell;
* on the explorer's screen (the cell tagged ``explorer``): changing a control redraws the
  chart, which stays where it was and in view, and Space then goes on to the next screen
  although the control has the focus.

A screenshot of every screen is kept under ``test-artifacts/<test>/`` (CI keeps that folder),
with ``deck-report.json``, the problems found per screen. Lesson 00 is also presented at
1920x1080, where the same limits hold for sizes scaled to 720 px.

Without a browser: every slide has presenter notes whose minutes add up to the lesson's
timings table, and the table agrees with INSTRUCTORS.md, which has a 50-minute plan for the
lesson.

The command ids, class names and keys come from jupyterlab-slideshow 0.3.4 and the course's
deck extension (jupyter/labextensions/alliances-course-deck/static/remoteEntry.js).
"""

from __future__ import annotations

import json
import re
import time

import pytest

from course.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from course.publish import slides

LESSONS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
FIRST_LESSON = NOTEBOOKS_DIR / "00-how-this-course-works.ipynb"
REFERENCE_HEIGHT = 720
MIN_PX = {"text": 24.0, "code": 20.0, "chart": 12.0}
MAX_CODE_LINES = 6
FORWARD_KEYS = ("PageDown", "Space", "ArrowRight", "ArrowDown")
BACK_KEYS = ("PageUp", "ArrowLeft", "ArrowUp", "Shift+Space")
TIMEOUT_MS = 90_000
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
DECK = ".jp-NotebookPanel.jp-Deck:not(.lm-mod-hidden)"

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

# Every cell's execution prompt ("[3]:"), also while the deck hides the prompts.
PROMPTS_JS = """
() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt'))
  .map(p => p.textContent.trim())
"""

# Record the smallest font each canvas draws text with (Vega draws charts on a canvas),
# in the canvas's own CSS pixels.
CANVAS_FONTS_INIT = """
(() => {
  const smallest = new WeakMap();
  window.__courseCanvasFonts = smallest;
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    const found = /(\\d+(?:\\.\\d+)?)px/.exec(this.font || '');
    if (found && String(text).trim()) {
      const t = this.getTransform();
      const px = parseFloat(found[1]) * Math.hypot(t.a, t.b) / (window.devicePixelRatio || 1);
      const before = smallest.get(this.canvas);
      if (before === undefined || px < before) smallest.set(this.canvas, px);
    }
    return fillText.call(this, text, ...rest);
  };
})();
"""

# What the room sees now: the cells shown, whether they fit, the text sizes drawn (scaled to
# a screen REFERENCE_HEIGHT pixels high), visible code, and the charts' boxes.
SCREEN_JS = """
(reference) => {
  const panel = document.querySelector('.jp-NotebookPanel.jp-Deck:not(.lm-mod-hidden)');
  if (!panel) return null;
  const k = reference / window.innerHeight;
  const outer = panel.querySelector('.jp-WindowedPanel-outer');
  const cells = Array.from(panel.querySelectorAll(
      '.jp-Cell.jp-deck-mod-onscreen.jp-deck-mod-visible')).filter(c => c.offsetHeight > 0);
  const kindOf = (el) => el.closest('.vega-embed') ? 'chart'
    : el.closest('.jp-InputArea-editor, .jp-RenderedText, pre, code, table') ? 'code' : 'text';
  const smallest = {};
  const note = (kind, px, text) => {
    if (!smallest[kind] || px < smallest[kind].px) smallest[kind] = {px, text};
  };
  const wide = [], code = [], charts = [], cut = [];
  for (const cell of cells) {
    const index = Number(cell.dataset.windowedListIndex);
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      if (!text) continue;
      const el = node.parentElement;
      const range = document.createRange();
      range.selectNodeContents(node);
      const rects = Array.from(range.getClientRects()).filter(r => r.width > 0 && r.height > 0);
      if (!rects.length) continue;
      const style = getComputedStyle(el);
      if (style.visibility !== 'visible') continue;
      const px = parseFloat(style.fontSize) * (el.currentCSSZoom || 1) * k;
      note(kindOf(el), px, text.slice(0, 40));
      const past = Math.max(...rects.map(r => r.right)) - window.innerWidth;
      if (past > 1 || Math.min(...rects.map(r => r.left)) < -1) {
        cut.push({cell: index, text: text.slice(0, 40), past: Math.round(past)});
      }
    }
    for (const canvas of cell.querySelectorAll('.vega-embed canvas')) {
      const drawn = window.__courseCanvasFonts && window.__courseCanvasFonts.get(canvas);
      const rect = canvas.getBoundingClientRect();
      const width = parseFloat(canvas.style.width)
        || canvas.width / (window.devicePixelRatio || 1);
      if (drawn !== undefined && rect.width > 0) {
        note('chart', drawn * rect.width / width * k, 'chart');
      }
    }
    const boxes = '.cm-scroller, .jp-OutputArea-output, .jp-RenderedMarkdown';
    for (const box of cell.querySelectorAll(boxes)) {
      const over = box.scrollWidth - box.clientWidth;
      if (box.offsetHeight > 0 && over > 2) {
        const what = box.classList.contains('cm-scroller') ? 'code line'
          : box.classList.contains('jp-RenderedMarkdown') ? 'text' : 'output';
        wide.push({cell: index, what, over});
      }
    }
    const input = cell.querySelector('.jp-CodeCell .jp-Cell-inputWrapper');
    if (input && input.offsetHeight > 0) {
      const lines = Array.from(cell.querySelectorAll('.cm-line')).map(l => l.textContent);
      code.push({cell: index, lines: lines.filter(l => l.trim()).length});
    }
    for (const embed of cell.querySelectorAll('.vega-embed')) {
      const r = embed.getBoundingClientRect();
      charts.push({cell: index, top: r.top, bottom: r.bottom, left: r.left, right: r.right});
      if (r.right > window.innerWidth + 1 || r.left < -1) {
        cut.push({cell: index, text: 'a chart', past: Math.round(r.right - window.innerWidth)});
      }
    }
  }
  return {
    shown: cells.map(c => Number(c.dataset.windowedListIndex)),
    height: outer.scrollHeight, room: outer.clientHeight,
    width: outer.scrollWidth, roomWidth: outer.clientWidth,
    viewport: [window.innerWidth, window.innerHeight],
    smallest, wide, code, charts, cut,
  };
}
"""

# Whether every chart in the given cells of the deck has been drawn (an svg or a canvas).
DRAWN_JS = """
(cells) => cells.every((index) => {
  const cell = document.querySelector(
    `.jp-NotebookPanel.jp-Deck:not(.lm-mod-hidden) .jp-Cell[data-windowed-list-index='${index}']`);
  return !cell || Array.from(cell.querySelectorAll('.vega-embed')).every(
    (embed) => !!embed.querySelector('svg.marks, canvas'));
})
"""

# Charts inside an element, as drawn (SVG markup or canvas pixels).
CHART_JS = """
(root) => Array.from(root.querySelectorAll('.vega-embed')).map((embed) => {
  const svg = embed.querySelector('svg.marks');
  const canvas = embed.querySelector('canvas');
  if (svg) return svg.outerHTML;
  if (canvas) { try { return canvas.toDataURL(); } catch (e) { return 'canvas:' + e; } }
  return '';
})
"""


def _cells(path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _wait_until(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}")


def _screen(page) -> dict:
    return page.evaluate(SCREEN_JS, REFERENCE_HEIGHT)


def _settled(page, cells_shown: list[int]) -> dict:
    """Wait until every chart on the screen is drawn, let the layout settle, and return
    the screen then."""
    _wait_until(lambda: page.evaluate(DRAWN_JS, cells_shown), 20,
                "the charts on the screen to be drawn")
    return _steady(page)


def _steady(page, timeout_s: float = 15) -> dict:
    """The screen once two measurements 0.3 s apart agree (the deck fades cells in and
    fits the screen's zoom after its charts are drawn: on a busy machine, later)."""
    deadline = time.monotonic() + timeout_s
    before = _screen(page)
    while True:
        time.sleep(0.3)
        now = _screen(page)
        if now == before or time.monotonic() > deadline:
            return now
        before = now


def _press(page, key: str, before: list[int]) -> dict | None:
    """Press a key; return the new screen once its charts are drawn and its layout has
    settled, or None if the screen did not change in 5 s."""
    page.keyboard.press(key)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        time.sleep(0.1)
        screen = _screen(page)
        if screen and screen["shown"] != before:
            return _settled(page, screen["shown"])
    return None


def expected_screens(cells: list[dict], invisible: set[int]) -> list[list[int]]:
    """The cells each screen shows, leaving out cells that take no room (empty plumbing)."""
    found = []
    for screen in slides.screens(cells):
        if not set(screen.cells) - invisible:
            continue  # a step that would show nothing new: the deck passes it by
        found.append([i for i in screen.shown if i not in invisible])
    return found


def screen_problems(screen: dict, cells: list[dict]) -> list[str]:
    """What is wrong with one screen, as measured in the browser (empty: nothing)."""
    problems = []
    if screen["height"] > screen["room"] + 1:
        problems.append(f"overflow: {screen['height']} px of content for {screen['room']} px")
    if screen["width"] > screen["roomWidth"] + 1:
        problems.append(f"overflow: {screen['width']} px wide for {screen['roomWidth']} px")
    for item in screen.get("cut", []):
        problems.append(f"overflow: cell {item['cell'] + 1} is cut at the slide's edge "
                        f"({item['text']!r}, {item['past']} px past the right edge)")
    for box in screen["wide"]:
        problems.append(f"overflow: cell {box['cell'] + 1} has {box['what']} "
                        f"{box['over']} px wider than the slide")
    for kind, limit in MIN_PX.items():
        found = screen["smallest"].get(kind)
        if found and found["px"] < limit - 0.05:
            problems.append(f"small text: {kind} at {found['px']:.1f} px (at least {limit:.0f}),"
                            f" e.g. {found['text']!r}")
    for code in screen["code"]:
        source = slides.source(cells[code["cell"]])
        if "course.setup()" in source:
            problems.append(f"code on slide: the set-up cell {code['cell'] + 1} is shown "
                            "(tag it 'plumbing')")
        elif code["lines"] > MAX_CODE_LINES:
            problems.append(f"code on slide: cell {code['cell'] + 1} shows {code['lines']} "
                            f"lines of code (at most {MAX_CODE_LINES})")
    return problems


def step_problems(new_cells: list[int], cells: list[dict]) -> list[str]:
    """A step that adds only filler: a "Your verdict" box or a code cell with no code."""
    filler = []
    for index in new_cells:
        cell = cells[index]
        text = slides.source(cell).strip()
        code = [line for line in text.splitlines() if line.strip() and not
                line.strip().startswith("#")]
        if cell["cell_type"] == "markdown" and re.match(r"(\*\*)?Your verdict", text):
            filler.append(f"cell {index + 1} ('Your verdict' box)")
        elif cell["cell_type"] == "code" and not code:
            filler.append(f"cell {index + 1} (a code cell with no code)")
    if filler and len(filler) == len(new_cells):
        return ["empty step: it only adds " + ", ".join(filler)]
    return []


def _open_deck(page, jupyterlab, lesson, viewport) -> list[dict]:
    cells = _cells(lesson)
    n_code = sum(c["cell_type"] == "code" for c in cells)
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.add_init_script(CANVAS_FONTS_INIT)
    page.goto(jupyterlab.lab_url(lesson))
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=TIMEOUT_MS)
    page.wait_for_function(READY_JS, timeout=TIMEOUT_MS, polling=200)
    # The deck opens on the active cell's slide: select the title, then start the deck from
    # the notebook toolbar. The deck extension runs the notebook, which has not run yet.
    page.locator(f"{PANEL} .jp-Cell[data-windowed-list-index='0']").click()
    page.locator(f"{PANEL} [data-command='deck:toggle']").first.click()
    page.wait_for_selector(DECK, timeout=20_000)

    def finished():
        prompts = page.evaluate(PROMPTS_JS)
        numbered = [p for p in prompts if re.match(r"\[\d+\]", p)]
        return len(numbered) == n_code and page.evaluate(READY_JS)

    _wait_until(finished, 180, "the deck extension to run every cell")
    return cells


def _move_control(page, explorer) -> str:
    """Change one control of the explorer with the mouse; return what was moved."""
    select = explorer.locator(".widget-dropdown select").first
    if select.count():
        values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
        current = select.input_value()
        select.focus()
        select.select_option(next(v for v in values if v != current))
        return "dropdown"
    track = explorer.locator(".widget-slider .noUi-base").first
    if track.count():  # click the track a quarter of the way along: a handle jumps there
        readout = explorer.locator(".widget-slider .widget-readout").first
        before = readout.text_content() if readout.count() else None
        box = track.bounding_box()
        for where in (0.25, 0.75):  # the other end if the handle was a quarter along already
            page.mouse.click(box["x"] + box["width"] * where, box["y"] + box["height"] / 2)
            time.sleep(0.3)
            if before is None or readout.text_content() != before:
                break
        return "slider"
    pytest.fail("the explorer on the slide has no dropdown or slider to move")


def _check_explorer(page, explorer_at: int, shown: list[int], problems: list[str]) -> str:
    """Change a control; the chart must redraw in place and stay in view; Space moves on."""
    explorer = page.locator(f"{DECK} .jp-Cell[data-windowed-list-index='{explorer_at}']")
    before_drawing = explorer.evaluate(CHART_JS)
    before = [c for c in _screen(page)["charts"] if c["cell"] == explorer_at]
    if not before or not all(before_drawing):
        problems.append("explorer: its chart is not drawn on the slide")
        return "none"
    moved = _move_control(page, explorer)
    deadline = time.monotonic() + 20
    while explorer.evaluate(CHART_JS) in (before_drawing, []) and time.monotonic() < deadline:
        time.sleep(0.1)
    if explorer.evaluate(CHART_JS) == before_drawing:
        problems.append(f"explorer: the chart did not redraw after the {moved} was moved")
        return moved
    time.sleep(0.5)
    after_screen = _screen(page)
    after = [c for c in after_screen["charts"] if c["cell"] == explorer_at]
    height = after_screen["viewport"][1]
    if explorer_at not in after_screen["shown"] or after_screen["shown"] != shown:
        problems.append(f"explorer: changing the {moved} changed the screen "
                        f"(cells {shown} -> {after_screen['shown']})")
    elif not after or after[0]["top"] < 0 or after[0]["bottom"] > height + 1:
        problems.append(f"explorer: after the {moved} changed, the chart is out of view "
                        f"({after and [round(after[0]['top']), round(after[0]['bottom'])]}"
                        f" in a {height}-px window)")
    elif abs(after[0]["top"] - before[0]["top"]) > 4:
        problems.append(f"explorer: the chart jumped {after[0]['top'] - before[0]['top']:+.0f}"
                        f" px when the {moved} changed")
    return moved


def present(page, jupyterlab, lesson, viewport=(1280, 720)) -> dict:
    """Step through a lesson's deck; return {screens, problems, report} (see module doc)."""
    cells = _open_deck(page, jupyterlab, lesson, viewport)
    no_output = set(page.evaluate(
        f"() => Array.from(document.querySelectorAll('{DECK} .jp-CodeCell.jp-mod-noOutputs'))"
        ".map(c => Number(c.dataset.windowedListIndex))"))
    invisible = {i for i in no_output if slides.PLUMBING in slides.tags(cells[i])}
    expected = expected_screens(cells, invisible)
    explorer_at = next((i for i, c in enumerate(cells) if "explorer" in slides.tags(c)), None)
    folder = page.artifacts
    report: list[dict] = []
    problems: list[str] = []

    def record(number: int, screen: dict, found: list[str]) -> None:
        page.screenshot(path=str(folder / f"screen-{number:02d}.png"))
        report.append({"screen": number, "cells": [i + 1 for i in screen["shown"]],
                       "height": screen["height"], "room": screen["room"],
                       "smallest": {k: round(v["px"], 1) for k, v in screen["smallest"].items()},
                       "problems": found})
        problems.extend(f"screen {number} (cells {[i + 1 for i in screen['shown']]}): {p}"
                        for p in found)

    screen = _wait_until(lambda: _screen(page), 20, "the first slide")
    screen = _settled(page, screen["shown"])  # (each later screen: settled by _press)
    visited = []
    explored = False
    for number in range(1, len(expected) + 2):
        visited.append(screen["shown"])
        want = expected[number - 1] if number <= len(expected) else None
        found = screen_problems(screen, cells)
        if want is not None and screen["shown"] != want:
            found.insert(0, f"order: expected cells {[i + 1 for i in want]}")
        previous = visited[-2] if len(visited) > 1 else []
        found += step_problems([i for i in screen["shown"] if i not in previous], cells)
        if explorer_at is not None and explorer_at in screen["shown"] and not explored:
            explored = True
            moved = _check_explorer(page, explorer_at, screen["shown"], found)
            screen = _screen(page)
            if moved == "dropdown":  # the control has the focus: Space must still step on
                record(number, screen, found)
                nxt = _press(page, "Space", screen["shown"])
                if number < len(expected) and nxt is None:
                    problems.append(f"screen {number}: Space did nothing after the {moved} "
                                    "was used")
                    break
                if nxt is not None:
                    screen = nxt
                    continue
                break
        record(number, screen, found)
        key = FORWARD_KEYS[(number - 1) % len(FORWARD_KEYS)]
        nxt = _press(page, key, screen["shown"])
        if nxt is None:
            if number < len(expected):
                problems.append(f"screen {number}: {key} did nothing; {len(expected) - number}"
                                " screens never shown")
            break
        if number >= len(expected):
            problems.append(f"{key} went past the last screen to cells {nxt['shown']}")
            break
        screen = nxt

    # A few steps back: the same screens in reverse order.
    for step, key in enumerate(BACK_KEYS, start=2):
        if step > len(visited):
            break
        back = _press(page, key, _screen(page)["shown"])
        if back is None or back["shown"] != visited[-step]:
            problems.append(f"{key} from screen {len(visited) - step + 2} went to "
                            f"{back and back['shown']}, expected {visited[-step]}")
            break

    page.keyboard.press("Escape")
    _wait_until(lambda: page.locator(".jp-NotebookPanel.jp-Deck").count() == 0, 10,
                "Escape to stop the deck")
    (folder / "deck-report.json").write_text(json.dumps(
        {"lesson": lesson.name, "viewport": list(viewport), "screens": report,
         "problems": problems}, indent=1))
    return {"screens": len(visited), "expected": len(expected), "problems": problems}


# ------------------------------------------------------------------ tests without a browser

@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_cell_has_a_slide_type_the_deck_shows(path):
    cells = _cells(path)
    unknown = [i + 1 for i, c in enumerate(cells) if slides.slide_type(c) not in slides.SLIDE_TYPES]
    assert not unknown, (
        f"{path.name}: cells {unknown} have a slide_type jupyterlab-slideshow does not show "
        "(\"-\" hides the cell in the deck); for a cell that continues the slide, remove "
        "its 'slideshow' metadata")
    # The deck always opens a slide at the first cell; fragment, skip or notes there would
    # hide the lesson's title.
    assert slides.slide_type(cells[0]) in ("slide", None)


@pytest.mark.needs("solutions")  # presenter notes: not in the student edition
@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_screen_has_presenter_notes_and_the_timings_add_up(path):
    cells = _cells(path)
    problems = slides.notes_problems(cells) + slides.timing_problems(cells)
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


GUIDE = PROJECT_ROOT / "INSTRUCTORS.md"


@pytest.mark.needs("solutions")  # INSTRUCTORS.md is not in the student edition
@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_timings_agree_with_the_instructor_guide_and_fit_fifty_minutes(path):
    """The lesson's table, the guide's overview and lesson heading, and a 50-minute plan."""
    problems = slides.guide_problems(_cells(path), path.name[:2],
                                     GUIDE.read_text(encoding="utf-8"))
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


@pytest.mark.needs("solutions")  # the plan is the instructors': not in the student edition
@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_the_fifty_minute_plan_agrees_with_the_notes_and_the_guide(path):
    """The plan gives each screen its notes' minutes (or fewer, saying how), in the deck's
    order, with the key points, adding up to 50; INSTRUCTORS.md prints the same plan."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = slides.plan_problems(nb["cells"], nb["metadata"]) + slides.guide_plan_problems(
        nb["cells"], nb["metadata"], path.name[:2], GUIDE.read_text(encoding="utf-8"))
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


def test_plan_problems_name_a_plan_that_gives_an_exercise_less_than_its_notes():
    """Lesson 04's plan once gave Exercise 3.1 4 minutes where its notes said 8."""
    cells = [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": "# 99 · T"},
             {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "notes"}},
              "source": "**Presenter notes · 2 min teaching.**"},
             {"cell_type": "markdown", "id": "k", "source": "## Key points",
              "metadata": {"slideshow": {"slide_type": "slide"}}},
             {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "notes"}},
              "source": "**Presenter notes · 8 min exercise.**"}]

    def plan(*rows):
        return {"course": {"fifty_minute_plan": list(rows)}}

    fine = plan({"what": "title", "screens": ["t"]}, {"what": "key points", "screens": ["k"]},
                {"what": "questions", "minutes": [0, 40]})
    assert slides.plan_problems(cells, fine) == []
    four = plan({"what": "title", "screens": ["t"]},
                {"what": "key points", "screens": [{"cell": "k", "minutes": [0, 4]}]},
                {"what": "questions", "minutes": [0, 44]})
    assert "the plan gives 0 + 4 min where its notes say 0 + 8" in " ".join(
        slides.plan_problems(cells, four))
    four["course"]["fifty_minute_plan"][1]["screens"][0]["short"] = "the first part only"
    assert slides.plan_problems(cells, four) == []
    assert slides.plan_problems(cells, plan({"what": "title", "screens": ["t"]},
                                            {"what": "more", "minutes": [0, 48]})) == [
        "the plan leaves out the key points, the part of the lesson to keep"]
    assert "add up to 12 min" in " ".join(slides.plan_problems(cells, plan(
        {"what": "title", "screens": ["t"]}, {"what": "key points", "screens": ["k"]},
        {"what": "x", "minutes": [0, 2]})))
    assert "no screen starts at a cell with id 'z'" in " ".join(slides.plan_problems(
        cells, plan({"what": "title", "screens": ["z"]})))
    assert "in the deck's order" in " ".join(slides.plan_problems(cells, plan(
        {"what": "key points", "screens": ["k"]}, {"what": "title", "screens": ["t"]},
        {"what": "questions", "minutes": [0, 40]})))
    assert "no 50-minute plan" in slides.plan_problems(cells, {})[0]


def test_screens_follow_the_slide_types():
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# T"},
             {"cell_type": "code", "metadata": {"tags": ["plumbing"]}, "source": "x = 1"},
             {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "subslide"}},
              "source": "a"},
             {"cell_type": "code", "metadata": {"slideshow": {"slide_type": "fragment"},
                                                "tags": ["plumbing"]}, "source": "y = 2"},
             {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "fragment"}},
              "source": "Your verdict: …"}]
    assert expected_screens(cells, invisible={1, 3}) == [[0], [2], [2, 4]]
    assert step_problems([4], cells) == ["empty step: it only adds cell 5 ('Your verdict' box)"]
    assert step_problems([2], cells) == []


def test_screen_problems_name_each_failure():
    cells = [{"cell_type": "code", "metadata": {}, "source": "import course\ncourse.setup()"},
             {"cell_type": "code", "metadata": {}, "source": "\n".join("x = 1" for _ in range(9))}]
    screen = {"height": 900, "room": 720, "width": 100, "roomWidth": 100,
              "wide": [{"cell": 1, "what": "code line", "over": 40}],
              "cut": [{"cell": 1, "text": "a chart", "past": 30}],
              "smallest": {"text": {"px": 14.0, "text": "body"}, "code": {"px": 13.0, "text": "x"},
                           "chart": {"px": 10.0, "text": "chart"}},
              "code": [{"cell": 0, "lines": 2}, {"cell": 1, "lines": 9}]}
    found = " | ".join(screen_problems(screen, cells))
    for expected in ("overflow: 900 px", "cell 2 has code line 40 px wider",
                     "small text: text at 14.0 px", "small text: code at 13.0 px",
                     "small text: chart at 10.0 px", "set-up cell 1 is shown",
                     "cell 2 shows 9 lines of code", "cell 2 is cut at the slide's edge"):
        assert expected in found, expected
    fine = {**screen, "height": 700, "wide": [], "code": [], "cut": [],
            "smallest": {"text": {"px": 24.5, "text": "a"}}}
    assert screen_problems(fine, cells) == []


# ------------------------------------------------------------------ tests in Chromium

@pytest.mark.browser
@pytest.mark.slow
def test_deck_fits_a_projector_and_a_clicker_visits_every_screen(jupyterlab, lab_page, lesson):
    assert lesson is not None, "no lessons found"
    saved = lesson.read_bytes()
    result = present(lab_page, jupyterlab, lesson)
    print(f"{lesson.name}: {result['screens']} screens visited, {result['expected']} expected")
    assert result["problems"] == [], (
        f"{lesson.name} as a deck at 1280x720 ({len(result['problems'])} problems; screenshots"
        f" and deck-report.json in {lab_page.artifacts}):\n  " + "\n  ".join(result["problems"]))
    assert not lab_page.record.blocked, f"requests beyond loopback: {lab_page.record.blocked}"
    assert lesson.read_bytes() == saved, "presenting wrote to the lesson file"


@pytest.mark.browser
@pytest.mark.slow
def test_first_lesson_fits_at_1920x1080_with_the_same_proportions(jupyterlab, lab_page):
    result = present(lab_page, jupyterlab, FIRST_LESSON, viewport=(1920, 1080))
    assert result["problems"] == [], (
        f"{FIRST_LESSON.name} as a deck at 1920x1080:\n  " + "\n  ".join(result["problems"]))
