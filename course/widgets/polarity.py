"""Explorer for claim C1: is the world "multipolar, but still U.S. led" [P10]?

The pure function :func:`polarity_view` does the work; :func:`polarity_explorer` wraps
it in ipywidgets controls (measure, years, set of powers, states to add, pole threshold).
Tests call the view directly and drive the explorer by setting control values.

The pole threshold can be typed as "25%", "25" or "0.25", the years typed into two boxes
(:mod:`course.widgets.controls`); the threshold is drawn on the chart as a dashed line,
and the legend names each power beside its COW code.

The essay's phrase makes two claims at once, and the verdict judges each half on its
own: *multipolar* (at least three powers hold the pole threshold) and *U.S. led* (the
United States has the largest share), then says which half fails and why. Two shares
less than :data:`TIE` apart (one point of the set's total) are a tie: "U.S. led" is then
neither confirmed nor refuted, because no series of GDP or capabilities is measured
that precisely (GDP in 2018: China 33.75 %, the United States 33.73 %).

Examples
--------
>>> view = polarity_view("cinc", (1990, 2016))
>>> view.verdict[:40]
'By CINC, 1990–2016 has 3.9 effective pol'
>>> view.details["leader_last"]
'CHN'
>>> view.details["failed"]
['multipolar', 'U.S. led']
"""

from __future__ import annotations

from functools import lru_cache

import altair as alt
import ipywidgets as widgets

from course.charts import polarity as charts
from course.charts.base import finish, with_properties
from course.errors import InputError
from course.measures import polarity
from course.widgets.base import Explorer, View
from course.widgets.controls import PercentSlider, YearRange
from course.widgets.typed import format_percent, parse_percent, parse_years

FIRST_YEAR, LAST_YEAR = 1816, 2018
#: Shares closer than this (a fraction of the set's total: one percentage point) are a tie.
TIE = 0.01


def _label(n_poles: int) -> str:
    if n_poles >= 3:
        return "multipolar"
    return {2: "bipolar", 1: "unipolar"}.get(n_poles, "without any pole")


def _points(lead: float) -> str:
    points = 100 * float(lead)
    return f"{points:.1f} points" if points >= 0.95 else f"{points:.2f} points"


def _share(share: float, threshold: float) -> str:
    """A share as a percentage that never rounds across the pole threshold.

    >>> _share(0.0964, 0.1), _share(0.0999, 0.1), _share(0.4019, 0.1)
    ('9.6%', '9.99%', '40.2%')
    """
    share, cut = float(share), float(threshold)
    for digits in (1, 2, 3):
        text = f"{100 * share:.{digits}f}"
        if (float(text) >= 100 * cut - 1e-9) == (share >= cut - 1e-12):
            return f"{text}%"
    return f"just under {100 * cut:g}%"


def _added(add) -> tuple[str, ...]:
    """``"IND, Brazil"`` or ``["IND"]`` -> ``("BRA", "IND")``: COW codes, sorted, once.

    Each item may be a COW abbreviation or a state's name; one the data do not know
    raises :class:`InputError` saying what to type.

    >>> _added("ind; Brazil"), _added(["IND", "IND"]), _added("")
    (('BRA', 'IND'), ('IND',), ())
    """
    if add is None:
        return ()
    items = add.replace(";", ",").split(",") if isinstance(add, str) else list(add)
    codes = set()
    for item in (str(item).strip() for item in items):
        if not item:
            continue
        code = polarity.state_abbreviation(item)
        if code is None:
            raise InputError(f"Add states: {item!r} is not a state in the COW data; type "
                             "COW codes or names separated by commas, e.g. IND, Brazil")
        codes.add(code)
    return tuple(sorted(codes))


def _named(codes) -> str:
    """``("IND",)`` -> ``'India (IND)'``."""
    return ", ".join(f"{polarity.state_name(code)} ({code})" for code in codes)


#: The explorer's chart: two panels, shares over effective poles, sized so that with their
#: titles and the legend beside them they fit a slide beside the verdict as drawn
#: (course.widgets.base.fit_for_slides leaves them as they are).
PLOT_WIDTH, SHARES_HEIGHT, POLES_HEIGHT = 420, 190, 70


@lru_cache(maxsize=8)
def _full_shares(measure: str, scope: str, add: tuple[str, ...] = ()):
    return polarity.capability_shares(measure, FIRST_YEAR, LAST_YEAR, scope=scope, add=add)


@lru_cache(maxsize=32)
def _full_indices(measure: str, scope: str, threshold: float, add: tuple[str, ...] = ()):
    return polarity.indices_by_year(_full_shares(measure, scope, add), threshold=threshold)


def _tables(measure: str, start: int, end: int, scope: str, threshold: float,
            add: tuple[str, ...] = ()):
    """Shares and indices for the years, sliced from tables computed once for 1816–2018.

    Every index is computed year by year, so slicing gives the same numbers as computing
    on the range; it just makes a slider move cheap.
    """
    if start > end or measure not in polarity.MEASURES or scope not in polarity.SCOPES:
        polarity.capability_shares(measure, start, end, scope=scope)  # raises the right error
    shares = _full_shares(measure, scope, add)
    shares = shares[(shares["year"] >= start) & (shares["year"] <= end)]
    if shares["value"].notna().sum() == 0:
        polarity.capability_shares(measure, start, end, scope=scope)  # raises "no data"
    table = _full_indices(measure, scope, float(threshold), add)
    table = table[(table["year"] >= start) & (table["year"] <= end)].reset_index(drop=True)
    return shares, table


def _two_halves(year_shares, last: dict, threshold: float
                ) -> tuple[str, list[str], list[str]]:
    """The verdict on each half of "multipolar, but still U.S. led": text, failed, tied."""
    ranked = year_shares.dropna(subset=["share"]).sort_values("share", ascending=False)
    poles = ranked[ranked["share"] >= float(threshold) - 1e-12]
    listed = ", ".join(f"{a} {_share(v, threshold)}"
                       for a, v in zip(poles["stateabb"], poles["share"], strict=True))
    n_poles = len(poles)
    below = ranked.iloc[n_poles] if len(ranked) > n_poles else None
    which = "the next" if n_poles else "the largest"
    next_one = (f"; {which}, {below['stateabb']}, has {_share(below['share'], threshold)}"
                if below is not None else "")
    eff = float(last["eff_poles"])
    multipolar = n_poles >= 3
    cut = format_percent(threshold)
    if multipolar:
        first = f"Multipolar: yes, {n_poles} powers hold at least {cut} ({listed})."
    else:
        held = (f"only {n_poles} {'power holds' if n_poles == 1 else 'powers hold'} at least "
                f"{cut} ({listed}){next_one}" if n_poles
                else f"no power holds at least {cut}{next_one}")
        effective = (f", although the effective number of poles, {eff:.1f}, is above 3"
                     if eff >= 3 else f", and the effective number of poles is {eff:.1f}")
        first = f"Multipolar: no, {held}{effective}."
    leader, runner = str(last["leader"]), last["runner_up"]
    us_led = leader == "USA"
    lead = _points(last["lead"])
    tie = format_percent(TIE).replace("%", " point")
    tied = False
    if us_led and float(last["lead"]) < TIE:
        tied = True
        second = (f"U.S. led: tied, the USA is ahead of {runner} by only {lead}, less than "
                  f"{tie} — too close to call on these data.")
    elif us_led:
        second = f"U.S. led: yes, the USA leads {runner} by {lead}."
    elif "USA" in set(ranked["stateabb"]):
        us = ranked[ranked["stateabb"] == "USA"].iloc[0]
        behind = _points(float(ranked.iloc[0]["share"]) - float(us["share"]))
        top, ours = float(ranked.iloc[0]["share"]), float(us["share"])
        digits = 1 if f"{top:.1%}" != f"{ours:.1%}" else 2
        if top - ours < TIE:
            tied = True
            second = (f"U.S. led: tied, {leader} is ahead by only {behind} (its share "
                      f"{top:.{digits}%} against the USA's {ours:.{digits}%}), less than "
                      f"{tie} — too close to call on these data.")
        else:
            second = (f"U.S. led: no, {leader} leads (its share {top:.{digits}%} against the "
                      f"USA's {ours:.{digits}%}, {behind} ahead).")
    else:
        second = f"U.S. led: no, the USA is not in this set of powers; {leader} leads."
    failed = [half for half, ok in (("multipolar", multipolar), ("U.S. led", us_led or tied))
              if not ok]
    ties = ["U.S. led"] if tied else []
    if tied:
        tail = ("'U.S. led' is a tie and " + ("'multipolar' fails: not 'multipolar, but still "
                                               "U.S. led'." if failed else
                                               "'multipolar' holds: the phrase is neither "
                                               "confirmed nor refuted."))
    elif not failed:
        tail = "Both halves hold: consistent with 'multipolar, but still U.S. led'."
    elif len(failed) == 2:
        tail = "Both halves fail: not 'multipolar, but still U.S. led'."
    else:
        tail = (f"The '{failed[0]}' half fails, the other holds: not 'multipolar, but still "
                "U.S. led'.")
    return f"{first} {second} {tail}", failed, ties


def polarity_view(measure: str = "cinc", years: tuple[int, int] = (1990, 2016),
                  scope: str = "major", threshold: float = 0.1, add=()) -> View:
    """Polarity of a period by one measure of power: chart, verdict and the yearly table.

    Parameters
    ----------
    measure : {"cinc", "milex", "gdp"}
    years : (int, int)
        First and last year (inclusive).
    scope : {"major", "g20", "system"}
        Shares among the COW major powers of each year, the G20 states, or the whole
        state system.
    threshold : float or str
        Share a power needs to count as a pole: 0.10, or typed as "10%" or "10".
    add : str or list of str, optional
        States added to the set, e.g. ``"IND"``, ``"India, Brazil"`` or
        ``["IND", "BRA"]`` (COW abbreviations or names): the COW list is a choice, and
        India is not on it.

    Returns
    -------
    View
        ``chart`` (shares above, effective poles below), ``verdict`` (a sentence),
        ``table`` (:func:`course.measures.polarity.polarity_by_year`) and ``details``
        (``mean_eff_poles``, ``leader_last``, ``n_poles_last``, ``eff_poles_last``,
        ``label``, ``us_led``, ``multipolar``, ``failed`` (the halves of the claim that
        fail), ``tied`` (``["U.S. led"]`` when the top two shares are less than
        :data:`TIE` apart), ``years_with_data``, ``added``).
    """
    start, end = parse_years(years, low=FIRST_YEAR, high=LAST_YEAR)
    threshold = parse_percent(threshold, high=1.0, what="the pole threshold")
    added = _added(add)
    shares, table = _tables(measure, start, end, scope, threshold, added)
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
    last_year = int(last["year"])
    halves, failed, tied = _two_halves(shares[shares["year"] == last_year], last, threshold)
    who = polarity.SCOPES[scope] + (f" plus {_named(added)}" if added else "")
    verdict = (
        f"By {name}, {start}–{end} has {summary['mean_eff_poles']:.1f} effective poles among "
        f"{who} on average (CON {summary['mean_con']:.2f}); "
        f"{summary['leader']} leads in {summary['leader_years']} of {summary['years']} years. "
        f"In {last_year}: {halves}"
        + (f" {gap} of {summary['years_total']} years lack {name} data for some power and "
           "are left out." if gap else "")
    )
    coverage = float(table.loc[table["eff_poles"].notna(), "coverage"].mean())
    if coverage < 0.95:
        verdict += (f" Only {coverage:.0%} of the states, on average, have {name} data in "
                    "these years: the shares are shares of those that do.")
    top, top_text = charts.shares_chart(shares, measure=measure, scope=scope, top=6,
                                        part=True, threshold=threshold, year_title=None)
    bottom, bottom_text = charts.poles_chart(table, measure=measure, scope=scope, part=True)
    # A short, two-line axis title: a title longer than the low panel is high would stick
    # out above and below it (the panel's own title says what the line is).
    bottom = bottom.encode(y=alt.Y("eff_poles:Q", title=["Effective", "poles"],
                                   scale=alt.Scale(zero=True)))
    top_title = alt.TitleParams(top.title.text, subtitle=charts.threshold_note(threshold),
                                anchor="middle")
    # The legend to the right of the shares it explains, at the top, where it is seen with
    # them on a 1366x768 screen; the plots are narrow enough for the chart and its legend
    # to leave a slide room for the verdict beside them (base.SLIDE_WIDE_CHART).
    chart = finish(alt.vconcat(
        with_properties(top, width=PLOT_WIDTH, height=SHARES_HEIGHT, title=top_title),
        with_properties(bottom, width=PLOT_WIDTH, height=POLES_HEIGHT,
                        title=bottom.title.text),
        spacing=12),
        title=alt.TitleParams(f"Polarity by {name}, {start}–{end}",
                              subtitle=f"Source: {polarity.SOURCES[measure]}",
                              anchor="start"),
        description=f"Two charts. {top_text} {bottom_text}", width=PLOT_WIDTH,
        legend={"orient": "right"})
    details = {"mean_eff_poles": summary["mean_eff_poles"], "mean_con": summary["mean_con"],
               "leader_last": str(last["leader"]), "n_poles_last": n_last, "label": label,
               "eff_poles_last": float(last["eff_poles"]),
               "us_led": bool(us_led), "multipolar": label == "multipolar",
               "failed": failed, "tied": tied, "years_with_data": summary["years"],
               "last_year": last_year, "added": list(added), "threshold": threshold}
    return View(chart=chart, verdict=verdict, table=table, details=details)


def polarity_explorer(measure: str = "cinc", years: tuple[int, int] = (1990, 2016),
                      scope: str = "major", threshold: float = 0.1, add: str = "") -> Explorer:
    """Widget: choose a measure of power, years, set of powers, states to add, pole threshold.

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
        "threshold": PercentSlider(parse_percent(threshold), min=0.05, max=0.5, step=0.01,
                                   description="Pole ≥"),
        "years": YearRange(years, min=FIRST_YEAR, max=LAST_YEAR, description="Years"),
        "scope": widgets.ToggleButtons(options=[("Major powers (COW)", "major"),
                                                ("G20 states", "g20"),
                                                ("Whole system", "system")],
                                       value=scope, description="Powers",
                                       tooltips=["The COW list of major powers of each year",
                                                 "The 19 G20 member states",
                                                 "Every state (the chart shows the 6 largest)"]),
        "add": widgets.Text(value=", ".join(_added(add)), description="Add states",
                            placeholder="e.g. IND, Brazil",
                            tooltip="States to add to the set: COW codes or names, "
                                    "separated by commas, then Enter",
                            continuous_update=False, layout=widgets.Layout(width="16em")),
    }
    return Explorer(polarity_view, controls,
                    title="C1 · How many poles, and who leads? Change the measure of power.",
                    rows=[["measure", "threshold"], ["years"], ["scope", "add"]])
