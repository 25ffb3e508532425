"""Answers as plain data: the only thing that crosses from a student's code to the grader.

A student's answer (a number, a table, a chart...) is turned into a JSON-safe ``dict`` by
:func:`encode` in the process that ran the student's code, and rebuilt by :func:`decode`
in the process that runs the tests. The in-notebook self-check and the grader use the same
two functions, so a public check behaves the same in both places.

Encoding looks only at exact built-in, numpy, pandas and Altair types (``type(x) is
float``, never ``isinstance`` on a student's class) and never calls a student's
``__eq__``, ``__repr__`` or ``__len__``. Anything else becomes
``{"type": "unsupported", "class": "module.Qualname"}``, so an object whose ``__eq__``
always returns ``True`` never reaches a test: the test sees an :class:`Unsupported`
marker, which equals nothing but itself.

Decoding trusts nothing: a malformed or oversized payload raises :class:`AnswerFormatError`.

Examples
--------
>>> import pandas as pd
>>> payload = encode(pd.DataFrame({"year": [1913, 1914], "share": [0.25, float("nan")]}))
>>> payload["type"], payload["dtypes"]
('dataframe', ['int64', 'float64'])
>>> decode(payload)
   year  share
0  1913   0.25
1  1914    NaN
>>> decode(encode((1, "a", None)))
(1, 'a', None)
>>> class Sly:
...     def __eq__(self, other):
...         return True
>>> encode(Sly())["type"]
'unsupported'
>>> decode(encode(Sly())) == 3
False
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from course.errors import DataError

__all__ = [
    "AnswerFormatError",
    "Unsupported",
    "decode",
    "dumps",
    "encode",
    "encode_many",
    "loads",
    "MAX_CELLS",
]

#: Largest table/array (rows x columns, or elements) encoded; larger ones are "unsupported".
MAX_CELLS = 50_000
#: Longest string kept.
MAX_STR = 200_000
#: Deepest nesting of lists/dicts.
MAX_DEPTH = 32
#: Total number of encoded items (cells, list items, dict entries) in one answer.
MAX_ITEMS = 200_000
#: Largest chart spec kept (JSON bytes); the course's own charts stay under 100 KB.
MAX_CHART_BYTES = 2_000_000

_INT_TYPES = {int, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
              np.uint64}
_FLOAT_TYPES = {float, np.float16, np.float32, np.float64}
_BOOL_TYPES = {bool, np.bool_}
_STR_TYPES = {str, np.str_}
_MASKED_DTYPES = {pd.Int8Dtype, pd.Int16Dtype, pd.Int32Dtype, pd.Int64Dtype, pd.UInt8Dtype,
                  pd.UInt16Dtype, pd.UInt32Dtype, pd.UInt64Dtype, pd.Float32Dtype,
                  pd.Float64Dtype}
_CHART_CLASSES = {"Chart", "LayerChart", "HConcatChart", "VConcatChart", "ConcatChart",
                  "FacetChart", "RepeatChart"}


class AnswerFormatError(DataError):
    """An encoded answer is malformed (it did not come from :func:`encode`, or was damaged)."""


class Unsupported:
    """Stands in for a value the grader cannot use (an unknown class, or too large).

    It equals only another :class:`Unsupported` with the same description, so an answer of
    a strange type can never pass a comparison by accident.

    Examples
    --------
    >>> Unsupported("builtins.object") == 0
    False
    >>> Unsupported("builtins.object")
    Unsupported('builtins.object')
    """

    __slots__ = ("cls", "reason")

    def __init__(self, cls: str, reason: str = "") -> None:
        self.cls = cls
        self.reason = reason

    def __eq__(self, other: object) -> bool:
        return type(other) is Unsupported and (other.cls, other.reason) == (self.cls, self.reason)

    def __hash__(self) -> int:
        return hash((self.cls, self.reason))

    def __repr__(self) -> str:
        return f"Unsupported({self.cls!r})"

    def describe(self) -> str:
        """Plain-language description for a feedback message."""
        what = f"a value of type {self.cls}"
        return f"{what} ({self.reason})" if self.reason else what


class _Budget:
    def __init__(self) -> None:
        self.items = 0

    def spend(self, n: int) -> None:
        self.items += n
        if self.items > MAX_ITEMS:
            raise _TooBigError(f"more than {MAX_ITEMS:,} items in one answer")


class _TooBigError(Exception):
    pass


def _qualname(value: Any) -> str:
    cls = type(value)
    module = getattr(cls, "__module__", "?")
    name = getattr(cls, "__qualname__", getattr(cls, "__name__", "?"))
    return f"{module}.{name}" if type(module) is str and type(name) is str else "unknown"


def _unsupported(value: Any, reason: str = "") -> dict:
    out = {"type": "unsupported", "class": _qualname(value)}
    if reason:
        out["reason"] = reason
    return out


# ---------------------------------------------------------------------------- encoding


def _float_json(x: float) -> float | str:
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _is_chart(value: Any) -> bool:
    cls = type(value)
    module = getattr(cls, "__module__", "")
    return (type(module) is str and module.startswith("altair.")
            and cls.__name__ in _CHART_CLASSES)


def encode(value: Any, *, max_cells: int = MAX_CELLS) -> dict:
    """Turn an answer into a JSON-safe dict that :func:`decode` rebuilds.

    Parameters
    ----------
    value
        ``None``, a bool, int, float or str (Python or numpy), a list, tuple, set or dict
        of such values, a pandas DataFrame, Series or Timestamp, a numpy array, or an
        Altair chart (kept as its Vega-Lite spec). Anything else is encoded as
        ``{"type": "unsupported", "class": ...}``.
    max_cells
        Tables and arrays with more cells than this are encoded as unsupported.

    Returns
    -------
    dict
        A dict with a ``"type"`` key, safe for :func:`json.dumps` with ``allow_nan=False``.

    Examples
    --------
    >>> import numpy as np
    >>> encode(np.float64(0.5))
    {'type': 'float', 'value': 0.5}
    >>> encode(float("inf"))
    {'type': 'float', 'value': 'inf'}
    >>> encode([1, True])["items"]
    [{'type': 'int', 'value': 1}, {'type': 'bool', 'value': True}]
    """
    try:
        return _encode(value, _Budget(), 0, max_cells)
    except _TooBigError as error:
        return _unsupported(value, f"too large to grade: {error}")
    except RecursionError:
        return _unsupported(value, "nested too deeply")


def _encode(value: Any, budget: _Budget, depth: int, max_cells: int) -> dict:
    if depth > MAX_DEPTH:
        raise _TooBigError(f"nested more than {MAX_DEPTH} levels deep")
    budget.spend(1)
    t = type(value)
    if value is None:
        return {"type": "none"}
    if value is pd.NA:
        return {"type": "none", "na": "NA"}
    if value is pd.NaT:
        return {"type": "none", "na": "NaT"}
    if t in _BOOL_TYPES:
        return {"type": "bool", "value": bool(value)}
    if t in _INT_TYPES:
        return {"type": "int", "value": int(value)}
    if t in _FLOAT_TYPES:
        return {"type": "float", "value": _float_json(value)}
    if t in _STR_TYPES:
        if len(value) > MAX_STR:
            return _unsupported(value, f"a string longer than {MAX_STR:,} characters")
        return {"type": "str", "value": str(value)}
    if t is list or t is tuple or t is set or t is frozenset:
        budget.spend(len(value))
        items = [_encode(v, budget, depth + 1, max_cells) for v in value]
        kind = {list: "list", tuple: "tuple", set: "set", frozenset: "set"}[t]
        out = {"type": "list", "items": items}
        if kind != "list":
            out["container"] = kind
        return out
    if t is dict:
        budget.spend(len(value))
        return {"type": "dict",
                "items": [[_encode(k, budget, depth + 1, max_cells),
                           _encode(v, budget, depth + 1, max_cells)] for k, v in value.items()]}
    if t is pd.Timestamp:
        return {"type": "timestamp", "value": value.isoformat()}
    if t is pd.DataFrame:
        return _encode_frame(value, budget, depth, max_cells)
    if t is pd.Series:
        return _encode_series(value, budget, depth, max_cells)
    if t is np.ndarray:
        return _encode_array(value, budget, depth, max_cells)
    if _is_chart(value):
        try:
            spec = value.to_dict()
            text = json.dumps(spec, allow_nan=False, default=str)
        except Exception as error:  # an invalid chart is the student's to fix
            return _unsupported(value, f"the chart could not be turned into a spec: {error}")
        if len(text) > MAX_CHART_BYTES:
            return _unsupported(value, f"a chart spec of {len(text):,} bytes is larger than "
                                       f"the {MAX_CHART_BYTES:,} the grader reads (draw "
                                       "aggregated rows, not raw data)")
        budget.spend(len(text) // 100)
        return {"type": "chart", "spec": json.loads(text)}
    return _unsupported(value)


def _from_pandas(obj: Any) -> bool:
    module = getattr(type(obj), "__module__", "")
    return type(module) is str and (module == "pandas" or module.startswith("pandas."))


def _column_kind(dtype: Any) -> str | None:
    """How a column of this dtype is stored, or None if we do not handle it."""
    if isinstance(dtype, np.dtype) and type(dtype).__module__.startswith("numpy"):
        return {"b": "bool", "i": "int", "u": "int", "f": "float", "M": "datetime",
                "m": "timedelta", "O": "object", "U": "str"}.get(dtype.kind)
    if not _from_pandas(dtype):
        return None
    if type(dtype) is pd.CategoricalDtype:
        return "category"
    if type(dtype) is pd.StringDtype:
        return "str"
    if type(dtype) is pd.BooleanDtype:
        return "nullable"
    if type(dtype) is pd.DatetimeTZDtype:
        return "datetime"
    if type(dtype) in _MASKED_DTYPES:
        return "nullable"
    return None


def _encode_values(values: Any, dtype: Any, budget: _Budget, depth: int, max_cells: int
                   ) -> tuple[str, list, dict]:
    """Encode a 1-d pandas array-like of one dtype: (kind, JSON list, extra info)."""
    kind = _column_kind(dtype)
    if kind is None:
        raise _UnencodableError(f"a column of dtype {dtype}")
    n = len(values)
    budget.spend(n)
    extra: dict = {}
    if kind == "float":
        out = [_float_json(x) for x in np.asarray(values, dtype="float64")]
    elif kind == "int":
        out = [int(x) for x in np.asarray(values)]
    elif kind == "bool":
        out = [bool(x) for x in np.asarray(values)]
    elif kind == "nullable":
        mask = np.asarray(pd.isna(values))
        raw = np.asarray(values, dtype=object)
        out = []
        for missing, x in zip(mask, raw, strict=True):
            if missing:
                out.append(None)
            elif type(x) in _BOOL_TYPES:
                out.append(bool(x))
            elif type(x) in _INT_TYPES:
                out.append(int(x))
            else:
                out.append(_float_json(x))
    elif kind == "str":
        raw = np.asarray(values, dtype=object)
        out = []
        for x in raw:
            if type(x) in _STR_TYPES:
                out.append(str(x)[:MAX_STR])
            else:
                out.append(None)
    elif kind in ("datetime", "timedelta"):
        series = pd.Series(values)
        mask = series.isna().to_numpy()
        if kind == "datetime":
            text = series.astype(str).to_numpy()
            out = [None if m else str(s) for m, s in zip(mask, text, strict=True)]
        else:
            ns = series.to_numpy(dtype="timedelta64[ns]").astype("int64")
            out = [None if m else int(s) for m, s in zip(mask, ns, strict=True)]
    elif kind == "category":
        cat = pd.Categorical(values)
        cats_kind, cats, cats_extra = _encode_values(
            cat.categories, cat.categories.dtype, budget, depth, max_cells)
        extra = {"categories": {"kind": cats_kind, "dtype": str(cat.categories.dtype),
                                "values": cats, **cats_extra},
                 "ordered": bool(cat.ordered)}
        out = [int(c) for c in cat.codes]
    else:  # object: each cell encoded in full
        out = [_encode(x, budget, depth + 1, max_cells) for x in np.asarray(values, dtype=object)]
    return kind, out, extra


class _UnencodableError(Exception):
    pass


def _encode_index(index: pd.Index, budget: _Budget, depth: int, max_cells: int) -> dict:
    if type(index) is pd.RangeIndex:
        return {"range": [int(index.start), int(index.stop), int(index.step)],
                "names": [_encode(index.name, budget, depth + 1, max_cells)]}
    if type(index) is pd.MultiIndex:
        levels = [index.get_level_values(i) for i in range(index.nlevels)]
    elif _from_pandas(index):
        levels = [index]
    else:
        raise _UnencodableError(f"an index of type {_qualname(index)}")
    encoded = []
    for level in levels:
        kind, values, extra = _encode_values(level.array, level.dtype, budget, depth, max_cells)
        encoded.append({"kind": kind, "dtype": str(level.dtype), "values": values, **extra})
    return {"levels": encoded,
            "names": [_encode(n, budget, depth + 1, max_cells) for n in index.names]}


def _encode_frame(frame: pd.DataFrame, budget: _Budget, depth: int, max_cells: int) -> dict:
    n_rows, n_cols = frame.shape
    if n_rows * n_cols > max_cells:
        return _unsupported(frame, f"a table of {n_rows:,} x {n_cols:,} cells is larger than "
                                   f"the {max_cells:,} cells the grader reads")
    try:
        columns = []
        dtypes = []
        extras = []
        for position in range(n_cols):
            column = frame.iloc[:, position]
            kind, values, extra = _encode_values(column.array, column.dtype, budget, depth,
                                                 max_cells)
            columns.append((kind, values))
            dtypes.append(str(column.dtype))
            extras.append({"kind": kind, **extra})
        data = [[col[1][i] for col in columns] for i in range(n_rows)]
        return {"type": "dataframe",
                "columns": _encode_index(frame.columns, budget, depth, max_cells),
                "dtypes": dtypes,
                "column_info": extras,
                "index": _encode_index(frame.index, budget, depth, max_cells),
                "data": data}
    except _UnencodableError as error:
        return _unsupported(frame, f"contains {error}")


def _encode_series(series: pd.Series, budget: _Budget, depth: int, max_cells: int) -> dict:
    if len(series) > max_cells:
        return _unsupported(series, f"a series of {len(series):,} values is larger than "
                                    f"the {max_cells:,} the grader reads")
    try:
        kind, values, extra = _encode_values(series.array, series.dtype, budget, depth,
                                             max_cells)
        return {"type": "series",
                "name": _encode(series.name, budget, depth + 1, max_cells),
                "dtype": str(series.dtype),
                "kind": kind, **extra,
                "index": _encode_index(series.index, budget, depth, max_cells),
                "data": values}
    except _UnencodableError as error:
        return _unsupported(series, f"contains {error}")


def _encode_array(array: np.ndarray, budget: _Budget, depth: int, max_cells: int) -> dict:
    if array.size > max_cells:
        return _unsupported(array, f"an array of {array.size:,} values is larger than "
                                   f"the {max_cells:,} the grader reads")
    kind = _column_kind(array.dtype)
    if kind is None or kind in ("datetime", "timedelta"):
        return _unsupported(array, f"an array of dtype {array.dtype}")
    flat = array.reshape(-1)
    _, values, _ = _encode_values(flat, array.dtype, budget, depth, max_cells)
    return {"type": "ndarray", "dtype": str(array.dtype), "kind": kind,
            "shape": [int(s) for s in array.shape], "data": values}


def encode_many(names: list[str], namespace: dict) -> dict:
    """Encode the variables ``names`` from ``namespace`` (a missing one → ``{"type": "missing"}``).

    Examples
    --------
    >>> encode_many(["a", "b"], {"a": 1})
    {'a': {'type': 'int', 'value': 1}, 'b': {'type': 'missing'}}
    """
    out = {}
    for name in names:
        if name in namespace:
            try:
                out[name] = encode(namespace[name])
            except Exception as error:  # a broken pandas object, say; never stop the run
                out[name] = {"type": "unsupported", "class": "unknown",
                             "reason": f"could not be read: {type(error).__name__}"}
        else:
            out[name] = {"type": "missing"}
    return out


# ---------------------------------------------------------------------------- decoding


class Missing:
    """The answer variable was not defined (the cell was not run, or failed first)."""

    def __repr__(self) -> str:
        return "Missing()"

    def __eq__(self, other: object) -> bool:
        return type(other) is Missing

    def __hash__(self) -> int:
        return 0


def _bad(what: str) -> AnswerFormatError:
    return AnswerFormatError(f"malformed answer: {what}")


def _float_from(x: Any) -> float:
    if type(x) is float or type(x) is int:
        return float(x)
    if x == "nan" or x is None:
        return math.nan
    if x == "inf":
        return math.inf
    if x == "-inf":
        return -math.inf
    raise _bad(f"{x!r} is not a float")


def decode(payload: Any) -> Any:
    """Rebuild a value from :func:`encode`'s dict.

    Returns plain Python values, pandas DataFrame/Series/Timestamp, numpy arrays, a
    ``dict`` for a chart's Vega-Lite spec, :class:`Unsupported` for unsupported values and
    a ``Missing()`` marker for ``{"type": "missing"}``.

    The payload is treated as hostile: every dtype must be one :func:`encode` produces
    (an allow-list, so a forged ``"<U1000000000"`` or sub-array dtype is refused), every
    size is taken from the data actually sent (never from a stated length or shape), and
    nesting is bounded.

    Raises
    ------
    AnswerFormatError
        If the payload is not something :func:`encode` produces.

    Examples
    --------
    >>> decode({"type": "float", "value": "-inf"})
    -inf
    >>> decode({"type": "int", "value": "7"})
    Traceback (most recent call last):
    ...
    course.grading.untrusted.answers.AnswerFormatError: malformed answer: int value '7'
    >>> decode({"type": "ndarray", "kind": "str", "dtype": "<U1000000000", "shape": [1],
    ...         "data": ["a"]})
    array(['a'], dtype='<U1')
    >>> decode({"type": "ndarray", "kind": "float", "dtype": "(1000000,)f8", "shape": [1],
    ...         "data": [1.0]})
    Traceback (most recent call last):
    ...
    course.grading.untrusted.answers.AnswerFormatError: malformed answer: dtype '(1000000,)f8'
    """
    try:
        return _decode(payload, 0)
    except AnswerFormatError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, OverflowError, RecursionError,
            AttributeError) as error:
        raise _bad(f"{type(error).__name__}: {error}"[:300]) from None


def _decode(p: Any, depth: int) -> Any:
    if depth > MAX_DEPTH + 2:
        raise _bad("nested too deeply")
    if type(p) is not dict or type(p.get("type")) is not str:
        raise _bad("expected an object with a 'type'")
    t = p["type"]
    if t == "none":
        na = p.get("na")
        return pd.NA if na == "NA" else pd.NaT if na == "NaT" else None
    if t == "missing":
        return Missing()
    if t == "bool":
        if type(p["value"]) is not bool:
            raise _bad("bool value")
        return p["value"]
    if t == "int":
        if type(p["value"]) is not int:
            raise _bad(f"int value {p['value']!r}")
        return p["value"]
    if t == "float":
        return _float_from(p["value"])
    if t == "str":
        if type(p["value"]) is not str:
            raise _bad("str value")
        return p["value"]
    if t == "list":
        items = [_decode(v, depth + 1) for v in _as_list(p["items"])]
        container = p.get("container", "list")
        if container == "tuple":
            return tuple(items)
        if container == "set":
            try:
                return set(items)
            except TypeError:
                raise _bad("unhashable set item") from None
        return items
    if t == "dict":
        out = {}
        for pair in _as_list(p["items"]):
            if type(pair) is not list or len(pair) != 2:
                raise _bad("dict entry")
            key = _decode(pair[0], depth + 1)
            try:
                hash(key)
            except TypeError:
                raise _bad("unhashable dict key") from None
            out[key] = _decode(pair[1], depth + 1)
        return out
    if t == "timestamp":
        return pd.Timestamp(_short_str(p["value"], "timestamp"))
    if t == "chart":
        if type(p["spec"]) is not dict:
            raise _bad("chart spec")
        return p["spec"]
    if t == "unsupported":
        return Unsupported(str(p.get("class", "unknown"))[:200], str(p.get("reason", ""))[:500])
    if t == "ndarray":
        data = _as_list(p["data"])
        shape = [v for v in _as_list(p["shape"])]
        if len(shape) > MAX_DEPTH or any(type(s) is not int or s < 0 for s in shape):
            raise _bad("array shape")
        if math.prod(shape) != len(data):  # sizes from the data sent, never from `shape`
            raise _bad("array shape")
        kind = p["kind"]
        if kind not in ("float", "int", "bool", "str", "object"):
            raise _bad(f"array kind {kind!r}")
        values = _decode_values({**p, "type": "array"}, len(data), depth)
        if kind == "object":
            array = np.empty(len(values), dtype=object)
            for i, v in enumerate(values):
                array[i] = v
        else:
            array = np.asarray(values)
        return array.reshape(shape)
    if t == "series":
        index = _decode_index(p["index"], depth)
        values = _decode_values(p, len(index), depth)
        return pd.Series(values, index=index, name=_decode(p["name"], depth + 1))
    if t == "dataframe":
        index = _decode_index(p["index"], depth)
        columns = _decode_index(p["columns"], depth)
        rows = _as_list(p["data"])
        info = _as_list(p["column_info"])
        dtypes = _as_list(p["dtypes"])
        if len(info) != len(columns) or len(dtypes) != len(columns) or len(rows) != len(index):
            raise _bad("table shape")
        for row in rows:
            if type(row) is not list or len(row) != len(columns):
                raise _bad("table row")
        data = {}
        for j in range(len(columns)):
            if type(info[j]) is not dict:
                raise _bad("column info")
            spec = {**info[j], "dtype": dtypes[j], "data": [row[j] for row in rows]}
            data[j] = _decode_values(spec, len(index), depth)
        frame = pd.DataFrame(data, index=index)
        frame.columns = columns
        return frame
    raise _bad(f"unknown type {t!r}")


def _as_list(x: Any) -> list:
    if type(x) is not list:
        raise _bad("expected a list")
    return x


def _short_str(x: Any, what: str, limit: int = 200) -> str:
    if type(x) is not str or len(x) > limit:
        raise _bad(what)
    return x


# The only dtypes `encode` writes, by column kind. Anything else is refused: a dtype named
# by a hostile payload must never decide how much memory the grader allocates.
_DTYPES = {
    "float": {"float16", "float32", "float64"},
    "int": {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"},
    "bool": {"bool"},
    "nullable": {"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64",
                 "Float32", "Float64", "boolean"},
    "str": {"str", "string", "object"},
    "category": {"category"},
    "object": {"object"},
}
_TIME_DTYPE = re.compile(r"^(?P<kind>datetime64|timedelta64)\[(?P<unit>ns|us|ms|s)"
                         r"(?:, (?P<tz>[A-Za-z][A-Za-z0-9_/+-]{0,40}))?\]$")


def _checked_dtype(kind: Any, dtype: Any) -> str:
    """The dtype string if ``encode`` could have written it for ``kind``; else refuse."""
    text = _short_str(dtype, "dtype", 60)
    if kind == "str" and re.fullmatch(r"<U[0-9]{1,12}", text):
        return "<U"  # numpy text: the width comes from the strings sent
    if kind in ("datetime", "timedelta"):
        match = _TIME_DTYPE.match(text)
        if match and match["kind"] == f"{kind}64" and (kind == "datetime" or not match["tz"]):
            return text
    elif text in _DTYPES.get(kind, ()):
        return text
    raise _bad(f"dtype {text!r}")


def _decode_values(spec: dict, n: int, depth: int = 0) -> Any:
    """Rebuild a pandas array from ``{"kind", "dtype", "data"/"values", ...}``."""
    kind = spec["kind"]
    dtype = _checked_dtype(kind, spec["dtype"])
    values = _as_list(spec["data"] if "data" in spec else spec["values"])
    if len(values) != n:
        raise _bad("column length")
    if kind == "float":
        return pd.array(np.array([_float_from(v) for v in values], dtype="float64")
                        .astype(dtype), dtype=dtype)
    if kind == "int":
        if any(type(v) is not int for v in values):
            raise _bad("int column")
        return pd.array(np.array(values, dtype=dtype), dtype=dtype)
    if kind == "bool":
        if any(type(v) is not bool for v in values):
            raise _bad("bool column")
        return pd.array(np.array(values, dtype=bool), dtype=dtype)
    if kind == "nullable":
        if any(v is not None and type(v) not in (int, float, bool, str) for v in values):
            raise _bad("nullable column")
        clean = [None if v is None else _float_from(v) if type(v) is str else v for v in values]
        return pd.array(clean, dtype=dtype)
    if kind == "str":
        if any(v is not None and type(v) is not str for v in values):
            raise _bad("string column")
        if dtype == "<U":
            return np.array(values, dtype=str)
        if dtype == "object":
            return np.array(values, dtype=object)
        return pd.array(values, dtype=dtype)
    if kind == "datetime":
        if any(v is not None and type(v) is not str for v in values):
            raise _bad("datetime column")
        stamps = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601",
                                utc="," in dtype)
        return stamps.astype(dtype).array
    if kind == "timedelta":
        if any(v is not None and type(v) is not int for v in values):
            raise _bad("timedelta column")
        return pd.array(pd.to_timedelta(values, unit="ns")).astype(dtype)
    if kind == "category":
        cats_spec = spec["categories"]
        if type(cats_spec) is not dict or cats_spec.get("kind") == "category":
            raise _bad("categories")
        categories = _decode_values(cats_spec, len(_as_list(cats_spec["values"])), depth)
        if any(type(c) is not int for c in values):
            raise _bad("category codes")
        return pd.Categorical.from_codes(values, categories=pd.Index(categories),
                                         ordered=spec.get("ordered") is True)
    if kind == "object":
        array = np.empty(len(values), dtype=object)
        for i, v in enumerate(values):
            array[i] = _decode(v, depth + 1)
        return array
    raise _bad(f"column kind {kind!r}")


def _decode_index(spec: Any, depth: int = 0) -> pd.Index:
    if type(spec) is not dict:
        raise _bad("index")
    names = [_decode(n, depth + 1) for n in _as_list(spec["names"])]
    if "range" in spec:
        bounds = _as_list(spec["range"])
        if len(bounds) != 3 or any(type(v) is not int for v in bounds) or bounds[2] == 0:
            raise _bad("range index")
        if len(range(*bounds)) > MAX_ITEMS:  # rows must be sent anyway; refuse a huge claim
            raise _bad("range index longer than the rows sent")
        return pd.RangeIndex(*bounds, name=names[0] if names else None)
    levels = []
    for level in _as_list(spec["levels"]):
        if type(level) is not dict:
            raise _bad("index level")
        n = len(_as_list(level["values"]))
        levels.append(pd.Index(_decode_values(level, n, depth)))
    if not levels or len(levels) > MAX_DEPTH:
        raise _bad("index levels")
    if len(levels) == 1:
        index = levels[0]
        index.name = names[0] if names else None
        return index
    if len({len(level) for level in levels}) != 1 or len(names) != len(levels):
        raise _bad("index levels")
    return pd.MultiIndex.from_arrays(levels, names=names)


def dumps(payload: dict) -> str:
    """Compact JSON text of an encoded answer (no NaN literals)."""
    return json.dumps(payload, allow_nan=False, separators=(",", ":"))


def loads(text: str | bytes) -> dict:
    """Parse JSON text produced by :func:`dumps` (rejects NaN/Infinity literals)."""

    def _reject(constant: str) -> None:
        raise _bad(f"JSON constant {constant}")

    return json.loads(text, parse_constant=_reject)
