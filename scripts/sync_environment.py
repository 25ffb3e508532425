#!/usr/bin/env python3
"""Regenerate environment.yml from requirements.lock so conda/Binder users get the same pins.

Usage (from the project root)::

    uv pip compile --universal --python-version 3.11 pyproject.toml --extra dev \
        -o requirements.lock --no-header --no-annotate
    python scripts/sync_environment.py

``tests/test_environment.py`` fails when the two files disagree.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = """\
# Generated from requirements.lock by scripts/sync_environment.py: do not edit by hand.
# conda:   conda env create -f environment.yml && conda activate alliances-course
#          pip install --no-deps -e .
# Binder / repo2docker read this file; postBuild installs the course package.
name: alliances-course
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
"""


def lock_lines(lock: Path = ROOT / "requirements.lock") -> list[str]:
    """The requirement lines of the lock file, without comments or blanks."""
    lines = []
    for raw in lock.read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def render() -> str:
    body = "".join(f'    - "{line}"\n' for line in lock_lines())
    return HEADER + body


if __name__ == "__main__":
    (ROOT / "environment.yml").write_text(render())
    print(f"environment.yml: {len(lock_lines())} pinned packages")
