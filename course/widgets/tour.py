"""The explorer of lesson 00: did a great power lead the world in material capabilities?

The Correlates of War composite index of national capability (CINC) gives each state a
share of the world's military spending, soldiers, iron and steel, energy use, urban and
total population, averaged over the six. This module compares one power's CINC with
the largest *other* state's CINC, year by year, and says in how many years the power
led. It is the smallest complete example of the course's method: a claim, a measure,
a chart and a verdict that changes when you change the operationalisation.

Pure functions (:func:`leaders`, :func:`compare_with_leader`, :func:`tour_view`,
:func:`check_overtake`) do the work; :func:`tour_explorer` is the ipywidgets shell.

Examples
--------
>>> import pandas as pd
>>> caps = pd.DataFrame({
...     "stateabb": ["USA", "CHN", "UKG", "USA", "CHN", "UKG"],
...     "year":     [2000,  2000,  2000,  2001,  2001,  2001],
...     "cinc":     [0.14,  0.16,  0.03,  0.15,  0.14,  0.03]})
>>> table = compare_with_leader(caps, "USA", (2000, 2001))
>>> print(table[["year", "cinc", "rival", "leads"]].to_string(index=False))
 year  cinc rival  leads
 2000  0.14   CHN  False
 2001  0.15   CHN   True
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from course.cellruns import self_check
from course.errors import InputError
from course.widgets.base import Explorer, View

#: The great powers of the COW major-power list, in the order the dropdown shows them.
POWERS = {
    "USA": "the United States",
    "UKG": "the United Kingdom",
    "FRN": "France",
    "GMY": "Germany",
    "AUH": "Austria-Hungary",
    "ITA": "Italy",
    "RUS": "Russia",
    "CHN": "China",
    "JPN": "Japan",
}

#: Printed under the chart's title.
SOURCE = "Correlates of War, National Material Capabilities v6.0 (CINC)"

_COLUMNS = ("stateabb", "year", "cinc")


def _check_columns(capabilities: pd.DataFrame) -> None:
    if not isinstance(capabilities, pd.DataFrame):
        raise InputError("pass the capabilities table as a DataFrame: "
                         "course.data.load('capabilities')")
    missing = [c for c in _COLUMNS if c not in capabilities.columns]
    if missing:
        raise InputError(f"the capabilities table needs the columns {missing}; "
                         "load it with course.data.load('capabilities')")


def _name(power: str) -> str:
    return POWERS.get(power, power)


def _possessive(name: str) -> str:
    return name + ("'" if name.endswith("s") else "'s")


def _label(power: str) -> str:
    name = _name(power)
    return name[4:] if name.startswith("the ") else name


def leaders(capabilities: pd.DataFrame) -> pd.DataFrame:
    """The state with the largest CINC each year, and the runner-up.

    Parameters
    ----------
    capabilities : pandas.DataFrame
        Columns ``stateabb``, ``year`` and ``cinc`` (missing CINC values are ignored).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year``, with columns ``leader``, ``leader_cinc``, ``second``
        and ``second_cinc`` (``second`` is missing in a year with one state).

    Examples
    --------
    >>> import pandas as pd
    >>> caps = pd.DataFrame({"stateabb": ["A", "B", "C", "A"], "year": [1, 1, 1, 2],
    ...                      "cinc": [0.2, 0.5, 0.3, 0.9]})
    >>> leaders(caps)[["leader", "second"]].to_dict("index")
    {1: {'leader': 'B', 'second': 'C'}, 2: {'leader': 'A', 'second': nan}}
    """
    _check_columns(capabilities)
    rows = capabilities.loc[capabilities["cinc"].notna(), list(_COLUMNS)].copy()
    rows["cinc"] = rows["cinc"].astype(float)
    rows["stateabb"] = rows["stateabb"].astype(object)
    rows = rows.sort_values(["year", "cinc"], ascending=[True, False], kind="stable")
    rank = rows.groupby("year").cumcount()
    top = rows[rank == 0].set_index("year")
    second = rows[rank == 1].set_index("year")
    out = pd.DataFrame({"leader": top["stateabb"], "leader_cinc": top["cinc"]})
    out["second"] = second["stateabb"].reindex(out.index)
    out["second_cinc"] = second["cinc"].reindex(out.index)
    out.index = out.index.astype(int)
    return out


def _years(years) -> tuple[int, int]:
    try:
        start, end = (int(y) for y in years)
    except (TypeError, ValueError):
        raise InputError(f"years must be a pair of whole years such as (1990, 2016); "
                         f"got {years!r}") from None
    if start > end:
        raise InputError(f"the year range {start}–{end} runs backwards; "
                         f"put the earlier year first")
    return start, end


def compare_with_leader(capabilities: pd.DataFrame, power: str, years,
                        table: pd.DataFrame | None = None) -> pd.DataFrame:
    """One power's CINC beside the largest other state's CINC, for each year of a range.

    Parameters
    ----------
    capabilities : pandas.DataFrame
        Columns ``stateabb``, ``year``, ``cinc`` (COW NMC, one row per state-year).
    power : str
        COW state abbreviation, e.g. ``"USA"``, ``"UKG"``, ``"CHN"``.
    years : tuple of int
        First and last year, both included.
    table : pandas.DataFrame, optional
        The output of :func:`leaders` for ``capabilities``, if already computed.

    Returns
    -------
    pandas.DataFrame
        One row per year in which the power has a CINC value: ``year``, ``cinc``,
        ``rival`` (largest other state), ``rival_cinc`` and ``leads`` (True when the
        power's CINC is the largest of all states that year).

    Raises
    ------
    InputError
        For an unknown power, a backwards range, or a range with no data for the power.
    """
    _check_columns(capabilities)
    start, end = _years(years)
    known = set(capabilities["stateabb"].dropna().astype(str))
    if power not in known:
        choices = ", ".join(p for p in POWERS if p in known) or ", ".join(sorted(known)[:10])
        raise InputError(f"no state with the abbreviation {power!r} in the capabilities "
                         f"table; try one of {choices}")
    table = leaders(capabilities) if table is None else table
    mine = capabilities.loc[(capabilities["stateabb"] == power)
                            & capabilities["year"].between(start, end)
                            & capabilities["cinc"].notna(), ["year", "cinc"]]
    if mine.empty:
        raise InputError(f"{_label(power)} has no CINC value between {start} and {end}; "
                         f"choose other years")
    mine = mine.astype({"year": int, "cinc": float}).sort_values("year")
    top = table.reindex(mine["year"].to_numpy())
    leads = (top["leader"].to_numpy() == power)
    out = pd.DataFrame({
        "year": mine["year"].to_numpy(),
        "cinc": mine["cinc"].to_numpy(),
        "rival": top["leader"].where(~leads, top["second"]).to_numpy(),
        "rival_cinc": top["leader_cinc"].where(~leads, top["second_cinc"]).to_numpy(),
        "leads": leads,
    })
    return out


def verdict(table: pd.DataFrame, power: str, years) -> str:
    """One plain sentence summarising :func:`compare_with_leader`'s table.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": [2000, 2001], "cinc": [0.14, 0.15],
    ...                   "rival": ["CHN", "CHN"], "rival_cinc": [0.16, 0.14],
    ...                   "leads": [False, True]})
    >>> print(verdict(t, "USA", (2000, 2001)))  # doctest: +NORMALIZE_WHITESPACE
    By CINC, the United States had the largest share of world capabilities in 1 of 2
    years from 2000 to 2001; in the other year China was larger. Its CINC went from
    0.140 in 2000 to 0.150 in 2001.
    """
    start, end = _years(years)
    n, n_lead = len(table), int(table["leads"].sum())
    span = f"{n} years" if n != 1 else "1 year"
    others = table.loc[~table["leads"], "rival"].value_counts()
    names = [_name(p) for p in others.index[:2]]
    who = " or ".join(names) if len(others) <= 2 else ", ".join(names) + " or another state"
    if n_lead == 0:
        sentence = (f"By CINC, {_name(power)} never had the largest share of world "
                    f"capabilities from {start} to {end}: in "
                    f"{'that year' if n == 1 else f'each of the {n} years'} {who} was larger.")
    else:
        sentence = (f"By CINC, {_name(power)} had the largest share of world capabilities "
                    f"in {n_lead} of {span} from {start} to {end}")
        rest = n - n_lead
        sentence += "." if rest == 0 else (
            f"; in the other {'year' if rest == 1 else f'{rest} years'} {who} was larger.")
    first, last = table.iloc[0], table.iloc[-1]
    sentence += (f" Its CINC went from {first['cinc']:.3f} in {int(first['year'])} "
                 f"to {last['cinc']:.3f} in {int(last['year'])}.")
    missing = (end - start + 1) - n
    if missing:
        sentence += f" (No CINC value for {missing} of the years in the range.)"
    return sentence


@lru_cache(maxsize=1)
def _capabilities() -> tuple[pd.DataFrame, pd.DataFrame]:
    from course import data

    caps = data.load("capabilities")
    caps = caps[list(_COLUMNS)].copy()
    return caps, leaders(caps)


@lru_cache(maxsize=32)
def _rows_of(power: str) -> pd.DataFrame | None:
    """The cached table's rows for one state (a widget change then filters ~200 rows)."""
    caps = _capabilities()[0]
    rows = caps[caps["stateabb"] == power]
    return rows if len(rows) else None


def tour_view(power: str = "USA", years=(1990, 2016),
              capabilities: pd.DataFrame | None = None) -> View:
    """The explorer's pure view: table, chart and verdict for one power and year range.

    Parameters
    ----------
    power : str
        COW abbreviation of the power (see :data:`POWERS`).
    years : tuple of int
        First and last year, both included.
    capabilities : pandas.DataFrame, optional
        A capabilities table; by default ``course.data.load("capabilities")`` (cached).

    Returns
    -------
    View
        ``chart`` (Altair), ``verdict`` (str) and ``table`` (the DataFrame charted).

    Examples
    --------
    >>> import pandas as pd
    >>> caps = pd.DataFrame({"stateabb": ["UKG", "USA", "UKG", "USA"],
    ...                      "year": [1890, 1890, 1900, 1900], "cinc": [.2, .15, .17, .19]})
    >>> tour_view("UKG", (1890, 1900), capabilities=caps).table["leads"].tolist()
    [True, False]
    """
    from course.charts.tour import leader_chart

    if capabilities is None:
        caps, table = _capabilities()
        caps = _rows_of(power) if _rows_of(power) is not None else caps
    else:
        caps, table = capabilities, None
    result = compare_with_leader(caps, power, years, table=table)
    chart = leader_chart(result, power_name=_label(power), source=SOURCE)
    return View(chart=chart, verdict=verdict(result, power, years), table=result,
                details={"power": power, "years": _years(years)})


@self_check
def check_overtake(year, challenger: str = "CHN", leader: str = "USA", since: int = 1946,
                   capabilities: pd.DataFrame | None = None) -> str:
    """Self-check: is ``year`` the first year since ``since`` with challenger's CINC above leader's?

    Returns a message that says whether the answer holds and, if not, where to look.
    It checks a property of the data, so it never prints the answer.

    Examples
    --------
    >>> import pandas as pd
    >>> caps = pd.DataFrame({"stateabb": ["USA", "CHN"] * 3, "year": [1990, 1990, 1991,
    ...                      1991, 1992, 1992], "cinc": [.2, .1, .2, .21, .2, .22]})
    >>> print(check_overtake(1992, capabilities=caps, since=1990))
    Not yet: China was ahead in 1992, but it was already ahead in an earlier year. Look earlier.
    >>> print(check_overtake(1991, capabilities=caps, since=1990))
    Correct: 1991 is the first year since 1990 in which China's CINC is above the United States'.
    """
    if year is None or year is ...:
        return "Not answered yet: replace None with a year, e.g. 1975, and run the cell again."
    try:
        year = int(year)
    except (TypeError, ValueError):
        return f"Not yet: the answer must be a year (a whole number), not {year!r}."
    caps = _capabilities()[0] if capabilities is None else capabilities
    _check_columns(caps)
    wide = (caps[caps["stateabb"].isin([challenger, leader]) & caps["cinc"].notna()]
            .astype({"cinc": float})
            .pivot_table(index="year", columns="stateabb", values="cinc")
            .dropna())
    wide = wide[wide.index >= since]
    ahead = wide[challenger] > wide[leader]
    c_name, l_name = _label(challenger), _name(leader)
    if year not in wide.index:
        return f"Not yet: there are no CINC values for both states in {year} (since {since})."
    if not ahead.loc[year]:
        return (f"Not yet: in {year} {_possessive(c_name)} CINC "
                f"({wide.loc[year, challenger]:.3f}) was below {_possessive(l_name)} "
                f"({wide.loc[year, leader]:.3f}). Look later.")
    if ahead[ahead.index < year].any():
        return (f"Not yet: {c_name} was ahead in {year}, but it was already ahead in an "
                f"earlier year. Look earlier.")
    return (f"Correct: {year} is the first year since {since} in which "
            f"{_possessive(c_name)} CINC is above {_possessive(l_name)}.")


def tour_explorer(power: str = "USA", years=(1990, 2016)) -> Explorer:
    """The lesson-00 explorer: a power dropdown and a year-range slider over :func:`tour_view`."""
    import ipywidgets as widgets

    from course.widgets.controls import YearRange

    caps, _ = _capabilities()
    first, last = int(caps["year"].min()), int(caps["year"].max())
    present = set(caps["stateabb"].astype(str))
    options = [(_label(p), p) for p in POWERS if p in present]
    controls = {
        "power": widgets.Dropdown(options=options, value=power, description="Power"),
        "years": YearRange(years, min=first, max=last, description="Years"),
    }
    return Explorer(tour_view, controls, title="Who led the world in material capabilities?")
