"""Explorers as a student sees them on a 1366x768 laptop, in JupyterLab in Chromium, offline.

* **Polarity (lessons 01, 06, ps1)**: with the explorer scrolled to the top of the notebook,
  its colour legend is on screen, beside the shares panel it explains, and that panel is
  drawn at least 180 px high (it was about 100, its lines piled under 10%).
* **NATO (lessons 04, 05), COW measure**: every year on the axis is its own label, clear of
  the next (no "20002001").
* **ISAF (lesson 05)**: with "troops (absolute)" the axis labels stay apart (no "90,000"
  against "100,000"), the verdict counts whole soldiers (no "90,000.0"), and ticking "add
  US forces outside ISAF" on a date a source states them changes the title: it no longer
  says "ISAF troops".

Label boxes are measured where Chromium draws them. Screenshots are kept in
``test-artifacts/``.
"""

from __future__ import annotations

import time

import pytest

from .conftest import load_sibling

pytestmark = [pytest.mark.browser]


lessons = load_sibling("test_lessons_in_jupyterlab.py")

CELLS = [
    "import course\ncourse.setup()",
    "from course.widgets.polarity import polarity_explorer\npolarity_explorer()",
    "from course.widgets.burden import nato_explorer\n"
    "nato_explorer(measure='US share of allied spending (COW, current US$)', years=(2000, 2024))",
    "from course.widgets.burden import isaf_explorer\nisaf_explorer()",
]

# The x axis's labels of each chart in a cell, left to right: text and box (page pixels).
X_LABELS_JS = r"""
(cell) => Array.from(cell.querySelectorAll('.vega-embed svg.marks g.role-axis-label'))
  .map((group) => Array.from(group.querySelectorAll('text'))
    .filter((t) => t.textContent && getComputedStyle(t).opacity !== '0'
                   && t.getAttribute('opacity') !== '0')
    .map((t) => { const r = t.getBoundingClientRect();
                  return {text: t.textContent, left: r.left, right: r.right, top: r.top}; }))
  .filter((labels) => labels.length > 1
          && new Set(labels.map((l) => Math.round(l.top))).size === 1)
"""

# Where the polarity chart's legend and its shares panel are drawn (page pixels).
POLARITY_JS = r"""
(cell) => {
  const svg = cell.querySelector('.vega-embed svg.marks');
  const legend = svg.querySelector('g.role-legend');
  const plots = Array.from(svg.querySelectorAll('g.role-scope > g > path.background'))
    .map((p) => p.getBoundingClientRect()).filter((r) => r.height > 20)
    .sort((a, b) => a.top - b.top);
  const box = (r) => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                       height: r.height});
  return {legend: legend ? box(legend.getBoundingClientRect()) : null,
          panels: plots.map(box), viewport: [innerWidth, innerHeight]};
}
"""


def _cell(notebook, index):
    return notebook.locator(f".jp-Cell[data-windowed-list-index='{index}']")


def _touching(axes) -> list[str]:
    problems = []
    for labels in axes:
        texts = [label["text"] for label in labels]
        if len(set(texts)) != len(texts):
            problems.append(f"a label repeats: {texts}")
        for a, b in zip(labels, labels[1:], strict=False):
            if b["left"] - a["right"] < 2:
                problems.append(f"{a['text']!r} and {b['text']!r} touch "
                                f"({b['left'] - a['right']:.1f} px apart)")
    return problems


def _title(cell) -> str:
    return cell.evaluate(
        "c => { const t = c.querySelector('.vega-embed svg.marks .role-title-text text');"
        " return t ? t.textContent : ''; }")


def _wait_for(predicate, what: str, timeout_s: float = 30.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_explorers_read_well_on_a_laptop_screen(jupyterlab, lab_page):
    import nbformat

    page = lab_page
    page.set_viewport_size({"width": 1366, "height": 768})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    path = page.artifacts / "layout.ipynb"  # inside the served project root, git-ignored
    nbformat.write(nb, path)
    lessons._open_and_run_all(page, jupyterlab, path, len(CELLS), wait_for_chart=True)
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    for index in (1, 2, 3):
        _cell(notebook, index).locator(".vega-embed svg.marks").first.wait_for(timeout=30_000)

    # --- Polarity: the legend in view beside a tall shares panel ----------------------------
    polarity = _cell(notebook, 1)
    polarity.evaluate("c => c.scrollIntoView({block: 'start'})")
    time.sleep(0.5)
    page.screenshot(path=str(page.artifacts / "polarity-1366x768.png"))
    drawn = polarity.evaluate(POLARITY_JS)
    legend, panels, (_, height) = drawn["legend"], drawn["panels"], drawn["viewport"]
    assert legend, "the polarity chart draws no legend"
    assert legend["bottom"] <= height, (
        f"the legend ends at {legend['bottom']:.0f} px, below a {height}-px window")
    shares = panels[0]
    assert shares["height"] >= 180, f"the shares panel is {shares['height']:.0f} px high"
    assert legend["left"] >= shares["right"] and legend["top"] < shares["bottom"], (
        f"the legend {legend} is not beside the shares panel {shares}")

    # --- NATO, COW measure: each year its own label ------------------------------------------
    nato = _cell(notebook, 2)
    nato.scroll_into_view_if_needed()
    nato.screenshot(path=str(page.artifacts / "nato-cow.png"))
    axes = nato.evaluate(X_LABELS_JS)
    years = [labels for labels in axes if labels[0]["text"].isdigit()]
    assert years and years[0][0]["text"] == "2000", axes
    assert not _touching(axes), _touching(axes)

    # --- ISAF: troops (absolute), whole soldiers, labels apart; US forces outside ISAF --------
    isaf = _cell(notebook, 3)
    isaf.scroll_into_view_if_needed()
    selects = isaf.locator(".widget-dropdown select")
    date, basis = selects.nth(0), selects.nth(1)
    verdict = isaf.locator(".course-explorer-verdict")
    before = isaf.evaluate(lessons.CHART_SIGNATURE_JS)
    basis.select_option(label="troops (absolute)")
    _wait_for(lambda: "by troops (absolute)" in verdict.inner_text()
              and isaf.evaluate(lessons.CHART_SIGNATURE_JS) != before, "absolute troops")
    for index in range(date.locator("option").count()):
        if date.evaluate("s => s.selectedIndex") != index:
            before = isaf.evaluate(lessons.CHART_SIGNATURE_JS)
            date.select_option(index=index)
            _wait_for(lambda b=before: isaf.evaluate(lessons.CHART_SIGNATURE_JS) != b,
                      f"the chart for date {index + 1}")
            time.sleep(0.3)
        axes = isaf.evaluate(X_LABELS_JS)
        assert not _touching(axes), f"date {index + 1}: {_touching(axes)}"
        assert ".0)" not in verdict.inner_text(), verdict.inner_text()
    isaf.screenshot(path=str(page.artifacts / "isaf-absolute.png"))
    date.select_option(index=0)  # 3 June 2008: its source states US forces outside ISAF
    _wait_for(lambda: "3 June 2008" in _title(isaf), "the chart for 3 June 2008")
    assert _title(isaf).startswith("Afghanistan: ISAF troops")
    before = isaf.evaluate(lessons.CHART_SIGNATURE_JS)
    isaf.get_by_role("checkbox", name="add US forces outside ISAF").click()
    _wait_for(lambda: isaf.evaluate(lessons.CHART_SIGNATURE_JS) != before,
              "the chart with US forces outside ISAF")
    _wait_for(lambda: _title(isaf).startswith("Afghanistan: troops"),
              f"a title that no longer says 'ISAF troops' (it says {_title(isaf)!r})")
    texts = isaf.evaluate("c => Array.from(c.querySelectorAll('.vega-embed svg.marks text'))"
                          ".map(t => t.textContent)")
    assert any("outside ISAF" in text for text in texts), texts
    isaf.screenshot(path=str(page.artifacts / "isaf-outside.png"))
    assert not page.record.blocked, f"requests beyond loopback: {page.record.blocked}"
