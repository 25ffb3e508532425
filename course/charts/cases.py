"""Charts of the out-of-area case tables (lesson 05): stated shares and ISAF troops.

Every bar is one cited row: its id and source are in the tooltip, and rows that
disagree are drawn side by side, never averaged.

Examples
--------
>>> import pandas as pd
>>> from course.measures.cases import share_rows
>>> t = pd.DataFrame({"id": ["X1"], "operation": "op", "as_of": "2011",
...     "nation": ["United States"], "metric": ["share_of_all_sorties"],
...     "value": ["a quarter"], "value_qualifier": [""], "unit": ["share"],
...     "source": ["S"], "source_url": ["u"]})
>>> "25%" in describe(shares_chart(share_rows(t, "Libya 2011")))
True
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from course.charts.base import PALETTE, describe, finish
from course.errors import InputError

__all__ = ["CASES_SOURCE", "describe", "isaf_chart", "shares_chart"]

CASES_SOURCE = ("course case tables (one cited public source per bar: see the tooltip "
                "and the id column)")


def _title(text: str, source: str) -> alt.TitleParams:
    """Title with the source as subtitle, one line per "; "-separated part if it is long."""
    line = f"Source: {source}"
    lines = [line] if len(line) <= 95 else ["Sources: " + source.split("; ")[0]] + [
        part for part in source.split("; ")[1:]]
    return alt.TitleParams(text=text, subtitle=lines, anchor="start")


def shares_chart(shares: pd.DataFrame, title: str = "Shares as the sources state them"):
    """Horizontal bars: one per stated share, labelled with nation, metric and row id.

    Parameters
    ----------
    shares : DataFrame
        From :func:`course.measures.cases.share_rows` (one or several cases concatenated).
    title : str
        Chart title.
    """
    need = ["case", "id", "nation", "metric", "stated", "share_pct", "from_words", "source"]
    if not isinstance(shares, pd.DataFrame) or any(c not in shares.columns for c in need):
        raise InputError(f"shares_chart needs the table from share_rows() (columns {need})")
    data = shares.dropna(subset=["share_pct"]).copy()
    if data.empty:
        raise InputError("shares_chart: no numeric or word shares to draw")
    data["label"] = (data["nation"].str.slice(0, 34) + " · "
                     + data["metric"].str.replace("share_of_", "", regex=False)
                     .str.replace("_pct", "", regex=False).str.replace("_", " ")
                     + " (" + data["id"] + ")")
    data["share_pct"] = data["share_pct"].round(1)
    data["how"] = data["from_words"].map({True: "stated in words", False: "stated as a number"})
    data["source"] = data["source"].str.slice(0, 120)
    data = data[["case", "label", "share_pct", "stated", "how", "value_qualifier", "source",
                 "id"]]
    us = data[data["label"].str.startswith("United States · all sorties")]
    parts = [f"{len(data)} stated shares from {data['case'].nunique()} case(s)"]
    if len(us):
        parts.append(f"the US share of all sorties is given as {us['share_pct'].iloc[0]:.0f}%")
    description = ("Bar chart of " + "; ".join(parts) + ". Each bar is one cited figure; "
                   "shares stated in words are drawn at their plain value and marked.")
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=420)),
        x=alt.X("share_pct:Q", title="share (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("case:N", title=None, scale=alt.Scale(range=[PALETTE[0], PALETTE[1]]),
                        legend=alt.Legend(orient="top")),
        opacity=alt.Opacity("how:N", scale=alt.Scale(domain=["stated as a number",
                                                             "stated in words"],
                                                     range=[1.0, 0.5]),
                            legend=alt.Legend(orient="top", title=None)),
        tooltip=["id:N", "case:N", "label:N", "stated:N", "how:N",
                 alt.Tooltip("value_qualifier:N", title="qualifier"), "source:N"],
    )
    return finish(chart, title=_title(title, CASES_SOURCE), description=description,
                  height=max(120, 18 * len(data)))


def isaf_chart(relative: pd.DataFrame, basis: str = "population") -> alt.Chart:
    """Bars of ISAF troops per nation relative to population or GDP, on one date.

    Parameters
    ----------
    relative : DataFrame
        From :func:`course.measures.cases.isaf_relative`.
    basis : {"population", "gdp", "troops"}
        Troops per million inhabitants, per 10 billion (2011) dollars of GDP, or raw troops.
    """
    columns = {"population": ("troops_per_million", "ISAF troops per million inhabitants"),
               "gdp": ("troops_per_10bn_gdp", "ISAF troops per $10 bn of GDP (2011 US$)"),
               "troops": ("troops", "ISAF troops")}
    if basis not in columns:
        raise InputError(f"basis must be one of {list(columns)}, got {basis!r}")
    column, label = columns[basis]
    if not isinstance(relative, pd.DataFrame) or column not in relative.columns:
        raise InputError("isaf_chart needs the table from isaf_relative()")
    data = relative.dropna(subset=[column]).copy()
    if data.empty:
        raise InputError("isaf_chart: no nation has both troops and population/GDP data")
    data = data[list(dict.fromkeys(["id", "as_of", "nation", "troops", column, "source"]))].copy()
    data[column] = data[column].astype(float).round(2)
    data["source"] = data["source"].str.slice(0, 120)
    data = data.sort_values(column, ascending=False)
    top, bottom = data.iloc[0], data.iloc[-1]
    us = data[data["nation"] == "United States"]
    us_rank = (int(data.reset_index(drop=True).index[data["nation"].to_numpy()
                                                      == "United States"][0]) + 1
               if len(us) else None)
    description = (f"Bar chart of {label[0].lower() + label[1:]} for {len(data)} nations on "
                   f"{data['as_of'].iloc[0]}: highest {top['nation']} ({top[column]:,.1f}), "
                   f"lowest {bottom['nation']} ({bottom[column]:,.1f})"
                   + (f"; the United States ranks {us_rank} of {len(data)}." if us_rank
                      else "."))
    chart = alt.Chart(data).mark_bar(color=PALETTE[2]).encode(
        y=alt.Y("nation:N", sort="-x", title=None),
        x=alt.X(f"{column}:Q", title=label),
        color=alt.condition(alt.datum.nation == "United States", alt.value(PALETTE[1]),
                            alt.value(PALETTE[2])),
        tooltip=["nation:N", "id:N", "as_of:N", alt.Tooltip("troops:Q", format=","),
                 alt.Tooltip(f"{column}:Q", format=",.1f"), "source:N"],
    )
    return finish(chart, title=_title(f"Afghanistan: {label}",
                                      "ISAF figures from the course case table (per row "
                                      "source in tooltip); population and GDP: Maddison "
                                      "Project Database 2020"),
                  description=description, height=max(120, 20 * len(data)))
