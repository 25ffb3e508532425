"""`course submit`: a fresh contained run with public checks, then a packaged copy."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import pytest

from course import paths
from course.cli import main
from course.errors import InputError
from course.grading.check.submit import submit
from course.grading.run.runner import grade_paths, load_spec
from course.grading.sandbox import Sandbox

pytestmark = pytest.mark.needs("solutions")  # instructors' tests: not in the student edition

HERE = Path(__file__).resolve().parents[1]  # tests/grading: fixtures/, corpus/, gradebooks.py
_spec = importlib.util.spec_from_file_location("corpus_build", HERE / "corpus" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


@pytest.fixture(scope="module")
def box():
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    spec = load_spec("ps1")
    return build.build(paths.SOLUTIONS_DIR / "ps1" / "ps1.ipynb", spec.required(),
                       tmp_path_factory.mktemp("ps1-cases"))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_submit_then_grade_agree_on_public_checks(cases, box, tmp_path):
    spec = load_spec("ps1")
    reports = {}
    for case in ("correct", "partly_wrong"):
        before = sha(cases[case])
        reports[case] = submit(cases[case], f"id-{case}", assignment="ps1", sandbox=box,
                               out_dir=tmp_path)
        assert sha(cases[case]) == before  # the working notebook is untouched
    assert reports["correct"].all_good
    files = [reports[c].submission for c in ("correct", "partly_wrong")]
    grades = grade_paths(spec, files, sandbox=box)
    for case, grade in zip(("correct", "partly_wrong"), grades, strict=True):
        report = reports[case]
        # whose it is comes from the file's name, never from what the notebook says
        assert grade.student_id == case and grade.metadata_id == f"id-{case}"
        assert grade.submission_sha256 == report.sha256 == sha(report.submission)
        manifest = json.loads(report.manifest.read_text())
        assert manifest["sha256"] == report.sha256 and manifest["assignment"] == "ps1"
        for question in report.questions:
            if question.kind != "auto":
                continue
            mine = sorted((c.name, c.passed) for c in question.checks)
            graded = sorted((r.name, r.passed) for r in grade.results
                            if r.question == question.id and not r.hidden)
            assert mine == graded, question.id
    assert grades[0].total > grades[1].total


def test_report_names_unanswered_questions_and_failing_cells(box, tmp_path):
    work = json.loads((paths.EXERCISES_DIR / "ps1" / "ps1.ipynb").read_text())
    work["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None,
                          "outputs": [], "source": "undefined_name + 1"})
    path = tmp_path / "ps1.ipynb"
    path.write_text(json.dumps(work))
    report = submit(path, "s1", sandbox=box)
    text = report.text()
    assert "q1: NOT ANSWERED" in text and "still `...`" in text
    assert "NameError" in text and f"cell {len(work['cells'])}" in text
    assert (tmp_path / "ps1.submission.ipynb").is_file()
    meta = json.loads((tmp_path / "ps1.submission.ipynb").read_text())["metadata"]["course"]
    assert meta["student_id"] == "s1" and meta["assignment"] == "ps1"


def test_refusals_are_clear(cases, tmp_path, capsys):
    with pytest.raises(InputError, match="--student-id"):
        submit(cases["correct"], None)
    with pytest.raises(InputError, match="not 'ps2'"):
        submit(cases["correct"], "s1", assignment="ps2")
    with pytest.raises(InputError, match="not valid JSON"):
        submit(cases["not_json"], "s1")
    with pytest.raises(InputError, match="does not have"):
        submit(cases["other_assignment"], "s1")
    foreign = tmp_path / "other.ipynb"
    foreign.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                   "cells": []}))
    with pytest.raises(InputError, match="not a problem set of this course"):
        submit(foreign, "s1")
    assert main(["submit", str(foreign), "--student-id", "s1"]) == 1
    assert "not a problem set of this course" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.submission.*"))


def test_an_answer_that_relied_on_a_cell_run_out_of_order_is_caught(box, tmp_path):
    """In the live kernel the student ran the last cell first; a fresh run cannot."""
    work = json.loads((paths.SOLUTIONS_DIR / "ps1" / "ps1.ipynb").read_text())
    cells = work["cells"]
    q1 = next(i for i, c in enumerate(cells)
              if (c.get("metadata", {}).get("course") or {}).get("question") == "q1")
    source = "".join(cells[q1]["source"])
    cells[q1]["source"] = "first_year_of_interest = my_year\n" + source
    cells.append({"cell_type": "code", "metadata": {}, "execution_count": None,
                  "outputs": [], "source": "my_year = 1913"})
    path = tmp_path / "ps1.ipynb"
    path.write_text(json.dumps(work))
    report = submit(path, "s1", sandbox=box)
    text = report.text()
    assert f"cell {q1 + 1}" in text and "NameError" in text and "my_year" in text
    q1_report = next(q for q in report.questions if q.id == "q1")
    assert not q1_report.answered


def test_the_submission_file_grades_exactly_as_the_original(cases, box, tmp_path):
    spec = load_spec("ps1")
    original = cases["partly_wrong"]
    report = submit(original, "s2", assignment="ps1", sandbox=box, out_dir=tmp_path)
    before, after = grade_paths(spec, [original, report.submission], sandbox=box)
    assert before.status == after.status == "ok"
    assert before.scores == after.scores and before.total == after.total
    assert [(r.name, r.passed) for r in before.results] == \
        [(r.name, r.passed) for r in after.results]


def test_written_answers_edited_in_place_are_seen_by_check_submit_grade_and_review(
        box, tmp_path, monkeypatch):
    """The real workflow (issue 20): a student works in the course's own
    exercises/ps1/ps1.ipynb — the file `make lab` opens — writes w1 in its answer cell and
    w2 in a new cell under the untouched prompt, saves, checks, submits; the grader and
    the review read both answers. The student's check never takes the file being edited
    for the untouched prompt."""
    import shutil

    from course.grading.book import gradebook, review

    exercises = tmp_path / "exercises"
    shutil.copytree(paths.EXERCISES_DIR / "ps1", exercises / "ps1")
    monkeypatch.setattr(paths, "EXERCISES_DIR", exercises)
    monkeypatch.chdir(tmp_path)
    notebook_path = exercises / "ps1" / "ps1.ipynb"
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    cells = notebook["cells"]
    w1 = next(c for c in cells if c["metadata"].get("course", {}).get("question") == "w1")
    w2 = next(c for c in cells if c["metadata"].get("course", {}).get("question") == "w2")
    w1["source"] = "**Your verdict:**\nMy own verdict on w1, with a number from the data."
    cells.insert(cells.index(w2) + 1, {"cell_type": "markdown", "id": "my-w2-answer",
                                       "metadata": {}, "source": "My answer to w2, typed "
                                       "in a new cell under the prompt."})
    notebook_path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")  # saved

    report = submit(notebook_path, "s1234567", assignment="ps1", sandbox=box,
                    time_limit=30)
    text = report.text()
    assert "w1: written answer present" in text and "w2: written answer present" in text
    assert "NO WRITTEN ANSWER" not in text
    manifest = json.loads(report.manifest.read_text())
    assert manifest["questions"]["w1"]["answered"] and manifest["questions"]["w2"]["answered"]

    spec = load_spec("ps1")
    book = gradebook.Gradebook(tmp_path / "gradebook.csv", spec)
    [grade] = grade_paths(spec, [report.submission], sandbox=box, record=book.record)
    assert grade.answered == {"w1": True, "w2": True}
    assert "w2 read from 2 cells" in grade.message
    assert "graded by hand" not in grade.message  # written_status says what is to grade
    for question, words in (("w1", "My own verdict on w1"), ("w2", "typed in a new cell")):
        [answer] = review.answers_from_gradebook(tmp_path / "gradebook.csv", spec, question)
        assert answer.answered and words in answer.text
