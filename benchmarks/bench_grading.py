"""Submissions per second: `course grade` against a fresh Jupyter kernel per submission.

Builds N submissions of a problem set (the solution and plausible wrong answers, from the
grading corpus builder), then grades them

* with the course's grader (warm fork server, contained children, answers read through
  the trust boundary and tested in a limited worker while the next runs go on);
* with the peers' approach: each notebook executed top to bottom in a fresh kernel by
  nbclient, answers read out by an extra cell, tests run on them in this process.

Both use the same number of workers. Usage::

    python benchmarks/bench_grading.py [--assignment ps1] [--n 100] [--baseline-n 20]
                                       [--workers 2]

Prints one line per method, where the grader's time goes (sandbox start-up, the contained
run of one submission, testing its answers) and the speed-up. A timing script, never a
test. On a shared machine, other processes' load changes both figures: report it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from borrow import load_from_tests  # benchmarks/borrow.py: the tests' own set-up
from nbclient import NotebookClient

from course import paths
from course.grading import testing
from course.grading.run.runner import grade_paths, load_spec
from course.grading.sandbox import Sandbox
from course.grading.untrusted import answers as codec

ROOT = Path(__file__).resolve().parent.parent
build = load_from_tests("grading/corpus/build.py")

def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return float("nan")


MIX = ["correct", "partly_wrong", "all_wrong_scaled", "all_wrong_dropped", "error_in_one"]


def make_submissions(name: str, n: int, folder: Path) -> list[Path]:
    spec = load_spec(name)
    cases = build.build(paths.SOLUTIONS_DIR / name / f"{name}.ipynb", spec.required(),
                        folder / "cases")
    out = []
    for i in range(n):
        target = folder / f"student{i:03d}.ipynb"
        nb = json.loads(cases[MIX[i % len(MIX)]].read_text())
        nb["metadata"]["course"]["student_id"] = f"student{i:03d}"
        target.write_text(json.dumps(nb))
        out.append(target)
    return out


def baseline_one(path: Path, spec) -> float:
    """Fresh kernel + nbclient, then the same tests on the extracted answers."""
    nb = nbformat.read(path, as_version=4)
    names = sorted({v for vs in spec.required().values() for v in vs})
    extract = ("import json as _j\nfrom course.grading.untrusted.answers import encode_many as _e\n"
               f"print('@@' + _j.dumps(_e({names!r}, globals())))")
    nb.cells.append(nbformat.v4.new_code_cell(extract))
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout")
    payload = json.loads(text.split("@@", 1)[1]) if "@@" in text else {}
    total = 0.0
    for qid, vars_ in spec.required().items():
        decoded = {}
        for var in vars_:
            value = codec.decode(payload.get(var, {"type": "missing"}))
            if type(value) is not codec.Missing:
                decoded[var] = value
        results = testing.run_tests(spec.tests, decoded, questions=[qid], required={qid: vars_})
        total += testing.score(results, {qid: spec.points()[qid]})[qid]
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="ps1")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--baseline-n", type=int, default=20,
                        help="submissions for the (slow) fresh-kernel baseline")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    spec = load_spec(args.assignment)
    folder = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        files = make_submissions(args.assignment, max(args.n, args.baseline_n), folder)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        before = _rss_mb()
        peak = [before]
        sampling = threading.Event()

        def sample() -> None:  # the grader's own resident size while it grades
            while not sampling.wait(0.02):
                peak[0] = max(peak[0], _rss_mb())

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.monotonic()
        box = Sandbox()
        box.start()
        startup = time.monotonic() - started
        try:
            grades = grade_paths(spec, files[: args.n], workers=args.workers, sandbox=box)
        finally:
            box.close()
            sampling.set()
            sampler.join()
        ours = time.monotonic() - started
        ok = sum(g.status == "ok" for g in grades)
        rate_ours = args.n / ours
        print(f"course grade : {args.n} submissions in {ours:6.1f} s = {rate_ours:5.2f}/s "
              f"(workers={args.workers}, {ok} ok, incl. sandbox start-up; load average "
              f"{load:.1f} on {os.cpu_count()} CPUs)")
        runs = sorted(g.run_seconds for g in grades)
        tests = sorted(g.test_seconds for g in grades)
        print(f"  where      : sandbox start-up {startup:.1f} s; contained run median "
              f"{runs[len(runs) // 2]:.3f} s; testing median {tests[len(tests) // 2]:.3f} s "
              f"(max {tests[-1]:.3f} s: the first computes the references); "
              f"{ours / args.n * args.workers:.3f} s per submission per worker")
        print(f"  memory     : the grader's own process (no run or test happens in it): "
              f"{before:.0f} MB before grading, peak {peak[0]:.0f} MB while grading")
        subset = files[: args.baseline_n]
        started = time.monotonic()
        with ThreadPoolExecutor(args.workers) as pool:
            totals = list(pool.map(lambda p: baseline_one(p, spec), subset))
        theirs = time.monotonic() - started
        rate_theirs = len(subset) / theirs
        print(f"nbclient     : {len(subset)} submissions in {theirs:6.1f} s = "
              f"{rate_theirs:5.2f}/s (fresh kernel each, workers={args.workers})")
        ours_totals = [g.total for g in grades[: len(subset)]]
        same = sum(abs(a - b) < 1e-6 for a, b in zip(ours_totals, totals, strict=False))
        for g, theirs_total in zip(grades, totals, strict=False):
            if abs(g.total - theirs_total) > 1e-6:
                print(f"  differs: {Path(g.path).name}: {g.total} here, {theirs_total} "
                      f"in a kernel ({g.status}: {g.message})")
        print(f"speed-up     : {rate_ours / rate_theirs:.1f}x; same total on {same}/"
              f"{min(len(ours_totals), len(totals))} submissions graded both ways")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
