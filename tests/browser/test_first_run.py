"""A student's first minutes in JupyterLab, as ``make lab`` sets it up, offline.

* JupyterLab's own address (what ``make lab`` prints and opens) shows the first lesson,
  not the Launcher, with the course's settings: no news, no update check.
* The file browser lists the course's folders and no build leftovers
  (``alliances_course.egg-info``, ``test-artifacts``).
* In JupyterLab's terminal, opened from the File menu, the problem set's hint works as
  printed, from the folder the terminal starts in: ``course submit ps1.ipynb
  --student-id ...`` finds ``exercises/ps1/ps1.ipynb`` and writes the submission
  (to a temporary folder here, with ``--out-dir``, so the project stays untouched).

Uses the ``jupyterlab`` and ``lab_page`` fixtures of ``tests/browser/conftest.py``.
"""

from __future__ import annotations

import re
import time

import pytest

from course.paths import EXERCISES_DIR, PROJECT_ROOT

pytestmark = [pytest.mark.browser]

TIMEOUT_MS = 90_000
FIRST_LESSON = "00-how-this-course-works.ipynb"


def _terminal_text(page) -> str:
    rows = page.locator(".jp-Terminal .xterm-accessibility-tree, .jp-Terminal .xterm-rows")
    return "\n".join(rows.all_inner_texts())


def _wait_terminal(page, pattern: re.Pattern, what: str, timeout_s: float = 120) -> str:
    deadline = time.monotonic() + timeout_s
    text = ""
    while time.monotonic() < deadline:
        text = _terminal_text(page)
        if pattern.search(text):
            return text
        time.sleep(0.3)
    pytest.fail(f"{what}: the terminal never showed {pattern.pattern!r}; it shows:\n{text}")


def test_first_run_opens_the_first_lesson_and_the_terminal_runs_the_hints(
        jupyterlab, lab_page, tmp_path):
    page = lab_page
    saved = (EXERCISES_DIR / "ps1" / "ps1.ipynb").read_bytes()
    page.goto(f"{jupyterlab.url}/?token={jupyterlab.token}")  # the address make lab opens
    page.wait_for_selector(".jp-NotebookPanel, .jp-Launcher", timeout=TIMEOUT_MS)
    page.wait_for_timeout(1500)  # let a Launcher appear if one were coming
    tabs = page.eval_on_selector_all(
        ".lm-DockPanel-tabBar .lm-TabBar-tab",
        "els => els.map(e => e.textContent.trim() + (e.classList.contains('lm-mod-current')"
        " ? ' (current)' : ''))")
    assert f"{FIRST_LESSON} (current)" in tabs, f"tabs open: {tabs}"
    assert not any(t.startswith("Launcher") for t in tabs), f"tabs open: {tabs}"
    assert page.locator(".jp-Launcher").count() == 0

    # The file browser: course folders, no leftovers of installing or testing.
    page.locator(".jp-FileBrowser .jp-BreadCrumbs-home").click()
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.jp-DirListing-itemText'))"
        ".some(e => e.textContent.trim() === 'exercises')", timeout=30_000)
    listed = page.locator(".jp-DirListing-itemText").all_inner_texts()
    assert {"notebooks", "exercises", "data"} <= set(listed), listed
    leftovers = [name for name in listed
                 if name.endswith(".egg-info") or name in ("test-artifacts", "__pycache__")]
    assert (PROJECT_ROOT / "test-artifacts").exists()  # it exists, but is not listed
    assert not leftovers, f"the file browser lists {leftovers}"

    # The terminal, from the File menu, as a student would open it.
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile(r"^New$")).first.click()
    page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile(r"^Terminal$")).first.click()
    page.wait_for_selector(".jp-Terminal .xterm-screen", timeout=TIMEOUT_MS)
    page.locator(".jp-Terminal").first.click()
    _wait_terminal(page, re.compile(r"[$#]\s*$", re.M), "the shell prompt", timeout_s=30)
    page.keyboard.type("pwd; command -v course\n")
    shown = _wait_terminal(page, re.compile(r"/course\s*$", re.M), "command -v course")
    assert str(PROJECT_ROOT) in shown, shown

    out_dir = tmp_path / "handed-in"
    page.keyboard.type(f"course submit ps1.ipynb --student-id s0000001 --out-dir {out_dir}\n")
    shown = _wait_terminal(page, re.compile(r"ps1\.submission\.ipynb|error", re.I),
                           "course submit ps1.ipynb", timeout_s=180)
    assert "not a notebook file" not in shown and "command not found" not in shown, shown
    assert "exercises/ps1/ps1.ipynb" in shown, shown
    assert (out_dir / "ps1.submission.ipynb").is_file(), shown
    page.screenshot(path=str(page.artifacts / "terminal.png"))
    assert (EXERCISES_DIR / "ps1" / "ps1.ipynb").read_bytes() == saved
    assert not page.record.blocked, f"requests beyond loopback: {page.record.blocked}"
