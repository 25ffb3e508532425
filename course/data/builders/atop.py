"""ATOP 5.1 -> ``alliances`` (alliance level), ``alliance_members`` (member spells),
``nato_members`` (NATO accessions: ATOP atopid 3180 plus the accessions after 2018)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from course.data.builders.cow_states import state_abbreviations, state_names
from course.data.sources import NATO_SITE, raw_path
from course.data.tables import Field, TableSpec

NATO_ATOPID = 3180
DATA_END_YEAR = 2018
OBLIGATIONS = ["defense", "offense", "neutral", "nonagg", "consul"]
OBLIGATION_TEXT = {
    "defense": "1 = members promise active military support if a member is attacked",
    "offense": "1 = members promise military support in an offensive action",
    "neutral": "1 = members promise neutrality if a member is in a conflict",
    "nonagg": "1 = members promise not to attack each other",
    "consul": "1 = members promise to consult in a crisis",
}

# Accessions after the end of ATOP 5.1 (2018), from NATO's member-country page.
LATER_ACCESSIONS = [
    # ccode, accession date
    (343, "2020-03-27"),  # North Macedonia
    (375, "2023-04-04"),  # Finland
    (380, "2024-03-07"),  # Sweden
]

# ATOP dates a member's entry by the signature of the treaty or of its accession protocol;
# NATO counts membership from the deposit of the instrument of accession, often a year or
# two later (NATO's member-country page). Founding members keep the treaty's signature date.
NATO_ACCESSION_DATES = {
    350: "1952-02-18", 640: "1952-02-18",  # Greece, Turkey
    260: "1955-05-06",  # Federal Republic of Germany
    230: "1982-05-30",  # Spain
    255: "1990-10-03",  # unified Germany (the FRG's membership extended on unification)
    290: "1999-03-12", 310: "1999-03-12", 316: "1999-03-12",  # Poland, Hungary, Czechia
    317: "2004-03-29", 349: "2004-03-29", 355: "2004-03-29", 360: "2004-03-29",
    366: "2004-03-29", 367: "2004-03-29", 368: "2004-03-29",  # 2004 enlargement
    339: "2009-04-01", 344: "2009-04-01",  # Albania, Croatia
    341: "2017-06-05",  # Montenegro
}


def _flags(prefix: str = "") -> list[Field]:
    return [Field(o, "integer", f"{prefix}{OBLIGATION_TEXT[o]}") for o in OBLIGATIONS]


ALLIANCE_FIELDS = [
    Field("atopid", "integer", "ATOP alliance identifier"),
    Field("begyr", "integer", "Year the alliance entered into force", "year"),
    Field(
        "endyr", "integer",
        "Year the alliance ended; missing = still in force at the end of the data (2018). "
        "ATOP codes this as 0.",
        "year",
    ),
    Field("ongoing", "boolean", "true when the alliance was still in force at the end of 2018"),
    Field("bilat", "integer", "1 = bilateral alliance (two members)"),
    *_flags(),
    Field("n_members", "integer", "Number of distinct member states ever listed"),
    Field("members", "string", "COW codes of the members, ascending, separated by ';'"),
]

MEMBER_FIELDS = [
    Field("atopid", "integer", "ATOP alliance identifier"),
    Field("ccode", "integer", "COW code of the member state"),
    Field("stateabb", "string", "COW abbreviation of the member (joined from the state list)"),
    Field("phase", "integer", "ATOP phase of the agreement this spell belongs to"),
    Field("yrent", "integer", "Year the member entered", "year"),
    Field("moent", "integer", "Month the member entered", "month"),
    Field("dayent", "integer", "Day the member entered", "day"),
    Field(
        "yrexit", "integer",
        "Year the member left; missing = still a member at the end of the data (ATOP codes 0)",
        "year",
    ),
    Field("moexit", "integer", "Month the member left; missing when still a member", "month"),
    Field("dayexit", "integer", "Day the member left; missing when still a member", "day"),
    *_flags("for this member: "),
]

NATO_FIELDS = [
    Field("country", "string", "Member state (COW name)"),
    Field("ccode", "integer", "COW code"),
    Field("accession_date", "date", "Date the state became a member (see date_basis)"),
    Field("accession_year", "integer", "Year of accession_date", "year"),
    Field(
        "exit_date", "date",
        "Date the member ceased to exist as a separate member (West Germany on unification); "
        "otherwise missing",
    ),
    Field(
        "atop_entry_date", "date",
        "ATOP 5.1's entry date (signature of the treaty or accession protocol); missing "
        "for accessions after the end of ATOP (2018)",
    ),
    Field("date_basis", "string", "What accession_date records"),
    Field("source", "string", "Where the date comes from"),
]


def _zero_to_na(series: pd.Series) -> pd.Series:
    series = series.astype("Int64")
    return series.mask(series == 0)


def build(shared_dir: Path, built: dict) -> list[TableSpec]:
    raw_a = pd.read_csv(raw_path("atop", "raw/atop/atop5_1a.csv", shared_dir), low_memory=False)
    raw_m = pd.read_csv(raw_path("atop", "raw/atop/atop5_1m.csv", shared_dir), low_memory=False)
    states = built["states"].frame
    abbreviations = state_abbreviations(states)
    names = state_names(states)

    alliances = raw_a[["atopid", "begyr", "bilat", *OBLIGATIONS]].copy()
    alliances["endyr"] = _zero_to_na(raw_a.endyr)
    alliances["ongoing"] = raw_a.endyr.eq(0)
    member_columns = [c for c in raw_a.columns if c.startswith("mem") and c[3:].isdigit()]
    member_lists = [
        sorted({int(v) for v in row if pd.notna(v)})
        for row in raw_a[member_columns].itertuples(index=False)
    ]
    alliances["n_members"] = [len(m) for m in member_lists]
    alliances["members"] = [";".join(str(c) for c in m) for m in member_lists]

    members = raw_m[["atopid", "phase", "yrent", "moent", *OBLIGATIONS]].copy()
    members["ccode"] = raw_m.member.astype(int)
    members["stateabb"] = members.ccode.map(abbreviations)
    members["dayent"] = _zero_to_na(raw_m.dayent.fillna(0))
    members["yrexit"] = _zero_to_na(raw_m.yrexit)
    members["moexit"] = _zero_to_na(raw_m.moexit)
    members["dayexit"] = _zero_to_na(raw_m.dayexit.fillna(0))

    nato_spells = raw_m[raw_m.atopid == NATO_ATOPID].sort_values(["yrent", "moent", "dayent"])
    rows = []
    for ccode, spells in nato_spells.groupby("member", sort=True):
        first = spells.iloc[0]
        last = spells.iloc[-1]
        exit_date = (
            f"{int(last.yrexit):04d}-{int(last.moexit):02d}-{int(last.dayexit):02d}"
            if last.yrexit != 0 else None
        )
        atop_date = f"{int(first.yrent):04d}-{int(first.moent):02d}-{int(first.dayent):02d}"
        nato_date = NATO_ACCESSION_DATES.get(int(ccode))
        rows.append({
            "country": names[int(ccode)],
            "ccode": int(ccode),
            "accession_date": nato_date or atop_date,
            "accession_year": int((nato_date or atop_date)[:4]),
            "exit_date": exit_date,
            "atop_entry_date": atop_date,
            "date_basis": (
                "NATO accession date (deposit of the instrument of accession)" if nato_date
                else "founding member: signature of the North Atlantic Treaty"
            ),
            "source": (
                f"{NATO_SITE.citation} {NATO_SITE.url}; ATOP 5.1 member file, atopid 3180"
                if nato_date else "ATOP 5.1 member file, atopid 3180"
            ),
        })
    for ccode, date in LATER_ACCESSIONS:
        rows.append({
            "country": names[ccode], "ccode": ccode, "accession_date": date,
            "accession_year": int(date[:4]), "exit_date": None, "atop_entry_date": None,
            "date_basis": "NATO accession date (deposit of the instrument of accession)",
            "source": f"{NATO_SITE.citation} {NATO_SITE.url}",
        })
    nato = pd.DataFrame(rows)

    return [
        TableSpec(
            name="alliances",
            title="Alliances, 1815-2018 (ATOP 5.1, alliance level)",
            description=(
                "One row per alliance in the Alliance Treaty Obligations and Provisions data, "
                "version 5.1, with its obligations (defense, offense, neutrality, non-aggression, "
                "consultation) and its members. TRAP: ATOP codes endyr 0 for alliances still in "
                "force at the end of the data (2018); here endyr is missing and ongoing is true."
            ),
            sources=["atop"],
            fields=ALLIANCE_FIELDS,
            frame=alliances,
            primary_key=["atopid"],
        ),
        TableSpec(
            name="alliance_members",
            title="Alliance membership spells, 1815-2018 (ATOP 5.1, member level)",
            description=(
                "One row per member spell per phase of each ATOP 5.1 alliance, with entry and exit "
                "dates and the obligations that member undertook. ATOP's exit year 0 (still a "
                "member in 2018) is a missing yrexit here."
            ),
            sources=["atop", "cow-states"],
            fields=MEMBER_FIELDS,
            frame=members,
            primary_key=["atopid", "ccode", "phase", "yrent", "moent"],
        ),
        TableSpec(
            name="nato_members",
            title="NATO members and their accession dates, 1949-2024",
            description=(
                "One row per NATO member state (West Germany and unified Germany are separate "
                "rows, as in COW). Membership comes from ATOP 5.1 (alliance 3180) plus the "
                "accessions after 2018. accession_date is NATO's accession date (deposit of the "
                "instrument of accession; the treaty's signature for the 12 founders). TRAP: "
                "ATOP's own entry date, kept as atop_entry_date, is the signature of the "
                "accession protocol, often earlier (Poland 1997-12-16; it joined on 1999-03-12)."
            ),
            sources=["atop", "nato-site", "cow-states"],
            fields=NATO_FIELDS,
            frame=nato,
            primary_key=["ccode"],
            sort_by=["accession_date", "ccode"],
        ),
    ]
