"""Flexible alignments (claim C2): do the great powers change partners more when power is spread?

The essay says that in 19th-century Europe "shifting alignments or even
near-simultaneous competition and cooperation was extremely common" [P15], and that
"the more bipolar a system is, the more these sorts of relationships are unlikely to
occur" [P14]. The classic reading is Christensen, Thomas J. and Jack Snyder. 1990.
"Chain Gangs and Passed Bucks: Predicting Alliance Patterns in Multipolarity."
*International Organization* 44(2): 137–168.

This module measures both halves among the **major powers** (COW major-power spells,
year by year), using formal alliances from ATOP 5.1 (1815–2018) and militarized
disputes from the dyadic MID data 4.02 (dispute-dyad-years, 1816–2014):

* A pair of major powers (a *dyad*) is **allied** in a year when both are members of
  the same ATOP alliance that year. With an obligation type other than ``"any"``, the
  alliance must carry that obligation for at least one of the two members (ATOP codes
  obligations member by member).
* A **formation** is the first year of a new allied spell of a dyad (allied this year,
  not last year); a **termination** is the last year of a spell (allied this year, not
  next year; spells still running in 2018, the end of ATOP, are not terminations).
  Phases of one treaty, or a new treaty that follows the old one without a gap, do not
  count as changes. Rates are per *dyad-decade*: events per 10 major-power dyad-years.
* A dyad is **in a dispute** in a year when the dyadic MID data have a dispute between
  them that year with highest hostility ``hihost`` at least ``threshold``
  (2 threat, 3 display, 4 use of force, 5 war).
* **Competition and cooperation at once**: in the window of ``window`` years ending in
  a year, the dyad was both allied (some year) and in a dispute (some year). With
  ``window=1`` that means the same calendar year.

Eras (:data:`ERAS`) leave out the world wars (1914–1918, 1939–1945). ATOP counts only
formal written alliances: ententes without a treaty, secret understandings, détente,
tacit cooperation (the U.S.–China rapprochement of the 1970s) are invisible here.

Which treaties count (``pacts``, :data:`PACT_RULES`) is a choice too, made from ATOP's
own codes: ``"all"``; ``"bilateral"`` (ATOP ``bilat`` = 1); or ``"military"``, which drops
*multilateral non-military pacts* — multilateral (``bilat`` = 0) alliances that promise
no defence, offence or neutrality, only non-aggression or consultation (such as the 1962
declaration on the neutrality of Laos, ATOP 3460, and the 1975 Helsinki Final Act, ATOP
3740, which rivals of both blocs signed). :func:`dropped_pacts` lists what a rule drops.

Examples
--------
>>> members = pd.DataFrame({"atopid": [1, 1], "ccode": [200, 220], "yrent": [1900, 1900],
...                         "yrexit": [1903, 1903], "defense": [1, 1], "offense": [0, 0],
...                         "neutral": [0, 0], "nonagg": [0, 0], "consul": [0, 0]})
>>> allied_dyad_years(alliance_members=members).values.tolist()
[[200, 220, 1900], [200, 220, 1901], [200, 220, 1902], [200, 220, 1903]]
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations

import numpy as np
import pandas as pd

from course.errors import InputError
from course.measures.common import year_range

#: Eras compared in the lessons (inclusive years); the world wars are left out.
ERAS = {
    "1816–1913": (1816, 1913),
    "1919–1939": (1919, 1939),
    "1946–1989": (1946, 1989),
    "1990–2018": (1990, 2018),
}
#: Alliance obligation types (ATOP flags); "any" means any ATOP alliance.
OBLIGATIONS = {
    "any": "any formal alliance",
    "defense": "defence pacts",
    "offense": "offence pacts",
    "neutral": "neutrality pacts",
    "nonagg": "non-aggression pacts",
    "consul": "consultation pacts",
}
#: Which ATOP treaties count as alliances (see the module notes).
PACT_RULES = {
    "all": "every ATOP alliance",
    "bilateral": "bilateral pacts only",
    "military": "without multilateral non-military pacts",
}
HOSTILITY = {1: "no militarized action", 2: "threat", 3: "display", 4: "use of force", 5: "war"}
FIRST_YEAR, LAST_ALLIANCE_YEAR, LAST_DISPUTE_YEAR = 1816, 2018, 2014
SOURCE = "ATOP 5.1 (Leeds et al. 2002); dyadic MID 4.02 (Maoz et al. 2019); COW major powers v2024"


# --------------------------------------------------------------------------- checks
def _load(name: str) -> pd.DataFrame:
    from course import data  # imported late: the data package loads files on demand

    return data.load(name)


def check_obligation(obligation: str) -> str:
    """Return ``obligation`` if it is a known ATOP obligation type, else raise InputError."""
    if obligation not in OBLIGATIONS:
        raise InputError(f"unknown obligation type {obligation!r}; pass one of "
                         f"{', '.join(map(repr, OBLIGATIONS))}")
    return obligation


def check_pacts(pacts: str) -> str:
    """Return ``pacts`` if it is a rule of :data:`PACT_RULES`, else raise InputError."""
    if pacts not in PACT_RULES:
        raise InputError(f"unknown rule for which pacts count {pacts!r}; pass one of "
                         f"{', '.join(map(repr, PACT_RULES))}")
    return pacts


def kept_pacts(pacts: str = "all", *, alliances: pd.DataFrame | None = None) -> set[int]:
    """ATOP ids of the alliances that count under a rule of :data:`PACT_RULES`.

    The rules use ATOP's alliance-level codes: ``bilat`` (1 = two members) and the
    obligation flags ``defense``, ``offense``, ``neutral``, ``nonagg``, ``consul``.
    ``"military"`` keeps every bilateral pact and every multilateral pact with a
    defence, offence or neutrality obligation.

    Examples
    --------
    >>> table = pd.DataFrame({"atopid": [1, 2, 3], "bilat": [1, 0, 0],
    ...     "defense": [0, 1, 0], "offense": [0, 0, 0], "neutral": [0, 0, 0],
    ...     "nonagg": [1, 0, 1], "consul": [0, 1, 1]})
    >>> sorted(kept_pacts("military", alliances=table)), sorted(kept_pacts("bilateral",
    ...                                                                   alliances=table))
    ([1, 2], [1])
    """
    check_pacts(pacts)
    table = _load("alliances") if alliances is None else alliances
    ids = _int(table["atopid"], -1)
    if pacts == "all":
        return {int(i) for i in ids}
    bilateral = _int(table["bilat"], 0) == 1
    if pacts == "bilateral":
        return {int(i) for i in ids[bilateral]}
    military = ((_int(table["defense"], 0) == 1) | (_int(table["offense"], 0) == 1)
                | (_int(table["neutral"], 0) == 1))
    return {int(i) for i in ids[bilateral | military]}


def dropped_pacts(pacts: str = "military", *, alliances: pd.DataFrame | None = None,
                  alliance_members: pd.DataFrame | None = None,
                  major_powers: pd.DataFrame | None = None) -> pd.DataFrame:
    """The alliances a rule leaves out that joined at least two major powers.

    Only these can change the major-power measures of this module, so this is the
    list to read before trusting a rule.

    Returns
    -------
    DataFrame ``atopid, begyr, endyr, n_members, obligations, major_powers`` (the
    abbreviations of the members that were major powers while members), by ``begyr``.

    Examples
    --------
    >>> table = pd.DataFrame({"atopid": [5], "begyr": [1975], "endyr": [pd.NA],
    ...     "bilat": [0], "defense": [0], "offense": [0], "neutral": [0], "nonagg": [1],
    ...     "consul": [0], "n_members": [35]})
    >>> members = pd.DataFrame({"atopid": [5, 5, 5], "ccode": [2, 365, 390],
    ...                         "yrent": [1975] * 3, "yrexit": [1990] * 3})
    >>> majors = pd.DataFrame({"ccode": [2, 365], "stateabb": ["USA", "RUS"],
    ...                        "start_year": [1816, 1816], "end_year": [2024, 2024]})
    >>> dropped_pacts(alliances=table, alliance_members=members,
    ...               major_powers=majors).values.tolist()
    [[5, 1975, <NA>, 35, 'non-aggression', 'USA, RUS']]
    """
    table = _load("alliances") if alliances is None else alliances
    members = _load("alliance_members") if alliance_members is None else alliance_members
    majors = _load("major_powers") if major_powers is None else major_powers
    dropped = set(int(i) for i in _int(table["atopid"], -1)) - kept_pacts(pacts,
                                                                          alliances=table)
    rows = []
    m = members[pd.to_numeric(members["atopid"], errors="coerce").isin(list(dropped))]
    for atopid, group in m.groupby("atopid"):
        names = []
        for ccode, first, last in zip(_int(group["ccode"], -1), _int(group["yrent"], -1),
                                      _int(group["yrexit"], LAST_ALLIANCE_YEAR), strict=True):
            last = LAST_ALLIANCE_YEAR if last <= 0 else last
            spells = majors[(_int(majors["ccode"], -1) == ccode)
                            & (_int(majors["start_year"], 0) <= last)
                            & (_int(majors["end_year"], 0) >= first)]
            if len(spells):
                names.append(str(spells["stateabb"].iloc[0]))
        names = list(dict.fromkeys(names))
        if len(names) < 2:
            continue
        row = table[_int(table["atopid"], -1) == int(atopid)].iloc[0]
        obligations = [label for flag, label in (("defense", "defence"), ("offense", "offence"),
                                                 ("neutral", "neutrality"),
                                                 ("nonagg", "non-aggression"),
                                                 ("consul", "consultation"))
                       if int(row[flag]) == 1]
        rows.append({"atopid": int(atopid), "begyr": int(row["begyr"]), "endyr": row["endyr"],
                     "n_members": int(row["n_members"]),
                     "obligations": ", ".join(obligations) or "none coded",
                     "major_powers": ", ".join(names)})
    out = pd.DataFrame(rows, columns=["atopid", "begyr", "endyr", "n_members", "obligations",
                                      "major_powers"])
    out["endyr"] = out["endyr"].astype("Int64")
    return out.sort_values(["begyr", "atopid"], ignore_index=True)


def check_threshold(threshold: int) -> int:
    """Return the hostility threshold as an int in 1..5, else raise InputError."""
    if isinstance(threshold, bool) or threshold not in (1, 2, 3, 4, 5):
        raise InputError(f"hostility threshold must be 1–5 (2 threat, 3 display, 4 use of "
                         f"force, 5 war), got {threshold!r}")
    return int(threshold)


def check_window(window: int) -> int:
    """Return the window length in years (1–50), else raise InputError."""
    if isinstance(window, bool) or not isinstance(window, int | np.integer) \
            or not 1 <= window <= 50:
        raise InputError(f"the window is a whole number of years from 1 to 50, got {window!r}")
    return int(window)


def _check_years(start: int, end: int) -> tuple[int, int]:
    start, end = year_range(start, end)
    if end < FIRST_YEAR or start > LAST_ALLIANCE_YEAR:
        raise InputError(f"no alliance data for {start}–{end}: ATOP and the major-power "
                         f"list cover {FIRST_YEAR}–{LAST_ALLIANCE_YEAR}")
    return start, end


# --------------------------------------------------------------------------- dyad-years
def _int(series: pd.Series, missing: int) -> np.ndarray:
    """Whole numbers as int64, with ``missing`` where the value is NA or not a number."""
    values = pd.to_numeric(series, errors="coerce").astype("Float64")
    return np.nan_to_num(values.to_numpy(dtype=float, na_value=np.nan), nan=missing).astype(int)


def allied_dyad_years(obligation: str = "any", *, alliance_members: pd.DataFrame | None = None,
                      ccodes: list[int] | None = None,
                      last_year: int = LAST_ALLIANCE_YEAR) -> pd.DataFrame:
    """Every (dyad, year) in which two states share an ATOP alliance of the given type.

    Parameters
    ----------
    obligation : {"any", "defense", "offense", "neutral", "nonagg", "consul"}
    alliance_members : DataFrame, optional
        ``atopid, ccode, yrent, yrexit`` (NA = still a member at the end of the data)
        and the obligation flags; loaded when not given.
    ccodes : list of int, optional
        Only dyads among these states.
    last_year : int
        Year that an open membership (``yrexit`` missing) runs to.

    Returns
    -------
    DataFrame ``ccode_a, ccode_b, year`` with ``ccode_a < ccode_b``, one row per dyad-year.

    Examples
    --------
    >>> m = pd.DataFrame({"atopid": [7, 7, 7], "ccode": [2, 200, 365], "yrent": [2017] * 3,
    ...     "yrexit": [pd.NA] * 3, "defense": [1, 0, 0], "offense": [0] * 3,
    ...     "neutral": [0] * 3, "nonagg": [0] * 3, "consul": [0] * 3})
    >>> allied_dyad_years("defense", alliance_members=m).values.tolist()
    [[2, 200, 2017], [2, 200, 2018], [2, 365, 2017], [2, 365, 2018]]
    """
    out = _dyad_alliance_years(obligation, alliance_members, ccodes, last_year)
    out = out[["ccode_a", "ccode_b", "year"]].drop_duplicates()
    return out.sort_values(["ccode_a", "ccode_b", "year"], ignore_index=True)


def _dyad_alliance_years(obligation: str, alliance_members: pd.DataFrame | None,
                         ccodes: list[int] | None, last_year: int = LAST_ALLIANCE_YEAR
                         ) -> pd.DataFrame:
    """``ccode_a, ccode_b, year, atopid``: which alliance makes a dyad allied in a year."""
    check_obligation(obligation)
    members = _load("alliance_members") if alliance_members is None else alliance_members
    m = pd.DataFrame({
        "atopid": _int(members["atopid"], -1),
        "ccode": _int(members["ccode"], -1),
        "first": _int(members["yrent"], -1),
        "last": _int(members["yrexit"], last_year),
        "flag": 1 if obligation == "any" else _int(members[obligation], 0),
    })
    m.loc[m["last"] <= 0, "last"] = last_year  # ATOP codes "still a member" as 0 in raw files
    if ccodes is not None:
        m = m[m["ccode"].isin(list(ccodes))]
    rows = []
    for atopid, group in m.groupby("atopid"):
        spells = list(group.itertuples(index=False))
        for x, y in combinations(spells, 2):
            if x.ccode == y.ccode or not (x.flag or y.flag):
                continue
            a, b = sorted((int(x.ccode), int(y.ccode)))
            for year in range(max(x.first, y.first), min(x.last, y.last) + 1):
                rows.append((a, b, year, int(atopid)))
    return pd.DataFrame(rows, columns=["ccode_a", "ccode_b", "year", "atopid"]).drop_duplicates()


def dispute_dyad_years(threshold: int = 2, *, disputes: pd.DataFrame | None = None,
                       ccodes: list[int] | None = None) -> pd.DataFrame:
    """Dyad-years with a militarized dispute at hostility ``threshold`` or above.

    The dyadic MID unit is the dispute-dyad-year, so several disputes of one dyad in a
    year collapse to one row keeping the highest hostility and the number of disputes.
    Rows with missing hostility (``-9``) never count.

    Returns
    -------
    DataFrame ``ccode_a, ccode_b, year, hihost, n_disputes`` with ``ccode_a < ccode_b``.

    Examples
    --------
    >>> d = pd.DataFrame({"disno": [1, 2, 3], "year": [1900, 1900, 1901],
    ...                   "statea": [220, 200, 200], "stateb": [200, 220, 220],
    ...                   "hihost": [2, 4, -9]})
    >>> dispute_dyad_years(2, disputes=d).values.tolist()
    [[200, 220, 1900, 4, 2]]
    """
    check_threshold(threshold)
    raw = _load("disputes") if disputes is None else disputes
    a = _int(raw["statea"], -1)
    b = _int(raw["stateb"], -1)
    d = pd.DataFrame({"ccode_a": np.minimum(a, b), "ccode_b": np.maximum(a, b),
                      "year": _int(raw["year"], -1), "hihost": _int(raw["hihost"], -9),
                      "disno": _int(raw["disno"], -1)})
    d = d[d["hihost"] >= threshold]
    if ccodes is not None:
        d = d[d["ccode_a"].isin(list(ccodes)) & d["ccode_b"].isin(list(ccodes))]
    out = d.groupby(["ccode_a", "ccode_b", "year"], as_index=False).agg(
        hihost=("hihost", "max"), n_disputes=("disno", "nunique"))
    return out


# --------------------------------------------------------------------------- panel
def _major_grid(major_powers: pd.DataFrame, years: np.ndarray):
    spells = major_powers
    codes = sorted({int(c) for c in spells["ccode"]})
    abbs = {int(c): str(a) for c, a in zip(spells["ccode"], spells["stateabb"], strict=True)}
    member = {c: np.zeros(len(years), bool) for c in codes}
    for c, first, last in zip(spells["ccode"], spells["start_year"], spells["end_year"],
                              strict=True):
        member[int(c)] |= (years >= int(first)) & (years <= int(last))
    dyads = list(combinations(codes, 2))
    major = np.array([member[a] & member[b] for a, b in dyads])
    return codes, abbs, dyads, major


def _fill(dyads, years, rows: pd.DataFrame) -> np.ndarray:
    grid = np.zeros((len(dyads), len(years)), bool)
    index = {d: i for i, d in enumerate(dyads)}
    first = int(years[0])
    for a, b, y in zip(rows["ccode_a"], rows["ccode_b"], rows["year"], strict=True):
        i = index.get((int(a), int(b)))
        if i is not None and first <= y <= years[-1]:
            grid[i, int(y) - first] = True
    return grid


def _base_arrays(alliance_members, disputes, major_powers):
    """Arrays shared by every setting: major-power membership, per-obligation alliance
    grids and the highest dispute hostility of each dyad-year (0 = none)."""
    years = np.arange(FIRST_YEAR - 1, LAST_ALLIANCE_YEAR + 2)
    codes, abbs, dyads, major = _major_grid(major_powers, years)
    allied = {ob: _fill(dyads, years, allied_dyad_years(ob, alliance_members=alliance_members,
                                                        ccodes=codes))
              for ob in OBLIGATIONS}
    fights = dispute_dyad_years(1, disputes=disputes, ccodes=codes)
    hostility = np.zeros((len(dyads), len(years)), np.int8)
    index = {d: i for i, d in enumerate(dyads)}
    for a, b, y, h in zip(fights["ccode_a"], fights["ccode_b"], fights["year"],
                          fights["hihost"], strict=True):
        if (int(a), int(b)) in index and years[0] <= y <= years[-1]:
            hostility[index[(int(a), int(b))], int(y) - years[0]] = int(h)
    return {"years": years, "codes": codes, "abbs": abbs, "dyads": dyads, "major": major,
            "allied": allied, "hostility": hostility}


class _Grids:
    """Dyad × year boolean arrays for the major-power dyads under one setting (internal)."""

    def __init__(self, base: dict, obligation: str, threshold: int):
        self.years, self.codes, self.abbs = base["years"], base["codes"], base["abbs"]
        self.dyads, self.major = base["dyads"], base["major"]
        self.allied = base["allied"][obligation]
        self.dispute = base["hostility"] >= threshold
        prev = np.zeros_like(self.allied)
        prev[:, 1:] = self.allied[:, :-1]
        nxt = np.zeros_like(self.allied)
        nxt[:, :-1] = self.allied[:, 1:]
        # One year either side of the data, so formations/terminations at the edges are seen.
        self.formed = self.allied & ~prev
        self.terminated = self.allied & ~nxt
        self.terminated[:, self.years >= LAST_ALLIANCE_YEAR] = False  # censored, not ended
        self.formed[:, self.years < FIRST_YEAR] = False


def _only_pacts(members: pd.DataFrame, pacts: str, alliances: pd.DataFrame | None
                ) -> pd.DataFrame:
    """The member rows of the alliances that count under ``pacts``."""
    if pacts == "all":
        return members
    keep = kept_pacts(pacts, alliances=alliances)
    return members[pd.Series(_int(members["atopid"], -1), index=members.index).isin(keep)]


@lru_cache(maxsize=3)
def _default_base(pacts: str = "all") -> dict:
    members = _only_pacts(_load("alliance_members"), pacts, None)
    return _base_arrays(members, _load("disputes"), _load("major_powers"))


def _default_grids(obligation: str, threshold: int, pacts: str = "all") -> _Grids:
    return _Grids(_default_base(pacts), obligation, threshold)


def _window_any(grid: np.ndarray, window: int) -> np.ndarray:
    """True where the row was True in any of the ``window`` years ending in that column."""
    csum = np.cumsum(grid, axis=1, dtype=np.int32)
    shifted = np.zeros_like(csum)
    if window < grid.shape[1]:
        shifted[:, window:] = csum[:, :-window]
    return (csum - shifted) > 0


def dyad_panel(obligation: str = "any", threshold: int = 2, window: int = 5,
               start: int = FIRST_YEAR, end: int = LAST_ALLIANCE_YEAR, *,
               pacts: str = "all", alliances: pd.DataFrame | None = None,
               alliance_members: pd.DataFrame | None = None,
               disputes: pd.DataFrame | None = None,
               major_powers: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per major-power dyad-year with its alliance and dispute status.

    Parameters
    ----------
    obligation : str
        ATOP obligation type (see :data:`OBLIGATIONS`).
    threshold : int
        Lowest hostility level (``hihost``) that counts as a dispute.
    window : int
        Years in the competition-and-cooperation window (ending in the row's year).
    start, end : int
        Inclusive years (1816–2018).
    pacts : {"all", "bilateral", "military"}
        Which ATOP treaties count (:data:`PACT_RULES`, :func:`kept_pacts`).
    alliances, alliance_members, disputes, major_powers : DataFrame, optional
        Tables as from ``course.data.load``; loaded (and cached) when not given.

    Returns
    -------
    DataFrame ``year, ccode_a, ccode_b, dyad, allied, formed, terminated, dispute,
    allied_w, dispute_w, both, dispute_known``. ``dispute_known`` is False after 2014,
    where the MID data end; ``dispute``, ``dispute_w`` and ``both`` are then False.

    Examples
    --------
    >>> majors = pd.DataFrame({"ccode": [200, 220], "stateabb": ["UKG", "FRN"],
    ...                        "start_year": [1816, 1816], "end_year": [2024, 2024]})
    >>> members = pd.DataFrame({"atopid": [1, 1], "ccode": [200, 220], "yrent": [1900] * 2,
    ...     "yrexit": [1901] * 2, "defense": [1, 1], "offense": [0, 0], "neutral": [0, 0],
    ...     "nonagg": [0, 0], "consul": [0, 0]})
    >>> disputes = pd.DataFrame({"disno": [9], "year": [1903], "statea": [220],
    ...                          "stateb": [200], "hihost": [3]})
    >>> p = dyad_panel("any", 2, 3, 1899, 1904, alliance_members=members,
    ...                disputes=disputes, major_powers=majors)
    >>> p[["year", "allied", "formed", "terminated", "dispute", "both"]].astype(int)
       year  allied  formed  terminated  dispute  both
    0  1899       0       0           0        0     0
    1  1900       1       1           0        0     0
    2  1901       1       0           1        0     0
    3  1902       0       0           0        0     0
    4  1903       0       0           0        1     1
    5  1904       0       0           0        0     0
    """
    check_obligation(obligation)
    check_threshold(threshold)
    check_pacts(pacts)
    window = check_window(window)
    start, end = _check_years(start, end)
    if (alliance_members is None and disputes is None and major_powers is None
            and alliances is None):
        grids = _default_grids(obligation, int(threshold), pacts)
    else:
        members = _load("alliance_members") if alliance_members is None else alliance_members
        base = _base_arrays(
            _only_pacts(members, pacts, alliances),
            _load("disputes") if disputes is None else disputes,
            _load("major_powers") if major_powers is None else major_powers)
        grids = _Grids(base, obligation, int(threshold))
    return _panel_from(grids, window, start, end)


def _panel_from(g: _Grids, window: int, start: int, end: int) -> pd.DataFrame:
    allied_w = _window_any(g.allied, window)
    dispute_w = _window_any(g.dispute, window)
    cols = (g.years >= start) & (g.years <= end)
    d_idx, y_idx = np.nonzero(g.major & cols[None, :])
    years = g.years[y_idx]
    known = years <= LAST_DISPUTE_YEAR
    a = np.array([g.dyads[i][0] for i in d_idx], dtype=int)
    b = np.array([g.dyads[i][1] for i in d_idx], dtype=int)
    names = [f"{g.abbs[g.dyads[i][0]]}–{g.abbs[g.dyads[i][1]]}" for i in d_idx]
    dispute = g.dispute[d_idx, y_idx] & known
    dw = dispute_w[d_idx, y_idx] & known
    aw = allied_w[d_idx, y_idx]
    out = pd.DataFrame({
        "year": years, "ccode_a": a, "ccode_b": b, "dyad": names,
        "allied": g.allied[d_idx, y_idx], "formed": g.formed[d_idx, y_idx],
        "terminated": g.terminated[d_idx, y_idx], "dispute": dispute,
        "allied_w": aw, "dispute_w": dw, "both": aw & dw, "dispute_known": known,
    })
    return out.sort_values(["year", "ccode_a", "ccode_b"], ignore_index=True)


# --------------------------------------------------------------------------- summaries
def summarize_panel(panel: pd.DataFrame) -> dict:
    """Rates for a set of major-power dyad-years (one era, one decade ...).

    Returns
    -------
    dict with ``dyad_years``, ``formations``, ``terminations``, ``changes``,
    ``formations_per_dd``, ``terminations_per_dd``, ``changes_per_dd`` (per dyad-decade,
    i.e. per 10 dyad-years), ``share_allied``, ``share_dispute`` and ``share_both``
    (the last two over dyad-years with dispute data), ``dispute_dyad_years``.

    Examples
    --------
    >>> panel = pd.DataFrame({"allied": [True, True, False, False],
    ...     "formed": [True, False, False, False], "terminated": [False, True, False, False],
    ...     "dispute": [False, True, False, True], "both": [False, True, False, False],
    ...     "dispute_known": [True] * 4})
    >>> s = summarize_panel(panel)
    >>> s["changes_per_dd"], s["share_allied"], s["share_both"]
    (5.0, 0.5, 0.25)
    """
    n = len(panel)
    known = panel[panel["dispute_known"]]
    formations = int(panel["formed"].sum())
    terminations = int(panel["terminated"].sum())
    per = (lambda k: 10 * k / n) if n else (lambda k: np.nan)
    k = len(known)
    return {
        "dyad_years": n, "formations": formations, "terminations": terminations,
        "changes": formations + terminations,
        "formations_per_dd": per(formations), "terminations_per_dd": per(terminations),
        "changes_per_dd": per(formations + terminations),
        "share_allied": float(panel["allied"].mean()) if n else np.nan,
        "share_dispute": float(known["dispute"].mean()) if k else np.nan,
        "share_both": float(known["both"].mean()) if k else np.nan,
        "dispute_dyad_years": k,
    }


def poles_by_year(measure: str = "cinc") -> pd.Series:
    """Effective number of poles among the major powers by ``measure``, indexed by year.

    Years without complete data are left out (see :mod:`course.measures.polarity`).
    """
    from course.measures import polarity

    series = polarity.polarity_by_year(measure, 1816, 2016 if measure != "gdp" else 2018)
    return series.set_index("year")["eff_poles"].dropna()


def era_summary(obligation: str = "any", threshold: int = 2, window: int = 5, *,
                pacts: str = "all",
                polarity_measure: str | None = "cinc", panel: pd.DataFrame | None = None,
                poles: pd.Series | None = None) -> pd.DataFrame:
    """Formation/termination rates and competition-with-cooperation shares by era.

    Parameters
    ----------
    obligation, threshold, window, pacts
        As in :func:`dyad_panel`.
    polarity_measure : {"cinc", "milex", "gdp"} or None
        Adds ``mean_eff_poles``, the era's mean effective number of major-power poles
        by that measure (years with data only), to relate C2 to C1.
    panel : DataFrame, optional
        A :func:`dyad_panel` to summarise instead of the default data.
    poles : Series, optional
        Effective poles indexed by year (instead of computing them).

    Returns
    -------
    DataFrame, one row per era of :data:`ERAS`, with the columns of
    :func:`summarize_panel` plus ``era``, ``start``, ``end``, ``n_powers_mean``,
    and ``mean_eff_poles``.

    Examples
    --------
    >>> majors = pd.DataFrame({"ccode": [200, 220, 255], "stateabb": ["UKG", "FRN", "GMY"],
    ...                        "start_year": [1816] * 3, "end_year": [2024] * 3})
    >>> none = pd.DataFrame({"atopid": [], "ccode": [], "yrent": [], "yrexit": [],
    ...     "defense": [], "offense": [], "neutral": [], "nonagg": [], "consul": []})
    >>> disputes = pd.DataFrame({"disno": [], "year": [], "statea": [], "stateb": [],
    ...                          "hihost": []})
    >>> panel = dyad_panel(alliance_members=none, disputes=disputes, major_powers=majors)
    >>> era_summary(panel=panel, polarity_measure=None)["dyad_years"].tolist()
    [294, 63, 132, 87]
    """
    if panel is None:
        panel = dyad_panel(obligation, threshold, window, pacts=pacts)
    if polarity_measure is not None and poles is None:
        poles = poles_by_year(polarity_measure)
    rows = []
    for era, (first, last) in ERAS.items():
        part = panel[(panel["year"] >= first) & (panel["year"] <= last)]
        row = {"era": era, "start": first, "end": last, **summarize_panel(part)}
        powers = part.groupby("year").size()
        # n dyads = k(k-1)/2  ->  k = (1 + sqrt(1 + 8n)) / 2
        row["n_powers_mean"] = float(((1 + np.sqrt(1 + 8 * powers)) / 2).mean()) \
            if len(powers) else np.nan
        if poles is not None:
            in_era = poles[(poles.index >= first) & (poles.index <= last)].dropna()
            row["mean_eff_poles"] = float(in_era.mean()) if len(in_era) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def obligation_summary(threshold: int = 2, window: int = 5, pacts: str = "all"
                       ) -> pd.DataFrame:
    """:func:`era_summary` for every obligation type, stacked (one row per type and era).

    Shows at a glance which verdicts survive a change in what counts as an alliance.

    Returns
    -------
    DataFrame ``obligation, era, dyad_years, formations, terminations, changes_per_dd,
    share_allied, share_both``.

    Examples
    --------
    >>> table = obligation_summary(2, 5)
    >>> sorted(table["obligation"].unique()) == sorted(OBLIGATIONS)
    True
    """
    parts = [era_summary(ob, threshold, window, pacts=pacts,
                         polarity_measure=None).assign(obligation=ob)
             for ob in OBLIGATIONS]
    columns = ["obligation", "era", "dyad_years", "formations", "terminations",
               "changes_per_dd", "share_allied", "share_both"]
    return pd.concat(parts, ignore_index=True)[columns]


def decade_summary(obligation: str = "any", threshold: int = 2, window: int = 5, *,
                   pacts: str = "all",
                   polarity_measure: str | None = "cinc", panel: pd.DataFrame | None = None,
                   poles: pd.Series | None = None) -> pd.DataFrame:
    """As :func:`era_summary`, by decade (1810s … 2010s), for relating rates to polarity.

    Examples
    --------
    >>> majors = pd.DataFrame({"ccode": [200, 220], "stateabb": ["UKG", "FRN"],
    ...                        "start_year": [1816] * 2, "end_year": [2024] * 2})
    >>> members = pd.DataFrame({"atopid": [1, 1], "ccode": [200, 220], "yrent": [1821] * 2,
    ...     "yrexit": [1822] * 2, "defense": [1, 1], "offense": [0, 0], "neutral": [0, 0],
    ...     "nonagg": [0, 0], "consul": [0, 0]})
    >>> disputes = pd.DataFrame({"disno": [], "year": [], "statea": [], "stateb": [],
    ...                          "hihost": []})
    >>> panel = dyad_panel(alliance_members=members, disputes=disputes, major_powers=majors)
    >>> decade_summary(panel=panel, polarity_measure=None).iloc[:2][
    ...     ["decade", "dyad_years", "changes", "changes_per_dd"]]
       decade  dyad_years  changes  changes_per_dd
    0    1810           4        0             0.0
    1    1820          10        2             2.0
    """
    if panel is None:
        panel = dyad_panel(obligation, threshold, window, pacts=pacts)
    if polarity_measure is not None and poles is None:
        poles = poles_by_year(polarity_measure)
    rows = []
    decades = panel["year"] // 10 * 10
    for decade, part in panel.groupby(decades):
        row = {"decade": int(decade), **summarize_panel(part)}
        if poles is not None:
            in_dec = poles[(poles.index >= decade) & (poles.index <= decade + 9)].dropna()
            row["mean_eff_poles"] = float(in_dec.mean()) if len(in_dec) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def rank_correlation(x: pd.Series, y: pd.Series) -> float:
    """Spearman rank correlation of two series over the rows where both have values.

    Examples
    --------
    >>> round(rank_correlation(pd.Series([1, 2, 3, 4]), pd.Series([10, 20, 30, 5])), 3)
    -0.2
    """
    both = pd.DataFrame({"x": x, "y": y}).dropna()
    if len(both) < 3:
        raise InputError("need at least three pairs of values to correlate")
    return float(both["x"].rank().corr(both["y"].rank()))


def _code(state) -> int | None:
    try:
        return int(state)
    except (TypeError, ValueError, OverflowError):
        return None


def dyad_history(a: int | str, b: int | str, obligation: str = "any", threshold: int = 2,
                 start: int = FIRST_YEAR, end: int = LAST_ALLIANCE_YEAR, *,
                 alliance_members: pd.DataFrame | None = None,
                 disputes: pd.DataFrame | None = None,
                 major_powers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Year by year, were two states allied, and did they have a dispute?

    Works for any two states (not only major powers) given as COW codes or as the
    abbreviations of major powers ('UKG', 'RUS', ...).

    Returns
    -------
    DataFrame ``year, allied, dispute, hihost`` (``hihost`` 0 when no dispute at or above
    the threshold; ``dispute`` is NA after 2014, where the MID data end).

    Examples
    --------
    >>> majors = pd.DataFrame({"ccode": [200, 365], "stateabb": ["UKG", "RUS"],
    ...                        "start_year": [1816] * 2, "end_year": [2024] * 2})
    >>> members = pd.DataFrame({"atopid": [1, 1], "ccode": [200, 365], "yrent": [1900] * 2,
    ...     "yrexit": [1900] * 2, "defense": [1, 1], "offense": [0, 0], "neutral": [0, 0],
    ...     "nonagg": [0, 0], "consul": [0, 0]})
    >>> disputes = pd.DataFrame({"disno": [4], "year": [1901], "statea": [365],
    ...                          "stateb": [200], "hihost": [4]})
    >>> dyad_history("UKG", "RUS", start=1900, end=1901, alliance_members=members,
    ...              disputes=disputes, major_powers=majors).values.tolist()
    [[1900, True, False, 0], [1901, False, True, 4]]
    """
    check_obligation(obligation)
    check_threshold(threshold)
    start, end = _check_years(start, end)
    majors = _load("major_powers") if major_powers is None else major_powers
    by_abb = {str(x).upper(): int(c) for c, x in zip(majors["ccode"], majors["stateabb"],
                                                     strict=True)}
    members = _load("alliance_members") if alliance_members is None else alliance_members
    raw = _load("disputes") if disputes is None else disputes
    known = set(_int(members["ccode"], -1)) | set(_int(raw["statea"], -1)) | set(by_abb.values())
    codes = []
    for s in (a, b):
        if isinstance(s, str) and s.strip().upper() in by_abb:
            codes.append(by_abb[s.strip().upper()])
        elif not isinstance(s, str | bool) and _code(s) in known:
            codes.append(_code(s))
        else:
            raise InputError(f"unknown state {s!r}: pass a COW code (e.g. 200) or a major "
                             f"power's abbreviation ({', '.join(sorted(by_abb))})")
    if codes[0] == codes[1]:
        raise InputError(f"pass two different states, got {a!r} and {b!r}")
    lo, hi = sorted(codes)
    allied = allied_dyad_years(obligation, alliance_members=members, ccodes=[lo, hi])
    fights = dispute_dyad_years(threshold, disputes=raw, ccodes=[lo, hi]).set_index("year")
    years = np.arange(start, end + 1)
    out = pd.DataFrame({"year": years})
    out["allied"] = out["year"].isin(allied["year"])
    out["dispute"] = pd.array(out["year"].isin(fights.index), dtype="boolean")
    out.loc[out["year"] > LAST_DISPUTE_YEAR, "dispute"] = pd.NA
    out["hihost"] = fights["hihost"].reindex(years).fillna(0).astype(int).to_numpy()
    return out


def pact_sensitivity(obligation: str = "any", threshold: int = 2, window: int = 5
                     ) -> pd.DataFrame:
    """Turnover and competition-with-cooperation by era under every rule of :data:`PACT_RULES`.

    One row per rule and era, so the effect of counting (or not) the multilateral
    non-military pacts, or of counting bilateral pacts only, is one table.

    Returns
    -------
    DataFrame ``pacts, era, formations, terminations, changes_per_dd, share_allied,
    share_both``.

    Examples
    --------
    >>> table = pact_sensitivity()
    >>> sorted(table["pacts"].unique()) == sorted(PACT_RULES)
    True
    """
    parts = [era_summary(obligation, threshold, window, pacts=rule, polarity_measure=None)
             .assign(pacts=rule) for rule in PACT_RULES]
    columns = ["pacts", "era", "formations", "terminations", "changes_per_dd",
               "share_allied", "share_both"]
    return pd.concat(parts, ignore_index=True)[columns]


def allied_and_disputing(obligation: str = "any", threshold: int = 2, window: int = 5,
                         start: int = 1946, end: int = 1989, *, pacts: str = "all",
                         alliances: pd.DataFrame | None = None,
                         alliance_members: pd.DataFrame | None = None,
                         disputes: pd.DataFrame | None = None,
                         major_powers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which dyads, and which alliances, make up the "allied and in a dispute" share.

    For the dyad-years of :func:`dyad_panel` that are ``both`` (allied and in a dispute
    within the window), names the ATOP alliances that made the dyad allied in that
    window. A share is only as convincing as the treaties behind it.

    A window reaches back ``window - 1`` years, so in the first years of an era it can
    find an alliance that ended before the era began (in 1946-1949, the wartime pacts
    of 1942-1945). ``before_start`` counts the dyad's dyad-years that are allied *only*
    through such years: flag them, or start the era later.

    Returns
    -------
    DataFrame ``dyad, dyad_years, first, last, atopids, before_start`` (one row per
    dyad, most dyad-years first; ``atopids`` lists the alliances, e.g. ``"3200"``).

    Examples
    --------
    >>> majors = pd.DataFrame({"ccode": [365, 710], "stateabb": ["RUS", "CHN"],
    ...                        "start_year": [1950, 1950], "end_year": [2024, 2024]})
    >>> members = pd.DataFrame({"atopid": [3200, 3200], "ccode": [365, 710],
    ...     "yrent": [1950] * 2, "yrexit": [1980] * 2, "defense": [1, 1], "offense": [0, 0],
    ...     "neutral": [0, 0], "nonagg": [1, 1], "consul": [0, 0]})
    >>> fights = pd.DataFrame({"disno": [1], "year": [1969], "statea": [365],
    ...                        "stateb": [710], "hihost": [4]})
    >>> allied_and_disputing("defense", 2, 1, 1950, 1989, alliance_members=members,
    ...                      disputes=fights, major_powers=majors).values.tolist()
    [['RUS–CHN', 1, 1969, 1969, '3200', 0]]
    """
    panel = dyad_panel(obligation, threshold, window, start, end, pacts=pacts,
                       alliances=alliances, alliance_members=alliance_members,
                       disputes=disputes, major_powers=major_powers)
    both = panel[panel["both"]]
    columns = ["dyad", "dyad_years", "first", "last", "atopids", "before_start"]
    if both.empty:
        return pd.DataFrame(columns=columns)
    members = _load("alliance_members") if alliance_members is None else alliance_members
    members = _only_pacts(members, pacts, alliances)
    codes = sorted(set(both["ccode_a"]) | set(both["ccode_b"]))
    links = _dyad_alliance_years(obligation, members, codes)
    rows = []
    for (dyad, a, b), group in both.groupby(["dyad", "ccode_a", "ccode_b"]):
        years = group["year"].astype(int)
        pair = links[(links["ccode_a"] == a) & (links["ccode_b"] == b)]
        ids = sorted({int(i) for y in years for i in
                      pair.loc[pair["year"].between(y - window + 1, y), "atopid"]})
        early = sum(not pair["year"].between(max(int(start), y - window + 1), y).any()
                    for y in years)
        rows.append({"dyad": dyad, "dyad_years": len(group), "first": int(years.min()),
                     "last": int(years.max()), "atopids": ", ".join(map(str, ids)),
                     "before_start": int(early)})
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["dyad_years", "dyad"], ascending=[False, True], ignore_index=True)
