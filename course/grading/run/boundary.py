"""One boundary per submission: whatever happens on a submission's path ends as its row.

A submission goes through every stage of grading — read (the trust boundary), run
contained, read its results and test them, assemble its grade, record it (ledger,
gradebook, details) and write its feedback. :mod:`course.grading.run.runner` runs each of
one submission's stages inside that submission's :class:`Boundary`, so an exception in
any of them — a bug of the grader's, a value nobody thought of, text no file can hold —
becomes **that student's row**, with the status ``grader_error`` and a message naming the
stage, and the run goes on with the next submission. Nothing is caught here but
``Exception``: Ctrl-C (``KeyboardInterrupt``) and ``SystemExit`` still stop the run, and
the runner stops its jobs and keeps what it recorded.

Recording is the last stage and the one whose failure would lose the row, so
:meth:`Boundary.record` writes a plain fallback row (statuses and messages the grader
wrote itself, student text escaped) when writing the grade failed; only if that fails
too — the gradebook's folder cannot be written at all — does the exception stop the run,
since then no row can be kept for anyone.

The boundary knows nothing about grades but how to make a blank row (``blank(status,
message)``), so it sits below the runner and the gradebook and imports neither.

Examples
--------
>>> rows = []
>>> boundary = Boundary(lambda status, message: (status, message))
>>> with boundary.stage("read"):
...     raise UnicodeEncodeError("utf-8", "\\ud800", 0, 1, "surrogates not allowed")
>>> boundary.failed[0], boundary.failed[1][:52]
('grader_error', 'the grader failed on this file while reading it (Uni')
>>> boundary.record(rows.append, ("ok", "")) == ("ok", "")
True
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from course.grading.untrusted import encodable

__all__ = ["STAGES", "Boundary", "describe"]

#: The stages of one submission's path, as a row's message names them.
STAGES = {
    "collect": "collecting it",
    "read": "reading it",
    "run": "starting its contained run",
    "test": "testing its answers",
    "assemble": "scoring it",
    "record": "recording its row",
    "feedback": "writing its feedback",
}


def describe(stage: str, error: BaseException) -> str:
    """The message of a row whose ``stage`` failed with ``error`` (student text escaped)."""
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - an exception's __str__ may fail too
        text = ""
    text = " ".join(encodable(text).split())[:300]
    what = f"{type(error).__name__}: {text}" if text else type(error).__name__
    return (f"the grader failed on this file while {STAGES.get(stage, stage)} ({what}); "
            "the class went on without it: please report it (a re-run grades it again)")


class Boundary:
    """The boundary around one submission's whole path.

    Parameters
    ----------
    blank : callable
        ``blank(status, message)`` makes this submission's row when a stage fails (it
        must not fail itself: the grader's own text, escaped, and zero scores).
    """

    def __init__(self, blank: Callable[[str, str], Any]) -> None:
        self._blank = blank
        self.failed: Any = None  # the row, once a stage failed
        self.where = ""

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[Boundary]:
        """Run one stage: an exception inside becomes :attr:`failed` (and is swallowed)."""
        self.where = name
        try:
            yield self
        except Exception as error:  # noqa: BLE001 - the point: never stop the class
            self.failed = self._blank("grader_error", describe(name, error))

    def record(self, write: Callable[[Any], Any], row: Any) -> Any:
        """Write ``row`` with ``write``; if that fails, write the fallback row instead.

        Returns the row written. An exception from writing the fallback propagates.
        """
        try:
            write(row)
            return row
        except Exception as error:  # noqa: BLE001
            fallback = self._blank("grader_error", describe("record", error))
            write(fallback)
            return fallback
