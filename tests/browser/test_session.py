"""A teaching session from a checkout leaves the repository clean.

The instructor's session, in real JupyterLab in Chromium, with JupyterLab's autosave on (every
3 seconds here instead of 120): open a lesson (00, then 04), start the deck (which runs it),
step through a few screens, change the explorer, leave the deck and save with Ctrl+S. The
lesson is saved — more than once — through the course's save hook (course/publish/strip_on_save.py,
switched on by the course's settings in jupyter/), so the file on disk must still be byte for
byte the committed one, and ``git status`` must show nothing to commit for it.

If the hook failed, the test would write outputs into the real lesson: it restores the
committed bytes before failing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import pytest

from course.paths import NOTEBOOKS_DIR, PROJECT_ROOT

from .conftest import _stop_server
from .test_slides import DECK, PANEL, _move_control, _open_deck, _press, _screen

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Lesson 00 (the worked example) and lesson 04 (two explorers, tables, plumbing and skipped
#: cells, a reading list): every kind of cell a lesson has goes through the save hook.
SESSION_LESSONS = [NOTEBOOKS_DIR / "00-how-this-course-works.ipynb",
                   NOTEBOOKS_DIR / "04-economics-of-alliances.ipynb"]
AUTOSAVE_SECONDS = 3


def _git_status(path) -> str | None:
    if not (PROJECT_ROOT / ".git").exists() or not shutil.which("git"):
        return None  # not a git checkout (an unpacked archive): the byte check stands alone
    done = subprocess.run(["git", "status", "--porcelain", "--", str(path)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.parametrize("taught", SESSION_LESSONS, ids=[p.stem for p in SESSION_LESSONS])
def test_a_session_with_autosave_leaves_the_lesson_as_committed(jupyterlab, lab_page, taught):
    page = lab_page
    committed = taught.read_bytes()
    status_before = _git_status(taught)
    settings = (jupyterlab.home / "settings" / "@jupyterlab" / "docmanager-extension"
                / "plugin.jupyterlab-settings")
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"autosave": True, "autosaveInterval": AUTOSAVE_SECONDS}))
    written_before = taught.stat().st_mtime_ns
    try:
        cells = _open_deck(page, jupyterlab, taught, (1280, 720))
        explorer_at = next(i for i, c in enumerate(cells)
                           if "explorer" in c["metadata"].get("tags", []))
        shown = _screen(page)["shown"]
        while explorer_at not in shown:
            moved = _press(page, "PageDown", shown)
            assert moved is not None, "the deck never reached the explorer"
            shown = moved["shown"]
        _move_control(page, page.locator(
            f"{DECK} .jp-Cell[data-windowed-list-index='{explorer_at}']"))
        time.sleep(AUTOSAVE_SECONDS * 2 + 1)  # at least one autosave with outputs in memory
        page.keyboard.press("Escape")
        page.wait_for_selector(f"{PANEL}:not(.jp-Deck)", timeout=10_000)
        page.locator(f"{PANEL} .jp-Cell").first.click()
        page.keyboard.press("Control+s")
        deadline = time.monotonic() + 15
        while taught.stat().st_mtime_ns == written_before and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)
        assert taught.stat().st_mtime_ns != written_before, (
            "JupyterLab never saved the lesson, so this test proves nothing")
        saved = taught.read_bytes()
        (page.artifacts / "saved-lesson.ipynb").write_bytes(saved)  # for a failure's diff
    finally:
        if taught.read_bytes() != committed:  # stop every writer first, then restore
            page.goto("about:blank")
            _stop_server(jupyterlab)
            taught.write_bytes(committed)
    assert saved == committed, (
        "the session changed the committed lesson (outputs or metadata were saved); "
        "is course.publish.strip_on_save enabled by jupyter/jupyter_server_config.py?")
    assert _git_status(taught) == status_before
