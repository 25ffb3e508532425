"""``course submit``: check a notebook the way the grader will, then package it.

The notebook runs top to bottom in a fresh, contained process (the grader's own
:mod:`course.grading.sandbox`), never in the student's kernel, so what is reported is
what the grader will see: which questions are answered, which public checks pass (with
what to fix), and which cells raise an error in a fresh run. Then a copy of the notebook
is written beside it as ``<name>.submission.ipynb`` (student id and assignment in its
metadata) with a manifest ``<name>.submission.json`` holding its SHA-256. The working
notebook is never modified.

Examples
--------
>>> check_student_id("s1234567")
's1234567'
>>> check_student_id("")
Traceback (most recent call last):
...
course.errors.InputError: give your student id with --student-id (letters, digits, ...
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.errors import InputError
from course.grading import testing, untrusted
from course.grading.check.public_checks import load_handout, load_public_checks
from course.grading.sandbox import Limits, RunResult, Sandbox

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
MAX_BYTES = 20_000_000


def check_student_id(student_id: Any) -> str:
    """Return a valid student id or raise :class:`InputError` saying what a valid one is."""
    if type(student_id) is not str or not _ID.match(student_id):
        raise InputError("give your student id with --student-id (letters, digits, . _ @ + -; "
                         "at most 64 characters)")
    return student_id


@dataclass
class QuestionReport:
    id: str
    title: str
    kind: str
    answered: bool
    checks: list[testing.TestResult] = field(default_factory=list)
    problem: str = ""


@dataclass
class SubmitReport:
    assignment: str
    student_id: str
    questions: list[QuestionReport]
    cell_errors: list[dict]
    run: RunResult
    submission: Path | None = None
    manifest: Path | None = None
    sha256: str = ""

    @property
    def all_good(self) -> bool:
        return (self.run.status == "ok" and not self.cell_errors
                and all(q.answered and all(c.passed for c in q.checks)
                        for q in self.questions if q.kind == "auto"))

    def text(self) -> str:
        """The report printed to the student."""
        lines = [f"{self.assignment} checked in a fresh, contained run "
                 f"(as the grader will run it) for {self.student_id}:"]
        if self.run.status != "ok":
            lines.append(f"  ! {self.run.message}")
        for q in self.questions:
            if q.kind == "manual":
                state = "written answer present" if q.answered else "NO WRITTEN ANSWER yet"
                read = f"; read from {q.problem}" if q.answered and q.problem else ""
                lines.append(f"  {q.id}: {state} (graded by hand{read})")
                continue
            if not q.answered:
                lines.append(f"  {q.id}: NOT ANSWERED — {q.problem}")
                continue
            passed = sum(c.passed for c in q.checks)
            lines.append(f"  {q.id}: answered; public checks {passed}/{len(q.checks)} passed")
            shown = set()
            for check in q.checks:
                if not check.passed and check.message not in shown:
                    shown.add(check.message)
                    lines.append(f"      ✗ {check.name}: {check.message}")
        for error in self.cell_errors[:10]:
            cell = error.get("cell")
            where = f"cell {cell + 1}" if type(cell) is int else "a cell"
            last = str(error.get("error", "")).splitlines()[-1:] or [""]
            lines.append(f"  ! {where} raises an error in a fresh run: {last[0]}")
        lines.append("Public checks only: hidden tests decide the grade.")
        if self.submission is not None:
            lines.append(f"Wrote {self.submission.name} (sha256 {self.sha256[:12]}…) and "
                         f"{self.manifest.name}: upload {self.submission.name}.")
        return "\n".join(lines)


def _read_notebook(path: Path) -> dict:
    if not path.is_file():
        raise InputError(f"{path} is not a notebook file")
    if path.stat().st_size > MAX_BYTES:
        raise InputError(f"{path.name} is larger than {MAX_BYTES // 1_000_000} MB: clear all "
                         "outputs (Edit > Clear Outputs of All Cells), save, and try again")
    try:
        notebook = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        raise InputError(f"{path.name} is not a Jupyter notebook (not valid JSON)") from None
    if type(notebook) is not dict or notebook.get("nbformat") != 4 \
            or type(notebook.get("cells")) is not list:
        raise InputError(f"{path.name} is not a version-4 Jupyter notebook: save it from "
                         "JupyterLab and try again")
    return notebook


def _assignment_of(notebook: dict, path: Path) -> str:
    meta = notebook.get("metadata") if type(notebook.get("metadata")) is dict else {}
    course_meta = meta.get("course")
    if type(course_meta) is not dict or type(course_meta.get("assignment")) is not str:
        raise InputError(f"{path.name} is not a problem set of this course (its metadata "
                         "names no course assignment): submit the notebook from exercises/")
    return course_meta["assignment"]


def _public(assignment: str) -> tuple[list, dict]:
    try:
        return load_public_checks(assignment)
    except InputError as error:
        raise InputError(f"this notebook is for assignment {assignment!r}, which this course "
                         f"does not have ({error})") from None


def submit(path: str | os.PathLike, student_id: Any, *, assignment: str | None = None,
           sandbox: Sandbox | None = None, time_limit: float = 60.0,
           out_dir: str | os.PathLike | None = None) -> SubmitReport:
    """Check ``path`` in a fresh contained run and write the submission files.

    Raises
    ------
    InputError
        Missing or bad student id, not a notebook, not this course's, another assignment
        than ``assignment``.
    """
    student_id = check_student_id(student_id)
    path = Path(path)
    notebook = _read_notebook(path)
    found = _assignment_of(notebook, path)
    if assignment is not None and found != assignment:
        raise InputError(f"{path.name} is assignment {found!r}, not {assignment!r}: open "
                         f"the {assignment} notebook and submit that")
    tests, questions = _public(found)
    required = {q: list(info.get("answers") or []) for q, info in questions.items()
                if info.get("kind", "auto") == "auto"}
    own = sandbox is None
    box = sandbox or Sandbox()
    try:
        run = box.run(path, required, Limits(time_s=time_limit))
    finally:
        if own:
            box.close()
    # Written answers are read as the grader reads them: against the handout as
    # `course assign` recorded it, never against the file being edited. (Imported here:
    # a student's `from course.grading.check import Checker` need not load the author's
    # tools, nbformat and YAML.)
    from course.grading.author import written_answer_given

    handout = load_handout(found)
    prompts = handout.written if handout is not None else {}
    reading = untrusted.check_notebook(path.read_bytes(), found, handout)
    reports = []
    for qid, info in questions.items():
        kind = info.get("kind", "auto")
        title = str(info.get("title") or qid)
        if kind == "manual":
            answered = written_answer_given(reading.written.get(qid, ""), prompts.get(qid))
            reports.append(QuestionReport(qid, title, kind, answered,
                                          problem=reading.gathered.get(qid, "")))
            continue
        sent = run.answers.get(qid)
        decoded: dict[str, Any] = {}
        problem = ""
        if sent is None:
            problem = run.message or "its cell did not run"
        else:
            decoded, _ = untrusted.decode_answers(sent, required[qid])
            for var in required[qid]:
                if var not in decoded:
                    problem = problem or f"`{var}` is not defined after its cell runs"
                    continue
                problem = problem or (testing.answer_problem(var, decoded[var]) or "")
        checks = testing.run_tests(tests, decoded, questions=[qid], required={qid: required[qid]})
        reports.append(QuestionReport(qid, title, kind, not problem, checks, problem))
    report = SubmitReport(found, student_id, reports, run.cell_errors, run)
    _write_submission(path, notebook, report, Path(out_dir) if out_dir else path.parent)
    return report


def _write_submission(path: Path, notebook: dict, report: SubmitReport, folder: Path) -> None:
    stem = path.name[: -len(".ipynb")] if path.name.endswith(".ipynb") else path.name
    stem = stem.removesuffix(".submission")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    copy = json.loads(json.dumps(notebook))
    copy["metadata"].setdefault("course", {})
    copy["metadata"]["course"].update({"student_id": report.student_id,
                                       "assignment": report.assignment, "submitted_at": now})
    data = (json.dumps(copy, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{stem}.submission.ipynb"
    manifest = folder / f"{stem}.submission.json"
    summary = {
        "student_id": report.student_id, "assignment": report.assignment,
        "submission": target.name, "sha256": sha, "submitted_at": now,
        "run_status": report.run.status,
        "questions": {q.id: {"answered": q.answered,
                             "public_passed": sum(c.passed for c in q.checks),
                             "public_total": len(q.checks)} for q in report.questions},
        "cells_with_errors": [e.get("cell") for e in report.cell_errors],
    }
    for file, payload in ((target, data),
                          (manifest, (json.dumps(summary, indent=1) + "\n").encode())):
        fd, temp = tempfile.mkstemp(prefix=f".{file.name}.", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(temp, file)
    report.submission, report.manifest, report.sha256 = target, manifest, sha
