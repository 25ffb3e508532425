"""C1 charts as specs: titles, sources, descriptions computed from the data, sizes, gaps."""

from __future__ import annotations

import pandas as pd
import pytest

from course.charts import polarity as charts
from course.charts.base import MAX_SPEC_BYTES, chart_data, describe, spec_bytes, to_png
from course.errors import InputError
from course.measures import polarity


@pytest.fixture(scope="module")
def cinc_1816_2016():
    shares = polarity.capability_shares("cinc", 1816, 2016)
    return shares, polarity.indices_by_year(shares)


def _series(rows):
    return pd.DataFrame(rows, columns=["year", "eff_poles", "con", "leader", "leader_share",
                                       "runner_up", "runner_up_share", "lead", "n_poles"])


def test_poles_chart_describes_its_numbers():
    series = _series([(2000, 3.0, 0.3, "USA", 0.4, "CHN", 0.3, 0.1, 3),
                      (2001, 2.0, 0.5, "USA", 0.6, "CHN", 0.2, 0.4, 2)])
    chart = charts.poles_chart(series, measure="milex")
    spec = chart.to_dict()
    assert spec["title"]["text"] == "Effective number of poles by military spending, 2000–2001"
    assert spec["title"]["subtitle"].startswith("Source: COW National Material Capabilities")
    text = describe(chart)
    assert "averages 2.5" in text and "lowest 2.0 in 2001" in text and "highest 3.0 in 2000" in text
    assert {f["field"] for f in spec["encoding"]["tooltip"]} >= {"year", "eff_poles", "leader"}


def test_years_without_data_are_gaps_not_zeros():
    series = _series([(1, 2.0, 0.5, "A", 0.5, "B", 0.5, 0.0, 2),
                      (2, None, None, None, None, None, None, None, None),
                      (3, 4.0, 0.1, "A", 0.3, "B", 0.2, 0.1, 4)])
    chart = charts.poles_chart(series)
    rows = chart_data(chart)
    assert [r["year"] for r in rows] == [1, 3]
    assert len({r["segment"] for r in rows}) == 2  # the line breaks at year 2
    assert "1 years lack complete data" in describe(chart)


def test_shares_chart_breaks_lines_over_gaps_and_names_the_leader(cinc_1816_2016):
    shares, _ = cinc_1816_2016
    chart = charts.shares_chart(shares)
    rows = [r for r in chart_data(chart) if "year" in r]  # not the legend's name lookup
    germany = sorted(r["year"] for r in rows if r["stateabb"] == "GMY")
    assert 1950 not in germany and 1991 in germany
    gmy_segments = {r["segment"] for r in rows if r["stateabb"] == "GMY"}
    assert len(gmy_segments) == 3  # 1816–1918, 1925–1945, 1991–2016
    last = shares[shares["year"] == 2016].sort_values("share", ascending=False)
    assert f"In 2016 {last.iloc[0]['stateabb']} has the largest share" in describe(chart)
    assert spec_bytes(chart) < MAX_SPEC_BYTES


def test_shares_chart_keeps_only_the_top_powers():
    shares = polarity.capability_shares("cinc", 2000, 2016, scope="system")
    chart = charts.shares_chart(shares, scope="system", top=5)
    drawn = {r["stateabb"] for r in chart_data(chart)}
    top5 = set(shares.groupby("stateabb")["share"].mean().nlargest(5).index)
    assert drawn == top5
    assert "whole state system" in describe(chart)


def test_leader_chart_counts_changes_of_leadership():
    series = _series([(1, 3.0, 0.3, "A", 0.5, "B", 0.3, 0.2, 2),
                      (2, 3.0, 0.3, "B", 0.5, "A", 0.3, 0.2, 2),
                      (3, 3.0, 0.3, "B", 0.5, "A", 0.4, 0.1, 2)])
    text = describe(charts.leader_chart(series))
    assert "B leads in 2 of 3 years" in text and "changes hands 1 times" in text
    assert "16.7 percentage points" in text


def test_measures_chart_compares_measures(cinc_1816_2016):
    tables = [polarity.polarity_by_year(m, 1990, 2016).assign(measure=m)
              for m in ("cinc", "milex", "gdp")]
    chart = charts.measures_chart(pd.concat(tables))
    text = describe(chart)
    for table, name in zip(tables, ("CINC", "military spending", "GDP"), strict=True):
        assert f"{name} {table['eff_poles'].mean():.1f}" in text
    assert "Maddison" in " ".join(chart.to_dict()["title"]["subtitle"])  # wrapped lines
    assert spec_bytes(chart) < MAX_SPEC_BYTES


def test_bad_tables_get_clear_errors():
    with pytest.raises(InputError, match="capability_shares"):
        charts.shares_chart(pd.DataFrame({"year": [1]}))
    with pytest.raises(InputError, match="no rows"):
        charts.poles_chart(_series([]))
    with pytest.raises(InputError, match="unknown column"):
        charts.measures_chart(pd.DataFrame(), column="gini")


def test_renders_to_png(cinc_1816_2016):
    _, series = cinc_1816_2016
    png = to_png(charts.poles_chart(series), scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
