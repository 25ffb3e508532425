"""Burden-sharing in NATO: who pays, relative to size, and how that changed over time.

Pure functions over the course tables (claim C6 and the spending half of C7):

* :func:`size_burden_correlation` — Olson & Zeckhauser's (1966) test. For each year, the
  Spearman rank correlation between an ally's size (GDP, Maddison Project Database 2020,
  to 2018) and its burden (military spending as a share of GDP, SIPRI) among the NATO
  members of that year, with its two-sided p-value (:func:`spearman_test`). A clearly
  positive correlation means the big allies carry disproportionate burdens
  ("exploitation of the great by the small"); ``exclude=[2]`` asks whether that holds
  without the United States. :func:`size_burden_nato` runs the same test on NATO's own
  tables, 2014–2024 (GDP = spending ÷ share of GDP), and :func:`significance_counts`
  counts the years in which the correlation is significant.
* :func:`size_burden_pooled` — one test for a whole period instead of one per year: the
  mean yearly rho, tested by permuting whole national series among allies who were
  members in the same years (:func:`panel_rank_test`), because yearly tests among 8 to
  28 allies have little power (:func:`rank_test_power`) and are not independent.
  :func:`exchange_rate_gdp` gives GDP at market exchange rates (as Olson and Zeckhauser
  measured size) instead of Maddison's purchasing-power GDP.
* :func:`us_share_cow` and :func:`us_share_nato` — the US share of allied military
  spending. The two use **different definitions** and are never combined into one number:
  COW NMC ``milex`` (thousands of *current* US dollars, 1949–2016, the COW project's
  compilation largely from SIPRI and ACDA) and NATO's own *defence expenditure*
  (NATO definition, 2014–2024), in constant 2015 or in current prices and exchange
  rates. Both SIPRI's and NATO's definitions include military pensions (SIPRI names the
  countries whose figures leave them out); they differ on other items (some
  paramilitary forces, for example). The price base matters as much: see lesson 04.
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
    "exchange_rate_gdp",
    "members_by_year",
    "panel_rank_test",
    "period_means",
    "rank_test_power",
    "size_burden_correlation",
    "significance_counts",
    "size_burden_from_course_data",
    "size_burden_nato",
    "size_burden_panel",
    "size_burden_pooled",
    "size_burden_table",
    "spearman",
    "spearman_test",
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


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta function I_x(a, b), by its continued fraction."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log(1 - x))
    if x > (a + 1) / (a + b + 2):  # the fraction converges fast on this side only
        return 1.0 - _incomplete_beta(b, a, 1 - x)
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    fraction = d
    for m in range(1, 500):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            fraction *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return math.exp(log_front) * fraction / a


def _two_sided_t_p(t: float, df: int) -> float:
    """Two-sided p-value of Student's t with ``df`` degrees of freedom."""
    return _incomplete_beta(df / 2, 0.5, df / (df + t * t))


def spearman_test(x: pd.Series, y: pd.Series) -> dict:
    """Spearman's rank correlation with its two-sided p-value and the number of pairs.

    The p-value uses the usual t approximation,
    ``t = rho * sqrt((n - 2) / (1 - rho**2))`` with ``n - 2`` degrees of freedom (the
    method of ``scipy.stats.spearmanr``); it asks how often a correlation at least this
    far from 0 would arise by chance among ``n`` allies if size and burden were unrelated.
    With the 8 to 31 allies of a NATO year (8 to 28 with SIPRI and Maddison, 27 to 31 on
    NATO's tables) only a correlation of about 0.36 to 0.71 or more reaches p < 0.05.

    Returns
    -------
    dict with ``rho``, ``p_value`` and ``n`` (``nan`` values with fewer than 3 pairs).

    Examples
    --------
    >>> import pandas as pd
    >>> result = spearman_test(pd.Series(range(12)), pd.Series([1, 0, 3, 2, 5, 4, 7, 6,
    ...                                                        9, 8, 11, 10]))
    >>> round(result["rho"], 3), result["p_value"] < 0.001, result["n"]
    (0.958, True, 12)
    >>> round(_two_sided_t_p(2.228138852, 10), 4)  # the 5% critical value of t(10)
    0.05
    """
    both = pd.DataFrame({"x": pd.to_numeric(pd.Series(x).reset_index(drop=True),
                                            errors="coerce"),
                         "y": pd.to_numeric(pd.Series(y).reset_index(drop=True),
                                            errors="coerce")}).dropna()
    n = len(both)
    rho = spearman(both["x"], both["y"])
    if n < 3 or math.isnan(rho):
        return {"rho": rho, "p_value": math.nan, "n": n}
    if abs(rho) >= 1:
        return {"rho": rho, "p_value": 0.0, "n": n}
    t = rho * math.sqrt((n - 2) / (1 - rho * rho))
    return {"rho": rho, "p_value": _two_sided_t_p(t, n - 2), "n": n}


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
                            min_allies: int = 5, exclude: Iterable[int] = ()
                            ) -> pd.DataFrame:
    """Year-by-year Spearman correlation of size (GDP) and burden (milex / GDP) in NATO.

    Parameters
    ----------
    gdp, burden, members : DataFrame
        As for :func:`size_burden_table`.
    years : (int, int), optional
        First and last year (default 1949–2018, the years with Maddison GDP).
    min_allies : int, default 5
        Years with fewer members having both values get ``rho = nan``.
    exclude : iterable of int, optional
        COW codes of members to leave out (``[2]``: without the United States).

    Returns
    -------
    DataFrame
        ``year``, ``n_members`` (NATO members that year, after ``exclude``), ``n_used``
        (members with both values), ``rho`` (Spearman's rank correlation), ``p_value``
        (two-sided, :func:`spearman_test`), ``largest`` (the member with the largest
        GDP), ``largest_burden_rank``.

    Raises
    ------
    InputError
        If a table lacks a column or the years are reversed.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"country": list("ABCDEF"), "ccode": [1, 2, 3, 4, 5, 6],
    ...                   "accession_year": [1949] * 6})
    >>> g = pd.DataFrame({"ccode": [1, 2, 3, 4, 5, 6], "year": 1960,
    ...                   "gdp": [60.0, 50, 40, 30, 20, 10]})
    >>> b = pd.DataFrame({"ccode": [1, 2, 3, 4, 5, 6], "year": 1960,
    ...                   "milex_share_gdp": [0.06, 0.05, 0.01, 0.04, 0.03, 0.02]})
    >>> row = size_burden_correlation(g, b, m, (1960, 1960)).iloc[0]
    >>> round(float(row["rho"]), 3), round(float(row["p_value"]), 3)
    (0.657, 0.156)
    >>> float(size_burden_correlation(g, b, m, (1960, 1960), exclude=[1])["rho"].iloc[0])
    0.4
    """
    first, last = _years(years, (1949, 2018))
    if int(min_allies) < 3:
        raise InputError("min_allies must be at least 3 (a rank correlation needs 3 points)")
    g, b = _prepare(gdp, burden)
    who = members_by_year(members, (first, last))
    excluded = [CCODE_ALIASES.get(int(c), int(c)) for c in exclude]
    who = who[~who["ccode"].isin(excluded)]
    ranked = _ranked(who, g, b)
    counts = who.groupby("year").size()
    rows = []
    for year in range(first, last + 1):
        table = ranked[ranked["year"] == year].sort_values("gdp_rank", kind="stable")
        test = (spearman_test(table["gdp"], table["milex_share_gdp"])
                if len(table) >= int(min_allies) else {"rho": math.nan, "p_value": math.nan})
        rows.append({
            "year": year, "n_members": int(counts.get(year, 0)), "n_used": len(table),
            "rho": test["rho"], "p_value": test["p_value"],
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


def nato_size_and_burden(nato: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """GDP and military burden of each ally and year, from NATO's own tables.

    NATO publishes defence expenditure in constant 2015 US dollars
    (``usd_constant_2015``) and as a percentage of real GDP (``share_gdp``), so real
    GDP in 2015 dollars is spending ÷ (share / 100). Rows without a country code (the
    NATO aggregates) are dropped.

    Returns
    -------
    (gdp, burden) : DataFrames shaped like the course's ``gdp`` (``ccode, year, gdp``,
    million 2015 US$) and ``military_burden`` (``ccode, year, milex_share_gdp``, a
    fraction) tables, ready for :func:`size_burden_correlation`.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"country": ["France"] * 2, "ccode": [220] * 2, "year": 2020,
    ...                   "measure": ["usd_constant_2015", "share_gdp"],
    ...                   "value": [50000.0, 2.0]})
    >>> gdp, burden = nato_size_and_burden(t)
    >>> float(gdp["gdp"].iloc[0]), float(burden["milex_share_gdp"].iloc[0])
    (2500000.0, 0.02)
    """
    spending = _nato_measure(nato, "usd_constant_2015")
    share = _nato_measure(nato, "share_gdp")
    keys = ["ccode", "year"]
    both = (spending.dropna(subset=["ccode"])[keys + ["value"]]
            .merge(share.dropna(subset=["ccode"])[keys + ["value"]], on=keys,
                   suffixes=("_usd", "_share")))
    usd = pd.to_numeric(both["value_usd"], errors="coerce").astype(float)
    pct = pd.to_numeric(both["value_share"], errors="coerce").astype(float)
    pct = pct.where(pct > 0)
    gdp = pd.DataFrame({"ccode": both["ccode"].to_numpy(), "year": both["year"].to_numpy(),
                        "gdp": (usd / (pct / 100)).to_numpy()})
    burden = pd.DataFrame({"ccode": both["ccode"].to_numpy(), "year": both["year"].to_numpy(),
                           "milex_share_gdp": (pct / 100).to_numpy()})
    return gdp.dropna(), burden.dropna()


def size_burden_nato(nato: pd.DataFrame, members: pd.DataFrame,
                     years: tuple[int, int] | None = None, min_allies: int = 5,
                     exclude: Iterable[int] = ()) -> pd.DataFrame:
    """:func:`size_burden_correlation` on NATO's own tables, 2014–2024.

    Size is real GDP (2015 US$) derived from NATO's spending and share-of-GDP tables
    (:func:`nato_size_and_burden`), burden is NATO's share of GDP; only the members of
    each year count (the 2024 tables list Finland and Sweden back to 2014). Iceland has
    no armed forces and no row. This extends the test past 2018, where Maddison ends.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"country": list("ABCDE"), "ccode": [1, 2, 3, 4, 5],
    ...                   "accession_year": [1949] * 5})
    >>> t = pd.DataFrame({"country": list("ABCDE") * 2, "ccode": [1, 2, 3, 4, 5] * 2,
    ...     "year": 2020, "measure": ["usd_constant_2015"] * 5 + ["share_gdp"] * 5,
    ...     "value": [50.0, 30, 20, 10, 4] + [5.0, 4, 3, 2, 1]})
    >>> float(size_burden_nato(t, m, (2020, 2020))["rho"].iloc[0])
    1.0
    """
    gdp, burden = nato_size_and_burden(nato)
    return size_burden_correlation(gdp, burden, members, _years(years, (2014, 2024)),
                                   min_allies, exclude)


def significance_counts(correlations: pd.DataFrame, periods: dict, alpha: float = 0.05
                        ) -> pd.DataFrame:
    """Per period: the years with a correlation, how many are positive, how many significant.

    Parameters
    ----------
    correlations : DataFrame
        From :func:`size_burden_correlation` (``year``, ``rho``, ``p_value``).
    periods : dict
        ``{"1950-1966": (1950, 1966), ...}``.
    alpha : float
        Significance level (two-sided p-value below it).

    Returns
    -------
    DataFrame ``period, years, positive, significant, significant_positive, mean_rho``.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"year": [1, 2, 3], "rho": [0.6, 0.2, -0.1],
    ...                   "p_value": [0.01, 0.3, 0.7]})
    >>> counts = significance_counts(c, {"all": (1, 3)})
    >>> counts[["years", "positive", "significant"]].values.tolist()
    [[3, 2, 1]]
    """
    _require(correlations, ["year", "rho", "p_value"], "the correlation table")
    if not 0 < float(alpha) < 1:
        raise InputError(f"alpha is a probability between 0 and 1, got {alpha!r}")
    rows = []
    for name, (first, last) in periods.items():
        part = correlations[(correlations["year"] >= first) & (correlations["year"] <= last)]
        part = part.dropna(subset=["rho"])
        significant = part["p_value"] < float(alpha)
        rows.append({"period": name, "years": len(part), "positive": int((part["rho"] > 0).sum()),
                     "significant": int(significant.sum()),
                     "significant_positive": int((significant & (part["rho"] > 0)).sum()),
                     "mean_rho": float(part["rho"].mean()) if len(part) else math.nan})
    return pd.DataFrame(rows)


# --- one test for many years: the pooled permutation test ----------------------------

#: How :func:`panel_rank_test` may shuffle: whole series of units, or each year on its own.
SHUFFLES = ("units", "years")
ALTERNATIVES = ("two-sided", "greater", "less")


def _centred_ranks(panel: pd.DataFrame, column: str) -> pd.Series:
    ranks = panel.groupby("year")[column].rank(method="average").astype(float)
    return ranks - ranks.groupby(panel["year"]).transform("mean")


def panel_rank_test(panel: pd.DataFrame, *, x: str = "x", y: str = "y", unit: str = "unit",
                    year: str = "year", min_units: int = 5, permutations: int = 9999,
                    seed: int = 0, alternative: str = "two-sided",
                    shuffle: str = "units") -> dict:
    """One permutation test of a rank correlation repeated over many years.

    The statistic is the **mean over years of Spearman's rho** between ``x`` and ``y``
    among the units present in each year. Ranks are taken within each year, so
    anything that moves every unit in a year together (a *year effect*: a war, a
    recession, a change of currency) drops out.

    Yearly tests are not independent: an ally that spends heavily one year usually
    does the next, so 52 yearly correlations are not 52 pieces of evidence. The test
    therefore shuffles **whole series**: under the null hypothesis that ``y`` is
    unrelated to ``x``, the ``y`` series of one unit could as well belong to another,
    so each permutation hands every unit's ``y`` series, all years at once, to another
    unit. Only units present in exactly the same years are exchanged (a *cohort*, e.g.
    the allies that joined NATO in 2004); a unit alone in its cohort keeps its own
    series in every permutation, which keeps the test exact but gives it less to work
    with. ``shuffle="years"`` instead shuffles ``y`` within each year independently, as
    if the years were independent; it is here to show why that is wrong for
    persistent data (its p-values are far too small, see the tests), not for use.

    The p-value is ``(1 + k) / (1 + permutations)``, where ``k`` counts the
    permutations whose statistic is at least as extreme as the observed one; it is
    exact for any number of permutations (Phipson & Smyth 2010), and the same ``seed``
    gives the same answer.

    Parameters
    ----------
    panel : DataFrame
        One row per unit and year, with the columns named by ``x``, ``y``, ``unit``
        and ``year``. Rows with a missing ``x`` or ``y`` are dropped.
    min_units : int, default 5
        Years with fewer complete units are left out.
    permutations : int, default 9999
    seed : int, default 0
    alternative : {"two-sided", "greater", "less"}
        "greater" asks whether the mean rho is larger than chance would make it (the
        direction a theory may predict); "two-sided" whether it is further from 0 in
        either direction.
    shuffle : {"units", "years"}

    Returns
    -------
    dict
        ``mean_rho`` (the statistic), ``p_value``, ``years`` (years used), ``first``
        and ``last`` (year), ``units`` (units in those years), ``exchangeable`` (units
        in a cohort of two or more, which the permutations can move), ``cohorts``
        (cohorts of two or more), ``permutations``, ``alternative``, ``shuffle``,
        ``yearly`` (a Series of each year's rho).

    Raises
    ------
    InputError
        If a column is missing, a unit appears twice in a year, an option is unknown,
        no year has ``min_units`` complete units, or no two units share a cohort.

    Examples
    --------
    >>> import pandas as pd
    >>> years, units = range(2000, 2010), list("ABCDEFGH")
    >>> panel = pd.DataFrame([{"year": t, "unit": u, "x": i, "y": i + (t % 3 == 0) * (i % 2)}
    ...                       for t in years for i, u in enumerate(units)])
    >>> result = panel_rank_test(panel, permutations=999)
    >>> round(result["mean_rho"], 2), result["p_value"] < 0.01, result["exchangeable"]
    (0.99, True, 8)
    """
    import numpy as np

    _require(panel, [x, y, unit, year], "the panel")
    if alternative not in ALTERNATIVES:
        raise InputError(f"alternative must be one of {ALTERNATIVES}, got {alternative!r}")
    if shuffle not in SHUFFLES:
        raise InputError(f"shuffle must be one of {SHUFFLES}, got {shuffle!r}")
    if isinstance(permutations, bool) or not isinstance(permutations, int) or permutations < 1:
        raise InputError(f"permutations must be a positive whole number, got {permutations!r}")
    if int(min_units) < 3:
        raise InputError("min_units must be at least 3 (a rank correlation needs 3 points)")
    data = pd.DataFrame({"year": pd.to_numeric(panel[year], errors="coerce"),
                         "unit": panel[unit].astype(str),
                         "x": pd.to_numeric(panel[x], errors="coerce").astype(float),
                         "y": pd.to_numeric(panel[y], errors="coerce").astype(float)})
    data = data.dropna()
    twice = data[data.duplicated(["year", "unit"], keep=False)]
    if not twice.empty:
        first = twice.iloc[0]
        raise InputError(f"the panel has unit {first['unit']!r} twice in {int(first['year'])}; "
                         "give one row per unit and year")
    counts = data.groupby("year").size()
    data = data[data["year"].isin(counts[counts >= int(min_units)].index)]
    data = data.assign(rx=_centred_ranks(data, "x"), ry=_centred_ranks(data, "y"))
    spread = data.groupby("year")[["rx", "ry"]].apply(lambda t: (t ** 2).sum().min())
    data = data[data["year"].isin(spread[spread > 0].index)]  # a constant year has no rho
    if data.empty:
        raise InputError(f"no year has at least {int(min_units)} units with both values")
    rx = data.pivot(index="year", columns="unit", values="rx")
    ry = data.pivot(index="year", columns="unit", values="ry").reindex_like(rx)
    present = rx.notna().to_numpy()
    sx, sy = rx.fillna(0.0).to_numpy(), ry.fillna(0.0).to_numpy()
    norms = np.sqrt((sx ** 2).sum(axis=1) * (sy ** 2).sum(axis=1))
    yearly = (sx * sy).sum(axis=1) / norms
    observed = float(yearly.mean())

    cohorts: dict[bytes, list[int]] = {}
    for column in range(present.shape[1]):
        cohorts.setdefault(present[:, column].tobytes(), []).append(column)
    movable = [np.array(members) for members in cohorts.values() if len(members) > 1]
    if shuffle == "units" and not movable:
        raise InputError("no two units are present in the same years, so no series can be "
                         "exchanged: the test cannot be run on this panel")

    rng = np.random.default_rng(int(seed))
    stats = np.empty(permutations)
    if shuffle == "units":
        base = np.arange(present.shape[1])
        for start in range(0, permutations, 500):
            batch = min(500, permutations - start)
            order = np.tile(base, (batch, 1))
            for members in movable:
                keys = rng.random((batch, len(members)))
                order[:, members] = members[np.argsort(keys, axis=1)]
            shuffled = sy[:, order]  # years x batch x units
            stats[start:start + batch] = ((sx[:, None, :] * shuffled).sum(axis=2)
                                          / norms[:, None]).mean(axis=0)
    else:
        total = np.zeros(permutations)
        for t in range(present.shape[0]):
            where = np.flatnonzero(present[t])
            order = np.argsort(rng.random((permutations, len(where))), axis=1)
            total += (sx[t, where][None, :] * sy[t, where][order]).sum(axis=1) / norms[t]
        stats = total / present.shape[0]

    tolerance = 1e-12
    if alternative == "greater":
        extreme = stats >= observed - tolerance
    elif alternative == "less":
        extreme = stats <= observed + tolerance
    else:
        extreme = np.abs(stats) >= abs(observed) - tolerance
    return {
        "mean_rho": observed,
        "p_value": float((1 + extreme.sum()) / (1 + permutations)),
        "years": int(len(rx)), "first": int(rx.index.min()), "last": int(rx.index.max()),
        "units": int(present.any(axis=0).sum()),
        "exchangeable": int(sum(len(members) for members in movable)),
        "cohorts": len(movable), "permutations": int(permutations),
        "alternative": alternative, "shuffle": shuffle,
        "yearly": pd.Series(yearly, index=rx.index.astype(int), name="rho"),
    }


def size_burden_panel(gdp: pd.DataFrame, burden: pd.DataFrame, members: pd.DataFrame,
                      years: tuple[int, int] | None = None, exclude: Iterable[int] = ()
                      ) -> pd.DataFrame:
    """The NATO members of each year with their GDP and burden: one row per ally-year.

    The input of :func:`panel_rank_test` (columns ``year``, ``ccode``, ``country``,
    ``gdp``, ``milex_share_gdp``); members lacking either value are dropped, as in
    :func:`size_burden_correlation`.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"country": ["A", "B"], "ccode": [1, 2], "accession_year": [1949] * 2})
    >>> g = pd.DataFrame({"ccode": [1, 2], "year": 1960, "gdp": [5.0, 3.0]})
    >>> b = pd.DataFrame({"ccode": [1], "year": 1960, "milex_share_gdp": [0.04]})
    >>> panel = size_burden_panel(g, b, m, (1960, 1960))
    >>> panel["ccode"].tolist(), panel["gdp"].tolist()
    ([1], [5.0])
    """
    first, last = _years(years, (1949, 2018))
    g, b = _prepare(gdp, burden)
    who = members_by_year(members, (first, last))
    excluded = [CCODE_ALIASES.get(int(c), int(c)) for c in exclude]
    who = who[~who["ccode"].isin(excluded)]
    out = who.merge(g, on=["year", "ccode"], how="inner").merge(b, on=["year", "ccode"],
                                                                how="inner")
    return out[["year", "ccode", "country", "gdp", "milex_share_gdp"]].reset_index(drop=True)


def size_burden_pooled(gdp: pd.DataFrame, burden: pd.DataFrame, members: pd.DataFrame,
                       years: tuple[int, int] | None = None, *, min_allies: int = 5,
                       exclude: Iterable[int] = (), permutations: int = 9999, seed: int = 0,
                       alternative: str = "two-sided", shuffle: str = "units") -> dict:
    """Olson and Zeckhauser's test pooled over years: one p-value for a whole period.

    :func:`panel_rank_test` on :func:`size_burden_panel`: the mean of the yearly
    Spearman correlations of GDP and burden (the same yearly values as
    :func:`size_burden_correlation`), tested by handing whole national burden series
    to other allies who were members in the same years. Counting "significant years"
    answers a different question badly: each yearly test among 15 allies has little
    power (:func:`rank_test_power`), and the years are not independent.

    Parameters
    ----------
    gdp, burden, members, years, min_allies, exclude
        As for :func:`size_burden_correlation` (default years 1949–2018).
    permutations, seed, alternative, shuffle
        As for :func:`panel_rank_test`.

    Returns
    -------
    dict
        As :func:`panel_rank_test`, with ``units`` counting allies.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"country": list("ABCDEF"), "ccode": range(1, 7),
    ...                   "accession_year": [1949] * 6})
    >>> g = pd.DataFrame([{"ccode": c, "year": y, "gdp": 10.0 * c} for c in range(1, 7)
    ...                   for y in (1960, 1961)])
    >>> b = g.assign(milex_share_gdp=g["gdp"] / 1000)[["ccode", "year", "milex_share_gdp"]]
    >>> result = size_burden_pooled(g, b, m, (1960, 1961), permutations=999)
    >>> result["mean_rho"], result["p_value"] < 0.01
    (1.0, True)
    """
    panel = size_burden_panel(gdp, burden, members, years, exclude)
    return panel_rank_test(panel, x="gdp", y="milex_share_gdp", unit="ccode",
                           min_units=min_allies, permutations=permutations, seed=seed,
                           alternative=alternative, shuffle=shuffle)


def _critical_rho(n: int, alpha: float) -> float:
    """The smallest |rho| with a two-sided p-value (t approximation) below ``alpha``."""
    low, high = 0.0, 1.0
    for _ in range(60):
        mid = (low + high) / 2
        t = mid * math.sqrt((n - 2) / (1 - mid * mid))
        low, high = (mid, high) if _two_sided_t_p(t, n - 2) >= alpha else (low, mid)
    return high


def rank_test_power(rho: float, n: int, alpha: float = 0.05, simulations: int = 20000,
                    seed: int = 0) -> float:
    """How often a yearly test (:func:`spearman_test`) finds a true rank correlation.

    Simulates ``simulations`` samples of ``n`` allies from a bivariate normal whose
    population Spearman correlation is ``rho`` (Pearson ``r = 2 sin(pi rho / 6)``) and
    returns the share of samples in which the two-sided test gives ``p < alpha``. With
    ``rho = 0`` it returns about ``alpha``: the test's size.

    "Not significant" is not "no relation": with a true rho of 0.3 and 15 allies a
    yearly test misses the relation most of the time.

    Examples
    --------
    >>> round(rank_test_power(0.0, 15), 2), round(rank_test_power(0.3, 15), 2)
    (0.05, 0.19)
    """
    import numpy as np

    if not -1 < float(rho) < 1:
        raise InputError(f"rho must be between -1 and 1, got {rho!r}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 4:
        raise InputError(f"n must be a whole number of at least 4 allies, got {n!r}")
    if not 0 < float(alpha) < 1:
        raise InputError(f"alpha is a probability between 0 and 1, got {alpha!r}")
    r = 2 * math.sin(math.pi * float(rho) / 6)
    rng = np.random.default_rng(int(seed))
    a = rng.standard_normal((int(simulations), n))
    b = r * a + math.sqrt(1 - r * r) * rng.standard_normal((int(simulations), n))
    ra = a.argsort(axis=1).argsort(axis=1) - (n - 1) / 2
    rb = b.argsort(axis=1).argsort(axis=1) - (n - 1) / 2
    rhos = (ra * rb).sum(axis=1) / (ra * ra).sum(axis=1)
    return float((np.abs(rhos) >= _critical_rho(n, float(alpha))).mean())


def exchange_rate_gdp(capabilities: pd.DataFrame, burden: pd.DataFrame,
                      years: tuple[int, int] | None = None) -> pd.DataFrame:
    """GDP at market exchange rates, derived as military spending ÷ its share of GDP.

    Olson and Zeckhauser ranked NATO's members by GNP at exchange rates; Maddison's
    GDP (the course's ``gdp`` table) is in 2011 dollars of equal purchasing power,
    which ranks poorer allies higher. This variant divides COW's military spending
    (``capabilities.milex``, thousands of current US dollars, from 1914) by SIPRI's
    share of GDP: current US dollars at market exchange rates. COW's and SIPRI's
    definitions of military spending differ somewhat (COW compiles largely from SIPRI
    and ACDA), so read it as a check on the ranking, not as national accounts.

    Returns
    -------
    DataFrame ``ccode``, ``year``, ``gdp`` (current US$), shaped like the ``gdp`` table.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"ccode": [2], "year": [1964], "milex": [50000]})
    >>> b = pd.DataFrame({"ccode": [2], "year": [1964], "milex_share_gdp": [0.08]})
    >>> float(exchange_rate_gdp(c, b)["gdp"].iloc[0])
    625000000.0
    """
    _require(capabilities, ["ccode", "year", "milex"], "the capabilities table")
    _require(burden, ["ccode", "year", "milex_share_gdp"], "the military burden table")
    first, last = _years(years, (1949, 2016))
    if first < 1914:
        raise InputError("COW milex is in British pounds before 1914; start at 1914 or later")
    caps = capabilities[["ccode", "year", "milex"]].copy()
    original = pd.to_numeric(caps["ccode"], errors="coerce")
    caps["ccode"] = _canonical(caps["ccode"])
    caps["year"] = pd.to_numeric(caps["year"]).astype("int64")
    caps["milex"] = pd.to_numeric(caps["milex"], errors="coerce").astype(float)
    caps = caps[(caps["year"] >= first) & (caps["year"] <= last) & (caps["milex"] > 0)]
    caps = _dedupe_germany(caps, original.loc[caps.index])
    share = burden[["ccode", "year", "milex_share_gdp"]].copy()
    share["ccode"] = _canonical(share["ccode"])
    share["year"] = pd.to_numeric(share["year"]).astype("int64")
    share["milex_share_gdp"] = pd.to_numeric(share["milex_share_gdp"],
                                             errors="coerce").astype(float)
    share = share[share["milex_share_gdp"] > 0].drop_duplicates(["ccode", "year"])
    both = caps.merge(share, on=["ccode", "year"], how="inner")
    both["gdp"] = both["milex"] * 1000 / both["milex_share_gdp"]
    return both[["ccode", "year", "gdp"]].reset_index(drop=True)


# --- convenience: the shipped tables -------------------------------------------------

def _load(name: str) -> pd.DataFrame:
    try:
        from course import data as course_data
    except ImportError as error:  # pragma: no cover - the data package ships with the course
        raise DataError(f"the course data package is not available: {error}") from None
    return course_data.load(name)


def size_burden_from_course_data(years: tuple[int, int] | None = None,
                                 min_allies: int = 5, exclude: Iterable[int] = ()
                                 ) -> pd.DataFrame:
    """:func:`size_burden_correlation` on the shipped ``gdp``, ``military_burden`` and
    ``nato_members`` tables."""
    return size_burden_correlation(_load("gdp"), _load("military_burden"),
                                   _load("nato_members"), years, min_allies, exclude)


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
