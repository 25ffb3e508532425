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
