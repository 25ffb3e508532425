"""The pattern every claim explorer follows: controls -> pure function -> chart + verdict.

An explorer is a thin shell. All the work happens in a pure function
``view(**params) -> View`` that tests call directly; the widget only

1. builds ipywidgets controls whose ``value``\\s are the function's parameters,
2. calls the function when a control changes,
3. shows the returned chart in an ``Output`` and the verdict sentence in an ``HTML``.

The latest :class:`View` is kept on ``explorer.current`` so a test can set
``explorer.controls["measure"].value = "gdp"`` and assert on ``explorer.current``.
Errors from bad combinations (an empty year range, say) are shown as a message in
the widget instead of a traceback, and so is a control's own ``error`` (a typed entry
it cannot read, see :mod:`course.widgets.controls`): the message replaces the chart
until the entry is mended, so nothing is silently replaced.

Every control is laid out so its text is never cut (:func:`fit_control`): labels take
the room they need, a dropdown is as wide as its longest choice, and a slider's readout
("1870 – 1914", "25%") is never squeezed by the slider beside it.

Examples
--------
>>> import pandas as pd, altair as alt
>>> from course.charts.base import finish
>>> def square_view(n):
...     data = pd.DataFrame({"x": list(range(n)), "y": [i * i for i in range(n)]})
...     chart = finish(alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q"),
...                    title="Squares", description=f"Squares of 0 to {n - 1}.")
...     return View(chart=chart, verdict=f"The largest square is {(n - 1) ** 2}.")
>>> import ipywidgets as w
>>> slider = w.IntSlider(value=3, min=2, max=10)
>>> explorer = Explorer(square_view, {"n": slider})
>>> explorer.current.verdict
'The largest square is 4.'
>>> slider.value = 5  # the explorer recomputes at once
>>> explorer.current.verdict
'The largest square is 16.'
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets

from course.errors import CourseError


@dataclass
class View:
    """What an explorer shows for one setting of its controls."""

    chart: Any
    verdict: str
    table: Any = None  # optional pandas DataFrame behind the chart
    details: dict = field(default_factory=dict)


#: An explorer's chart shares a slide with its controls and its verdict (the deck's styles,
#: jupyter/labextensions/alliances-course-deck/static/course.css, set the controls in rows
#: above the chart and the verdict beside it, or below it when the chart is wider than
#: SLIDE_WIDE_CHART). Drawn sizes in the chart's own pixels: on a 1280x720 slide an
#: explorer's chart is drawn 1.2 times larger (see :func:`course.charts.base.fit_height`).
SLIDE_WIDE_CHART = 680
SLIDE_CHART_HEIGHT = {"verdict beside": 420, "verdict below": 250}


def fit_for_slides(spec: dict) -> dict:
    """An explorer's chart spec, low enough to share a slide with the controls and verdict.

    Examples
    --------
    >>> import altair as alt, pandas as pd
    >>> bars = alt.Chart(pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})).mark_bar().encode(
    ...     x="x:N", y="y:Q")
    >>> spec = alt.vconcat(bars.properties(height=300), bars.properties(height=200)).to_dict()
    >>> [view["height"] for view in fit_for_slides(spec)["vconcat"]] < [300, 200]
    True
    """
    from course.charts.base import drawn_size, fit_height

    size = drawn_size(spec)
    beside = size[0] <= SLIDE_WIDE_CHART
    return fit_height(spec, SLIDE_CHART_HEIGHT["verdict beside" if beside else "verdict below"],
                      size=size)


def _in_ipython() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    return get_ipython() is not None


#: Scoped CSS for an explorer's controls (ipywidgets' defaults cut labels at 80 px, let a
#: slider squeeze its readout, and give a dropdown and a toggle button a fixed width
#: whatever their text).
EXPLORER_CSS = """
.course-explorer .widget-readout { flex: 0 0 auto; min-width: max-content; max-width: none; }
.course-explorer .widget-hbox > .jupyter-widgets { margin-right: 1.2em; }
.course-explorer .widget-label { max-width: none; overflow: visible; text-overflow: clip; }
.course-explorer .widget-dropdown { width: max-content !important; max-width: 100%; }
.course-explorer .widget-dropdown > select { flex: 0 0 auto; width: auto; max-width: none; }
.course-explorer .widget-toggle-buttons { display: flex; align-items: center; }
.course-explorer .widget-toggle-button { width: auto; min-width: max-content; }
.course-explorer .widget-checkbox { width: max-content; margin-right: 1em; }
"""


def fit_control(control: widgets.Widget) -> widgets.Widget:
    """Let ``control`` show all of its label and value (see :data:`EXPLORER_CSS`).

    Examples
    --------
    >>> slider = widgets.IntSlider(description="Window (yrs)")
    >>> fit_control(slider).style.description_width
    'initial'
    """
    if isinstance(control, widgets.Box):  # a control made of parts (course.widgets.controls)
        for part in control.children:
            fit_control(part)
        return control
    style = getattr(control, "style", None)
    if getattr(control, "description", "") and hasattr(style, "description_width"):
        style.description_width = "initial"
    if isinstance(control, widgets.Dropdown):
        control.layout.width = "max-content"
    if isinstance(control, widgets.ToggleButtons):  # each button as wide as its label
        control.style.button_width = "max-content"
    return control


def readable(box: widgets.Box, controls) -> widgets.Box:
    """Make ``box`` show its ``controls`` whole: :func:`fit_control` and the scoped CSS.

    Used by :class:`Explorer` and by other course forms (the claim ledger).
    """
    for control in controls:
        fit_control(control)
    box.children = (widgets.HTML(f"<style>{EXPLORER_CSS}</style>"), *box.children)
    box.add_class("course-explorer")
    return box


class Explorer:
    """An ipywidgets shell over a pure ``view`` function.

    Parameters
    ----------
    view : callable
        ``view(**params) -> View``; must not touch widgets.
    controls : mapping of parameter name -> ipywidgets control
        Each control's ``value`` is passed to ``view`` under its name.
    title : str, optional
        Shown above the controls.
    rows : list of list of str, optional
        The controls' names, row by row, to keep related controls together (e.g. the
        set of powers beside the states added to it). Default: one row that wraps.
    """

    def __init__(self, view: Callable[..., View], controls: Mapping[str, widgets.Widget],
                 title: str = "", rows: list[list[str]] | None = None):
        self.view = view
        self.controls = dict(controls)
        self.current: View | None = None
        self.error: str | None = None
        self._shown: tuple | None = None
        self.chart_output = widgets.Output()
        self.verdict_html = widgets.HTML()
        header = ([widgets.HTML(f"<b>{html.escape(title)}</b>",
                                _dom_classes=("course-explorer-title",))] if title else [])
        controls_box = widgets.VBox(self._rows(rows))
        self.widget = readable(widgets.VBox([*header, controls_box, self.verdict_html,
                                             self.chart_output]), self.controls.values())
        # Class names the course's deck styles hook on (jupyter/labextensions/
        # alliances-course-deck/static/course.css).
        self.widget.add_class("course-explorer-view")  # an explorer, not another course form
        controls_box.add_class("course-explorer-controls")
        self.verdict_html.add_class("course-explorer-verdict")
        self.chart_output.add_class("course-explorer-chart")
        for control in self.controls.values():
            names = ["value", "error"] if control.has_trait("error") else ["value"]
            control.observe(self._on_change, names=names)
        self.refresh()

    def _rows(self, rows: list[list[str]] | None) -> list[widgets.Box]:
        if rows is None:
            rows = [list(self.controls)]
        placed = [name for row in rows for name in row]
        if sorted(placed) != sorted(self.controls):
            raise ValueError(f"rows must name each control once: {sorted(self.controls)}, "
                             f"got {placed}")
        return [widgets.HBox([self.controls[name] for name in row],
                             layout=widgets.Layout(flex_flow="row wrap",
                                                   align_items="center"),
                             _dom_classes=("course-explorer-row",))
                for row in rows]

    def params(self) -> dict[str, Any]:
        """The current control values, as keyword arguments for ``view``."""
        return {name: control.value for name, control in self.controls.items()}

    def control_errors(self) -> list[str]:
        """Messages of the controls that hold an entry they cannot read (see ``controls``)."""
        return [control.error for control in self.controls.values()
                if getattr(control, "error", "")]

    def refresh(self) -> View | None:
        """Recompute the view from the controls and redraw."""
        problems = self.control_errors()
        self._shown = (self.params(), problems)
        if problems:
            self.current, self.error = None, " ".join(problems)
        else:
            try:
                self.current = self.view(**self.params())
                self.error = None
            except CourseError as error:
                self.current, self.error = None, str(error)
        self._draw()
        return self.current

    def _on_change(self, _change) -> None:
        # A typed entry may change a control's value and clear its error together:
        # recompute once for the pair.
        if self._shown != (self.params(), self.control_errors()):
            self.refresh()

    def _draw(self) -> None:
        if self.error:
            self.verdict_html.value = (
                f"<span style='color:#D55E00'>&#9888; {html.escape(self.error)}</span>")
        else:
            self.verdict_html.value = f"<p>{html.escape(self.current.verdict)}</p>"
        if not _in_ipython():  # plain Python (tests, scripts): nothing to draw into
            return
        # Replace the Output widget's ``outputs`` state in one step instead of capturing
        # ``display()`` with ``with self.chart_output:``. Capturing routes the chart through
        # the kernel's IOPub channel tagged with the Output's msg_id, and a headless runner
        # (nbclient, used by ``course export`` and the tests) then mimics the Output widget
        # by sending comm messages back on the shell channel while it is still waiting for
        # the cell's execute_reply on that socket; that occasionally loses the reply's
        # wake-up, so the cell "hangs" until nbclient's timeout. Setting the state directly
        # gives the same picture in JupyterLab and sends nothing back.
        self.chart_output.outputs = self._chart_outputs()

    def _chart_outputs(self) -> tuple[dict, ...]:
        """The current chart as Output-widget outputs (empty when there is no chart)."""
        if self.current is None:
            return ()
        from IPython import get_ipython

        data, metadata = get_ipython().display_formatter.format(self.current.chart)
        for mimetype, spec in list(data.items()):
            if mimetype.startswith("application/vnd.vegalite") and isinstance(spec, dict):
                data[mimetype] = fit_for_slides(spec)
        return ({"output_type": "display_data", "data": data, "metadata": metadata},)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
