"""The in-notebook self-check: ``check = Checker("ps1")`` then ``check("q3")``.

``check("q3")`` reads the variables question q3 asks for from the notebook, turns them
into plain data and back with :mod:`course.grading.answers` — exactly what the grader
does with a submission — and runs that question's *public* tests from
``exercises/<ps>/public_tests.py`` (found next to the course package, so it works
whatever the notebook's file name). It prints what passed and what to fix, and reminds
the student that public checks are not the hidden tests that decide the grade.
``check()`` with no argument checks every question.

In a kernel, the checker also watches the cells that run (IPython's ``pre_run_cell`` /
``post_run_cell`` events, which carry JupyterLab's cell id): ``check("q4")`` says when
q4's answer cell failed on its last run, or was changed (and saved) since it last ran, so
that a pass on values left over from an earlier run is not taken for a pass; and
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

from course.errors import InputError
from course.grading import testing
from course.grading.public_checks import load_public_checks

__all__ = ["Checker", "REMINDER"]

REMINDER = (
    "Public checks only: passing them does not guarantee the hidden tests, "
    "which decide your grade."
)


def _round_trip(value: Any) -> Any:
    """Encode and decode a value the way the grader will."""
    from course.grading import answers

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
            if stale:
                lines.append(f"⚠ {qid}: {stale}")
            mine = [r for r in results if r.question == qid]
            passed = sum(r.passed for r in mine)
            noun = "check" if len(mine) == 1 else "checks"
            earlier = " on the values from an earlier run" if stale else ""
            if not mine:
                lines.append(f"{qid}: no public checks for this question.")
            elif passed == len(mine):
                lines.append(f"{qid}: the public check passed{earlier}" if len(mine) == 1
                             else f"{qid}: all {len(mine)} public checks passed{earlier}")
            else:
                lines.append(f"{qid}: {passed} of {len(mine)} public {noun} passed{earlier}")
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
        from course.grading.submit import submit

        path = _this_notebook(self.assignment, notebook)
        unsaved = self.runs.unsaved_cells(path) if self.runs is not None else []
        if unsaved:
            print(unsaved_warning(path, unsaved), flush=True)
        report = submit(path, student_id, assignment=self.assignment, time_limit=time_limit)
        print(report.text())


class CellRuns:
    """What the kernel ran, cell by cell: the source of each cell's last run and its outcome.

    Fed by IPython's ``pre_run_cell`` / ``post_run_cell`` events; JupyterLab sends each
    cell's id with the code (``ExecutionInfo.cell_id``), the id the cell has in the saved
    ``.ipynb``. One recorder per kernel, shared by every checker.

    Examples
    --------
    >>> runs = CellRuns()
    >>> runs.record("c1", "x = 1", 3, None, at=100.0)
    >>> runs.record("c2", "y = (", 4, SyntaxError("'(' was never closed"), at=101.0)
    >>> runs.answer_state(cell_id="c2", saved_source="y = (", variables=["y"])
    "its answer cell raised SyntaxError: '(' was never closed on its last run (In [4]). \
Fix it and run it again: until then the values checked are left from an earlier run."

    A saved cell that differs from its last run was either edited and saved after that
    run (the values are stale) or run and not saved yet (the values are current; only
    ``check.submit`` must warn): the time the file was saved tells which.

    >>> runs.answer_state(cell_id="c1", saved_source="x = 2", variables=["x"],
    ...                   saved_at=200.0)[:48]
    'its answer cell was changed since it last ran (I'
    >>> runs.answer_state(cell_id="c1", saved_source="x = 2", variables=["x"],
    ...                   saved_at=50.0) is None
    True
    >>> runs.answer_state(cell_id="c1", saved_source="x = 1", variables=["x"]) is None
    True
    """

    def __init__(self) -> None:
        #: cell id -> (source, execution count, error, time.time() at the end of the run)
        self.last: dict[str, tuple[str, int | None, BaseException | None, float]] = {}
        #: the same for every run without a cell id (a front end that sends none), in order
        self.anonymous: list[tuple[str, int | None, BaseException | None, float]] = []
        self.current: str | None = None

    @classmethod
    def attach(cls) -> CellRuns | None:
        """The kernel's recorder, registered with IPython's events on first use."""
        if os.environ.get("COURSE_SANDBOX") == "1":
            return None  # the grader's run: nothing to warn about
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython ships with JupyterLab
            return None
        shell = get_ipython()
        if shell is None or not hasattr(shell, "events"):
            return None
        runs = getattr(shell, "_course_cell_runs", None)
        if runs is None:
            runs = cls()
            shell.events.register("pre_run_cell", runs._pre_run_cell)
            shell.events.register("post_run_cell", runs._post_run_cell)
            shell._course_cell_runs = runs
        return runs

    def _pre_run_cell(self, info) -> None:
        self.current = getattr(info, "cell_id", None)

    def _post_run_cell(self, result) -> None:
        info = result.info
        error = result.error_before_exec or result.error_in_exec
        self.record(getattr(info, "cell_id", None), info.raw_cell or "",
                    result.execution_count, error)
        self.current = None

    def record(self, cell_id: str | None, source: str, count: int | None,
               error: BaseException | None, at: float | None = None) -> None:
        """Note one run (what ``post_run_cell`` does; tests call it directly)."""
        import time

        run = (source, count, error, time.time() if at is None else at)
        if cell_id:
            self.last[cell_id] = run
        else:
            self.anonymous.append(run)

    def _last_run_assigning(self, variables: list[str]):
        runs = list(self.last.values()) + self.anonymous
        runs = [r for r in runs if any(_assigns(r[0], v) for v in variables)]
        return max(runs, key=lambda r: r[1] or 0) if runs else None

    def answer_state(self, *, cell_id: str | None, saved_source: str | None,
                     variables: list[str], saved_at: float | None = None) -> str | None:
        """Why the answer cell's values cannot be trusted, or None when they can."""
        run = self.last.get(cell_id) if cell_id else None
        if run is None and cell_id is None:
            run = self._last_run_assigning(variables)
        if run is None:
            if cell_id is not None and variables:
                return ("its answer cell has not been run since the checks started: run it "
                        "(Shift+Enter), then check again.")
            return None
        source, count, error, ran_at = run
        where = f" (In [{count}])" if count else ""
        if error is not None:
            what = type(error).__name__ + (f": {error}" if str(error) else "")
            return (f"its answer cell raised {what} on its last run{where}. Fix it and run "
                    "it again: until then the values checked are left from an earlier run.")
        edited_after_run = saved_at is None or saved_at > ran_at
        if saved_source is not None and saved_source.strip() != source.strip() \
                and edited_after_run:
            return (f"its answer cell was changed since it last ran{where}: run it again "
                    "(Shift+Enter), then check.")
        return None

    def unsaved_cells(self, notebook: Path) -> list[tuple[str, int | None]]:
        """Cells run with a source the saved ``notebook`` does not have: (first line, In [n]).

        The cell running now (the ``check.submit`` cell itself) is left out.
        """
        try:
            cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            return []
        saved = {c.get("id"): _source(c) for c in cells if c.get("cell_type") == "code"}
        changed = []
        for cell_id, (source, count, _error, _at) in self.last.items():
            if cell_id == self.current or not source.strip():
                continue
            if saved.get(cell_id, "").strip() != source.strip():
                first = next((line for line in source.splitlines() if line.strip()), "")
                changed.append((first.strip()[:60], count))
        return sorted(changed, key=lambda item: item[1] or 0)


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


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def _assigns(source: str, name: str) -> bool:
    """Whether ``source`` assigns ``name`` at its top level (``name = ...``)."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return any(line.split("=")[0].strip() == name for line in source.splitlines()
                   if "=" in line)
    for node in tree.body:
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name) and leaf.id == name:
                    return True
    return False


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
            found[question] = (cell["id"], _source(cell))
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
