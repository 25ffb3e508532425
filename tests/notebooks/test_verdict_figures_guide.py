"""Issue 23's figures as the instructors' material states them: INSTRUCTORS.md, the ps3 key
and rubric (left out of the student edition with the rest of the instructors' material).

The figures are computed by the course's code, as in test_verdict_figures.py, and each
test checks that the guide or the key says the same thing.
"""

from __future__ import annotations

import json

import pytest

from course import data
from course.measures import burden
from course.paths import NOTEBOOKS_DIR, PROJECT_ROOT, SOLUTIONS_DIR

pytestmark = pytest.mark.needs("solutions")


def _flat(text: str) -> str:
    return " ".join(text.split())


def prose(lesson: str) -> str:
    path = next(NOTEBOOKS_DIR.glob(f"{lesson}-*.ipynb"))
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return _flat(" ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown"))


def guide() -> str:
    return _flat((PROJECT_ROOT / "INSTRUCTORS.md").read_text(encoding="utf-8"))


def problem_set(name: str) -> str:
    cells = json.loads((SOLUTIONS_DIR / name / f"{name}.ipynb").read_text(encoding="utf-8"))
    return _flat(" ".join("".join(c["source"]) for c in cells["cells"]
                          if c["cell_type"] == "markdown"))


@pytest.fixture(scope="module")
def shipped():
    return {name: data.load(name) for name in ("gdp", "military_burden", "nato_members")}


@pytest.fixture(scope="module")
def pooled(shipped):
    gdp, mil, members = shipped["gdp"], shipped["military_burden"], shipped["nato_members"]
    out = {}
    for label, years in [("early", (1950, 1966)), ("late", (1967, 2018)), ("ps3", (1991, 2018))]:
        out[label] = burden.size_burden_pooled(gdp, mil, members, years)
        out[label + " one-sided"] = burden.size_burden_pooled(gdp, mil, members, years,
                                                             alternative="greater")
    return out


def test_the_guide_agrees_on_exercise_3_1():
    assert "Britain–Russia had 3 disputes in six different years (1833, 1849, 1853–1856)" in (
        guide())
    assert "became the Crimean War (5, 1854–1856)" in guide()


def test_the_ps3_key_and_rubric_follow_the_forecast_verdict():
    key = problem_set("ps3")
    assert "Verdict: not testable with these data." in key
    assert "data test the premise" not in key
    rubric = (SOLUTIONS_DIR / "ps3" / "assignment.yaml").read_text(encoding="utf-8")
    assert "not testable with these data" in rubric


def test_the_ps3_key_and_the_guide_report_the_pooled_test(pooled):
    ps3, both, one = problem_set("ps3"), pooled["ps3"], pooled["ps3 one-sided"]
    assert (f"mean rho of {both['mean_rho']:.2f} and p = {both['p_value']:.3f} "
            f"({one['p_value']:.3f} one-sided)") in ps3
    text = guide()
    early, late = pooled["early"], pooled["late"]
    assert (f"1950–1966 mean rho {early['mean_rho']:.2f}, p = {early['p_value']:.3f}; "
            f"1967–2018 mean {late['mean_rho']:.2f}, p = {late['p_value']:.3f}") in text


def test_the_data_notes_and_the_guide_say_ireland_to_1920(shipped):
    britain_pop = shipped["gdp"][shipped["gdp"]["countrycode"] == "GBR"].set_index("year")["pop"]
    drop = britain_pop.loc[1900:1930].diff()
    assert int(drop.idxmin()) == 1921  # Ireland's last year in the series is 1920
    readme = _flat((PROJECT_ROOT / "data" / "README.md").read_text(encoding="utf-8"))
    assert f"falls by {-drop.min() / 1000:.1f} million in 1921" in readme
    for text in (prose("03"), prose("04"), readme, guide()):
        assert "Ireland until 1921" not in text and "Ireland to 1921" not in text
    assert "all of Ireland to 1920" in prose("03") and "all of Ireland to 1920" in prose("04")


def test_the_ps3_intro_quotes_both_sentences_of_p5():
    intro = problem_set("ps3")
    assert '> "As Christopher Layne said' in intro
    assert "it is likely to end up suckered, rather than adequately supported.\" [P5]" in intro
    assert "further afield at America’s behest\" [P10]" in intro

