"""What every course chart shares: palette, title, text description, size, offline rendering.

Every chart builder in :mod:`course.charts` returns an :class:`altair.Chart` (or layer /
concat) made with :func:`finish`, which

* sets the title and a plain-language ``description`` (Vega-Lite's top-level
  ``description`` becomes the chart's ARIA label, and :func:`describe` reads it back
  as alt text for handouts);
* applies the colour-blind-safe Okabe–Ito palette;
* checks that the spec stays under :data:`MAX_SPEC_BYTES` — charts send only the
  aggregated rows they draw, never a whole table;
* wraps a long subtitle (the sources) to the chart's width, so it never runs off the
  right edge, and refuses a legend that would silently vanish (see :func:`legend_problems`).

Helpers keep charts readable: :func:`series_encoding` (colour and line style of one
field in one legend) and :func:`with_label_places` / :func:`label_layers` (scatter
labels that do not overlap).

Charts are Vega-Lite 5.20 specs (Altair 5.5). In JupyterLab they are drawn by the
course's renderer (``jupyter/labextensions``), which bundles the same Vega-Lite 5.20.1,
Vega 6.2.0 and vega-embed 7.0.2 as vl-convert, which draws the handouts and
:func:`to_png` / :func:`to_svg`; :func:`use_offline_renderer` selects the mimetype output.

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

import contextlib
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


def finish(chart: Any, *, title: str, description: str, width: int = 560, height: int = 300,
           legend: dict | None = None):
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
    legend : dict, optional
        More of Vega-Lite's legend settings for the whole chart (``{"orient": "right"}``).

    Returns
    -------
    The same chart, configured. Its spec, computed here for the checks, is kept for
    :func:`spec_of` (an explorer sends it without building it again).

    Raises
    ------
    InputError
        If the description is empty or the spec exceeds :data:`MAX_SPEC_BYTES`.
    """
    if not description or not description.strip():
        raise InputError("every course chart needs a non-empty text description (alt text)")
    # One copy of the chart with everything set: each Altair call copies a compound chart
    # and its parts again, which is most of the time an explorer takes to redraw.
    given = chart.config
    config = alt.Config() if given is alt.Undefined else given.copy(deep=False)
    config["range"] = alt.RangeConfig(category=PALETTE)
    config["view"] = alt.ViewConfig(stroke=None)
    # Vega cuts axis labels at 180 px and legend labels at 160 px with "…"; course labels
    # (alliances with their members, definitions of a measure) are longer and must be read.
    config["axis"] = alt.AxisConfig(labelLimit=400, titleLimit=0)
    config["legend"] = alt.LegendConfig(labelLimit=400, titleLimit=0, **(legend or {}))
    sizes = ({"width": width, "height": height}
             if isinstance(chart, alt.Chart | alt.LayerChart) else {})
    title = wrap_title(title, width)
    chart = with_properties(chart, **sizes, title=title, description=description.strip(),
                            config=config)
    spec = chart.to_dict(validate=False)
    size = len(json.dumps(spec, separators=(",", ":")).encode())
    if size > MAX_SPEC_BYTES:
        raise InputError(
            f"chart {title!r} is {size:,} bytes; course charts must stay under "
            f"{MAX_SPEC_BYTES:,}. Aggregate the data before charting it."
        )
    problems = legend_problems(spec)
    if problems:
        raise InputError("; ".join(problems))
    _remember_spec(chart, spec)
    return chart


#: The specs :func:`finish` computed, by the id of the chart (with a weak reference to it,
#: so a reused id is never mistaken for the chart): the most recent few.
_SPECS: dict[int, tuple[Any, dict]] = {}


def _remember_spec(chart: Any, spec: dict) -> None:
    import weakref

    with contextlib.suppress(TypeError):  # an object without weak references: not kept
        _SPECS[id(chart)] = (weakref.ref(chart), spec)
        while len(_SPECS) > 32:
            _SPECS.pop(next(iter(_SPECS)))


def spec_of(chart: Any) -> dict:
    """The chart's Vega-Lite spec, as :func:`finish` computed it if it finished this chart.

    Not validated against the schema again (course charts are, in the tests). The dict
    may be shared: do not change it.

    Examples
    --------
    >>> import pandas as pd
    >>> chart = finish(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q"),
    ...                title="T", description="One point.")
    >>> spec_of(chart) == chart.to_dict()
    True
    """
    kept = _SPECS.get(id(chart))
    if kept is not None and kept[0]() is chart:
        return kept[1]
    return chart.to_dict(validate=False)


def with_properties(chart: Any, **properties) -> Any:
    """``chart.properties(**properties)``, skipping Altair's schema check when it is off.

    ``properties`` checks each value against the Vega-Lite schema whatever Altair's
    ``debug_mode``; an explorer redrawing a chart turns that mode off
    (:meth:`course.widgets.base.Explorer.refresh`), the tests leave it on.

    Examples
    --------
    >>> import pandas as pd
    >>> chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point()
    >>> with_properties(chart, width=200).to_dict()["width"]
    200
    """
    from altair.utils import schemapi

    if schemapi.DEBUG_MODE:
        return chart.properties(**properties)
    copy = chart.copy(deep=False)
    for key, value in properties.items():
        setattr(copy, key, value)
    return copy


def year_axis(**options) -> alt.Axis:
    """An axis of years drawn as whole years ("1990"), each label clear of its neighbours.

    Vega-Lite pushes the first and last labels of an axis without padding inside the plot
    (``labelFlush``), where they run into the next label ("19901991"); and a short range
    gets ticks between years (2014.5), each labelled with a year already there. Here the
    end labels sit centred on their ticks, only whole years are labelled, and labels that
    would overlap are left out.

    Examples
    --------
    >>> axis = year_axis(title="Year").to_dict()
    >>> axis["format"], axis["labelFlush"], axis["tickMinStep"]
    ('d', False, 1)
    """
    return alt.Axis(**{"format": "d", "labelFlush": False, "tickMinStep": 1,
                       "labelOverlap": True,
                       "labelExpr": "floor(datum.value) === datum.value ? datum.label : ''",
                       **options})


#: Average width of a character of Vega's default subtitle font (10 px), in pixels.
_SUBTITLE_CHAR_PX = 5.6


def wrap_lines(text: str, limit: int) -> list[str]:
    """Split ``text`` into lines of at most ``limit`` characters.

    Breaks after "; " (between sources) first, then between words.

    Examples
    --------
    >>> wrap_lines("Source: A; B; C", 11)
    ['Source: A;', 'B; C']
    >>> wrap_lines("one two three", 20)
    ['one two three']
    """
    lines: list[str] = []
    for part in _split_keeping(text, "; "):
        if lines and len(lines[-1]) + 1 + len(part) <= limit:
            lines[-1] = f"{lines[-1]} {part}"
            continue
        line = ""
        for word in part.split(" "):
            if line and len(line) + 1 + len(word) > limit:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def _split_keeping(text: str, separator: str) -> list[str]:
    pieces = text.split(separator)
    return [p + separator.rstrip() for p in pieces[:-1]] + pieces[-1:]


def wrap_title(title: Any, width: int) -> Any:
    """The title with its subtitle wrapped to ``width`` pixels (strings and lists alike).

    Examples
    --------
    >>> t = wrap_title(alt.TitleParams("T", subtitle="Source: " + "word " * 40), 560)
    >>> max(len(line) for line in t.subtitle) <= 560 / _SUBTITLE_CHAR_PX, len(t.subtitle)
    (True, 3)
    >>> wrap_title(alt.TitleParams("T", subtitle="Source: A"), 560).subtitle
    'Source: A'

    """
    if not isinstance(title, alt.TitleParams) or title.subtitle is alt.Undefined:
        return title
    limit = max(40, int(width / _SUBTITLE_CHAR_PX))
    given = [title.subtitle] if isinstance(title.subtitle, str) else list(title.subtitle)
    lines = [line for text in given for line in wrap_lines(str(text), limit)]
    if lines == given:
        return title
    wrapped = alt.TitleParams(**{**title.to_dict(validate=False), "subtitle": lines})
    return wrapped


#: Encoding channels that draw a legend.
LEGEND_CHANNELS = ("color", "fill", "stroke", "shape", "strokeDash", "opacity", "size")


def legend_problems(spec: dict) -> list[str]:
    """Legends a spec asks for that Vega-Lite would not draw as meant.

    When two channels encode the same field (say ``color`` and ``strokeDash``),
    Vega-Lite merges them into one legend; if one of them says ``legend: null``, the
    merged legend disappears and the colours go unexplained. Use
    :func:`series_encoding` instead.

    Examples
    --------
    >>> bad = {"mark": "line", "encoding": {
    ...     "color": {"field": "m", "type": "nominal"},
    ...     "strokeDash": {"field": "m", "type": "nominal", "legend": None}}}
    >>> legend_problems(bad)[0][:44]
    "field 'm' is encoded by color and strokeDash"
    >>> legend_problems({"encoding": {"color": {"field": "m", "type": "nominal"}}})
    []
    """
    problems = []
    for node in _walk(spec):
        encoding = node.get("encoding")
        if not isinstance(encoding, dict):
            continue
        by_field: dict[str, list[tuple[str, dict]]] = {}
        for channel in LEGEND_CHANNELS:
            definition = encoding.get(channel)
            if isinstance(definition, dict) and "field" in definition:
                by_field.setdefault(str(definition["field"]), []).append((channel, definition))
        for field_name, uses in by_field.items():
            hidden = [c for c, d in uses if "legend" in d and d["legend"] is None]
            shown = [c for c, d in uses if not ("legend" in d and d["legend"] is None)]
            titles = {str(d.get("title")) for c, d in uses}
            if len(uses) > 1 and hidden and shown:
                problems.append(
                    f"field {field_name!r} is encoded by {' and '.join(c for c, _ in uses)} "
                    f"but {' and '.join(hidden)} has legend=None, which hides the merged "
                    "legend: build both with course.charts.base.series_encoding")
            elif len(uses) > 1 and len(titles) > 1 and not hidden:
                problems.append(
                    f"field {field_name!r} is encoded by {' and '.join(c for c, _ in uses)} "
                    f"with different titles {sorted(titles)}: two legends for one field; "
                    "build both with course.charts.base.series_encoding")
    return problems


def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


#: Line styles for up to four series, solid first (Vega strokeDash arrays).
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3]]


def series_encoding(field: str, domain: list[str], *, title: str | None,
                    colours: list[str] | None = None, dashes: list[list[int]] | None = None,
                    legend: alt.Legend | None = None) -> dict[str, Any]:
    """``color`` and ``strokeDash`` of one field, drawn as one legend (line charts).

    Telling lines apart by dash as well as colour keeps them apart in grey print and for
    readers with a colour-vision deficiency; the shared title makes Vega-Lite draw a
    single legend whose symbols show both.

    Examples
    --------
    >>> enc = series_encoding("measure", ["CINC", "GDP"], title="Measure")
    >>> sorted(enc)
    ['color', 'strokeDash']
    >>> enc["color"].to_dict()["title"] == enc["strokeDash"].to_dict()["title"]
    True
    """
    colours = colours or PALETTE[:len(domain)]
    dashes = dashes or DASHES[:len(domain)]
    shared = {"title": title, "sort": list(domain)}
    if legend is not None:
        shared["legend"] = legend
    return {
        "color": alt.Color(f"{field}:N", scale=alt.Scale(domain=list(domain),
                                                         range=list(colours)), **shared),
        "strokeDash": alt.StrokeDash(f"{field}:N", scale=alt.Scale(domain=list(domain),
                                                                   range=list(dashes)),
                                     **shared),
    }


def place_labels(x_px: list[float], y_px: list[float], labels: list[str], *,
                 width: float, height: float, font_px: float = 10,
                 gap: float = 7) -> list[tuple[str, float]]:
    """Where to put each point's label so that labels do not overlap: (side, dy).

    ``x_px``/``y_px`` are the points' positions in pixels (y downwards), inside a plot
    of ``width`` × ``height``. Each label goes to the ``"right"`` or ``"left"`` of its
    point, shifted ``dy`` pixels up or down if needed; the first free place wins, in the
    order right, left, then right/left a line higher or lower, two lines, and so on.

    Examples
    --------
    >>> place_labels([100, 102], [50, 50], ["1810s", "1820s"], width=400, height=200)
    [('right', 0.0), ('left', 0.0)]
    >>> place_labels([390], [50], ["a long label"], width=400, height=200)
    [('left', 0.0)]
    """
    char_px, line_px = 0.6 * font_px, font_px + 3
    placed: list[tuple[float, float, float, float]] = []
    points = [(x - 4, y - 4, x + 4, y + 4) for x, y in zip(x_px, y_px, strict=True)]
    result: list[tuple[str, float]] = [("right", 0.0)] * len(labels)
    order = sorted(range(len(labels)), key=lambda i: (x_px[i], y_px[i]))
    shifts = [0.0]
    for step in range(1, 5):
        shifts += [-step * line_px, step * line_px]
    for i in order:
        w = len(str(labels[i])) * char_px
        best = None
        for dy in shifts:
            for side in ("right", "left"):
                x0 = x_px[i] + gap if side == "right" else x_px[i] - gap - w
                box = (x0, y_px[i] + dy - line_px / 2, x0 + w, y_px[i] + dy + line_px / 2)
                inside = box[0] >= 0 and box[2] <= width and box[1] >= -line_px / 2 \
                    and box[3] <= height + line_px / 2
                clear = not any(_overlap(box, other) for other in placed) and not any(
                    _overlap(box, p) for j, p in enumerate(points) if j != i)
                if inside and clear:
                    best = (side, dy, box)
                    break
            if best:
                break
        if best is None:  # crowded: keep it beside its point, inside the plot
            x0 = x_px[i] + gap
            side = "right" if x0 + w <= width else "left"
            x0 = x0 if side == "right" else x_px[i] - gap - w
            best = (side, 0.0, (x0, y_px[i] - line_px / 2, x0 + w, y_px[i] + line_px / 2))
        placed.append(best[2])
        result[i] = (best[0], float(best[1]))
    return result


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def with_label_places(data, *, x: str, y: str, label: str,
                      x_domain: tuple[float, float], y_domain: tuple[float, float],
                      width: int, height: int, x_log: bool = False, font_px: float = 10):
    """``data`` plus ``label_side`` and ``label_y``: where :func:`label_layers` writes labels.

    The scatter's x and y scales must use ``x_domain`` and ``y_domain`` with
    ``nice=False``, so that pixel positions can be computed here.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"x": [1.0, 1.01], "y": [0.0, 0.0], "name": ["a", "b"]})
    >>> placed = with_label_places(rows, x="x", y="y", label="name", x_domain=(0, 2),
    ...                            y_domain=(0, 1), width=400, height=200)
    >>> placed["label_side"].tolist()
    ['right', 'left']
    """
    import math

    def to_px(value, lo, hi, size, log=False):
        if log:
            value, lo, hi = math.log10(value), math.log10(lo), math.log10(hi)
        return (value - lo) / (hi - lo) * size

    rows = data.copy()
    xs = [to_px(v, *x_domain, width, x_log) for v in rows[x]]
    ys = [height - to_px(v, *y_domain, height) for v in rows[y]]
    places = place_labels(xs, ys, [str(v) for v in rows[label]], width=width, height=height,
                          font_px=font_px)
    per_px = (y_domain[1] - y_domain[0]) / height
    rows["label_side"] = [side for side, _ in places]
    rows["label_y"] = [round(value - dy * per_px, 6)
                       for value, (_, dy) in zip(rows[y], places, strict=True)]
    return rows


def label_layers(base: alt.Chart, *, x: str, label: str, font_px: float = 10,
                 colour: str = "#000000") -> list[alt.Chart]:
    """Text layers for the labels placed by :func:`with_label_places` (same data as ``base``)."""
    layers = []
    for side, align, dx in (("right", "left", 7), ("left", "right", -7)):
        layers.append(base.transform_filter(alt.datum.label_side == side).mark_text(
            align=align, dx=dx, baseline="middle", fontSize=font_px, color=colour).encode(
            x=alt.X(f"{x}:Q"), y=alt.Y("label_y:Q"), text=alt.Text(f"{label}:N"),
            tooltip=alt.value(None)))
    return layers


def nice_domain(values, *, zero: bool = False, pad: float = 0.05) -> tuple[float, float]:
    """A padded [low, high] for a linear axis (from 0 when ``zero``).

    Examples
    --------
    >>> nice_domain([0.1, 0.4], zero=True)
    (0.0, 0.415)
    """
    lo, hi = float(min(values)), float(max(values))
    span = (hi - lo) or abs(hi) or 1.0
    low = 0.0 if zero and lo >= 0 else lo - pad * span
    return (round(low, 10), round(hi + pad * span, 10))


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


#: A chart is also shown on a slide (the lesson's deck, on a 1280x720 projector, draws it 1.3
#: times larger than the notebook): as drawn it is at most this high, in its own pixels.
SLIDE_CHART_HEIGHT = 420
#: Plots are never made flatter than this share of the height they were built with; plots
#: with a row per category (a nominal or ordinal y) keep more, so their labels do not touch.
SLIDE_MIN_SCALE = 0.5
SLIDE_MIN_SCALE_ROWS = 0.7
#: Average width of a character of an axis title (Vega's 11-px bold default), in pixels.
_AXIS_TITLE_CHAR_PX = 6.5


def _views(spec: dict):
    """The spec and every view inside it (concatenated and layered), depth first."""
    yield spec
    for key in ("vconcat", "hconcat", "concat", "layer"):
        for child in spec.get(key, []) or []:
            if isinstance(child, dict):
                yield from _views(child)


def _plot_height(spec: dict) -> float:
    """Height of the plots stacked in ``spec`` (summed down a vconcat, the tallest across)."""
    if spec.get("vconcat"):
        return sum(_plot_height(child) for child in spec["vconcat"])
    own = spec.get("height")
    if isinstance(own, int | float):
        return float(own)
    children = [c for key in ("hconcat", "concat", "layer") for c in spec.get(key, []) or []]
    return max((_plot_height(child) for child in children), default=0.0)


def _has_rows(view: dict) -> bool:
    """Whether a view draws one row per category (a nominal or ordinal y)."""
    for holder in [view, *(view.get("layer", []) or [])]:
        y = (holder.get("encoding") or {}).get("y")
        if isinstance(y, dict) and (y.get("type") in ("nominal", "ordinal")
                                    or str(y.get("field", "")).endswith((":N", ":O"))):
            return True
    return False


def _wrap_y_title(view: dict) -> None:
    """Break a y-axis title longer than its plot is high onto two lines (it is drawn upright)."""
    height = view.get("height")
    for holder in [view, *(view.get("layer", []) or [])]:
        y = (holder.get("encoding") or {}).get("y")
        if not isinstance(y, dict) or not isinstance(height, int | float):
            continue
        title = y.get("title")
        if not isinstance(title, str) or len(title) * _AXIS_TITLE_CHAR_PX <= height:
            continue
        spaces = [i for i, c in enumerate(title) if c == " "]
        if spaces:
            cut = min(spaces, key=lambda i: abs(i - len(title) / 2))
            y["title"] = [title[:cut], title[cut + 1:]]


def drawn_size(spec: dict) -> tuple[float, float]:
    """Width and height of a Vega-Lite spec as drawn (vl-convert, offline), in pixels.

    This draws the chart (tens to hundreds of milliseconds, more on a busy machine): code
    that runs on every control change uses :func:`layout_size` instead.
    """
    import re

    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(spec, vl_version="5.20")
    found = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', svg)
    return float(found.group(1)), float(found.group(2))


#: Keys whose values are free text or data (titles, field names, domains, expressions):
#: what they say changes from one setting of an explorer to the next, while the space they
#: take does not (a title is one line whatever its years), so :func:`layout_key` keeps only
#: their shape — how many lines, how many values.
_FREE_TEXT_KEYS = frozenset({
    "title", "subtitle", "text", "field", "domain", "values", "datum", "filter", "calculate",
    "expr", "test", "as", "labelExpr", "oneOf", "equal", "lookup", "fields", "sort", "range",
})
#: Keys left out of a layout: the data, names Altair numbers per session, what is not drawn
#: (``detail`` groups marks without a legend or an axis).
_NOT_LAYOUT_KEYS = frozenset({"datasets", "data", "description", "$schema", "usermeta",
                              "tooltip", "name", "views", "from", "detail"})
#: A legend channel's sort order and scale list one value (and one colour, dash or shape)
#: per entry: how many entries there are, and so how much room the legend takes, is in
#: :func:`_legend_entries`, in steps where a legend stands beside the plots. Keeping the
#: lists' exact lengths in the key as well would make each count of entries (6 powers in
#: one range of years, 7 in another) a layout of its own.
_LEGEND_SCALE_LISTS = frozenset({"domain", "range"})


def _shape(value):
    """``value`` with every string and number replaced by a placeholder (lists keep lengths)."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in sorted(value.items())
                if key not in _NOT_LAYOUT_KEYS}
    if isinstance(value, list | tuple):
        return [_shape(item) for item in value]
    return "~" if isinstance(value, str | int | float) and not isinstance(value, bool) else value


def _layout(value):
    """``value`` with the free text and data of :data:`_FREE_TEXT_KEYS` reduced to shapes,
    and a legend channel without its lists of entries (a ``sort`` order, the scale's
    :data:`_LEGEND_SCALE_LISTS`)."""
    if isinstance(value, dict):
        found = {k: (_shape(v) if k in _FREE_TEXT_KEYS else _layout(v))
                 for k, v in sorted(value.items()) if k not in _NOT_LAYOUT_KEYS}
        encoding = found.get("encoding")
        if isinstance(encoding, dict):
            for channel in LEGEND_CHANNELS:
                legend = encoding.get(channel)
                if not isinstance(legend, dict):
                    continue
                if isinstance(legend.get("sort"), list):
                    del legend["sort"]
                if isinstance(legend.get("scale"), dict):
                    for name in _LEGEND_SCALE_LISTS:
                        legend["scale"].pop(name, None)
        return found
    if isinstance(value, list | tuple):
        return [_layout(item) for item in value]
    return value


#: How finely :func:`layout_key` tells legends apart: by the length of their longest label
#: in steps of this many characters (a legend beside the plots is that much wider, about
#: 50 pixels at most within a step), and, for a legend beside the plots, by the number of
#: entries in steps of this many (a longer list could outgrow the plots' height).
LEGEND_LABEL_STEP = 8
LEGEND_ENTRY_STEP = 8


def _legend_entries(spec: dict) -> list[tuple]:
    """How each legend takes room: (field, orient, entries, longest label), the last two
    in steps (:data:`LEGEND_LABEL_STEP`, :data:`LEGEND_ENTRY_STEP`).

    Entries come from the scale's explicit domain, or else from the data drawn. A legend
    above or below the plots is counted exactly (each entry may add to its rows).
    """
    config = (spec.get("config") or {}).get("legend") or {}
    found: dict[str, tuple[str, list[str] | None]] = {}
    for view in _views(spec):
        for holder in [view, *(view.get("layer", []) or [])]:
            for channel, encoding in ((holder.get("encoding") or {}).items()):
                if (channel in LEGEND_CHANNELS and isinstance(encoding, dict)
                        and encoding.get("type") in ("nominal", "ordinal")
                        and encoding.get("legend", {}) is not None
                        and isinstance(encoding.get("field"), str)):
                    legend = encoding.get("legend") or {}
                    orient = str(legend.get("orient") or config.get("orient") or "right")
                    domain = (encoding.get("scale") or {}).get("domain")
                    found[encoding["field"]] = (orient, [str(v) for v in domain]
                                                if isinstance(domain, list) else None)
    rows = [row for values in (spec.get("datasets") or {}).values() for row in values]
    data = spec.get("data")
    if isinstance(data, dict) and isinstance(data.get("values"), list):
        rows += data["values"]
    entries = []
    for name, (orient, domain) in sorted(found.items()):
        labels = domain if domain is not None else sorted(
            {str(row.get(name)) for row in rows if isinstance(row, dict) and name in row})
        beside = orient in ("left", "right")
        count = len(labels) // LEGEND_ENTRY_STEP if beside else len(labels)
        longest = max((len(label) for label in labels), default=0) // LEGEND_LABEL_STEP
        entries.append((name, orient, count, longest))
    return entries


def layout_key(spec: dict) -> str:
    """What decides how much room a chart takes beside its plots, as a string.

    Two specs with the same key differ only in what their texts say and which values they
    draw (another range of years, another measure), not in how many lines of titles, how
    many plots of which heights, or about how many legend entries of about which longest
    label they have (:func:`_legend_entries`): they are drawn the same size, within a few
    pixels (axis labels of other widths) and, beside a legend, up to about 50 pixels wider
    or narrower (labels of other lengths).
    :func:`fit_height` and :func:`layout_size` draw a chart once per key and reuse the
    result, so an explorer never draws its chart offline on a control change that keeps
    its layout.

    Examples
    --------
    >>> def spec(years):
    ...     return {"title": f"Shares, {years}", "mark": "line", "height": 300,
    ...             "encoding": {"x": {"field": "year", "type": "quantitative",
    ...                                "scale": {"domain": [int(years[:4]), 2016]}}},
    ...             "data": {"values": [{"year": 1990}]}}
    >>> layout_key(spec("1990–2016")) == layout_key(spec("2000–2016"))
    True
    >>> layout_key(spec("1990–2016")) == layout_key({**spec("1990–2016"), "height": 200})
    False
    """
    return json.dumps([_layout(spec), _legend_entries(spec)], sort_keys=True,
                      separators=(",", ":"), default=str)


#: Layouts already drawn: key -> drawn (width, height); key and limit -> the scale
#: :func:`fit_height` chose. Bounded: a session meets a few dozen layouts.
_SIZES: dict[str, tuple[float, float]] = {}
_SCALES: dict[tuple[str, float], float] = {}
_CACHE_LIMIT = 512


def _remember(cache: dict, key, value) -> None:
    if len(cache) >= _CACHE_LIMIT:
        cache.pop(next(iter(cache)))
    cache[key] = value


def layout_size(spec: dict, key: str | None = None) -> tuple[float, float]:
    """:func:`drawn_size`, drawn once per :func:`layout_key` and then remembered.

    The sizes of the layouts the course draws are shipped (:mod:`course.charts.layouts`):
    a layout found there is not drawn at all, so a kernel never loads vl-convert for it.

    Examples
    --------
    >>> spec = {"mark": "point", "width": 100, "height": 80,
    ...         "data": {"values": [{"x": 1}]}, "encoding": {"x": {"field": "x",
    ...         "type": "quantitative"}}}
    >>> layout_size(spec) == layout_size({**spec, "data": {"values": [{"x": 5}]}})
    True
    """
    from course.charts import layouts

    key = layout_key(spec) if key is None else key
    if key not in _SIZES:
        size = layouts.shipped_size(key)
        if size is None:
            size = drawn_size(spec)
            layouts.drew_size(key, size)
        _remember(_SIZES, key, size)
    return _SIZES[key]


def _scaled(spec: dict, scale: float) -> dict:
    """A copy of ``spec`` with every plot's height scaled (see :func:`fit_height`)."""
    import copy

    if scale >= 1.0:
        return spec
    fitted = copy.deepcopy(spec)
    for view in _views(fitted):
        if isinstance(view.get("height"), int | float):
            floor = SLIDE_MIN_SCALE_ROWS if _has_rows(view) else SLIDE_MIN_SCALE
            view["height"] = round(view["height"] * max(scale, floor))
            _wrap_y_title(view)
    return fitted


def fit_height(spec: dict, limit: float = SLIDE_CHART_HEIGHT, *,
               size: tuple[float, float] | None = None, measure: bool = True) -> dict:
    """A copy of a Vega-Lite spec whose plots are low enough to be drawn ``limit`` high.

    Only heights change (narrower plots would cut their titles): every plot's height is
    scaled by one factor, never below :data:`SLIDE_MIN_SCALE` (:data:`SLIDE_MIN_SCALE_ROWS`
    for a plot with a row per category), and a y-axis title longer than its lower plot is
    broken onto two lines. ``size`` is the drawn (width, height) if
    known; ``measure=False`` trusts it instead of drawing the result again (axis titles
    longer than a plot add to its height, so the fit is measured up to three times).
    A spec already low enough is returned as it is.

    The factor is worked out once per layout (:func:`layout_key`) and limit, by drawing
    the chart offline, and reused for every later chart of that layout: an explorer's
    control change that keeps the layout draws nothing offline. The factors of the
    layouts the course draws are shipped (:mod:`course.charts.layouts`): those are not
    drawn at all.

    Examples
    --------
    >>> spec = {"vconcat": [{"mark": "line", "height": 300}, {"mark": "bar", "height": 200}]}
    >>> fitted = fit_height(spec, 440, size=(600, 640), measure=False)
    >>> [view["height"] for view in fitted["vconcat"]], spec["vconcat"][0]["height"]
    ([180, 120], 300)
    >>> fit_height(spec, 440, size=(600, 400)) is spec
    True
    """
    from course.charts import layouts

    remembered = size is None and measure
    if remembered:
        key = layout_key(spec)
        scale = _SCALES.get((key, float(limit)))
        if scale is None:
            scale = layouts.shipped_scale(key, limit)
            if scale is not None:
                _remember(_SCALES, (key, float(limit)), scale)
        if scale is not None:
            return _scaled(spec, scale)
        size = layout_size(spec, key)
    height = size[1]
    plots = _plot_height(spec)
    fitted, scale = spec, 1.0
    for _attempt in range(3):
        if height <= limit or plots <= 0 or scale <= SLIDE_MIN_SCALE:
            break
        overhead = height - plots * scale
        scale = max(SLIDE_MIN_SCALE, min(scale, (limit - overhead) / plots))
        fitted = _scaled(spec, scale)
        if not measure:
            break
        height = drawn_size(fitted)[1]
    if remembered:
        _remember(_SCALES, (key, float(limit)), scale)
        layouts.fitted_scale(key, limit, scale)
    return fitted


def slide_renderer(spec: dict, **metadata):
    """Altair renderer ``"course"``: the ``mimetype`` renderer, with :func:`fit_height`."""
    from altair.vegalite.v5.display import mimetype_renderer

    with contextlib.suppress(ValueError):  # vl-convert cannot draw it: shown as built
        spec = fit_height(spec)
    return mimetype_renderer(spec, **metadata)


alt.renderers.register("course", slide_renderer)


def use_offline_renderer() -> None:
    """Render charts with the course's Vega-Lite 5 renderer in JupyterLab (no CDN, offline).

    Altair's default ``html`` renderer loads Vega from a CDN, which shows nothing in a
    classroom without network. The ``course`` renderer is Altair's ``mimetype`` renderer
    (the spec goes to JupyterLab, which draws it with the course's renderer) with the
    chart's plots made low enough for a slide (:func:`fit_height`). Call once per notebook
    (``course.setup()`` does it for you).
    """
    alt.renderers.enable("course")
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
