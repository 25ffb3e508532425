"""Shared fixtures for the data-package tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course import paths


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may modify."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, target, ignore=shutil.ignore_patterns("README.md"))
    return target
