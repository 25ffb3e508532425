"""Explorer for claim C1: is the world "multipolar, but still U.S. led" [P10]?

The pure function :func:`polarity_view` does the work; :func:`polarity_explorer` wraps
it in ipywidgets controls (measure, years, set of powers, pole threshold). Tests call
the view directly and drive the explorer by setting control values.

Examples
--------
>>> view = polarity_view("cinc", (1990, 2016))
>>> view.verdict[:40]
'By CINC, 1990–2016 has 3.9 effective pol'
>>> view.details["leader_last"]
'CHN'
"""

from __future__ import annotations

from functools import lru_cache

import altair as alt
import ipywidgets as widgets

from course.charts import polarity as charts
from course.charts.base import finish
from course.errors import InputError
from course.measures import polarity
from course.widgets.base import Explorer, View

FIRST_YEAR, LAST_YEAR = 1816, 2018


def _label(n_poles: int) -> str:
    if n_poles >= 3:
        return "multipolar"
    return {2: "bipolar", 1: "unipolar"}.get(n_poles, "without any pole")


def _points(lead: float) -> str:
    points = 100 * float(lead)
    return f"{points:.1f} points" if points >= 0.95 else f"{points:.2f} points"


@lru_cache(maxsize=8)
def _full_shares(measure: str, scope: str):
    return polarity.capability_shares(measure, FIRST_YEAR, LAST_YEAR, scope=scope)


@lru_cache(maxsize=32)
def _full_indices(measure: str, scope: str, threshold: float):
    return polarity.indices_by_year(_full_shares(measure, scope), threshold=threshold)


def _tables(measure: str, start: int, end: int, scope: str, threshold: float):
    """Shares and indices for the years, sliced from tables computed once for 1816–2018.

    Every index is computed year by year, so slicing gives the same numbers as computing
    on the range; it just makes a slider move cheap.
    """
    if start > end or measure not in polarity.MEASURES or scope not in polarity.SCOPES:
        polarity.capability_shares(measure, start, end, scope=scope)  # raises the right error
    shares = _full_shares(measure, scope)
    shares = shares[(shares["year"] >= start) & (shares["year"] <= end)]
    if shares["value"].notna().sum() == 0:
        polarity.capability_shares(measure, start, end, scope=scope)  # raises "no data"
    table = _full_indices(measure, scope, float(threshold))
    table = table[(table["year"] >= start) & (table["year"] <= end)].reset_index(drop=True)
    return shares, table


def polarity_view(measure: str = "cinc", years: tuple[int, int] = (1990, 2016),
                  scope: str = "major", threshold: float = 0.1) -> View:
    """Polarity of a period by one measure of power: chart, verdict and the yearly table.

    Parameters
    ----------
    measure : {"cinc", "milex", "gdp"}
    years : (int, int)
        First and last year (inclusive).
    scope : {"major", "system"}
        Shares among the major powers of each year, or of the whole state system.
    threshold : float
        Share a power needs to count as a pole (0.10 = 10 %).

    Returns
    -------
    View
        ``chart`` (shares above, effective poles below), ``verdict`` (a sentence),
        ``table`` (:func:`course.measures.polarity.polarity_by_year`) and ``details``
        (``mean_eff_poles``, ``leader_last``, ``n_poles_last``, ``label``,
        ``us_led``, ``multipolar``, ``years_with_data``).
    """
    try:
        start, end = (int(y) for y in years)
    except (TypeError, ValueError):
        raise InputError(f"years must be a pair (first, last), got {years!r}") from None
    shares, table = _tables(measure, start, end, scope, threshold)
    summary = polarity.summarize(table)
    name = polarity.MEASURE_SHORT[measure]
    if summary["years"] == 0:
        raise InputError(f"no year in {start}–{end} has {name} data for every power in the "
                         f"set; choose other years or the whole system")
    last = summary["last_year"]
    n_last = int(last["n_poles"])
    label = _label(n_last)
    us_led = last["leader"] == "USA"
    gap = summary["years_total"] - summary["years"]
    essay = ("consistent with 'multipolar, but still U.S. led'" if label == "multipolar"
             and us_led else "not 'multipolar, but still U.S. led'")
    verdict = (
        f"By {name}, {start}–{end} has {summary['mean_eff_poles']:.1f} effective poles among "
        f"{polarity.SCOPES[scope]} on average (CON {summary['mean_con']:.2f}); "
        f"{summary['leader']} leads in {summary['leader_years']} of {summary['years']} years. "
        f"In {int(last['year'])}: {last['eff_poles']:.1f} effective poles; {n_last} "
        f"{'power holds' if n_last == 1 else 'powers hold'} at least {threshold:.0%} "
        f"({label} by that threshold); {last['leader']} leads {last['runner_up']} by "
        f"{_points(last['lead'])} — {essay}."
        + (f" {gap} of {summary['years_total']} years lack {name} data for some power and "
           "are left out." if gap else "")
    )
    coverage = float(table.loc[table["eff_poles"].notna(), "coverage"].mean())
    if coverage < 0.95:
        verdict += (f" Only {coverage:.0%} of the states, on average, have {name} data in "
                    "these years: the shares are shares of those that do.")
    top, top_text = charts.shares_chart(shares, measure=measure, scope=scope, top=6,
                                        part=True)
    bottom, bottom_text = charts.poles_chart(table, measure=measure, scope=scope, part=True)
    chart = finish(alt.vconcat(top.properties(height=220, title=top.title.text),
                               bottom.properties(height=160, title=bottom.title.text)),
                   title=alt.TitleParams(f"Polarity by {name}, {start}–{end}",
                                         subtitle=f"Source: {polarity.SOURCES[measure]}",
                                         anchor="start"),
                   description=f"Two charts. {top_text} {bottom_text}")
    details = {"mean_eff_poles": summary["mean_eff_poles"], "mean_con": summary["mean_con"],
               "leader_last": str(last["leader"]), "n_poles_last": n_last, "label": label,
               "us_led": bool(us_led), "multipolar": label == "multipolar",
               "years_with_data": summary["years"], "last_year": int(last["year"])}
    return View(chart=chart, verdict=verdict, table=table, details=details)


def polarity_explorer(measure: str = "cinc", years: tuple[int, int] = (1990, 2016),
                      scope: str = "major", threshold: float = 0.1) -> Explorer:
    """Widget: choose a measure of power, years, set of powers and pole threshold.

    Examples
    --------
    >>> explorer = polarity_explorer()
    >>> explorer.controls["measure"].value = "milex"
    >>> explorer.current.details["leader_last"]
    'USA'
    """
    controls = {
        "measure": widgets.Dropdown(
            options=[("CINC (composite)", "cinc"), ("Military spending", "milex"),
                     ("GDP", "gdp")], value=measure, description="Measure"),
        "years": widgets.IntRangeSlider(value=years, min=FIRST_YEAR, max=LAST_YEAR, step=1,
                                        description="Years", continuous_update=False,
                                        layout=widgets.Layout(width="420px")),
        "scope": widgets.ToggleButtons(options=[("Major powers", "major"),
                                                ("Whole system", "system")],
                                       value=scope, description="Powers"),
        "threshold": widgets.FloatSlider(value=threshold, min=0.05, max=0.5, step=0.05,
                                         description="Pole ≥", readout_format=".0%",
                                         continuous_update=False),
    }
    return Explorer(polarity_view, controls,
                    title="C1 · How many poles, and who leads? Change the measure of power.")
