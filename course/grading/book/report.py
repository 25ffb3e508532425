"""The class report: one offline HTML page of a problem set's results, for the instructor.

``course report --assignment ps1 gradebook.csv --out report/`` writes ``report/ps1.html``:

* the distribution of the students' totals (hand-graded points included);
* each question's mean, its mean as a share of its points, and the share of students
  with full marks (written questions over the students graded so far);
* the public checks and hidden tests that failed most often, with their most common
  message;
* the submissions that could not be graded, with their status and message;
* flags: byte-identical files handed in by different students, and identical written
  answers from different students.

Charts are Altair (:mod:`course.charts.grades`) drawn to PNG by vl-convert, each with
its alt text, caption and data table (:func:`course.charts.html.chart_html`), so the page
opens with no network. Every id, message and answer in it comes from students and is
escaped.

Examples
--------
>>> bins = bins_of([0, 4, 22, 25], 25)
>>> bins["to"].tolist()[-2:], bins["students"].tolist()
([24, 25], [1, 1, 0, 0, 0, 0, 0, 1, 1])
"""

from __future__ import annotations

import collections
import html
import math
import os
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from course.errors import CourseError
from course.grading.book.gradebook import Gradebook, merged_rows, open_gradebook
from course.grading.run import GRADED, GradingSpec
from course.grading.untrusted import WRITE_ERRORS

__all__ = ["ClassReport", "bins_of", "class_report", "report_html", "write_report"]

#: Shortest written answer whose copies are flagged (a one-word answer may be shared).
MIN_SHARED_ANSWER = 40
TOP_CHECKS = 10


@dataclass
class ClassReport:
    """The numbers of the report (plain data: tests read them)."""

    assignment: str
    title: str
    students: int
    max_total: float
    totals: list[float]
    bins: pd.DataFrame
    questions: pd.DataFrame  # question kind points graded mean share full
    checks: pd.DataFrame  # check question kind failures message
    ungradable: list[dict[str, str]]  # student_id source_file status message
    identical_files: list[list[str]]
    identical_answers: list[tuple[str, list[str], str]]  # question, students, text
    written_pending: int = 0
    notes: list[str] = field(default_factory=list)


def bins_of(totals: list[float], max_total: float) -> pd.DataFrame:
    """About ten bins of equal width from 0 to ``max_total``; the last one holds full
    marks (a total above the maximum, which cannot happen, would count there too)."""
    width = max(1, math.ceil(max_total / 10))
    edges = list(range(0, math.ceil(max_total), width)) or [0]
    counts = [0] * len(edges)
    for total in totals:
        counts[min(max(0, int(total // width)), len(edges) - 1)] += 1
    ends = [*edges[1:], max_total]
    return pd.DataFrame({"from": edges, "to": [int(e) if float(e).is_integer() else e
                                                for e in ends], "students": counts})


def _float(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def class_report(spec: GradingSpec, book: Gradebook) -> ClassReport:
    """Compute the report's numbers from a gradebook (see :func:`open_gradebook`)."""
    rows = merged_rows(book)
    totals = [_float(r["total"]) or 0.0 for r in rows.values()]
    questions = []
    for question in spec.questions:
        got = [v for v in (_float(r[question.id]) for r in rows.values()) if v is not None]
        mean = statistics.fmean(got) if got else float("nan")
        questions.append({
            "question": question.id, "kind": "written" if question.kind == "manual" else "auto",
            "points": question.points, "graded": len(got), "mean": round(mean, 3),
            "share": round(mean / question.points, 4) if got else 0.0,
            "full": round(sum(v >= question.points - 1e-9 for v in got) / len(got), 4)
            if got else 0.0})
    failures: collections.Counter = collections.Counter()
    messages: dict[tuple[str, str, bool], collections.Counter] = {}
    answers: dict[tuple[str, str], list[str]] = {}
    for sid, row in rows.items():
        details = book.details.get(row["source_file"])
        if details is None or details.submission_sha256 != row["submission_sha256"]:
            continue
        for result in details.results:
            if not result["passed"]:
                key = (result["name"], result["question"], result["hidden"])
                failures[key] += 1
                messages.setdefault(key, collections.Counter())[result["message"]] += 1
        for qid, text in details.written.items():
            words = " ".join(text.split())
            if details.answered.get(qid) and len(words) >= MIN_SHARED_ANSWER:
                answers.setdefault((qid, words), []).append(sid)
    checks = pd.DataFrame(
        [{"check": f"{q} {'hidden test' if hidden else 'public check'} {name}",
          "question": q, "kind": "hidden" if hidden else "public", "failures": n,
          "message": messages[(name, q, hidden)].most_common(1)[0][0]}
         for (name, q, hidden), n in sorted(failures.items(), key=lambda kv: (-kv[1], kv[0]))
         [:TOP_CHECKS]], columns=["check", "question", "kind", "failures", "message"])
    ungradable = [{"student_id": r["student_id"], "source_file": r["source_file"],
                   "status": r["status"], "message": r["message"]}
                  for r in sorted(book.rows.values(),
                                  key=lambda r: (r["student_id"], r["source_file"]))
                  if r["status"] not in GRADED]
    by_file: dict[str, set[str]] = {}
    for row in book.rows.values():
        if row["submission_sha256"]:
            by_file.setdefault(row["submission_sha256"], set()).add(row["student_id"])
    identical_files = sorted(sorted(s) for s in by_file.values() if len(s) > 1)
    identical_answers = sorted((q, sorted(set(s)), text) for (q, text), s in answers.items()
                               if len(set(s)) > 1)
    pending = sum(1 for r in rows.values() if r["written_status"] not in ("", "graded"))
    return ClassReport(spec.name, spec.title, len(rows), spec.total, totals,
                       bins_of(totals, spec.total), pd.DataFrame(questions), checks, ungradable,
                       identical_files, identical_answers, pending, list(book.hand.problems))


# --------------------------------------------------------------------------- HTML

_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60em; margin: 1.5em auto; padding: 0 1em;
       color: #111; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5em 0 1.2em; font-size: 0.92em; }
th, td { border: 1px solid #bbb; padding: 3px 8px; text-align: left; vertical-align: top; }
td.n { text-align: right; }
.handout-chart img { max-width: 100%; height: auto; }
.handout-chart figcaption { font-size: 0.92em; color: #333; }
.note { background: #fff4e5; padding: 0.4em 0.7em; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _table(headers: list[str], rows: list[list[object]], numeric: set[int] = frozenset()
           ) -> str:
    head = "".join(f"<th scope=\"col\">{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(
        f"<td class=\"n\">{_e(v)}</td>" if i in numeric else f"<td>{_e(v)}</td>"
        for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_html(report: ClassReport) -> str:
    """The report as one self-contained HTML page (charts inline, nothing fetched)."""
    from course.charts.grades import checks_chart, questions_chart, score_chart
    from course.charts.html import chart_html, loaded_urls

    median = statistics.median(report.totals) if report.totals else 0.0
    parts = [f"<h1>{_e(report.title)}: class report</h1>",
             f"<p>{report.students} students in the gradebook; "
             f"{len(report.ungradable)} submission(s) could not be graded in full; "
             f"{report.written_pending} student(s) have written answers still to grade "
             "(their totals lack those points).</p>"]
    if report.notes:
        parts.append("<p class=\"note\">Hand grades that could not be read: "
                     + _e("; ".join(report.notes[:5])) + "</p>")
    parts += ["<h2>Total scores</h2>",
              chart_html(score_chart(report.bins, max_total=report.max_total,
                                     n=len(report.totals), median=median))]
    questions = report.questions
    parts += ["<h2>Questions</h2>",
              chart_html(questions_chart(questions[questions["graded"] > 0])),
              _table(["question", "kind", "points", "students graded", "mean",
                      "mean / points", "full marks"],
                     [[q.question, q.kind, f"{q.points:g}", q.graded,
                       "–" if q.graded == 0 else f"{q.mean:.2f}".rstrip("0").rstrip("."),
                       f"{q.share:.0%}", f"{q.full:.0%}"]
                      for q in questions.itertuples()], {2, 3, 4, 5, 6})]
    parts.append("<h2>Checks that failed most often</h2>")
    if len(report.checks):
        parts += [chart_html(checks_chart(report.checks)),
                  _table(["check", "students", "most common message"],
                         [[c.check, c.failures, c.message or "(no message)"]
                          for c in report.checks.itertuples()], {1})]
    else:
        parts.append("<p>No check failed.</p>")
    parts.append("<h2>Submissions that could not be graded</h2>")
    parts.append(_table(["student", "file", "status", "message"],
                        [[u["student_id"], u["source_file"], u["status"], u["message"]]
                         for u in report.ungradable]) if report.ungradable
                 else "<p>None: every submission was graded.</p>")
    parts.append("<h2>Identical work from different students</h2>")
    if report.identical_files:
        parts.append("<p>Byte-for-byte identical files:</p><ul>" + "".join(
            f"<li>{_e(', '.join(s))}</li>" for s in report.identical_files) + "</ul>")
    if report.identical_answers:
        parts.append(_table(["question", "students", "the answer (start)"],
                            [[q, ", ".join(s), text[:200] + ("…" if len(text) > 200 else "")]
                             for q, s, text in report.identical_answers]))
    if not report.identical_files and not report.identical_answers:
        parts.append("<p>None found.</p>")
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(report.title)}: class report</title><style>{_CSS}</style></head>"
            "<body>" + "\n".join(parts) + "</body></html>\n")
    fetched = loaded_urls(page)
    if fetched:  # pragma: no cover - a guard: charts are inline data URIs
        raise CourseError(f"the report would load {fetched[:3]}; report this as a bug")
    return page


def write_report(spec: GradingSpec, gradebook: str | os.PathLike, out_dir: str | os.PathLike
                 ) -> Path:
    """Write ``<out_dir>/<assignment>.html``; return its path."""
    report = class_report(spec, open_gradebook(gradebook, spec))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{spec.name}.html"
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(report_html(report), encoding="utf-8", errors=WRITE_ERRORS)
    os.replace(temp, path)
    return path
