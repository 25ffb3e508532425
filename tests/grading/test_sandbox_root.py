"""The contained runner's new root works wherever the course and its Python are.

A copy of the course (with its own virtual environment) under /tmp, in a folder whose
name has spaces and non-ASCII letters, or reached through a symlinked home, must grade
the ps1 solution to its full automatic marks with `course grade`: the sandbox mounts a
fresh /tmp and binds only the system, the Python install, course/ and data/, so any of
these placements used to hide the course from the student's process.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from course import paths
from course.grading import sandbox
from course.grading.run.runner import load_spec

#: What grading needs from the project: the toolkit, the data and the problem set.
COPIED = ["course", "data", "solutions", "exercises", "pyproject.toml"]


def _copy_course(root: Path) -> Path:
    root.mkdir(parents=True)
    for name in COPIED:
        source = paths.PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, root / name)
    return root


def _virtual_environment(folder: Path, project: Path) -> Path:
    """A virtual environment in ``folder`` that uses this one's packages and ``project``.

    Made with ``venv --without-pip`` from the base interpreter; a ``.pth`` file puts the
    test run's site-packages and the copied project on its path (what an install of the
    copy would do), so the copy — not this checkout — is what gets imported.
    """
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(folder)], check=True,
                   capture_output=True)
    python = folder / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "course-under-test.pth").write_text(
        f"{sysconfig.get_paths()['purelib']}\n{project}\n", encoding="utf-8")
    return python


def _grade_solution(project: Path, python: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COURSE_DATA_DIR")}
    found = subprocess.run([str(python), "-c", "import course; print(course.__file__)"],
                           cwd=project, env=env, capture_output=True, text=True, check=True)
    imported = Path(found.stdout.strip())
    assert imported.parent.parent.resolve() == project.resolve(), imported
    submissions = project / "submissions"
    submissions.mkdir()
    shutil.copy(project / "solutions" / "ps1" / "ps1.ipynb", submissions / "s1.ipynb")
    run = subprocess.run([str(python), "-m", "course", "grade", "--assignment", "ps1",
                          "submissions", "--out", "gradebook.csv"],
                         cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    with open(project / "gradebook.csv", newline="", encoding="utf-8") as handle:
        [row] = list(csv.DictReader(handle))
    return row


def _full_automatic_marks() -> float:
    spec = load_spec("ps1")
    return sum(q.points for q in spec.questions if q.kind == "auto")


@pytest.mark.slow  # grades ps1 end to end from a copy of the course
@pytest.mark.needs("solutions")
def test_a_course_under_tmp_in_a_folder_with_spaces_grades_ps1_in_full(tmp_path):
    assert str(tmp_path).startswith(os.path.realpath("/tmp") + "/")  # pytest's default
    project = _copy_course(tmp_path / "a folder with spaces" / "kürs übung")
    python = _virtual_environment(project / ".venv", project)
    row = _grade_solution(project, python)
    assert row["status"] == "ok", row["message"]
    assert float(row["total"]) == _full_automatic_marks() > 0, row


@pytest.mark.slow  # grades ps1 end to end from a copy of the course
@pytest.mark.needs("solutions")
def test_a_course_reached_through_a_symlinked_home_with_its_venv_elsewhere(tmp_path):
    real_home = tmp_path / "disk" / "home of student"
    project_real = _copy_course(real_home / "course")
    (tmp_path / "home").symlink_to(real_home)
    project = tmp_path / "home" / "course"  # the path the user works in
    python = _virtual_environment(tmp_path / "venvs" / "elsewhere", project)
    row = _grade_solution(project, python)
    assert project.resolve() == project_real.resolve()
    assert row["status"] == "ok", row["message"]
    assert float(row["total"]) == _full_automatic_marks() > 0, row


# ----------------------------------------------------------------- what is bound, purely


def test_import_folders_keep_site_packages_and_never_the_project_or_its_parents(
        tmp_path, monkeypatch):
    project = tmp_path / "project"
    for folder in ("course", "data", "tests", "solutions"):
        (project / folder).mkdir(parents=True)
    outside = tmp_path / "elsewhere" / "site-packages"
    outside.mkdir(parents=True)
    work = tmp_path / "grader" / "job1" / "work"
    work.mkdir(parents=True)
    monkeypatch.setattr(paths, "PROJECT_ROOT", project)
    monkeypatch.setattr(paths, "DATA_DIR", project / "data")
    monkeypatch.setattr(sys, "path", [
        "", "relative/folder", str(outside), str(project), str(tmp_path), "/",
        str(project / "tests"), str(project / "course"), str(tmp_path / "grader"),
        str(tmp_path / "missing")])
    found = sandbox._import_folders(avoid=[str(work)])
    assert found == [str(outside), str(project / "course")]


def test_links_on_the_way_to_a_folder_are_made_again_in_the_new_root(tmp_path):
    real = tmp_path / "disk" / "home"
    (real / "me" / ".venv").mkdir(parents=True)
    (tmp_path / "home").symlink_to(real)           # absolute link
    (real / "me" / "venv").symlink_to(".venv")     # relative link, further on
    newroot = tmp_path / "newroot"
    newroot.mkdir()
    sandbox._recreate_links(str(newroot), str(tmp_path / "home" / "me" / "venv"))
    first = Path(str(newroot) + str(tmp_path / "home"))
    second = Path(str(newroot) + str(real / "me" / "venv"))
    assert first.is_symlink() and os.readlink(first) == str(real)
    assert second.is_symlink() and os.readlink(second) == ".venv"
    # nothing else was created: the real folders come from binds
    assert not Path(str(newroot) + str(real / "me" / ".venv")).exists()


def test_readable_paths_name_both_spellings_of_a_linked_folder(tmp_path, monkeypatch):
    real = tmp_path / "real-venv"
    real.mkdir()
    (tmp_path / "venv-link").symlink_to(real)
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv-link"))
    readable = sandbox.readable_paths()
    assert str(tmp_path / "venv-link") in readable and str(real) in readable
    assert str(paths.DATA_DIR) in readable
    assert str(paths.PROJECT_ROOT) not in readable
