"""The ``course`` command line: a thin dispatcher over the toolkit's functions.

Each command group lives beside the code it drives and registers itself here:
``course data ...`` (:mod:`course.data.cli`), ``course assign``, ``course grade``,
``course review``, ``course report``, ``course export-grades`` and ``course submit``
(:mod:`course.grading.cli_assign`, ``cli_grade``, ``cli_review``, ``cli_report``,
``cli_lms``, ``cli_submit``),
``course export`` (:mod:`course.export`), ``course lab`` (:mod:`course.lab`),
``course release`` (:mod:`course.release`), ``course hub``, ``course hub-link`` and
``course collect`` (:mod:`course.hub.cli_hub`, ``cli_link``, ``cli_collect``).
Sub-modules are imported only when their command runs, so ``course --help`` is fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from course.errors import CourseError

# command name -> (module providing ``add_arguments(parser)`` and ``run(args)``, help)
COMMANDS: dict[str, tuple[str, str]] = {
    "data": ("course.data.cli", "list, validate, build or fetch the course datasets"),
    "assign": ("course.grading.cli_assign",
               "generate exercises/ and the autograder from solutions/"),
    "grade": ("course.grading.cli_grade",
              "grade a folder of submitted notebooks into a gradebook"),
    "review": ("course.grading.cli_review",
               "grade written answers by question in JupyterLab, blind, with the rubric"),
    "report": ("course.grading.cli_report",
               "an offline HTML report of a gradebook: scores, questions, failing checks"),
    "export-grades": ("course.grading.cli_lms",
                      "write a Canvas or Moodle grade import file from a gradebook"),
    "submit": ("course.grading.cli_submit",
               "check a notebook the way the grader will, then package it"),
    "export": ("course.export", "render a lesson or solution to a self-contained HTML handout"),
    "lab": ("course.lab", "start JupyterLab with the course's settings, at the first lesson"),
    "release": ("course.release",
                "write the student edition (no solutions, hidden tests or rubrics)"),
    "hub": ("course.hub.cli_hub",
            "install, configure and start the course's JupyterHub for a class (as root)"),
    "hub-link": ("course.hub.cli_link",
                 "print the link that opens a lesson for every student of the hub"),
    "collect": ("course.hub.cli_collect",
                "copy each student's problem set from their home on the hub for grading"),
}


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course", description="The alliances course toolkit.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = argv[0] if argv and argv[0] in COMMANDS else None
    for name, (module_name, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == wanted:
            module = importlib.import_module(module_name)
            module.add_arguments(command_parser)
            command_parser.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 0 if not argv else 2
    try:
        return int(args._run(args) or 0)
    except CourseError as error:
        print(f"course {args.command}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"course {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
