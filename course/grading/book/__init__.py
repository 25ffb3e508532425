"""The gradebook and what is built on it: ``course grade``'s records, ``course review``,
``course report`` and ``course export-grades``.

* :mod:`~course.grading.book.gradebook` — one row per student (which submission counts,
  ``--keep``), a ledger of every submission, per-student feedback; written atomically
  after every submission, merged with the hand grades on read;
* :mod:`~course.grading.book.details` — each graded submission's written answers, test
  results and cell errors, kept beside the gradebook;
* :mod:`~course.grading.book.handgrades` — hand grades: one append-only file per grader;
* :mod:`~course.grading.book.review` — grading written answers by question, blind, with
  the rubric (pure), and :mod:`~course.grading.book.review_app` its widgets and notebook;
* :mod:`~course.grading.book.report` — the offline class report;
* :mod:`~course.grading.book.lms` — Canvas and Moodle grade import files.

This stage imports from the run stage, the authoring stage, the test API and the trust
boundary through their ``__init__``; nothing in grading imports it.

Examples
--------
>>> from course.grading.book import KEEP, feedback_name
>>> KEEP
('latest', 'earliest', 'best')
>>> feedback_name("jdoe42")
'jdoe42-4839cd45.md'
"""

from course.grading.book import lms
from course.grading.book.details import Details, read_details
from course.grading.book.gradebook import (
    KEEP,
    Gradebook,
    feedback_markdown,
    feedback_name,
    merged_rows,
    open_gradebook,
    refresh,
    write_feedback,
    written_rubrics,
)
from course.grading.book.handgrades import (
    GRADER_NAME,
    HandGrade,
    HandGrades,
    answer_digest,
    hand_folder,
)
from course.grading.book.report import class_report, write_report
from course.grading.book.review import (
    Answer,
    Review,
    answers_from_submissions,
    group_answers,
    open_review,
    parse_part,
)
from course.grading.book.review_app import ReviewApp, review_app, review_notebook

__all__ = [
    "GRADER_NAME",
    "KEEP",
    "Answer",
    "Details",
    "Gradebook",
    "HandGrade",
    "HandGrades",
    "Review",
    "ReviewApp",
    "answer_digest",
    "answers_from_submissions",
    "class_report",
    "feedback_markdown",
    "feedback_name",
    "group_answers",
    "hand_folder",
    "lms",
    "merged_rows",
    "open_gradebook",
    "open_review",
    "parse_part",
    "read_details",
    "refresh",
    "review_app",
    "review_notebook",
    "write_feedback",
    "write_report",
    "written_rubrics",
]
