"""``course hub-link``: the link that opens a lesson for every student of a hub.

Examples::

    course hub-link --lesson 01                       # the installed hub's address and repo
    course hub-link --hub https://hub.example.edu \\
        --repo https://github.com/ORG/alliances-course-student --lesson 01
    course hub-link --all                             # every lesson and problem set

The hub's address, the students' repository, its branch and the folder default to what
``course hub install`` recorded (``--prefix``); lesson names come from this copy of the
course, whose lessons the student edition has under the same names.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from course import paths
from course.errors import InputError
from course.publish.hub.links import course_notebooks, lesson_link, resolve
from course.publish.hub.settings import DEFAULT_FOLDER, default_prefix, load


def add_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--lesson", "-l", help="a lesson number (01) or problem set (ps1)")
    which.add_argument("--all", action="store_true", help="one link per lesson and problem set")
    parser.add_argument("--hub", help="the hub's address, e.g. https://hub.example.edu")
    parser.add_argument("--repo", help="the students' repository (the published edition)")
    parser.add_argument("--branch", help="its branch (default main)")
    parser.add_argument("--folder", help=f"the folder in students' homes (default "
                        f"{DEFAULT_FOLDER})")
    parser.add_argument("--prefix", default=str(default_prefix()),
                        help="read the defaults from the hub installed here")


def run(args: argparse.Namespace) -> int:
    installed = None
    if (Path(args.prefix) / "etc" / "hub.json").exists():
        try:
            installed = load(args.prefix)
        except (InputError, OSError):
            installed = None  # e.g. not readable without sudo: the flags must say it all
    hub = args.hub or (installed.public_url if installed else None)
    repo = args.repo or (installed.repo if installed else "")
    branch = args.branch or (installed.branch if installed else "main")
    folder = args.folder or (installed.folder if installed else DEFAULT_FOLDER)
    if not hub:
        raise InputError("no hub address: pass --hub https://YOUR-HUB (or install the hub "
                         "with `course hub install` first)")
    notebooks = course_notebooks(paths.PROJECT_ROOT)
    chosen = notebooks if args.all else [resolve(args.lesson, notebooks)]
    for notebook in chosen:
        link = lesson_link(hub, repo, notebook, branch=branch, folder=folder)
        print(f"{Path(notebook).stem}\t{link}" if args.all else link)
    return 0
