"""Britain 1870-1914: disputes with its rivals, capability crossovers, alliance coding.

Three claims of the essay (see :mod:`course.claims`) are tested here:

* **C3** - were France and Russia "the greater problem for Britain in the late 19th
  century" [P17]? :func:`britain_disputes` lists Britain's militarized interstate
  disputes with each rival (one row per *dispute*, not per dispute-year: the Maoz dyadic
  MID table has one row per dispute-dyad-year, in both orders A-B and B-A);
  :func:`disputes_by_period` counts them by period with the highest hostility level
  (1 no militarized action, 2 threat, 3 display of force, 4 use of force, 5 war);
  :func:`crises_in_mid` checks whether the dated crises (Panjdeh 1885, Fashoda 1898,
  Dogger Bank 1904) appear in the dispute data.
* **C4** - Britain as "the strongest power among equals (as Britain remained in naval,
  financial, and many other terms)" [P18]: :func:`measure_series`, :func:`crossover`
  (the first year a rival passes Britain, and whether it stays ahead),
  :func:`crossovers` and :func:`britain_rank`.
* **C5** - the Entente as burden-sharing [P17]: :func:`alliance_timeline` (Britain's ATOP
  alliances and obligations) and :func:`entente_coding` (how ATOP codes Britain's pacts
  with Japan, France and Russia against the treaty dates).

Every function takes the tables it needs as optional keyword arguments; by default it
reads them with :func:`course.data.load`. Tests pass small hand-made frames instead.

Data: Maoz, Johnson, Kaplan, Ogunkoya & Shreve (2019), dyadic MID 4.02; Singer, Bremer
& Stuckey (1972), COW National Material Capabilities 6.0 (military spending is in
thousands of pounds to 1913 and of dollars from 1914, so spending comparisons stop in
1913); Crisher & Souva (2014), naval tonnage; Leeds et al. (2002), ATOP 5.1.

Examples
--------
>>> import pandas as pd
>>> rows = pd.DataFrame({
...     "disno": [7, 7, 7, 7], "year": [1890, 1891, 1890, 1891],
...     "statea": [200, 200, 220, 220], "stateb": [220, 220, 200, 200],
...     "strtyr": [1890] * 4, "endyear": [1891] * 4, "hihost": [4] * 4,
...     "hihosta": [3, 3, 4, 4], "hihostb": [4, 4, 3, 3], "war": [0] * 4})
>>> britain_disputes(opponents=["FRN"], disputes=rows)[["disno", "opponent", "strtyr",
...                                                      "hihost", "dispute_years"]]
   disno opponent  strtyr  hihost  dispute_years
0      7   France    1890       4              2
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from course.errors import DataError, InputError
from course.measures.common import year_range

UK = 200

#: COW codes and short names of the powers these functions know by abbreviation.
POWERS: dict[str, int] = {
    "UKG": 200, "FRN": 220, "RUS": 365, "GMY": 255, "USA": 2,
    "AUH": 300, "ITA": 325, "JPN": 740,
}
NAMES: dict[int, str] = {
    200: "Britain", 220: "France", 365: "Russia", 255: "Germany", 2: "the United States",
    300: "Austria-Hungary", 325: "Italy", 740: "Japan", 230: "Spain", 235: "Portugal",
    211: "Belgium", 640: "the Ottoman Empire", 600: "Morocco", 210: "the Netherlands",
    350: "Greece", 651: "Egypt", 155: "Chile", 710: "China",
}
ABBREVIATIONS = {code: abbr for abbr, code in POWERS.items()}

#: Britain's three European rivals, in the order the lesson discusses them.
RIVALS = (220, 365, 255)
#: The default comparison of C3: before and after the Entente Cordiale.
DEFAULT_PERIODS = ((1870, 1904), (1905, 1914))

HOSTILITY = {1: "no militarized action", 2: "threat to use force", 3: "display of force",
             4: "use of force", 5: "war"}

#: Dated crises of C3: case_events id -> Britain's opponent in the crisis.
DATED_CRISES = {"EV003": 365, "EV007": 220, "EV013": 365}
#: Treaties of C5: partner -> case_events id of Britain's agreement with it.
TREATIES = {740: "EV009", 220: "EV012", 365: "EV014"}


@dataclass(frozen=True)
class Measure:
    """A capability measure: where it lives, its label, unit and the years it is valid."""

    key: str
    table: str
    column: str
    label: str
    unit: str
    last_year: int = 2100
    note: str = ""


MEASURES: dict[str, Measure] = {m.key: m for m in (
    Measure("cinc", "capabilities", "cinc", "CINC", "share of world capabilities"),
    Measure("irst", "capabilities", "irst", "iron and steel", "thousand tons",
            note="NMC counts pig iron to 1899 and steel from 1900, so the series breaks in "
                 "1900: a pass in 1900 may be the switch, not a change in industry."),
    Measure("pec", "capabilities", "pec", "energy consumption",
            "thousand coal-ton equivalents"),
    Measure("milex", "capabilities", "milex", "military spending",
            "thousand current pounds", last_year=1913,
            note="NMC military spending is in pounds to 1913 and in dollars from 1914; "
                 "comparisons stop in 1913."),
    Measure("milper", "capabilities", "milper", "military personnel", "thousands"),
    Measure("gdp", "gdp", "gdp", "GDP", "million 2011 US dollars",
            note="Maddison 2020, in the borders of the day for Britain (with all of Ireland "
                 "to 1920) and Germany (before 1945); Russia is the territory of the former "
                 "USSR, with three values before 1914 (1890, 1900, 1913), so a verdict on "
                 "Russia depends on borders."),
    Measure("naval_share", "naval_tonnage", "tonn_prop", "share of world naval tonnage",
            "share of world warship tonnage"),
    Measure("naval_tonnage", "naval_tonnage", "totton", "naval tonnage", "tons of warships"),
    Measure("naval_construction", "case_prewar_naval", "value",
            "new naval construction", "pounds",
            note="1909-1914 only, from Nock (1922), a polemical source whose British "
                 "figures differ from the Admiralty's."),
)}


# --------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------


def _load(name: str, given: pd.DataFrame | None) -> pd.DataFrame:
    if given is not None:
        if not isinstance(given, pd.DataFrame):
            raise InputError(f"{name} must be a pandas DataFrame, not {type(given).__name__}")
        return given
    from course import data

    return data.load(name)


def _require(frame: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"the {name} table lacks column(s) {missing}; expected the columns "
                        "listed in docs/ARCHITECTURE.md")


def state_code(state: int | str) -> int:
    """A COW state code from a code (``220``) or a known abbreviation (``"FRN"``).

    Examples
    --------
    >>> state_code("frn"), state_code(365)
    (220, 365)
    """
    if isinstance(state, bool):
        raise InputError(f"{state!r} is not a state; use a COW code like 220 or 'FRN'")
    if isinstance(state, str):
        key = state.strip().upper()
        if key.isdigit():
            return int(key)
        if key in POWERS:
            return POWERS[key]
        raise InputError(f"unknown state {state!r}; use a COW code (e.g. 220) or one of "
                         f"{', '.join(POWERS)}")
    try:
        return int(state)
    except (TypeError, ValueError):
        raise InputError(f"unknown state {state!r}; use a COW code (e.g. 220) or one of "
                         f"{', '.join(POWERS)}") from None


def state_name(code: int) -> str:
    """A readable name: ``200`` -> ``'Britain'`` (the COW code for unknown states)."""
    return NAMES.get(int(code), f"state {int(code)}")


def _codes(states, known: set[int], what: str) -> list[int]:
    if isinstance(states, str | int):
        states = [states]
    codes = [state_code(s) for s in states]
    if not codes:
        raise InputError(f"choose at least one {what}")
    unknown = [c for c in codes if c not in known]
    if unknown:
        named = ", ".join(f"{c} ({ABBREVIATIONS[c]})" for c in sorted(known)
                          if c in ABBREVIATIONS)
        raise InputError(f"no {what} with COW code(s) {unknown} in the data; known codes "
                         f"include {named}")
    return list(dict.fromkeys(codes))


def check_periods(periods) -> list[tuple[int, int]]:
    """Validate periods given as ``[(1870, 1904), (1905, 1914)]``: ordered, not overlapping.

    Examples
    --------
    >>> check_periods([(1905, 1914), (1870, 1904)])
    [(1870, 1904), (1905, 1914)]
    """
    try:
        periods = [year_range(*p) for p in periods]
    except TypeError:
        raise InputError("periods must be pairs of years, e.g. [(1870, 1904), (1905, 1914)]"
                         ) from None
    if not periods:
        raise InputError("give at least one period, e.g. [(1870, 1904), (1905, 1914)]")
    periods.sort()
    for (_, end1), (start2, _) in zip(periods, periods[1:], strict=False):
        if start2 <= end1:
            raise InputError(f"periods overlap ({end1} and {start2}); a dispute would be "
                             "counted twice")
    return periods


def period_label(period: tuple[int, int]) -> str:
    """``(1870, 1904)`` -> ``'1870–1904'``."""
    return f"{period[0]}–{period[1]}"


# --------------------------------------------------------------------------------------
# C3: disputes
# --------------------------------------------------------------------------------------


def britain_disputes(opponents: Sequence = RIVALS, start: int = 1870, end: int = 1914,
                     min_hostility: int = 1, *, disputes: pd.DataFrame | None = None,
                     state: int | str = UK) -> pd.DataFrame:
    """Britain's militarized disputes with each opponent that started in ``start``-``end``.

    One row per dispute and opponent (the dispute-dyad-years and the two orders of each
    dyad are collapsed), sorted by start year.

    Parameters
    ----------
    opponents : sequence of COW codes or abbreviations
        Default France (220), Russia (365) and Germany (255).
    start, end : int
        Keep disputes whose *start* year is in this range.
    min_hostility : int, 1-5
        Keep disputes whose highest hostility level in the dyad is at least this.
    disputes : DataFrame, optional
        The ``disputes`` table (dispute-dyad-year); loaded if not given.
    state : int or str
        The focal state, Britain (200) by default.

    Returns
    -------
    DataFrame with columns disno, ccode, opponent, strtyr, endyear, hihost (highest
    hostility in the dyad), hihost_state (reached by the focal state), hihost_opponent,
    war (bool), dispute_years (years the dispute lasted in the data).
    """
    table = _load("disputes", disputes)
    _require(table, "disputes", ["disno", "year", "statea", "stateb", "strtyr", "endyear",
                                 "hihost", "hihosta", "hihostb", "war"])
    start, end = year_range(start, end)
    if not 1 <= int(min_hostility) <= 5:
        raise InputError(f"min_hostility must be a hostility level from 1 to 5, got "
                         f"{min_hostility!r}")
    focal = state_code(state)
    known = set(pd.concat([table["statea"], table["stateb"]]).dropna().astype(int))
    _codes([focal], known, "state")
    codes = _codes(opponents, known, "opponent")

    # Each dyad normally appears in both orders; take either order so that a table with
    # only one order gives the same answer, then collapse years and orders below.
    forward = table[(table["statea"] == focal) & table["stateb"].isin(codes)]
    backward = table[(table["stateb"] == focal) & table["statea"].isin(codes)].rename(
        columns={"statea": "stateb", "stateb": "statea", "hihosta": "hihostb",
                 "hihostb": "hihosta"})
    rows = pd.concat([forward, backward], ignore_index=True)
    rows = rows[(rows["strtyr"] >= start) & (rows["strtyr"] <= end)]
    columns = ["disno", "ccode", "opponent", "strtyr", "endyear", "hihost", "hihost_state",
               "hihost_opponent", "war", "dispute_years"]
    if rows.empty:
        return _typed_disputes(pd.DataFrame(columns=columns))
    grouped = rows.groupby(["disno", "stateb"], as_index=False).agg(
        strtyr=("strtyr", "min"), endyear=("endyear", "max"), hihost=("hihost", "max"),
        hihost_state=("hihosta", "max"), hihost_opponent=("hihostb", "max"),
        war=("war", "max"), dispute_years=("year", "nunique"))
    grouped = grouped.rename(columns={"stateb": "ccode"})
    grouped = grouped[grouped["hihost"].fillna(0) >= int(min_hostility)]
    grouped["opponent"] = grouped["ccode"].map(state_name)
    grouped = grouped.sort_values(["strtyr", "disno", "ccode"]).reset_index(drop=True)
    return _typed_disputes(grouped[columns])


def _typed_disputes(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in ("disno", "ccode", "strtyr", "endyear", "hihost", "hihost_state",
                   "hihost_opponent", "dispute_years"):
        out[column] = pd.to_numeric(out[column]).astype("Int64")
    out["war"] = out["war"].fillna(0).astype(int).astype(bool) if len(out) else \
        out["war"].astype(bool)
    out["opponent"] = out["opponent"].astype("string")
    return out


def disputes_by_period(opponents: Sequence = RIVALS, periods=DEFAULT_PERIODS,
                       min_hostility: int = 1, *, disputes: pd.DataFrame | None = None,
                       state: int | str = UK) -> pd.DataFrame:
    """Count Britain's distinct disputes with each opponent, period by period.

    A dispute belongs to the period in which it *started*.

    Returns
    -------
    DataFrame, one row per period and opponent (zero rows included): period, start,
    end, ccode, opponent, disputes, max_hostility (missing when there was none),
    uses_of_force (disputes reaching level 4 or 5), wars, started (start years).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"disno": [1, 2, 3], "year": [1880, 1890, 1910],
    ...     "statea": [200] * 3, "stateb": [365, 365, 255], "strtyr": [1880, 1890, 1910],
    ...     "endyear": [1880, 1890, 1910], "hihost": [3, 4, 2], "hihosta": [3, 4, 2],
    ...     "hihostb": [3, 4, 2], "war": [0, 0, 0]})
    >>> table = disputes_by_period(["RUS", "GMY"], disputes=rows)
    >>> table[["period", "opponent", "disputes", "max_hostility"]]
          period opponent  disputes  max_hostility
    0  1870–1904   Russia         2              4
    1  1870–1904  Germany         0           <NA>
    2  1905–1914   Russia         0           <NA>
    3  1905–1914  Germany         1              2
    """
    periods = check_periods(periods)
    listed = britain_disputes(opponents, periods[0][0], periods[-1][1], min_hostility,
                              disputes=disputes, state=state)
    codes = [state_code(o) for o in ([opponents] if isinstance(opponents, str | int)
                                     else opponents)]
    codes = list(dict.fromkeys(codes))
    rows = []
    for period in periods:
        inside = listed[(listed["strtyr"] >= period[0]) & (listed["strtyr"] <= period[1])]
        for code in codes:
            mine = inside[inside["ccode"] == code]
            rows.append({
                "period": period_label(period), "start": period[0], "end": period[1],
                "ccode": code, "opponent": state_name(code),
                "disputes": len(mine),
                "max_hostility": mine["hihost"].max() if len(mine) else pd.NA,
                "uses_of_force": int((mine["hihost"] >= 4).sum()),
                "wars": int(mine["war"].sum()),
                "started": ", ".join(str(y) for y in mine["strtyr"]),
            })
    out = pd.DataFrame(rows)
    out["max_hostility"] = out["max_hostility"].astype("Int64")
    out["opponent"] = out["opponent"].astype("string")
    return out


def crises_in_mid(*, events: pd.DataFrame | None = None, disputes: pd.DataFrame | None = None,
                  crises: dict[str, int] | None = None, state: int | str = UK) -> pd.DataFrame:
    """Do the dated crises of C3 appear in the dyadic dispute data?

    For each crisis (Panjdeh 1885, Fashoda 1898, Dogger Bank 1904 by default, as ids of
    the ``case_events`` table mapped to Britain's opponent), list the disputes between
    Britain and that opponent that *started* in the crisis year, and those already
    ongoing that year. The dispute table has no start months, so a match by year is the
    strictest check it allows.

    Returns
    -------
    DataFrame: id, event, date, ccode, opponent, in_mid (a dispute started that year),
    started_disputes, ongoing_disputes, hihost (highest level among the disputes that
    started that year), note.

    Examples
    --------
    >>> crises_in_mid()[["date", "opponent", "in_mid", "started_disputes"]]
             date opponent  in_mid started_disputes
    0  1885-03-30   Russia    True              119
    1  1898-07-10   France    True               77
    2  1904-10-21   Russia    True              242
    """
    crises = DATED_CRISES if crises is None else crises
    table = _load("case_events", events)
    _require(table, "case_events", ["id", "event", "date_start"])
    listed = britain_disputes(list(dict.fromkeys(crises.values())), 1816, 2014,
                              disputes=disputes, state=state)
    rows = []
    for event_id, opponent in crises.items():
        match = table[table["id"] == event_id]
        if match.empty:
            raise DataError(f"case_events has no event {event_id!r}; the crisis list needs it")
        event = match.iloc[0]
        date = str(event["date_start"])[:10]
        year = int(date[:4])
        mine = listed[listed["ccode"] == state_code(opponent)]
        started = mine[mine["strtyr"] == year]
        ongoing = mine[(mine["strtyr"] < year) & (mine["endyear"] >= year)]
        if len(started):
            note = (f"dispute {', '.join(map(str, started['disno']))} between Britain and "
                    f"{state_name(opponent)} starts in {year}")
        elif len(ongoing):
            note = f"no dispute starts in {year}; one begun earlier is still ongoing"
        else:
            note = f"no Britain-{state_name(opponent)} dispute in {year}"
        rows.append({
            "id": event_id, "event": str(event["event"]), "date": date,
            "ccode": state_code(opponent), "opponent": state_name(opponent),
            "in_mid": bool(len(started)),
            "started_disputes": ", ".join(map(str, started["disno"])),
            "ongoing_disputes": ", ".join(map(str, ongoing["disno"])),
            "hihost": started["hihost"].max() if len(started) else pd.NA,
            "note": note,
        })
    out = pd.DataFrame(rows)
    out["hihost"] = out["hihost"].astype("Int64")
    return out


# --------------------------------------------------------------------------------------
# C4: capability crossovers
# --------------------------------------------------------------------------------------


def _measure(key: str) -> Measure:
    if key not in MEASURES:
        raise InputError(f"unknown measure {key!r}; choose one of {', '.join(MEASURES)}")
    return MEASURES[key]


@lru_cache(maxsize=16)
def _default_long(key: str) -> pd.DataFrame:
    """The measure's year/ccode/value rows from the shipped table (cached: widgets
    recompute on every slider move)."""
    from course import data

    spec = MEASURES[key]
    return _long_series(spec, data.load(spec.table))


def available_powers(measure: str, *, table: pd.DataFrame | None = None) -> set[int]:
    """COW codes of the states with at least one value of ``measure``.

    Examples
    --------
    >>> sorted(available_powers("naval_construction"))
    [200, 220, 255, 365]
    """
    spec = _measure(measure)
    source = _long_series(spec, _load(spec.table, table)) if table is not None \
        else _default_long(spec.key)
    return set(source.loc[source["value"].notna(), "ccode"])


_NAVAL_CASE_COUNTRIES = {"United Kingdom ('England')": 200, "United Kingdom": 200,
                         "France": 220, "Russia": 365, "Germany": 255, "United States": 2}


def _long_series(measure: Measure, table: pd.DataFrame) -> pd.DataFrame:
    """Year, ccode, value rows for a measure from its table."""
    if measure.table == "case_prewar_naval":
        _require(table, measure.table, ["year", "country", "metric", "value"])
        rows = table[(table["metric"] == "new_naval_construction_expenditure")
                     & table["year"].astype(str).str.fullmatch(r"\d{4}")]
        out = pd.DataFrame({"year": rows["year"].astype(int),
                            "ccode": rows["country"].map(_NAVAL_CASE_COUNTRIES),
                            "value": pd.to_numeric(rows["value"], errors="coerce")})
        return out.dropna(subset=["ccode"]).astype({"ccode": int})
    _require(table, measure.table, ["ccode", "year", measure.column])
    table = table.dropna(subset=["ccode", "year"])
    return pd.DataFrame({"year": table["year"].astype(int), "ccode": table["ccode"].astype(int),
                         "value": pd.to_numeric(table[measure.column], errors="coerce")})


def measure_series(measure: str = "cinc", powers: Sequence = ("UKG", "GMY", "FRN", "RUS", "USA"),
                   start: int = 1870, end: int = 1914, *, table: pd.DataFrame | None = None
                   ) -> pd.DataFrame:
    """One capability measure for several powers, year by year (long format).

    Parameters
    ----------
    measure : str
        A key of :data:`MEASURES`: ``cinc``, ``irst``, ``pec``, ``milex`` (pounds, to
        1913 only), ``milper``, ``gdp``, ``naval_share``, ``naval_tonnage``, ``naval_construction``.
    powers : sequence of COW codes or abbreviations
    start, end : int
        Years to keep (``milex`` stops at 1913 whatever ``end`` is).
    table : DataFrame, optional
        The measure's table (``capabilities``, ``gdp``, ``naval_tonnage`` or the pre-war
        naval case table ``case_prewar_naval``); loaded if not given.

    Returns
    -------
    DataFrame with columns year, ccode, power (readable name), value; missing values
    dropped.

    Examples
    --------
    >>> steel = measure_series("irst", ["UKG", "GMY"], 1899, 1900)
    >>> [(r.year, r.power, int(r.value)) for r in steel.itertuples()][:2]
    [(1899, 'Britain', 9572), (1899, 'Germany', 7160)]
    >>> [(r.year, r.power, int(r.value)) for r in steel.itertuples()][2:]
    [(1900, 'Britain', 4980), (1900, 'Germany', 6461)]

    Britain "halves" in 1900 because NMC switches from pig iron to steel that year.

    Raises
    ------
    InputError
        Unknown measure or power, inverted years, or no data for the choice.
    """
    spec = _measure(measure)
    start, end = year_range(start, end)
    source = _long_series(spec, _load(spec.table, table)) if table is not None \
        else _default_long(spec.key)
    have = set(source.loc[source["value"].notna(), "ccode"])
    wanted = [state_code(p) for p in ([powers] if isinstance(powers, str | int) else powers)]
    lacking = [c for c in wanted if c not in have]
    if lacking and all(c in NAMES for c in lacking):
        raise InputError(f"{spec.label} has no data for "
                         f"{', '.join(state_name(c) for c in lacking)}; it covers "
                         f"{', '.join(state_name(c) for c in sorted(have) if c in NAMES)}"
                         + (f" and {len(have - set(NAMES))} other states"
                            if have - set(NAMES) else ""))
    codes = _codes(wanted, have, "power")
    last = min(end, spec.last_year)
    if start > last:
        raise InputError(f"{spec.label} is only comparable up to {spec.last_year}: "
                         f"{spec.note}")
    rows = source[source["ccode"].isin(codes) & source["year"].between(start, last)]
    rows = rows.dropna(subset=["value"])
    rows = rows[rows["value"] >= 0]  # -9 would be missing if a raw value slipped through
    if rows.empty:
        years = source.loc[source["value"].notna(), "year"]
        raise InputError(f"no {spec.label} data for these powers in {start}-{end}; the "
                         f"measure covers {years.min()}-{years.max()}")
    rows = rows.assign(power=rows["ccode"].map(state_name).astype("string"))
    return rows[["year", "ccode", "power", "value"]].sort_values(["year", "ccode"]) \
        .reset_index(drop=True)


@dataclass(frozen=True)
class Crossover:
    """When (if ever) ``challenger`` passed ``leader`` on ``measure``.

    ``status`` is ``"passed"``, ``"already ahead"`` (ahead in the first year compared)
    or ``"never"``. ``year`` is the first year the challenger was ahead after being
    behind; ``sustained`` says whether it stayed ahead in every later year compared;
    ``ahead_from`` is the first year from which it stayed ahead to the end (if any).
    ``years_compared`` lists the years in which both had a value: when they are few
    (Russia's GDP before 1914 has three), the sentence names them.
    """

    measure: str
    challenger: int
    leader: int
    status: str
    year: int | None
    sustained: bool
    ahead_from: int | None
    first_year: int
    last_year: int
    years_compared: tuple[int, ...] = ()

    def _sparse_note(self) -> str:
        n, span = len(self.years_compared), self.last_year - self.first_year + 1
        if not n or n * 2 > span:
            return ""
        listed = ", ".join(str(y) for y in self.years_compared)
        return f" Only {n} of those {span} years have a value for both ({listed})."

    def sentence(self) -> str:
        """The verdict in words, e.g. 'By iron and steel, Germany passed Britain in 1893
        and stayed ahead.'"""
        return self._sentence() + self._sparse_note()

    def _sentence(self) -> str:
        label = MEASURES[self.measure].label if self.measure in MEASURES else self.measure
        who, whom = state_name(self.challenger), state_name(self.leader)
        span = f"{self.first_year}–{self.last_year}"
        if self.status == "never":
            return f"By {label}, {who} never passed {whom} ({span})."
        if self.status == "already ahead":
            if self.sustained:
                return (f"By {label}, {who} was already ahead of {whom} in "
                        f"{self.first_year} and stayed ahead to {self.last_year}.")
            tail = (f"; it has been ahead since {self.ahead_from}" if self.ahead_from
                    else f" and was behind in {self.last_year}")
            return (f"By {label}, {who} was already ahead of {whom} in {self.first_year} "
                    f"but not in every later year{tail}.")
        if self.sustained:
            return f"By {label}, {who} passed {whom} in {self.year} and stayed ahead."
        tail = (f"; it has been ahead for good since {self.ahead_from}" if self.ahead_from
                else f" and was behind again by {self.last_year}")
        return f"By {label}, {who} passed {whom} in {self.year} but fell back{tail}."


def crossover(measure: str, challenger: int | str, leader: int | str = "UKG",
              start: int = 1870, end: int = 1914, *, table: pd.DataFrame | None = None
              ) -> Crossover:
    """The first year ``challenger`` passes ``leader`` on ``measure``, and if it lasted.

    Only years where both have a value are compared. A tie does not count as passing.

    Examples
    --------
    >>> import pandas as pd
    >>> caps = pd.DataFrame({"ccode": [200, 255] * 4, "year": [1, 1, 2, 2, 3, 3, 4, 4],
    ...                      "irst": [10, 5, 10, 10, 10, 12, 10, 15]})
    >>> result = crossover("irst", "GMY", "UKG", 1, 4, table=caps)
    >>> result.year, result.sustained
    (3, True)
    >>> result.sentence()
    'By iron and steel, Germany passed Britain in 3 and stayed ahead.'
    """
    spec = _measure(measure)
    a, b = state_code(challenger), state_code(leader)
    if a == b:
        raise InputError("choose two different powers to compare")
    series = measure_series(measure, [challenger, leader], start, end, table=table)
    return crossover_from_series(series, spec.key, a, b)


def crossover_from_series(series: pd.DataFrame, measure: str, challenger: int | str,
                          leader: int | str = "UKG") -> Crossover:
    """:func:`crossover` on a series already computed by :func:`measure_series`.

    Lets an explorer compare several rivals with Britain from one series.

    Examples
    --------
    >>> import pandas as pd
    >>> series = pd.DataFrame({"year": [1, 1, 2, 2], "ccode": [200, 2, 200, 2],
    ...                        "value": [5.0, 4.0, 5.0, 6.0]})
    >>> crossover_from_series(series, "cinc", "USA").year
    2
    """
    a, b = state_code(challenger), state_code(leader)
    if a == b:
        raise InputError("choose two different powers to compare")
    label = MEASURES[measure].label if measure in MEASURES else measure
    pair = series[series["ccode"].isin([a, b])]
    wide = pair.pivot_table(index="year", columns="ccode", values="value")
    if a not in wide or b not in wide or wide.dropna().empty:
        raise InputError(f"no year with {label} for both {state_name(a)} and {state_name(b)}")
    wide = wide.dropna()
    ahead = (wide[a] > wide[b])
    years = [int(y) for y in ahead.index]
    flags = [bool(f) for f in ahead]
    ahead_from = None
    for i in range(len(flags) - 1, -1, -1):
        if not flags[i]:
            break
        ahead_from = years[i]
    if flags[0]:
        status, year = "already ahead", None
        sustained = all(flags)
    elif any(flags):
        status = "passed"
        i = flags.index(True)
        year = years[i]
        sustained = all(flags[i:])
    else:
        status, year, sustained = "never", None, False
    return Crossover(measure=measure, challenger=a, leader=b, status=status, year=year,
                     sustained=sustained, ahead_from=ahead_from, first_year=years[0],
                     last_year=years[-1], years_compared=tuple(years))


def crossovers(measures: Sequence[str] = ("cinc", "irst", "milex", "milper", "naval_share"),
               challengers: Sequence = ("USA", "GMY", "RUS", "FRN"), leader: int | str = "UKG",
               start: int = 1870, end: int = 1914, *, tables: dict | None = None
               ) -> pd.DataFrame:
    """:func:`crossover` for every measure and challenger, as a table.

    ``tables`` maps table names to frames (for tests); missing ones are loaded.

    Returns
    -------
    DataFrame: measure, label, challenger, status, year (Int64), sustained, ahead_from,
    sentence.

    Examples
    --------
    >>> crossovers(["cinc"], ["USA", "GMY"])[["challenger", "year", "sustained"]]
              challenger  year  sustained
    0  the United States  1892      False
    1            Germany  1905       True
    """
    tables = tables or {}
    rows = []
    for key in measures:
        spec = _measure(key)
        for who in challengers:
            result = crossover(key, who, leader, start, end, table=tables.get(spec.table))
            rows.append({"measure": key, "label": spec.label,
                         "challenger": state_name(result.challenger), "status": result.status,
                         "year": result.year, "sustained": result.sustained,
                         "ahead_from": result.ahead_from, "sentence": result.sentence()})
    out = pd.DataFrame(rows)
    for column in ("year", "ahead_from"):
        out[column] = out[column].astype("Int64")
    return out


def britain_rank(measure: str = "cinc", powers: Sequence = ("UKG", "GMY", "FRN", "RUS", "USA"),
                 start: int = 1870, end: int = 1914, *, table: pd.DataFrame | None = None,
                 state: int | str = UK) -> pd.DataFrame:
    """Britain's rank (1 = first) among ``powers`` on a measure, year by year.

    Each year ranks the powers that have a value that year (``n_ranked`` says how
    many); years without a value for Britain are left out.

    Returns
    -------
    DataFrame: year, rank, n_ranked, leader (name of the first power), share (Britain's
    value over the sum for the powers ranked that year).

    Examples
    --------
    >>> import pandas as pd
    >>> caps = pd.DataFrame({"ccode": [200, 255, 2] * 2, "year": [1, 1, 1, 2, 2, 2],
    ...                      "cinc": [0.3, 0.2, 0.1, 0.2, 0.25, 0.3]})
    >>> britain_rank("cinc", ["UKG", "GMY", "USA"], 1, 2, table=caps)[["year", "rank", "leader"]]
       year  rank             leader
    0     1     1            Britain
    1     2     3  the United States
    """
    focal = state_code(state)
    chosen = list(powers)
    if focal not in [state_code(p) for p in chosen]:
        chosen.append(focal)
    series = measure_series(measure, chosen, start, end, table=table)
    wide = series.pivot_table(index="year", columns="ccode", values="value")
    if focal not in wide:
        raise InputError(f"no {MEASURES[measure].label} data for {state_name(focal)} in "
                         f"{start}-{end}")
    wide = wide[wide[focal].notna()]
    ranks = wide.rank(axis=1, ascending=False, method="min")
    out = pd.DataFrame({
        "year": wide.index.astype(int),
        "rank": ranks[focal].astype(int).to_numpy(),
        "n_ranked": wide.notna().sum(axis=1).astype(int).to_numpy(),
        "leader": [state_name(c) for c in wide.idxmax(axis=1)],
        "share": (wide[focal] / wide.sum(axis=1)).to_numpy(),
    })
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------
# C5: alliances
# --------------------------------------------------------------------------------------

_OBLIGATIONS = (("defense", "defence"), ("offense", "offence"), ("neutral", "neutrality"),
                ("nonagg", "non-aggression"), ("consul", "consultation"))


def _obligations(row) -> str:
    named = [word for column, word in _OBLIGATIONS if int(row.get(column, 0) or 0) == 1]
    return ", ".join(named) if named else "none coded"


def alliance_timeline(state: int | str = UK, start: int = 1890, end: int = 1914, *,
                      members: pd.DataFrame | None = None,
                      alliances: pd.DataFrame | None = None) -> pd.DataFrame:
    """The state's ATOP alliances in force at some point in ``start``-``end``.

    One row per membership spell (ATOP splits a membership into phases when the
    obligations change, as in the Anglo-Japanese alliance's renewal of 1905).

    Returns
    -------
    DataFrame: atopid, yrent, yrexit (missing = still a member at the end of the data),
    partners (names of the other members), obligations (the state's own obligations in
    words), defense, offense, neutral, nonagg, consul (0/1), n_members.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"atopid": [1, 1, 2, 2], "ccode": [200, 740, 200, 220],
    ...     "yrent": [1902, 1902, 1920, 1920], "yrexit": [1921, 1921, 1930, 1930],
    ...     "defense": [1, 1, 0, 0], "offense": [0] * 4, "neutral": [1, 1, 0, 0],
    ...     "nonagg": [0] * 4, "consul": [0, 0, 1, 1]})
    >>> alliance_timeline(members=m)[["atopid", "yrent", "partners", "obligations"]]
       atopid  yrent partners          obligations
    0       1   1902    Japan  defence, neutrality
    """
    table = _load("alliance_members", members)
    _require(table, "alliance_members", ["atopid", "ccode", "yrent", "yrexit", "defense",
                                         "offense", "neutral", "nonagg", "consul"])
    start, end = year_range(start, end)
    focal = state_code(state)
    _codes([focal], set(table["ccode"].dropna().astype(int)), "state")
    exit_year = table["yrexit"].astype("Float64").fillna(9999)
    mine = table[(table["ccode"] == focal) & (table["yrent"] <= end) & (exit_year >= start)]
    columns = ["atopid", "yrent", "yrexit", "partners", "obligations", "defense", "offense",
               "neutral", "nonagg", "consul", "n_members"]
    rows = []
    for _, spell in mine.sort_values(["yrent", "atopid"]).iterrows():
        others = table[(table["atopid"] == spell["atopid"]) & (table["ccode"] != focal)]
        partners = list(dict.fromkeys(int(c) for c in others["ccode"]))
        rows.append({
            "atopid": int(spell["atopid"]), "yrent": int(spell["yrent"]),
            "yrexit": spell["yrexit"], "partners": ", ".join(state_name(c) for c in partners),
            "obligations": _obligations(spell),
            **{c: int(spell[c]) for c in ("defense", "offense", "neutral", "nonagg", "consul")},
            "n_members": len(partners) + 1,
        })
    out = pd.DataFrame(rows, columns=columns)
    out["yrexit"] = out["yrexit"].astype("Int64")
    return out


def entente_coding(partners: Sequence = (740, 220, 365), state: int | str = UK,
                   start: int = 1890, end: int = 1914, *, members: pd.DataFrame | None = None,
                   events: pd.DataFrame | None = None) -> pd.DataFrame:
    """How ATOP codes Britain's agreements with Japan, France and Russia, against their dates.

    For each partner: the treaty of the case_events table (Anglo-Japanese alliance 1902,
    Entente Cordiale 1904, Anglo-Russian Convention 1907), the first year up to ``end``
    in which ATOP has both states in the same alliance (counting alliances in force at
    some point in ``start``-``end``), the ATOP ids and the obligations
    Britain took on in them.

    When ATOP's first pact begins in a later year it is a *different* agreement (for
    France the 1907 Mediterranean pact with Spain, for Russia the wartime pact of
    September 1914), not the entente coded late: ``years_to_first_pact`` is the gap
    between the two, and ``agreement_coded`` says whether ATOP has a pact with the
    partner beginning in the agreement's own year (for Japan, ATOP 1415 is the 1902
    alliance itself).

    Returns
    -------
    DataFrame: ccode, partner, treaty, treaty_date, atop_first_year (missing if ATOP
    codes nothing up to ``end``), atop_ids, obligations, defence (bool: any defence
    obligation of Britain to the partner up to ``end``), agreement_coded (bool),
    years_to_first_pact, finding.

    Examples
    --------
    >>> entente_coding()[["partner", "treaty_date", "atop_first_year", "defence"]]
      partner treaty_date  atop_first_year  defence
    0   Japan  1902-01-30             1902     True
    1  France  1904-04-08             1907    False
    2  Russia  1907-08-31             1914    False
    """
    table = _load("alliance_members", members)
    _require(table, "alliance_members", ["atopid", "ccode", "yrent", "yrexit", "defense",
                                         "offense", "neutral", "nonagg", "consul"])
    dated = _load("case_events", events)
    _require(dated, "case_events", ["id", "event", "date_start"])
    focal = state_code(state)
    start, end = year_range(start, end)
    known = set(table["ccode"].dropna().astype(int))
    codes = _codes(partners, known, "partner")
    exit_year = table["yrexit"].astype("Float64").fillna(9999)
    table = table.assign(_exit=exit_year)
    rows = []
    for code in codes:
        event_id = TREATIES.get(code)
        treaty, treaty_date = "", ""
        if event_id is not None:
            match = dated[dated["id"] == event_id]
            if match.empty:
                raise DataError(f"case_events has no event {event_id!r}")
            treaty, treaty_date = str(match.iloc[0]["event"]), str(match.iloc[0]["date_start"])[:10]
        mine = table[(table["ccode"] == focal) & (table["yrent"] <= end)
                     & (table["_exit"] >= start)]
        theirs = table[table["ccode"] == code]
        both = mine.merge(theirs[["atopid", "yrent", "_exit"]], on="atopid",
                          suffixes=("", "_partner"))
        shared = []
        for a in both.to_dict("records"):
            first = max(int(a["yrent"]), int(a["yrent_partner"]))
            last = min(float(a["_exit"]), float(a["_exit_partner"]))
            if first <= last and first <= end and last >= start:
                shared.append((first, int(a["atopid"]), a))
        shared.sort(key=lambda item: (item[0], item[1]))
        first_year = shared[0][0] if shared else None
        ids = list(dict.fromkeys(i for _, i, _ in shared))
        first_spell = {}
        for _, atopid, spell in shared:
            first_spell.setdefault(atopid, spell)
        obligations = "; ".join(f"ATOP {i}: {_obligations(a)}" for i, a in first_spell.items())
        defence = any(int(a["defense"]) == 1 for _, _, a in shared)
        treaty_year = int(treaty_date[:4]) if treaty_date[:4].isdigit() else None
        lag = first_year - treaty_year if first_year is not None and treaty_year else None
        if first_year is None:
            finding = (f"ATOP codes no alliance between {state_name(focal)} and "
                       f"{state_name(code)} in {start}-{end}.")
        else:
            what = _obligations(first_spell[ids[0]])
            pair = f"{state_name(focal)}-{state_name(code)}"
            if lag is not None and lag > 0:
                finding = (f"ATOP does not code the {treaty_year} agreement; its first "
                           f"{pair} pact is a different agreement, of {first_year} ({what}).")
            elif lag == 0:
                finding = (f"ATOP codes a {pair} pact from {first_year}, the year of the "
                           f"agreement ({what}).")
            else:
                finding = f"ATOP codes a {pair} pact from {first_year} ({what})."
        rows.append({"ccode": code, "partner": state_name(code), "treaty": treaty,
                     "treaty_date": treaty_date, "atop_first_year": first_year,
                     "atop_ids": ", ".join(map(str, ids)), "obligations": obligations,
                     "defence": defence, "agreement_coded": lag == 0,
                     "years_to_first_pact": lag, "finding": finding})
    out = pd.DataFrame(rows)
    out["agreement_coded"] = out["agreement_coded"].astype(bool)
    for column in ("atop_first_year", "years_to_first_pact"):
        out[column] = out[column].astype("Int64")
    return out


# --------------------------------------------------------------------------------------
# C5: sides in a dispute, and what the alliance datasets leave out
# --------------------------------------------------------------------------------------


def dispute_sides(disno: int, state: int | str = UK, *,
                  disputes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Who was on the focal state's side in one dispute, and who against it.

    The dyadic MID table lists only pairs on *opposite* sides, so sides are read from
    it like a two-colour map: the focal state's opponents are against it, their
    opponents with it, and so on. A state that fought nobody the focal state's side
    fought does not appear.

    Returns
    -------
    DataFrame ``ccode``, ``abbrev``, ``state``, ``side`` ("with" or "against"),
    ``first_year``, ``last_year``, ``hihost`` (the highest hostility in the state's
    dyads of the dispute), ``war`` (bool); the focal state itself is left out.

    Raises
    ------
    InputError
        If the dispute is not in the table, or the focal state is not in it.
    DataError
        If the dyads cannot be split into two sides.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"disno": [315] * 4, "year": [1911] * 4,
    ...     "statea": [200, 255, 220, 255], "stateb": [255, 200, 255, 220],
    ...     "abbreva": ["UKG", "GMY", "FRN", "GMY"], "abbrevb": ["GMY", "UKG", "GMY", "FRN"],
    ...     "hihost": [3] * 4, "war": [0] * 4})
    >>> dispute_sides(315, disputes=rows)[["state", "side"]].values.tolist()
    [['France', 'with'], ['Germany', 'against']]
    """
    table = _load("disputes", disputes)
    _require(table, "disputes", ["disno", "year", "statea", "stateb", "abbreva", "abbrevb",
                                 "hihost", "war"])
    rows = table[table["disno"] == int(disno)]
    if rows.empty:
        raise InputError(f"no dispute {disno!r} in the dyadic MID table")
    focal = state_code(state)
    pairs = {(int(a), int(b)) for a, b in zip(rows["statea"], rows["stateb"], strict=True)}
    pairs |= {(b, a) for a, b in pairs}
    if not any(a == focal for a, _ in pairs):
        raise InputError(f"{state_name(focal)} is not in dispute {disno}")
    side = {focal: 0}
    queue = [focal]
    while queue:
        here = queue.pop()
        for a, b in pairs:
            if a != here:
                continue
            if b not in side:
                side[b] = 1 - side[here]
                queue.append(b)
            elif side[b] == side[here]:
                raise DataError(f"dispute {disno}: the dyads do not split into two sides "
                                f"({state_name(here)} and {state_name(b)})")
    abbrev = dict(zip(rows["statea"].astype(int), rows["abbreva"], strict=True))
    out = []
    for code, which in side.items():
        if code == focal:
            continue
        mine = rows[(rows["statea"] == code)]
        out.append({"ccode": code, "abbrev": str(abbrev.get(code, code)),
                    "state": state_name(code) if code in NAMES else str(abbrev.get(code)),
                    "side": "with" if which == 0 else "against",
                    "first_year": int(mine["year"].min()), "last_year": int(mine["year"].max()),
                    "hihost": int(mine["hihost"].max()), "war": bool(mine["war"].max())})
    frame = pd.DataFrame(out)
    return frame.sort_values(["side", "first_year", "ccode"], ascending=[False, True, True],
                             ignore_index=True)


def shared_disputes(partners: Sequence = ("FRN", "RUS"), start: int = 1870, end: int = 1914,
                    *, disputes: pd.DataFrame | None = None,
                    major_powers: pd.DataFrame | None = None,
                    state: int | str = UK) -> pd.DataFrame:
    """Disputes in which Britain and a partner stood on the same side, by start year.

    Evidence of support the alliance datasets cannot show: the Entente required, the
    essay says, "British support for Russian and French interests" [P17]. A dispute in
    which Britain and France faced the same opponent is such support in action; one
    against a *major power* (COW's list for the start year) is the costly kind.

    Returns
    -------
    DataFrame ``disno``, ``strtyr``, ``endyear``, ``partner``, ``opponents`` (names),
    ``against_major_power`` (bool), ``also_with`` (others on Britain's side), ``hihost``
    (the highest hostility Britain reached against any opponent), sorted by start year.

    Examples
    --------
    >>> table = shared_disputes(["FRN"], 1904, 1913)
    >>> table.loc[table["against_major_power"], ["disno", "strtyr", "opponents"]
    ...           ].values.tolist()
    [[315, 1911, 'Germany']]
    """
    table = _load("disputes", disputes)
    majors = _load("major_powers", major_powers)
    _require(table, "disputes", ["disno", "year", "statea", "stateb", "strtyr", "endyear",
                                 "hihost", "war"])
    _require(majors, "major_powers", ["ccode", "start_year", "end_year"])
    start, end = year_range(start, end)
    focal = state_code(state)
    known = set(pd.concat([table["statea"], table["stateb"]]).dropna().astype(int))
    codes = _codes(partners, known, "partner")
    mine = table[(table["statea"] == focal) & table["strtyr"].between(start, end)]
    columns = ["disno", "strtyr", "endyear", "partner", "opponents", "against_major_power",
               "also_with", "hihost"]
    out = []
    for disno, group in mine.groupby("disno", sort=False):
        sides = dispute_sides(int(disno), focal, disputes=table)
        friends = sides[sides["side"] == "with"]
        enemies = sides[sides["side"] == "against"]
        begun = int(group["strtyr"].min())
        major = majors[(majors["start_year"] <= begun) & (majors["end_year"] >= begun)]
        for code in codes:
            if code not in set(friends["ccode"]):
                continue
            out.append({
                "disno": int(disno), "strtyr": begun, "endyear": int(group["endyear"].max()),
                "partner": state_name(code), "opponents": ", ".join(enemies["state"]),
                "against_major_power": bool(enemies["ccode"].isin(major["ccode"]).any()),
                "also_with": ", ".join(friends.loc[friends["ccode"] != code, "state"]),
                "hihost": int(group["hihost"].max()),
            })
    frame = pd.DataFrame(out, columns=columns)
    frame["against_major_power"] = frame["against_major_power"].astype(bool)
    return frame.sort_values(["strtyr", "disno", "partner"], ignore_index=True)


#: Commitments of Britain that ATOP 5.1 and COW 4.1 do not code, added by the course.
#: Each is cited to the treaty text in a standard collection; see :func:`course_additions`.
COURSE_ADDITIONS: tuple[dict, ...] = ({
    "id": "CA1839",
    "agreement": "Treaty of London (the 'Quintuple Treaty'): Belgium independent and "
                 "perpetually neutral, under the great powers' guarantee",
    "signed": "1839-04-19",
    "partner_ccode": 211,
    "partners": "Austria, France, Prussia, Russia; with Belgium (and, in a parallel treaty "
                "of the same day, with the Netherlands)",
    "first_year": 1839,
    "last_year": 1914,
    "britain_obligation": "guarantee of Belgium's independence and perpetual neutrality "
                          "(a guarantee, not a written promise of armed help)",
    "source": "Treaty text: Hertslet, Edward. 1875. The Map of Europe by Treaty, vol. 2 "
              "(1828-1863). London: Butterworths, Nos. 183-184 (numbers as Hertslet's "
              "vol. 3, No. 428, refers to them). Page 982 prints the five powers' treaty "
              "with the Netherlands, whose Art. II places the annexed articles 'under the "
              "guarantee of their said Majesties'; Art. VII of those articles makes "
              "Belgium 'an Independent and perpetually Neutral State'. The page of the "
              "treaty with Belgium itself was not checked by the course.",
    "note": "Added by the course: neither ATOP 5.1 nor COW 4.1 codes it (COW: see "
            "data/README.md). What the guarantee obliged a signatory to do, and whether "
            "each guarantor was bound alone, was disputed at the time: in August 1870 "
            "Britain signed separate treaties with Prussia and with France to make it "
            "explicit for the Franco-Prussian War (ATOP 1295 and 1300, in force to 1872). "
            "Britain's ultimatum to Germany of 4 August 1914 invoked 'a treaty to which "
            "Germany is as much a party as ourselves'. The last year, 1914, is the "
            "course's choice: the year the guarantee was invoked and Belgium invaded.",
},)


def course_additions(*, members: pd.DataFrame | None = None) -> pd.DataFrame:
    """Britain's European commitments that the alliance datasets leave out, as a table.

    These rows are **the course's addition, not the datasets' coding** (see
    :data:`COURSE_ADDITIONS` for the citation of each). ``atop_codes_it`` is computed,
    not typed: whether ATOP has any pact between Britain and the partner in force at
    some point in the agreement's years.

    Returns
    -------
    DataFrame: id, agreement, signed, partner, partners, first_year, last_year,
    britain_obligation, atop_codes_it (bool), source, note.

    Examples
    --------
    >>> row = course_additions().iloc[0]
    >>> row["signed"], row["partner"], bool(row["atop_codes_it"])
    ('1839-04-19', 'Belgium', False)
    """
    table = _load("alliance_members", members)
    _require(table, "alliance_members", ["atopid", "ccode", "yrent", "yrexit"])
    exit_year = table["yrexit"].astype("Float64").fillna(9999)
    rows = []
    for record in COURSE_ADDITIONS:
        first, last = record["first_year"], record["last_year"]
        live = table[(table["yrent"] <= last) & (exit_year >= first)]
        ours = set(live.loc[live["ccode"] == UK, "atopid"])
        theirs = set(live.loc[live["ccode"] == record["partner_ccode"], "atopid"])
        rows.append({
            "id": record["id"], "agreement": record["agreement"], "signed": record["signed"],
            "partner": state_name(record["partner_ccode"]), "partners": record["partners"],
            "first_year": first, "last_year": last,
            "britain_obligation": record["britain_obligation"],
            "atop_codes_it": bool(ours & theirs), "source": record["source"],
            "note": record["note"],
        })
    return pd.DataFrame(rows)
