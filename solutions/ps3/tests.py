"""Tests for problem set 3 (burden-sharing or burden-shifting?).

Public tests check shapes and properties only; hidden tests recompute the references from
the course data (SIPRI extract, Maddison 2020, NATO expenditure tables 2014-2024,
NATO membership).
"""

import numpy as np
import pandas as pd

from course.grading import testing
from course.grading.testing import hidden, public


def _members(year):
    nato = testing.load("nato_members")
    left = nato["exit_date"].dt.year
    keep = (nato["accession_year"] <= year) & (nato["exit_date"].isna() | (left > year))
    return set(int(c) for c in nato.loc[keep, "ccode"])


def _burden(year, codes):
    burden = testing.load("military_burden")
    rows = burden[(burden["year"] == year) & burden["ccode"].isin(list(codes))]
    return dict(zip(rows["ccode"].astype(int), rows["milex_share_gdp"].astype(float)))


def _spearman(x, y):
    rx = pd.Series(x).rank().to_numpy()
    ry = pd.Series(y).rank().to_numpy()
    return float(np.corrcoef(rx, ry)[0, 1])


def _rho(year):
    burden = _burden(year, _members(year))
    gdp = testing.load("gdp")
    rows = gdp[(gdp["year"] == year) & gdp["gdp"].notna() & gdp["ccode"].notna()]
    size = dict(zip(rows["ccode"].astype(int), rows["gdp"].astype(float)))
    common = sorted(set(burden) & set(size))
    return _spearman([size[c] for c in common], [burden[c] for c in common])


def _nato(measure):
    nato = testing.load("nato_expenditure")
    return nato[nato["measure"] == measure]


def _europe_median(year):
    codes = _members(year) - {2, 20}
    return float(np.median(list(_burden(year, codes).values())))


def _years_index(series, first, last, name):
    testing.expect_type(series, pd.Series, name)
    testing.expect(sorted(int(y) for y in series.index) == list(range(first, last + 1)),
                   f"`{name}` should be indexed by the years {first}-{last}, each once.")
    testing.expect_no_missing(series, name)


# ---------------------------------------------------------------- q1

@public("q1")
def q1_shape(answers):
    burden = answers["burden_2012"]
    testing.expect_type(burden, pd.Series, "burden_2012")
    testing.expect_no_missing(burden, "burden_2012")
    testing.expect(all(isinstance(c, int | np.integer) for c in burden.index),
                   "`burden_2012` should be indexed by COW country codes (whole numbers): use "
                   ".set_index(\"ccode\").")
    testing.expect(burden.index.is_unique, "`burden_2012` lists a country twice.")
    testing.expect(bool(((burden > 0) & (burden < 0.2)).all()),
                   "`burden_2012` should hold fractions of GDP (0.02 = 2 %), not percentages.")


@hidden("q1")
def q1_members(answers):
    burden = answers["burden_2012"]
    reference = _burden(2012, _members(2012))
    testing.expect(testing.matches(sorted(int(c) for c in burden.index), sorted(reference)),
                   "`burden_2012` should hold exactly the 2012 members that have a SIPRI value.")
    testing.expect(all(testing.matches(burden[c], v, tol=1e-9) for c, v in reference.items()),
                   "some values of `burden_2012` are not the 2012 SIPRI burden.")


# ---------------------------------------------------------------- q2

@public("q2")
def q2_is_a_correlation(answers):
    testing.expect_type(answers["rho_2012"], float, "rho_2012")
    testing.expect_between(answers["rho_2012"], -1, 1, "rho_2012",
                           why="a correlation lies between -1 and 1")


@hidden("q2", weight=2)
def q2_value(answers):
    testing.expect_close(answers["rho_2012"], _rho(2012), 1e-6, "rho_2012")


# ---------------------------------------------------------------- q3

@public("q3")
def q3_shape(answers):
    rho = answers["rho_by_year"]
    _years_index(rho, 1991, 2018, "rho_by_year")
    testing.expect(bool(((rho >= -1) & (rho <= 1)).all()),
                   "every value of `rho_by_year` is a correlation, between -1 and 1.")


@hidden("q3", weight=2)
def q3_values(answers):
    rho = answers["rho_by_year"]
    wrong = [y for y in range(1991, 2019) if not testing.matches(rho[y], _rho(y), tol=1e-6)]
    testing.expect(not wrong, f"`rho_by_year` is wrong in {len(wrong)} years (first: "
                   f"{wrong[:1]}); use each year's members and rank correlation.")


# ---------------------------------------------------------------- q4

@public("q4")
def q4_shape(answers):
    share = answers["us_share"]
    _years_index(share, 2014, 2024, "us_share")
    testing.expect(bool(((share > 0) & (share < 1)).all()),
                   "`us_share` should hold fractions between 0 and 1.")


@hidden("q4")
def q4_values(answers):
    rows = _nato("usd_constant_2015")
    wide = rows.pivot(index="year", columns="country", values="value")
    reference = wide["United States"] / wide["NATO Total"]
    share = answers["us_share"]
    wrong = [int(y) for y, v in reference.items()
             if not testing.matches(share[int(y)], v, tol=1e-6)]
    testing.expect(not wrong, f"`us_share` is wrong in {len(wrong)} years (first: {wrong[:1]}): "
                   "divide by the 'NATO Total' row, in constant 2015 dollars.")


# ---------------------------------------------------------------- q5

@public("q5")
def q5_shape(answers):
    count = answers["at_2pct"]
    _years_index(count, 2014, 2024, "at_2pct")
    testing.expect(all(float(v) == int(v) and 0 <= v <= 40 for v in count.tolist()),
                   "`at_2pct` should count allies: whole numbers between 0 and the number of "
                   "members.")


@hidden("q5")
def q5_values(answers):
    rows = _nato("share_gdp")
    rows = rows[rows["ccode"].notna()]
    count = answers["at_2pct"]
    for year, group in rows.groupby("year"):
        members = _members(int(year))
        expected = int(((group["value"] >= 2) & group["ccode"].isin(list(members))).sum())
        testing.expect_close(float(count[int(year)]), expected, 0, f"at_2pct[{int(year)}]")


# ---------------------------------------------------------------- q6

@public("q6")
def q6_shape(answers):
    median = answers["europe_median"]
    _years_index(median, 2000, 2024, "europe_median")
    testing.expect(bool(((median > 0) & (median < 0.2)).all()),
                   "`europe_median` should hold fractions of GDP (0.02 = 2 %), not percentages.")
    change = testing.expect_number(answers["europe_change"], "europe_change")
    testing.expect(abs(change - (float(median[2024]) - float(median[2012]))) < 1e-9,
                   "`europe_change` should be europe_median[2024] - europe_median[2012].")


@hidden("q6", weight=2)
def q6_values(answers):
    median = answers["europe_median"]
    wrong = [y for y in range(2000, 2025)
             if not testing.matches(median[y], _europe_median(y), tol=1e-9)]
    testing.expect(not wrong, f"`europe_median` is wrong in {len(wrong)} years (first: "
                   f"{wrong[:1]}): use each year's members, without the USA and Canada.")


# ---------------------------------------------------------------- q7

@public("q7")
def q7_spec(answers):
    testing.expect_chart(answers["chart"], "chart", marks=["line"],
                         encodings={"x": ("year", ("quantitative", "temporal")),
                                    "y": ("burden", "quantitative")})


@hidden("q7")
def q7_data(answers):
    rows = testing.chart_data(answers["chart"])
    testing.expect_columns(rows, ["year", "burden"], "the chart's line data")
    drawn = dict(zip(rows["year"].astype(int), rows["burden"].astype(float)))
    testing.expect(set(drawn) == set(range(2000, 2025)),
                   "the line should have one point per year 2000-2024.")
    testing.expect(all(testing.matches(drawn[y], _europe_median(y), tol=1e-9) for y in drawn),
                   "the line does not draw the European median burden of q6.")
