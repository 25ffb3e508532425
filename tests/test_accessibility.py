"""Accessibility: every chart has a text description, and the palettes survive CVD.

* Hand-checked cases for the colour science (CIEDE2000 against Sharma, Wu & Dalal's
  published test pairs; sRGB -> CIELAB against published values; one Machado et al.
  simulation worked by hand).
* ``course.charts.base.PALETTE`` and ``POWER_COLOURS`` keep every pair of colours at
  least ``MIN_DELTA_E`` apart under simulated protanopia, deuteranopia and tritanopia.
* Every lesson in ``notebooks/`` is executed (one fresh kernel per lesson) and every
  Vega-Lite output — in cells and inside explorer ``Output`` widgets — must carry a
  non-empty description; the handout made from it must load nothing from outside.
* Every ``*_explorer()`` in ``course.widgets`` is built with its default controls (and
  each option of its drop-downs) and its chart must carry a description.
"""

from __future__ import annotations

import copy
import functools
import html
import importlib
import inspect
import pkgutil
import random
import re

import pytest

from course.charts import accessible as acc
from course.charts.base import PALETTE, POWER_COLOURS
from course.errors import InputError
from course.paths import NOTEBOOKS_DIR

# ------------------------------------------------------------------ colour science

# Sharma, Wu & Dalal (2005), Table 1: (Lab1, Lab2, ΔE00). Pairs 1, 4, 7, 9-13, 17-20.
SHARMA_PAIRS = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0009), 7.1792),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0010), 7.1792),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0011), 7.2195),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0012), 7.2195),
    ((50.0, -0.0010, 2.4900), (50.0, 0.0009, -2.4900), 4.8045),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (61.0, -5.0, 29.0), 22.8977),
    ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
    ((50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA_PAIRS)
def test_ciede2000_matches_sharma_test_data(lab1, lab2, expected):
    assert acc.delta_e2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert acc.delta_e2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)  # symmetric


@pytest.mark.parametrize(("colour", "lab"), [
    ("#FFFFFF", (100.0, 0.0, 0.0)),
    ("#000000", (0.0, 0.0, 0.0)),
    ("#FF0000", (53.2408, 80.0925, 67.2032)),
    ("#00FF00", (87.7347, -86.1827, 83.1793)),
    ("#0000FF", (32.2970, 79.1875, -107.8602)),
])
def test_srgb_to_cielab_matches_published_values(colour, lab):
    assert acc.to_lab(colour) == pytest.approx(lab, abs=0.01)


def test_machado_protanopia_of_pure_red_worked_by_hand():
    # linear (1, 0, 0) -> first column of the matrix (0.152286, 0.114503, -0.003882);
    # clip to 0..1, gamma-encode: 1.055 * 0.152286 ** (1/2.4) - 0.055 = 0.4266 -> 109 (6D),
    # 0.114503 -> 0.3727 -> 95 (5F), negative blue -> 0.
    assert acc.simulate_cvd("#FF0000", "protanopia") == "#6D5F00"


@pytest.mark.parametrize("vision", ["protanopia", "deuteranopia", "tritanopia"])
def test_simulation_keeps_greys_and_each_matrix_row_sums_to_one(vision):
    for row in acc.CVD_MATRICES[vision]:
        assert sum(row) == pytest.approx(1.0, abs=1e-5)
    for grey in ("#000000", "#777777", "#FFFFFF"):
        assert acc.simulate_cvd(grey, vision) == grey


def test_simulation_reproduces_the_classic_confusions():
    red, green = "#D62728", "#2CA02C"  # matplotlib's default red and green
    blue, teal = "#1F77B4", "#2CA02C"
    normal_blue_teal = acc.colour_difference(blue, teal)
    assert acc.colour_difference(red, green) > 60
    assert acc.colour_difference(red, green, "deuteranopia") < 10
    assert acc.colour_difference(red, green, "protanopia") < 0.5 * acc.colour_difference(red, green)
    assert acc.colour_difference(blue, teal, "tritanopia") < 0.25 * normal_blue_teal
    assert acc.colour_difference(blue, teal, "deuteranopia") > 40


def test_bad_colours_and_visions_are_explained():
    with pytest.raises(InputError, match="hex colour"):
        acc.to_lab("blue")
    with pytest.raises(InputError, match="unknown vision"):
        acc.simulate_cvd("#000000", "monochromacy")
    with pytest.raises(InputError, match="at least two"):
        acc.palette_problems(["#000000"])


def _problem_text(problems):
    return "; ".join(f"{p['first']} vs {p['second']} under {p['vision']}: ΔE00 = {p['delta_e']}"
                     for p in problems)


def test_the_course_palette_stays_distinguishable_under_cvd():
    problems = acc.palette_problems(PALETTE)
    assert not problems, "course.charts.base.PALETTE: " + _problem_text(problems)


def test_the_power_colours_stay_distinguishable_under_cvd():
    problems = acc.palette_problems(POWER_COLOURS)
    assert not problems, (
        "course.charts.base.POWER_COLOURS has colours that people with a colour-vision "
        "deficiency cannot tell apart: " + _problem_text(problems)
        + f" (need ≥ {acc.MIN_DELTA_E}). A darker grey such as '#666666', or Tol's "
        "'#882255', passes for CHN.")


# ------------------------------------------------------------- alt text and tables
def _two_layer_spec():
    import altair as alt
    import pandas as pd

    from course.charts.base import finish

    data = pd.DataFrame({"year": [1900, 1910, 1900, 1910], "power": ["UKG", "UKG", "GMY", "GMY"],
                         "share": [0.30, 0.25, 0.20, 0.28]})
    lines = alt.Chart(data).mark_line().encode(
        x=alt.X("year:O", title="Year"), y=alt.Y("share:Q", title="CINC share"),
        color="power:N")
    dots = alt.Chart(data).mark_point().encode(x="year:O", y="share:Q")
    return finish(lines + dots, title=alt.Title("Shares", subtitle="Source: COW NMC 6.0"),
                  description="Germany overtakes Britain between 1900 and 1910.")


def test_alt_text_names_title_source_description_marks_and_fields():
    text = acc.alt_text(_two_layer_spec())
    assert text.startswith("Shares. Source: COW NMC 6.0. Germany overtakes Britain")
    assert "Line chart of CINC share (y) by Year (x), colour shows power." in text
    assert "Scatter plot of share (y) by year (x)." in text


def test_alt_text_rejects_what_is_not_a_chart():
    with pytest.raises(InputError, match="Altair chart or a Vega-Lite spec"):
        acc.alt_text("a chart")


def test_data_table_holds_every_row_with_human_headers():
    page = acc.data_table_html(_two_layer_spec())
    assert page.count("<table>") == 1  # both layers share one dataset
    assert page.count("<tr>") == 1 + 4
    # the chart's own names for its fields, never the raw ones beside them
    assert '<th scope="col">Year</th><th scope="col">CINC share</th><th scope="col">power</th>' \
        in page
    # columns in channel order: x (year), y (share), colour (power)
    assert "<tr><td>1910</td><td>0.28</td><td>GMY</td></tr>" in page


def test_data_table_escapes_markup_and_says_when_it_is_cut():
    spec = {"mark": "bar", "data": {"values": [{"name": "<b>x</b>", "v": i} for i in range(5)]}}
    page = acc.data_table_html(spec, max_rows=3)
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert page.count("<tr>") == 1 + 3
    assert "Showing the first 3 of 5 rows." in page
    assert "embeds no data" in acc.data_table_html({"mark": "bar", "data": {"url": "x.csv"}})


#: Columns that only lay a chart out, as the course's charts name them.
PLOTTING = {"segment", "shade", "side", "label_y", "label_side", "ypix", "align", "end_bar"}


def _plotted_spec():
    """A layered chart as the course draws them: lines in segments, a lookup table for
    names, labels placed by a computed y, a one-row threshold rule, an unencoded column."""
    rows = [{"year": y, "stateabb": s, "share": round(0.1 + (y % 7) / 50 + i / 10, 3),
             "segment": y // 20, "side": "left", "label_y": 0.5}
            for y in range(1900, 1960) for i, s in enumerate(["UKG", "GMY", "USA"])]
    names = [{"stateabb": "UKG", "power": "United Kingdom"},
             {"stateabb": "GMY", "power": "Germany"}, {"stateabb": "USA", "power": "USA"}]
    return {
        "title": {"text": "Shares", "subtitle": "Source: COW NMC 6.0"},
        "datasets": {"main": rows, "names": names, "rule": [{"threshold": 0.1, "label": "pole"}]},
        "layer": [
            {"data": {"name": "main"}, "mark": "line",
             "transform": [{"lookup": "stateabb", "from": {"data": {"name": "names"},
                                                          "key": "stateabb",
                                                          "fields": ["power"]}}],
             "encoding": {"x": {"field": "year", "type": "quantitative", "title": "Year"},
                          "y": {"field": "share", "type": "quantitative",
                                "title": ["Share of", "CINC"]},
                          "color": {"field": "power", "type": "nominal", "title": "Power"},
                          "detail": {"field": "segment", "type": "nominal"},
                          "tooltip": [{"field": "year"}, {"field": "share", "title": "Share"}]}},
            {"data": {"name": "main"}, "mark": "text",
             "encoding": {"x": {"field": "year", "type": "quantitative"},
                          "y": {"field": "label_y", "type": "quantitative"},
                          "text": {"field": "stateabb", "type": "nominal"}}},
            {"data": {"name": "rule"}, "mark": "rule",
             "encoding": {"y": {"field": "threshold", "type": "quantitative"},
                          "tooltip": [{"field": "label", "title": "Threshold"}]}}]}


def test_data_twin_keeps_what_the_chart_shows_and_nothing_that_only_lays_it_out():
    (twin,) = acc.data_twins(_plotted_spec())  # no lookup table, no one-row rule table
    assert twin.caption == "Data for “Shares”"
    assert twin.names == ["Year", "Share of CINC", "Power"]
    assert not PLOTTING & set(twin.fields)
    assert twin.rows[0] == {"year": 1900, "share": 0.16, "power": "United Kingdom"}  # 1900 % 7 = 3
    assert len(twin.rows) == 180  # whole: the HTML twin keeps every row
    assert acc.data_table_html(_plotted_spec(), max_rows=None).count("<tr>") == 1 + 180


def test_printed_twin_is_wide_short_and_says_where_the_whole_table_is():
    page = acc.print_table_html(_plotted_spec(), where="01-lesson.html")
    headers = re.findall(r'<th scope="col">([^<]*)</th>', page)
    assert headers == ["Year", "United Kingdom", "Germany", "USA"]  # one column per power
    rows = re.findall(r"<tr><td>(\d+)</td>", page)
    assert len(rows) == acc.PRINT_ROWS and rows[0] == "1900" and rows[-1] == "1959"
    assert ("Printed: 15 of 60 rows, evenly spaced from the first to the last. The whole table "
            "(180 rows) is in 01-lesson.html, under the chart.") in page


def _random_spec(rng: random.Random):
    """A chart of the kinds the course draws, with random sizes, names and extra columns."""
    n_series, n_x = rng.randint(1, 12), rng.randint(1, 240)
    kind = rng.choice(["line", "bar", "barh", "point"])
    extra = rng.sample(sorted(PLOTTING), rng.randint(0, 3))
    rows = [{"x": 1800 + i, "series": f"s{j}", "value": rng.random(),
             "note": "n" * rng.randint(1, 90), **{name: rng.random() for name in extra}}
            for i in range(n_x) for j in range(n_series)]
    x = {"field": "x", "type": "quantitative" if kind != "barh" else "nominal"}
    value = {"field": "value", "type": "quantitative", "title": "Value"}
    encoding = ({"x": value, "y": x} if kind == "barh" else {"x": x, "y": value})
    encoding |= {"color": {"field": "series", "type": "nominal"},
                 "tooltip": [{"field": "note"}]}
    for name in extra:
        encoding[rng.choice(["detail", "opacity", "order"])] = {"field": name,
                                                                "type": "quantitative"}
    mark = "bar" if kind == "barh" else kind
    return {"title": "Random", "mark": mark, "data": {"values": rows}, "encoding": encoding}


@pytest.mark.parametrize("seed", range(40))
def test_every_printed_twin_fits_half_a_page_and_every_html_twin_is_whole(seed):
    spec = _random_spec(random.Random(seed))
    rows = spec["data"]["values"]
    printed = acc.print_table_html(spec, where="x.html")
    whole = acc.data_table_html(spec, max_rows=None)
    assert whole.count("<tr>") == 1 + len(rows)
    tables = re.findall(r"<table>.*?</table>", printed, re.S)
    assert sum(table.count("<tr>") - 1 for table in tables) <= max(
        acc.PRINT_ROWS, 5 * len(tables))  # the chart's tables share half a page
    for table in tables:
        header = re.findall(r'<th scope="col">([^<]*)</th>', table)
        assert len(header) <= max(acc.PRINT_COLUMNS, acc.PRINT_SERIES + 1)
        assert not PLOTTING & set(header)
        cells = re.findall(r"<td>([^<]*)</td>", table)
        assert all(len(html.unescape(c)) <= acc.PRINT_CELL_CHARS for c in cells)
    if len(rows) > acc.PRINT_ROWS or "…" in printed:
        assert "is in x.html, under the chart." in printed


# ------------------------------------------------------------ lessons, executed
LESSONS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
VEGALITE = re.compile(r"^application/vnd\.vegalite\.v\d+\+json$")


def test_all_seven_lessons_are_there_to_check():
    numbers = sorted(p.name[:2] for p in LESSONS)
    assert numbers == ["00", "01", "02", "03", "04", "05", "06"], numbers


@functools.cache
def _executed(path):
    """The lesson run once in a fresh kernel (cached: several checks read it)."""
    from course.publish.export import execute_notebook, read_notebook

    nb = read_notebook(path)
    execute_notebook(nb, path.parent, timeout=120)
    return nb


def _vegalite_outputs(nb):
    """(where, spec) for every chart in cell outputs and in saved Output-widget states."""
    found = []
    for number, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            for mime, spec in (output.get("data") or {}).items():
                if VEGALITE.match(mime):
                    found.append((f"cell {number}", spec))
    widget_state = (nb.metadata.get("widgets", {})
                    .get("application/vnd.jupyter.widget-state+json", {}).get("state", {}))
    for model_id, model in widget_state.items():
        for output in model.get("state", {}).get("outputs", []) or []:
            for mime, spec in (output.get("data") or {}).items():
                if VEGALITE.match(mime):
                    found.append((f"widget {model_id[:8]}", spec))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_chart_in_the_lesson_has_a_description(path):
    charts = _vegalite_outputs(_executed(path))
    assert charts, f"{path.name} shows no chart at all when run"
    missing = [where for where, spec in charts if not str(spec.get("description", "")).strip()]
    assert not missing, f"{path.name}: charts without a text description at {missing}"
    for where, spec in charts:
        assert acc.alt_text(spec), where


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_the_lesson_handout_is_offline_and_every_chart_has_alt_text(path):
    from course.publish.export import loaded_urls, make_static, notebook_html

    nb = copy.deepcopy(_executed(path))
    in_cells = sum(where.startswith("cell") for where, _ in _vegalite_outputs(nb))
    counts = make_static(nb, keep_notes=True)
    page = notebook_html(nb, path.stem)
    assert loaded_urls(page) == []
    charts = [img for img in _images(page) if img.get("src", "").startswith("data:image/png")]
    assert len(charts) == counts["charts"] >= in_cells
    assert all(img.get("alt", "").strip() for img in charts)
    assert page.count("<summary>Data table</summary>") == counts["charts"]


def _images(page):
    """Attributes of every <img> in an HTML page."""
    from html.parser import HTMLParser

    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                found.append(dict(attrs))

    Collector().feed(page)
    return found


# ------------------------------------------------------------ explorers, directly
def _explorer_factories():
    import course.widgets as package
    from course.widgets.base import Explorer

    found = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name == "base":
            continue
        module = importlib.import_module(f"course.widgets.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if (name.endswith("_explorer") and function.__module__ == module.__name__
                    and inspect.signature(function).return_annotation in (
                        Explorer, "Explorer")):
                found.append(f"{info.name}.{name}")
    return sorted(found)


EXPLORERS = _explorer_factories()


def test_there_are_explorers_to_check():
    assert len(EXPLORERS) >= 5, EXPLORERS


@pytest.mark.parametrize("qualname", EXPLORERS)
def test_every_explorer_chart_has_a_description_for_each_choice(qualname):
    module_name, function_name = qualname.split(".")
    module = importlib.import_module(f"course.widgets.{module_name}")
    explorer = getattr(module, function_name)()
    assert explorer.error is None, f"{qualname}() with its defaults: {explorer.error}"
    checked = [explorer.current]
    for control in explorer.controls.values():
        options = getattr(control, "options", None)
        if not options or isinstance(control.value, tuple | list):
            continue
        default = control.value
        for option in options:
            control.value = option[1] if isinstance(option, tuple) else option
            if explorer.error is None:
                checked.append(explorer.current)
            else:  # a deliberate message (e.g. no data in these years) is fine; no chart
                assert explorer.current is None and explorer.error.strip()
        control.value = default
    for view in checked:
        spec = view.chart.to_dict()
        assert str(spec.get("description", "")).strip(), f"{qualname}: chart without description"
        assert "<td>" in acc.data_table_html(spec), f"{qualname}: chart embeds no rows"
