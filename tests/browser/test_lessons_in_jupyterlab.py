"""Each lesson, opened in real JupyterLab in Chromium with no network beyond loopback.

For every ``notebooks/NN-*.ipynb``: open it, wait for the kernel to be idle, Run All
Cells, wait for every cell to finish (once per lesson: the ``lesson_session`` fixture of
``conftest.py``, shared by the three tests below, in this order), then

1. **it runs, renders, and its explorer redraws**: no cell shows a traceback and no "Error
   loading script" text appears; JupyterLab's own Vega renderer drew at least one chart (a
   canvas or svg inside ``.vega-embed``), with the offline mimetype renderer; the explorer
   (the cell tagged ``explorer``) redraws its chart when one of its controls is moved
   through the DOM, as a student would move it; what is on screen matches what was asked
   for (``screen.py``): every chart was drawn by the course's renderer from its own spec,
   with each axis title the spec names and each legend it asks for (with all entries),
   and no text cut by the chart's or the output's edge; no explorer label, slider readout
   or dropdown is cut; the console has no warning about Vega or Vega-Lite versions;
   nothing was fetched from beyond 127.0.0.1 (requests are aborted and listed);
2. **WCAG 2.1 AA**: axe-core finds no violation in what the course controls
   (``axe.py``; everything else the course shows is audited in ``test_wcag.py``);
3. **presenter notes and expected answers never reach a student's screen**: the lesson is
   used as a student would, and as a lecturer would before a live demo — after the Run All
   (running a Markdown cell renders it, and JupyterLab shows a collapsed cell's source
   again when it runs), after **a deck session** (the deck started from the toolbar, a few
   screens, Escape), and after **Shift+Enter through the whole lesson**, no
   presenter-notes cell takes any room on the page, the text on screen holds no "Presenter
   notes" and no line of any note (the expected answers: "*Expected:* **1995**" under
   lesson 00's Exercise 5.1), and the notes cells are still there in the notebook (the
   deck extension hides them by their metadata; the student edition leaves them out
   altogether: tests/publish/test_release.py).

The same checks as (1) run on each problem set (``exercises/psN/psN.ipynb``) after Run All.
Screenshots of the whole notebook, a viewport at a time (``page-NN.png``), and of each
chart (``chart-NN.png``) are kept in ``test-artifacts/<test>/`` for review by eye, with
each step of (3) and axe's report.

The time from launching JupyterLab to the first rendered chart of the lesson is printed
and recorded as the test property ``start_to_rendered_s`` (see benchmarks/bench_browser.py).
Two more tests keep the checks honest: a deliberately broken notebook (a traceback and
a chart that fetches Vega from a CDN) must be caught, and an explorer with only a slider
must be moved and redrawn as well as one with a dropdown.
"""

from __future__ import annotations

import importlib.util
import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from course.paths import EXERCISES_DIR
from course.publish import slides

pytestmark = [pytest.mark.browser]


def _load_screen():
    path = Path(__file__).with_name("screen.py")
    spec = importlib.util.spec_from_file_location("_browser_screen", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


screen = _load_screen()
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
PROBLEM_SETS = sorted(EXERCISES_DIR.glob("ps*/ps*.ipynb"))

KERNEL_IDLE_TIMEOUT_MS = 90_000
RUN_ALL_TIMEOUT_S = 120
CHART_CHANGE_TIMEOUT_S = 20

# One string per rendered chart inside an element: the SVG markup or the canvas pixels,
# plus the chart's ARIA label (Vega-Lite's description).
CHART_SIGNATURE_JS = """
(root) => Array.from(root.querySelectorAll('.vega-embed')).map((embed) => {
  const svg = embed.querySelector('svg.marks');
  const canvas = embed.querySelector('canvas');
  const label = (embed.querySelector('[aria-label]') || embed).getAttribute('aria-label') || '';
  let drawing = '';
  if (svg) { drawing = svg.outerHTML; }
  else if (canvas) { try { drawing = canvas.toDataURL(); } catch (e) { drawing = 'canvas:' + e; } }
  return [label, drawing];
})
"""


def _drawn(signature) -> bool:
    """True when there is at least one chart and every chart has been drawn."""
    return bool(signature) and all(drawing for _label, drawing in signature)


def _explorer_index(lesson) -> int:
    cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    tagged = [i for i, c in enumerate(cells) if "explorer" in c.get("metadata", {}).get("tags", [])]
    assert tagged, f"{lesson.name} has no cell tagged 'explorer'"
    return tagged[0]


KERNEL_READY_JS = r"""
() => {
  // Before the kernel exists the indicator already says 'idle' next to "No Kernel":
  // require a named kernel, the indicator idle and the status bar's "| Idle".
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const name = panel.querySelector('.jp-Toolbar-kernelName, .jp-KernelName');
  const bar = document.querySelector('#jp-main-statusbar');
  return !!indicator && indicator.getAttribute('data-status') === 'idle'
    && !!name && name.textContent.trim() !== '' && !/No Kernel/.test(name.textContent)
    && !!bar && /\|\s*Idle/.test(bar.innerText);
}
"""


def _wait_kernel_idle(page, timeout_ms=KERNEL_IDLE_TIMEOUT_MS) -> None:
    """Wait until the notebook's kernel is connected and idle (the UI's own indicators)."""
    try:
        page.wait_for_function(KERNEL_READY_JS, timeout=timeout_ms, polling=200)
    except PlaywrightTimeout:
        dialog = page.locator(".jp-Dialog")
        if dialog.count():
            pytest.fail("JupyterLab is asking which kernel to use: give the notebook "
                        "kernelspec metadata (name 'python3'). Dialog: "
                        f"{dialog.first.inner_text()[:200]}")
        status = page.locator("#jp-main-statusbar").inner_text()
        pytest.fail(f"the kernel was not connected and idle after {timeout_ms / 1000:.0f} s "
                    f"(status bar: {status!r})")


def _run_all(page) -> None:
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def _wait_all_cells_ran(page, n_code_cells: int) -> None:
    """Wait until every code cell shows an execution count and the kernel is idle."""
    deadline = time.monotonic() + RUN_ALL_TIMEOUT_S
    while time.monotonic() < deadline:
        prompts = page.eval_on_selector_all(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt",
            "els => els.map(e => e.textContent.trim())")
        done = [p for p in prompts if p.startswith("[") and p[1:2].isdigit()]
        if len(done) == n_code_cells and len(prompts) == n_code_cells:
            _wait_kernel_idle(page, timeout_ms=30_000)
            return
        time.sleep(0.25)
    pytest.fail(f"cells still running after {RUN_ALL_TIMEOUT_S} s: prompts {prompts}")


def _move_a_control(cell) -> str:
    """Change one ipywidgets control inside ``cell`` the way a user would; say which."""
    select = cell.locator(".widget-dropdown select").first
    if select.count():
        values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
        current = select.input_value()
        other = next(v for v in values if v != current)
        select.select_option(other)
        return f"dropdown -> {other}"
    toggle = cell.locator(".widget-toggle-buttons button:not(.mod-active)").first
    if toggle.count():
        toggle.click()
        return "toggle button"
    radio = cell.locator(".widget-radio-box input[type=radio]:not(:checked)").first
    if radio.count():
        radio.check()
        return "radio button"
    handle = cell.locator(".widget-slider .noUi-handle").first
    if handle.count():
        handle.focus()
        for _ in range(5):
            handle.press("PageUp")
        return "slider (keyboard)"
    checkbox = cell.locator(".widget-checkbox input[type=checkbox]").first
    if checkbox.count():
        checkbox.click()
        return "checkbox"
    pytest.fail("the explorer cell has no dropdown, toggle, radio, slider or checkbox to move")


def _open_and_run_all(page, jupyterlab, path, n_code, wait_for_chart) -> dict[str, float]:
    """Open a notebook, wait for an idle kernel, Run All Cells, wait for every cell.

    Returns seconds since the server was launched at each stage (for the benchmark).
    """
    times = {"server_ready_s": jupyterlab.ready_after}
    page.goto(jupyterlab.lab_url(path))
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=KERNEL_IDLE_TIMEOUT_MS)
    times["start_to_notebook_shown_s"] = time.perf_counter() - jupyterlab.started_at
    _wait_kernel_idle(page)
    times["start_to_kernel_idle_s"] = time.perf_counter() - jupyterlab.started_at
    _run_all(page)
    if wait_for_chart:
        page.wait_for_selector(
            ".jp-OutputArea .vega-embed canvas, .jp-OutputArea .vega-embed svg.marks",
            state="attached", timeout=RUN_ALL_TIMEOUT_S * 1000)
        times["start_to_rendered_s"] = time.perf_counter() - jupyterlab.started_at
    _wait_all_cells_ran(page, n_code)
    times["start_to_all_cells_done_s"] = time.perf_counter() - jupyterlab.started_at
    return times


def test_lesson_runs_renders_and_explorer_redraws(lesson, lesson_page, record_property):
    session = lesson_page
    check_ran_notebook(lesson, session.page, session.times, session.saved, record_property)


def check_notebook(lesson, jupyterlab, page, record_property) -> None:
    """Open, run, and check one notebook with an explorer."""
    saved = lesson.read_bytes()
    n_code = sum(c["cell_type"] == "code" for c in json.loads(saved.decode("utf-8"))["cells"])
    times = _open_and_run_all(page, jupyterlab, lesson, n_code, wait_for_chart=True)
    check_ran_notebook(lesson, page, times, saved, record_property)


def check_ran_notebook(lesson, page, times, saved, record_property) -> None:
    """Check a notebook with an explorer that has just been Run All (the lesson test's
    body): ``times`` as :func:`_open_and_run_all` gives them, ``saved`` the file before."""
    cells = json.loads(saved.decode("utf-8"))["cells"]
    explorer_at = _explorer_index(lesson)
    for name, seconds in times.items():
        record_property(name, round(seconds, 2))
    print(f"\n{lesson.name}: " + ", ".join(f"{name} {seconds:.1f} s"
                                           for name, seconds in times.items()))

    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    dom_cells = notebook.locator(".jp-Cell")
    assert dom_cells.count() == len(cells), "JupyterLab shows a different number of cells"

    tracebacks = notebook.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        has_text="Traceback")
    assert tracebacks.count() == 0, f"a cell raised an error:\n{tracebacks.first.inner_text()}"
    assert page.get_by_text("Error loading script").count() == 0, "a chart tried to load Vega"
    charts = notebook.locator(".vega-embed").filter(
        has=page.locator("canvas, svg.marks"))
    assert charts.count() >= 1, "no chart rendered by JupyterLab's Vega renderer"
    check_screen(page, notebook, record_property)

    explorer = notebook.locator(f".jp-Cell[data-windowed-list-index='{explorer_at}']")
    explorer.scroll_into_view_if_needed()
    try:
        explorer.locator(".jupyter-widgets").first.wait_for(timeout=30_000)
    except PlaywrightTimeout:
        pytest.fail(f"the cell tagged 'explorer' (cell {explorer_at}) shows no ipywidget")
    try:
        explorer.locator(".vega-embed canvas, .vega-embed svg.marks").first.wait_for(
            timeout=30_000)
    except PlaywrightTimeout:
        pytest.fail(f"the cell tagged 'explorer' (cell {explorer_at}) shows no chart: tag "
                    "the cell that displays the lesson's main Explorer (controls -> chart "
                    "+ verdict)")
    before = explorer.evaluate(CHART_SIGNATURE_JS)
    explorer.screenshot(path=str(page.artifacts / "explorer-before.png"))
    assert _drawn(before), "the explorer shows no rendered chart"
    moved = _move_a_control(explorer)
    # Wait for a *complete* new drawing: while the Output widget swaps charts there can
    # be a moment with an empty .vega-embed, which is neither the old nor the new chart.
    deadline = time.monotonic() + CHART_CHANGE_TIMEOUT_S
    after = before
    while time.monotonic() < deadline and (after == before or not _drawn(after)):
        time.sleep(0.2)
        after = explorer.evaluate(CHART_SIGNATURE_JS)
    explorer.screenshot(path=str(page.artifacts / "explorer-after.png"))
    assert after != before, f"moving the explorer ({moved}) did not change its chart"
    assert _drawn(after), f"after moving the explorer ({moved}) no chart is drawn"
    warning = explorer.locator(".widget-html", has_text="\u26a0")
    assert warning.count() == 0, f"the explorer shows an error: {warning.first.inner_text()}"

    blocked = page.record.blocked
    print(f"{lesson.name}: {len(blocked)} request(s) beyond loopback blocked: {blocked}")
    record_property("blocked_requests", len(blocked))
    assert not blocked, f"the lesson tried to reach the network: {blocked}"
    assert lesson.read_bytes() == saved, "the browser session wrote to the lesson file"


def check_screen(page, notebook, record_property, expect_charts: bool = True) -> None:
    """Every chart against its spec, every explorer control readable, no version warning."""
    started = time.perf_counter()
    charts = notebook.evaluate(screen.CHARTS_JS)
    problems = [p for chart in charts for p in screen.chart_problems(chart)]
    problems += screen.control_problems(notebook.evaluate(screen.CONTROLS_JS))
    problems += [f"console: {line}" for line in screen.version_warnings(page.record.console)]
    pages = screen.screenshot_pages(page, page.artifacts)
    embeds = notebook.locator(".vega-embed")
    for number in range(embeds.count()):  # each chart on its own, for review by eye
        embeds.nth(number).screenshot(path=str(page.artifacts / f"chart-{number + 1:02d}.png"))
    record_property("charts_checked", len(charts))
    record_property("screen_check_s", round(time.perf_counter() - started, 2))
    print(f"checked {len(charts)} charts; {len(pages)} screenshots in {page.artifacts}")
    assert charts or not expect_charts, "no chart on screen to check"
    assert not problems, "what is on screen differs from what was asked for:\n" + "\n".join(
        problems)


@pytest.mark.parametrize("problem_set", PROBLEM_SETS, ids=[p.stem for p in PROBLEM_SETS])
def test_problem_set_runs_and_shows_what_its_charts_ask_for(problem_set, jupyterlab, lab_page,
                                                            record_property):
    """A student's first Run All of a problem set: no error, charts and controls readable."""
    saved = problem_set.read_bytes()
    cells = json.loads(saved.decode("utf-8"))["cells"]
    n_code = sum(c["cell_type"] == "code" for c in cells)
    # Charts drawn from a student's answers appear once the answers are written: a blank
    # problem set may show none (ps1 shows its explorer's).
    _open_and_run_all(lab_page, jupyterlab, problem_set, n_code, wait_for_chart=False)
    notebook = lab_page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    tracebacks = notebook.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        has_text="Traceback")
    assert tracebacks.count() == 0, f"a cell raised an error:\n{tracebacks.first.inner_text()}"
    page_charts = notebook.locator(".vega-embed svg.marks")
    if any("explorer" in c.get("metadata", {}).get("tags", []) for c in cells):
        page_charts.first.wait_for(timeout=30_000)
    check_screen(lab_page, notebook, record_property, expect_charts=False)
    assert not lab_page.record.blocked, f"requests beyond loopback: {lab_page.record.blocked}"
    assert problem_set.read_bytes() == saved, "the browser session wrote to the problem set"


BROKEN_CELLS = [
    # Altair's default "html" renderer fetches Vega from a CDN: blocked, so it must fail.
    "import altair as alt\nimport pandas as pd\nalt.renderers.enable('html')\n"
    "alt.Chart(pd.DataFrame({'x': [1, 2]})).mark_point().encode(x='x:Q')",
    "1 / 0",  # last: Run All stops at the first error
]


def test_the_checks_catch_a_broken_notebook(jupyterlab, lab_page):
    """The detectors used above must be able to fail: a traceback, a CDN chart."""
    import nbformat

    page = lab_page
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in BROKEN_CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    path = page.artifacts / "broken.ipynb"  # inside the served project root, git-ignored
    nbformat.write(nb, path)
    _open_and_run_all(page, jupyterlab, path, len(BROKEN_CELLS), wait_for_chart=False)
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    page.get_by_text("Error loading script").first.wait_for(timeout=30_000)
    tracebacks = notebook.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        has_text="ZeroDivisionError")
    assert tracebacks.count() == 1
    assert any("cdn.jsdelivr.net" in url for url in page.record.blocked), page.record.blocked
    assert notebook.locator(".vega-embed canvas, .vega-embed svg.marks").count() == 0


BAD_SCREEN_CELLS = [
    "import course\ncourse.setup()",
    # Colour and line style on one field, the line-style legend hidden: Vega-Lite then
    # draws no legend at all. A y title cut to 60 px. Built without finish(), which
    # would refuse the legend.
    "import altair as alt\nimport pandas as pd\n"
    "rows = pd.DataFrame({'x': [1, 2, 1, 2], 'y': [1, 2, 2, 1], 'm': list('aabb')})\n"
    "alt.Chart(rows).mark_line().encode(x='x:Q',\n"
    "    y=alt.Y('y:Q', title='Effective number of poles', axis=alt.Axis(titleLimit=60)),\n"
    "    color=alt.Color('m:N', title='Measure'),\n"
    "    strokeDash=alt.StrokeDash('m:N', legend=None))",
    # A range slider squeezed so that its readout is cut, outside any Explorer.
    "import ipywidgets as w\n"
    "w.IntRangeSlider(value=(1870, 1914), min=1816, max=2016, description='Window (years)',"
    " layout=w.Layout(width='220px'))",
]


def test_the_screen_checks_catch_a_hidden_legend_and_cut_text(jupyterlab, lab_page,
                                                              record_property):
    """The on-screen checks must be able to fail: a vanished legend, cut titles and labels."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in BAD_SCREEN_CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    path = lab_page.artifacts / "bad-screen.ipynb"  # inside the served root, git-ignored
    nbformat.write(nb, path)
    _open_and_run_all(lab_page, jupyterlab, path, len(BAD_SCREEN_CELLS), wait_for_chart=True)
    notebook = lab_page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    notebook.locator(".widget-readout").first.wait_for(timeout=30_000)
    with pytest.raises(AssertionError) as caught:
        check_screen(lab_page, notebook, record_property)
    report = str(caught.value)
    assert "no legend for 'm' (color) listing ['a', 'b'] under 'Measure'" in report
    assert "axis title 'Effective number of poles' not drawn whole" in report
    assert "text cut short" in report
    assert re.search(r"widget-(label|readout) '(Window \(years\)|1870 – 1914)' is cut", report), \
        report


SLIDER_EXPLORER = """\
import altair as alt
import ipywidgets as widgets
import pandas as pd

from course.charts.base import finish
from course.widgets.base import Explorer, View


def squares(n):
    data = pd.DataFrame({"x": list(range(n)), "y": [i * i for i in range(n)]})
    chart = finish(alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q"),
                   title="Squares", description=f"Squares of 0 to {n - 1}.")
    return View(chart=chart, verdict=f"The largest square is {(n - 1) ** 2}.")


Explorer(squares, {"n": widgets.IntSlider(value=3, min=2, max=10)})
"""


def test_an_explorer_with_only_a_slider_is_moved_too(jupyterlab, lab_page, record_property):
    """Lessons to come may use sliders only: the same checks move one from the keyboard."""
    import nbformat

    cells = [nbformat.v4.new_code_cell("import course\ncourse.setup()"),
             nbformat.v4.new_code_cell(SLIDER_EXPLORER, metadata={"tags": ["explorer"]})]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    path = lab_page.artifacts / "slider.ipynb"  # inside the served project root, git-ignored
    nbformat.write(nb, path)
    check_notebook(path, jupyterlab, lab_page, record_property)


# ------------------------------------------------------------------ WCAG in JupyterLab

@pytest.mark.slow
@pytest.mark.needs("axe-core")
def test_each_lesson_in_jupyterlab_passes_axe_after_run_all(lesson, lesson_page, axe):
    """axe-core's WCAG 2.0/2.1 A and AA rules on the lesson after Run All, every chart
    drawn (tests/browser/test_wcag.py runs them on everything else the course shows)."""
    page = lesson_page.page
    notebook = page.locator(f"{PANEL} .jp-Notebook")
    deadline = time.monotonic() + CHART_CHANGE_TIMEOUT_S
    while not _drawn(notebook.evaluate(CHART_SIGNATURE_JS)):
        if time.monotonic() > deadline:
            pytest.fail(f"charts not drawn {CHART_CHANGE_TIMEOUT_S} s after Run All")
        time.sleep(0.2)
    audit = axe.audit(page, f"{lesson.stem} in JupyterLab")
    axe.write_report(page.artifacts, [audit])
    print(audit.summary())
    assert not audit.problems, f"{len(audit.problems)} accessibility problem(s):\n  " + \
        "\n  ".join(audit.problems[:40])
    assert not page.record.blocked


# ------------------------------------------------------------------ presenter notes


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


def _check_notes(page, cells: list[dict], when: str) -> None:
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


@pytest.mark.slow
def test_a_student_never_sees_presenter_notes(lesson, lesson_page):
    """After Run All (the lesson's shared session), after a deck session, and after
    Shift+Enter through the whole lesson, no presenter note is on screen (module doc)."""
    page, cells = lesson_page.page, lesson_page.cells
    page.screenshot(path=str(page.artifacts / "1-after-run-all.png"))
    _check_notes(page, cells, "after Run All")

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
    _check_notes(page, cells, "after a deck session")

    page.locator(f"{PANEL} .jp-Cell[data-windowed-list-index='0']").click()
    page.keyboard.press("Escape")  # command mode
    visible = sum(slides.slide_type(c) != "notes" for c in cells)
    for _ in range(visible - 1):  # (on the last cell, Shift+Enter would add a new one)
        page.keyboard.press("Shift+Enter")
        time.sleep(0.05)
    _wait_kernel_idle(page, timeout_ms=180_000)
    time.sleep(1.0)
    page.screenshot(path=str(page.artifacts / "3-after-shift-enter.png"))
    _check_notes(page, cells, "after Shift+Enter through the lesson")
    active = page.evaluate(
        "() => Number(document.querySelector('.jp-Notebook .jp-Cell.jp-mod-active')"
        ".dataset.windowedListIndex)")
    assert slides.slide_type(cells[active]) != "notes", "a notes cell became the active cell"
    assert active == max(i for i, c in enumerate(cells) if slides.slide_type(c) != "notes"), (
        f"Shift+Enter stopped at cell {active + 1}, not at the lesson's last cell")
