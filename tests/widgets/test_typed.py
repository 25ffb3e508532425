"""Typed input read as people mean it: percentages and years (course.widgets.typed)."""

from __future__ import annotations

import pytest

from course.errors import InputError
from course.widgets.typed import format_percent, parse_percent, parse_year, parse_years


@pytest.mark.parametrize("typed", ["25%", "25", "0.25", " 25 % ", "25.0%", 25, 0.25, "0,25",
                                   "25,0 %"])
def test_every_way_of_writing_a_quarter_is_25_percent(typed):
    assert parse_percent(typed) == 0.25


@pytest.mark.parametrize(("typed", "share"), [("5%", 0.05), ("5", 0.05), ("0.05", 0.05),
                                              ("12.5%", 0.125), ("7%", 0.07), ("1%", 0.01),
                                              ("100%", 1.0), ("0.5%", 0.005), ("1", 1.0)])
def test_a_percent_sign_or_a_number_above_one_is_a_percentage(typed, share):
    assert parse_percent(typed) == share


@pytest.mark.parametrize("typed", ["", "abc", "25%%", "%", "a quarter", "nan", "inf", "1/4",
                                   True, None])
def test_what_is_not_a_number_is_refused_with_what_to_type(typed):
    with pytest.raises(InputError, match="type a percentage such as 25%, 25 or 0.25"):
        parse_percent(typed)


@pytest.mark.parametrize("typed", ["0", "0%", "-5%", -0.1])
def test_zero_and_negative_shares_are_refused(typed):
    with pytest.raises(InputError, match="must be above 0%"):
        parse_percent(typed, what="the pole threshold")


def test_the_range_is_checked_and_named():
    assert parse_percent("5%", low=0.05, high=0.5) == 0.05
    assert parse_percent("50", low=0.05, high=0.5) == 0.5
    with pytest.raises(InputError, match=r"from 5% to 50%; 60% is too high"):
        parse_percent("60%", low=0.05, high=0.5)
    with pytest.raises(InputError, match=r"from 5% to 50%; 1% is too low"):
        parse_percent("1%", low=0.05, high=0.5)
    with pytest.raises(InputError, match=r"at most 50%"):
        parse_percent("0.6", high=0.5)


def test_a_share_prints_as_it_would_be_typed():
    assert [format_percent(x) for x in (0.05, 0.1, 0.25, 0.125, 0.07, 1.0)] == [
        "5%", "10%", "25%", "12.5%", "7%", "100%"]
    for typed in ("5%", "12.5%", "33%", "7%"):
        assert format_percent(parse_percent(typed)) == typed


def test_years_are_whole_numbers():
    assert parse_year(" 1870 ") == 1870 and parse_year(1913.0) == 1913
    for bad in ("19o0", "1870.5", "", "1870-1914", None):
        with pytest.raises(InputError, match="is not a year: type a whole year such as 1870"):
            parse_year(bad)


def test_impossible_year_ranges_say_what_is_wrong():
    assert parse_years(("1870", "1870")) == (1870, 1870)
    assert parse_years([1816, 2018], low=1816, high=2018) == (1816, 2018)
    with pytest.raises(InputError, match=r"the first year \(1913\) is after the last \(1870\)"):
        parse_years((1913, 1870))
    with pytest.raises(InputError, match="1700 is before 1816, the first year with data: "
                                         "choose years from 1816 to 2018"):
        parse_years(("1700", "1914"), low=1816, high=2018)
    with pytest.raises(InputError, match="2020 is after 2018, the last year with data"):
        parse_years((1990, 2020), low=1816, high=2018)
    with pytest.raises(InputError, match="the last year, 'x', is not a year"):
        parse_years((1990, "x"))
    for bad in ("1870", 1870, (1870,), (1, 2, 3)):
        with pytest.raises(InputError, match=r"two years \(first, last\)"):
            parse_years(bad)
