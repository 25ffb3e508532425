"""``course collect`` from homes made here (the current user stands in for the student):
times kept, late and missing work flagged, nothing overwritten, links and strangers'
files refused. The real students' homes on the hub are in test_class_on_the_hub.py."""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

import pytest

from course.errors import InputError
from course.publish.hub.collect import (
    collect_class,
    collect_home,
    parse_deadline,
    read_roster,
    write_manifest,
)

DEADLINE = 1_800_000_000.0
NOTEBOOK = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'


def make_home(root: Path, name: str, files: dict[str, float]) -> Path:
    """A home with ``alliances-course/exercises/ps1/<file>`` modified at the given times."""
    home = root / name
    folder = home / "alliances-course" / "exercises" / "ps1"
    folder.mkdir(parents=True)
    for file, mtime in files.items():
        (folder / file).write_bytes(NOTEBOOK + file.encode())
        os.utime(folder / file, (mtime, mtime))
    return home


def collect(home: Path, out: Path, deadline=DEADLINE, sid="s1"):
    return collect_home(str(home), os.getuid(), "u1", sid, "ps1", out, deadline=deadline)


@pytest.mark.parametrize("offset, status", [(-3600, "late"), (3600 * 30, "late")])
def test_late_work_is_flagged_with_how_late(tmp_path, offset, status):
    # ctime is "now" (after DEADLINE - 3600 only if the clock is past it): use a deadline
    # in the future for the mtime case, in the past for the ctime case.
    now = time.time()
    deadline = now + 3600 if offset > 0 else now - 60
    home = make_home(tmp_path, "h", {"ps1.submission.ipynb": deadline + offset})
    row = collect(home, tmp_path / "out", deadline=deadline)
    assert row.status == status
    if offset > 0:
        assert row.late_by == "late by 1 d 6 h 0 min"
    else:  # modified "before" the deadline, but the file changed after it: touch -d
        assert "changed" in row.late_by and "after the deadline" in row.late_by


def test_on_time_work_keeps_its_own_time_and_the_submission_wins(tmp_path):
    deadline = time.time() + 7200
    home = make_home(tmp_path, "h", {"ps1.submission.ipynb": deadline - 600,
                                     "ps1.ipynb": deadline - 60})
    row = collect(home, tmp_path / "out", deadline=deadline)
    assert (row.status, row.file) == ("on time", "s1/ps1.submission.ipynb")
    copy = tmp_path / "out" / row.file
    assert copy.stat().st_mtime == pytest.approx(deadline - 600, abs=1e-3)
    assert copy.read_bytes().endswith(b"ps1.submission.ipynb")
    assert "saved after the submission" in row.note


def test_only_a_working_notebook_is_collected_and_said_so(tmp_path):
    home = make_home(tmp_path, "h", {"ps1.ipynb": time.time() - 10})
    row = collect(home, tmp_path / "out", deadline=None)
    assert (row.status, row.file) == ("collected", "s1/ps1.ipynb")
    assert "not handed in with check.submit" in row.note


def test_missing_work_and_missing_course_are_missing(tmp_path):
    empty = make_home(tmp_path, "a", {})
    assert collect(empty, tmp_path / "out").status == "missing"
    (tmp_path / "b").mkdir()
    row = collect(tmp_path / "b", tmp_path / "out")
    assert row.status == "missing" and "alliances-course/exercises/ps1" in row.note


def test_a_second_collection_never_overwrites_the_first(tmp_path):
    out = tmp_path / "out"
    home = make_home(tmp_path, "h", {"ps1.submission.ipynb": time.time() - 100})
    first = collect(home, out, deadline=None)
    again = collect(home, out, deadline=None)
    assert again.file == first.file and "already collected" in again.note
    target = home / "alliances-course/exercises/ps1/ps1.submission.ipynb"
    target.write_bytes(NOTEBOOK + b"late work")
    late = collect(home, out, deadline=None)
    assert late.file != first.file and "earlier file is kept" in late.note
    assert (out / first.file).read_bytes().endswith(b"ps1.submission.ipynb")
    assert (out / late.file).read_bytes().endswith(b"late work")


def test_links_and_non_files_are_refused_never_followed(tmp_path):
    other = make_home(tmp_path, "other", {"ps1.submission.ipynb": 1.0})
    home = make_home(tmp_path, "h", {})
    folder = home / "alliances-course/exercises/ps1"
    (folder / "ps1.submission.ipynb").symlink_to(
        other / "alliances-course/exercises/ps1/ps1.submission.ipynb")
    row = collect(home, tmp_path / "out")
    assert row.status == "refused" and "symbolic link" in row.note
    # A folder on the way replaced by a link to someone else's: refused too.
    sneaky = make_home(tmp_path, "s", {})
    course = sneaky / "alliances-course"
    for path in sorted(course.rglob("*"), reverse=True):
        path.rmdir()
    course.rmdir()
    course.symlink_to(other / "alliances-course")
    assert collect(sneaky, tmp_path / "out").status == "refused"
    fifo = make_home(tmp_path, "f", {})
    os.mkfifo(fifo / "alliances-course/exercises/ps1/ps1.submission.ipynb")
    row = collect(fifo, tmp_path / "out")
    assert row.status == "refused" and "regular file" in row.note
    assert not list((tmp_path / "out").rglob("*.ipynb"))


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_a_file_owned_by_someone_else_is_refused(tmp_path):
    home = make_home(tmp_path, "h", {"ps1.submission.ipynb": 1.0})
    os.chown(home / "alliances-course/exercises/ps1/ps1.submission.ipynb", 65534, 65534)
    row = collect(home, tmp_path / "out")
    assert row.status == "refused" and "not owned" in row.note


def test_roster_maps_hub_users_to_ids_and_refuses_clashes(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("hub_user,student_id\nana,00123\nben,Müller, Anna\n", encoding="utf-8")
    with pytest.raises(InputError):
        read_roster(roster)  # an unquoted comma: three fields
    roster.write_text('hub_user,student_id\nana,00123\nben,"Müller, Anna"\n', encoding="utf-8")
    assert read_roster(roster) == {"ana": "00123", "ben": "Müller, Anna"}
    with pytest.raises(InputError, match="share the student id"):
        collect_class(["ana", "ben"], "ps1", tmp_path / "out", roster={"ana": "x", "ben": "x"})
    with pytest.raises(InputError, match="cannot name a folder"):
        collect_class(["ana"], "ps1", tmp_path / "out", roster={"ana": "../x"})
    bad = tmp_path / "bad.csv"
    bad.write_text("user,id\na,b\n")
    with pytest.raises(InputError, match="hub_user and student_id"):
        read_roster(bad)


def test_manifest_has_a_row_per_student(tmp_path):
    rows = collect_class(["no-such-user-here"], "ps1", tmp_path / "out")
    write_manifest(rows, tmp_path / "ps1.collected.csv")
    read = list(csv.DictReader((tmp_path / "ps1.collected.csv").open()))
    assert [(r["hub_user"], r["status"]) for r in read] == [("no-such-user-here", "missing")]


@pytest.mark.parametrize("text", ["tomorrow", "2026-13-01T10:00", "5pm"])
def test_a_deadline_that_cannot_be_read_says_how_to_write_it(text):
    with pytest.raises(InputError, match="2026-10-05T17:00"):
        parse_deadline(text)


def test_deadlines_in_local_time_or_with_an_offset():
    assert parse_deadline("2026-10-05T17:00Z") == parse_deadline("2026-10-05T19:00+02:00")
    assert parse_deadline(None) is None
