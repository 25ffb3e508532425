"""Rubric items: the schema, the older forms still read, and bad rubrics refused on load."""

from __future__ import annotations

import copy

import pytest
import yaml

from course.errors import InputError
from course.grading.author.assignment import load_assignment, parse_config
from course.grading.author.rubric import parse_rubric, score_of

pytestmark = pytest.mark.needs("solutions")  # instructors' material: not in the edition

ITEMS = [{"id": "verdict", "points": 1, "text": "a verdict with a number",
          "comment": "Your verdict rests on a number."},
         {"id": "caveat", "points": 1.5, "text": "a sound caveat",
          "comment": "You say what the count leaves out."}]


def config(rubric) -> dict:
    return {"questions": [{"id": "q1", "points": 1, "kind": "auto", "answers": ["x"]},
                          {"id": "w1", "points": 3, "kind": "manual", "rubric": rubric}]}


def test_items_are_read_with_their_points_text_and_comment():
    questions, total = parse_config("demo", config(ITEMS))
    rubric = questions[1].rubric
    assert [(i.id, i.points, i.comment) for i in rubric] == [
        ("verdict", 1.0, "Your verdict rests on a number."),
        ("caveat", 1.5, "You say what the count leaves out.")]
    assert total == 4


def test_older_forms_are_still_read():
    listed = parse_rubric(["1 point: names a number", "2 points: a caveat"], 3, "w1")
    assert [(i.id, i.points, i.text, i.comment) for i in listed] == [
        ("r1", 1.0, "names a number", "names a number"), ("r2", 2.0, "a caveat", "a caveat")]
    whole = parse_rubric("Names the largest share.", 2, "w1")
    assert [(i.id, i.points) for i in whole] == [("r1", 2.0)]
    shared = parse_rubric(["a", "b"], 3, "w1")  # no points given: shared out
    assert [i.points for i in shared] == [1.5, 1.5]


@pytest.mark.parametrize("change, message", [
    (lambda r: r[0].pop("comment"), "needs a `comment`"),
    (lambda r: r[0].update(comment="  "), "needs a `comment`"),
    (lambda r: r[1].pop("text"), "needs a `text`"),
    (lambda r: r[0].update(points=0), "positive number"),
    (lambda r: r[0].update(points=True), "positive number"),
    (lambda r: r[0].update(id="two words"), "needs an `id`"),
    (lambda r: r[1].update(id="verdict"), "ids repeat: verdict"),
    (lambda r: r[0].update(weight=2), "unknown key"),
    (lambda r: r[1].update(points=2.5), "add up to 3.5 points, more than the question's 3"),
])
def test_a_bad_rubric_is_refused_when_the_assignment_loads(change, message):
    rubric = copy.deepcopy(ITEMS)
    change(rubric)
    with pytest.raises(InputError, match=message):
        parse_config("demo", config(rubric))


def test_a_rubric_of_the_wrong_type_is_refused():
    with pytest.raises(InputError, match="must be a list of items"):
        parse_config("demo", config({"verdict": 1}))


def test_scores_are_checked_against_the_rubric_and_the_maximum():
    rubric = parse_rubric(ITEMS, 3, "w1")
    assert score_of(rubric, ["verdict", "caveat"], 0.5, 3, "w1") == 3.0
    assert score_of(rubric, [], 0, 3, "w1") == 0.0
    with pytest.raises(InputError, match="no rubric item 'style'"):
        score_of(rubric, ["style"], 0, 3, "w1")
    with pytest.raises(InputError, match="above the question's maximum of 3"):
        score_of(rubric, ["verdict", "caveat"], 1, 3, "w1")
    with pytest.raises(InputError, match="below 0"):
        score_of(rubric, [], -1, 3, "w1")
    with pytest.raises(InputError, match="ticked twice"):
        score_of(rubric, ["verdict", "verdict"], 0, 3, "w1")


def test_the_problem_sets_rubrics_load_and_fit_their_points():
    for name in ("ps1", "ps2", "ps3"):
        for question in load_assignment(name).questions:
            if question.kind == "manual":
                assert question.rubric
                assert sum(i.points for i in question.rubric) <= question.points
                assert all(i.comment and i.text for i in question.rubric)


def test_ps1_uses_the_schema_with_comments_students_can_read(tmp_path):
    from course import paths

    raw = yaml.safe_load((paths.SOLUTIONS_DIR / "ps1" / "assignment.yaml").read_text())
    for question in raw["questions"]:
        for item in question.get("rubric", []):
            assert set(item) == {"id", "points", "text", "comment"}
            assert item["comment"] != item["text"]
