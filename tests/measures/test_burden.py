"""NATO burden measures: hand-computed small cases, then figures recomputed from the tables."""

import math

import numpy as np
import pandas as pd
import pytest

from course import data
from course.errors import InputError
from course.measures import burden

MEMBERS = pd.DataFrame({
    "country": ["US", "UK", "FR", "GFR", "DE", "PL"],
    "ccode": [2, 200, 220, 260, 255, 290],
    "accession_year": [1949, 1949, 1949, 1955, 1990, 1999],
    "exit_date": [None, None, None, "1990-10-03", None, None],
})


# --- small hand-made cases ------------------------------------------------------------

def test_spearman_hand_computed():
    # ranks x: 1 2 3 4 5, ranks y: 2 1 4 3 5 -> d^2 = 1+1+1+1+0 = 4
    # rho = 1 - 6 * 4 / (5 * 24) = 0.8
    assert burden.spearman(pd.Series([1, 2, 3, 4, 5]),
                           pd.Series([20, 10, 40, 30, 50])) == pytest.approx(0.8)


def test_spearman_ties_use_average_ranks():
    # x ranks 1.5 1.5 3 ; y ranks 1 2 3 -> Pearson of those ranks
    rx, ry = np.array([1.5, 1.5, 3]), np.array([1.0, 2.0, 3.0])
    expected = np.corrcoef(rx, ry)[0, 1]
    assert burden.spearman(pd.Series([5, 5, 9]), pd.Series([1, 2, 3])) == pytest.approx(expected)


def test_spearman_too_few_points_is_nan():
    assert math.isnan(burden.spearman(pd.Series([1, 2]), pd.Series([2, 1])))
    with pytest.raises(InputError, match="must match"):
        burden.spearman(pd.Series([1, 2, 3]), pd.Series([1, 2]))


def test_members_by_year_follows_accession_and_exit():
    years = burden.members_by_year(MEMBERS, (1954, 2000))
    count = years.groupby("year").size()
    assert count[1954] == 3 and count[1955] == 4
    # 1990: the Federal Republic and united Germany are one member
    assert count[1990] == 4 and count[1991] == 4
    assert count[1999] == 5
    assert set(years.loc[years.year == 1995, "ccode"]) == {2, 200, 220, 255}


def test_size_burden_correlation_small_case():
    years = [1960, 1961]
    gdp = pd.DataFrame({"ccode": [2, 200, 220, 260] * 2, "year": np.repeat(years, 4),
                        "gdp": [10.0, 3.0, 2.0, 4.0, 10.0, 3.0, 2.0, 4.0]})
    # 1960: burden perfectly ordered by size; 1961: perfectly reversed
    mil = pd.DataFrame({"ccode": [2, 200, 220, 255] * 2, "year": np.repeat(years, 4),
                        "milex_share_gdp": [0.09, 0.04, 0.03, 0.05, 0.01, 0.04, 0.05, 0.03]})
    corr = burden.size_burden_correlation(gdp, mil, MEMBERS, (1960, 1961), min_allies=3)
    assert corr["rho"].tolist() == pytest.approx([1.0, -1.0])
    assert corr["n_used"].tolist() == [4, 4]
    assert corr["largest"].tolist() == ["US", "US"]
    assert corr["largest_burden_rank"].tolist() == [1.0, 4.0]


def test_min_allies_masks_thin_years():
    gdp = pd.DataFrame({"ccode": [2, 200, 220], "year": 1950, "gdp": [3.0, 2.0, 1.0]})
    mil = pd.DataFrame({"ccode": [2, 200, 220], "year": 1950,
                        "milex_share_gdp": [0.05, 0.04, 0.03]})
    corr = burden.size_burden_correlation(gdp, mil, MEMBERS, (1950, 1950), min_allies=4)
    assert math.isnan(corr["rho"].iloc[0]) and corr["n_used"].iloc[0] == 3


def test_us_share_cow_handles_missing_and_germany():
    caps = pd.DataFrame({"ccode": [2, 200, 220, 260, 255, 2, 200, 220, 255],
                         "year": [1990] * 5 + [1991] * 4,
                         "milex": [600, 100, -9, 200, 999, 500, 100, 100, 300]})
    share = burden.us_share_cow(caps, MEMBERS, (1990, 1991))
    # 1990: France missing (-9), West German row kept (200), unified row (999) ignored
    assert share["us_share"].tolist() == pytest.approx([600 / 900, 500 / 1000])
    assert share["n_missing"].tolist() == [1, 0]
    assert (share["definition"].str.contains("COW")).all()


def test_us_share_nato_ignores_aggregates():
    nato = pd.DataFrame({"country": ["United States", "France", "NATO Total"],
                         "ccode": [2, 220, None], "year": [2015] * 3, "measure": "real",
                         "value": [600.0, 60.0, 660.0], "unit": "million US$"})
    share = burden.us_share_nato(nato, "real", (2015, 2015))
    assert share["us_share"].iloc[0] == pytest.approx(600 / 660)
    with pytest.raises(InputError, match="unknown NATO measure"):
        burden.us_share_nato(nato, "nominal")


def test_european_burden_excludes_north_america():
    mil = pd.DataFrame({"ccode": [2, 200, 220, 255], "year": 2000,
                        "milex_share_gdp": [0.03, 0.024, 0.026, 0.015]})
    med = burden.european_burden(mil, MEMBERS, (2000, 2000))
    mean = burden.european_burden(mil, MEMBERS, (2000, 2000), statistic="mean")
    assert med["value"].iloc[0] == pytest.approx(0.024)
    assert mean["value"].iloc[0] == pytest.approx((0.024 + 0.026 + 0.015) / 3)
    # Poland (a member since 1999) has no value here: counted as a member, not used
    assert med["n_used"].iloc[0] == 3 and med["n_members"].iloc[0] == 4


def test_period_means():
    series = pd.DataFrame({"year": range(2008, 2025), "value": range(17)})
    table = burden.period_means(series).set_index("first")
    assert table.loc[2008, "mean"] == pytest.approx(1.5)  # 0..3
    assert table.loc[2022, "mean"] == pytest.approx(15.0)  # 14..16
    assert table["n_years"].tolist() == [4, 3, 7, 3]


@pytest.mark.parametrize("call, fragment", [
    (lambda: burden.size_burden_correlation(pd.DataFrame({"x": [1]}), pd.DataFrame(),
                                            MEMBERS), "GDP table lacks"),
    (lambda: burden.size_burden_correlation(pd.DataFrame(), pd.DataFrame(), MEMBERS,
                                            (2000, 1990)), "after the last"),
    (lambda: burden.us_share_cow(pd.DataFrame({"ccode": [], "year": [], "milex": []}),
                                 MEMBERS, (1900, 1910)), "British pounds"),
    (lambda: burden.european_burden(pd.DataFrame(), MEMBERS, statistic="mode"), "median"),
    (lambda: burden.members_by_year("not a table", (1950, 1951)), "DataFrame"),
])
def test_bad_input_is_explained(call, fragment):
    with pytest.raises(InputError, match=fragment):
        call()


# --- the shipped tables: recompute with plain pandas ------------------------------------

@pytest.fixture(scope="module")
def members():
    return data.load("nato_members")


def plain_members(members, year):
    """Member codes in a year, straight from the table (accession year, exit date)."""
    exit_year = pd.to_datetime(members["exit_date"], errors="coerce").dt.year
    ok = (members["accession_year"] <= year) & (exit_year.isna() | (exit_year >= year))
    return set(members.loc[ok, "ccode"].astype(int))


@pytest.mark.parametrize("year", [1960, 1985, 2010])
def test_us_share_cow_matches_plain_pandas(members, year):
    caps = data.load("capabilities")
    codes = plain_members(members, year)
    rows = caps[(caps["year"] == year) & caps["ccode"].isin(codes)]
    expected = rows.loc[rows["ccode"] == 2, "milex"].sum() / rows["milex"].sum()
    got = burden.us_share_cow(caps, members, (year, year))["us_share"].iloc[0]
    assert got == pytest.approx(float(expected))
    assert 0.4 < got < 0.9  # the US paid most of the alliance's bill throughout


@pytest.mark.parametrize("year", [1960, 2010])
def test_spearman_matches_hand_ranks_on_shipped_data(members, year):
    gdp, mil = data.load("gdp"), data.load("military_burden")
    codes = plain_members(members, year)
    g = gdp[(gdp["year"] == year) & gdp["ccode"].isin(codes)][["ccode", "gdp"]]
    b = mil[(mil["year"] == year) & mil["ccode"].isin(codes)][["ccode", "milex_share_gdp"]]
    both = g.merge(b, on="ccode").dropna()
    x = both["gdp"].to_numpy(float)
    y = both["milex_share_gdp"].to_numpy(float)
    assert len(set(x)) == len(x) and len(set(y)) == len(y)  # no ties: the formula applies
    rx, ry = x.argsort().argsort(), y.argsort().argsort()
    n = len(x)
    expected = 1 - 6 * ((rx - ry) ** 2).sum() / (n * (n * n - 1))
    got = burden.size_burden_correlation(gdp, mil, members, (year, year))
    assert got["n_used"].iloc[0] == n
    assert got["rho"].iloc[0] == pytest.approx(expected)


def test_nato_constant_price_share_matches_plain_pandas():
    nato = data.load("nato_expenditure")
    measure = burden.constant_price_measure(nato)
    rows = nato[(nato["measure"] == measure) & (nato["year"] == 2024) & nato["ccode"].notna()]
    expected = rows.loc[rows["ccode"] == 2, "value"].sum() / rows["value"].sum()
    got = burden.us_share_nato(nato, measure, (2024, 2024))["us_share"].iloc[0]
    assert got == pytest.approx(float(expected))
    assert 0.5 < got < 0.8


# --- significance, without the US, and NATO's own tables ---------------------------------

@pytest.mark.parametrize("t, df, p", [(2.228138852, 10, 0.05), (2.085963447, 20, 0.05),
                                      (4.032142984, 5, 0.01), (1.0, 5, 0.363217),
                                      (0.0, 12, 1.0)])
def test_two_sided_t_p_values_match_the_tables(t, df, p):
    assert burden._two_sided_t_p(t, df) == pytest.approx(p, abs=1e-6)


def test_spearman_test_by_hand():
    x = pd.Series([1, 2, 3, 4, 5, 6, 7])
    y = pd.Series([2, 1, 4, 3, 7, 5, 6])
    result = burden.spearman_test(x, y)
    rho = 1 - 6 * sum(d * d for d in [-1, 1, -1, 1, -2, 1, 1]) / (7 * 48)
    t = rho * (5 / (1 - rho * rho)) ** 0.5
    assert result["rho"] == pytest.approx(rho)
    assert result["p_value"] == pytest.approx(burden._two_sided_t_p(t, 5))
    assert result["n"] == 7
    assert math.isnan(burden.spearman_test(x[:2], y[:2])["p_value"])  # two pairs: no test


def test_significance_of_the_size_burden_correlation(members):
    """Issue 12, item 3: positive every year, but p < .05 in all of 1950-66 and in only 2 of
    the 52 years after; without the US in 10 of 69."""
    corr = burden.size_burden_from_course_data()
    periods = {"early": (1950, 1966), "late": (1967, 2018), "all": (1949, 2018)}
    counts = burden.significance_counts(corr, periods).set_index("period")
    assert counts.loc["early", ["years", "positive", "significant"]].tolist() == [17, 17, 17]
    assert counts.loc["late", ["years", "positive", "significant"]].tolist() == [52, 52, 2]
    late = corr[(corr["year"] >= 1967) & (corr["p_value"] < 0.05)]
    assert late["year"].tolist() == [1985, 2012]
    without = burden.size_burden_from_course_data(exclude=[2])
    all_years = burden.significance_counts(without, {"all": (1949, 2018)}).iloc[0]
    assert (all_years["years"], all_years["significant"]) == (69, 10)
    assert (without["n_members"] == corr["n_members"] - 1).all()
    by_year = corr.set_index("year")
    assert by_year.loc[2008, "rho"] == pytest.approx(0.238, abs=5e-4)
    assert by_year.loc[2012, "rho"] == pytest.approx(0.404, abs=5e-4)
    late_rho = by_year.loc[1967:2018, "rho"]
    assert (late_rho.idxmin(), round(late_rho.min(), 2)) == (2018, 0.17)


def test_nato_tables_extend_the_test_to_2024(members):
    """Issue 12, item 3: on NATO's own tables rho is about 0.00 in 2019 and -0.05 in 2023."""
    nato = data.load("nato_expenditure")
    corr = burden.size_burden_nato(nato, members).set_index("year")
    assert list(corr.index) == list(range(2014, 2025))
    assert corr.loc[2019, "rho"] == pytest.approx(0.0, abs=0.005)
    assert corr.loc[2023, "rho"] == pytest.approx(-0.049, abs=5e-4)
    assert (corr["p_value"] >= 0.05).all()
    # GDP = spending / share, recomputed with plain pandas for one ally and year
    gdp, share = burden.nato_size_and_burden(nato)
    row = nato[(nato["ccode"] == 220) & (nato["year"] == 2020)].set_index("measure")["value"]
    expected = row["usd_constant_2015"] / (row["share_gdp"] / 100)
    got = gdp[(gdp["ccode"] == 220) & (gdp["year"] == 2020)]["gdp"].iloc[0]
    assert got == pytest.approx(float(expected))
    # only the members of the year: Finland counts from 2023, Sweden from 2024
    assert corr.loc[2022, "n_members"] < corr.loc[2023, "n_members"] < corr.loc[2024,
                                                                                "n_members"]


def test_us_share_by_definition_and_price_base(members):
    """Issue 12, item 8: of the 2014 gap (COW 67.4% vs NATO 72.5%) about 3.2 of 5.1 points
    are NATO's constant-2015 price base (its current-dollar series gives 69.3%)."""
    nato, caps = data.load("nato_expenditure"), data.load("capabilities")
    cow = burden.us_share_cow(caps, members).set_index("year")["us_share"]
    constant = burden.us_share_nato(nato, "usd_constant_2015", members=members).set_index(
        "year")["us_share"]
    current = burden.us_share_nato(nato, "usd_current", members=members).set_index(
        "year")["us_share"]
    assert (round(cow[2014], 3), round(constant[2014], 3), round(current[2014], 3)) == (
        0.674, 0.725, 0.693)
    assert constant[2014] - current[2014] == pytest.approx(0.032, abs=0.001)
    fall_constant, fall_current = constant[2014] - constant[2024], current[2014] - current[2024]
    assert (round(constant[2024], 3), round(current[2024], 3)) == (0.637, 0.656)
    assert fall_constant > 2 * fall_current
