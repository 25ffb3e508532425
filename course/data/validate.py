"""Check every curated table against ``datapackage.json``.

For each resource: the file exists, its sha256 and size match, the header equals the
schema's field names, every cell parses as its field's type, required fields have no
missing cells, the row count matches and the primary key is unique. The check reads
the CSV with the standard library, independently of the pandas loader.

Examples
--------
>>> from course.data.validate import validate
>>> reports = validate()
>>> all(r.ok for r in reports), len(reports) >= 7
(True, True)
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from course.data.catalog import data_dir, package

PATTERNS = {
    "integer": re.compile(r"^-?\d+$"),
    "number": re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"),
    "boolean": re.compile(r"^(true|false)$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
}
MAX_PROBLEMS_PER_TABLE = 10


@dataclass
class TableReport:
    """Outcome of validating one table."""

    name: str
    rows: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_resource(entry: dict, folder: Path) -> TableReport:
    """Validate one resource of the package; see the module docstring for the checks."""
    report = TableReport(entry["name"])
    path = folder / entry["path"]
    if not path.is_file():
        report.problems.append(f"file {entry['path']} is missing")
        return report
    data = path.read_bytes()
    if "sha256:" + hashlib.sha256(data).hexdigest() != entry["hash"]:
        report.problems.append(f"sha256 of {entry['path']} differs from datapackage.json")
    if len(data) != entry["bytes"]:
        report.problems.append(f"size {len(data)} bytes, catalogue says {entry['bytes']}")
    schema = entry["schema"]
    fields = schema["fields"]
    missing_values = set(schema.get("missingValues", [""]))
    reader = csv.reader(data.decode("utf-8").splitlines(keepends=True))
    header = next(reader, [])
    expected = [f["name"] for f in fields]
    if header != expected:
        report.problems.append(f"columns {header} differ from schema {expected}")
        return report
    key_index = [expected.index(k) for k in schema.get("primaryKey", [])]
    keys = set()
    for line, row in enumerate(reader, start=2):
        report.rows += 1
        if len(row) != len(fields):
            report.problems.append(f"line {line}: {len(row)} cells, expected {len(fields)}")
            continue
        for f, cell in zip(fields, row, strict=True):
            if cell in missing_values:
                if f.get("constraints", {}).get("required"):
                    report.problems.append(f"line {line}: required {f['name']} is missing")
                continue
            pattern = PATTERNS.get(f["type"])
            if pattern and not pattern.match(cell):
                report.problems.append(
                    f"line {line}: {f['name']}={cell!r} is not a valid {f['type']}")
        if key_index:
            key = tuple(row[i] for i in key_index)
            if key in keys:
                report.problems.append(f"line {line}: duplicate primary key {key}")
            keys.add(key)
        if len(report.problems) > MAX_PROBLEMS_PER_TABLE:
            report.problems.append("... (more problems not listed)")
            break
    if report.rows != entry["rows"] and len(report.problems) <= MAX_PROBLEMS_PER_TABLE:
        report.problems.append(f"{report.rows} rows, catalogue says {entry['rows']}")
    return report


def validate(directory=None) -> list[TableReport]:
    """Validate every table of the data folder; returns one report per table."""
    folder = data_dir(directory)
    return [validate_resource(entry, folder) for entry in package(directory)["resources"]]
