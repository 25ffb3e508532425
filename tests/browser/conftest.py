"""Real-browser fixtures: a private JupyterLab server and Debian's Chromium, offline.

* ``jupyterlab`` starts ``jupyter lab`` on 127.0.0.1 with a random free port, a random
  token, and its own config / runtime / data / settings / workspace folders under
  ``tmp_path``, serving the project root. It is stopped with SIGTERM afterwards, and the
  test fails if any process started for it (kernels run in their own process group)
  is still alive.
* ``lab_page`` is a Chromium page (Playwright, sync API) in which every request to a
  host other than 127.0.0.1 / localhost is aborted and counted: the course must work
  in a classroom with no network. After each test (pass or fail) a full-page
  screenshot (``final.png`` or ``failure.png``), the browser console log, the blocked
  requests and the server log are saved under ``test-artifacts/<test name>/``.

The server runs with the course's own JupyterLab settings (``jupyter/``, through
:func:`course.publish.lab.lab_environment`, as ``make lab`` and Binder do): the course's
Vega-Lite renderer, no news or update checks, terminals with the course's commands.
It never writes into the project: autosave is off in its private settings and
checkpoints go to ``tmp_path``; its HTTP(S) proxy is a closed local port, so server and
kernels cannot reach the network either.

Chromium comes from Debian (``/usr/bin/chromium``); Playwright never downloads a
browser. Without it the tests fail when ``CI`` is set and are skipped, with the reason,
elsewhere.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from course.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from course.publish.lab import lab_environment

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
SERVER_START_TIMEOUT = 90  # seconds
LESSON_NAME = re.compile(r"^\d\d-[a-z0-9-]+\.ipynb$")


def lessons() -> list[Path]:
    """``notebooks/NN-*.ipynb``, in course order (found when tests are collected)."""
    return sorted(p for p in NOTEBOOKS_DIR.glob("*.ipynb") if LESSON_NAME.match(p.name))


def pytest_generate_tests(metafunc):
    # Module scope: a module's tests are grouped lesson by lesson, so that a module-scoped
    # fixture (one JupyterLab session per lesson: test_lessons_in_jupyterlab.py) serves
    # all of a lesson's tests before moving on.
    if "lesson" in metafunc.fixturenames:
        paths = lessons()
        metafunc.parametrize("lesson", paths or [None], scope="module",
                             ids=[p.stem for p in paths] or ["no-lessons-found"])


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report



def load_sibling(name: str):
    """Import another module of tests/browser by file name (its helpers, e.g. the lesson
    drivers of ``test_lessons_in_jupyterlab.py``); the test folders are not packages."""
    import importlib.util

    path = Path(__file__).with_name(name)
    spec = importlib.util.spec_from_file_location(f"_browser_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def axe():
    """``axe.py``: axe-core's WCAG rules run in a page (the ``axe-core`` need)."""
    return load_sibling("axe.py")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _processes_mentioning(marker: str) -> list[int]:
    """PIDs of live processes whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="ignore")
            state = next((line for line in (entry / "status").read_text().splitlines()
                          if line.startswith("State:")), "")
        except OSError:
            continue
        if marker in cmdline and "zombie" not in state:
            found.append(int(entry.name))
    return found


@dataclass
class JupyterLab:
    """A running JupyterLab server started for one test."""

    url: str
    token: str
    process: subprocess.Popen
    home: Path
    log_path: Path
    started_at: float  # time.perf_counter() just before the server process was launched
    ready_after: float = 0.0  # seconds until /api/status answered

    def lab_url(self, notebook: Path) -> str:
        relative = notebook.resolve().relative_to(PROJECT_ROOT).as_posix()
        return f"{self.url}/lab/tree/{relative}?token={self.token}"

    def api(self, path: str):
        request = urllib.request.Request(f"{self.url}{path}",
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:  # loopback only
            return json.loads(response.read() or b"null")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


#: User settings for the test's private JupyterLab, on top of the course's own
#: (``jupyter/lab-settings``, which already turn news and update checks off): never write
#: to the lessons on disk (autosave off: the test runs them, and committed notebooks must
#: stay output-free), and keep every cell in the page (no windowing) so all can be checked.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # Terminal text in the DOM (xterm's accessibility tree), so a test can read it.
    "@jupyterlab/terminal-extension/plugin.jupyterlab-settings": {"screenReaderMode": True},
}


def _write_lab_settings(settings_dir: Path) -> None:
    for name, values in LAB_SETTINGS.items():
        path = settings_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def _start_server(home: Path) -> JupyterLab:
    dirs = {name: home / name for name in
            ("config", "runtime", "data", "settings", "workspaces", "ipython")}
    for folder in dirs.values():
        folder.mkdir(parents=True, exist_ok=True)
    # The course's own JupyterLab settings (jupyter/), as `course lab` and Binder use them.
    env = lab_environment(dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(dirs["config"]), JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        JUPYTER_DATA_DIR=str(dirs["data"]), JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
        JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]), IPYTHONDIR=str(dirs["ipython"]),
        JUPYTER_PLATFORM_DIRS="1", PYTHONUNBUFFERED="1"))
    # Server and kernels: HTTP(S) beyond loopback goes to a closed local port.
    env.update({name: "http://127.0.0.1:9" for name in
                ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")})
    env.update(no_proxy="127.0.0.1,localhost", NO_PROXY="127.0.0.1,localhost")
    _write_lab_settings(dirs["settings"])
    # The port is free when chosen but not held: on a busy machine another process (a
    # kernel's ZeroMQ socket, say) can take it before the server binds it. The server then
    # exits ("already in use") and is started again on another port. (--ServerApp.port=0
    # would not close the gap: jupyter_server 2.21 finds a port by binding it, closes it,
    # and binds it again when it starts listening.)
    for _ in range(PORT_ATTEMPTS):
        lab = _launch(home, env, _free_port(), secrets.token_hex(24))
        if lab is not None:
            return lab
    raise RuntimeError(f"jupyter lab found no free port in {PORT_ATTEMPTS} attempts:\n"
                       f"{(home / 'server.log').read_text(errors='replace')}")


#: How many ports a server start tries (see _start_server).
PORT_ATTEMPTS = 3


def _launch(home: Path, env: dict, port: int, token: str) -> JupyterLab | None:
    """Start the server on ``port`` and wait until it answers; None if the port was taken."""
    command = [sys.executable, "-m", "jupyterlab", "--no-browser",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={PROJECT_ROOT}",
               # JupyterLab makes a checkpoint copy of each notebook it opens: keep those
               # out of the project (they would land in notebooks/.ipynb_checkpoints).
               f"--FileCheckpoints.root_dir={home / 'checkpoints'}",
               ]  # news, update checks, the course renderer: jupyter/jupyter_server_config.py
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log_path = home / "server.log"
    started_at = time.perf_counter()
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    lab = JupyterLab(url=f"http://127.0.0.1:{port}", token=token, process=process, home=home,
                     log_path=log_path, started_at=started_at)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        if process.poll() is not None:
            if "already in use" in lab.log():
                return None
            raise RuntimeError(f"jupyter lab exited with {process.returncode}:\n{lab.log()}")
        try:
            lab.api("/api/status")
            break
        # HTTPException: something else holds the port and answers in another protocol
        # (ZeroMQ's greeting reads as a bad status line); our server will exit.
        except (urllib.error.URLError, ConnectionError, OSError, http.client.HTTPException):
            if time.monotonic() > deadline:
                _stop_server(lab)
                raise RuntimeError(f"jupyter lab did not answer in {SERVER_START_TIMEOUT} s:"
                                   f"\n{lab.log()}") from None
            time.sleep(0.2)
    lab.ready_after = time.perf_counter() - started_at
    return lab


def _stop_server(lab: JupyterLab) -> list[int]:
    """SIGTERM the server, wait, and return PIDs of its processes that are still alive."""
    if lab.process.poll() is None:
        lab.process.send_signal(signal.SIGTERM)
        try:
            lab.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(lab.process.pid, signal.SIGKILL)
            lab.process.wait(timeout=10)
    # Kernels are started in their own process groups with a connection file in our
    # private runtime folder, so that folder's path identifies every process we caused.
    marker = str(lab.home)
    deadline = time.monotonic() + 15
    left = _processes_mentioning(marker)
    while left and time.monotonic() < deadline:
        time.sleep(0.3)
        left = _processes_mentioning(marker)
    return left


@pytest.fixture
def jupyterlab(tmp_path, chromium_installed):
    """A fresh JupyterLab server for one test; fails the test if anything outlives it."""
    with running_jupyterlab(tmp_path / "jupyter") as lab:
        yield lab


@contextlib.contextmanager
def running_jupyterlab(home: Path):
    """A JupyterLab server with its folders under ``home``, for a ``with`` block; on the
    way out it is stopped and anything it started that is still alive is killed and
    reported (AssertionError)."""
    lab = _start_server(home)
    try:
        yield lab
    finally:
        left = _stop_server(lab)
        for pid in left:  # processes this server started: clean up, then report
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert not left, f"processes still running after the server stopped: {left}"


@dataclass
class PageRecord:
    """What a page did: blocked off-machine requests and console messages."""

    blocked: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)


def artifacts_folder(node) -> Path:
    """``test-artifacts/<test name>/``, emptied, for a test's screenshots and logs."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", node.name).strip("_")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def open_page(chromium, folder: Path, viewport=(1400, 1000)):
    """A Chromium context and page in which every request beyond loopback is aborted.

    The page carries ``page.record`` (blocked requests, console messages) and
    ``page.artifacts`` (``folder``). Returns ``(context, page)``; close the context.
    """
    context = chromium.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    record = PageRecord()

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        if host in LOOPBACK:
            route.continue_()
        else:
            record.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    page.route("**/*", guard)
    page.on("console", lambda msg: record.console.append(f"[{msg.type}] {msg.text}"))
    page.on("pageerror", lambda error: record.console.append(f"[pageerror] {error}"))
    page.record, page.artifacts = record, folder
    return context, page


def failed_in(request) -> bool:
    """Whether the test of ``request`` failed in its set-up or its call."""
    return any(getattr(getattr(request.node, f"report_{when}", None), "failed", False)
               for when in ("setup", "call"))


def save_page_artifacts(page, folder: Path, failed: bool, jupyterlab: JupyterLab) -> None:
    """A full-page screenshot (``final.png`` or ``failure.png``), the console log, the
    blocked requests and the server log, into ``folder``."""
    try:
        page.screenshot(path=str(folder / ("failure.png" if failed else "final.png")),
                        full_page=True)
    except Exception as error:  # noqa: BLE001 - keep the logs even if this fails
        page.record.console.append(f"[test] screenshot failed: {error}")
    (folder / "console.log").write_text("\n".join(page.record.console))
    (folder / "blocked-requests.txt").write_text("\n".join(page.record.blocked))
    (folder / "server.log").write_text(jupyterlab.log())


@pytest.fixture
def lab_page(request, chromium, jupyterlab):
    """A Chromium page with every request beyond loopback aborted (:func:`open_page`).

    A full-page screenshot, the console log, the blocked requests and the server log are
    written to ``test-artifacts/<test name>/`` after every test, so a failure can be
    diagnosed and a pass can be looked at.
    """
    folder = artifacts_folder(request.node)
    context, page = open_page(chromium, folder)
    yield page
    save_page_artifacts(page, folder, failed_in(request), jupyterlab)
    context.close()


# ------------------------------------------------------------------ one session per lesson

@dataclass
class LessonSession:
    """A lesson opened and Run All in its own JupyterLab and Chromium page, shared by the
    checks of one test module (``lesson_session``)."""

    lesson: Path
    jupyterlab: JupyterLab
    page: object  # playwright.sync_api.Page, with .record and .artifacts
    cells: list[dict]
    saved: bytes  # the lesson file before the browser opened it
    times: dict[str, float]  # seconds since the server launched, at each stage


@pytest.fixture(scope="module")
def lesson_session(lesson, chromium, tmp_path_factory):
    """``lesson`` opened in a fresh JupyterLab, its kernel idle, Run All done and every cell
    run: once per lesson and module, for several tests that each check what is then on
    screen (and may go on from there, as a student would). The server is stopped after the
    lesson's last test, which fails if anything it started outlives it. If the Run All
    itself fails, every test of the lesson errors with that failure, and its screenshot and
    logs go to ``test-artifacts/run-all_<lesson>/``."""
    assert lesson is not None, "no notebooks/NN-*.ipynb lessons found"
    import json

    drivers = load_sibling("test_lessons_in_jupyterlab.py")
    saved = lesson.read_bytes()
    cells = json.loads(saved.decode("utf-8"))["cells"]
    n_code = sum(c["cell_type"] == "code" for c in cells)
    folder = ARTIFACTS / f"run-all_{lesson.stem}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with running_jupyterlab(tmp_path_factory.mktemp(f"jupyter-{lesson.stem}")) as lab:
        context, page = open_page(chromium, folder)
        try:
            try:
                times = drivers._open_and_run_all(page, lab, lesson, n_code,
                                                  wait_for_chart=True)
            except BaseException:
                save_page_artifacts(page, folder, True, lab)
                raise
            shutil.rmtree(folder, ignore_errors=True)  # each test keeps its own
            yield LessonSession(lesson, lab, page, cells, saved, times)
        finally:
            context.close()


@pytest.fixture
def lesson_page(request, lesson_session):
    """The lesson's shared session (``lesson_session``) for one test, whose screenshots,
    console log, blocked requests and server log go to ``test-artifacts/<test name>/``."""
    folder = artifacts_folder(request.node)
    lesson_session.page.artifacts = folder
    yield lesson_session
    save_page_artifacts(lesson_session.page, folder, failed_in(request),
                        lesson_session.jupyterlab)
