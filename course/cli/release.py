"""``course release student OUT_DIR``: write the student edition.

See :mod:`course.publish.release` for what the edition holds and what it leaves out.
"""

from __future__ import annotations

import argparse
import json

from course.publish.release import INCLUDED, INSTRUCTORS_ONLY, write_student_edition


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="edition", metavar="EDITION", required=True)
    student = sub.add_parser(
        "student", help="lessons, exercises with public checks, data, toolkit, tests; "
                        "no solutions, hidden tests, rubrics or model answers")
    student.add_argument("out_dir", metavar="OUT_DIR",
                         help="a new or empty folder (or one holding only .git)")
    student.add_argument("--json", action="store_true", help="print the file list as JSON")


def run(args: argparse.Namespace) -> int:
    edition = write_student_edition(args.out_dir)
    if args.json:
        print(json.dumps({"root": str(edition.root), "files": edition.files,
                          "tests_left_out": edition.tests_left_out}, indent=1))
        return 0
    print(f"wrote the student edition: {len(edition.files)} files in {edition.root}")
    print(f"left out: {', '.join(INSTRUCTORS_ONLY)} and everything else not in "
          f"{', '.join(INCLUDED)}; {len(edition.tests_left_out)} test modules marked "
          "`needs` (solutions/ or the shared folder); single tests marked `needs` are "
          "deselected there")
    print("next: cd into it, `git init && git add -A && git commit -m 'Student edition'`, "
          "run `make test`, and push it to the students' repository")
    return 0
