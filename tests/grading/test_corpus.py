"""Grade the corpus of known submissions and compare with tests/grading/corpus/manifest.yaml.

The corpus is built from each problem set's solution notebook (the engine's own fixture
and every problem set in solutions/), so it follows the problem sets as they change.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

from course import paths
from course.grading import testing
from course.grading.assignment import list_assignments
from course.grading.cli_grade import expand
from course.grading.runner import grade_paths, load_spec
from course.grading.sandbox import Sandbox

pytestmark = pytest.mark.needs("solutions")  # instructors' tests: not in the student edition

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
MANIFEST = yaml.safe_load((HERE / "corpus" / "manifest.yaml").read_text())["cases"]

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
    gradebook = out / "gradebook.csv"
    gradebook.write_text(GRADEBOOK_BEFORE)
    written = build.build(solutions / name / f"{name}.ipynb", spec.required(), out / "cases",
                          gradebook_path=gradebook, solutions_dir=solutions)
    files, ignored = expand([str(p) for p in written.values()])
    grades = grade_paths(spec, files, workers=2, time_limit=5, memory_mb=400, sandbox=box)
    by_case = {}
    for grade in grades:
        path = Path(grade.path)
        case = path.stem if path.parent == out / "cases" else f"{path.parent.name}/{path.stem}"
        by_case[case] = grade
    return {"spec": spec, "grades": by_case, "gradebook": gradebook, "ignored": ignored,
            "n_files": len(files)}


def _expectations():
    for case, spec in MANIFEST.items():
        if "rows" in spec:
            for row, expected in spec["rows"].items():
                yield f"{case}/{row}", expected
        else:
            yield case, spec


def test_every_case_scores_as_the_manifest_says(graded):
    spec = graded["spec"]
    auto = [q.id for q in spec.questions if q.kind == "auto"]
    points = spec.points()
    problems = []
    for case, expected in _expectations():
        grade = graded["grades"].get(case)
        if grade is None:
            problems.append(f"{case}: no gradebook row")
            continue
        if grade.status != expected["status"]:
            problems.append(f"{case}: status {grade.status!r} ({grade.message}), "
                            f"expected {expected['status']!r}")
        for question, what in build.expected_scores(expected, auto).items():
            got = grade.scores[question]
            ok = {"full": got == pytest.approx(points[question]), "zero": got == 0,
                  "less": got < points[question] - 1e-9}[what]
            if not ok:
                problems.append(f"{case}: {question} scored {got}, expected {what}")
        manual = [q.id for q in spec.questions if q.kind == "manual"]
        assert all(grade.scores[q] is None for q in manual)
    assert problems == []


def test_one_row_per_submission_and_junk_is_listed(graded):
    assert len(graded["grades"]) == graded["n_files"]
    assert sorted(p.name for p in graded["ignored"]) == ["notes.txt", "picture.png"]


def test_attacks_left_the_gradebook_alone(graded):
    assert graded["gradebook"].read_text() == GRADEBOOK_BEFORE


def test_every_hidden_test_fails_for_some_plausible_wrong_answer(graded):
    wrong_cases = [c for c, s in MANIFEST.items() if s["kind"] == "wrong"]
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
