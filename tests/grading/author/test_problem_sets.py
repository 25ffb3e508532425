"""The three problem sets as content: solutions pass, blanks fail helpfully, hidden tests bite.

* Each solution notebook, run here (it is the instructor's trusted code) with its answers
  extracted through answers.encode/decode after each answer cell, earns every automatic point.
* Each exercise notebook as generated runs top to bottom without an error (a student's
  "Run All" does not stop), and every automatic test fails with a message naming the
  variable to fix.
* Each hidden test fails for at least one plausible wrong answer written here — a mistake
  a student could make (counting rows instead of disputes, Pearson instead of Spearman,
  forgetting NATO's aggregate rows...). A hidden test without such a case fails this file.
* Public tests never contain the reference values of the float answers.
"""

from __future__ import annotations

import nbformat
import numpy as np
import pandas as pd
import pytest

from course import data, paths
from course.grading import testing
from course.grading.author import assignment as asg
from course.grading.untrusted import answers as codec

pytestmark = pytest.mark.needs("solutions")  # instructors' tests: not in the student edition

PROBLEM_SETS = ["ps1", "ps2", "ps3"]


@pytest.fixture(scope="module")
def solved():
    """name -> (assignment, answers extracted from its solution notebook)."""
    out = {}
    for name in PROBLEM_SETS:
        assignment = asg.load_assignment(name)
        run = asg.run_in_process(assignment.notebook, assignment.required())
        assert run.errors == [], f"{name} solution: {run.errors}"
        out[name] = (assignment, run.answers)
    return out


@pytest.mark.parametrize("name", PROBLEM_SETS)
def test_solution_earns_every_automatic_point(solved, name):
    assignment, answers = solved[name]
    results = testing.run_tests(assignment.tests(), answers, required=assignment.required())
    failures = [f"{r.name}: {r.message}" for r in results if not r.passed]
    assert failures == []
    scores = testing.score(results, assignment.points())
    auto = {q.id: q.points for q in assignment.questions if q.kind == "auto"}
    assert {q: scores[q] for q in auto} == auto
    assert 6 <= len(auto) <= 10
    manual = [q for q in assignment.questions if q.kind == "manual"]
    assert 1 <= len(manual) <= 2 and all(q.rubric for q in manual)


@pytest.mark.parametrize("name", PROBLEM_SETS)
def test_each_problem_set_has_a_chart_question_graded_on_its_spec(solved, name):
    _, answers = solved[name]
    spec = answers["chart"]
    assert type(spec) is dict and "mark" in str(spec)  # decoded Vega-Lite spec, not pixels


@pytest.mark.parametrize("name", PROBLEM_SETS)
def test_unanswered_exercise_runs_and_fails_every_auto_test_helpfully(name):
    assignment = asg.load_assignment(name)
    student = nbformat.read(paths.EXERCISES_DIR / name / f"{name}.ipynb", as_version=4)
    run = asg.run_in_process(student, assignment.required())
    assert run.errors == []  # "Run All" on the blank exercise does not stop at an error
    assert "is still `...`" in run.output  # the check cells said what to do
    results = testing.run_tests(assignment.tests(), run.answers, required=assignment.required())
    auto = [q.id for q in assignment.questions if q.kind == "auto"]
    assert {r.question for r in results} == set(auto)
    for result in results:
        assert not result.passed
        names = assignment.question(result.question).answers
        assert any(f"`{var}`" in result.message for var in names), result.message
        assert "replace the `...`" in result.message


def test_public_tests_do_not_contain_the_float_answers(solved):
    for name in PROBLEM_SETS:
        public = (paths.EXERCISES_DIR / name / "public_tests.py").read_text()
        _, answers = solved[name]
        for var, value in answers.items():
            if type(value) is float and abs(value) > 1e-3:
                for shown in (f"{value:.3f}", f"{value:.4f}", f"{value:.3g}"):
                    assert shown not in public, f"{name}: {var} = {shown} is in public_tests.py"


# --------------------------------------------------------------------------- wrong answers


def _chart_with(spec: dict, rows: pd.DataFrame) -> dict:
    """The student's chart spec, drawing other rows."""
    chart = dict(spec)
    chart.pop("datasets", None)
    chart["data"] = {"values": codec.decode(codec.encode(rows.to_dict("records")))}
    return chart


def _major_years() -> pd.DataFrame:
    spells = data.load("major_powers")
    return pd.DataFrame(
        [(y, c, a) for c, a, first, last in zip(spells["ccode"], spells["stateabb"],
                                                spells["start_year"], spells["end_year"],
                                                strict=True)
         for y in range(first, last + 1)], columns=["year", "ccode", "stateabb"]).drop_duplicates()


def _wrong_ps1(a: dict) -> dict[str, dict]:
    cap = data.load("capabilities")
    c1913 = cap[cap["year"] == 1913].set_index("stateabb")
    milex = c1913.loc[a["shares_1913"].index, "milex"].astype(float)
    world = c1913["cinc"] / c1913["cinc"].sum()
    ranked = a["shares_1913"].sort_values(ascending=False)
    # every state of the system instead of the major powers, for each year
    system = cap[cap["year"].between(1816, 2016)].copy()
    system["s2"] = (system["cinc"] / system.groupby("year")["cinc"].transform("sum")) ** 2
    by_system = system.groupby("year").agg(n_powers=("ccode", "size"), s2=("s2", "sum"))
    by_system = by_system.assign(poles=1 / by_system["s2"]).reset_index()
    # right powers, but military spending instead of CINC
    rows = _major_years().merge(cap[["year", "stateabb", "milex"]], on=["year", "stateabb"])
    rows = rows[rows["year"].between(1816, 2016)].dropna()
    rows["s2"] = (rows["milex"] / rows.groupby("year")["milex"].transform("sum")) ** 2
    milex_poles = a["poles_by_year"].copy()
    milex_poles["poles"] = milex_poles["year"].map(1 / rows.groupby("year")["s2"].sum())
    return {
        "q1_reference": {"majors_1913": sorted(set(data.load("major_powers")["stateabb"]))},
        "q2_index_is_the_majors": {"shares_1913": world},
        "q2_values": {"shares_1913": milex / milex.sum()},
        "q3_leader": {"leader_1913": "GMY"},
        "q3_lead": {"lead_1913": float(ranked.iloc[0])},  # the leader's share, not its lead
        "q4_poles": {"poles_1913": float((a["shares_1913"] >= 0.1).sum())},  # threshold count
        "q4_con": {"con_1913": float(a["con_1913"] ** 2)},  # forgot the square root
        "q5_counts": {"poles_by_year": by_system[["year", "n_powers", "poles"]]},
        "q5_values": {"poles_by_year": milex_poles},
        "q6_draws_the_series": {"chart": _chart_with(
            a["chart"], a["poles_by_year"][a["poles_by_year"]["year"] <= 1913])},
        "q7_leader": {"leader_milex_1913": a["leader_1913"]},
        "q7_poles": {"poles_milex_1913": a["poles_1913"]},
        "q8_values": {"pacts_by_era": _ever_members_pacts()},  # later joiners counted too
    }


def _ever_members_pacts() -> pd.Series:
    """q8 with every state that ever joined (``alliances.members``), not the founders."""
    alliances, majors = data.load("alliances"), _major_years()
    eras = {"1816-1913": (1816, 1913), "1919-1939": (1919, 1939),
            "1946-1989": (1946, 1989), "1990-2018": (1990, 2018)}
    begun = [begyr for begyr, members in zip(alliances["begyr"], alliances["members"],
                                             strict=True)
             if len({int(c) for c in str(members).split(";")}
                    & set(majors.loc[majors["year"] == begyr, "ccode"])) >= 2]
    return pd.Series({label: sum(first <= y <= last for y in begun) * 10 / (last - first + 1)
                      for label, (first, last) in eras.items()})


def test_ps1_q8_public_check_catches_the_other_reading_of_the_rate(solved):
    """'Per decade' is count x 10 / years; count / (years x 10) must not pass the public check,
    and the founding-member answer (Cold War 9 pacts, 2.045 per decade) must."""
    assignment, answers = solved["ps1"]
    public = [t for t in assignment.tests() if not testing.info_of(t).hidden
              and testing.info_of(t).question == "q8"]
    right = answers["pacts_by_era"]
    assert right["1946-1989"] == pytest.approx(9 * 10 / 44)
    years = pd.Series({"1816-1913": 98, "1919-1939": 21, "1946-1989": 44, "1990-2018": 29})
    misread = right * years / 10 / (years * 10)
    assert all(r.passed for r in testing.run_tests(public, answers))
    results = testing.run_tests(public, {**answers, "pacts_by_era": misread})
    assert not all(r.passed for r in results)
    assert any("whole number of alliances" in r.message for r in results if not r.passed)


def _uk_table(frame: pd.DataFrame, value: str, how: str) -> pd.DataFrame:
    rivals = {220: "FRN", 365: "RUS", 255: "GMY"}
    periods = {"1870-1904": (1870, 1904), "1905-1914": (1905, 1914)}
    side = frame[(frame["statea"] == 200) & frame["stateb"].isin(list(rivals))]
    out = {}
    for label, (first, last) in periods.items():
        column = []
        for code in rivals:
            rows = side[(side["stateb"] == code) & side["strtyr"].between(first, last)]
            if how == "rows":
                column.append(len(rows))
            else:
                column.append(int(rows[value].max()) if len(rows) else 0)
        out[label] = column
    return pd.DataFrame(out, index=list(rivals.values()))


def _wrong_ps2(a: dict) -> dict[str, dict]:
    disputes = data.load("disputes")
    row_counts = _uk_table(disputes, "disno", "rows")  # dyad-years, not disputes
    navies = data.load("naval_tonnage")
    navies = navies[navies["year"].between(1880, 1914)]
    navies = navies.groupby(["year", "ccode"], as_index=False)["totton"].sum()
    uk = navies[navies["ccode"] == 200].set_index("year")["totton"]
    largest = navies[navies["ccode"] != 200].groupby("year")["totton"].max()
    one_power = uk / largest
    pacts = a["uk_pacts"]
    long = (row_counts.rename_axis("rival").reset_index()
            .melt(id_vars="rival", var_name="period", value_name="disputes"))
    same_year = pacts.copy()
    same_year.loc[same_year["atopid"] == 2015, "partners"] = "FRN;RUS"  # only 1914 entrants
    return {
        "q1_values": {"uk_disputes": row_counts},
        "q2_values": {"uk_hostility": _uk_table(disputes, "hihosta", "max")},  # Britain's level
        "q3_values": {"ahead_years": 44 - a["ahead_years"]},  # years Britain was ahead
        "q4_value": {"cinc_overtake": a["cinc_overtake"] - 1},  # last year behind
        "q5_values": {"two_power": one_power, "two_power_years": int((one_power >= 1).sum())},
        "q6_alliances": {"uk_pacts": pacts[pacts["year"] < 1914]},  # 1914 left out
        "q6_years_and_partners": {"uk_pacts": same_year},
        "q7_data": {"chart": _chart_with(a["chart"], long)},
    }


def _members(year: int) -> list[int]:
    nato = data.load("nato_members")
    keep = (nato["accession_year"] <= year) & (
        nato["exit_date"].isna() | (nato["exit_date"].dt.year > year))
    return nato.loc[keep, "ccode"].tolist()


def _wrong_ps3(a: dict) -> dict[str, dict]:
    burden = data.load("military_burden")
    gdp = data.load("gdp").dropna(subset=["gdp", "ccode"])
    rows_2024 = burden[(burden["year"] == 2012) & burden["ccode"].isin(_members(2024))]
    pair = burden[burden["year"] == 2012].merge(gdp[gdp["year"] == 2012], on="ccode")
    pair = pair[pair["ccode"].isin(a["burden_2012"].index)]
    pearson = float(np.corrcoef(pair["gdp"], pair["milex_share_gdp"])[0, 1])
    fixed = {}
    for year in range(1991, 2019):  # 2012's members used for every year
        both = burden[(burden["year"] == year) & burden["ccode"].isin(_members(2012))].merge(
            gdp[gdp["year"] == year][["ccode", "gdp"]], on="ccode")
        fixed[year] = both["gdp"].rank().corr(both["milex_share_gdp"].rank())
    nato = data.load("nato_expenditure")
    constant = nato[nato["measure"] == "usd_constant_2015"]
    us = constant[constant["country"] == "United States"].set_index("year")["value"]
    share = nato[nato["measure"] == "share_gdp"]
    with_aggregates = share.groupby("year")["value"].apply(lambda v: int((v >= 2).sum()))
    mean = pd.Series({y: burden[(burden["year"] == y) & burden["ccode"].isin(
        [c for c in _members(y) if c not in (2, 20)])]["milex_share_gdp"].mean()
        for y in range(2000, 2025)})
    return {
        "q1_members": {"burden_2012": rows_2024.set_index("ccode")["milex_share_gdp"]},
        "q2_value": {"rho_2012": pearson},
        "q3_values": {"rho_by_year": pd.Series(fixed)},
        "q4_values": {"us_share": us / constant.groupby("year")["value"].sum()},
        "q5_values": {"at_2pct": with_aggregates},
        "q6_values": {"europe_median": mean, "europe_change": float(mean[2024] - mean[2012])},
        "q7_data": {"chart": _chart_with(
            a["chart"], mean.rename_axis("year").reset_index(name="burden"))},
    }


WRONG = {"ps1": _wrong_ps1, "ps2": _wrong_ps2, "ps3": _wrong_ps3}


@pytest.mark.parametrize("name", PROBLEM_SETS)
def test_every_hidden_test_fails_for_a_plausible_wrong_answer(solved, name):
    assignment, answers = solved[name]
    tests = {t.__name__: t for t in assignment.tests()}
    hidden = {n for n, t in tests.items() if testing.info_of(t).hidden}
    cases = WRONG[name](answers)
    assert set(cases) == hidden, "write a plausible wrong answer for every hidden test"
    for test_name, change in cases.items():
        wrong = dict(answers)
        wrong.update({k: codec.decode(codec.encode(v)) for k, v in change.items()})
        # the change really is wrong, and that specific hidden test notices
        [result] = testing.run_tests([tests[test_name]], wrong)
        assert not result.passed, f"{name}.{test_name} accepted a wrong answer"
        assert result.message and "could not be checked" not in result.message, result.message
        # ...and the right answer passes the same test
        [right] = testing.run_tests([tests[test_name]], answers)
        assert right.passed, right.message


@pytest.mark.slow
def test_the_grading_engine_agrees_full_marks_for_solutions_and_zero_for_blanks():
    """Same content through the contained engine: answers cross a pipe as plain data."""
    from course.grading.run import runner
    from course.grading.sandbox import Sandbox

    with Sandbox() as box:
        for name in PROBLEM_SETS:
            spec = runner.load_spec(name)
            auto = sum(q.points for q in spec.questions if q.kind == "auto")
            files = [paths.SOLUTIONS_DIR / name / f"{name}.ipynb",
                     paths.EXERCISES_DIR / name / f"{name}.ipynb"]
            grades = {g.path: g for g in runner.grade_paths(
                spec, files, sandbox=box, workers=1, require_containment=False)}
            solution, blank = grades[str(files[0])], grades[str(files[1])]
            assert (solution.status, solution.total) == ("ok", auto), solution.message
            assert solution.cell_errors == [] and blank.cell_errors == []
            assert (blank.status, blank.total) == ("ok", 0.0), blank.message
            assert all("is still `...`" in r.message for r in blank.results)


@pytest.mark.parametrize("name", PROBLEM_SETS)
def test_every_hidden_test_compares_with_the_nan_safe_helper(name):
    """Each hidden test compares through testing.matches (or expect_close, built on it;
    or expect_index for labels, where a NaN label is never one of the reference's),
    directly or in a helper it calls — never with a bare `abs(x - ref) > tol` or `==`."""
    import ast

    tree = ast.parse((paths.SOLUTIONS_DIR / name / "tests.py").read_text())
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}

    def uses(function: ast.FunctionDef, seen: set[str]) -> set[str]:
        found = {n.attr for n in ast.walk(function) if isinstance(n, ast.Attribute)}
        for call in (n.id for n in ast.walk(function) if isinstance(n, ast.Name)):
            if call in functions and call not in seen:
                seen.add(call)
                found |= uses(functions[call], seen)
        return found

    hidden = [f for f in functions.values() if any(
        isinstance(d, ast.Call) and getattr(d.func, "id", "") == "hidden"
        for d in f.decorator_list)]
    assert hidden
    for function in hidden:
        assert uses(function, {function.name}) & {"matches", "expect_close", "expect_index"}, \
            function.name
