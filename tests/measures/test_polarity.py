"""Polarity measures (C1): hand-computed small cases, and facts recomputed from the raw files."""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from course.errors import InputError
from course.measures import polarity


# --------------------------------------------------------------------------- raw readers
@pytest.fixture(scope="module")
def raw_nmc(raw_dir) -> dict[tuple[str, int], dict[str, float | None]]:
    """(stateabb, year) -> {"cinc", "milex"} straight from the raw NMC 6.0 file; -9 -> None."""
    out = {}
    with (raw_dir / "raw" / "cow-nmc" / "NMC-60-abridged.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            values = {}
            for col in ("cinc", "milex"):
                v = float(row[col])
                values[col] = None if v == -9 else v
            out[(row["stateabb"], int(row["year"]))] = values
    return out


@pytest.fixture(scope="module")
def raw_majors(raw_dir) -> dict[int, set[str]]:
    """year -> set of major powers, from the raw COW majors2024 spells."""
    years: dict[int, set[str]] = {}
    with (raw_dir / "raw" / "cow-states" / "majors2024.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            for y in range(int(row["styear"]), int(row["endyear"]) + 1):
                years.setdefault(y, set()).add(row["stateabb"])
    return years


def _indices(values: list[float]) -> tuple[float, float]:
    total = sum(values)
    shares = [v / total for v in values]
    ssq = sum(s * s for s in shares)
    n = len(shares)
    return math.sqrt((ssq - 1 / n) / (1 - 1 / n)), 1 / ssq


# --------------------------------------------------------------------------- small cases
@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_equal_shares_give_zero_concentration_and_n_poles(n):
    shares = [1 / n] * n
    assert polarity.concentration(shares) == pytest.approx(0.0, abs=1e-9)
    assert polarity.effective_poles(shares) == pytest.approx(n)


def test_one_power_holding_everything():
    assert polarity.concentration([1.0, 0.0, 0.0, 0.0]) == pytest.approx(1.0)
    assert polarity.effective_poles([1.0, 0.0, 0.0, 0.0]) == pytest.approx(1.0)
    assert polarity.concentration([1.0]) == 1.0


def test_two_unequal_powers_by_hand():
    # Σs² = 0.36 + 0.16 = 0.52; CON = sqrt((0.52 - 0.5) / 0.5) = 0.2; poles = 1 / 0.52
    assert polarity.concentration([0.6, 0.4]) == pytest.approx(0.2)
    assert polarity.effective_poles([0.6, 0.4]) == pytest.approx(1 / 0.52)


@pytest.mark.parametrize("bad", [[0.5, 0.2], [], [0.5, float("nan"), 0.5], [1.2, -0.2]])
def test_shares_must_be_a_distribution(bad):
    with pytest.raises(InputError):
        polarity.concentration(bad)


def test_indices_by_year_small_case():
    frame = pd.DataFrame({"year": [1, 1, 1, 2, 2, 2], "ccode": [10, 20, 30] * 2,
                          "stateabb": ["A", "B", "C"] * 2,
                          "value": [2.0, 1.0, 1.0, 1.0, 1.0, 8.0]})
    out = polarity.indices_by_year(frame, threshold=0.25).set_index("year")
    # year 1: shares .5 .25 .25 -> Σs² = .375
    assert out.loc[1, "eff_poles"] == pytest.approx(1 / 0.375)
    assert out.loc[1, "con"] == pytest.approx(math.sqrt((0.375 - 1 / 3) / (2 / 3)))
    assert (out.loc[1, "leader"], out.loc[1, "runner_up"]) == ("A", "B")  # tie -> lower code
    assert out.loc[1, "lead"] == pytest.approx(0.25)
    assert out.loc[1, "n_poles"] == 3  # 0.25 counts as reaching the threshold
    # year 2: shares .1 .1 .8
    assert out.loc[2, "leader"] == "C"
    assert out.loc[2, "lead"] == pytest.approx(0.7)
    assert out.loc[2, "n_poles"] == 1


def test_missing_value_is_never_zero():
    caps = pd.DataFrame({"year": [1900] * 3 + [1901] * 3, "ccode": [2, 200, 255] * 2,
                         "stateabb": ["USA", "UKG", "GMY"] * 2,
                         "cinc": [0.2, 0.2, pd.NA, 0.2, 0.2, 0.1],
                         "milex": [1, 1, -9, 1, 1, 1]})
    drop = polarity.polarity_by_year("cinc", 1900, 1901, powers=["USA", "UKG", "GMY"],
                                     capabilities=caps).set_index("year")
    assert math.isnan(drop.loc[1900, "eff_poles"])       # the year is dropped ...
    assert drop.loc[1900, "coverage"] == pytest.approx(2 / 3)  # ... and coverage says why
    assert drop.loc[1901, "eff_poles"] == pytest.approx(1 / (0.16 + 0.16 + 0.04))
    skip = polarity.polarity_by_year("milex", 1900, 1900, powers=[2, 200, 255],
                                     missing="skip", capabilities=caps).set_index("year")
    assert skip.loc[1900, "eff_poles"] == pytest.approx(2.0)  # -9 is missing, not zero
    assert skip.loc[1900, "n_reporting"] == 2


def test_major_power_years_follow_the_spells():
    spells = pd.DataFrame({"ccode": [220, 220, 255], "stateabb": ["FRN", "FRN", "GMY"],
                           "start_year": [1816, 1945, 1925], "end_year": [1940, 2024, 1945]})
    years = polarity.major_power_years(1939, 1946, major_powers=spells)
    frn = years[years["stateabb"] == "FRN"]["year"].tolist()
    gmy = years[years["stateabb"] == "GMY"]["year"].tolist()
    assert frn == [1939, 1940, 1945, 1946]
    assert gmy == [1939, 1940, 1941, 1942, 1943, 1944, 1945]


def test_summarize_counts_only_years_with_data():
    series = pd.DataFrame({"year": [1, 2, 3], "con": [0.1, None, 0.3],
                           "eff_poles": [4.0, None, 2.0], "n_poles": [3, None, 1],
                           "leader": ["A", None, "B"], "leader_share": [0.3, None, 0.6],
                           "lead": [0.1, None, 0.4]})
    s = polarity.summarize(series)
    assert (s["years"], s["years_total"]) == (2, 3)
    assert s["mean_eff_poles"] == pytest.approx(3.0)
    assert s["last_year"]["leader"] == "B"


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("call, fragment", [
    (lambda: polarity.polarity_by_year("power", 1900, 1910), "pass one of 'cinc'"),
    (lambda: polarity.polarity_by_year("cinc", 1910, 1900), "inverted"),
    (lambda: polarity.polarity_by_year("cinc", 1900, 1910, powers=["XYZ"]), "unknown state"),
    (lambda: polarity.polarity_by_year("cinc", 1900, 1910, powers=[99999]), "unknown state"),
    (lambda: polarity.polarity_by_year("cinc", 1900, 1910, powers=[]), "empty"),
    (lambda: polarity.polarity_by_year("cinc", 1900, 1910, powers=[float("nan")]),
     "unknown state"),
    (lambda: polarity.polarity_by_year("cinc", 2017, 2018), "CINC covers 1816–2016"),
    (lambda: polarity.polarity_by_year("milex", 1700, 1750), "no military spending data"),
    (lambda: polarity.polarity_by_year("cinc", 1900, 1910, scope="europe"), "'system'"),
    (lambda: polarity.polarity_by_year("cinc", 1900, 1910, threshold=5), "between 0 and 1"),
    (lambda: polarity.polarity_by_year("cinc", 1900, 1910, missing="zero"), "'drop-year'"),
    (lambda: polarity.first_year_ahead("USA", "USA"), "two different states"),
])
def test_bad_input_says_what_to_pass(call, fragment):
    with pytest.raises(InputError, match=fragment):
        call()


# --------------------------------------------------------------------------- facts from the data
def test_crossovers_in_whole_system_cinc():
    assert polarity.first_year_ahead("USA", "UKG") == 1892
    assert polarity.first_year_ahead("GMY", "UKG") == 1905
    assert polarity.first_year_ahead(2, 200, start=1893) == 1897  # UK led again 1893–96


def test_largest_cinc_in_2016(raw_nmc):
    shares = polarity.capability_shares("cinc", 2016, 2016, scope="system")
    top = shares.sort_values("share", ascending=False)["stateabb"].head(2).tolist()
    raw_2016 = sorted(((v["cinc"], abb) for (abb, y), v in raw_nmc.items() if y == 2016),
                      reverse=True)
    assert top == [raw_2016[0][1], raw_2016[1][1]] == ["CHN", "USA"]


@pytest.mark.parametrize("year", [1850, 1900, 1913, 1960, 2000])
def test_major_power_cinc_indices_match_raw(year, raw_nmc, raw_majors):
    values = [raw_nmc[(abb, year)]["cinc"] for abb in sorted(raw_majors[year])]
    con, poles = _indices(values)
    row = polarity.polarity_by_year("cinc", year, year).iloc[0]
    assert row["n_powers"] == len(raw_majors[year])
    assert row["con"] == pytest.approx(con)
    assert row["eff_poles"] == pytest.approx(poles)


@pytest.mark.parametrize("year", [1913, 1914])
def test_milex_shares_are_within_year_on_both_sides_of_the_currency_break(year, raw_nmc,
                                                                          raw_majors):
    powers = sorted(raw_majors[year])
    values = {abb: raw_nmc[(abb, year)]["milex"] for abb in powers}
    total = sum(values.values())
    shares = polarity.capability_shares("milex", year, year).set_index("stateabb")["share"]
    for abb in powers:
        assert shares[abb] == pytest.approx(values[abb] / total)


def test_year_with_missing_milex_is_dropped_not_zeroed(raw_nmc, raw_majors):
    missing_years = sorted({y for (abb, y), v in raw_nmc.items()
                            if v["milex"] is None and abb in raw_majors.get(y, set())})
    assert missing_years, "the raw file has major-power years without milex"
    series = polarity.polarity_by_year("milex", 1816, 2016).set_index("year")
    for year in missing_years:
        assert math.isnan(series.loc[year, "eff_poles"])
        assert series.loc[year, "coverage"] < 1
    complete = series[series["coverage"] == 1]
    assert complete["eff_poles"].notna().all()


def test_gdp_shares_use_maddison_gdp(raw_dir):
    from openpyxl import load_workbook

    workbook = load_workbook(raw_dir / "raw" / "maddison" / "mpd2020.xlsx", read_only=True)
    sheet = workbook["Full data"]
    wanted = {"USA", "GBR", "FRA", "DEU", "JPN", "CHN", "RUS"}
    gdp = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        code, _, year, gdppc, pop = row[:5]
        if code in wanted and year == 2010:
            gdp[code] = gdppc * pop
    total = sum(gdp.values())
    shares = polarity.capability_shares("gdp", 2010, 2010).set_index("stateabb")["share"]
    assert shares["USA"] == pytest.approx(gdp["USA"] / total, rel=1e-6)
    assert shares["CHN"] == pytest.approx(gdp["CHN"] / total, rel=1e-6)
    assert shares["GMY"] == pytest.approx(gdp["DEU"] / total, rel=1e-6)


def test_gdp_major_power_years_before_1919_lack_austria_hungary():
    series = polarity.polarity_by_year("gdp", 1900, 1925).set_index("year")
    assert series.loc[1900:1918, "eff_poles"].isna().all()  # no Maddison series for AUH
    assert series.loc[1919:1925, "eff_poles"].notna().all()


# --------------------------------------------------------------------------- the list is a choice
def test_india_is_not_a_cow_major_power_but_outweighs_russia(raw_nmc, raw_majors):
    assert "IND" not in raw_majors[2012]
    assert raw_nmc[("IND", 2012)]["cinc"] == pytest.approx(0.08075, abs=5e-6)
    assert raw_nmc[("IND", 2012)]["cinc"] > 2 * raw_nmc[("RUS", 2012)]["cinc"]


def test_adding_india_changes_the_polarity_verdict(raw_nmc, raw_majors):
    """Issue 12, item 2: with India, CINC 2012 has about 4.06 effective poles and 3 poles."""
    base = polarity.polarity_by_year("cinc", 2012, 2012).iloc[0]
    india = polarity.polarity_by_year("cinc", 2012, 2012, add=["IND"]).iloc[0]
    _, poles = _indices([raw_nmc[(s, 2012)]["cinc"] for s in raw_majors[2012]])
    _, poles_india = _indices([raw_nmc[(s, 2012)]["cinc"] for s in raw_majors[2012] | {"IND"}])
    assert base["eff_poles"] == pytest.approx(poles) == pytest.approx(3.247, abs=5e-4)
    assert india["eff_poles"] == pytest.approx(poles_india) == pytest.approx(4.057, abs=5e-4)
    assert (int(base["n_poles"]), int(india["n_poles"])) == (2, 3)
    gdp = polarity.polarity_by_year("gdp", 2018, 2018).iloc[0]
    gdp_india = polarity.polarity_by_year("gdp", 2018, 2018, add="IND").iloc[0]
    assert gdp["eff_poles"] == pytest.approx(3.998, abs=5e-4)
    assert gdp_india["eff_poles"] == pytest.approx(4.891, abs=5e-4)
    assert (int(gdp["n_poles"]), int(gdp_india["n_poles"])) == (2, 3)


def test_g20_scope_counts_nineteen_states_and_germany_once():
    shares = polarity.capability_shares("cinc", 1989, 2012, scope="g20")
    assert shares[shares["year"] == 2012]["ccode"].nunique() == 19
    in_1990 = set(shares.loc[shares["year"] == 1990, "ccode"])
    assert 255 in in_1990 and 260 not in in_1990
    assert 260 in set(shares.loc[shares["year"] == 1989, "ccode"])
    assert shares.groupby("year")["share"].sum().round(9).eq(1).all()


def test_an_unknown_added_state_is_an_input_error():
    with pytest.raises(InputError, match="unknown state 'INDIA'"):
        polarity.capability_shares("cinc", 2012, 2012, add=["INDIA"])


def test_cold_war_poles_and_the_ussr_ahead_of_the_usa(raw_nmc, raw_majors):
    """Issue 12, item 2: about 3.4 effective CINC poles among the COW majors in 1946-1989,
    and CINC puts the USSR ahead of the USA in 1971-1988."""
    cold_war = polarity.polarity_by_year("cinc", 1946, 1989)
    assert cold_war["eff_poles"].mean() == pytest.approx(3.42, abs=0.005)
    ahead = polarity.years_ahead("RUS", "USA", "cinc", 1946, 1991)
    raw = [y for y in range(1946, 1992) if raw_nmc[("RUS", y)]["cinc"]
           > raw_nmc[("USA", y)]["cinc"]]
    assert ahead == raw == list(range(1971, 1989))
    assert polarity.year_spans(ahead) == "1971–1988"
