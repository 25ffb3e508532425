"""Homework: assign, self-check, contained grading, gradebook and submission.

``from course.grading import Checker`` is what a problem-set notebook runs; it is loaded
lazily so that importing :mod:`course.grading` stays cheap for the grader.

Modules
-------
answers     encode/decode answers as plain JSON-safe data (shared by self-check and grader)
sandbox     a warm fork server that runs each submission in a contained child process
runner      grade one submission: contained run, then tests in the grader's process
gradebook   the gradebook CSV (atomic, idempotent) and per-student feedback
cli_grade   ``course grade``; cli_submit / submit: ``course submit``
"""

from __future__ import annotations

from typing import Any

__all__ = ["Checker"]


def __getattr__(name: str) -> Any:
    if name == "Checker":
        from course.grading.checker import Checker

        return Checker
    raise AttributeError(f"module 'course.grading' has no attribute {name!r}")
