"""WCAG 2.1 AA, shown by test: axe-core in Chromium on every page the course makes or shows.

axe-core (``tests/browser/axe.py``; installed from npm, the ``axe-core`` need) runs its
WCAG 2.0/2.1 A and AA rules on:

* each lesson in JupyterLab after Run All (charts, explorers, tables, the lesson's text):
  ``test_lessons_in_jupyterlab.py``, on the one Run All its other checks share;
* the deck (lesson 00, its first screens and the blank screen) and the speaker view;
* each lesson's student handout and presenter's running order (HTML, as ``course export``
  writes them), where also every printed data table fits half an A4 page;
* the review app (``course review``) and the class report (``course report``).

What the course controls must have no violation. What comes from JupyterLab itself is
listed with its upstream issue (``axe.UPSTREAM``); a violation in JupyterLab that is not
listed fails too, so the list stays true. Each test keeps ``axe-report.json`` beside its
screenshots under ``test-artifacts/``.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import secrets
import shutil
import sys
import time
from pathlib import Path

import pytest

from course.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from course.publish import export

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.needs("axe-core")]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # (dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


HERE = Path(__file__).parent
axe = _load("_browser_axe", HERE / "axe.py")
helpers = _load("_browser_lesson_helpers_wcag", HERE / "test_lessons_in_jupyterlab.py")
deck = _load("_browser_slides_helpers_wcag", HERE / "test_slides.py")

LESSONS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
#: Half the printable height of an A4 page (297 mm less 2 x 14 mm margins), in CSS pixels.
HALF_PAGE_PX = (297 - 28) / 2 / 25.4 * 96
A4_WIDTH_PX = round((210 - 24) / 25.4 * 96)


def _check(audits, folder: Path) -> None:
    axe.write_report(folder, audits)
    for audit in audits:
        print(audit.summary())
    problems = [f"{a.page}: {p}" for a in audits for p in a.problems]
    assert not problems, f"{len(problems)} accessibility problem(s):\n  " + "\n  ".join(
        problems[:40])


@pytest.fixture
def static_page(request, chromium):
    """A Chromium page for the course's own files: nothing but file: and data: loads."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    blocked = []

    def guard(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    page.route("**/*", guard)
    page.artifacts, page.blocked = folder, blocked
    yield page
    context.close()


# ------------------------------------------------------------------ handouts

PRINT_TABLES_JS = """
() => Array.from(document.querySelectorAll('.handout-table-print')).map(t => ({
  height: t.getBoundingClientRect().height, text: t.innerText.slice(0, 80)}))
"""
#: Captions as printed: a chart's and its tables' (one was once set one inch wide).
CAPTIONS_JS = """
() => Array.from(document.querySelectorAll(
    'figcaption, .handout-table-print caption, .handout-table-title'))
  .filter(c => c.getClientRects().length).map(c => ({
    lines: c.getBoundingClientRect().height / (parseFloat(getComputedStyle(c).fontSize) * 1.2),
    chars: c.innerText.length, text: c.innerText.slice(0, 60)}))
"""
#: Characters a printed line holds at least (8-pt tables, 10-pt text, on A4 less margins).
LINE_CHARS = 60


def test_the_student_handout_passes_axe_and_prints_short_tables(lesson, executed_lesson,
                                                                static_page, tmp_path):
    page = static_page
    handout = export.export_notebook(executed_lesson(lesson), tmp_path, execute=False,
                                     name=lesson.stem)
    page.goto(handout.html_path.as_uri())
    audits = [axe.audit(page, handout.html_path.name, everywhere=True)]
    page.screenshot(path=str(page.artifacts / "handout.png"))
    # On paper (A4 at 96 dpi, less the margins) each data twin takes at most half a page.
    printable = tmp_path / "print.html"
    printable.write_text(export.for_print(handout.html_path.read_text()))
    page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1000})
    page.emulate_media(media="print")
    page.goto(printable.as_uri())
    tables = page.evaluate(PRINT_TABLES_JS)
    captions = page.evaluate(CAPTIONS_JS)
    page.emulate_media(media="screen")
    # a caption set in a narrow column runs down the page: lines >> characters / line
    narrow = [c for c in captions if c["lines"] > 1.5 + c["chars"] / LINE_CHARS]
    assert not narrow, f"captions set in a narrow column: {narrow[:3]}"
    if handout.charts:
        assert tables, "the printed handout has no data tables"
    tall = [t for t in tables if t["height"] > HALF_PAGE_PX]
    assert not tall, f"printed data tables taller than half a page ({HALF_PAGE_PX:.0f} px): {tall}"
    assert page.blocked == []
    _check(audits, page.artifacts)


@pytest.mark.needs("solutions")  # presenter notes: not in the student edition
def test_the_presenters_running_order_passes_axe(lesson, executed_lesson, static_page, tmp_path):
    page = static_page
    handout = export.export_notebook(executed_lesson(lesson), tmp_path, execute=False,
                                     presenter=True, name=lesson.stem)
    page.goto(handout.html_path.as_uri())
    audits = [axe.audit(page, handout.html_path.name, everywhere=True)]
    page.screenshot(path=str(page.artifacts / "running-order.png"))
    _check(audits, page.artifacts)


# ------------------------------------------------------------------ JupyterLab
# Each lesson after Run All: test_lessons_in_jupyterlab.py, on the page its other checks use.

def test_the_deck_blank_screen_and_speaker_view_pass_axe(jupyterlab, lab_page):
    page = lab_page
    lesson = NOTEBOOKS_DIR / "00-how-this-course-works.ipynb"
    deck._open_deck(page, jupyterlab, lesson, (1280, 720))
    deck._wait_until(lambda: deck._screen(page), 20, "the first slide")
    audits = []
    for number in range(1, 6):
        audits.append(axe.audit(page, f"the deck, screen {number}"))
        page.keyboard.press("PageDown")
        time.sleep(0.8)
    page.keyboard.press("b")
    time.sleep(0.5)
    audits.append(axe.audit(page, "the deck, blank"))
    page.keyboard.press("b")
    with page.context.expect_page(timeout=10_000) as opened:
        page.keyboard.press("s")
    speaker = opened.value
    speaker.wait_for_load_state()
    deck._wait_until(lambda: "Screen" in speaker.inner_text("#where"), 10,
                     "the speaker view to follow the deck")
    speaker.screenshot(path=str(page.artifacts / "speaker-view.png"))
    audits.append(axe.audit(speaker, "the speaker view", everywhere=True))
    speaker.close()
    page.keyboard.press("Escape")
    _check(audits, page.artifacts)


# ------------------------------------------------------------------ grading pages

@pytest.mark.needs("solutions")  # the problem set's spec and rubric
def test_the_review_app_and_the_class_report_pass_axe(jupyterlab, lab_page, static_page):
    from course.cli import main
    from course.grading.book.report import write_report
    from course.grading.run.runner import load_spec

    gradebooks = _load("_gradebooks_wcag", HERE.parent / "grading" / "gradebooks.py")
    folder = ARTIFACTS / f"review-wcag-{secrets.token_hex(6)}"  # inside the served root
    folder.mkdir(parents=True)
    try:
        spec = load_spec("ps1")
        book = folder / "gradebook.csv"
        gradebooks.build_gradebook(book, spec, 12)
        assert main(["review", "-a", "ps1", str(book), "--question", "w1", "--grader", "ana",
                     "--feedback-dir", str(folder / "feedback"), "--no-lab"]) == 0
        page = lab_page
        page.goto(jupyterlab.lab_url(folder / "gradebook-review-ana.ipynb"))
        page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=90_000)
        helpers._wait_kernel_idle(page)
        helpers._run_all(page)
        page.wait_for_selector("button.course-review-save", timeout=60_000)
        time.sleep(1.0)
        page.screenshot(path=str(page.artifacts / "review.png"))
        audits = [axe.audit(page, "the review app (course review)")]
        report = write_report(spec, book, folder / "report")
        static_page.goto(report.as_uri())
        audits.append(axe.audit(static_page, "the class report (course report)",
                                everywhere=True))
        static_page.screenshot(path=str(page.artifacts / "report.png"), full_page=True)
        _check(audits, page.artifacts)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_audit_finds_what_it_should(static_page, tmp_path):
    """The checker can fail: a page with a nameless button, low contrast and an image
    without alt text gives three problems, and one without them none."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
                   '<button></button><p style="color:#b0b0b0">grey</p><img src="data:image/'
                   'gif;base64,R0lGODlhAQABAAAAACw=" width="9" height="9"></main></body></html>')
    static_page.goto(bad.as_uri())
    found = axe.audit(static_page, "bad", everywhere=True)
    rules = {p.split(" ")[0] for p in found.problems}
    assert {"button-name", "color-contrast", "image-alt"} <= rules, found.problems
    good = copy.copy(bad.read_text()).replace("<button></button>", "<button>Go</button>") \
        .replace("#b0b0b0", "#595959").replace('<img src', '<img alt="a dot" src')
    bad.write_text(good)
    static_page.goto(bad.as_uri())
    assert axe.audit(static_page, "good", everywhere=True).problems == []
