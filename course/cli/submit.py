"""``course submit NOTEBOOK --student-id ID``: check as the grader will, then package.

Exit status: 0 when every question is answered, every public check passes and no cell
raises; 2 when the submission was written but something needs attention; 1 when it was
refused (no student id, not a notebook, another course or assignment).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from course import paths
from course.grading.check import submit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("notebook", help="your problem-set notebook, e.g. ps1.ipynb")
    parser.add_argument("--student-id", help="your student id (required)")
    parser.add_argument("--assignment", help="refuse unless the notebook is this assignment")
    parser.add_argument("--time-limit", type=float, default=60.0,
                        help="seconds the fresh run may take (default 60)")
    parser.add_argument("--out-dir", help="write the submission files here (default: beside "
                        "the notebook)")


def find_notebook(name: str, here: Path | None = None) -> Path:
    """The notebook ``name`` names, from the folder a terminal opens in as well.

    A name that is not a file here but is a bare file name (the hint in each problem
    set: ``course submit ps1.ipynb ...``) is looked for in the course's
    ``exercises/<name>/`` folder, so the command works as printed both beside the
    notebook and from the course folder, where JupyterLab's terminal starts.

    Examples
    --------
    >>> found = find_notebook("ps1.ipynb", here=paths.PROJECT_ROOT)
    >>> found.relative_to(paths.PROJECT_ROOT).as_posix()
    'exercises/ps1/ps1.ipynb'
    """
    here = Path.cwd() if here is None else here
    given = Path(name)
    if (here / given).exists() or given.is_absolute() or len(given.parts) > 1:
        return here / given
    for folder in (here / "exercises" / given.stem, paths.EXERCISES_DIR / given.stem):
        if (folder / given.name).is_file():
            return folder / given.name
    return here / given


def run(args: argparse.Namespace) -> int:
    notebook = find_notebook(args.notebook)
    if notebook != Path.cwd() / args.notebook:
        print(f"Submitting {notebook}")
    report = submit(notebook, args.student_id, assignment=args.assignment,
                    time_limit=args.time_limit, out_dir=args.out_dir)
    print(report.text())
    return 0 if report.all_good else 2
