"""SIPRI Military Expenditure Database 2025, "Share of GDP" -> ``military_burden``.

SIPRI's terms allow at most 3,500 values to be reproduced, so only NATO's 32 members
plus Russia, the USSR and China are extracted (at most 35 x 76 = 2,660 cells; SIPRI has
no share-of-GDP figures for Iceland or the USSR, so they yield no rows), and cells
SIPRI marks as unavailable ("...", ". .") or as "country did not exist" ("xxx") are
dropped rather than shipped as empty rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from course.data.sources import raw_path
from course.data.tables import Field, TableSpec
from course.errors import DataError

SHEET = "Share of GDP"
HEADER_ROW = 5  # pandas header= (sheet row 6)
MAX_VALUES = 3500
MISSING_MARKERS = {"...", ". .", "..", "xxx"}

# SIPRI country name -> COW ccode (Germany: see GERMANY_SPLIT_YEAR)
COUNTRIES = {
    "Albania": 339, "Belgium": 211, "Bulgaria": 355, "Canada": 20, "Croatia": 344,
    "Czechia": 316, "Denmark": 390, "Estonia": 366, "Finland": 375, "France": 220,
    "Germany": 255, "Greece": 350, "Hungary": 310, "Iceland": 395, "Italy": 325,
    "Latvia": 367, "Lithuania": 368, "Luxembourg": 212, "Montenegro": 341,
    "Netherlands": 210, "North Macedonia": 343, "Norway": 385, "Poland": 290,
    "Portugal": 235, "Romania": 360, "Slovakia": 317, "Slovenia": 349, "Spain": 230,
    "Sweden": 380, "Türkiye": 640, "United Kingdom": 200, "United States of America": 2,
    "Russia": 365, "USSR": 365, "China": 710,
}
NATO_COUNT = 32
# SIPRI's "Germany" before unification is West Germany, COW code 260 (GFR) until 1990.
GERMANY_SPLIT_YEAR = 1991

FIELDS = [
    Field("country", "string", "Country as named by SIPRI (Russia and USSR are separate rows)"),
    Field(
        "ccode", "integer",
        "COW code for joins on (ccode, year): Germany is 260 (West Germany) up to 1990 and 255 "
        "from 1991; both Russia and the USSR are 365",
    ),
    Field("year", "integer", "Calendar year", "year"),
    Field(
        "milex_share_gdp", "number",
        "Military expenditure as a share of GDP, as a fraction (0.0342 = 3.42%), SIPRI definition",
        "fraction of GDP",
    ),
]


def build(shared_dir: Path, built: dict) -> list[TableSpec]:
    path = raw_path("sipri", "raw/sipri-milex/SIPRI-Milex-data-1949-2024_2.xlsx", shared_dir)
    sheet = pd.read_excel(path, sheet_name=SHEET, header=HEADER_ROW)
    sheet = sheet[sheet["Country"].isin(list(COUNTRIES))]
    found = set(sheet["Country"])
    if found != set(COUNTRIES) or len(sheet) != len(COUNTRIES):
        raise DataError(f"SIPRI sheet {SHEET!r}: expected countries not found: "
                        f"{sorted(set(COUNTRIES) - found)}")
    years = [c for c in sheet.columns if isinstance(c, int)]
    long = sheet.melt(id_vars="Country", value_vars=years, var_name="year", value_name="raw")
    text = long["raw"].map(lambda v: isinstance(v, str))
    unknown = set(long.loc[text, "raw"].str.strip()) - MISSING_MARKERS
    if unknown:
        raise DataError(f"SIPRI sheet {SHEET!r}: unexpected cell text {sorted(unknown)}")
    long = long[~text & long["raw"].notna()].copy()
    long["milex_share_gdp"] = long["raw"].astype(float)
    long["country"] = long["Country"]
    long["year"] = long["year"].astype(int)
    long["ccode"] = long["country"].map(COUNTRIES)
    west = (long.country == "Germany") & (long.year < GERMANY_SPLIT_YEAR)
    long.loc[west, "ccode"] = 260
    if len(long) > MAX_VALUES:
        raise DataError(f"SIPRI extract has {len(long)} values, more than the {MAX_VALUES} allowed")
    return [
        TableSpec(
            name="military_burden",
            title="Military expenditure as a share of GDP, 1949-2024 (SIPRI extract)",
            description=(
                "Extract of the SIPRI Military Expenditure Database 2025, sheet 'Share of GDP': "
                "NATO's 32 members, Russia and China, 1949-2024, one row per country-year with "
                "a value. Cells SIPRI marks unavailable or 'did not exist' are dropped, so the "
                "table holds only real values (under SIPRI's 3,500-value limit). SIPRI gives no "
                "share of GDP for Iceland or the USSR at all, and Russia's series starts in "
                "1992, so there is no Soviet burden series here; coverage before 1988 is patchy. "
                "The full workbook is not redistributed: `course data fetch sipri-workbook`. "
                "SIPRI's definition of military spending differs from NATO's. Estimates and "
                "uncertain figures (font colour in the workbook) are not marked here."
            ),
            sources=["sipri"],
            fields=FIELDS,
            frame=long,
            primary_key=["country", "year"],
        )
    ]
