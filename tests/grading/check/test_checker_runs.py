"""What the self-check knows about the cells a student ran, in a real kernel.

JupyterLab sends each cell's id with its code (``metadata.cellId`` of the
``execute_request``); the kernel's ``post_run_cell`` event carries it. These tests drive
a real ipykernel the same way, cell id included, through a student's mishaps:

* the q2 answer cell is fixed, then broken (SyntaxError) and run, then emptied and run:
  ``check("q2")`` must say so, with a warning and no verdict on the earlier run's values;
* lesson 00's self-check (``check_overtake``) likewise, on the lesson's own cells;
* the cell is changed and saved but not run: ``check`` says so;
* the cell is run with a change that is not saved: ``check`` trusts the values, and
  ``check.submit``'s warning names the unsaved cell and says how to save;
* NumPy numbers print plainly; one public check reads "the public check passed".
"""

from __future__ import annotations

import json
import queue
import time

import pytest
from jupyter_client.manager import start_new_kernel

ANSWER_ID = "answer-q2"
GOOD = 'shares_1913 = pd.Series({"UKG": 0.5, "GMY": 0.5})'
BROKEN = 'shares_1913 = pd.Series({"UKG": 0.5, "GMY": 0.37)'
CHANGED = 'shares_1913 = pd.Series({"UKG": 0.25, "GMY": 0.75})'
NEWER = 'shares_1913 = pd.Series({"UKG": 0.3, "GMY": 0.7})'


def _notebook(answer_source: str) -> dict:
    cells = [
        {"cell_type": "code", "id": "setup", "metadata": {}, "execution_count": None,
         "outputs": [], "source": "import pandas as pd\nfrom course.grading.check.checker import "
                                  "Checker\ncheck = Checker(\"ps1\")"},
        {"cell_type": "code", "id": ANSWER_ID, "metadata": {"course": {"question": "q2"}},
         "execution_count": None, "outputs": [], "source": answer_source},
        {"cell_type": "code", "id": "check-q2", "metadata": {}, "execution_count": None,
         "outputs": [], "source": 'check("q2")'},
    ]
    return {"cells": cells, "metadata": {"course": {"assignment": "ps1"},
                                         "kernelspec": {"name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


def _run(client, code: str, cell_id: str) -> str:
    """Execute ``code`` as JupyterLab does for cell ``cell_id``; return what it printed."""
    message = client.session.msg("execute_request", {
        "code": code, "silent": False, "store_history": True, "user_expressions": {},
        "allow_stdin": False, "stop_on_error": False})
    message["metadata"]["cellId"] = cell_id
    client.shell_channel.send(message)
    printed = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            reply = client.get_iopub_msg(timeout=5)
        except queue.Empty:
            continue
        if reply["parent_header"].get("msg_id") != message["header"]["msg_id"]:
            continue
        kind, content = reply["msg_type"], reply["content"]
        if kind == "stream":
            printed.append(content["text"])
        elif kind in ("execute_result", "display_data"):
            printed.append(content["data"].get("text/plain", "") + "\n")
        elif kind == "error":
            printed.append(f"{content['ename']}: {content['evalue']}\n")
        elif kind == "status" and content["execution_state"] == "idle":
            return "".join(printed)
    pytest.fail(f"no reply from the kernel for {code!r}")


@pytest.fixture
def student(tmp_path):
    path = tmp_path / "my ps1.ipynb"
    path.write_text(json.dumps(_notebook(GOOD)))
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(tmp_path))
    try:
        _run(client, _notebook(GOOD)["cells"][0]["source"], "setup")
        yield path, client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _save(path, answer_source: str) -> None:
    time.sleep(0.05)  # the file's time must be after the last run
    path.write_text(json.dumps(_notebook(answer_source)))


@pytest.mark.slow
def test_check_says_when_the_answer_cell_failed_or_changed(student):
    path, client = student
    assert "Error" not in _run(client, GOOD, ANSWER_ID)
    out = _run(client, 'check("q2")', "check-q2")
    assert "q2: the public check passed" in out and "⚠" not in out, out

    # Broken and run: the old values are still there, and the check must say so.
    assert "SyntaxError" in _run(client, BROKEN, ANSWER_ID)
    out = _run(client, 'check("q2")', "check-q2")
    assert "⚠ q2: its answer cell raised SyntaxError" in out, out
    assert "no verdict" in out and "passed" not in out, out  # a warning, not a verdict

    # Emptied and run: the old values are still there too.
    assert "Error" not in _run(client, "", ANSWER_ID)
    out = _run(client, 'check("q2")', "check-q2")
    assert "⚠ q2: its answer cell no longer sets `shares_1913`" in out, out
    assert "no verdict" in out and "passed" not in out, out

    # Fixed in the editor and saved, not run yet.
    assert "Error" not in _run(client, GOOD, ANSWER_ID)
    _save(path, CHANGED)
    out = _run(client, 'check("q2")', "check-q2")
    assert "⚠ q2: its answer cell was changed since it last ran" in out, out

    # Run, not saved: the values are the ones checked; only submitting must warn.
    assert "Error" not in _run(client, NEWER, ANSWER_ID)
    out = _run(client, 'check("q2")', "check-q2")
    assert "⚠" not in out, out
    out = _run(client, "from pathlib import Path\nfrom course.grading.check.checker import "
                       "unsaved_warning\n"
                       f"print(unsaved_warning(Path({str(path)!r}), "
                       f"check.runs.unsaved_cells(Path({str(path)!r}))))", "submit")
    assert "Unsaved changes will not be submitted" in out, out
    assert "you ran 1 cell that differs" in out, out
    assert "shares_1913 = pd.Series({\"UKG\": 0.3" in out and "Ctrl+S" in out, out
    assert "submit" not in out.split("saved file:")[1].split("Save the")[0], \
        "the cell running check.submit is not itself an unsaved change"


@pytest.mark.slow
def test_numbers_print_plainly_after_the_checker_is_made(student):
    _path, client = student
    out = _run(client, "import numpy as np\nnp.float64(0.25)", "numbers")
    assert out.strip() == "0.25"
    assert _run(client, "np.int64(3), np.bool_(True)", "more").strip() == "(3, True)"


LESSON_00 = "00-how-this-course-works.ipynb"


@pytest.mark.slow
def test_a_lesson_self_check_gives_a_warning_not_a_verdict_on_a_stale_answer(tmp_path):
    """Lesson 00's answer and check cells, run by id as JupyterLab runs them."""
    from course import paths

    cells = json.loads((paths.PROJECT_ROOT / "notebooks" / LESSON_00).read_text())["cells"]
    check = next(c for c in cells if "check_overtake(" in "".join(c["source"]))
    setup = next(c for c in cells if c["cell_type"] == "code")
    answer_id = cells[cells.index(check) - 1]["id"]
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(tmp_path))
    try:
        _run(client, "".join(setup["source"]), setup["id"])

        def verdict(answer: str) -> str:
            _run(client, answer, answer_id)
            return _run(client, "".join(check["source"]), check["id"])

        assert verdict("first_year_china_ahead = 1995").startswith("Correct"), "right"
        out = verdict("first_year_china_ahead = 1995 +")  # SyntaxError: 1995 is kept
        assert out.startswith("⚠ No verdict yet") and "SyntaxError" in out, out
        out = verdict("")  # emptied and run: 1995 is kept
        assert out.startswith("⚠ No verdict yet") and "no longer sets it" in out, out
        assert verdict("first_year_china_ahead = 1990").startswith("Not yet"), "wrong"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
