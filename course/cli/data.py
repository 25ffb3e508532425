"""``course data``: list, validate, build or fetch the course datasets.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> add_arguments(parser)
>>> parser.parse_args(["build", "--check"]).check
True
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    sub.add_parser("list", help="print the catalogue of datasets")
    validate = sub.add_parser("validate", help="check every table against datapackage.json")
    validate.add_argument("--data-dir", type=Path, help="folder holding the tables")
    build = sub.add_parser("build", help="rebuild the tables from the raw releases")
    build.add_argument("--check", action="store_true",
                       help="compare with the committed files without writing; fail on differences")
    build.add_argument("--data-dir", type=Path, help="folder to write (default data/)")
    build.add_argument("--raw-dir", type=Path, help="folder holding raw/ and cases/")
    fetch = sub.add_parser(
        "fetch", help="download a full official release, or the raw releases, to the user cache")
    from course.data.fetch import DOWNLOADS

    fetch.add_argument("name", choices=[*sorted(DOWNLOADS), "raw"],
                       help="which download; `raw` = the raw releases the build and the "
                            "maintainers' tests read")
    fetch.add_argument("--url", help="download from this address instead (e.g. a mirror); for "
                                     "`raw`, the base address of a mirror laid out like the "
                                     "shared data folder")
    fetch.add_argument("--source", action="append", metavar="KEY",
                       help="with `raw`: only this source's files (repeatable), e.g. cow-nmc")
    fetch.add_argument("--force", action="store_true", help="download even if cached")


def run(args: argparse.Namespace) -> int:
    action = args.data_command
    if action == "list":
        from course.data.catalog import catalog

        table = catalog()
        width = max(len(n) for n in table.name)
        for row in table.itertuples(index=False):
            print(f"{row.name:<{width}}  {row.rows:>6} rows  {row.licence:<20} {row.title}")
        return 0
    if action == "validate":
        from course.data.validate import validate

        reports = validate(args.data_dir)
        for report in reports:
            status = "ok" if report.ok else "FAILED"
            print(f"{report.name:<24} {report.rows:>6} rows  {status}")
            for problem in report.problems:
                print(f"    - {problem}")
        bad = [r.name for r in reports if not r.ok]
        print(f"{len(reports) - len(bad)} of {len(reports)} tables valid"
              + (f"; failed: {', '.join(bad)}" if bad else ""))
        return 1 if bad else 0
    if action == "build":
        from course.data.build import build

        result = build(out_dir=args.data_dir, shared_dir=args.raw_dir, check=args.check)
        if args.check:
            if result:
                print("differs from the committed files: " + ", ".join(result))
                print("run `course data build` to regenerate them")
                return 1
            print("all tables match the committed files")
            return 0
        print(f"wrote {len(result)} files")
        return 0
    if action == "fetch" and args.name == "raw":
        from course.data.fetch import fetch_raw

        folder = fetch_raw(args.source, base_url=args.url, force=args.force)
        print(f"raw releases checked and saved under {folder / 'raw'}; the build and the "
              "tests find them there when no shared folder sits beside the project")
        return 0
    if action == "fetch":
        from course.data.fetch import fetch

        if args.source:
            print("--source applies to `course data fetch raw` only", file=sys.stderr)
            return 2
        path = fetch(args.name, url=args.url, force=args.force)
        print(f"saved {path}")
        return 0
    return 2
