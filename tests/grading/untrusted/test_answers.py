"""Answers cross from student code to grader as plain JSON: round trips and hostile values."""

from __future__ import annotations

import json
import math

import altair as alt
import numpy as np
import pandas as pd
import pytest

from course.grading.untrusted.answers import (
    MAX_CELLS,
    AnswerFormatError,
    Missing,
    Unsupported,
    decode,
    dumps,
    encode,
    encode_many,
    loads,
)


def roundtrip(value):
    """Encode, pass through strict JSON text, decode."""
    return decode(loads(dumps(encode(value))))


@pytest.mark.parametrize("value", [0, -3, 2**70, 0.1, -2.5e300, True, False, "", "Entente",
                                   None, [1, "a", None], {"a": 1, 2: [3.0]}, (1, 2),
                                   {"x", "y"}])
def test_plain_values_roundtrip_exactly(value):
    back = roundtrip(value)
    assert back == value
    assert type(back) is type(value)


def test_numpy_scalars_become_python_scalars():
    assert type(roundtrip(np.float64(0.25))) is float
    assert type(roundtrip(np.int64(7))) is int
    assert roundtrip(np.int64(7)) == 7
    assert type(roundtrip(np.bool_(True))) is bool


def test_special_floats_survive_strict_json():
    text = dumps(encode([math.nan, math.inf, -math.inf]))
    assert "NaN" not in text and "Infinity" not in text
    nan, pos, neg = decode(loads(text))
    assert math.isnan(nan) and pos == math.inf and neg == -math.inf


def test_dataframe_roundtrip_keeps_values_dtypes_and_index():
    frame = pd.DataFrame({
        "stateabb": pd.array(["UKG", "FRN", None], dtype="string"),
        "year": [1913, 1913, 1914],
        "share": [0.25, math.nan, math.inf],
        "members": pd.array([3, None, 5], dtype="Int64"),
        "defense": pd.array([True, None, False], dtype="boolean"),
        "flag": [True, False, True],
        "when": pd.to_datetime(["1904-04-08", None, "1907-08-31"]),
    }, index=pd.Index([10, 20, 30], name="row"))
    back = roundtrip(frame)
    pd.testing.assert_frame_equal(back, frame)


def test_series_multiindex_category_and_object_roundtrip():
    index = pd.MultiIndex.from_tuples([("UKG", 1913), ("FRN", 1913)], names=["who", "year"])
    series = pd.Series([0.3, 0.7], index=index, name="share")
    pd.testing.assert_series_equal(roundtrip(series), series)
    cat = pd.Series(pd.Categorical(["low", "high", "low"], categories=["low", "high"],
                                   ordered=True))
    pd.testing.assert_series_equal(roundtrip(cat), cat)
    obj = pd.Series([1, "a", None], dtype=object)
    assert list(roundtrip(obj)) == [1, "a", None]


def test_ndarray_roundtrip_keeps_shape_and_dtype():
    array = np.arange(6, dtype="int32").reshape(2, 3)
    back = roundtrip(array)
    assert back.dtype == np.dtype("int32") and back.shape == (2, 3)
    np.testing.assert_array_equal(back, array)


def test_chart_becomes_its_vega_lite_spec():
    data = pd.DataFrame({"year": [1900, 1901], "share": [0.2, 0.3]})
    chart = alt.Chart(data).mark_line().encode(x="year:O", y="share:Q")
    spec = roundtrip(chart)
    assert type(spec) is dict
    assert spec["mark"]["type"] == "line" if isinstance(spec["mark"], dict) else \
        spec["mark"] == "line"
    assert spec["encoding"]["y"]["field"] == "share"


class AlwaysEqual:
    calls = 0

    def __eq__(self, other):
        AlwaysEqual.calls += 1
        return True

    def __repr__(self):
        AlwaysEqual.calls += 1
        return "0.5"

    def __len__(self):
        AlwaysEqual.calls += 1
        return 1


class SlyFloat(float):
    def __eq__(self, other):
        return True


class SlyFrame(pd.DataFrame):
    def __eq__(self, other):
        return True


@pytest.mark.parametrize("value", [AlwaysEqual(), SlyFloat(1.0), SlyFrame({"a": [1]}),
                                   object(), print, [AlwaysEqual()]])
def test_user_classes_are_unsupported_and_never_called(value):
    AlwaysEqual.calls = 0
    back = roundtrip(value)
    if type(value) is list:
        back = back[0]
    assert type(back) is Unsupported
    assert not back == 0.5  # noqa: SIM201 - __eq__ is what is under test
    assert not back == pd.DataFrame({"a": [1]})  # noqa: SIM201
    assert AlwaysEqual.calls == 0


def test_subclass_name_is_reported():
    payload = encode(SlyFloat(2.0))
    assert payload == {"type": "unsupported", "class": f"{__name__}.SlyFloat"}


def test_large_table_is_refused_with_a_reason():
    big = pd.DataFrame({"x": np.zeros(MAX_CELLS + 1)})
    payload = encode(big)
    assert payload["type"] == "unsupported" and "larger than" in payload["reason"]
    assert encode(pd.DataFrame({"x": np.zeros(MAX_CELLS)}))["type"] == "dataframe"


def test_deep_nesting_and_huge_lists_are_refused_not_crashing():
    deep: list = []
    for _ in range(100):
        deep = [deep]
    assert encode(deep)["type"] == "unsupported"
    assert encode(list(range(300_000)))["type"] == "unsupported"


def test_encode_many_marks_missing_variables():
    out = encode_many(["shares", "verdict"], {"shares": 1.5})
    assert decode(out["shares"]) == 1.5
    assert decode(out["verdict"]) == Missing()


@pytest.mark.parametrize("payload", [
    None, [], {"type": 3}, {"type": "int", "value": 1.5}, {"type": "bool", "value": 1},
    {"type": "list", "items": "abc"}, {"type": "dict", "items": [[{"type": "list", "items": []},
                                                                  {"type": "none"}]]},
    {"type": "dataframe", "columns": {"names": [], "levels": []}, "dtypes": [],
     "column_info": [], "index": {"range": [0, 2, 1], "names": []}, "data": [[1]]},
    {"type": "float", "value": "one"}, {"type": "evil"},
    {"type": "ndarray", "dtype": "int64", "kind": "int", "shape": [5], "data": [1]},
])
def test_malformed_payloads_raise_answer_format_error(payload):
    with pytest.raises(AnswerFormatError):
        decode(payload)


def test_loads_rejects_nan_literals():
    with pytest.raises(AnswerFormatError):
        loads('{"type": "float", "value": NaN}')
    assert json.loads(dumps(encode(1.0))) == {"type": "float", "value": 1.0}
