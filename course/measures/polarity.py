"""Polarity (claim C1): how power is distributed among the great powers, year by year.

The essay speaks of "a world that is multipolar, but still U.S. led" [P10]. Whether that
is true depends on *what* we count as power and *whose* power we compare. This module
turns the capability tables into capability shares and four summary indices:

* **CON**, Ray & Singer's (1973) concentration index. With :math:`s_i` the shares of
  the :math:`N` powers considered,
  :math:`CON = \\sqrt{(\\sum_i s_i^2 - 1/N) / (1 - 1/N)}`. It is 0 when all powers
  are equal and 1 when one power holds everything.
* **Effective number of poles**, :math:`1 / \\sum_i s_i^2` — Laakso & Taagepera's (1979)
  "effective number of parties" applied to power. Equal shares among N powers give N.
* The **leader's share** and its **lead** over the second power.
* The **number of poles**: powers whose share is at least a threshold.

Three measures of power (``measure``):

``"cinc"``
    COW National Material Capabilities composite index (NMC 6.0, 1816–2016).
``"milex"``
    NMC military expenditure. It is in thousands of British pounds up to 1913 and in
    thousands of US dollars from 1914, so *levels* cannot be compared across 1914;
    *shares within one year* are ratios of amounts in the same currency and are
    therefore comparable across the break. That is why this module only ever
    compares shares.
``"gdp"``
    Maddison Project 2020 GDP (2011 US$, 1816–2018), joined to states by COW code.

Sets of powers (``scope``): ``"major"`` — the COW major powers, with membership
decided year by year from their spells (the USA from 1898, China from 1950, Germany
and Japan again from 1991 ...); ``"g20"`` — the nineteen states of the G20 (:data:`G20`),
in every year they are members of the state system; ``"system"`` — every member of the
state system in that year (NMC's state-years; after 2016, the 2016 members). An explicit
list of powers (COW codes or abbreviations) can be given instead, and ``add`` puts more
states into any set: the COW list is a *choice* — it leaves out India, whose CINC in
2012 is twice Russia's — and ``add=["IND"]`` shows what that choice does.

Missing data are never treated as zero. With ``missing="drop-year"`` (the default for
major powers and explicit lists) a year in which any power lacks data gets no index
values; with ``missing="skip"`` (the default for the whole system, where some small
state always lacks data) indices are computed over the states that report, and the
``coverage`` column says what share of the set that was.

Examples
--------
>>> concentration([0.25, 0.25, 0.25, 0.25])
0.0
>>> effective_poles([0.5, 0.5])
2.0
>>> shares = pd.DataFrame({"year": [1900] * 3, "ccode": [2, 200, 255],
...                        "stateabb": ["USA", "UKG", "GMY"], "value": [3.0, 2.0, 1.0]})
>>> row = indices_by_year(shares, threshold=0.3).iloc[0]
>>> row["leader"], float(row["leader_share"]), round(float(row["lead"]), 3), int(row["n_poles"])
('USA', 0.5, 0.167, 2)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from course.errors import DataError, InputError
from course.measures.common import year_range

#: Measures of power, with a label for charts and sentences.
MEASURES = {
    "cinc": "CINC (COW composite capabilities)",
    "milex": "military expenditure (COW NMC)",
    "gdp": "GDP (Maddison Project 2020)",
}
#: Short names used in verdict sentences.
MEASURE_SHORT = {"cinc": "CINC", "milex": "military spending", "gdp": "GDP"}
#: Sets of powers whose shares are compared.
SCOPES = {"major": "the major powers", "g20": "the G20 states",
          "system": "the whole state system"}
#: The nineteen member states of the G20 (the European Union and the African Union are
#: members too, but not states). Germany is listed twice, as Germany (255) and as the
#: German Federal Republic (260, 1955-1990), so that one of them is present in every year.
G20 = ("ARG", "AUL", "BRA", "CAN", "CHN", "FRN", "GMY", "GFR", "IND", "INS", "ITA", "JPN",
       "MEX", "RUS", "SAU", "SAF", "ROK", "TUR", "UKG", "USA")
MISSING_POLICIES = ("drop-year", "skip")
#: Source line for figures built from each measure.
SOURCES = {
    "cinc": "COW National Material Capabilities 6.0; COW major powers v2024",
    "milex": "COW National Material Capabilities 6.0; COW major powers v2024",
    "gdp": "Maddison Project Database 2020; COW major powers v2024",
}
#: Last year of system membership we know (NMC / COW state system v2016).
LAST_SYSTEM_YEAR = 2016


#: Plainer names than the COW list's for the codes students meet most (charts, verdicts).
PLAIN_NAMES = {"USA": "United States", "UKG": "United Kingdom", "RUS": "Russia / USSR",
               "GFR": "West Germany", "GDR": "East Germany", "ROK": "South Korea",
               "PRK": "North Korea", "AUH": "Austria-Hungary"}


@lru_cache(maxsize=1)
def _state_names() -> dict[str, str]:
    states = _load("states")
    names = dict(zip(states["stateabb"].astype(str), states["statenme"].astype(str),
                     strict=True))
    return {**names, **PLAIN_NAMES}


def state_name(abbreviation: str) -> str:
    """The name behind a COW state abbreviation: ``"GFR"`` -> ``"West Germany"``.

    COW's abbreviations (GFR, UKG, AUH, ...) label the charts and verdicts of lesson 01;
    this gives the name that explains each (the ``states`` table, with plainer names for
    a few). An unknown abbreviation is returned unchanged.

    Examples
    --------
    >>> state_name("GFR"), state_name("IND"), state_name("RUS")
    ('West Germany', 'India', 'Russia / USSR')
    """
    return _state_names().get(str(abbreviation).strip().upper(), str(abbreviation))


def state_abbreviation(text: str) -> str | None:
    """The COW abbreviation for a typed abbreviation or name, or None if there is none.

    Examples
    --------
    >>> state_abbreviation("ind"), state_abbreviation(" India "), state_abbreviation("Brazil")
    ('IND', 'IND', 'BRA')
    >>> state_abbreviation("West Germany"), state_abbreviation("Atlantis") is None
    ('GFR', True)
    """
    wanted = " ".join(str(text).split()).casefold()
    names = _state_names()
    if wanted.upper() in names:
        return wanted.upper()
    by_name = {name.casefold(): abb for abb, name in names.items()}
    states = _load("states")
    by_name.update({str(name).casefold(): str(abb) for abb, name in
                    zip(states["stateabb"], states["statenme"], strict=True)})
    return by_name.get(wanted)


# --------------------------------------------------------------------------- indices
def _as_shares(shares: Iterable[float]) -> np.ndarray:
    values = np.asarray(list(shares), dtype=float)
    if values.size == 0:
        raise InputError("pass at least one share (a list of numbers that sum to 1)")
    if np.isnan(values).any() or (values < 0).any():
        raise InputError("shares must be non-negative numbers without missing values")
    total = values.sum()
    if not math.isclose(total, 1.0, abs_tol=1e-6):
        raise InputError(f"shares must sum to 1 (these sum to {total:.4g}); "
                         "divide each value by the total first")
    return values


def concentration(shares: Iterable[float]) -> float:
    """Ray & Singer's (1973) concentration index CON of a set of capability shares.

    ``CON = sqrt((Σ s_i² − 1/N) / (1 − 1/N))`` for the N shares ``s_i`` (summing to 1).
    Ray, James Lee and J. David Singer. 1973. "Measuring the Concentration of Power in
    the International System." *Sociological Methods & Research* 1(4): 403–437.

    Parameters
    ----------
    shares : iterable of float
        Shares of the N powers; they must sum to 1.

    Returns
    -------
    float
        0 for equal shares, 1 when one power has everything. A single power (N = 1)
        is defined as fully concentrated (1.0).

    Examples
    --------
    >>> concentration([1/3, 1/3, 1/3])
    0.0
    >>> concentration([1.0, 0.0, 0.0])
    1.0
    >>> round(concentration([0.6, 0.4]), 3)
    0.2
    """
    s = _as_shares(shares)
    n = s.size
    if n == 1:
        return 1.0
    value = ((s ** 2).sum() - 1 / n) / (1 - 1 / n)
    return float(math.sqrt(value)) if value > 1e-12 else 0.0  # rounding noise -> exactly 0


def effective_poles(shares: Iterable[float]) -> float:
    """Effective number of poles, ``1 / Σ s_i²`` (Laakso & Taagepera's index for power).

    Laakso, Markku and Rein Taagepera. 1979. "'Effective' Number of Parties: A Measure
    with Application to West Europe." *Comparative Political Studies* 12(1): 3–27.

    Examples
    --------
    >>> effective_poles([0.25] * 4)
    4.0
    >>> effective_poles([1.0])
    1.0
    >>> round(effective_poles([0.6, 0.4]), 3)
    1.923
    """
    s = _as_shares(shares)
    return float(1.0 / (s ** 2).sum())


# --------------------------------------------------------------------------- tables
def _load(name: str) -> pd.DataFrame:
    from course import data  # imported late: the data package loads files on demand

    return data.load(name)


def _float(series: pd.Series) -> np.ndarray:
    """Numbers as float64 with NaN for missing; negative codes such as -9 are missing too."""
    values = pd.to_numeric(series, errors="coerce").astype("Float64")
    values = values.to_numpy(dtype=float, na_value=np.nan)
    values[values < 0] = np.nan
    return values


def _check_measure(measure: str) -> str:
    if measure not in MEASURES:
        raise InputError(f"unknown measure {measure!r}; pass one of "
                         f"{', '.join(map(repr, MEASURES))}")
    return measure


def major_power_years(start: int = 1816, end: int = 2024, *,
                      major_powers: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per major power per year, from the COW major-power spells.

    A state counts as a major power in every calendar year its spell touches (France's
    spell ending June 1940 and the next starting August 1945 make 1940 and 1945 count).

    Returns
    -------
    DataFrame with columns ``year``, ``ccode``, ``stateabb``.

    Examples
    --------
    >>> spells = pd.DataFrame({"ccode": [2, 200], "stateabb": ["USA", "UKG"],
    ...                        "start_year": [1898, 1816], "end_year": [2024, 2024]})
    >>> major_power_years(1897, 1898, major_powers=spells).values.tolist()
    [[1897, 200, 'UKG'], [1898, 2, 'USA'], [1898, 200, 'UKG']]
    """
    start, end = year_range(start, end)
    spells = _load("major_powers") if major_powers is None else major_powers
    rows = []
    for ccode, abb, first, last in zip(spells["ccode"], spells["stateabb"],
                                       spells["start_year"], spells["end_year"], strict=True):
        for year in range(max(int(first), start), min(int(last), end) + 1):
            rows.append((year, int(ccode), str(abb)))
    out = pd.DataFrame(rows, columns=["year", "ccode", "stateabb"]).drop_duplicates()
    return out.sort_values(["year", "ccode"], ignore_index=True)


def _measure_values(measure: str, capabilities: pd.DataFrame, gdp: pd.DataFrame | None
                    ) -> pd.DataFrame:
    """year, ccode, stateabb, value (float, NaN = missing) for every state-year of the system."""
    caps = pd.DataFrame({"year": capabilities["year"].astype(int).to_numpy(),
                         "ccode": capabilities["ccode"].astype(int).to_numpy(),
                         "stateabb": capabilities["stateabb"].astype(str).to_numpy()})
    if measure in ("cinc", "milex"):
        caps["value"] = _float(capabilities[measure])
        return caps
    # GDP: system membership from NMC (carried forward after its last year), values from Maddison.
    g = gdp[gdp["ccode"].notna()]
    g = pd.DataFrame({"year": g["year"].astype(int).to_numpy(),
                      "ccode": g["ccode"].astype(int).to_numpy(),
                      "value": _float(g["gdp"])})
    g = g.dropna(subset=["value"])
    if g.duplicated(["year", "ccode"]).any():
        dup = g[g.duplicated(["year", "ccode"], keep=False)].iloc[0]
        raise DataError(f"the gdp table has two rows for ccode {dup['ccode']} in {dup['year']}; "
                        "rebuild the data package (course data build)")
    last = int(caps["year"].max())
    members = caps[caps["year"] == last][["ccode", "stateabb"]]
    later = [members.assign(year=y) for y in range(last + 1, int(g["year"].max()) + 1)]
    caps = pd.concat([caps, *later], ignore_index=True)
    return caps.merge(g, on=["year", "ccode"], how="left")


@lru_cache(maxsize=8)
def _default_values(measure: str) -> pd.DataFrame:
    gdp = _load("gdp") if measure == "gdp" else None
    return _measure_values(measure, _load("capabilities"), gdp)


@lru_cache(maxsize=1)
def _default_majors() -> pd.DataFrame:
    return major_power_years(1816, 2024)


def _as_code(power) -> int | None:
    try:
        return int(power)
    except (TypeError, ValueError, OverflowError):
        return None


def _resolve_powers(powers: Sequence[int | str], values: pd.DataFrame) -> list[int]:
    known = values.drop_duplicates("ccode").set_index("ccode")["stateabb"]
    by_abb = {abb.upper(): code for code, abb in known.items()}
    codes = []
    for power in powers:
        if isinstance(power, str) and power.strip().upper() in by_abb:
            codes.append(int(by_abb[power.strip().upper()]))
        elif not isinstance(power, str | bool) and _as_code(power) in known.index:
            codes.append(_as_code(power))
        else:
            raise InputError(f"unknown state {power!r}: pass COW codes (2 for the USA) or "
                             "abbreviations ('USA', 'UKG', 'GMY', 'RUS', 'CHN', ...)")
    if not codes:
        raise InputError("the list of powers is empty: pass at least one COW code or abbreviation")
    return sorted(set(codes))


def capability_shares(measure: str = "cinc", start: int = 1816, end: int = 2016, *,
                      scope: str = "major", powers: Sequence[int | str] | None = None,
                      add: Sequence[int | str] = (), missing: str | None = None,
                      capabilities: pd.DataFrame | None = None,
                      major_powers: pd.DataFrame | None = None,
                      gdp: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each power's capability share within the chosen set, year by year.

    Parameters
    ----------
    measure : {"cinc", "milex", "gdp"}
    start, end : int
        Inclusive year range.
    scope : {"major", "g20", "system"}
        Compare the major powers of each year, the G20 states, or every member of the
        state system.
    powers : list of int or str, optional
        An explicit set of states (COW codes or abbreviations); overrides ``scope``.
    add : list of int or str, optional
        States added to the set in every year they are members of the state system
        (``add=["IND"]``: the major powers and India).
    missing : {"drop-year", "skip"}, optional
        What to do when a power lacks data in a year (see the module notes).
    capabilities, major_powers, gdp : DataFrame, optional
        Tables as returned by ``course.data.load``; loaded when not given.

    Returns
    -------
    DataFrame
        ``year, ccode, stateabb, value, share, complete``: ``value`` is NaN where data
        are missing, ``share`` is the value over the year's total of the powers that
        report (NaN for missing powers, and for every power of a year that is not
        ``complete`` under ``missing="drop-year"``).

    Raises
    ------
    InputError
        Unknown measure, scope or state; inverted year range; no data for these years.

    Examples
    --------
    >>> caps = pd.DataFrame({"year": [1900, 1900, 1900], "ccode": [2, 200, 255],
    ...                      "stateabb": ["USA", "UKG", "GMY"],
    ...                      "cinc": [0.2, 0.15, -9], "milex": [1, 2, 3]})
    >>> out = capability_shares("cinc", 1900, 1900, powers=["USA", "UKG", "GMY"],
    ...                         missing="skip", capabilities=caps)
    >>> out["share"].round(3).tolist()
    [0.571, 0.429, nan]
    >>> majors = pd.DataFrame({"ccode": [2], "stateabb": ["USA"], "start_year": [1898],
    ...                        "end_year": [2024]})
    >>> capability_shares("cinc", 1900, 1900, add=["UKG"], capabilities=caps,
    ...                   major_powers=majors)["share"].round(3).tolist()
    [0.571, 0.429]
    """
    _check_measure(measure)
    start, end = year_range(start, end)
    if scope not in SCOPES:
        raise InputError(f"unknown scope {scope!r}; pass 'major' (major powers), 'g20' "
                         "(the G20 states) or 'system' (the whole state system)")
    if isinstance(add, str):
        add = [add]
    if missing is None:
        missing = "skip" if (scope == "system" and powers is None) else "drop-year"
    if missing not in MISSING_POLICIES:
        raise InputError(f"unknown missing-data policy {missing!r}; pass 'drop-year' or 'skip'")

    if capabilities is None and gdp is None:
        all_values = _default_values(measure)
    else:
        caps = _load("capabilities") if capabilities is None else capabilities
        g = (_load("gdp") if gdp is None else gdp) if measure == "gdp" else None
        all_values = _measure_values(measure, caps, g)
    values = all_values[(all_values["year"] >= start) & (all_values["year"] <= end)]

    if powers is not None or scope == "g20":
        codes = _resolve_powers(G20 if powers is None else powers, all_values)
        chosen = values[values["ccode"].isin(codes)]
        if powers is None:  # 1990 has both Germanies in NMC: count Germany once
            both = chosen[chosen["ccode"] == 255]["year"]
            chosen = chosen[~((chosen["ccode"] == 260) & chosen["year"].isin(both))]
    elif scope == "major":
        if major_powers is None:
            majors = _default_majors()
            majors = majors[(majors["year"] >= start) & (majors["year"] <= end)]
        else:
            majors = major_power_years(start, end, major_powers=major_powers)
        chosen = majors[["year", "ccode", "stateabb"]].merge(
            values[["year", "ccode", "value"]], on=["year", "ccode"], how="left")
    else:
        chosen = values
    if len(add):
        extra = values[values["ccode"].isin(_resolve_powers(add, all_values))]
        chosen = pd.concat([chosen[["year", "ccode", "stateabb", "value"]],
                            extra[["year", "ccode", "stateabb", "value"]]], ignore_index=True)
        chosen = chosen.drop_duplicates(["year", "ccode"])
    chosen = chosen[["year", "ccode", "stateabb", "value"]].copy()

    if chosen.empty or chosen["value"].notna().sum() == 0:
        raise InputError(f"no {MEASURE_SHORT[measure]} data for {start}–{end}; "
                         f"{_coverage_hint(measure)}")
    totals = chosen.groupby("year")["value"].transform("sum")  # NaN skipped
    chosen["share"] = chosen["value"] / totals
    reporting = chosen["value"].notna().groupby(chosen["year"]).transform("sum")
    chosen["complete"] = (reporting == chosen.groupby("year")["year"].transform("size"))
    if missing == "drop-year":
        chosen.loc[~chosen["complete"], "share"] = np.nan
    return chosen.sort_values(["year", "ccode"], ignore_index=True)


def _coverage_hint(measure: str) -> str:
    return {"cinc": "CINC covers 1816–2016 (NMC 6.0)",
            "milex": "military spending covers 1816–2016 (NMC 6.0)",
            "gdp": "GDP covers 1816–2018 (Maddison 2020), patchily before 1870"}[measure]


def indices_by_year(shares: pd.DataFrame, threshold: float = 0.1) -> pd.DataFrame:
    """CON, effective poles, leader, lead and number of poles for each year.

    Parameters
    ----------
    shares : DataFrame
        ``year, ccode, stateabb, value`` (as from :func:`capability_shares`); if it
        has a ``share`` column, rows whose share is NaN are left out of the indices.
        ``n_reporting`` counts the powers with a value, whether or not the year is used.
    threshold : float
        A power with at least this share counts as a pole (default 0.10).

    Returns
    -------
    DataFrame, one row per year: ``n_powers`` (powers in the set), ``n_reporting``,
    ``coverage`` (n_reporting / n_powers), ``con``, ``eff_poles``, ``leader``,
    ``leader_share``, ``runner_up``, ``runner_up_share``, ``lead``, ``n_poles``.
    Index values are NaN for a year with no usable shares. Ties for the lead go to
    the lower COW code.

    Examples
    --------
    >>> equal = pd.DataFrame({"year": [2000] * 4, "ccode": [1, 2, 3, 4],
    ...                       "stateabb": list("ABCD"), "value": [5.0] * 4})
    >>> r = indices_by_year(equal).iloc[0]
    >>> float(r["con"]), float(r["eff_poles"]), int(r["n_poles"])
    (0.0, 4.0, 4)
    """
    if not 0 < float(threshold) <= 1:
        raise InputError(f"the pole threshold must be a share between 0 and 1, got {threshold!r}")
    df = shares.copy()
    if "share" not in df:
        df["share"] = df["value"] / df.groupby("year")["value"].transform("sum")
    n_powers = df.groupby("year")["ccode"].size()
    usable = df[df["share"].notna()].sort_values(["year", "share", "ccode"],
                                                 ascending=[True, False, True])
    g = usable.groupby("year")
    n = g.size()
    sumsq = (usable["share"] ** 2).groupby(usable["year"]).sum()
    con_raw = ((sumsq - 1 / n) / (1 - 1 / n))
    con_raw = con_raw.where(con_raw > 1e-12, 0.0)  # rounding noise -> exactly 0
    con = np.sqrt(con_raw).where(n > 1, 1.0)
    first = g.nth(0).set_index("year")
    second = g.nth(1).set_index("year")
    out = pd.DataFrame({"n_powers": n_powers})
    reporting = df["value"].notna() if "value" in df else df["share"].notna()
    out["n_reporting"] = reporting.groupby(df["year"]).sum().reindex(out.index).astype(int)
    out["coverage"] = out["n_reporting"] / out["n_powers"]
    out["con"] = con
    out["eff_poles"] = 1 / sumsq
    out["leader"] = first["stateabb"]
    out["leader_share"] = first["share"]
    out["runner_up"] = second["stateabb"]
    out["runner_up_share"] = second["share"]
    out["lead"] = out["leader_share"] - out["runner_up_share"].fillna(0.0)
    poles = (usable["share"] >= float(threshold) - 1e-12).groupby(usable["year"]).sum()
    out["n_poles"] = poles.reindex(out.index).astype("Int64")
    return out.reset_index().rename(columns={"index": "year"})


def polarity_by_year(measure: str = "cinc", start: int = 1816, end: int = 2016, *,
                     scope: str = "major", powers: Sequence[int | str] | None = None,
                     add: Sequence[int | str] = (),
                     threshold: float = 0.1, missing: str | None = None,
                     capabilities: pd.DataFrame | None = None,
                     major_powers: pd.DataFrame | None = None,
                     gdp: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`indices_by_year` of :func:`capability_shares`: the polarity series in one call.

    Examples
    --------
    >>> caps = pd.DataFrame({"year": [1900, 1900, 1901, 1901], "ccode": [2, 200, 2, 200],
    ...                      "stateabb": ["USA", "UKG"] * 2, "cinc": [0.5, 0.5, 0.9, 0.1],
    ...                      "milex": [1, 1, 1, 1]})
    >>> out = polarity_by_year("cinc", 1900, 1901, powers=[2, 200], capabilities=caps)
    >>> out[["year", "eff_poles", "leader"]].round(3).values.tolist()
    [[1900, 2.0, 'USA'], [1901, 1.22, 'USA']]

    The COW list of 2012 and the same list with India (the effect of one choice):

    >>> round(float(polarity_by_year("cinc", 2012, 2012)["eff_poles"].iloc[0]), 2)
    3.25
    >>> round(float(polarity_by_year("cinc", 2012, 2012, add=["IND"])["eff_poles"].iloc[0]), 2)
    4.06
    """
    shares = capability_shares(measure, start, end, scope=scope, powers=powers, add=add,
                               missing=missing, capabilities=capabilities,
                               major_powers=major_powers, gdp=gdp)
    return indices_by_year(shares, threshold=threshold)


def summarize(by_year: pd.DataFrame) -> dict:
    """Averages of a polarity series over the years that have index values.

    Returns
    -------
    dict with ``years`` (years with values), ``years_total``, ``first``, ``last``,
    ``mean_con``, ``mean_eff_poles``, ``mean_n_poles``, ``leader`` (the power that
    leads in most of those years), ``leader_years``, ``mean_leader_share``,
    ``mean_lead``, ``last_year`` (dict of the last year's row).

    Examples
    --------
    >>> series = pd.DataFrame({"year": [1, 2], "con": [0.1, 0.3], "eff_poles": [3.0, 2.0],
    ...     "n_poles": [3, 2], "leader": ["A", "A"], "leader_share": [0.4, 0.5],
    ...     "lead": [0.1, 0.2]})
    >>> s = summarize(series)
    >>> s["mean_eff_poles"], s["leader"], s["leader_years"]
    (2.5, 'A', 2)
    """
    valid = by_year[by_year["eff_poles"].notna()]
    out = {"years": len(valid), "years_total": len(by_year),
           "first": int(by_year["year"].min()), "last": int(by_year["year"].max())}
    if valid.empty:
        out.update(mean_con=np.nan, mean_eff_poles=np.nan, mean_n_poles=np.nan, leader=None,
                   leader_years=0, mean_leader_share=np.nan, mean_lead=np.nan, last_year=None)
        return out
    counts = valid["leader"].value_counts()
    out.update(
        mean_con=float(valid["con"].mean()),
        mean_eff_poles=float(valid["eff_poles"].mean()),
        mean_n_poles=float(valid["n_poles"].mean()),
        leader=str(counts.index[0]), leader_years=int(counts.iloc[0]),
        mean_leader_share=float(valid["leader_share"].mean()),
        mean_lead=float(valid["lead"].mean()),
        last_year=valid.iloc[-1].to_dict(),
    )
    return out


def first_year_ahead(a: int | str, b: int | str, measure: str = "cinc", start: int = 1816,
                     end: int = 2016, *, capabilities: pd.DataFrame | None = None,
                     gdp: pd.DataFrame | None = None) -> int | None:
    """First year in which state ``a`` has more of ``measure`` than state ``b``.

    Compares whole-system values of the two states (so the year's normalisation does
    not matter). Returns None if ``a`` never passes ``b`` in the range; if ``a`` is
    already ahead in ``start``, returns ``start``.

    Examples
    --------
    >>> caps = pd.DataFrame({"year": [1, 1, 2, 2], "ccode": [2, 200, 2, 200],
    ...     "stateabb": ["USA", "UKG"] * 2, "cinc": [0.1, 0.2, 0.3, 0.2], "milex": [1] * 4})
    >>> first_year_ahead("USA", "UKG", start=1, end=2, capabilities=caps)
    2
    """
    years = years_ahead(a, b, measure, start, end, capabilities=capabilities, gdp=gdp)
    return years[0] if years else None


def years_ahead(a: int | str, b: int | str, measure: str = "cinc", start: int = 1816,
                end: int = 2016, *, capabilities: pd.DataFrame | None = None,
                gdp: pd.DataFrame | None = None) -> list[int]:
    """Every year in which state ``a`` has more of ``measure`` than state ``b``.

    Like :func:`first_year_ahead`, but all the years, so a lead that comes and goes
    shows (by CINC the USSR is ahead of the United States in 1971–1988, for example).

    Examples
    --------
    >>> caps = pd.DataFrame({"year": [1, 1, 2, 2, 3, 3], "ccode": [2, 365] * 3,
    ...     "stateabb": ["USA", "RUS"] * 3, "cinc": [0.2, 0.1, 0.1, 0.2, 0.3, 0.2],
    ...     "milex": [1] * 6})
    >>> years_ahead("RUS", "USA", start=1, end=3, capabilities=caps)
    [2]
    """
    shares = capability_shares(measure, start, end, powers=[a, b], missing="skip",
                               capabilities=capabilities, gdp=gdp)
    code_a = _resolve_powers([a], shares)[0]
    code_b = _resolve_powers([b], shares)[0]
    if code_a == code_b:
        raise InputError(f"pass two different states, got {a!r} and {b!r}")
    wide = shares.pivot(index="year", columns="ccode", values="value")
    if code_a not in wide or code_b not in wide:
        raise InputError(f"{a!r} or {b!r} has no {MEASURE_SHORT[measure]} data in {start}–{end}")
    ahead = wide[code_a] > wide[code_b]
    return [int(y) for y in ahead[ahead].index]


def year_spans(years: Iterable[int]) -> str:
    """Years as runs of consecutive years: ``[1971, 1972, 1973, 1980]`` -> ``'1971–1973, 1980'``.

    Examples
    --------
    >>> year_spans([1971, 1972, 1973, 1980])
    '1971–1973, 1980'
    >>> year_spans([])
    'none'
    """
    years = sorted({int(y) for y in years})
    if not years:
        return "none"
    runs, first, last = [], years[0], years[0]
    for year in years[1:]:
        if year == last + 1:
            last = year
            continue
        runs.append((first, last))
        first = last = year
    runs.append((first, last))
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs)
