"""One boundary per submission: an exception anywhere on one submission's path is its row.

Each stage of the pipeline is made to fail for one student — reading, scoring,
recording (as a lone surrogate once made ``details.py`` fail), writing the feedback —
and the class must go on: that student gets a ``grader_error`` row naming the stage, or
(feedback) keeps the grade with a flag, and every classmate is graded as usual.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course.cli import grade as cli_grade
from course.grading.book import gradebook
from course.grading.run import runner
from course.grading.run.boundary import Boundary, describe
from course.grading.run.collect import collect
from course.grading.run.runner import grade_submissions, load_spec
from course.grading.sandbox import Sandbox

pytestmark = pytest.mark.needs("solutions")  # grades the engine's fixture problem set

HERE = Path(__file__).resolve().parents[1]  # tests/grading: fixtures/, corpus/, gradebooks.py
FIXTURE = HERE / "fixtures" / "fx"


@pytest.fixture(scope="module")
def box():
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for sid in ("amy", "bob", "cat"):
        shutil.copy(FIXTURE / "fx.ipynb", folder / f"{sid}.ipynb")
    return folder


def test_a_stage_that_raises_becomes_the_row_of_that_submission_only():
    boundary = Boundary(lambda status, message: {"status": status, "message": message})
    with boundary.stage("assemble"):
        raise KeyError("\ud800")
    assert boundary.failed["status"] == "grader_error"
    assert "while scoring it (KeyError: '\\ud800')" in boundary.failed["message"]
    boundary.failed["message"].encode("utf-8")
    with pytest.raises(KeyboardInterrupt), boundary.stage("run"):  # Ctrl-C still stops
        raise KeyboardInterrupt
    assert describe("record", UnicodeEncodeError("utf-8", "\ud800", 0, 1, "x")).startswith(
        "the grader failed on this file while recording its row (UnicodeEncodeError")


@pytest.mark.parametrize("stage", ["read", "assemble", "record"])
def test_the_class_goes_on_when_one_submission_breaks_a_stage(stage, inbox, tmp_path, box,
                                                              monkeypatch):
    spec = load_spec("fx", autograder_dir=FIXTURE)
    book = gradebook.Gradebook(tmp_path / "gradebook.csv", spec)
    broken = {"calls": 0}

    def fail_for_bob(function):
        def wrapper(*args, **kwargs):
            subject = args[1] if stage != "record" else args[0]
            fallback = getattr(subject, "status", "") == "grader_error"  # the boundary's row
            if getattr(subject, "student_id", None) == "bob" and not fallback:
                broken["calls"] += 1
                raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
            return function(*args, **kwargs)
        return wrapper

    record = book.record
    if stage == "read":
        monkeypatch.setattr(runner, "read", fail_for_bob(runner.read))
    elif stage == "assemble":
        monkeypatch.setattr(runner, "assemble", fail_for_bob(runner.assemble))
    else:
        record = fail_for_bob(book.record)
    submissions, _ = collect([str(inbox)], "fx")
    grades = grade_submissions(spec, submissions, sandbox=box, record=record)
    assert broken["calls"] >= 1
    rows = book.current()
    assert sorted(rows) == ["amy", "bob", "cat"]
    assert rows["bob"]["status"] == "grader_error"
    assert "UnicodeEncodeError" in rows["bob"]["message"]
    for sid in ("amy", "cat"):
        assert (rows[sid]["status"], rows[sid]["total"]) == ("ok", "7")
    assert len(grades) == 3


def test_feedback_that_cannot_be_written_keeps_the_grade_and_flags_it(inbox, tmp_path, box,
                                                                      monkeypatch, capsys):
    real = gradebook.write_feedback

    def write(folder, spec, grade, hand=None):
        if grade.student_id == "bob":
            raise OSError(28, "No space left on device")
        return real(folder, spec, grade, hand)

    monkeypatch.setattr(cli_grade, "write_feedback", write)  # what `course grade` calls
    import argparse

    parser = argparse.ArgumentParser()
    cli_grade.add_arguments(parser)
    out = tmp_path / "gradebook.csv"
    args = parser.parse_args(["--assignment", "fx", "--autograder-dir", str(FIXTURE),
                              str(inbox), "--out", str(out), "--feedback-dir",
                              str(tmp_path / "feedback"), "--quiet"])
    assert cli_grade.run(args, sandbox=box) == 0
    rows = gradebook.Gradebook(out, load_spec("fx", autograder_dir=FIXTURE)).current()
    assert (rows["bob"]["status"], rows["bob"]["total"]) == ("ok", "7")
    assert "no feedback file" in rows["bob"]["flags"] and "writing its feedback" in \
        rows["bob"]["flags"]
    assert len(list((tmp_path / "feedback").glob("*.md"))) == 2
