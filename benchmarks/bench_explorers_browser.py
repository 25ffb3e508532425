"""What a student waits for: a control change -> the redrawn chart, in JupyterLab in Chromium.

Usage (from the project root)::

    python benchmarks/bench_explorers_browser.py              # lessons 00-06, ps1-ps3
    python benchmarks/bench_explorers_browser.py -k 01 -k ps1 # notebooks whose name has 01 or ps1
    python benchmarks/bench_explorers_browser.py --load 2     # with two CPU-bound processes beside

For every lesson (``notebooks/NN-*.ipynb``) and problem set (``exercises/psN/psN.ipynb``),
the script opens the notebook in JupyterLab (started as the browser tests start it:
``tests/browser/conftest.py``, with the course's settings) in Debian's Chromium, runs all
cells, and then drives every explorer on the page (each element of class
``course-explorer-view``) as a student would: it picks other options of each dropdown,
clicks toggle buttons and tick boxes, moves each slider handle with the keyboard, and types
into the year, percentage and "add states" boxes (``--changes`` times per control).

For each change it measures, in the page, the time from the input event (its
``event.timeStamp``: the key press, click or selection that commits the change) to the last
change of the explorer's chart: a ``MutationObserver`` on the chart's output records every
change, and the chart counts as settled when the explorer no longer marks it busy (the
kernel has sent its last redraw) and nothing has changed for ``--settle`` ms; the figure is
taken at the first animation frame after the last change (when it is painted).
It prints the median and the 95th percentile per explorer, against the targets (median
<= 150 ms, p95 <= 300 ms on an idle 2-core machine), with:

* the kernel-side figure: the explorer's own time per redraw (``view()``, then the chart's
  spec fitted for a slide and sent), read from the timings each explorer writes when
  ``COURSE_EXPLORER_TIMINGS`` names a file (``course.widgets.base.TIMINGS_ENV``);
* ``draws``: the most charts drawn for one change (more than 1 would mean a queue of
  settings replayed); ``same``: changes whose setting draws the same chart as before (a
  year range that adds no data): the chart does not change, so they are left out of the
  median and p95; a change that ends in a message (the last chart dimmed beside it) counts.

``--from FILE`` prints the table of a saved result again.

``--load N`` starts N CPU-bound processes (busy loops) for the whole run, as on a shared
class server, and says so in the output; the load average (``/proc/loadavg``) is printed
at the start and the end. Results also go to ``benchmarks/results/explorers-browser.json``
(not committed). Needs Debian's Chromium at /usr/bin/chromium and Playwright.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from borrow import load_from_tests  # benchmarks/borrow.py: the tests' own set-up

ROOT = Path(__file__).resolve().parent.parent
TARGET_MEDIAN_MS, TARGET_P95_MS = 150.0, 300.0
TIMEOUT_MS = 30_000  # one change that never redraws is recorded as such, not waited on


def browser_kit():
    """The browser tests' own set-up, as modules: ``tests/browser/conftest.py`` (the
    JupyterLab server), ``test_lessons_in_jupyterlab.py`` (open and run a notebook) and
    ``tests/conftest.py`` (Chromium's path and flags), so the benchmark measures what the
    tests check."""
    return (load_from_tests("browser/conftest.py"),
            load_from_tests("browser/test_lessons_in_jupyterlab.py"),
            load_from_tests("conftest.py"))


def notebooks(keywords: list[str]) -> list[Path]:
    """Lessons 00-06 and the problem sets, in course order, filtered by ``-k``."""
    found = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    found += sorted((ROOT / "exercises").glob("ps*/ps*.ipynb"))
    return [p for p in found if not keywords or any(k in p.name for k in keywords)]


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (0.95 for p95) by linear interpolation.

    >>> percentile([1, 2, 3, 4, 5], 0.95)
    4.8
    """
    ordered = sorted(values)
    at = (len(ordered) - 1) * share
    low = int(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def load_average() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "unknown"


# Installed once per explorer: records, in page time, the input event that commits a change
# (armed by the script just before it acts) and every change to the chart's output after it.
WATCH_JS = r"""
(explorer) => {
  const chart = explorer.querySelector('.course-explorer-chart');
  const controls = explorer.querySelector('.course-explorer-controls');
  const state = {armed: false, t0: null, last: null, painted: null, renders: 0, kinds: [],
                 chart: chart};
  const drawn = new WeakSet(Array.from(chart.querySelectorAll('svg.marks')));
  const observer = new MutationObserver(() => {
    if (state.t0 === null) return;
    state.last = performance.now();
    for (const svg of chart.querySelectorAll('svg.marks')) {  // a chart drawn anew
      if (!drawn.has(svg)) { drawn.add(svg); state.renders += 1; }
    }
    const last = state.last;
    requestAnimationFrame(() => setTimeout(() => {
      if (state.last === last) state.painted = performance.now();
    }, 0));
  });
  observer.observe(chart, {subtree: true, childList: true, attributes: true,
                           characterData: true});
  const arm = (event) => {
    if (state.armed && controls.contains(event.target)) {
      state.t0 = event.timeStamp;
      state.kinds.push(event.type);
      state.armed = false;
    }
  };
  for (const type of ['pointerdown', 'keydown', 'input', 'change']) {
    document.addEventListener(type, arm, true);
  }
  window.__courseBench = state;
}
"""

ARM_JS = """() => Object.assign(window.__courseBench,
  {armed: true, t0: null, last: null, painted: null, renders: 0, kinds: []})"""

SETTLED_JS = """(settle) => { const s = window.__courseBench;
  return s.t0 !== null && s.last !== null && s.painted !== null
    && !s.chart.classList.contains('course-explorer-busy')
    && performance.now() - s.last >= settle; }"""

RESULT_JS = """() => { const s = window.__courseBench;
  return {ms: s.painted - s.t0, renders: s.renders, kinds: s.kinds}; }"""


class Driver:
    """Changes an explorer's controls through the page, one measured change at a time."""

    def __init__(self, page, explorer, settle_ms: float, changes: int):
        self.page, self.explorer = page, explorer
        self.settle_ms, self.changes = settle_ms, changes
        self.samples: list[dict] = []
        explorer.evaluate(WATCH_JS)

    def _measure(self, what: str, act) -> None:
        """Arm, do ``act()``, wait until the chart settles; record the time."""
        self.page.evaluate(ARM_JS)
        act()
        self._record(what)

    def _record(self, what: str) -> None:
        """Wait for the change just made (armed before it) to settle, and record it."""
        sample = {"control": what, "ms": None, "renders": 0}
        try:
            self.page.wait_for_function(SETTLED_JS, arg=self.settle_ms, polling=50,
                                        timeout=TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - Playwright's timeout: the chart never changed
            self.samples.append(sample)
            return
        result = self.page.evaluate(RESULT_JS)
        verdict = self.explorer.locator(".course-explorer-verdict").inner_text()
        sample.update(ms=round(result["ms"], 1), renders=result["renders"],
                      event=result["kinds"][:1], message="\u26a0" in verdict,
                      verdict=verdict[:100])
        self.samples.append(sample)

    def dropdowns(self) -> None:
        selects = self.explorer.locator(".course-explorer-controls select")
        for i in range(selects.count()):
            select = selects.nth(i)
            values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
            start = values.index(select.input_value()) if select.input_value() in values else 0
            for step in range(1, min(self.changes, len(values) - 1) + 1):
                value = values[(start + step) % len(values)]
                self._measure(f"dropdown {i + 1}", lambda s=select, v=value: s.select_option(v))

    def toggles(self) -> None:
        groups = self.explorer.locator(".course-explorer-controls .widget-toggle-buttons")
        for i in range(groups.count()):
            buttons = groups.nth(i).locator("button")
            for step in range(min(self.changes, buttons.count())):
                idle = groups.nth(i).locator("button:not(.mod-active)")
                button = idle.nth(step % max(idle.count(), 1))
                self._measure(f"toggle {i + 1}", button.click)

    def checkboxes(self) -> None:
        boxes = self.explorer.locator(
            ".course-explorer-controls input[type=checkbox]:not([disabled])")
        for i in range(boxes.count()):
            for _ in range(min(self.changes, 2)):  # on, then off again
                self._measure(f"tick box {i + 1}", boxes.nth(i).click)

    def sliders(self) -> None:
        handles = self.explorer.locator(".course-explorer-controls .noUi-handle")
        for i in range(handles.count()):
            handle = handles.nth(i)
            for _ in range(self.changes):
                before = handle.get_attribute("aria-valuenow")
                low = float(handle.get_attribute("aria-valuemin") or 0)
                high = float(handle.get_attribute("aria-valuemax") or 0)
                keys = ("PageDown", "PageUp") if float(before) > (low + high) / 2 \
                    else ("PageUp", "PageDown")
                for key in keys:  # the other way if a bound or the other handle blocks it
                    handle.focus()
                    self.page.evaluate(ARM_JS)
                    handle.press(key)
                    if handle.get_attribute("aria-valuenow") != before:
                        self._record(f"slider {i + 1}")
                        break

    def _type(self, what: str, box, text: str) -> None:
        box.click()
        box.fill(text)
        self._measure(what, lambda: box.press("Enter"))

    def boxes(self) -> None:
        controls = self.explorer.locator(".course-explorer-controls")
        percent = controls.locator(".course-percent input[type=text]")
        for i in range(percent.count()):
            for text in ["25%", "0.15", "40", "12.5%"][:self.changes]:
                self._type("typed share", percent.nth(i), text)
        for part, years in ((".course-year-first input", ("1900", "1880", "1950")),
                            (".course-year-last input", ("1913", "1939", "2010"))):
            found = controls.locator(part)
            for i in range(found.count()):
                for text in years[:self.changes]:
                    self._type("typed year", found.nth(i), text)
        others = controls.locator(".widget-text input[placeholder^='e.g.']")
        for i in range(others.count()):
            example = others.nth(i).get_attribute("placeholder")[4:].split(",")[0].strip()
            for text in [example, ""][:self.changes]:
                self._type("typed states", others.nth(i), text)

    def run(self) -> list[dict]:
        for step in (self.dropdowns, self.toggles, self.checkboxes, self.sliders, self.boxes):
            step()
        return self.samples


def _kernel_ids(lab) -> list[str]:
    return [kernel["id"] for kernel in lab.api("/api/kernels")]


def _shut_down_kernels(lab) -> None:
    for kernel_id in _kernel_ids(lab):
        request = urllib.request.Request(f"{lab.url}/api/kernels/{kernel_id}", method="DELETE",
                                         headers={"Authorization": f"token {lab.token}"})
        with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=10):
            pass


def _read_timings(path: Path, since: int) -> tuple[list[dict], int]:
    if not path.exists():
        return [], since
    lines = path.read_text().splitlines()
    return [json.loads(line) for line in lines[since:] if line.strip()], len(lines)


class _Workspace:
    """The server, opening each notebook in a workspace of its own (no tabs restored)."""

    def __init__(self, lab, name: str):
        self.lab, self.name = lab, name

    def __getattr__(self, attribute):
        return getattr(self.lab, attribute)

    def lab_url(self, notebook: Path) -> str:
        relative = notebook.resolve().relative_to(ROOT).as_posix()
        return f"{self.lab.url}/lab/workspaces/{self.name}/tree/{relative}?token={self.lab.token}"


def bench_notebook(page, lab, helpers, path: Path, args, timings: Path) -> list[dict]:
    """Open and run one notebook, then drive each of its explorers; one row per explorer."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    n_code = sum(cell["cell_type"] == "code" for cell in cells)
    helpers._open_and_run_all(page, _Workspace(lab, f"bench-{path.stem}"), path, n_code,
                              wait_for_chart=False)
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    explorers = notebook.locator(".course-explorer-view")
    rows = []
    seen = len(timings.read_text().splitlines()) if timings.exists() else 0
    for index in range(explorers.count()):
        explorer = explorers.nth(index)
        explorer.scroll_into_view_if_needed()
        explorer.locator(".vega-embed svg.marks").first.wait_for(timeout=60_000)
        title = explorer.locator(".course-explorer-title")
        name = title.inner_text().strip() if title.count() else f"explorer {index + 1}"
        samples = Driver(page, explorer, args.settle, args.changes).run()
        kernel, seen = _read_timings(timings, seen)
        rows.append({"notebook": path.stem, "explorer": name, "samples": samples,
                     "kernel_ms": [line["total_ms"] for line in kernel],
                     "kernel_view_ms": [line["view_ms"] for line in kernel],
                     "kernel_error": [line["error"] for line in kernel]})
        print(_row(rows[-1]), flush=True)
    if not rows:
        print(f"{path.stem:<34} (no explorer)", flush=True)
        rows.append({"notebook": path.stem, "explorer": None, "samples": []})
    return rows


HEADER = (f"{'notebook':<34}{'explorer':<44}{'n':>4}{'median':>8}{'p95':>8}{'max':>8}"
          f"{'kernel':>8}{'k p95':>7}{'draws':>6}{'same':>6}  verdict")


def summary(row: dict) -> dict:
    """The figures of one explorer's row.

    ``times``: ms from the input event to the chart drawn, for the changes that drew a new
    chart or a message (a change whose setting draws the same chart as before, such as a
    year range that adds no data, leaves the chart as it was and is counted as ``same``);
    ``kernel``: the explorer's ms per redraw that computed a chart; ``draws``: the most
    charts drawn for one change; ``lost``: changes after which the chart never changed.
    """
    samples = row["samples"]
    timed = [s for s in samples if s["ms"] is not None]
    drawn = [s for s in timed if s["renders"] or s.get("message")]
    kernel = [ms for ms, error in zip(row.get("kernel_ms") or [],
                                      row.get("kernel_error") or [False] * 10**6, strict=False)
              if not error]
    return {"times": [s["ms"] for s in drawn], "kernel": kernel,
            "draws": max((s["renders"] for s in timed), default=0),
            "same": len(timed) - len(drawn), "lost": len(samples) - len(timed)}


def _meets(row: dict) -> bool:
    times = summary(row)["times"]
    return bool(times) and statistics.median(times) <= TARGET_MEDIAN_MS \
        and percentile(times, 0.95) <= TARGET_P95_MS


def _row(row: dict) -> str:
    figures = summary(row)
    times, kernel, lost = figures["times"], figures["kernel"], figures["lost"]
    name = (row["explorer"] or "")[:42]
    if not times:
        return f"{row['notebook']:<34}{name:<44}{0:>4}  no change measured ({lost} lost)"
    median, p95 = statistics.median(times), percentile(times, 0.95)
    k_median = f"{statistics.median(kernel):8.0f}" if kernel else f"{'-':>8}"
    k_p95 = f"{percentile(kernel, 0.95):7.0f}" if kernel else f"{'-':>7}"
    return (f"{row['notebook']:<34}{name:<44}{len(times):>4}{median:8.0f}{p95:8.0f}"
            f"{max(times):8.0f}{k_median}{k_p95}{figures['draws']:>6}{figures['same']:>6}  "
            f"{'meets' if _meets(row) else 'OVER'} target"
            + (f"; {lost} never redrew" if lost else ""))


def report(rows: list[dict], started: str, ended: str, load: int, notebooks: int) -> None:
    """Print the table and the closing line (also for ``--from`` a saved result)."""
    print(HEADER)
    for row in rows:
        print(_row(row) if row["explorer"] else
              f"{row['notebook']:<34} " + ("(no explorer)" if not row.get("failed")
                                           else f"failed: {row['failed'].splitlines()[0]}"))
    measured = [r for r in rows if r["explorer"]]
    over = [r for r in measured if not _meets(r)]
    print(f"\n{len(measured)} explorers in {notebooks} notebooks; load average {started} at "
          f"start, {ended} at the end, with {load} CPU-bound process(es) beside; "
          f"targets (idle 2-core machine): median <= {TARGET_MEDIAN_MS:.0f} ms, "
          f"p95 <= {TARGET_P95_MS:.0f} ms; {len(over)} over")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", dest="keywords", action="append", default=[],
                        help="only notebooks whose file name contains this (repeatable)")
    parser.add_argument("--load", type=int, default=0,
                        help="CPU-bound processes to run beside the benchmark (default 0)")
    parser.add_argument("--changes", type=int, default=3,
                        help="changes per control (default 3)")
    parser.add_argument("--settle", type=float, default=400.0,
                        help="ms without a change after which a chart counts as drawn")
    parser.add_argument("--from", dest="saved", type=Path, default=None,
                        help="print the table of a saved result (benchmarks/results/...json)")
    args = parser.parse_args(argv)
    if args.saved:
        saved = json.loads(args.saved.read_text())
        report(saved["rows"], *saved["load_average"], saved["load"],
               len({row["notebook"] for row in saved["rows"]}))
        return 0

    conftest, helpers, chromium = browser_kit()
    if not chromium.CHROMIUM.exists():
        print(f"needs Debian's Chromium at {chromium.CHROMIUM}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    from course.widgets.base import TIMINGS_ENV

    paths = notebooks(args.keywords)
    load = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(args.load)]
    rows: list[dict] = []
    started = load_average()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            timings = Path(tmp) / "explorer-timings.jsonl"
            os.environ[TIMINGS_ENV] = str(timings)  # the server's kernels inherit it
            lab = conftest._start_server(Path(tmp) / "jupyter")
            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path=str(chromium.CHROMIUM), headless=True,
                        args=chromium.CHROMIUM_ARGS)
                    print(f"load average at start {started}; {args.load} CPU-bound "
                          f"process(es) beside; {os.cpu_count()} cores; as measured:\n{HEADER}",
                          flush=True)
                    for path in paths:
                        context = browser.new_context(viewport={"width": 1366, "height": 768})
                        page = context.new_page()
                        page.route("**/*", lambda route: route.continue_()
                                   if (urlparse(route.request.url).hostname or "")
                                   in conftest.LOOPBACK else route.abort("blockedbyclient"))
                        try:
                            rows += bench_notebook(page, lab, helpers, path, args, timings)
                        except Exception as error:  # noqa: BLE001 - report, go on
                            print(f"{path.stem:<34} failed: {type(error).__name__}: "
                                  f"{str(error).splitlines()[0]}", flush=True)
                            rows.append({"notebook": path.stem, "explorer": None,
                                         "samples": [], "failed": str(error)[:2000]})
                        finally:
                            context.close()
                            _shut_down_kernels(lab)
                    browser.close()
            finally:
                left = conftest._stop_server(lab)
                os.environ.pop(TIMINGS_ENV, None)
                if left:
                    print(f"processes left after the server stopped: {left}", file=sys.stderr)
    finally:
        for process in load:
            process.kill()
            process.wait()
    ended = load_average()
    print()
    report(rows, started, ended, args.load, len(paths))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    name = "explorers-browser" + (f"-load{args.load}" if args.load else "") + ".json"
    (out / name).write_text(json.dumps({"load_average": [started, ended], "load": args.load,
                                        "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
