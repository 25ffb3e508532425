"""Build the curated tables under ``data/`` from the raw releases.

:func:`build` runs every builder (``course.data.builders``), serialises each table with
:func:`course.data.tables.to_csv_bytes` and writes ``data/<name>.csv`` plus a Frictionless
``data/datapackage.json``. The output is byte-for-byte reproducible: sorted rows, fixed
number formatting, LF line endings, and JSON written with a fixed key order.

``build(check=True)`` writes nothing and returns the names of the tables (and of
``datapackage.json``) that differ from the committed files.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from pathlib import Path

from course import paths
from course.data.builders import ORDER
from course.data.sources import LICENCE_IDS, NATO_SITE, SOURCES
from course.data.tables import TableSpec, has_missing, to_csv_bytes
from course.errors import DataError

PACKAGE_NAME = "alliances-course-data"
MISSING_VALUES = [""]


def _source_entry(key: str):
    source = NATO_SITE if key == NATO_SITE.key else SOURCES[key]
    return source


def resource_descriptor(spec: TableSpec, data: bytes) -> dict:
    """The Frictionless resource for one table, given its serialised bytes."""
    sources = [_source_entry(k) for k in spec.sources]
    fields = []
    for f in spec.fields:
        entry = {"name": f.name, "type": f.type, "description": f.description}
        if f.unit:
            entry["unit"] = f.unit
        if not has_missing(spec, f.name):
            entry["constraints"] = {"required": True}
        fields.append(entry)
    schema: dict = {"fields": fields, "missingValues": MISSING_VALUES}
    if spec.primary_key:
        schema["primaryKey"] = list(spec.primary_key)
    main = sources[0]
    return {
        "name": spec.name,
        "path": f"{spec.name}.csv",
        "profile": "tabular-data-resource",
        "title": spec.title,
        "description": spec.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "rows": len(spec.frame),
        "sources": [s.as_package_source() for s in sources],
        "citation": " | ".join(s.citation for s in sources),
        "licenses": [
            {
                "name": LICENCE_IDS[main.key],
                "title": main.licence,
                "redistribution": main.redistribution,
            }
        ],
        "schema": schema,
    }


def build_specs(shared_dir: Path | None = None) -> list[TableSpec]:
    """Run every builder in order and return the table specs (nothing is written)."""
    shared = Path(shared_dir) if shared_dir else paths.shared_data_dir()
    built: dict[str, TableSpec] = {}
    for module_name in ORDER:
        module = importlib.import_module(module_name)
        for spec in module.build(shared, built):
            if spec.name in built:
                raise DataError(f"two builders produce table {spec.name!r}")
            built[spec.name] = spec
    return list(built.values())


def render(specs: list[TableSpec]) -> dict[str, bytes]:
    """File name -> exact bytes for every table and for ``datapackage.json``."""
    files: dict[str, bytes] = {}
    resources = []
    for spec in specs:
        data = to_csv_bytes(spec)
        files[f"{spec.name}.csv"] = data
        resources.append(resource_descriptor(spec, data))
    package = {
        "name": PACKAGE_NAME,
        "title": "Curated data for the alliances course",
        "description": (
            "Tables derived by course.data.build from third-party releases (COW, ATOP, Maoz "
            "dyadic MID, SIPRI extract, Maddison, NATO, Crisher & Souva copy) and the course's "
            "cited case tables. Each resource names its source, version, citation, licence and "
            "redistribution status. Raw files are not included."
        ),
        "profile": "tabular-data-package",
        "resources": resources,
    }
    text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    files["datapackage.json"] = text.encode("utf-8")
    return files


def compare(files: dict[str, bytes], folder: Path) -> list[str]:
    """Names of the files (from :func:`render`) that are missing or differ in ``folder``."""
    differing = []
    for name, data in files.items():
        target = Path(folder) / name
        if not target.is_file() or target.read_bytes() != data:
            differing.append(name)
    return differing


def build(
    out_dir: Path | None = None, shared_dir: Path | None = None, check: bool = False
) -> list[str]:
    """Build all tables into ``out_dir`` (default ``data/``).

    Parameters
    ----------
    out_dir : folder to write to (or to compare with when ``check``).
    shared_dir : folder holding ``raw/`` and ``cases/`` (default :func:`paths.shared_data_dir`).
    check : if true, write nothing and return the files that differ from ``out_dir``.

    Returns
    -------
    list of str
        With ``check``: names of differing or missing files. Otherwise: files written.
    """
    out = Path(out_dir) if out_dir else paths.DATA_DIR
    files = render(build_specs(shared_dir))
    if check:
        return compare(files, out)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    return list(files)
