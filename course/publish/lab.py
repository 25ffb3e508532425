"""``course lab``: JupyterLab as the course ships it, opened at the first lesson.

The course's JupyterLab settings live in one folder of the repository, ``jupyter/``
(server options, default user settings, the course's Vega-Lite renderer); JupyterLab
reads it when ``JUPYTER_CONFIG_PATH`` names it. ``course lab`` (what ``make lab`` runs)
sets that and starts JupyterLab on the course folder; Binder's ``start`` script and the
browser tests (``tests/browser/conftest.py``) set the same variable.

Examples
--------
>>> env = lab_environment({"PATH": "/usr/bin"})
>>> env["JUPYTER_CONFIG_PATH"] == str(CONFIG_DIR)
True
>>> lab_command()[1:3]
['-m', 'jupyterlab']
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from course.paths import PROJECT_ROOT

#: The course's JupyterLab settings (see jupyter/jupyter_server_config.py).
CONFIG_DIR = PROJECT_ROOT / "jupyter"


def lab_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with the course's settings folder first
    on ``JUPYTER_CONFIG_PATH``."""
    env = dict(os.environ if base is None else base)
    others = [p for p in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep)
              if p and p != str(CONFIG_DIR)]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(CONFIG_DIR), *others])
    return env


def lab_command(extra: list[str] | None = None, root: os.PathLike | None = None) -> list[str]:
    """The command that starts JupyterLab on the course folder, or ``root`` (as root if
    need be).

    >>> lab_command(["--", "--no-browser"])[-1]
    '--no-browser'
    """
    extra = list(extra or [])
    if extra[:1] == ["--"]:  # `course lab -- --no-browser`: the -- only ends course's options
        extra = extra[1:]
    command = [sys.executable, "-m", "jupyterlab",
               f"--ServerApp.root_dir={root or PROJECT_ROOT}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI machines run as root
    return command + extra
