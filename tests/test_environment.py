"""The environment is pinned once (requirements.lock) and environment.yml agrees with it."""

from __future__ import annotations

import re
import tomllib

import yaml

from course.paths import PROJECT_ROOT

LOCK = PROJECT_ROOT / "requirements.lock"


def _name(requirement: str) -> str:
    return re.split(r"[=<>!~;\[ ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def _lock_lines() -> list[str]:
    return [line.strip() for line in LOCK.read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_every_lock_line_is_an_exact_pin():
    loose = [line for line in _lock_lines() if "==" not in line]
    assert not loose, f"requirements.lock must pin exact versions; loose lines: {loose}"


def test_environment_yml_lists_the_same_pins_as_the_lock():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert sorted(pip_section) == sorted(_lock_lines()), (
        "environment.yml differs from requirements.lock: run `python scripts/sync_environment.py`")
    assert "python=3.11" in env["dependencies"]


def test_every_declared_dependency_is_locked():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    locked = {_name(line) for line in _lock_lines()}
    missing = [d for d in declared if _name(d) not in locked]
    assert not missing, f"declared but not in requirements.lock (run `make lock`): {missing}"


def test_declared_pins_match_the_lock():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    locked = {_name(line): line.split(";")[0].strip() for line in _lock_lines()}
    for requirement in project["dependencies"]:
        if "==" in requirement:
            assert locked[_name(requirement)] == requirement, (
                f"pyproject pins {requirement} but the lock has {locked[_name(requirement)]}")


def test_a_jupyter_server_does_not_build_parsers_it_never_uses():
    """jsonschema from 4.24 imports rfc3987-syntax, which builds its IRI parsers when it is
    imported: seconds of CPU and tens of MB in every JupyterLab server (each hub student's)
    and every process that reads notebooks. The lock holds jsonschema below it
    (pyproject.toml); this fails if an upgrade brings it back."""
    import subprocess
    import sys

    probe = ("import sys, jupyter_server.serverapp, jupyterlab.labapp, nbformat, nbclient; "
             "print(sorted(m for m in ('rfc3987_syntax', 'lark') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]", f"importing the Jupyter server loads {loaded}"
