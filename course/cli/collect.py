"""``course collect``: students' homework from the hub into folders ``course grade`` reads.

Examples::

    sudo .venv/bin/course collect --assignment ps1 --out submissions/ps1 \\
        --deadline 2026-10-05T17:00
    course grade --assignment ps1 submissions/ps1/ --out gradebook.csv

The class is the hub's Unix group (``--group``, by default the installed hub's) or the
users named with ``--users``; ``--roster`` maps hub users to the ids your LMS knows.
One line per student is printed and the manifest ``OUT.collected.csv`` written (see
:mod:`course.publish.hub.collect`). The exit status is 0 when everyone's work was collected on
time, 3 when some work is missing, late or refused, 1 on a usage error.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from course.errors import InputError
from course.publish.hub.collect import (
    class_members,
    collect_class,
    parse_deadline,
    read_roster,
    write_manifest,
)
from course.publish.hub.settings import DEFAULT_FOLDER, DEFAULT_GROUP, default_prefix, load


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--assignment", "-a", required=True, help="problem set, e.g. ps1")
    parser.add_argument("--out", "-o", required=True,
                        help="folder of per-student folders to write (e.g. submissions/ps1)")
    parser.add_argument("--deadline", help="flag work modified after it as late: "
                        "2026-10-05T17:00 (local time) or with an offset, +02:00")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--group", help="the students' Unix group (default: the installed "
                     f"hub's, else {DEFAULT_GROUP})")
    who.add_argument("--users", help="comma-separated hub users instead of a group")
    parser.add_argument("--roster", help="CSV with columns hub_user,student_id: the id "
                        "each student's folder is named after (default: the hub user)")
    parser.add_argument("--folder", help="the course folder in students' homes (default: "
                        f"the installed hub's, else {DEFAULT_FOLDER})")
    parser.add_argument("--prefix", default=str(default_prefix()),
                        help="read the group and folder from the hub installed here")


def run(args: argparse.Namespace) -> int:
    installed = None
    if (Path(args.prefix) / "etc" / "hub.json").exists():
        try:
            installed = load(args.prefix)
        except (InputError, OSError):
            installed = None
    folder = args.folder or (installed.folder if installed else DEFAULT_FOLDER)
    if args.users:
        users = [u.strip() for u in args.users.split(",") if u.strip()]
    else:
        users = class_members(args.group or (installed.group if installed else DEFAULT_GROUP))
    if not users:
        raise InputError("no students to collect from (the group is empty?)")
    roster = read_roster(Path(args.roster)) if args.roster else None
    deadline = parse_deadline(args.deadline)
    out = Path(args.out)
    rows = collect_class(users, args.assignment, out, roster=roster, folder=folder,
                         deadline=deadline)
    manifest = out.with_name(out.name + ".collected.csv")
    write_manifest(rows, manifest)
    for row in rows:
        detail = "; ".join(x for x in (row.late_by, row.note) if x)
        where = f" -> {row.file}" if row.file else ""
        print(f"{row.student_id} ({row.hub_user}): {row.status}{where}"
              + (f" ({detail})" if detail else ""))
    counts = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    print(f"{len(rows)} students: {summary}; manifest {manifest}")
    print(f"next: course grade --assignment {args.assignment} {out}/ --out gradebook.csv")
    flagged = sum(counts.get(s, 0) for s in ("late", "missing", "refused"))
    return 3 if flagged else 0
