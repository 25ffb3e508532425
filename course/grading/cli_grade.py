"""``course grade``: grade a folder of submitted notebooks into a gradebook CSV.

Example::

    course grade --assignment ps1 submissions/ --out gradebook.csv --feedback-dir feedback

Folders are searched (recursively) for ``*.ipynb`` files; other files are listed as
ignored. Every submission becomes a row, even one that cannot be graded (its status and
message say why). The exit status is 0 when every row graded (status ``ok`` or
``missing_cells``), 3 when some rows could not be graded, 1 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from course.errors import InputError
from course.grading import gradebook
from course.grading.runner import Grade, default_workers, grade_paths, load_spec

GRADED = {"ok", "missing_cells"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                        help="notebook files or folders of them")
    parser.add_argument("--assignment", "-a", required=True, help="problem set, e.g. ps1")
    parser.add_argument("--out", "-o", default="gradebook.csv", help="gradebook CSV to update")
    parser.add_argument("--feedback-dir", help="write one Markdown feedback file per row here")
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


def expand(items: list[str]) -> tuple[list[Path], list[Path]]:
    """Submission files from the command line: (notebooks, ignored files)."""
    found: list[Path] = []
    ignored: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir() and path.suffix != ".ipynb":
            for child in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.suffix == ".ipynb":
                    found.append(child)
                elif child.is_file():
                    ignored.append(child)
        elif path.exists():
            found.append(path)
        else:
            raise InputError(f"no such file or folder: {item}")
    unique = list(dict.fromkeys(found))
    return unique, ignored


def run(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise InputError("--workers must be at least 1")
    spec = load_spec(args.assignment, autograder_dir=args.autograder_dir)
    files, ignored = expand(args.submissions)
    for path in ignored:
        print(f"ignored (not a .ipynb file): {path}", file=sys.stderr)
    if not files:
        raise InputError("no .ipynb submissions found in " + ", ".join(args.submissions))
    started = time.monotonic()

    def progress(done: int, total: int, grade: Grade) -> None:
        if not args.quiet:
            note = f" — {grade.message}" if grade.status not in GRADED and grade.message else ""
            print(f"[{done}/{total}] {grade.student_id}: {grade.total:g}/{grade.max_total:g} "
                  f"({grade.status}){note}", file=sys.stderr, flush=True)
        if args.feedback_dir:
            gradebook.write_feedback(args.feedback_dir, spec, grade)

    grades = grade_paths(spec, files, workers=args.workers, progress=progress,
                         time_limit=args.time_limit, memory_mb=args.memory_limit,
                         require_containment=not args.allow_uncontained)
    rows = gradebook.write(args.out, spec, grades)
    elapsed = time.monotonic() - started
    bad = [g for g in grades if g.status not in GRADED]
    print(f"graded {len(grades)} submission(s) in {elapsed:.1f} s "
          f"({len(grades) / elapsed if elapsed else 0:.1f}/s); {len(bad)} could not be fully "
          f"graded; gradebook {args.out} has {rows} row(s)", file=sys.stderr)
    return 3 if bad else 0
