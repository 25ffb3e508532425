"""Out-of-area operations from the course's cited case tables (claim C7).

The case tables (``case_libya_2011``, ``case_kosovo_1999``, ``case_isaf_troops``,
``case_nato_defence_gdp``) hold one *cited figure* per row, with the figure as the source
states it (``value``), the wording that limits it (``value_qualifier``), and the source,
its address and the quoted passage. These helpers select and reshape those rows; they
never average or reconcile them:

* every row a helper returns keeps its ``id`` and ``source`` (and ``source_url``);
* two sources that disagree stay two rows (:func:`conflicts` finds them);
* a share given in words ("a quarter", "half") is kept as stated, and the number used
  for a chart is in a separate column marked ``from_words``;
* what no public source in the tables states is listed by :func:`missing_figures`.

Examples
--------
>>> share_value("a quarter")
(25.0, True)
>>> share_value("80")
(80.0, False)
"""

from __future__ import annotations

import math
import re

import pandas as pd

from course.errors import InputError

__all__ = [
    "ENABLER_PATTERN",
    "NATION_CCODES",
    "conflicts",
    "enablers",
    "in_full",
    "isaf_dates",
    "isaf_relative",
    "missing_figures",
    "outside_isaf",
    "share_rows",
    "share_value",
]

#: Shares stated in words, as percentages.
WORD_SHARES = {
    "a quarter": 25.0, "one quarter": 25.0, "a third": 100 / 3, "one third": 100 / 3,
    "one-third": 100 / 3, "half": 50.0, "only half": 50.0, "two-thirds": 200 / 3,
    "two thirds": 200 / 3, "three quarters": 75.0,
}

#: Metrics that measure the "enablers" the essay names ([P11]): refuelling, intelligence
#: and surveillance, suppression of enemy air defences, and precision strike.
ENABLER_PATTERN = re.compile(
    r"refuel|tanker|fuel|sead|elint|isr|reconnaissance|surveillance|precision|tomahawk|"
    r"predator", re.IGNORECASE)

#: COW country codes of the nations named in the ISAF table.
NATION_CCODES = {
    "United States": 2, "Canada": 20, "United Kingdom": 200, "Netherlands": 210,
    "Belgium": 211, "France": 220, "Spain": 230, "Germany": 255, "Poland": 290,
    "Hungary": 310, "Italy": 325, "Bulgaria": 355, "Romania": 360, "Sweden": 380,
    "Norway": 385, "Denmark": 390, "Georgia": 372, "Turkey": 640, "Australia": 900,
}

CASE_COLUMNS = ["id", "source"]


def _table(frame, what: str, extra=()) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{what} must be a pandas DataFrame (from course.data.load), got "
                         f"{type(frame).__name__}")
    missing = [c for c in [*CASE_COLUMNS, *extra] if c not in frame.columns]
    if missing:
        raise InputError(f"{what} lacks column(s) {missing}; load it with course.data.load")
    return frame


def share_value(stated) -> tuple[float, bool]:
    """A stated share as a percentage, and whether it was given in words.

    Parameters
    ----------
    stated : str or number
        The ``value`` cell as the source states it ("a quarter", "75", "two-thirds (of
        more than 900 aircraft)").

    Returns
    -------
    (float, bool)
        The share in percent (``nan`` if it is neither a number nor a known phrase) and
        True when it was converted from words.

    Examples
    --------
    >>> share_value("two-thirds (of more than 900 aircraft)")[0] > 66
    True
    >>> import math; math.isnan(share_value("most")[0])
    True
    """
    if stated is None or (isinstance(stated, float) and math.isnan(stated)):
        return math.nan, False
    text = str(stated).strip().lower()
    try:
        return float(text.replace(",", "")), False
    except ValueError:
        pass
    for words in sorted(WORD_SHARES, key=len, reverse=True):
        if text.startswith(words):
            return WORD_SHARES[words], True
    return math.nan, False


def share_rows(table: pd.DataFrame, case: str = "") -> pd.DataFrame:
    """Rows of a Libya/Kosovo table that state a *share* (``share_of_...`` metrics).

    Parameters
    ----------
    table : DataFrame
        ``case_libya_2011`` or ``case_kosovo_1999``.
    case : str, optional
        A label copied into a ``case`` column (e.g. ``"Libya 2011"``).

    Returns
    -------
    DataFrame
        ``case``, ``id``, ``operation``, ``as_of``, ``nation``, ``metric``, ``stated``
        (the value as the source gives it), ``share_pct``, ``from_words``,
        ``value_qualifier``, ``source``, ``source_url``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"id": ["X1", "X2"], "operation": "op", "as_of": "2011",
    ...     "nation": ["United States", "France"], "metric": ["share_of_all_sorties",
    ...     "total_sorties"], "value": ["a quarter", "5600"], "value_qualifier": "",
    ...     "unit": ["share", "sorties"], "source": "S", "source_url": "u"})
    >>> share_rows(t, "Libya")[["id", "share_pct", "from_words"]].values.tolist()
    [['X1', 25.0, True]]
    """
    _table(table, "the case table", ["nation", "metric", "value"])
    rows = table[table["metric"].astype(str).str.startswith("share_of")].copy()
    parsed = [share_value(v) for v in rows["value"]]
    out = pd.DataFrame({
        "case": case,
        "id": rows["id"].astype(str),
        "operation": rows.get("operation", pd.Series("", index=rows.index)).astype(str),
        "as_of": rows.get("as_of", pd.Series("", index=rows.index)).astype(str),
        "nation": rows["nation"].astype(str),
        "metric": rows["metric"].astype(str),
        "stated": rows["value"].astype(str),
        "share_pct": [p[0] for p in parsed],
        "from_words": [p[1] for p in parsed],
        "value_qualifier": rows.get("value_qualifier",
                                    pd.Series("", index=rows.index)).fillna("").astype(str),
        "source": rows["source"].astype(str),
        "source_url": rows.get("source_url", pd.Series("", index=rows.index)).astype(str),
    })
    return out.reset_index(drop=True)


def enablers(table: pd.DataFrame, case: str = "") -> pd.DataFrame:
    """Rows about the enablers the essay names: refuelling, ISR, SEAD, precision strike.

    Returns
    -------
    DataFrame
        ``case``, ``id``, ``nation``, ``metric``, ``value`` (as stated),
        ``value_qualifier``, ``unit``, ``source``, ``source_url``, ``source_quote``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"id": ["A", "B"], "nation": "France", "value": ["580", "5600"],
    ...     "metric": ["refuelling_sorties", "total_sorties"], "source": "S"})
    >>> enablers(t)["id"].tolist()
    ['A']
    """
    _table(table, "the case table", ["nation", "metric", "value"])
    rows = table[table["metric"].astype(str).str.contains(ENABLER_PATTERN)].copy()
    rows.insert(0, "case", case)
    keep = ["case", "id", "nation", "metric", "value", "value_qualifier", "unit", "source",
            "source_url", "source_quote"]
    return rows[[c for c in keep if c in rows.columns]].reset_index(drop=True)


def conflicts(table: pd.DataFrame, keys=None) -> pd.DataFrame:
    """Figures that two or more rows give differently for the same thing.

    Rows are grouped by ``keys`` (default: operation, nation and metric for the
    Libya/Kosovo tables; year, country and metric for ``case_nato_defence_gdp``; date
    and nation for ISAF), with a ``_pct`` suffix on the metric ignored, so that "two-thirds"
    and "80" for the same share are compared. Every row of a group whose stated values
    differ is returned, with a ``group`` number; nothing is averaged. A difference may
    come from the date (``as_of``), the qualifier ("more than", "about") or the source:
    read those columns before calling two rows a contradiction.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"id": ["N1", "N2", "N3"], "operation": "op",
    ...     "nation": "Norway", "metric": ["bombs_dropped"] * 2 + ["missions"],
    ...     "value": ["542", "569", "596"], "source": ["NRK", "Atlantic Council", "X"]})
    >>> conflicts(t)[["group", "id", "value"]].values.tolist()
    [[1, 'N1', '542'], [1, 'N2', '569']]
    """
    _table(table, "the case table")
    value_col = "troops" if "troops" in table.columns else "value"
    if keys is None:
        if "troops" in table.columns:
            keys = ["as_of", "nation"]
        elif "country" in table.columns:
            keys = ["year", "country", "metric"]
        else:
            keys = ["operation", "nation", "metric"]
    missing = [k for k in keys if k not in table.columns]
    if missing:
        raise InputError(f"cannot group by {missing}: the table has {list(table.columns)}")
    work = table.copy()
    if "metric" in keys:
        work["_metric"] = work["metric"].astype(str).str.replace(r"_pct$", "", regex=True)
        keys = ["_metric" if k == "metric" else k for k in keys]
    work["_stated"] = work[value_col].astype(str)
    distinct = work.groupby(keys, dropna=False)["_stated"].transform("nunique")
    found = work[distinct > 1].sort_values([*keys, "id"], kind="stable")
    if found.empty:
        found.insert(0, "group", pd.Series(dtype="int64"))
    else:
        found.insert(0, "group", found.groupby(keys, dropna=False, sort=False).ngroup() + 1)
    return found.drop(columns=[c for c in ("_metric", "_stated") if c in found.columns]) \
        .reset_index(drop=True)


def date_label(as_of: str) -> str:
    """A case table's ``as_of`` as words: ``"2009-10-01"`` -> ``"1 October 2009"``.

    A date the source does not state is marked "(inferred)" in the table; the label
    says what was inferred (the table's ``date_basis`` says how).

    Examples
    --------
    >>> date_label("2009-10-01"), date_label("2010-11 (inferred)"), date_label("2011")
    ('1 October 2009', 'November 2010 (month inferred)', '2011')
    """
    text = str(as_of).strip()
    inferred = text.endswith("(inferred)")
    core = text.removesuffix("(inferred)").strip()
    parts = core.split("-")
    months = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
    try:
        numbers = [int(part) for part in parts]
    except ValueError:
        return text
    if len(numbers) == 3 and 1 <= numbers[1] <= 12:
        words = f"{numbers[2]} {months[numbers[1] - 1]} {numbers[0]}"
    elif len(numbers) == 2 and 1 <= numbers[1] <= 12:
        words = f"{months[numbers[1] - 1]} {numbers[0]}"
    else:
        words = core
    if inferred:
        what = {3: "date", 2: "month"}.get(len(numbers), "year")
        words += f" ({what} inferred)"
    return words


def isaf_dates(isaf: pd.DataFrame) -> pd.DataFrame:
    """The dates in the ISAF table, with how many nations each reports and the date basis."""
    _table(isaf, "the ISAF table", ["as_of", "nation", "troops"])
    nations = isaf[isaf["nation"].isin(list(NATION_CCODES))]
    out = nations.groupby("as_of").agg(nations=("nation", "nunique"),
                                       date_basis=("date_basis", "first")
                                       if "date_basis" in isaf.columns else ("nation", "size"))
    return out.reset_index().sort_values("as_of").reset_index(drop=True)


#: How the ISAF rows' notes word the US forces in Afghanistan outside ISAF (Operation
#: Enduring Freedom): "a further 14,000 troops ... outside the NATO force", "~10,000
#: under OEF", "~10,000 under Operation Enduring Freedom".
_OUTSIDE_ISAF = re.compile(
    r"further\s+([\d,]+)\s+troops[^.']*outside"
    r"|~?\s*([\d,]+)\s+under\s+(?:OEF|Operation Enduring Freedom)", re.IGNORECASE)


def outside_isaf(isaf: pd.DataFrame) -> pd.DataFrame:
    """US forces in Afghanistan *outside* ISAF, where an ISAF row's source states them.

    ISAF was not the only mission: the United States also kept forces under Operation
    Enduring Freedom. Counting ISAF alone understates the US effort; the cited sources
    of some ISAF rows give that second figure in passing, and this function reads it
    from the row's ``notes`` (the figure and the row it comes from, never a guess).
    Dates without such a note are simply absent: nothing is assumed for them.

    Returns
    -------
    DataFrame ``as_of, nation, outside_isaf, id, note`` (one row per date).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"id": ["I1", "I2"], "as_of": ["2008-06-03", "2009-10-01"],
    ...     "nation": ["United States"] * 2, "troops": [23550, 31855], "source": ["S"] * 2,
    ...     "notes": ["Reuters note: 'a further 14,000 troops in Afghanistan outside the "
    ...               "NATO force.'", None]})
    >>> outside_isaf(rows)[["as_of", "outside_isaf", "id"]].values.tolist()
    [['2008-06-03', 14000, 'I1']]
    """
    _table(isaf, "the ISAF table", ["id", "as_of", "nation"])
    rows = []
    # The US row of a date first: its note is the one that speaks of US forces.
    isaf = isaf.assign(_us=isaf["nation"].ne("United States")).sort_values("_us", kind="stable")
    notes = isaf["notes"] if "notes" in isaf.columns else pd.Series("", index=isaf.index)
    for row_id, as_of, note in zip(isaf["id"], isaf["as_of"], notes, strict=True):
        if not isinstance(note, str):
            continue
        match = _OUTSIDE_ISAF.search(note)
        if match:
            figure = int((match.group(1) or match.group(2)).replace(",", ""))
            rows.append({"as_of": str(as_of), "nation": "United States",
                         "outside_isaf": figure, "id": str(row_id), "note": note})
    out = pd.DataFrame(rows, columns=["as_of", "nation", "outside_isaf", "id", "note"])
    return out.drop_duplicates("as_of").sort_values("as_of", ignore_index=True)


def isaf_relative(isaf: pd.DataFrame, gdp: pd.DataFrame, as_of: str,
                  isaf_only: bool = True, with_outside_isaf: bool = False) -> pd.DataFrame:
    """ISAF troops by nation on one date, relative to population and to GDP.

    Parameters
    ----------
    isaf : DataFrame
        ``case_isaf_troops``.
    gdp : DataFrame
        The ``gdp`` table (Maddison 2020: ``ccode``, ``year``, ``pop`` in thousands,
        ``gdp`` in million 2011 US$).
    as_of : str
        A date as written in the table's ``as_of`` column (see :func:`isaf_dates`).
    isaf_only : bool, default True
        Keep only rows whose ``scope`` is ISAF (drops e.g. "all US forces in Afghanistan").
    with_outside_isaf : bool, default False
        Add the US forces outside ISAF that the table's sources state for this date
        (:func:`outside_isaf`); ``outside_isaf`` says how many were added, ``outside_id``
        from which row. Dates without such a figure are left as they are.

    Returns
    -------
    DataFrame
        ``id``, ``as_of``, ``nation``, ``troops``, ``population_m``,
        ``troops_per_million``, ``gdp_bn``, ``troops_per_10bn_gdp``, ``value_qualifier``,
        ``source`` (and ``outside_isaf``, ``outside_id`` with ``with_outside_isaf``);
        sorted by troops per million inhabitants.

    Raises
    ------
    InputError
        If the date is not in the table.

    Examples
    --------
    >>> import pandas as pd
    >>> isaf = pd.DataFrame({"id": ["I1"], "as_of": ["2009-10-01"], "nation": ["Denmark"],
    ...     "troops": [700], "scope": ["ISAF"], "source": ["S"], "value_qualifier": [""]})
    >>> gdp = pd.DataFrame({"ccode": [390], "year": [2009], "pop": [5500.0],
    ...                     "gdp": [250000.0]})
    >>> round(float(isaf_relative(isaf, gdp, "2009-10-01")["troops_per_million"].iloc[0]), 1)
    127.3
    """
    _table(isaf, "the ISAF table", ["as_of", "nation", "troops"])
    if not isinstance(gdp, pd.DataFrame) or not {"ccode", "year", "pop", "gdp"} <= set(gdp):
        raise InputError("gdp must be the course 'gdp' table (ccode, year, pop, gdp)")
    dates = sorted(isaf["as_of"].astype(str).unique())
    if str(as_of) not in dates:
        raise InputError(f"no ISAF figures dated {as_of!r}; dates in the table: {dates}")
    rows = isaf[(isaf["as_of"].astype(str) == str(as_of))
                & isaf["nation"].isin(list(NATION_CCODES))].copy()
    if isaf_only and "scope" in rows.columns:
        scope = rows["scope"].astype(str)
        rows = rows[scope.str.contains("ISAF") & ~scope.str.contains("not ISAF")]
    year = int(str(as_of)[:4])
    rows["ccode"] = rows["nation"].map(NATION_CCODES)
    g = gdp[pd.to_numeric(gdp["year"]) == year][["ccode", "pop", "gdp"]].dropna()
    g = g.assign(ccode=pd.to_numeric(g["ccode"]).astype(int)).drop_duplicates("ccode")
    rows = rows.merge(g, on="ccode", how="left")
    rows["troops"] = rows["troops"].astype(float)
    keep_extra = []
    if with_outside_isaf:
        extra = outside_isaf(isaf)
        extra = extra[extra["as_of"] == str(as_of)].set_index("nation")
        rows["outside_isaf"] = rows["nation"].map(extra["outside_isaf"]).fillna(0).astype(int)
        rows["outside_id"] = rows["nation"].map(extra["id"])
        rows["troops"] = rows["troops"] + rows["outside_isaf"]
        keep_extra = ["outside_isaf", "outside_id"]
    rows["population_m"] = rows["pop"].astype(float) / 1000
    rows["troops_per_million"] = rows["troops"] / rows["population_m"]
    rows["gdp_bn"] = rows["gdp"].astype(float) / 1000
    rows["troops_per_10bn_gdp"] = rows["troops"] / rows["gdp_bn"] * 10
    keep = ["id", "as_of", "nation", "troops", "population_m", "troops_per_million", "gdp_bn",
            "troops_per_10bn_gdp", "value_qualifier", "source", *keep_extra]
    out = rows[[c for c in keep if c in rows.columns]]
    return out.sort_values("troops_per_million", ascending=False).reset_index(drop=True)


class FullText(str):
    """Text that a notebook shows as it is, line breaks included (not as a quoted string)."""

    def __repr__(self) -> str:
        return str(self)


def in_full(table: pd.DataFrame, ids, columns=("source", "notes"),
            width: int = 88) -> FullText:
    """Rows of a case table with some of their columns written out in full.

    A table display cuts long text short ("Lt-Gen Charles Bouchard (OUP commander),
    testim..."), and a row's ``source`` and ``notes`` are long: this writes each row's id
    and the columns asked for, wrapped to ``width`` characters and never cut.

    Parameters
    ----------
    table : DataFrame
        A case table (``case_libya_2011``, ...).
    ids : list of str
        The rows to show, in this order.
    columns : sequence of str
        The columns to write out (default: ``source`` and ``notes``).

    Examples
    --------
    >>> t = pd.DataFrame({"id": ["X1", "X2"], "source": ["A long report " * 8, "B"],
    ...                   "notes": [None, "Second-hand."]})
    >>> print(in_full(t, ["X2", "X1"], width=40))
    X2
      source: B
      notes:  Second-hand.
    X1
      source: A long report A long report A
              long report A long report A
              long report A long report A
              long report A long report
      notes:  (none)
    """
    import textwrap

    _table(table, "the case table", ["id", *columns])
    ids = [ids] if isinstance(ids, str) else list(ids)
    rows = table.set_index(table["id"].astype(str))
    missing = [i for i in ids if i not in rows.index]
    if missing:
        raise InputError(f"no row with id {', '.join(map(repr, missing))} in the table; "
                         "ids look like 'LY080'")
    label = max(len(c) for c in columns) + 2
    lines = []
    for row_id in ids:
        lines.append(row_id)
        for column in columns:
            value = rows.loc[row_id, column]
            text = "(none)" if value is None or (not isinstance(value, str)
                                                 and pd.isna(value)) else str(value)
            lead = f"  {column + ':':<{label}}"
            lines += textwrap.wrap(text, width, initial_indent=lead,
                                   subsequent_indent=" " * len(lead)) or [lead.rstrip()]
    return FullText("\n".join(lines))


def missing_figures() -> pd.DataFrame:
    """What the case tables lack because no stored public source states it.

    Compiled from the case tables' README ("Missing"): a figure listed here is not zero
    and not unknown to governments - it was not found in a public source the course
    could cite.

    Examples
    --------
    >>> table = missing_figures()
    >>> sorted(table["case"].unique())
    ['ISAF', 'Kosovo 1999', 'Libya 2011', 'NATO spending']
    """
    rows = [
        ("Libya 2011", "US share of tanker (air-to-air refuelling) sorties for the whole "
                       "campaign - only 'most' tankers, 'up to 85 percent of the fuel' "
                       "(second-hand) and one US wing's 3,000+ sorties"),
        ("Libya 2011", "US share of ISR (intelligence, surveillance, reconnaissance) sorties"),
        ("Libya 2011", "US share of SEAD sorties - only 'more than 150' of the first 800+ US "
                       "sorties"),
        ("Libya 2011", "US share of precision-guided munitions for the whole campaign"),
        ("Libya 2011", "End-of-campaign sortie totals for Italy, the Netherlands, Spain, "
                       "Sweden, Qatar and the UAE, and the US strike-sortie total after 22 "
                       "August 2011"),
        ("Libya 2011", "The national tables of RAND's 'Precision and Purpose' (2015) and "
                       "NATO's final fact sheet"),
        ("Kosovo 1999", "Official US share of all sorties and of strike sorties (only press "
                        "and secondary figures)"),
        ("Kosovo 1999", "National sortie counts for the allies; US shares of tanker and ISR "
                        "sorties (qualitative only)"),
        ("ISAF", "Complete national figures for 2011 and 2012, and any 2013 figures"),
        ("NATO spending", "NATO-published country figures for 2012 (only SIPRI-based values "
                          "in the case table) and the US share of NATO spending for 2012"),
    ]
    return pd.DataFrame(rows, columns=["case", "not stated by any stored public source"])
