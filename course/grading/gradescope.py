"""The Gradescope autograder bundle: grade on Gradescope with the same contained engine.

:func:`build_bundle` writes ``dist/autograder/<ps>/`` — ``assignment.yaml``, ``tests.py``
and ``<ps>-gradescope.zip``. The zip follows Gradescope's autograder specification:
``setup.sh`` and ``run_autograder`` at its root. ``setup.sh`` (run once, as root, when
Gradescope builds the image) creates a virtual environment from ``requirements.txt`` —
the course's *runtime* dependencies, pinned to the versions of the project's lock file
(no test or lint tools) — and installs the course package shipped in ``project/`` (code
and curated data), with this problem set's questions and tests in ``grading/<ps>/``
(``assignment.yaml``, ``tests.py``, ``prompts.json``; the solution notebook is not
shipped), readable by root only. ``run_autograder`` (run per submission) calls
:func:`main`, which grades the submitted notebook with :mod:`course.grading.run.runner` — the
student's code runs in a contained child process, the tests in a limited worker — and
writes ``/autograder/results/results.json`` in Gradescope's format: one entry per test,
public tests ``visible``, hidden tests ``after_published``, all text shown as plain text.

It fails closed. Where the container refuses Linux namespaces, the student's code could
otherwise read the tests and write the results: the autograder then grades nothing —
the student sees an error result, the instructor (in the autograder's output) the
reason — unless ``assignment.yaml`` says ``gradescope: {allow_uncontained: true}``. Even
then the student's code runs as an unprivileged user, while the tests and the results
folder are readable and writable by root only. When a student uploads both
``<ps>.submission.ipynb`` (written by ``check.submit``) and ``<ps>.ipynb``, the
submission file is graded.

The zip is deterministic: sorted entries, fixed timestamps and permissions.

Examples
--------
>>> from course.grading.testing import TestResult
>>> r = [TestResult("q1_shape", "q1", False, 1, True, "", 1.0, 1.0),
...      TestResult("q1_values", "q1", True, 1, False, "`x` is wrong.", 0.0, 1.0)]
>>> out = results_json(r, titles={"q1": "Shares"}, status="ok", message="")
>>> out["score"], [t["visibility"] for t in out["tests"]]
(1.0, ['visible', 'after_published'])
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import zipfile
from pathlib import Path
from typing import Any

from course import paths
from course.errors import InputError
from course.grading import testing
from course.grading.untrusted import WRITE_ERRORS, encodable

__all__ = ["build_bundle", "bundle_files", "main", "results_json"]

#: Fixed timestamp for every zip entry (the zip format's earliest date).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
GRADESCOPE_ROOT = Path("/autograder")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, while building the autograder image.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends python3 python3-venv python3-pip >/dev/null
python3 - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit("the course needs Python 3.11 or newer; choose a newer Ubuntu base image "
             "in Gradescope's autograder settings (found %s)" % sys.version.split()[0])
PY
python3 -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --quiet --disable-pip-version-check \\
    -r /autograder/source/requirements.txt
/autograder/venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \\
    -e /autograder/source/project
# The tests are root's alone: the student's code never runs as root.
chmod -R go-rwx /autograder/source/grading
# Warm-up: import the course and check that {name} loads (fails the build, not a student).
/autograder/venv/bin/python -c "from course.grading.run import load_spec
load_spec('{name}', autograder_dir='/autograder/source/grading')"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this once per submission; it must write /autograder/results/results.json.
set -uo pipefail
cd /autograder
exec /autograder/venv/bin/python -m course.grading.gradescope {name} \\
    --spec-dir /autograder/source/grading \\
    --submission /autograder/submission --results /autograder/results/results.json
"""

_SKIP_DIRS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}


def _project_files(name: str) -> list[tuple[str, Path]]:
    """(path inside the zip, file on disk) for the course package, data and this ps."""
    root = paths.PROJECT_ROOT
    found: list[tuple[str, Path]] = [("project/pyproject.toml", root / "pyproject.toml")]
    for folder, suffixes in (("course", {".py", ".yaml", ".json"}),
                             ("data", {".csv", ".json", ".md"})):
        base = root / folder
        for path in sorted(base.rglob("*")):
            if not path.is_file() or _SKIP_DIRS & set(path.relative_to(base).parts):
                continue
            if path.suffix in suffixes:
                found.append((f"project/{folder}/{path.relative_to(base).as_posix()}", path))
    # Only what grading needs: questions and tests. The solution notebook stays at home.
    for file in ("assignment.yaml", "tests.py"):
        found.append((f"grading/{name}/{file}", paths.SOLUTIONS_DIR / name / file))
    return found


def runtime_requirements(lock_text: str) -> str:
    """The lock file's lines for the course's runtime dependencies and theirs — what the
    grader needs, without the development tools (pytest, ruff, Playwright ...).

    The dependency graph is read from the installed packages' metadata (the environment
    ``make env`` builds from the same lock file); versions and markers from the lock.
    """
    import tomllib
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text("utf-8"))
    queue = [Requirement(r).name for r in project["project"]["dependencies"]]
    needed: set[str] = set()
    while queue:
        name = canonicalize_name(queue.pop())
        if name in needed:
            continue
        needed.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # not installed here (another platform's): keep it, as a leaf
        for text in requires:
            requirement = Requirement(text)
            if requirement.marker is None or "extra" not in str(requirement.marker):
                queue.append(requirement.name)
    lines = []
    for line in lock_text.splitlines():
        pin = line.split(";")[0].split("==")[0].strip()
        if pin and not pin.startswith("#") and canonicalize_name(pin) in needed:
            lines.append(line)
    return "\n".join(lines) + "\n"


def bundle_files(name: str) -> dict[str, bytes]:
    """Every file of the bundle, by its path inside the zip."""
    files: dict[str, bytes] = {
        "setup.sh": SETUP_SH.replace("{name}", name).encode(),
        "run_autograder": RUN_AUTOGRADER.replace("{name}", name).encode(),
    }
    lock = paths.PROJECT_ROOT / "requirements.lock"
    if not lock.is_file():
        raise InputError("requirements.lock is missing: the bundle pins the grader's packages "
                         "from it")
    files["requirements.txt"] = runtime_requirements(lock.read_text(encoding="utf-8")).encode()
    for inside, path in _project_files(name):
        if not path.is_file():
            raise InputError(f"cannot build the {name} bundle: {inside} is missing")
        files[inside] = path.read_bytes()
    return files


def _zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for inside in sorted(files):
            info = zipfile.ZipInfo(inside, date_time=ZIP_DATE)
            executable = inside in {"setup.sh", "run_autograder"}
            info.external_attr = ((0o100755 if executable else 0o100644) & 0xFFFF) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[inside])
    return buffer.getvalue()


def build_bundle(assignment: Any, dist_dir: Path | None = None) -> Path:
    """Write ``dist/autograder/<ps>/`` for a loaded assignment; return the zip's path."""
    name = assignment.name
    out = Path(dist_dir or paths.PROJECT_ROOT / "dist" / "autograder") / name
    out.mkdir(parents=True, exist_ok=True)
    (out / "assignment.yaml").write_bytes(assignment.config_path.read_bytes())
    (out / "tests.py").write_bytes(assignment.tests_path.read_bytes())
    prompts = _prompts_json(assignment)
    (out / "prompts.json").write_bytes(prompts)
    handout = _handout_json(assignment)
    (out / "handout.json").write_bytes(handout)
    target = out / f"{name}-gradescope.zip"
    files = bundle_files(name)
    files[f"grading/{name}/prompts.json"] = prompts
    files[f"grading/{name}/handout.json"] = handout
    data = _zip_bytes(files)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target


def _prompts_json(assignment: Any) -> bytes:
    """The written questions' untouched answer cells (what students receive: no answers)."""
    from course.grading.author import written_prompts

    return (json.dumps(written_prompts(assignment), indent=1, sort_keys=True,
                       ensure_ascii=False) + "\n").encode("utf-8")


def _handout_json(assignment: Any) -> bytes:
    """What students are given, as the grader compares with it (cell ids, fingerprints of
    their words, questions, prompts: no answers)."""
    from course.grading.author import handout

    return (json.dumps(handout(assignment).to_data(), indent=1, ensure_ascii=False)
            + "\n").encode("utf-8")


def _encodable(value: Any) -> Any:
    """Every string of a JSON value with what UTF-8 cannot hold escaped."""
    if isinstance(value, str):
        return encodable(value)
    if isinstance(value, dict):
        return {encodable(str(k)): _encodable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encodable(v) for v in value]
    return value


# --------------------------------------------------------------------------- results


def results_json(
    results: list[testing.TestResult],
    *,
    titles: dict[str, str],
    status: str,
    message: str,
    manual: dict[str, float] | None = None,
    execution_time: float | None = None,
    cell_errors: list[dict] | None = None,
) -> dict:
    """Gradescope's ``results.json`` for graded test results (points already scored).

    Public tests are ``visible``; hidden tests are shown ``after_published`` (their
    messages never name reference values). Questions graded by hand are listed in the
    overall output, since Gradescope grades them in its own manual-grading view.
    """
    tests = []
    for number, result in enumerate(results, start=1):
        kind = "hidden test" if result.hidden else "public check"
        tests.append({
            "name": f"{result.question} {titles.get(result.question, '')}: {result.name} "
                    f"({kind})".replace("  ", " "),
            "number": f"{result.question}.{number}",
            "score": round(result.points, 4),
            "max_score": round(result.max_points, 4),
            "status": "passed" if result.passed else "failed",
            "output": result.message or "passed",
            "visibility": "after_published" if result.hidden else "visible",
        })
    lines = []
    if status != "ok":
        lines.append(f"Grading status: {status}. {message}".strip())
    elif message:
        lines.append(message)
    for error in (cell_errors or [])[:3]:
        cell = error.get("cell")
        where = f"cell {cell + 1}" if type(cell) is int else "a cell"
        if error.get("question"):
            where += f" (answer to {error['question']})"
        lines.append(f"Error in {where}: {str(error.get('error', ''))[:300]}")
    if len(cell_errors or []) > 3:
        lines.append(f"... and {len(cell_errors) - 3} more cells with errors.")
    if manual:
        written = ", ".join(f"{q} ({p:g} points)" for q, p in manual.items())
        lines.append(f"Written answers graded by hand: {written}.")
    lines.append("Public checks are shown now; hidden tests are shown when grades are published.")
    out: dict[str, Any] = {
        "score": round(sum(r.points for r in results), 4),
        "output": "\n".join(lines),
        # Test messages and errors quote what the student wrote: never render them.
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    if execution_time is not None:
        out["execution_time"] = round(execution_time, 2)
    return _encodable(out)


def _find_notebook(submission: Path, name: str) -> Path:
    """The notebook to grade among the uploaded files (links are not followed).

    ``<ps>.submission.ipynb`` (what ``check.submit`` writes) first, then ``<ps>.ipynb``,
    then the only notebook uploaded.
    """
    notebooks = []
    for folder, dirs, files in os.walk(submission):  # does not follow links to folders
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        notebooks += [Path(folder) / f for f in sorted(files)
                      if f.endswith(".ipynb") and not f.startswith(".")]
    if not notebooks:
        raise InputError("no .ipynb file was submitted: upload your notebook file")
    for wanted in (f"{name}.submission.ipynb", f"{name}.ipynb"):
        exact = [p for p in notebooks if p.name == wanted]
        if exact:
            return exact[0]
    if len(notebooks) == 1:
        return notebooks[0]
    raise InputError(f"several notebooks were submitted ({', '.join(p.name for p in notebooks)}); "
                     f"submit only {name}.submission.ipynb (or {name}.ipynb)")


class Refusal(Exception):  # noqa: N818
    """The autograder will not grade here: ``student`` is shown to the student, ``reason``
    to the instructor (the autograder's own output)."""

    def __init__(self, student: str, reason: str) -> None:
        super().__init__(reason)
        self.student, self.reason = student, reason


def _protect(*folders: Path) -> None:
    """Make folders root's alone (the student's code runs as another user)."""
    for folder in folders:
        if folder.exists():
            os.chmod(folder, 0o700)


def grade_submission(name: str, notebook: Path, *, spec_dir: Path | None = None,
                     containment: str = "auto", results_dir: Path | None = None) -> dict:
    """Grade one notebook with the contained engine and return Gradescope's results.

    Raises
    ------
    Refusal
        Where the container offers no containment and ``assignment.yaml`` does not allow
        grading without it — or allows it, but the autograder is not root and so cannot
        run the student's code as another user.
    """
    import time

    from course.grading.run import grade_submissions, load_spec, submission_for
    from course.grading.sandbox import Sandbox

    started = time.perf_counter()
    spec = load_spec(name, autograder_dir=spec_dir)
    titles = {q.id: q.title for q in spec.questions}
    manual = {q.id: q.points for q in spec.questions if q.kind == "manual"}
    with Sandbox(containment) as box:
        uncontained = box.containment in ("none", "process")
        if uncontained and not spec.allow_uncontained:
            raise Refusal(
                "This submission could not be graded: the autograder could not isolate your "
                "code from the tests here. Your instructor has been told; you do not need to "
                "resubmit.",
                "refused to grade: Linux namespaces are unavailable in this container, so the "
                "student's code could read the tests and write the results. Add "
                "`gradescope: {allow_uncontained: true}` to assignment.yaml to grade with "
                "process limits and an unprivileged user only.")
        if uncontained and (not hasattr(os, "geteuid") or os.geteuid() != 0):
            raise Refusal(
                "This submission could not be graded here. Your instructor has been told.",
                "refused to grade: without namespaces the student's code must run as another "
                "user, which needs the autograder to run as root.")
        if uncontained:
            folder = Path(spec_dir) if spec_dir else None
            _protect(*(p for p in (folder, results_dir) if p is not None))
        grades = grade_submissions(spec, [submission_for(notebook, name)], workers=1,
                                   sandbox=box, require_containment=False)
    grade = grades[0]
    # Gradescope grades written answers in its own view; results_json lists them once.
    parts = [p for p in grade.message.split("; ") if p and not p.endswith("graded by hand")]
    message = "; ".join(parts)
    if grade.containment in ("none", "process"):
        message = (message + "; " if message else "") + \
            "graded without namespace containment (process limits, unprivileged user)"
    return results_json(grade.results, titles=titles, status=grade.status, message=message,
                        manual=manual, execution_time=time.perf_counter() - started,
                        cell_errors=grade.cell_errors)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``run_autograder``: grade, then always write ``results.json``."""
    parser = argparse.ArgumentParser(prog="python -m course.grading.gradescope")
    parser.add_argument("assignment")
    parser.add_argument("--submission", type=Path, default=GRADESCOPE_ROOT / "submission")
    parser.add_argument("--results", type=Path,
                        default=GRADESCOPE_ROOT / "results" / "results.json")
    parser.add_argument("--spec-dir", type=Path, default=None,
                        help="folder holding <ps>/assignment.yaml and tests.py (default: the "
                             "project's solutions/)")
    parser.add_argument("--containment", default="auto",
                        choices=["auto", "namespace", "userns", "none"],
                        help="containment to ask for (for diagnosis; default: the best there is)")
    args = parser.parse_args(argv)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    try:
        notebook = _find_notebook(args.submission, args.assignment)
        payload = grade_submission(args.assignment, notebook, spec_dir=args.spec_dir,
                                   containment=args.containment,
                                   results_dir=args.results.parent)
    except Refusal as refusal:
        print(f"course autograder: {refusal.reason}", flush=True)  # instructors see stdout
        payload = {"score": 0, "output": refusal.student, "output_format": "text",
                   "stdout_visibility": "hidden", "tests": []}
    except InputError as error:
        payload = {"score": 0, "output": f"Your submission could not be graded: {error}",
                   "output_format": "text", "tests": []}
    except Exception as error:  # never leave Gradescope without a results file
        print(f"course autograder: {type(error).__name__}: {error}", flush=True)
        payload = {"score": 0, "tests": [], "output_format": "text",
                   "output": "The autograder failed on this submission "
                             f"({type(error).__name__}); please tell your instructor."}
    args.results.write_text(json.dumps(_encodable(payload), indent=1, ensure_ascii=False),
                            encoding="utf-8", errors=WRITE_ERRORS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
