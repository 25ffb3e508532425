"""course.data.load / cite / catalog: types, caching, and the errors users see."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from course import paths
from course.data import catalog, cite, load
from course.data.catalog import package
from course.errors import DataError

PACKAGE = json.loads((paths.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
NAMES = [r["name"] for r in PACKAGE["resources"]]

CORE = ["states", "major_powers", "capabilities", "alliances", "alliance_members",
        "disputes", "military_burden", "gdp", "nato_expenditure", "nato_members",
        "naval_tonnage", "case_libya_2011", "case_kosovo_1999", "case_isaf_troops",
        "case_nato_defence_gdp", "case_prewar_milex", "case_prewar_naval", "case_events"]


def test_catalogue_holds_every_table_named_in_the_architecture():
    assert sorted(NAMES) == sorted(CORE)


@pytest.mark.parametrize("name", NAMES)
def test_load_returns_schema_columns_and_types(name):
    entry = next(r for r in PACKAGE["resources"] if r["name"] == name)
    frame = load(name)
    fields = entry["schema"]["fields"]
    assert list(frame.columns) == [f["name"] for f in fields]
    assert len(frame) == entry["rows"]
    for f in fields:
        dtype = str(frame[f["name"]].dtype)
        required = f.get("constraints", {}).get("required", False)
        expected = {
            "integer": "int64" if required else "Int64",
            "number": "float64",
            "string": "string",
            "boolean": "boolean",
        }.get(f["type"])
        if f["type"] == "date":
            assert dtype.startswith("datetime64"), (name, f["name"], dtype)
        else:
            assert dtype == expected, (name, f["name"], dtype)
        if required:
            assert frame[f["name"]].notna().all(), (name, f["name"])
    key = entry["schema"].get("primaryKey")
    if key:
        assert not frame.duplicated(key).any()


def test_no_minus_nine_missing_codes_survive_in_any_table():
    for name in NAMES:
        frame = load(name)
        numeric = frame.select_dtypes(include="number")
        assert not (numeric == -9).any().any(), name


def test_load_returns_a_fresh_copy():
    first = load("major_powers")
    first.loc[:, "ccode"] = 0
    assert (load("major_powers").ccode > 0).all()


def test_unknown_name_lists_valid_names():
    with pytest.raises(DataError) as error:
        load("capabilitys")
    message = str(error.value)
    assert "capabilitys" in message and "capabilities" in message and "disputes" in message


def test_tampered_table_is_refused_with_restore_instructions(data_copy):
    path = data_copy / "states.csv"
    text = path.read_text(encoding="utf-8").replace("United Kingdom", "United Kingdon")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as error:
        load("states", data_dir=data_copy)
    message = str(error.value)
    assert "states.csv" in message
    assert "git checkout data/states.csv" in message and "course data build" in message
    # an untouched table in the same copy still loads
    assert len(load("major_powers", data_dir=data_copy)) == 14


def test_tampering_after_a_warm_load_is_still_detected(data_copy):
    assert len(load("states", data_dir=data_copy)) == 243
    path = data_copy / "states.csv"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("999,XXX,Nowhere,2000-01-01,2000-12-31,2000,2000\n")
    with pytest.raises(DataError, match="has been modified"):
        load("states", data_dir=data_copy)


def test_missing_table_file_says_how_to_restore(data_copy):
    (data_copy / "gdp.csv").unlink()
    with pytest.raises(DataError, match=r"gdp\.csv.*missing.*git checkout data/gdp\.csv"):
        load("gdp", data_dir=data_copy)


def test_folder_without_catalogue_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="no datapackage.json"):
        load("states", data_dir=tmp_path)


def test_course_data_dir_environment_variable_is_honoured(data_copy, monkeypatch):
    (data_copy / "alliances.csv").write_bytes(b"atopid\n1\n")
    monkeypatch.setenv("COURSE_DATA_DIR", os.fspath(data_copy))
    with pytest.raises(DataError, match="alliances.csv"):
        load("alliances")
    monkeypatch.delenv("COURSE_DATA_DIR")
    assert len(load("alliances")) == 789


def test_catalog_lists_every_table_with_licence_and_redistribution():
    table = catalog()
    assert list(table.columns) == ["name", "title", "rows", "source", "licence", "redistribution"]
    assert list(table.name) == NAMES
    sipri = table.set_index("name").loc["military_burden"]
    assert "3,500" in sipri.redistribution
    assert table.set_index("name").loc["gdp", "licence"] == "CC-BY-4.0"


def test_cite_gives_producers_citations():
    assert cite("military_burden") == (
        "SIPRI Military Expenditure Database 2025, https://www.sipri.org/databases/milex")
    lines = cite("capabilities").splitlines()
    assert lines[0].startswith("Singer, J. David") and "State System Membership" in lines[1]
    assert "Bolt, Jutta" in cite("gdp")
    with pytest.raises(DataError):
        cite("nope")


def test_every_resource_has_provenance_metadata():
    for entry in package()["resources"]:
        assert entry["hash"].startswith("sha256:") and len(entry["hash"]) == 7 + 64
        assert entry["sources"] and all(s["version"] for s in entry["sources"])
        assert entry["citation"] and entry["description"] and entry["title"]
        licence = entry["licenses"][0]
        assert licence["name"] and licence["redistribution"]
        assert entry["schema"]["missingValues"] == [""]


def test_dates_are_parsed_and_missing_dates_are_nat():
    nato = load("nato_members")
    assert nato.accession_date.min() == pd.Timestamp("1949-04-04")
    gfr = nato.set_index("ccode").loc[260]
    assert gfr.exit_date == pd.Timestamp("1990-10-03")
    assert nato.exit_date.isna().sum() == len(nato) - 1
