"""The save hook keeps the course's notebooks as committed; the installer puts it in place.

The end-to-end check runs lesson 00 in a kernel (outputs, widget state, full language_info,
as JupyterLab would hold it) and saves it through jupyter_server's own contents manager
with the hook registered: the file on disk must come out byte for byte as committed.
tests/browser/test_session.py does the same through JupyterLab in Chromium, with autosave on.
"""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from course import labsetup, strip_on_save
from course.paths import NOTEBOOKS_DIR, PROJECT_ROOT

LESSON = NOTEBOOKS_DIR / "00-how-this-course-works.ipynb"


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
    notes = next(c for c in nb.cells if c.metadata.get("slideshow", {}).get("slide_type")
                 == "notes")
    del notes.metadata["jupyter"]
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


def test_the_server_really_runs_the_hook_on_save(tmp_path, monkeypatch):
    from jupyter_server.services.contents.filemanager import FileContentsManager

    project = _project(tmp_path, monkeypatch)
    nb = nbformat.read(LESSON, as_version=4)
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="hello\n")]
    nb.cells[3].execution_count = 1
    manager = FileContentsManager(root_dir=str(project))
    manager.register_pre_save_hook(strip_on_save.pre_save_hook)
    for where in ("notebooks/lesson.ipynb", "elsewhere.ipynb"):
        manager.save({"type": "notebook", "content": json.loads(nbformat.writes(nb))}, where)
    kept = nbformat.read(project / "notebooks" / "lesson.ipynb", as_version=4)
    elsewhere = nbformat.read(project / "elsewhere.ipynb", as_version=4)
    assert kept.cells[3].outputs == [] and kept.cells[3].execution_count is None
    assert elsewhere.cells[3].outputs  # a notebook outside the course's folders keeps them


def test_labsetup_installs_both_pieces_and_notices_what_is_missing(tmp_path):
    assert len(labsetup.problems(tmp_path)) == 2
    labsetup.install(tmp_path)
    assert labsetup.problems(tmp_path) == []
    installed = labsetup.labextension_dir(tmp_path)
    assert (installed / "package.json").is_file()
    assert (installed / "static" / "remoteEntry.js").is_file()
    config = json.loads(labsetup.server_config_file(tmp_path).read_text())
    assert config["ServerApp"]["jpserver_extensions"] == {"course.strip_on_save": True}
    # A stale copy (an older checkout) is reported, and installing again fixes it.
    installed.unlink() if installed.is_symlink() else shutil.rmtree(installed)
    shutil.copytree(labsetup.SOURCE, installed)
    (installed / "static" / "course.css").write_text("/* old */")
    assert any("differs" in p for p in labsetup.problems(tmp_path))
    labsetup.install(tmp_path)
    assert labsetup.problems(tmp_path) == []


def test_this_environment_has_the_course_jupyterlab_additions():
    problems = labsetup.problems()
    assert not problems, ("the course's JupyterLab additions are missing from this "
                          "environment; run `python -m course.labsetup` (make env does):\n  "
                          + "\n  ".join(problems))


def test_the_labextension_declares_what_jupyterlab_loads():
    package = json.loads((labsetup.SOURCE / "package.json").read_text())
    assert package["name"] == labsetup.NAME
    load = package["jupyterlab"]["_build"]["load"]
    assert (labsetup.SOURCE / load).is_file()
    script = (labsetup.SOURCE / load).read_text()
    assert "window._JUPYTERLAB[NAME]" in script and f"const NAME = '{labsetup.NAME}'" in script
    assert "course.css" in script and (labsetup.SOURCE / "static" / "course.css").is_file()
