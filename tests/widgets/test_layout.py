"""An explorer's chart is sized once per layout, and the remembered size is right.

``course.charts.base.layout_key`` decides when two charts take the same room, so that a
control change draws nothing offline (``fit_for_slides``). These tests walk every explorer
of ``course.widgets`` through random settings and compare what the remembered sizes give
with a fresh offline drawing of each chart: the slide layout chosen (verdict beside or
below the chart) is the same, and the fitted chart is no taller than a fresh fit allows,
within a few pixels (axis labels that overhang a plot differ with the data). The
remembered sizes are the shipped ones (``course/charts/layouts.json``) wherever shipped,
and other random settings must meet only shipped layouts: a student exploring never makes
the kernel load vl-convert.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import random

import pytest

import course.widgets
from course.charts import base as chart_base
from course.charts import layouts
from course.widgets.base import SLIDE_CHART_HEIGHT, SLIDE_WIDE_CHART, Explorer, fit_for_slides

#: Pixels a remembered fit may exceed a fresh one (a label overhanging a plot's top).
TOLERANCE_PX = 6
CHANGES = 12
#: Random changes per explorer that must meet only shipped layouts (cheap: nothing drawn).
WALK = 200


def _factories():
    found = []
    for info in pkgutil.iter_modules(course.widgets.__path__):
        module = importlib.import_module(f"course.widgets.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_explorer") and function.__module__ == module.__name__:
                found.append(pytest.param(function, id=f"{info.name}.{name}"))
    return found


def _choices(control) -> list:
    """Values a student could give ``control`` (a sample of a slider's range)."""
    boxes = getattr(control, "boxes", None)
    if boxes:  # a Checklist: any set of the optional boxes
        optional = [key for key in boxes if key not in control.fixed]
        return [tuple(key for key in optional if random.random() < 0.5) for _ in range(4)]
    options = getattr(control, "options", None)
    if options:
        return [option[1] if isinstance(option, tuple) else option for option in options]
    low, high = getattr(control, "min", None), getattr(control, "max", None)
    if low is None or high is None:
        return [not control.value] if isinstance(control.value, bool) else []
    if isinstance(control.value, tuple):
        return [tuple(sorted((random.randint(low, high), random.randint(low, high))))
                for _ in range(4)]
    step = getattr(control, "step", 1) or 1
    return [low + step * random.randint(0, int(round((high - low) / step))) for _ in range(4)]


def _limit(width: float) -> float:
    return SLIDE_CHART_HEIGHT["verdict beside" if width <= SLIDE_WIDE_CHART else "verdict below"]


@pytest.mark.slow
@pytest.mark.parametrize("factory", _factories())
def test_remembered_sizes_match_fresh_drawings(factory, monkeypatch):
    monkeypatch.setattr(chart_base, "_SIZES", {})
    monkeypatch.setattr(chart_base, "_SCALES", {})
    random.seed(factory.__name__)
    explorer = factory()
    assert isinstance(explorer, Explorer)
    checked = 0
    for _ in range(CHANGES):
        name = random.choice(list(explorer.controls))
        choices = _choices(explorer.controls[name])
        if not choices:
            continue
        explorer.controls[name].value = random.choice(choices)
        if explorer.current is None:
            continue
        spec = explorer.current.chart.to_dict(validate=False)
        remembered_width = chart_base.layout_size(spec)[0]
        fresh_width, fresh_height = chart_base.drawn_size(spec)
        setting = explorer.params()
        assert _limit(remembered_width) == _limit(fresh_width), (
            f"{setting}: the remembered width {remembered_width} and the drawn width "
            f"{fresh_width} put the verdict in different places on a slide")
        limit = _limit(fresh_width)
        fitted = chart_base.fit_height(spec, limit)
        fresh = chart_base.fit_height(spec, limit, size=(fresh_width, fresh_height))
        drawn = chart_base.drawn_size(fitted)[1]
        allowed = max(limit, chart_base.drawn_size(fresh)[1]) + TOLERANCE_PX
        assert drawn <= allowed, (
            f"{setting}: fitted with a remembered size the chart is {drawn} px high; a fresh "
            f"fit gives at most {allowed - TOLERANCE_PX} px")
        checked += 1
    assert checked >= CHANGES // 3, f"only {checked} settings drew a chart"


def test_the_layout_key_counts_legend_entries_drawn_from_the_data():
    def spec(names):
        return {"mark": "line", "height": 200,
                "encoding": {"color": {"field": "who", "type": "nominal"}},
                "data": {"values": [{"who": name} for name in names]}}

    assert chart_base.layout_key(spec("ab")) == chart_base.layout_key(spec("cd"))
    assert chart_base.layout_key(spec("ab")) != chart_base.layout_key(spec("abcdefgh"))


def test_the_layout_key_counts_a_legend_once_in_steps_and_ignores_detail():
    """Six powers in one range of years and seven in another take the same room beside
    the plots (the explorer met a new layout, and drew it offline, for each count); a
    ``detail`` channel takes none. Sixteen powers are another layout."""
    def spec(powers, detail=False):
        encoding = {"color": {"field": "power", "type": "nominal", "sort": powers,
                              "scale": {"domain": powers, "range": ["#000"] * len(powers)}}}
        if detail:
            encoding["detail"] = {"field": "code", "type": "nominal"}
        return {"mark": "line", "height": 200, "encoding": encoding,
                "data": {"values": [{"power": p} for p in powers]}}

    six, seven = list("ABCDEF"), list("ABCDEFG")
    assert chart_base.layout_key(spec(six)) == chart_base.layout_key(spec(seven, detail=True))
    assert chart_base.layout_key(spec(six)) != chart_base.layout_key(spec(list("ABCDEFGHIJKLMNOP")))


def test_the_layout_key_keeps_line_counts_of_titles():
    one = {"mark": "bar", "title": {"text": "T", "subtitle": ["Source: A"]}}
    two = {"mark": "bar", "title": {"text": "T", "subtitle": ["Source: A", "and B"]}}
    other = {"mark": "bar", "title": {"text": "Another", "subtitle": ["Source: C"]}}
    assert chart_base.layout_key(one) == chart_base.layout_key(other)
    assert chart_base.layout_key(one) != chart_base.layout_key(two)


def test_the_shipped_layouts_were_drawn_by_the_installed_vl_convert():
    import json

    shipped = json.loads(layouts.LAYOUTS_FILE.read_text(encoding="utf-8"))
    assert shipped["vl_convert"] == layouts.vl_convert_version(), (
        f"course/charts/layouts.json was drawn by vl-convert {shipped['vl_convert']}, "
        f"{layouts.vl_convert_version()} is installed: run {layouts.BUILD_COMMAND}")
    assert shipped["sizes"] and shipped["scales"]


@pytest.mark.parametrize("factory", _factories())
def test_exploring_meets_only_shipped_layouts(factory, monkeypatch):
    """Random settings (not the build script's grid) draw nothing offline."""
    monkeypatch.setattr(chart_base, "_SIZES", {})
    monkeypatch.setattr(chart_base, "_SCALES", {})
    monkeypatch.setattr(layouts, "_UNSHIPPED", set())
    monkeypatch.delenv(layouts.RECORD_ENV, raising=False)
    layouts._shipped.cache_clear()
    random.seed(f"shipped {factory.__name__}")
    explorer = factory()
    unshipped = []
    for _ in range(WALK):
        name = random.choice(list(explorer.controls))
        choices = _choices(explorer.controls[name])
        if not choices:
            continue
        explorer.controls[name].value = random.choice(choices)
        if explorer.current is None or not hasattr(explorer.current.chart, "to_dict"):
            continue
        before = set(layouts.unshipped())
        fit_for_slides(chart_base.spec_of(explorer.current.chart))
        if set(layouts.unshipped()) - before:
            unshipped.append(explorer.params())
    assert not unshipped, (
        f"{len(unshipped)} settings drew a layout not in course/charts/layouts.json (the "
        f"kernel would load vl-convert), e.g. {unshipped[0]}: run {layouts.BUILD_COMMAND}")
