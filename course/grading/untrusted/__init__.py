"""The trust boundary: everything a student controls is read here, and nowhere else.

A submission reaches the grader as a file, as the JSON of a notebook, as the messages its
contained run writes back and as the answers encoded in them; and student text reaches
the files the grader writes. This package is the only code that reads any of it, and it
gives the rest of the grader plain, checked values — so the rest of the grader imports
from this ``__init__`` only (``tests/test_architecture.py`` checks that):

* :mod:`~course.grading.untrusted.reader` — files (regular, bounded), notebooks (bounded
  JSON, known fields, written answers gathered against the :class:`Handout`) and a run's
  messages (:func:`read_run`), every failure a status for that one submission
  (:class:`Refused`, or a note in :class:`RunResult`);
* :mod:`~course.grading.untrusted.answers` — answers as plain JSON-safe data: encoded in
  the process that ran the student's code, decoded (allow-listed, bounded) where the tests
  run; the self-check uses the same two functions, so a check behaves the same there;
* :mod:`~course.grading.untrusted.safetext` — student text made safe to write and to show
  (lone surrogates, undecodable names, invisible characters, look-alike ids).

Nothing here imports from the rest of the grader.

Examples
--------
>>> from course.grading.untrusted import check_notebook, encodable
>>> check_notebook(b"not json", "ps1").status
'invalid_json'
>>> encodable("half an emoji: \\ud800")
'half an emoji: \\\\ud800'
"""

from course.grading.untrusted import answers
from course.grading.untrusted.reader import (
    MAX_CELL_ERRORS,
    MAX_ERROR_CHARS,
    MAX_MESSAGE_BYTES,
    MAX_NOTEBOOK_BYTES,
    MAX_OUTPUT_CHARS,
    MAX_RUN_BYTES,
    MAX_WRITTEN_CHARS,
    CheckedFile,
    Handout,
    NotebookCheck,
    Refused,
    RunResult,
    bounded_json,
    check_notebook,
    clean_text,
    decode_answers,
    gather_written,
    read_run,
    read_submission,
    words_digest,
)
from course.grading.untrusted.safetext import (
    WRITE_ERRORS,
    encodable,
    lookalike_key,
    shown_name,
    visible,
)

__all__ = [
    "MAX_CELL_ERRORS",
    "MAX_ERROR_CHARS",
    "MAX_MESSAGE_BYTES",
    "MAX_NOTEBOOK_BYTES",
    "MAX_OUTPUT_CHARS",
    "MAX_RUN_BYTES",
    "MAX_WRITTEN_CHARS",
    "WRITE_ERRORS",
    "CheckedFile",
    "Handout",
    "NotebookCheck",
    "Refused",
    "RunResult",
    "answers",
    "bounded_json",
    "check_notebook",
    "clean_text",
    "decode_answers",
    "encodable",
    "gather_written",
    "lookalike_key",
    "read_run",
    "read_submission",
    "shown_name",
    "visible",
    "words_digest",
]
