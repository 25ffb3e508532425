"""Charts of a class's results for the instructor's report (``course report``).

Each takes rows already aggregated by :mod:`course.grading.book.report` (bins, one row per
question, one row per check) and says in its description what it shows, for alt text.

Examples
--------
>>> import pandas as pd
>>> bins = pd.DataFrame({"from": [0, 5], "to": [5, 10], "students": [3, 7]})
>>> describe(score_chart(bins, max_total=10, n=10, median=6.0))[:45]
'Totals of 10 students out of 10 points: the m'
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from course.charts.base import PALETTE, describe, finish

__all__ = ["checks_chart", "describe", "questions_chart", "score_chart"]

SOURCE = "Source: this problem set's gradebook"


def _title(text: str) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=SOURCE, anchor="start")


def score_chart(bins: pd.DataFrame, *, max_total: float, n: int, median: float):
    """Histogram of the students' totals (columns ``from``, ``to``, ``students``)."""
    table = bins.assign(range=[f"{a:g}–{b:g}" for a, b in zip(bins["from"], bins["to"],
                                                              strict=True)])
    busiest = table.loc[table["students"].idxmax()] if len(table) else None
    most = (f" The most common range is {busiest['range']} points ({int(busiest['students'])} "
            "students)." if busiest is not None else "")
    chart = alt.Chart(table).mark_bar(color=PALETTE[0]).encode(
        x=alt.X("range:O", sort=list(table["range"]), title="Total points",
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("students:Q", title="Students", axis=alt.Axis(tickMinStep=1)),
        tooltip=["range", "students"])
    return finish(chart, title=_title("Distribution of total scores"), description=(
        f"Totals of {n} students out of {max_total:g} points: the median is {median:g}."
        + most), width=520, height=260)


def questions_chart(questions: pd.DataFrame):
    """Mean score of each question as a share of its points (``question``, ``share``,
    ``full``: the share of students with full marks)."""
    table = questions.copy()
    table["share_pct"] = (table["share"] * 100).round(1)
    table["full_pct"] = (table["full"] * 100).round(1)
    hardest = table.loc[table["share"].idxmin()] if len(table) else None
    note = (f" The lowest is {hardest['question']} ({hardest['share_pct']:g}% of its points on "
            "average)." if hardest is not None else "")
    chart = alt.Chart(table).mark_bar(color=PALETTE[2]).encode(
        x=alt.X("question:N", sort=list(table["question"]), title="Question",
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("share_pct:Q", title="Mean score (% of the question's points)",
                scale=alt.Scale(domain=[0, 100])),
        tooltip=["question", "share_pct", "full_pct"])
    return finish(chart, title=_title("Mean score of each question"), description=(
        "Each bar is a question's mean score as a percentage of its points, over the students "
        "graded on it." + note), width=520, height=260)


def checks_chart(checks: pd.DataFrame):
    """The checks that failed most often (``check``, ``failures``), most first."""
    table = checks.copy()
    first = table.iloc[0] if len(table) else None
    note = (f" The most frequent is {first['check']} ({int(first['failures'])} students)."
            if first is not None else " No check failed.")
    chart = alt.Chart(table).mark_bar(color=PALETTE[5]).encode(
        y=alt.Y("check:N", sort=list(table["check"]), title=None),
        x=alt.X("failures:Q", title="Students whose submission failed it",
                axis=alt.Axis(tickMinStep=1)),
        tooltip=["check", "failures"])
    return finish(chart, title=_title("Checks that failed most often"), description=(
        "Each bar is a public check or hidden test and the number of students whose counted "
        "submission failed it." + note), width=420, height=max(60, 22 * len(table)))
