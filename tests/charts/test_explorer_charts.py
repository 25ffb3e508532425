"""The explorers' charts as a student reads them: axis labels apart, titles that say what
is counted, numbers written as counts, and the polarity explorer's panels and legend.

The SVGs come from vl-convert, with the Vega the course's JupyterLab renderer bundles
(``test_renderer_versions.py``); ``tests/browser/test_explorer_layout.py`` checks the same
charts as Chromium draws them.
"""

from __future__ import annotations

import random
import re

import pytest

from course.charts.base import drawn_size, to_svg
from course.widgets.base import SLIDE_CHART_HEIGHT, SLIDE_WIDE_CHART, fit_for_slides
from course.widgets.burden import NATO_MEASURES, isaf_explorer, isaf_view, nato_view
from course.widgets.polarity import polarity_view

#: Width of a character of Vega's 10-px sans-serif axis labels, in pixels (Arial's digits
#: are 5.56 px, its comma and full stop 2.78 px; other characters at most about 6.7).
_CHAR_PX = {**dict.fromkeys("0123456789", 5.6), ",": 2.8, ".": 2.8}
MIN_GAP_PX = 3.0

_LABEL = re.compile(r'<text text-anchor="(\w+)" transform="translate\(([-\d.]+),([-\d.]+)\)"'
                    r'[^>]*opacity="([\d.]+)"[^>]*>([^<]*)</text>')


def horizontal_labels(svg: str) -> list[list[tuple[str, float, float]]]:
    """Each horizontal axis's visible labels as (text, left, right), left to right."""
    axes = []
    for group in re.findall(r'<g class="mark-text role-axis-label"[^>]*>(.*?)</g>', svg, re.S):
        labels = [(anchor, float(x), float(y), text) for anchor, x, y, opacity, text
                  in _LABEL.findall(group) if float(opacity) > 0]
        if len(labels) < 2 or len({y for _, _, y, _ in labels}) != 1:
            continue  # a vertical axis (labels at different heights)
        boxes = []
        for anchor, x, _y, text in labels:
            width = sum(_CHAR_PX.get(c, 6.7) for c in text)
            left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
            boxes.append((text, left, left + width))
        axes.append(sorted(boxes, key=lambda box: box[1]))
    return axes


def label_problems(svg: str) -> list[str]:
    problems = []
    for axis in horizontal_labels(svg):
        texts = [text for text, _, _ in axis if text]
        axis = [box for box in axis if box[0]]
        if len(set(texts)) != len(texts):
            problems.append(f"a label repeats: {texts}")
        for (a, _, a_right), (b, b_left, _) in zip(axis, axis[1:], strict=False):
            if b_left - a_right < MIN_GAP_PX:
                problems.append(f"{a!r} and {b!r} touch ({b_left - a_right:.1f} px apart)")
    return problems


def test_the_label_check_catches_labels_that_touch():
    svg = ('<g class="mark-text role-axis-label"><text text-anchor="start" '
           'transform="translate(0,15)" opacity="1">2000</text><text text-anchor="middle" '
           'transform="translate(35,15)" opacity="1">2001</text></g>')
    assert label_problems(svg) == ["'2000' and '2001' touch (1.4 px apart)"]


@pytest.mark.parametrize("measure", list(NATO_MEASURES))
def test_nato_explorer_year_labels_stay_apart(measure):
    random.seed(measure)
    ranges = [(1949, 2024), (2000, 2024), (2012, 2015), (1990, 2016)]
    ranges += [tuple(sorted(random.sample(range(1949, 2025), 2))) for _ in range(3)]
    checked = 0
    for years in ranges:
        try:
            view = nato_view(measure, years)
        except Exception:  # noqa: BLE001 - a range the measure has no data for
            continue
        problems = label_problems(to_svg(view.chart))
        assert not problems, f"{measure}, {years}: {problems}"
        checked += 1
    assert checked >= 3


def test_cow_years_are_each_one_label():
    svg = to_svg(nato_view("US share of allied spending (COW, current US$)",
                           (2000, 2024)).chart)
    (years,) = [axis for axis in horizontal_labels(svg) if axis[0][0].isdigit()]
    assert [text for text, _, _ in years][:3] == ["2000", "2001", "2002"]
    assert "20002001" not in svg


def test_isaf_axis_labels_stay_apart_on_every_date_and_measure():
    explorer = isaf_explorer()
    for _label, as_of in explorer.controls["as_of"].options:
        for basis in ("troops per million inhabitants", "troops per $10 bn of GDP",
                      "troops (absolute)"):
            for outside in (False, True):
                view = isaf_view(as_of, basis, with_outside_isaf=outside)
                problems = label_problems(to_svg(view.chart))
                assert not problems, f"{as_of}, {basis}, outside={outside}: {problems}"


def test_troops_are_counted_in_whole_soldiers():
    view = isaf_view("2010-11 (inferred)", "troops (absolute)")
    assert "(90,000)" in view.verdict
    assert not re.search(r"\d,\d{3}\.\d", view.verdict)
    tooltip = [t for t in view.chart.to_dict()["encoding"]["tooltip"] if t["field"] == "troops"]
    assert tooltip and all(t.get("format") in (",", ",.0f") for t in tooltip)


def test_the_title_says_when_us_forces_outside_isaf_are_added():
    alone = isaf_view("2008-06-03", "troops per million inhabitants").chart.to_dict()
    added = isaf_view("2008-06-03", "troops per million inhabitants",
                      with_outside_isaf=True).chart.to_dict()
    assert alone["title"]["text"].startswith("Afghanistan: ISAF troops per million")
    assert added["title"]["text"].startswith("Afghanistan: troops per million")
    assert "14,000 troops outside ISAF" in added["title"]["subtitle"][-1]
    assert "outside ISAF" in added["encoding"]["x"]["title"]
    # A date for which no source states US forces outside ISAF: ISAF only, as titled.
    none_stated = isaf_view("2009-10-01", "troops per million inhabitants",
                            with_outside_isaf=True)
    assert none_stated.chart.to_dict()["title"]["text"].startswith("Afghanistan: ISAF troops")
    assert "ISAF only" in none_stated.verdict


@pytest.mark.parametrize("setting", [
    ("cinc", (1990, 2016), "major", 0.1), ("milex", (1990, 2016), "major", 0.25),
    ("gdp", (1816, 2018), "system", 0.1), ("cinc", (1870, 1913), "g20", 0.05),
])
def test_polarity_shares_panel_is_tall_and_its_legend_beside_it(setting):
    measure, years, scope, threshold = setting
    spec = fit_for_slides(polarity_view(measure, years, scope, threshold).chart.to_dict())
    shares, poles = spec["vconcat"]
    assert shares["height"] >= 180 and shares["height"] > 2 * poles["height"]
    assert spec["config"]["legend"]["orient"] == "right"
    width, height = drawn_size(spec)
    # Fits a 1280x720 slide beside the verdict, as drawn, without being squeezed.
    assert width <= SLIDE_WIDE_CHART and height <= SLIDE_CHART_HEIGHT["verdict beside"]
    svg = to_svg_spec(spec)
    legend = re.search(r'class="mark-group role-legend".*?translate\(([\d.]+),([\d.]+)\)',
                       svg, re.S)
    assert legend and float(legend.group(2)) < shares["height"], \
        "the legend is not beside the shares panel"
    assert not label_problems(svg)


def to_svg_spec(spec: dict) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec, vl_version="5.20")
