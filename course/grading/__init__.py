"""Homework: assign, self-check, contained grading, gradebook and submission.

``from course.grading import Checker`` is what a problem-set notebook runs; it is loaded
lazily so that importing :mod:`course.grading` stays cheap for the grader.

Modules
-------
answers        encode/decode answers as plain JSON-safe data (self-check and grader)
sandbox        a warm fork server that runs each submission in a contained child process
untrusted      the trust boundary: files, notebooks, run messages and answers, bounded
tester         a limited worker process that reads a finished run and runs the tests
collect        which files are submissions, and whose (from how they were collected)
runner         the pipeline: collect, read, run contained, test, record
gradebook      one row per student, a ledger of every submission, per-student feedback
details        each graded submission's written answers, test results and cell errors
rubric         rubric items of written questions (id, points, text, comment), checked
handgrades     hand grades: one append-only file per grader, merged on read
review         grading written answers by question (pure); review_app: its widgets
report         the offline class report; lms: Canvas and Moodle import files
public_checks  where a problem set's public checks are (self-check and ``course submit``)
cli_grade      ``course grade``; cli_submit / submit: ``course submit``; cli_review,
               cli_report, cli_lms: ``course review``, ``course report``,
               ``course export-grades``
"""

from __future__ import annotations

from typing import Any

__all__ = ["Checker"]


def __getattr__(name: str) -> Any:
    if name == "Checker":
        from course.grading.checker import Checker

        return Checker
    raise AttributeError(f"module 'course.grading' has no attribute {name!r}")
