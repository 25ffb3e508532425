"""What the review, the feedback and the report need about each graded submission.

``course grade`` keeps, beside the gradebook, ``gradebook-details.jsonl``: one JSON line
per graded submission, appended as it is graded — the written answers (the text of each
written question's answer cell, as the trust boundary read it, and whether it was
answered), each test's result and message, and the errors its cells raised. The last
line of a submission file wins (a regrade appends a new one). Every text in it comes
from a student's notebook or process, so it is passed through
:func:`course.grading.untrusted.clean_text` again on the way in and on the way out, and
whoever shows it escapes it.

Examples
--------
>>> details_path("out/gradebook.csv").as_posix()
'out/gradebook-details.jsonl'
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.grading.untrusted import (
    MAX_ERROR_CHARS,
    MAX_WRITTEN_CHARS,
    WRITE_ERRORS,
    Refused,
    bounded_json,
    clean_text,
    encodable,
)

__all__ = ["Details", "append_details", "details_path", "read_details"]

_NAME = 200
_MESSAGE = 2_000
_LINE_BYTES = 4_000_000


@dataclass
class Details:
    """One graded submission's written answers, test results and cell errors."""

    source_file: str
    student_id: str
    submission_sha256: str
    written: dict[str, str] = field(default_factory=dict)
    answered: dict[str, bool] = field(default_factory=dict)
    # each result: name, question, hidden, passed, message
    results: list[dict[str, Any]] = field(default_factory=list)
    cell_errors: list[dict[str, Any]] = field(default_factory=list)


def details_path(gradebook: str | os.PathLike) -> Path:
    path = Path(gradebook)
    return path.with_name(f"{path.stem}-details.jsonl")


def _key(value: Any) -> str:
    """A file name or id kept exactly (it is the key the gradebook's rows match on), only
    made writable."""
    return encodable(value)[:1000] if type(value) is str else ""


def _clean(record: dict) -> Details:
    """A record's fields, each of the type expected, text cleaned and cut."""
    written = record.get("written") if type(record.get("written")) is dict else {}
    answered = record.get("answered") if type(record.get("answered")) is dict else {}
    results = record.get("results") if type(record.get("results")) is list else []
    errors = record.get("cell_errors") if type(record.get("cell_errors")) is list else []
    return Details(
        _key(record.get("source_file")), _key(record.get("student_id")),
        clean_text(record.get("submission_sha256"), 64),
        {clean_text(q, _NAME): clean_text(t, MAX_WRITTEN_CHARS) for q, t in written.items()},
        {clean_text(q, _NAME): v is True for q, v in answered.items()},
        [{"name": clean_text(r.get("name"), _NAME),
          "question": clean_text(r.get("question"), _NAME),
          "hidden": r.get("hidden") is True, "passed": r.get("passed") is True,
          "message": clean_text(r.get("message"), _MESSAGE)}
         for r in results[:1000] if type(r) is dict],
        [{"cell": e.get("cell") if type(e.get("cell")) is int else None,
          "question": clean_text(e.get("question"), _NAME) or None,
          "error": clean_text(e.get("error"), MAX_ERROR_CHARS)}
         for e in errors[:100] if type(e) is dict])


def append_details(gradebook: str | os.PathLike, grade: Any) -> Details:
    """Append one graded submission's details (a :class:`course.grading.run.runner.Grade`);
    return them as stored."""
    record = _clean({
        "source_file": grade.source or grade.path, "student_id": grade.student_id,
        "submission_sha256": grade.submission_sha256, "written": grade.written,
        "answered": grade.answered,
        "results": [{"name": r.name, "question": r.question, "hidden": r.hidden,
                     "passed": r.passed, "message": r.message} for r in grade.results],
        "cell_errors": grade.cell_errors})
    line = json.dumps(record.__dict__, ensure_ascii=False, separators=(",", ":")) + "\n"
    path = details_path(gradebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8", errors=WRITE_ERRORS) as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())
    return record


def read_details(gradebook: str | os.PathLike) -> dict[str, Details]:
    """The latest details of each submission file (by ``source_file``); lines that cannot
    be read (a run stopped mid-line) are skipped."""
    path = details_path(gradebook)
    out: dict[str, Details] = {}
    if not path.is_file():
        return out
    with open(path, "rb") as handle:
        for raw in handle:
            record = bounded_json(raw[:_LINE_BYTES], max_bytes=_LINE_BYTES, max_depth=8,
                                  max_items=200_000, what="a details line")
            if type(record) is Refused or type(record) is not dict:
                continue
            details = _clean(record)
            if details.source_file:
                out[details.source_file] = details
    return out
