"""The chart of lesson 00: one power's share of world capabilities against the leader's.

The table comes from :func:`course.widgets.tour.compare_with_leader`; this module only
draws it. Two lines: the chosen power's CINC and, for each year, the CINC of the
largest *other* state, so the reader sees at once whether the power led that year.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"year": [1900, 1901], "cinc": [0.20, 0.18],
...                       "rival": ["USA", "USA"], "rival_cinc": [0.17, 0.19],
...                       "leads": [True, False]})
>>> chart = leader_chart(table, power_name="United Kingdom", source="A test source")
>>> chart.to_dict()["title"]["text"]
"United Kingdom's share of world capabilities (CINC)"
>>> sorted({row["series"] for row in chart_data(chart)})
['Largest other state', 'United Kingdom']
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from course.charts.base import PALETTE, chart_data, finish, year_axis  # noqa: F401  (chart_data: doctest)
from course.errors import InputError

_NEEDED = ("year", "cinc", "rival", "rival_cinc", "leads")


def leader_chart(table: pd.DataFrame, *, power_name: str, source: str) -> alt.Chart:
    """Line chart of a power's CINC and of the largest other state's CINC, year by year.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per year with columns ``year``, ``cinc`` (the power's share),
        ``rival`` (abbreviation of the largest other state that year),
        ``rival_cinc`` and ``leads`` (True when the power had the largest CINC).
    power_name : str
        Name of the power, used in the legend, title and description.
    source : str
        Where the numbers come from; printed under the title.

    Returns
    -------
    altair.Chart
        Finished with :func:`course.charts.base.finish` (title, description, palette).

    Raises
    ------
    InputError
        If the table is empty or lacks one of the columns above.
    """
    missing = [c for c in _NEEDED if c not in table.columns]
    if missing:
        raise InputError(f"the table for leader_chart needs the columns {missing}; "
                         "build it with course.widgets.tour.compare_with_leader")
    if table.empty:
        raise InputError("nothing to draw: the table has no rows (widen the year range)")
    years = table["year"].astype(int)
    mine = pd.DataFrame({"year": years, "series": power_name,
                         "cinc": table["cinc"].astype(float), "state": power_name})
    other = pd.DataFrame({"year": years, "series": "Largest other state",
                          "cinc": table["rival_cinc"].astype(float),
                          "state": table["rival"].astype(str)})
    long = pd.concat([mine, other], ignore_index=True)
    long["cinc"] = long["cinc"].round(4)
    first, last = int(years.min()), int(years.max())
    n_lead = int(table["leads"].astype(bool).sum())
    description = (
        f"Line chart of {power_name}'s CINC, its share of world material capabilities, "
        f"from {first} to {last}, beside the CINC of the largest other state each year. "
        f"{power_name} had the largest CINC in {n_lead} of {len(table)} years."
    )
    chart = (
        alt.Chart(long)
        .mark_line(point=alt.OverlayMarkDef(size=14 if len(table) > 40 else 30))
        .encode(
            x=alt.X("year:Q", title="Year", axis=year_axis(),
                    scale=alt.Scale(domain=[first, last], nice=False)),
            y=alt.Y("cinc:Q", title="CINC (share of world capabilities)",
                    axis=alt.Axis(format=".0%")),
            color=alt.Color("series:N", title=None,
                            scale=alt.Scale(domain=[power_name, "Largest other state"],
                                            range=[PALETTE[0], PALETTE[1]]),
                            legend=alt.Legend(orient="top")),
            strokeDash=alt.StrokeDash("series:N", title=None, legend=alt.Legend(orient="top"),
                                      scale=alt.Scale(domain=[power_name,
                                                              "Largest other state"],
                                                      range=[[1, 0], [6, 3]])),
            tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("state:N"),
                     alt.Tooltip("cinc:Q", format=".3f", title="CINC")],
        )
    )
    owner = power_name + ("'" if power_name.endswith("s") else "'s")
    title = alt.TitleParams(f"{owner} share of world capabilities (CINC)",
                            subtitle=f"Source: {source}", anchor="start")
    return finish(chart, title=title, description=description)
