"""Charts for claim C2 (flexible alignments): eras, decades and dyad timelines.

Builders take the small tables of :mod:`course.measures.alignment` (one row per era or
decade; for the timeline, alliance *spells* and dispute-years only) and return charts
finished with :func:`course.charts.base.finish`.

Examples
--------
>>> import pandas as pd
>>> eras = pd.DataFrame({"era": ["1816–1913", "1946–1989"], "share_both": [0.04, 0.25],
...     "changes_per_dd": [0.48, 0.50], "formations_per_dd": [0.25, 0.28],
...     "terminations_per_dd": [0.23, 0.21], "dyad_years": [1476, 424],
...     "mean_eff_poles": [4.3, 3.4]})
>>> chart = era_chart(eras, column="share_both")
>>> chart.to_dict()["title"]["text"]
'Allied and in a dispute within the window, by era'
>>> "1946–1989" in describe(chart)
True
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from course.charts.base import (  # noqa: F401
    PALETTE,
    chart_data,
    describe,
    finish,
    label_layers,
    nice_domain,
    with_label_places,
)
from course.errors import InputError
from course.measures.alignment import ERAS, SOURCE

COLUMNS = {
    "share_both": ("Allied and in a dispute within the window, by era",
                   "Share of major-power dyad-years", ".0%"),
    "changes_per_dd": ("Alliance formations and terminations per dyad-decade, by era",
                       "Changes per 10 dyad-years", ".2f"),
    "formations_per_dd": ("Alliance formations per dyad-decade, by era",
                          "Formations per 10 dyad-years", ".2f"),
    "terminations_per_dd": ("Alliance terminations per dyad-decade, by era",
                            "Terminations per 10 dyad-years", ".2f"),
    "share_allied": ("Major-power dyads in a formal alliance, by era",
                     "Share of major-power dyad-years", ".0%"),
    "share_dispute": ("Major-power dyads in a militarized dispute, by era",
                      "Share of major-power dyad-years", ".0%"),
}
#: Short names of the rates, for sentences and titles.
SHORT = {
    "share_both": "competition with cooperation (allied and in a dispute)",
    "changes_per_dd": "alliance turnover (formations and terminations)",
    "formations_per_dd": "alliance formations",
    "terminations_per_dd": "alliance terminations",
    "share_allied": "the share of allied dyads",
    "share_dispute": "the share of dyads in a dispute",
}


def _title(text: str) -> alt.TitleParams:
    return alt.TitleParams(text, subtitle=f"Source: {SOURCE}", anchor="start")

def _done(chart, *, title, description: str, part: bool = False, width: int = 560,
          height: int = 300):
    """Finish a chart, or (``part=True``) return ``(chart, description)`` for a compound chart."""
    if part:
        return chart.properties(title=title, width=width, height=height), description
    return finish(chart, title=title, description=description, width=width, height=height)



def _check(table: pd.DataFrame, columns, builder: str, how: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(f"{builder} needs the columns {missing}; build the table with {how}")
    if table.empty:
        raise InputError(f"{builder}: nothing to draw, the table has no rows")


def _fmt(value: float, fmt: str) -> str:
    return format(value, fmt) if pd.notna(value) else "no data"


def era_chart(eras: pd.DataFrame, *, column: str = "share_both",
              highlight: str | None = None, note: str = "", labels: bool = True,
              part: bool = False) -> alt.Chart:
    """Bars of one rate per era, labelled with the value (and the era's mean effective poles).

    Parameters
    ----------
    eras : DataFrame
        From :func:`course.measures.alignment.era_summary`.
    column : str
        One of :data:`COLUMNS`.
    highlight : str, optional
        An era to draw in full colour; the others are paler.
    note : str
        Settings to append to the description (window, obligation, threshold).
    labels : bool
        Print each bar's value above it (off in the explorer, where speed matters).

    Examples
    --------
    >>> eras = pd.DataFrame({"era": ["a", "b"], "share_both": [0.1, 0.2],
    ...     "changes_per_dd": [0.1, 0.2], "dyad_years": [10, 10]})
    >>> [round(r["value"], 2) for r in chart_data(era_chart(eras, highlight="b"))]
    [0.1, 0.2]
    """
    if column not in COLUMNS:
        raise InputError(f"unknown column {column!r}; pass one of {', '.join(COLUMNS)}")
    _check(eras, ("era", column, "dyad_years"), "era_chart",
           "course.measures.alignment.era_summary")
    title, axis, fmt = COLUMNS[column]
    rows = pd.DataFrame({"era": eras["era"].astype(str),
                         "value": eras[column].astype(float).round(4),
                         "dyad_years": eras["dyad_years"].astype(int)})
    extra = [alt.Tooltip("dyad_years:Q", title="Major-power dyad-years")]
    if "mean_eff_poles" in eras:
        rows["poles"] = eras["mean_eff_poles"].astype(float).round(2)
        extra.append(alt.Tooltip("poles:Q", format=".1f", title="Mean effective poles (C1)"))
    for col in ("formations", "terminations"):
        if col in eras:
            rows[col] = eras[col].astype(int)
            extra.append(alt.Tooltip(f"{col}:Q", title=col.capitalize()))
    rows["label"] = [_fmt(v, fmt) for v in rows["value"]]
    chosen = highlight if highlight in set(rows["era"]) else None
    rows["chosen"] = [chosen is None or era == chosen for era in rows["era"]]
    rows["shade"] = [1.0 if c else 0.35 for c in rows["chosen"]]
    ranked = rows.dropna(subset=["value"]).sort_values("value", ascending=False)
    parts = [f"{r.era} {r.label}" + (f" (mean {r.poles:.1f} effective poles)"
                                     if "poles" in rows and pd.notna(r.poles) else "")
             for r in rows.itertuples()]
    description = (f"Bar chart: {title[0].lower()}{title[1:]}. " + "; ".join(parts) + ". "
                   + (f"Highest: {ranked.iloc[0]['era']}. " if len(ranked) else "")
                   + note).strip()
    order = list(rows["era"])
    bars = alt.Chart(rows).mark_bar(color=PALETTE[0]).encode(
        x=alt.X("era:N", title="Era", sort=order, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=axis, axis=alt.Axis(format=fmt if "%" in fmt else ".1f")),
        opacity=alt.Opacity("shade:Q", scale=None, legend=None),
        tooltip=[alt.Tooltip("era:N"), alt.Tooltip("value:Q", format=fmt, title=axis), *extra],
    )
    if labels:
        bars = alt.layer(bars, bars.mark_text(dy=-6, color=PALETTE[7]).encode(
            text=alt.Text("label:N")))
    return _done(part=part, chart=bars, title=_title(title),
                 description=description, width=420, height=260)


def rates_chart(eras: pd.DataFrame, *, note: str = "", part: bool = False) -> alt.Chart:
    """Grouped bars of formations and terminations per dyad-decade in each era.

    Examples
    --------
    >>> eras = pd.DataFrame({"era": ["a"], "formations_per_dd": [0.2],
    ...                      "terminations_per_dd": [0.1], "dyad_years": [100]})
    >>> sorted(r["event"] for r in chart_data(rates_chart(eras)))
    ['Formations', 'Terminations']
    """
    _check(eras, ("era", "formations_per_dd", "terminations_per_dd", "dyad_years"),
           "rates_chart", "course.measures.alignment.era_summary")
    rows = pd.concat([
        pd.DataFrame({"era": eras["era"].astype(str), "event": "Formations",
                      "rate": eras["formations_per_dd"].astype(float).round(3)}),
        pd.DataFrame({"era": eras["era"].astype(str), "event": "Terminations",
                      "rate": eras["terminations_per_dd"].astype(float).round(3)}),
    ], ignore_index=True)
    parts = [f"{e}: {f:.2f} formations and {t:.2f} terminations"
             for e, f, t in zip(eras["era"], eras["formations_per_dd"],
                                eras["terminations_per_dd"], strict=True)]
    description = ("Grouped bar chart of alliance formations and terminations among the "
                   "major powers per dyad-decade (10 dyad-years), by era. "
                   + "; ".join(parts) + ". " + note).strip()
    order = list(eras["era"].astype(str))
    chart = alt.Chart(rows).mark_bar().encode(
        x=alt.X("era:N", title="Era", sort=order, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("event:N"),
        y=alt.Y("rate:Q", title="Events per 10 dyad-years"),
        color=alt.Color("event:N", title=None,
                        scale=alt.Scale(domain=["Formations", "Terminations"],
                                        range=[PALETTE[2], PALETTE[5]])),
        tooltip=[alt.Tooltip("era:N"), alt.Tooltip("event:N"),
                 alt.Tooltip("rate:Q", format=".2f", title="Per dyad-decade")],
    )
    title = _title("Alliance formations and terminations among the major powers, by era")
    return _done(part=part, chart=chart, title=title, description=description,
                 width=420, height=260)


def decade_chart(decades: pd.DataFrame, *, column: str = "share_both",
                 correlation: float | None = None, note: str = "", part: bool = False) -> alt.Chart:
    """Scatter of decades: mean effective number of poles (C1) against a C2 rate.

    Each point is a decade, labelled; a positive slope would support the essay's
    "the more bipolar a system is, the more these sorts of relationships are unlikely".

    Examples
    --------
    >>> d = pd.DataFrame({"decade": [1900, 1950], "mean_eff_poles": [5.0, 3.0],
    ...                   "share_both": [0.02, 0.2], "dyad_years": [280, 100]})
    >>> len(chart_data(decade_chart(d)))
    2
    """
    if column not in COLUMNS:
        raise InputError(f"unknown column {column!r}; pass one of {', '.join(COLUMNS)}")
    _check(decades, ("decade", "mean_eff_poles", column, "dyad_years"), "decade_chart",
           "course.measures.alignment.decade_summary")
    _, axis, fmt = COLUMNS[column]
    rows = pd.DataFrame({"decade": decades["decade"].astype(int),
                         "poles": decades["mean_eff_poles"].astype(float).round(3),
                         "value": decades[column].astype(float).round(4),
                         "dyad_years": decades["dyad_years"].astype(int)}).dropna()
    if rows.empty:
        raise InputError("decade_chart: no decade has both polarity and alignment data")
    rows["label"] = rows["decade"].astype(str) + "s"
    top = rows.sort_values("value", ascending=False).iloc[0]
    description = (
        f"Scatter plot of {len(rows)} decades: mean effective number of major-power poles "
        f"(x) against {SHORT[column]} (y, {axis.lower()}). "
        f"The highest value is the {top['label']} ({_fmt(top['value'], fmt)} at "
        f"{top['poles']:.1f} poles)."
        + (f" Spearman rank correlation {correlation:+.2f}." if correlation is not None else "")
        + (" " + note if note else "")
    )
    width, height = 460, 300
    x_domain = nice_domain(rows["poles"])
    y_domain = nice_domain(rows["value"], zero=True)
    rows = with_label_places(rows, x="poles", y="value", label="label", x_domain=x_domain,
                             y_domain=y_domain, width=width, height=height)
    base = alt.Chart(rows).encode(
        x=alt.X("poles:Q", title="Mean effective number of poles (CINC)",
                scale=alt.Scale(domain=x_domain, nice=False, zero=False)),
        y=alt.Y("value:Q", title=axis, axis=alt.Axis(format=fmt if "%" in fmt else ".1f"),
                scale=alt.Scale(domain=y_domain, nice=False)),
        tooltip=[alt.Tooltip("label:N", title="Decade"),
                 alt.Tooltip("poles:Q", format=".2f", title="Effective poles"),
                 alt.Tooltip("value:Q", format=fmt, title=axis),
                 alt.Tooltip("dyad_years:Q", title="Dyad-years")],
    )
    points = base.mark_circle(size=70, color=PALETTE[0])
    chart = alt.layer(points, *label_layers(base, x="poles", label="label",
                                            colour=PALETTE[7]))
    title = _title(f"Decades: effective poles and {SHORT[column]}")
    return _done(part=part, chart=chart, title=title,
                 description=description, width=width, height=height)


def timeline_chart(panel: pd.DataFrame, *, start: int | None = None,
                   end: int | None = None, note: str = "", part: bool = False) -> alt.Chart:
    """For each major-power dyad: bars for allied spells, marks for dispute years.

    Parameters
    ----------
    panel : DataFrame
        From :func:`course.measures.alignment.dyad_panel` (``year, dyad, allied, dispute``).
        It is compressed to alliance spells and dispute-years before charting.

    Examples
    --------
    >>> p = pd.DataFrame({"year": [1900, 1901, 1902], "dyad": ["UKG–FRN"] * 3,
    ...     "allied": [True, True, False], "dispute": [False, False, True]})
    >>> sorted(r.get("kind") for r in chart_data(timeline_chart(p)))
    ['Allied', 'Dispute']
    >>> timeline_chart(p).to_dict()["title"]["subtitle"][-1]
    'Codes: FRN France, UKG United Kingdom'
    """
    _check(panel, ("year", "dyad", "allied", "dispute"), "timeline_chart",
           "course.measures.alignment.dyad_panel")
    p = panel
    if start is not None:
        p = p[p["year"] >= start]
    if end is not None:
        p = p[p["year"] <= end]
    if p.empty:
        raise InputError("timeline_chart: no major-power dyad-years in these years")
    p = p.sort_values(["dyad", "year"])
    spells = []
    for dyad, rows_d in p[p["allied"]].groupby("dyad"):
        years = rows_d["year"].to_numpy()
        begin = prev = int(years[0])
        for y in years[1:]:
            if y != prev + 1:
                spells.append((dyad, begin, prev + 1))
                begin = int(y)
            prev = int(y)
        spells.append((dyad, begin, prev + 1))
    allied = pd.DataFrame(spells, columns=["dyad", "from", "to"]).assign(kind="Allied")
    allied["years"] = allied["to"] - allied["from"]
    fights = p[p["dispute"].astype(bool)][["dyad", "year"]].assign(kind="Dispute")
    first, last = int(p["year"].min()), int(p["year"].max())
    both = p[p["allied"] & p["dispute"].astype(bool)]
    description = (
        f"Timeline of {p['dyad'].nunique()} major-power dyads, {first} to {last}: bars are "
        f"years in a formal alliance ({len(allied)} spells), ticks are years with a "
        f"militarized dispute ({len(fights)} dyad-years); {len(both)} dyad-years have both "
        f"in the same year. " + note).strip()
    order = sorted(p["dyad"].unique())
    y = alt.Y("dyad:N", title=None, sort=order)
    bars = alt.Chart(allied).mark_bar(color=PALETTE[2], opacity=0.7, height=9).encode(
        x=alt.X("from:Q", title="Year", axis=alt.Axis(format="d"),
                scale=alt.Scale(domain=[first, last + 1])),
        x2=alt.X2("to:Q"), y=y,
        tooltip=[alt.Tooltip("dyad:N"), alt.Tooltip("from:Q", format="d", title="Allied from"),
                 alt.Tooltip("to:Q", format="d", title="until (exclusive)"),
                 alt.Tooltip("years:Q", title="Years")],
    )
    ticks = alt.Chart(fights).mark_tick(color=PALETTE[5], thickness=2).encode(
        x=alt.X("year:Q"), y=y,
        tooltip=[alt.Tooltip("dyad:N"), alt.Tooltip("year:Q", format="d", title="Dispute in")],
    )
    height = max(120, 16 * len(order))
    from course.charts.polarity import codes_note  # COW codes, named for the reader

    title = _title(f"Alliances (bars) and disputes (ticks) of the major powers, "
                   f"{first}–{last}")
    codes = codes_note(code for dyad in order for code in str(dyad).split("–"))
    return _done(part=part, chart=alt.layer(bars, ticks),
                  title=alt.TitleParams(title.text, subtitle=[title.subtitle, codes],
                                        anchor="start"),
                  description=description, width=560, height=height)


__all__ = ["COLUMNS", "ERAS", "decade_chart", "era_chart", "rates_chart", "timeline_chart"]
