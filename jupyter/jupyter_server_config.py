"""JupyterLab as the course ships it: the one place for the course's JupyterLab settings.

Loaded by every way the course starts JupyterLab, through ``JUPYTER_CONFIG_PATH``
pointing at this folder: ``course lab`` (and so ``make lab``), Binder (``start``) and the
browser tests (``tests/browser/conftest.py``). See docs/ARCHITECTURE.md, "JupyterLab set-up".

* ``labextensions/alliances-course-vega``: the course's Vega-Lite renderer (the same
  Vega-Lite 5.20.1 / Vega 6.2.0 / vega-embed 7.0.2 as vl-convert's handouts), built
  from ``vega-renderer/``; it replaces JupyterLab's bundled Vega-Lite 5.6.1 renderer.
* ``labextensions/alliances-course-deck``: the course's additions to the slide deck
  (jupyterlab-slideshow): projector sizes, clicker keys (blanking; no key edits the
  lesson), hidden plumbing cells, the notebook run before presenting, no deck from stored
  settings, a speaker view; and, in every notebook, presenter notes never shown.
  Hand-written, no build step (see its remoteEntry.js).
* The save hook :func:`course.publish.strip_on_save.pre_save_hook`: the course's own notebooks
  (``notebooks/``, ``exercises/``, ``solutions/``) are saved without outputs, autosave
  included, so a teaching session leaves ``git status`` clean.
* ``lab-settings/overrides.d/*.json``: default values of JupyterLab's user settings,
  one file per concern (a student can still change them in the Settings editor).
* No calls home: no news feed, no update check.
* JupyterLab opens at the first lesson (a returning student's other tabs are restored
  beside it), not at the Launcher.
* The file browser lists course folders, not build leftovers.
* Terminals find the course's commands (``course submit ...``): the folder of the Python
  running JupyterLab (``.venv/bin``) comes first on their PATH, and they start as a plain
  interactive shell (a login shell would reset PATH from the system's profile).
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIRST_LESSON = "notebooks/00-how-this-course-works.ipynb"

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

c.LabApp.default_url = f"/lab/tree/{FIRST_LESSON}"

c.LabApp.extra_labextensions_path = [str(HERE / "labextensions")]
c.LabApp.app_settings_dir = str(HERE / "lab-settings")
c.LabApp.news_url = ""
c.LabApp.check_for_updates_class = "jupyterlab.handlers.announcements.NeverCheckForUpdate"

# The save hook, a server extension of the course package (installed beside JupyterLab by
# make env, postBuild or a hub image). Extensions enabled by the environment's own
# jupyter_server_config.d (jupyterlab, terminals, ...) are added to this by the server.
c.ServerApp.jpserver_extensions.update({"course.publish.strip_on_save": True})

c.ContentsManager.hide_globs = [
    # jupyter_server's defaults
    "__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~",
    # what installing, testing and building leave in the project folder
    "*.egg-info", "test-artifacts", "node_modules", "build", "dist", ".pytest_cache",
    ".ruff_cache",
]

# Terminals inherit the server's environment: put this environment's scripts first.
_scripts = str(Path(sys.executable).parent)
if os.environ.get("PATH", "").split(os.pathsep)[0] != _scripts:
    os.environ["PATH"] = os.pathsep.join([_scripts, os.environ.get("PATH", "")]).rstrip(os.pathsep)
_shell = os.environ.get("SHELL") or ("powershell.exe" if os.name == "nt" else "/bin/sh")
c.ServerApp.terminado_settings = {"shell_command": [_shell]}
