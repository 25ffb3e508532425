"""Facts about the curated tables: SOURCES.md spot checks, and figures recomputed from the
raw files with the standard csv module and openpyxl (not through the builders)."""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd
import pytest

from course.data import load


def raw_rows(raw_dir, relative):
    with open(raw_dir / relative, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def caps():
    return load("capabilities")


def cinc(caps, abb, year):
    return caps.loc[(caps.stateabb == abb) & (caps.year == year), "cinc"].item()


# --- capabilities -----------------------------------------------------------------------

def test_uk_cinc_1900_and_1913(caps):
    assert cinc(caps, "UKG", 1900) == pytest.approx(0.178, abs=0.0005)
    assert cinc(caps, "UKG", 1913) == pytest.approx(0.113, abs=0.0005)


@pytest.mark.parametrize(("rival", "year"), [("GMY", 1905), ("USA", 1892)])
def test_cinc_crossovers(caps, rival, year):
    assert cinc(caps, rival, year - 1) < cinc(caps, "UKG", year - 1)
    assert cinc(caps, rival, year) > cinc(caps, "UKG", year)


def test_milex_currency_break(caps):
    assert set(caps.loc[caps.year <= 1913, "milex_currency"]) == {"GBP"}
    assert set(caps.loc[caps.year >= 1914, "milex_currency"]) == {"USD"}
    uk = caps[caps.stateabb == "UKG"].set_index("year").milex
    assert (uk[1913], uk[1914]) == (67734, 1678843)


def test_capabilities_missing_values_match_raw_minus_nine(raw_dir, caps):
    rows = raw_rows(raw_dir, "raw/cow-nmc/NMC-60-abridged.csv")
    assert len(rows) == len(caps) == 15951
    for column in ["milex", "milper", "irst", "pec", "upop"]:
        raw_missing = sum(r[column] == "-9" for r in rows)
        assert caps[column].isna().sum() == raw_missing, column
    assert caps.milex.isna().sum() == 2217
    # yearly CINC sums are not exactly 1 (documented trap): recompute from raw
    sums = {}
    for r in rows:
        sums[r["year"]] = sums.get(r["year"], 0.0) + float(r["cinc"])
    table_sums = caps.groupby("year").cinc.sum()
    assert table_sums[1900] == pytest.approx(sums["1900"])
    assert max(sums.values()) > 1.01


def test_every_state_year_has_a_state_name(caps):
    assert caps.statenme.notna().all()
    assert caps.loc[caps.ccode == 200, "statenme"].unique().tolist() == ["United Kingdom"]


# --- states and major powers ----------------------------------------------------------------

def test_system_members_in_1900_and_2016():
    states = load("states")
    def members(year):
        inside = (states.start_year <= year) & (states.end_year >= year)
        return states.loc[inside, "ccode"].nunique()
    assert (members(1900), members(2016)) == (42, 195)


def test_major_power_spells():
    majors = load("major_powers")
    usa = majors[majors.stateabb == "USA"]
    assert usa.start_date.tolist() == [pd.Timestamp("1898-08-13")]
    assert usa.end_year.tolist() == [2024]
    assert majors.loc[majors.stateabb == "GMY", "start_year"].tolist() == [1816, 1925, 1991]
    assert majors.statenme.notna().all()


# --- alliances ---------------------------------------------------------------------------------

def test_anglo_japanese_alliance():
    alliances = load("alliances").set_index("atopid")
    uk_japan = alliances.loc[1415]
    assert (uk_japan.begyr, uk_japan.endyr, uk_japan.defense) == (1902, 1921, 1)
    assert uk_japan.members == "200;740" and uk_japan.n_members == 2
    assert not uk_japan.ongoing


def test_nato_alliance_row():
    nato = load("alliances").set_index("atopid").loc[3180]
    assert (nato.begyr, nato.defense) == (1949, 1)
    assert pd.isna(nato.endyr) and nato.ongoing


def test_endyr_zero_becomes_ongoing(raw_dir):
    rows = raw_rows(raw_dir, "raw/atop/atop5_1a.csv")
    alliances = load("alliances")
    assert len(rows) == len(alliances) == 789
    raw_ongoing = {int(r["atopid"]) for r in rows if r["endyr"] == "0"}
    assert len(raw_ongoing) == 372
    assert set(alliances.loc[alliances.ongoing, "atopid"]) == raw_ongoing
    assert alliances.endyr.isna().sum() == 372 and not (alliances.endyr == 0).any()


def test_alliance_members_match_raw_member_file(raw_dir):
    rows = raw_rows(raw_dir, "raw/atop/atop5_1m.csv")
    members = load("alliance_members")
    assert len(members) == len(rows)
    assert members.yrexit.isna().sum() == sum(r["yrexit"] == "0" for r in rows)
    assert not (members.yrexit == 0).any()
    uk_france_1907 = members[(members.atopid == 1445)]
    assert set(uk_france_1907.ccode) == {200, 220, 230} and set(uk_france_1907.consul) == {1}


def test_nato_members_from_atop_and_later_accessions(raw_dir):
    rows = raw_rows(raw_dir, "raw/atop/atop5_1m.csv")
    raw_members = {int(r["member"]) for r in rows if r["atopid"] == "3180"}
    nato = load("nato_members").set_index("ccode")
    assert set(nato.index) == raw_members | {343, 375, 380}
    assert len(nato) == 33  # 32 allies plus West Germany (260) before unification
    assert nato.loc[2, "accession_year"] == 1949
    assert nato.loc[343, "accession_date"] == pd.Timestamp("2020-03-27")
    assert nato.loc[375, "accession_year"] == 2023 and nato.loc[380, "accession_year"] == 2024
    assert "NATO" in nato.loc[380, "source"] and "ATOP" in nato.loc[2, "source"]
    assert nato.loc[290, "accession_date"] == pd.Timestamp("1999-03-12")  # NATO accession
    raw_entry = {int(r["member"]): (int(r["yrent"]), int(r["moent"]), int(r["dayent"]))
                 for r in rows if r["atopid"] == "3180"}
    assert raw_entry[290] == (1997, 12, 16)  # ATOP: signature of the accession protocol
    assert nato.loc[290, "atop_entry_date"] == pd.Timestamp("1997-12-16")
    assert (nato.accession_date.dt.year == nato.accession_year).all()
    # NATO membership never starts before ATOP's signature date
    known = nato.atop_entry_date.notna()
    assert (nato.loc[known, "accession_date"] >= nato.loc[known, "atop_entry_date"]).all()


# --- disputes ------------------------------------------------------------------------------------

def test_disputes_are_dispute_dyad_years(raw_dir):
    rows = raw_rows(raw_dir, "raw/maoz-dyadic-mid/dyadic_mid_4.02.csv")
    disputes = load("disputes")
    assert len(disputes) == len(rows) == 10358
    assert disputes.fatlev.isna().sum() == sum(r["fatlev"] == "-9" for r in rows) == 118
    assert disputes.disno.nunique() == len({r["disno"] for r in rows})
    # several rows for one dyad in one year exist: the unit is not the dyad-year
    per_dyad_year = disputes.groupby(["statea", "stateb", "year"]).size()
    assert per_dyad_year.max() > 1
    assert set(disputes.hihost.dropna()) <= {1, 2, 3, 4, 5}
    uk_usa = disputes[(disputes.abbreva == "UKG") & (disputes.abbrevb == "USA")]
    assert 1902 in set(uk_usa.strtyr)


# --- SIPRI ----------------------------------------------------------------------------------------

def test_sipri_extract_respects_the_value_limit(raw_dir):
    burden = load("military_burden")
    assert len(burden) <= 3500
    assert burden.milex_share_gdp.notna().all()
    # 35 rows requested (NATO 32 + Russia, USSR, China); SIPRI has no share-of-GDP figure
    # at all for Iceland or the USSR, so 33 countries have values
    assert burden.country.nunique() == 33
    assert not {"Iceland", "USSR"} & set(burden.country)
    assert burden.loc[burden.country == "Russia", "year"].min() == 1992
    assert burden.year.min() >= 1949 and burden.year.max() == 2024


def test_sipri_values_match_the_workbook(raw_dir):
    burden = load("military_burden").set_index(["country", "year"]).milex_share_gdp
    assert burden[("United States of America", 2024)] == pytest.approx(0.0342, abs=5e-5)
    assert burden[("Poland", 2024)] == pytest.approx(0.0415, abs=5e-5)
    assert burden[("Russia", 2014)] == pytest.approx(0.0411, abs=5e-5)
    book = openpyxl.load_workbook(
        raw_dir / "raw/sipri-milex/SIPRI-Milex-data-1949-2024_2.xlsx",
        read_only=True, data_only=True)
    sheet = book["Share of GDP"]
    header = None
    numeric = 0
    wanted = set(load("military_burden").country)
    for row in sheet.iter_rows(values_only=True):
        if not row:
            continue
        if row[0] == "Country":
            header = row
            continue
        if header and row[0] in wanted:
            values = dict(zip(header[2:], row[2:], strict=False))
            numbers = {y: v for y, v in values.items() if isinstance(v, (int, float))}
            numeric += len(numbers)
            if row[0] == "United Kingdom":
                assert burden[("United Kingdom", 1990)] == numbers[1990]
    book.close()
    assert numeric == len(burden)


def test_sipri_ccodes():
    burden = load("military_burden")
    germany = burden[burden.country == "Germany"].set_index("year").ccode
    assert germany[1980] == 260 and germany[2000] == 255
    assert set(burden.loc[burden.country.isin(["Russia", "USSR"]), "ccode"]) == {365}


# --- NATO ------------------------------------------------------------------------------------

def nato_value(table, country, measure, year):
    row = table[(table.country == country) & (table.measure == measure) & (table.year == year)]
    return row.value.item(), row.estimate.item()


def test_nato_table3_spot_checks():
    table = load("nato_expenditure")
    value, estimate = nato_value(table, "United States", "share_gdp", 2014)
    assert round(value, 2) == 3.71 and not estimate
    value, estimate = nato_value(table, "United States", "share_gdp", 2024)
    assert round(value, 2) == 3.38 and estimate
    assert round(nato_value(table, "Poland", "share_gdp", 2024)[0], 2) == 4.12
    assert round(nato_value(table, "NATO Total", "share_gdp", 2014)[0], 2) == 2.58
    assert set(table.loc[table.estimate, "year"]) == {2023, 2024}


def test_nato_constant_prices_add_up_and_give_the_us_share():
    table = load("nato_expenditure")
    level = table[(table.measure == "usd_constant_2015") & (table.year == 2024)]
    allies = level[level.ccode.notna()]
    total = level.loc[level.country == "NATO Total", "value"].item()
    assert allies.value.sum() == pytest.approx(total, rel=1e-9)
    us_share = level.loc[level.country == "United States", "value"].item() / total
    assert us_share == pytest.approx(754684.135 / 1184796.447, rel=1e-6)
    assert allies.country.nunique() == 31 and "Iceland" not in set(table.country)


# --- Maddison, naval, cases ---------------------------------------------------------------------

def test_maddison_spot_checks_and_ccodes():
    gdp = load("gdp").set_index(["countrycode", "year"])
    assert gdp.loc[("GBR", 1913), "gdppc"] == 8212
    assert gdp.loc[("DEU", 1913), "gdppc"] == 5815
    assert round(gdp.loc[("USA", 1913), "gdppc"]) == 10108
    row = gdp.loc[("GBR", 1913)]
    assert row.gdp == pytest.approx(row.gdppc * row["pop"] / 1000, abs=0.001)
    assert gdp.loc[("SUN", 1950), "ccode"] == 365 and pd.isna(gdp.loc[("RUS", 1950), "ccode"])
    assert gdp.loc[("RUS", 2000), "ccode"] == 365 and pd.isna(gdp.loc[("SUN", 2000), "ccode"])
    assert gdp.loc[("DEU", 1970), "ccode"] == 260
    frame = load("gdp")
    assert not frame.dropna(subset=["ccode"]).duplicated(["ccode", "year"]).any()
    assert frame.year.min() >= 1816 and frame.year.max() == 2018


def test_naval_spot_checks_and_unofficial_flag():
    from course.data.catalog import resource

    naval = load("naval_tonnage").set_index(["ccode", "year"])
    assert naval.loc[(200, 1900), "tonn_prop"] == pytest.approx(0.325, abs=0.0005)
    assert naval.loc[(255, 1913), "tonn_prop"] == pytest.approx(0.139, abs=0.0005)
    battleships_1913 = (
        naval.loc[(200, 1913), "battleships"], naval.loc[(255, 1913), "battleships"])
    assert battleships_1913 == (28, 16)
    assert "UNOFFICIAL" in resource("naval_tonnage")["description"]


@pytest.mark.parametrize(("name", "file_name"), [
    ("case_libya_2011", "libya_2011.csv"), ("case_kosovo_1999", "kosovo_1999.csv"),
    ("case_isaf_troops", "isaf_troops.csv"), ("case_nato_defence_gdp", "nato_defence_gdp.csv"),
    ("case_prewar_milex", "prewar_military_expenditure_cow.csv"),
    ("case_prewar_naval", "prewar_naval_1889_1914.csv"), ("case_events", "events.csv"),
])
def test_case_tables_keep_rows_columns_and_sources(raw_dir, name, file_name):
    rows = raw_rows(raw_dir, f"cases/{file_name}")
    table = load(name)
    assert list(table.columns) == list(rows[0].keys())
    assert len(table) == len(rows)
    assert {"source", "source_url", "source_quote"} <= set(table.columns)
    by_id = table.set_index("id")
    for r in rows:
        assert by_id.loc[r["id"], "source_quote"] == r["source_quote"]
        assert (pd.isna(by_id.loc[r["id"], "source"]) and r["source"] == "") or \
            by_id.loc[r["id"], "source"] == r["source"]
