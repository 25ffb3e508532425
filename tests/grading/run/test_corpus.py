"""Grade the corpus of known submissions and compare with tests/grading/corpus/manifest.yaml.

The corpus is built from each problem set's solution notebook (the engine's own fixture
and every problem set in solutions/), so it follows the problem sets as they change. It
is graded as `course grade` grades a folder: collected (identity from file and folder
names), run contained, tested in the limited tester, and recorded in a gradebook after
each submission.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from course import paths
from course.grading import testing
from course.grading.author.assignment import list_assignments
from course.grading.book.gradebook import Gradebook, feedback_markdown
from course.grading.run.collect import collect
from course.grading.run.runner import grade_submissions, load_spec
from course.grading.sandbox import Sandbox

pytestmark = pytest.mark.needs("solutions")  # instructors' tests: not in the student edition

HERE = Path(__file__).resolve().parents[1]  # tests/grading: fixtures/, corpus/, gradebooks.py
FIXTURES = HERE / "fixtures"
MANIFEST = yaml.safe_load((HERE / "corpus" / "manifest.yaml").read_text())
CASES = MANIFEST["cases"]

_spec = importlib.util.spec_from_file_location("corpus_build", HERE / "corpus" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

ASSIGNMENTS = ["fx", *list_assignments()]
GRADEBOOK_BEFORE = "student_id,total\nsomeone,1\n"


@pytest.fixture(scope="module")
def box():
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def graded(request, tmp_path_factory, box):
    name = request.param
    solutions = FIXTURES if name == "fx" else paths.SOLUTIONS_DIR
    spec = load_spec(name, solutions_dir=solutions)
    out = tmp_path_factory.mktemp(f"corpus-{name}")
    target = out / "gradebook.csv"  # what the write_gradebook attack aims at
    target.write_text(GRADEBOOK_BEFORE)
    cases = out / "cases"
    build.build(solutions / name / f"{name}.ipynb", spec.required(), cases,
                gradebook_path=target, solutions_dir=solutions)
    submissions, ignored = collect([str(cases)], name)
    book = Gradebook(out / "grading" / "gradebook.csv", spec)
    grades = grade_submissions(spec, submissions, workers=2, time_limit=5, memory_mb=400,
                               sandbox=box, record=book.record)
    by_file = {g.source.removeprefix("cases/").removesuffix(".ipynb"): g for g in grades}
    return {"name": name, "spec": spec, "grades": by_file, "gradebook": target, "book": book,
            "ignored": ignored, "n_files": len(submissions),
            "submissions": submissions, "folder": cases}


def _expectations(name: str):
    for case, spec in CASES.items():
        if spec.get("only") and name not in spec["only"]:
            continue
        if "rows" in spec:
            for row, expected in spec["rows"].items():
                yield row.replace("{ps}", name), {**expected, "kind": spec["kind"]}
        else:
            yield case, spec


def test_every_case_scores_as_the_manifest_says(graded):
    spec = graded["spec"]
    auto = [q.id for q in spec.questions if q.kind == "auto"]
    points = spec.points()
    problems = []
    for case, expected in _expectations(graded["name"]):
        grade = graded["grades"].get(case)
        if grade is None:
            problems.append(f"{case}: no gradebook row")
            continue
        if grade.status != expected["status"]:
            problems.append(f"{case}: status {grade.status!r} ({grade.message}), "
                            f"expected {expected['status']!r}")
        wanted = build.expected_scores(expected, auto, spec.required())
        for question, what in wanted.items():
            got = grade.scores[question]
            ok = {"full": got == pytest.approx(points[question]), "zero": got == 0,
                  "less": got < points[question] - 1e-9}[what]
            if not ok:
                problems.append(f"{case}: {question} scored {got}, expected {what}")
        if expected.get("hidden_fail") == "all":
            passed = [r.name for r in grade.results if r.hidden and r.passed]
            if passed:
                problems.append(f"{case}: hidden tests passed NaN answers: {passed}")
        if "message_has" in expected:
            named = [q for q, what in wanted.items() if what != "full"]
            messages = " ".join(r.message for r in grade.results if r.question in named)
            if expected["message_has"] not in messages:
                problems.append(f"{case}: no test message says {expected['message_has']!r} "
                                f"({messages[:300]})")
        if expected.get("row_message_has", "") not in grade.message:
            problems.append(f"{case}: the row's message lacks {expected['row_message_has']!r}"
                            f" ({grade.message[:300]})")
        manual = [q.id for q in spec.questions if q.kind == "manual"]
        assert all(grade.scores[q] is None for q in manual)
        if expected.get("written") == "all" and not all(grade.answered.get(q) for q in manual):
            problems.append(f"{case}: written answers not counted: {grade.answered}")
        for text in expected.get("written_has", []):
            if not all(text in grade.written.get(q, "") for q in manual):
                problems.append(f"{case}: a written answer lacks {text!r}: {grade.written}")
    assert problems == [], "\n".join(problems)


def test_the_gradebook_has_one_row_per_student_and_says_why(graded):
    current = graded["book"].current()
    problems = []
    for case, expected in CASES.items():
        if expected.get("only") and graded["name"] not in expected["only"]:
            continue
        for student, want in (expected.get("gradebook") or {}).items():
            row = current.get(student)
            if row is None:
                problems.append(f"{case}: no gradebook row for {student!r}")
                continue
            if "submissions" in want and row["submissions"] != str(want["submissions"]):
                problems.append(f"{case}: {student} has {row['submissions']} submissions")
            if "counted" in want:
                counted = "cases/" + want["counted"].replace("{ps}", graded["name"])
                if row["source_file"] != counted:
                    problems.append(f"{case}: {student} counts {row['source_file']}")
            for flag in want.get("flags", []):
                if flag not in row["flags"]:
                    problems.append(f"{case}: {student}'s flags lack {flag!r}: {row['flags']}")
            for flag in want.get("no_flags", []):
                if flag in row["flags"]:
                    problems.append(f"{case}: {student}'s flags hold {flag!r}: {row['flags']}")
    # one row per student: the files of one student (s030) make one row
    students = {g.student_id for g in graded["grades"].values()}
    assert sorted(current) == sorted(students)
    assert problems == []


def test_feedback_tells_the_truth_and_quotes_students_safely(graded):
    spec, grades = graded["spec"], graded["grades"]
    manual = [q.id for q in spec.questions if q.kind == "manual"]
    assert all(grades["correct"].answered[q] for q in manual)
    for case, expected in _expectations(graded["name"]):
        if expected.get("written") == "none":
            assert not any(grades[case].answered.values()), case
            text = feedback_markdown(spec, grades[case])
            assert text.count("No written answer was found") == len(manual)
        if expected.get("feedback_safe"):
            html = MarkdownIt("commonmark").render(feedback_markdown(spec, grades[case]))
            assert "<script" not in html and "<a " not in html
            assert "<strong>bold</strong>" not in html
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text


def test_every_input_is_a_row_or_a_flag_on_its_students_row(graded):
    """A notebook (run or not), a linked folder, a student's only file is a row; a
    student's other files are a flag on their row; nothing is only a line on stderr."""
    assert graded["ignored"] == []
    rows = {g.source for g in graded["grades"].values()}
    current = graded["book"].current()
    for sub in graded["submissions"]:
        if sub.source in rows:
            continue
        name = sub.source.rsplit("/", 1)[-1]
        assert sub.kind == "other" and name in current[sub.student_id]["flags"], sub.source
    assert len(graded["book"].rows) == len(graded["grades"])


def test_attacks_left_the_gradebook_alone(graded):
    assert graded["gradebook"].read_text() == GRADEBOOK_BEFORE


def test_every_hidden_test_fails_for_some_plausible_wrong_answer(graded):
    wrong_cases = [c for c, s in CASES.items() if s["kind"] == "wrong"]
    failed = set()
    for case in wrong_cases:
        for result in graded["grades"][case].results:
            if result.hidden and not result.passed:
                failed.add(result.name)
    hidden = {t.__name__ for t in graded["spec"].tests if testing.info_of(t).hidden}
    assert hidden - failed == set(), "hidden tests that no wrong answer in the corpus fails"


def test_correct_submission_passes_every_test(graded):
    results = graded["grades"]["correct"].results
    assert results and [r.name for r in results if not r.passed] == []


def test_every_case_about_the_run_itself_has_its_test():
    root = HERE.parent.parent
    for case, where in MANIFEST["process_cases"].items():
        file, _, function = where.partition("::")
        assert f"def {function}(" in (root / file).read_text(), f"{case}: {where} is missing"


def test_the_review_reads_every_case_straight_from_the_notebooks(graded, tmp_path):
    """`course review` on the submissions folder (before grading) reads every case,
    lone surrogates and names that are not UTF-8 included (issue 20: it died on one)."""
    from course.grading.book.review import answers_from_submissions, group_answers

    spec = graded["spec"]
    folder = graded["folder"]
    for question in [q.id for q in spec.questions if q.kind == "manual"]:
        answers = answers_from_submissions([str(folder)], spec, question)
        assert {a.student_id for a in answers} == set(graded["book"].current())
        group_answers(answers, question)
