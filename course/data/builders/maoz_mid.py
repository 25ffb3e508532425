"""Maoz dyadic MID 4.02 -> ``disputes`` (one row per dispute-dyad-year)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from course.data.sources import raw_path
from course.data.tables import Field, TableSpec

MISSING_CODE = -9

FIELDS = [
    Field("disno", "integer", "MID dispute number"),
    Field("dyindex", "number", "Maoz dyad index within the dispute (disno.statea-stateb code)"),
    Field("year", "integer", "Year of this dispute-dyad observation", "year"),
    Field("statea", "integer", "COW code of state A"),
    Field("stateb", "integer", "COW code of state B"),
    Field("abbreva", "string", "COW abbreviation of state A (the file's namea column)"),
    Field("abbrevb", "string", "COW abbreviation of state B (the file's nameb column)"),
    Field("strtyr", "integer", "Start year of the dyadic dispute", "year"),
    Field("endyear", "integer", "End year of the dyadic dispute", "year"),
    Field(
        "hihost", "integer",
        "Highest hostility level in the dyadic dispute: 1 no militarized action, 2 threat, "
        "3 display, 4 use of force, 5 war",
    ),
    Field("hihosta", "integer", "Highest hostility level reached by state A (0 = none coded)"),
    Field("hihostb", "integer", "Highest hostility level reached by state B (0 = none coded)"),
    Field("highact", "integer", "Highest action in the dyadic dispute (MID action codes 0-23)"),
    Field("fatlev", "integer", "Fatality level (0 none ... 6 more than 999); missing if unknown"),
    Field("war", "integer", "1 = the dyadic dispute is part of an interstate war"),
]


def build(shared_dir: Path, built: dict) -> list[TableSpec]:
    path = raw_path("maoz-mid", "raw/maoz-dyadic-mid/dyadic_mid_4.02.csv", shared_dir)
    raw = pd.read_csv(path, low_memory=False)
    frame = raw.copy()
    frame["abbreva"] = raw.namea
    frame["abbrevb"] = raw.nameb
    for f in FIELDS:
        if f.type == "integer":
            frame[f.name] = frame[f.name].astype("Int64")
            frame[f.name] = frame[f.name].mask(frame[f.name] == MISSING_CODE)
    return [
        TableSpec(
            name="disputes",
            title=(
                "Militarized interstate disputes by dyad and year, 1816-2014 "
                "(Maoz dyadic MID 4.02)"
            ),
            description=(
                "One row per dispute-dyad-year: a pair of states on opposite sides of a "
                "militarized interstate dispute, for each year it lasted; each dyad appears in "
                "both orders (A-B and B-A). TRAP: this is not one row per dispute, and one dyad "
                "can have several rows in one year. The code -9 is a missing value here."
            ),
            sources=["maoz-mid"],
            fields=FIELDS,
            frame=frame,
            primary_key=["dyindex", "year", "statea", "stateb"],
        )
    ]
