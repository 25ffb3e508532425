"""Grade submissions: a short pipeline, one submission at a time through each stage.

::

    collect        course.grading.collect      which files, and whose (from the collection)
    read           course.grading.untrusted    regular files only, bounded, checked JSON
    run contained  course.grading.sandbox      the student's code, in its own namespaces
    read results   course.grading.untrusted    the run's messages, bounded   } in a limited
    test           course.grading.testing      the problem set's tests       } tester process
    record         course.grading.gradebook    atomically, after every submission

The student's code runs only in the sandbox; its answers come back as plain data and are
read, decoded and tested in a worker process (:mod:`course.grading.tester`) with its own
time and memory limits — never in the grader's process. Whatever one submission does, it
ends as that submission's row, with a status and a message.

Examples
--------
>>> from course.grading.untrusted import check_notebook
>>> check_notebook(b'{"nbformat": 4, "cells": [], "metadata": {}}', "ps1").status
'wrong_assignment'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import select
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from course.errors import InputError
from course.grading import testing, untrusted
from course.grading.assignment import Question, written_answer_given
from course.grading.collect import Submission, submission_for
from course.grading.sandbox import Limits, Sandbox, SandboxError
from course.grading.tester import Checked, Tester, TestLimits
from course.grading.untrusted import CheckedFile, NotebookCheck, Refused

__all__ = ["GRADED", "Grade", "GradingSpec", "grade_paths", "grade_submissions", "load_spec"]

#: Statuses of a submission graded in full (the others need the instructor's look).
GRADED = {"ok", "missing_cells"}


@dataclass
class GradingSpec:
    """What the grader needs about one problem set: questions, points, tests, limits.

    ``written_prompts`` holds each written question's untouched answer cell as students
    receive it (to tell an answer from a placeholder); ``fingerprint`` changes whenever
    the questions or tests do (a resumed run regrades what was graded with other tests).
    """

    name: str
    title: str
    questions: list[Question]
    tests: list[Callable]
    total: float
    time_limit_seconds: float = 60.0
    memory_limit_mb: int = 1024
    written_prompts: dict[str, str] = field(default_factory=dict)
    fingerprint: str = ""
    allow_uncontained: bool = False

    def required(self) -> dict[str, list[str]]:
        return {q.id: list(q.answers) for q in self.questions if q.kind == "auto"}

    def points(self) -> dict[str, float]:
        return {q.id: q.points for q in self.questions}

    def limits(self, time_limit: float | None = None, memory_mb: int | None = None) -> Limits:
        return Limits(time_s=float(time_limit or self.time_limit_seconds),
                      memory_mb=int(memory_mb or self.memory_limit_mb))


def _allows_uncontained(config: dict) -> bool:
    section = config.get("gradescope") if isinstance(config, dict) else None
    return isinstance(section, dict) and section.get("allow_uncontained") is True


def load_spec(assignment: str, *, autograder_dir: str | os.PathLike | None = None,
              solutions_dir: str | os.PathLike | None = None) -> GradingSpec:
    """Read a problem set's questions and tests.

    From ``solutions/<assignment>/`` (checked in full by
    :func:`course.grading.assignment.load_assignment`), or from an autograder folder
    made by ``course assign`` holding ``assignment.yaml``, ``tests.py`` and
    ``prompts.json`` (the written questions' untouched answer cells).
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
        config_text = config_path.read_text(encoding="utf-8")
        config = yaml.safe_load(config_text)
        name = (config or {}).get("name") or (config or {}).get("assignment") or assignment
        if name != assignment:
            raise InputError(f"{config_path} is for assignment {name!r}, not {assignment!r}")
        parsed, total = assignment_module.parse_config(assignment, config)
        tests_text = tests_path.read_text(encoding="utf-8")
        tests = testing.load_tests(tests_text, name=f"{assignment}_tests")
        title = str(config.get("title") or assignment)
        time_limit = float(config.get("time_limit_seconds", 60))
        memory = int(config.get("memory_limit_mb", 1024))
        prompts_path = folder / "prompts.json"
        prompts = json.loads(prompts_path.read_text(encoding="utf-8")) \
            if prompts_path.is_file() else {}
    else:
        loaded = assignment_module.load_assignment(
            assignment, Path(solutions_dir) if solutions_dir else None)
        parsed, total, title = loaded.questions, loaded.total, loaded.title
        tests = loaded.tests()
        time_limit, memory = loaded.time_limit_seconds, loaded.memory_limit_mb
        config, config_text, tests_text = loaded.config, loaded.config_path.read_text(
            encoding="utf-8"), loaded.tests_source
        prompts = assignment_module.written_prompts(loaded)
    fingerprint = hashlib.sha256((config_text + "\0" + tests_text).encode()).hexdigest()
    return GradingSpec(assignment, title, list(parsed), tests, float(total), time_limit, memory,
                       {k: v for k, v in prompts.items() if isinstance(v, str)}, fingerprint,
                       _allows_uncontained(config))


# --------------------------------------------------------------------------- grades


@dataclass
class Grade:
    """One graded submission: a gradebook row plus what the feedback file needs.

    ``source`` is the file as collected (relative to the folder given); ``metadata_id``
    what the notebook's metadata claims (reported when it differs, never trusted);
    ``written`` each written answer's text, and ``answered`` whether it was given.
    """

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
    written: dict[str, str] = field(default_factory=dict)
    answered: dict[str, bool] = field(default_factory=dict)
    cell_errors: list[dict] = field(default_factory=list)
    containment: str = ""
    source: str = ""
    mtime: float = 0.0
    metadata_id: str | None = None
    flags: list[str] = field(default_factory=list)
    spec_fingerprint: str = ""
    run_seconds: float = 0.0  # the contained run's wall-clock time
    test_seconds: float = 0.0  # reading, decoding and testing its answers


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _empty_grade(spec: GradingSpec, sub: Submission, sha: str, status: str, message: str,
                 check: NotebookCheck | None = None) -> Grade:
    scores: dict[str, float | None] = {q.id: (0.0 if q.kind == "auto" else None)
                                       for q in spec.questions}
    return Grade(sub.student_id, sha, spec.name, scores, 0.0, spec.total, status, message,
                 _now(), str(sub.path), source=sub.source, mtime=sub.mtime,
                 metadata_id=check.metadata_id if check else None,
                 spec_fingerprint=spec.fingerprint)


def read(spec: GradingSpec, sub: Submission
         ) -> tuple[Grade | None, CheckedFile | None, NotebookCheck | None]:
    """Read and check a submission file: ``(refusal row or None, file, notebook check)``."""
    try:
        file = untrusted.read_submission(sub.path)
    except Refused as refusal:
        return _empty_grade(spec, sub, "", refusal.status, refusal.message), None, None
    sub = Submission(sub.path, sub.source, sub.student_id, sub.via, file.mtime or sub.mtime)
    check = untrusted.check_notebook(file.data, spec.name)
    if check.status != "ok":
        return _empty_grade(spec, sub, file.sha256, check.status, check.message, check), \
            file, check
    return None, file, check


def assemble(spec: GradingSpec, sub: Submission, file: CheckedFile, check: NotebookCheck,
             checked: Checked) -> Grade:
    """The grade of a tested run: scores from the grader's own points, status, message."""
    run = checked.run
    required = spec.required()
    if checked.status:  # the tests could not finish: nothing is scored
        grade = _empty_grade(spec, sub, file.sha256, checked.status, checked.message, check)
        grade.mtime = file.mtime or sub.mtime
        return grade
    scores = testing.score(checked.results, {q: spec.points()[q] for q in required})
    all_scores: dict[str, float | None] = {
        q.id: scores.get(q.id, 0.0) if q.kind == "auto" else None for q in spec.questions}
    total = round(sum(v for v in all_scores.values() if v is not None), 6)
    problems = []
    status = run.status
    if run.status != "ok" and run.message:
        problems.append(run.message)
    if checked.problems:
        problems.append("answers that could not be read: " + "; ".join(checked.problems[:3]))
        if status == "ok":
            status = "malformed_answer"
    missing = [q.id for q in spec.questions if q.id not in check.answer_cells]
    if missing:
        problems.append("answer cell(s) for " + ", ".join(missing) + " not found (deleted, or "
                        "their cell metadata changed); their variables were read at the end")
        if status == "ok":
            status = "missing_cells"
    manual = [q.id for q in spec.questions if q.kind == "manual"]
    written = {q: check.written.get(q, "") for q in manual}
    answered = {q: written_answer_given(written[q], spec.written_prompts.get(q))
                for q in manual}
    if manual:
        blank = [q for q in manual if not answered[q]]
        given = [q for q in manual if answered[q]]
        if given:
            problems.append(f"{', '.join(given)} to be graded by hand")
        if blank:
            problems.append(f"no written answer for {', '.join(blank)}")
    if run.errors_dropped:
        problems.append(f"{run.errors_dropped} more cell error(s) not kept")
    return Grade(sub.student_id, file.sha256, spec.name, all_scores, total, spec.total,
                 status, "; ".join(p for p in problems if p), _now(), str(sub.path),
                 checked.results, written, answered, run.cell_errors, run.containment,
                 sub.source, file.mtime or sub.mtime, check.metadata_id,
                 spec_fingerprint=spec.fingerprint, run_seconds=run.wall_s,
                 test_seconds=checked.seconds)


# --------------------------------------------------------------------------- the pipeline


def grade_submissions(spec: GradingSpec, submissions: Iterable[Submission], *,
                      workers: int = 2, sandbox: Sandbox | None = None,
                      time_limit: float | None = None, memory_mb: int | None = None,
                      record: Callable[[Grade], None] | None = None,
                      progress: Callable[[int, int, Grade], None] | None = None,
                      skip: Callable[[Submission, str], bool] | None = None,
                      require_containment: bool = True,
                      test_limits: TestLimits | None = None) -> list[Grade]:
    """Grade submissions with up to ``workers`` contained runs at once.

    ``record`` is called with each grade as soon as it exists (the gradebook writes it
    then, so a stopped run keeps it); ``skip(submission, sha256)`` says a file was
    already graded (a resumed run). One bad submission never stops the batch: it becomes
    a grade with a status and message. Grades come back in the order of ``submissions``.

    Stopping (``KeyboardInterrupt``, or any exception) stops every running job and
    removes its files before it propagates; what was recorded stays recorded.
    """
    items = list(submissions)
    own = sandbox is None
    box = sandbox or Sandbox()
    tester = Tester(spec.tests, spec.required(), test_limits)
    grades: list[Grade] = []
    limits = spec.limits(time_limit, memory_mb)
    pending: dict[str, tuple[Submission, CheckedFile, NotebookCheck]] = {}
    running: set[str] = set()
    restarts = 0
    queue = list(items)
    total = len(items)

    def done(grade: Grade) -> None:
        grades.append(grade)
        if record:
            record(grade)
        if progress:
            progress(len(grades), total, grade)

    def started() -> Sandbox:
        box.start()  # lazily: a batch of unreadable files needs no runner
        if require_containment and box.containment in ("none", "process"):
            raise InputError("this machine does not allow contained runs (Linux namespaces "
                             "are unavailable); re-run as root or with "
                             "--allow-uncontained to grade without containment")
        return box

    try:
        while queue or pending:
            # read and start runs while there is room: `workers` runs at once, and no more
            # than as many again waiting for their tests
            while queue and len(running) < max(1, workers) and len(pending) < 2 * max(
                    1, workers):
                sub = queue.pop(0)
                refusal, file, check = read(spec, sub)
                if skip and skip(sub, file.sha256 if file else ""):
                    total -= 1
                    continue
                if refusal is not None:
                    done(refusal)
                    continue
                try:
                    job = started().submit(None, spec.required(), limits, data=file.data)
                except OSError as error:
                    done(_empty_grade(spec, sub, file.sha256, "unreadable",
                                      f"cannot copy the file: {error.strerror}", check))
                    continue
                pending[job] = (sub, file, check)
                running.add(job)
            if not pending:
                continue
            # wait for a run to finish or a test to come back, whichever is first
            waiting = [fd for fd in (box.fileno(), tester.fileno()) if fd >= 0]
            left = tester.time_left()
            if waiting:
                select.select(waiting, [], [], 3600 if left is None else left)
            try:
                finished = box.finished(timeout=0)
            except SandboxError:
                # The zygote died (in an uncontained run a student's code can kill it):
                # the runs it held end as `crashed`, the others are graded by a new one.
                restarts += 1
                if restarts > 3:
                    raise
                finished = []
                for job in list(running):
                    running.discard(job)
                    sub, file, check = pending.pop(job)
                    done(_empty_grade(spec, sub, file.sha256, "crashed",
                                      "the grading sandbox stopped while this notebook ran; "
                                      "grade it again", check))
                while tester.busy:
                    for job, checked in tester.collect(timeout=3600):
                        sub, file, check = pending.pop(job)
                        done(assemble(spec, sub, file, check, checked))
                box.close()
                box.start()
            for job in finished:
                running.discard(job)
                tester.start(job, box.jobdir(job))
            for job, checked in tester.collect():
                sub, file, check = pending.pop(job)
                try:
                    grade = assemble(spec, sub, file, check, checked)
                except Exception as error:  # noqa: BLE001 - never stop the batch
                    grade = _empty_grade(spec, sub, file.sha256, "grader_error",
                                         f"the grader failed on this file: "
                                         f"{type(error).__name__}: {error}", check)
                finally:
                    box.release(job)
                done(grade)
    finally:
        tester.close()
        if own:
            box.close()
        else:
            for job in list(pending):  # a shared sandbox: forget this batch's jobs
                box.release(job)
    order = {s.path: i for i, s in enumerate(items)}
    grades.sort(key=lambda g: order.get(Path(g.path), len(order)))
    return grades


def grade_paths(spec: GradingSpec, paths: Iterable[str | os.PathLike], **options) -> list[Grade]:
    """Grade files named directly (each student's id from its file name or folder)."""
    return grade_submissions(spec, [submission_for(Path(p), spec.name) for p in paths],
                             **options)


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))
