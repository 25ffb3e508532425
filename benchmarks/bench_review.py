"""Hand-grading at class size: one saved grade, the gradebook merge, the report, the LMS file.

Records a gradebook of N students for ps1 from made-up grades (``tests/grading/
gradebooks.py``, no notebook runs), then times

* opening the review of w1 (answers read from the gradebook's details, grouped);
* one saved grade as the review makes it: appended to the grader's file, then the
  gradebook and that student's feedback rewritten (median of 50);
* ``course report`` (three charts drawn by vl-convert) and ``course export-grades``
  for Canvas.

Usage::

    python benchmarks/bench_review.py [--n 300]

A timing script, never a test. On a shared machine other processes' load changes the
figures: report it (the load average is printed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from borrow import load_from_tests  # benchmarks/borrow.py: the tests' own set-up

from course import paths
from course.cli import main
from course.grading.book.review import open_review
from course.grading.run.runner import load_spec

GRADING = paths.PROJECT_ROOT / "tests" / "grading"


def _gradebooks():
    return load_from_tests("grading/gradebooks.py")


def run(n: int) -> None:
    gradebooks = _gradebooks()
    spec = load_spec("ps1")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        book = folder / "gradebook.csv"
        started = time.perf_counter()
        gradebooks.build_gradebook(book, spec, n)
        print(f"recorded a gradebook of {n} students in {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        review = open_review(spec, "w1", gradebook=book, grader="ana",
                             feedback_dir=folder / "feedback")
        print(f"opened the review of w1: {len(review.groups)} groups of answers in "
              f"{time.perf_counter() - started:.3f} s")
        saves = []
        for _ in range(50):
            started = time.perf_counter()
            review.grade(["verdict"])
            review.view()
            saves.append(time.perf_counter() - started)
            review.next()
        print(f"one saved grade (append, gradebook and feedback rewritten, view redrawn): "
              f"median {statistics.median(saves) * 1000:.0f} ms, "
              f"max {max(saves) * 1000:.0f} ms")
        started = time.perf_counter()
        main(["report", "-a", "ps1", str(book), "--out", str(folder / "report")])
        print(f"course report: {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        main(["export-grades", "-a", "ps1", str(book), "--lms", "canvas", "--template",
              str(GRADING / "fixtures" / "lms" / "canvas_export.csv"), "--column",
              "Problem set 1 (123456)", "--out", str(folder / "import.csv"),
              "--allow-ungraded"])
        print(f"course export-grades: {time.perf_counter() - started:.2f} s")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300)
    run(parser.parse_args().n)
