"""``course export``: lessons or solutions as self-contained HTML handouts (and PDF).

Examples
--------
.. code-block:: console

    $ course export notebooks/ --out handouts --pdf
    $ course export notebooks/03-britain-and-the-entente.ipynb --presenter

See :mod:`course.publish.export` for what a handout holds.
"""

from __future__ import annotations

import sys
from pathlib import Path

from course.errors import CourseError, InputError
from course.publish.export import export_notebook, find_chromium


def _expand(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            notebooks = sorted(path.glob("*.ipynb"))
            if not notebooks:
                raise InputError(f"{path}: folder has no .ipynb notebooks")
            found.extend(notebooks)
        elif path.is_file():
            if path.suffix != ".ipynb":
                raise InputError(f"{path}: not a notebook (expected a .ipynb file or a folder)")
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return list(dict.fromkeys(found))


def _names(paths: list[Path]) -> list[str]:
    """Output stems, prefixed with the folder name where two notebooks share a stem."""
    stems = [p.stem for p in paths]
    return [f"{p.parent.name}-{p.stem}" if stems.count(p.stem) > 1 else p.stem for p in paths]


def add_arguments(parser) -> None:
    """Options of ``course export`` (called by :mod:`course.cli`)."""
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="notebooks (.ipynb) or folders of notebooks to export")
    parser.add_argument("--out", default="handouts", metavar="DIR",
                        help="folder for the handouts (default: ./handouts)")
    parser.add_argument("--pdf", action="store_true",
                        help="also print each handout to PDF with headless Chromium")
    parser.add_argument("--image", choices=("png", "svg"), default="png",
                        help="format of the static charts (default: png)")
    parser.add_argument("--no-execute", action="store_true",
                        help="use the outputs saved in the notebook instead of running it")
    parser.add_argument("--timeout", type=int, default=120, metavar="SECONDS",
                        help="longest a single cell may run (default: 120)")
    parser.add_argument("--allow-errors", action="store_true",
                        help="export even if a cell raises an error")
    parser.add_argument("--keep-notes", action="store_true",
                        help="include cells marked as slide notes (instructor notes)")
    parser.add_argument("--presenter", action="store_true",
                        help="write the presenter's handout instead: every screen of the deck "
                             "with its time and presenter notes (<name>-presenter.html)")


def run(args) -> int:
    """Export every notebook named; show progress; return 1 if any failed."""
    if args.timeout < 1:
        raise InputError("--timeout must be at least 1 second")
    paths = _expand(args.paths)
    out_dir = Path(args.out)
    if args.pdf and not find_chromium():
        print("course export: no Chromium or Chrome on PATH: HTML handouts only, no PDF. "
              "Install chromium, or print the HTML from a browser.", file=sys.stderr)
    failures = 0
    for number, (path, name) in enumerate(zip(paths, _names(paths), strict=True), start=1):
        prefix = f"[{number}/{len(paths)}] {path}"
        print(f"{prefix}: {'running and ' if not args.no_execute else ''}exporting ...",
              file=sys.stderr, flush=True)
        try:
            handout = export_notebook(
                path, out_dir, execute=not args.no_execute, pdf=args.pdf and bool(find_chromium()),
                timeout=args.timeout, image=args.image, allow_errors=args.allow_errors,
                keep_notes=args.keep_notes, presenter=args.presenter, name=name)
        except CourseError as error:
            failures += 1
            print(f"{prefix}: FAILED: {error}", file=sys.stderr, flush=True)
            continue
        made = str(handout.html_path) + (f" and {handout.pdf_path}" if handout.pdf_path else "")
        print(f"{prefix}: {handout.charts} chart(s), {handout.widgets} widget(s) made static "
              f"in {handout.seconds:.1f} s -> {made}", file=sys.stderr, flush=True)
        for note in handout.notes:
            print(f"{prefix}: {note}", file=sys.stderr, flush=True)
    done = len(paths) - failures
    print(f"course export: {done} of {len(paths)} handout(s) written to {out_dir}",
          file=sys.stderr)
    return 1 if failures else 0
