"""``course submit NOTEBOOK --student-id ID``: check as the grader will, then package.

Exit status: 0 when every question is answered, every public check passes and no cell
raises; 2 when the submission was written but something needs attention; 1 when it was
refused (no student id, not a notebook, another course or assignment).
"""

from __future__ import annotations

import argparse

from course.grading.submit import submit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("notebook", help="your problem-set notebook, e.g. ps1.ipynb")
    parser.add_argument("--student-id", help="your student id (required)")
    parser.add_argument("--assignment", help="refuse unless the notebook is this assignment")
    parser.add_argument("--time-limit", type=float, default=60.0,
                        help="seconds the fresh run may take (default 60)")
    parser.add_argument("--out-dir", help="write the submission files here (default: beside "
                        "the notebook)")


def run(args: argparse.Namespace) -> int:
    report = submit(args.notebook, args.student_id, assignment=args.assignment,
                    time_limit=args.time_limit, out_dir=args.out_dir)
    print(report.text())
    return 0 if report.all_good else 2
