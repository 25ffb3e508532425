"""Lesson links: every lesson and problem set has one, it round-trips through the query
nbgitpuller reads, and bad input says what to fix."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest

from course.errors import InputError
from course.paths import PROJECT_ROOT
from course.publish.hub.links import course_notebooks, lesson_link, resolve

NOTEBOOKS = course_notebooks(PROJECT_ROOT)
REPOS = ["https://github.com/ORG/alliances-course-student",
         "https://git.example.edu/c/student.git", "git://127.0.0.1:9418/alliances-course.git",
         "https://example.org/path with space/ü.git"]


def test_every_lesson_and_problem_set_is_linkable():
    lessons = [n for n in NOTEBOOKS if n.startswith("notebooks/")]
    sets = [n for n in NOTEBOOKS if n.startswith("exercises/")]
    assert len(lessons) == len(list((PROJECT_ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")))
    assert sets and all(resolve(n.split("/")[1], NOTEBOOKS) == n for n in sets)
    for lesson in lessons:
        number = lesson.split("/")[1][:2]
        assert resolve(number, NOTEBOOKS) == lesson == resolve(str(int(number)), NOTEBOOKS)


@pytest.mark.parametrize("repo", REPOS)
@pytest.mark.parametrize("notebook", NOTEBOOKS)
@pytest.mark.parametrize("folder", ["alliances-course", "pols-201"])
def test_link_round_trips_through_the_query_nbgitpuller_reads(repo, notebook, folder):
    link = lesson_link("https://hub.example.edu/", repo, notebook, branch="fall-2026",
                       folder=folder)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https", "hub.example.edu", "/hub/user-redirect/git-pull")
    query = {k: v[0] for k, v in parse_qs(parts.query, strict_parsing=True).items()}
    assert query == {"repo": repo, "branch": "fall-2026", "targetpath": folder,
                     "urlpath": f"lab/tree/{folder}/{notebook}"}
    assert "backup" not in query  # would move the student's whole folder aside


@pytest.mark.parametrize("hub", ["hub.example.edu", "ftp://hub", "https://hub/?x=1"])
def test_a_hub_address_must_be_a_web_address(hub):
    with pytest.raises(InputError, match="--hub"):
        lesson_link(hub, REPOS[0], NOTEBOOKS[0])


@pytest.mark.parametrize("which", ["99", "ps9", "lesson one", ""])
def test_an_unknown_lesson_lists_the_ones_there_are(which):
    with pytest.raises(InputError, match="the course has: 00"):
        resolve(which, NOTEBOOKS)


@pytest.mark.parametrize("notebook", ["../etc/passwd", "/notebooks/00.ipynb"])
def test_paths_outside_the_course_are_refused(notebook):
    with pytest.raises(InputError):
        lesson_link("https://hub.example.edu", REPOS[0], notebook)


def test_hub_link_command_prints_one_link_or_all(tmp_path):
    base = [sys.executable, "-m", "course", "hub-link", "--prefix", str(tmp_path),
            "--hub", "https://hub.example.edu", "--repo", REPOS[0]]
    one = subprocess.run([*base, "--lesson", "01"], capture_output=True, text=True)
    assert one.returncode == 0, one.stderr
    assert one.stdout.strip() == lesson_link("https://hub.example.edu", REPOS[0],
                                             resolve("01", NOTEBOOKS))
    every = subprocess.run([*base, "--all"], capture_output=True, text=True)
    assert len(every.stdout.strip().splitlines()) == len(NOTEBOOKS)
    no_repo = subprocess.run([*base[:-2], "--lesson", "01"], capture_output=True, text=True)
    assert no_repo.returncode == 1 and "--repo" in no_repo.stderr
