"""Drawn sizes of the course's chart layouts, shipped so a kernel need not draw them.

:func:`course.charts.base.layout_size` and :func:`~course.charts.base.fit_height` need a
chart's drawn size, which only drawing it offline (vl-convert) tells. vl-convert adds
about 75 MB to a kernel — most of the 250 MB a student may take on the course's hub — so
the sizes of every layout (:func:`~course.charts.base.layout_key`) the lessons, problem
sets and explorers draw are worked out once, by ``scripts/build_layouts.py``, and shipped
in ``layouts.json`` beside this module: the layout key's digest -> drawn (width, height),
and the digest with a height limit -> the scale :func:`~course.charts.base.fit_height`
chose, with the vl-convert version that drew them. A kernel reads them and draws only a
layout it does not find (or every layout, when the installed vl-convert is another
version: its sizes may differ).

``COURSE_LAYOUTS_RECORD=FILE`` (what the build script sets) makes every process ignore
the shipped sizes, draw each layout it meets, and append what it found to ``FILE`` as
JSON lines; :func:`unshipped` lists the layouts this process had to draw (the tests ask a
kernel, after a lesson, for this list: it must be empty).

Examples
--------
>>> digest("a layout key") == digest("a layout key"), len(digest("a layout key"))
(True, 24)
>>> shipped_size("no such layout") is None
True
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

#: The shipped sizes, made by ``scripts/build_layouts.py``.
LAYOUTS_FILE = Path(__file__).resolve().parent / "layouts.json"
#: Set to a file name: draw every layout, ignoring the shipped sizes, and record them there.
RECORD_ENV = "COURSE_LAYOUTS_RECORD"
#: The script that rebuilds :data:`LAYOUTS_FILE`, as the messages name it.
BUILD_COMMAND = "python scripts/build_layouts.py"

#: Digests of the layouts this process drew because they were not shipped.
_UNSHIPPED: set[str] = set()


def digest(key: str) -> str:
    """A short, stable name for a layout key (the keys themselves run to kilobytes)."""
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def limit_name(key_digest: str, limit: float) -> str:
    """How :data:`LAYOUTS_FILE` names a layout fitted under a height ``limit``."""
    return f"{key_digest}@{float(limit):g}"


def vl_convert_version() -> str | None:
    """The installed vl-convert's version, read without importing it (None if absent)."""
    from importlib import metadata

    try:
        return metadata.version("vl-convert-python")
    except metadata.PackageNotFoundError:
        return None


@functools.cache
def _shipped() -> dict:
    if os.environ.get(RECORD_ENV):
        return {}
    try:
        data = json.loads(LAYOUTS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if data.get("vl_convert") != vl_convert_version():
        return {}  # drawn by another vl-convert: sizes may differ, draw them again
    return data


def shipped_size(key: str) -> tuple[float, float] | None:
    """The shipped drawn (width, height) of a layout, or None."""
    found = _shipped().get("sizes", {}).get(digest(key))
    return None if found is None else (float(found[0]), float(found[1]))


def shipped_scale(key: str, limit: float) -> float | None:
    """The shipped scale that fits a layout under ``limit``, or None."""
    found = _shipped().get("scales", {}).get(limit_name(digest(key), limit))
    return None if found is None else float(found)


def drew_size(key: str, size: tuple[float, float]) -> None:
    """Note that this process drew a layout (see :func:`unshipped` and :data:`RECORD_ENV`)."""
    _UNSHIPPED.add(digest(key))
    _record({"size": digest(key), "value": [size[0], size[1]]})


def fitted_scale(key: str, limit: float, scale: float) -> None:
    """Note the scale this process worked out to fit a layout under ``limit``."""
    _record({"scale": limit_name(digest(key), limit), "value": scale})


def _record(line: dict) -> None:
    path = os.environ.get(RECORD_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")


def unshipped() -> list[str]:
    """Digests of the layouts this process had to draw: not in :data:`LAYOUTS_FILE`."""
    return sorted(_UNSHIPPED)


def merge_records(lines) -> dict:
    """The contents of :data:`LAYOUTS_FILE` from recorded JSON lines.

    A layout met several times keeps what it was first drawn as (charts of one layout differ
    by a few pixels of axis labels), as a kernel remembers it: the build script runs the
    lessons in course order first, so a lesson run top to bottom gets the charts it got
    when each kernel drew them itself.

    Examples
    --------
    >>> merged = merge_records(['{"size": "k", "value": [500, 300]}',
    ...                         '{"size": "k", "value": [502, 298]}',
    ...                         '{"scale": "k@420", "value": 0.9}',
    ...                         '{"scale": "k@420", "value": 0.8}'])
    >>> merged["sizes"], merged["scales"]
    ({'k': [500, 300]}, {'k@420': 0.9})
    """
    sizes: dict[str, list[float]] = {}
    scales: dict[str, float] = {}
    for line in lines:
        if not line.strip():
            continue
        item = json.loads(line)
        if "size" in item:
            sizes.setdefault(item["size"], item["value"])
        else:
            scales.setdefault(item["scale"], item["value"])
    return {"vl_convert": vl_convert_version(),
            "sizes": dict(sorted(sizes.items())), "scales": dict(sorted(scales.items()))}
