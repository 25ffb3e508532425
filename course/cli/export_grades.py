"""``course export-grades``: a Canvas or Moodle grade import file from a gradebook.

Examples::

    course export-grades --assignment ps1 gradebook.csv --lms canvas \\
        --template canvas_export.csv --column "Problem set 1 (123456)" --out canvas_import.csv
    course export-grades --assignment ps1 gradebook.csv --lms moodle \\
        --template moodle_export.csv --column "Assignment: Problem set 1 (Real)"

See :mod:`course.grading.book.lms`. Nothing is written when an input is wrong; the template
and the gradebook are never changed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course.errors import InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("gradebook", help="the gradebook CSV that course grade wrote")
    parser.add_argument("--assignment", "-a", required=True, help="problem set, e.g. ps1")
    parser.add_argument("--lms", required=True, choices=("canvas", "moodle"))
    parser.add_argument("--template", required=True, help="the gradebook exported from the "
                        "LMS (CSV): its students and columns shape the import file")
    parser.add_argument("--column", required=True, help="the assignment's column, exactly as "
                        "in the export, e.g. 'Problem set 1 (123456)'")
    parser.add_argument("--out", "-o", help="the import file (default: <lms>_import.csv)")
    parser.add_argument("--id-column", help="the template's column holding the gradebook's "
                        "student ids (default: the one that matches most)")
    parser.add_argument("--allow-ungraded", action="store_true", help="export even if some "
                        "written answers are not graded yet")
    parser.add_argument("--autograder-dir", help="read assignment.yaml from this folder "
                        "(made by course assign) instead of solutions/")


def run(args: argparse.Namespace) -> int:
    from course.grading.book import lms, merged_rows, open_gradebook
    from course.grading.run import load_spec

    spec = load_spec(args.assignment, autograder_dir=args.autograder_dir)
    out = Path(args.out or f"{args.lms}_import.csv")
    for given in (args.template, args.gradebook):
        if out.resolve() == Path(given).resolve():
            raise InputError(f"--out {out} would overwrite {given}: write to a new file")
    rows = merged_rows(open_gradebook(args.gradebook, spec))
    template = lms.read_template(args.template, args.lms)
    export = lms.fill(template, args.column, rows, max_total=spec.total,
                      id_column=args.id_column, allow_ungraded=args.allow_ungraded)
    lms.write_export(out, export)
    for line in export.summary():
        print(f"course export-grades: {line}", file=sys.stderr)
    print(f"wrote {out}: import it in {args.lms.title()} "
          + ("(Grades ▸ Import)" if args.lms == "canvas" else
             "(Grades ▸ Import ▸ CSV file; map the id column and the grade column)"),
          file=sys.stderr)
    return 0
