"""`check.submit(...)` inside the exercise notebook does what `course submit` does."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from course import paths
from course.errors import InputError
from course.grading.check.checker import Checker, _this_notebook

pytestmark = pytest.mark.needs("solutions")  # instructors' tests: not in the student edition


@pytest.mark.slow
def test_submit_from_inside_a_renamed_notebook_writes_the_submission(tmp_path):
    """A student's file has any name; the call in its last cell checks and packages it."""
    notebook_path = tmp_path / "my homework (final).ipynb"
    shutil.copy(paths.SOLUTIONS_DIR / "ps1" / "ps1.ipynb", notebook_path)
    notebook = nbformat.read(notebook_path, as_version=4)
    submit_cells = [c for c in notebook.cells if "check.submit(" in c.source]
    assert len(submit_cells) == 1, "the problem set must end with one check.submit cell"
    submit_cells[0].source = 'check.submit("s1234567")'
    nbformat.write(notebook, notebook_path)
    before = notebook_path.read_bytes()

    client = NotebookClient(nbformat.read(notebook_path, as_version=4), timeout=180,
                            kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    executed = client.execute()

    printed = "".join(o.get("text", "") for c in executed.cells if "check.submit(" in c.source
                      for o in c.outputs)
    assert "q1" in printed and "public" in printed, printed
    submission = tmp_path / "my homework (final).submission.ipynb"
    assert submission.is_file()
    meta = json.loads(submission.read_text())["metadata"]["course"]
    assert meta["assignment"] == "ps1" and meta["student_id"] == "s1234567"
    assert notebook_path.read_bytes() == before, "the working notebook must not change"


def test_the_notebook_is_found_by_its_assignment_when_the_kernel_does_not_say(tmp_path,
                                                                              monkeypatch):
    shutil.copy(paths.EXERCISES_DIR / "ps1" / "ps1.ipynb", tmp_path / "whatever.ipynb")
    (tmp_path / "notes.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}))
    monkeypatch.chdir(tmp_path)
    assert _this_notebook("ps1", None) == tmp_path / "whatever.ipynb"


def test_two_candidate_notebooks_get_a_message_naming_them(tmp_path, monkeypatch):
    for name in ("a.ipynb", "b.ipynb"):
        shutil.copy(paths.EXERCISES_DIR / "ps1" / "ps1.ipynb", tmp_path / name)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match=r"a\.ipynb, b\.ipynb.*notebook="):
        _this_notebook("ps1", None)


def test_submit_is_a_no_op_inside_the_graders_run(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_SANDBOX", "1")
    monkeypatch.chdir(tmp_path)  # no notebook here: a real submit would raise
    assert Checker("ps1").submit("s1234567") is None
