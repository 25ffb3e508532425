"""Print how long each lesson takes to run headless, kernel start included.

Usage::

    python benchmarks/bench_lessons.py            # every lesson and solutions/**/*.ipynb
    python benchmarks/bench_lessons.py 00 03      # only notebooks whose name starts so
    python benchmarks/bench_lessons.py --strict   # exit 1 if a lesson exceeds the target

Each notebook runs in a fresh ``python3`` kernel started by nbclient, in the notebook's
own folder, as the tests do. The target is 20 s per lesson (the course brief). The
script also times lesson 00's explorer view (one widget change = one call), whose
target is well under 100 ms. Results are printed and written to
``benchmarks/results/lessons.json`` (not committed).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 20.0
WIDGET_TARGET_MS = 100.0


def run(path: Path) -> tuple[float, float, str]:
    """(total seconds including kernel start, seconds to start the kernel, error or '')."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    started = time.perf_counter()
    error = ""
    with client.setup_kernel():
        kernel_ready = time.perf_counter() - started
        try:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
        except CellExecutionError as exc:
            error = str(exc).strip().splitlines()[-1][:200]
    return time.perf_counter() - started, kernel_ready, error


def time_tour_view(repeats: int = 20) -> dict[str, float]:
    """Median and worst milliseconds of lesson 00's view over several control settings."""
    from course.widgets.tour import tour_view

    tour_view()  # first call loads and caches the table: not what a widget change costs
    settings = [("USA", (1990, 2016)), ("UKG", (1870, 1913)), ("CHN", (1950, 2016)),
                ("RUS", (1816, 2016)), ("GMY", (1890, 1945))]
    samples = []
    for _ in range(repeats):
        for power, years in settings:
            began = time.perf_counter()
            tour_view(power, years).chart.to_dict()  # the spec the frontend receives
            samples.append((time.perf_counter() - began) * 1000)
    return {"median_ms": statistics.median(samples), "max_ms": max(samples)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="*", help="only notebooks whose file name starts so")
    parser.add_argument("--strict", action="store_true",
                        help=f"exit 1 if a lesson takes longer than {TARGET_S:.0f} s")
    args = parser.parse_args(argv)
    paths = [*sorted((ROOT / "notebooks").glob("*.ipynb")),
             *sorted((ROOT / "solutions").glob("**/*.ipynb"))]
    paths = [p for p in paths if ".ipynb_checkpoints" not in p.parts]
    if args.prefixes:
        paths = [p for p in paths if p.name.startswith(tuple(args.prefixes))]
    if not paths:
        print("no notebooks to run", file=sys.stderr)
        return 1
    print(f"{'notebook':<48} {'total s':>8} {'kernel s':>9}  status")
    results, failed, slow = [], 0, 0
    for path in paths:
        total, kernel, error = run(path)
        name = path.relative_to(ROOT).as_posix()
        status = "ERROR " + error if error else ("OVER TARGET" if total > TARGET_S else "ok")
        failed += bool(error)
        slow += total > TARGET_S
        print(f"{name:<48} {total:>8.1f} {kernel:>9.1f}  {status}", flush=True)
        results.append({"notebook": name, "seconds": round(total, 2),
                        "kernel_start_seconds": round(kernel, 2), "error": error})
    view = time_tour_view()
    print(f"\nlesson 00 explorer, one control change: median {view['median_ms']:.1f} ms, "
          f"worst {view['max_ms']:.1f} ms (target < {WIDGET_TARGET_MS:.0f} ms)")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "lessons.json").write_text(json.dumps(
        {"machine": platform.platform(), "python": platform.python_version(),
         "target_seconds": TARGET_S, "notebooks": results, "tour_view": view}, indent=2))
    if failed:
        return 1
    return 1 if (args.strict and slow) else 0


if __name__ == "__main__":
    sys.exit(main())
