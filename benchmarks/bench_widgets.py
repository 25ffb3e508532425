"""How long does a claim explorer's kernel take from a control change to the message it sends?

Finds every function named ``*_explorer`` in the modules of ``course.widgets`` that can
be called without arguments and returns a :class:`course.widgets.base.Explorer`, so the
explorers other lessons add are timed too. For each explorer it sets every control to a
few other values in turn (options of a dropdown, ends and middle of a slider) and times
what the kernel does for that change in JupyterLab: ``control.value = new`` (which
recomputes the view), then the chart's outputs as the explorer sends them
(:meth:`~course.widgets.base.Explorer.chart_outputs`: the spec, fitted to share a slide
with the controls and verdict) serialised to JSON. The first change of each control is a
warm-up and is not counted, so one-off loading of data is left out; everything else is a
fresh setting.

This is the kernel's share only. What a student waits for also includes the message's
way to the browser and the drawing of the chart there:
``benchmarks/bench_explorers_browser.py`` measures that, in JupyterLab in Chromium.

Usage (from the project root)::

    python benchmarks/bench_widgets.py            # all explorers
    python benchmarks/bench_widgets.py polarity   # only modules whose name contains it

Prints the median and the slowest change per explorer (wall-clock), and the median
CPU time of this process (steadier when other jobs share the machine); the course's
target is a median of at most 100 ms. A setting that the view rejects (an empty year
range, say) is timed too and counted under "errors": the widget shows a message instead
of a chart.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import statistics
import sys
import time

TARGET_MS = 100.0


def explorer_factories(filter_text: str = ""):
    """(qualified name, factory) for every ``*_explorer`` callable in course.widgets.*."""
    import course.widgets

    found = []
    for info in pkgutil.iter_modules(course.widgets.__path__):
        if info.name == "base" or filter_text not in info.name:
            continue
        module = importlib.import_module(f"course.widgets.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isfunction):
            if not name.endswith("_explorer") or obj.__module__ != module.__name__:
                continue
            required = [p for p in inspect.signature(obj).parameters.values()
                        if p.default is inspect.Parameter.empty
                        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
            if not required:
                found.append((f"{info.name}.{name}", obj))
    return found


def candidate_values(control) -> list:
    """A few values other than the current one for a control (may be empty)."""
    current = control.value
    options = getattr(control, "options", None)
    if options:
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        if isinstance(current, tuple):  # multiple selection: try a few subsets
            subsets = [tuple(values), tuple(values[:2]), tuple(values[1:3]), tuple(values[-2:])]
            return [v for v in dict.fromkeys(subsets) if v and v != current]
        return [v for v in values if v != current][:4]
    low, high = getattr(control, "min", None), getattr(control, "max", None)
    if low is None or high is None:
        return [not current] if isinstance(current, bool) else []
    if isinstance(current, tuple):  # range slider
        span = high - low
        picks = [(low, high), (low + span // 2, high), (low, low + span // 2),
                 (high - max(span // 8, 1), high)]
        return [p for p in picks if p != tuple(current)]
    step = getattr(control, "step", 1) or 1
    mid = low + round((high - low) / 2 / step) * step
    return [v for v in dict.fromkeys([low, high, mid]) if v != current]


def time_explorer(factory) -> dict:
    """Median and max milliseconds per change, number of timed changes and errors."""
    from course.widgets.base import Explorer

    explorer = factory()
    if not isinstance(explorer, Explorer):
        return {}
    times, cpu, errors = [], [], 0
    for _name, control in explorer.controls.items():
        start_value = control.value
        for i, value in enumerate(candidate_values(control)):
            began, began_cpu = time.perf_counter(), time.process_time()
            control.value = value
            json.dumps(explorer.chart_outputs())  # what the kernel sends the browser
            elapsed = 1000 * (time.perf_counter() - began)
            elapsed_cpu = 1000 * (time.process_time() - began_cpu)
            if explorer.current is None:
                errors += 1
            if i > 0:  # the first change of each control warms caches
                times.append(elapsed)
                cpu.append(elapsed_cpu)
        control.value = start_value
    if not times:
        return {"changes": 0, "errors": errors}
    return {"median": statistics.median(times), "max": max(times),
            "cpu": statistics.median(cpu), "changes": len(times), "errors": errors}


def main(argv: list[str]) -> int:
    filter_text = argv[1] if len(argv) > 1 else ""
    factories = explorer_factories(filter_text)
    if not factories:
        print("no explorers found")
        return 1
    print(f"{'explorer':40} {'median ms':>10} {'max ms':>8} {'cpu ms':>7} {'changes':>8} "
          f"{'errors':>7}")
    slow = 0
    for name, factory in factories:
        try:
            result = time_explorer(factory)
        except Exception as error:  # noqa: BLE001 - report and go on to the next explorer
            print(f"{name:40} failed: {type(error).__name__}: {error}")
            slow += 1
            continue
        if "median" not in result:
            print(f"{name:40} {'-':>10} {'-':>8} {'-':>7} {result.get('changes', 0):>8} "
                  f"{result.get('errors', 0):>7}")
            continue
        flag = "" if result["median"] <= TARGET_MS else "  (over the 100 ms target)"
        slow += bool(flag)
        print(f"{name:40} {result['median']:10.1f} {result['max']:8.1f} {result['cpu']:7.1f} "
              f"{result['changes']:8d} {result['errors']:7d}{flag}")
    return 0 if slow == 0 else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
