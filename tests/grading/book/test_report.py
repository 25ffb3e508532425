"""The class report: its numbers, and an offline page with alt text for every chart."""

from __future__ import annotations

import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from course.cli import main
from course.grading.book import gradebook
from course.grading.book.handgrades import HandGrades, hand_folder
from course.grading.book.report import class_report, write_report
from course.grading.run.runner import load_spec
from course.publish.export import loaded_urls

pytestmark = pytest.mark.needs("solutions")  # instructors' tests: not in the student edition

HERE = Path(__file__).resolve().parents[1]  # tests/grading: fixtures/, corpus/, gradebooks.py
_spec = importlib.util.spec_from_file_location("gradebooks", HERE / "gradebooks.py")
gradebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gradebooks)


class Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


@pytest.fixture(scope="module")
def spec():
    return load_spec("ps1")


@pytest.fixture
def book_path(tmp_path, spec):
    path = tmp_path / "gradebook.csv"
    book = gradebooks.build_gradebook(path, spec, 30)
    hostile = gradebooks.grade_for(spec, "<script>alert(1)</script>", 3, status="timeout")
    book.record(hostile)
    store = HandGrades(hand_folder(path), gradebook.written_rubrics(spec), "ana")
    for sid, row in list(book.current().items())[:10]:
        store.save([sid], "w1", ["verdict", "measure", "limits"],
                   answer_sha256=book.answer_digests(row)["w1"])
    return path


def test_the_numbers_come_from_the_gradebook_with_hand_grades(book_path, spec):
    report = class_report(spec, gradebook.open_gradebook(book_path, spec))
    assert report.students == 31
    assert int(report.bins["students"].sum()) == 31
    w1 = report.questions.set_index("question").loc["w1"]
    assert (w1["graded"], w1["mean"], w1["share"], w1["full"]) == (10, 3.0, 1.0, 1.0)
    q1 = report.questions.set_index("question").loc["q1"]
    assert q1.graded == 31 and 0 < q1.full < 1
    top = report.checks.iloc[0]
    assert top.kind == "hidden" and "the values do not match the data" in top.message
    assert report.checks["failures"].is_monotonic_decreasing
    assert {u["status"] for u in report.ungradable} == {"invalid_json", "timeout"}
    assert report.identical_answers and all(len(s) > 1 for _, s, _ in report.identical_answers)
    assert report.written_pending == 31  # w2 is graded for nobody yet


def test_the_page_is_offline_escaped_and_every_chart_has_alt_text(book_path, tmp_path):
    assert main(["report", "-a", "ps1", str(book_path), "--out", str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "ps1.html").read_text()
    assert loaded_urls(page) == []
    parser = Images()
    parser.feed(page)
    assert len(parser.images) == 3  # scores, questions, failing checks
    for image in parser.images:
        assert image["src"].startswith("data:image/png;base64,")
        assert len(image["alt"]) > 60 and image["alt"] != "image"
    assert page.count("<summary>Data table</summary>") == 3
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Totals of 31 students out of 25 points" in page
    for heading in ("Total scores", "Questions", "Checks that failed most often",
                    "Submissions that could not be graded",
                    "Identical work from different students"):
        assert f"<h2>{heading}</h2>" in page
    assert re.search(r"<td>invalid_json</td>", page)


def test_reporting_changes_nothing_and_refuses_another_problem_sets_gradebook(
        book_path, tmp_path, capsys):
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    write_report(load_spec("ps1"), book_path, tmp_path / "out")
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and
             "out" not in p.relative_to(tmp_path).parts}
    assert after == before
    assert main(["report", "-a", "ps3", str(book_path), "--out", str(tmp_path / "x")]) == 1
    assert "is a gradebook of ps1, not ps3" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
