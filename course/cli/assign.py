"""``course assign``: generate ``exercises/`` and the autograder bundles from ``solutions/``.

Examples
--------
.. code-block:: console

    $ course assign                 # every problem set: exercises/ + dist/autograder/
    $ course assign ps1 --check     # is exercises/ps1 up to date? (exit 1 if not)
    $ course assign ps2 --no-bundle --no-verify
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from course import paths
from course.errors import InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignments", nargs="*", metavar="PS",
                        help="problem sets to generate (default: every folder in solutions/)")
    parser.add_argument("--check", action="store_true",
                        help="do not write: regenerate in a temporary folder and fail if the "
                             "committed exercises/ differ")
    parser.add_argument("--no-verify", action="store_true",
                        help="skip running each solution notebook against its own tests")
    parser.add_argument("--no-bundle", action="store_true",
                        help="skip dist/autograder/ (the Gradescope bundle)")
    parser.add_argument("--solutions", type=Path, default=None,
                        help="solutions folder (default: the project's solutions/)")
    parser.add_argument("--exercises", type=Path, default=None,
                        help="output folder for student versions (default: exercises/)")
    parser.add_argument("--dist", type=Path, default=None,
                        help="output folder for autograder bundles (default: dist/autograder/)")


def run(args: argparse.Namespace) -> int:
    from course.grading import author as asg

    names = list(args.assignments) or asg.list_assignments(args.solutions)
    if not names:
        raise InputError("no problem sets found in solutions/ (folders with assignment.yaml)")
    if args.check:
        problems = asg.compare_exercises(names, solutions_dir=args.solutions,
                                         exercises_dir=args.exercises)
        for problem in problems:
            print(f"out of date: {problem}")
        if problems:
            print("run `course assign` to regenerate exercises/ from solutions/")
            return 1
        print(f"exercises/ is up to date for {', '.join(names)}")
        return 0
    failed = False
    for name in names:
        started = time.perf_counter()
        assignment = asg.load_assignment(name, args.solutions)
        if not args.no_verify:
            failures = asg.verify_solutions(assignment)
            if failures:
                failed = True
                for failure in failures:
                    print(f"{name}: the solution fails {failure.name} ({failure.question}): "
                          f"{failure.message}")
                continue
        written = asg.generate(name, solutions_dir=args.solutions, exercises_dir=args.exercises)
        line = ", ".join(_show(p) for p in written)
        if not args.no_bundle:
            from course.grading import gradescope

            bundle = gradescope.build_bundle(assignment, dist_dir=args.dist)
            line += f", {_show(bundle)}"
        print(f"{name}: wrote {line} ({time.perf_counter() - started:.1f} s)")
    return 1 if failed else 0


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.PROJECT_ROOT))
    except ValueError:
        return str(path)
