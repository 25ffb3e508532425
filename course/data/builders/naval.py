"""Crisher & Souva naval power data (third-party xlsx copy) -> ``naval_tonnage``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from course.data.sources import raw_path
from course.data.tables import Field, TableSpec

FIELDS = [
    Field("ccode", "integer", "COW code as given in the copy (missing for Montenegro)"),
    Field("country", "string", "Country name as given in the copy (edited by its compiler)"),
    Field("year", "integer", "Year", "year"),
    Field("totton", "number", "Total warship tonnage", "tons"),
    Field("tonn_prop", "number", "Share of world warship tonnage (sums to about 1 each year)",
          "share (0-1)"),
    Field("battleships", "integer", "Number of battleships (coded from 1906 on)", "ships"),
]


def build(shared_dir: Path, built: dict) -> list[TableSpec]:
    path = raw_path("naval", "raw/naval-crisher-souva/naval_data.xlsx", shared_dir)
    raw = pd.read_excel(path)
    frame = raw.dropna(subset=["totton", "tonn_prop", "Battleship"], how="all").copy()
    frame["ccode"] = frame["cowcode"].astype("Int64")
    frame["battleships"] = frame["Battleship"].astype("Int64")
    return [
        TableSpec(
            name="naval_tonnage",
            title="Naval tonnage and battleships, 1865-2011 (Crisher & Souva, UNOFFICIAL copy)",
            description=(
                "UNOFFICIAL: taken from a student project's copy of Crisher and Souva's 'Power "
                "at Sea' data, not from the producers' file; the copier says country names were "
                "edited for consistency, and the producers' terms are not stated. Country-years "
                "1865-2011 with at least one naval figure: total warship tonnage, share of world "
                "tonnage, battleships. Use for teaching comparisons, and check key figures "
                "against the article."
            ),
            sources=["naval"],
            fields=FIELDS,
            frame=frame,
            primary_key=["country", "year"],
        )
    ]
