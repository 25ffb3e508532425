"""Maddison Project Database 2020, "Full data" -> ``gdp`` (country-years 1816-2018)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from course.data.sources import raw_path
from course.data.tables import Field, TableSpec
from course.errors import DataError

FIRST_YEAR = 1816

# Maddison (ISO3) code -> COW ccode, valid in every year unless listed in RANGED below.
ISO_TO_COW = {
    "AFG": 700, "AGO": 540, "ALB": 339, "ARE": 696, "ARG": 160, "AUS": 900, "AUT": 305,
    "BDI": 516, "BEL": 211, "BEN": 434, "BFA": 439, "BGR": 355, "BHR": 692, "BOL": 145,
    "BRA": 140, "BRB": 53, "BWA": 571, "CAF": 482, "CAN": 20, "CHE": 225, "CHL": 155,
    "CHN": 710, "CIV": 437, "CMR": 471, "COD": 490, "COG": 484, "COL": 100, "COM": 581,
    "CPV": 402, "CRI": 94, "CUB": 40, "CYP": 352, "DJI": 522, "DMA": 54, "DNK": 390,
    "DOM": 42, "DZA": 615, "ECU": 130, "EGY": 651, "ESP": 230, "ETH": 530, "FIN": 375,
    "FRA": 220, "GAB": 481, "GBR": 200, "GHA": 452, "GIN": 438, "GMB": 420, "GNB": 404,
    "GNQ": 411, "GRC": 350, "GTM": 90, "HND": 91, "HTI": 41, "HUN": 310, "IDN": 850,
    "IND": 750, "IRL": 205, "IRN": 630, "IRQ": 645, "ISL": 395, "ISR": 666, "ITA": 325,
    "JAM": 51, "JOR": 663, "JPN": 740, "KEN": 501, "KHM": 811, "KOR": 732, "KWT": 690,
    "LAO": 812, "LBN": 660, "LBR": 450, "LBY": 620, "LCA": 56, "LKA": 780, "LSO": 570,
    "LUX": 212, "MAR": 600, "MDG": 580, "MEX": 70, "MLI": 432, "MLT": 338, "MMR": 775,
    "MNG": 712, "MOZ": 541, "MRT": 435, "MUS": 590, "MWI": 553, "MYS": 820, "NAM": 565,
    "NER": 436, "NGA": 475, "NIC": 93, "NLD": 210, "NOR": 385, "NPL": 790, "NZL": 920,
    "OMN": 698, "PAK": 770, "BGD": 771, "PAN": 95, "PER": 135, "PHL": 840, "POL": 290,
    "PRK": 731, "PRT": 235, "PRY": 150, "QAT": 694, "ROU": 360, "RWA": 517, "SAU": 670,
    "SDN": 625, "SEN": 433, "SGP": 830, "SLE": 451, "SLV": 92, "STP": 403, "SWE": 380,
    "SWZ": 572, "SYC": 591, "SYR": 652, "TCD": 483, "TGO": 461, "THA": 800, "TTO": 52,
    "TUN": 616, "TUR": 640, "TWN": 713, "TZA": 510, "UGA": 500, "URY": 165, "USA": 2,
    "VEN": 101, "VNM": 816, "ZAF": 560, "ZMB": 551, "ZWE": 552,
}

# Codes whose COW match depends on the year: (code, first year, last year, ccode).
# Former federations (SUN, CSK, YUG) are continued by Maddison as aggregates after they
# broke up; their ccode stops at the break-up and the successor takes it over.
RANGED = [
    ("SUN", 0, 1991, 365), ("RUS", 1992, 9999, 365),
    ("DEU", 0, 1954, 255), ("DEU", 1955, 1990, 260), ("DEU", 1991, 9999, 255),
    ("CSK", 0, 1992, 315), ("CZE", 1993, 9999, 316), ("SVK", 1993, 9999, 317),
    ("YUG", 0, 1991, 345), ("SRB", 1992, 9999, 345), ("MNE", 2006, 9999, 341),
    ("MKD", 1993, 9999, 343), ("HRV", 1992, 9999, 344), ("SVN", 1992, 9999, 349),
    ("BIH", 1992, 9999, 346),
    ("EST", 1991, 9999, 366), ("LVA", 1991, 9999, 367), ("LTU", 1991, 9999, 368),
    ("UKR", 1991, 9999, 369), ("BLR", 1991, 9999, 370), ("ARM", 1991, 9999, 371),
    ("GEO", 1991, 9999, 372), ("AZE", 1991, 9999, 373), ("MDA", 1991, 9999, 359),
    ("KAZ", 1991, 9999, 705), ("KGZ", 1991, 9999, 703), ("TJK", 1991, 9999, 702),
    ("TKM", 1991, 9999, 701), ("UZB", 1991, 9999, 704),
    ("YEM", 1990, 9999, 679),
]

FIELDS = [
    Field("countrycode", "string", "Maddison (ISO 3166 alpha-3 style) country code"),
    Field("country", "string", "Maddison country name"),
    Field(
        "ccode", "integer",
        "COW code for joins on (ccode, year), where a match exists: SUN (former USSR) is 365 "
        "to 1991 and RUS from 1992; DEU is 260 (West Germany) in 1955-1990 and 255 otherwise",
    ),
    Field("year", "integer", "Year", "year"),
    Field("gdppc", "number", "Real GDP per capita in 2011 US dollars", "2011 US$ per person"),
    Field("pop", "number", "Population", "thousands"),
    Field("gdp", "number", "Real GDP = gdppc * pop / 1000", "million 2011 US$"),
]


def cow_code(code: str, year: int) -> int | None:
    """COW code matching a Maddison code in one year, or None.

    Examples
    --------
    >>> cow_code("SUN", 1950), cow_code("SUN", 2000), cow_code("RUS", 2000)
    (365, None, 365)
    >>> cow_code("DEU", 1913), cow_code("DEU", 1970), cow_code("HKG", 1970)
    (255, 260, None)
    """
    for ranged_code, first, last, ccode in RANGED:
        if ranged_code == code and first <= year <= last:
            return ccode
    if any(r[0] == code for r in RANGED):
        return None
    return ISO_TO_COW.get(code)


def build(shared_dir: Path, built: dict) -> list[TableSpec]:
    path = raw_path("maddison", "raw/maddison/mpd2020.xlsx", shared_dir)
    raw = pd.read_excel(path, sheet_name="Full data")
    frame = raw[(raw.year >= FIRST_YEAR) & (raw.gdppc.notna() | raw["pop"].notna())].copy()
    frame["ccode"] = pd.array(
        [cow_code(c, y) for c, y in zip(frame.countrycode, frame.year, strict=True)], dtype="Int64"
    )
    frame["gdp"] = (frame.gdppc * frame["pop"] / 1000).round(3)
    known = set(built["states"].frame.ccode)
    bad = set(frame.ccode.dropna().astype(int)) - known
    if bad:
        raise DataError(f"gdp: COW codes {sorted(bad)} are not in the COW state list")
    dup = frame.dropna(subset=["ccode"]).duplicated(["ccode", "year"])
    if dup.any():
        raise DataError("gdp: two Maddison codes map to the same COW code in one year")
    return [
        TableSpec(
            name="gdp",
            title="GDP per capita, population and GDP, 1816-2018 (Maddison Project 2020)",
            description=(
                "Country-years from the Maddison Project Database 2020 ('Full data'), 1816-2018, "
                "with gdp = gdppc * pop in million 2011 US$ and the matching COW code where "
                "one exists. Coverage before 1870 is sparse (mostly benchmark years). TRAP: "
                "Russia before 1992 is SUN (former USSR, GDP per capita from 1885); Germany is "
                "DEU. Cite the original sources if you chart it or use fewer than 12 countries."
            ),
            sources=["maddison"],
            fields=FIELDS,
            frame=frame,
            primary_key=["countrycode", "year"],
        )
    ]
