"""Britain 1870-1914 (claims C3-C5): hand-computed cases, bad input, and raw-data facts.

The raw-data facts are recomputed here from the third-party files with the csv module,
independently of the package's builders and loaders.
"""

from __future__ import annotations

import csv
from collections import defaultdict

import pandas as pd
import pytest

from course import paths
from course.errors import InputError
from course.measures import britain

RAW = paths.shared_data_dir() / "raw"


# ------------------------------------------------------------------ small hand-made tables


def dyad_years(disno, a, b, years, hihost, hihosta=None, hihostb=None, war=0):
    """Rows for one dyadic dispute in both orders, one per year, as the MID table has."""
    hihosta = hihost if hihosta is None else hihosta
    hihostb = hihost if hihostb is None else hihostb
    rows = []
    for year in years:
        for sa, sb, ha, hb in ((a, b, hihosta, hihostb), (b, a, hihostb, hihosta)):
            rows.append({"disno": disno, "year": year, "statea": sa, "stateb": sb,
                         "strtyr": years[0], "endyear": years[-1], "hihost": hihost,
                         "hihosta": ha, "hihostb": hb, "war": war})
    return rows


@pytest.fixture
def small_disputes():
    rows = (dyad_years(1, 200, 220, [1880, 1881, 1882], 4, 3, 4)    # 6 rows, one dispute
            + dyad_years(2, 200, 220, [1890], 2)
            + dyad_years(3, 200, 365, [1904, 1905], 3)               # starts before 1905
            + dyad_years(4, 200, 255, [1911], 3, 2, 3)
            + dyad_years(5, 200, 255, [1914, 1915], 5, war=1)
            + dyad_years(6, 220, 255, [1875], 4)                     # Britain not involved
            + dyad_years(7, 200, 2, [1895], 3))                      # not a default rival
    return pd.DataFrame(rows)


def test_disputes_are_counted_once_not_per_year_or_per_direction(small_disputes):
    listed = britain.britain_disputes(disputes=small_disputes)
    assert list(listed["disno"]) == [1, 2, 3, 4, 5]
    first = listed.iloc[0]
    assert (first["opponent"], first["strtyr"], first["endyear"]) == ("France", 1880, 1882)
    assert first["dispute_years"] == 3
    assert (first["hihost_state"], first["hihost_opponent"]) == (3, 4)
    assert list(listed["war"]) == [False, False, False, False, True]


def test_disputes_by_period_counts_by_start_year(small_disputes):
    table = britain.disputes_by_period(disputes=small_disputes)
    got = {(r.period, r.opponent): (r.disputes, r.max_hostility, r.uses_of_force, r.wars)
           for r in table.itertuples()}
    assert got == {
        ("1870–1904", "France"): (2, 4, 1, 0),
        ("1870–1904", "Russia"): (1, 3, 0, 0),
        ("1870–1904", "Germany"): (0, pd.NA, 0, 0),
        ("1905–1914", "France"): (0, pd.NA, 0, 0),
        ("1905–1914", "Russia"): (0, pd.NA, 0, 0),
        ("1905–1914", "Germany"): (2, 5, 1, 1),
    }
    assert table.loc[5, "started"] == "1911, 1914"


def test_hostility_threshold_and_custom_periods(small_disputes):
    table = britain.disputes_by_period(["FRN", "GMY"], [(1885, 1912), (1870, 1884)],
                                       min_hostility=3, disputes=small_disputes)
    assert list(table["period"]) == ["1870–1884"] * 2 + ["1885–1912"] * 2
    assert list(table["disputes"]) == [1, 0, 0, 1]   # dispute 2 (level 2) is dropped


def test_a_table_with_only_one_order_per_dyad_gives_the_same_answer(small_disputes):
    one_order = small_disputes[small_disputes["statea"] < small_disputes["stateb"]]
    assert (one_order["statea"] == 200).sum() < len(one_order)   # some rows have Britain as B
    pd.testing.assert_frame_equal(britain.britain_disputes(disputes=one_order),
                                  britain.britain_disputes(disputes=small_disputes))


def test_other_opponents_can_be_chosen(small_disputes):
    listed = britain.britain_disputes(["USA"], 1870, 1914, disputes=small_disputes)
    assert list(listed["disno"]) == [7]
    assert listed["opponent"].tolist() == ["the United States"]


@pytest.mark.parametrize("kwargs, message", [
    ({"opponents": [999]}, "no opponent with COW code"),
    ({"opponents": ["XYZ"]}, "unknown state 'XYZ'"),
    ({"opponents": []}, "at least one opponent"),
    ({"periods": []}, "at least one period"),
    ({"periods": [(1904, 1870)]}, "inverted"),
    ({"periods": [(1870, 1904), (1900, 1914)]}, "overlap"),
    ({"periods": [1870, 1904]}, "pairs of years"),
    ({"min_hostility": 7}, "hostility level from 1 to 5"),
])
def test_bad_dispute_input_is_explained(small_disputes, kwargs, message):
    with pytest.raises(InputError, match=message):
        britain.disputes_by_period(disputes=small_disputes, **kwargs)


def test_crises_match_disputes_by_opponent_and_year(small_disputes):
    events = pd.DataFrame({"id": ["E1", "E2", "E3"], "event": ["a", "b", "c"],
                           "date_start": ["1881-05-01", "1905-01-01", "1912-03-01"]})
    found = britain.crises_in_mid(events=events, disputes=small_disputes,
                                  crises={"E1": 220, "E2": 365, "E3": 255})
    assert list(found["in_mid"]) == [False, False, False]
    assert list(found["ongoing_disputes"]) == ["1", "3", ""]
    events["date_start"] = ["1880-05-01", "1904-12-01", "1911-07-01"]
    found = britain.crises_in_mid(events=events, disputes=small_disputes,
                                  crises={"E1": 220, "E2": 365, "E3": 255})
    assert list(found["in_mid"]) == [True, True, True]
    assert list(found["started_disputes"]) == ["1", "3", "4"]
    assert list(found["hihost"]) == [4, 3, 3]


# ------------------------------------------------------------------ crossovers


def caps(values: dict[int, list[float]], column="irst", first_year=1):
    rows = []
    for code, series in values.items():
        for i, value in enumerate(series):
            rows.append({"ccode": code, "year": first_year + i, column: value})
    return pd.DataFrame(rows)


def test_crossover_passed_and_sustained():
    table = caps({200: [10, 10, 10, 10], 255: [5, 10, 11, 12]})   # tie in year 2
    result = britain.crossover("irst", "GMY", "UKG", 1, 4, table=table)
    assert (result.status, result.year, result.sustained, result.ahead_from) == \
        ("passed", 3, True, 3)
    assert result.sentence() == "By iron and steel, Germany passed Britain in 3 and stayed ahead."


def test_crossover_that_does_not_last():
    table = caps({200: [10, 10, 10, 10, 10], 2: [5, 11, 9, 12, 13]})
    result = britain.crossover("irst", "USA", "UKG", 1, 5, table=table)
    assert (result.year, result.sustained, result.ahead_from) == (2, False, 4)
    assert "passed Britain in 2 but fell back" in result.sentence()
    assert "since 4" in result.sentence()
    never_back = britain.crossover("irst", "USA", "UKG", 1, 3, table=table)
    assert (never_back.year, never_back.sustained, never_back.ahead_from) == (2, False, None)


def test_crossover_never_and_already_ahead():
    table = caps({200: [10, 10, 10], 220: [1, 2, 3], 365: [20, 20, 20]})
    assert britain.crossover("irst", "FRN", table=table, start=1, end=3).status == "never"
    ahead = britain.crossover("irst", "RUS", table=table, start=1, end=3)
    assert (ahead.status, ahead.year, ahead.sustained) == ("already ahead", None, True)
    assert ahead.sentence() == ("By iron and steel, Russia was already ahead of Britain in 1 "
                                "and stayed ahead to 3.")


def test_crossover_skips_years_with_missing_values():
    table = caps({200: [10, 10, 10], 255: [5, None, 12]})
    result = britain.crossover("irst", "GMY", table=table, start=1, end=3)
    assert (result.year, result.first_year) == (3, 1)


def test_military_spending_stops_at_1913_because_of_the_currency_break():
    table = caps({200: [10, 10], 255: [5, 5000]}, column="milex", first_year=1913)
    assert britain.crossover("milex", "GMY", table=table, start=1913, end=1914).status == "never"
    series = britain.measure_series("milex", ["UKG"], 1900, 1914, table=table)
    assert series["year"].max() == 1913
    with pytest.raises(InputError, match="only comparable up to 1913"):
        britain.measure_series("milex", ["UKG"], 1914, 1920, table=table)


def test_rank_and_crossover_table():
    table = caps({200: [3, 3, 3], 255: [1, 4, 5], 2: [2, 2, 6]}, column="cinc")
    ranks = britain.britain_rank("cinc", ["GMY", "USA"], 1, 3, table=table)
    assert list(ranks["rank"]) == [1, 2, 3]
    assert list(ranks["leader"]) == ["Britain", "Germany", "the United States"]
    assert ranks["share"].iloc[0] == pytest.approx(3 / 6)
    summary = britain.crossovers(["cinc"], ["GMY", "USA"], start=1, end=3,
                                 tables={"capabilities": table})
    assert list(summary["year"]) == [2, 3]
    assert list(summary["sustained"]) == [True, True]


@pytest.mark.parametrize("call, message", [
    (lambda t: britain.measure_series("tpop", table=t), "unknown measure 'tpop'"),
    (lambda t: britain.measure_series("irst", ["UKG", "Prussia"], table=t), "unknown state"),
    (lambda t: britain.measure_series("irst", [999], 1, 2, table=t), "no power with COW code"),
    (lambda t: britain.measure_series("irst", ["UKG", "USA"], 1, 2, table=t),
     "iron and steel has no data for the United States; it covers Britain, Germany"),
    (lambda t: britain.measure_series("irst", ["UKG"], 3, 1, table=t), "inverted"),
    (lambda t: britain.measure_series("irst", ["UKG"], 50, 60, table=t), "covers 1-2"),
    (lambda t: britain.crossover("irst", "UKG", "UKG", 1, 2, table=t), "two different"),
    (lambda t: britain.measure_series("irst", ["UKG"], "1870s", 1900, table=t), "whole numbers"),
])
def test_bad_measure_input_is_explained(call, message):
    table = caps({200: [1, 2], 255: [2, 1]})
    with pytest.raises(InputError, match=message):
        call(table)


# ------------------------------------------------------------------ alliances (small)


@pytest.fixture
def small_members():
    rows = [  # atopid, ccode, yrent, yrexit, defense, offense, neutral, nonagg, consul
        (1, 200, 1885, 1895, 0, 0, 0, 0, 1), (1, 325, 1885, 1895, 0, 0, 0, 0, 1),
        (2, 200, 1902, 1905, 1, 0, 1, 0, 0), (2, 740, 1902, 1905, 1, 0, 1, 0, 0),
        (2, 200, 1905, 1921, 1, 1, 0, 0, 0), (2, 740, 1905, 1921, 1, 0, 0, 0, 0),
        (3, 200, 1907, None, 0, 0, 0, 0, 1), (3, 220, 1907, None, 0, 0, 0, 0, 1),
        (4, 220, 1893, 1917, 1, 0, 0, 0, 0), (4, 365, 1893, 1917, 1, 0, 0, 0, 0),
        (5, 200, 1850, 1860, 1, 0, 0, 0, 0), (5, 365, 1850, 1860, 1, 0, 0, 0, 0),
    ]
    names = ["atopid", "ccode", "yrent", "yrexit", "defense", "offense", "neutral", "nonagg",
             "consul"]
    frame = pd.DataFrame(rows, columns=names)
    frame["yrexit"] = frame["yrexit"].astype("Int64")
    return frame


def test_alliance_timeline_lists_spells_with_obligations(small_members):
    table = britain.alliance_timeline(members=small_members)
    assert list(table["atopid"]) == [1, 2, 2, 3]
    assert list(table["obligations"]) == ["consultation", "defence, neutrality",
                                          "defence, offence", "consultation"]
    assert list(table["partners"]) == ["Italy", "Japan", "Japan", "France"]
    assert table["yrexit"].isna().tolist() == [False, False, False, True]
    assert list(britain.alliance_timeline(start=1896, end=1901, members=small_members)
                ["atopid"]) == []


def test_entente_coding_compares_atop_with_treaty_dates(small_members):
    events = pd.DataFrame({"id": ["EV009", "EV012", "EV014"],
                           "event": ["AJ", "EC", "ARC"],
                           "date_start": ["1902-01-30", "1904-04-08", "1907-08-31"]})
    table = britain.entente_coding(members=small_members, events=events)
    assert list(table["partner"]) == ["Japan", "France", "Russia"]
    assert list(table["atop_first_year"]) == [1902, 1907, pd.NA]
    assert list(table["years_to_first_pact"]) == [0, 3, pd.NA]
    assert list(table["agreement_coded"]) == [True, False, False]
    assert list(table["defence"]) == [True, False, False]
    assert table.loc[2, "finding"] == "ATOP codes no alliance between Britain and Russia in " \
                                      "1890-1914."
    assert table.loc[1, "finding"].startswith("ATOP does not code the 1904 agreement; its "
                                              "first Britain-France pact is a different "
                                              "agreement, of 1907")
    assert table.loc[0, "finding"].endswith("the year of the agreement (defence, neutrality).")


def test_alliance_input_errors(small_members):
    with pytest.raises(InputError, match="inverted"):
        britain.alliance_timeline(start=1914, end=1890, members=small_members)
    with pytest.raises(InputError, match="no state with COW code"):
        britain.alliance_timeline(state=999, members=small_members)
    with pytest.raises(InputError, match="no partner with COW code"):
        britain.entente_coding([123], members=small_members,
                               events=pd.DataFrame(columns=["id", "event", "date_start"]))
    with pytest.raises(InputError, match="must be a pandas DataFrame"):
        britain.alliance_timeline(members=[1, 2])


# ------------------------------------------------------------------ facts from the raw files


def raw_rows(relative):
    with open(RAW / relative, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def raw_dyadic(raw_dir):
    return raw_rows("maoz-dyadic-mid/dyadic_mid_4.02.csv")


def test_britain_dispute_counts_match_the_raw_dyadic_file(raw_dyadic):
    expected = defaultdict(set)   # (period, opponent) -> disnos, from the raw file
    for row in raw_dyadic:
        if row["statea"] == "200" and row["stateb"] in {"220", "365", "255"}:
            start = int(row["strtyr"])
            period = "1870–1904" if 1870 <= start <= 1904 else \
                "1905–1914" if 1905 <= start <= 1914 else None
            if period:
                expected[(period, int(row["stateb"]))].add(int(row["disno"]))
    table = britain.disputes_by_period()
    for row in table.itertuples():
        assert row.disputes == len(expected[(row.period, row.ccode)]), row
    # the dyadic file has far more rows than disputes: years and both orders
    rows = sum(1 for r in raw_dyadic if {r["statea"], r["stateb"]} & {"200"}
               and {r["statea"], r["stateb"]} & {"220", "365", "255"}
               and 1870 <= int(r["strtyr"]) <= 1914)
    assert rows > 2 * table["disputes"].sum()


def test_uk_germany_disputes_dyadic_versus_participant_files(raw_dyadic):
    """SOURCES.md lists 1896, 1897, 1899, 1900, 1902, 1911, 1914 from MIDB participants;
    in several of those Britain and Germany were on the same side, so the dyadic file
    (opposing sides only) has fewer."""
    participants = defaultdict(dict)
    for row in raw_rows("cow-mid/MIDB 5.0.csv"):
        participants[row["dispnum"]][row["ccode"]] = row["sidea"]
    starts = {row["dispnum"]: int(row["styear"]) for row in raw_rows("cow-mid/MIDA 5.0.csv")}
    both = {d for d, sides in participants.items() if {"200", "255"} <= set(sides)
            and 1890 <= starts[d] <= 1914}
    assert sorted(starts[d] for d in both) == [1896, 1897, 1899, 1900, 1902, 1911, 1914]
    opposed = {d for d in both if participants[d]["200"] != participants[d]["255"]}
    dyadic = {int(r["disno"]) for r in raw_dyadic if r["statea"] == "200"
              and r["stateb"] == "255" and 1890 <= int(r["strtyr"]) <= 1914}
    assert {int(d) for d in opposed} == dyadic
    listed = britain.britain_disputes(["GMY"], 1890, 1914)
    assert set(listed["disno"]) == dyadic
    assert list(listed["strtyr"]) == sorted(starts[str(d)] for d in dyadic) == [1899, 1911, 1914]


def test_dated_crises_each_fall_inside_a_matched_dispute(raw_dyadic, cases_dir):
    found = britain.crises_in_mid()
    assert list(found["event"].str.split().str[0]) == ["Panjdeh", "Fashoda", "Dogger"]
    assert found["in_mid"].all()
    with open(cases_dir / "events.csv", newline="", encoding="utf-8") as handle:
        events = {r["id"]: r for r in csv.DictReader(handle)}
    # Fashoda: the Kitchener-Marchand meeting (EV008) is the confrontation itself
    dates = {"EV003": events["EV003"]["date_start"], "EV007": events["EV008"]["date_start"],
             "EV013": events["EV013"]["date_start"]}
    spans = {}
    for r in raw_dyadic:
        if r["statea"] == "200":
            spans[r["disno"]] = (f"{r['strtyr']}-{int(r['strtmnth']):02d}-{int(r['strtday']):02d}",
                                 f"{r['endyear']}-{int(r['endmnth']):02d}-{int(r['endday']):02d}")
    for row in found.itertuples():
        begin, finish = spans[row.started_disputes]
        assert begin <= dates[row.id] <= finish, (row.event, begin, finish)


@pytest.mark.needs("raw")
def test_cinc_crossovers_match_the_raw_nmc_file():
    cinc = defaultdict(dict)
    for row in raw_rows("cow-nmc/NMC-60-abridged.csv"):
        if 1870 <= int(row["year"]) <= 1914:
            cinc[row["stateabb"]][int(row["year"])] = float(row["cinc"])
    for rival in ("USA", "GMY"):
        first = min(y for y in range(1870, 1915) if cinc[rival][y] > cinc["UKG"][y])
        result = britain.crossover("cinc", rival)
        assert result.year == first
    assert britain.crossover("cinc", "USA").year == 1892
    assert britain.crossover("cinc", "GMY").year == 1905
    assert britain.crossover("cinc", "GMY").sustained is True
    # the USA fell behind again in 1893-1896 before staying ahead from 1897
    assert cinc["USA"][1893] < cinc["UKG"][1893]
    assert britain.crossover("cinc", "USA").sustained is False


def test_britain_stays_first_at_sea_but_not_in_industry():
    ranks = britain.britain_rank("naval_share")
    assert set(ranks["rank"]) == {1}
    assert ranks["year"].min() == 1870 and ranks["year"].max() == 1914
    steel = britain.britain_rank("irst")
    assert steel.set_index("year").loc[1913, "rank"] == 3


@pytest.mark.needs("raw")
def test_atop_coding_of_britains_pacts_matches_the_raw_member_file():
    members = raw_rows("atop/atop5_1m.csv")
    by_alliance = defaultdict(dict)
    for row in members:
        spells = by_alliance[row["atopid"]]
        if row["member"] not in spells or int(row["yrent"]) < int(spells[row["member"]]["yrent"]):
            spells[row["member"]] = row   # keep each member's first spell
    first = {}
    for partner in ("740", "220", "365"):
        years = [int(m["200"]["yrent"]) for m in by_alliance.values()
                 if "200" in m and partner in m and 1890 <= int(m[partner]["yrent"]) <= 1914]
        first[partner] = min(years) if years else None
    table = britain.entente_coding().set_index("ccode")
    assert first == {"740": 1902, "220": 1907, "365": 1914}
    assert {str(k): v for k, v in table["atop_first_year"].items()} == first
    assert table.loc[740, "defence"] and not table.loc[220, "defence"]
    assert not table.loc[365, "defence"]


def test_naval_share_matches_the_documented_spot_checks():
    # SOURCES.md section 8b: tonn_prop in 1900 and 1913 (UK, France, Russia, Germany, USA)
    documented = {1900: [0.325, 0.154, 0.107, 0.084, 0.066],
                  1913: [0.321, 0.113, 0.054, 0.139, 0.123]}
    series = britain.measure_series("naval_share", ["UKG", "FRN", "RUS", "GMY", "USA"],
                                    1900, 1913)
    for year, values in documented.items():
        got = series[series["year"] == year].set_index("ccode")["value"]
        assert [round(got[c], 3) for c in (200, 220, 365, 255, 2)] == values


def test_naval_construction_series_matches_the_raw_case_table(cases_dir):
    names = {"United Kingdom ('England')": 200, "France": 220, "Russia": 365, "Germany": 255}
    expected = {}
    with open(cases_dir / "prewar_naval_1889_1914.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["metric"] == "new_naval_construction_expenditure" \
                    and row["year"].isdigit() and row["country"] in names:
                expected[(int(row["year"]), names[row["country"]])] = float(row["value"])
    series = britain.measure_series("naval_construction", list(names.values()), 1900, 1914)
    got = {(r.year, r.ccode): r.value for r in series.itertuples()}
    assert got == expected and len(got) == 24
    # Britain outbuilt each rival every year; Russia passed Germany in 1913
    for rival in ("FRN", "RUS", "GMY"):
        assert britain.crossover("naval_construction", rival).status == "never"
    assert britain.crossover("naval_construction", "RUS", "GMY").year == 1913
    assert min(y for (y, c), v in expected.items()
               if c == 365 and v > expected[(y, 255)]) == 1913


def test_the_figures_quoted_in_lesson_03():
    """The lesson's prose states these numbers; if the data or code change, fix the prose."""
    counts = britain.disputes_by_period()
    assert list(counts["disputes"]) == [5, 5, 2, 0, 0, 2]
    forceful = britain.disputes_by_period(min_hostility=4)
    assert list(forceful["disputes"]) == [2, 1, 2, 0, 0, 1]
    steel_usa, steel_gmy = britain.crossover("irst", "USA"), britain.crossover("irst", "GMY")
    assert (steel_usa.year, steel_usa.ahead_from, steel_gmy.year) == (1890, 1897, 1900)
    cinc_usa = britain.crossover("cinc", "USA")
    assert (cinc_usa.year, cinc_usa.ahead_from) == (1892, 1897)
    assert britain.crossover("gdp", "USA").status == "already ahead"
    assert all(britain.crossover("milper", c).status == "already ahead"
               for c in ("GMY", "FRN", "RUS"))
    timeline = britain.alliance_timeline()
    assert set(timeline.loc[timeline["defense"] == 1, "partners"]) == {"Portugal", "Japan"}
    assert list(britain.crises_in_mid()["hihost"]) == [3, 3, 4]


def test_the_figures_of_the_revised_c4_verdict():
    """Issue 12, item 5: German steel in 1900 is already 30% above Britain's, so the
    iron->steel break dates Germany's pass but does not create it; Germany passed Britain on
    CINC in 1905 (not 'before 1905'); Russia's GDP before 1914 has three values."""
    steel = britain.measure_series("irst", ["UKG", "GMY"], 1899, 1900).set_index(
        ["year", "ccode"])["value"]
    assert (steel[1900, 255], steel[1900, 200]) == (6461, 4980)
    assert steel[1900, 255] / steel[1900, 200] == pytest.approx(1.297, abs=5e-4)
    assert steel[1899, 255] < steel[1899, 200]
    cinc = britain.crossover("cinc", "GMY")
    assert (cinc.year, cinc.sustained) == (1905, True)
    russia = britain.crossover("gdp", "RUS")
    assert russia.years_compared == (1890, 1900, 1913)
    assert "Only 3 of those 24 years have a value for both (1890, 1900, 1913)" in (
        russia.sentence())
    assert "Only" not in britain.crossover("gdp", "GMY").sentence()
