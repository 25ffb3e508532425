"""COW state system membership (v2016) and major powers (v2024) -> ``states``, ``major_powers``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from course.data.sources import raw_path
from course.data.tables import Field, TableSpec

SPELL_FIELDS = [
    Field("ccode", "integer", "Correlates of War country code"),
    Field("stateabb", "string", "COW three-letter state abbreviation"),
    Field("statenme", "string", "COW state name"),
    Field("start_date", "date", "First day of the spell"),
    Field("end_date", "date", "Last day of the spell (the data's end date for open spells)"),
    Field("start_year", "integer", "Year of start_date", "year"),
    Field("end_year", "integer", "Year of end_date", "year"),
]


def _iso(years, months, days) -> list[str]:
    return [f"{y:04d}-{m:02d}-{d:02d}" for y, m, d in zip(years, months, days, strict=True)]


def _dates(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["start_date"] = _iso(out.styear, out.stmonth, out.stday)
    out["end_date"] = _iso(out.endyear, out.endmonth, out.endday)
    out["start_year"] = out.styear
    out["end_year"] = out.endyear
    return out


def state_names(states: pd.DataFrame) -> dict[int, str]:
    """Map ccode -> state name (the name of each code's latest spell)."""
    latest = states.sort_values(["ccode", "start_year"]).drop_duplicates("ccode", keep="last")
    return dict(zip(latest.ccode.astype(int), latest.statenme, strict=True))


def state_abbreviations(states: pd.DataFrame) -> dict[int, str]:
    """Map ccode -> COW abbreviation."""
    latest = states.sort_values(["ccode", "start_year"]).drop_duplicates("ccode", keep="last")
    return dict(zip(latest.ccode.astype(int), latest.stateabb, strict=True))


def build(shared_dir: Path, built: dict) -> list[TableSpec]:
    raw_states = pd.read_csv(raw_path("cow-states", "raw/cow-states/states2016.csv", shared_dir))
    states = _dates(raw_states)
    raw_majors = pd.read_csv(raw_path("cow-majors", "raw/cow-states/majors2024.csv", shared_dir))
    majors = _dates(raw_majors)
    majors["statenme"] = majors.ccode.map(state_names(states))
    return [
        TableSpec(
            name="states",
            title="State system membership spells, 1816-2016 (COW v2016)",
            description=(
                "One row per spell of membership in the interstate system, from the Correlates "
                "of War State System Membership list v2016. A state that lost and regained "
                "independence has several spells. Spells open at the end of the data end on "
                "2016-12-31."
            ),
            sources=["cow-states"],
            fields=SPELL_FIELDS,
            frame=states,
            primary_key=["ccode", "start_date"],
        ),
        TableSpec(
            name="major_powers",
            title="Major-power spells, 1816-2024 (COW v2024)",
            description=(
                "One row per spell of major-power status in the Correlates of War list "
                "(majors2024). Spells still open end on 2024-12-31. State names are joined "
                "from the v2016 state list. Example: the USA is a major power from 1898-08-13."
            ),
            sources=["cow-majors", "cow-states"],
            fields=SPELL_FIELDS,
            frame=majors,
            primary_key=["ccode", "start_date"],
        ),
    ]
