"""Where the course's files are.

The project root holds ``data/``, ``notebooks/``, ``solutions/`` and ``exercises/``.
The raw third-party releases are *not* part of the project: they live in a folder
named by the ``COURSE_RAW_DIR`` environment variable, or by default in
``../shared/data`` beside the project (the layout CI uses), or — when that folder is not
there — in the copy ``course data fetch raw`` downloads into the user cache.

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
    """Folder holding ``raw/`` and ``cases/``.

    In order: ``COURSE_RAW_DIR``; ``../shared/data`` beside the project when it exists;
    the folder ``course data fetch raw`` fills in the user cache when it holds ``raw/``;
    otherwise ``../shared/data``, the place error messages name.
    """
    override = os.environ.get("COURSE_RAW_DIR")
    if override:
        return Path(override).expanduser().resolve()
    beside = (PROJECT_ROOT.parent / "shared" / "data").resolve()
    if beside.is_dir():
        return beside
    fetched = fetched_data_dir()
    if (fetched / "raw").is_dir():
        return fetched
    return beside


def fetched_data_dir() -> Path:
    """Where ``course data fetch raw`` puts the raw releases: ``<user cache>/shared/data``."""
    return user_cache_dir() / "shared" / "data"


def user_cache_dir() -> Path:
    """Per-user cache for optional downloads (``COURSE_CACHE_DIR`` overrides it)."""
    override = os.environ.get("COURSE_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "alliances-course"
