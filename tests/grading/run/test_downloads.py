"""The guide's recipes for LMS downloads, on the names each LMS really gives its files.

Each test lays out a class as Canvas, Moodle or Gradescope hands it out — with two
students who share a name, a late file and a resubmission — grades it with the command
INSTRUCTORS.md §7 gives (``course grade --download ...``), and imports the totals with
the command §8 gives (``course export-grades``) into a template shaped like that LMS's
export. Every student's total must land on that student's row: namesakes are never
merged, and nobody's points vanish.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import shutil
from pathlib import Path

import pytest

from course.cli import main

pytestmark = pytest.mark.needs("solutions")  # grades the engine's fixture problem set

HERE = Path(__file__).resolve().parents[1]  # tests/grading: fixtures/, corpus/, gradebooks.py
FIXTURE = HERE / "fixtures" / "fx"
_spec = importlib.util.spec_from_file_location("corpus_build", HERE / "corpus" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    """A right and a partly wrong fx notebook (totals 7 and less)."""
    from course.grading.run.runner import load_spec

    spec = load_spec("fx", autograder_dir=FIXTURE)
    out = tmp_path_factory.mktemp("fx-cases")
    made = build.build(FIXTURE / "fx.ipynb", spec.required(), out)
    return {"right": made["correct"], "wrong": made["partly_wrong"]}


def _grade(folder: Path, out: Path, download: str) -> dict[str, dict[str, str]]:
    code = main(["grade", "--assignment", "fx", "--autograder-dir", str(FIXTURE),
                 str(folder), "--download", download, "--out", str(out), "--workers", "2",
                 "--quiet", "--time-limit", "20"])
    assert code == 0
    with out.open(newline="") as handle:
        return {r["student_id"]: r for r in csv.DictReader(handle)}


def _export(gradebook: Path, lms: str, template: str, column: str, out: Path) -> list[dict]:
    (out.parent / "template.csv").write_text(template, encoding="utf-8")
    code = main(["export-grades", "-a", "fx", str(gradebook), "--autograder-dir",
                 str(FIXTURE), "--lms", lms, "--template", str(out.parent / "template.csv"),
                 "--column", column, "--out", str(out), "--allow-ungraded"])
    assert code == 0
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))


def test_canvas_namesakes_stay_two_students_and_late_files_are_flagged(cases, tmp_path):
    inbox = tmp_path / "submissions"
    inbox.mkdir()
    # Canvas: {lastfirst}_{LATE_}{user id}_{submission id}_{file name as uploaded}
    shutil.copy(cases["right"], inbox / "smithjohn_1001_5001_fx.ipynb")
    shutil.copy(cases["wrong"], inbox / "smithjohn_1002_5002_fx.ipynb")
    shutil.copy(cases["wrong"], inbox / "doejane_1003_5003_fx.ipynb")
    shutil.copy(cases["right"], inbox / "doejane_LATE_1003_5104_fx-1.ipynb")  # resubmitted
    rows = _grade(inbox, tmp_path / "gradebook.csv", "canvas")
    assert sorted(rows) == ["1001", "1002", "1003"]
    assert rows["1001"]["total"] == "7" and float(rows["1002"]["total"]) < 7
    jane = rows["1003"]
    assert jane["total"] == "7" and jane["submissions"] == "2"
    assert jane["source_file"].endswith("doejane_LATE_1003_5104_fx-1.ipynb")
    assert "handed in late" in jane["flags"]
    template = ("Student,ID,SIS User ID,SIS Login ID,Section,Fixture (77)\n"
                "    Points Possible,,,,,8.00\n"
                '"Smith, John",1001,S01,jsmith1,A,\n'
                '"Smith, John",1002,S02,jsmith2,A,\n'
                '"Doe, Jane",1003,S03,jdoe,A,\n')
    out = _export(tmp_path / "gradebook.csv", "canvas", template, "Fixture (77)",
                  tmp_path / "canvas_import.csv")
    by_id = {r["ID"]: r["Fixture (77)"] for r in out if r["ID"]}
    assert by_id == {"1001": "7", "1002": rows["1002"]["total"], "1003": "7"}


def test_moodle_namesakes_match_the_grading_worksheet_by_participant(cases, tmp_path):
    inbox = tmp_path / "downloaded"
    # Moodle: one folder per student, "{full name}_{participant}_assignsubmission_file_"
    for folder, case in (("John Smith_4321_assignsubmission_file_", "right"),
                         ("John Smith_4322_assignsubmission_file_", "wrong")):
        (inbox / folder).mkdir(parents=True)
        shutil.copy(cases[case], inbox / folder / "fx.ipynb")
    rows = _grade(inbox, tmp_path / "gradebook.csv", "moodle")
    assert sorted(rows) == ["4321", "4322"]
    template = ("Identifier,Full name,Email address,Status,Grade,Maximum Grade,"
                "Grade can be changed,Last modified (submission),Feedback comments\n"
                "Participant 4321,John Smith,js1@example.edu,Submitted,,8.00,Yes,,\n"
                "Participant 4322,John Smith,js2@example.edu,Submitted,,8.00,Yes,,\n")
    out = _export(tmp_path / "gradebook.csv", "moodle", template, "Grade",
                  tmp_path / "moodle_import.csv")
    assert [(r["Identifier"], r["Email address"], r["Grade"]) for r in out] == [
        ("Participant 4321", "js1@example.edu", "7"),
        ("Participant 4322", "js2@example.edu", rows["4322"]["total"])]


def test_moodle_gradebook_export_keeps_every_name_column(tmp_path):
    template = ("First name,Surname,ID number,Email address,Assignment: Fixture (Real)\n"
                "John,Smith,00101,js1@example.edu,-\n")
    from course.grading.book import lms

    export = lms.fill(lms.parse_template(template, "moodle"), "Assignment: Fixture (Real)",
                      {"00101": {"total": "7", "written_status": "graded"}}, max_total=8)
    assert export.header == ["First name", "Surname", "ID number", "Email address",
                             "Assignment: Fixture (Real)"]
    assert export.rows == [["John", "Smith", "00101", "js1@example.edu", "7"]]


def test_gradescope_export_takes_each_submitters_id_from_its_metadata(cases, tmp_path):
    export = tmp_path / "assignment_123_export"
    for number, case in (("111", "right"), ("222", "wrong")):
        (export / f"submission_{number}").mkdir(parents=True)
        shutil.copy(cases[case], export / f"submission_{number}" / "fx.ipynb")
    (export / "submission_metadata.yml").write_text(
        ":submission_111:\n  :submitters:\n  - :name: John Smith\n    :sid: 's001'\n"
        "    :email: js1@example.edu\n  :created_at: 2026-01-10 10:00:00.000000000 +00:00\n"
        ":submission_222:\n  :submitters:\n  - :name: John Smith\n    :sid: 's002'\n"
        "    :email: js2@example.edu\n  :created_at: 2026-01-10 11:00:00.000000000 +00:00\n",
        encoding="utf-8")
    rows = _grade(export, tmp_path / "gradebook.csv", "gradescope")
    assert sorted(rows) == ["s001", "s002"]
    assert rows["s001"]["total"] == "7" and float(rows["s002"]["total"]) < 7
    template = ("Student,ID,SIS User ID,SIS Login ID,Section,Fixture (77)\n"
                '"Smith, John",9001,s001,js1,A,\n"Smith, John",9002,s002,js2,A,\n')
    out = _export(tmp_path / "gradebook.csv", "canvas", template, "Fixture (77)",
                  tmp_path / "canvas_import.csv")
    assert {r["SIS User ID"]: r["Fixture (77)"] for r in out} == {
        "s001": "7", "s002": rows["s002"]["total"]}
