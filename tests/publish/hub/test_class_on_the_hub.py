"""A class on the real hub, end to end: links, private homes, edits kept, collection.

On the installed JupyterHub (configurable-http-proxy in front, LocalProcessSpawner,
nbgitpuller in each server), with three Unix users (see conftest.py):

1. a student logs in in Chromium, follows lesson 01's link (``course hub-link``), lands
   on that lesson in JupyterLab, runs it, moves the explorer (the chart is redrawn: the
   widgets work through the hub), adds a note and saves — and the note is in the
   notebook in *their own* home, owned by them, the home private (0700);
2. a second student, logging in without a link, lands on lesson 00 (the hub's default
   URL pulls the course first); they cannot read the first student's files, neither as
   their Unix user nor through the first student's server's address;
3. after the course is updated upstream, following the link again brings the update and
   keeps the first student's note (nbgitpuller's merge);
4. ``course collect`` copies the problem sets from the homes (on time, late, missing,
   and a link planted to another student's work refused) and ``course grade`` grades
   the folders it wrote, with each file's own time;
5. nothing the hub started is left running (conftest.py fails the module otherwise).
"""

from __future__ import annotations

import csv
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from course.paths import PROJECT_ROOT, SOLUTIONS_DIR
from course.publish.hub.links import lesson_link
from course.publish.hub.local import publish_edition

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
# One hub and one class of Unix students for the module, its tests in order: `make test`
# sends a whole module to one xdist worker (--dist loadfile).
pytestmark = [pytest.mark.needs("hub", "solutions"), pytest.mark.browser, pytest.mark.slow]

LESSON = "notebooks/01-measuring-power-and-polarity.ipynb"
FOLDER = "alliances-course"
TIMEOUT_MS = 180_000
MARKER = "my note for the hub test"
STATE: dict = {}

KERNEL_READY_JS = r"""
() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const name = panel.querySelector('.jp-Toolbar-kernelName, .jp-KernelName');
  const bar = document.querySelector('#jp-main-statusbar');
  return !!indicator && indicator.getAttribute('data-status') === 'idle'
    && !!name && name.textContent.trim() !== '' && !/No Kernel/.test(name.textContent)
    && !!bar && /\|\s*Idle/.test(bar.innerText);
}
"""
ALL_RAN_JS = r"""
() => {
  const prompts = Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt'))
    .map(e => e.textContent.trim());
  return prompts.length > 0 && prompts.every(p => /^\[\d+\]/.test(p));
}
"""
EXPLORER_CHART_JS = r"""
(index) => {
  const cells = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell');
  const svg = cells[index] && cells[index].querySelector('.vega-embed svg.marks');
  return svg ? svg.outerHTML : '';
}
"""


def _home(user: str) -> Path:
    import pwd

    return Path(pwd.getpwnam(user).pw_dir)


def _login(page, url: str, user: str) -> None:
    page.goto(f"{url}/hub/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", "any password: the test authenticator")
    page.click("#login_submit")


def _open_lesson(page) -> None:
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=TIMEOUT_MS)
    page.wait_for_function(KERNEL_READY_JS, timeout=TIMEOUT_MS, polling=250)


def _showing(page, lesson: str) -> None:
    """Wait until the lesson is the current tab, with its cells and a ready kernel.

    The address bar is no witness: JupyterLab rewrites it as the workspace is restored
    (to the file browser's folder, for one), so a lesson already open from an earlier visit
    can be on screen while the address names its folder.
    """
    page.wait_for_function(
        "name => [...document.querySelectorAll('.lm-DockPanel-tabBar .lm-TabBar-tab"
        ".lm-mod-current .lm-TabBar-tabLabel')].some(e => e.textContent.trim() === name)",
        arg=Path(lesson).name, timeout=TIMEOUT_MS, polling=250)
    _open_lesson(page)


def _explorer_index(edition: Path) -> int:
    """The explorer cell's place in the lesson students get: the student edition's copy,
    which has no presenter notes, so its cells are not the checkout's."""
    cells = json.loads((edition / LESSON).read_text(encoding="utf-8"))["cells"]
    return next(i for i, c in enumerate(cells)
                if "explorer" in c.get("metadata", {}).get("tags", []))


def _as_user(user: str, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", user, "--", *command], capture_output=True,
                          text=True)


def _saved_text(path: Path, wait: float = 60) -> str:
    """The notebook's text once it parses (the server rewrites it in place)."""
    deadline = time.monotonic() + wait
    while True:
        text = path.read_text(encoding="utf-8")
        try:
            json.loads(text)
            return text
        except ValueError:
            if time.monotonic() > deadline:
                return text
            time.sleep(0.5)


def _shot(page, name: str) -> None:
    folder = ARTIFACTS / "hub-class"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def test_student_follows_lesson_link_runs_explorer_and_saves_in_own_home(hub_class, new_page):
    student = hub_class.students[0]
    context, page = new_page()
    try:
        _login(page, hub_class.url, student)
        link = lesson_link(hub_class.url, hub_class.repo, LESSON)
        page.goto(link)
        _open_lesson(page)
        assert page.url.endswith(f"/user/{student}/lab/tree/{FOLDER}/{LESSON}"), page.url
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        page.wait_for_function(ALL_RAN_JS, timeout=TIMEOUT_MS, polling=500)
        page.wait_for_function(KERNEL_READY_JS, timeout=TIMEOUT_MS, polling=250)
        index = _explorer_index(hub_class.edition)
        cell = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").nth(index)
        cell.scroll_into_view_if_needed()
        page.wait_for_function(EXPLORER_CHART_JS, arg=index, timeout=60_000)
        before = page.evaluate(EXPLORER_CHART_JS, index)
        select = cell.locator(".widget-dropdown select").first
        values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
        select.select_option(next(v for v in values if v != select.input_value()))
        page.wait_for_function(f"(i) => ({EXPLORER_CHART_JS})(i) !== {json.dumps(before)}",
                               arg=index, timeout=60_000)
        outputs = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output")
        assert not [t for t in outputs.all_inner_texts() if "Traceback" in t]
        # The student's own note, saved with Ctrl+S.
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.click()
        page.keyboard.press("Escape")
        page.keyboard.press("a")  # a new code cell above, then Enter to type into it
        page.keyboard.press("Enter")
        page.keyboard.type(f"# {MARKER}")
        page.keyboard.press("Escape")
        page.keyboard.press("Control+s")
        # Saved when the tab's "unsaved changes" mark goes (a loaded machine takes a while).
        page.wait_for_function("() => !document.querySelector('.lm-TabBar-tab.jp-mod-current"
                               ".jp-mod-dirty')", timeout=TIMEOUT_MS, polling=500)
        _shot(page, "01-student-lesson-saved")
        saved = _home(student) / FOLDER / LESSON
        assert MARKER in _saved_text(saved), "the saved lesson lacks the note"
        import pwd

        uid = pwd.getpwnam(student).pw_uid
        assert saved.stat().st_uid == uid, "the saved notebook is not the student's own"
        assert stat.S_IMODE(_home(student).stat().st_mode) & 0o077 == 0, "home not private"
        assert not page.blocked, f"requests beyond loopback: {page.blocked[:3]}"
        STATE["saved"] = saved
    finally:
        context.close()


def test_another_student_lands_on_lesson_00_and_cannot_read_the_first(hub_class, new_page):
    first, second = hub_class.students[:2]
    context, page = new_page()
    try:
        _login(page, hub_class.url, second)
        _open_lesson(page)  # no link: the hub's default URL pulls the course, opens 00
        lesson_00 = f"/user/{second}/lab/tree/{FOLDER}/notebooks/00-how-this-course-works.ipynb"
        assert page.url.endswith(lesson_00), page.url
        _shot(page, "02-second-student-lesson-00")
        response = page.goto(f"{hub_class.url}/user/{first}/api/contents/{FOLDER}/{LESSON}")
        assert response.status in (403, 404), (
            f"{second} reached {first}'s server: HTTP {response.status}")
        assert MARKER not in page.content()
    finally:
        context.close()
    theirs = _home(first) / FOLDER / LESSON
    result = _as_user(second, "cat", str(theirs))
    assert result.returncode != 0 and "Permission denied" in result.stderr, result
    result = _as_user(second, "ls", str(_home(first)))
    assert result.returncode != 0, f"{second} can list {first}'s home"
    assert (_home(second) / FOLDER / "notebooks").is_dir()


def test_following_the_link_again_brings_updates_and_keeps_the_edits(hub_class, new_page):
    saved = STATE.get("saved")
    if saved is None:
        pytest.fail("needs the first test's saved note (it failed)", pytrace=False)
    student = hub_class.students[0]
    update = "\nUpdated for week 2: see lesson 02.\n"
    readme = hub_class.edition / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + update, encoding="utf-8")
    publish_edition(hub_class.edition, hub_class.bare, message="Week 2 update")
    context, page = new_page()
    try:
        _login(page, hub_class.url, student)
        # The student's server is running: logging in lands on the hub's default page,
        # which pulls the course first. Let that pull finish before the link starts
        # another: in a loaded run, the link's pull, started while the first was cut off
        # mid-way, ended at once and never opened the lesson.
        _open_lesson(page)
        page.goto(lesson_link(hub_class.url, hub_class.repo, LESSON))
        _showing(page, LESSON)
        _shot(page, "03-link-again")
    finally:
        context.close()
    assert MARKER in _saved_text(saved), "the second click lost the edits"
    theirs = _home(student) / FOLDER / "README.md"
    assert "Updated for week 2" in theirs.read_text(encoding="utf-8"), "update not pulled"


def _plant(user: str, path: Path, source: Path, mtime: float) -> None:
    import pwd

    account = pwd.getpwnam(user)
    path.write_bytes(source.read_bytes())
    os.chown(path, account.pw_uid, account.pw_gid)
    os.utime(path, (mtime, mtime))


def test_collect_feeds_grade(hub_class, tmp_path):
    s1, s2, s3 = hub_class.students
    deadline = time.time() + 3600  # an hour from now: s1 is on time, s2's file is set later
    work = {user: _home(user) / FOLDER / "exercises" / "ps1" for user in (s1, s2)}
    assert all(folder.is_dir() for folder in work.values()), "the course was not pulled"
    # s1 works in their notebook (the reference solution stands in for their answers) and
    # hands it in with `course submit` — what check.submit runs — as their own Unix user,
    # with the hub's environment; s2 leaves a blank notebook, saved after the deadline;
    # s3 never pulled the course.
    on_time = deadline - 600
    _plant(s1, work[s1] / "ps1.ipynb", SOLUTIONS_DIR / "ps1" / "ps1.ipynb", on_time - 60)
    venv = hub_class.hub.settings.venv
    submitted = subprocess.run(
        ["runuser", "-u", s1, "--", "env", f"HOME={_home(s1)}", f"PATH={venv}/bin:/usr/bin:/bin",
         str(venv / "bin" / "course"), "submit", "ps1.ipynb", "--student-id", s1],
        cwd=work[s1], capture_output=True, text=True, timeout=600)
    assert submitted.returncode == 0, submitted.stdout + submitted.stderr
    assert (work[s1] / "ps1.submission.ipynb").stat().st_uid == _home(s1).stat().st_uid
    os.utime(work[s1] / "ps1.submission.ipynb", (on_time, on_time))
    _plant(s2, work[s2] / "ps1.ipynb", PROJECT_ROOT / "exercises/ps1/ps1.ipynb",
           deadline + 7200)
    out = tmp_path / "submissions" / "ps1"
    course = [sys.executable, "-m", "course"]
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(deadline))
    result = subprocess.run([*course, "collect", "--assignment", "ps1", "--out", str(out),
                             "--group", "hubtest-class", "--deadline", stamp],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 3, result.stdout + result.stderr  # late and missing work
    rows = {r["hub_user"]: r for r in csv.DictReader(
        (tmp_path / "submissions" / "ps1.collected.csv").open(encoding="utf-8"))}
    assert rows[s1]["status"] == "on time" and rows[s1]["file"] == f"{s1}/ps1.submission.ipynb"
    assert rows[s2]["status"] == "late" and rows[s2]["late_by"] == "late by 2 h 0 min"
    assert "working notebook" in rows[s2]["note"]
    assert rows[s3]["status"] == "missing"
    assert abs((out / s1 / "ps1.submission.ipynb").stat().st_mtime - on_time) < 1e-3
    # A student who plants a link to someone else's work gets it refused, not collected.
    link = work[s2] / "ps1.submission.ipynb"
    link.symlink_to(work[s1] / "ps1.submission.ipynb")
    import pwd

    account = pwd.getpwnam(s2)
    os.lchown(link, account.pw_uid, account.pw_gid)
    again = subprocess.run([*course, "collect", "--assignment", "ps1", "--out", str(out),
                            "--users", s2, "--deadline", stamp],
                           capture_output=True, text=True, cwd=tmp_path)
    assert "refused" in again.stdout and "symbolic link" in again.stdout, again.stdout
    link.unlink()
    graded = subprocess.run([*course, "grade", "--assignment", "ps1", str(out),
                             "--out", str(tmp_path / "gradebook.csv"), "--workers", "1"],
                            capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert graded.returncode in (0, 3), graded.stdout + graded.stderr
    book = {r["student_id"]: r for r in csv.DictReader(
        (tmp_path / "gradebook.csv").open(encoding="utf-8"))}
    assert set(book) == {s1, s2}, book.keys()
    assert float(book[s1]["total"]) > 0 and float(book[s2]["total"]) == 0
    ledger_file = tmp_path / "gradebook-submissions.csv"
    ledger = list(csv.DictReader(ledger_file.open(encoding="utf-8")))
    times = {r["student_id"]: float(r["source_mtime"]) for r in ledger}
    assert abs(times[s1] - on_time) < 1e-3 and abs(times[s2] - (deadline + 7200)) < 1e-3
