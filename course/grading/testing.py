"""The test API for problem-set tests (``solutions/<ps>/tests.py``).

A problem set's tests are plain Python functions. Each takes ``answers`` — a mapping
from the variable names a question asks for to their values, rebuilt from plain data by
:func:`course.grading.untrusted.answers.decode` (so a DataFrame is a real DataFrame, a chart is
its Vega-Lite spec as a ``dict``) — and signals a wrong answer by raising
:class:`Failed` with a message that tells the student what to fix.

Decorate a test with :func:`public` (shipped to students in
``exercises/<ps>/public_tests.py``; run by ``check("q3")`` in their notebook) or
:func:`hidden` (present only in the grader). Public tests must never contain a reference
value, nor a fingerprint of one: they check properties (type, columns, range, sums,
consistency between answers). A check that confirms the exact answer is an oracle a
student can query until it says yes — for a short list of country codes that takes a few
hundred tries — so ``course assign`` refuses a public test that compares a hash.
Hidden tests compute the reference from the course data with :func:`load` and compare
with :func:`matches` (or :func:`expect_close`, built on it), which never lets NaN, None
or infinity pass for a number unless the test says so.

Module-level helper functions of a tests file (names starting with ``_``) are treated as
pure functions of their arguments and the course data: :func:`load_tests` remembers
their results for small constant arguments (years, codes, measure names) and gives every
caller its own copy, so a reference computed for one submission is not recomputed for
the next.

A question's points are split across its tests in proportion to their ``weight``
(1 unless given).

Examples
--------
>>> @public("q1")
... def shares_sum_to_one(answers):
...     expect_close(answers["shares"].sum(), 1.0, 1e-6, "the sum of `shares`", reveal=True)
>>> import pandas as pd
>>> ok = run_tests([shares_sum_to_one], {"shares": pd.Series([0.5, 0.5])})
>>> ok[0].passed
True
>>> bad = run_tests([shares_sum_to_one], {"shares": pd.Series([0.5, 0.37])})
>>> print(bad[0].message)
the sum of `shares` is 0.87; it should be 1 (within 1e-06).
"""

from __future__ import annotations

import copy
import functools
import math
import numbers
import types
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from course.errors import InputError

__all__ = [
    "Failed",
    "TestResult",
    "answer_problem",
    "chart_data",
    "chart_encoding",
    "chart_mark",
    "expect",
    "expect_between",
    "expect_chart",
    "expect_close",
    "expect_columns",
    "expect_index",
    "expect_no_missing",
    "expect_number",
    "expect_sums_to",
    "expect_type",
    "hidden",
    "load",
    "load_tests",
    "matches",
    "public",
    "run_tests",
    "score",
]


class Failed(Exception):  # noqa: N818 - tests read `raise testing.Failed(...)`
    """Raised by a test when an answer is wrong; the message is shown to the student."""


@dataclass(frozen=True)
class TestInfo:
    """What a decorator records about a test function."""

    __test__ = False  # not a pytest test class

    question: str
    hidden: bool
    weight: float


def _decorator(question: str, hidden: bool, weight: float) -> Callable:
    if not isinstance(question, str) or not question:
        raise InputError("a test decorator needs the question id, e.g. @public(\"q3\")")
    if not (isinstance(weight, int | float) and weight > 0):
        raise InputError(f"a test's weight must be a positive number, not {weight!r}")

    def wrap(function: Callable) -> Callable:
        function.__course_test__ = TestInfo(question, hidden, float(weight))
        return function

    return wrap


def public(question: str, *, weight: float = 1) -> Callable:
    """Mark a test as public: students see it and can run it with ``check(...)``."""
    return _decorator(question, False, weight)


def hidden(question: str, *, weight: float = 1) -> Callable:
    """Mark a test as hidden: it exists only on the grader's side."""
    return _decorator(question, True, weight)


# --------------------------------------------------------------------------- answers


class Answers(dict):
    """The answers mapping handed to tests: a missing name fails with a helpful message."""

    def __missing__(self, key: str) -> Any:
        raise Failed(
            f"`{key}` is not defined. Run the cell that creates `{key}` "
            "(and keep the variable name given in the question)."
        )


def _class_name(value: Any) -> str:
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def answer_problem(name: str, value: Any) -> str | None:
    """Why ``value`` cannot be graded as the answer ``name`` (``None`` if it can).

    Catches the unanswered placeholder ``...``, answers the grader could not turn
    into plain data, and a missing variable.

    Examples
    --------
    >>> answer_problem("shares", ...)
    '`shares` is still `...`: replace the `...` with your code and run the cell.'
    >>> answer_problem("shares", 0.5) is None
    True
    """
    if value is Ellipsis:
        return f"`{name}` is still `...`: replace the `...` with your code and run the cell."
    unsupported = _unsupported_class(value)
    if unsupported is not None:
        if unsupported in {"builtins.ellipsis", "builtins.EllipsisType"}:
            return answer_problem(name, ...)
        reason = value.get("reason") if type(value) is dict else getattr(value, "reason", "")
        reason = f" ({reason})" if reason else ""
        return (
            f"`{name}` is a {unsupported}{reason}, which the grader cannot read. Make it "
            "a number, text, list, dict, pandas Series/DataFrame or Altair chart."
        )
    return None


def _unsupported_class(value: Any) -> str | None:
    """The class name recorded for an answer that could not be encoded, if it is one."""
    if type(value) is dict and value.get("type") == "unsupported" and len(value) <= 3:
        return str(value.get("class", "unknown object"))
    kind = type(value)
    if kind.__name__ in {"Unsupported", "UnsupportedAnswer"} and kind.__module__.startswith(
        "course.grading"
    ):
        return str(getattr(value, "cls", None) or getattr(value, "class_name", "unknown object"))
    return None


# --------------------------------------------------------------------------- helpers


def _show(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):.4g}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def expect(condition: Any, message: str) -> None:
    """Fail with ``message`` unless ``condition`` is true.

    Examples
    --------
    >>> expect(2 > 1, "never shown")
    >>> expect(1 > 2, "`x` should be larger than 2.")
    Traceback (most recent call last):
    ...
    course.grading.testing.Failed: `x` should be larger than 2.
    """
    if not condition:
        raise Failed(message)


_TYPE_WORDS = {
    int: "a whole number (int)",
    float: "a number (float)",
    str: "text (str)",
    bool: "True or False (bool)",
    list: "a list",
    dict: "a dict",
    pd.DataFrame: "a pandas DataFrame",
    pd.Series: "a pandas Series",
}


def expect_type(value: Any, kinds: type | tuple[type, ...], name: str) -> None:
    """Fail unless ``type(value)`` is exactly one of ``kinds`` (no subclasses).

    Examples
    --------
    >>> expect_type(3, int, "n")
    >>> expect_type("3", int, "n")
    Traceback (most recent call last):
    ...
    course.grading.testing.Failed: `n` should be a whole number (int); yours is a str.
    """
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    if type(value) in kinds:
        return
    problem = answer_problem(name, value)
    if problem:
        raise Failed(problem)
    wanted = " or ".join(_TYPE_WORDS.get(k, k.__name__) for k in kinds)
    raise Failed(f"`{name}` should be {wanted}; yours is a {type(value).__name__}.")


def expect_number(value: Any, name: str) -> float:
    """Fail unless ``value`` is a finite real number (not a bool); return it as a float.

    Examples
    --------
    >>> expect_number(2, "n")
    2.0
    >>> expect_number(float("nan"), "n")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    course.grading.testing.Failed: `n` is NaN (missing): check for missing values...
    """
    problem = answer_problem(name, value)
    if problem:
        raise Failed(problem)
    if type(value) is bool or not isinstance(value, numbers.Real):
        raise Failed(f"`{name}` should be a single number; yours is a {type(value).__name__}.")
    number = float(value)
    if math.isnan(number):
        raise Failed(f"`{name}` is NaN (missing): check for missing values in your calculation.")
    if math.isinf(number):
        raise Failed(f"`{name}` is infinite: check for a division by zero.")
    return number


def expect_close(
    value: Any, target: float, tol: float, name: str, *, reveal: bool = False
) -> None:
    """Fail unless the number ``value`` is within ``tol`` of ``target``.

    The message names the target only when ``reveal`` is true (use that only for
    values that are not the answer, such as "should sum to 1").

    Examples
    --------
    >>> expect_close(0.333, 1 / 3, 0.001, "share")
    >>> expect_close(0.5, 1 / 3, 0.001, "share")
    Traceback (most recent call last):
    ...
    course.grading.testing.Failed: `share` is 0.5, which is not the expected value.
    """
    number = expect_number(value, name)
    if matches(number, target, tol=tol):
        return
    label = name if name.startswith(("the ", "a ")) else f"`{name}`"
    if reveal:
        raise Failed(f"{label} is {_show(number)}; it should be {_show(target)} (within {tol:g}).")
    raise Failed(f"{label} is {_show(number)}, which is not the expected value.")


def expect_between(value: Any, low: float, high: float, name: str, *, why: str = "") -> float:
    """Fail unless ``low <= value <= high``; ``why`` explains the range to the student.

    Examples
    --------
    >>> expect_between(0.4, 0, 1, "share")
    0.4
    >>> expect_between(40, 0, 1, "share", why="a share is a fraction")
    Traceback (most recent call last):
    ...
    course.grading.testing.Failed: `share` is 40, outside 0 to 1: a share is a fraction.
    """
    number = expect_number(value, name)
    if low <= number <= high:
        return number
    tail = f": {why.rstrip('.')}." if why else "."
    raise Failed(f"`{name}` is {_show(number)}, outside {_show(low)} to {_show(high)}{tail}")


def expect_columns(frame: Any, columns: Iterable[str], name: str) -> None:
    """Fail unless ``frame`` is a DataFrame with (at least) these columns.

    Examples
    --------
    >>> expect_columns(pd.DataFrame({"year": [1]}), ["year", "poles"], "table")
    Traceback (most recent call last):
    ...
    course.grading.testing.Failed: `table` is missing the column(s) 'poles'; it has 'year'.
    """
    expect_type(frame, pd.DataFrame, name)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(repr(str(c)) for c in frame.columns) or "no columns"
        raise Failed(
            f"`{name}` is missing the column(s) {', '.join(repr(c) for c in missing)}; "
            f"it has {have}."
        )


def expect_index(value: Any, labels: Iterable[Any], name: str, *, exact: bool = True) -> None:
    """Fail unless the index of ``value`` holds ``labels`` (exactly these, in any order).

    Examples
    --------
    >>> expect_index(pd.Series([1, 2], index=["FRN", "RUS"]), ["FRN", "RUS", "GMY"], "n")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    course.grading.testing.Failed: `n` should be indexed by 'FRN', 'GMY', 'RUS'; it is missing...
    """
    expect_type(value, (pd.Series, pd.DataFrame), name)
    wanted = list(labels)
    have = list(value.index)
    try:  # sets: linear in the size of the student's index, whatever it sends
        have_set, wanted_set = set(have), set(wanted)
    except TypeError:
        have_set, wanted_set = have, wanted
    missing = [x for x in wanted if x not in have_set]
    extra = [x for x in have if x not in wanted_set]
    shown = ", ".join(repr(x) for x in sorted(wanted, key=str))
    if missing:
        raise Failed(
            f"`{name}` should be indexed by {shown}; it is missing "
            f"{', '.join(repr(x) for x in missing[:5])}."
        )
    if exact and extra:
        raise Failed(
            f"`{name}` should be indexed by {shown} only; it also has "
            f"{', '.join(repr(x) for x in extra[:5])}{' ...' if len(extra) > 5 else ''}."
        )
    if len(set(map(repr, have))) != len(have):
        raise Failed(f"`{name}` has repeated index labels: each label should appear once.")


def expect_no_missing(value: Any, name: str) -> None:
    """Fail if a Series or DataFrame holds missing values (NaN / NA)."""
    expect_type(value, (pd.Series, pd.DataFrame), name)
    count = int(value.isna().to_numpy().sum())
    if count:
        raise Failed(f"`{name}` has {count} missing value(s): drop or fill them before answering.")


def expect_sums_to(value: Any, total: float, tol: float, name: str) -> None:
    """Fail unless the numbers in a Series (or list) add up to ``total``.

    Examples
    --------
    >>> expect_sums_to(pd.Series([0.5, 0.37]), 1, 1e-6, "shares")
    Traceback (most recent call last):
    ...
    course.grading.testing.Failed: `shares` should sum to 1; yours sums to 0.87.
    """
    if type(value) is list:
        value = pd.Series(value, dtype="object")
    expect_type(value, pd.Series, name)
    numeric = pd.to_numeric(value, errors="coerce")
    if numeric.isna().any():
        raise Failed(f"`{name}` should hold only numbers (no missing values).")
    got = float(numeric.sum())
    if abs(got - total) > tol:
        raise Failed(f"`{name}` should sum to {_show(total)}; yours sums to {_show(got)}.")


_MISSING_TYPES = (type(None), type(pd.NA), type(pd.NaT))


def _is_missing(x: Any) -> bool:
    if isinstance(x, _MISSING_TYPES):
        return True
    return isinstance(x, float | np.floating) and math.isnan(x)


def _is_number(x: Any) -> bool:
    return (type(x) is not bool and not isinstance(x, np.bool_)
            and isinstance(x, numbers.Real | np.integer | np.floating))


def matches(got: Any, want: Any, *, tol: float = 0.0, missing_ok: bool = False) -> bool:
    """Is the answer ``got`` the reference ``want``? The comparison every hidden test uses.

    * Numbers are equal within the absolute tolerance ``tol``. NaN, None, pandas NA and
      infinity are never a right number, and never equal each other, unless the test says
      ``missing_ok=True`` (then a missing answer matches a missing reference, and an
      infinity the same infinity). ``True`` is not the number 1.
    * Text and booleans must be equal and of the same type.
    * Lists and tuples are compared item by item, in order; dicts key by key.
    * A pandas Series (or DataFrame) must have exactly the reference's labels (in any
      order, each once), and each value must match — a NaN is never skipped, as
      ``(got - want).abs().max()`` would skip it.

    Never raises: an answer of the wrong type or shape simply does not match.

    Examples
    --------
    >>> matches(0.5001, 0.5, tol=1e-3), matches(float("nan"), 0.5, tol=1e-3)
    (True, False)
    >>> import pandas as pd
    >>> want = pd.Series({"UKG": 0.3, "GMY": 0.7})
    >>> matches(pd.Series({"GMY": 0.7, "UKG": 0.3}), want, tol=1e-9)
    True
    >>> matches(pd.Series({"GMY": 0.7, "UKG": float("nan")}), want, tol=1e-9)
    False
    >>> matches(["FRN", "UKG"], ["FRN", "UKG"]), matches(True, 1)
    (True, False)
    """
    try:
        return _matches(got, want, float(tol), missing_ok, 0)
    except Exception:  # noqa: BLE001 - a strange answer simply does not match
        return False


def _matches(got: Any, want: Any, tol: float, missing_ok: bool, depth: int) -> bool:
    if depth > 8:
        return False
    if _is_missing(want) or _is_missing(got):
        return missing_ok and _is_missing(want) and _is_missing(got)
    if _is_number(want):
        if not _is_number(got):
            return False
        g, w = float(got), float(want)
        if math.isinf(g) or math.isinf(w):
            return missing_ok and g == w
        return abs(g - w) <= tol
    if isinstance(want, str | bool | np.bool_):
        return type(got) is type(want) and got == want
    if isinstance(want, pd.Series):
        return _series_matches(got, want, tol, missing_ok)
    if isinstance(want, pd.DataFrame):
        if type(got) is not pd.DataFrame or not _same_labels(got.columns, want.columns):
            return False
        return all(_series_matches(got[c], want[c], tol, missing_ok) for c in want.columns)
    if isinstance(want, list | tuple | np.ndarray):
        items = list(want.tolist()) if isinstance(want, np.ndarray) else list(want)
        if isinstance(got, np.ndarray):
            got = got.tolist()
        if type(got) not in (list, tuple) or len(got) != len(items):
            return False
        return all(_matches(g, w, tol, missing_ok, depth + 1)
                   for g, w in zip(got, items, strict=True))
    if isinstance(want, Mapping):
        if type(got) is not dict or set(got) != set(want):
            return False
        return all(_matches(got[k], want[k], tol, missing_ok, depth + 1) for k in want)
    return type(got) is type(want) and bool(got == want)


def _same_labels(got: pd.Index, want: pd.Index) -> bool:
    return got.is_unique and len(got) == len(want) and bool(got.isin(want).all())


def _series_matches(got: Any, want: pd.Series, tol: float, missing_ok: bool) -> bool:
    if type(got) is not pd.Series or not _same_labels(got.index, want.index):
        return False
    got = got.reindex(want.index)
    if all(_is_number(w) or _is_missing(w) for w in want.tolist()):
        values = got.tolist()
        if not all(_is_number(g) or _is_missing(g) for g in values):
            return False
        g = np.array([math.nan if _is_missing(v) else float(v) for v in values])
        w = np.array([math.nan if _is_missing(v) else float(v) for v in want.tolist()])
        finite = np.isfinite(g) & np.isfinite(w)
        close = np.zeros(len(g), dtype=bool)
        close[finite] = np.abs(g[finite] - w[finite]) <= tol
        if missing_ok:
            close |= (np.isnan(g) & np.isnan(w)) | (np.isinf(g) & (g == w))
        return bool(close.all())
    return all(_matches(g, w, tol, missing_ok, 1)
               for g, w in zip(got.tolist(), want.tolist(), strict=True))


# --------------------------------------------------------------------------- charts


def _views(spec: Mapping) -> list[Mapping]:
    """Every single view in a (possibly layered or concatenated) Vega-Lite spec."""
    found = []
    queue = deque([spec])  # breadth first, in linear time whatever the spec holds
    while queue:
        node = queue.popleft()
        if not isinstance(node, Mapping):
            continue
        if "mark" in node:
            found.append(node)
        for key in ("layer", "hconcat", "vconcat", "concat"):
            children = node.get(key)
            if isinstance(children, list):
                queue.extend(children)
        if isinstance(node.get("spec"), Mapping):
            queue.append(node["spec"])
    return found


def chart_mark(spec: Mapping) -> str:
    """The mark type of the chart's first view (``"line"``, ``"bar"``...)."""
    views = _views(spec)
    if not views:
        raise Failed("the chart has no mark: build it with alt.Chart(data).mark_line() or similar.")
    mark = views[0]["mark"]
    return str(mark.get("type") if isinstance(mark, Mapping) else mark)


def chart_encoding(spec: Mapping, channel: str) -> dict | None:
    """The encoding of ``channel`` (``"x"``, ``"y"``, ``"color"``...) in the first view
    that has it, or in the top-level spec (``None`` if no view encodes it)."""
    for node in [*_views(spec), spec]:
        encoding = node.get("encoding") if isinstance(node, Mapping) else None
        if isinstance(encoding, Mapping) and isinstance(encoding.get(channel), Mapping):
            return dict(encoding[channel])
    return None


def chart_data(spec: Mapping) -> pd.DataFrame:
    """The rows the chart draws (inline data of its first view or of the top level)."""
    datasets = spec.get("datasets") or {}
    for node in [spec, *_views(spec)]:
        data = node.get("data") if isinstance(node, Mapping) else None
        if not isinstance(data, Mapping):
            continue
        if "values" in data:
            return pd.DataFrame(data["values"])
        if data.get("name") in datasets:
            return pd.DataFrame(datasets[data["name"]])
    raise Failed("the chart has no data of its own: pass a DataFrame to alt.Chart(...).")


def _title_text(spec: Mapping) -> str:
    title = spec.get("title")
    if isinstance(title, Mapping):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title or "").strip()


def expect_chart(
    spec: Any,
    name: str,
    *,
    marks: Iterable[str] = (),
    encodings: Mapping[str, tuple[str | None, str | Iterable[str] | None]] | None = None,
    title: bool = True,
) -> None:
    """Check an Altair chart by its Vega-Lite spec: mark, encoded fields and types, title.

    ``encodings`` maps a channel to ``(field, type)``; either may be ``None`` to skip
    it, and type may be a tuple of acceptable types.

    Examples
    --------
    >>> spec = {"mark": {"type": "line"}, "title": "Poles",
    ...         "encoding": {"x": {"field": "year", "type": "quantitative"}}}
    >>> expect_chart(spec, "chart", marks=["line"], encodings={"x": ("year", "quantitative")})
    >>> expect_chart(spec, "chart", marks=["bar"])
    Traceback (most recent call last):
    ...
    course.grading.testing.Failed: `chart` should use mark_bar(); yours uses mark_line().
    """
    problem = answer_problem(name, spec)
    if problem:
        raise Failed(problem)
    if type(spec) is not dict or not _views(spec):
        raise Failed(
            f"`{name}` should be an Altair chart (alt.Chart(...).mark_...().encode(...)); "
            f"yours is a {type(spec).__name__}."
        )
    marks = list(marks)
    if marks:
        mark = chart_mark(spec)
        if mark not in marks:
            wanted = " or ".join(f"mark_{m}()" for m in marks)
            raise Failed(f"`{name}` should use {wanted}; yours uses mark_{mark}().")
    for channel, (field, kind) in (encodings or {}).items():
        encoding = chart_encoding(spec, channel)
        if encoding is None:
            raise Failed(f"`{name}` does not encode the {channel} channel: add {channel}=... "
                         "to .encode().")
        if field is not None and encoding.get("field") != field:
            raise Failed(
                f"`{name}` puts {encoding.get('field')!r} on {channel}; it should show {field!r}."
            )
        if kind is not None:
            kinds = [kind] if isinstance(kind, str) else list(kind)
            if encoding.get("type") not in kinds:
                letters = {"quantitative": "Q", "ordinal": "O", "nominal": "N", "temporal": "T"}
                wanted = " or ".join(f"{k} (:{letters.get(k, '?')})" for k in kinds)
                raise Failed(
                    f"`{name}` encodes {channel} as {encoding.get('type')!r}; it should be "
                    f"{wanted}."
                )
    if title and not _title_text(spec):
        raise Failed(f"`{name}` needs a title: add .properties(title=...) or use finish().")


# --------------------------------------------------------------------------- data


@cache
def _load(name: str) -> pd.DataFrame:
    from course import data

    return data.load(name)


def load(name: str) -> pd.DataFrame:
    """A course table (``course.data.load``), cached; hidden tests compute references
    from it. Returns a copy, so a test cannot change what the next test sees."""
    return _load(name).copy()


# --------------------------------------------------------------------------- running


@dataclass
class TestResult:
    """The outcome of one test on one set of answers."""

    __test__ = False  # not a pytest test class

    name: str
    question: str
    hidden: bool
    weight: float
    passed: bool
    message: str
    points: float = 0.0
    max_points: float = 0.0


def info_of(function: Callable) -> TestInfo | None:
    """The decorator record of a test function (``None`` if it is not a test)."""
    info = getattr(function, "__course_test__", None)
    return info if isinstance(info, TestInfo) else None


def load_tests(source: str | Path, *, name: str = "tests") -> list[Callable]:
    """Execute a tests file (path or source text) and return its tests in file order."""
    if isinstance(source, Path):
        if not source.is_file():
            raise InputError(f"no tests file at {source.name}: run `course assign` first")
        text = source.read_text(encoding="utf-8")
        name = source.stem
    else:
        text = source
    module = types.ModuleType(f"course_tests_{name}")
    code = compile(text, f"<{name}>", "exec")
    exec(code, module.__dict__)  # noqa: S102 - instructor-written tests file
    _remember_helpers(module)
    found = [v for v in module.__dict__.values() if callable(v) and info_of(v)]
    found.sort(key=lambda f: f.__code__.co_firstlineno)
    return found


#: Results kept per helper function (distinct argument tuples).
MEMO_ENTRIES = 256
_MEMO_STR = 200


def _constant(value: Any) -> bool:
    """A small constant argument: a year, a code, a measure name (or a tuple of them)."""
    if value is None or type(value) in (bool, int, float):
        return True
    if type(value) is str:
        return len(value) <= _MEMO_STR
    if type(value) in (tuple, frozenset):
        return len(value) <= 16 and all(_constant(v) for v in value)
    return False


def _remember(function: Callable) -> Callable:
    memo: dict = {}

    @functools.wraps(function)
    def remembered(*args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items())))
        if not (all(_constant(a) for a in args) and all(_constant(v) for v in kwargs.values())):
            return function(*args, **kwargs)
        if key not in memo:
            result = function(*args, **kwargs)  # an exception is not remembered
            if len(memo) >= MEMO_ENTRIES:
                return result
            memo[key] = result
        return copy.deepcopy(memo[key])  # every caller gets its own copy

    remembered.__wrapped_helper__ = function
    return remembered


def _remember_helpers(module: types.ModuleType) -> None:
    """Wrap the tests file's own ``_helper`` functions with :func:`_remember`."""
    for attr, value in list(module.__dict__.items()):
        if (attr.startswith("_") and not attr.startswith("__") and type(value) is types.FunctionType
                and value.__module__ == module.__name__ and info_of(value) is None):
            module.__dict__[attr] = _remember(value)


def run_tests(
    tests: Iterable[Callable],
    answers: Mapping[str, Any],
    *,
    questions: Iterable[str] | None = None,
    required: Mapping[str, Iterable[str]] | None = None,
) -> list[TestResult]:
    """Run tests on decoded answers; never raises because of a wrong answer.

    ``questions`` limits the run to those question ids; ``required`` maps a question to
    the variable names it must define: if one is missing or still ``...``, that
    question's tests all fail with one clear message instead of running.
    """
    wanted = set(questions) if questions is not None else None
    results = []
    blocked: dict[str, str] = {}
    for question, names in (required or {}).items():
        for var in names:
            if var not in answers:
                problem = (
                    f"`{var}` is not defined. Run the cell that creates `{var}` "
                    "(and keep the variable name given in the question)."
                )
            else:
                problem = answer_problem(var, answers[var])
            if problem:
                blocked[question] = problem
                break
    for test in tests:
        info = info_of(test)
        if info is None or (wanted is not None and info.question not in wanted):
            continue
        label = test.__name__
        if info.question in blocked:
            results.append(
                TestResult(label, info.question, info.hidden, info.weight, False,
                           blocked[info.question])
            )
            continue
        try:
            # each test gets its own copy, so a test that changes a table in place
            # cannot change what the next test sees
            test(Answers(copy.deepcopy(dict(answers))))
        except Failed as failure:
            results.append(
                TestResult(label, info.question, info.hidden, info.weight, False, str(failure))
            )
        except Exception as error:  # a wrong-shaped answer made the test itself fail
            results.append(
                TestResult(
                    label, info.question, info.hidden, info.weight, False,
                    f"your answer could not be checked ({type(error).__name__}: "
                    f"{str(error)[:200]}). Check its type and shape against the question.",
                )
            )
        else:
            results.append(TestResult(label, info.question, info.hidden, info.weight, True, ""))
    return results


def score(results: list[TestResult], points: Mapping[str, float]) -> dict[str, float]:
    """Points per question: each question's points split across its tests by weight.

    Fills ``points``/``max_points`` on each result and returns ``{question: points}``
    (questions listed in ``points`` without any test result score 0).

    Examples
    --------
    >>> r = [TestResult("a", "q1", False, 1, True, ""), TestResult("b", "q1", True, 3, False, "")]
    >>> score(r, {"q1": 4})
    {'q1': 1.0}
    """
    totals = {q: 0.0 for q in points}
    weights: dict[str, float] = {}
    for result in results:
        weights[result.question] = weights.get(result.question, 0.0) + result.weight
    for result in results:
        available = float(points.get(result.question, 0))
        share = available * result.weight / weights[result.question]
        result.max_points = share
        result.points = share if result.passed else 0.0
        totals[result.question] = totals.get(result.question, 0.0) + result.points
    return {q: round(v, 6) for q, v in totals.items()}
