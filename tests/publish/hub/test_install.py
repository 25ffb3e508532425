"""The hub's prefix: what install does, step by step, and that a student can use it.

The unprivileged checks run against the installed prefix (``course hub install``; CI's
``.ci/run`` builds it): an ordinary user imports the course from the student edition
there, loads its data and finds the course's JupyterLab settings — and the edition
holds no solutions.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from course.paths import PROJECT_ROOT
from course.publish.hub.install import fingerprint, install_steps, node_major, readable_problems
from course.publish.hub.settings import HubSettings, default_prefix


def test_steps_build_from_the_system_python_and_the_lock(tmp_path):
    steps = install_steps(HubSettings(prefix=tmp_path / "hub"), PROJECT_ROOT)
    commands = [" ".join(s.command) for s in steps if s.command]
    assert commands[0].startswith("/usr/bin/python3 -m venv ")
    assert "-r " + str(PROJECT_ROOT / "requirements.lock") in commands[1]
    assert "-c " + str(PROJECT_ROOT / "requirements.lock") in commands[1]
    assert any(c.startswith("bash ") and c.endswith("/course/postBuild") for c in commands)
    assert any("configurable-http-proxy@" in c for c in commands)


@pytest.mark.parametrize("output, major", [("v20.20.2\n", 20), ("v18.19.0", 18), ("", 0)])
def test_node_versions_are_read(output, major):
    assert node_major(output) == major


def test_readable_problems_finds_private_files_and_folders(tmp_path):
    root = tmp_path / "prefix"
    (root / "lib").mkdir(parents=True)
    (root / "lib" / "ok.py").write_text("")
    (root / "lib" / "secret.py").write_text("")
    os.chmod(root / "lib" / "secret.py", 0o600)
    os.chmod(tmp_path, 0o755)
    problems = readable_problems([root])
    assert any("secret.py" in p for p in problems)
    assert not any("ok.py" in p for p in problems)
    os.chmod(root / "lib", 0o700)
    assert any(p.startswith(f"{root / 'lib'}:") for p in readable_problems([root]))


def test_fingerprint_ignores_what_installing_adds(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "a.py").write_text("x = 1\n")
    before = fingerprint(tmp_path)
    (tmp_path / "alliances_course.egg-info").mkdir()
    (tmp_path / "alliances_course.egg-info" / "PKG-INFO").write_text("y")
    (tmp_path / "course" / "__pycache__").mkdir()
    assert fingerprint(tmp_path) == before
    (tmp_path / "course" / "a.py").write_text("x = 2\n")
    assert fingerprint(tmp_path) != before


@pytest.mark.needs("hub")
def test_an_unprivileged_user_runs_the_course_from_the_prefix():
    prefix = default_prefix()
    assert readable_problems([prefix / "venv", prefix / "course"], limit=5) == []
    code = ("import course, course.data, jupyterhub, nbgitpuller; "
            "print(course.__file__); print(len(course.data.load('capabilities')))")
    result = subprocess.run(["runuser", "-u", "nobody", "--", str(prefix / "venv/bin/python"),
                             "-c", code], capture_output=True, text=True, cwd="/")
    assert result.returncode == 0, result.stderr
    where, rows = result.stdout.split()
    assert where == str(prefix / "course" / "course" / "__init__.py")
    assert int(rows) > 10_000
    assert (prefix / "course" / "jupyter" / "jupyter_server_config.py").is_file()
    assert not (prefix / "course" / "solutions").exists()
    assert not list((prefix / "course" / "exercises").rglob("tests.py"))
