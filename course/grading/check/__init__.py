"""The student's own tools: the self-check in the notebook and ``course submit``.

* :mod:`~course.grading.check.checker` — ``check = Checker("ps1")``, then ``check("q3")``:
  the question's public checks on answers encoded and decoded as the grader does, with a
  warning instead of a verdict when the answer cell failed, was emptied or never ran;
  ``check.submit(...)`` from the notebook;
* :mod:`~course.grading.check.submit` — ``course submit``: the notebook run top to bottom
  in the grader's own sandbox, its public checks, then a packaged copy and its manifest;
* :mod:`~course.grading.check.public_checks` — where a problem set's public checks and
  handout are (``exercises/<ps>/public_tests.py``, or ``solutions/`` before
  ``course assign``).

Problem-set notebooks import ``from course.grading.check import Checker``; the grader's
sandbox stands a quiet stub in for this package while it runs a submission. This stage
imports from the trust boundary, the test API, the sandbox and the authoring stage.

Examples
--------
>>> from course.grading.check import REMINDER
>>> REMINDER.startswith("Public checks only")
True
"""

from course.grading.check.checker import REMINDER, Checker
from course.grading.check.public_checks import load_handout, load_public_checks
from course.grading.check.submit import (
    QuestionReport,
    SubmitReport,
    check_student_id,
    submit,
)

__all__ = [
    "REMINDER",
    "Checker",
    "QuestionReport",
    "SubmitReport",
    "check_student_id",
    "load_handout",
    "load_public_checks",
    "submit",
]
