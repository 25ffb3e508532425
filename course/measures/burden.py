"""Burden-sharing in NATO: who pays, relative to size, and how that changed over time.

Pure functions over the course tables (claim C6 and the spending half of C7):

* :func:`size_burden_correlation` — Olson & Zeckhauser's (1966) test. For each year, the
  Spearman rank correlation between an ally's size (GDP, Maddison Project Database 2020,
  to 2018) and its burden (military spending as a share of GDP, SIPRI) among the NATO
  members of that year. A clearly positive correlation means the big allies carry
  disproportionate burdens ("exploitation of the great by the small").
* :func:`us_share_cow` and :func:`us_share_nato` — the US share of allied military
  spending. The two use **different definitions** and are never combined into one number:
  COW NMC ``milex`` (thousands of *current* US dollars, 1949–2016, the COW project's
  compilation largely from SIPRI and ACDA) and NATO's own *defence expenditure* in
  constant 2015 prices and exchange rates (NATO definition, which counts e.g. pensions
  and some paramilitary forces, 2014–2024).
* :func:`european_burden` and :func:`period_means` — European allies' spending before and
  after the essay's 2012 forecast ([P10]), and after 2014 (Crimea, Wales pledge) and 2022
  (full-scale invasion of Ukraine).

The functions take DataFrames so tests can pass tiny hand-made tables; the
``*_from_course_data`` helpers load the shipped tables with :func:`course.data.load`.

Country codes: West Germany (COW 260) is treated as Germany (COW 255), NATO's member
from 1955; in 1990, when COW has both, the West German row is kept.

Examples
--------
>>> import pandas as pd
>>> spearman(pd.Series([1, 2, 3, 4]), pd.Series([10, 30, 20, 40]))
0.8
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from course.errors import DataError, InputError
from course.measures.common import year_range

__all__ = [
    "EUROPE_EXCLUDES",
    "PERIODS",
    "european_burden",
    "european_burden_from_course_data",
    "european_spending_nato",
    "members_by_year",
    "period_means",
    "size_burden_correlation",
    "size_burden_from_course_data",
    "size_burden_table",
    "spearman",
    "us_share_cow",
    "us_share_from_course_data",
    "us_share_nato",
]

#: COW codes merged into one NATO member: West Germany (260) -> Germany (255).
CCODE_ALIASES = {260: 255}
#: NATO members outside Europe: United States (2) and Canada (20).
EUROPE_EXCLUDES = (2, 20)
US_CCODE = 2
#: Periods used to check the essay's 2012 forecast (inclusive year ranges).
PERIODS = {
    "2008-2011 (before the essay)": (2008, 2011),
    "2012-2014 (essay to Crimea)": (2012, 2014),
    "2015-2021 (after Crimea)": (2015, 2021),
    "2022-2024 (after the invasion of Ukraine)": (2022, 2024),
}


def _require(frame, columns: Iterable[str], what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{what} lacks column(s) {missing}; it needs {list(columns)} "
                         f"(has {list(frame.columns)})")
    return frame


def _canonical(codes: pd.Series) -> pd.Series:
    return pd.to_numeric(codes, errors="coerce").astype("Int64").replace(CCODE_ALIASES)


def _years(years, default: tuple[int, int]) -> tuple[int, int]:
    if years is None:
        return default
    try:
        first, last = years
    except (TypeError, ValueError):
        raise InputError(f"years must be a pair (first, last) of integers, got {years!r}") \
            from None
    return year_range(first, last)


def _dedupe_germany(frame: pd.DataFrame, original: pd.Series) -> pd.DataFrame:
    """After aliasing 260 -> 255, keep the West German row where a year has both."""
    frame = frame.assign(_was_alias=original.isin(list(CCODE_ALIASES)).to_numpy())
    frame = frame.sort_values("_was_alias", ascending=False, kind="stable")
    frame = frame.drop_duplicates(subset=["ccode", "year"], keep="first")
    return frame.drop(columns="_was_alias").sort_values(["year", "ccode"], kind="stable")


def spearman(x: pd.Series, y: pd.Series) -> float:
    """Spearman's rank correlation: the Pearson correlation of the two sets of ranks.

    Ties get their average rank. Pairs with a missing value are dropped.

    Parameters
    ----------
    x, y : pandas.Series
        Two numeric series of the same length.

    Returns
    -------
    float
        Between -1 and 1; ``nan`` with fewer than 3 complete pairs or a constant series.

    Examples
    --------
    >>> import pandas as pd
    >>> spearman(pd.Series([1.0, 2.0, 3.0]), pd.Series([3.0, 2.0, 1.0]))
    -1.0
    """
    x = pd.Series(x).reset_index(drop=True)
    y = pd.Series(y).reset_index(drop=True)
    if len(x) != len(y):
        raise InputError(f"spearman: x has {len(x)} values and y {len(y)}; they must match")
    both = pd.DataFrame({"x": pd.to_numeric(x, errors="coerce"),
                         "y": pd.to_numeric(y, errors="coerce")}).dropna()
    if len(both) < 3:
        return math.nan
    rx = both["x"].rank(method="average").astype(float)
    ry = both["y"].rank(method="average").astype(float)
    dx, dy = rx - rx.mean(), ry - ry.mean()
    denom = math.sqrt(float((dx * dx).sum()) * float((dy * dy).sum()))
    if denom == 0:
        return math.nan
    return round(float((dx * dy).sum()) / denom, 12)


def members_by_year(members: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    """The NATO members of each year: one row per (year, member).

    A country counts as a member from its ``accession_year`` on, up to the year of its
    ``exit_date`` if the table has one (the German Federal Republic, 260, gives way to
    Germany, 255, in 1990; both count as Germany here). France left the integrated
    command in 1966 but stayed a member.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"country": ["A", "B"], "ccode": [2, 20],
    ...                   "accession_year": [1949, 1951]})
    >>> members_by_year(m, (1950, 1951))[["year", "ccode"]].values.tolist()
    [[1950, 2], [1951, 2], [1951, 20]]
    """
    _require(members, ["country", "ccode", "accession_year"], "the NATO members table")
    first, last = _years(years, (1949, 2024))
    rows = []
    joined = pd.to_numeric(members["accession_year"], errors="coerce")
    if "exit_date" in members.columns:
        left = pd.to_datetime(members["exit_date"], errors="coerce").dt.year
    else:
        left = pd.Series(float("nan"), index=members.index)
    rows = []
    for year in range(first, last + 1):
        now = members[(joined <= year) & (left.isna() | (left >= year))]
        rows.append(pd.DataFrame({"year": year, "ccode": _canonical(now["ccode"]).to_numpy(),
                                  "country": now["country"].astype(str).to_numpy()}))
    out = pd.concat(rows, ignore_index=True)
    out["year"] = out["year"].astype("int64")
    # 1990: the German Federal Republic and Germany are one member (first name kept)
    return out.drop_duplicates(["year", "ccode"], keep="first").reset_index(drop=True)


def _prepare(gdp: pd.DataFrame, burden: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    _require(gdp, ["ccode", "year", "gdp"], "the GDP table")
    _require(burden, ["ccode", "year", "milex_share_gdp"], "the military burden table")
    g = gdp[["ccode", "year", "gdp"]].copy()
    b = burden[["ccode", "year", "milex_share_gdp"]].copy()
    for frame in (g, b):
        frame["ccode"] = _canonical(frame["ccode"])
        frame["year"] = pd.to_numeric(frame["year"]).astype("int64")
    g["gdp"] = pd.to_numeric(g["gdp"], errors="coerce").astype(float)
    b["milex_share_gdp"] = pd.to_numeric(b["milex_share_gdp"], errors="coerce").astype(float)
    g = g.dropna().drop_duplicates(["ccode", "year"])
    b = b.dropna().drop_duplicates(["ccode", "year"])
    return g, b


def _ranked(who: pd.DataFrame, g: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    out = who.merge(g, on=["year", "ccode"], how="inner").merge(b, on=["year", "ccode"],
                                                                how="inner")
    by_year = out.groupby("year")
    out["gdp_rank"] = by_year["gdp"].rank(ascending=False, method="average")
    out["burden_rank"] = by_year["milex_share_gdp"].rank(ascending=False, method="average")
    return out


def size_burden_table(gdp: pd.DataFrame, burden: pd.DataFrame, members: pd.DataFrame,
                      year: int) -> pd.DataFrame:
    """NATO members in ``year`` with their GDP, burden and ranks (1 = largest).

    Parameters
    ----------
    gdp : DataFrame with ``ccode``, ``year``, ``gdp``
    burden : DataFrame with ``ccode``, ``year``, ``milex_share_gdp`` (a fraction)
    members : DataFrame with ``country``, ``ccode``, ``accession_year``
    year : int

    Returns
    -------
    DataFrame
        ``country``, ``ccode``, ``gdp``, ``milex_share_gdp``, ``gdp_rank``,
        ``burden_rank``; members lacking either value are dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"country": ["A", "B", "C"], "ccode": [1, 2, 3],
    ...                   "accession_year": [1949] * 3})
    >>> g = pd.DataFrame({"ccode": [1, 2, 3], "year": 1960, "gdp": [5.0, 3.0, 1.0]})
    >>> b = pd.DataFrame({"ccode": [1, 2, 3], "year": 1960,
    ...                   "milex_share_gdp": [0.04, 0.05, 0.02]})
    >>> size_burden_table(g, b, m, 1960)[["country", "gdp_rank", "burden_rank"]].values.tolist()
    [['A', 1.0, 2.0], ['B', 2.0, 1.0], ['C', 3.0, 3.0]]
    """
    g, b = _prepare(gdp, burden)
    year = int(year)
    out = _ranked(members_by_year(members, (year, year)), g, b)
    return (out.drop(columns="year").sort_values("gdp_rank", kind="stable")
            .reset_index(drop=True))


def size_burden_correlation(gdp: pd.DataFrame, burden: pd.DataFrame, members: pd.DataFrame,
                            years: tuple[int, int] | None = None,
                            min_allies: int = 5) -> pd.DataFrame:
    """Year-by-year Spearman correlation of size (GDP) and burden (milex / GDP) in NATO.

    Parameters
    ----------
    gdp, burden, members : DataFrame
        As for :func:`size_burden_table`.
    years : (int, int), optional
        First and last year (default 1949–2018, the years with Maddison GDP).
    min_allies : int, default 5
        Years with fewer members having both values get ``rho = nan``.

    Returns
    -------
    DataFrame
        ``year``, ``n_members`` (NATO members that year), ``n_used`` (members with both
        values), ``rho`` (Spearman's rank correlation), ``largest`` (the member with the
        largest GDP), ``largest_burden_rank``.

    Raises
    ------
    InputError
        If a table lacks a column or the years are reversed.
    """
    first, last = _years(years, (1949, 2018))
    if int(min_allies) < 3:
        raise InputError("min_allies must be at least 3 (a rank correlation needs 3 points)")
    g, b = _prepare(gdp, burden)
    who = members_by_year(members, (first, last))
    ranked = _ranked(who, g, b)
    counts = who.groupby("year").size()
    rows = []
    for year in range(first, last + 1):
        table = ranked[ranked["year"] == year].sort_values("gdp_rank", kind="stable")
        rho = (spearman(table["gdp"], table["milex_share_gdp"])
               if len(table) >= int(min_allies) else math.nan)
        rows.append({
            "year": year, "n_members": int(counts.get(year, 0)), "n_used": len(table),
            "rho": rho,
            "largest": table["country"].iloc[0] if len(table) else None,
            "largest_burden_rank": (float(table["burden_rank"].iloc[0])
                                    if len(table) else math.nan),
        })
    return pd.DataFrame(rows)


def us_share_cow(capabilities: pd.DataFrame, members: pd.DataFrame,
                 years: tuple[int, int] | None = None) -> pd.DataFrame:
    """US share of NATO members' military spending, COW NMC definition (current US$).

    Uses ``milex`` (thousands of current US dollars from 1914) for the members of each
    year. Members with missing spending are left out of the total and counted in
    ``n_missing``.

    Returns
    -------
    DataFrame
        ``year``, ``us``, ``allies_total`` (including the US), ``us_share``,
        ``n_members``, ``n_missing``, ``definition``, ``unit``.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"country": ["US", "UK"], "ccode": [2, 200],
    ...                   "accession_year": [1949, 1949]})
    >>> c = pd.DataFrame({"ccode": [2, 200], "year": [1950, 1950], "milex": [300, 100]})
    >>> us_share_cow(c, m, (1950, 1950))["us_share"].tolist()
    [0.75]
    """
    _require(capabilities, ["ccode", "year", "milex"], "the capabilities table")
    first, last = _years(years, (1949, 2016))
    if first < 1914:
        raise InputError("COW milex is in British pounds before 1914; start at 1914 or later")
    caps = capabilities[(pd.to_numeric(capabilities["year"]) >= first)
                        & (pd.to_numeric(capabilities["year"]) <= last)]
    caps = caps[["ccode", "year", "milex"]].copy()
    original = pd.to_numeric(caps["ccode"], errors="coerce")
    caps["ccode"] = _canonical(caps["ccode"])
    caps["year"] = pd.to_numeric(caps["year"]).astype("int64")
    caps["milex"] = pd.to_numeric(caps["milex"], errors="coerce").astype(float)
    caps.loc[caps["milex"] < 0, "milex"] = math.nan  # COW's -9 = missing
    caps = _dedupe_germany(caps, original)
    who = members_by_year(members, (first, last))
    joined = who.merge(caps, on=["year", "ccode"], how="left")
    rows = []
    for year, group in joined.groupby("year", sort=True):
        us = group.loc[group["ccode"] == US_CCODE, "milex"]
        total = group["milex"].sum(min_count=1)
        us_value = float(us.iloc[0]) if len(us) and pd.notna(us.iloc[0]) else math.nan
        rows.append({"year": int(year), "us": us_value, "allies_total": float(total),
                     "us_share": us_value / float(total) if total else math.nan,
                     "n_members": len(group), "n_missing": int(group["milex"].isna().sum())})
    out = pd.DataFrame(rows)
    out["definition"] = "COW NMC military expenditure, thousand current US$"
    out["unit"] = "thousand current US$"
    return out


def _nato_measure(nato: pd.DataFrame, measure: str) -> pd.DataFrame:
    _require(nato, ["country", "ccode", "year", "measure", "value"], "the NATO expenditure table")
    available = sorted(nato["measure"].dropna().astype(str).unique())
    if measure not in available:
        raise InputError(f"unknown NATO measure {measure!r}; choose one of {available}")
    return nato[nato["measure"].astype(str) == measure]


def _only_members(data: pd.DataFrame, members, first: int, last: int) -> pd.DataFrame:
    if members is None:
        return data
    who = members_by_year(members, (first, last))[["year", "ccode"]]
    data = data.assign(year=pd.to_numeric(data["year"]).astype("int64"),
                       ccode=_canonical(data["ccode"]))
    return data.merge(who, on=["year", "ccode"], how="inner")


def us_share_nato(nato: pd.DataFrame, measure: str,
                  years: tuple[int, int] | None = None,
                  members: pd.DataFrame | None = None) -> pd.DataFrame:
    """US share of NATO members' defence expenditure, NATO definition (one NATO measure).

    Parameters
    ----------
    nato : DataFrame
        The ``nato_expenditure`` table (``country``, ``ccode``, ``year``, ``measure``,
        ``value``; rows with a missing ``ccode`` are NATO aggregates and are ignored).
    measure : str
        Which NATO measure to sum, e.g. the constant-price series in US dollars.
    years : (int, int), optional
        Default 2014–2024.
    members : DataFrame, optional
        The NATO members table. If given, only the members of each year are summed (the
        2024 NATO tables include Finland and Sweden back to 2014, before they joined).

    Returns
    -------
    DataFrame
        Same columns as :func:`us_share_cow`.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"country": ["United States", "France", "NATO Total"],
    ...                   "ccode": [2, 220, None], "year": 2020, "measure": "m",
    ...                   "value": [700.0, 50.0, 750.0], "unit": "million US$"})
    >>> round(float(us_share_nato(t, "m", (2020, 2020))["us_share"].iloc[0]), 4)
    0.9333
    """
    first, last = _years(years, (2014, 2024))
    data = _nato_measure(nato, measure)
    data = data[pd.to_numeric(data["ccode"], errors="coerce").notna()]
    data = data[(pd.to_numeric(data["year"]) >= first) & (pd.to_numeric(data["year"]) <= last)]
    data = _only_members(data, members, first, last)
    if data.empty:
        raise InputError(f"no NATO {measure!r} values between {first} and {last}; "
                         "the NATO tables cover 2014-2024")
    rows = []
    for year, group in data.groupby(pd.to_numeric(data["year"]).astype(int), sort=True):
        values = pd.to_numeric(group["value"], errors="coerce").astype(float)
        codes = _canonical(group["ccode"])
        us = values[(codes == US_CCODE).to_numpy()]
        total = values.sum(min_count=1)
        rows.append({"year": int(year), "us": float(us.iloc[0]) if len(us) else math.nan,
                     "allies_total": float(total),
                     "us_share": float(us.iloc[0]) / float(total) if len(us) else math.nan,
                     "n_members": len(group), "n_missing": int(values.isna().sum())})
    out = pd.DataFrame(rows)
    unit = str(group["unit"].iloc[0]) if "unit" in group.columns else measure
    out["definition"] = f"NATO definition of defence expenditure, {unit}"
    out["unit"] = unit
    return out


def european_burden(burden: pd.DataFrame, members: pd.DataFrame,
                    years: tuple[int, int] | None = None,
                    statistic: str = "median") -> pd.DataFrame:
    """European NATO members' military burden (SIPRI share of GDP) per year.

    Parameters
    ----------
    burden : DataFrame with ``ccode``, ``year``, ``milex_share_gdp``
    members : NATO members table
    years : (int, int), optional
        Default 1990–2024.
    statistic : {"median", "mean"}
        How to summarise the members of a year (unweighted: each ally counts once).

    Returns
    -------
    DataFrame
        ``year``, ``value`` (a fraction of GDP), ``n_used``, ``n_members``, ``statistic``.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"country": ["US", "FR", "UK", "DE"], "ccode": [2, 220, 200, 255],
    ...                   "accession_year": [1949, 1949, 1949, 1955]})
    >>> b = pd.DataFrame({"ccode": [2, 220, 200, 255], "year": 2000,
    ...                   "milex_share_gdp": [0.03, 0.025, 0.024, 0.015]})
    >>> european_burden(b, m, (2000, 2000))["value"].tolist()
    [0.024]
    """
    if statistic not in ("median", "mean"):
        raise InputError(f"statistic must be 'median' or 'mean', got {statistic!r}")
    _require(burden, ["ccode", "year", "milex_share_gdp"], "the military burden table")
    first, last = _years(years, (1990, 2024))
    who = members_by_year(members, (first, last))
    who = who[~who["ccode"].isin(EUROPE_EXCLUDES)]
    b = burden[["ccode", "year", "milex_share_gdp"]].copy()
    b["ccode"] = _canonical(b["ccode"])
    b["year"] = pd.to_numeric(b["year"]).astype("int64")
    b = b.drop_duplicates(["ccode", "year"])
    joined = who.merge(b, on=["year", "ccode"], how="left")
    joined["milex_share_gdp"] = joined["milex_share_gdp"].astype(float)
    grouped = joined.groupby("year", sort=True)["milex_share_gdp"]
    out = pd.DataFrame({
        "value": grouped.median() if statistic == "median" else grouped.mean(),
        "n_used": grouped.count(),
        "n_members": grouped.size(),
    }).reset_index()
    out["statistic"] = statistic
    return out


def european_spending_nato(nato: pd.DataFrame, measure: str,
                           years: tuple[int, int] | None = None,
                           members: pd.DataFrame | None = None) -> pd.DataFrame:
    """Total defence expenditure of the European allies in one NATO measure, per year.

    Only allies with a value in *every* year of the range are summed, so the total does
    not jump when a country enters the table. With ``members`` given, only countries that
    were NATO members in every year of the range count (the 2024 tables also list
    Finland and Sweden for years before they joined).

    Returns
    -------
    DataFrame
        ``year``, ``value``, ``n_allies``, ``unit``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"country": ["France", "France", "Finland"], "ccode": [220, 220, 375],
    ...                   "year": [2022, 2023, 2023], "measure": "m",
    ...                   "value": [50.0, 55.0, 5.0], "unit": "million US$"})
    >>> european_spending_nato(t, "m", (2022, 2023))["value"].tolist()
    [50.0, 55.0]
    """
    first, last = _years(years, (2014, 2024))
    data = _nato_measure(nato, measure).copy()
    data["ccode"] = _canonical(data["ccode"])
    data = data[data["ccode"].notna() & ~data["ccode"].isin(EUROPE_EXCLUDES)]
    data["year"] = pd.to_numeric(data["year"]).astype(int)
    data = data[(data["year"] >= first) & (data["year"] <= last)]
    data = _only_members(data, members, first, last)
    data["value"] = pd.to_numeric(data["value"], errors="coerce").astype(float)
    data = data.dropna(subset=["value"])
    if data.empty:
        raise InputError(f"no NATO {measure!r} values between {first} and {last}")
    n_years = data["year"].nunique()
    complete = data.groupby("ccode")["year"].nunique()
    keep = complete[complete == n_years].index
    data = data[data["ccode"].isin(keep)]
    out = data.groupby("year", sort=True)["value"].agg(["sum", "count"]).reset_index()
    out.columns = ["year", "value", "n_allies"]
    out["unit"] = str(data["unit"].iloc[0]) if "unit" in data.columns else ""
    return out


def period_means(series: pd.DataFrame, periods: dict | None = None,
                 value: str = "value") -> pd.DataFrame:
    """Average of a yearly series within named periods (default :data:`PERIODS`).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"year": [2010, 2011, 2012], "value": [1.0, 3.0, 5.0]})
    >>> period_means(s, {"early": (2010, 2011), "late": (2012, 2012)})["mean"].tolist()
    [2.0, 5.0]
    """
    _require(series, ["year", value], "the yearly series")
    periods = PERIODS if periods is None else periods
    rows = []
    for name, (first, last) in periods.items():
        inside = series[(series["year"] >= first) & (series["year"] <= last)][value]
        inside = pd.to_numeric(inside, errors="coerce").dropna()
        rows.append({"period": name, "first": first, "last": last,
                     "mean": float(inside.mean()) if len(inside) else math.nan,
                     "n_years": int(len(inside))})
    return pd.DataFrame(rows)


# --- convenience: the shipped tables -------------------------------------------------

def _load(name: str) -> pd.DataFrame:
    try:
        from course import data as course_data
    except ImportError as error:  # pragma: no cover - the data package ships with the course
        raise DataError(f"the course data package is not available: {error}") from None
    return course_data.load(name)


def size_burden_from_course_data(years: tuple[int, int] | None = None,
                                 min_allies: int = 5) -> pd.DataFrame:
    """:func:`size_burden_correlation` on the shipped ``gdp``, ``military_burden`` and
    ``nato_members`` tables."""
    return size_burden_correlation(_load("gdp"), _load("military_burden"),
                                   _load("nato_members"), years, min_allies)


def us_share_from_course_data(nato_measure: str | None = None) -> pd.DataFrame:
    """Both US-share series stacked (one row per year and definition, never mixed)."""
    members = _load("nato_members")
    cow = us_share_cow(_load("capabilities"), members)
    nato = _load("nato_expenditure")
    measure = nato_measure or constant_price_measure(nato)
    return pd.concat([cow, us_share_nato(nato, measure, members=members)], ignore_index=True)


def european_burden_from_course_data(years=None, statistic: str = "median") -> pd.DataFrame:
    """:func:`european_burden` on the shipped tables."""
    return european_burden(_load("military_burden"), _load("nato_members"), years, statistic)


def constant_price_measure(nato: pd.DataFrame) -> str:
    """Name of the NATO measure in constant prices and US dollars (absolute amounts)."""
    _require(nato, ["measure"], "the NATO expenditure table")
    names = sorted(nato["measure"].dropna().astype(str).unique())
    units = (nato.drop_duplicates("measure").set_index("measure")["unit"].astype(str)
             if "unit" in nato.columns else pd.Series(dtype=str))
    for name in names:
        unit = units.get(name, "")
        text = f"{name} {unit}".lower()
        if "constant" in text and ("usd" in text or "us$" in text or "dollar" in text) \
                and "capita" not in text and "%" not in text and "share" not in text:
            return name
    raise DataError(f"no constant-price US-dollar measure in nato_expenditure; measures are "
                    f"{names}")
