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
it cannot read, see :mod:`course.widgets.controls`): the message takes the verdict's
place and the last chart that could be drawn stays, dimmed, until the entry is mended,
so nothing is silently replaced and nothing vanishes.

In a kernel, changes that arrive while the explorer is still drawing (a slider dragged,
boxes ticked in quick succession) are merged: only the latest setting is computed and
drawn, never a queue of the settings in between; while it works, the chart is marked
busy, which shows (dimmed, "Updating…") only if it takes longer than
:data:`BUSY_AFTER_MS`. Reading ``explorer.current`` or ``explorer.error`` always gives
the view of the controls' present values.

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

import asyncio
import contextlib
import html
import json
import os
import time
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

    The chart's drawn size is worked out once per layout
    (:func:`course.charts.base.layout_size`, :func:`~course.charts.base.fit_height`), so a
    control change that keeps the layout draws nothing offline.

    Examples
    --------
    >>> import altair as alt, pandas as pd
    >>> bars = alt.Chart(pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})).mark_bar().encode(
    ...     x="x:N", y="y:Q")
    >>> spec = alt.vconcat(bars.properties(height=300), bars.properties(height=200)).to_dict()
    >>> [view["height"] for view in fit_for_slides(spec)["vconcat"]] < [300, 200]
    True
    """
    from course.charts.base import fit_height, layout_size

    beside = layout_size(spec)[0] <= SLIDE_WIDE_CHART
    return fit_height(spec, SLIDE_CHART_HEIGHT["verdict beside" if beside else "verdict below"])


#: A change that takes longer than this (from the moment the kernel receives it to the
#: drawn chart) shows the chart as busy: dimmed, with "Updating…" over it (EXPLORER_CSS).
BUSY_AFTER_MS = 300
#: Changes that reach the kernel less than this long after a redraw ended are merged into
#: one redraw of the latest setting (they were queued while the kernel was drawing).
MERGE_WITHIN_S = 0.05
#: Explorers have been left alone this long (no change to any of them) before one does the
#: work its first visits of other settings will need (``Explorer(warm=...)``), one piece at
#: a time: a student reading, or the pause between two clicks, is time enough, and a change
#: made while a piece runs waits for that piece only.
WARM_AFTER_S = 0.3
#: time.monotonic() of the last change or redraw of any explorer in this kernel.
_last_activity = float("-inf")


def _active() -> None:
    global _last_activity
    _last_activity = time.monotonic()
#: Set to a file name, each redraw appends one JSON line with its timings in ms
#: (``benchmarks/bench_explorers_browser.py`` reads it); unset, nothing is written.
TIMINGS_ENV = "COURSE_EXPLORER_TIMINGS"


def _event_loop():
    """The running asyncio loop (a kernel handling a message or a cell), or None."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


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
.course-explorer .course-explorer-chart { position: relative; }
.course-explorer .course-explorer-stale .jp-OutputArea-output {
  opacity: 0.35; filter: grayscale(1); }
.course-explorer .course-explorer-busy .jp-OutputArea-output {
  animation: course-explorer-dim 0s linear {busy}ms forwards; cursor: progress; }
.course-explorer .course-explorer-busy::after {
  content: "Updating\\2026"; position: absolute; top: 0.3em; left: 0.3em; z-index: 1;
  padding: 0.1em 0.6em; border-radius: 0.8em; background: #0072B2; color: white;
  font-size: var(--jp-widgets-font-size, 13px); opacity: 0; pointer-events: none;
  animation: course-explorer-show 0s linear {busy}ms forwards; }
@keyframes course-explorer-dim { to { opacity: 0.45; } }
@keyframes course-explorer-show { to { opacity: 1; } }
""".replace("{busy}", str(BUSY_AFTER_MS))


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
    warm : iterable of callables, optional
        Work a later change will need (computing a measure's series, say), each a
        function of no arguments: in a kernel, they are called one at a time while the
        explorers are left alone (no change to any for :data:`WARM_AFTER_S`), so that the
        first visit of a setting does not wait for them. Not called in plain Python.
    """

    def __init__(self, view: Callable[..., View], controls: Mapping[str, widgets.Widget],
                 title: str = "", rows: list[list[str]] | None = None, warm=()):
        self.view = view
        self.controls = dict(controls)
        self.title = title
        self._current: View | None = None
        self._error: str | None = None
        self._shown: tuple | None = None
        self._pending = None  # the merged redraw waiting on the event loop (asyncio handle)
        self._drawn_at = float("-inf")  # time.monotonic() when the last redraw ended
        self._chart_shown = False  # whether chart_output holds a chart (kept when stale)
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
        self._warm = list(warm)
        loop = _event_loop()
        if self._warm and loop is not None:
            loop.call_later(WARM_AFTER_S, self._warm_next)

    @property
    def current(self) -> View | None:
        """The view of the controls' present values (None while they cannot be read)."""
        self._flush()
        return self._current

    @property
    def error(self) -> str | None:
        """The message shown instead of a verdict, or None."""
        self._flush()
        return self._error

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
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        began = time.perf_counter()
        problems = self.control_errors()
        self._shown = (self.params(), problems)
        if problems:
            self._current, self._error = None, " ".join(problems)
        else:
            from altair.utils.schemapi import debug_mode

            try:
                # Altair checks every object it builds against the Vega-Lite schema; the
                # tests build each view with that check, so the widget skips it.
                with debug_mode(False):
                    self._current = self.view(**self.params())
                self._error = None
            except CourseError as error:
                self._current, self._error = None, str(error)
            except Exception:  # a bug: let it be seen, but do not leave the chart "busy"
                self._busy(False)
                raise
        viewed = time.perf_counter()
        with self.chart_output.hold_sync():  # the chart and "not busy" in one message
            self._draw()
            self._busy(False)
        self._drawn_at = time.monotonic()
        _active()
        self._log_timing(began, viewed)
        return self._current

    def _flush(self) -> None:
        """Redraw now if a merged redraw is still waiting (code reads what the controls say)."""
        if self._pending is not None:
            self.refresh()

    def _on_change(self, _change) -> None:
        # A typed entry may change a control's value and clear its error together:
        # recompute once for the pair.
        if self._shown == (self.params(), self.control_errors()):
            if self._pending is not None:  # changed and changed back before the redraw
                self._pending.cancel()
                self._pending = None
                self._busy(False)
            return
        loop = _event_loop()
        if loop is None:  # plain Python (tests, scripts): at once
            self.refresh()
            return
        _active()
        self._busy(True)
        wait = self._drawn_at + MERGE_WITHIN_S - time.monotonic()
        if self._pending is None and wait <= 0:  # nothing queued: draw at once
            self.refresh()
        elif self._pending is None:  # arrived while drawing: merge with what follows
            self._pending = loop.call_later(wait, self._run_pending)

    def _run_pending(self) -> None:
        self._pending = None
        self.refresh()

    def _warm_next(self) -> None:
        """Do one piece of :attr:`_warm` if explorers are idle; then come back for more."""
        loop = _event_loop()
        idle_for = time.monotonic() - max(self._drawn_at, _last_activity)
        if self._pending is not None or idle_for < WARM_AFTER_S:
            loop.call_later(WARM_AFTER_S - min(idle_for, WARM_AFTER_S) + 0.01,
                            self._warm_next)
            return
        work = self._warm.pop(0)
        with contextlib.suppress(CourseError):  # a setting without data: nothing to keep
            work()
        if self._warm:
            loop.call_later(0.05, self._warm_next)

    def _busy(self, busy: bool) -> None:
        if busy:
            self.chart_output.add_class("course-explorer-busy")
        else:
            self.chart_output.remove_class("course-explorer-busy")

    def _log_timing(self, began: float, viewed: float) -> None:
        path = os.environ.get(TIMINGS_ENV)
        if not path:
            return
        now = time.perf_counter()
        line = {"explorer": self.title, "pid": os.getpid(), "at": time.time(),
                "view_ms": round(1000 * (viewed - began), 2),
                "draw_ms": round(1000 * (now - viewed), 2),
                "total_ms": round(1000 * (now - began), 2), "error": bool(self._error)}
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")

    def _draw(self) -> None:
        if self._error:
            kept = (" The dimmed chart is the last one that could be drawn."
                    if self._chart_shown else "")
            self.verdict_html.value = (
                f"<span style='color:#D55E00'>&#9888; {html.escape(self._error)}</span>"
                f"<span class='course-explorer-kept'>{kept}</span>")
        else:
            self.verdict_html.value = f"<p>{html.escape(self._current.verdict)}</p>"
        if not _in_ipython():  # plain Python (tests, scripts): nothing to draw into
            return
        if self._current is None:  # keep the last good chart, dimmed, beside the message
            self.chart_output.add_class("course-explorer-stale")
            return
        # Replace the Output widget's ``outputs`` state in one step instead of capturing
        # ``display()`` with ``with self.chart_output:``. Capturing routes the chart through
        # the kernel's IOPub channel tagged with the Output's msg_id, and a headless runner
        # (nbclient, used by ``course export`` and the tests) then mimics the Output widget
        # by sending comm messages back on the shell channel while it is still waiting for
        # the cell's execute_reply on that socket; that occasionally loses the reply's
        # wake-up, so the cell "hangs" until nbclient's timeout. Setting the state directly
        # gives the same picture in JupyterLab and sends nothing back.
        outputs = self.chart_outputs()
        self.chart_output.outputs = outputs
        self.chart_output.remove_class("course-explorer-stale")
        self._chart_shown = bool(outputs)

    def chart_outputs(self) -> tuple[dict, ...]:
        """The current chart as Output-widget outputs (empty when there is no chart).

        What the kernel sends the browser on each change: the chart's Vega-Lite spec,
        fitted to share a slide with the controls and verdict (:func:`fit_for_slides`),
        as the ``course`` Altair renderer would show it. Works without a kernel, so that
        ``benchmarks/bench_widgets.py`` can time it.
        """
        view = self._current
        if view is None:
            return ()
        chart = view.chart
        if hasattr(chart, "to_dict"):  # an Altair chart: its spec, as the renderer sends it
            from altair.vegalite.v5.display import DEFAULT_DISPLAY, VEGALITE_MIME_TYPE

            from course.charts.base import spec_of

            # The spec finish() built (course charts are validated in the tests: doing it
            # again on every change would double the time to build the spec).
            spec = fit_for_slides(spec_of(chart))
            data = {VEGALITE_MIME_TYPE: spec, "text/plain": DEFAULT_DISPLAY}
            metadata: dict = {}
        else:
            from IPython import get_ipython

            data, metadata = get_ipython().display_formatter.format(chart)
        return ({"output_type": "display_data", "data": data, "metadata": metadata},)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
