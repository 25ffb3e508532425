"""COW National Material Capabilities 6.0 -> ``capabilities`` (every state-year 1816-2016)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from course.data.builders.cow_states import state_names
from course.data.sources import raw_path
from course.data.tables import Field, TableSpec
from course.errors import DataError

MISSING_CODE = -9
CURRENCY_BREAK_YEAR = 1914  # milex: thousands of GBP up to 1913, thousands of USD from 1914

FIELDS = [
    Field("ccode", "integer", "Correlates of War country code"),
    Field("stateabb", "string", "COW three-letter state abbreviation"),
    Field("statenme", "string", "COW state name (joined from the state list)"),
    Field("year", "integer", "Year", "year"),
    Field(
        "milex", "integer",
        "Military expenditure in thousands of current units of milex_currency: British "
        "pounds for 1816-1913, US dollars from 1914. Do not compare levels across 1913/1914.",
        "thousands of current GBP (1816-1913) / current USD (1914-)",
    ),
    Field("milex_currency", "string", "Currency of milex: GBP for 1816-1913, USD from 1914"),
    Field("milper", "integer", "Military personnel", "thousands of personnel"),
    Field("irst", "integer", "Iron and steel production", "thousands of tons"),
    Field("pec", "integer", "Primary energy consumption", "thousands of coal-ton equivalents"),
    Field("tpop", "number", "Total population (one fractional value: MOR 1912)", "thousands"),
    Field("upop", "number", "Urban population (one fractional value: MOR 1912)", "thousands"),
    Field(
        "cinc", "number",
        "Composite Index of National Capability: mean of the state's shares of the six "
        "components in that year. Yearly sums across states are 1.00-1.075, not exactly 1.",
        "share (0-1)",
    ),
]

COUNT_COLUMNS = ["milex", "milper", "irst", "pec"]
FLOAT_COLUMNS = ["tpop", "upop", "cinc"]


def build(shared_dir: Path, built: dict) -> list[TableSpec]:
    raw = pd.read_csv(raw_path("cow-nmc", "raw/cow-nmc/NMC-60-abridged.csv", shared_dir))
    frame = raw.copy()
    for column in COUNT_COLUMNS:
        frame[column] = frame[column].astype("Int64").mask(frame[column] == MISSING_CODE)
    for column in FLOAT_COLUMNS:
        frame[column] = frame[column].mask(frame[column] == MISSING_CODE)
    frame["milex_currency"] = ["GBP" if y < CURRENCY_BREAK_YEAR else "USD" for y in frame.year]
    names = state_names(built["states"].frame)
    frame["statenme"] = frame.ccode.map(names)
    if frame.statenme.isna().any():
        unknown = sorted(frame.loc[frame.statenme.isna(), "ccode"].unique())
        raise DataError(f"capabilities: ccodes {unknown} have no name in the state list")
    return [
        TableSpec(
            name="capabilities",
            title="National material capabilities, state-years 1816-2016 (COW NMC 6.0)",
            description=(
                "Every state-year of the Correlates of War National Material Capabilities data, "
                "version 6.0 (abridged file). The code -9 is turned into a missing value. "
                "TRAP: milex is in thousands of British pounds up to 1913 and thousands of US "
                "dollars from 1914 (see milex_currency). CINC shares do not sum exactly to 1."
            ),
            sources=["cow-nmc", "cow-states"],
            fields=FIELDS,
            frame=frame,
            primary_key=["ccode", "year"],
        )
    ]
