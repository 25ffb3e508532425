"""Grade submissions: check the file, run it contained, then test its answers here.

The student's code runs only in :mod:`course.grading.sandbox`. What comes back is plain
data (:mod:`course.grading.answers`), which this module decodes and hands to the problem
set's public and hidden tests (:mod:`course.grading.testing`) in the grader's own
process — where the student's code never ran, so it cannot have patched the tests.

Examples
--------
>>> check_notebook_bytes(b"not json", "ps1").status
'invalid_json'
>>> check_notebook_bytes(b'{"nbformat": 3, "cells": []}', "ps1").status
'wrong_nbformat'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from course.errors import InputError
from course.grading import answers as answer_codec
from course.grading import testing
from course.grading.assignment import Question
from course.grading.sandbox import Limits, RunResult, Sandbox

#: Largest submission file read (bytes); a course notebook saved with outputs is < 5 MB.
MAX_NOTEBOOK_BYTES = 20_000_000
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")


@dataclass
class GradingSpec:
    """What the grader needs about one problem set: questions, points, tests, limits."""

    name: str
    title: str
    questions: list[Question]
    tests: list[Callable]
    total: float
    time_limit_seconds: float = 60.0
    memory_limit_mb: int = 1024

    def required(self) -> dict[str, list[str]]:
        return {q.id: list(q.answers) for q in self.questions if q.kind == "auto"}

    def points(self) -> dict[str, float]:
        return {q.id: q.points for q in self.questions}

    def limits(self, time_limit: float | None = None, memory_mb: int | None = None) -> Limits:
        return Limits(time_s=float(time_limit or self.time_limit_seconds),
                      memory_mb=int(memory_mb or self.memory_limit_mb))


def load_spec(assignment: str, *, autograder_dir: str | os.PathLike | None = None,
              solutions_dir: str | os.PathLike | None = None) -> GradingSpec:
    """Read a problem set's questions and tests.

    From ``solutions/<assignment>/`` (checked in full by
    :func:`course.grading.assignment.load_assignment`), or from an autograder folder
    made by ``course assign`` holding ``assignment.yaml`` and ``tests.py``.
    """
    from course.grading import assignment as assignment_module

    if autograder_dir is not None:
        folder = Path(autograder_dir)
        if (folder / assignment / "assignment.yaml").is_file():
            folder = folder / assignment
        config_path, tests_path = folder / "assignment.yaml", folder / "tests.py"
        if not config_path.is_file() or not tests_path.is_file():
            raise InputError(f"{folder} must hold assignment.yaml and tests.py "
                             "(made by `course assign`)")
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        name = (config or {}).get("name") or (config or {}).get("assignment") or assignment
        if name != assignment:
            raise InputError(f"{config_path} is for assignment {name!r}, not {assignment!r}")
        parsed, total = assignment_module.parse_config(assignment, config)
        tests = testing.load_tests(tests_path.read_text(encoding="utf-8"),
                                   name=f"{assignment}_tests")
        title = str(config.get("title") or assignment)
        time_limit = float(config.get("time_limit_seconds", 60))
        memory = int(config.get("memory_limit_mb", 1024))
    else:
        loaded = assignment_module.load_assignment(
            assignment, Path(solutions_dir) if solutions_dir else None)
        parsed, total, title = loaded.questions, loaded.total, loaded.title
        tests = loaded.tests()
        time_limit, memory = loaded.time_limit_seconds, loaded.memory_limit_mb
    return GradingSpec(assignment, title, list(parsed), tests, float(total), time_limit, memory)


# --------------------------------------------------------------------------- checking


@dataclass
class NotebookCheck:
    """The grader's own reading of a submission, before anything runs."""

    status: str  # "ok" or the reason it cannot be graded
    message: str = ""
    notebook: dict | None = None
    student_id: str | None = None
    answer_cells: dict[str, int] = field(default_factory=dict)
    manual_answers: dict[str, str] = field(default_factory=dict)


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    if type(source) is list:
        return "".join(s for s in source if type(s) is str)
    return source if type(source) is str else ""


def check_notebook_bytes(data: bytes, assignment: str) -> NotebookCheck:
    """Is this a notebook of ``assignment`` we can grade? Never raises."""
    try:
        notebook = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return NotebookCheck("invalid_json", "the file is not a Jupyter notebook (not valid "
                             "JSON): download it again with File > Download")
    if type(notebook) is not dict:
        return NotebookCheck("invalid_json", "the file is JSON but not a Jupyter notebook")
    if notebook.get("nbformat") != 4 or type(notebook.get("cells")) is not list:
        return NotebookCheck("wrong_nbformat",
                             f"the notebook has format version {notebook.get('nbformat')!r}; "
                             "the grader reads version 4 (save it from JupyterLab)")
    metadata = notebook.get("metadata") if type(notebook.get("metadata")) is dict else {}
    course_meta = metadata.get("course") if type(metadata.get("course")) is dict else {}
    found = course_meta.get("assignment")
    if found != assignment:
        what = f"assignment {found!r}" if type(found) is str else "no course assignment"
        return NotebookCheck("wrong_assignment",
                             f"this notebook is for {what}, not {assignment!r}: submit the "
                             f"{assignment} notebook")
    check = NotebookCheck("ok", notebook=notebook)
    sid = course_meta.get("student_id")
    if type(sid) is str and _SAFE_ID.match(sid):
        check.student_id = sid
    for index, cell in enumerate(notebook["cells"]):
        if type(cell) is not dict:
            continue
        meta = cell.get("metadata") if type(cell.get("metadata")) is dict else {}
        cmeta = meta.get("course") if type(meta.get("course")) is dict else {}
        qid = cmeta.get("question")
        if type(qid) is not str:
            continue
        check.answer_cells.setdefault(qid, index)
        if cell.get("cell_type") == "markdown":
            check.manual_answers[qid] = _source(cell)[:20_000]
    return check


# --------------------------------------------------------------------------- grading


@dataclass
class Grade:
    """One gradebook row plus what the feedback file needs."""

    student_id: str
    submission_sha256: str
    assignment: str
    scores: dict[str, float | None]
    total: float
    max_total: float
    status: str
    message: str
    graded_at: str
    path: str = ""
    results: list[testing.TestResult] = field(default_factory=list)
    manual_answers: dict[str, str] = field(default_factory=dict)
    cell_errors: list[dict] = field(default_factory=list)
    containment: str = ""


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _student_id(path: Path, check: NotebookCheck | None) -> str:
    if check is not None and check.student_id:
        return check.student_id
    stem = path.name
    for suffix in (".ipynb", ".submission", ".json"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    clean = re.sub(r"[^A-Za-z0-9._@+-]", "_", stem)[:64] or "unknown"
    return clean


def _empty_grade(spec: GradingSpec, path: Path, sha: str, status: str, message: str,
                 check: NotebookCheck | None = None) -> Grade:
    scores: dict[str, float | None] = {q.id: (0.0 if q.kind == "auto" else None)
                                       for q in spec.questions}
    return Grade(_student_id(path, check), sha, spec.name, scores, 0.0, spec.total, status,
                 message, _now(), str(path))


def prepare(spec: GradingSpec, path: Path) -> tuple[Grade | None, NotebookCheck | None, str]:
    """Read and check a submission file. Returns (refusal row or None, check, sha256)."""
    if path.is_dir():
        return _empty_grade(spec, path, "", "not_a_file",
                            "this is a folder, not a notebook file"), None, ""
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            with path.open("rb") as handle:
                digest = hashlib.sha256()
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
            return _empty_grade(spec, path, digest.hexdigest(), "too_large",
                                f"the file is {size / 1e6:.0f} MB; the grader reads at most "
                                f"{MAX_NOTEBOOK_BYTES / 1e6:.0f} MB (clear outputs with Edit > "
                                "Clear Outputs of All Cells, then save)"), None, digest.hexdigest()
        data = path.read_bytes()
    except OSError as error:
        return _empty_grade(spec, path, "", "unreadable", f"cannot read the file: "
                            f"{error.strerror}"), None, ""
    sha = hashlib.sha256(data).hexdigest()
    check = check_notebook_bytes(data, spec.name)
    if check.status != "ok":
        return _empty_grade(spec, path, sha, check.status, check.message, check), check, sha
    return None, check, sha


def score_run(spec: GradingSpec, path: Path, sha: str, check: NotebookCheck,
              run: RunResult) -> Grade:
    """Decode the answers a contained run sent back and run every test on them here."""
    results: list[testing.TestResult] = []
    required = spec.required()
    for qid, names in required.items():
        sent = run.answers.get(qid)
        if sent is None:
            reason = run.message or "its answer cell did not run"
            for test in spec.tests:
                info = testing.info_of(test)
                if info and info.question == qid:
                    results.append(testing.TestResult(test.__name__, qid, info.hidden,
                                                      info.weight, False,
                                                      f"not graded: {reason}"))
            continue
        decoded: dict[str, Any] = {}
        for name in names:
            payload = sent.get(name) if type(sent) is dict else None
            try:
                value = answer_codec.decode(payload)
            except answer_codec.AnswerFormatError as error:
                value = answer_codec.Unsupported("unknown", str(error))
            if type(value) is not answer_codec.Missing:
                decoded[name] = value
        results.extend(testing.run_tests(spec.tests, decoded, questions=[qid],
                                         required={qid: names}))
    scores = testing.score(results, {q: spec.points()[q] for q in required})
    all_scores: dict[str, float | None] = {}
    for question in spec.questions:
        all_scores[question.id] = scores.get(question.id, 0.0) if question.kind == "auto" \
            else None
    total = round(sum(v for v in all_scores.values() if v is not None), 6)
    problems = []
    status = run.status
    if run.status != "ok":
        problems.append(run.message)
    missing = [q.id for q in spec.questions if q.id not in check.answer_cells]
    if missing:
        problems.append("answer cell(s) for " + ", ".join(missing) + " not found (deleted, or "
                        "their cell metadata changed); their variables were read at the end")
        if status == "ok":
            status = "missing_cells"
    manual = [q.id for q in spec.questions if q.kind == "manual"]
    if manual and status == "ok":
        problems.append(f"{', '.join(manual)} to be graded by hand")
    grade = Grade(_student_id(path, check), sha, spec.name, all_scores, total, spec.total,
                  status, "; ".join(p for p in problems if p), _now(), str(path), results,
                  {q: check.manual_answers.get(q, "") for q in manual}, run.cell_errors,
                  run.containment)
    return grade


def grade_paths(spec: GradingSpec, submissions: Iterable[Path], *, workers: int = 2,
                sandbox: Sandbox | None = None, time_limit: float | None = None,
                memory_mb: int | None = None,
                progress: Callable[[int, int, Grade], None] | None = None,
                require_containment: bool = True) -> list[Grade]:
    """Grade many submission files with up to ``workers`` running at once.

    One bad submission never stops the batch: it becomes a row with a status and message.
    Grades come back in the order of ``submissions``.
    """
    items = list(submissions)
    own = sandbox is None
    box = sandbox or Sandbox()
    grades: list[Grade] = []
    def started() -> Sandbox:
        box.start()  # lazily: a batch of unreadable files needs no runner
        if require_containment and box.containment in ("none", "process"):
            raise InputError("this machine does not allow contained runs (Linux namespaces "
                             "are unavailable); re-run as root or with "
                             "--allow-uncontained to grade without containment")
        return box

    try:
        limits = spec.limits(time_limit, memory_mb)
        pending: dict[str, tuple[Path, NotebookCheck, str]] = {}
        queue = list(items)
        total = len(items)

        def record(grade: Grade) -> None:
            grades.append(grade)
            if progress:
                progress(len(grades), total, grade)

        while queue or pending:
            while queue and len(pending) < max(1, workers):
                path = Path(queue.pop(0))
                refusal, check, sha = prepare(spec, path)
                if refusal is not None:
                    record(refusal)
                    continue
                try:
                    job = started().submit(path, spec.required(), limits)
                except OSError as error:
                    record(_empty_grade(spec, path, sha, "unreadable",
                                        f"cannot copy the file: {error}", check))
                    continue
                pending[job] = (path, check, sha)
            if not pending:
                continue
            for job, run in box.wait():
                path, check, sha = pending.pop(job)
                try:
                    record(score_run(spec, path, sha, check, run))
                except Exception as error:  # never stop the batch
                    record(_empty_grade(spec, path, sha, "grader_error",
                                        f"the grader failed on this file: "
                                        f"{type(error).__name__}: {error}", check))
    finally:
        if own:
            box.close()
    order = {str(Path(p)): i for i, p in enumerate(items)}
    grades.sort(key=lambda g: order.get(g.path, len(order)))
    return grades


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


__all__ = ["GradingSpec", "Grade", "NotebookCheck", "check_notebook_bytes", "grade_paths",
           "load_spec", "prepare", "score_run"]
