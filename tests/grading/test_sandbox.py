"""The contained runner: what a submission can see, do and break, and what comes back."""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

from course import paths
from course.grading.sandbox import Limits, Sandbox
from course.grading.untrusted.answers import decode

FAST = Limits(time_s=4, memory_mb=400)


@pytest.fixture(scope="module")
def box():
    with Sandbox() as sandbox:
        yield sandbox


def notebook(tmp_path: Path, *cells: tuple[str | None, str], name: str = "nb") -> Path:
    """Write a notebook of code cells; a cell is (question id or None, source)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["course"] = {"assignment": "fx"}
    for question, source in cells:
        cell = nbformat.v4.new_code_cell(source)
        if question:
            cell.metadata["course"] = {"question": question}
        nb.cells.append(cell)
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def values(result, question):
    return {k: decode(v) for k, v in result.answers[question].items()}


def test_this_machine_contains_submissions(box):
    # The engine's guarantees below need Linux namespaces (root or user namespaces).
    assert box.containment in ("namespace", "userns")


def test_answers_come_back_after_each_answer_cell(box, tmp_path):
    path = notebook(tmp_path, (None, "a = 2"), ("q1", "b = a * 21\n%time c = 1\n!ls"),
                    (None, "b = -1"), ("q2", "import pandas as pd\nt = pd.Series([1.5, 2.5])"),
                    ("q3", "%%time\nd = 4"), ("q4", "%%bash\ne = 5"))
    result = box.run(path, {"q1": ["b", "c"], "q2": ["t", "nothing"], "q3": ["d"],
                            "q4": ["e"]}, FAST)
    assert result.status == "ok"
    # q1 is read right after its cell (b = 42), not after the later `b = -1`.
    assert values(result, "q1")["b"] == 42
    assert values(result, "q1")["c"] == 1  # `%time c = 1` runs `c = 1`; `!ls` does nothing
    assert list(values(result, "q2")["t"]) == [1.5, 2.5]
    assert values(result, "q3") == {"d": 4}  # a %%time cell runs its body
    # a cell in another language is not run, and the reason is named
    assert values(result, "q4")["e"].__class__.__name__ == "Missing"
    [error] = result.cell_errors
    assert error["question"] == "q4" and "%%bash is not run by the grader" in error["error"]
    assert values(result, "q2")["nothing"].__class__.__name__ == "Missing"


def test_submission_cannot_see_solutions_tests_or_network(box, tmp_path):
    secret = tmp_path / "gradebook.csv"
    secret.write_text("student_id,total\n")
    probe = f"""
import os, socket, pathlib
root = {str(paths.PROJECT_ROOT)!r}
seen = sorted(os.listdir(root)) if os.path.isdir(root) else []
solutions = os.path.exists(os.path.join(root, "solutions"))
tests = os.path.exists(os.path.join(root, "tests"))
home = os.path.exists({str(secret)!r}) or os.path.exists({str(Path.home() / ".bashrc")!r})
here = sorted(os.listdir("."))
uid = os.getuid()
try:
    socket.create_connection(("127.0.0.1", 22), timeout=0.5)
    net = "connected"
except OSError as error:
    net = type(error).__name__
secret_env = sorted(k for k in os.environ if "TOKEN" in k or "KEY" in k)
data_rows = len(pathlib.Path(root, "data", "datapackage.json").read_text()) > 0
try:
    open(os.path.join(root, "course", "evil.py"), "w")
    wrote_course = True
except OSError:
    wrote_course = False
"""
    names = ["seen", "solutions", "tests", "home", "here", "uid", "net", "secret_env",
             "data_rows", "wrote_course"]
    result = box.run(notebook(tmp_path, ("q1", probe)), {"q1": names}, FAST)
    got = values(result, "q1")
    assert not got["solutions"] and not got["tests"] and not got["home"]
    assert "solutions" not in got["seen"] and "pyproject.toml" not in got["seen"]
    assert got["here"] == ["submission.ipynb"]
    assert got["net"] != "connected"
    assert got["secret_env"] == []
    assert got["data_rows"] is True  # course data stay readable
    assert got["wrote_course"] is False
    if box.containment == "namespace":
        assert box.uids[0] < got["uid"] < box.uids[1]


def test_a_process_that_dies_keeps_earlier_answers(box, tmp_path):
    path = notebook(tmp_path, ("q1", "x = 1"), (None, "import os\nos._exit(7)"), ("q2", "y = 2"))
    result = box.run(path, {"q1": ["x"], "q2": ["y"]}, FAST)
    assert result.status == "exited" and "exit code 7" in result.message
    assert values(result, "q1") == {"x": 1}
    assert "q2" not in result.answers


def test_sys_exit_and_errors_do_not_stop_the_run(box, tmp_path):
    path = notebook(tmp_path, ("q1", "x = 1"), (None, "import sys\nsys.exit(1)"),
                    (None, "1 / 0"), (None, "raise KeyboardInterrupt"), ("q2", "y = 2"))
    result = box.run(path, {"q1": ["x"], "q2": ["y"]}, FAST)
    assert result.status == "ok"
    assert values(result, "q2") == {"y": 2}
    errors = [e["error"].split(":")[0].split(" (")[0] for e in result.cell_errors]
    assert errors == ["SystemExit", "ZeroDivisionError", "KeyboardInterrupt"]


def test_wall_clock_limit_kills_a_loop_that_ignores_signals(box, tmp_path):
    loop = ("import signal\nfor s in (signal.SIGINT, signal.SIGTERM, signal.SIGXCPU):\n"
            "    signal.signal(s, signal.SIG_IGN)\nimport time\nwhile True:\n    time.sleep(0.01)")
    path = notebook(tmp_path, ("q1", "x = 1"), (None, loop), ("q2", "y = 2"))
    started = time.monotonic()
    result = box.run(path, {"q1": ["x"], "q2": ["y"]}, Limits(time_s=1.5))
    assert time.monotonic() - started < 6
    assert result.status == "timeout"
    assert values(result, "q1") == {"x": 1} and "q2" not in result.answers


def test_memory_limit_raises_memory_error_in_the_cell(box, tmp_path):
    bomb = "blocks = []\nwhile True:\n    blocks.append(bytearray(20_000_000))"
    path = notebook(tmp_path, (None, bomb), (None, "del blocks"), ("q1", "x = 'still here'"))
    result = box.run(path, {"q1": ["x"]}, Limits(time_s=10, memory_mb=300))
    assert result.cell_errors[0]["error"].startswith("MemoryError")
    assert values(result, "q1") == {"x": "still here"}


def test_fork_bomb_is_capped_and_cleaned_up(box, tmp_path):
    bomb = "import os\nwhile True:\n    os.fork()"
    path = notebook(tmp_path, (None, bomb), ("q1", "import os\nx = os.getpid()"))
    result = box.run(path, {"q1": ["x"]}, Limits(time_s=10))
    assert result.status == "ok"
    assert "BlockingIOError" in result.cell_errors[0]["error"]
    if box.containment == "namespace":
        # every process of every job uid is gone once the job has finished
        leftovers = []
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    uid = os.stat(f"/proc/{pid}").st_uid
                except OSError:
                    continue
                if box.uids[0] <= uid < box.uids[1]:
                    leftovers.append(pid)
        assert leftovers == []


def test_output_is_capped_and_a_flood_is_stopped(box, tmp_path):
    chatty = "for i in range(200_000):\n    print('line', i)"
    flood = "import os\nfor _ in range(2000):\n    os.write(1, b'x' * 1_000_000)"
    path = notebook(tmp_path, (None, chatty), ("q1", "x = 1"), (None, flood), ("q2", "y = 1"))
    result = box.run(path, {"q1": ["x"], "q2": ["y"]}, Limits(time_s=20))
    assert result.output.startswith("line 0\n")
    assert len(result.output.encode()) <= Limits().output_keep_bytes
    assert result.status == "output_limit"
    assert values(result, "q1") == {"x": 1} and "q2" not in result.answers


def test_deleted_answer_cell_is_read_at_the_end(box, tmp_path):
    path = notebook(tmp_path, (None, "x = 5"))
    result = box.run(path, {"q1": ["x"]}, FAST)
    assert result.answer_cells_found == []
    assert values(result, "q1") == {"x": 5}


def test_jobs_run_in_parallel_and_do_not_share_state(box, tmp_path):
    a = notebook(tmp_path, (None, "import time\ntime.sleep(1)"), ("q1", "x = 'a'"), name="a")
    b = notebook(tmp_path, (None, "import time\ntime.sleep(1)\nimport pandas as pd\n"
                            "pd.DataFrame.sum = None"), ("q1", "x = 'b'"), name="b")
    c = notebook(tmp_path, ("q1", "import pandas as pd\nx = str(pd.DataFrame.sum)[:9]"),
                 name="c")
    started = time.monotonic()
    jobs = {box.submit(p, {"q1": ["x"]}, FAST): p.stem for p in (a, b)}
    done = {}
    while len(done) < 2:
        for job, result in box.wait():
            done[jobs[job]] = values(result, "q1")["x"]
    assert time.monotonic() - started < 1.9  # two 1-second notebooks, at the same time
    assert done == {"a": "a", "b": "b"}
    assert box.run(c, {"q1": ["x"]}, FAST).answers["q1"]["x"]["value"] == "<function"


def test_writes_are_capped_and_stay_inside(box, tmp_path):
    fill = ("import os\nwritten = 0\ntry:\n    with open('big.bin', 'wb') as f:\n"
            "        for _ in range(200):\n            f.write(b'x' * 1_000_000)\n"
            "            written += 1\nexcept OSError as error:\n"
            "    stopped = type(error).__name__\nhere = sorted(os.listdir('.'))")
    result = box.run(notebook(tmp_path, ("q1", fill)), {"q1": ["written", "stopped", "here"]},
                     Limits(time_s=10))
    got = values(result, "q1")
    assert got["written"] * 1_000_000 <= Limits().file_mb * 2**20
    assert got["stopped"] == "OSError"
    assert got["here"] == ["big.bin", "submission.ipynb"]
    assert not (tmp_path / "big.bin").exists()


def test_user_namespace_mode_also_hides_the_project(tmp_path):
    # The mode used where the grader is not root (checked here by asking for it).
    probe = (f"import os\nroot = {str(paths.PROJECT_ROOT)!r}\n"
             "seen = sorted(os.listdir(root))\nhere = sorted(os.listdir('.'))")
    with Sandbox(containment="userns") as sandbox:
        assert sandbox.containment == "userns"
        result = sandbox.run(notebook(tmp_path, ("q1", probe)), {"q1": ["seen", "here"]}, FAST)
    got = values(result, "q1")
    assert "solutions" not in got["seen"] and "tests" not in got["seen"]
    assert got["here"] == ["submission.ipynb"]


@pytest.mark.parametrize("line", ["from course.grading.check import Checker",
                                  "from course.grading import Checker"],
                         ids=["handout", "handout-before-the-check-stage"])
def test_self_checks_are_quiet_in_a_graded_run(box, tmp_path, line):
    # the stub stands in for the check stage, under both spellings of the handout's import
    cells = ((None, f"{line}\ncheck = Checker('fx')"), ("q1", "x = 6 * 7\ncheck('q1')"),
             (None, "check.submit('s1')"))
    result = box.run(notebook(tmp_path, *cells), {"q1": ["x"]}, FAST)
    assert result.cell_errors == []
    assert values(result, "q1") == {"x": 42}


def test_widgets_and_display_calls_do_not_break_the_run(box, tmp_path):
    cells = (
        (None, "import ipywidgets as widgets\nslider = widgets.IntSlider(value=3)\n"
               "display(slider)\nslider"),
        (None, "from IPython.display import display, Markdown\n"
               "display(Markdown('**hi**'))\nimport altair as alt, pandas as pd\n"
               "c = alt.Chart(pd.DataFrame({'a': [1]})).mark_point().encode(x='a:Q')\n"
               "display(c)\nc"),
        ("q1", "x = slider.value * 2"),
    )
    result = box.run(notebook(tmp_path, *cells), {"q1": ["x"]}, FAST)
    assert result.cell_errors == []
    assert values(result, "q1") == {"x": 6}


def test_runner_memory_holds_no_tests_or_solutions(box, tmp_path):
    # Everything a submission inherits comes from the zygote, which never reads them.
    scan = """
import gc, sys
markers = ("BEGIN " + "SOLUTION", "@hid" + "den(", "rub" + "ric:")
found = set()
for obj in gc.get_objects():
    items = obj.values() if type(obj) is dict else obj if type(obj) in (list, tuple) else ()
    for item in items:
        if type(item) is str and item not in markers and any(m in item for m in markers):
            found.add(item[:60])
modules = sorted(m for m in sys.modules if m.startswith(("course_tests", "course_public",
                                                          "course.grading.")))
"""
    result = box.run(notebook(tmp_path, ("q1", scan)), {"q1": ["found", "modules"]}, FAST)
    got = values(result, "q1")
    assert got["found"] == set()
    # of grading, only the trust boundary, the test API, the sandbox and the stub that
    # stands in for the student's self-check (never authoring, running or the gradebook)
    assert set(got["modules"]) <= {"course.grading.untrusted", "course.grading.untrusted.answers",
                                   "course.grading.untrusted.reader",
                                   "course.grading.untrusted.safetext", "course.grading.testing",
                                   "course.grading.check", "course.grading.sandbox"}


def test_runs_are_repeatable_and_input_fails_cleanly(box, tmp_path):
    cells = ((None, "try:\n    input('name? ')\nexcept EOFError:\n    asked = 'no stdin'"),
             ("q1", "import random, numpy as np\ndraws = [random.random(), "
                    "float(np.random.default_rng().random() >= 0), float(np.random.rand())]"))
    path = notebook(tmp_path, *cells)
    first = values(box.run(path, {"q1": ["draws", "asked"]}, FAST), "q1")
    second = values(box.run(path, {"q1": ["draws", "asked"]}, FAST), "q1")
    assert first == second and first["asked"] == "no stdin"
    # seeded with 0 in every run, as `course submit` and `course grade` both do
    import random

    import numpy as np

    assert first["draws"][0] == random.Random(0).random()
    assert first["draws"][2] == np.random.RandomState(0).rand()


def test_process_mode_without_fork_runs_and_times_out(tmp_path):
    # What `course submit` uses where there is no fork (Windows laptops).
    path = notebook(tmp_path, ("q1", "import pandas as pd\nx = int(pd.Series([1, 2]).sum())"),
                    (None, "1 / 0"), ("q2", "y = 'two'"))
    looping = notebook(tmp_path, ("q1", "x = 1"), (None, "while True:\n    pass"),
                       ("q2", "y = 2"), name="loop")
    with Sandbox(containment="process") as sandbox:
        result = sandbox.run(path, {"q1": ["x"], "q2": ["y"]}, FAST)
        stuck = sandbox.run(looping, {"q1": ["x"], "q2": ["y"]}, Limits(time_s=1))
    assert sandbox.containment == "process" and result.status == "ok"
    assert values(result, "q1") == {"x": 3} and values(result, "q2") == {"y": "two"}
    assert result.cell_errors[0]["error"].startswith("ZeroDivisionError")
    assert stuck.status == "timeout" and values(stuck, "q1") == {"x": 1}
    assert "q2" not in stuck.answers
