"""Grade submissions: a short pipeline, one submission at a time through each stage.

::

    collect        course.grading.run.collect      which files, and whose (from the collection)
    read           course.grading.untrusted    regular files only, bounded, checked JSON
    run contained  course.grading.sandbox      the student's code, in its own namespaces
    read results   course.grading.untrusted    the run's messages, bounded   } in a limited
    test           course.grading.testing      the problem set's tests       } tester process
    record         course.grading.book.gradebook    atomically, after every submission

The student's code runs only in the sandbox; its answers come back as plain data and are
read, decoded and tested in a worker process (:mod:`course.grading.run.tester`) with its own
time and memory limits — never in the grader's process. Whatever one submission does, it
ends as that submission's row, with a status and a message.

Examples
--------
>>> from course.grading.untrusted import check_notebook
>>> check_notebook(b'{"nbformat": 4, "cells": [], "metadata": {}}', "ps1").status
'wrong_assignment'
"""

from __future__ import annotations

import contextlib
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
from course.grading.author import Question, written_answer_given
from course.grading.run.boundary import Boundary, describe
from course.grading.run.collect import Submission, submission_for
from course.grading.run.tester import Checked, Tester, TestLimits
from course.grading.sandbox import Limits, Sandbox, SandboxError
from course.grading.untrusted import CheckedFile, Handout, NotebookCheck, Refused

__all__ = ["GRADED", "NOT_RUN", "Grade", "GradingSpec", "grade_paths", "grade_submissions",
           "load_spec"]

#: Statuses of a submission graded in full (the others need the instructor's look).
GRADED = {"ok", "missing_cells"}
#: The flag of a notebook that is the handout as given (never flagged as a classmate's
#: identical file: every untouched handout is).
UNTOUCHED = "the handout as given: nothing was answered"


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
    handout: Handout | None = None

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
    :func:`course.grading.author.assignment.load_assignment`), or from an autograder folder
    made by ``course assign`` holding ``assignment.yaml``, ``tests.py`` and
    ``prompts.json`` (the written questions' untouched answer cells).
    """
    from course.grading import author

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
        parsed, total = author.parse_config(assignment, config)
        tests_text = tests_path.read_text(encoding="utf-8")
        tests = testing.load_tests(tests_text, name=f"{assignment}_tests")
        title = str(config.get("title") or assignment)
        time_limit = float(config.get("time_limit_seconds", 60))
        memory = int(config.get("memory_limit_mb", 1024))
        prompts_path = folder / "prompts.json"
        prompts = json.loads(prompts_path.read_text(encoding="utf-8")) \
            if prompts_path.is_file() else {}
        handout_path = folder / "handout.json"
        handout = Handout.from_data(json.loads(handout_path.read_text(encoding="utf-8"))) \
            if handout_path.is_file() else None
        if handout is None and prompts:
            handout = Handout((), tuple(sorted((k, v) for k, v in prompts.items()
                                               if isinstance(v, str))))
    else:
        loaded = author.load_assignment(
            assignment, Path(solutions_dir) if solutions_dir else None)
        parsed, total, title = loaded.questions, loaded.total, loaded.title
        tests = loaded.tests()
        time_limit, memory = loaded.time_limit_seconds, loaded.memory_limit_mb
        config, config_text, tests_text = loaded.config, loaded.config_path.read_text(
            encoding="utf-8"), loaded.tests_source
        prompts = author.written_prompts(loaded)
        handout = author.handout(loaded)
    fingerprint = hashlib.sha256((config_text + "\0" + tests_text).encode()).hexdigest()
    return GradingSpec(assignment, title, list(parsed), tests, float(total), time_limit, memory,
                       {k: v for k, v in prompts.items() if isinstance(v, str)}, fingerprint,
                       _allows_uncontained(config), handout)


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
    check = untrusted.check_notebook(file.data, spec.name, spec.handout)
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
    # Each score as the gradebook shows it (4 decimals), and the total as their sum: the
    # row's numbers add up.
    all_scores: dict[str, float | None] = {
        q.id: round(scores.get(q.id, 0.0), 4) if q.kind == "auto" else None
        for q in spec.questions}
    total = round(sum(v for v in all_scores.values() if v is not None), 4)
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
    if manual:  # `written_status` says which are still to grade by hand
        blank = [q for q in manual if not answered[q]]
        if blank:
            problems.append(f"no written answer for {', '.join(blank)}")
        for qid in manual:
            if check.gathered.get(qid) and answered[qid]:
                problems.append(f"{qid} read from {check.gathered[qid]}")
    if run.errors_dropped:
        problems.append(f"{run.errors_dropped} more cell error(s) not kept")
    flags = [UNTOUCHED] if check.untouched else []
    return Grade(sub.student_id, file.sha256, spec.name, all_scores, total, spec.total,
                 status, "; ".join(p for p in problems if p), _now(), str(sub.path),
                 checked.results, written, answered, run.cell_errors, run.containment,
                 sub.source, file.mtime or sub.mtime, check.metadata_id,
                 flags, spec_fingerprint=spec.fingerprint, run_seconds=run.wall_s,
                 test_seconds=checked.seconds)


# --------------------------------------------------------------------------- the pipeline

#: Statuses of a file that was never run: refused before running, or not the one that
#: counts (a row, never the student's counted row while another file can be graded).
NOT_RUN = {"not_run", "not_a_notebook", "empty_folder", "symlink", "not_regular_file", "not_a_file",
           "too_large", "unreadable", "invalid_json", "too_complex", "wrong_nbformat",
           "wrong_assignment"}


@dataclass
class _Entry:
    """One input of a student on its way through the pipeline, inside its boundary."""

    sub: Submission
    boundary: Boundary
    file: CheckedFile | None = None
    check: NotebookCheck | None = None
    flags: list[str] = field(default_factory=list)


def _blank(spec: GradingSpec, entry: _Entry) -> Callable[[str, str], Grade]:
    def blank(status: str, message: str) -> Grade:
        grade = _empty_grade(spec, entry.sub, entry.file.sha256 if entry.file else "",
                             status, message, entry.check)
        grade.flags = list(entry.flags)
        return grade
    return blank


def _listing(subs: list[Submission], limit: int = 5) -> str:
    names = [s.source.rsplit("/", 1)[-1] for s in subs]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _by_student(items: list[Submission]) -> list[list[Submission]]:
    groups: dict[str, list[Submission]] = {}
    for sub in items:
        groups.setdefault(sub.student_id, []).append(sub)
    return list(groups.values())


def grade_submissions(spec: GradingSpec, submissions: Iterable[Submission], *,
                      workers: int = 2, sandbox: Sandbox | None = None,
                      time_limit: float | None = None, memory_mb: int | None = None,
                      record: Callable[[Grade], None] | None = None,
                      progress: Callable[[int, int, Grade], None] | None = None,
                      skip: Callable[[Submission, str], bool] | None = None,
                      require_containment: bool = True,
                      test_limits: TestLimits | None = None,
                      keep: str | None = "latest") -> list[Grade]:
    """Grade submissions with up to ``workers`` contained runs at once.

    Every input becomes a row (a :class:`Grade`), whatever happens to it: each
    submission's whole path — read, run, test, score, record — runs inside its own
    :class:`~course.grading.run.boundary.Boundary`, so an exception anywhere on it becomes
    that submission's row (``grader_error``) and the batch goes on.

    ``keep`` says which of a student's files is run: the ``latest`` or ``earliest``
    notebook of this problem set that can be read (by modification time), and only it;
    the student's other notebooks get a ``not_run`` row naming the one that counts, and
    their other files a flag on it. ``best`` runs every notebook (the gradebook keeps
    the best); ``None`` runs every file given, whoever's it is (:func:`grade_paths`).

    ``record`` is called with each grade as soon as it exists (the gradebook writes it
    then, so a stopped run keeps it); ``skip(submission, sha256)`` says a file was
    already graded (a resumed run). Grades come back in the order of ``submissions``.

    Stopping (``KeyboardInterrupt``, or any exception outside one submission's path)
    stops every running job and removes its files before it propagates; what was
    recorded stays recorded.
    """
    items = list(submissions)
    own = sandbox is None
    box = sandbox or Sandbox()
    tester = Tester(spec.tests, spec.required(), test_limits)
    grades: list[Grade] = []
    limits = spec.limits(time_limit, memory_mb)
    pending: dict[str, _Entry] = {}
    running: set[str] = set()
    restarts = 0
    students = _by_student(items) if keep is not None else [[s] for s in items]
    to_run: list[_Entry] = []
    total = len(items)

    def done(entry: _Entry, grade: Grade) -> None:
        for flag in entry.flags:
            if flag not in grade.flags:
                grade.flags.append(flag)
        if record:
            grade = entry.boundary.record(record, grade)
        grades.append(grade)
        if progress:
            with contextlib.suppress(Exception):  # a progress line never stops the class
                progress(len(grades), total, grade)

    def skipped(entry: _Entry) -> bool:
        nonlocal total
        if skip and entry.file is not None and skip(entry.sub, entry.file.sha256):
            total -= 1
            return True
        return False

    def started() -> Sandbox:
        box.start()  # lazily: a batch of unreadable files needs no runner
        if require_containment and box.containment in ("none", "process"):
            raise InputError("this machine does not allow contained runs (Linux namespaces "
                             "are unavailable); re-run as root or with "
                             "--allow-uncontained to grade without containment")
        return box

    def prepare(group: list[Submission]) -> None:
        """Read a student's inputs; record those that are not run; queue the others."""
        nonlocal total
        entries = [_Entry(sub, Boundary(lambda s, m: None)) for sub in group]
        for entry in entries:
            entry.boundary = Boundary(_blank(spec, entry))
            if entry.sub.late:
                entry.flags.append("handed in late (the LMS marked the file LATE)")
        notebooks = [e for e in entries if e.sub.kind == "notebook"]
        others = [e.sub for e in entries if e.sub.kind == "other"]
        if others and notebooks:  # a flag on each of the student's rows, not rows
            note = f"also handed in, not graded: {_listing(others)}"
            for entry in notebooks:
                entry.flags.append(note)
            total -= len(others)
        ready: list[_Entry] = []
        for entry in entries:
            sub = entry.sub
            if sub.kind == "link":
                done(entry, _empty_grade(spec, sub, "", "symlink", "the student's folder is "
                                         "a symbolic link; the grader does not follow links "
                                         "(copy the folder itself)"))
            elif sub.kind == "unlistable":
                done(entry, _empty_grade(spec, sub, "", "unreadable",
                                         "the student's folder cannot be listed"))
            elif sub.kind == "empty":
                done(entry, _empty_grade(spec, sub, "", "empty_folder",
                                         "the student's folder is empty: nothing was handed in"))
            elif sub.kind == "other" and not notebooks:
                done(entry, _empty_grade(spec, sub, "", "not_a_notebook", (
                    f"this file is not a notebook (.ipynb), and the student handed in no "
                    f"notebook for {spec.name}: grade it by hand, or ask for the notebook")))
            elif sub.kind == "notebook":
                with entry.boundary.stage("read"):
                    refusal, entry.file, entry.check = read(spec, sub)
                if entry.boundary.failed is not None:
                    done(entry, entry.boundary.failed)
                elif refusal is not None:
                    if not skipped(entry):
                        done(entry, refusal)
                else:
                    ready.append(entry)
        chosen = ready
        if keep in ("latest", "earliest") and len(ready) > 1:
            def when(e: _Entry) -> tuple[float, str]:
                return e.file.mtime or e.sub.mtime, e.sub.source

            pick = max(ready, key=when) if keep == "latest" else min(ready, key=when)
            chosen = [pick]
            for entry in ready:
                if entry is not pick:
                    grade = _empty_grade(spec, entry.sub, entry.file.sha256, "not_run", (
                        f"not run: {pick.sub.source} counts (the {keep} of the student's "
                        f"{len(ready)} notebooks)"), entry.check)
                    entry.file = CheckedFile(b"", entry.file.sha256, 0, entry.file.mtime)
                    done(entry, grade)
        for entry in chosen:
            if not skipped(entry):
                to_run.append(entry)

    try:
        queue = list(students)
        while queue or to_run or pending:
            # read and start runs while there is room: `workers` runs at once, and no more
            # than as many again waiting for their tests
            while (queue or to_run) and len(running) < max(1, workers) and len(pending) < 2 * max(
                    1, workers):
                if not to_run:
                    group = queue.pop(0)
                    try:
                        prepare(group)
                    except Exception as error:  # noqa: BLE001 - a bug here: rows, not a stop
                        have = {g.path for g in grades} | {str(e.sub.path) for e in to_run}
                        for sub in group:
                            if str(sub.path) not in have and sub.kind != "other":
                                entry = _Entry(sub, Boundary(lambda s, m: None))
                                entry.boundary = Boundary(_blank(spec, entry))
                                done(entry, _empty_grade(spec, sub, "", "grader_error",
                                                         describe("collect", error)))
                    continue
                entry = to_run.pop(0)
                runner = started()  # a machine that cannot contain runs stops the class
                with entry.boundary.stage("run"):
                    try:
                        job = runner.submit(None, spec.required(), limits,
                                            data=entry.file.data)
                    except OSError as error:
                        done(entry, _empty_grade(spec, entry.sub, entry.file.sha256,
                                                 "unreadable", f"cannot copy the file: "
                                                 f"{error.strerror}", entry.check))
                        continue
                    entry.file = CheckedFile(b"", entry.file.sha256, entry.file.size,
                                             entry.file.mtime)  # the run has its copy
                    pending[job] = entry
                    running.add(job)
                if entry.boundary.failed is not None:
                    done(entry, entry.boundary.failed)
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
                    entry = pending.pop(job)
                    done(entry, _empty_grade(spec, entry.sub, entry.file.sha256, "crashed",
                                             "the grading sandbox stopped while this notebook "
                                             "ran; grade it again", entry.check))
                while tester.busy:
                    for job, checked in tester.collect(timeout=3600):
                        _finish(spec, pending.pop(job), checked, box, job, done)
                box.close()
                box.start()
            for job in finished:
                running.discard(job)
                entry = pending[job]
                with entry.boundary.stage("test"):
                    tester.start(job, box.jobdir(job))
                if entry.boundary.failed is not None:
                    pending.pop(job)
                    box.release(job)
                    done(entry, entry.boundary.failed)
            for job, checked in tester.collect():
                _finish(spec, pending.pop(job), checked, box, job, done)
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


def _finish(spec: GradingSpec, entry: _Entry, checked: Checked, box: Sandbox, job: str,
            done: Callable[[_Entry, Grade], None]) -> None:
    """Score a tested run inside its boundary, release its folder, record its row."""
    grade = None
    with entry.boundary.stage("assemble"):
        grade = assemble(spec, entry.sub, entry.file, entry.check, checked)
    with contextlib.suppress(Exception):
        box.release(job)
    done(entry, grade if entry.boundary.failed is None else entry.boundary.failed)


def grade_paths(spec: GradingSpec, paths: Iterable[str | os.PathLike], **options) -> list[Grade]:
    """Grade files named directly, every one of them (each student's id from its file
    name or folder); ``keep=`` as for :func:`grade_submissions` runs one per student."""
    options.setdefault("keep", None)
    return grade_submissions(spec, [submission_for(Path(p), spec.name) for p in paths],
                             **options)


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))
