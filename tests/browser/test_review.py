"""An instructor grades 30 written answers by question in JupyterLab, in Chromium, offline.

A gradebook of 30 students for ps1 (recorded through the real ``Gradebook`` from made-up
grades, ``tests/grading/gradebooks.py``; one answer is hostile HTML) is written to a
fresh folder under ``test-artifacts/`` (inside the served root, git-ignored, removed
afterwards). ``course review --no-lab`` writes the review notebook beside it, as the
command does before starting JupyterLab; the test opens it, runs its cell, and grades
every answer to w1 **with the keyboard only**: ``1``/``3`` tick rubric items, ``c``
writes a comment and ``Esc`` leaves it, ``Enter`` saves and moves on, until the review
says ``w1: 30 / 30 graded``. Then:

* the notebook still has its two cells (the keys never reached JupyterLab's shortcuts);
* the hostile answer was shown as text and ran nothing;
* every student's w1 points are in ``gradebook.csv`` (total included), their feedback
  files show the ticked items' comments, and ``course export-grades`` puts the totals
  in a Canvas import file;
* nothing was fetched from beyond 127.0.0.1.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import secrets
import shutil
import time
from pathlib import Path

import pytest

from course.cli import main
from course.grading.book import gradebook
from course.paths import PROJECT_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.needs("solutions")]

GRADING = Path(__file__).resolve().parents[1] / "grading"
_spec = importlib.util.spec_from_file_location("gradebooks", GRADING / "gradebooks.py")
gradebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gradebooks)
_helpers = importlib.util.spec_from_file_location(
    "_browser_lesson_helpers_review", Path(__file__).with_name("test_lessons_in_jupyterlab.py"))
helpers = importlib.util.module_from_spec(_helpers)
_helpers.loader.exec_module(helpers)

HOSTILE = '<img src="x" onerror="window.__pwned = 1"> <b>bold?</b>'
TIMEOUT_MS = 30_000


@pytest.fixture
def class_folder():
    folder = PROJECT_ROOT / "test-artifacts" / f"review-run-{secrets.token_hex(6)}"
    folder.mkdir(parents=True)
    try:
        from course.grading.run.runner import load_spec

        spec = load_spec("ps1")
        book = gradebook.Gradebook(folder / "gradebook.csv", spec)
        for index, sid in enumerate(gradebooks.student_ids(30)):
            written = {"w1": HOSTILE, "w2": ""} if index == 4 else None
            book.record(gradebooks.grade_for(spec, sid, index, written=written))
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_instructor_grades_30_answers_with_the_keyboard(class_folder, jupyterlab, lab_page,
                                                        record_property):
    page = lab_page
    book = class_folder / "gradebook.csv"
    feedback = class_folder / "feedback"
    assert main(["review", "-a", "ps1", str(book), "--question", "w1", "--grader", "ana",
                 "--feedback-dir", str(feedback), "--no-lab"]) == 0
    notebook_path = class_folder / "gradebook-review-ana.ipynb"
    page.goto(jupyterlab.lab_url(notebook_path))
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
    helpers._wait_kernel_idle(page)
    helpers._run_all(page)
    review = page.locator("[class*='course-review-']").filter(
        has=page.locator("button.course-review-save")).first
    review.wait_for(timeout=60_000)
    page.wait_for_selector("[data-course-keys]", timeout=TIMEOUT_MS)  # the keys are listening
    assert "w1: 0 / 30 graded" in review.inner_text()
    review.screenshot(path=str(page.artifacts / "review-start.png"))

    started = time.perf_counter()
    review.locator(".course-review-answer").first.click()  # focus the review, as a grader would
    seen, hostile_seen, steps, last_answer = set(), False, 0, None
    while "w1: 30 / 30 graded" not in review.inner_text():
        steps += 1
        assert steps <= 30, "more steps than answers: the review does not move on"
        answer = review.locator(".course-review-answer").first.inner_text()
        # every group's text differs from the last one's: wait until the answer shown is
        # the new group's (the label can change before it on a loaded machine: at load 4,
        # more than 5 s before, and the naval group was read as the one before it)
        settle = time.monotonic() + TIMEOUT_MS / 1000
        while answer == last_answer and time.monotonic() < settle:
            time.sleep(0.05)
            answer = review.locator(".course-review-answer").first.inner_text()
        last_answer = answer
        label = review.locator(".course-review-where").inner_text()
        assert label not in seen, f"{label} shown twice"
        seen.add(label)
        if HOSTILE in answer:
            hostile_seen = True
        if "No answer" not in label:
            page.keyboard.press("1")  # verdict
            page.wait_for_function(
                "() => document.querySelector('[data-course-keys] .course-review-item-1 "
                "input').checked", timeout=TIMEOUT_MS)
            if "leave out" in answer:
                page.keyboard.press("3")  # limits
                page.wait_for_function(
                    "() => document.querySelector('[data-course-keys] .course-review-item-3 "
                    "input').checked", timeout=TIMEOUT_MS)
            if steps == 2:
                page.keyboard.press("c")
                page.keyboard.type("Name the measure you used.")
                page.keyboard.press("Escape")
                page.wait_for_function(
                    "() => document.querySelector('[data-course-keys] .course-review-comment "
                    "textarea').value.includes('measure') && document.querySelector("
                    "'[data-course-keys] .course-review-state').innerText.includes('graded: ')",
                    timeout=TIMEOUT_MS)
        page.keyboard.press("Enter")
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while time.monotonic() < deadline and (
                review.locator(".course-review-where").inner_text() == label
                and "w1: 30 / 30 graded" not in review.inner_text()):
            time.sleep(0.05)
        moved = review.locator(".course-review-where").inner_text() != label
        assert moved or "w1: 30 / 30 graded" in review.inner_text(), \
            "Enter did not save and move on"
    seconds = time.perf_counter() - started
    record_property("grading_seconds", round(seconds, 1))
    record_property("groups_graded", steps)
    review.screenshot(path=str(page.artifacts / "review-done.png"))

    # The keys stayed in the review: the notebook is as it was written.
    assert page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").count() == 2
    assert page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell").count() == 1
    # The hostile answer was text, and ran nothing.
    assert hostile_seen
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("[data-course-keys] .course-review-answer img").count() == 0

    with book.open(newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    assert len(rows) == 30 and all(r["w1"] != "" for r in rows.values())
    assert {r["written_status"] for r in rows.values()} == {"to grade: w2"}
    naval = [sid for sid, r in rows.items() if "leave out" in gradebooks.answer_for(
        int(sid) - 101, "w1") and sid != "00105"]
    assert naval and all(rows[sid]["w1"] == "2" for sid in naval), (
        f"naval answers' w1: {[(sid, rows[sid]['w1']) for sid in naval]}"
        f"; groups visited ({steps}): {sorted(seen)}")
    files = sorted(feedback.glob("*.md"))
    assert len(files) == 30
    texts = "\n".join(f.read_text() for f in files)
    assert "✓ Your verdict on multipolarity rests on a number from the data. (+1)" in texts
    assert "Comment: Name the measure you used." in texts

    out = class_folder / "canvas_import.csv"
    assert main(["export-grades", "-a", "ps1", str(book), "--lms", "canvas", "--template",
                 str(GRADING / "fixtures" / "lms" / "canvas_export.csv"), "--column",
                 "Problem set 1 (123456)", "--out", str(out), "--allow-ungraded"]) == 0
    exported = {r[2]: r[5] for r in csv.reader(out.read_text(encoding="utf-8-sig")
                                               .splitlines())}
    assert all(exported[sid] == rows[sid]["total"] for sid in rows if sid != "00130")
    assert re.fullmatch(r"\d+(\.\d+)?", exported["00101"])

    blocked = page.record.blocked
    assert not blocked, f"the review tried to reach the network: {blocked}"


def test_the_class_report_renders_offline_with_alt_text(chromium, tmp_path):
    """The report page in Chromium with every request blocked: every chart is drawn (its
    image decoded) and carries its alt text; a full-page screenshot is kept."""
    from course.grading.book.report import write_report
    from course.grading.run.runner import load_spec

    spec = load_spec("ps1")
    gradebooks.build_gradebook(tmp_path / "gradebook.csv", spec, 30)
    page_path = write_report(spec, tmp_path / "gradebook.csv", tmp_path / "report")
    folder = PROJECT_ROOT / "test-artifacts" / "class-report"
    folder.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    requested = []

    def guard(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            requested.append(route.request.url)
            route.abort("blockedbyclient")

    page.route("**/*", guard)
    try:
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.complete && e.naturalWidth > 0, e.alt])")
        page.screenshot(path=str(folder / "report.png"), full_page=True)
    finally:
        context.close()
    assert len(images) == 3 and all(drawn for drawn, _ in images), images
    assert all(len(alt) > 60 for _, alt in images)
    assert requested == []
