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

__all__ = ["CASES_SOURCE", "SIDES", "describe", "isaf_chart", "share_side", "shares_chart"]

CASES_SOURCE = ("course case tables (one cited public source per bar: see the tooltip "
                "and the id column)")


def _title(text: str, source: str) -> alt.TitleParams:
    """Title with the source as subtitle, one line per "; "-separated part if it is long."""
    line = f"Source: {source}"
    lines = [line] if len(line) <= 95 else ["Sources: " + source.split("; ")[0]] + [
        part for part in source.split("; ")[1:]]
    return alt.TitleParams(text=text, subtitle=lines, anchor="start")


#: Whose share a bar is, in the order the panels are drawn.
SIDES = ("The United States", "Allies without the US", "All of NATO, US included")


def share_side(nation: str) -> str:
    """Which panel a stated share belongs to: the US, the allies, or NATO as a whole.

    Examples
    --------
    >>> [share_side(n) for n in ["United States (US Air Force only)", "France + United Kingdom",
    ...                          "All non-US participants", "NATO (incl. US)"]]
    ['The United States', 'Allies without the US', 'Allies without the US', \
'All of NATO, US included']
    """
    if nation.startswith("United States"):
        return SIDES[0]
    if "incl. US" in nation or "including the US" in nation:
        return SIDES[2]
    return SIDES[1]


def shares_chart(shares: pd.DataFrame, title: str = "Shares as the sources state them"):
    """Horizontal bars, one per stated share, in panels: the US's shares, the allies'.

    Every bar is labelled with who, what (metric) and the row id; a share the source
    states in words ("a quarter") is drawn paler at its plain value, and the label says so.

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
    words = data["from_words"].astype(bool)
    data["label"] = (data["nation"].str.slice(0, 34) + " · "
                     + data["metric"].str.replace("share_of_", "", regex=False)
                     .str.replace("_pct", "", regex=False).str.replace("_", " ")
                     + " (" + data["id"] + words.map({True: ", in words", False: ""}) + ")")
    data["share_pct"] = data["share_pct"].round(1)
    data["how"] = words.map({True: "stated in words", False: "stated as a number"})
    data["shade"] = words.map({True: 0.45, False: 1.0})
    data["side"] = data["nation"].map(share_side)
    data["source"] = data["source"].str.slice(0, 120)
    data = data[["case", "side", "label", "share_pct", "stated", "how", "shade",
                 "value_qualifier", "source", "id"]]
    us = data[data["label"].str.startswith("United States · all sorties")]
    sides = [side for side in SIDES if side in set(data["side"])]
    counts = data["side"].value_counts()
    parts = [f"{len(data)} stated shares from {data['case'].nunique()} case(s): "
             + ", ".join(f"{counts[side]} for {side[0].lower() + side[1:]}" for side in sides)]
    if len(us):
        parts.append(f"the US share of all sorties is given as {us['share_pct'].iloc[0]:.0f}%")
    description = ("Bar chart of " + "; ".join(parts) + ". Each bar is one cited figure; "
                   "shares stated in words are drawn paler at their plain value.")
    cases = list(dict.fromkeys(data["case"]))
    panels = []
    for side in sides:
        rows = data[data["side"] == side]
        panels.append(alt.Chart(rows).mark_bar().encode(
            # The same label width in every panel, so the bars start at the same place.
            y=alt.Y("label:N", sort=None, title=None,
                    axis=alt.Axis(labelLimit=420, minExtent=330)),
            x=alt.X("share_pct:Q", title="share (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("case:N", title=None,
                            scale=alt.Scale(domain=cases, range=PALETTE[:len(cases)]),
                            legend=alt.Legend(orient="top") if len(cases) > 1 else None),
            opacity=alt.Opacity("shade:Q", scale=None, legend=None),
            tooltip=[*(alt.Tooltip(f"{name}:N")
                       for name in ("id", "case", "label", "stated", "how")),
                     alt.Tooltip("value_qualifier:N", title="qualifier"),
                     alt.Tooltip("source:N")],
        ).properties(title=alt.TitleParams(f"{side}: {len(rows)} stated "
                                           f"share{'s' if len(rows) != 1 else ''}",
                                           anchor="start", fontSize=12),
                     width=400, height=18 * len(rows)))
    chart = alt.vconcat(*panels, spacing=18).resolve_scale(x="shared")
    note = ("paler bars and \"in words\": the source gives the share in words "
            "(\"a quarter\"), drawn at that value")
    heading = alt.TitleParams(title, subtitle=[f"Source: {CASES_SOURCE}", note],
                              anchor="start")
    return finish(chart, title=heading, description=description, width=820)


def isaf_chart(relative: pd.DataFrame, basis: str = "population") -> alt.Chart:
    """Bars of ISAF troops per nation relative to population or GDP, on one date.

    When the table adds the US forces outside ISAF (``isaf_relative(...,
    with_outside_isaf=True)`` on a date a source states them), the title and the axis
    say so, and a line under the title says how many were added and from which row.

    Parameters
    ----------
    relative : DataFrame
        From :func:`course.measures.cases.isaf_relative`.
    basis : {"population", "gdp", "troops"}
        Troops per million inhabitants, per 10 billion (2011) dollars of GDP, or raw troops.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"id": ["I1", "I2"], "as_of": "2008-06-03",
    ...     "nation": ["United States", "Denmark"], "troops": [37550.0, 700.0],
    ...     "troops_per_million": [123.0, 127.3], "source": "S",
    ...     "outside_isaf": [14000, 0], "outside_id": ["I1", None]})
    >>> spec = isaf_chart(rows).to_dict()
    >>> spec["title"]["text"]
    'Afghanistan: troops per million inhabitants, 3 June 2008'
    >>> spec["title"]["subtitle"][-1]
    'US: ISAF and 14,000 troops outside ISAF (row I1); other nations: ISAF only'
    """
    from course.measures.cases import date_label

    if not isinstance(relative, pd.DataFrame):
        raise InputError("isaf_chart needs the table from isaf_relative()")
    outside = (relative[relative["outside_isaf"].fillna(0) > 0]
               if "outside_isaf" in relative.columns else relative.iloc[0:0])
    troops = "troops" if len(outside) else "ISAF troops"
    columns = {"population": ("troops_per_million", f"{troops} per million inhabitants"),
               "gdp": ("troops_per_10bn_gdp", f"{troops} per $10 bn of GDP (2011 US$)"),
               "troops": ("troops", troops)}
    if basis not in columns:
        raise InputError(f"basis must be one of {list(columns)}, got {basis!r}")
    column, label = columns[basis]
    if column not in relative.columns:
        raise InputError("isaf_chart needs the table from isaf_relative()")
    data = relative.dropna(subset=[column]).copy()
    if data.empty:
        raise InputError("isaf_chart: no nation has both troops and population/GDP data")
    data = data[list(dict.fromkeys(["id", "as_of", "nation", "troops", column, "source"]))].copy()
    data[column] = data[column].astype(float).round(2)
    data["source"] = data["source"].str.slice(0, 120)
    data = data.sort_values(column, ascending=False)
    # Troops are counted in whole soldiers; relative figures get one decimal.
    number = ",.0f" if basis == "troops" else ",.1f"
    top, bottom = data.iloc[0], data.iloc[-1]
    us = data[data["nation"] == "United States"]
    us_rank = (int(data.reset_index(drop=True).index[data["nation"].to_numpy()
                                                      == "United States"][0]) + 1
               if len(us) else None)
    description = (f"Bar chart of {label[0].lower() + label[1:]} for {len(data)} nations on "
                   f"{data['as_of'].iloc[0]}: highest {top['nation']} "
                   f"({top[column]:{number}}), lowest {bottom['nation']} "
                   f"({bottom[column]:{number}})"
                   + (f"; the United States ranks {us_rank} of {len(data)}." if us_rank
                      else "."))
    axis_title = label if not len(outside) else f"{label} (US: ISAF and outside ISAF)"
    chart = alt.Chart(data).mark_bar(color=PALETTE[2]).encode(
        y=alt.Y("nation:N", sort="-x", title=None),
        # Six ticks at most: eleven ("0" to "100,000") put the last two labels together.
        x=alt.X(f"{column}:Q", title=axis_title, axis=alt.Axis(tickCount=6),
                scale=alt.Scale(nice=6)),
        color=alt.condition(alt.datum.nation == "United States", alt.value(PALETTE[1]),
                            alt.value(PALETTE[2])),
        tooltip=[alt.Tooltip("nation:N"), alt.Tooltip("id:N"), alt.Tooltip("as_of:N"),
                 alt.Tooltip("troops:Q", format=","),
                 alt.Tooltip(f"{column}:Q", format=number), alt.Tooltip("source:N")],
    )
    title = _title(f"Afghanistan: {label}, {date_label(data['as_of'].iloc[0])}",
                   "ISAF figures from the course case table (per row source in tooltip); "
                   "population and GDP: Maddison Project Database 2020")
    if len(outside):
        added = ", ".join(f"{int(n):,} troops outside ISAF (row {i})"
                          for n, i in zip(outside["outside_isaf"], outside["outside_id"],
                                          strict=True))
        title = alt.TitleParams(title.text, subtitle=[*title.subtitle,
                                                      f"US: ISAF and {added}; other "
                                                      "nations: ISAF only"], anchor="start")
    return finish(chart, title=title, description=description,
                  height=max(120, 20 * len(data)))
