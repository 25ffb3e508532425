"""Explorers for lesson 03: Britain's capabilities against its rivals, and its disputes.

Each explorer is an :class:`course.widgets.base.Explorer` over a pure ``*_view``
function that tests call directly. The powers are tick boxes (Britain is always in, and
its box says so); years are typed into two boxes or set with the slider beside them
(:mod:`course.widgets.controls`).

Examples
--------
>>> view = capability_view("naval_share", ("UKG", "GMY", "USA"), (1870, 1914))
>>> view.verdict.split(". ")[0]
'By share of world naval tonnage, Germany never passed Britain (1870–1914)'
>>> explorer = capability_explorer()
>>> explorer.controls["measure"].value = "irst"
>>> explorer.current.details["crossovers"]["Germany"]
1900
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from course.charts import britain as charts
from course.errors import InputError
from course.measures import britain
from course.widgets.base import Explorer, View
from course.widgets.controls import Checklist, YearRange
from course.widgets.typed import parse_years

#: Measures offered by the capability explorer (label -> key).
MEASURE_OPTIONS = [
    ("CINC (composite capabilities)", "cinc"),
    ("iron and steel", "irst"),
    ("energy consumption", "pec"),
    ("military spending (£, to 1913)", "milex"),
    ("military personnel", "milper"),
    ("GDP (Maddison)", "gdp"),
    ("share of world naval tonnage", "naval_share"),
    ("naval tonnage", "naval_tonnage"),
    ("new naval construction (1909–14, Nock)", "naval_construction"),
]
POWER_OPTIONS = [("Britain", "UKG"), ("Germany", "GMY"), ("France", "FRN"),
                 ("Russia", "RUS"), ("the United States", "USA")]


def capability_view(measure: str = "cinc", powers=("UKG", "GMY", "FRN", "RUS", "USA"),
                    years=(1870, 1914)) -> View:
    """Chart and verdict: when did each chosen rival pass Britain on ``measure``?

    Parameters
    ----------
    measure : str
        A key of :data:`course.measures.britain.MEASURES`.
    powers : sequence of abbreviations or COW codes
        Britain is always included (the verdict compares each rival with it).
    years : (int, int)
        First and last year.

    Returns
    -------
    View
        ``details["crossovers"]`` maps each rival's name to its crossover year (None if it
        never passed Britain or was already ahead), ``details["rank"]`` is Britain's
        rank in the last year.
    """
    start, end = parse_years(years)
    codes = [britain.state_code(p) for p in powers]
    rivals = [c for c in codes if c != britain.UK]
    if not rivals:
        raise InputError("choose at least one power besides Britain to compare with it")
    have = britain.available_powers(measure)
    chosen = [britain.UK, *[r for r in rivals if r in have]]
    if len(chosen) == 1:
        raise InputError(f"{britain.MEASURES[measure].label} has no data for the powers "
                         "chosen; add another power")
    series = britain.measure_series(measure, chosen, start, end)
    present = set(series["ccode"])
    if britain.UK not in present:
        raise InputError(f"no {britain.MEASURES[measure].label} data for Britain in "
                         f"{start}-{end}")
    crossings = []
    for rival in rivals:
        if rival not in present:
            continue
        try:
            crossings.append(britain.crossover_from_series(series, measure, rival, "UKG"))
        except InputError:
            continue  # no common year: said in the verdict below
    missing = [britain.state_name(r) for r in rivals if r not in {c.challenger for c in crossings}]
    last = int(series["year"].max())
    at_end = series[series["year"] == last].sort_values("value", ascending=False)
    rank = list(at_end["ccode"]).index(britain.UK) + 1 if britain.UK in set(at_end["ccode"]) \
        else None
    sentences = [c.sentence() for c in crossings]
    if rank is not None:
        sentences.append(f"In {last} Britain ranks {_ordinal(rank)} of {len(at_end)}.")
    if missing:
        sentences.append(f"No common years for {', '.join(missing)} on this measure.")
    note = britain.MEASURES[measure].note
    if note:
        sentences.append(f"Note: {note}")
    chart = charts.capability_chart(series, measure, crossings)
    return View(chart=chart, verdict=" ".join(sentences), table=series,
                details={"crossovers": {britain.state_name(c.challenger): c.year
                                        for c in crossings},
                         "sustained": {britain.state_name(c.challenger): c.sustained
                                       for c in crossings},
                         "rank": rank})


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}.get(n, f"{n}th")


def capability_explorer(measure: str = "cinc", powers=("UKG", "GMY", "FRN", "RUS", "USA"),
                        years=(1870, 1914)) -> Explorer:
    """Explorer: pick a measure, the powers and the years; see who passed Britain when.

    Examples
    --------
    >>> explorer = capability_explorer(powers=("UKG", "GMY"))
    >>> explorer.controls["powers"].boxes["USA"].value = True  # a plain click adds one
    >>> explorer.controls["powers"].value
    ('UKG', 'GMY', 'USA')
    """
    codes = {britain.ABBREVIATIONS.get(britain.state_code(p), p) for p in powers}
    controls = {
        "measure": widgets.Dropdown(options=MEASURE_OPTIONS, value=measure,
                                    description="measure",
                                    layout=widgets.Layout(width="380px")),
        "powers": Checklist(POWER_OPTIONS, value=tuple(codes), fixed=("UKG",),
                            description="powers",
                            fixed_reason="Britain is always shown: each rival is compared "
                                         "with it"),
        "years": YearRange(tuple(years), min=1865, max=1914, description="years"),
    }
    return Explorer(capability_view, controls,
                    title="C4: Was Britain still the strongest power among equals?",
                    rows=[["measure", "years"], ["powers"]])


HOSTILITY_OPTIONS = [(f"{level} {name}", level) for level, name in britain.HOSTILITY.items()]


def disputes_view(years=(1870, 1914), split: int = 1905, min_hostility: int = 1,
                  opponents=("FRN", "RUS", "GMY")) -> View:
    """Chart and verdict: Britain's disputes per opponent before and after ``split``.

    The two periods are ``years[0]``-``split - 1`` and ``split``-``years[1]``.

    Returns
    -------
    View
        ``details["counts"]`` maps (period, opponent) to the number of disputes,
        ``details["most"]`` maps each period to the opponent(s) with most disputes.
    """
    start, end = parse_years(years)
    if not start < int(split) <= end:
        raise InputError(f"the second period must start after the first year and by the "
                         f"last: choose '2nd period from' between {start + 1} and {end} "
                         f"(it is {split})")
    periods = [(start, split - 1), (split, end)]
    table = britain.disputes_by_period(opponents, periods, min_hostility)
    sentences, most = [], {}
    for period, rows in table.groupby("period", sort=False):
        top = rows["disputes"].max()
        leaders = list(rows.loc[rows["disputes"] == top, "opponent"]) if top else []
        most[period] = leaders
        counts = ", ".join(f"{r.opponent} {r.disputes}" for r in rows.itertuples())
        if not leaders:
            sentences.append(f"{period}: no disputes at this threshold.")
        else:
            sentences.append(f"{period}: {counts} – most with {' and '.join(leaders)}.")
    rivals = table[table["ccode"].isin([220, 365])]
    germany = table[table["ccode"] == 255]
    if len(rivals) and len(germany):
        first = table["period"].iloc[0]
        fr = int(rivals.loc[rivals["period"] == first, "disputes"].sum())
        gm = int(germany.loc[germany["period"] == first, "disputes"].sum())
        side = ("more than" if fr > gm else "as many as" if fr == gm else "fewer than")
        sentences.append(f"In {first} France and Russia together had {fr} disputes with "
                         f"Britain, {side} Germany's {gm}.")
    level = "" if min_hostility <= 1 else f" (hostility level ≥ {min_hostility})"
    verdict = f"Distinct disputes started{level}. " + " ".join(sentences)
    chart = charts.disputes_chart(table, min_hostility)
    return View(chart=chart, verdict=verdict, table=table,
                details={"counts": {(r.period, r.opponent): r.disputes
                                    for r in table.itertuples()},
                         "most": most})


def disputes_explorer(years=(1870, 1914), split: int = 1905, min_hostility: int = 1
                      ) -> Explorer:
    """Explorer: move the dividing year and the hostility threshold; recount disputes."""
    controls = {
        "years": YearRange(tuple(years), min=1816, max=1914, description="years"),
        "split": widgets.IntSlider(value=split, min=1817, max=1914, step=1,
                                   description="2nd period from", continuous_update=False,
                                   style={"description_width": "initial"}),
        "min_hostility": widgets.Dropdown(options=HOSTILITY_OPTIONS, value=min_hostility,
                                          description="at least",
                                          layout=widgets.Layout(width="300px")),
    }
    return Explorer(disputes_view, controls,
                    title="C3: Who was the greater problem for Britain?")


def dispute_table(years=(1870, 1914)) -> pd.DataFrame:
    """The disputes behind the explorer, one row per dispute (for students to inspect)."""
    return britain.britain_disputes(britain.RIVALS, *years)
