"""What every course chart shares: palette, title, text description, size, offline rendering.

Every chart builder in :mod:`course.charts` returns an :class:`altair.Chart` (or layer /
concat) made with :func:`finish`, which

* sets the title and a plain-language ``description`` (Vega-Lite's top-level
  ``description`` becomes the chart's ARIA label, and :func:`describe` reads it back
  as alt text for handouts);
* applies the colour-blind-safe Okabe–Ito palette;
* checks that the spec stays under :data:`MAX_SPEC_BYTES` — charts send only the
  aggregated rows they draw, never a whole table.

Charts are Vega-Lite 5 specs (Altair 5.5). JupyterLab 4.6 renders that mimetype
itself, with no network; :func:`use_offline_renderer` selects it.

Examples
--------
>>> import pandas as pd, altair as alt
>>> data = pd.DataFrame({"year": [1900, 1901], "share": [0.2, 0.3]})
>>> chart = finish(alt.Chart(data).mark_line().encode(x="year:O", y="share:Q"),
...                title="A share", description="The share rises from 0.2 to 0.3.")
>>> describe(chart)
'The share rises from 0.2 to 0.3.'
>>> spec_bytes(chart) < MAX_SPEC_BYTES
True
"""

from __future__ import annotations

import json
from typing import Any

import altair as alt

from course.errors import InputError

#: Okabe & Ito (2008) palette, safe for the common colour-vision deficiencies.
PALETTE = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow (use last: low contrast on white)
    "#000000",  # black
]

#: Largest spec a course chart may send to the browser (bytes of compact JSON).
MAX_SPEC_BYTES = 100_000

#: Fixed colours for the powers that recur across lessons, so a country keeps its colour.
POWER_COLOURS = {
    "UKG": "#0072B2",
    "GMY": "#D55E00",
    "FRN": "#009E73",
    "RUS": "#CC79A7",
    "USA": "#E69F00",
    "AUH": "#56B4E9",
    "ITA": "#000000",
    "JPN": "#F0E442",
    "CHN": "#666666",
}


def colour_scale(domain: list[str] | None = None) -> alt.Scale:
    """An Altair colour scale: fixed colours for known powers, the palette otherwise."""
    if domain:
        spare = iter(c for c in PALETTE if c not in {POWER_COLOURS.get(d) for d in domain})
        colours = [POWER_COLOURS.get(d) or next(spare, "#777777") for d in domain]
        return alt.Scale(domain=list(domain), range=colours)
    return alt.Scale(range=PALETTE)


def finish(chart: Any, *, title: str, description: str, width: int = 560, height: int = 300):
    """Give ``chart`` its title, text description, palette and size, and check its size.

    Parameters
    ----------
    chart : altair.Chart or compound chart
    title : str
        Shown above the chart.
    description : str
        One or two plain sentences saying what the chart shows and its main pattern;
        used as ARIA label and as alt text in handouts. Must not be empty.
    width, height : int
        Size in pixels for single-view charts (ignored for compound charts).

    Returns
    -------
    The same chart, configured.

    Raises
    ------
    InputError
        If the description is empty or the spec exceeds :data:`MAX_SPEC_BYTES`.
    """
    if not description or not description.strip():
        raise InputError("every course chart needs a non-empty text description (alt text)")
    if isinstance(chart, alt.Chart | alt.LayerChart):
        chart = chart.properties(width=width, height=height)
    chart = chart.properties(title=title, description=description.strip())
    chart = chart.configure_range(category=PALETTE).configure_view(stroke=None)
    size = spec_bytes(chart)
    if size > MAX_SPEC_BYTES:
        raise InputError(
            f"chart {title!r} is {size:,} bytes; course charts must stay under "
            f"{MAX_SPEC_BYTES:,}. Aggregate the data before charting it."
        )
    return chart


def spec_bytes(chart: Any) -> int:
    """Size in bytes of the chart's Vega-Lite spec as compact JSON.

    Schema validation is skipped here (it is the slow part of ``to_dict`` and happens
    anyway when the chart is displayed or rendered).
    """
    return len(json.dumps(chart.to_dict(validate=False), separators=(",", ":")).encode())


def describe(chart: Any) -> str:
    """The chart's text description (its alt text), read back from the spec."""
    return chart.to_dict().get("description", "")


def chart_data(chart: Any) -> list[dict]:
    """Rows of data embedded in a chart spec (all datasets, concatenated).

    Useful in tests and for the data-table equivalent of a chart.
    """
    spec = chart.to_dict()
    rows: list[dict] = []
    for values in spec.get("datasets", {}).values():
        rows.extend(values)
    if "data" in spec and "values" in spec["data"]:
        rows.extend(spec["data"]["values"])
    return rows


def use_offline_renderer() -> None:
    """Render charts with JupyterLab's own Vega-Lite 5 renderer (no CDN, works offline).

    Altair's default ``html`` renderer loads Vega from a CDN, which shows nothing in a
    classroom without network. The ``mimetype`` renderer hands the spec to JupyterLab,
    which bundles Vega. Call once per notebook (``course.setup()`` does it for you).
    """
    alt.renderers.enable("mimetype")
    # Altair embeds at most 5,000 rows by default; course charts are far smaller and
    # finish() enforces the byte limit, so keep Altair's check as a second guard.
    alt.data_transformers.enable("default", max_rows=5000)


def to_png(chart: Any, scale: float = 2.0) -> bytes:
    """Render a chart to PNG bytes offline with vl-convert."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(chart.to_dict(), scale=scale, vl_version="5.20")


def to_svg(chart: Any) -> str:
    """Render a chart to an SVG string offline with vl-convert."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict(), vl_version="5.20")
