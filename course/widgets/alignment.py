"""Explorer for claim C2: was "near-simultaneous competition and cooperation" [P15] more
common among the great powers of the multipolar 19th century than in the bipolar Cold War?

:func:`alignment_view` is the pure function; :func:`alignment_explorer` wraps it in
controls for the window, the obligation type, the hostility threshold, which treaties
count (every ATOP pact, bilateral pacts only, or without the multilateral non-military
pacts such as Laos 1962 and Helsinki 1975) and the era.

Examples
--------
>>> view = alignment_view(window=5, obligation="any", threshold=2, era="1816–1913")
>>> round(view.details["share_both"], 3), round(view.details["share_both_cold_war"], 3)
(0.041, 0.248)
>>> military = alignment_view(5, "any", 2, "1816–1913", pacts="military")
>>> round(military.details["changes_per_dd_cold_war"], 3)
0.165
"""

from __future__ import annotations

from functools import lru_cache

import altair as alt
import ipywidgets as widgets

from course.charts import alignment as charts
from course.charts.base import finish
from course.errors import InputError
from course.measures import alignment
from course.widgets.base import Explorer, View

COLD_WAR, NINETEENTH = "1946–1989", "1816–1913"


def _sentence_case(label: str) -> str:
    """First letter up, the rest as written ("every ATOP alliance" -> "Every ATOP alliance").

    >>> _sentence_case("every ATOP alliance")
    'Every ATOP alliance'
    """
    return label[:1].upper() + label[1:]


def alignment_view(window: int = 5, obligation: str = "any", threshold: int = 2,
                   era: str = NINETEENTH, pacts: str = "all") -> View:
    """Competition-with-cooperation and alliance turnover by era, for one setting.

    Parameters
    ----------
    window : int
        Years in the window (1 = the same calendar year).
    obligation : str
        ATOP obligation type: "any", "defense", "offense", "neutral", "nonagg", "consul".
    threshold : int
        Lowest dispute hostility that counts (2 threat … 5 war).
    era : str
        The era the verdict is about (one of :data:`course.measures.alignment.ERAS`);
        it is compared with the Cold War (or, for the Cold War itself, with 1816–1913).
    pacts : {"all", "bilateral", "military"}
        Which ATOP treaties count (:data:`course.measures.alignment.PACT_RULES`). With
        every pact, the verdict also gives the figures without the multilateral
        non-military pacts, because the Cold War comparison turns on them.

    Returns
    -------
    View
        ``chart`` (two bar charts by era), ``verdict``, ``table`` (the era summary) and
        ``details`` (``share_both``, ``share_both_cold_war``, ``changes_per_dd``,
        ``changes_per_dd_cold_war``, ``more_than_cold_war``, ``more_turnover``).
    """
    if era not in alignment.ERAS:
        raise InputError(f"unknown era {era!r}; pass one of {', '.join(alignment.ERAS)}")
    alignment.check_pacts(pacts)
    table = _era_table(window, obligation, threshold, pacts)
    row = table.set_index("era").loc[era]
    other_name = COLD_WAR if era != COLD_WAR else NINETEENTH
    other = table.set_index("era").loc[other_name]
    kind = alignment.OBLIGATIONS[obligation]
    if pacts != "all":
        kind = f"{kind} ({alignment.PACT_RULES[pacts]})"
    hostility = alignment.HOSTILITY[threshold]
    span = "the same year" if window == 1 else f"the same {window}-year window"
    more = row["share_both"] > other["share_both"]
    turnover = row["changes_per_dd"] > other["changes_per_dd"]
    verdict = (
        f"Counting {kind} and disputes at '{hostility}' or worse in {span}: "
        f"{row['share_both']:.1%} of major-power dyad-years in {era} were allied and in a "
        f"dispute, against {other['share_both']:.1%} in {other_name}; alliances formed or "
        f"ended {row['changes_per_dd']:.2f} times per dyad-decade, against "
        f"{other['changes_per_dd']:.2f}. "
        + (f"On this setting {era} shows {'more' if more else 'less'} competition-with-"
           f"cooperation and {'more' if turnover else 'less'} alliance turnover than "
           f"{other_name}.")
    )
    if pacts == "all":
        alt_table = _era_table(window, obligation, threshold, "military").set_index("era")
        verdict += (
            f" Which treaties count matters: without the multilateral non-military pacts "
            f"(such as Laos 1962 and Helsinki 1975) the figures are "
            f"{alt_table.loc[era, 'share_both']:.1%} and "
            f"{alt_table.loc[era, 'changes_per_dd']:.2f} in {era}, against "
            f"{alt_table.loc[other_name, 'share_both']:.1%} and "
            f"{alt_table.loc[other_name, 'changes_per_dd']:.2f} in {other_name}.")
    note = (f"Settings: {kind}; hostility {threshold} ({hostility}) or more; "
            f"window {window} years; {alignment.PACT_RULES[pacts]}.")
    left, left_text = charts.era_chart(table, column="share_both", highlight=era,
                                       labels=False, part=True)
    right, right_text = charts.era_chart(table, column="changes_per_dd", highlight=era,
                                         labels=False, part=True)
    chart = finish(alt.hconcat(left.properties(width=300, title=left.title.text),
                               right.properties(width=300, title=right.title.text)),
                   title=alt.TitleParams(
                       f"Flexible alignments among the major powers: {era} and the others",
                       subtitle=f"Source: {alignment.SOURCE}", anchor="start"),
                   description=f"Two bar charts. {left_text} {right_text} {note}")
    details = {"share_both": float(row["share_both"]),
               "share_both_cold_war": float(table.set_index("era").loc[COLD_WAR,
                                                                         "share_both"]),
               "changes_per_dd": float(row["changes_per_dd"]),
               "changes_per_dd_cold_war": float(table.set_index("era").loc[COLD_WAR,
                                                                             "changes_per_dd"]),
               "more_than_cold_war": bool(more) if era != COLD_WAR else None,
               "more_turnover": bool(turnover) if era != COLD_WAR else None,
               "compared_with": other_name, "pacts": pacts}
    return View(chart=chart, verdict=verdict, table=table, details=details)


@lru_cache(maxsize=64)
def _era_table(window: int, obligation: str, threshold: int, pacts: str = "all"):
    """Era summary for one setting (cached: moving back to a setting is instant)."""
    panel = alignment.dyad_panel(obligation, threshold, window, pacts=pacts)
    return alignment.era_summary(panel=panel, poles=_poles())


@lru_cache(maxsize=1)
def _poles():
    """Effective major-power poles by CINC, by year (computed once per session)."""
    return alignment.poles_by_year("cinc")


def alignment_explorer(window: int = 5, obligation: str = "any", threshold: int = 2,
                       era: str = NINETEENTH, pacts: str = "all") -> Explorer:
    """Widget: window, obligation type, hostility threshold, treaties and era for claim C2.

    Examples
    --------
    >>> explorer = alignment_explorer()
    >>> explorer.controls["obligation"].value = "defense"
    >>> round(explorer.current.details["share_both"], 3)
    0.024
    """
    controls = {
        "window": widgets.IntSlider(value=window, min=1, max=10, step=1,
                                    description="Window (yrs)", continuous_update=False),
        "obligation": widgets.Dropdown(
            options=[(_sentence_case(label), key)
                     for key, label in alignment.OBLIGATIONS.items()],
            value=obligation, description="Alliances"),
        "threshold": widgets.Dropdown(
            options=[(f"{k} {v}", k) for k, v in alignment.HOSTILITY.items() if k >= 2],
            value=threshold, description="Hostility ≥"),
        "pacts": widgets.Dropdown(
            options=[(_sentence_case(label), key)
                     for key, label in alignment.PACT_RULES.items()],
            value=pacts, description="Treaties"),
        "era": widgets.Dropdown(options=list(alignment.ERAS), value=era, description="Era"),
    }
    return Explorer(alignment_view, controls,
                    title="C2 · Allies and rivals at once? Change what counts.")
