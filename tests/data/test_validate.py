"""Validation of the committed tables: our own validator, the CLI, and Frictionless."""

from __future__ import annotations

import json

import frictionless

from course import paths
from course.cli import main
from course.data.validate import validate


def test_every_committed_table_is_valid():
    reports = validate()
    assert len(reports) == 18
    assert [r.name for r in reports if not r.ok] == []
    assert sum(r.rows for r in reports) > 50_000


def test_frictionless_accepts_the_data_package():
    report = frictionless.validate(paths.DATA_DIR / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])[:10]


def test_validator_reports_bad_cells_and_duplicate_keys(data_copy):
    path = data_copy / "major_powers.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",1898,", ",18x8,")
    lines.append(lines[2])
    path.write_text("".join(lines), encoding="utf-8")
    report = next(r for r in validate(data_copy) if r.name == "major_powers")
    text = "\n".join(report.problems)
    assert "sha256" in text
    assert "start_year='18x8' is not a valid integer" in text
    assert "duplicate primary key" in text


def test_validator_reports_missing_required_cells(data_copy):
    path = data_copy / "states.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = "," + lines[1].split(",", 1)[1]
    path.write_text("".join(lines), encoding="utf-8")
    report = next(r for r in validate(data_copy) if r.name == "states")
    assert any("required ccode is missing" in p for p in report.problems)


def test_frictionless_catches_a_tampered_copy(data_copy):
    package = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"] = [r for r in package["resources"] if r["name"] == "states"]
    (data_copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    path = data_copy / "states.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Canada", "Kanada"),
                    encoding="utf-8")
    report = frictionless.validate(data_copy / "datapackage.json")
    assert not report.valid
    assert "hash-count" in {e[0] for e in report.flatten(["type"])}


def test_cli_validate_and_list(capsys, data_copy):
    assert main(["data", "validate"]) == 0
    out = capsys.readouterr().out
    assert "18 of 18 tables valid" in out
    (data_copy / "gdp.csv").write_text("countrycode\n", encoding="utf-8")
    assert main(["data", "validate", "--data-dir", str(data_copy)]) == 1
    out = capsys.readouterr().out
    assert "gdp" in out and "FAILED" in out and "failed: gdp" in out
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert "capabilities" in out and "15951 rows" in out and "SIPRI-terms" in out
