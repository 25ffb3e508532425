"""What a test needs that a fresh clone of the course does not have, and what happens then.

Most tests need nothing but the project. A few read files that only the maintainers'
``shared`` folder (beside the project, as in CI) holds, or the instructors' ``solutions/``
folder, which the student edition leaves out. They say so with a marker::

    @pytest.mark.needs("raw")            # or needs("raw", "cases"), needs("essay"), ...
    pytestmark = pytest.mark.needs("solutions")   # a whole module

or by using one of the fixtures below (``raw_dir``, ``cases_dir``, ``essay_file``,
``excerpt_checker``), which adds the marker itself. When what a test needs is missing,
the test is skipped with one line saying what it needs and how to get it (pytest's
summary folds all skips of one kind into that one line); when ``CI`` is set, it fails
instead, so CI never loses coverage silently. The student edition (``course release
student``) leaves out the modules marked as a whole and deselects the tests marked one by
one (see docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from course import paths
from course.data.sources import SOURCES
from course.publish.hub.settings import default_prefix

try:  # property-based tests (tests/grading/test_properties.py): a dev dependency
    from hypothesis import HealthCheck, settings

    # Derandomized (the same examples on every run and machine, so CI is reproducible and
    # a failure is found again), no per-example deadline (a loaded machine is slow, not
    # wrong), no example database on disk; each test sets its own modest max_examples.
    settings.register_profile("course", derandomize=True, deadline=None, database=None,
                              suppress_health_check=[HealthCheck.too_slow,
                                                     HealthCheck.data_too_large],
                              print_blob=True)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "course"))
except ImportError:  # pragma: no cover - the student edition without dev extras
    pass


@dataclass(frozen=True)
class Need:
    """Something outside the project a test may need."""

    what: str
    how: str
    missing: Callable[[], str | None]  # None when available, else what was not found


def _first_missing(folder: Path, prefix: str) -> str | None:
    for source in SOURCES.values():
        for relative in source.files:
            if relative.startswith(prefix) and not (folder / relative).is_file():
                return str(folder / relative)
    return None


def _missing_file(path: Path) -> str | None:
    return None if path.is_file() else str(path)


def _shared_root() -> Path:
    """The shared folder: the parent of the data folder (holding essay/ and tools/)."""
    return paths.shared_data_dir().parent


def _hub_missing() -> str | None:
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        return "root on Linux (the tests make Unix users and start a hub)"
    for tool in ("useradd", "userdel", "groupadd", "git"):
        if not shutil.which(tool):
            return f"the {tool} command"
    prefix = default_prefix()
    for path in (prefix / "venv" / "bin" / "jupyterhub", prefix / "etc" / "hub.json",
                 prefix / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"):
        if not path.exists():
            return str(path)
    return None


SHARED_HOW = ("put the maintainers' `shared` folder beside the project (../shared) or set "
              "COURSE_RAW_DIR to its data folder")

#: axe-core, the accessibility engine the browser tests run (npm; not committed). CI installs
#: it (.ci/run); the version is pinned so that results do not drift with new rules.
AXE_VERSION = "4.14.1"
AXE_DIR = paths.PROJECT_ROOT / ".cache" / "npm" / "node_modules" / "axe-core"
AXE_INSTALL = f"npm install --prefix .cache/npm --no-save axe-core@{AXE_VERSION}"


def _missing_axe() -> str | None:
    import json

    package = AXE_DIR / "package.json"
    if not (AXE_DIR / "axe.min.js").is_file() or not package.is_file():
        return str(AXE_DIR / "axe.min.js")
    found = json.loads(package.read_text(encoding="utf-8")).get("version")
    return None if found == AXE_VERSION else f"{package} (version {found})"


NEEDS: dict[str, Need] = {
    "raw": Need(
        "the raw third-party releases",
        f"{SHARED_HOW}, or download them with `course data fetch raw`",
        lambda: _first_missing(paths.shared_data_dir(), "raw/")),
    "cases": Need(
        "the cited case tables (shared/data/cases)",
        f"{SHARED_HOW} (they are not a public download)",
        lambda: _first_missing(paths.shared_data_dir(), "cases/")),
    "essay": Need(
        "the essay text (shared/essay/essay.md)",
        f"{SHARED_HOW} (the essay is not redistributed with the course)",
        lambda: _missing_file(_shared_root() / "essay" / "essay.md")),
    "excerpt-checker": Need(
        "the maintainers' excerpt checker (shared/tools/check_excerpts.py)",
        SHARED_HOW,
        lambda: _missing_file(_shared_root() / "tools" / "check_excerpts.py")),
    "axe-core": Need(
        f"axe-core {AXE_VERSION} (the accessibility engine, from npm)",
        f"run `{AXE_INSTALL}` in the project folder (Node.js and npm; .ci/run does it)",
        _missing_axe),
    "solutions": Need(
        "the instructors' material (solutions/, INSTRUCTORS.md, the grading engine's "
        "fixture problem set)",
        "run it in the instructors' copy of the course (the student edition leaves it out)",
        lambda: (None if any(paths.SOLUTIONS_DIR.glob("*/assignment.yaml"))
                 else str(paths.SOLUTIONS_DIR))
        or _missing_file(paths.PROJECT_ROOT / "INSTRUCTORS.md")),
    "hub": Need(
        "root, useradd and the course's JupyterHub installed (venv, proxy, settings)",
        "run the tests as root after `sudo .venv/bin/course hub install` (CI's .ci/run does "
        "it; COURSE_HUB_PREFIX names a hub installed elsewhere)",
        _hub_missing),
}

#: Fixtures that imply a need: a test using one is marked (and skipped or failed) for it.
FIXTURE_NEEDS = {"raw_dir": "raw", "cases_dir": "cases", "essay_file": "essay",
                 "excerpt_checker": "excerpt-checker"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture, name in FIXTURE_NEEDS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.needs(name))


def unmet_need(names) -> str | None:
    """The one-line reason a test with these needs cannot run here, or None."""
    for name in names:
        if name not in NEEDS:
            raise pytest.UsageError(f"unknown need {name!r}; known: {', '.join(NEEDS)}")
        need = NEEDS[name]
        where = need.missing()
        if where is not None:
            return f"needs {need.what}, not found at {where}: {need.how}"
    return None


def pytest_runtest_setup(item):
    names = [name for mark in item.iter_markers("needs") for name in mark.args]
    reason = unmet_need(names) if names else None
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI runs every test: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """Folder holding ``raw/`` (the shared data folder, or the fetched copy)."""
    return paths.shared_data_dir()


@pytest.fixture(scope="session")
def cases_dir() -> Path:
    """Folder holding the cited case tables (``shared/data/cases``)."""
    return paths.shared_data_dir() / "cases"


@pytest.fixture(scope="session")
def essay_file() -> Path:
    """The essay, ``shared/essay/essay.md``."""
    return _shared_root() / "essay" / "essay.md"


@pytest.fixture(scope="session")
def excerpt_checker() -> Path:
    """The maintainers' ``shared/tools/check_excerpts.py``."""
    return _shared_root() / "tools" / "check_excerpts.py"


@pytest.fixture(autouse=True)
def _no_event_loop_left_by_a_browser_session(request):
    """Hide an event loop that a Playwright session left marked as running on this thread.

    Playwright's sync API keeps its loop marked as running on the test process's main thread
    for as long as the browser fixture lives (a session or a module). Code under test that asks
    whether a kernel's loop is running (the explorers draw at once in plain Python, later in a
    kernel) would get the wrong answer in every later test of the same process, and
    ``asyncio.run`` would refuse to start. Tests that drive the browser keep the loop.
    """
    if "chromium" in request.fixturenames:
        yield
        return
    left = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        yield
    finally:
        asyncio.events._set_running_loop(left)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium_installed() -> None:
    """Skip (fail in CI) when Debian's Chromium is missing."""
    if CHROMIUM.exists():
        return
    reason = (f"Debian's Chromium is not installed at {CHROMIUM}: install the 'chromium' "
              "package (apt-get install chromium) to run the browser and hub tests")
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium(chromium_installed):
    """Debian's Chromium driven by Playwright: one per test process, shared by the browser
    and hub tests (Playwright's sync API allows one session per thread)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def executed_lesson(tmp_path_factory) -> Callable[[Path], Path]:
    """``executed_lesson(lesson)``: the lesson run top to bottom in a fresh kernel as
    ``course export`` runs it (:func:`course.publish.export.execute_notebook`), saved with
    its outputs — once per test run, for every test process: the pytest-xdist workers
    share a folder beside their own temporary folders, and a lock per lesson makes the
    first to ask run it while the others wait for the file. (The tests that execute
    notebooks to test the execution itself, tests/notebooks/test_execute.py, run their
    own.) The file is named by the digest of the lesson's text, so an edited lesson is
    run again; if the run fails, every test that asks for it fails with that error."""
    import fcntl
    import hashlib

    import nbformat

    from course.publish import export

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers of this run
    folder = root / "executed-lessons"
    folder.mkdir(exist_ok=True)

    def run(lesson: Path) -> Path:
        digest = hashlib.sha256(lesson.read_bytes()).hexdigest()[:16]
        path = folder / f"{lesson.stem}-{digest}.ipynb"
        with (folder / f"{lesson.stem}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists():
                notebook = export.read_notebook(lesson)
                export.execute_notebook(notebook, lesson.parent)
                partial = path.with_suffix(".part")
                nbformat.write(notebook, partial)
                partial.replace(path)
        return path

    return run
