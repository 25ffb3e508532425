"""A real class on this machine for the hub tests: three students, a students'
repository and the installed JupyterHub on 127.0.0.1 (see :mod:`course.publish.hub.local`).

``hub_class`` (one per module) builds the student edition from this checkout, checks
that the installed hub runs the same course (else: reinstall), commits the edition to a
bare repository served by ``git daemon``, makes the Unix users ``hubtest-s1..s3`` (group
``hubtest-class``, private homes) and starts the hub with JupyterHub's test
authenticator for them. Afterwards it stops the hub, fails if anything it started is
still running, and removes the users, their homes and the folder.

``chromium`` is Debian's Chromium driven by Playwright, with every request beyond
loopback aborted (as in tests/browser).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

from course.paths import PROJECT_ROOT
from course.publish.hub import local
from course.publish.hub.install import fingerprint
from course.publish.hub.settings import default_prefix, load
from course.publish.release import write_student_edition

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
GROUP = "hubtest-class"
REPO_NAME = "alliances-course.git"


@dataclass
class HubClass:
    hub: local.LocalHub
    students: list[str]
    repo: str  # the students' repository, as the links name it
    bare: Path  # its bare repository on disk
    edition: Path  # the working copy it is published from
    work: Path

    @property
    def url(self) -> str:
        return self.hub.url


@pytest.fixture(scope="module")
def hub_class(request):
    prefix = default_prefix()
    installed = load(prefix)
    # World-readable (mkdtemp makes 0700): the students' servers read nothing here, but
    # the git daemon and the users' shells in the tests must be able to reach it.
    work = Path(tempfile.mkdtemp(prefix="hubtest-"))
    work.chmod(0o755)
    students = local.student_names("hubtest", 3)
    hub = None
    try:
        edition = work / "edition"
        write_student_edition(edition)
        want, have = fingerprint(edition), (prefix / "etc" / "course.sha256")
        have = have.read_text().strip() if have.exists() else "(none)"
        if want != have:
            pytest.fail(f"the hub at {prefix} runs another version of the course than this "
                        f"checkout: run `sudo .venv/bin/course hub install --prefix {prefix}`",
                        pytrace=False)
        local.create_students(students, GROUP)
        local.publish_edition(edition, work / "repos" / REPO_NAME)
        with local.git_server(work / "repos") as git:
            repo = f"{git}/{REPO_NAME}"
            settings = local.run_settings(installed, work, students, repo, group=GROUP)
            hub = local.start_hub(settings, work / "hub")
            yield HubClass(hub, students, repo, work / "repos" / REPO_NAME, edition, work)
            left = local.stop_hub(hub, students)
            log = hub.log()
            hub = None
            folder = ARTIFACTS / f"hub-{request.module.__name__.rsplit('.', 1)[-1]}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "hub.log").write_text(log)
            assert not left, f"still running after the hub stopped (killed now): {left}"
    finally:
        if hub is not None:
            local.stop_hub(hub, students)
        local.remove_students(students, GROUP)
        shutil.rmtree(work, ignore_errors=True)




@pytest.fixture
def new_page(chromium):
    """``new_page()`` -> (context, page): a fresh browser session (its own cookies, so
    its own student) whose requests beyond loopback are aborted and listed in
    ``page.blocked``."""
    contexts = []

    def make():
        context, page = _page(chromium)
        contexts.append(context)
        return context, page

    yield make
    for context in contexts:
        context.close()


def _page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    blocked, console = [], []

    def guard(route):
        if (urlparse(route.request.url).hostname or "") in LOOPBACK:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    page.route("**/*", guard)
    page.on("console", lambda msg: console.append(f"[{msg.type}] {msg.text}"))
    page.blocked, page.console_log = blocked, console
    return context, page
