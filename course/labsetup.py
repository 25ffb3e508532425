"""Install the course's additions to JupyterLab into a Python environment.

Two pieces, which JupyterLab finds in the environment's own folders, so that nobody has
to change a setting:

* the deck extension (:file:`course/labextension`: projector sizes, clicker keys, hidden
  plumbing cells; see its ``remoteEntry.js``) as
  ``{prefix}/share/jupyter/labextensions/alliances-course`` — a symbolic link to the
  checkout's folder, so the installed extension is always the one in the repository (a copy
  where links cannot be made, on Windows without developer mode);
* the server extension :mod:`course.strip_on_save` (the course's notebooks are saved without
  outputs), switched on by ``{prefix}/etc/jupyter/jupyter_server_config.d/alliances-course.json``.

``pip install -e .`` cannot place these files: an editable install skips a package's data
files (setuptools issue 3399). So every way of installing the course runs this module once
after pip: ``make env`` (and therefore ``make lab``, ``make test`` and CI), Binder's
``postBuild``, and the manual instructions in README.md::

    python -m course.labsetup

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as prefix:
...     done = install(prefix)
...     problems(prefix)
[]
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

NAME = "alliances-course"
SOURCE = Path(__file__).resolve().parent / "labextension"
SERVER_CONFIG = {"ServerApp": {"jpserver_extensions": {"course.strip_on_save": True}}}


def labextension_dir(prefix: str | os.PathLike = sys.prefix) -> Path:
    return Path(prefix) / "share" / "jupyter" / "labextensions" / NAME


def server_config_file(prefix: str | os.PathLike = sys.prefix) -> Path:
    return Path(prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / f"{NAME}.json"


def _same_tree(a: Path, b: Path) -> bool:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return files_a == files_b and all(
        (a / f).read_bytes() == (b / f).read_bytes() for f in files_a)


def install(prefix: str | os.PathLike = sys.prefix) -> list[str]:
    """Put both pieces into the environment at ``prefix``; return what was done."""
    done = []
    target = labextension_dir(prefix)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.is_dir():
        shutil.rmtree(target)
    try:
        target.symlink_to(SOURCE, target_is_directory=True)
        done.append(f"linked {target} -> {SOURCE}")
    except OSError:  # no symbolic links here (Windows without developer mode): copy
        shutil.copytree(SOURCE, target)
        done.append(f"copied {SOURCE} to {target} (run this again after changing it)")
    config = server_config_file(prefix)
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps(SERVER_CONFIG, indent=2) + "\n", encoding="utf-8")
    done.append(f"wrote {config}")
    return done


def problems(prefix: str | os.PathLike = sys.prefix) -> list[str]:
    """What is missing or out of date in the environment at ``prefix`` (empty: all there)."""
    found = []
    target = labextension_dir(prefix)
    if not target.exists():
        found.append(f"the deck extension is not installed at {target}")
    elif not (target.resolve() == SOURCE or _same_tree(target, SOURCE)):
        found.append(f"the deck extension at {target} differs from {SOURCE}")
    config = server_config_file(prefix)
    try:
        settings = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        settings = None
    if settings != SERVER_CONFIG:
        found.append(f"the server extension course.strip_on_save is not enabled by {config}")
    return found


def main() -> int:
    for line in install():
        print(f"course.labsetup: {line}")
    left = problems()
    for line in left:
        print(f"course.labsetup: {line}", file=sys.stderr)
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
