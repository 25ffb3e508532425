"""Tests for problem set 1 (measuring power and alignment).

Public tests check properties only; hidden tests recompute the reference answers from the
course data (COW NMC 6.0, COW major powers v2024, ATOP 5.1) in the grader's process.
"""

import numpy as np
import pandas as pd

from course.grading import testing
from course.grading.testing import Failed, hidden, public

ERAS = {"1816-1913": (1816, 1913), "1919-1939": (1919, 1939),
        "1946-1989": (1946, 1989), "1990-2018": (1990, 2018)}


def _major_years():
    spells = testing.load("major_powers")
    rows = [(int(y), int(c), str(a))
            for c, a, first, last in zip(spells["ccode"], spells["stateabb"],
                                         spells["start_year"], spells["end_year"])
            for y in range(int(first), int(last) + 1)]
    return pd.DataFrame(rows, columns=["year", "ccode", "stateabb"]).drop_duplicates()


def _majors(year):
    table = _major_years()
    return sorted(set(table.loc[table["year"] == year, "stateabb"]))


def _shares(year, measure):
    cap = testing.load("capabilities")
    rows = cap[(cap["year"] == year) & cap["stateabb"].isin(_majors(year))]
    values = rows.set_index("stateabb")[measure].astype(float)
    return values / values.sum()


def _poles_by_year():
    cap = testing.load("capabilities")[["year", "stateabb", "cinc"]]
    rows = _major_years().merge(cap, on=["year", "stateabb"])
    rows = rows[rows["year"].between(1816, 2016)]
    out = {}
    for year, group in rows.groupby("year"):
        s = group["cinc"] / group["cinc"].sum()
        out[int(year)] = (len(group), float(1 / (s ** 2).sum()))
    return out


def _pacts_by_era():
    """Alliances per decade whose founding members (yrent == begyr) include two major powers."""
    alliances = testing.load("alliances")
    members = testing.load("alliance_members")
    majors = _major_years()
    count = {label: 0 for label in ERAS}
    for atopid, begyr in zip(alliances["atopid"], alliances["begyr"]):
        rows = members[(members["atopid"] == atopid) & (members["yrent"] == begyr)]
        codes = {int(c) for c in rows["ccode"]}
        in_power = set(majors.loc[majors["year"] == begyr, "ccode"])
        if len(codes & in_power) >= 2:
            for label, (first, last) in ERAS.items():
                if first <= begyr <= last:
                    count[label] += 1
    return {label: count[label] / (last - first + 1) * 10 for label, (first, last) in ERAS.items()}


def _abbreviation(value, name):
    testing.expect_type(value, str, name)
    testing.expect(len(value) == 3 and value.isupper(),
                   f"`{name}` should be a COW abbreviation such as 'UKG' (three capital letters); "
                   f"yours is {value!r}.")


# ---------------------------------------------------------------- q1

@public("q1")
def q1_is_sorted_list_of_codes(answers):
    majors = answers["majors_1913"]
    testing.expect_type(majors, list, "majors_1913")
    testing.expect(len(majors) > 0, "`majors_1913` is empty.")
    for code in majors:
        _abbreviation(code, "each entry of majors_1913")
    testing.expect(len(set(majors)) == len(majors), "`majors_1913` lists a state twice.")
    testing.expect(majors == sorted(majors), "`majors_1913` should be sorted: use sorted(...).")


@hidden("q1")
def q1_reference(answers):
    testing.expect(testing.matches(answers["majors_1913"], _majors(1913)),
                   "`majors_1913` does not list exactly the major powers of 1913.")


# ---------------------------------------------------------------- q2

@public("q2")
def q2_is_series_of_shares(answers):
    shares = answers["shares_1913"]
    testing.expect_type(shares, pd.Series, "shares_1913")
    testing.expect_no_missing(shares, "shares_1913")
    testing.expect(all(isinstance(label, str) for label in shares.index),
                   "`shares_1913` should be indexed by abbreviations such as 'UKG': use "
                   ".set_index(\"stateabb\").")
    testing.expect_sums_to(shares, 1.0, 1e-6, "shares_1913")
    testing.expect(bool(((shares > 0) & (shares < 1)).all()),
                   "every value of `shares_1913` should be a share between 0 and 1.")


@hidden("q2")
def q2_index_is_the_majors(answers):
    testing.expect_index(answers["shares_1913"], _majors(1913), "shares_1913")


@hidden("q2", weight=2)
def q2_values(answers):
    shares = answers["shares_1913"]
    reference = _shares(1913, "cinc")
    testing.expect_index(shares, list(reference.index), "shares_1913")
    testing.expect(testing.matches(shares, reference, tol=1e-6),
                   "some values of `shares_1913` are not the CINC shares among "
                   "the 1913 major powers.")


# ---------------------------------------------------------------- q3

@public("q3")
def q3_types_and_range(answers):
    _abbreviation(answers["leader_1913"], "leader_1913")
    testing.expect_between(answers["lead_1913"], 0, 1, "lead_1913",
                           why="the lead is a difference of two shares")


@hidden("q3")
def q3_leader(answers):
    reference = _shares(1913, "cinc").idxmax()
    testing.expect(testing.matches(answers["leader_1913"], str(reference)),
                   "`leader_1913` is not the power with the largest CINC share in 1913.")


@hidden("q3")
def q3_lead(answers):
    ranked = _shares(1913, "cinc").sort_values(ascending=False)
    testing.expect_close(answers["lead_1913"], ranked.iloc[0] - ranked.iloc[1], 1e-4, "lead_1913")


# ---------------------------------------------------------------- q4

@public("q4")
def q4_ranges(answers):
    testing.expect_between(answers["poles_1913"], 1, 20, "poles_1913",
                           why="the effective number of poles is at least 1 and at most N")
    testing.expect_between(answers["con_1913"], 0, 1, "con_1913",
                           why="concentration runs from 0 (equal) to 1 (one power has all)")


@public("q4")
def q4_consistent(answers):
    poles = testing.expect_number(answers["poles_1913"], "poles_1913")
    con = testing.expect_number(answers["con_1913"], "con_1913")
    # CON^2 (1 - 1/N) = 1/poles - 1/N  =>  N = (1 - CON^2) / (1/poles - CON^2)
    denominator = 1 / poles - con ** 2
    implied = (1 - con ** 2) / denominator if denominator > 1e-9 else 0.0
    testing.expect(2 <= implied <= 50 and abs(implied - round(implied)) < 0.01,
                   "`poles_1913` and `con_1913` do not fit together: both must come from the same "
                   "shares (CON uses the sum of squared shares, 1/N and a square root).")


@hidden("q4")
def q4_poles(answers):
    s = _shares(1913, "cinc")
    testing.expect_close(answers["poles_1913"], 1 / (s ** 2).sum(), 1e-3, "poles_1913")


@hidden("q4")
def q4_con(answers):
    s = _shares(1913, "cinc")
    n = len(s)
    con = np.sqrt(((s ** 2).sum() - 1 / n) / (1 - 1 / n))
    testing.expect_close(answers["con_1913"], con, 1e-3, "con_1913")


# ---------------------------------------------------------------- q5

@public("q5")
def q5_shape(answers):
    table = answers["poles_by_year"]
    testing.expect_columns(table, ["year", "n_powers", "poles"], "poles_by_year")
    years = table["year"].tolist()
    testing.expect(sorted(years) == list(range(1816, 2017)),
                   "`poles_by_year` should have exactly one row for each year 1816-2016.")


@public("q5")
def q5_poles_in_range(answers):
    table = answers["poles_by_year"]
    testing.expect_columns(table, ["n_powers", "poles"], "poles_by_year")
    testing.expect_no_missing(table[["n_powers", "poles"]], "poles_by_year")
    poles = table["poles"].astype(float)
    n = table["n_powers"].astype(float)
    testing.expect(bool((n >= 1).all()), "`n_powers` should count at least one power each year.")
    testing.expect(bool(((poles >= 1 - 1e-9) & (poles <= n + 1e-9)).all()),
                   "each year's `poles` should be between 1 and that year's `n_powers`.")


@hidden("q5")
def q5_counts(answers):
    table = answers["poles_by_year"].set_index("year")
    reference = _poles_by_year()
    wrong = [y for y, (n, _) in reference.items()
             if y not in table.index or not testing.matches(table.loc[y, "n_powers"], n)]
    testing.expect(not wrong, f"`n_powers` is wrong in {len(wrong)} years (first: {wrong[:1]}); "
                   "a state is a major power from start_year to end_year, both included.")


@hidden("q5", weight=2)
def q5_values(answers):
    table = answers["poles_by_year"].set_index("year")
    reference = _poles_by_year()
    wrong = [y for y, (_, p) in reference.items()
             if y not in table.index
             or not testing.matches(table.loc[y, "poles"], p, tol=1e-4)]
    testing.expect(not wrong, f"`poles` is wrong in {len(wrong)} years (first: {wrong[:1]}).")


# ---------------------------------------------------------------- q6

def _every_problem(checks):
    """Run each check; fail once, naming every problem found (not only the first)."""
    problems = []
    for check in checks:
        try:
            check()
        except Failed as failure:
            problems.append(str(failure))
    problems = list(dict.fromkeys(problems))
    if len(problems) > 1:
        raise Failed(f"{len(problems)} things to fix: "
                     + " ".join(f"({n}) {p}" for n, p in enumerate(problems, start=1)))
    if problems:
        raise Failed(problems[0])


@public("q6")
def q6_spec(answers):
    chart = answers["chart"]
    _every_problem([
        lambda: testing.expect_chart(chart, "chart", marks=["line"], title=False),
        lambda: testing.expect_chart(
            chart, "chart", encodings={"x": ("year", ("quantitative", "temporal"))},
            title=False),
        lambda: testing.expect_chart(chart, "chart", encodings={"y": ("poles", "quantitative")},
                                     title=False),
        lambda: testing.expect_chart(chart, "chart", title=True),
    ])


@hidden("q6")
def q6_draws_the_series(answers):
    rows = testing.chart_data(answers["chart"])
    testing.expect_columns(rows, ["year", "poles"], "the chart's data")
    reference = _poles_by_year()
    drawn = dict(zip(rows["year"].astype(int), rows["poles"].astype(float)))
    testing.expect(set(drawn) == set(reference),
                   "the chart should draw one point for every year 1816-2016.")
    testing.expect(all(testing.matches(drawn[y], p, tol=1e-4)
                       for y, (_, p) in reference.items()),
                   "the chart does not draw the effective number of poles from q5.")


# ---------------------------------------------------------------- q7

@public("q7")
def q7_types(answers):
    _abbreviation(answers["leader_milex_1913"], "leader_milex_1913")
    poles = testing.expect_number(answers["poles_milex_1913"], "poles_milex_1913")
    if 1 <= poles <= 20:
        return
    if poles < 1e-3:
        usual = ("A number this small usually comes from squaring the spending itself (a "
                 "count, in thousands of pounds) where each power's share was needed: divide "
                 "each power's `milex` by the total of the same powers first, as you did with "
                 "`cinc` in q2, then take 1 / (sum of the squared shares).")
    elif poles < 1:
        usual = ("A number below 1 is usually a share where a count of poles was asked: the "
                 "leader's share, or the sum of the squared shares itself. The effective "
                 "number of poles is 1 divided by that sum.")
    else:
        usual = ("More poles than there were major powers is impossible: check that the "
                 "shares are shares of the same powers' total (they add up to 1), not "
                 "counts or percentages.")
    raise Failed(f"`poles_milex_1913` is {poles:.4g}, outside 1 to 20: the effective number "
                 f"of poles is at least 1 and at most the number of powers. {usual}")


@hidden("q7")
def q7_leader(answers):
    testing.expect(testing.matches(answers["leader_milex_1913"],
                                   str(_shares(1913, "milex").idxmax())),
                   "`leader_milex_1913` is not the biggest military spender among the 1913 powers.")


@hidden("q7")
def q7_poles(answers):
    s = _shares(1913, "milex")
    testing.expect_close(answers["poles_milex_1913"], 1 / (s ** 2).sum(), 1e-3,
                         "poles_milex_1913")


# ---------------------------------------------------------------- q8

@public("q8")
def q8_shape(answers):
    pacts = answers["pacts_by_era"]
    testing.expect_index(pacts, ["1816-1913", "1919-1939", "1946-1989", "1990-2018"],
                         "pacts_by_era")
    testing.expect_type(pacts, pd.Series, "pacts_by_era")
    testing.expect_no_missing(pacts, "pacts_by_era")
    values = pd.to_numeric(pacts, errors="coerce")
    testing.expect(bool((values >= 0).all()), "`pacts_by_era` holds rates, which cannot be negative.")
    testing.expect(bool((values < 100).all()),
                   "`pacts_by_era` looks too large for alliances per decade: did you divide by the "
                   "era's length in years and multiply by 10?")


def _era_lengths():
    """Years in each era of q8, both ends included."""
    return {"1816-1913": 98, "1919-1939": 21, "1946-1989": 44, "1990-2018": 29}


@public("q8")
def q8_rates_come_from_whole_counts(answers):
    pacts = answers["pacts_by_era"]
    testing.expect_type(pacts, pd.Series, "pacts_by_era")
    for label, years in _era_lengths().items():
        if label not in pacts.index:
            raise Failed(f"`pacts_by_era` has no entry {label!r}.")
        count = testing.expect_number(pacts[label], f"pacts_by_era[{label!r}]") * years / 10
        testing.expect(abs(count - round(count)) < 1e-6,
                       f"`pacts_by_era[{label!r}]` times the era's {years} years, divided by 10, "
                       "should give back a whole number of alliances: multiply the count by 10 "
                       "and divide by the number of years in the era, both ends included.")


@hidden("q8", weight=2)
def q8_values(answers):
    pacts = answers["pacts_by_era"]
    reference = _pacts_by_era()
    for label, value in reference.items():
        if label not in pacts.index:
            raise Failed(f"`pacts_by_era` has no entry {label!r}.")
        testing.expect_close(float(pacts[label]), value, 1e-6, f"pacts_by_era[{label!r}]")
