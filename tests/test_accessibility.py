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
import importlib
import inspect
import pkgutil
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


def test_data_table_holds_every_row_with_titled_headers():
    page = acc.data_table_html(_two_layer_spec())
    assert page.count("<table>") == 1  # both layers share one dataset
    assert page.count("<tr>") == 1 + 4
    assert '<th scope="col">Year (year)</th>' in page
    assert '<th scope="col">CINC share (share)</th>' in page
    # columns in channel order: x (year), y (share), colour (power)
    assert "<tr><td>1910</td><td>0.28</td><td>GMY</td></tr>" in page


def test_data_table_escapes_markup_and_says_when_it_is_cut():
    spec = {"mark": "bar", "data": {"values": [{"name": "<b>x</b>", "v": i} for i in range(5)]}}
    page = acc.data_table_html(spec, max_rows=3)
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert page.count("<tr>") == 1 + 3
    assert "Showing the first 3 of 5 rows." in page
    assert "embeds no data" in acc.data_table_html({"mark": "bar", "data": {"url": "x.csv"}})


# ------------------------------------------------------------ lessons, executed
LESSONS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
VEGALITE = re.compile(r"^application/vnd\.vegalite\.v\d+\+json$")


def test_all_seven_lessons_are_there_to_check():
    numbers = sorted(p.name[:2] for p in LESSONS)
    assert numbers == ["00", "01", "02", "03", "04", "05", "06"], numbers


@functools.cache
def _executed(path):
    """The lesson run once in a fresh kernel (cached: several checks read it)."""
    from course.export import execute_notebook, read_notebook

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
    from course.export import loaded_urls, make_static, notebook_html

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
