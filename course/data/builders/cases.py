"""The course's cited case tables (``cases/*.csv``) -> ``case_*`` tables, columns kept.

The case files are small tables compiled for the course, each row with its source,
source_url and source_quote. They are re-serialised with inferred column types
(integer, number or string) so the catalogue can describe them.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from course.data.sources import raw_path
from course.data.tables import Field, TableSpec

CASES = {
    "case_libya_2011": ("libya_2011.csv", "Libya 2011 air campaign: cited figures by nation"),
    "case_kosovo_1999": ("kosovo_1999.csv", "Kosovo 1999 air campaign: cited figures"),
    "case_isaf_troops": ("isaf_troops.csv", "ISAF troop contributions: cited figures"),
    "case_nato_defence_gdp": (
        "nato_defence_gdp.csv", "NATO defence spending as % of GDP: figures from several releases"),
    "case_prewar_milex": (
        "prewar_military_expenditure_cow.csv",
        "Pre-1914 military expenditure of the great powers (COW NMC rows, thousands of GBP)"),
    "case_prewar_naval": (
        "prewar_naval_1889_1914.csv", "Pre-1914 naval spending and fleets: cited figures"),
    "case_events": ("events.csv", "Dated alliance events 1879-1914 with sources"),
}

DESCRIPTIONS = {
    "id": "Row identifier",
    "value": "The figure (see unit and value_qualifier)",
    "value_qualifier": "How the source qualifies the figure ('about', 'more than', 'as stated'...)",
    "unit": "Unit of the figure",
    "as_of": "Date or year the figure refers to",
    "year": "Year the figure refers to (may be a financial year or a range)",
    "source": "Publisher, title and date of the source",
    "source_url": "Address of the stored copy that was read",
    "source_type": "Kind of source (official, news report of official figures, blog...)",
    "source_quote": "Short passage stating the figure, copied from the source",
    "notes": "Conflicts with other rows, caveats, definitions",
}

INTEGER = re.compile(r"^-?\d+$")
NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def infer_type(values: list[str]) -> str:
    """Narrowest Frictionless type for a column of CSV cells (empty cells ignored).

    Examples
    --------
    >>> infer_type(["1", "", "12"]), infer_type(["1.5", "2"]), infer_type(["1909-10", "1910"])
    ('integer', 'number', 'string')
    """
    present = [v for v in values if v != ""]
    if present and all(INTEGER.match(v) and not (len(v) > 1 and v.startswith("0"))
                       for v in present):
        return "integer"
    if present and all(NUMBER.match(v) for v in present):
        return "number"
    return "string"


def build(shared_dir: Path, built: dict) -> list[TableSpec]:
    specs = []
    for name, (file_name, title) in CASES.items():
        path = raw_path("cases", f"cases/{file_name}", shared_dir)
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        columns = list(rows[0].keys())
        fields = []
        data = {}
        for column in columns:
            cells = [row[column] for row in rows]
            kind = infer_type(cells)
            if kind == "integer":
                data[column] = pd.array([int(c) if c else None for c in cells], dtype="Int64")
            elif kind == "number":
                data[column] = [float(c) if c else float("nan") for c in cells]
            else:
                data[column] = [c if c else None for c in cells]
            fields.append(Field(column, kind, DESCRIPTIONS.get(column, column.replace("_", " "))))
        specs.append(
            TableSpec(
                name=name,
                title=title,
                description=(
                    f"{title}. From the course's cited case table cases/{file_name}; every row "
                    "keeps its source, source_url and source_quote. See the cases README for "
                    "conflicting figures, which are kept as separate rows."
                ),
                sources=["cases"],
                fields=fields,
                frame=pd.DataFrame(data),
                primary_key=["id"],
            )
        )
    return specs
