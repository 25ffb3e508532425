"""Lesson 00's explorer: hand-computed small cases, and facts recomputed from the raw NMC file."""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from course.charts.base import MAX_SPEC_BYTES, chart_data, describe, spec_bytes
from course.charts.tour import leader_chart
from course.errors import InputError
from course.widgets import tour


@pytest.fixture
def small():
    # year 1: B leads (0.5), C second (0.3); year 2: A leads (0.6), B second (0.3);
    # year 3: A has no value (-> skipped), B leads alone among the rest.
    return pd.DataFrame({
        "stateabb": ["A", "B", "C", "A", "B", "C", "A", "B"],
        "year": [1, 1, 1, 2, 2, 2, 3, 3],
        "cinc": [0.2, 0.5, 0.3, 0.6, 0.3, 0.1, None, 0.7],
    })


@pytest.fixture(scope="module")
def raw_nmc(raw_dir) -> pd.DataFrame:
    """stateabb/year/cinc read straight from the raw COW NMC 6.0 release (-9 = missing)."""
    path = raw_dir / "raw" / "cow-nmc" / "NMC-60-abridged.csv"
    with path.open(newline="") as handle:
        rows = [(r["stateabb"], int(r["year"]), float(r["cinc"])) for r in csv.DictReader(handle)]
    frame = pd.DataFrame(rows, columns=["stateabb", "year", "cinc"])
    frame.loc[frame["cinc"] < 0, "cinc"] = None
    return frame


def test_leaders_small_case(small):
    table = tour.leaders(small)
    assert table.loc[1, "leader"] == "B" and table.loc[1, "second"] == "C"
    assert table.loc[2, "leader"] == "A" and table.loc[2, "second_cinc"] == pytest.approx(0.3)
    assert table.loc[3, "leader"] == "B" and pd.isna(table.loc[3, "second"])


def test_compare_with_leader_uses_runner_up_when_the_power_leads(small):
    table = tour.compare_with_leader(small, "A", (1, 3))
    assert table["year"].tolist() == [1, 2]  # no value in year 3
    assert table["leads"].tolist() == [False, True]
    assert table["rival"].tolist() == ["B", "B"]
    assert table["rival_cinc"].tolist() == pytest.approx([0.5, 0.3])


def test_verdict_counts_years_and_names_the_rival(small):
    view = tour.tour_view("A", (1, 3), capabilities=small)
    assert "in 1 of 2 years from 1 to 3" in view.verdict
    assert "B was larger" in view.verdict
    assert "No CINC value for 1 of the years" in view.verdict
    assert "0.200 in 1" in view.verdict and "0.600 in 2" in view.verdict


@pytest.mark.parametrize(("power", "years", "fragment"), [
    ("ZZZ", (1, 2), "no state with the abbreviation 'ZZZ'"),
    ("A", (3, 1), "runs backwards"),
    ("A", (3, 3), "has no CINC value between 3 and 3"),
    ("A", "1990", "pair of whole years"),
])
def test_bad_input_says_what_to_fix(small, power, years, fragment):
    with pytest.raises(InputError, match=fragment):
        tour.compare_with_leader(small, power, years)


def test_missing_columns_are_reported(small):
    with pytest.raises(InputError, match=r"needs the columns \['cinc'\]"):
        tour.leaders(small.drop(columns="cinc"))
    with pytest.raises(InputError, match="DataFrame"):
        tour.leaders([1, 2, 3])


def test_chart_carries_both_series_description_and_source(small):
    table = tour.compare_with_leader(small, "A", (1, 2))
    chart = leader_chart(table, power_name="Alpha", source="Test source")
    spec = chart.to_dict()
    rows = chart_data(chart)
    assert {(r["series"], r["year"]) for r in rows} == {
        ("Alpha", 1), ("Alpha", 2), ("Largest other state", 1), ("Largest other state", 2)}
    assert "Alpha had the largest CINC in 1 of 2 years" in describe(chart)
    assert spec["title"]["subtitle"] == "Source: Test source"
    assert spec_bytes(chart) < MAX_SPEC_BYTES
    with pytest.raises(InputError, match="no rows"):
        leader_chart(table.iloc[0:0], power_name="Alpha", source="x")


def test_self_check_messages(small):
    caps = pd.DataFrame({"stateabb": ["USA", "CHN"] * 3, "year": [1, 1, 2, 2, 3, 3],
                         "cinc": [0.5, 0.4, 0.5, 0.6, 0.4, 0.7]})
    assert tour.check_overtake(None, capabilities=caps, since=1).startswith("Not answered")
    assert "Look later" in tour.check_overtake(1, capabilities=caps, since=1)
    assert tour.check_overtake(2, capabilities=caps, since=1).startswith("Correct")
    assert "Look earlier" in tour.check_overtake(3, capabilities=caps, since=1)
    assert "whole number" in tour.check_overtake("soon", capabilities=caps, since=1)


def test_raw_data_facts_agree_with_the_tour(raw_nmc):
    # Independent recomputation from the raw file: which state had the largest CINC each year.
    best: dict[int, tuple[float, str]] = {}
    for abb, year, cinc in raw_nmc.itertuples(index=False):
        if cinc is not None and not math.isnan(cinc) and cinc > best.get(year, (-1, ""))[0]:
            best[year] = (cinc, abb)
    usa_led = [y for y in range(1990, 2017) if best[y][1] == "USA"]
    table = tour.compare_with_leader(raw_nmc, "USA", (1990, 2016))
    assert table.loc[table["leads"], "year"].tolist() == usa_led
    assert len(table) == 27
    # The first post-1945 year in which China's CINC exceeds the USA's, recomputed here.
    both = raw_nmc[raw_nmc["stateabb"].isin(["USA", "CHN"])].pivot_table(
        index="year", columns="stateabb", values="cinc").dropna()
    first = next(y for y in both.index if y >= 1946 and both.loc[y, "CHN"] > both.loc[y, "USA"])
    assert tour.check_overtake(first, capabilities=raw_nmc).startswith("Correct")
    assert tour.check_overtake(first - 1, capabilities=raw_nmc).startswith("Not yet")


def test_default_view_uses_the_curated_table_and_matches_raw(raw_nmc):
    view = tour.tour_view()  # course.data.load("capabilities"), cached
    expected = tour.compare_with_leader(raw_nmc, "USA", (1990, 2016))
    assert view.table["leads"].tolist() == expected["leads"].tolist()
    assert view.table["cinc"].tolist() == pytest.approx(expected["cinc"].tolist())


def test_explorer_recomputes_when_a_control_moves():
    explorer = tour.tour_explorer()
    before = explorer.current.verdict
    explorer.controls["power"].value = "UKG"
    assert explorer.current.details["power"] == "UKG"
    assert explorer.current.verdict != before
    explorer.controls["years"].value = (1870, 1913)
    assert "from 1870 to 1913" in explorer.current.verdict


def test_a_power_that_never_leads_is_said_to_never_lead(small):
    view = tour.tour_view("C", (1, 2), capabilities=small)
    assert "never had the largest share" in view.verdict and "0 of" not in view.verdict
    assert "in each of the 2 years B or A was larger" in view.verdict
