"""Which notebooks the notebook tests look at.

Lessons are ``notebooks/NN-slug.ipynb``; problem sets live in ``exercises/`` (student
versions, generated) and ``solutions/`` (instructor versions). Lists are built when the
tests are collected, so a lesson added later is covered without editing any test.
"""

from __future__ import annotations

import re
from pathlib import Path

from course.paths import EXERCISES_DIR, NOTEBOOKS_DIR, PROJECT_ROOT, SOLUTIONS_DIR

LESSON_NAME = re.compile(r"^\d\d-[a-z0-9-]+\.ipynb$")


def _notebooks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("**/*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def lessons() -> list[Path]:
    """``notebooks/NN-*.ipynb``, in course order."""
    return [p for p in _notebooks(NOTEBOOKS_DIR) if LESSON_NAME.match(p.name)]


def all_notebooks() -> list[Path]:
    """Every notebook under notebooks/, exercises/ and solutions/."""
    return _notebooks(NOTEBOOKS_DIR) + _notebooks(EXERCISES_DIR) + _notebooks(SOLUTIONS_DIR)


def runnable_notebooks() -> list[Path]:
    """Notebooks that must run top to bottom without error: lessons and solutions.

    Student exercise notebooks are left out on purpose: their answer cells are blank,
    so they are expected to fail their own checks until a student fills them in.
    """
    return _notebooks(NOTEBOOKS_DIR) + _notebooks(SOLUTIONS_DIR)


def ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(PROJECT_ROOT)) for p in paths]


#: Fixture-style parameter names and the notebook lists they range over.
PARAMETERS = {"lesson": lessons, "notebook": all_notebooks, "runnable": runnable_notebooks}


def pytest_generate_tests(metafunc):
    """Parametrise ``lesson``, ``notebook`` and ``runnable`` over the notebooks on disk.

    An empty list becomes one ``None`` case that the test fails on, never a silent skip.
    """
    for name, finder in PARAMETERS.items():
        if name in metafunc.fixturenames:
            paths = finder()
            if paths:
                metafunc.parametrize(name, paths, ids=ids(paths))
            else:
                metafunc.parametrize(name, [None], ids=[f"no-{name}-found"])
