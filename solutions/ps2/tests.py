"""Tests for problem set 2 (Britain and the Entente).

Public tests check shapes and properties only; hidden tests recompute the references from
the course data (Maoz dyadic MID 4.02, COW NMC 6.0, naval tonnage, ATOP 5.1).
"""

import pandas as pd

from course.grading import testing
from course.grading.testing import hidden, public

RIVALS = {220: "FRN", 365: "RUS", 255: "GMY"}
PERIODS = {"1870-1904": (1870, 1904), "1905-1914": (1905, 1914)}
MEASURES = ["cinc", "milex", "irst", "milper"]


def _uk_disputes(column, how):
    disputes = testing.load("disputes")
    side = disputes[(disputes["statea"] == 200) & disputes["stateb"].isin(list(RIVALS))]
    out = {}
    for label, (first, last) in PERIODS.items():
        for code, abb in RIVALS.items():
            rows = side[(side["stateb"] == code) & side["strtyr"].between(first, last)]
            if how == "count":
                out[(abb, label)] = int(rows["disno"].nunique())
            else:
                out[(abb, label)] = int(rows["hihost"].max()) if len(rows) else 0
    return out


def _wide(measure):
    cap = testing.load("capabilities")
    two = cap[cap["stateabb"].isin(["UKG", "GMY"]) & cap["year"].between(1870, 1913)]
    return two.pivot(index="year", columns="stateabb", values=measure).astype(float)


def _two_power():
    navies = testing.load("naval_tonnage")
    navies = navies[navies["year"].between(1880, 1914)]
    navies = navies.groupby(["year", "ccode"], as_index=False)["totton"].sum()
    ratio = {}
    for year, group in navies.groupby("year"):
        uk = group.loc[group["ccode"] == 200, "totton"].sum()
        rest = group.loc[group["ccode"] != 200, "totton"].nlargest(2).sum()
        ratio[int(year)] = float(uk / rest)
    return ratio


def _uk_pacts():
    members = testing.load("alliance_members")
    first = members[members["ccode"] == 200].groupby("atopid")["yrent"].min()
    first = first[(first >= 1890) & (first <= 1914)]
    out = {}
    for atopid, year in first.items():
        others = members[(members["atopid"] == atopid) & (members["ccode"] != 200)]
        out[int(atopid)] = (int(year), ";".join(sorted(set(others["stateabb"]))))
    return out


def _rival_table(table, name):
    testing.expect_type(table, pd.DataFrame, name)
    testing.expect_index(table, ["FRN", "RUS", "GMY"], name)
    testing.expect(sorted(map(str, table.columns)) == ["1870-1904", "1905-1914"],
                   f"`{name}` should have exactly the columns '1870-1904' and '1905-1914'; it has "
                   f"{list(table.columns)}.")
    testing.expect_no_missing(table, name)
    values = table.to_numpy().ravel().tolist()
    testing.expect(all(float(v) == int(v) and v >= 0 for v in values),
                   f"`{name}` should hold whole numbers that are 0 or more.")


def _matches(table, reference, name):
    wrong = [f"{abb} {label}" for (abb, label), value in reference.items()
             if not testing.matches(table.loc[abb, label], value)]
    testing.expect(not wrong, f"`{name}` is wrong for {', '.join(wrong)}.")


# ---------------------------------------------------------------- q1

@public("q1")
def q1_shape(answers):
    _rival_table(answers["uk_disputes"], "uk_disputes")


@hidden("q1", weight=2)
def q1_values(answers):
    _matches(answers["uk_disputes"], _uk_disputes("disno", "count"), "uk_disputes")


# ---------------------------------------------------------------- q2

@public("q2")
def q2_shape(answers):
    table = answers["uk_hostility"]
    _rival_table(table, "uk_hostility")
    testing.expect(bool((table.astype(float) <= 5).all().all()),
                   "hostility levels run from 1 to 5 (use 0 where there was no dispute).")


@hidden("q2")
def q2_values(answers):
    _matches(answers["uk_hostility"], _uk_disputes("hihost", "max"), "uk_hostility")


# ---------------------------------------------------------------- q3

@public("q3")
def q3_shape(answers):
    ahead = answers["ahead_years"]
    testing.expect_type(ahead, pd.Series, "ahead_years")
    testing.expect_index(ahead, ["cinc", "milex", "irst", "milper"], "ahead_years")
    testing.expect_no_missing(ahead, "ahead_years")
    testing.expect(all(0 <= float(v) <= 44 and float(v) == int(v) for v in ahead.tolist()),
                   "each value of `ahead_years` counts years in 1870-1913, so it is a whole number "
                   "from 0 to 44.")


@hidden("q3")
def q3_values(answers):
    ahead = answers["ahead_years"]
    for measure in MEASURES:
        wide = _wide(measure)
        testing.expect_close(float(ahead[measure]), float((wide["GMY"] > wide["UKG"]).sum()), 0,
                             f"ahead_years['{measure}']")


# ---------------------------------------------------------------- q4

@public("q4")
def q4_is_a_year(answers):
    testing.expect_type(answers["cinc_overtake"], int, "cinc_overtake")
    testing.expect_between(answers["cinc_overtake"], 1870, 1913, "cinc_overtake")


@hidden("q4")
def q4_value(answers):
    wide = _wide("cinc")
    behind = [int(y) for y, ahead in (wide["GMY"] > wide["UKG"]).items() if not ahead]
    testing.expect_close(answers["cinc_overtake"], max(behind) + 1, 0, "cinc_overtake")


# ---------------------------------------------------------------- q5

@public("q5")
def q5_shape(answers):
    ratio = answers["two_power"]
    testing.expect_type(ratio, pd.Series, "two_power")
    testing.expect(sorted(int(y) for y in ratio.index) == list(range(1880, 1915)),
                   "`two_power` should be indexed by the years 1880-1914, each once.")
    testing.expect_no_missing(ratio, "two_power")
    testing.expect(bool(((ratio > 0) & (ratio < 10)).all()),
                   "`two_power` should hold ratios of tonnages (Britain / next two), well above 0.")
    count = answers["two_power_years"]
    testing.expect_type(count, int, "two_power_years")
    testing.expect(count == int((ratio >= 1).sum()),
                   "`two_power_years` should count the years in which `two_power` is at least 1.")


@hidden("q5", weight=2)
def q5_values(answers):
    ratio = answers["two_power"]
    reference = _two_power()
    wrong = [y for y, value in reference.items()
             if not testing.matches(ratio[y], value, tol=1e-6)]
    testing.expect(not wrong, f"`two_power` is wrong in {len(wrong)} years (first: {wrong[:1]}): "
                   "compare Britain with the two largest *other* navies of each year.")
    testing.expect_close(answers["two_power_years"], sum(v >= 1 for v in reference.values()), 0,
                         "two_power_years")


# ---------------------------------------------------------------- q6

@public("q6")
def q6_shape(answers):
    pacts = answers["uk_pacts"]
    testing.expect_columns(pacts, ["atopid", "year", "partners"], "uk_pacts")
    testing.expect(len(pacts) > 0, "`uk_pacts` is empty.")
    testing.expect(pacts["atopid"].is_unique, "`uk_pacts` should have one row per alliance.")
    testing.expect(bool(pacts["year"].between(1890, 1914).all()),
                   "every `year` in `uk_pacts` should be within 1890-1914.")
    for text in pacts["partners"]:
        parts = str(text).split(";")
        testing.expect(parts == sorted(parts) and "UKG" not in parts,
                       "`partners` should list the other members' abbreviations, sorted, joined "
                       "with ';', without Britain.")


@hidden("q6")
def q6_alliances(answers):
    pacts = answers["uk_pacts"]
    reference = _uk_pacts()
    testing.expect(testing.matches(sorted(int(a) for a in pacts["atopid"]), sorted(reference)),
                   "`uk_pacts` does not hold exactly the alliances Britain first entered in "
                   "1890-1914.")


@hidden("q6", weight=2)
def q6_years_and_partners(answers):
    pacts = answers["uk_pacts"]
    reference = _uk_pacts()
    got = {int(a): (int(y), str(p)) for a, y, p in
           zip(pacts["atopid"], pacts["year"], pacts["partners"])}
    wrong = [a for a, value in reference.items() if not testing.matches(got.get(a), value)]
    testing.expect(not wrong, f"the year or partners are wrong for ATOP alliance(s) {wrong}.")


# ---------------------------------------------------------------- q7

@public("q7")
def q7_spec(answers):
    testing.expect_chart(answers["chart"], "chart", marks=["bar"],
                         encodings={"x": ("rival", "nominal"),
                                    "y": ("disputes", "quantitative"),
                                    "color": ("period", "nominal")})


@hidden("q7")
def q7_data(answers):
    rows = testing.chart_data(answers["chart"])
    testing.expect_columns(rows, ["rival", "period", "disputes"], "the chart's data")
    reference = _uk_disputes("disno", "count")
    drawn = {(str(r), str(p)): int(d) for r, p, d in
             zip(rows["rival"], rows["period"], rows["disputes"])}
    testing.expect(testing.matches(drawn, reference),
                   "the chart's data should be the six counts of q1 (rival x period).")
