"""The Explorer shell: the chart lives in the Output widget's state, set in one step."""

from __future__ import annotations

import altair as alt
import ipywidgets as widgets
import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from course.charts.base import finish
from course.errors import InputError
from course.widgets.base import Explorer, View

VEGALITE = "application/vnd.vegalite.v5+json"


def _line_view(n: int) -> View:
    if n < 2:
        raise InputError("pick at least 2 points")
    data = pd.DataFrame({"x": range(n), "y": [i * i for i in range(n)]})
    chart = finish(alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q"),
                   title="Squares", description=f"Squares of 0 to {n - 1}.")
    return View(chart=chart, verdict=f"{n} points")


@pytest.fixture
def shell():
    """An in-process IPython shell, so the explorer draws as it would in a kernel."""
    instance = InteractiveShell.instance()
    previous = alt.renderers.active
    alt.renderers.enable("mimetype")  # what course.setup() selects in a lesson
    yield instance
    alt.renderers.enable(previous)
    InteractiveShell.clear_instance()


def test_the_chart_is_the_output_widgets_state_and_follows_the_controls(shell):
    slider = widgets.IntSlider(value=3, min=0, max=10)
    explorer = Explorer(_line_view, {"n": slider})
    (first,) = explorer.chart_output.outputs
    assert first["output_type"] == "display_data"
    assert first["data"][VEGALITE]["description"] == "Squares of 0 to 2."
    slider.value = 6
    (second,) = explorer.chart_output.outputs
    assert second["data"][VEGALITE]["description"] == "Squares of 0 to 5."


def test_a_bad_setting_clears_the_chart_and_shows_the_message(shell):
    slider = widgets.IntSlider(value=3, min=0, max=10)
    explorer = Explorer(_line_view, {"n": slider})
    slider.value = 1
    assert explorer.chart_output.outputs == ()
    assert "pick at least 2 points" in explorer.verdict_html.value
    slider.value = 4
    assert len(explorer.chart_output.outputs) == 1 and explorer.error is None
