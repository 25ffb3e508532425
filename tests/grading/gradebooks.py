"""Gradebooks made for tests of hand-grading, the report and LMS files, without grading.

``build_gradebook`` records one :class:`Grade` per student through the real
:class:`course.grading.book.gradebook.Gradebook` (so its ledger, details and gradebook files
are exactly what ``course grade`` writes), with the written answers given, auto scores
from a simple rule, and test results whose messages the report can count. Loaded from
its file by the tests that use it (the suite imports test files by path).
"""

from __future__ import annotations

from pathlib import Path

from course.grading import testing
from course.grading.book import gradebook
from course.grading.run.runner import Grade, GradingSpec

#: Written answers a class might give (some identical, some blank). They are shaped like
#: answers — a verdict, a number, a caveat — but state no finding of any problem set: this
#: file is in the student edition, whose check refuses any phrase of a rubric or model
#: answer (course.publish.release).
ANSWERS = [
    "Verdict A: the first measure gives 1.23 for the year asked, so the claim holds.",
    "One measure names one leader and the other measure names another; neither agrees.",
    "Verdict B, because the two largest values stand far above the rest.",
    "Verdict A, 4.56 by my count. The measures leave out what they cannot count.",
]


def student_ids(n: int) -> list[str]:
    """``00101``, ``00102``...: ids with leading zeros, as SIS ids often are."""
    return [f"{100 + i:05d}" for i in range(1, n + 1)]


def answer_for(index: int, question: str) -> str:
    """Student ``index``'s answer: every seventh blank, the others cycling through
    :data:`ANSWERS` with a personal touch for most (so some are identical)."""
    if index % 7 == 6:
        return ""
    base = ANSWERS[index % len(ANSWERS)]
    return base if index % 3 == 0 else f"{base} ({question}, student {index})"


def grade_for(spec: GradingSpec, sid: str, index: int, *, status: str = "ok",
              written: dict[str, str] | None = None, mtime: float = 1000.0) -> Grade:
    """A plausible graded submission: auto questions right or wrong by a rule."""
    scores: dict[str, float | None] = {}
    results = []
    for n, question in enumerate(spec.questions):
        if question.kind == "manual":
            scores[question.id] = None
            continue
        right = (index + n) % 4 != 0 and status == "ok"
        scores[question.id] = question.points if right else 0.0
        results.append(testing.TestResult(f"{question.id}_public", question.id, False, 1.0,
                                          True, ""))
        results.append(testing.TestResult(
            f"{question.id}_hidden", question.id, True, 1.0, right,
            "" if right else f"{question.id}: the values do not match the data"))
    manual = [q.id for q in spec.questions if q.kind == "manual"]
    written = written if written is not None else {q: answer_for(index, q) for q in manual}
    total = sum(v for v in scores.values() if v is not None)
    source = f"inbox/{sid}.ipynb"
    return Grade(sid, f"{index:064x}", spec.name, scores, total, spec.total, status,
                 "" if status == "ok" else "the notebook could not be run", "2026-01-01T00:00:00Z",
                 source, results, written, {q: bool(written.get(q, "").strip()) for q in manual},
                 source=source, mtime=mtime)


def build_gradebook(path: Path, spec: GradingSpec, n: int = 30) -> gradebook.Gradebook:
    """A gradebook of ``n`` students (``00101``...), the last one ungradable."""
    book = gradebook.Gradebook(path, spec)
    for index, sid in enumerate(student_ids(n)):
        status = "invalid_json" if index == n - 1 else "ok"
        book.record(grade_for(spec, sid, index, status=status))
    return book
