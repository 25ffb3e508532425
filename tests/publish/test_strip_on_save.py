"""The save hook keeps the course's notebooks as committed; the course's settings switch it on.

The end-to-end check runs lesson 00 in a kernel (outputs, widget state, full language_info,
as JupyterLab would hold it) and saves it through jupyter_server's own contents manager
with the hook registered: the file on disk must come out byte for byte as committed.
The other tests load ``jupyter/jupyter_server_config.py`` as jupyter_server does (the one
place for the course's JupyterLab set-up, see course/publish/lab.py) and save through a
contents manager configured by it. tests/browser/test_session.py does the same through
JupyterLab in Chromium, with autosave on.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

from course.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from course.publish import strip_on_save
from course.publish.lab import CONFIG_DIR

LESSON = NOTEBOOKS_DIR / "00-how-this-course-works.ipynb"
DECK = CONFIG_DIR / "labextensions" / "alliances-course-deck"


def _course_config(monkeypatch):
    """The course's server settings, loaded as jupyter_server loads a config file."""
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("PATH", "")  # the file puts its Python's scripts first on PATH
    return PyFileConfigLoader("jupyter_server_config.py", path=str(CONFIG_DIR)).load_config()


def _run(notebook_path):
    from nbclient import NotebookClient

    nb = nbformat.read(notebook_path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(notebook_path.parent)}}).execute()
    return nb


def test_strip_outputs_keeps_sources_tags_and_notes_metadata():
    nb = nbformat.read(LESSON, as_version=4)
    assert strip_on_save.strip_outputs(nb) == nb  # committed lessons are already clean
    cell = nb.cells[0]
    cell.metadata["jupyter"] = {"source_hidden": True, "outputs_hidden": True}
    cell.metadata["collapsed"] = True
    clean = strip_on_save.strip_outputs(nb)
    assert clean["cells"][0]["metadata"]["jupyter"] == {"source_hidden": True}
    assert "collapsed" not in clean["cells"][0]["metadata"]
    assert nb.cells[0].metadata["collapsed"] is True  # the input is not changed
    # Run All shows a markdown cell's source again; presenter notes are saved collapsed.
    nb.cells.append(nbformat.v4.new_markdown_cell(  # (the student edition has no notes)
        "**Presenter notes · 1 min teaching.**", metadata={"slideshow": {"slide_type": "notes"}}))
    clean = strip_on_save.strip_outputs(nb)
    assert all(c["metadata"]["jupyter"] == {"source_hidden": True} for c in clean["cells"]
               if c["metadata"].get("slideshow", {}).get("slide_type") == "notes")


@pytest.mark.parametrize("path, expected", [
    ("notebooks/00-how-this-course-works.ipynb", True),
    ("/exercises/ps1/ps1.ipynb", True),
    ("solutions/ps1/ps1.ipynb", True),
    ("notebooks/.ipynb_checkpoints/00-how-this-course-works-checkpoint.ipynb", False),
    ("notebooks/notes.md", False),
    ("my-copy.ipynb", False),
    ("notebooks/../my-copy.ipynb", False),
])
def test_only_the_course_notebooks_are_stripped(path, expected):
    assert strip_on_save.is_course_notebook(path, root=PROJECT_ROOT) is expected


def test_a_server_rooted_elsewhere_strips_nothing(tmp_path):
    assert not strip_on_save.is_course_notebook("notebooks/x.ipynb", root=tmp_path)


def _project(tmp_path, monkeypatch):
    """A throw-away project with the course's layout, so nothing in the checkout is written."""
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    monkeypatch.setattr(strip_on_save, "PROJECT_ROOT", project)
    return project


@pytest.mark.slow
def test_a_run_lesson_saved_by_jupyter_server_is_byte_for_byte_the_committed_one(
        tmp_path, monkeypatch):
    from jupyter_server.services.contents.filemanager import FileContentsManager

    committed = LESSON.read_bytes()
    nb = _run(LESSON)
    assert any(c.get("outputs") for c in nb.cells), "the lesson produced no outputs"
    assert "widgets" in nb.metadata, "the lesson saved no widget state"
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7",
                                    "mimetype": "text/x-python"}  # what a kernel reports
    project = _project(tmp_path, monkeypatch)
    manager = FileContentsManager(root_dir=str(project))
    manager.register_pre_save_hook(strip_on_save.pre_save_hook)
    manager.save({"type": "notebook", "content": json.loads(nbformat.writes(nb))},
                 f"notebooks/{LESSON.name}")
    assert (project / "notebooks" / LESSON.name).read_bytes() == committed


def test_the_course_settings_switch_the_hook_on_and_the_server_runs_it(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from jupyter_server.extension.manager import ExtensionPackage
    from jupyter_server.services.contents.filemanager import FileContentsManager

    extensions = _course_config(monkeypatch).ServerApp.jpserver_extensions.get_value({})
    assert extensions == {"course.publish.strip_on_save": True}
    package = ExtensionPackage(name="course.publish.strip_on_save", enabled=True)
    assert package.validate()  # what the server checks before loading an extension
    project = _project(tmp_path, monkeypatch)
    nb = nbformat.read(LESSON, as_version=4)
    first = next(i for i, cell in enumerate(nb.cells) if cell.cell_type == "code")
    nb.cells[first].outputs = [nbformat.v4.new_output("stream", text="hello\n")]
    nb.cells[first].execution_count = 1
    manager = FileContentsManager(root_dir=str(project))
    app = SimpleNamespace(contents_manager=manager, log=SimpleNamespace(info=print))
    for point in package.extension_points.values():
        point.load(app)
    assert strip_on_save.pre_save_hook in manager._pre_save_hooks
    for where in ("notebooks/lesson.ipynb", "elsewhere.ipynb"):
        manager.save({"type": "notebook", "content": json.loads(nbformat.writes(nb))}, where)
    kept = nbformat.read(project / "notebooks" / "lesson.ipynb", as_version=4)
    elsewhere = nbformat.read(project / "elsewhere.ipynb", as_version=4)
    assert kept.cells[first].outputs == [] and kept.cells[first].execution_count is None
    assert elsewhere.cells[first].outputs  # a notebook outside the course's folders keeps them


def test_the_course_settings_load_the_deck_extension_from_the_course_folder(monkeypatch):
    config = _course_config(monkeypatch)
    assert [str(DECK.parent)] == config.LabApp.extra_labextensions_path
    package = json.loads((DECK / "package.json").read_text())
    load = package["jupyterlab"]["_build"]["load"]
    script = (DECK / load).read_text()
    # JupyterLab asks window._JUPYTERLAB[<package name>] for the module the package names.
    assert f"const NAME = '{package['name']}'" in script and "window._JUPYTERLAB[NAME]" in script
    assert package["jupyterlab"]["_build"]["extension"] in script
    assert "course.css" in script and (DECK / "static" / "course.css").is_file()


def test_the_course_can_be_started_by_nothing_but_its_settings_folder():
    """One mechanism: no install step puts course files into the environment."""
    installed = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
    assert not any(p.name.startswith("alliances-course") for p in installed.glob("*")), (
        "a copy of a course extension is installed in the environment; the course's "
        "extensions are loaded from jupyter/labextensions only (remove the copy)")
    server_d = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d"
    assert not any("course" in p.read_text() for p in server_d.glob("*.json"))
