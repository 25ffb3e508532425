"""Controls that take typed input: the slider and the boxes stay in step, errors are said."""

from __future__ import annotations

import pytest

from course.errors import InputError
from course.widgets.base import Explorer, View
from course.widgets.controls import Checklist, PercentSlider, YearRange


def test_typing_a_percentage_moves_the_slider():
    control = PercentSlider(0.1, min=0.05, max=0.5, description="Pole ≥")
    for typed, share in (("25%", 0.25), ("5%", 0.05), ("0.25", 0.25), ("30", 0.3),
                         ("12.5 %", 0.125)):
        control.text.value = typed
        assert (control.value, control.slider.value, control.error) == (share, share, "")
    assert control.text.value == "12.5%"  # shown back as a percentage


def test_moving_the_slider_writes_the_box():
    control = PercentSlider(0.1, min=0.05, max=0.5, description="Pole ≥")
    control.slider.value = 0.35
    assert control.value == 0.35 and control.text.value == "35%"
    control.value = 0.2  # set from code: both parts follow
    assert control.slider.value == 0.2 and control.text.value == "20%"


@pytest.mark.parametrize(("typed", "message"), [
    ("abc", "Pole ≥: 'abc' is not a percentage: type a percentage such as 25%, 25 or 0.25"),
    ("60%", "Pole ≥: the share must be from 5% to 50%; 60% is too high"),
    ("1", "Pole ≥: the share must be from 5% to 50%; 100% is too high"),
    ("0", "Pole ≥: the share must be above 0%"),
])
def test_an_entry_it_cannot_read_is_an_error_never_a_silent_value(typed, message):
    control = PercentSlider(0.1, min=0.05, max=0.5, description="Pole ≥")
    control.text.value = typed
    assert control.error.startswith(message)
    assert control.value == 0.1 and control.slider.value == 0.1  # unchanged, not 50%
    control.text.value = "25%"
    assert control.error == "" and control.value == 0.25


def test_year_boxes_and_the_slider_stay_in_step():
    years = YearRange((1990, 2016), min=1816, max=2018, description="Years")
    years.first.value = "1870"
    assert years.value == (1870, 2016) and years.slider.value == (1870, 2016)
    years.last.value = " 1913 "
    assert years.value == (1870, 1913) and years.last.value == "1913"
    years.slider.value = (1900, 1950)
    assert years.value == (1900, 1950)
    assert (years.first.value, years.last.value) == ("1900", "1950")
    years.value = (1816, 2018)
    assert years.slider.value == (1816, 2018) and years.first.value == "1816"


@pytest.mark.parametrize(("first", "last", "message"), [
    ("1700", "1914", "Years: 1700 is before 1816, the first year with data"),
    ("1990", "2020", "Years: 2020 is after 2018, the last year with data"),
    ("1914", "1870", "Years: the first year (1914) is after the last (1870)"),
    ("19o0", "1914", "Years: the first year, '19o0', is not a year"),
])
def test_impossible_year_ranges_are_errors(first, last, message):
    years = YearRange((1990, 2016), min=1816, max=2018, description="Years")
    years.last.value = last
    years.first.value = first
    assert years.error.startswith(message), years.error
    assert years.slider.value == years.value  # the slider never holds a range it cannot show
    years.first.value, years.last.value = "1870", "1914"
    assert years.error == "" and years.value == (1870, 1914)


def test_a_checklist_keeps_its_fixed_choice_and_shows_it():
    powers = Checklist([("Britain", "UKG"), ("Germany", "GMY"), ("France", "FRN")],
                       value=("UKG", "GMY"), fixed=("UKG",), description="Powers",
                       fixed_reason="Britain is compared with every rival")
    britain = powers.boxes["UKG"]
    assert britain.disabled and britain.value and britain.description == "Britain (always)"
    assert britain.tooltip == "Britain is compared with every rival"
    powers.boxes["GMY"].value = False  # a plain click drops only that power
    assert powers.value == ("UKG",)
    powers.boxes["FRN"].value = True
    assert powers.value == ("UKG", "FRN")
    powers.value = ("GMY",)  # from code: Britain stays, and the boxes follow
    assert powers.value == ("UKG", "GMY") and powers.boxes["GMY"].value
    assert not powers.boxes["FRN"].value
    with pytest.raises(InputError, match="unknown choice"):
        powers.value = ("XXX",)


def test_an_explorer_shows_a_controls_error_instead_of_the_chart_then_recovers():
    calls = []

    def view(share, years):
        calls.append((share, years))
        return View(chart=None, verdict=f"{share:.0%} over {years[0]}–{years[1]}")

    share = PercentSlider(0.1, min=0.05, max=0.5, description="Pole ≥")
    years = YearRange((1990, 2016), min=1816, max=2018)
    explorer = Explorer(view, {"share": share, "years": years},
                        rows=[["share"], ["years"]])
    share.text.value = "oops"
    assert explorer.current is None and "Pole ≥: 'oops' is not a percentage" in explorer.error
    assert "&#9888;" in explorer.verdict_html.value
    n_calls = len(calls)
    share.text.value = "25%"  # value and error change together: one recomputation
    assert explorer.current.verdict == "25% over 1990–2016" and explorer.error is None
    assert len(calls) == n_calls + 1


def test_explorer_rows_must_place_every_control_once():
    share = PercentSlider(0.1, min=0.05, max=0.5)
    with pytest.raises(ValueError, match="rows must name each control once"):
        Explorer(lambda share: View(chart=None, verdict=""), {"share": share}, rows=[[]])


def test_a_starting_value_outside_the_range_is_refused():
    with pytest.raises(InputError, match="Pole ≥ must be from 5% to 50%; 60% is too high"):
        PercentSlider(0.6, min=0.05, max=0.5, description="Pole ≥")
    assert PercentSlider("25%", min=0.05, max=0.5).value == 0.25
    with pytest.raises(InputError, match="1700 is before 1816"):
        YearRange((1700, 1914), min=1816, max=2018)
