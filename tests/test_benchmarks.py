"""The benchmarks find what they borrow from the tests (they are run on demand, not in the
suite, so a renamed fixture would otherwise break them unseen)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from course.paths import PROJECT_ROOT

BENCHMARKS = PROJECT_ROOT / "benchmarks"


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(f"_test_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_explorer_benchmark_finds_the_browser_tests_set_up():
    conftest, helpers, chromium = _bench("bench_explorers_browser").browser_kit()
    assert callable(conftest._start_server) and callable(conftest._stop_server)
    assert conftest.LOOPBACK and callable(helpers._open_and_run_all)
    assert isinstance(chromium.CHROMIUM, Path) and "--headless" in chromium.CHROMIUM_ARGS


def test_the_hub_benchmark_launches_chromium_as_the_tests_do():
    chromium = _bench("bench_hub").chromium_settings()
    assert isinstance(chromium.CHROMIUM, Path) and "--no-sandbox" in chromium.CHROMIUM_ARGS
