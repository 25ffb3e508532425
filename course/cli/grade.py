"""``course grade``: grade a folder of submitted notebooks into a gradebook CSV.

Example::

    course grade --assignment ps1 submissions/ps1/ --out gradebook.csv --feedback-dir feedback

Folders are searched recursively (links are not followed) for ``*.ipynb`` files; a
student's other files are flags on their row (or their row, if they handed in no
notebook). A student's id is the file's name, or the per-student folder it sits in, or
what ``--download canvas|moodle|gradescope`` or ``--id-pattern`` takes from the names (see
:mod:`course.grading.run.collect`). Only the file that counts is run (``--keep``: the latest
by default); every input becomes a row of the ledger, even one that cannot be graded or
is not run (its status and message say why), and the gradebook holds one row per
student. Each submission's whole path runs inside its own boundary
(:mod:`course.grading.run.boundary`): whatever goes wrong becomes that student's row.

Both files are updated after every submission. Ctrl-C (or SIGTERM) stops the run: every
running notebook is killed, temporary files removed, and what was graded is kept; running
the same command again grades only what is left (``--regrade`` grades everything again).

The exit status is 0 when every row graded (status ``ok`` or ``missing_cells``), 3 when
some rows could not be graded, 1 on a usage error, 130 when stopped.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from course.errors import InputError
from course.grading.book import KEEP, Gradebook, write_feedback
from course.grading.run import (
    DOWNLOADS,
    GRADED,
    Boundary,
    Grade,
    Submission,
    collect,
    default_workers,
    grade_submissions,
    load_spec,
)
from course.grading.untrusted import shown_name, visible


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                        help="notebook files or folders of them")
    parser.add_argument("--assignment", "-a", required=True, help="problem set, e.g. ps1")
    parser.add_argument("--out", "-o", default="gradebook.csv", help="gradebook CSV to update "
                        "(its ledger, <name>-submissions.csv, is written beside it)")
    parser.add_argument("--feedback-dir", help="write one Markdown feedback file per student")
    parser.add_argument("--keep", choices=KEEP, default="latest",
                        help="which submission counts when a student has several: the "
                        "latest file (default), the earliest, or the best total")
    parser.add_argument("--download", choices=sorted(DOWNLOADS),
                        help="the folder is an LMS's download of the submissions: take each "
                        "student's id as that LMS names its files (Canvas: the user id; "
                        "Moodle: the participant number; Gradescope: the sid in "
                        "submission_metadata.yml)")
    parser.add_argument("--id-pattern", metavar="REGEX",
                        help="take the student id from the file (or student folder) name "
                        "with this regular expression's first group, e.g. '^([^_]+)_' for "
                        "'jdoe42_123_ps1.ipynb'")
    parser.add_argument("--regrade", action="store_true",
                        help="grade every file again, even those the ledger says are graded")
    parser.add_argument("--workers", "-j", type=int, default=default_workers(),
                        help="submissions run at once (default: CPUs, at most 4)")
    parser.add_argument("--autograder-dir", help="read assignment.yaml and tests.py from this "
                        "folder (made by `course assign`) instead of solutions/")
    parser.add_argument("--time-limit", type=float,
                        help="seconds per submission (default: the assignment's)")
    parser.add_argument("--memory-limit", type=int, metavar="MB",
                        help="memory per submission on top of the preloaded libraries "
                        "(default: the assignment's)")
    parser.add_argument("--allow-uncontained", action="store_true",
                        help="grade even where the OS cannot contain the student's code")
    parser.add_argument("--quiet", "-q", action="store_true", help="no per-submission lines")


class Stopped(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived: stop grading, keep what was graded."""


def _stop_on_signals() -> dict:
    def handler(signum: int, frame: object) -> None:
        for number in (signal.SIGINT, signal.SIGTERM):  # once is enough: clean up in peace
            signal.signal(number, signal.SIG_IGN)
        raise Stopped(signal.Signals(signum).name)

    return {number: signal.signal(number, handler)
            for number in (signal.SIGINT, signal.SIGTERM)}


def run(args: argparse.Namespace, *, sandbox=None) -> int:
    """``course grade``; ``sandbox`` (a started :class:`~course.grading.sandbox.Sandbox`)
    lets tests share one warm runner between runs."""
    if args.workers < 1:
        raise InputError("--workers must be at least 1")
    spec = load_spec(args.assignment, autograder_dir=args.autograder_dir)
    book = Gradebook(args.out, spec, keep=args.keep)
    submissions, ignored = collect(args.submissions, spec.name, id_pattern=args.id_pattern,
                                   download=args.download)
    for path, why in ignored:
        print(f"ignored ({why}): {shown_name(path)}", file=sys.stderr)
    if not submissions:
        raise InputError("no .ipynb submissions found in " + ", ".join(args.submissions))
    if book.rows:
        book.write()  # a stopped run may have left the gradebook one row behind its ledger
    started = time.monotonic()
    skipped: list[Submission] = []
    bad: list[Grade] = []

    def skip(sub: Submission, sha: str) -> bool:
        if not args.regrade and book.already_graded(sub.source, sha):
            skipped.append(sub)
            return True
        return False

    def record(grade: Grade) -> None:
        counts = book.record(grade)
        if grade.status not in GRADED:
            bad.append(grade)
        if args.feedback_dir and counts:
            # Its own stage: a feedback file that cannot be written is a flag on the row,
            # never the loss of the grade just recorded.
            boundary = Boundary(lambda status, message: message)
            with boundary.stage("feedback"):
                write_feedback(args.feedback_dir, spec, grade,
                                         book.hand_for(grade.student_id))
            if boundary.failed is not None:
                grade.flags.append("no feedback file: " + boundary.failed)
                book.record(grade)

    def progress(done: int, total: int, grade: Grade) -> None:
        if not args.quiet:
            note = f" — {grade.message}" if grade.status not in GRADED and grade.message else ""
            print(f"[{done}/{total}] {visible(grade.student_id)} ({visible(grade.source)}): "
                  f"{grade.total:g}/{grade.max_total:g} ({grade.status}){note}",
                  file=sys.stderr, flush=True)

    previous = _stop_on_signals()
    try:
        grades = grade_submissions(spec, submissions, workers=args.workers, record=record,
                                   sandbox=sandbox,
                                   progress=progress, skip=skip, time_limit=args.time_limit,
                                   memory_mb=args.memory_limit, keep=args.keep,
                                   require_containment=not args.allow_uncontained)
    except Stopped as stop:
        for number, handler in previous.items():
            signal.signal(number, handler)
        kept = len(book.rows)
        print(f"course grade: stopped ({stop}); every running notebook was killed and its "
              f"files removed; {book.ledger.name} keeps {kept} graded submission(s) — run the "
              "same command again to grade the rest", file=sys.stderr)
        return 130
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    elapsed = time.monotonic() - started
    for line in book.notes():
        print(f"note: {line}", file=sys.stderr)
    if skipped:
        print(f"resumed: {len(skipped)} submission(s) already graded with these tests were "
              "skipped (--regrade grades them again)", file=sys.stderr)
    current = book.current()
    needs_look = [sid for sid, row in current.items() if row["status"] not in GRADED]
    print(f"graded {len(grades)} submission(s) in {elapsed:.1f} s "
          f"({len(grades) / elapsed if elapsed else 0:.1f}/s); {len(bad)} could not be fully "
          f"graded; {Path(args.out)} has {len(current)} student(s) ({len(needs_look)} to look "
          f"at), {book.ledger.name} {len(book.rows)} submission(s)", file=sys.stderr)
    return 3 if needs_look else 0
