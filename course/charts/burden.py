"""Charts for the economics of alliances (lesson 04) and NATO spending (lessons 05–06).

Each builder takes the small table a :mod:`course.models` or :mod:`course.measures.burden`
function returns, and gives back a finished Altair chart whose subtitle names its source.

Examples
--------
>>> from course import models
>>> chart = model_chart(models.equilibrium([3.0, 1.0, 1.0], alpha=0.1, publicness=1.0))
>>> "ally 1" in describe(chart)
True
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from course.charts.base import (
    PALETTE,
    describe,
    finish,
    label_layers,
    nice_domain,
    with_label_places,
    year_axis,
)
from course.errors import InputError

__all__ = [
    "SOURCE_COW",
    "SOURCE_MADDISON",
    "SOURCE_NATO",
    "SOURCE_SIPRI",
    "correlation_chart",
    "describe",
    "europe_chart",
    "model_chart",
    "scatter_chart",
    "us_share_chart",
]

SOURCE_SIPRI = "SIPRI Military Expenditure Database 2025"
SOURCE_MADDISON = "Maddison Project Database 2020 (Bolt & van Zanden 2020)"
SOURCE_COW = "Correlates of War (COW) National Material Capabilities v6.0"
SOURCE_NATO = "NATO, Defence Expenditure of NATO Countries (2014-2024), June 2024"


def _title(text: str, source: str) -> alt.TitleParams:
    """Title with the source as subtitle, one line per "; "-separated part if it is long."""
    line = f"Source: {source}"
    lines = [line] if len(line) <= 95 else ["Sources: " + source.split("; ")[0]] + [
        part for part in source.split("; ")[1:]]
    return alt.TitleParams(text=text, subtitle=lines, anchor="start")


def _need(table, columns, what):
    if not isinstance(table, pd.DataFrame) or any(c not in table.columns for c in columns):
        raise InputError(f"{what} needs a DataFrame with columns {list(columns)}")
    if table.empty:
        raise InputError(f"{what}: the table is empty - widen the years or check the filters")


def model_chart(table: pd.DataFrame) -> alt.Chart:
    """Grouped bars: each ally's share of alliance income vs its share of defence spending.

    Parameters
    ----------
    table : DataFrame
        As returned by :func:`course.models.equilibrium`.
    """
    _need(table, ["ally", "income_share", "burden_share", "burden"], "model_chart")
    long = pd.concat([
        pd.DataFrame({"ally": table["ally"], "measure": "share of alliance income",
                      "share": table["income_share"], "burden": table["burden"]}),
        pd.DataFrame({"ally": table["ally"], "measure": "share of defence spending",
                      "share": table["burden_share"], "burden": table["burden"]}),
    ], ignore_index=True)
    long["share"] = long["share"].round(4)
    long["burden"] = long["burden"].round(4)
    order = list(table["ally"])
    top = table.loc[table["income"].idxmax()]
    free = int(table["free_rider"].sum()) if "free_rider" in table.columns else 0
    description = (
        f"Bar chart of {len(table)} allies. The largest ally, {top['ally']}, has "
        f"{top['income_share']:.0%} of the alliance's income and pays "
        f"{top['burden_share']:.0%} of its defence spending; {free} "
        f"{'ally spends' if free == 1 else 'allies spend'} nothing.")
    chart = alt.Chart(long).mark_bar().encode(
        x=alt.X("ally:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("measure:N", sort=["share of alliance income",
                                               "share of defence spending"]),
        y=alt.Y("share:Q", title="share of the alliance total", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("measure:N", title=None,
                        scale=alt.Scale(domain=["share of alliance income",
                                                "share of defence spending"],
                                        range=[PALETTE[4], PALETTE[5]]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("ally:N"), alt.Tooltip("measure:N"),
                 alt.Tooltip("share:Q", format=".1%"),
                 alt.Tooltip("burden:Q", title="spending / own income", format=".2%")],
    )
    return finish(chart, title=_title("Who pays for the alliance? Model equilibrium",
                                      "Olson & Zeckhauser (1966) model as coded in "
                                      "course.models; simulated, not data"),
                  description=description, height=260)


def correlation_chart(corr: pd.DataFrame, source: str | None = None) -> alt.LayerChart:
    """Line of the yearly Spearman correlation between allies' GDP and military burden.

    Parameters
    ----------
    corr : DataFrame
        As returned by :func:`course.measures.burden.size_burden_correlation`; with a
        ``p_value`` column, the years with p < 0.05 are drawn as larger filled points.
    source : str, optional
        Source line (default: SIPRI share of GDP and Maddison GDP).
    """
    _need(corr, ["year", "rho", "n_used"], "correlation_chart")
    extra = [c for c in ("largest", "p_value") if c in corr]
    data = corr[["year", "rho", "n_used"] + extra].copy()
    data["rho"] = data["rho"].astype(float).round(3)
    valid = data.dropna(subset=["rho"])
    if valid.empty:
        raise InputError("correlation_chart: no year has enough allies for a correlation")
    first, last = int(valid["year"].min()), int(valid["year"].max())
    peak = valid.loc[valid["rho"].idxmax()]
    low = valid.loc[valid["rho"].idxmin()]
    share_positive = (valid["rho"] > 0).mean()
    description = (
        f"Line chart of Spearman's rank correlation between NATO allies' GDP and their "
        f"military spending as a share of GDP, {first}-{last}. It is positive in "
        f"{share_positive:.0%} of years, highest in {int(peak['year'])} "
        f"({peak['rho']:.2f}) and lowest in {int(low['year'])} ({low['rho']:.2f}).")
    if "p_value" in data:
        data["p_value"] = data["p_value"].astype(float).round(4)
        significant = int((valid["p_value"].astype(float) < 0.05).sum())
        description += (f" It is significant (p < 0.05) in {significant} of {len(valid)} "
                        "years, drawn as larger filled points.")
    base = alt.Chart(data)
    x = alt.X("year:Q", axis=year_axis(), title="year",
              scale=alt.Scale(nice=False, zero=False))
    y = alt.Y("rho:Q", title="rank correlation of size and burden",
              scale=alt.Scale(domain=[-1, 1]))
    tooltip = ([alt.Tooltip("year:Q", format="d"), alt.Tooltip("rho:Q", format=".2f"),
                alt.Tooltip("n_used:Q", title="allies with data")]
               + ([alt.Tooltip("p_value:Q", title="p-value", format=".3f")]
                  if "p_value" in data else [])
               + ([alt.Tooltip("largest:N", title="largest economy")] if "largest" in data
                  else []))
    line = base.mark_line(point=True, color=PALETTE[0]).encode(x=x, y=y, tooltip=tooltip)
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#777777").encode(y=alt.Y("y:Q"))
    layers = [zero, line]
    if "p_value" in data:  # the larger points, with a legend that says what they are
        label = "significant (p < 0.05)"
        layers.append(base.transform_filter(alt.datum.p_value < 0.05)
                      .transform_calculate(marked=f"'{label}'")
                      .mark_point(filled=True, size=70)
                      .encode(x=x, y=y, tooltip=tooltip,
                              color=alt.Color("marked:N", title=None,
                                              scale=alt.Scale(domain=[label],
                                                              range=[PALETTE[1]]))))
    return finish(alt.layer(*layers),
                  title=_title("Do bigger allies carry heavier burdens?",
                               source or (f"{SOURCE_SIPRI} (share of GDP); {SOURCE_MADDISON} "
                                          "(GDP); NATO accession dates")),
                  description=description, height=260)


def scatter_chart(table: pd.DataFrame, year: int) -> alt.Chart:
    """Scatter of allies' GDP (log scale) against military burden in one year.

    Parameters
    ----------
    table : DataFrame
        As returned by :func:`course.measures.burden.size_burden_table`.
    year : int
    """
    _need(table, ["country", "gdp", "milex_share_gdp"], "scatter_chart")
    data = table[["country", "gdp", "milex_share_gdp"]].copy()
    data["gdp"] = data["gdp"].astype(float).round(0)
    data["milex_share_gdp"] = data["milex_share_gdp"].astype(float).round(5)
    top = data.loc[data["gdp"].idxmax()]
    heaviest = data.loc[data["milex_share_gdp"].idxmax()]
    description = (
        f"Scatter plot of {len(data)} NATO allies in {year}: GDP on a log scale against "
        f"military spending as a share of GDP. The largest economy, {top['country']}, "
        f"spends {top['milex_share_gdp']:.1%}; the heaviest burden is "
        f"{heaviest['country']}'s at {heaviest['milex_share_gdp']:.1%}.")
    width, height = 560, 300
    positive = data[data["gdp"] > 0]
    x_domain = (10 ** math.floor(math.log10(positive["gdp"].min())),
                10 ** math.ceil(math.log10(positive["gdp"].max())))
    y_domain = nice_domain(data["milex_share_gdp"], zero=True)
    data = with_label_places(positive, x="gdp", y="milex_share_gdp", label="country",
                             x_domain=x_domain, y_domain=y_domain, width=width,
                             height=height, x_log=True)
    base = alt.Chart(data)
    chart = base.mark_circle(size=70, color=PALETTE[0]).encode(
        x=alt.X("gdp:Q", scale=alt.Scale(type="log", domain=x_domain, nice=False),
                title="GDP (million 2011 US$, log scale)"),
        y=alt.Y("milex_share_gdp:Q", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=y_domain, nice=False),
                title="military spending / GDP"),
        tooltip=[alt.Tooltip("country:N"), alt.Tooltip("gdp:Q", format=",.0f"),
                 alt.Tooltip("milex_share_gdp:Q", format=".2%", title="burden")],
    )
    return finish(alt.layer(chart, *label_layers(base, x="gdp", label="country")),
                  title=_title(f"Size and burden of NATO allies, {year}",
                               f"{SOURCE_SIPRI}; {SOURCE_MADDISON}"),
                  description=description, width=width, height=height)


def us_share_chart(shares: pd.DataFrame) -> alt.Chart:
    """US share of allied military spending; one line per definition, never merged.

    Parameters
    ----------
    shares : DataFrame
        Rows from :func:`course.measures.burden.us_share_cow` and/or
        :func:`course.measures.burden.us_share_nato` (``year``, ``us_share``,
        ``definition``).
    """
    _need(shares, ["year", "us_share", "definition"], "us_share_chart")
    data = shares[["year", "us_share", "definition"]].dropna().copy()
    if data.empty:
        raise InputError("us_share_chart: no years with a US share")
    data["us_share"] = data["us_share"].astype(float).round(4)
    parts = []
    for definition, group in data.groupby("definition", sort=False):
        group = group.sort_values("year")
        first, last = group.iloc[0], group.iloc[-1]
        parts.append(f"by {definition}, from {first['us_share']:.0%} in {int(first['year'])} "
                     f"to {last['us_share']:.0%} in {int(last['year'])}")
    description = ("Line chart of the United States' share of NATO members' military "
                   "spending, " + "; ".join(parts) + ".")
    sources = []
    if data["definition"].str.contains("COW").any():
        sources.append(SOURCE_COW)
    if data["definition"].str.contains("NATO").any():
        sources.append(SOURCE_NATO)
    chart = alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("year:Q", axis=year_axis(), scale=alt.Scale(nice=False, zero=False)),
        y=alt.Y("us_share:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]),
                title="US share of allied spending"),
        color=alt.Color("definition:N", title=None,
                        legend=alt.Legend(orient="bottom", direction="vertical",
                                          labelLimit=600)),
        tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("us_share:Q", format=".1%"),
                 alt.Tooltip("definition:N")],
    )
    return finish(chart, title=_title("The US share of allied military spending",
                                      "; ".join(sources) or "see the definition"),
                  description=description, height=260)


def europe_chart(series: pd.DataFrame, *, label: str, source: str,
                 percent: bool = True) -> alt.LayerChart:
    """A yearly series for European allies with the essay's 2012 and the 2014 and 2022 marks.

    Parameters
    ----------
    series : DataFrame
        ``year`` and ``value`` (e.g. from :func:`course.measures.burden.european_burden`).
    label : str
        Axis title (what ``value`` is).
    source : str
        Shown in the subtitle.
    percent : bool, default True
        ``value`` is a share of GDP (a fraction): the axis shows percentages from 0%, and
        a note marks 2020, when GDP fell and every share of GDP jumped.
    """
    _need(series, ["year", "value"], "europe_chart")
    data = series[["year", "value"]].dropna().copy()
    if data.empty:
        raise InputError("europe_chart: no values in the years chosen")
    data["value"] = data["value"].astype(float).round(6)
    fmt = ".2%" if percent else ",.0f"
    at = data.set_index("year")["value"]

    def _v(year):
        return format(at[year], fmt) if year in at.index and not math.isnan(at[year]) else "n/a"

    first, last = int(data["year"].min()), int(data["year"].max())
    marks = pd.DataFrame({"year": [2012, 2014, 2020, 2022],
                          "event": ["essay (2012)", "Crimea (2014)", "2020: GDP fell",
                                    "Ukraine (2022)"],
                          "ypix": [8, 22, 36, 8],
                          # the 2020 note is written to the left of its rule, clear of 2022
                          "align": ["left", "left", "right", "left"]})
    if not percent:  # the 2020 note explains a jump in a share of GDP, not in amounts
        marks = marks[marks["year"] != 2020]
    marks = marks[(marks["year"] >= first) & (marks["year"] <= last)]
    description = (f"Line chart of {label} for European NATO allies, {first}-{last}: "
                   f"{_v(first)} in {first}, {_v(2012)} in 2012, {_v(2014)} in 2014, "
                   f"{_v(2021)} in 2021 and {_v(last)} in {last}. Vertical rules mark "
                   + ", ".join(marks["event"]) + ".")
    if percent and 2020 in set(marks["year"]):
        description += (" In 2020 the economies shrank while spending did not, so spending "
                        "as a share of GDP jumped for that year.")
    line = alt.Chart(data).mark_line(point=True, color=PALETTE[0]).encode(
        x=alt.X("year:Q", axis=year_axis(), scale=alt.Scale(nice=False, zero=False)),
        # Shares start at 0%, so a change of a few tenths of a point looks its real size.
        y=alt.Y("value:Q", title=label, axis=alt.Axis(format="%" if percent else ",.0f"),
                scale=alt.Scale(zero=percent)),
        tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("value:Q", format=fmt)],
    )
    rules = alt.Chart(marks).mark_rule(color=PALETTE[5], strokeDash=[4, 3]).encode(
        x=alt.X("year:Q"), tooltip=[alt.Tooltip("event:N")])
    texts = [alt.Chart(marks).transform_filter(alt.datum.align == align).mark_text(
        align=align, dx=3 if align == "left" else -3, color=PALETTE[5], fontSize=10).encode(
        x=alt.X("year:Q"), y=alt.Y("ypix:Q", scale=None), text=alt.Text("event:N"))
        for align in ("left", "right")]
    return finish(alt.layer(line, rules, *texts),
                  title=_title(f"European allies: {label}", source),
                  description=description, height=260)
