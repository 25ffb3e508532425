"""The ``course`` command line: one module per command, each thin over the toolkit.

Each module of this package is one command — ``course data`` is :mod:`course.cli.data`,
``course export-grades`` is :mod:`course.cli.export_grades` — and provides
``add_arguments(parser)`` and ``run(args)``: it parses, calls the room that does the work
(:mod:`course.data`, :mod:`course.grading`, :mod:`course.publish`) and prints. A command's
module is imported only when that command runs, so ``course --help`` is fast. Nothing in
the toolkit imports this package.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from course.errors import CourseError

# command name -> (module providing ``add_arguments(parser)`` and ``run(args)``, help)
COMMANDS: dict[str, tuple[str, str]] = {
    "data": ("course.cli.data", "list, validate, build or fetch the course datasets"),
    "assign": ("course.cli.assign",
               "generate exercises/ and the autograder from solutions/"),
    "grade": ("course.cli.grade",
              "grade a folder of submitted notebooks into a gradebook"),
    "review": ("course.cli.review",
               "grade written answers by question in JupyterLab, blind, with the rubric"),
    "report": ("course.cli.report",
               "an offline HTML report of a gradebook: scores, questions, failing checks"),
    "export-grades": ("course.cli.export_grades",
                      "write a Canvas or Moodle grade import file from a gradebook"),
    "submit": ("course.cli.submit",
               "check a notebook the way the grader will, then package it"),
    "export": ("course.cli.export", "render a lesson or solution to a self-contained HTML handout"),
    "lab": ("course.cli.lab", "start JupyterLab with the course's settings, at the first lesson"),
    "release": ("course.cli.release",
                "write the student edition (no solutions, hidden tests or rubrics)"),
    "hub": ("course.cli.hub",
            "install, configure and start the course's JupyterHub for a class (as root)"),
    "hub-link": ("course.cli.hub_link",
                 "print the link that opens a lesson for every student of the hub"),
    "collect": ("course.cli.collect",
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
