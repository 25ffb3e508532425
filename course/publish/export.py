"""``course export``: turn a lesson or solution notebook into a self-contained handout.

A handout is one HTML file that opens with no network and no kernel, for students
who missed a session, for printing, and for readers who use a screen reader:

1. the notebook runs top to bottom in a fresh kernel (nbclient), unless it already
   has outputs and ``--no-execute`` is given;
2. every Vega-Lite chart becomes a static image rendered offline by vl-convert, with
   alt text built from its spec (:func:`course.charts.accessible.alt_text`), its
   description as caption, and a ``<details>`` "Data table" holding the rows it draws
   (:func:`course.charts.html.chart_html`);
3. every widget (which needs a running kernel) becomes a note giving the settings it
   had, its text (an explorer's verdict) and a static copy of the chart it showed;
4. formulas (``$...$``) become MathML, made offline, which browsers draw themselves;
   text marked ``<span class="screen-only">`` is hidden and ``<span class="print-only">``
   shown, and :func:`screen_only_phrases` names other sentences that need a screen;
5. nothing is loaded from elsewhere: no remote scripts, stylesheets, fonts or images
   (:func:`course.charts.html.loaded_urls` finds any, and the exporter removes or inlines
   them).

With ``--pdf`` each handout is also printed to PDF (A4) by a headless Chromium, when one
is installed; when none is, the command says so and still writes the HTML. The printed
version (:func:`for_print`) opens every data table, sets tables too wide for the page in a
smaller type, wraps code and keeps charts with their captions. With ``--presenter`` the
handout is the presenter's running order instead (:func:`course.publish.slides.presenter_cells`).

Examples
--------
Formulas print as MathML, so a handout needs no script to show them:

>>> tex_to_mathml(r"N = 1/\\sum_i s_i^2").startswith('<math xmlns="http://www.w3.org/1998/Math/MathML"')
True

A chart block (:func:`course.charts.html.chart_html`) fetches nothing from elsewhere:

>>> loaded_urls('<img alt="Two powers" src="data:image/png;base64,AAAA">')
[]
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from course.charts.html import FULL_TABLE_WHERE, chart_html, loaded_urls
from course.errors import CourseError, InputError

VEGALITE_MIME = re.compile(r"^application/vnd\.vegalite\.v\d+\+json$")
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

_HANDOUT_CSS = """
/* WCAG 2.1 AA contrast (4.5:1) for code on its #f5f5f5 background and for the prompts on
   white: JupyterLab's light theme draws numbers at 4.25:1, comments at 4.17:1, operators at
   4.4:1 and the In/Out prompts at 2.16:1 (test_handout_colours_meet_wcag_aa). */
:root {
  --jp-mirror-editor-number-color: #006e00;
  --jp-mirror-editor-comment-color: #2e6b6b;
  --jp-mirror-editor-operator-color: #8e1ad6;
  --jp-mirror-editor-meta-color: #8e1ad6;
  --jp-mirror-editor-atom-color: #3535d4;
  --jp-mirror-editor-error-color: #c00000;
  --jp-mirror-editor-bracket-color: #5c5c44;
  --jp-mirror-editor-quote-color: #006e00;
  --jp-cell-prompt-not-active-font-color: #616161;
  --jp-cell-prompt-not-active-opacity: 1;  /* #616161 at half opacity is #b0b0b0 */
  --jp-cell-inprompt-font-color: #616161;
  --jp-cell-outprompt-font-color: #616161;
}
.handout-chart { margin: 0.5em 0; break-inside: avoid; }
.handout-chart img { max-width: 100%; height: auto; }
.handout-chart figcaption { font-size: 0.95em; color: #333; margin-top: 0.3em; }
.handout-table { margin: 0.3em 0 1em 0; }
.handout-table table { border-collapse: collapse; font-size: 0.85em; }
.handout-table th, .handout-table td { border: 1px solid #bbb; padding: 2px 6px; }
.handout-table caption, .handout-table-print caption { text-align: left; font-weight: bold; }
.handout-table-print { display: none; }
.handout-table-print table { border-collapse: collapse; font-size: 8pt; min-width: 60%; }
.handout-table-print th, .handout-table-print td { border: 1px solid #bbb; padding: 1px 4px; }
.handout-table-where { font-size: 8pt; margin: 0.2em 0 0.8em 0; }
.handout-table-title { font-size: 8pt; font-weight: bold; margin: 0.4em 0 0.1em 0; }
.handout-widget { border-left: 4px solid #0072B2; padding: 0.3em 0.8em; margin: 0.5em 0; }
.handout-note { background: #eef5fb; padding: 0.4em 0.6em; }
.screen-only { display: none; }
math { font-size: 1.05em; }
.presenter-screen { border-top: 2px solid #0072B2; margin-top: 1.2em; padding-top: 0.2em; }
.presenter-screen h3 { margin: 0.2em 0; font-size: 1.1em; color: #0072B2; }
.presenter-notes { background: #fff6e0; border-left: 4px solid #E69F00; padding: 0.3em 0.8em; }
.presenter-summary table { border-collapse: collapse; }
.presenter-summary td, .presenter-summary th { border: 1px solid #bbb; padding: 2px 8px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  /* Paper has no scrollbars: wrap code and printed output, let wide tables shrink. */
  pre, .jp-InputArea-editor pre, .highlight pre, .jp-RenderedText pre {
    white-space: pre-wrap !important; overflow-wrap: anywhere; overflow: visible !important;
  }
  .jp-OutputArea-output, .jp-RenderedHTMLCommon, .jp-InputArea, .jp-Cell-outputArea {
    overflow: visible !important; max-height: none !important;
  }
  .jp-RenderedHTMLCommon table { font-size: 8pt; table-layout: auto; max-width: 100%; }
  .jp-RenderedHTMLCommon th { overflow-wrap: break-word; }  /* at underscores (<wbr>) */
  .jp-RenderedHTMLCommon td { overflow-wrap: break-word; }  /* numbers stay whole */
  thead { display: table-header-group; }
  tr, figure, .handout-chart img { break-inside: avoid; }
  .handout-chart img { max-height: 23cm; width: auto; }
  /* A heading stays with what follows, and code with the chart or table it makes. */
  h1, h2, h3, .jp-CodeCell > .jp-Cell-inputWrapper { break-after: avoid-page; }
  /* Data tables: the short version on paper (the whole one is in the HTML handout). */
  details.handout-table { display: none; }
  .handout-table-print { display: block; break-inside: avoid; }
  .jp-RenderedHTMLCommon .handout-table-print table { font-size: 8pt; }
  .jp-RenderedHTMLCommon .handout-table-print th,
  .jp-RenderedHTMLCommon .handout-table-print td {
    padding: 1px 4px !important; line-height: 1.25 !important;
  }
}
"""

# A template over nbconvert's "lab" template with every block that loads a remote
# resource (RequireJS, widget manager, MathJax, Mermaid) emptied.
_TEMPLATE = (
    "{%- extends 'lab/index.html.j2' -%}\n"
    "{%- block html_head_js -%}{%- endblock html_head_js -%}\n"
    "{% block jupyter_widgets %}{% endblock jupyter_widgets %}\n"
    "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}\n"
    "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
    "{%- block notebook_css -%}{{ super() }}<style type=\"text/css\">" + _HANDOUT_CSS
    + "</style>{%- endblock notebook_css -%}\n"
)


# ------------------------------------------------------------------ URL guard
_FETCH_TAG = re.compile(r"<(img|script|iframe|source|audio|video|embed|link)\b[^>]*>(?:</script>)?",
                        re.IGNORECASE)


def _strip_remote(page: str) -> str:
    """Replace remote images by a link with their alt text; drop other remote fetches."""

    def replace(match: re.Match) -> str:
        tag_text = match.group(0)
        urls = loaded_urls(tag_text)
        if not urls:
            return tag_text
        if match.group(1).lower() == "img":
            alt = re.search(r'alt="([^"]*)"', tag_text)
            label = alt.group(1) if alt and alt.group(1) else "image"
            return (f'<a href="{html.escape(urls[0], quote=True)}">[{label} — '
                    f"not included in this offline handout]</a>")
        return ""

    return _FETCH_TAG.sub(replace, page)


# ---------------------------------------------------------------- widget states
def _control_value(state: dict) -> str | None:
    if "_options_labels" in state and "index" in state:
        labels, index = state["_options_labels"], state["index"]
        if isinstance(index, list | tuple):
            return ", ".join(str(labels[i]) for i in index if i is not None)
        return str(labels[index]) if index is not None and index < len(labels) else "none"
    if "value" not in state:
        return None
    value = state["value"]
    if isinstance(value, list | tuple):
        return "–".join(str(v) for v in value) if len(value) == 2 else ", ".join(map(str, value))
    return str(value)


def _outputs_html(outputs: list[dict], image: str, counts: dict,
                  where: str = "") -> list[str]:
    parts = []
    for output in outputs:
        data = output.get("data") or {}
        vegalite = next((k for k in data if VEGALITE_MIME.match(k)), None)
        if vegalite:
            parts.append(chart_html(data[vegalite], image, where or FULL_TABLE_WHERE))
            counts["charts"] += 1
        elif "text/html" in data:
            parts.append(_join(data["text/html"]))
        elif "image/png" in data:
            alt = html.escape(_join(data.get("text/plain", "image")), quote=True)
            parts.append(f'<img src="data:image/png;base64,{_join(data["image/png"]).strip()}"'
                         f' alt="{alt}">')
        elif "text/plain" in data:
            parts.append(f"<pre>{html.escape(_join(data['text/plain']))}</pre>")
        elif output.get("output_type") == "stream":
            parts.append(f"<pre>{html.escape(_join(output.get('text', '')))}</pre>")
    return parts


def _join(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def widget_html(model_id: str, state: dict, image: str = "png",
                counts: dict | None = None, where: str = "") -> str:
    """Static stand-in for a widget: a note with its settings, its text and its charts.

    Parameters
    ----------
    model_id : str
        The id of the displayed (root) widget model.
    state : dict
        ``model_id -> {"model_name", "state"}`` as saved in the notebook's metadata.
    image : {"png", "svg"}
    counts : dict, optional
        Running totals (``charts``) updated in place.
    """
    counts = counts if counts is not None else {"charts": 0}
    settings: list[str] = []
    body: list[str] = []
    seen: set[str] = set()

    def visit(mid: str) -> None:
        if mid in seen or mid not in state:
            return
        seen.add(mid)
        model = state[mid]
        name = model.get("model_name", "")
        values = model.get("state", {})
        if "course-part" in (values.get("_dom_classes") or ()):
            return  # repeats what its control's slider holds (course.widgets.controls)
        for child in values.get("children", []) or []:
            visit(str(child).removeprefix("IPY_MODEL_"))
        if name == "OutputModel":
            body.extend(_outputs_html(values.get("outputs") or [], image, counts, where))
        elif name in ("HTMLModel", "HTMLMathModel"):
            if values.get("value"):
                body.append(f"<div>{values['value']}</div>")
        elif name == "LabelModel":
            if values.get("value"):
                body.append(f"<p>{html.escape(str(values['value']))}</p>")
        elif not name.endswith(("BoxModel", "LayoutModel", "StyleModel")):
            shown = _control_value(values)
            if shown is not None:
                label = str(values.get("description") or name.removesuffix("Model"))
                settings.append(f"{html.escape(label)} = {html.escape(shown)}")

    visit(model_id)
    if not seen:
        return ('<div class="handout-widget"><p class="handout-note"><strong>Interactive '
                "widget.</strong> It needs a running notebook: open this lesson in JupyterLab "
                "to use it.</p></div>")
    described = ("with the settings " + "; ".join(settings)) if settings else "as it was"
    note = ('<p class="handout-note"><strong>Interactive explorer (static copy).</strong> '
            f"This shows the explorer {described} when the notebook ran. Open the notebook "
            "in JupyterLab to change the settings and watch the chart and verdict change.</p>")
    return (f'<div class="handout-widget" role="group" aria-label="Explorer, static copy">'
            f"{note}{''.join(body)}</div>")


# ------------------------------------------------------------- notebook passes
@dataclass
class Handout:
    """What :func:`export_notebook` produced for one notebook."""

    source: Path
    html_path: Path
    charts: int = 0
    widgets: int = 0
    seconds: float = 0.0
    pdf_path: Path | None = None
    notes: list[str] = field(default_factory=list)


def read_notebook(path: Path):
    """Read a notebook, with a clear error for a missing or broken file."""
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such notebook")
    if path.suffix != ".ipynb":
        raise InputError(f"{path}: not a notebook (expected a .ipynb file)")
    try:
        return nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises JSON and validation errors of many kinds
        raise InputError(f"{path}: not a readable notebook ({error})") from None


def execute_notebook(nb, cwd: Path, timeout: int = 120, allow_errors: bool = False):
    """Run every cell in a fresh kernel, keeping widget state (nbclient)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    kernel = (nb.metadata.get("kernelspec") or {}).get("name") or "python3"
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, allow_errors=allow_errors,
                            store_widget_state=True, resources={"metadata": {"path": str(cwd)}})
    # The kernel's own log (start-up warnings, shutdown noise) goes to a file, shown
    # only if the kernel dies, so the progress lines stay readable.
    with tempfile.TemporaryFile(mode="w+", prefix="course-kernel-") as log:
        try:
            client.execute(stdout=log, stderr=log)
        except CellTimeoutError:
            raise InputError(f"a cell ran longer than {timeout} s; raise --timeout or fix "
                             "the notebook") from None
        except DeadKernelError as error:
            log.seek(0)
            lines = [line for line in log.read().strip().splitlines()
                     if "running over TCP without encryption" not in line]  # local, harmless
            tail = " | ".join(lines[-3:])
            raise InputError(f"the kernel died while running the notebook ({error}; "
                             f"kernel log: {tail or 'empty'})") from None
        except CellExecutionError as error:
            lines = str(error).strip().splitlines()
            summary = next((line for line in reversed(lines) if line.strip()), "unknown error")
            raise InputError(f"a cell raised an error ({summary}); fix the notebook, or pass "
                             "--allow-errors to export it anyway") from None
    return nb


def make_static(nb, image: str = "png", keep_notes: bool = False,
                where: str = FULL_TABLE_WHERE) -> dict:
    """Replace chart and widget outputs of an executed notebook by static HTML, in place.

    ``where`` names the whole data tables' place for the printed handout. Returns counts:
    ``{"charts": n, "widgets": m}``.
    """
    widget_meta = nb.metadata.pop("widgets", {}) or {}
    state = (widget_meta.get(WIDGET_STATE_MIME) or {}).get("state", {})
    counts = {"charts": 0, "widgets": 0}
    kept = []
    for cell in nb.cells:
        slide_type = (cell.metadata.get("slideshow") or {}).get("slide_type")
        if slide_type == "notes" and not keep_notes:
            continue
        kept.append(cell)
        if cell.cell_type == "markdown":
            # a remote image in markdown would be fetched: keep it as a link instead
            cell.source = re.sub(r"!\[([^\]]*)\]\(((?:https?:)?//[^)\s]+)[^)]*\)",
                                 r"[\1 (image not included offline)](\2)", cell.source)
            continue
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data")
            if not data:
                continue
            vegalite = next((k for k in data if VEGALITE_MIME.match(k)), None)
            if vegalite:
                output["data"] = {"text/html": chart_html(data[vegalite], image, where)}
                counts["charts"] += 1
            elif WIDGET_VIEW_MIME in data:
                model_id = data[WIDGET_VIEW_MIME].get("model_id", "")
                output["data"] = {"text/html": widget_html(model_id, state, image, counts,
                                                           where)}
                counts["widgets"] += 1
    nb.cells = kept
    return counts


# ----------------------------------------------------------------- formulas
def tex_to_mathml(tex: str, display: bool = False) -> str:
    r"""MathML for a TeX formula, made offline (browsers draw MathML themselves).

    A formula latex2mathml cannot read stays as its TeX source in ``<code>``.

    >>> tex_to_mathml(r"s_i^2").startswith('<math xmlns="http://www.w3.org/1998/Math/MathML"')
    True
    >>> print(tex_to_mathml(r"\frac{1}{"))
    <code class="tex">\frac{1}{</code>
    """
    from latex2mathml.converter import convert

    try:
        return convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds for TeX it cannot parse
        return f'<code class="tex">{html.escape(tex)}</code>'


def _handout_exporter():
    """nbconvert's HTML exporter, with formulas as MathML instead of TeX for MathJax."""
    from jinja2 import DictLoader, pass_context
    from nbconvert import HTMLExporter
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    class MathMLRenderer(IPythonRenderer):
        # nbconvert parses each HTML tag alone to embed images, which closes an opening
        # <span class="screen-only"> or <div class="presenter-notes"> at once: leave tags
        # without images as they are.
        def inline_html(self, html: str) -> str:
            return super().inline_html(html) if "<img" in html.lower() else html

        def block_html(self, html: str) -> str:
            return super().block_html(html) if "<img" in html.lower() else html

        def block_math(self, body: str) -> str:
            return tex_to_mathml(body, display=True)

        def inline_math(self, body: str) -> str:
            return tex_to_mathml(body)

        def latex_environment(self, name: str, body: str) -> str:
            return tex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)

    class HandoutExporter(HTMLExporter):
        @pass_context
        def markdown2html(self, context, source):
            cell = context.get("cell", {})
            renderer = MathMLRenderer(
                escape=False, attachments=cell.get("attachments", {}),
                embed_images=self.embed_images,
                path=context.get("resources", {}).get("metadata", {}).get("path", ""),
                anchor_link_text=self.anchor_link_text,
                exclude_anchor_links=self.exclude_anchor_links, **self.lexer_options)
            return MarkdownWithMath(renderer=renderer).render(source)

    return HandoutExporter(extra_loaders=[DictLoader({"handout.html.j2": _TEMPLATE})],
                           template_file="handout.html.j2", embed_images=True)


_HEADER_CELL = re.compile(r"(<th\b[^>]*>)([^<]*)(</th>)")


def notebook_html(nb, title: str) -> str:
    """HTML for a notebook whose outputs are already static; no remote resources."""
    nb.metadata["title"] = title
    page, _ = _handout_exporter().from_notebook_node(nb)
    page = _strip_remote(page)
    # Column names such as "leader_share" may wrap after an underscore on paper, not inside.
    page = _HEADER_CELL.sub(lambda m: m.group(1) + m.group(2).replace("_", "_<wbr>")
                            + m.group(3), page)
    remaining = loaded_urls(page)
    if remaining:  # pragma: no cover - a guard: every fetch above is removed or inlined
        raise CourseError(f"the handout would load {remaining[:3]}; report this as a bug")
    return page


_DATA_TABLE = re.compile(r'<details class="handout-table">.*?</details>', re.DOTALL)


class _CellText(HTMLParser):
    """Lengths of the text in each cell of each row of one HTML table."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[int]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(len(" ".join("".join(self._cell).split())))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.DOTALL)
#: Characters of table text that fit across an A4 page at 8 pt.
PRINT_TABLE_CHARS = 100


def _fit_table(match: re.Match) -> str:
    parser = _CellText()
    parser.feed(match.group(2))
    columns = max((len(row) for row in parser.rows), default=0)
    widths = [max((row[i] for row in parser.rows if i < len(row)), default=0)
              for i in range(columns)]
    needed = sum(widths) + 2 * columns  # a little room for padding
    if needed <= PRINT_TABLE_CHARS:
        return match.group(0)
    size = max(5.5, 8 * PRINT_TABLE_CHARS / needed)
    return f'<table{match.group(1)} style="font-size: {size:.1f}pt">{match.group(2)}</table>'


def for_print(page: str, tables: bool = True) -> str:
    """The handout as printed: wide tables in a smaller type (paper cannot scroll sideways).

    Data twins print short (:func:`course.charts.accessible.print_table_html`; the print
    style sheet swaps them for the whole tables); ``tables=False`` leaves them out, to
    measure what the text and charts alone take.

    >>> wide = "<table><tr>" + "<td>123456789</td>" * 12 + "</tr></table>"
    >>> for_print(wide)[:40]
    '<table style="font-size: 6.1pt"><tr><td>'
    >>> for_print('<p>a</p><div class="handout-table-print"><table></table></div>', tables=False)
    '<p>a</p>'
    """
    if not tables:
        page = _PRINT_TABLE.sub("", page)
    return _TABLE.sub(_fit_table, page)


_PRINT_TABLE = re.compile(r'<div class="handout-table-print">.*?</div>', re.DOTALL)


#: Words that only make sense on a screen; on paper, wrap them in <span class="screen-only">
#: and say what the reader can do instead in <span class="print-only">.
SCREEN_ONLY = re.compile(r"\bhover(?:ing)?\b|\btooltips?\b", re.IGNORECASE)
_SPAN = re.compile(r'<span class="screen-only">.*?</span>', re.DOTALL)


def screen_only_phrases(nb) -> list[str]:
    """Sentences in markdown cells (notes left out) that only make sense on a screen.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("Hover over the lines. Then decide."),
    ...     nbformat.v4.new_markdown_cell('<span class="screen-only">Hover here.</span>')])
    >>> screen_only_phrases(nb)
    ['cell 1: Hover over the lines.']
    """
    found = []
    for number, cell in enumerate(nb.cells, start=1):
        kind = (cell.metadata.get("slideshow") or {}).get("slide_type")
        if cell.cell_type != "markdown" or kind == "notes":
            continue
        text = _SPAN.sub("", cell.source)
        for match in SCREEN_ONLY.finditer(text):
            start = max(text.rfind(".", 0, match.start()), text.rfind("\n", 0, match.start()))
            end = text.find(".", match.end())
            sentence = text[start + 1:end + 1 if end >= 0 else None].strip()
            found.append(f"cell {number}: {' '.join(sentence.replace('*', '').split())}")
    return found


def _title(nb, path: Path) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            if match:
                return match.group(1).strip()
    return path.stem


# ---------------------------------------------------------------------- PDF
def find_chromium() -> str | None:
    """A Chromium or Chrome executable on PATH, or None."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html_path: Path, pdf_path: Path, browser: str | None = None,
              timeout: int = 120) -> Path:
    """Print a handout to PDF with headless Chromium (no network needed).

    Raises
    ------
    InputError
        If no Chromium is installed or printing fails; the message says what to do.
    """
    browser = browser or find_chromium()
    if not browser:
        raise InputError("no Chromium or Chrome found on PATH, so no PDF was made; open the "
                         "HTML handout in a browser and print it to PDF, or install chromium")
    with tempfile.TemporaryDirectory(prefix="course-pdf-") as profile:
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu",
                   "--no-first-run", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
                   f"--user-data-dir={profile}", f"--print-to-pdf={pdf_path}",
                   html_path.resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise InputError(f"Chromium took longer than {timeout} s to print {html_path}") \
                from None
    if not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise InputError(f"Chromium could not print {html_path} to PDF ({detail[0]})")
    return pdf_path


# ------------------------------------------------------------------ one file
def export_notebook(path: Path, out_dir: Path, *, execute: bool = True, pdf: bool = False,
                    timeout: int = 120, image: str = "png", allow_errors: bool = False,
                    keep_notes: bool = False, presenter: bool = False,
                    name: str | None = None) -> Handout:
    """Export one notebook to ``out_dir/<name>.html`` (and ``.pdf`` with ``pdf=True``).

    Parameters
    ----------
    path : Path
        A lesson or solution notebook.
    out_dir : Path
        Created if missing.
    execute : bool
        Run the notebook first (default). ``False`` uses the outputs saved in it.
    pdf : bool
        Also print a PDF with headless Chromium; if that is impossible the reason is
        recorded in ``Handout.notes`` and the HTML is still written.
    timeout : int
        Seconds allowed per cell.
    image : {"png", "svg"}
        Format of the static charts.
    allow_errors : bool
        Keep going when a cell raises (its error is shown in the handout).
    keep_notes : bool
        Include cells whose slide type is ``notes`` (instructor notes); left out by default.
    presenter : bool
        Write the presenter's handout instead (``<name>-presenter.html``): every screen of
        the deck with its clock and presenter notes (:func:`course.publish.slides.presenter_cells`).
    name : str, optional
        File name stem; defaults to the notebook's.
    """
    started = time.perf_counter()
    path = Path(path)
    nb = read_notebook(path)
    if execute:
        try:
            execute_notebook(nb, path.parent, timeout=timeout, allow_errors=allow_errors)
        except InputError as error:
            raise InputError(f"{path}: {error}") from None
    title = _title(nb, path)
    notes = [f"on paper, {phrase} (mark it <span class=\"screen-only\">)"
             for phrase in screen_only_phrases(nb)] if not presenter else []
    stem = (name or path.stem) + ("-presenter" if presenter else "")
    counts = make_static(nb, image=image, keep_notes=keep_notes or presenter,
                         where=f"the HTML version of this handout, {stem}.html")
    if presenter:
        import nbformat

        from course.publish import slides

        cells = list(nb.cells)  # all of them, notes included, with static outputs
        for cell in cells:  # the presenter needs the charts, not their data tables
            for output in cell.get("outputs", []):
                page = (output.get("data") or {}).get("text/html")
                if isinstance(page, str):
                    output["data"]["text/html"] = _DATA_TABLE.sub("", page)
        notes += [f"presenter notes: {problem}" for problem in
                  slides.notes_problems(cells) + slides.timing_problems(cells)
                  + slides.plan_problems(cells, nb.metadata)]
        nb.cells = [nbformat.from_dict({"id": f"presenter-{number}", **cell})
                    for number, cell in enumerate(slides.presenter_cells(cells, nb.metadata))]
        title += " — presenter's running order"
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / f"{stem}.html"
    page = notebook_html(nb, title)
    html_path.write_text(page, encoding="utf-8")
    handout = Handout(source=path, html_path=html_path, charts=counts["charts"],
                      widgets=counts["widgets"], notes=notes)
    if pdf:
        printable = out_dir / f".{stem}.print.html"  # data tables open: paper cannot click
        try:
            printable.write_text(for_print(page), encoding="utf-8")
            handout.pdf_path = print_pdf(printable, html_path.with_suffix(".pdf"))
        except InputError as error:
            handout.notes.append(f"PDF not made: {error}")
        finally:
            printable.unlink(missing_ok=True)
    handout.seconds = time.perf_counter() - started
    return handout
