"""Hand-grading by question: the review, the graders' files, the gradebook and feedback.

The gradebooks here are recorded through the real ``Gradebook`` from made-up grades
(``gradebooks.py``), so no notebook is run.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import multiprocessing
from pathlib import Path

import pytest

from course.cli import main
from course.errors import InputError
from course.grading.book import gradebook
from course.grading.book.handgrades import HandGrades, answer_digest, hand_folder
from course.grading.book.review import Answer, Review, group_answers, open_review
from course.grading.run.runner import load_spec

pytestmark = pytest.mark.needs("solutions")  # instructors' tests: not in the student edition

HERE = Path(__file__).resolve().parents[1]  # tests/grading: fixtures/, corpus/, gradebooks.py
_spec = importlib.util.spec_from_file_location("gradebooks", HERE / "gradebooks.py")
gradebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gradebooks)


@pytest.fixture(scope="module")
def spec():
    return load_spec("ps1")


@pytest.fixture
def book(tmp_path, spec):
    gradebooks.build_gradebook(tmp_path / "gradebook.csv", spec, 30)
    return tmp_path / "gradebook.csv"


def rows(path: Path) -> dict[str, dict]:
    with path.open(newline="") as handle:
        return {r["student_id"]: r for r in csv.DictReader(handle)}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_identical_and_empty_answers_are_grouped_and_the_order_is_blind():
    answers = [Answer("amy", "Bipolar.", True), Answer("bob", "Bipolar.\n", True),
               Answer("cat", "", False), Answer("dan", "As it came", False),
               Answer("eve", "Multipolar, 5.7 poles.", True)]
    groups = group_answers(answers, "w1")
    assert [g.label for g in groups] == ["No answer", "Answer 1 of 2", "Answer 2 of 2"]
    assert groups[0].students == ["cat", "dan"]
    assert sorted(len(g.students) for g in groups[1:]) == [1, 2]
    # the order follows the answers' fingerprints, not the ids
    renamed = [Answer(a.student_id.upper(), a.text, a.answered) for a in answers]
    assert [g.text for g in group_answers(renamed, "w1")] == [g.text for g in groups]


def test_a_grader_grades_30_answers_by_question_into_gradebook_and_feedback(book, spec,
                                                                            tmp_path):
    feedback = tmp_path / "feedback"
    review = open_review(spec, "w1", gradebook=book, grader="ana", feedback_dir=feedback)
    first = review.view()
    assert first.progress == "w1: 0 / 30 graded"
    assert first.label == "No answer" and not first.answered and first.students == []
    assert [item.id for item, _ in first.rubric] == ["verdict", "measure", "limits"]
    graded = 0
    while review.next_ungraded() or not review.grade_of(review.groups[review.position])[1]:
        view = review.view()
        items = [] if not view.answered else ["verdict"] + (
            ["limits"] if "leave out" in view.answer else [])
        review.grade(items, comment="See the model answer." if view.answered else "")
        graded += 1
    assert graded == len(review.groups) < 30  # identical answers graded once
    assert review.view().progress == "w1: 30 / 30 graded"
    table = rows(book)
    assert {r["written_status"] for r in table.values()} == {"to grade: w2"}
    blank = [sid for sid in table if gradebooks.answer_for(int(sid) - 101, "w1") == ""]
    assert blank and all(table[sid]["w1"] == "0" for sid in blank)
    naval = [sid for sid in table if "leave out" in gradebooks.answer_for(int(sid) - 101, "w1")]
    assert naval and all(table[sid]["w1"] == "2" for sid in naval)
    auto = sum(float(table["00102"][q.id]) for q in spec.questions if q.kind == "auto")
    assert float(table["00102"]["total"]) == auto + float(table["00102"]["w1"])
    text = (feedback / gradebook.feedback_name(naval[0])).read_text()
    assert "## w1: Written: who led in 1913? (2 / 3)" in text
    assert "- ✓ Your verdict on multipolarity rests on a number from the data. (+1)" in text
    assert "Comment: See the model answer." in text
    assert "not yet included" in text  # w2 is not graded yet


def test_grades_are_appended_as_entered_and_survive_a_new_session(book, spec):
    review = open_review(spec, "w1", gradebook=book, grader="ana")
    review.next()
    review.toggle("verdict")
    review.toggle("measure")
    review.toggle("verdict")
    lines = (hand_folder(book) / "ana.jsonl").read_text().splitlines()
    assert len(lines) == 3 * len(review.groups[1].students)
    assert json.loads(lines[-1])["items"] == ["measure"]
    again = open_review(spec, "w1", gradebook=book, grader="ben")  # a new kernel, say
    again.next()
    assert [i.id for i, on in again.view().rubric if on] == ["measure"]
    assert again.view().state.startswith("graded: 1 / 3 by ana")


def test_several_graders_split_the_work_and_the_last_entry_wins(book, spec):
    one = open_review(spec, "w1", gradebook=book, grader="ana", part=(1, 2))
    two = open_review(spec, "w1", gradebook=book, grader="ben", part=(2, 2))
    shares = [set(g.key for g in one.groups), set(g.key for g in two.groups)]
    assert shares[0].isdisjoint(shares[1])
    assert shares[0] | shares[1] == {g.key for g in one.all_groups}
    for review in (one, two):
        while True:
            review.grade(["verdict"])
            if not review.next_ungraded():
                break
    assert one.view().progress == two.view().progress == "w1: 30 / 30 graded"
    assert one.view().share_progress.startswith("your share: ")
    # ben regrades one of ana's answers: the later entry counts, and says who and when
    target = one.groups[0]
    store = HandGrades(hand_folder(book), gradebook.written_rubrics(spec), "ben")
    store.save(target.students, "w1", ["verdict", "measure"], answer_sha256=target.key)
    merged = HandGrades(hand_folder(book), gradebook.written_rubrics(spec)).load()
    latest = merged[(target.students[0], "w1")]
    assert (latest.grader, latest.points) == ("ben", 2.0) and latest.at.endswith("Z")


def _append_many(folder: str, grader: str, count: int) -> None:
    store = HandGrades(folder, {"w1": (3.0, load_spec("ps1").questions[8].rubric)}, grader)
    for n in range(count):
        store.save([f"{grader}-{n}"], "w1", ["verdict"], comment="x" * 500)


def test_concurrent_graders_lose_no_entry(tmp_path):
    folder = tmp_path / "gradebook-hand-grades"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(str(folder), name, 150))
               for name in ("ana", "ben", "cho")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    merged = HandGrades(folder, {"w1": (3.0, load_spec("ps1").questions[8].rubric)}).load()
    assert len(merged) == 450


def test_a_line_cut_short_or_edited_badly_is_skipped_and_reported(tmp_path, spec):
    folder = tmp_path / "gradebook-hand-grades"
    store = HandGrades(folder, gradebook.written_rubrics(spec), "ana")
    store.save(["00101"], "w1", ["verdict"])
    with (folder / "ana.jsonl").open("a") as handle:
        handle.write(json.dumps({"student_id": "00102", "question": "w1", "items": ["style"],
                                 "points": 9, "grader": "ana", "at": "2030"}) + "\n")
        handle.write('{"student_id": "00103", "question": "w1", "ite')  # the kernel died
    reader = HandGrades(folder, gradebook.written_rubrics(spec))
    merged = reader.load()
    assert set(merged) == {("00101", "w1")}
    assert len(reader.problems) == 1 and "no rubric item 'style'" in reader.problems[0]


@pytest.mark.parametrize("items, adjustment, message", [
    (["style"], 0, "w1 has no rubric item 'style'"),
    (["verdict", "measure", "limits"], 0.5, "a score of 3.5 is above the question's maximum"),
    ([], -1, "below 0"),
])
def test_bad_grades_are_refused_and_change_nothing(book, spec, tmp_path, items, adjustment,
                                                   message):
    review = open_review(spec, "w1", gradebook=book, grader="ana",
                         feedback_dir=tmp_path / "feedback")
    review.grade(["verdict"])
    before = snapshot(tmp_path)
    with pytest.raises(InputError, match=message):
        review.grade(items, adjustment)
    assert snapshot(tmp_path) == before


def test_a_question_or_gradebook_that_does_not_fit_is_refused(book, spec, tmp_path):
    with pytest.raises(InputError, match="no question 'w9'"):
        open_review(spec, "w9", gradebook=book, grader="ana")
    with pytest.raises(InputError, match="graded by its tests"):
        Review(spec.questions[0], [], HandGrades(tmp_path, {}, "ana"))
    with pytest.raises(InputError, match="grader's name"):
        HandGrades(tmp_path, {}, "ana/../../etc")
    before = snapshot(tmp_path)
    with pytest.raises(InputError, match="is a gradebook of ps1, not ps2"):
        open_review(load_spec("ps2"), "w1", gradebook=book, grader="ana")
    assert main(["review", "--assignment", "ps2", str(book), "--no-lab"]) == 1
    assert main(["review", "--assignment", "ps1", str(book), "--question", "q1",
                 "--no-lab"]) == 1
    assert snapshot(tmp_path) == before


def test_a_resubmission_after_hand_grading_is_flagged_and_keeps_its_points(book, spec):
    review = open_review(spec, "w1", gradebook=book, grader="ana")
    target = next(g for g in review.groups if g.answered and len(g.students) == 1)
    review.go(review.groups.index(target))
    review.grade(["verdict", "measure"])
    sid = target.students[0]
    index = int(sid) - 101
    graded = gradebook.Gradebook(book, spec)
    new = gradebooks.grade_for(spec, sid, index, mtime=2000.0,
                               written={"w1": "A new answer after the deadline.", "w2": ""})
    graded.record(gradebook_grade_with_source(new, f"inbox/{sid}-v2.ipynb"))
    row = rows(book)[sid]
    assert row["w1"] == "2" and "answer changed since graded: w1" in row["written_status"]
    again = open_review(spec, "w1", gradebook=book, grader="ana")
    group = next(g for g in again.groups if sid in g.students)
    again.go(again.groups.index(group))
    assert again.view().state.startswith("to grade again")
    again.grade(["verdict"])
    assert rows(book)[sid]["written_status"] == "to grade: w2"
    assert rows(book)[sid]["w1"] == "1"


def gradebook_grade_with_source(grade, source):
    grade.source = grade.path = source
    grade.submission_sha256 = answer_digest(source)
    return grade


def test_update_merges_for_everyone_and_course_grade_never_overwrites(book, spec, tmp_path):
    store = HandGrades(hand_folder(book), gradebook.written_rubrics(spec), "ana")
    store.save(["00101"], "w1", ["verdict"], answer_sha256=answer_digest(
        gradebooks.answer_for(0, "w1")))
    hand_before = snapshot(hand_folder(book))
    feedback = tmp_path / "feedback"
    assert main(["review", "-a", "ps1", str(book), "--update", "--feedback-dir",
                 str(feedback)]) == 0
    assert rows(book)["00101"]["w1"] == "1"
    assert len(list(feedback.glob("*.md"))) == 30
    # a regrade by course grade rewrites the gradebook from its ledger: hand points stay
    book_object = gradebook.Gradebook(book, spec)
    book_object.record(gradebooks.grade_for(spec, "00101", 0))
    assert rows(book)["00101"]["w1"] == "1"
    assert snapshot(hand_folder(book)) == hand_before


def test_review_answers_can_come_straight_from_submissions(tmp_path, spec):
    import nbformat

    from course.grading.author.assignment import load_assignment, student_notebook

    notebook = student_notebook(load_assignment("ps1"))
    folder = tmp_path / "inbox"
    folder.mkdir()
    for sid, text in (("00101", "Multipolar: 5.7 poles."), ("00102", None),
                      ("00103", "Multipolar: 5.7 poles.")):
        copy = nbformat.from_dict(json.loads(nbformat.writes(notebook)))
        if text:
            for cell in copy.cells:
                if cell.metadata.get("course", {}).get("question") == "w1":
                    cell.source = text
        nbformat.write(copy, folder / f"{sid}.ipynb")
    (folder / "00104.ipynb").write_text("not a notebook")
    review = open_review(spec, "w1", gradebook=tmp_path / "gradebook.csv",
                         submissions=[str(folder)], grader="ana")
    groups = [(g.label, g.students) for g in review.groups]
    assert groups == [("No answer", ["00102", "00104"]),
                      ("Answer 1 of 1", ["00101", "00103"])]
    review.next()
    review.grade(["verdict"])  # no gradebook yet: kept for when course grade writes one
    assert (tmp_path / "gradebook-hand-grades" / "ana.jsonl").is_file()
    assert not (tmp_path / "gradebook.csv").exists()


def test_the_review_widget_escapes_answers_and_saves_what_is_ticked(book, spec):
    from course.grading.book.review_app import ReviewApp

    review = open_review(spec, "w1", gradebook=book, grader="ana")
    review.groups[1].text = "<img src=x onerror=alert(1)> **bold**"
    app = ReviewApp({"w1": review})
    app.review.next()
    app.render()
    assert "<img" not in app.answer.value and "&lt;img src=x" in app.answer.value
    app.checkboxes[0][1].value = True  # the grader ticks item 1
    assert review.view().score == 1.0
    app.adjustment.value = 5  # above the maximum: refused, shown, nothing saved
    assert "above the question's maximum" in app.state.value
    assert review.view().score == 1.0 and app.adjustment.value == 0
    app.comment.value = "Good."
    assert review.view().comment == "Good."
    app._save_next()
    assert app.review.position != 1


def test_the_review_notebook_names_paths_relative_to_itself(book, spec):
    assert main(["review", "-a", "ps1", str(book), "--grader", "ana", "--part", "1/2",
                 "--no-lab", "--feedback-dir", str(book.parent / "fb")]) == 0
    written = book.parent / "gradebook-review-ana.ipynb"
    source = json.loads(written.read_text())["cells"][1]["source"]
    text = "".join(source)
    assert "gradebook='gradebook.csv'" in text and "feedback_dir='fb'" in text
    assert "part='1/2'" in text and str(book.parent) not in text
