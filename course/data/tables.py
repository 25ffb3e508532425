"""Table specifications and the deterministic CSV writer used by the build.

A builder returns :class:`TableSpec` objects: a DataFrame plus the metadata that goes
into ``datapackage.json`` (title, description, sources, field descriptions and units,
primary key). :func:`to_csv_bytes` turns one into the exact bytes committed under
``data/``: rows sorted by the primary key (or ``sort_by``), floats written in their
shortest round-trip positional form, booleans as ``true``/``false``, missing values as
empty cells, LF line endings.

Examples
--------
>>> import pandas as pd
>>> spec = TableSpec(
...     name="demo", title="Demo", description="Two rows.", sources=["cow-nmc"],
...     fields=[Field("ccode", "integer", "COW code"), Field("x", "number", "a share")],
...     frame=pd.DataFrame({"ccode": [200, 2], "x": [0.5, None]}), primary_key=["ccode"])
>>> print(to_csv_bytes(spec).decode(), end="")
ccode,x
2,
200,0.5
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from course.errors import DataError

FIELD_TYPES = {"integer", "number", "string", "boolean", "date"}


@dataclass
class Field:
    """One column: Frictionless type, description, and unit where it has one."""

    name: str
    type: str
    description: str
    unit: str | None = None

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"field {self.name}: unknown type {self.type!r}")


@dataclass
class TableSpec:
    """A curated table ready to be written: data plus catalogue metadata."""

    name: str
    title: str
    description: str
    sources: list[str]
    fields: list[Field]
    frame: pd.DataFrame
    primary_key: list[str] | None = None
    sort_by: list[str] | None = None
    extra_sources: list[dict] = field(default_factory=list)

    def ordered(self) -> pd.DataFrame:
        """The frame with the declared columns, in order, rows sorted deterministically."""
        names = [f.name for f in self.fields]
        missing = [n for n in names if n not in self.frame.columns]
        if missing:
            raise DataError(f"table {self.name}: builder did not produce columns {missing}")
        frame = self.frame[names]
        keys = self.sort_by or self.primary_key or names
        frame = frame.sort_values(keys, kind="mergesort", na_position="first")
        if self.primary_key and frame.duplicated(self.primary_key).any():
            dup = frame[frame.duplicated(self.primary_key, keep=False)].head(4)
            raise DataError(f"table {self.name}: primary key {self.primary_key} not unique:\n{dup}")
        return frame.reset_index(drop=True)


def _format_number(value) -> str:
    if value is None or value is pd.NA:
        return ""
    value = float(value)
    if math.isnan(value):
        return ""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return np.format_float_positional(value, trim="-")


def _format_integer(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(int(value))


def _format_boolean(value) -> str:
    if value is None or value is pd.NA:
        return ""
    return "true" if bool(value) else "false"


def _format_string(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


FORMATTERS = {
    "integer": _format_integer,
    "number": _format_number,
    "boolean": _format_boolean,
    "string": _format_string,
    "date": _format_string,
}


def to_csv_bytes(spec: TableSpec) -> bytes:
    """Serialise a table to the exact bytes committed under ``data/`` (see module doc)."""
    frame = spec.ordered()
    columns = [
        [FORMATTERS[f.type](v) for v in frame[f.name].astype(object).tolist()]
        for f in spec.fields
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([f.name for f in spec.fields])
    writer.writerows(zip(*columns, strict=True))
    return out.getvalue().encode("utf-8")


def has_missing(spec: TableSpec, name: str) -> bool:
    """Whether column ``name`` of the table holds at least one missing value."""
    column = spec.frame[name]
    if column.isna().any():
        return True
    return bool((column.astype(object).map(lambda v: v == "")).any())
