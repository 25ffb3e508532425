"""Print import and load timings of the data package (no assertions; run by hand).

    python benchmarks/bench_data.py [--repeat N]

* import cost: ``import pandas``, ``import course`` and ``import course.data``, each
  timed in a fresh interpreter (median of N), and the overhead course.data adds on top
  of pandas;
* per table: cold load (first ``course.data.load`` in a fresh interpreter: checksum
  check + CSV parse) and warm load (median of N repeated loads in one interpreter).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

TIMER = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"


def fresh(stmt: str, setup: str = "") -> float:
    code = (setup + "; " if setup else "") + TIMER.format(stmt=stmt)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    # interleave the three measurements so machine-load drift affects them alike
    samples: dict[str, list[float]] = {"pandas": [], "course": [], "course.data": []}
    for _ in range(args.repeat):
        for module in samples:
            samples[module].append(fresh(f"import {module}"))
    pandas_s, course_s, data_s = (statistics.median(v) for v in samples.values())
    print(f"import pandas               {pandas_s * 1000:8.1f} ms")
    print(f"import course               {course_s * 1000:8.1f} ms")
    print(f"import course.data          {data_s * 1000:8.1f} ms")
    print(f"course.data minus pandas    {(data_s - pandas_s) * 1000:8.1f} ms")
    print()

    from course.data import catalog, load

    print(f"{'table':<24} {'rows':>7} {'cold ms':>9} {'warm ms':>9}")
    for name, rows in zip(catalog().name, catalog().rows, strict=True):
        cold = fresh(f"load({name!r})", setup="from course.data import load")
        load(name)
        warm = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            load(name)
            warm.append(time.perf_counter() - start)
        print(f"{name:<24} {rows:>7} {cold * 1000:9.1f} {statistics.median(warm) * 1000:9.2f}")


if __name__ == "__main__":
    main()
