"""C2 charts as specs: aggregated rows only, descriptions from the data, highlight, sizes."""

from __future__ import annotations

import pandas as pd
import pytest

from course.charts import alignment as charts
from course.charts.base import MAX_SPEC_BYTES, chart_data, describe, spec_bytes, to_png
from course.errors import InputError
from course.measures import alignment


@pytest.fixture(scope="module")
def eras():
    return alignment.era_summary("any", 2, 5)


def test_era_chart_has_one_row_per_era_and_the_right_values(eras):
    chart = charts.era_chart(eras, column="share_both", highlight="1816–1913")
    rows = chart_data(chart)
    assert [r["era"] for r in rows] == list(alignment.ERAS)
    for row, value in zip(rows, eras["share_both"], strict=True):
        assert row["value"] == pytest.approx(value, abs=1e-4)
    assert [r["chosen"] for r in rows] == [True, False, False, False]
    text = describe(chart)
    top = eras.sort_values("share_both").iloc[-1]["era"]
    assert f"Highest: {top}." in text
    assert f"{eras.iloc[0]['share_both']:.0%}" in text
    subtitle = chart.to_dict()["title"]["subtitle"]  # wrapped to the chart's width
    assert subtitle[0].startswith("Source: ATOP 5.1") and max(map(len, subtitle)) <= 75


def test_era_chart_labels_are_optional(eras):
    with_labels = charts.era_chart(eras).to_dict()
    without = charts.era_chart(eras, labels=False).to_dict()
    assert "layer" in with_labels and "layer" not in without


def test_rates_chart_shows_formations_and_terminations(eras):
    chart = charts.rates_chart(eras)
    rows = chart_data(chart)
    assert len(rows) == 2 * len(eras)
    first = eras.iloc[0]
    assert (f"{first['era']}: {first['formations_per_dd']:.2f} formations and "
            f"{first['terminations_per_dd']:.2f} terminations") in describe(chart)


def test_decade_chart_reports_the_correlation():
    decades = alignment.decade_summary("any", 2, 5)
    rho = alignment.rank_correlation(decades["mean_eff_poles"], decades["share_both"])
    chart = charts.decade_chart(decades, correlation=rho)
    assert f"Spearman rank correlation {rho:+.2f}" in describe(chart)
    assert len(chart_data(chart)) == decades.dropna(subset=["mean_eff_poles"]).shape[0]


def test_timeline_chart_compresses_to_spells():
    panel = pd.DataFrame({"year": [1900, 1901, 1902, 1903, 1904] * 2,
                          "dyad": ["UKG–FRN"] * 5 + ["UKG–RUS"] * 5,
                          "allied": [True, True, False, True, True] + [False] * 5,
                          "dispute": [False, True, False, False, False,
                                      True, True, False, False, False]})
    chart = charts.timeline_chart(panel)
    rows = chart_data(chart)
    spells = sorted((r["from"], r["to"]) for r in rows if r["kind"] == "Allied")
    assert spells == [(1900, 1902), (1903, 1905)]
    assert sum(r["kind"] == "Dispute" for r in rows) == 3
    assert "1 dyad-years have both in the same year" in describe(chart)


def test_full_timeline_stays_small():
    chart = charts.timeline_chart(alignment.dyad_panel())
    assert spec_bytes(chart) < MAX_SPEC_BYTES
    assert len(chart_data(chart)) < 600  # spells and dispute-years, not 2,900 dyad-years


def test_bad_input_gets_clear_errors(eras):
    with pytest.raises(InputError, match="unknown column"):
        charts.era_chart(eras, column="wars")
    with pytest.raises(InputError, match="era_summary"):
        charts.rates_chart(pd.DataFrame({"era": ["x"]}))
    with pytest.raises(InputError, match="no major-power dyad-years"):
        charts.timeline_chart(alignment.dyad_panel(), start=2030)


def test_renders_to_png(eras):
    png = to_png(charts.era_chart(eras), scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 3_000
