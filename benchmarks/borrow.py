"""The test suite's own set-up, for the benchmarks: they measure what the tests check.

``tests/`` is a folder of modules for pytest, not a package, so a benchmark loads the
module it borrows by its path. One loader for all of them: the module is registered in
``sys.modules`` (dataclasses look their module up there) and loaded once, by one
thread at a time.

>>> conftest = load_from_tests("conftest.py")
>>> conftest.CHROMIUM.name
'chromium'
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path
from types import ModuleType

TESTS = Path(__file__).resolve().parent.parent / "tests"
#: Students in threads (bench_hub) borrow at once: none may see a half-loaded module.
_LOADING = threading.Lock()


def load_from_tests(relative: str) -> ModuleType:
    """``tests/<relative>`` as a module, e.g. ``"browser/conftest.py"``."""
    path = TESTS / relative
    name = "_borrowed_" + "_".join(Path(relative).with_suffix("").parts)
    with _LOADING:
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
        return module
