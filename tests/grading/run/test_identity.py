"""Whose submission is it, and which one counts: identity from how files were collected.

No notebook runs here: collection is tested on folders of files, the gradebook on grades
made by hand.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from course.errors import InputError
from course.grading.author.assignment import Question
from course.grading.book.gradebook import Gradebook, feedback_name
from course.grading.run.collect import collect
from course.grading.run.runner import Grade, GradingSpec


def _touch(path: Path, text: str = "{}", mtime: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def test_ids_come_from_file_names_and_per_student_folders(tmp_path):
    inbox = tmp_path / "inbox"
    _touch(inbox / "jdoe42.ipynb")
    _touch(inbox / "amy.submission.ipynb")
    _touch(inbox / "Müller, Anna.ipynb")
    _touch(inbox / "Möller, Anna.ipynb")
    _touch(inbox / "s025" / "ps1.ipynb")
    _touch(inbox / "s026" / "work" / "ps1.ipynb")
    _touch(inbox / ".ipynb_checkpoints" / "jdoe42-checkpoint.ipynb")
    _touch(inbox / "notes.txt")
    elsewhere = _touch(tmp_path / "elsewhere" / "x.ipynb").parent
    (inbox / "linked").symlink_to(elsewhere)
    named = _touch(tmp_path / "s027" / "ps1.ipynb")  # named on the command line
    found, ignored = collect([str(inbox), str(named)], "ps1")
    ids = {s.source: (s.student_id, s.via) for s in found}
    assert ids == {
        "inbox/Möller, Anna.ipynb": ("Möller, Anna", "file name"),
        "inbox/Müller, Anna.ipynb": ("Müller, Anna", "file name"),
        "inbox/amy.submission.ipynb": ("amy", "file name"),
        "inbox/jdoe42.ipynb": ("jdoe42", "file name"),
        "inbox/s025/ps1.ipynb": ("s025", "folder"),
        "inbox/s026/work/ps1.ipynb": ("s026", "folder"),
        f"{tmp_path}/s027/ps1.ipynb": ("s027", "folder"),
        "inbox/linked": ("linked", "folder"),  # a student's folder as a link: a row
    }
    assert {s.source: s.kind for s in found if s.kind != "notebook"} == {"inbox/linked": "link"}
    assert {p.name: why for p, why in ignored} == {"notes.txt": "not a .ipynb file"}


def test_an_id_pattern_takes_the_id_out_of_an_lms_file_name(tmp_path):
    _touch(tmp_path / "jdoe42_12345_67890_ps1.ipynb")
    found, _ = collect([str(tmp_path)], "ps1", id_pattern=r"^([^_]+)_")
    assert [(s.student_id, s.via) for s in found] == [("jdoe42", "pattern")]
    with pytest.raises(InputError, match="group"):
        collect([str(tmp_path)], "ps1", id_pattern="^jdoe")


SPEC = GradingSpec("ps1", "PS1", [Question("q1", 2, "auto", "q1", ["x"]),
                                   Question("w1", 1, "manual", "w1")], [], 3.0,
                   fingerprint="tests-v1")


def _grade(sid: str, source: str, total: float, mtime: float, sha: str,
           metadata_id: str | None = None, status: str = "ok") -> Grade:
    return Grade(sid, sha, "ps1", {"q1": total, "w1": None}, total, 3.0, status, "",
                 "2026-01-01T00:00:00Z", source=source, mtime=mtime, metadata_id=metadata_id,
                 spec_fingerprint="tests-v1")


def _rows(path: Path) -> list[dict]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(("keep", "counted"), [("latest", "b.ipynb"), ("earliest", "a.ipynb"),
                                               ("best", "c.ipynb")])
def test_one_current_row_per_student_and_the_choice_is_reported(tmp_path, keep, counted):
    book = Gradebook(tmp_path / "gradebook.csv", SPEC, keep=keep)
    for grade in (_grade("amy", "a.ipynb", 1, 100.0, "sha-a"),
                  _grade("amy", "c.ipynb", 2, 150.0, "sha-c"),
                  _grade("amy", "b.ipynb", 0, 200.0, "sha-b")):
        book.record(grade)
    [row] = _rows(tmp_path / "gradebook.csv")
    assert row["source_file"] == counted and row["submissions"] == "3"
    assert f"3 submissions, counted: the {keep} ({counted})" in row["flags"]
    ledger = {r["source_file"]: r["counts"] for r in _rows(book.ledger)}
    assert ledger == {name: "yes" if name == counted else "no"
                      for name in ("a.ipynb", "b.ipynb", "c.ipynb")}


def test_identical_files_and_claimed_ids_are_flagged_never_merged(tmp_path):
    book = Gradebook(tmp_path / "gradebook.csv", SPEC)
    book.record(_grade("amy", "amy.ipynb", 2, 1.0, "same"))
    book.record(_grade("bob", "bob.ipynb", 2, 1.0, "same", metadata_id="amy"))
    rows = {r["student_id"]: r for r in _rows(tmp_path / "gradebook.csv")}
    assert sorted(rows) == ["amy", "bob"]  # two students, two rows: never keyed by content
    assert "same file (byte for byte) as bob" in rows["amy"]["flags"]
    assert "same file (byte for byte) as amy" in rows["bob"]["flags"]
    assert "notebook metadata names student 'amy'" in rows["bob"]["flags"]
    assert rows["amy"]["q1"] == "2" and rows["bob"]["q1"] == "2"


def test_ids_are_kept_exactly_and_guarded_only_against_formulas(tmp_path):
    book = Gradebook(tmp_path / "gradebook.csv", SPEC)
    nfd = "Mu\u0308ller"  # as macOS names files
    for sid in ("Müller, Anna", "Möller, Anna", "=cmd|'/C calc'!A0", nfd):
        book.record(_grade(sid, f"{sid}.ipynb", 1, 1.0, f"sha-{sid}"))
    rows = _rows(tmp_path / "gradebook.csv")
    assert {r["student_id"] for r in rows} == {"Müller, Anna", "Möller, Anna", nfd,
                                               "'=cmd|'/C calc'!A0"}
    flags = {r["student_id"]: r["flags"] for r in rows}
    assert "formula" in flags["'=cmd|'/C calc'!A0"] and flags["Müller, Anna"] == ""
    assert "NFC" in flags[nfd]
    assert sorted(Gradebook(tmp_path / "gradebook.csv", SPEC).current()) == sorted(
        ["Müller, Anna", "Möller, Anna", "=cmd|'/C calc'!A0", nfd])
    names = {feedback_name(sid) for sid in ("Müller, Anna", "Möller, Anna", nfd)}
    assert len(names) == 3 and all(name.endswith(".md") for name in names)


def test_a_rerun_skips_only_what_was_graded_with_the_same_file_and_tests(tmp_path):
    book = Gradebook(tmp_path / "gradebook.csv", SPEC)
    book.record(_grade("amy", "amy.ipynb", 2, 1.0, "sha-1"))
    book.record(_grade("bob", "bob.ipynb", 0, 1.0, "sha-2", status="grader_error"))
    again = Gradebook(tmp_path / "gradebook.csv", SPEC)
    assert again.already_graded("amy.ipynb", "sha-1")
    assert not again.already_graded("amy.ipynb", "sha-changed")  # a new file: grade it
    assert not again.already_graded("bob.ipynb", "sha-2")  # the grader failed: again
    changed = GradingSpec(**{**SPEC.__dict__, "fingerprint": "tests-v2"})
    assert not Gradebook(tmp_path / "gradebook.csv", changed).already_graded("amy.ipynb",
                                                                            "sha-1")


def test_a_gradebook_without_its_ledger_is_refused(tmp_path):
    book = Gradebook(tmp_path / "gradebook.csv", SPEC)
    book.record(_grade("amy", "amy.ipynb", 2, 1.0, "sha-1"))
    book.ledger.unlink()
    with pytest.raises(InputError, match="ledger"):
        Gradebook(tmp_path / "gradebook.csv", SPEC)
