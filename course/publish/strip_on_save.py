"""A Jupyter server save hook: the course's own notebooks are saved without outputs.

Teaching from a checkout means opening the lessons in JupyterLab, running them, presenting
them — and JupyterLab autosaves every two minutes. Without this extension every output
(charts, tables, widget state) lands in the committed lesson files: about 15,000 lines of
``git diff`` after one session. With it, a notebook inside the project's ``notebooks/``,
``exercises/`` or ``solutions/`` folder is saved as the course commits it: no outputs, no
execution counts, no widget state, the notebook metadata reduced to what the course keeps
(``language_info`` to its ``name``), and presenter-notes cells collapsed (running a markdown
cell, as Run All does, shows its source again). A session that changes no cell leaves the file
byte-for-byte as it was, so ``git status`` shows nothing to commit; a student's edits (their
answers) are saved as usual, only the outputs go. Notebooks anywhere else — a copy a student
saves elsewhere to keep its outputs — are saved untouched.

Why a save hook: a git clean filter (nbstripout) needs ``git config`` that a fresh clone does
not have, and leaves the outputs in the file on disk, where the course's own checks and
other tools read them; working on copies leaves two versions of every lesson, and JupyterHub
(nbgitpuller) and Binder open the repository's files directly. The hook runs in the Jupyter
server itself, for every way the course is opened.

How it is switched on: this module is a Jupyter server extension that registers
:func:`pre_save_hook` with the server's contents manager; the course's server settings,
``jupyter/jupyter_server_config.py``, enable it (``ServerApp.jpserver_extensions``), and every
way the course starts JupyterLab loads that file through ``JUPYTER_CONFIG_PATH`` (``course
lab`` and so ``make lab``, Binder's ``start``, JupyterHub, the browser tests). No install
step, no user setting, no git configuration.

Examples
--------
>>> nb = {"cells": [{"cell_type": "code", "execution_count": 3, "metadata": {"execution": {}},
...                  "outputs": [{"output_type": "stream", "name": "stdout", "text": "hi"}],
...                  "source": "print('hi')"}],
...       "metadata": {"language_info": {"name": "python", "version": "3.11.7"},
...                    "widgets": {"state": {}}}, "nbformat": 4, "nbformat_minor": 5}
>>> clean = strip_outputs(nb)
>>> cell = clean["cells"][0]
>>> cell["outputs"], cell["execution_count"], cell["metadata"]
([], None, {})
>>> clean["metadata"]
{'language_info': {'name': 'python'}}
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path, PurePosixPath
from typing import Any

from course.paths import EXERCISES_DIR, NOTEBOOKS_DIR, PROJECT_ROOT, SOLUTIONS_DIR

#: Folders whose notebooks are committed without outputs (relative to the project root).
CLEAN_FOLDERS = tuple(p.relative_to(PROJECT_ROOT).as_posix()
                      for p in (NOTEBOOKS_DIR, EXERCISES_DIR, SOLUTIONS_DIR))
#: Cell metadata that records a run or the look of outputs, never part of a lesson.
RUN_METADATA = ("execution", "collapsed", "scrolled", "trusted", "ExecuteTime")

log = logging.getLogger(__name__)


def strip_outputs(notebook: dict) -> dict:
    """A copy of a notebook (nbformat 4, as a dict) as the course commits it."""
    clean = copy.deepcopy(notebook)
    for cell in clean.get("cells", []):
        metadata = cell.setdefault("metadata", {})
        for key in RUN_METADATA:
            metadata.pop(key, None)
        jupyter = metadata.get("jupyter")
        if isinstance(jupyter, dict):
            jupyter.pop("outputs_hidden", None)
            if not jupyter:
                metadata.pop("jupyter")
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        elif (metadata.get("slideshow") or {}).get("slide_type") == "notes":
            metadata.setdefault("jupyter", {})["source_hidden"] = True
    metadata = clean.setdefault("metadata", {})
    metadata.pop("widgets", None)
    language = metadata.get("language_info")
    if isinstance(language, dict) and "name" in language:
        metadata["language_info"] = {"name": language["name"]}
    return clean


def is_course_notebook(path: str, root: Path | str | None = None) -> bool:
    """Whether a path the server saves (relative to its root folder) is a committed notebook.

    >>> is_course_notebook("notebooks/01-measuring-power-and-polarity.ipynb", root=PROJECT_ROOT)
    True
    >>> is_course_notebook("my-notes/copy.ipynb", root=PROJECT_ROOT)
    False
    """
    if not path.endswith(".ipynb"):
        return False
    where = Path(root or PROJECT_ROOT).resolve() / PurePosixPath(path.lstrip("/"))
    try:
        inside = where.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return False  # a server whose root is elsewhere: not one of the course's files
    parts = inside.split("/")
    return (any(inside.startswith(folder + "/") for folder in CLEAN_FOLDERS)
            and ".ipynb_checkpoints" not in parts)


def pre_save_hook(model: dict[str, Any], path: str, contents_manager=None, **_kwargs) -> None:
    """jupyter_server pre-save hook: strip a course notebook's outputs in place."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    root = getattr(contents_manager, "root_dir", None)
    if not is_course_notebook(path, root):
        return
    model["content"] = strip_outputs(model["content"])
    log.debug("course: saved %s without outputs", path)


def _jupyter_server_extension_points():
    return [{"module": "course.publish.strip_on_save"}]


def _load_jupyter_server_extension(serverapp) -> None:
    serverapp.contents_manager.register_pre_save_hook(pre_save_hook)
    serverapp.log.info("course: notebooks in %s are saved without outputs",
                       ", ".join(f"{folder}/" for folder in CLEAN_FOLDERS))
