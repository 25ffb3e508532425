"""Where the course's files are.

The project root holds ``data/``, ``notebooks/``, ``solutions/`` and ``exercises/``.
The raw third-party releases are *not* part of the project: they live in a folder
named by the ``COURSE_RAW_DIR`` environment variable, or by default in
``../shared/data`` beside the project (the layout CI uses).

Examples
--------
>>> from course import paths
>>> (paths.DATA_DIR / "datapackage.json").name
'datapackage.json'
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
SOLUTIONS_DIR = PROJECT_ROOT / "solutions"
EXERCISES_DIR = PROJECT_ROOT / "exercises"


def shared_data_dir() -> Path:
    """Folder holding ``raw/`` and ``cases/`` (``COURSE_RAW_DIR`` or ``../shared/data``)."""
    override = os.environ.get("COURSE_RAW_DIR")
    if override:
        return Path(override).expanduser().resolve()
    return (PROJECT_ROOT.parent / "shared" / "data").resolve()


def user_cache_dir() -> Path:
    """Per-user cache for optional downloads (``COURSE_CACHE_DIR`` overrides it)."""
    override = os.environ.get("COURSE_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "alliances-course"
