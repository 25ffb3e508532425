"""What is on screen, checked against what was asked for: charts and explorer controls.

Helpers for the browser tests (loaded by path: the suite runs with
``--import-mode=importlib``). The course's renderer draws charts as SVG, so every piece
of text a student sees is a ``<text>`` element that can be read and measured; the
renderer also keeps the spec it drew on its element (``vegaLiteSpec``), so each drawing
is compared with its own spec:

* every axis title the spec names is drawn, whole and inside the chart;
* every legend the spec asks for (colour, shape, line style, ... on a field) is drawn
  with one entry per value;
* no text is cut by the chart's edge or by the output area's right edge;
* an explorer's labels, slider readouts and dropdowns show all of their text.

``expected_axis_titles`` and ``expected_legends`` are pure functions of a spec, tested
without a browser in ``test_screen.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

LEGEND_CHANNELS = ("color", "fill", "stroke", "shape", "strokeDash", "opacity", "size")

# Text of each rendered chart in a root element, with the boxes needed to tell whether
# it is cut: the SVG's box and the box of the nearest ancestor that clips horizontally.
CHARTS_JS = r"""
(root) => Array.from(root.querySelectorAll('.vega-embed')).map((embed) => {
  const svg = embed.querySelector('svg.marks');
  const box = (el) => { const r = el.getBoundingClientRect();
                        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  let clip = null;
  for (let el = embed.parentElement; el && !el.classList.contains('jp-Notebook');
       el = el.parentElement) {
    const overflow = getComputedStyle(el).overflowX;
    if (overflow !== 'visible') { clip = box(el); break; }
  }
  const texts = svg ? Array.from(svg.querySelectorAll('text')).map((t) => {
    const group = t.closest('g[class*="role-"]');
    const role = group ? (group.getAttribute('class').match(/role-[\w-]+/) || [''])[0] : '';
    const legend = t.closest('g.role-legend');
    const legends = Array.from(svg.querySelectorAll('g.role-legend'));
    // A title on several lines (a list in the spec) is drawn as one <tspan> per line.
    const lines = Array.from(t.querySelectorAll('tspan')).map((s) => s.textContent);
    return {text: lines.length ? lines.join(' ') : t.textContent, role: role,
            legend: legend ? legends.indexOf(legend) : -1,
            box: box(t)};
  }) : [];
  const cell = embed.closest('.jp-Cell');
  return {spec: embed.vegaLiteSpec || embed.parentElement.vegaLiteSpec || null,
          svg: svg ? box(svg) : null, clip: clip, texts: texts,
          cell: cell ? Number(cell.getAttribute('data-windowed-list-index')) : -1};
})
"""

# Explorer controls whose text does not fit: labels, readouts, dropdowns, buttons.
CONTROLS_JS = r"""
(root) => {
  const found = [];
  const cellOf = (el) => { const c = el.closest('.jp-Cell');
                           return c ? Number(c.getAttribute('data-windowed-list-index')) : -1; };
  const cut = (el) => el.scrollWidth > el.clientWidth + 1;
  for (const el of root.querySelectorAll('.widget-label, .widget-readout, .widget-toggle-button')) {
    if (el.offsetParent === null || !el.textContent.trim()) continue;
    if (cut(el)) found.push({cell: cellOf(el), kind: el.className.split(' ')[0],
                             text: el.textContent.trim(), shown: el.clientWidth,
                             needed: el.scrollWidth});
  }
  const canvas = document.createElement('canvas').getContext('2d');
  for (const select of root.querySelectorAll('.widget-dropdown select')) {
    if (select.offsetParent === null || select.selectedIndex < 0) continue;
    const style = getComputedStyle(select);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = select.options[select.selectedIndex].text;
    // ipywidgets draws the arrow inside the right padding
    const room = select.clientWidth - parseFloat(style.paddingLeft)
      - parseFloat(style.paddingRight);
    const needed = canvas.measureText(text).width;
    if (needed > room + 1) found.push({cell: cellOf(select), kind: 'dropdown', text: text,
                                       shown: Math.round(room), needed: Math.round(needed)});
  }
  return found;
}
"""


def _units(spec: dict):
    """Unit specs (those with a mark) with the data rows each one draws."""
    datasets = spec.get("datasets", {})

    def rows_of(node, inherited):
        data = node.get("data")
        if isinstance(data, dict):
            if "name" in data:
                return datasets.get(data["name"], [])
            if "values" in data:
                return data["values"]
        return inherited

    def walk(node, rows):
        if not isinstance(node, dict):
            return
        rows = rows_of(node, rows)
        if "mark" in node:
            yield node, rows
        for key in ("layer", "hconcat", "vconcat", "concat"):
            for child in node.get(key, []):
                yield from walk(child, rows)
        if isinstance(node.get("spec"), dict):
            yield from walk(node["spec"], rows)

    yield from walk(spec, [])


def _title_text(title) -> str | None:
    if isinstance(title, str):
        return title
    if isinstance(title, list):
        return " ".join(str(t) for t in title)
    return None


def expected_axis_titles(spec: dict) -> set[str]:
    """Axis titles the spec names explicitly (x and y), as they should be drawn."""
    titles = set()
    for unit, _rows in _units(spec):
        for channel in ("x", "y"):
            definition = unit.get("encoding", {}).get(channel)
            if not isinstance(definition, dict) or definition.get("axis", {}) is None:
                continue
            title = definition.get("title", (definition.get("axis") or {}).get("title"))
            text = _title_text(title)
            if text:
                titles.add(text)
    return titles


def expected_legends(spec: dict) -> list[dict]:
    """Legends the spec asks for: channel, field, title and the entries they must list.

    A channel with ``legend: null`` or ``scale: null`` draws no legend; quantitative
    fields draw gradients or sized symbols, whose labels are numbers chosen by Vega, so
    only their presence is expected (``entries`` empty).
    """
    legends: dict[tuple[str, str], dict] = {}
    for unit, rows in _units(spec):
        for channel in LEGEND_CHANNELS:
            definition = unit.get("encoding", {}).get(channel)
            if not isinstance(definition, dict) or "field" not in definition:
                continue
            if definition.get("legend", {}) is None or definition.get("scale", {}) is None:
                continue
            field = str(definition["field"])
            entries: list[str] = []
            if definition.get("type") in ("nominal", "ordinal"):
                domain = (definition.get("scale") or {}).get("domain")
                values = domain if isinstance(domain, list) else list(dict.fromkeys(
                    row.get(field) for row in rows if row.get(field) is not None))
                entries = [_label(v) for v in values]
            key = (field, _title_text(definition.get("title")) or field)
            known = legends.setdefault(key, {"channels": [], "field": field,
                                             "title": _title_text(definition.get("title")),
                                             "entries": []})
            known["channels"].append(channel)
            known["entries"] = list(dict.fromkeys(known["entries"] + entries))
    return list(legends.values())


def _label(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def chart_problems(chart: dict) -> list[str]:
    """What a drawn chart (one item of :data:`CHARTS_JS`) gets wrong against its spec."""
    where = f"cell {chart['cell']}"
    spec = chart.get("spec")
    if not chart.get("svg"):
        return [f"{where}: the chart is not drawn as SVG (the course renderer draws SVG)"]
    if not spec:
        return [f"{where}: the drawn chart carries no spec (is the course renderer loaded?)"]
    name = _title_text((spec.get("title") or {}).get("text")
                       if isinstance(spec.get("title"), dict) else spec.get("title")) or "?"
    where = f"cell {chart['cell']}, chart {name!r}"
    texts = chart["texts"]
    problems = []
    drawn_titles = {t["text"] for t in texts if t["role"] == "role-axis-title"}
    for title in sorted(expected_axis_titles(spec)):
        if title not in drawn_titles:
            problems.append(f"{where}: axis title {title!r} not drawn whole "
                            f"(drawn: {sorted(drawn_titles)})")
    legend_texts: dict[int, list[str]] = {}
    for t in texts:
        if t["legend"] >= 0:
            legend_texts.setdefault(t["legend"], []).append(t["text"])
    for legend in expected_legends(spec):
        wanted = legend["entries"]
        title = legend["title"]
        matches = [labels for labels in legend_texts.values()
                   if set(wanted) <= set(labels) and (not title or title in labels)]
        if not matches:
            problems.append(f"{where}: no legend for {legend['field']!r} "
                            f"({'/'.join(legend['channels'])}) listing {wanted}"
                            + (f" under {title!r}" if title else "")
                            + f"; legends drawn: {list(legend_texts.values())}")
    svg, clip = chart["svg"], chart.get("clip")
    for t in texts:
        box, text = t["box"], t["text"]
        if not text.strip():
            continue
        if text.endswith("…"):
            problems.append(f"{where}: {t['role']} text cut short: {text!r}")
        outside = (box["left"] < svg["left"] - 1 or box["right"] > svg["right"] + 1
                   or box["top"] < svg["top"] - 1 or box["bottom"] > svg["bottom"] + 1)
        if outside:
            problems.append(f"{where}: {t['role']} text {text!r} runs past the chart's edge")
        elif clip and (box["right"] > clip["right"] + 1 or box["left"] < clip["left"] - 1):
            problems.append(f"{where}: {t['role']} text {text!r} runs past the right edge of "
                            "the output area (a student would have to scroll to read it)")
    return problems


def control_problems(found: list[dict]) -> list[str]:
    """Readable sentences for the items :data:`CONTROLS_JS` found cut."""
    return [f"cell {f['cell']}: {f['kind']} {f['text']!r} is cut ({f['shown']} px shown, "
            f"{f['needed']} px needed)" for f in found]


VERSION_WARNING = re.compile(r"(Vega|Vega-Lite).*version|version.*(Vega|Vega-Lite)", re.I)


def version_warnings(console: list[str]) -> list[str]:
    """Console messages that complain about Vega / Vega-Lite versions."""
    return [line for line in console if VERSION_WARNING.search(line)]


SCROLLER = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"


def screenshot_pages(page, folder: Path, prefix: str = "page") -> list[Path]:
    """Screenshots of the whole notebook, one viewport at a time, top to bottom."""
    scroller = page.locator(SCROLLER).first
    height = scroller.evaluate("el => el.clientHeight")
    total = scroller.evaluate("el => el.scrollHeight")
    paths, top, number = [], 0, 1
    while True:
        scroller.evaluate(f"el => {{ el.scrollTop = {top}; }}")
        page.wait_for_timeout(150)
        path = folder / f"{prefix}-{number:02d}.png"
        page.screenshot(path=str(path))
        paths.append(path)
        if top + height >= total or number >= 60:
            break
        top += height - 40
        number += 1
    scroller.evaluate("el => { el.scrollTop = 0; }")
    return paths
