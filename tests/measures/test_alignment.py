"""Alignment measures (C2): hand-computed small cases, and facts recomputed from the raw files."""

from __future__ import annotations

import csv
from itertools import combinations

import pandas as pd
import pytest

from course import data
from course.errors import InputError
from course.measures import alignment
from course.paths import shared_data_dir

RAW = shared_data_dir() / "raw"
FLAGS = ("defense", "offense", "neutral", "nonagg", "consul")


def _members(rows):
    """Tiny alliance_members table: rows of (atopid, ccode, yrent, yrexit, **flags)."""
    out = []
    for atopid, ccode, first, last, *flags in rows:
        flags = dict(zip(FLAGS, flags or [1, 0, 0, 0, 0], strict=True))
        out.append({"atopid": atopid, "ccode": ccode, "yrent": first, "yrexit": last, **flags})
    frame = pd.DataFrame(out)
    frame["yrexit"] = frame["yrexit"].astype("Int64")
    return frame


def _majors(codes=(200, 220, 255), names=("UKG", "FRN", "GMY"), first=1816, last=2024):
    return pd.DataFrame({"ccode": list(codes), "stateabb": list(names),
                         "start_year": [first] * len(codes), "end_year": [last] * len(codes)})


NO_DISPUTES = pd.DataFrame({"disno": [], "year": [], "statea": [], "stateb": [], "hihost": []})


# --------------------------------------------------------------------------- small cases
def test_phases_of_one_treaty_make_one_spell():
    members = _members([(1, 200, 1850, 1855), (1, 220, 1850, 1855),
                        (1, 200, 1855, 1860), (1, 220, 1855, 1860)])
    allied = alignment.allied_dyad_years(alliance_members=members)
    assert allied["year"].tolist() == list(range(1850, 1861))  # 1855 counted once
    panel = alignment.dyad_panel(start=1849, end=1862, alliance_members=members,
                                 disputes=NO_DISPUTES, major_powers=_majors((200, 220),
                                                                            ("UKG", "FRN")))
    assert panel["formed"].sum() == 1 and panel["terminated"].sum() == 1
    assert panel.loc[panel["formed"], "year"].tolist() == [1850]
    assert panel.loc[panel["terminated"], "year"].tolist() == [1860]


def test_a_gap_year_is_a_termination_and_a_new_formation():
    members = _members([(1, 200, 1850, 1852), (1, 220, 1850, 1852),
                        (2, 200, 1854, 1856), (2, 220, 1854, 1856)])
    panel = alignment.dyad_panel(start=1849, end=1860, alliance_members=members,
                                 disputes=NO_DISPUTES,
                                 major_powers=_majors((200, 220), ("UKG", "FRN")))
    assert panel.loc[panel["formed"], "year"].tolist() == [1850, 1854]
    assert panel.loc[panel["terminated"], "year"].tolist() == [1852, 1856]
    s = alignment.summarize_panel(panel)
    assert s["dyad_years"] == 12
    assert s["changes_per_dd"] == pytest.approx(10 * 4 / 12)
    assert s["share_allied"] == pytest.approx(6 / 12)


def test_open_membership_runs_to_2018_and_is_not_a_termination():
    members = _members([(1, 200, 2010, None), (1, 220, 2012, None)])
    panel = alignment.dyad_panel(start=2010, end=2018, alliance_members=members,
                                 disputes=NO_DISPUTES,
                                 major_powers=_majors((200, 220), ("UKG", "FRN")))
    assert panel.loc[panel["allied"], "year"].tolist() == list(range(2012, 2019))
    assert panel["terminated"].sum() == 0


def test_obligation_needs_one_member_with_that_flag():
    members = _members([(1, 200, 1900, 1900, 1, 0, 0, 0, 0), (1, 220, 1900, 1900, 0, 0, 0, 0, 1),
                        (1, 255, 1900, 1900, 0, 0, 0, 0, 1)])
    pairs = lambda ob: [tuple(r) for r in alignment.allied_dyad_years(  # noqa: E731
        ob, alliance_members=members)[["ccode_a", "ccode_b"]].values]
    assert pairs("any") == [(200, 220), (200, 255), (220, 255)]
    assert pairs("defense") == [(200, 220), (200, 255)]
    assert pairs("consul") == [(200, 220), (200, 255), (220, 255)]
    assert pairs("offense") == []


def test_disputes_are_undirected_keep_the_highest_hostility_and_skip_missing():
    d = pd.DataFrame({"disno": [1, 1, 2, 3], "year": [1900, 1900, 1900, 1901],
                      "statea": [200, 220, 200, 200], "stateb": [220, 200, 220, 220],
                      "hihost": [3, 3, 2, -9]})
    out = alignment.dispute_dyad_years(2, disputes=d)
    assert out.values.tolist() == [[200, 220, 1900, 3, 2]]
    assert alignment.dispute_dyad_years(4, disputes=d).empty


def test_window_joins_alliance_and_dispute_years():
    members = _members([(1, 200, 1900, 1900), (1, 220, 1900, 1900)])
    d = pd.DataFrame({"disno": [1], "year": [1903], "statea": [200], "stateb": [220],
                      "hihost": [4]})
    majors = _majors((200, 220), ("UKG", "FRN"))
    both = {}
    for window in (1, 3, 4, 6):
        panel = alignment.dyad_panel("any", 2, window, 1899, 1910, alliance_members=members,
                                     disputes=d, major_powers=majors)
        both[window] = panel.loc[panel["both"], "year"].tolist()
    assert both[1] == []              # never in the same year
    assert both[3] == []              # 1901–1903 holds no alliance year
    assert both[4] == [1903]          # 1900–1903 holds both
    assert both[6] == [1903, 1904, 1905]  # windows ending 1903–1905 contain 1900 and 1903


def test_only_years_when_both_are_major_powers_count():
    members = _members([(1, 200, 1890, 1900), (1, 2, 1890, 1900)])
    majors = pd.DataFrame({"ccode": [2, 200], "stateabb": ["USA", "UKG"],
                           "start_year": [1898, 1816], "end_year": [2024, 2024]})
    panel = alignment.dyad_panel(start=1890, end=1905, alliance_members=members,
                                 disputes=NO_DISPUTES, major_powers=majors)
    assert panel["year"].tolist() == list(range(1898, 1906))
    assert panel["formed"].sum() == 0         # the spell began before the USA was a major
    assert panel.loc[panel["terminated"], "year"].tolist() == [1900]


def test_era_dyad_years_by_hand():
    panel = alignment.dyad_panel(alliance_members=_members([(1, 200, 1816, 1816),
                                                            (1, 220, 1816, 1816)]),
                                 disputes=NO_DISPUTES, major_powers=_majors())
    eras = alignment.era_summary(panel=panel, polarity_measure=None).set_index("era")
    # 3 dyads of 3 powers in every year: 98, 21, 44 and 29 years
    assert eras["dyad_years"].tolist() == [3 * 98, 3 * 21, 3 * 44, 3 * 29]
    assert eras["n_powers_mean"].tolist() == [3.0] * 4
    # disputes end in 2014: the last era has 25 years of dispute data
    assert eras.loc["1990–2018", "dispute_dyad_years"] == 3 * 25


def test_rank_correlation_by_hand():
    assert alignment.rank_correlation(pd.Series([1, 2, 3]), pd.Series([3, 2, 1])) == \
        pytest.approx(-1.0)
    with pytest.raises(InputError):
        alignment.rank_correlation(pd.Series([1, 2]), pd.Series([1, 2]))


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("call, fragment", [
    (lambda: alignment.dyad_panel("alliance"), "unknown obligation type 'alliance'"),
    (lambda: alignment.dyad_panel(threshold=7), "hostility threshold must be 1–5"),
    (lambda: alignment.dyad_panel(window=0), "whole number of years"),
    (lambda: alignment.dyad_panel(window=2.5), "whole number of years"),
    (lambda: alignment.dyad_panel(start=1950, end=1900), "inverted"),
    (lambda: alignment.dyad_panel(start=2050, end=2060), "no alliance data"),
    (lambda: alignment.dyad_history("UKG", "XYZ"), "unknown state 'XYZ'"),
    (lambda: alignment.dyad_history("UKG", 200), "two different states"),
    (lambda: alignment.dyad_history("UKG", None), "unknown state None"),
])
def test_bad_input_says_what_to_pass(call, fragment):
    with pytest.raises(InputError, match=fragment):
        call()


# --------------------------------------------------------------------------- facts from the data
def test_anglo_japanese_alliance_1902_to_1921():
    defence = alignment.dyad_history("UKG", "JPN", "defense", start=1900, end=1925)
    assert defence.loc[defence["allied"], "year"].tolist() == list(range(1902, 1922))
    # With any obligation the spell runs on: the Four-Power Treaty (1921) is a
    # consultation pact, so a downgrade is not a termination in the spell count.
    anyk = alignment.dyad_history("UKG", "JPN", "any", start=1900, end=1935)
    assert anyk.loc[anyk["allied"], "year"].tolist() == list(range(1902, 1932))


def test_franco_russian_consultation_then_defence():
    anyk = alignment.dyad_history("FRN", "RUS", "any", start=1889, end=1895).set_index("year")
    defence = alignment.dyad_history("FRN", "RUS", "defense", start=1889,
                                     end=1895).set_index("year")
    assert anyk.index[anyk["allied"]].min() == 1891
    assert defence.index[defence["allied"]].min() == 1893


def test_no_formal_anglo_russian_alliance_before_the_war():
    history = alignment.dyad_history("UKG", "RUS", start=1890, end=1913)
    assert not history["allied"].any()


@pytest.fixture(scope="module")
def raw_majors(raw_dir) -> dict[int, set[int]]:
    years: dict[int, set[int]] = {}
    with (raw_dir / "raw" / "cow-states" / "majors2024.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            for y in range(int(row["styear"]), int(row["endyear"]) + 1):
                years.setdefault(y, set()).add(int(row["ccode"]))
    return years


def test_major_power_dyad_years_match_raw(raw_majors):
    eras = alignment.era_summary(polarity_measure=None).set_index("era")
    for era, (first, last) in alignment.ERAS.items():
        expected = sum(len(raw_majors[y]) * (len(raw_majors[y]) - 1) // 2
                       for y in range(first, last + 1))
        assert eras.loc[era, "dyad_years"] == expected, era


@pytest.mark.parametrize("year", [1850, 1900, 1935, 1960, 2005])
def test_allied_major_power_dyads_match_raw_atop(year, raw_majors):
    spells = {}
    with (RAW / "atop" / "atop5_1m.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            last = int(row["yrexit"]) or 2018  # 0 = still a member
            if int(row["yrent"]) <= year <= last:
                spells.setdefault(int(row["atopid"]), set()).add(int(row["member"]))
    majors = raw_majors[year]
    expected = {pair for members in spells.values()
                for pair in combinations(sorted(members & majors), 2)}
    panel = alignment.dyad_panel(start=year, end=year)
    got = {(a, b) for a, b in panel.loc[panel["allied"], ["ccode_a", "ccode_b"]].values}
    assert got == expected


def test_dispute_dyad_years_match_raw_maoz(raw_majors):
    expected = set()
    with (RAW / "maoz-dyadic-mid" / "dyadic_mid_4.02.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            y, a, b = int(row["year"]), int(row["statea"]), int(row["stateb"])
            if (1816 <= y <= 1913 and int(row["hihost"]) >= 4
                    and a in raw_majors[y] and b in raw_majors[y]):
                expected.add((min(a, b), max(a, b), y))
    panel = alignment.dyad_panel("any", 4, 1, 1816, 1913)
    got = {(a, b, y) for a, b, y in panel.loc[panel["dispute"], ["ccode_a", "ccode_b",
                                                                   "year"]].values}
    assert got == expected
    assert len(got) > 30


def test_cold_war_shows_more_allied_rivals_than_the_nineteenth_century():
    # The finding lesson 02 discusses: with any ATOP alliance the Cold War has the higher
    # share (Helsinki 1975 and the Sino-Soviet treaty count as alliances); with defence
    # pacts only it is still higher, so the claim of [P15] is not borne out on this measure.
    for obligation in ("any", "defense"):
        eras = alignment.era_summary(obligation, 2, 5, polarity_measure=None).set_index("era")
        assert eras.loc["1946–1989", "share_both"] > eras.loc["1816–1913", "share_both"]
    defence = alignment.era_summary("defense", 2, 5, polarity_measure=None).set_index("era")
    assert defence.loc["1816–1913", "changes_per_dd"] > defence.loc["1946–1989",
                                                                    "changes_per_dd"]


def test_era_mean_effective_poles_relate_c2_to_c1():
    eras = alignment.era_summary().set_index("era")
    assert eras.loc["1946–1989", "mean_eff_poles"] < eras.loc["1816–1913", "mean_eff_poles"]
    assert eras["mean_eff_poles"].between(1, 10).all()


def test_obligation_summary_stacks_the_era_tables():
    table = alignment.obligation_summary(3, 2)
    assert len(table) == len(alignment.OBLIGATIONS) * len(alignment.ERAS)
    defence = table[table["obligation"] == "defense"].set_index("era")
    direct = alignment.era_summary("defense", 3, 2, polarity_measure=None).set_index("era")
    assert defence["share_both"].tolist() == pytest.approx(direct["share_both"].tolist())
    # a narrower obligation can never have more allied dyad-years than "any"
    anyk = table[table["obligation"] == "any"].set_index("era")
    for ob in alignment.OBLIGATIONS:
        part = table[table["obligation"] == ob].set_index("era")
        assert (part["share_allied"] <= anyk["share_allied"] + 1e-12).all(), ob


# --------------------------------------------------------------------------- which pacts count
def _alliances(rows):
    """Tiny alliances table: rows of (atopid, bilat, defense, offense, neutral, nonagg, consul)."""
    return pd.DataFrame(rows, columns=["atopid", "bilat", *FLAGS])


def test_pact_rules_by_hand():
    table = _alliances([(1, 1, 0, 0, 0, 1, 0),    # bilateral non-aggression: kept by both rules
                        (2, 0, 1, 0, 0, 0, 1),    # multilateral defence pact: military
                        (3, 0, 0, 0, 0, 0, 1),    # multilateral consultation only: dropped
                        (4, 0, 0, 0, 1, 0, 0)])   # multilateral neutrality: military
    assert alignment.kept_pacts("all", alliances=table) == {1, 2, 3, 4}
    assert alignment.kept_pacts("military", alliances=table) == {1, 2, 4}
    assert alignment.kept_pacts("bilateral", alliances=table) == {1}
    with pytest.raises(InputError, match="unknown rule"):
        alignment.kept_pacts("treaties", alliances=table)


def test_a_dropped_pact_no_longer_makes_a_dyad_allied():
    members = _members([(3, 200, 1962, 1964, 0, 0, 0, 0, 1), (3, 220, 1962, 1964, 0, 0, 0, 0, 1)])
    table = _alliances([(3, 0, 0, 0, 0, 0, 1)])
    majors = _majors((200, 220), ("UKG", "FRN"))
    kwargs = dict(start=1960, end=1966, alliances=table, alliance_members=members,
                  disputes=NO_DISPUTES, major_powers=majors)
    assert alignment.dyad_panel(pacts="all", **kwargs)["allied"].sum() == 3
    assert alignment.dyad_panel(pacts="military", **kwargs)["allied"].sum() == 0


def test_the_military_rule_matches_atops_own_codes_in_the_raw_file(raw_dir):
    expected_dropped = set()
    with (raw_dir / "raw" / "atop" / "atop5_1a.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            flags = {k: int(float(row[k] or 0)) for k in ("bilat", "defense", "offense",
                                                          "neutral")}
            if not flags["bilat"] and not (flags["defense"] or flags["offense"]
                                           or flags["neutral"]):
                expected_dropped.add(int(row["atopid"]))
    every = alignment.kept_pacts("all")
    assert every - alignment.kept_pacts("military") == expected_dropped
    dropped = alignment.dropped_pacts("military")
    assert set(dropped["atopid"]) <= expected_dropped
    laos, helsinki = (dropped.set_index("atopid").loc[i] for i in (3460, 3740))
    assert (laos["begyr"], laos["obligations"]) == (1962, "consultation")
    assert (helsinki["begyr"], helsinki["obligations"]) == (1975, "non-aggression")
    assert {"USA", "RUS"} <= set(helsinki["major_powers"].split(", "))


def test_turnover_with_and_without_the_non_military_pacts():
    """Issue 12, item 1: the 'about the same' turnover rests on Laos 1962 and Helsinki 1975."""
    table = alignment.pact_sensitivity("any", 2, 5).set_index(["pacts", "era"])
    rate = table["changes_per_dd"]
    both = table["share_both"]
    assert rate["all", "1816–1913"] == pytest.approx(0.481, abs=5e-4)
    assert rate["all", "1946–1989"] == pytest.approx(0.495, abs=5e-4)
    assert rate["military", "1946–1989"] == pytest.approx(0.165, abs=5e-4)
    assert rate["military", "1816–1913"] == pytest.approx(0.440, abs=5e-4)
    assert rate["bilateral", "1816–1913"] == pytest.approx(0.312, abs=5e-4)
    assert rate["bilateral", "1946–1989"] == pytest.approx(0.236, abs=5e-4)
    assert both["all", "1946–1989"] == pytest.approx(0.248, abs=5e-4)
    assert both["military", "1946–1989"] == pytest.approx(0.127, abs=5e-4)
    assert both["all", "1816–1913"] == pytest.approx(0.041, abs=5e-4)
    # dropping exactly the two pacts the issue names gives the same Cold War figures
    members = data.load("alliance_members")
    without = members[~members["atopid"].isin([3460, 3740])]
    eras = alignment.era_summary(panel=alignment.dyad_panel(alliance_members=without),
                                 polarity_measure=None).set_index("era")
    assert eras.loc["1946–1989", "changes_per_dd"] == pytest.approx(
        rate["military", "1946–1989"])
    assert eras.loc["1946–1989", "share_both"] == pytest.approx(both["military", "1946–1989"])


def test_cold_war_defence_pact_cases_are_sino_soviet_and_wartime_treaties():
    cases = alignment.allied_and_disputing("defense", 2, 5, 1946, 1989).set_index("dyad")
    total = cases["dyad_years"].sum()
    panel = alignment.dyad_panel("defense", 2, 5, 1946, 1989)
    assert total == panel["both"].sum() == 54
    assert cases.loc["RUS–CHN", "dyad_years"] == 24
    assert set(cases.loc["RUS–CHN", "atopids"].split(", ")) == {"3030", "3200"}  # 1945, 1950
    wartime = cases.loc[["UKG–RUS", "FRN–RUS"], "dyad_years"].sum()
    assert wartime == 24 and cases.loc["UKG–RUS", "last"] == 1959  # 1955 + the 5-year window
    assert (cases.loc["RUS–CHN", "dyad_years"] + wartime) / total > 0.8


def test_cold_war_windows_that_reach_back_into_the_war_are_flagged():
    """Issue 23, item 9: 6 of the 54 defence-pact cases are allied only through ATOP 2550,
    a wartime pact that ended in 1945, because the window of 1946-1949 reaches back."""
    cases = alignment.allied_and_disputing("defense", 2, 5, 1946, 1989).set_index("dyad")
    assert cases["before_start"].sum() == 6
    flagged = cases[cases["before_start"] > 0]
    assert set(flagged.index) == {"USA–RUS", "UKG–FRN", "USA–FRN"}
    assert set(flagged["atopids"]) == {"2550"}
    members = data.load("alliance_members")
    assert members.loc[members["atopid"] == 2550, "yrexit"].max() == 1945
    later = alignment.allied_and_disputing("defense", 2, 5, 1950, 1989)
    assert later["before_start"].sum() == 0
