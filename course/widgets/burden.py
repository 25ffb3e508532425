"""Explorers for claim C6/C7: the alliance model and NATO's burden-sharing data.

Two pure view functions, each wrapped by :class:`course.widgets.base.Explorer`:

* :func:`model_view` — Olson & Zeckhauser's model: number of allies, how much bigger
  the largest ally is, how public the good is, and the taste for security. Shows each
  ally's share of income against its share of defence spending.
* :func:`nato_view` — the data: the size-burden rank correlation (SIPRI and Maddison to
  2018, or NATO's own tables 2014–2024; with or without the United States; with the
  years in which it is significant), the US share of allied spending, or European
  allies' burden, over a chosen range of years.

Examples
--------
>>> view = model_view(n_allies=4, largest_ratio=3.0, publicness=1.0, alpha=0.05)
>>> view.details["n_free_riders"]
3
>>> explorer = model_explorer()
>>> explorer.controls["publicness"].value = 0.0
>>> explorer.current.details["n_free_riders"]
0
"""

from __future__ import annotations

import functools

import ipywidgets as widgets
import pandas as pd

from course import models
from course.charts import burden as charts
from course.errors import InputError
from course.measures import burden as measures
from course.widgets.base import Explorer, View
from course.widgets.controls import YearRange
from course.widgets.typed import parse_years

__all__ = ["ISAF_BASES", "NATO_MEASURES", "isaf_explorer", "isaf_view", "model_explorer",
           "model_view", "nato_explorer", "nato_view"]


def model_view(n_allies: int = 5, largest_ratio: float = 4.0, publicness: float = 1.0,
               alpha: float = 0.05) -> View:
    """Equilibrium burden shares against income shares, with a verdict sentence.

    Parameters
    ----------
    n_allies : int
        Number of allies (2 or more): one large ally and ``n_allies - 1`` equal small ones.
    largest_ratio : float
        Income of the large ally divided by that of one small ally (>= 1).
    publicness : float
        0 = purely private benefit ... 1 = pure public good.
    alpha : float
        Taste for security (share of income an ally would spend alone).
    """
    incomes = models.incomes_from_ratio(n_allies, largest_ratio)
    names = ["large ally"] + [f"small {i}" for i in range(1, int(n_allies))]
    table = models.equilibrium(incomes, alpha=alpha, publicness=publicness, names=names)
    summary = models.free_riding_summary(table)
    inc, bur = summary["largest_income_share"], summary["largest_burden_share"]
    if abs(bur - inc) < 0.005:
        tail = ("Burden shares equal income shares: with a private good nobody free-rides, "
                "so there is no burden to shift.")
    elif bur > inc:
        tail = ("The large ally pays more than its share of income - Olson & Zeckhauser's "
                "'exploitation of the great by the small'. Burden shifting works for the "
                "small allies, not for the large one.")
    else:  # pragma: no cover - cannot happen with identical preferences
        tail = "The large ally pays less than its share of income."
    free = summary["n_free_riders"]
    verdict = (f"With {int(n_allies)} allies and publicness {publicness:.2f}, the large ally "
               f"has {inc:.0%} of the income and pays {bur:.0%} of the defence spending; "
               f"{free} of {int(n_allies) - 1} small allies spend nothing. {tail}")
    return View(chart=charts.model_chart(table), verdict=verdict, table=table,
                details=summary)


def model_explorer() -> Explorer:
    """The model explorer: sliders for allies, size gap, publicness and taste for security."""
    style = {"description_width": "initial"}
    controls = {
        "n_allies": widgets.IntSlider(value=5, min=2, max=12, description="allies",
                                      style=style),
        "largest_ratio": widgets.FloatSlider(value=4.0, min=1.0, max=10.0, step=0.5,
                                             description="largest / small income",
                                             style=style),
        "publicness": widgets.FloatSlider(value=1.0, min=0.0, max=1.0, step=0.05,
                                          description="publicness", style=style),
        "alpha": widgets.FloatSlider(value=0.05, min=0.01, max=0.5, step=0.01,
                                     description="taste for security", style=style),
    }
    return Explorer(model_view, controls,
                    title="Olson & Zeckhauser: who pays for a shared defence?")


#: Measures the NATO explorer offers (label -> key).
NATO_MEASURES = {
    "Size vs burden: rank correlation (SIPRI, Maddison)": "correlation",
    "Size vs burden: rank correlation (NATO tables, 2014-2024)": "correlation_nato",
    "US share of allied spending (COW, current US$)": "us_share_cow",
    "US share of allied spending (NATO, constant 2015 US$)": "us_share_nato",
    "US share of allied spending (NATO, current US$)": "us_share_nato_current",
    "European allies: median military burden (SIPRI % of GDP)": "europe_median",
    "European allies: mean military burden (SIPRI % of GDP)": "europe_mean",
    "European allies: total spending (NATO, constant 2015 US$)": "europe_total",
}


@functools.lru_cache(maxsize=1)
def _course_tables() -> dict:
    from course import data

    return {name: data.load(name) for name in
            ("nato_members", "capabilities", "gdp", "military_burden", "nato_expenditure")}


@functools.lru_cache(maxsize=16)
def _series(key: str, tables_id: int, without_us: bool = False) -> pd.DataFrame:
    """The full-length series for one measure (cached: widgets only slice it)."""
    t = _TABLES[tables_id]
    exclude = [measures.US_CCODE] if without_us else []
    if key == "correlation":
        return measures.size_burden_correlation(t["gdp"], t["military_burden"],
                                                t["nato_members"], (1949, 2018),
                                                exclude=exclude)
    if key == "correlation_nato":
        return measures.size_burden_nato(t["nato_expenditure"], t["nato_members"],
                                         (2014, 2024), exclude=exclude)
    if key == "us_share_cow":
        return measures.us_share_cow(t["capabilities"], t["nato_members"], (1949, 2016))
    if key == "us_share_nato":
        nato = t["nato_expenditure"]
        return measures.us_share_nato(nato, measures.constant_price_measure(nato),
                                      members=t["nato_members"])
    if key == "us_share_nato_current":
        return measures.us_share_nato(t["nato_expenditure"], "usd_current",
                                      members=t["nato_members"])
    if key in ("europe_median", "europe_mean"):
        return measures.european_burden(t["military_burden"], t["nato_members"], (1949, 2024),
                                        statistic=key.split("_")[1])
    if key == "europe_total":
        nato = t["nato_expenditure"]
        return measures.european_spending_nato(nato, measures.constant_price_measure(nato),
                                               members=t["nato_members"])
    raise InputError(f"unknown measure key {key!r}")


_TABLES: dict[int, dict] = {}


def _register(tables: dict) -> int:
    _TABLES[id(tables)] = tables
    return id(tables)


def _correlation_verdict(data: pd.DataFrame, ya: int, yb: int, without_us: bool) -> str:
    """Sign, strength and significance of the yearly size-burden correlations."""
    from course.measures.polarity import year_spans

    rho = data["rho"]
    significant = data[data["p_value"] < 0.05]
    n, k = len(data), len(significant)
    who = " among the allies other than the United States" if without_us else ""
    text = (f"Between {ya} and {yb} the rank correlation of size and burden{who} is "
            f"positive in {(rho > 0).mean():.0%} of years (mean {rho.mean():.2f}; "
            f"{data['rho'].iloc[0]:.2f} in {ya}, {data['rho'].iloc[-1]:.2f} in {yb}). "
            f"It is significant (p < 0.05) in {k} of {n} years"
            + (f" ({year_spans(significant['year'])})" if k else "") + ". ")
    if k / n >= 0.5 and rho.mean() >= 0.3:
        return text + "Bigger allies carried heavier burdens, as Olson & Zeckhauser predict."
    if rho.mean() > 0 and k == 0:
        return text + ("The sign is the one the model predicts, but in none of these years "
                       "is the correlation strong enough to tell from chance.")
    if rho.mean() > 0 and k / n < 0.5:
        return text + (f"The sign is the one the model predicts, but in most of these years "
                       f"({n - k} of {n}) the correlation is too weak to tell from chance.")
    if rho.mean() > 0:
        return text + (f"It is significant in most years but weak (mean {rho.mean():.2f}, "
                       "below 0.3): size orders the burdens only loosely.")
    return text + "Size does not order the burdens in these years."


def nato_view(measure: str, years: tuple[int, int], tables: dict | None = None,
              without_us: bool = False) -> View:
    """One NATO burden-sharing measure over a range of years, with a verdict sentence.

    Parameters
    ----------
    measure : str
        A label from :data:`NATO_MEASURES`.
    years : (int, int)
        First and last year shown.
    tables : dict of DataFrames, optional
        ``nato_members``, ``capabilities``, ``gdp``, ``military_burden``,
        ``nato_expenditure``; default: the shipped tables.
    without_us : bool
        For the rank correlations: leave the United States out, so the test asks
        whether size orders the burdens of the *other* allies too.

    Examples
    --------
    >>> view = nato_view("Size vs burden: rank correlation (SIPRI, Maddison)", (1967, 2018))
    >>> view.details["significant_years"], view.details["years"]
    (2, 52)
    """
    if measure not in NATO_MEASURES:
        raise InputError(f"unknown measure {measure!r}; choose one of {list(NATO_MEASURES)}")
    first, last = parse_years(years)
    key = NATO_MEASURES[measure]
    tables = _course_tables() if tables is None else tables
    correlation = key.startswith("correlation")
    full = _series(key, _register(tables), bool(without_us) and correlation)
    data = full[(full["year"] >= first) & (full["year"] <= last)]
    if correlation:
        data = data.dropna(subset=["rho"])
    if data.empty:
        span = f"{int(full['year'].min())}-{int(full['year'].max())}"
        raise InputError(f"no values for this measure in {first}-{last}; it covers {span}")
    a, b = data.iloc[0], data.iloc[-1]
    ya, yb = int(a["year"]), int(b["year"])
    details = {"measure": key, "first": ya, "last": yb}
    if correlation:
        verdict = _correlation_verdict(data, ya, yb, bool(without_us))
        if key == "correlation_nato":
            verdict += (" (NATO's definitions: GDP is real GDP derived as spending ÷ share "
                        "of GDP.)")
        chart = charts.correlation_chart(
            data, source=(f"{charts.SOURCE_NATO}; GDP = spending ÷ share of GDP"
                          if key == "correlation_nato" else None))
        details.update(years=len(data), positive_years=int((data["rho"] > 0).sum()),
                       significant_years=int((data["p_value"] < 0.05).sum()),
                       without_us=bool(without_us))
    elif key.startswith("us_share"):
        verdict = (f"The US paid {a['us_share']:.0%} of NATO members' military spending in "
                   f"{ya} and {b['us_share']:.0%} in {yb} (range {data['us_share'].min():.0%}"
                   f"-{data['us_share'].max():.0%}; {a['definition']}).")
        chart = charts.us_share_chart(data)
    elif key.startswith("europe_") and key != "europe_total":
        change = b["value"] - a["value"]
        verdict = (f"The {key.split('_')[1]} European ally spent {a['value']:.2%} of GDP on "
                   f"the military in {ya} and {b['value']:.2%} in {yb} "
                   f"({'up' if change > 0 else 'down'} {abs(change) * 100:.2f} points).")
        chart = charts.europe_chart(data, label=f"{key.split('_')[1]} military burden",
                                    source=charts.SOURCE_SIPRI)
    else:
        change = b["value"] / a["value"] - 1
        verdict = (f"The {int(a['n_allies'])} European countries that were NATO members in "
                   f"every year {ya}-{yb} spent {abs(change):.0%} "
                   f"{'more' if change >= 0 else 'less'} in real terms in {yb} than in {ya} "
                   f"({a['value']:,.0f} -> {b['value']:,.0f} {a['unit']}).")
        chart = charts.europe_chart(data, label="total defence expenditure",
                                    source=charts.SOURCE_NATO, percent=False)
    return View(chart=chart, verdict=verdict, table=data.reset_index(drop=True),
                details=details)


def nato_explorer(tables: dict | None = None, measure: str | None = None,
                  years: tuple[int, int] = (1949, 2024), without_us: bool = False
                  ) -> Explorer:
    """The NATO explorer: a measure menu, a year range and "without the US".

    Parameters
    ----------
    tables : dict, optional
        As for :func:`nato_view` (default: the shipped tables).
    measure : str, optional
        Initial measure, a label from :data:`NATO_MEASURES` (default: the first).
    years : (int, int)
        Initial year range.
    without_us : bool
        Initial state of the "without the US" box (used by the rank correlations).
    """
    if measure is not None and measure not in NATO_MEASURES:
        raise InputError(f"unknown measure {measure!r}; choose one of {list(NATO_MEASURES)}")
    controls = {
        "measure": widgets.Dropdown(options=list(NATO_MEASURES), description="measure",
                                    value=measure or list(NATO_MEASURES)[0],
                                    layout=widgets.Layout(width="480px")),
        "years": YearRange(tuple(years), min=1949, max=2024, description="years",
                           slider_width="360px"),
        "without_us": widgets.Checkbox(value=bool(without_us),
                                       description="without the US (rank correlations)"),
    }
    view = nato_view if tables is None else functools.partial(nato_view, tables=tables)
    # Each measure's full series is computed on its first visit (the yearly rank
    # correlations take a few hundred milliseconds): compute them while the student reads.
    tables_id = _register(_course_tables() if tables is None else tables)
    warm = [functools.partial(_series, key, tables_id, without)
            for key in NATO_MEASURES.values()
            for without in ((False, True) if key.startswith("correlation") else (False,))]
    return Explorer(view, controls, title="NATO burden-sharing in the data", warm=warm)


# --- Afghanistan: ISAF contributions relative to size -----------------------------------

ISAF_BASES = {"troops per million inhabitants": "population",
              "troops per $10 bn of GDP": "gdp", "troops (absolute)": "troops"}


@functools.lru_cache(maxsize=1)
def _isaf_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    from course import data

    return data.load("case_isaf_troops"), data.load("gdp")


@functools.lru_cache(maxsize=32)
def _isaf_relative_cached(as_of: str, with_outside_isaf: bool = False) -> pd.DataFrame:
    from course.measures import cases

    isaf, gdp = _isaf_tables()
    return cases.isaf_relative(isaf, gdp, as_of, with_outside_isaf=with_outside_isaf)


def isaf_view(as_of: str, basis: str, tables: tuple | None = None,
              with_outside_isaf: bool = False) -> View:
    """ISAF troops by nation on one date, relative to population or GDP.

    Parameters
    ----------
    as_of : str
        A date from the ISAF table (see :func:`course.measures.cases.isaf_dates`).
    basis : str
        A label from :data:`ISAF_BASES`.
    tables : (isaf, gdp), optional
        Default: the shipped ``case_isaf_troops`` and ``gdp`` tables.
    with_outside_isaf : bool
        Add the US forces outside ISAF (Operation Enduring Freedom) where a cited row
        states them (:func:`course.measures.cases.outside_isaf`).
    """
    from course.charts import cases as case_charts
    from course.measures import cases

    if basis not in ISAF_BASES:
        raise InputError(f"unknown basis {basis!r}; choose one of {list(ISAF_BASES)}")
    if tables is None:
        rel = _isaf_relative_cached(str(as_of), bool(with_outside_isaf))
    else:
        rel = cases.isaf_relative(tables[0], tables[1], as_of,
                                  with_outside_isaf=bool(with_outside_isaf))
    if rel.empty:
        raise InputError(f"no ISAF-only national figures on {as_of}; pick another date")
    key = ISAF_BASES[basis]
    column = {"population": "troops_per_million", "gdp": "troops_per_10bn_gdp",
              "troops": "troops"}[key]
    ranked = rel.sort_values(column, ascending=False).reset_index(drop=True)
    us = ranked.index[ranked["nation"] == "United States"]
    where = (f"the United States ranks {int(us[0]) + 1} of {len(ranked)}" if len(us)
             else "the United States is not in this list")
    top = ranked.iloc[0]
    number = ",.0f" if key == "troops" else ",.1f"  # whole soldiers, or one decimal
    isaf = (_isaf_tables() if tables is None else tables)[0]
    basis_of_date = isaf.loc[isaf["as_of"].astype(str) == str(as_of), "date_basis"]
    on = "On" if len(str(as_of).split("-")) == 3 else "In"  # a day, or only a month
    verdict = (f"{on} {cases.date_label(as_of)}, by {basis}, {where}; the highest is "
               f"{top['nation']} ({top[column]:{number}}). Figures from "
               f"{ranked['source'].nunique()} cited source(s); each bar's source is in its "
               "tooltip."
               + (f" How the date is known: {basis_of_date.iloc[0]}."
                  if len(basis_of_date) and pd.notna(basis_of_date.iloc[0]) else ""))
    if with_outside_isaf:
        added = ranked[ranked["outside_isaf"] > 0]
        verdict += (" US figures include " + ", ".join(
            f"{int(n):,} troops outside ISAF (row {i})"
            for n, i in zip(added["outside_isaf"], added["outside_id"], strict=True))
            + "." if len(added) else
            " No cited row states US forces outside ISAF on this date: ISAF only.")
    return View(chart=case_charts.isaf_chart(rel, key), verdict=verdict, table=ranked,
                details={"basis": key, "us_rank": int(us[0]) + 1 if len(us) else None})


#: The date the ISAF explorer opens on: the last date before the 2010 surge, with 16
#: nations (Norway among them, which lesson 05's Exercise 7.1 asks about) and a date
#: its source states.
ISAF_DEFAULT_DATE = "2009-10-01"


def isaf_explorer(tables: tuple | None = None, as_of: str = ISAF_DEFAULT_DATE) -> Explorer:
    """Explorer over the ISAF table: a date and a basis (population, GDP or raw troops).

    The date menu lists the dates with at least five nations, each with how many nations
    it has; a date the source does not state is marked as inferred.

    Examples
    --------
    >>> explorer = isaf_explorer()
    >>> "Norway" in set(explorer.current.table["nation"])
    True
    >>> [label for label, _ in explorer.controls["as_of"].options][-1]
    'November 2010 (month inferred): 18 nations'
    """
    from course.measures import cases

    isaf = (_isaf_tables() if tables is None else tables)[0]
    dates = cases.isaf_dates(isaf)
    options = [(f"{cases.date_label(d)}: {n} nations", d)
               for d, n in zip(dates["as_of"], dates["nations"], strict=True) if n >= 5]
    if as_of not in [value for _label, value in options]:
        raise InputError(f"no ISAF date {as_of!r} with five or more nations; choose one of "
                         f"{[value for _label, value in options]}")
    controls = {
        "as_of": widgets.Dropdown(options=options, value=as_of, description="date"),
        "basis": widgets.Dropdown(options=list(ISAF_BASES), description="measure",
                                  layout=widgets.Layout(width="360px")),
        "with_outside_isaf": widgets.Checkbox(value=False,
                                              description="add US forces outside ISAF"),
    }
    view = isaf_view if tables is None else functools.partial(isaf_view, tables=tables)
    return Explorer(view, controls, title="Afghanistan: who sent troops, relative to size?")
