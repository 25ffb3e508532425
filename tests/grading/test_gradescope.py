"""The Gradescope autograder: fails closed, runs students unprivileged, grades the right file.

Gradescope's containers may refuse Linux namespaces. There the student's code could read
the tests and write the results, so the autograder refuses to grade unless the problem
set's assignment.yaml allows it — and even then runs the student's code as another user
than the (root) grader, with the tests and results folder readable by root only.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from course import paths
from course.grading import gradescope

pytestmark = pytest.mark.needs("solutions")  # grades the fixture problem set (instructors only)

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "fx"


def test_the_submission_file_is_preferred(tmp_path):
    upload = tmp_path / "submission"
    (upload / "nested").mkdir(parents=True)
    for name in ("ps1.ipynb", "notes.ipynb", "nested/ps1.submission.ipynb"):
        (upload / name).write_text("{}")
    assert gradescope._find_notebook(upload, "ps1") == upload / "nested" / "ps1.submission.ipynb"
    (upload / "nested" / "ps1.submission.ipynb").unlink()
    assert gradescope._find_notebook(upload, "ps1") == upload / "ps1.ipynb"
    (upload / "ps1.ipynb").unlink()
    assert gradescope._find_notebook(upload, "ps1") == upload / "notes.ipynb"  # the only one


def test_the_bundle_requires_runtime_packages_only():
    lock = (paths.PROJECT_ROOT / "requirements.lock").read_text().splitlines()
    wanted = gradescope.bundle_files("ps1")["requirements.txt"].decode().splitlines()
    names = {line.split("==")[0] for line in wanted}
    assert set(wanted) <= set(lock)  # the same pins as the lock file
    assert {"pandas", "numpy", "altair", "pyyaml", "nbformat"} <= names
    assert not names & {"pytest", "pytest-xdist", "execnet", "ruff", "playwright",
                        "frictionless", "iniconfig", "pluggy"}


def _bundle(root: Path, allow: bool) -> Path:
    """An autograder's grading/ folder for the fixture problem set (readable by all, for
    now: the autograder must lock it itself)."""
    folder = root / "grading" / "fx"
    folder.mkdir(parents=True)
    for name in ("assignment.yaml", "tests.py"):
        shutil.copy(FIXTURE / name, folder / name)
    if allow:
        with (folder / "assignment.yaml").open("a") as handle:
            handle.write("gradescope:\n  allow_uncontained: true\n")
    for path in (root, root / "grading", folder, *folder.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root / "grading"


PROBE = '''
import json, os
def _try(action):
    try:
        action()
        return "allowed"
    except OSError as error:
        return type(error).__name__
_report = {
    "uid": os.getuid(),
    "read_tests": _try(lambda: open(TESTS).read()),
    "write_results": _try(lambda: open(RESULTS, "w").write("{}")),
    "signal_parent": _try(lambda: os.kill(os.getppid(), 0)),
}
with open(EVIDENCE, "w") as _handle:
    json.dump(_report, _handle)
'''


def _upload(root: Path, grading: Path) -> tuple[Path, Path]:
    notebook = json.loads((FIXTURE / "fx.ipynb").read_text())
    evidence = root / "evidence"
    evidence.mkdir()
    evidence.chmod(0o777)
    source = (PROBE.replace("TESTS", repr(str(grading / "fx" / "tests.py")))
              .replace("RESULTS", repr(str(root / "results" / "results.json")))
              .replace("EVIDENCE", repr(str(evidence / "report.json"))))
    notebook["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [],
                              "execution_count": None, "source": source})
    upload = root / "submission"
    upload.mkdir()
    (upload / "fx.ipynb").write_text(json.dumps(notebook))
    return upload, evidence / "report.json"


def _grade(root: Path, grading: Path, upload: Path, capsys) -> tuple[dict, str]:
    results = root / "results" / "results.json"
    code = gradescope.main(["fx", "--submission", str(upload), "--results", str(results),
                            "--spec-dir", str(grading), "--containment", "none"])
    assert code == 0
    return json.loads(results.read_text()), capsys.readouterr().out


@pytest.fixture
def world_readable_root():
    root = Path(tempfile.mkdtemp(prefix="gradescope-test-"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def test_without_containment_the_autograder_refuses(world_readable_root, capsys):
    grading = _bundle(world_readable_root, allow=False)
    upload, evidence = _upload(world_readable_root, grading)
    payload, printed = _grade(world_readable_root, grading, upload, capsys)
    assert payload["score"] == 0 and payload["tests"] == []
    assert "could not be graded" in payload["output"]  # what the student sees
    assert "refused to grade" in printed and "allow_uncontained" in printed  # the instructor
    assert not evidence.exists()  # the student's code never ran


def test_allowed_uncontained_runs_the_student_as_another_user(world_readable_root, capsys):
    grading = _bundle(world_readable_root, allow=True)
    upload, evidence = _upload(world_readable_root, grading)
    payload, printed = _grade(world_readable_root, grading, upload, capsys)
    if os.geteuid() != 0:  # not root: it cannot run the student as another user, so refuses
        assert payload["score"] == 0 and "needs the autograder to run as root" in printed
        assert not evidence.exists()
        return
    report = json.loads(evidence.read_text())
    assert report["uid"] != 0
    assert report == {"uid": report["uid"], "read_tests": "PermissionError",
                      "write_results": "PermissionError", "signal_parent": "PermissionError"}
    assert payload["score"] == 7  # graded all the same (fx: 7 automatic points)
    assert "graded without namespace containment" in payload["output"]
    assert stat.S_IMODE((grading).stat().st_mode) == 0o700
