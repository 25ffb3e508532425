"""Read the curated tables: :func:`load`, :func:`cite`, :func:`catalog`.

The tables live in ``data/`` (override with the ``COURSE_DATA_DIR`` environment variable
or a ``data_dir`` argument) and are described by ``data/datapackage.json``. Before a
table is read its sha256 is compared with the catalogue, so a table edited by accident
is reported instead of silently used. The check is remembered per file modification
time and size, and parsed tables are cached, so repeated loads are fast.

Examples
--------
>>> from course.data import load, cite
>>> caps = load("capabilities")
>>> caps.loc[(caps.stateabb == "UKG") & (caps.year == 1900), "cinc"].round(3).item()
0.178
>>> cite("alliances").startswith("Leeds, Brett Ashley")
True
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import pandas as pd

from course import paths
from course.data.sources import sha256_file
from course.errors import DataError

PANDAS_TYPES = {"number": "float64", "string": "string", "boolean": "boolean"}


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The folder holding the curated tables (argument, ``COURSE_DATA_DIR``, or ``data/``)."""
    if override is not None:
        return Path(override)
    env = os.environ.get("COURSE_DATA_DIR")
    return Path(env) if env else paths.DATA_DIR


def _stat_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _read_package(key: tuple[str, int, int]) -> dict:
    try:
        return json.loads(Path(key[0]).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DataError(
            f"{key[0]} is not valid JSON ({error}). Restore it with "
            "`git checkout data/datapackage.json` or rebuild with `course data build`."
        ) from None


def package(directory: str | os.PathLike | None = None) -> dict:
    """The parsed ``datapackage.json`` of the data folder."""
    path = data_dir(directory) / "datapackage.json"
    if not path.is_file():
        raise DataError(
            f"no datapackage.json in {path.parent}. Restore the data folder with "
            "`git checkout data/` or rebuild it with `course data build`."
        )
    return _read_package(_stat_key(path))


def names(directory: str | os.PathLike | None = None) -> list[str]:
    """Names of all tables in the catalogue, in catalogue order."""
    return [r["name"] for r in package(directory)["resources"]]


def resource(name: str, directory: str | os.PathLike | None = None) -> dict:
    """The catalogue entry of one table; :class:`DataError` listing valid names if unknown."""
    for entry in package(directory)["resources"]:
        if entry["name"] == name:
            return entry
    valid = ", ".join(names(directory))
    raise DataError(f"unknown dataset {name!r}. Valid names: {valid}.")


@functools.lru_cache(maxsize=64)
def _hash_ok(key: tuple[str, int, int], expected: str) -> bool:
    return "sha256:" + sha256_file(Path(key[0])) == expected


def verify(name: str, directory: str | os.PathLike | None = None) -> Path:
    """Check one table's sha256 against the catalogue and return its path."""
    entry = resource(name, directory)
    path = data_dir(directory) / entry["path"]
    restore = (
        f"Restore it with `git checkout data/{entry['path']}` or rebuild the tables with "
        "`course data build`."
    )
    if not path.is_file():
        raise DataError(f"data file {path.name} for dataset {name!r} is missing. {restore}")
    if not _hash_ok(_stat_key(path), entry["hash"]):
        raise DataError(
            f"data file {path.name} has been modified: its sha256 does not match "
            f"datapackage.json. {restore}"
        )
    return path


def dtypes(entry: dict) -> dict[str, str]:
    """Pandas dtype per column from a resource's schema.

    Integers are ``int64`` when the column is required (no missing values) and the
    nullable ``Int64`` otherwise; strings are ``string``; booleans ``boolean``; dates are
    read as strings and converted afterwards.
    """
    out = {}
    for f in entry["schema"]["fields"]:
        if f["type"] == "integer":
            required = f.get("constraints", {}).get("required", False)
            out[f["name"]] = "int64" if required else "Int64"
        elif f["type"] == "date":
            out[f["name"]] = "string"
        else:
            out[f["name"]] = PANDAS_TYPES[f["type"]]
    return out


@functools.lru_cache(maxsize=32)
def _parse(key: tuple[str, int, int], entry_json: str) -> pd.DataFrame:
    entry = json.loads(entry_json)
    types = dtypes(entry)
    frame = pd.read_csv(
        key[0], dtype=types, keep_default_na=False, na_values=[""],
        true_values=["true"], false_values=["false"],
    )
    for f in entry["schema"]["fields"]:
        if f["type"] == "date":
            frame[f["name"]] = pd.to_datetime(frame[f["name"]], format="%Y-%m-%d")
    return frame


def load(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load one curated table as a DataFrame with the catalogue's column types.

    Parameters
    ----------
    name : table name, e.g. ``"capabilities"``; see :func:`catalog` for all names.
    data_dir : folder holding the tables (default: ``COURSE_DATA_DIR`` or ``data/``).

    Returns
    -------
    pandas.DataFrame
        A fresh copy: changing it does not change later loads.

    Raises
    ------
    DataError
        Unknown name (the message lists valid names), or a file that is missing or was
        modified (the message says how to restore it).

    Examples
    --------
    >>> majors = load("major_powers")
    >>> majors.loc[majors.stateabb == "USA", "start_year"].tolist()
    [1898]
    >>> load("capabilities")["milex"].dtype
    Int64Dtype()
    """
    entry = resource(name, data_dir)
    path = verify(name, data_dir)
    frame = _parse(_stat_key(path), json.dumps(entry, sort_keys=True))
    return frame.copy()


def cite(name: str, data_dir: str | os.PathLike | None = None) -> str:
    """Citation(s) for one table, one source per line.

    Examples
    --------
    >>> print(cite("military_burden"))
    SIPRI Military Expenditure Database 2025, https://www.sipri.org/databases/milex
    """
    return resource(name, data_dir)["citation"].replace(" | ", "\n")


def catalog(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """One row per table: name, title, rows, source, licence, redistribution.

    Examples
    --------
    >>> cat = catalog()
    >>> list(cat.columns)
    ['name', 'title', 'rows', 'source', 'licence', 'redistribution']
    >>> "capabilities" in set(cat.name)
    True
    """
    rows = []
    for entry in package(data_dir)["resources"]:
        licence = entry["licenses"][0]
        rows.append({
            "name": entry["name"],
            "title": entry["title"],
            "rows": entry["rows"],
            "source": "; ".join(f"{s['title']} {s['version']}" for s in entry["sources"]),
            "licence": licence["name"],
            "redistribution": licence["redistribution"],
        })
    frame = pd.DataFrame(rows)
    return frame.astype({c: "string" for c in frame.columns if c != "rows"})
