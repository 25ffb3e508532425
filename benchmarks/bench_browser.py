"""Print JupyterLab start -> rendered lesson time, measured in real Chromium.

Usage::

    python benchmarks/bench_browser.py          # every lesson
    python benchmarks/bench_browser.py -k 00    # pytest -k expression

This runs the browser tests (tests/browser, marker ``browser``) and reads the timings
they record for each lesson:

* ``server ready``: from launching ``jupyter lab`` until its API answers;
* ``lesson shown`` / ``kernel idle``: until the lesson's cells appear in the page, and
  until its kernel is connected and idle;
* ``first chart``: from launching ``jupyter lab`` until, after opening the lesson,
  waiting for an idle kernel and Run All Cells, the first Vega chart is drawn;
* ``all cells``: until every cell has run and the kernel is idle again.

A full open-run-move-the-explorer test also stops the server and checks nothing is
left running. Results go to ``benchmarks/results/browser.json`` (not committed).
Needs Debian's Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROPERTIES = [("server_ready_s", "server ready"), ("start_to_notebook_shown_s", "lesson shown"),
              ("start_to_kernel_idle_s", "kernel idle"), ("start_to_rendered_s", "first chart"),
              ("start_to_all_cells_done_s", "all cells")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", dest="keyword", default=None, help="pytest -k expression")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "browser.xml"
        command = [sys.executable, "-m", "pytest", "-q", "-m", "browser", "-p",
                   "no:cacheprovider", f"--junitxml={junit}", "-o", "junit_family=xunit1",
                   "tests/browser"]
        if args.keyword:
            command += ["-k", args.keyword]
        began = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - began
        if not junit.exists():
            print(result.stdout[-3000:], result.stderr[-3000:], sep="\n", file=sys.stderr)
            return 1
        cases = ET.parse(junit).getroot().iter("testcase")
        rows = []
        for case in cases:
            props = {p.get("name"): p.get("value") for p in case.iter("property")}
            outcome = ("failed" if case.find("failure") is not None or case.find("error")
                       is not None else "skipped" if case.find("skipped") is not None
                       else "passed")
            name = case.get("name", "").split("[", 1)[-1].rstrip("]")
            rows.append({"lesson": name, "outcome": outcome, "test_seconds":
                         float(case.get("time", 0)),
                         **{key: float(props[key]) for key, _ in PROPERTIES if key in props}})
    header = f"{'lesson':<36}" + "".join(f"{label:>14}" for _, label in PROPERTIES)
    print(header + f"{'whole test':>12}  outcome")
    for row in rows:
        cells = "".join(f"{row[key]:>13.1f}s" if key in row else f"{'-':>14}"
                        for key, _ in PROPERTIES)
        print(f"{row['lesson']:<36}{cells}{row['test_seconds']:>11.1f}s  {row['outcome']}")
    print(f"\n{len(rows)} lesson(s) in {wall:.0f} s of wall time (pytest exit {result.returncode})")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "browser.json").write_text(json.dumps(rows, indent=2))
    if result.returncode:
        print(result.stdout[-3000:], file=sys.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
