"""Argument checks shared by the measures, so every measure words its errors the same way."""

from __future__ import annotations

from course.errors import InputError


def year_range(start, end) -> tuple[int, int]:
    """Return ``(start, end)`` as integers, or raise :class:`InputError` saying what to pass.

    Examples
    --------
    >>> year_range("1870", 1913)
    (1870, 1913)
    >>> year_range(1913, 1870)
    Traceback (most recent call last):
    ...
    course.errors.InputError: the year range 1913–1870 is inverted (the first year is after ...
    """
    try:
        start, end = int(start), int(end)
    except (TypeError, ValueError):
        raise InputError(f"years must be whole numbers, got start={start!r}, end={end!r}") from None
    if start > end:
        raise InputError(f"the year range {start}–{end} is inverted (the first year is after "
                         f"the last): pass start ≤ end, e.g. start={end}, end={start}")
    return start, end
