"""The in-notebook self-check: ``check = Checker("ps1")`` then ``check("q3")``.

``check("q3")`` reads the variables question q3 asks for from the notebook, turns them
into plain data and back with :mod:`course.grading.untrusted.answers` — exactly what the grader
does with a submission — and runs that question's *public* tests from
``exercises/<ps>/public_tests.py`` (found next to the course package, so it works
whatever the notebook's file name). It prints what passed and what to fix, and reminds
the student that public checks are not the hidden tests that decide the grade.
``check()`` with no argument checks every question.

In a kernel, the checker also watches the cells that run (IPython's ``pre_run_cell`` /
``post_run_cell`` events, which carry JupyterLab's cell id): ``check("q4")`` says when
q4's answer cell failed on its last run, was emptied (or no longer sets its variables), or
was changed (and saved) since it last ran — a warning instead of a verdict, so that values
left over from an earlier run are never taken for a pass (:mod:`course.cellruns`); and
``check.submit`` warns before grading when cells were run but not saved, since only the
saved file is submitted. NumPy numbers print as plain numbers (``0.25``, not
``np.float64(0.25)``).

Examples
--------
>>> import sys, pandas as pd
>>> from course.grading import testing
>>> @testing.public("q1")
... def sums_to_one(answers):
...     testing.expect_sums_to(answers["shares"], 1, 1e-6, "shares")
>>> check = Checker("demo", tests=[sums_to_one], questions={"q1": {"answers": ["shares"]}})
>>> shares = pd.Series([0.5, 0.37])
>>> check("q1", namespace={"shares": shares})
q1: 0 of 1 public check passed
  ✗ sums_to_one: `shares` should sum to 1; yours sums to 0.87.
Public checks only: passing them does not guarantee the hidden tests, which decide your grade.
>>> check("q1", namespace={"shares": pd.Series([0.5, 0.5])})
q1: the public check passed
Public checks only: passing them does not guarantee the hidden tests, which decide your grade.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from course.cellruns import CellRuns, cell_source
from course.errors import InputError
from course.grading import testing
from course.grading.check.public_checks import load_public_checks

__all__ = ["Checker", "REMINDER"]

REMINDER = (
    "Public checks only: passing them does not guarantee the hidden tests, "
    "which decide your grade."
)


def _round_trip(value: Any) -> Any:
    """Encode and decode a value the way the grader will."""
    from course.grading.untrusted import answers

    return answers.decode(answers.encode(value))


class Checker:
    """Self-check for one problem set; call it with a question id.

    Parameters
    ----------
    assignment : str
        The problem set's name, e.g. ``"ps1"``.
    tests, questions : optional
        Give the public tests and the question table directly (used by the course's
        own tests); by default they are read from ``exercises/<assignment>/``.
    """

    def __init__(
        self,
        assignment: str,
        *,
        tests: list[Callable] | None = None,
        questions: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        if not isinstance(assignment, str) or not assignment:
            raise InputError('Checker needs the assignment name, e.g. Checker("ps1")')
        self.assignment = assignment
        if tests is None:
            tests, loaded = load_public_checks(assignment)
            questions = questions or loaded
        self.tests = list(tests)
        self.questions = {k: dict(v) for k, v in (questions or {}).items()}
        #: Cells run in this kernel since the checker was made (None outside IPython).
        self.runs = CellRuns.attach()
        _print_numbers_plainly()

    def __repr__(self) -> str:
        return f"Checker({self.assignment!r}: {len(self.questions)} questions)"

    def run(
        self, question: str | None = None, namespace: Mapping[str, Any] | None = None
    ) -> list[testing.TestResult]:
        """Run the public tests of ``question`` (all if ``None``) on ``namespace``."""
        if namespace is None:
            namespace = _caller_namespace()
        if question is not None and question not in self.questions:
            known = ", ".join(self.questions) or "none"
            raise InputError(f"{self.assignment} has no question {question!r}; try one of {known}")
        wanted = [question] if question else list(self.questions)
        required = {
            q: list(self.questions[q].get("answers") or [])
            for q in wanted
            if self.questions[q].get("kind", "auto") == "auto"
        }
        answers: dict[str, Any] = {}
        for names in required.values():
            for var in names:
                if var in namespace and var not in answers:
                    answers[var] = _round_trip(namespace[var])
        return testing.run_tests(self.tests, answers, questions=wanted, required=required)

    def __call__(self, question: str | None = None, *, namespace: Mapping[str, Any] | None = None
                 ) -> None:
        if namespace is None:
            namespace = _caller_namespace()
        results = self.run(question, namespace)
        wanted = [question] if question else list(self.questions)
        states = self._answer_cell_states(wanted, namespace)
        lines = []
        for qid in wanted:
            info = self.questions.get(qid, {})
            if info.get("kind") == "manual":
                lines.append(f"{qid}: written answer, graded by hand (no automatic check).")
                continue
            stale = states.get(qid)
            if stale:  # a warning, not a verdict: the values checked would be stale
                lines.append(f"⚠ {qid}: {stale}")
                lines.append(f"{qid}: no verdict until its answer cell runs as it is now.")
                continue
            mine = [r for r in results if r.question == qid]
            passed = sum(r.passed for r in mine)
            noun = "check" if len(mine) == 1 else "checks"
            if not mine:
                lines.append(f"{qid}: no public checks for this question.")
            elif passed == len(mine):
                lines.append(f"{qid}: the public check passed" if len(mine) == 1
                             else f"{qid}: all {len(mine)} public checks passed")
            else:
                lines.append(f"{qid}: {passed} of {len(mine)} public {noun} passed")
            shown = set()
            for result in mine:
                if result.passed or result.message in shown:
                    continue
                shown.add(result.message)
                lines.append(f"  ✗ {result.name}: {result.message}")
        lines.append(REMINDER)
        print("\n".join(lines))

    def _answer_cell_states(self, wanted: list[str], namespace: Mapping[str, Any]
                            ) -> dict[str, str]:
        """Question -> why its answer cell's last run cannot be trusted (only those)."""
        if self.runs is None:
            return {}
        saved, saved_at = _saved_answer_cells(self.assignment, namespace)
        states = {}
        for qid in wanted:
            names = list(self.questions.get(qid, {}).get("answers") or [])
            cell = saved.get(qid)
            state = self.runs.answer_state(cell_id=cell[0] if cell else None,
                                           saved_source=cell[1] if cell else None,
                                           variables=names, saved_at=saved_at)
            if state:
                states[qid] = state
        return states

    def submit(self, student_id: str, notebook: str | os.PathLike | None = None, *,
               time_limit: float = 60.0) -> None:
        """Run the saved notebook the way the grader will, then write the file to hand in.

        The same as ``course submit NOTEBOOK --student-id ID``: a fresh, contained run of
        the *saved* notebook (save it first), a report per question with the public
        checks and any cell that fails in a fresh run, and ``<name>.submission.ipynb`` plus
        its manifest beside the notebook. The working notebook is not changed. Inside the
        grader's own run this call does nothing.
        """
        if os.environ.get("COURSE_SANDBOX") == "1":
            return
        from course.grading.check.submit import submit

        path = _this_notebook(self.assignment, notebook)
        unsaved = self.runs.unsaved_cells(path) if self.runs is not None else []
        if unsaved:
            print(unsaved_warning(path, unsaved), flush=True)
        report = submit(path, student_id, assignment=self.assignment, time_limit=time_limit)
        print(report.text())


def unsaved_warning(notebook: Path, changed: list[tuple[str, int | None]]) -> str:
    """The warning ``check.submit`` prints before grading when the file is behind the kernel.

    Examples
    --------
    >>> print(unsaved_warning(Path("ps1.ipynb"), [("shares_1913 = cinc / cinc.sum()", 7)]))
    ⚠ Unsaved changes will not be submitted: check.submit grades ps1.ipynb as saved on \
disk, and you ran 1 cell that differs from the saved file:
        In [7]: shares_1913 = cinc / cinc.sum()
      Save the notebook (Ctrl+S, or File ▸ Save Notebook), then run this cell again.
    """
    noun = "cell that differs" if len(changed) == 1 else "cells that differ"
    lines = [f"⚠ Unsaved changes will not be submitted: check.submit grades {notebook.name} "
             f"as saved on disk, and you ran {len(changed)} {noun} from the saved file:"]
    lines += [f"    In [{count or ' '}]: {first}" for first, count in changed[:8]]
    if len(changed) > 8:
        lines.append(f"    ... and {len(changed) - 8} more")
    lines.append("  Save the notebook (Ctrl+S, or File ▸ Save Notebook), then run this cell "
                 "again.")
    return "\n".join(lines)


def _saved_answer_cells(assignment: str, namespace: Mapping[str, Any]
                        ) -> tuple[dict[str, tuple[str, str]], float | None]:
    """Question -> (cell id, saved source) of its answer cell, and when the file was saved."""
    try:
        path = _this_notebook(assignment, None)
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        saved_at = path.stat().st_mtime
    except (InputError, OSError, ValueError):
        return {}, None
    found = {}
    for cell in cells:
        question = (cell.get("metadata", {}).get("course") or {}).get("question")
        if question and cell.get("id"):
            found[question] = (cell["id"], cell_source(cell))
    return found, saved_at


def _print_numbers_plainly() -> None:
    """Show NumPy scalars as plain Python numbers (``0.25``, not ``np.float64(0.25)``)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is None:
        return
    import numpy as np

    formatter = shell.display_formatter.formatters["text/plain"]
    # Each concrete type: IPython picks the first class in the MRO that defines __repr__,
    # and every NumPy scalar type defines its own.
    kinds = {k for k in np.sctypeDict.values() if issubclass(k, np.number | np.bool_)}
    for kind in kinds:
        formatter.for_type(kind, lambda value, printer, cycle: printer.text(repr(value.item())))


def _this_notebook(assignment: str, notebook: str | os.PathLike | None) -> Path:
    """The saved notebook file a ``check.submit(...)`` call in a kernel belongs to.

    JupyterLab tells the kernel its notebook's path (``__session__``); if the notebook was
    renamed since, the one notebook of this assignment in the working folder is used.
    """
    if notebook is not None:
        path = Path(notebook)
        if not path.is_file():
            raise InputError(f"no notebook at {path}: give the path of your saved notebook")
        return path
    session = _caller_namespace().get("__session__")
    if isinstance(session, str) and session.endswith(".ipynb") and Path(session).is_file():
        return Path(session)
    candidates = []
    for path in sorted(Path.cwd().glob("*.ipynb")):
        if path.name.endswith(".submission.ipynb"):
            continue
        try:
            meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        except (OSError, ValueError):
            continue
        if (meta.get("course") or {}).get("assignment") == assignment:
            candidates.append(path)
    if len(candidates) == 1:
        return candidates[0]
    found = ", ".join(p.name for p in candidates) or "none"
    raise InputError(
        f"cannot tell which notebook to submit ({assignment} notebooks here: {found}); "
        f'name it: check.submit("your-id", notebook="{assignment}.ipynb")')


def _caller_namespace() -> Mapping[str, Any]:
    """The notebook's variables: IPython's user namespace, else the caller's globals."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython ships with JupyterLab
        shell = None
    if shell is not None and getattr(shell, "user_ns", None) is not None:
        return shell.user_ns
    frame = sys._getframe(1)
    here = frame.f_code.co_filename
    while frame is not None and frame.f_code.co_filename == here:
        frame = frame.f_back
    return frame.f_globals if frame is not None else {}
