"""Accessible equivalents of a chart: alt text, a data table, and a colour-vision check.

A chart on a screen is of no use to a reader who cannot see it, or who cannot tell its
colours apart. This module derives, from a chart's Vega-Lite spec alone,

* :func:`alt_text` — a plain-language text alternative (title, description, what is
  drawn and which fields are on which channel);
* :func:`data_table_html` — the rows the chart draws as an HTML ``<table>`` that a
  screen reader can navigate (handouts put it in a ``<details>`` element);
* :func:`palette_problems` — pairs of colours in a palette that become hard to tell
  apart under simulated protanopia, deuteranopia or tritanopia.

Colour-vision simulation follows Machado, Oliveira & Fernandes (2009), "A
Physiologically-based Model for Simulation of Color Vision Deficiency", IEEE
Transactions on Visualization and Computer Graphics 15(6), 1291–1298
(doi:10.1109/TVCG.2009.113): a 3×3 matrix per deficiency, applied to linear-light
sRGB; we use their matrices for severity 1.0 (complete dichromacy, the worst case).
Colour differences are CIEDE2000 (Sharma, Wu & Dalal 2005, "The CIEDE2000
Color-Difference Formula: Implementation Notes, Supplementary Test Data, and
Mathematical Observations", Color Research & Application 30(1), 21–30) in CIELAB
with the D65 white point.

A just-noticeable difference is about 2.3 ΔE (Sharma 2003); thin lines and small
points need far more than that (Szafir 2018, "Modeling Color Difference for
Visualization Design", IEEE TVCG 24(1)). :data:`MIN_DELTA_E` asks for 10.

Examples
--------
>>> spec = {"title": "Britain's share", "description": "Britain's share falls.",
...         "mark": "line",
...         "encoding": {"x": {"field": "year", "type": "ordinal"},
...                      "y": {"field": "share", "type": "quantitative"}},
...         "data": {"values": [{"year": 1870, "share": 0.3}, {"year": 1913, "share": 0.2}]}}
>>> print(alt_text(spec))
Britain's share. Britain's share falls. Line chart of share (y) by year (x).
>>> "<td>1870</td>" in data_table_html(spec)
True
>>> round(delta_e2000((50, 2.6772, -79.7751), (50, 0, -82.7485)), 4)
2.0425
>>> simulate_cvd("#FFFFFF", "deuteranopia")
'#FFFFFF'
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from course.errors import InputError

#: Smallest CIEDE2000 difference two palette colours must keep under every simulation.
MIN_DELTA_E = 10.0

#: Machado et al. (2009) simulation matrices, severity 1.0, for linear-light sRGB.
CVD_MATRICES: dict[str, tuple[tuple[float, float, float], ...]] = {
    "protanopia": ((0.152286, 1.052583, -0.204868),
                   (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968),
                     (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779),
                   (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}

#: The visions :func:`palette_problems` checks by default.
VISIONS = ("normal", "protanopia", "deuteranopia", "tritanopia")

_MARK_NAMES = {
    "line": "Line chart", "bar": "Bar chart", "point": "Scatter plot",
    "circle": "Scatter plot", "square": "Scatter plot", "area": "Area chart",
    "rect": "Heat map", "tick": "Tick plot", "rule": "Rule chart", "text": "Text chart",
    "trail": "Line chart", "arc": "Pie chart", "boxplot": "Box plot",
    "errorbar": "Error-bar chart", "errorband": "Error-band chart", "geoshape": "Map",
    "image": "Image",
}
_CHANNELS = ("x", "y", "x2", "y2", "color", "theta", "size", "shape", "strokeDash",
             "opacity", "row", "column", "facet")
_CHANNEL_WORDS = {"color": "colour", "strokeDash": "line style", "theta": "angle"}
_COMPOUND_KEYS = ("layer", "concat", "hconcat", "vconcat")


# --------------------------------------------------------------------- spec helpers
def as_spec(chart_or_spec: Any) -> dict:
    """The Vega-Lite spec of an Altair chart, or the dict itself if given a spec.

    Raises
    ------
    InputError
        If the argument is neither an Altair chart nor a Vega-Lite dict.
    """
    if isinstance(chart_or_spec, Mapping):
        return dict(chart_or_spec)
    to_dict = getattr(chart_or_spec, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise InputError(
        f"expected an Altair chart or a Vega-Lite spec (dict), got {type(chart_or_spec).__name__}")


def title_text(title: Any) -> str:
    """Join a Vega-Lite title (string, list of lines, or {text, subtitle}) into one line."""
    if title is None:
        return ""
    if isinstance(title, str):
        return title.strip()
    if isinstance(title, list | tuple):
        return " ".join(title_text(part) for part in title if title_text(part))
    if isinstance(title, Mapping):
        text, subtitle = title_text(title.get("text")), title_text(title.get("subtitle"))
        if text and subtitle:  # "Text. Subtitle", never "Text?. Subtitle"
            return f"{_sentence(text)} {subtitle.rstrip('.')}"
        return (text or subtitle).rstrip(".")
    return str(title)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?" else text + "."


def _views(spec: Mapping) -> Iterable[Mapping]:
    """Every single view (a spec with a mark) inside a possibly compound spec."""
    if "mark" in spec:
        yield spec
    if isinstance(spec.get("spec"), Mapping):  # facet / repeat
        yield from _views(spec["spec"])
    for key in _COMPOUND_KEYS:
        for sub in spec.get(key) or []:
            if isinstance(sub, Mapping):
                yield from _views(sub)


def _mark_type(view: Mapping) -> str:
    mark = view.get("mark")
    return mark.get("type", "") if isinstance(mark, Mapping) else str(mark or "")


def _field_label(definition: Mapping) -> str | None:
    if not isinstance(definition, Mapping):
        return None
    title = definition.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    field = definition.get("field")
    if isinstance(field, Mapping):  # repeat reference
        return None
    if field:
        aggregate = definition.get("aggregate")
        return f"{aggregate} of {field}" if aggregate else str(field)
    if definition.get("aggregate") == "count":
        return "count of records"
    return None


def _describe_view(view: Mapping, inherited: Mapping) -> str:
    encoding = {**inherited, **(view.get("encoding") or {})}
    mark = _mark_type(view)
    kind = _MARK_NAMES.get(mark, f"{mark.capitalize()} chart" if mark else "Chart")
    labels = {ch: _field_label(encoding.get(ch)) for ch in _CHANNELS if ch in encoding}
    labels = {ch: lab for ch, lab in labels.items() if lab}
    if not labels:
        return kind
    y = labels.pop("y", None) or labels.pop("theta", None)
    x = labels.pop("x", None)
    words = []
    if y and x:
        words.append(f"{y} (y) by {x} (x)")
    elif y or x:
        words.append(f"{y or x} ({'y' if y else 'x'})")
    labels.pop("x2", None), labels.pop("y2", None)
    for channel, label in labels.items():
        words.append(f"{_CHANNEL_WORDS.get(channel, channel)} shows {label}")
    return f"{kind} of " + ", ".join(words) if words else kind


def alt_text(chart_or_spec: Any) -> str:
    """A text alternative for a chart, built from its spec.

    Title (with subtitle), the author's ``description``, then one sentence per
    distinct view naming the kind of chart and the field on each channel.

    Parameters
    ----------
    chart_or_spec : altair chart or dict
        The chart or its Vega-Lite spec.

    Returns
    -------
    str
        Plain text, no markup.

    Examples
    --------
    >>> print(alt_text({"description": "Two bars.", "mark": {"type": "bar"},
    ...                 "encoding": {"x": {"field": "power", "type": "nominal"},
    ...                              "y": {"field": "cinc", "type": "quantitative",
    ...                                    "title": "CINC share"},
    ...                              "color": {"field": "power", "type": "nominal"}}}))
    Two bars. Bar chart of CINC share (y) by power (x), colour shows power.
    """
    spec = as_spec(chart_or_spec)
    parts = [_sentence(title_text(spec.get("title"))),
             _sentence(str(spec.get("description") or ""))]
    inherited = spec.get("encoding") or {}
    seen: list[str] = []
    for view in _views(spec):
        sentence = _sentence(_describe_view(view, inherited if view is not spec else {}))
        if sentence not in seen:
            seen.append(sentence)
    parts.extend(seen)
    return " ".join(p for p in parts if p)


# ------------------------------------------------------------------------ data twins
#: Channels whose fields are what a chart shows: positions, colour, shape, size, facets.
_INFO_CHANNELS = ("x", "y", "x2", "y2", "theta", "color", "fill", "stroke", "shape", "size",
                  "row", "column", "facet", "text")
#: Marks that annotate a chart (a threshold, a zero line, an event's label) rather than draw
#: its data: their positions are layout, and a one-row annotation is no table.
_ANNOTATION_MARKS = ("rule", "text")
#: Names for fields a chart leaves untitled (the course's tables and measures).
FIELD_NAMES = {
    "stateabb": "state", "ccode": "COW code", "statenme": "state", "n_used": "allies with data",
    "p_value": "p-value", "share_pct": "share (%)", "eff_poles": "effective poles",
    "con": "CON", "cinc": "CINC", "milex_share_gdp": "military spending / GDP", "gdp": "GDP",
    "strtyr": "start year", "endyear": "end year", "disno": "dispute", "yrent": "year joined",
    "atopid": "ATOP id", "value_qualifier": "qualifier", "as_of": "as of", "id": "id",
}
#: Rows and columns of a printed data twin: about half an A4 page at 8 pt.
PRINT_ROWS = 15
PRINT_COLUMNS = 6
PRINT_SERIES = 10  # columns of a long table printed wide: one per series
PRINT_CELL_CHARS = 32
PRINT_LINE_CHARS = 90  # characters of a table row on one printed line (8 pt, A4)


@dataclass
class Twin:
    """One table of a chart's data twin: the rows one dataset draws, with human names.

    ``fields`` are the dataset's column names in the order a reader meets them (x, y,
    colour, ..., then what the tooltip adds), ``names`` their human names, ``primary`` the
    fields on the chart's own channels or with a titled tooltip (what a printed twin keeps).
    """

    caption: str
    fields: list[str]
    names: list[str]
    rows: list[dict]
    primary: list[str]
    x: str | None = None
    y: str | None = None  # the value a wide table spreads over one column per series
    series: str | None = None
    ordered: bool = False  # rows follow a quantitative, temporal or ordinal x


def _encoding_defs(encoding: Mapping, channel: str) -> list[Mapping]:
    value = encoding.get(channel)
    items = value if isinstance(value, list) else [value]
    return [d for d in items if isinstance(d, Mapping) and isinstance(d.get("field"), str)]


def _walk(node: Mapping, data: str | None, encoding: Mapping,
          inline: dict[str, list[dict]]) -> Iterable[tuple[Mapping, str | None, Mapping]]:
    """(view, dataset name, encoding with what it inherits) for every view of a spec."""
    own = node.get("data")
    if isinstance(own, Mapping):
        if isinstance(own.get("values"), list):
            data = str(own.get("name") or f"inline-{len(inline) + 1}")
            inline.setdefault(data, list(own["values"]))
        elif own.get("name"):
            data = str(own["name"])
    merged = {**encoding, **(node.get("encoding") or {})}
    if "mark" in node:
        yield node, data, merged
    for sub in node.get("layer") or []:
        if isinstance(sub, Mapping):
            yield from _walk(sub, data, merged, inline)
    for key in ("concat", "hconcat", "vconcat"):
        for sub in node.get(key) or []:
            if isinstance(sub, Mapping):
                yield from _walk(sub, data, {}, inline)
    if isinstance(node.get("spec"), Mapping):
        facet = node.get("facet")
        extra = {"facet": facet} if isinstance(facet, Mapping) and "field" in facet else {}
        yield from _walk(node["spec"], data, extra, inline)


def _title_string(title: Any) -> str:
    return " ".join(title) if isinstance(title, list) else str(title or "").strip()


def human_name(field: str) -> str:
    """A field's name for a reader: :data:`FIELD_NAMES`, else underscores as spaces.

    >>> human_name("p_value"), human_name("leader_share")
    ('p-value', 'leader share')
    """
    return FIELD_NAMES.get(field, field.replace("_", " "))


def main_title(spec: Mapping) -> str:
    """The chart's title without its subtitle (the source line)."""
    title = spec.get("title")
    return title_text(title.get("text") if isinstance(title, Mapping) else title)


def data_twins(chart_or_spec: Any) -> list[Twin]:
    """The chart's data as tables a reader can use instead of the picture.

    One table per dataset the chart draws, with the columns the chart shows — on its
    channels or in its tooltips — named as the chart names them (axis, legend or tooltip
    titles, else :func:`human_name`). Left out: columns that only lay marks out (line
    segments, shading, label positions, draw order), lookup tables (joined into the rows
    that use them) and one-row annotations (a threshold or a zero line).

    Examples
    --------
    >>> spec = {"title": {"text": "Shares", "subtitle": "Source: COW"},
    ...         "data": {"values": [{"year": 1900, "share": 0.3, "segment": 1}]},
    ...         "mark": "line", "encoding": {
    ...             "x": {"field": "year", "type": "quantitative", "title": "Year"},
    ...             "y": {"field": "share", "type": "quantitative"},
    ...             "detail": {"field": "segment", "type": "nominal"}}}
    >>> twin = data_twins(spec)[0]
    >>> twin.caption, twin.names, twin.rows
    ('Data for “Shares”', ['Year', 'share'], [{'year': 1900, 'share': 0.3}])
    """
    spec = as_spec(chart_or_spec)
    inline: dict[str, list[dict]] = {}
    views = list(_walk(spec, None, {}, inline))
    datasets = {str(name): list(rows) for name, rows in (spec.get("datasets") or {}).items()}
    datasets.update(inline)
    joined: dict[str, list[dict]] = {}
    lookups: set[str] = set()
    by_dataset: dict[str, list[tuple[Mapping, Mapping]]] = {}
    for view, name, encoding in views:
        if name is None or name not in datasets:
            continue
        rows = joined.setdefault(name, [dict(row) for row in datasets[name]])
        for step in view.get("transform") or []:
            source = (step.get("from") or {}).get("data", {}) if "lookup" in step else {}
            if source.get("name") in datasets:
                lookups.add(source["name"])
                key, fields = step["from"].get("key"), step["from"].get("fields")
                index = {row.get(key): row for row in datasets[source["name"]]}
                for row in rows:
                    match = index.get(row.get(step["lookup"]), {})
                    row.update({f: v for f, v in match.items()
                                if f != key and (not fields or f in fields)})
        by_dataset.setdefault(name, []).append((view, encoding))
    twins: list[Twin] = []
    for name, used in by_dataset.items():
        twin = _twin(spec, joined[name], used) if name not in lookups else None
        if twin is None:
            continue
        if twins and twins[-1].fields == twin.fields:  # layers split by colour: one table
            twins[-1].rows.extend(twin.rows)
        else:
            twins.append(twin)
    for number, twin in enumerate(twins, start=1):
        if len(twins) > 1:
            twin.caption += f" (table {number} of {len(twins)})"
    return twins


def _twin(spec: Mapping, rows: list[dict], used: list[tuple[Mapping, Mapping]]) -> Twin | None:
    annotation_only = all(_mark_type(view) in _ANNOTATION_MARKS for view, _ in used)
    if not rows or (annotation_only and len(rows) < 2):
        return None
    names: dict[str, str] = {}
    primary: list[str] = []
    tooltip_only: list[str] = []
    kinds: dict[str, str] = {}  # channel -> field, for x, y and colour
    types: dict[str, str] = {}
    for channel in _INFO_CHANNELS + ("tooltip",):
        for view, encoding in used:
            annotation = _mark_type(view) in _ANNOTATION_MARKS
            if annotation and not annotation_only:
                continue  # labels beside data marks: their text is in the data marks' rows
            if annotation and channel in ("y", "y2") and _mark_type(view) == "text":
                continue  # where a label sits
            for definition in _encoding_defs(encoding, channel):
                field = definition["field"]
                if not any(field in row for row in rows):
                    continue
                title = _title_string(definition.get("title"))
                if title and field not in names:
                    names[field] = title
                if channel in ("x2", "y2") and not title:
                    continue  # the end of a bar, drawn: named in the tooltip if it matters
                if channel == "tooltip" and not annotation_only:
                    if field not in primary and field not in tooltip_only:
                        (primary if title else tooltip_only).append(field)
                    continue
                if field in tooltip_only:
                    tooltip_only.remove(field)
                if field not in primary:
                    primary.append(field)
                if channel in ("x", "y", "color", "column", "row", "facet"):
                    kinds.setdefault(channel, field)
                    types.setdefault(field, str(definition.get("type") or ""))
    fields = primary + tooltip_only
    if not fields:  # a chart that encodes nothing by field: its rows as they are
        fields = primary = list(dict.fromkeys(key for row in rows for key in row))
    labels = [names.get(f) or human_name(f) for f in fields]
    labels = [f"{label} ({f})" if labels.count(label) > 1 else label
              for label, f in zip(labels, fields, strict=True)]
    caption = f"Data for “{main_title(spec) or 'the chart'}”"
    x, y = kinds.get("x"), kinds.get("y")
    colour = next((kinds[c] for c in ("color", "column", "row", "facet") if c in kinds), None)
    dimension, value, series = x, None, None
    if types.get(y) == "quantitative":  # lines, columns, points: y by x, a series per colour
        value = y
    elif types.get(x) == "quantitative" and y:  # horizontal bars: x by y
        dimension, value = y, x
    elif y and colour and types.get(x) in ("ordinal", "temporal"):  # a heat map
        value, series = colour, y
    if series is None and types.get(colour) in ("nominal", "ordinal"):
        series = colour
    ordered = types.get(dimension) in ("quantitative", "temporal", "ordinal")
    return Twin(caption, fields, labels, [{f: row.get(f) for f in fields} for row in rows],
                primary, dimension, value,
                series if series not in (dimension, value) else None, ordered)


def _cell(value: Any, limit: int | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        text = f"{value:,.4g}" if abs(value) < 1e15 else f"{value:.4g}"
    else:
        text = str(value)
    if limit is not None and len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    return html.escape(text)


def _table_html(caption: str, names: list[str], rows: list[list[Any]],
                limit: int | None = None) -> str:
    head = "".join(f'<th scope="col">{_cell(str(n), limit)}</th>' for n in names)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v, limit)}</td>" for v in row) + "</tr>"
                   for row in rows)
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def data_table_html(chart_or_spec: Any, max_rows: int | None = 400) -> str:
    """The chart's data twin (:func:`data_twins`) as HTML tables, every row by default.

    Parameters
    ----------
    chart_or_spec : altair chart or dict
    max_rows : int or None
        Most rows shown per table; ``None`` shows them all (handouts, for screen readers).

    Returns
    -------
    str
        HTML (``<table>`` elements with ``<caption>`` and ``<th scope="col">``), or a
        ``<p>`` saying the chart embeds no data.

    Examples
    --------
    >>> out = data_table_html({"mark": "bar", "data": {"values": [{"a": 1.5, "b": "x"}]},
    ...                        "encoding": {"x": {"field": "a", "title": "Share"}}})
    >>> '<th scope="col">Share</th>' in out and "<td>1.5</td>" in out
    True
    """
    if max_rows is not None and max_rows < 1:
        raise InputError(f"max_rows must be at least 1, got {max_rows}")
    twins = data_twins(chart_or_spec)
    if not twins:
        return "<p>This chart embeds no data rows.</p>"
    tables = []
    for twin in twins:
        shown = twin.rows[:max_rows] if max_rows is not None else twin.rows
        note = (f"<p>Showing the first {max_rows:,} of {len(twin.rows):,} rows.</p>"
                if max_rows is not None and len(twin.rows) > max_rows else "")
        tables.append(_table_html(f"{twin.caption}, {len(twin.rows):,} rows", twin.names,
                                  [[row[f] for f in twin.fields] for row in shown]) + note)
    return "\n".join(tables)


def _pivoted(twin: Twin) -> tuple[list[str], list[list[Any]], str] | None:
    """The twin as one row per x value and one column per series (a long table made wide)."""
    if not (twin.x and twin.y and twin.series):
        return None
    series = list(dict.fromkeys(row[twin.series] for row in twin.rows))
    pairs = {(row[twin.x], row[twin.series]) for row in twin.rows}
    if not 2 <= len(series) <= PRINT_SERIES or len(pairs) != len(twin.rows):
        return None
    values = {(row[twin.x], row[twin.series]): row[twin.y] for row in twin.rows}
    xs = list(dict.fromkeys(row[twin.x] for row in twin.rows))
    if len(xs) > 0.7 * len(twin.rows):
        return None  # the series hardly share x values: wide would be mostly empty
    if twin.ordered:
        xs = sorted(xs, key=lambda v: (v is None, v))
    name = dict(zip(twin.fields, twin.names, strict=True))
    rows = [[x, *(values.get((x, s)) for s in series)] for x in xs]
    return ([name[twin.x], *map(str, series)], rows,
            f"{name[twin.y]} by {name[twin.x]} (rows) and {name[twin.series]} (columns)")


def print_table_html(chart_or_spec: Any, where: str = "the HTML version of this handout") -> str:
    """The chart's data twin as printed: short tables that fit about half a page.

    A long table that draws one line per series is printed one row per x value and one
    column per series; at most :data:`PRINT_ROWS` rows for the chart, shared by its tables
    (evenly spaced from the first to the last when the rows follow the x axis),
    :data:`PRINT_COLUMNS` columns (the chart's own fields first) and
    :data:`PRINT_CELL_CHARS` characters a cell. A line under a shortened
    table says what was left out and where the whole table is (``where``).

    Examples
    --------
    >>> rows = [{"year": y, "share": y / 4000} for y in range(1900, 1950)]
    >>> out = print_table_html({"mark": "line", "data": {"values": rows}, "encoding": {
    ...     "x": {"field": "year", "type": "quantitative"},
    ...     "y": {"field": "share", "type": "quantitative"}}}, where="ps.html")
    >>> out.count("<tr>") - 1, "15 of 50 rows" in out, "ps.html" in out
    (15, True, True)
    """
    twins = data_twins(chart_or_spec)
    if not twins:
        return "<p>This chart embeds no data rows.</p>"
    parts = []
    budget = max(5, PRINT_ROWS // len(twins))  # the chart's tables share half a page
    for twin in twins:
        pivot = _pivoted(twin) if len(twin.rows) > budget else None
        caption = twin.caption
        if pivot:
            names, rows, how = pivot
            caption += f": {how}"
        else:
            keep = twin.fields[:PRINT_COLUMNS]  # the chart's own fields first
            names = [n for f, n in zip(twin.fields, twin.names, strict=True) if f in keep]
            rows = [[row[f] for f in twin.fields if f in keep] for row in twin.rows]
        total, said = len(rows), []
        # Rows too wide for one printed line wrap: fewer of them fill the same half page.
        # (Headers wrap once, whatever their length.)
        width = sum(max([4] + [len(_cell(row[i], PRINT_CELL_CHARS)) for row in rows]) + 2
                    for i in range(len(names)))
        fits = max(5, budget // max(1, math.ceil(width / PRINT_LINE_CHARS)))
        if total > fits:
            if twin.ordered:
                picks = sorted({round(i * (total - 1) / (fits - 1)) for i in range(fits)})
                rows = [rows[i] for i in picks]
                said.append(f"{len(rows)} of {total:,} rows, evenly spaced from the first "
                            "to the last")
            else:
                rows = rows[:fits]
                said.append(f"the first {fits} of {total:,} rows")
        left_out = len(twin.fields) - len(names) if not pivot else 0
        if left_out > 0:
            said.append(f"{left_out} more column{'s' if left_out > 1 else ''}")
        # The title above the table, as wide as the page (a <caption> is as narrow as its
        # table: a long one ran down a narrow column).
        table = (f'<p class="handout-table-title">{html.escape(caption)}</p>'
                 + _table_html("", names, rows, limit=PRINT_CELL_CHARS))
        clipped = any(len(_cell(v)) > PRINT_CELL_CHARS for row in rows for v in row
                      if isinstance(v, str))
        if clipped:
            said.append("long entries cut short (…)")
        note = ""
        if said or pivot:
            shown = "; ".join(said) if said else "the same rows, one column per series"
            note = (f'<p class="handout-table-where">Printed: {shown}. The whole table '
                    f"({len(twin.rows):,} rows) is in {html.escape(where)}, under the chart.</p>")
        parts.append(table + note)
    return "\n".join(parts)


# ------------------------------------------------------------------- colour vision
def _hex_to_rgb(colour: str) -> tuple[float, float, float]:
    text = str(colour).strip().lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    if len(text) != 6 or any(ch not in "0123456789abcdefABCDEF" for ch in text):
        raise InputError(f"colour {colour!r} is not a hex colour like '#0072B2'")
    return tuple(int(text[i:i + 2], 16) / 255 for i in (0, 2, 4))


def _to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _to_gamma(c: float) -> float:
    c = min(1.0, max(0.0, c))
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def _check_vision(vision: str) -> None:
    if vision != "normal" and vision not in CVD_MATRICES:
        raise InputError(f"unknown vision {vision!r}; choose one of {', '.join(VISIONS)}")


def _simulated_linear(colour: str, vision: str) -> tuple[float, float, float]:
    _check_vision(vision)
    linear = [_to_linear(c) for c in _hex_to_rgb(colour)]
    if vision == "normal":
        return tuple(linear)
    matrix = CVD_MATRICES[vision]
    return tuple(min(1.0, max(0.0, sum(m * c for m, c in zip(row, linear, strict=True))))
                 for row in matrix)


def simulate_cvd(colour: str, vision: str) -> str:
    """How ``colour`` looks under a colour-vision deficiency (Machado et al. 2009).

    Parameters
    ----------
    colour : str
        Hex colour such as ``"#D55E00"``.
    vision : {"normal", "protanopia", "deuteranopia", "tritanopia"}

    Returns
    -------
    str
        The simulated colour as upper-case hex.

    Examples
    --------
    >>> simulate_cvd("#D55E00", "normal")
    '#D55E00'
    >>> simulate_cvd("#FF0000", "protanopia") != "#FF0000"
    True
    """
    linear = _simulated_linear(colour, vision)
    return "#" + "".join(f"{round(_to_gamma(c) * 255):02X}" for c in linear)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two hex colours (1 to 21; AA asks 4.5 for body text).

    >>> round(contrast_ratio("#b0b0b0", "#ffffff"), 2), round(contrast_ratio("#000", "#fff"), 1)
    (2.17, 21.0)
    """
    def luminance(colour: str) -> float:
        red, green, blue = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                            for c in _hex_to_rgb(colour))
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _lab_from_linear(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = rgb
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883
    eps = (6 / 29) ** 3

    def f(t: float) -> float:
        return t ** (1 / 3) if t > eps else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def to_lab(colour: str, vision: str = "normal") -> tuple[float, float, float]:
    """CIELAB (D65) coordinates of a hex colour, optionally as seen with a CVD.

    Examples
    --------
    >>> [round(v, 2) for v in to_lab("#FF0000")]
    [53.24, 80.09, 67.2]
    """
    return _lab_from_linear(_simulated_linear(colour, vision))


def delta_e2000(lab1: Iterable[float], lab2: Iterable[float]) -> float:
    """CIEDE2000 colour difference between two CIELAB colours (kL = kC = kH = 1).

    Implemented from Sharma, Wu & Dalal (2005); their test pairs are in the tests.

    Examples
    --------
    >>> round(delta_e2000((50, 2.5, 0), (73, 25, -18)), 4)
    27.1492
    """
    l1, a1, b1 = (float(v) for v in lab1)
    l2, a2, b2 = (float(v) for v in lab2)
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    d_l = l2 - l1
    d_c = c2p - c1p
    if c1p * c2p == 0:
        d_h_angle = 0.0
    else:
        d_h_angle = h2p - h1p
        if d_h_angle > 180:
            d_h_angle -= 360
        elif d_h_angle < -180:
            d_h_angle += 360
    d_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(d_h_angle / 2))
    l_mean = (l1 + l2) / 2
    cp_mean = (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_mean = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        h_mean = (h1p + h2p + 360) / 2
    else:
        h_mean = (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_mean - 30))
         + 0.24 * math.cos(math.radians(2 * h_mean))
         + 0.32 * math.cos(math.radians(3 * h_mean + 6))
         - 0.20 * math.cos(math.radians(4 * h_mean - 63)))
    d_theta = 30 * math.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_mean ** 7 / (cp_mean ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2
                     + r_t * (d_c / s_c) * (d_h / s_h))


def colour_difference(colour1: str, colour2: str, vision: str = "normal") -> float:
    """CIEDE2000 difference between two hex colours as seen with ``vision``."""
    return delta_e2000(to_lab(colour1, vision), to_lab(colour2, vision))


def palette_problems(colours: Iterable[str] | Mapping[str, str],
                     visions: Iterable[str] = VISIONS,
                     min_delta_e: float = MIN_DELTA_E) -> list[dict]:
    """Pairs of palette colours closer than ``min_delta_e`` under any simulated vision.

    Parameters
    ----------
    colours : list of hex colours, or mapping label -> hex colour
        A mapping (such as ``POWER_COLOURS``) lets the result name the labels.
    visions : iterable of str
        Among ``"normal"``, ``"protanopia"``, ``"deuteranopia"``, ``"tritanopia"``.
    min_delta_e : float
        Smallest acceptable CIEDE2000 difference.

    Returns
    -------
    list of dict
        One dict per failing pair and vision: ``vision``, ``first``, ``second`` (labels),
        ``colours`` and ``delta_e``; empty when the palette passes.

    Examples
    --------
    >>> palette_problems(["#000000", "#FFFFFF"])
    []
    >>> # matplotlib's default red and green: distinct for most, not for deuteranopes
    >>> [p["vision"] for p in palette_problems(["#D62728", "#2CA02C"])]
    ['deuteranopia']
    """
    items = list(colours.items()) if isinstance(colours, Mapping) else [
        (c, c) for c in colours]
    if len(items) < 2:
        raise InputError("a palette check needs at least two colours")
    problems = []
    for vision in visions:
        labs = {label: to_lab(colour, vision) for label, colour in items}
        for (label1, colour1), (label2, colour2) in itertools.combinations(items, 2):
            distance = delta_e2000(labs[label1], labs[label2])
            if distance < min_delta_e:
                problems.append({"vision": vision, "first": label1, "second": label2,
                                 "colours": (colour1, colour2), "delta_e": round(distance, 1)})
    return problems
