"""Stopping `course grade` half-way: nothing graded is lost, nothing is left running.

A real `course grade` process grades notebooks that each start a long-lived child process
(marked, so it can be found). The first two then finish; the others wait for ten minutes,
far longer than anything but the stop could end them (their time limit is two minutes).
Once the first two are in the ledger the grader is stopped — by Ctrl-C (SIGINT to its
process group, as a terminal sends it), by SIGTERM, or killed outright — and then

* every row recorded before the stop is still there, in a well-formed file;
* within seconds no process of any job is left, and no grading folder in the temporary
  directory;
* running the same command again grades only what is left, and ends with every file.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.needs("solutions")  # grades the fixture problem set (instructors only)

HERE = Path(__file__).resolve().parents[1]  # tests/grading: fixtures/, corpus/, gradebooks.py
FIXTURE = HERE / "fixtures" / "fx"
N_FILES = 6


def _submissions(folder: Path, marker: str) -> None:
    folder.mkdir()
    for i in range(N_FILES):
        notebook = json.loads((FIXTURE / "fx.ipynb").read_text())
        wait = 0.5 if i < 2 else 600
        cell = (f"import subprocess, sys, time\n"
                f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', "
                f"{marker!r}])\ntime.sleep({wait})")
        notebook["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None,
                                  "outputs": [], "source": cell})
        (folder / f"s{i:02d}.ipynb").write_text(json.dumps(notebook))


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _marked(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if marker.encode() in handle.read():
                        found.append(int(entry))
            except OSError:
                continue
    return found


def _using(folder: Path) -> list[int]:
    """Processes whose working directory is inside ``folder`` (the zygote's is)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.readlink(f"/proc/{entry}/cwd").startswith(str(folder)):
                    found.append(int(entry))
            except OSError:
                continue
    return found


def _eventually(check, seconds: float = 8.0):
    until = time.monotonic() + seconds
    while True:
        value = check()
        if not value or time.monotonic() > until:
            return value
        time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm", "sigkill"])
def test_a_stopped_run_keeps_its_grades_and_leaves_nothing_running(tmp_path, how):
    marker = f"course-stop-test-{uuid.uuid4().hex}"
    inbox = tmp_path / "inbox"
    _submissions(inbox, marker)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    out = tmp_path / "gradebook.csv"
    ledger = tmp_path / "gradebook-submissions.csv"
    command = [sys.executable, "-m", "course", "grade", "-a", "fx", "--autograder-dir",
               str(FIXTURE), str(inbox), "--out", str(out), "--workers", "2"]
    first = [*command, "--time-limit", "120"]
    log = (tmp_path / "first.log").open("w")
    grader = subprocess.Popen(first, env=env, stdout=log, stderr=log,
                              start_new_session=True)
    try:
        until = time.monotonic() + 180
        while len(_rows(ledger)) < 2:
            assert grader.poll() is None, (tmp_path / "first.log").read_text()
            assert time.monotonic() < until, "the grader recorded nothing in three minutes"
            time.sleep(0.05)
        while not _marked(marker):  # jobs running now have started their child process
            assert time.monotonic() < until and grader.poll() is None
            time.sleep(0.02)
        if how == "ctrl-c":
            os.killpg(grader.pid, signal.SIGINT)
        else:
            grader.send_signal(signal.SIGTERM if how == "sigterm" else signal.SIGKILL)
        code = grader.wait(timeout=60)
    finally:
        if grader.poll() is None:
            grader.kill()
        log.close()
    kept = _rows(ledger)
    text = (tmp_path / "first.log").read_text()
    if how == "sigkill":
        assert code == -signal.SIGKILL
    else:
        assert code == 130, text
        assert "stopped" in text and "run the same command again" in text
    assert len(kept) == 2
    assert all(row["status"] == "ok" and row["total"] == "7" for row in kept), kept
    # nothing of the run is left: no job's process, no zygote, no grading folder
    assert _eventually(lambda: _marked(marker)) == []
    assert _eventually(lambda: _using(scratch)) == []
    assert _eventually(lambda: [p.name for p in scratch.iterdir()]) == []
    # the same command again grades the rest (now with a short time limit, so the slow
    # ones end quickly), and keeps what was graded
    again = subprocess.run([*command, "--time-limit", "3"], env=env, capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 3, again.stderr  # the slow ones timed out
    assert f"resumed: {len(kept)} submission(s) already graded" in again.stderr
    final = {row["source_file"]: row for row in _rows(ledger)}
    assert len(final) == N_FILES
    assert sorted(row["status"] for row in final.values()) == ["ok"] * 2 + ["timeout"] * 4
    for row in kept:
        assert final[row["source_file"]]["graded_at"] == row["graded_at"]  # not regraded
    assert len(_rows(out)) == N_FILES
    assert _eventually(lambda: _marked(marker)) == []


@pytest.mark.slow
def test_a_sandbox_that_dies_costs_only_the_runs_it_held(tmp_path):
    """If the zygote dies mid-batch (killed here; in an uncontained run a student's code
    could do it), the notebooks it was running are `crashed` and the rest are graded."""
    from course.grading.run.runner import grade_paths, load_spec
    from course.grading.sandbox import Sandbox

    spec = load_spec("fx", autograder_dir=FIXTURE)
    notebook = json.loads((FIXTURE / "fx.ipynb").read_text())
    notebook["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [],
                              "execution_count": None, "source": "import time\ntime.sleep(1)"})
    files = []
    for i in range(6):
        path = tmp_path / f"s{i}.ipynb"
        path.write_text(json.dumps(notebook))
        files.append(path)
    box = Sandbox()
    box.start()
    first = box._proc.pid
    killed = []
    finished = []  # statuses in the order the runs finished

    def record(grade):
        finished.append(grade.status)
        if not killed:  # after the first grade, while the next runs are under way
            os.kill(box._proc.pid, signal.SIGKILL)
            killed.append(True)

    try:
        grades = grade_paths(spec, files, workers=2, sandbox=box, record=record)
        assert box._proc.pid != first  # a new zygote graded the rest
    finally:
        box.close()
    statuses = [g.status for g in grades]
    assert len(grades) == 6 and set(statuses) <= {"ok", "crashed"}, statuses
    # the run that finished first was graded, the runs held when the zygote died crashed,
    # and the new zygote graded what was left (which of s0/s1 finishes first varies)
    assert finished[0] == "ok" and finished[-1] == "ok" and "crashed" in finished, finished
    assert all(g.total == 7 for g in grades if g.status == "ok")
