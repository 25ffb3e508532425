"""Charts of lesson 03: size, description computed from the data, tooltips, source."""

from __future__ import annotations

import pandas as pd
import pytest

from course.charts import britain as charts
from course.charts.base import MAX_SPEC_BYTES, chart_data, describe, spec_bytes
from course.errors import InputError
from course.measures import britain


def _has_tooltip(spec) -> bool:
    if isinstance(spec, dict):
        return "tooltip" in spec.get("encoding", {}) or any(_has_tooltip(v) for v in spec.values())
    if isinstance(spec, list):
        return any(_has_tooltip(v) for v in spec)
    return False


def _check(chart, source_word):
    spec = chart.to_dict()
    assert spec_bytes(chart) < MAX_SPEC_BYTES
    assert _has_tooltip(spec)
    assert any(source_word in line for line in spec["title"]["subtitle"])
    return spec


def test_disputes_chart_from_a_small_table():
    table = pd.DataFrame({
        "period": ["1870–1904", "1870–1904", "1905–1914", "1905–1914"],
        "start": [1870, 1870, 1905, 1905], "end": [1904, 1904, 1914, 1914],
        "ccode": [220, 255, 220, 255], "opponent": ["France", "Germany"] * 2,
        "disputes": [3, 1, 0, 2], "max_hostility": pd.array([4, 3, pd.NA, 5], dtype="Int64"),
        "uses_of_force": [1, 0, 0, 1], "wars": [0, 0, 0, 1], "started": ["", "", "", ""]})
    chart = charts.disputes_chart(table)
    _check(chart, "Maoz")
    assert describe(chart) == ("Britain's militarized disputes that started in 1870–1904: "
                               "France 3, Germany 1 (most: France); that started in "
                               "1905–1914: France 0, Germany 2 (most: Germany).")
    rows = chart_data(chart)
    assert len(rows) == 4   # aggregated rows only
    assert {r["max_hostility"] for r in rows} == {"4 use of force", "3 display of force",
                                                  "none", "5 war"}
    assert "hostility ≥ 3" in charts.disputes_chart(table, 3).to_dict()["title"]["text"]


def test_disputes_charts_on_the_data_mark_all_three_crises():
    listed = britain.britain_disputes()
    chart = charts.disputes_timeline_chart(listed, britain.crises_in_mid())
    _check(chart, "Maoz")
    assert describe(chart).startswith(f"{len(listed)} militarized disputes")
    assert "3 of 3 match a dispute starting the same year" in describe(chart)
    by_period = charts.disputes_chart(britain.disputes_by_period(min_hostility=4), 4)
    assert "at least hostility level 4" in describe(by_period)


def test_capability_chart_names_the_crossovers():
    series = britain.measure_series("cinc", ["UKG", "GMY", "USA"])
    crossings = [britain.crossover("cinc", "GMY"), britain.crossover("cinc", "USA")]
    chart = charts.capability_chart(series, "cinc", crossings)
    spec = _check(chart, "National Material Capabilities")
    text = describe(chart)
    assert "Germany passed Britain in 1905 and stayed ahead" in text
    assert "In 1914 the order is the United States, Germany, Britain." in text
    rules = [r for r in chart_data(chart) if "text" in r]
    assert sorted(r["year"] for r in rules) == [1892, 1905]
    assert len(chart_data(chart)) == len(series) + 2
    assert spec["title"]["text"].startswith("CINC")


def test_rank_chart_and_alliance_chart_describe_their_data():
    ranks = pd.concat([britain.britain_rank(m).assign(measure=britain.MEASURES[m].label)
                       for m in ("naval_share", "irst")])
    chart = charts.rank_chart(ranks)
    _check(chart, "Crisher")
    assert "share of world naval tonnage: first in every year" in describe(chart)
    assert "iron and steel: first until 1889, rank 3 in 1914" in describe(chart)

    events = pd.DataFrame({"event": ["Entente Cordiale"], "date_start": ["1904-04-08"]})
    chart = charts.alliance_chart(britain.alliance_timeline(), events)
    _check(chart, "ATOP")
    assert "defence obligation: ATOP 1400: Portugal; ATOP 1415: Japan." in describe(chart)
    assert "Entente Cordiale (1904-04-08)" in describe(chart)


def test_rank_chart_cites_only_the_sources_it_uses():
    chart = charts.rank_chart(britain.britain_rank("cinc").assign(measure="CINC"))
    assert chart.to_dict()["title"]["subtitle"] == [charts.SOURCES["capabilities"]]


def test_custom_colour_scales_are_safe_for_colour_blind_readers():
    from course.charts import accessible

    listed = britain.britain_disputes()
    specs = [charts.disputes_timeline_chart(listed).to_dict(),
             charts.rank_chart(britain.britain_rank("cinc").assign(measure="CINC")).to_dict(),
             charts.alliance_chart(britain.alliance_timeline()).to_dict()]
    ranges = []
    for spec in specs:
        views = spec.get("layer", [spec])
        ranges += [v["encoding"]["color"]["scale"]["range"] for v in views
                   if "range" in v.get("encoding", {}).get("color", {}).get("scale", {})]
    assert len(ranges) == 3
    for colours in ranges:
        assert accessible.palette_problems({str(i): c for i, c in enumerate(colours)}) == []


def test_empty_or_wrong_tables_are_refused():
    with pytest.raises(InputError, match="empty"):
        charts.disputes_chart(pd.DataFrame())
    with pytest.raises(InputError, match="lacks columns"):
        charts.capability_chart(pd.DataFrame({"year": [1]}), "cinc")
