"""Running a class's submissions: ``course grade`` from files to grades.

Each submission goes through the same stages, inside its own boundary:

* :mod:`~course.grading.run.collect` — which files are submissions and whose (per-student
  files or folders, an ``--id-pattern``, or an LMS's download); names kept as bytes;
* :mod:`~course.grading.run.runner` — the pipeline: each student's inputs read through
  the trust boundary (:mod:`course.grading.untrusted`), only the file that counts run in
  the sandbox (:mod:`course.grading.sandbox`), its results tested, its
  :class:`~course.grading.run.runner.Grade` assembled and handed to whoever records it;
* :mod:`~course.grading.run.tester` — a limited worker forked from the grader that reads
  a finished run's messages and runs the problem set's tests on its answers;
* :mod:`~course.grading.run.boundary` — one boundary per submission: an exception on its
  path becomes that student's row, never the end of the class.

The gradebook (:mod:`course.grading.book`) and the Gradescope autograder
(:mod:`course.grading.gradescope`) import from this ``__init__`` only; it imports from
the trust boundary, the test API, the sandbox and the authoring stage, never from them.

Examples
--------
>>> from course.grading.run import GRADED, Boundary
>>> sorted(GRADED)
['missing_cells', 'ok']
>>> boundary = Boundary(lambda status, message: status)
>>> with boundary.stage("read"):
...     raise ValueError("a value nobody thought of")
>>> boundary.failed
'grader_error'
"""

from course.grading.run.boundary import STAGES, Boundary, describe
from course.grading.run.collect import (
    DOWNLOADS,
    UPLOAD_SUFFIXES,
    Submission,
    collect,
    student_id,
    submission_for,
)
from course.grading.run.runner import (
    GRADED,
    NOT_RUN,
    UNTOUCHED,
    Grade,
    GradingSpec,
    default_workers,
    grade_paths,
    grade_submissions,
    load_spec,
)
from course.grading.run.tester import Checked, Tester, TestLimits

__all__ = [
    "DOWNLOADS",
    "GRADED",
    "NOT_RUN",
    "STAGES",
    "UNTOUCHED",
    "UPLOAD_SUFFIXES",
    "Boundary",
    "Checked",
    "Grade",
    "GradingSpec",
    "Submission",
    "TestLimits",
    "Tester",
    "collect",
    "default_workers",
    "describe",
    "grade_paths",
    "grade_submissions",
    "load_spec",
    "student_id",
    "submission_for",
]
