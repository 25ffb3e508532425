"""NATO "Defence Expenditure of NATO Countries (2014-2024)" tables -> ``nato_expenditure``.

Read from the official workbook: Table 2 (million US$, current and constant 2015 prices
and exchange rates) and Table 3 (share of real GDP, annual real change). Columns 2023e
and 2024e are NATO estimates and are flagged in ``estimate``.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd

from course.data.sources import raw_path
from course.data.tables import Field, TableSpec
from course.errors import DataError

# (sheet, section heading) -> (measure, unit)
SECTIONS = {
    ("TABLE2", "Current prices and exchange rates"): ("usd_current", "million current US$"),
    ("TABLE2", "Constant 2015 prices and exchange rates"): (
        "usd_constant_2015", "million US$ at 2015 prices and exchange rates"),
    ("TABLE3", "Share of real GDP (%)"): ("share_gdp", "% of real GDP (2015 prices)"),
    ("TABLE3", "Annual real change (%)"): ("real_change", "% change on previous year, real"),
}

COUNTRIES = {
    "Albania": 339, "Belgium": 211, "Bulgaria": 355, "Canada": 20, "Croatia": 344,
    "Czechia": 316, "Denmark": 390, "Estonia": 366, "Finland": 375, "France": 220,
    "Germany": 255, "Greece": 350, "Hungary": 310, "Italy": 325, "Latvia": 367,
    "Lithuania": 368, "Luxembourg": 212, "Montenegro": 341, "Netherlands": 210,
    "North Macedonia": 343, "Norway": 385, "Poland": 290, "Portugal": 235, "Romania": 360,
    "Slovak Republic": 317, "Slovenia": 349, "Spain": 230, "Sweden": 380, "Türkiye": 640,
    "United Kingdom": 200, "United States": 2,
    "NATO Europe and Canada": None, "NATO Total": None,
}

FIELDS = [
    Field(
        "country", "string",
        "Ally as named by NATO (the asterisk marking a national 2% rule is removed), or an "
        "aggregate: 'NATO Europe and Canada', 'NATO Total'. Iceland has no armed forces "
        "and no row.",
    ),
    Field("ccode", "integer", "COW code; missing for the two NATO aggregates"),
    Field("year", "integer", "Year", "year"),
    Field("estimate", "boolean", "true for NATO's estimates (2023e, 2024e)"),
    Field(
        "measure", "string",
        "share_gdp (Table 3, % of real GDP), real_change (Table 3, annual real change %), "
        "usd_current and usd_constant_2015 (Table 2, million US$)",
    ),
    Field("value", "number", "The figure, in the row's unit"),
    Field("unit", "string", "Unit of value"),
]


def _year(label) -> tuple[int, bool]:
    text = str(label).strip()
    estimate = text.endswith("e")
    return int(text.rstrip("e")), estimate


def read_sections(path: Path) -> pd.DataFrame:
    """Long table of every (sheet, section, country, year) value of Tables 2 and 3."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = []
    for sheet_name in ("TABLE2", "TABLE3"):
        sheet = workbook[sheet_name]
        header = None
        section = None
        for cells in sheet.iter_rows(values_only=True):
            values = [(i, v) for i, v in enumerate(cells) if v is not None]
            if not values:
                continue
            first = values[0][1]
            if header is None and isinstance(first, int) and first == 2014:
                header = {i: _year(v) for i, v in values}
                continue
            if isinstance(first, str) and (sheet_name, first.strip()) in SECTIONS:
                section = SECTIONS[(sheet_name, first.strip())]
                continue
            if header is None or section is None or not isinstance(first, str):
                continue
            name = first.replace("*", "").strip()
            if name not in COUNTRIES:
                section = None if name.startswith("Notes") else section
                continue
            measure, unit = section
            for index, (year, estimate) in header.items():
                value = cells[index] if index < len(cells) else None
                if not isinstance(value, (int, float)):
                    raise DataError(
                        f"NATO workbook {sheet_name}: no number for {name} {year} ({value!r})")
                rows.append({
                    "country": name, "ccode": COUNTRIES[name], "year": year,
                    "estimate": estimate, "measure": measure, "value": float(value), "unit": unit,
                })
    workbook.close()
    return pd.DataFrame(rows)


def build(shared_dir: Path, built: dict) -> list[TableSpec]:
    path = raw_path("nato", "raw/nato-defexp/240617-def-exp-2024-TABLES-en.xlsx", shared_dir)
    frame = read_sections(path)
    frame["ccode"] = frame["ccode"].astype("Int64")
    counts = frame.groupby("measure").country.nunique()
    if set(counts.index) != {m for m, _ in SECTIONS.values()} or (counts != len(COUNTRIES)).any():
        raise DataError(f"NATO workbook: unexpected countries per measure:\n{counts}")
    return [
        TableSpec(
            name="nato_expenditure",
            title="Defence expenditure of NATO countries, 2014-2024 (NATO, June 2024)",
            description=(
                "NATO's official figures from 'Defence Expenditure of NATO Countries (2014-2024)' "
                "(17 June 2024): Table 3 defence expenditure as % of real GDP and annual real "
                "change, Table 2 defence expenditure in million US$ (current, and constant 2015 "
                "prices and exchange rates; the constant series gives the US share of allied "
                "spending). 2023 and 2024 are estimates. TRAPS: NATO's definition of defence "
                "expenditure differs from SIPRI's; NATO revises earlier years in later releases; "
                "only 2014-2024 are covered."
            ),
            sources=["nato"],
            fields=FIELDS,
            frame=frame,
            primary_key=["country", "measure", "year"],
        )
    ]
