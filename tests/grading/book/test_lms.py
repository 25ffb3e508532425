"""LMS import files from sample Canvas and Moodle exports (tests/grading/fixtures/lms)."""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path

import pytest

from course.cli import main
from course.errors import InputError
from course.grading.book import gradebook, lms
from course.grading.book.handgrades import HandGrades, hand_folder
from course.grading.run.runner import load_spec

pytestmark = pytest.mark.needs("solutions")  # instructors' tests: not in the student edition

HERE = Path(__file__).resolve().parents[1]  # tests/grading: fixtures/, corpus/, gradebooks.py
SAMPLES = HERE / "fixtures" / "lms"
_spec = importlib.util.spec_from_file_location("gradebooks", HERE / "gradebooks.py")
gradebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gradebooks)
CANVAS_COLUMN = "Problem set 1 (123456)"
MOODLE_COLUMN = "Assignment: Problem set 1 (Real)"


@pytest.fixture(scope="module")
def spec():
    return load_spec("ps1")


@pytest.fixture
def graded(tmp_path, spec):
    """A gradebook of 30 students with every written answer graded by hand."""
    path = tmp_path / "gradebook.csv"
    book = gradebooks.build_gradebook(path, spec, 30)
    store = HandGrades(hand_folder(path), gradebook.written_rubrics(spec), "ana")
    for sid, row in book.current().items():
        digests = book.answer_digests(row)
        store.save([sid], "w1", ["verdict"], answer_sha256=digests["w1"])
        store.save([sid], "w2", [], answer_sha256=digests["w2"])
    gradebook.refresh(path, spec)
    return path


def read(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def gradebook_totals(path: Path) -> dict[str, str]:
    with path.open(newline="") as handle:
        return {r["student_id"]: r["total"] for r in csv.DictReader(handle)}


def export(graded, tmp_path, *extra, lms_name="canvas", template="canvas_export.csv",
           column=CANVAS_COLUMN) -> int:
    return main(["export-grades", "-a", "ps1", str(graded), "--lms", lms_name, "--template",
                 str(SAMPLES / template), "--column", column, "--out",
                 str(tmp_path / "import.csv"), *extra])


def test_canvas_file_keeps_ids_as_text_and_the_points_possible_row(graded, tmp_path, capsys):
    assert export(graded, tmp_path) == 0
    err = capsys.readouterr().err
    out = tmp_path / "import.csv"
    assert out.read_bytes().startswith("\ufeff".encode())  # as Canvas writes its export
    table = read(out)
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", CANVAS_COLUMN]
    assert table[1] == ["    Points Possible", "", "", "", "", "25.00"]
    students = table[2:]
    template = read(SAMPLES / "canvas_export.csv")[2:]
    assert len(students) == len(template) == 31  # one row per LMS row, none added
    assert [r[:5] for r in students] == [r[:5] for r in template]  # ids untouched: 00101
    assert students[0][2] == "00101" and students[0][0] == "Doe, Jane"
    totals = gradebook_totals(graded)
    by_sis = {r[2]: r[5] for r in students}
    assert all(by_sis[sid] == totals[sid] for sid in totals if sid != "00130")
    assert by_sis["00131"] == "" and by_sis[""] == ""  # late enrolment, test student
    assert "29 student(s) matched on 'SIS User ID'" in err
    assert "not in the gradebook (left blank): 00131" in err
    assert "with no LMS student (not in the file): 00130" in err
    assert "test student" in err


def test_canvas_manual_posting_row_stays_above_points_possible(graded, tmp_path):
    assert export(graded, tmp_path, template="canvas_export_manual_posting.csv") == 0
    table = read(tmp_path / "import.csv")
    assert table[1] == ["", "", "", "", "", "Manual Posting"]
    assert table[2][0].strip() == "Points Possible" and len(table) == 6


def test_moodle_file_keeps_its_identity_columns_and_fills_the_grade_item(graded, tmp_path):
    assert export(graded, tmp_path, lms_name="moodle", template="moodle_export.csv",
                  column=MOODLE_COLUMN) == 0
    table = read(tmp_path / "import.csv")
    assert table[0] == ["First name", "Last name", "ID number", "Institution", "Department",
                        "Email address", MOODLE_COLUMN]
    totals = gradebook_totals(graded)
    assert {r[2]: r[6] for r in table[1:] if r[2] in totals} == {
        sid: t for sid, t in totals.items() if sid != "00130"}
    assert table[1][2] == "00101"


def test_ungraded_written_answers_are_refused_unless_allowed(tmp_path, spec):
    path = tmp_path / "gradebook.csv"
    gradebooks.build_gradebook(path, spec, 30)
    assert export(path, tmp_path) == 1
    assert not (tmp_path / "import.csv").exists()
    assert export(path, tmp_path, "--allow-ungraded") == 0


@pytest.mark.parametrize("template, column, args, message", [
    ("canvas_no_id.csv", CANVAS_COLUMN, [], "no column that identifies students"),
    ("canvas_export.csv", "Problem set 9 (1)", [], "has no column 'Problem set 9 (1)'"),
    ("canvas_export.csv", "SIS User ID", [], "identifies students"),
    ("canvas_export.csv", CANVAS_COLUMN, ["--id-column", "Email"], "no column 'Email'"),
    ("canvas_export.csv", CANVAS_COLUMN, ["--id-column", "SIS Login ID"], None),
])
def test_bad_templates_get_a_clear_error_and_nothing_is_written(graded, tmp_path, capsys,
                                                               template, column, args, message):
    before = (graded.read_bytes(), (SAMPLES / template).read_bytes())
    code = export(graded, tmp_path, *args, template=template, column=column)
    err = capsys.readouterr().err
    if message is None:  # logins do not match the gradebook's ids: all blank, all reported
        assert code == 0 and "0 student(s) matched on 'SIS Login ID'" in err
    else:
        assert code == 1 and message in err and "Traceback" not in err
        assert not (tmp_path / "import.csv").exists()
    assert (graded.read_bytes(), (SAMPLES / template).read_bytes()) == before


def test_a_gradebook_of_another_problem_set_is_refused(graded, tmp_path, capsys):
    code = main(["export-grades", "-a", "ps2", str(graded), "--lms", "canvas", "--template",
                 str(SAMPLES / "canvas_export.csv"), "--column", CANVAS_COLUMN, "--out",
                 str(tmp_path / "import.csv")])
    assert code == 1 and "is a gradebook of ps1, not ps2" in capsys.readouterr().err
    assert not (tmp_path / "import.csv").exists()


def test_the_output_never_overwrites_its_inputs(graded, tmp_path, capsys):
    code = main(["export-grades", "-a", "ps1", str(graded), "--lms", "canvas", "--template",
                 str(SAMPLES / "canvas_export.csv"), "--column", CANVAS_COLUMN, "--out",
                 str(graded)])
    assert code == 1 and "would overwrite" in capsys.readouterr().err


def test_points_possible_that_differ_from_the_gradebook_are_reported():
    template = lms.parse_template("Student,ID,PS (1)\n    Points Possible,,20\nA,7,\n", "canvas")
    done = lms.fill(template, "PS (1)", {"7": {"total": "12", "written_status": "graded"}},
                    max_total=25)
    assert done.rows == [["    Points Possible", "", "20"], ["A", "7", "12"]]
    assert any("worth 20 points" in note for note in done.notes)
    with pytest.raises(InputError, match="empty"):
        lms.parse_template("\n\n", "moodle")
