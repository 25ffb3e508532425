"""What a reader sees: legends that are drawn, text that fits, honest axes.

The SVGs come from vl-convert with Vega-Lite 5.20 on Vega 6.2, the same versions the
course's JupyterLab renderer bundles (``test_renderer_versions.py``), so a legend found
here is a legend a student sees; ``tests/browser`` checks the same in JupyterLab itself.
"""

from __future__ import annotations

import re
from html import unescape

import altair as alt
import pandas as pd
import pytest

from course import data
from course.charts import britain as britain_charts
from course.charts import burden as burden_charts
from course.charts import cases as case_charts
from course.charts import polarity as polarity_charts
from course.charts.base import (
    chart_data,
    finish,
    legend_problems,
    place_labels,
    series_encoding,
    to_svg,
    with_label_places,
)
from course.errors import InputError
from course.measures import alignment, britain, burden, cases, polarity


def svg_texts(chart) -> list[str]:
    """Every piece of text in the chart's SVG, as drawn."""
    return [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", to_svg(chart))]


def legend_labels(chart) -> list[str]:
    """Texts drawn inside the chart's legends (Vega marks them role-legend-label)."""
    svg = to_svg(chart)
    found = []
    for block in re.findall(r'class="mark-text role-legend-label"[^>]*>(.*?)</g>', svg, re.S):
        found += [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", block)]
    return found


@pytest.fixture(scope="module")
def three_measures():
    tables = []
    for measure in ("cinc", "milex", "gdp"):
        shares = polarity.capability_shares(measure, 1946, 2016)
        tables.append(polarity.indices_by_year(shares).assign(measure=measure))
    return pd.concat(tables)


def test_three_measure_charts_draw_one_legend_with_every_measure(three_measures):
    for column in ("eff_poles", "leader_share"):
        chart = polarity_charts.measures_chart(three_measures, column=column)
        assert legend_labels(chart) == ["CINC", "military spending", "GDP"], column


def test_leader_chart_draws_its_legend(three_measures):
    chart = polarity_charts.leader_chart(three_measures[three_measures["measure"] == "cinc"])
    assert legend_labels(chart) == ["Leader", "Second"]


def test_a_hidden_dash_legend_is_refused_before_it_hides_the_colours():
    rows = pd.DataFrame({"x": [1, 2], "y": [1, 2], "m": ["a", "b"]})
    bad = alt.Chart(rows).mark_line().encode(
        x="x:Q", y="y:Q", color=alt.Color("m:N", title="M"),
        strokeDash=alt.StrokeDash("m:N", legend=None))
    with pytest.raises(InputError, match="series_encoding"):
        finish(bad, title="t", description="d")
    good = alt.Chart(rows).mark_line().encode(x="x:Q", y="y:Q",
                                              **series_encoding("m", ["a", "b"], title="M"))
    assert legend_problems(finish(good, title="t", description="d").to_dict()) == []
    assert legend_labels(finish(good, title="t", description="d")) == ["a", "b"]


def test_a_long_source_line_is_wrapped_to_the_chart_width():
    ranks = pd.concat([britain.britain_rank(m).assign(measure=britain.MEASURES[m].label)
                       for m in ("naval_share", "cinc", "gdp")])
    spec = britain_charts.rank_chart(ranks).to_dict()
    lines = spec["title"]["subtitle"]
    assert isinstance(lines, list) and len(lines) >= 2
    assert max(len(line) for line in lines) <= 100  # 560 px at 5.6 px a character
    assert "Maddison" in " ".join(lines) and "Crisher" in " ".join(lines)


def test_naval_share_axis_is_a_percentage_with_one_title():
    series = britain.measure_series("naval_share", ["UKG", "GMY"], 1900, 1914)
    spec = britain_charts.capability_chart(series, "naval_share").to_dict()
    y = spec["layer"][0]["encoding"]["y"]
    assert y["title"] == "Share of world naval tonnage"
    assert y["axis"]["format"] == ".0%"
    texts = svg_texts(britain_charts.capability_chart(series, "naval_share"))
    assert any(t.endswith("%") for t in texts) and "0.35" not in texts


def test_place_labels_keeps_labels_apart_and_inside():
    xs, ys = [100, 101, 102, 300], [50, 50, 51, 150]
    names = ["1810s", "1820s", "1840s", "1900s"]
    places = place_labels(xs, ys, names, width=320, height=200)
    boxes = []
    for (side, dy), x, y, name in zip(places, xs, ys, names, strict=True):
        w = len(name) * 6
        x0 = x + 7 if side == "right" else x - 7 - w
        boxes.append((x0, y + dy - 6.5, x0 + w, y + dy + 6.5))
        assert x0 >= 0 and x0 + w <= 320
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


def test_decade_scatter_labels_do_not_overlap():
    decades = alignment.decade_summary("any", 2, 5)
    from course.charts.alignment import decade_chart

    rows = decades.dropna(subset=["mean_eff_poles", "share_both"])
    chart = decade_chart(decades)
    drawn = chart_data(chart)
    assert len(drawn) == len(rows)  # one dataset: points and labels share rows
    placed = with_label_places(
        pd.DataFrame(drawn), x="poles", y="value", label="label",
        x_domain=tuple(chart.to_dict()["layer"][0]["encoding"]["x"]["scale"]["domain"]),
        y_domain=tuple(chart.to_dict()["layer"][0]["encoding"]["y"]["scale"]["domain"]),
        width=460, height=300)
    assert placed["label_y"].tolist() == [r["label_y"] for r in drawn]
    assert sorted(t for t in svg_texts(chart) if t.endswith("0s")) == sorted(rows["decade"].astype(
        int).astype(str) + "s")


def test_shares_chart_keeps_us_and_allied_shares_apart_and_its_legend_matches_its_bars():
    kosovo = cases.share_rows(data.load("case_kosovo_1999"), "Kosovo 1999")
    libya = cases.share_rows(data.load("case_libya_2011"), "Libya 2011")
    chart = case_charts.shares_chart(pd.concat([kosovo, libya]), title="Kosovo and Libya")
    spec = chart.to_dict()
    panels = spec["vconcat"]
    assert [p["title"]["text"].split(":")[0] for p in panels][:2] == list(case_charts.SIDES[:2])
    us_panel = panels[0]
    us_rows = spec["datasets"][us_panel["data"]["name"]]
    assert us_rows and all(r["side"] == "The United States" for r in us_rows)
    allied = spec["datasets"][panels[1]["data"]["name"]]
    assert not any(r["label"].startswith("United States") for r in allied)
    # The only legend is the cases' colours; "in words" is said in the labels.
    assert legend_labels(chart) == ["Kosovo 1999", "Libya 2011"]
    words = [r for rows in spec["datasets"].values() for r in rows if r["how"] == "stated in words"]
    assert words and all(r["label"].endswith(", in words)") for r in words)


def test_european_burden_axis_starts_at_zero_and_explains_2020():
    members, mil = data.load("nato_members"), data.load("military_burden")
    series = burden.european_burden(mil, members, (2000, 2024))
    chart = burden_charts.europe_chart(series, label="median military burden",
                                       source=burden_charts.SOURCE_SIPRI)
    spec = chart.to_dict()
    assert spec["layer"][0]["encoding"]["y"]["scale"]["zero"] is True
    texts = svg_texts(chart)
    assert "0.0%" in texts and any("2020: GDP fell" in t for t in texts)


def test_the_2020_note_is_true_of_the_shipped_nato_tables():
    """European allies' real GDP (NATO: constant-price spending / share of GDP) fell in 2020."""
    nato = data.load("nato_expenditure")
    members = data.load("nato_members")
    european = set(members.loc[~members["ccode"].isin([2, 20]), "ccode"])
    wide = nato[nato["ccode"].isin(european) & (nato["estimate"].astype(str) != "True")]
    wide = wide.pivot_table(index=["ccode", "year"], columns="measure", values="value")
    gdp = (wide["usd_constant_2015"] / (wide["share_gdp"] / 100)).unstack("year")
    change = (gdp[2020] / gdp[2019] - 1).dropna()
    assert len(change) >= 20 and change.median() < -0.03
