"""The benchmarks find what they borrow from the tests (they are run on demand, not in the
suite, so a renamed fixture would otherwise break them unseen). Each check runs in a fresh
interpreter, as ``python benchmarks/bench_*.py`` does: nothing another test loaded first
can make a broken loader work."""

from __future__ import annotations

import subprocess
import sys

import pytest

from course.paths import PROJECT_ROOT

BENCHMARKS = PROJECT_ROOT / "benchmarks"

#: What each benchmark borrows, as a statement that prints "ok" when it is found.
BORROWED = {
    "bench_explorers_browser": (
        "conftest, helpers, chromium = module.browser_kit();"
        "assert callable(conftest._start_server) and callable(conftest._stop_server);"
        "assert conftest.LOOPBACK and callable(helpers._open_and_run_all);"
        "assert chromium.CHROMIUM.name == 'chromium' and '--headless' in chromium.CHROMIUM_ARGS"),
    "bench_hub": (
        "chromium = module.chromium_settings();"
        "assert chromium.CHROMIUM.name == 'chromium' and '--no-sandbox' in chromium.CHROMIUM_ARGS"),
    "bench_grading": "assert callable(module.build.build)",
    "bench_review": "assert callable(module._gradebooks().build_gradebook)",
    "bench_startup": ("browser = module.load_from_tests('browser/conftest.py');"
                      "assert callable(browser._start_server) and callable(browser._stop_server)"),
}


@pytest.mark.parametrize("bench", sorted(BORROWED))
def test_each_benchmark_finds_the_tests_set_up_when_run_on_its_own(bench):
    script = (f"import sys; sys.path.insert(0, {str(BENCHMARKS)!r}); "
              f"import {bench} as module; {BORROWED[bench]}; print('ok')")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=PROJECT_ROOT, timeout=120)
    assert run.stdout.strip() == "ok", f"{bench}: {run.stderr[-1500:]}"


def test_students_in_threads_never_borrow_a_half_loaded_module():
    """bench_hub's Chromium students start in threads at once; each must find the whole
    module, not the one another thread is still loading."""
    script = (f"import sys, threading; sys.path.insert(0, {str(BENCHMARKS)!r}); import borrow\n"
              "found = []\n"
              "def student(): found.append(hasattr(borrow.load_from_tests('conftest.py'),"
              " 'CHROMIUM_ARGS'))\n"
              "threads = [threading.Thread(target=student) for _ in range(8)]\n"
              "[t.start() for t in threads]; [t.join() for t in threads]\n"
              "print(found.count(True), 'of', len(found))")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=PROJECT_ROOT, timeout=120)
    assert run.stdout.strip() == "8 of 8", run.stdout + run.stderr[-1500:]


def _bench_hub():
    import importlib.util

    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location("_bench_hub_trace",
                                                      BENCHMARKS / "bench_hub.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # (its dataclasses look their module up)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_the_hub_trace_tells_which_slow_changes_met_a_class_still_loading():
    """bench_hub's tail: a change made while another student runs the lesson is counted as
    such, one made after everyone is ready is 'settled', and the parts are kept."""
    hub = _bench_hub()
    early = hub.Student("s1", browser=False, arrived=100.0, ready_s=30.0)  # loads 100-130
    late = hub.Student("s2", browser=False, arrived=110.0, ready_s=50.0)  # loads 110-160
    early.changes = [
        {"at": 135.0, "nth": 1, "control": "Measure", "latency_s": 2.5, "waiting_s": 2.0,
         "kernel_s": 0.4, "delivery_s": 0.1},  # s2 still loading
        {"at": 170.0, "nth": 2, "control": "Years", "latency_s": 0.1, "waiting_s": 0.01,
         "kernel_s": 0.08, "delivery_s": 0.01},
    ]
    late.changes = [{"at": 165.0, "nth": 1, "control": "Measure", "latency_s": 0.2,
                     "waiting_s": 0.02, "kernel_s": 0.15, "delivery_s": 0.03}]
    rows = hub.trace([early, late], began=100.0)
    assert [(r["student"], r["at_s"], r["others_loading"]) for r in rows] == [
        ("s1", 35.0, 1), ("s2", 65.0, 0), ("s1", 70.0, 0)]
    tail = hub.tail_of(rows, q=0.95)
    assert tail["count"] == 1 and tail["while_others_loading"] == 1 and tail["nth"] == [1]
    assert tail["median_parts_s"]["waiting_s"] == 2.0
    assert tail["settled_latency"]["count"] == 2
    assert tail["settled_latency"]["median_s"] == pytest.approx(0.15)
