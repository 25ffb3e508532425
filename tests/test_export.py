"""``course export``: notebooks become self-contained, accessible HTML handouts.

The end-to-end tests run ``course export`` once (module fixture) on two small
notebooks written here: one that draws a chart and shows an explorer, one whose cell
raises. Expected values are worked by hand from the notebook's own numbers.
"""

from __future__ import annotations

import base64
import shutil
import struct
from html.parser import HTMLParser

import nbformat
import pytest

from course import export
from course.cli import main
from course.errors import InputError

# ------------------------------------------------------------------ pure parts
SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.20.1.json",
    "title": {"text": "Spending", "subtitle": "Source: hand-made"},
    "description": "France spends more than Russia.",
    "mark": "bar", "width": 200, "height": 100,
    "data": {"values": [{"power": "FRN", "milex": 37.0}, {"power": "RUS", "milex": 12.5}]},
    "encoding": {"x": {"field": "power", "type": "nominal", "title": "Power"},
                 "y": {"field": "milex", "type": "quantitative"}},
}


class Page(HTMLParser):
    """Collects images, figure captions and table cells of an HTML page."""

    def __init__(self, text):
        super().__init__()
        self.images, self.captions, self.cells, self.summaries = [], [], [], []
        self._where = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))
        if tag in ("figcaption", "td", "summary"):
            self._where = tag
            {"figcaption": self.captions, "td": self.cells,
             "summary": self.summaries}[tag].append("")

    def handle_endtag(self, tag):
        if tag == self._where:
            self._where = None

    def handle_data(self, data):
        if self._where:
            {"figcaption": self.captions, "td": self.cells,
             "summary": self.summaries}[self._where][-1] += data


def _png(img):
    assert img["src"].startswith("data:image/png;base64,")
    return base64.b64decode(img["src"].split(",", 1)[1])


def test_chart_html_has_image_alt_text_caption_and_data_table():
    page = Page(export.chart_html(SPEC))
    (img,) = page.images
    png = _png(img)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # rendered at 2x: the image is wider than the 200 px plot area, and shown at half size
    assert struct.unpack(">I", png[16:20])[0] == 2 * int(img["width"]) > 400
    assert img["alt"].startswith("Spending. Source: hand-made. France spends more than Russia.")
    assert "Bar chart of milex (y) by Power (x)" in img["alt"]
    assert page.captions == ["Spending. Source: hand-made. France spends more than Russia."]
    assert page.summaries == ["Data table"]
    assert page.cells == ["FRN", "37", "RUS", "12.5"]


def test_chart_html_as_svg_and_without_description():
    spec = {key: value for key, value in SPEC.items() if key != "description"}
    page = Page(export.chart_html(spec, image="svg"))
    (img,) = page.images
    svg = base64.b64decode(img["src"].split(",", 1)[1]).decode()
    assert img["src"].startswith("data:image/svg+xml;base64,") and "<svg" in svg
    assert "has no text description" in page.captions[0]
    with pytest.raises(InputError, match="'png' or 'svg'"):
        export.chart_html(SPEC, image="gif")


@pytest.mark.parametrize(("page", "expected"), [
    ('<script src="https://cdn.example.org/vega.js"></script>', ["https://cdn.example.org/vega.js"]),
    ('<link rel="stylesheet" href="//fonts.example.org/x.css">', ["//fonts.example.org/x.css"]),
    ("<style>@import 'https://x.org/a.css'; p {background: url(img/b.png)}</style>",
     ["img/b.png", "https://x.org/a.css"]),
    ('<img srcset="a.png 1x, https://x.org/b.png 2x">', ["a.png", "https://x.org/b.png"]),
    ('<div style="background-image: url(\'http://x.org/c.png\')"></div>', ["http://x.org/c.png"]),
    ('<a href="https://www.correlatesofwar.org">COW</a><a href="#top">top</a>', []),
    ('<img src="data:image/png;base64,AAAA"><script>var a = 1;</script>', []),
])
def test_loaded_urls_finds_every_fetch_but_not_links(page, expected):
    assert sorted(export.loaded_urls(page)) == sorted(expected)


def _widget_state():
    def model(name, **state):
        return {"model_name": name, "state": state}

    return {
        "root": model("VBoxModel", children=["IPY_MODEL_title", "IPY_MODEL_row",
                                             "IPY_MODEL_verdict", "IPY_MODEL_out"]),
        "title": model("HTMLModel", value="<b>Explorer</b>", description=""),
        "row": model("HBoxModel", children=["IPY_MODEL_n", "IPY_MODEL_measure",
                                            "IPY_MODEL_years"], layout="IPY_MODEL_lay"),
        "lay": model("LayoutModel"),
        "n": model("IntSliderModel", value=5, description="Allies"),
        "measure": model("DropdownModel", _options_labels=["CINC", "GDP"], index=1,
                         description="Measure"),
        "years": model("IntRangeSliderModel", value=[1870, 1914], description="Years"),
        "verdict": model("HTMLModel", value="<p>Britain leads in 1870 only.</p>"),
        "out": model("OutputModel", outputs=[
            {"output_type": "display_data", "metadata": {},
             "data": {"application/vnd.vegalite.v5+json": SPEC, "text/plain": "chart"}}]),
    }


def test_widget_html_states_settings_verdict_and_static_chart():
    counts = {"charts": 0}
    text = export.widget_html("root", _widget_state(), counts=counts)
    assert "Allies = 5; Measure = GDP; Years = 1870–1914" in text
    assert "<p>Britain leads in 1870 only.</p>" in text
    assert counts == {"charts": 1}
    assert len(Page(text).images) == 1 and "Open the notebook in JupyterLab" in text
    missing = export.widget_html("gone", _widget_state())
    assert "needs a running notebook" in missing and not Page(missing).images


def test_typed_boxes_that_repeat_a_slider_are_not_listed_twice():
    import ipywidgets as widgets
    from ipywidgets.embed import dependency_state

    from course.widgets.controls import PercentSlider, YearRange

    row = widgets.HBox([PercentSlider(0.25, min=0.05, max=0.5, description="Pole ≥"),
                        YearRange((1870, 1914), min=1816, max=2018, description="Years")])
    state = {mid: {"model_name": model["model_name"], "state": model["state"]}
             for mid, model in dependency_state(row).items()}
    text = export.widget_html(row.model_id, state)
    assert "with the settings Pole ≥ = 0.25; Years = 1870–1914 when" in text
    assert "Text" not in text and "<p>to</p>" not in text


# ------------------------------------------------------------------ end to end
TOY_CHART = '''import altair as alt, pandas as pd, ipywidgets as w
from course.charts.base import finish
from course.widgets.base import Explorer, View
def squares(n):
    data = pd.DataFrame({"x": list(range(n)), "y": [i * i for i in range(n)]})
    chart = finish(alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q"),
                   title="Squares", description=f"Squares of 0 to {n - 1}.")
    return View(chart=chart, verdict=f"The largest square is {(n - 1) ** 2}.")
squares(4).chart'''


def _notebook(cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = cells
    return nb


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """``course export --pdf`` once: a good notebook, a failing one, one that kills its kernel."""
    folder = tmp_path_factory.mktemp("export")
    good = _notebook([
        nbformat.v4.new_markdown_cell("# Toy lesson\n\n![logo](https://example.org/logo.png)"),
        nbformat.v4.new_code_cell("import course\ncourse.setup()"),
        nbformat.v4.new_code_cell(TOY_CHART),
        nbformat.v4.new_code_cell('Explorer(squares, {"n": w.IntSlider(value=3, min=2, max=9, '
                                  'description="n")}, title="Toy explorer")'),
        nbformat.v4.new_markdown_cell("Instructor only: ask about squares."),
    ])
    good.cells[-1].metadata["slideshow"] = {"slide_type": "notes"}
    bad = _notebook([nbformat.v4.new_code_cell("1 / 0")])
    dies = _notebook([nbformat.v4.new_code_cell("import os\nos._exit(3)")])
    nbformat.write(good, folder / "good.ipynb")
    nbformat.write(bad, folder / "bad.ipynb")
    nbformat.write(dies, folder / "dies.ipynb")
    out = folder / "handouts"
    import contextlib
    import io

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = main(["export", str(folder / "good.ipynb"), str(folder / "bad.ipynb"),
                     str(folder / "dies.ipynb"), "--out", str(out), "--pdf"])
    return {"code": code, "log": stderr.getvalue(), "out": out,
            "html": (out / "good.html").read_text()}


def test_export_shows_progress_and_fails_only_the_broken_notebooks(exported):
    log = exported["log"]
    assert exported["code"] == 1
    assert "[1/3]" in log and "[2/3]" in log and "[3/3]" in log
    assert "good.ipynb: 2 chart(s), 1 widget(s) made static" in log
    assert "bad.ipynb: FAILED" in log and "ZeroDivisionError" in log
    assert "dies.ipynb: FAILED" in log and "the kernel died" in log
    assert "1 of 3 handout(s) written" in log
    assert not (exported["out"] / "bad.html").exists()
    assert not (exported["out"] / "dies.html").exists()
    assert "Kernel is running over TCP" not in log  # kernel noise stays out of the progress


def test_handout_loads_nothing_and_has_no_scripts_from_elsewhere(exported):
    page = exported["html"]
    assert export.loaded_urls(page) == []
    assert "application/vnd.jupyter.widget-state" not in page
    assert "<script src" not in page
    # the remote image in markdown became a link
    assert 'href="https://example.org/logo.png"' in page


def test_handout_charts_are_static_with_alt_text_and_tables(exported):
    page = Page(exported["html"])
    charts = [img for img in page.images if img.get("src", "").startswith("data:image/png")]
    assert len(charts) == 2  # squares(4) in a cell, squares(3) inside the explorer
    alts = sorted(img["alt"] for img in charts)
    assert alts[0].startswith("Squares. Squares of 0 to 2.")
    assert alts[1].startswith("Squares. Squares of 0 to 3.")
    assert page.summaries == ["Data table", "Data table"]
    # the cell (n = 4), then the explorer (n = 3): x, y pairs worked by hand
    assert page.cells == ["0", "0", "1", "1", "2", "4", "3", "9", "0", "0", "1", "1", "2", "4"]
    assert "with the settings n = 3" in exported["html"]
    assert "The largest square is 4." in exported["html"]
    assert "Instructor only" not in exported["html"]  # notes cells are left out


def test_pdf_is_printed_or_the_reason_is_given(exported):
    pdf = exported["out"] / "good.pdf"
    if export.find_chromium():
        assert pdf.read_bytes()[:5] == b"%PDF-"
    else:
        assert not pdf.exists() and "no Chromium or Chrome on PATH" in exported["log"]


def test_print_pdf_without_a_browser_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InputError, match="print it to PDF"):
        export.print_pdf(tmp_path / "a.html", tmp_path / "a.pdf")


def test_no_execute_uses_saved_outputs_without_a_kernel(tmp_path):
    nb = _notebook([nbformat.v4.new_code_cell("chart")])
    nb.cells[0].outputs = [nbformat.v4.new_output(
        "display_data", data={"application/vnd.vegalite.v5+json": SPEC, "text/plain": "c"})]
    nbformat.write(nb, tmp_path / "saved.ipynb")
    handout = export.export_notebook(tmp_path / "saved.ipynb", tmp_path / "out", execute=False)
    assert handout.charts == 1 and handout.widgets == 0
    page = Page(handout.html_path.read_text())
    assert page.cells == ["FRN", "37", "RUS", "12.5"]


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: d / "missing.ipynb", "no such file or folder"),
    (lambda d: (d / "notes.txt").write_text("x") and d / "notes.txt", "not a notebook"),
    (lambda d: (d / "empty").mkdir() or d / "empty", "folder has no .ipynb notebooks"),
])
def test_bad_paths_get_a_clear_message(tmp_path, capsys, make, message):
    assert main(["export", str(make(tmp_path)), "--out", str(tmp_path / "o")]) == 1
    assert message in capsys.readouterr().err


def test_broken_notebook_file_is_reported(tmp_path):
    (tmp_path / "broken.ipynb").write_text("{not json")
    with pytest.raises(InputError, match="not a readable notebook"):
        export.read_notebook(tmp_path / "broken.ipynb")
