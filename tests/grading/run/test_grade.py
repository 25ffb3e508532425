"""`course grade` end to end on the fixture problem set: gradebook, feedback, re-grading."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from course.cli import main
from course.errors import InputError
from course.grading.book import gradebook
from course.grading.run.runner import grade_paths, load_spec
from course.grading.sandbox import Sandbox

pytestmark = pytest.mark.needs("solutions")  # instructors' tests: not in the student edition

HERE = Path(__file__).resolve().parents[1]  # tests/grading: fixtures/, corpus/, gradebooks.py
FIXTURE = HERE / "fixtures" / "fx"
_spec = importlib.util.spec_from_file_location("corpus_build", HERE / "corpus" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    """alice: the solution; bob: q3 wrong; carol: not a notebook; dave: id in metadata."""
    root = tmp_path_factory.mktemp("subs")
    spec = load_spec("fx", autograder_dir=FIXTURE)
    cases = build.build(FIXTURE / "fx.ipynb", spec.required(), root / "cases")
    folder = root / "inbox"
    folder.mkdir()
    shutil.copy(cases["correct"], folder / "alice.ipynb")
    shutil.copy(cases["partly_wrong"], folder / "bob.ipynb")
    shutil.copy(cases["not_json"], folder / "carol.ipynb")
    nb = json.loads((FIXTURE / "fx.ipynb").read_text())
    nb["metadata"]["course"]["student_id"] = "dave42"
    (root / "dave-upload.ipynb").write_text(json.dumps(nb))
    (folder / "readme.txt").write_text("not a submission")
    return root


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_rows(path: Path) -> list[dict]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_grade_command_writes_gradebook_feedback_and_progress(submissions, tmp_path, capsys):
    before = {p: digest(p) for p in submissions.rglob("*.ipynb") if p.is_file()}
    out = tmp_path / "gradebook.csv"
    feedback = tmp_path / "feedback"
    code = main(["grade", "--assignment", "fx", "--autograder-dir", str(FIXTURE),
                 str(submissions / "inbox"), "--out", str(out), "--feedback-dir",
                 str(feedback), "--workers", "2"])
    err = capsys.readouterr().err
    assert code == 3  # carol's file could not be graded
    assert "[3/3]" in err and "ignored (not a .ipynb file)" in err
    rows = {r["student_id"]: r for r in read_rows(out)}
    with out.open() as handle:
        header = handle.readline().strip().split(",")
    assert header == ["student_id", "assignment", "q1", "q2", "q3", "w1", "total", "max_total",
                      "status", "written_status", "message", "flags", "submissions", "source_file",
                      "submission_sha256", "graded_at"]
    assert sorted(rows) == ["alice", "bob", "carol"]
    assert rows["alice"]["source_file"] == "inbox/alice.ipynb"
    assert rows["alice"]["submissions"] == "1" and rows["alice"]["flags"] == ""
    alice, bob, carol = rows["alice"], rows["bob"], rows["carol"]
    assert (alice["q1"], alice["q2"], alice["q3"], alice["w1"]) == ("3", "2", "2", "")
    assert alice["total"] == "7" and alice["max_total"] == "8" and alice["status"] == "ok"
    assert alice["written_status"] == "to grade: w1"
    assert alice["submission_sha256"] == digest(submissions / "inbox" / "alice.ipynb")
    assert bob["q3"] == "1" and bob["total"] == "6"  # public check passes, hidden test fails
    assert carol["status"] == "invalid_json" and carol["total"] == "0"
    assert "not valid JSON" in carol["message"]
    # feedback: one file per row, with the score and each test's outcome
    files = sorted(p.name for p in feedback.iterdir())
    assert len(files) == 3 and all(name.endswith(".md") for name in files)
    text = (feedback / gradebook.feedback_name("bob")).read_text()
    assert "**Score: 6 / 8**" in text
    assert "hidden test `chart_draws_the_shares`: failed" in text
    assert "public check `chart_is_a_titled_bar_chart`: passed" in text
    # submissions are never modified
    assert before == {p: digest(p) for p in submissions.rglob("*.ipynb") if p.is_file()}


def test_a_rerun_resumes_and_metadata_never_names_the_student(submissions, tmp_path, capsys):
    out = tmp_path / "gradebook.csv"
    args = ["grade", "-a", "fx", "--autograder-dir", str(FIXTURE), "--out", str(out), "-q"]
    main([*args, str(submissions / "inbox" / "alice.ipynb")])
    first = read_rows(out)
    capsys.readouterr()
    main([*args, str(submissions / "inbox" / "alice.ipynb"),
          str(submissions / "dave-upload.ipynb")])
    err = capsys.readouterr().err
    second = read_rows(out)
    assert [r["student_id"] for r in first] == ["alice"]
    # the file's name says whose it is; the metadata's "dave42" is reported, not used
    assert [r["student_id"] for r in second] == ["alice", "dave-upload"]
    assert "notebook metadata names student 'dave42'" in second[1]["flags"]
    assert second[0] == first[0]  # alice's file was not graded again
    assert "resumed: 1 submission(s) already graded" in err
    assert second[1]["total"] == "7"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_gradebook_write_is_atomic(submissions, tmp_path, monkeypatch):
    spec = load_spec("fx", autograder_dir=FIXTURE)
    out = tmp_path / "gradebook.csv"
    grades = grade_paths(spec, [submissions / "inbox" / "carol.ipynb"])
    book = gradebook.Gradebook(out, spec)
    book.record(grades[0])
    saved = out.read_text(), book.ledger.read_text()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        gradebook.Gradebook(out, spec).record(grades[0])
    assert (out.read_text(), book.ledger.read_text()) == saved
    assert sorted(p.name for p in tmp_path.iterdir()) == [  # no temporary file left
        ".gradebook.csv.lock", "gradebook-details.jsonl", "gradebook-submissions.csv",
        "gradebook.csv"]


def test_gradebook_of_another_assignment_is_refused(tmp_path):
    spec = load_spec("fx", autograder_dir=FIXTURE)
    out = tmp_path / "gradebook.csv"
    out.write_text("student_id,q9\nx,1\n")
    with pytest.raises(InputError, match="other columns"):
        gradebook.Gradebook(out, spec)


def test_spreadsheet_formulas_are_guarded_and_ids_kept(tmp_path, submissions):
    spec = load_spec("fx", autograder_dir=FIXTURE)
    evil = tmp_path / "+SUM(A1).ipynb"
    shutil.copy(submissions / "inbox" / "carol.ipynb", evil)
    grades = grade_paths(spec, [evil])
    assert grades[0].student_id == "+SUM(A1)"  # exactly as collected
    book = gradebook.Gradebook(tmp_path / "g.csv", spec)
    book.record(grades[0])
    row = read_rows(tmp_path / "g.csv")[0]
    assert row["student_id"] == "'+SUM(A1)"  # a spreadsheet shows it as text
    assert "formula" in row["flags"]
    # ...and the gradebook reads its own ids back exactly
    assert list(gradebook.Gradebook(tmp_path / "g.csv", spec).current()) == ["+SUM(A1)"]


@pytest.mark.parametrize("mode", ["none", "process"])
def test_uncontained_grading_is_refused_unless_allowed(submissions, mode):
    spec = load_spec("fx", autograder_dir=FIXTURE)
    alice = submissions / "inbox" / "alice.ipynb"
    with Sandbox(containment=mode) as box:
        with pytest.raises(InputError, match="allow-uncontained"):
            grade_paths(spec, [alice], sandbox=box)
        assert box.containment == mode
        grades = grade_paths(spec, [alice], sandbox=box, require_containment=False)
    assert grades[0].total == 7 and grades[0].containment == mode


def test_no_submissions_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("x")
    code = main(["grade", "-a", "fx", "--autograder-dir", str(FIXTURE), str(tmp_path)])
    assert code == 1
    assert "no .ipynb submissions found" in capsys.readouterr().err


def test_unknown_assignment_is_a_clear_error(tmp_path, capsys):
    code = main(["grade", "-a", "nosuchps", str(tmp_path)])
    assert code == 1
    assert "nosuchps" in capsys.readouterr().err


def test_submissions_and_grading_outputs_are_git_ignored():
    root = Path(__file__).resolve().parents[3]
    ignored = ["submissions/ps1/jdoe42.ipynb", "feedback/ps1/jdoe42-1a2b3c4d.md",
               "gradebook.csv", "grading/ps1/gradebook-submissions.csv",
               "exercises/ps1/ps1.submission.ipynb", "exercises/ps1/ps1.submission.json"]
    kept = ["exercises/ps1/ps1.ipynb", "tests/grading/corpus/manifest.yaml"]
    for path in ignored + kept:
        check = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=root)
        assert check.returncode == (0 if path in ignored else 1), path
