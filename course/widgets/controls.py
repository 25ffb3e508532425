"""Explorer controls that take typed input and say what they hold.

ipywidgets' own controls surprise students in three ways: a slider's readout turns a
typed "25%" into 50% (it only reads 0.25), a years slider 420 px wide gives about 2 px
per year, and a multiple-selection list drops every other choice on a plain click
(Ctrl-click adds one) without saying so. The controls here fix that:

* :class:`PercentSlider` — a slider with a box beside it that accepts "25%", "25" or
  "0.25" (:func:`course.widgets.typed.parse_percent`);
* :class:`YearRange` — a years slider with two year boxes kept in step with it
  (:func:`course.widgets.typed.parse_years`);
* :class:`Checklist` — one tick box per choice, with the choices that cannot be
  removed shown ticked, greyed and labelled "(always)".

Each is an ``HBox`` (with a CSS class, ``course-percent``, ``course-years`` or
``course-checklist``, by which the browser tests find it; the boxes that repeat what a
slider holds are marked ``course-part`` and left out of a handout's list of settings)
with a ``value`` (what the explorer passes to its view function) and
an ``error`` (empty, or a sentence saying what to type instead): an
:class:`course.widgets.base.Explorer` shows that sentence in place of the chart, so a
mistyped entry is never silently replaced. The parsing is done by the pure functions of
:mod:`course.widgets.typed`; tests set ``value`` or type into ``control.text`` (and
``control.first`` / ``control.last``) and read ``value`` and ``error``.

Examples
--------
>>> threshold = PercentSlider(0.1, min=0.05, max=0.5, description="Pole ≥")
>>> threshold.text.value = "25%"
>>> threshold.value, threshold.slider.value, threshold.error
(0.25, 0.25, '')
>>> threshold.text.value = "a quarter"
>>> threshold.value, threshold.error[:40]
(0.25, "Pole ≥: 'a quarter' is not a percentage:")
>>> years = YearRange((1990, 2016), min=1816, max=2018, description="Years")
>>> years.first.value = "1870"
>>> years.value
(1870, 2016)
"""

from __future__ import annotations

from contextlib import contextmanager

import ipywidgets as widgets
import traitlets

from course.errors import InputError
from course.widgets.typed import format_percent, parse_percent, parse_years

#: Width of a box that holds a year or a percentage (room for "12.5%" and the padding).
BOX_WIDTH = "6.5em"


class _TypedControl(widgets.HBox):
    """A value, an error message, and a guard so that syncing parts never loops."""

    value = traitlets.Any()
    error = traitlets.Unicode("")

    def __init__(self, children, description: str):
        super().__init__(children, layout=widgets.Layout(align_items="center",
                                                         flex_flow="row wrap"))
        self.description = description  # a plain attribute, used in messages
        self._busy = False

    @contextmanager
    def _syncing(self):
        self._busy, before = True, self._busy
        try:
            with self.hold_trait_notifications():
                yield
        finally:
            self._busy = before

    def _fail(self, error: InputError) -> None:
        self.error = f"{self.description}: {error}"


class PercentSlider(_TypedControl):
    """A share chosen with a slider or typed as "25%", "25" or "0.25".

    Parameters
    ----------
    value : float
        The share to start with (0.1 for 10%).
    min, max, step : float
        The slider's range and step; a typed share must lie in the range too.
    description : str
        The label shown before the slider ("Pole ≥").
    """

    def __init__(self, value: float, *, min: float, max: float, step: float = 0.01,
                 description: str = ""):
        value = parse_percent(value, low=min, high=max, what=description or "the share")
        self.slider = widgets.FloatSlider(value=value, min=min, max=max, step=step,
                                          description=description, readout=False,
                                          continuous_update=False)
        self.text = widgets.Text(value=format_percent(value), continuous_update=False,
                                 layout=widgets.Layout(width=BOX_WIDTH),
                                 tooltip="Type a percentage (25%, 25 or 0.25), then Enter")
        super().__init__([self.slider, self.text], description)
        self.add_class("course-percent")
        self.text.add_class("course-part")
        self.value = float(value)
        self.slider.observe(self._from_slider, names="value")
        self.text.observe(self._from_text, names="value")
        self.observe(self._show, names="value")

    min = property(lambda self: self.slider.min)
    max = property(lambda self: self.slider.max)
    step = property(lambda self: self.slider.step)

    def _set(self, share: float) -> None:
        with self._syncing():
            self.error = ""
            self.value = share
            self.slider.value = share
            self.text.value = format_percent(share)

    def _from_slider(self, change) -> None:
        if not self._busy:
            self._set(round(float(change["new"]), 10))

    def _from_text(self, change) -> None:
        if self._busy:
            return
        try:
            share = parse_percent(change["new"], low=self.min, high=self.max,
                                  what="the share")
        except InputError as error:
            self._fail(error)
        else:
            self._set(share)

    def _show(self, change) -> None:
        if not self._busy:  # set from code (a test, a benchmark): show it in both parts
            self._set(float(change["new"]))


class YearRange(_TypedControl):
    """A range of years chosen with a slider or typed into two year boxes.

    Parameters
    ----------
    value : (int, int)
        First and last year to start with.
    min, max : int
        The first and last year the explorer has data for.
    description : str
        The label shown before the slider ("Years").
    """

    def __init__(self, value, *, min: int, max: int, description: str = "Years",
                 slider_width: str = "300px"):
        first, last = parse_years(value, low=min, high=max)
        self.slider = widgets.IntRangeSlider(value=(first, last), min=min, max=max, step=1,
                                             description=description, readout=False,
                                             continuous_update=False,
                                             layout=widgets.Layout(width=slider_width))
        box = widgets.Layout(width=BOX_WIDTH)
        self.first = widgets.Text(value=str(first), continuous_update=False, layout=box,
                                  tooltip=f"First year ({min}–{max}), then Enter")
        self.last = widgets.Text(value=str(last), continuous_update=False, layout=box,
                                 tooltip=f"Last year ({min}–{max}), then Enter")
        super().__init__([self.slider, self.first, widgets.Label("to"), self.last],
                         description)
        self.add_class("course-years")
        self.first.add_class("course-year-first")
        self.last.add_class("course-year-last")
        for part in self.children[1:]:
            part.add_class("course-part")
        self.value = (first, last)
        self.slider.observe(self._from_slider, names="value")
        for box_widget in (self.first, self.last):
            box_widget.observe(self._from_text, names="value")
        self.observe(self._show, names="value")

    min = property(lambda self: self.slider.min)
    max = property(lambda self: self.slider.max)

    def _set(self, years: tuple[int, int]) -> None:
        with self._syncing():
            self.error = ""
            self.value = years
            self.slider.value = years
            self.first.value, self.last.value = str(years[0]), str(years[1])

    def _from_slider(self, change) -> None:
        if not self._busy:
            self._set(tuple(int(year) for year in change["new"]))

    def _from_text(self, _change) -> None:
        if self._busy:
            return
        try:
            years = parse_years((self.first.value, self.last.value), low=self.min,
                                high=self.max)
        except InputError as error:
            self._fail(error)
        else:
            self._set(years)

    def _show(self, change) -> None:
        if not self._busy:
            self._set(tuple(int(year) for year in change["new"]))


class Checklist(_TypedControl):
    """One tick box per choice; ``fixed`` choices are always in and shown as such.

    Parameters
    ----------
    options : list of (label, value)
        The choices, in the order shown.
    value : sequence
        The values ticked to start with.
    fixed : sequence, optional
        Values that are always included: their boxes are ticked and greyed, and their
        labels say "(always)" with ``fixed_reason`` as a tooltip.
    description : str
        The label shown before the boxes.

    Examples
    --------
    >>> powers = Checklist([("Britain", "UKG"), ("Germany", "GMY"), ("France", "FRN")],
    ...                    value=("GMY",), fixed=("UKG",), description="Powers")
    >>> powers.value
    ('UKG', 'GMY')
    >>> powers.boxes["FRN"].value = True
    >>> powers.value
    ('UKG', 'GMY', 'FRN')
    """

    def __init__(self, options, value=(), *, fixed=(), description: str = "",
                 fixed_reason: str = ""):
        self.options = [tuple(option) for option in options]
        self.fixed = tuple(fixed)
        unknown = (set(value) | set(fixed)) - {key for _label, key in self.options}
        if unknown:
            raise InputError(f"{description or 'the list'}: unknown choice(s) "
                             f"{sorted(unknown)}; choose from "
                             f"{[key for _label, key in self.options]}")
        self.boxes = {}
        for label, key in self.options:
            always = key in self.fixed
            self.boxes[key] = widgets.Checkbox(
                value=always or key in tuple(value), indent=False, disabled=always,
                description=f"{label} (always)" if always else label,
                tooltip=fixed_reason if always else f"Tick to include {label}",
                layout=widgets.Layout(width="max-content"))
        label = widgets.Label(description) if description else None
        if label:
            label.add_class("course-part")
        super().__init__([*([label] if label else []), *self.boxes.values()], description)
        self.add_class("course-checklist")
        self.value = self._ticked()
        for box in self.boxes.values():
            box.observe(self._from_boxes, names="value")
        self.observe(self._show, names="value")

    def _ticked(self) -> tuple:
        return tuple(key for _label, key in self.options
                     if key in self.fixed or self.boxes[key].value)

    def _from_boxes(self, _change) -> None:
        if not self._busy:
            with self._syncing():
                self.value = self._ticked()

    def _show(self, change) -> None:
        if self._busy:
            return
        chosen = set(change["new"]) | set(self.fixed)
        unknown = chosen - set(self.boxes)
        if unknown:
            raise InputError(f"{self.description}: unknown choice(s) {sorted(unknown)}; "
                             f"choose from {[key for _label, key in self.options]}")
        with self._syncing():
            for key, box in self.boxes.items():
                box.value = key in chosen
            self.value = self._ticked()
