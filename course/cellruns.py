"""What the kernel ran, cell by cell: the shared guard of every self-check.

A self-check reads values the student's cells left in the kernel. Those values can be
stale: the answer cell raised an error on its last run (the old value is still there),
was emptied and run (the old value is still there), or never ran. :class:`CellRuns`
records every cell run (IPython's ``pre_run_cell`` / ``post_run_cell`` events, which carry
JupyterLab's cell id) so that a self-check can tell, and say so **instead of** a verdict:

* problem sets: :class:`course.grading.check.checker.Checker` asks
  :meth:`CellRuns.answer_state` about each question's answer cell;
* lessons: a check function decorated with :func:`self_check` (lesson 00's
  ``check_overtake``) looks at the variables its call names in the running cell and
  returns a warning instead of its verdict when :meth:`CellRuns.variable_state` says the
  value is stale.

``course.setup()`` (the first cell of every lesson and problem set) attaches the
recorder, so every run after it is seen. Outside IPython nothing is recorded and every
check gives its verdict.

Examples
--------
>>> @self_check
... def check_year(year):
...     return "Correct" if year == 1995 else "Not yet"
>>> check_year(1995)  # no kernel: no runs to doubt
'Correct'
"""

from __future__ import annotations

import ast
import functools
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["CellRuns", "assigned_names", "cell_source", "self_check"]


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
        #: the source of the cell running now (what a self-check reads its arguments from)
        self.current_source: str = ""
        #: variable -> the cell (id, or its run number without one) that last assigned it
        self.assigned_by: dict[str, str] = {}

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
        self.current_source = getattr(info, "raw_cell", "") or ""

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
        if error is None:
            key = cell_id or f"#{len(self.anonymous)}"
            for name in assigned_names(source):
                self.assigned_by[name] = key

    def _last_run_assigning(self, variables: list[str]):
        runs = list(self.last.values()) + self.anonymous
        runs = [r for r in runs if any(_assigns(r[0], v) for v in variables)]
        return max(runs, key=lambda r: r[1] or 0) if runs else None

    def answer_state(self, *, cell_id: str | None, saved_source: str | None,
                     variables: list[str], saved_at: float | None = None) -> str | None:
        """Why the answer cell's values cannot be trusted, or None when they can."""
        run = self.last.get(cell_id) if cell_id else None
        if run is None and (cell_id is None or self.anonymous):
            # a front end that sends no cell ids (nbclient, a console): the last run that
            # set the variables is the answer cell's
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
        if variables and not any(_assigns(source, v) for v in variables):
            names = ", ".join(f"`{v}`" for v in variables)
            return (f"its answer cell no longer sets {names} (it was emptied or changed) and "
                    f"was run{where}: the values checked are left from an earlier run. Put "
                    "the answer back and run it (Shift+Enter).")
        edited_after_run = saved_at is None or saved_at > ran_at
        if saved_source is not None and saved_source.strip() != source.strip() \
                and edited_after_run:
            return (f"its answer cell was changed since it last ran{where}: run it again "
                    "(Shift+Enter), then check.")
        return None

    def variable_state(self, name: str) -> str | None:
        """Why the value of ``name`` cannot be trusted, or None when it can (or nothing is
        known of it): the cell that last set it failed on its last run, or was emptied or
        changed so that it no longer sets it.

        >>> runs = CellRuns()
        >>> runs.record("a", "year = 1995", 1, None)
        >>> runs.variable_state("year") is None
        True
        >>> runs.record("a", "", 2, None)
        >>> runs.variable_state("year")[:45]
        'the cell that set `year` no longer sets it (i'
        """
        key = self.assigned_by.get(name)
        run = self.last.get(key) if key and not key.startswith("#") else None
        if run is None:
            return None
        source, count, error, _ = run
        where = f" (In [{count}])" if count else ""
        if error is not None:
            what = type(error).__name__ + (f": {error}" if str(error) else "")
            return (f"the cell that sets `{name}` raised {what} on its last run{where}: "
                    f"fix it and run it again. Until then `{name}` holds the value from an "
                    "earlier run, so there is no verdict.")
        if not _assigns(source, name):
            return (f"the cell that set `{name}` no longer sets it (it was emptied or "
                    f"changed) and was run{where}: `{name}` holds the value from an earlier "
                    "run, so there is no verdict. Put the answer back and run that cell.")
        return None

    def unsaved_cells(self, notebook: Path) -> list[tuple[str, int | None]]:
        """Cells run with a source the saved ``notebook`` does not have: (first line, In [n]).

        The cell running now (the ``check.submit`` cell itself) is left out.
        """
        try:
            cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            return []
        saved = {c.get("id"): cell_source(c) for c in cells if c.get("cell_type") == "code"}
        changed = []
        for cell_id, (source, count, _error, _at) in self.last.items():
            if cell_id == self.current or not source.strip():
                continue
            if saved.get(cell_id, "").strip() != source.strip():
                first = next((line for line in source.splitlines() if line.strip()), "")
                changed.append((first.strip()[:60], count))
        return sorted(changed, key=lambda item: item[1] or 0)


def cell_source(cell: Mapping[str, Any]) -> str:
    """A saved notebook cell's source as one string (nbformat allows a list of lines).

    >>> cell_source({"source": ["x = 1", " + 2"]})
    'x = 1 + 2'
    """
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def assigned_names(source: str) -> set[str]:
    r"""Every name ``source`` binds anywhere (assignments, loop targets, imports, defs).

    Examples
    --------
    >>> sorted(assigned_names("x = 1\nfor i in range(3):\n    y = i\nimport numpy as np"))
    ['i', 'np', 'x', 'y']
    >>> sorted(assigned_names("year = 1995 +"))  # does not parse: `name =` lines count
    ['year']
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {line.split("=")[0].strip() for line in source.splitlines()
                if "=" in line and line.split("=")[0].strip().isidentifier()}
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
    return names


def _assigns(source: str, name: str) -> bool:
    """Whether ``source`` binds ``name`` anywhere (``name = ...``, a loop, an import)."""
    return name in assigned_names(source)


def _called_with(source: str, function: str) -> list[str]:
    """The plain variable names passed to calls of ``function`` in ``source``."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    names: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        target = node.func
        called = target.id if isinstance(target, ast.Name) else (
            target.attr if isinstance(target, ast.Attribute) else None)
        if called != function:
            continue
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            if isinstance(arg, ast.Name) and arg.id not in names:
                names.append(arg.id)
    return names


def self_check(function: Callable[..., str]) -> Callable[..., str]:
    """Make a lesson's check function give a warning, not a verdict, on a stale answer.

    In a kernel, the call's plain-variable arguments are read from the running cell; if
    the cell that last set one of them failed on its last run, or was emptied or changed
    so that it no longer sets it, the warning is returned instead of the verdict.
    """

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> str:
        runs = CellRuns.attach()
        if runs is not None and runs.current_source:
            for name in _called_with(runs.current_source, function.__name__):
                state = runs.variable_state(name)
                if state:
                    return f"⚠ No verdict yet: {state}"
        return function(*args, **kwargs)

    return checked
