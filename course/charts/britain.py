"""Charts for lesson 03: Britain's disputes, capabilities and alliances, 1870-1914.

Each builder takes the small table a function of :mod:`course.measures.britain`
returns, and gives back a finished chart (:func:`course.charts.base.finish`): a title
with the data source as subtitle, a text description computed from the same table,
the course palette (each power keeps its colour), and tooltips.

Examples
--------
>>> from course.measures import britain
>>> from course.charts.base import describe
>>> import pandas as pd
>>> table = pd.DataFrame({"period": ["1870–1904"] * 2, "start": [1870] * 2,
...     "end": [1904] * 2, "ccode": [220, 255], "opponent": ["France", "Germany"],
...     "disputes": [5, 2], "max_hostility": pd.array([4, 4], dtype="Int64"),
...     "uses_of_force": [2, 2], "wars": [0, 0], "started": ["", ""]})
>>> describe(disputes_chart(table))
"Britain's militarized disputes that started in 1870–1904: France 5, Germany 2 (most: France)."
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from course.charts.base import POWER_COLOURS, finish, year_axis
from course.errors import InputError
from course.measures import britain

SOURCES = {
    "disputes": "Source: dyadic MID 4.02 (Maoz et al. 2019); dates of crises: case_events "
                "(EB1911, Wikipedia; see its source column).",
    "capabilities": "Source: COW National Material Capabilities 6.0 (Singer, Bremer & "
                    "Stuckey 1972).",
    "naval_tonnage": "Source: Crisher & Souva (2014), Power at Sea (unofficial copy).",
    "gdp": "Source: Maddison Project Database 2020 (Bolt & van Zanden 2020).",
    "case_prewar_naval": "Source: Nock (1922), The Myth of a Guilty Nation, p. 24 "
                         "(polemical; see case_prewar_naval).",
    "alliances": "Source: ATOP 5.1 (Leeds et al. 2002); treaty dates: case_events.",
}

HOSTILITY_LABELS = {level: f"{level} {name}" for level, name in britain.HOSTILITY.items()}


def _title(text: str, source: str) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=[source], subtitleFontSize=10,
                           anchor="start")


def _power_scale(names: list[str]) -> alt.Scale:
    """Colours for power names ('Britain', 'Germany', ...) that match the course palette."""
    codes = {britain.state_name(code): code for code in britain.NAMES}
    colours = []
    spare = iter(["#999999", "#777777", "#555555", "#333333"])
    for name in names:
        abbr = britain.ABBREVIATIONS.get(codes.get(name, -1))
        colours.append(POWER_COLOURS.get(abbr) or next(spare, "#777777"))
    return alt.Scale(domain=names, range=colours)


def _need(table: pd.DataFrame, columns: list[str], what: str) -> None:
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise InputError(f"nothing to chart: the {what} table is empty")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(f"the {what} table lacks columns {missing}; pass the output of "
                         f"course.measures.britain")


# ------------------------------------------------------------------ C3: disputes


def disputes_chart(table: pd.DataFrame, min_hostility: int = 1):
    """Bars: Britain's disputes with each opponent, one panel per period.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`course.measures.britain.disputes_by_period`.
    min_hostility : int
        The threshold used, named in the title.
    """
    _need(table, ["period", "opponent", "disputes", "max_hostility", "started"], "disputes")
    data = table[["period", "opponent", "disputes", "max_hostility", "uses_of_force",
                  "started"]].copy()
    data["opponent"] = data["opponent"].astype(str)
    data["max_hostility"] = data["max_hostility"].map(
        lambda v: HOSTILITY_LABELS.get(int(v), str(v)) if pd.notna(v) else "none")
    opponents = list(dict.fromkeys(data["opponent"]))
    parts = []
    for period, rows in data.groupby("period", sort=False):
        counts = ", ".join(f"{r.opponent} {r.disputes}" for r in rows.itertuples())
        top = rows[rows["disputes"] == rows["disputes"].max()]
        most = ("none" if rows["disputes"].max() == 0
                else " and ".join(top["opponent"]))
        parts.append(f"that started in {period}: {counts} (most: {most})")
    level = "" if min_hostility <= 1 else \
        f" reaching at least hostility level {min_hostility} ({britain.HOSTILITY[min_hostility]})"
    description = f"Britain's militarized disputes{level} " + "; ".join(parts) + "."
    top = max(1, int(data["disputes"].max()))
    title = "Britain's militarized disputes by opponent and period"
    if min_hostility > 1:
        title += f" (hostility ≥ {min_hostility})"
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("opponent:N", sort=opponents, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("disputes:Q", title="distinct disputes",
                scale=alt.Scale(domain=[0, top]),
                axis=alt.Axis(values=list(range(0, top + 1)), format="d")),
        color=alt.Color("opponent:N", scale=_power_scale(opponents), legend=None),
        column=alt.Column("period:N", title=None, sort=list(dict.fromkeys(data["period"]))),
        tooltip=[alt.Tooltip("period:N"), alt.Tooltip("opponent:N"),
                 alt.Tooltip("disputes:Q", title="disputes"),
                 alt.Tooltip("max_hostility:N", title="highest hostility"),
                 alt.Tooltip("uses_of_force:Q", title="reached use of force"),
                 alt.Tooltip("started:N", title="start years")],
    )
    return finish(chart, title=_title(title, SOURCES["disputes"]), description=description,
                  width=190, height=200)


def disputes_timeline_chart(listed: pd.DataFrame, crises: pd.DataFrame | None = None,
                            start: int = 1870, end: int = 1914):
    """Each dispute as a bar from its start to its end year, coloured by hostility,
    with the dated crises marked.

    Parameters
    ----------
    listed : DataFrame
        Output of :func:`course.measures.britain.britain_disputes`.
    crises : DataFrame, optional
        Output of :func:`course.measures.britain.crises_in_mid`.
    """
    _need(listed, ["disno", "opponent", "strtyr", "endyear", "hihost"], "disputes")
    data = listed[["disno", "opponent", "strtyr", "endyear", "hihost"]].copy()
    data["opponent"] = data["opponent"].astype(str)
    data["end_bar"] = data["endyear"].clip(upper=end).astype(int) + 1
    data["strtyr"] = data["strtyr"].astype(int)
    data["hostility"] = data["hihost"].map(lambda v: HOSTILITY_LABELS[int(v)])
    data = data.drop(columns=["hihost", "endyear"]).assign(endyear=listed["endyear"].astype(int))
    opponents = list(dict.fromkeys(data["opponent"]))
    levels = [HOSTILITY_LABELS[level] for level in range(1, 6)]
    bars = alt.Chart(data).mark_bar(height=14, stroke="white").encode(
        x=alt.X("strtyr:Q", title="year", scale=alt.Scale(domain=[start, end + 1]),
                axis=alt.Axis(format="d")),
        x2=alt.X2("end_bar:Q"),
        y=alt.Y("opponent:N", sort=opponents, title=None),
        color=alt.Color("hostility:N", scale=alt.Scale(
            domain=levels, range=["#cccccc", "#F0E442", "#E69F00", "#D55E00", "#000000"]),
            title="highest hostility"),
        tooltip=[alt.Tooltip("disno:Q", title="dispute"), alt.Tooltip("opponent:N"),
                 alt.Tooltip("strtyr:Q", title="start", format="d"),
                 alt.Tooltip("endyear:Q", title="end", format="d"),
                 alt.Tooltip("hostility:N", title="highest hostility")],
    )
    counts = data.groupby("opponent", sort=False).size()
    description = (f"{len(data)} militarized disputes between Britain and "
                   + ", ".join(f"{name} ({n})" for name, n in counts.items())
                   + f" that started in {start}–{end}, drawn from start to end year.")
    layers = [bars]
    if crises is not None and len(crises):
        marks = crises[["event", "date", "opponent", "in_mid"]].copy()
        marks["year"] = marks["date"].str[:4].astype(int) + 0.5
        marks["opponent"] = marks["opponent"].astype(str)
        marks["label"] = marks["event"].str.split(" ").str[0]
        marks["in dispute data"] = marks["in_mid"].map({True: "yes", False: "no"})
        marks = marks.drop(columns=["in_mid"])
        base = alt.Chart(marks).encode(x=alt.X("year:Q"), y=alt.Y("opponent:N", sort=opponents))
        layers.append(base.mark_point(shape="diamond", size=120, filled=True,
                                      color="#0072B2").encode(
            tooltip=[alt.Tooltip("event:N"), alt.Tooltip("date:N"),
                     alt.Tooltip("in dispute data:N")]))
        layers.append(base.mark_text(dy=-14, fontSize=10).encode(text=alt.Text("label:N")))
        found = marks.loc[marks["in dispute data"] == "yes", "label"].tolist()
        description += (f" Diamonds mark the crises ({', '.join(marks['label'])}); "
                        f"{len(found)} of {len(marks)} match a dispute starting the same year.")
    chart = alt.layer(*layers)
    return finish(chart, title=_title("Britain's disputes with its rivals, start to end",
                                      SOURCES["disputes"]),
                  description=description, height=max(120, 45 * len(opponents)))


# ------------------------------------------------------------------ C4: capabilities


def capability_chart(series: pd.DataFrame, measure: str, crossings: list | None = None):
    """Lines: one capability measure per power, with the years rivals passed Britain.

    Parameters
    ----------
    series : DataFrame
        Output of :func:`course.measures.britain.measure_series`.
    measure : str
        The measure's key (for labels, unit and source).
    crossings : list of Crossover, optional
        From :func:`course.measures.britain.crossover`; passes are marked with rules.
    """
    _need(series, ["year", "power", "value"], "capability")
    spec = britain.MEASURES[measure]
    data = series[["year", "power", "value"]].copy()
    data["power"] = data["power"].astype(str)
    powers = list(dict.fromkeys(
        [p for p in ["Britain"] if p in set(data["power"])] + sorted(set(data["power"]))))
    # A share (CINC, share of world naval tonnage) reads as a percentage and needs no unit
    # beside a label that already says "share"; other measures name their unit.
    share = spec.unit.startswith("share of")
    axis_title = spec.label if share and "share" in spec.label else f"{spec.label} ({spec.unit})"
    lines = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=12)).encode(
        x=alt.X("year:Q", axis=year_axis(), title="year",
                scale=alt.Scale(nice=False, zero=False)),  # no 1915 after 1914 data
        y=alt.Y("value:Q", title=axis_title[0].upper() + axis_title[1:],
                axis=alt.Axis(format=".0%") if share else alt.Axis()),
        color=alt.Color("power:N", scale=_power_scale(powers), title="power"),
        tooltip=[alt.Tooltip("power:N"), alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("value:Q", title=spec.label,
                             format=".1%" if share else ",.4~g")],
    )
    first, last = int(data["year"].min()), int(data["year"].max())
    at_end = data[data["year"] == last].sort_values("value", ascending=False)
    description = (f"{spec.label[0].upper() + spec.label[1:]} of {', '.join(powers)}, "
                   f"{first}–{last}. In {last} the order is "
                   + ", ".join(at_end["power"]) + ".")
    layers = [lines]
    passes = [c for c in (crossings or []) if c.year is not None]
    if crossings:
        description += " " + " ".join(c.sentence() for c in crossings)
    if passes:
        rules = pd.DataFrame({"year": [c.year for c in passes],
                              "who": [britain.state_name(c.challenger) for c in passes],
                              "text": [f"{britain.state_name(c.challenger)} passes "
                                       f"{britain.state_name(c.leader)}" for c in passes]})
        rule = alt.Chart(rules).encode(x=alt.X("year:Q"))
        layers.append(rule.mark_rule(strokeDash=[4, 3], color="#555555").encode(
            tooltip=[alt.Tooltip("text:N", title="crossover"),
                     alt.Tooltip("year:Q", format="d")]))
        layers.append(rule.mark_text(angle=270, align="right", baseline="bottom", dy=-3,
                                     y=5, fontSize=10, color="#555555").encode(
                                         text=alt.Text("text:N")))
    if spec.note:
        description += f" Note: {spec.note}"
    title = _title(f"{spec.label[0].upper() + spec.label[1:]}: Britain and its rivals, "
                   f"{first}–{last}", SOURCES[spec.table])
    return finish(alt.layer(*layers), title=title, description=description)


def rank_chart(ranks: pd.DataFrame):
    """Heat map: Britain's rank among the powers on each measure, year by year.

    Parameters
    ----------
    ranks : DataFrame
        Columns measure (label), year, rank, leader - e.g. several
        :func:`course.measures.britain.britain_rank` tables stacked with a measure column.
    """
    _need(ranks, ["measure", "year", "rank", "leader"], "rank")
    data = ranks[["measure", "year", "rank", "leader"]].copy()
    data["rank"] = data["rank"].astype(int)
    data["leader"] = data["leader"].astype(str)
    measures = list(dict.fromkeys(data["measure"]))
    parts = []
    for label in measures:
        rows = data[data["measure"] == label].sort_values("year")
        lost = rows[rows["rank"] > 1]
        if lost.empty:
            parts.append(f"{label}: first in every year")
        else:
            parts.append(f"{label}: first until {int(lost['year'].iloc[0]) - 1}"
                         if rows["rank"].iloc[0] == 1 else f"{label}: not first in "
                         f"{int(rows['year'].iloc[0])}")
            parts[-1] += f", rank {int(rows['rank'].iloc[-1])} in {int(rows['year'].iloc[-1])}"
    chart = alt.Chart(data).mark_rect().encode(
        x=alt.X("year:O", title="year", axis=alt.Axis(values=list(range(1870, 1915, 5)))),
        y=alt.Y("measure:N", sort=measures, title=None),
        color=alt.Color("rank:O", title="Britain's rank",
                        scale=alt.Scale(domain=[1, 2, 3, 4, 5],
                                        range=["#0072B2", "#56B4E9", "#E69F00", "#D55E00",
                                               "#000000"])),
        tooltip=[alt.Tooltip("measure:N"), alt.Tooltip("year:O"),
                 alt.Tooltip("rank:Q", title="Britain's rank"),
                 alt.Tooltip("leader:N", title="first power")],
    )
    description = ("Britain's rank among Britain, Germany, France, Russia and the United "
                   "States. " + "; ".join(parts) + ".")
    by_label = {m.label: m.table for m in britain.MEASURES.values()}
    tables = list(dict.fromkeys(by_label.get(label, "capabilities") for label in measures))
    return finish(chart, title=_title("Was Britain still first? Its rank, measure by measure",
                                      " ".join(SOURCES[t] for t in tables)),
                  description=description, height=30 * len(measures) + 20)


# ------------------------------------------------------------------ C5: alliances


def alliance_chart(timeline: pd.DataFrame, events: pd.DataFrame | None = None,
                   start: int = 1890, end: int = 1914):
    """Britain's ATOP alliances as bars (defence pacts dark), with treaty dates marked.

    Parameters
    ----------
    timeline : DataFrame
        Output of :func:`course.measures.britain.alliance_timeline`.
    events : DataFrame, optional
        Rows of ``case_events`` (columns event, date_start) to mark as rules.
    """
    _need(timeline, ["atopid", "yrent", "yrexit", "partners", "obligations", "defense"],
          "alliance")
    data = timeline[["atopid", "yrent", "yrexit", "partners", "obligations", "defense"]].copy()
    data["label"] = [f"ATOP {a}: {p}" for a, p in zip(data["atopid"], data["partners"],
                                                     strict=True)]
    data["from"] = data["yrent"].clip(lower=start).astype(int)
    data["to"] = data["yrexit"].astype("Float64").fillna(end).clip(upper=end).astype(int) + 1
    data["kind"] = data["defense"].map({1: "includes defence", 0: "no defence obligation"})
    data["until"] = data["yrexit"].map(lambda v: "still in force" if pd.isna(v) else str(int(v)))
    data = data.drop(columns=["yrexit", "defense"])
    order = list(dict.fromkeys(data["label"]))
    bars = alt.Chart(data).mark_bar(height=12).encode(
        x=alt.X("from:Q", title="year", scale=alt.Scale(domain=[start, end + 1]),
                axis=alt.Axis(format="d")),
        x2=alt.X2("to:Q"),
        y=alt.Y("label:N", sort=order, title=None),
        color=alt.Color("kind:N", title="obligation",
                        scale=alt.Scale(domain=["includes defence", "no defence obligation"],
                                        range=["#0072B2", "#E69F00"])),
        tooltip=[alt.Tooltip("label:N", title="alliance"),
                 alt.Tooltip("yrent:Q", title="Britain joins", format="d"),
                 alt.Tooltip("until:N", title="Britain leaves"),
                 alt.Tooltip("obligations:N", title="Britain's obligations")],
    )
    defence = data.loc[data["kind"] == "includes defence", "label"].tolist()
    description = (f"{len(set(data['atopid']))} ATOP alliances of Britain in force between "
                   f"{start} and {end}; those with a defence obligation: "
                   f"{'; '.join(dict.fromkeys(defence)) or 'none'}.")
    layers = [bars]
    if events is not None and len(events):
        marks = events[["event", "date_start"]].copy()
        marks["date_start"] = marks["date_start"].astype(str).str[:10]
        marks["year"] = marks["date_start"].str[:4].astype(int) \
            + (marks["date_start"].str[5:7].astype(int) - 0.5) / 12
        marks["label"] = ["treaty: " + e.split(" (")[0] for e in marks["event"]]
        order = list(dict.fromkeys(marks["label"])) + order
        layers.append(alt.Chart(marks).mark_point(shape="diamond", size=140, filled=True,
                                                  color="#009E73").encode(
            x=alt.X("year:Q"), y=alt.Y("label:N", sort=order),
            tooltip=[alt.Tooltip("event:N"), alt.Tooltip("date_start:N", title="date")]))
        description += " Diamonds mark the treaties: " + "; ".join(
            f"{e} ({d})" for e, d in zip(marks["event"], marks["date_start"], strict=True)) + "."
        layers[0] = bars.encode(y=alt.Y("label:N", sort=order, title=None))
    return finish(alt.layer(*layers),
                  title=_title("Britain's alliances in ATOP, and the dates of the Entente",
                               SOURCES["alliances"]),
                  description=description, height=max(160, 26 * len(order)))
