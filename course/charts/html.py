"""Charts in static HTML pages: one chart as an image with its words, and the offline check.

:func:`chart_html` turns a chart (Altair, or its Vega-Lite spec) into what a page that
cannot run JavaScript shows instead: the chart drawn offline by vl-convert (PNG or SVG,
inline), its alt text (:func:`course.charts.accessible.alt_text`), its title and
description as caption, and its data twins — whole for screen readers, short for paper.
Handouts (:mod:`course.publish.export`) and the class report
(:mod:`course.grading.book.report`) are built from it. :func:`loaded_urls` says what a
page would fetch from elsewhere; a page of the course must fetch nothing.

Examples
--------
>>> spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.20.1.json",
...         "title": "Two powers", "description": "Britain leads Germany.",
...         "mark": "bar", "data": {"values": [{"p": "UKG", "s": 0.3}, {"p": "GMY", "s": 0.2}]},
...         "encoding": {"x": {"field": "p", "type": "nominal"},
...                      "y": {"field": "s", "type": "quantitative"}}}
>>> block = chart_html(spec)
>>> 'alt="Two powers. Britain leads Germany.' in block and "<summary>Data table</summary>" in block
True
>>> loaded_urls(block)
[]
>>> loaded_urls('<script src="https://example.org/vega.js"></script><a href="https://x.org">ok</a>')
['https://example.org/vega.js']
"""

from __future__ import annotations

import base64
import html
import re
import struct
from html.parser import HTMLParser
from typing import Any

from course.charts.accessible import (
    alt_text,
    as_spec,
    data_table_html,
    print_table_html,
    title_text,
)
from course.errors import InputError

__all__ = ["DEFAULT_VL_VERSION", "FULL_TABLE_WHERE", "chart_html", "loaded_urls"]

#: Where a printed page says the whole data tables are (a handout names its HTML file).
FULL_TABLE_WHERE = "the HTML version of this handout"
#: The Vega-Lite version a spec that names none is drawn with.
DEFAULT_VL_VERSION = "5.20"


# ------------------------------------------------------------------ URL guard
class _URLFinder(HTMLParser):
    """Collects every URL a browser would fetch to display a page (not links)."""

    _FETCHED = {"script": ("src",), "img": ("src", "srcset"), "iframe": ("src",),
                "source": ("src", "srcset"), "audio": ("src",), "video": ("src", "poster"),
                "embed": ("src",), "object": ("data",), "input": ("src",), "track": ("src",),
                "image": ("href", "xlink:href"), "use": ("href", "xlink:href")}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and values.get("href"):
            self.urls.append(values["href"])
        for name in self._FETCHED.get(tag, ()):
            if values.get(name):
                if name == "srcset":
                    self.urls.extend(part.strip().split(" ")[0]
                                     for part in values[name].split(",") if part.strip())
                else:
                    self.urls.append(values[name])
        if values.get("style"):
            self.urls.extend(_css_urls(values["style"]))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls.extend(_css_urls(data))


def _css_urls(css: str) -> list[str]:
    urls = [m.strip("'\" ") for m in re.findall(r"url\(([^)]*)\)", css)]
    urls += re.findall(r"@import\s+['\"]([^'\"]+)['\"]", css)
    return urls


def loaded_urls(page: str) -> list[str]:
    """URLs that displaying ``page`` would fetch (scripts, styles, fonts, images, frames).

    Inline ``data:`` URIs and in-page ``#fragments`` are not fetches and are left out;
    everything else — remote or relative — is returned, because a handout must open on
    its own. Hyperlinks (``<a href>``) are not fetched and are not returned.
    """
    finder = _URLFinder()
    finder.feed(page)
    finder.close()
    return [u for u in finder.urls
            if u and not u.startswith("data:") and not u.startswith("#")]


# --------------------------------------------------------------- static charts
def _vl_version(spec: dict) -> str:
    match = re.search(r"/v(\d+)\.(\d+)", str(spec.get("$schema", "")))
    return f"{match.group(1)}.{match.group(2)}" if match else DEFAULT_VL_VERSION


def _render(spec: dict, image: str) -> tuple[str, int | None]:
    """(data URI, display width in px) of the chart, rendered offline."""
    import vl_convert as vlc

    versions = [_vl_version(spec), DEFAULT_VL_VERSION]
    last_error: Exception | None = None
    for version in dict.fromkeys(versions):
        try:
            if image == "svg":
                svg = vlc.vegalite_to_svg(spec, vl_version=version)
                width = re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg)
                encoded = base64.b64encode(svg.encode()).decode()
                return (f"data:image/svg+xml;base64,{encoded}",
                        round(float(width.group(1))) if width else None)
            png = vlc.vegalite_to_png(spec, scale=2, vl_version=version)
            is_png = png[:8] == b"\x89PNG\r\n\x1a\n"
            width = struct.unpack(">I", png[16:20])[0] // 2 if is_png else None
            return f"data:image/png;base64,{base64.b64encode(png).decode()}", width
        except Exception as error:  # vl-convert raises plain ValueError/RuntimeError
            last_error = error
    raise InputError(f"could not render the chart offline: {last_error}")


def chart_html(chart_or_spec: Any, image: str = "png", where: str = FULL_TABLE_WHERE) -> str:
    """Static, accessible HTML for one chart: image with alt text, caption, data twin.

    The data twin (:mod:`course.charts.accessible`) comes twice: whole, in a
    ``<details>`` "Data table" that a screen reader can open; and short (about half a page),
    for paper only, with a line saying what was left out and that the whole table is in
    ``where``.

    Parameters
    ----------
    chart_or_spec : altair chart or Vega-Lite dict
    image : {"png", "svg"}
        Inline PNG (2× resolution) or inline SVG, both as ``data:`` URIs.
    where : str
        Where a reader of the printed handout finds the whole table.

    Returns
    -------
    str
        A ``<figure>``, then ``<details><summary>Data table</summary>…`` and a
        ``<div class="handout-table-print">``.
    """
    if image not in ("png", "svg"):
        raise InputError(f"image must be 'png' or 'svg', got {image!r}")
    spec = as_spec(chart_or_spec)
    alt = alt_text(spec)
    description = str(spec.get("description") or "").strip()
    title = title_text(spec.get("title"))
    caption = " ".join(
        part for part in [f"<strong>{html.escape(_sentence(title))}</strong>" if title else "",
                          html.escape(description)] if part)
    if not description:
        caption += " <em>(This chart has no text description.)</em>"
    try:
        uri, width = _render(spec, image)
        picture = (f'<img src="{uri}" alt="{html.escape(alt, quote=True)}"'
                   + (f' width="{width}"' if width else "") + ">")
    except InputError as error:
        picture = f"<p><em>{html.escape(str(error))}</em> {html.escape(alt)}</p>"
    return (f'<figure class="handout-chart">{picture}<figcaption>{caption}</figcaption>'
            f"</figure>\n<details class=\"handout-table\"><summary>Data table</summary>"
            f"{data_table_html(spec, max_rows=None)}</details>"  # whole, for screen readers
            f'<div class="handout-table-print">{print_table_html(spec, where)}</div>')


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?" else text + "."
