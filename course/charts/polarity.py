"""Charts for claim C1 (polarity): shares of power, effective poles, the leader's lead.

Every builder takes the small tables made by :mod:`course.measures.polarity` and
returns a chart finished with :func:`course.charts.base.finish`: a title with the
source underneath, a text description computed from the numbers, the Okabe–Ito
palette and tooltips. Only the rows drawn are embedded (one per power-year or year).

Examples
--------
>>> import pandas as pd
>>> series = pd.DataFrame({"year": [2000, 2001], "eff_poles": [3.0, 2.5],
...     "con": [0.3, 0.4], "leader": ["USA", "USA"], "leader_share": [0.4, 0.5],
...     "lead": [0.1, 0.2], "n_poles": [3, 2], "coverage": [1.0, 1.0]})
>>> chart = poles_chart(series, measure="cinc")
>>> chart.to_dict()["title"]["text"]
'Effective number of poles by CINC, 2000–2001'
>>> describe(chart)[:60]
'Line chart of the effective number of poles among the major '
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from course.charts.base import (  # noqa: F401
    PALETTE,
    chart_data,
    colour_scale,
    describe,
    finish,
    series_encoding,
    with_properties,
    year_axis,
)
from course.errors import InputError
from course.measures.polarity import MEASURE_SHORT, MEASURES, SCOPES, SOURCES, state_name


def _need(table: pd.DataFrame, columns: tuple[str, ...], builder: str, how: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(f"{builder} needs a table with the columns {missing}; build it with {how}")
    if table.empty:
        raise InputError(f"{builder}: nothing to draw, the table has no rows (widen the years)")


def _title(text: str, source: str) -> alt.TitleParams:
    return alt.TitleParams(text, subtitle=f"Source: {source}", anchor="start")

def _done(chart, *, title, description: str, part: bool = False, width: int = 560,
          height: int = 300):
    """Finish a chart, or (``part=True``) return ``(chart, description)`` for a compound chart."""
    if part:
        return with_properties(chart, title=title, width=width, height=height), description
    return finish(chart, title=title, description=description, width=width, height=height)



def _segments(years: pd.Series, keys: pd.Series | None = None) -> list[str]:
    """A label per row that changes whenever the years of one key stop being consecutive.

    Used as ``detail`` so lines break across gaps (Germany 1946–1990, incomplete years)
    instead of drawing a straight line over decades without data.
    """
    frame = pd.DataFrame({"year": years.to_numpy(),
                          "key": keys.to_numpy() if keys is not None else ""})
    frame = frame.sort_values(["key", "year"])
    new = (frame["key"] != frame["key"].shift()) | (frame["year"] != frame["year"].shift() + 1)
    frame["segment"] = frame["key"].astype(str) + "-" + new.cumsum().astype(str)
    return frame.sort_index()["segment"].tolist()


def _x(first: int, last: int, title: str | None = "Year") -> alt.X:
    return alt.X("year:Q", title=title, axis=year_axis(),
                 scale=alt.Scale(domain=[first, last], nice=False))


def _scope_words(scope: str) -> str:
    return SCOPES.get(scope, scope)


def shares_chart(shares: pd.DataFrame, *, measure: str = "cinc", scope: str = "major",
                 top: int | None = None, part: bool = False,
                 threshold: float | None = None, year_title: str | None = "Year") -> alt.Chart:
    """Lines of each power's share of the set's capabilities, year by year.

    The legend names each power beside its COW code ("GFR West Germany"), so the codes
    in the verdicts are explained where students read them.

    Parameters
    ----------
    shares : DataFrame
        From :func:`course.measures.polarity.capability_shares` (``year, stateabb, share``).
    measure, scope : str
        What the shares measure and among whom (for the title and description).
    top : int, optional
        Draw only the ``top`` powers with the largest mean share. By default every major
        power, or the 7 largest states of the whole system (which has up to 195 states;
        the rest would be an unreadable tangle at the bottom).
    threshold : float, optional
        The share a power needs to count as a pole: drawn as a dashed line, which a
        line under the title explains (:func:`threshold_note`).
    year_title : str or None
        The x axis's title (None: none, for a panel above another with the same years).

    Examples
    --------
    >>> s = pd.DataFrame({"year": [1900, 1900], "ccode": [2, 200],
    ...                   "stateabb": ["USA", "UKG"], "share": [0.6, 0.4]})
    >>> shares_chart(s).to_dict()["encoding"]["color"]["scale"]["domain"]
    ['USA United States', 'UKG United Kingdom']
    >>> with_rule = shares_chart(s, threshold=0.25)
    >>> [r for r in chart_data(with_rule) if "threshold" in r]
    [{'threshold': 0.25, 'label': 'pole threshold: 25%'}]
    >>> with_rule.to_dict()["title"]["subtitle"][-1]
    'Dashed line: the pole threshold, 25% (a power on or above it counts as a pole)'
    """
    _need(shares, ("year", "stateabb", "share"), "shares_chart",
          "course.measures.polarity.capability_shares")
    data = shares[shares["share"].notna()]
    if data.empty:
        raise InputError("shares_chart: no year has complete data for these powers; "
                         "choose other years or pass missing='skip'")
    n_all = data["stateabb"].nunique()
    if top is None:
        top = 7 if scope == "system" else n_all
    keep = data.groupby("stateabb")["share"].mean().sort_values(ascending=False).head(top)
    data = data[data["stateabb"].isin(keep.index)]
    long = pd.DataFrame({"year": data["year"].astype(int), "stateabb": data["stateabb"].astype(str),
                         "share": data["share"].astype(float).round(3)})
    segments = _segments(long["year"], long["stateabb"])
    if len(set(segments)) > long["stateabb"].nunique():  # only when some line has a gap
        long["segment"] = segments
    first, last = int(long["year"].min()), int(long["year"].max())
    final = data[(data["year"] == last) & data["stateabb"].isin(keep.index)].sort_values(
        "share", ascending=False)
    lead = final.iloc[0]
    which = (f"all {len(keep)} powers" if len(keep) == n_all
             else f"the {len(keep)} largest")
    description = (
        f"Line chart of each power's share of {MEASURE_SHORT[measure]} among "
        f"{_scope_words(scope)}, {first} to {last}, for {which}. "
        f"In {last} {lead['stateabb']} has the largest share, {lead['share']:.1%}"
        + (f", ahead of {final.iloc[1]['stateabb']} with {final.iloc[1]['share']:.1%}."
           if len(final) > 1 else ".")
    )
    domain = [f"{abb} {state_name(abb)}" for abb in keep.index]
    # The legend's label ("GFR West Germany") is looked up in the browser from one row
    # per power, instead of being repeated in every power-year row.
    names = pd.DataFrame({"stateabb": list(keep.index), "power": domain})
    chart = alt.Chart(long).transform_lookup(
        lookup="stateabb", from_=alt.LookupData(names, "stateabb", ["power"]),
    ).mark_line(point=(last - first) <= 30).encode(
        x=_x(first, last, year_title),
        y=alt.Y("share:Q", title=f"Share of {MEASURE_SHORT[measure]}",
                axis=alt.Axis(format=".0%")),
        color=alt.Color("power:N", title="Power (COW code)", scale=colour_scale(domain),
                        sort=domain),
        **({"detail": alt.Detail("segment:N")} if "segment" in long else {}),
        tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("power:N", title="Power"),
                 alt.Tooltip("share:Q", format=".1%", title="Share")],
    )
    title = _title(f"Shares of {MEASURE_SHORT[measure]} among {_scope_words(scope)}, "
                   f"{first}–{last}", SOURCES[measure])
    if threshold is not None:
        chart = alt.layer(chart, _threshold_rule(float(threshold)))
        description += f" {threshold_note(threshold)}."
        title = alt.TitleParams(title.text, subtitle=[title.subtitle, threshold_note(threshold)],
                                anchor="start")
    return _done(part=part, chart=chart, title=title, description=description)


def codes_note(abbreviations) -> str:
    """A line that names the COW codes a chart shows, for its subtitle.

    >>> codes_note(["UKG", "GMY", "UKG"])
    'Codes: GMY Germany, UKG United Kingdom'
    """
    codes = sorted({str(code) for code in abbreviations})
    return "Codes: " + ", ".join(f"{code} {state_name(code)}" for code in codes)


def threshold_note(threshold: float) -> str:
    """The line under a shares chart's title that says what its dashed line is.

    >>> threshold_note(0.125)
    'Dashed line: the pole threshold, 12.5% (a power on or above it counts as a pole)'
    """
    return (f"Dashed line: the pole threshold, {100 * float(threshold):.10g}% "
            "(a power on or above it counts as a pole)")


def _threshold_rule(threshold: float) -> alt.Chart:
    """A dashed rule across the chart at the pole threshold, on the share axis."""
    rule = pd.DataFrame({"threshold": [threshold],
                         "label": [f"pole threshold: {100 * threshold:.10g}%"]})
    return alt.Chart(rule).mark_rule(color="black", strokeDash=[6, 4], strokeWidth=1.5).encode(
        y=alt.Y("threshold:Q"), tooltip=[alt.Tooltip("label:N", title="Threshold")])


def poles_chart(by_year: pd.DataFrame, *, measure: str = "cinc", scope: str = "major",
                part: bool = False) -> alt.Chart:
    """Line chart of the effective number of poles (1/Σs²), with CON and the leader in tooltips.

    Years without complete data are simply absent (gaps), never drawn as zero.

    Examples
    --------
    >>> s = pd.DataFrame({"year": [1, 2], "eff_poles": [2.0, None], "con": [0.5, None],
    ...     "leader": ["A", None], "leader_share": [0.5, None], "lead": [0.0, None],
    ...     "n_poles": [2, None], "coverage": [1.0, 0.5]})
    >>> [r["year"] for r in chart_data(poles_chart(s)) if "eff_poles" in r]
    [1]
    """
    _need(by_year, ("year", "eff_poles", "con", "leader", "leader_share", "lead", "n_poles"),
          "poles_chart", "course.measures.polarity.polarity_by_year")
    data = by_year[by_year["eff_poles"].notna()]
    if data.empty:
        raise InputError("poles_chart: no year in this range has complete data; "
                         "choose other years or another measure")
    rows = pd.DataFrame({
        "year": data["year"].astype(int), "eff_poles": data["eff_poles"].astype(float).round(2),
        "con": data["con"].astype(float).round(3), "leader": data["leader"].astype(str),
        "leader_share": data["leader_share"].astype(float).round(3),
        "n_poles": data["n_poles"].astype(int),
    })
    rows["segment"] = _segments(rows["year"])
    first, last = int(by_year["year"].min()), int(by_year["year"].max())
    lo = rows.loc[rows["eff_poles"].idxmin()]
    hi = rows.loc[rows["eff_poles"].idxmax()]
    gap = len(by_year) - len(rows)
    description = (
        f"Line chart of the effective number of poles among {_scope_words(scope)} by "
        f"{MEASURE_SHORT[measure]}, {first} to {last}. It averages {rows['eff_poles'].mean():.1f}, "
        f"lowest {lo['eff_poles']:.1f} in {lo['year']} and highest {hi['eff_poles']:.1f} in "
        f"{hi['year']}; in {rows['year'].iloc[-1]} it is {rows['eff_poles'].iloc[-1]:.1f}."
        + (f" {gap} years lack complete data and are left blank." if gap else "")
    )
    line = alt.Chart(rows).mark_line(point=(last - first) <= 30, color=PALETTE[0]).encode(
        x=_x(first, last), detail=alt.Detail("segment:N"),
        y=alt.Y("eff_poles:Q", title="Effective number of poles (1/Σs²)",
                scale=alt.Scale(zero=True)),
        tooltip=[alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("eff_poles:Q", format=".2f", title="Effective poles"),
                 alt.Tooltip("con:Q", format=".2f", title="CON"),
                 alt.Tooltip("leader:N", title="Leader"),
                 alt.Tooltip("leader_share:Q", format=".1%", title="Leader's share"),
                 alt.Tooltip("n_poles:Q", title="Poles above threshold")],
    )
    title = _title(f"Effective number of poles by {MEASURE_SHORT[measure]}, {first}–{last}",
                   SOURCES[measure])
    return _done(part=part, chart=line, title=title, description=description)


def leader_chart(by_year: pd.DataFrame, *, measure: str = "cinc", scope: str = "major",
                 part: bool = False) -> alt.Chart:
    """The leader's share and the runner-up's share, with who they are in the tooltip.

    Examples
    --------
    >>> s = pd.DataFrame({"year": [1, 2], "leader": ["A", "B"], "leader_share": [0.5, 0.4],
    ...     "runner_up": ["B", "A"], "runner_up_share": [0.3, 0.35], "lead": [0.2, 0.05]})
    >>> len(chart_data(leader_chart(s)))
    4
    """
    _need(by_year, ("year", "leader", "leader_share", "runner_up", "runner_up_share", "lead"),
          "leader_chart", "course.measures.polarity.polarity_by_year")
    data = by_year[by_year["leader_share"].notna()]
    if data.empty:
        raise InputError("leader_chart: no year in this range has complete data")
    years = data["year"].astype(int)
    long = pd.concat([
        pd.DataFrame({"year": years, "rank": "Leader", "power": data["leader"].astype(str),
                      "share": data["leader_share"].astype(float).round(4)}),
        pd.DataFrame({"year": years, "rank": "Second", "power": data["runner_up"].astype(str),
                      "share": data["runner_up_share"].astype(float).round(4)}),
    ], ignore_index=True)
    long["segment"] = _segments(long["year"], long["rank"])
    first, last = int(years.min()), int(years.max())
    changes = int((data["leader"] != data["leader"].shift()).sum() - 1)
    leaders = data["leader"].value_counts()
    description = (
        f"Line chart of the largest and second-largest shares of {MEASURE_SHORT[measure]} "
        f"among {_scope_words(scope)}, {first} to {last}. "
        f"{leaders.index[0]} leads in {leaders.iloc[0]} of {len(data)} years; the lead "
        f"changes hands {changes} times; the mean lead is "
        f"{100 * data['lead'].mean():.1f} percentage points."
    )
    chart = alt.Chart(long).mark_line(point=(last - first) <= 30).encode(
        x=_x(first, last), detail=alt.Detail("segment:N"),
        y=alt.Y("share:Q", title=f"Share of {MEASURE_SHORT[measure]}",
                axis=alt.Axis(format=".0%")),
        **series_encoding("rank", ["Leader", "Second"], title=None),
        tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("rank:N"),
                 alt.Tooltip("power:N", title="Power"),
                 alt.Tooltip("share:Q", format=".1%", title="Share")],
    )
    title = _title(f"Leader and runner-up by {MEASURE_SHORT[measure]}, {first}–{last}",
                   SOURCES[measure])
    return _done(part=part, chart=chart, title=title, description=description)


def measures_chart(comparison: pd.DataFrame, *, column: str = "eff_poles",
                   scope: str = "major", part: bool = False) -> alt.Chart:
    """One line per measure of power (CINC, military spending, GDP) for the same years.

    Parameters
    ----------
    comparison : DataFrame
        ``year, measure`` and ``column`` (e.g. the :func:`polarity_by_year` tables of
        several measures stacked with a ``measure`` column).
    column : {"eff_poles", "con", "leader_share", "lead"}

    Examples
    --------
    >>> c = pd.DataFrame({"year": [1, 1], "measure": ["cinc", "gdp"], "eff_poles": [3.0, 4.0],
    ...                   "leader": ["A", "B"]})
    >>> "CINC" in describe(measures_chart(c))
    True
    """
    labels = {"eff_poles": "Effective number of poles", "con": "Concentration (CON)",
              "leader_share": "Leader's share", "lead": "Leader's lead over the second"}
    if column not in labels:
        raise InputError(f"unknown column {column!r}; pass one of {', '.join(labels)}")
    _need(comparison, ("year", "measure", column, "leader"), "measures_chart",
          "course.measures.polarity.polarity_by_year for each measure")
    data = comparison[comparison[column].notna()]
    rows = pd.DataFrame({"year": data["year"].astype(int),
                         "measure": data["measure"].map(MEASURE_SHORT).astype(str),
                         "value": data[column].astype(float).round(4),
                         "leader": data["leader"].astype(str)})
    if rows.empty:
        raise InputError("measures_chart: no measure has data in these years")
    rows["segment"] = _segments(rows["year"], rows["measure"])
    first, last = int(rows["year"].min()), int(rows["year"].max())
    means = rows.groupby("measure")["value"].mean().sort_values()
    fmt = ".0%" if column in ("leader_share", "lead") else ".1f"
    parts = [f"{m} {format(v, fmt)}" for m, v in means.items()]
    number = {1: "one measure", 2: "two measures", 3: "three measures"}[len(means)]
    description = (
        f"Line chart comparing the {labels[column].lower()} among {_scope_words(scope)} by "
        f"{number} of power, {first} to {last}. Averages: " + "; ".join(parts) + "."
    )
    domain = [MEASURE_SHORT[m] for m in MEASURES]
    chart = alt.Chart(rows).mark_line().encode(
        x=_x(first, last), detail=alt.Detail("segment:N"),
        y=alt.Y("value:Q", title=labels[column],
                axis=alt.Axis(format=".0%") if fmt == ".0%" else alt.Axis()),
        **series_encoding("measure", domain, title="Measure"),
        tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("measure:N"),
                 alt.Tooltip("value:Q", format=".2f" if fmt == ".1f" else ".1%",
                             title=labels[column]),
                 alt.Tooltip("leader:N", title="Leader")],
    )
    sources = "; ".join(dict.fromkeys(
        s for m in comparison["measure"].unique() for s in SOURCES[m].split("; ")))
    title = _title(f"{labels[column]} by {number} of power, {first}–{last}", sources)
    return _done(part=part, chart=chart, title=title, description=description)
