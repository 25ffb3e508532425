"""What a student types into an explorer, read the way a person means it.

Pure functions, no widgets: :mod:`course.widgets.controls` calls them when a box is
typed into, and tests call them directly. Each returns a clean value or raises
:class:`course.errors.InputError` with a message that says what to type instead, so a
mistyped entry is never silently turned into something else (an input such as "25%"
once became 50% in a slider's readout).

Examples
--------
>>> [parse_percent(text) for text in ("25%", "25", "0.25", "5%", "5")]
[0.25, 0.25, 0.25, 0.05, 0.05]
>>> format_percent(0.125)
'12.5%'
>>> parse_years(("1870", " 1913 "), low=1816, high=2018)
(1870, 1913)
"""

from __future__ import annotations

import math
import numbers

from course.errors import InputError

#: How a share may be typed, for messages.
PERCENT_HINT = "type a percentage such as 25%, 25 or 0.25"


def _number(text) -> float | None:
    """``text`` as a finite float (a decimal comma is read as a point), or None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, numbers.Real):
        value = float(text)
    else:
        cleaned = str(text).strip().replace(" ", "")
        if cleaned.count(",") == 1 and "." not in cleaned:
            cleaned = cleaned.replace(",", ".")  # 12,5 (a decimal comma)
        try:
            value = float(cleaned)
        except ValueError:
            return None
    return value if math.isfinite(value) else None


def format_percent(share: float) -> str:
    """A share as the percentage a student would type: ``0.25`` -> ``'25%'``.

    >>> format_percent(0.05), format_percent(0.1), format_percent(0.333)
    ('5%', '10%', '33.3%')
    """
    return f"{100 * float(share):.10g}%"


def parse_percent(text, *, low: float | None = None, high: float | None = None,
                  what: str = "the share") -> float:
    """A share (0.25 for 25%) from what a person types.

    A number followed by ``%`` is a percentage. A plain number above 1 is read as a
    percentage too (``25`` is 25%), and a plain number from 0 to 1 as a share
    (``0.25`` is 25%), so "25%", "25" and "0.25" all mean 25%, and "5%" or "5" mean 5%.
    Spaces and a decimal comma ("12,5 %") are accepted.

    Parameters
    ----------
    text : str or number
        What was typed (or a number from a slider).
    low, high : float, optional
        Smallest and largest share allowed (inclusive), e.g. 0.05 and 0.5.
    what : str
        What the share is, for the error message ("the pole threshold").

    Returns
    -------
    float
        The share, rounded to 10 decimal places (so ``7%`` is exactly ``0.07``).

    Raises
    ------
    InputError
        If the text is not a number, is zero or negative, or is outside ``low``–``high``.

    Examples
    --------
    >>> [parse_percent(t) for t in ("25%", " 25 ", "0.25", 25, 0.25, "12,5 %", "100%")]
    [0.25, 0.25, 0.25, 0.25, 0.25, 0.125, 1.0]
    >>> parse_percent("60%", low=0.05, high=0.5, what="the pole threshold")
    Traceback (most recent call last):
    ...
    course.errors.InputError: the pole threshold must be from 5% to 50%; 60% is too high
    >>> parse_percent("a quarter")
    Traceback (most recent call last):
    ...
    course.errors.InputError: 'a quarter' is not a percentage: type a percentage such as 25%, ...
    """
    raw = str(text).strip() if isinstance(text, str) else text
    is_percent = isinstance(raw, str) and raw.endswith("%")
    number = _number(raw[:-1] if is_percent else raw)
    if number is None or (isinstance(raw, str) and raw.count("%") > 1):
        raise InputError(f"{str(text).strip()!r} is not a percentage: {PERCENT_HINT}")
    share = number / 100 if (is_percent or number > 1) else number
    share = round(share, 10)
    if share <= 0:
        raise InputError(f"{what} must be above 0%; {PERCENT_HINT}")
    if (low is not None and share < low) or (high is not None and share > high):
        span = (f"from {format_percent(low)} to {format_percent(high)}"
                if low is not None and high is not None
                else f"at least {format_percent(low)}" if low is not None
                else f"at most {format_percent(high)}")
        side = "too low" if low is not None and share < low else "too high"
        raise InputError(f"{what} must be {span}; {format_percent(share)} is {side}")
    return share


def parse_year(text, *, what: str = "the year") -> int:
    """A whole year from what a person types: ``" 1870 "``, ``1870`` or ``1870.0``.

    Examples
    --------
    >>> parse_year(" 1870 "), parse_year(1913.0)
    (1870, 1913)
    >>> parse_year("19o0", what="the first year")
    Traceback (most recent call last):
    ...
    course.errors.InputError: the first year, '19o0', is not a year: type a whole year such as 1870
    """
    number = _number(text)
    if number is None or number != int(number):
        shown = str(text).strip() if isinstance(text, str) else text
        raise InputError(f"{what}, {shown!r}, is not a year: type a whole year such as 1870")
    return int(number)


def parse_years(years, *, low: int | None = None, high: int | None = None
                ) -> tuple[int, int]:
    """A range of years ``(first, last)`` from two typed years, checked against the data.

    Parameters
    ----------
    years : pair of str or int
        The first and the last year, both included (they may be equal).
    low, high : int, optional
        The first and last year there are data for.

    Raises
    ------
    InputError
        If a year is not a whole number, the first is after the last, or a year falls
        outside ``low``–``high``; the message says which and what to type.

    Examples
    --------
    >>> parse_years((1870, 1914))
    (1870, 1914)
    >>> parse_years(("1913", "1870"))
    Traceback (most recent call last):
    ...
    course.errors.InputError: the first year (1913) is after the last (1870): type the earlier ...
    >>> parse_years((1700, 1914), low=1816, high=2018)
    Traceback (most recent call last):
    ...
    course.errors.InputError: 1700 is before 1816, the first year with data: choose years from ...
    """
    if isinstance(years, str | bytes) or not hasattr(years, "__len__") or len(years) != 2:
        raise InputError(f"years must be two years (first, last) such as (1870, 1914), "
                         f"got {years!r}")
    first = parse_year(years[0], what="the first year")
    last = parse_year(years[1], what="the last year")
    if first > last:
        raise InputError(f"the first year ({first}) is after the last ({last}): "
                         "type the earlier year first")
    span = (f"choose years from {low} to {high}" if low is not None and high is not None
            else "choose other years")
    if low is not None and first < low:
        raise InputError(f"{first} is before {low}, the first year with data: {span}")
    if high is not None and last > high:
        raise InputError(f"{last} is after {high}, the last year with data: {span}")
    return first, last
