"""Where a problem set's public checks are, for the self-check and ``course submit``.

Both :mod:`course.grading.check.checker` (the ``check("q3")`` a notebook runs) and
:mod:`course.grading.check.submit` (``course submit``) need the public tests of a problem set
and its question table; they find them here, so neither imports the other for it.

Examples
--------
>>> tests, questions = load_public_checks("ps1")
>>> questions["q1"]["answers"]
['majors_1913']
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from course import paths
from course.errors import InputError
from course.grading import testing

__all__ = ["load_handout", "load_public_checks"]


def _public_candidates(name: str) -> list[Path]:
    """Where a problem set's public checks may be: the project's exercises/ first; then,
    for a student who downloaded the exercise folder, the kernel's working folder."""
    here = Path.cwd()
    return [paths.EXERCISES_DIR / name / "public_tests.py", here / "public_tests.py",
            here / name / "public_tests.py"]


def _read_public(path: Path) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": f"course_public_{path.parent.name}"}
    code = compile(path.read_text(encoding="utf-8"), path.name, "exec")
    exec(code, namespace)  # noqa: S102 - the course's own generated file
    return namespace


def load_public_checks(name: str) -> tuple[list[Callable], dict]:
    """``(public tests, question table)`` of problem set ``name``.

    From ``exercises/<name>/public_tests.py`` (or a ``public_tests.py`` beside the
    notebook), else — for an instructor before ``course assign`` — from ``solutions/``.

    Raises
    ------
    InputError
        If no public checks of that problem set can be found.
    """
    for candidate in _public_candidates(name):
        if not candidate.is_file():
            continue
        namespace = _read_public(candidate)
        if namespace.get("ASSIGNMENT") != name:
            continue  # a public_tests.py of another problem set
        tests = [v for v in namespace.values() if callable(v) and testing.info_of(v)]
        tests.sort(key=lambda f: f.__code__.co_firstlineno)
        return tests, dict(namespace.get("QUESTIONS", {}))
    # An instructor working in solutions/ before running `course assign`.
    from course.grading.author import list_assignments, load_assignment

    if name in list_assignments():
        assignment = load_assignment(name)
        tests = [t for t in assignment.tests() if not testing.info_of(t).hidden]
        questions = {
            q.id: {"title": q.title, "points": q.points, "kind": q.kind, "answers": q.answers}
            for q in assignment.questions
        }
        return tests, questions
    found = sorted(p.parent.name for p in paths.EXERCISES_DIR.glob("*/public_tests.py"))
    raise InputError(
        f"no public checks for assignment {name!r} (looked for "
        f"exercises/{name}/public_tests.py in the course folder and public_tests.py in this "
        f"notebook's folder; problem sets available: {', '.join(found) or 'none'})"
    )


def load_handout(name: str):
    """The notebook of problem set ``name`` as it was handed out, as ``course assign``
    recorded it (:class:`course.grading.untrusted.Handout`): never the file a student is
    editing, which is no longer the handout. ``None`` if it cannot be found.

    From ``public_tests.py`` (its ``HANDOUT``) where the public checks are, else — for an
    instructor before ``course assign`` — from ``solutions/``.
    """
    from course.grading.untrusted import Handout

    for candidate in _public_candidates(name):
        if not candidate.is_file():
            continue
        namespace = _read_public(candidate)
        if namespace.get("ASSIGNMENT") == name:
            return Handout.from_data(namespace.get("HANDOUT"))
    from course.grading.author import handout, list_assignments, load_assignment

    if name in list_assignments():
        return handout(load_assignment(name))
    return None
