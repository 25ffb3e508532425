"""Lesson 03 explorers: changing a control recomputes the verdict and the chart."""

from __future__ import annotations

import pytest

from course.charts.base import chart_data, describe
from course.errors import InputError
from course.widgets import britain as w


def test_capability_view_verdicts_by_measure():
    steel = w.capability_view("irst", ("UKG", "GMY"), (1870, 1914))
    assert steel.verdict.startswith("By iron and steel, Germany passed Britain in 1900 and "
                                    "stayed ahead.")
    assert "pig iron to 1899 and steel from 1900" in steel.verdict
    sea = w.capability_view("naval_share", ("UKG", "GMY", "USA"), (1870, 1914))
    assert sea.details["crossovers"] == {"Germany": None, "the United States": None}
    assert sea.details["rank"] == 1
    assert "In 1914 Britain ranks first of 3." in sea.verdict


def test_capability_explorer_recomputes_when_controls_change():
    explorer = w.capability_explorer()
    assert explorer.current.details["crossovers"]["Germany"] == 1905   # CINC
    first_chart = describe(explorer.current.chart)
    explorer.controls["measure"].value = "naval_share"
    assert explorer.current.details["crossovers"]["Germany"] is None
    assert describe(explorer.current.chart) != first_chart
    explorer.controls["powers"].value = ("UKG", "USA")
    assert list(explorer.current.details["crossovers"]) == ["the United States"]
    explorer.controls["measure"].value = "cinc"
    explorer.controls["years"].value = (1870, 1891)
    assert "never passed Britain (1870–1891)" in explorer.current.verdict
    assert max(r["year"] for r in chart_data(explorer.current.chart)) == 1891


def test_capability_view_bad_choices():
    with pytest.raises(InputError, match="besides Britain"):
        w.capability_view("cinc", ("UKG",))
    explorer = w.capability_explorer()
    explorer.controls["powers"].value = ("UKG",)
    assert explorer.current is None and "besides Britain" in explorer.error
    view = w.capability_view("naval_construction", ("UKG", "GMY", "USA"), (1870, 1914))
    assert "No common years for the United States" in view.verdict


def test_disputes_explorer_split_and_threshold():
    explorer = w.disputes_explorer()
    counts = explorer.current.details["counts"]
    assert counts[("1870–1904", "France")] == 5 and counts[("1905–1914", "Germany")] == 2
    assert "more than Germany's 2" in explorer.current.verdict
    explorer.controls["min_hostility"].value = 4
    counts = explorer.current.details["counts"]
    assert (counts[("1870–1904", "France")], counts[("1870–1904", "Russia")],
            counts[("1870–1904", "Germany")]) == (2, 1, 2)
    assert "hostility level ≥ 4" in explorer.current.verdict
    explorer.controls["split"].value = 1890
    assert explorer.current.details["most"]["1870–1889"] == ["Germany"]
    explorer.controls["split"].value = 1860   # before the start year: shown, not raised
    assert explorer.current is None and "between 1871 and 1914 (it is 1860)" in explorer.error
