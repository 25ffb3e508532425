"""The gradebook CSV and the per-student feedback files.

The CSV has one row per graded submission: ``student_id, submission_sha256, assignment,
<one column per question>, total, max_total, status, message, graded_at``. Hand-graded
questions are left empty for the instructor to fill in. Writing is atomic (a temporary
file in the same folder, then :func:`os.replace`) and idempotent: grading the same file
again replaces its row (matched by the SHA-256 of the submission), other rows are kept.

Examples
--------
>>> columns("ps1", ["q1", "w1"])[:5]
['student_id', 'submission_sha256', 'assignment', 'q1', 'w1']
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from course.errors import InputError
from course.grading.runner import Grade, GradingSpec

FIXED_START = ["student_id", "submission_sha256", "assignment"]
FIXED_END = ["total", "max_total", "status", "message", "graded_at"]


def columns(assignment: str, question_ids: list[str]) -> list[str]:
    """The gradebook's header for a problem set with these questions."""
    return [*FIXED_START, *question_ids, *FIXED_END]


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def _row(grade: Grade, question_ids: list[str]) -> dict[str, str]:
    row = {"student_id": grade.student_id, "submission_sha256": grade.submission_sha256,
           "assignment": grade.assignment}
    for qid in question_ids:
        row[qid] = _number(grade.scores.get(qid))
    row.update({"total": _number(grade.total), "max_total": _number(grade.max_total),
                "status": grade.status, "message": grade.message.replace("\n", " "),
                "graded_at": grade.graded_at})
    return row


def _cell_safe(text: str) -> str:
    """Stop a spreadsheet from running a student-chosen value as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write(path: str | os.PathLike, spec: GradingSpec, grades: Iterable[Grade]) -> int:
    """Merge ``grades`` into the gradebook at ``path`` atomically; return the row count.

    Rows of earlier runs are kept unless the same submission (same SHA-256) was graded
    again. Rows whose file could not be hashed are keyed by student id.
    """
    path = Path(path)
    question_ids = [q.id for q in spec.questions]
    header = columns(spec.name, question_ids)
    rows: dict[str, dict[str, str]] = {}
    if path.exists():
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames != header:
                raise InputError(f"{path.name} has other columns than a {spec.name} "
                                 "gradebook; write to a new file with --out")
            for row in reader:
                rows[row["submission_sha256"] or "id:" + row["student_id"]] = row
    for grade in grades:
        row = _row(grade, question_ids)
        rows[grade.submission_sha256 or "id:" + grade.student_id] = row
    ordered = sorted(rows.values(), key=lambda r: (r["student_id"], r["graded_at"]))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in ordered:
        writer.writerow({k: _cell_safe(str(row.get(k, ""))) if k in ("student_id", "message")
                         else row.get(k, "") for k in header})
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    return len(ordered)


def _points(value: float) -> str:
    return _number(value)


def feedback_markdown(spec: GradingSpec, grade: Grade) -> str:
    """A student's feedback: score per question, what each test said, errors seen."""
    lines = [f"# {spec.title}: feedback for {grade.student_id}", ""]
    lines.append(f"**Score: {_points(grade.total)} / {_points(grade.max_total)}**"
                 + (" (hand-graded questions not yet included)"
                    if any(v is None for v in grade.scores.values()) else ""))
    lines.append("")
    if grade.status != "ok":
        lines += [f"> Status: `{grade.status}` — {grade.message}", ""]
    by_question: dict[str, list] = {}
    for result in grade.results:
        by_question.setdefault(result.question, []).append(result)
    for question in spec.questions:
        got = grade.scores.get(question.id)
        shown = "graded by hand" if got is None else f"{_points(got)} / {_points(question.points)}"
        lines.append(f"## {question.id}: {question.title} ({shown})")
        lines.append("")
        if question.kind == "manual":
            answer = grade.manual_answers.get(question.id, "").strip()
            lines.append("Your written answer was received." if answer
                         else "No written answer was found.")
            lines.append("")
            continue
        mine = by_question.get(question.id, [])
        messages = {r.message for r in mine}
        if mine and not any(r.passed for r in mine) and len(messages) == 1 \
                and next(iter(messages)).startswith(("not graded", "`")):
            lines += [f"- {len(mine)} check(s) failed: {mine[0].message}", ""]
            continue
        for result in mine:
            label = "hidden test" if result.hidden else "public check"
            mark = "passed" if result.passed else "failed"
            text = f"- {label} `{result.name}`: {mark}"
            if not result.passed and result.message:
                text += f" — {result.message}"
            lines.append(text)
        errors = [e for e in grade.cell_errors if e.get("question") == question.id]
        for error in errors[:2]:
            lines.append(f"- your answer cell raised: `{error['error'].splitlines()[-1]}`")
        lines.append("")
    other = [e for e in grade.cell_errors if not e.get("question")]
    if other:
        lines.append("## Other cells that raised an error")
        lines.append("")
        for error in other[:5]:
            cell = error.get("cell")
            where = f"cell {cell + 1}" if type(cell) is int else "a cell"
            lines.append(f"- {where}: `{error['error'].splitlines()[-1]}`")
        lines.append("")
    return "\n".join(lines)


def feedback_name(grade: Grade) -> str:
    """File name of a grade's feedback (student id + first hash characters)."""
    stem = re.sub(r"[^A-Za-z0-9._@+-]", "_", grade.student_id) or "unknown"
    return f"{stem}-{grade.submission_sha256[:8] or 'nohash'}.md"


def write_feedback(folder: str | os.PathLike, spec: GradingSpec, grade: Grade) -> Path:
    """Write one student's feedback Markdown atomically; return its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / feedback_name(grade)
    fd, temp = tempfile.mkstemp(prefix=".fb.", suffix=".tmp", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(feedback_markdown(spec, grade))
    os.replace(temp, target)
    return target
