"""Burden and case charts: built from the aggregated tables, described, sourced, small."""

import pandas as pd
import pytest

from course import data, models
from course.charts import burden as cb
from course.charts import cases as cc
from course.charts.base import MAX_SPEC_BYTES, chart_data, describe, spec_bytes
from course.errors import InputError
from course.measures import burden, cases


def subtitle(chart):
    return " ".join(chart.to_dict()["title"]["subtitle"])


def test_model_chart_rows_and_description():
    eq = models.equilibrium([3.0, 1.0, 1.0], alpha=0.1, publicness=1.0)
    chart = cb.model_chart(eq)
    rows = chart_data(chart)
    assert len(rows) == 6  # 3 allies x (income share, spending share)
    spend = {r["ally"]: r["share"] for r in rows if r["measure"] == "share of defence spending"}
    assert spend["ally 1"] == pytest.approx(1.0) and spend["ally 2"] == 0.0
    assert "60%" in describe(chart) and "100%" in describe(chart)
    assert "simulated" in subtitle(chart)


def test_correlation_chart_from_shipped_tables():
    corr = burden.size_burden_from_course_data()
    chart = cb.correlation_chart(corr)
    assert spec_bytes(chart) < MAX_SPEC_BYTES
    rows = [r for r in chart_data(chart) if "rho" in r]
    assert len(rows) == len(corr)
    best = corr.loc[corr["rho"].idxmax()]
    assert str(int(best["year"])) in describe(chart)
    assert "SIPRI" in subtitle(chart) and "Maddison" in subtitle(chart)


def test_us_share_chart_keeps_definitions_apart():
    shares = burden.us_share_from_course_data()
    chart = cb.us_share_chart(shares)
    defs = {r["definition"] for r in chart_data(chart)}
    assert len(defs) == 2
    assert "COW" in subtitle(chart) and "NATO" in subtitle(chart)
    assert spec_bytes(chart) < MAX_SPEC_BYTES


def test_europe_chart_marks_and_description():
    series = pd.DataFrame({"year": [2011, 2012, 2013, 2014], "value": [0.02, 0.019, 0.018,
                                                                      0.017]})
    chart = cb.europe_chart(series, label="median burden", source="test source")
    text = describe(chart)
    assert "1.90% in 2012" in text and "1.70% in 2014" in text
    events = {r.get("event") for r in chart_data(chart)}
    assert {"essay (2012)", "Crimea (2014)"} <= events and "Ukraine (2022)" not in events


def test_scatter_chart_one_year():
    table = burden.size_burden_table(data.load("gdp"), data.load("military_burden"),
                                     data.load("nato_members"), 1960)
    chart = cb.scatter_chart(table, 1960)
    assert "United States" in describe(chart)
    assert len([r for r in chart_data(chart) if "country" in r]) == len(table)


def test_case_charts():
    libya = data.load("case_libya_2011")
    shares = cases.share_rows(libya, "Libya 2011")
    chart = cc.shares_chart(shares)
    ids = {r["id"] for r in chart_data(chart)}
    assert ids == set(shares.dropna(subset=["share_pct"])["id"])
    rel = cases.isaf_relative(data.load("case_isaf_troops"), data.load("gdp"), "2009-10-01")
    for basis in ("population", "gdp", "troops"):
        chart = cc.isaf_chart(rel, basis)
        assert "Maddison" in subtitle(chart) and len(chart_data(chart)) == len(rel)


def test_chart_errors():
    with pytest.raises(InputError, match="columns"):
        cb.model_chart(pd.DataFrame({"x": [1]}))
    with pytest.raises(InputError, match="empty"):
        cb.correlation_chart(pd.DataFrame(columns=["year", "rho", "n_used"]))
    with pytest.raises(InputError, match="basis"):
        cc.isaf_chart(pd.DataFrame(), "area")
