"""``course report``: an offline HTML page of a problem set's results.

Example::

    course report --assignment ps1 gradebook.csv --out report/

writes ``report/ps1.html`` (see :mod:`course.grading.book.report`); it reads the gradebook,
its ledger, details and hand grades, and changes none of them.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("gradebook", help="the gradebook CSV that course grade wrote")
    parser.add_argument("--assignment", "-a", required=True, help="problem set, e.g. ps1")
    parser.add_argument("--out", "-o", default="report", metavar="DIR",
                        help="folder for the report (default: ./report)")
    parser.add_argument("--autograder-dir", help="read assignment.yaml from this folder "
                        "(made by course assign) instead of solutions/")


def run(args: argparse.Namespace) -> int:
    from course.grading.book import write_report
    from course.grading.run import load_spec

    spec = load_spec(args.assignment, autograder_dir=args.autograder_dir)
    path = write_report(spec, args.gradebook, args.out)
    print(f"wrote {path}", file=sys.stderr)
    return 0
