"""``course review``: grade written answers by question, in JupyterLab.

Examples::

    course review --assignment ps1 gradebook.csv --grader ana
    course review --assignment ps1 gradebook.csv --grader ben --part 2/2 --question w1
    course review --assignment ps1 submissions/ps1/ --gradebook gradebook.csv --grader ana
    course review --assignment ps1 gradebook.csv --update --feedback-dir feedback/ps1

It writes a review notebook beside the gradebook (``gradebook-review-ana.ipynb``) and
opens it in JupyterLab with the course's settings (as ``course lab`` does); run its one
cell and grade. Scores are saved as they are entered in ``gradebook-hand-grades/ana.jsonl``
and merged into ``gradebook.csv`` (and the feedback, with ``--feedback-dir``) after each
one. ``--update`` does only that merge, for everyone, without opening JupyterLab.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import nbformat

from course.errors import InputError
from course.grading.book import GRADER_NAME, parse_part, review_notebook


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", nargs="+", metavar="GRADEBOOK_OR_SUBMISSIONS",
                        help="the gradebook CSV that course grade wrote, or submission "
                        "notebooks / folders (then --gradebook says where grades go)")
    parser.add_argument("--assignment", "-a", required=True, help="problem set, e.g. ps1")
    parser.add_argument("--gradebook", help="with submissions: the gradebook the hand "
                        "grades belong to (default: gradebook.csv)")
    parser.add_argument("--question", "-q", help="one written question (default: each)")
    parser.add_argument("--grader", default=os.environ.get("USER") or "grader",
                        help="your name, for your file of grades (default: $USER)")
    parser.add_argument("--part", default="1/1", metavar="K/N",
                        help="grade share K of N (several graders split the answers)")
    parser.add_argument("--show-names", action="store_true",
                        help="show whose answer it is (the review is blind by default)")
    parser.add_argument("--feedback-dir", help="rewrite these students' feedback files as "
                        "grades are saved")
    parser.add_argument("--autograder-dir", help="read assignment.yaml from this folder "
                        "(made by course assign) instead of solutions/")
    parser.add_argument("--update", action="store_true", help="merge the hand grades into "
                        "the gradebook (and --feedback-dir) and stop")
    parser.add_argument("--no-lab", action="store_true", help="write the review notebook and "
                        "say how to open it, without starting JupyterLab")


def run(args: argparse.Namespace) -> int:
    from course.grading.book import refresh
    from course.grading.run import load_spec

    spec = load_spec(args.assignment, autograder_dir=args.autograder_dir)
    parse_part(args.part)
    if not GRADER_NAME.match(args.grader):
        raise InputError(f"--grader is letters, digits, '.', '_' or '-', not {args.grader!r}")
    written = [q.id for q in spec.questions if q.kind == "manual"]
    if not written:
        raise InputError(f"{spec.name} has no written questions to review")
    if args.question and args.question not in written:
        raise InputError(f"{args.question!r} is not a written question of {spec.name} "
                         f"(written questions: {', '.join(written)})")
    is_gradebook = len(args.source) == 1 and args.source[0].endswith(".csv")
    gradebook = Path(args.source[0] if is_gradebook else (args.gradebook or "gradebook.csv"))
    submissions = None if is_gradebook else list(args.source)
    if args.update:
        rows = refresh(gradebook, spec, feedback_dir=args.feedback_dir)
        pending = sum(1 for r in rows.values() if r["written_status"] != "graded")
        print(f"{gradebook}: {len(rows)} student(s), {pending} with written answers still to "
              "grade" + (f"; feedback written to {args.feedback_dir}" if args.feedback_dir
                         else ""), file=sys.stderr)
        return 0
    # Open the review here first: bad input is reported now, not in the notebook.
    from course.grading.book import open_review

    for question in [args.question] if args.question else written:
        open_review(spec, question, gradebook=gradebook, submissions=submissions,
                    grader=args.grader, part=parse_part(args.part), blind=not args.show_names)
    folder = gradebook.resolve().parent
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{gradebook.stem}-review-{args.grader}.ipynb"
    nbformat.write(review_notebook(folder, spec.name, str(gradebook), submissions=submissions,
                                   question=args.question, grader=args.grader, part=args.part,
                                   show_names=args.show_names, feedback_dir=args.feedback_dir,
                                   autograder_dir=args.autograder_dir), path)
    print(f"wrote {path}", file=sys.stderr)
    if args.no_lab:
        print(f"open it in JupyterLab (course lab, or jupyter lab {folder}) and run its cell",
              file=sys.stderr)
        return 0
    from course.publish.lab import lab_command, lab_environment

    command = lab_command([f"--LabApp.default_url=/lab/tree/{path.name}"], root=folder)
    print("Starting JupyterLab with the review; stop it with Ctrl+C twice.", flush=True)
    try:
        return subprocess.call(command, env=lab_environment(), cwd=folder)
    except KeyboardInterrupt:
        return 0
