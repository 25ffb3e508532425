"""The explorers' typed controls, used in real JupyterLab as a student would use them.

One notebook with the polarity explorer (lesson 01, ps1), the capability explorer
(lesson 03) and the ISAF explorer (lesson 05) is opened and run in Chromium, offline.
Then, through the page only (typing, pressing Enter, clicking):

* **Pole ≥**: "25%", "5%" and "0.25" each move the dashed threshold line on the chart
  to that share (its height is read against the axis labels) and change the verdict;
  "12.5%" stays 12.5% (the slider beside it does not round it); "lots" shows a message
  that says what to type, beside the last chart, dimmed;
* **Years**: typing a first and a last year redraws the chart for those years; a year
  past the data and a backwards range each show a message, the last chart dimmed beside it;
* **powers**: Britain's box is ticked, greyed and labelled "(always)"; a plain click on
  another power adds it and keeps the ones already ticked;
* **ISAF**: the explorer opens on a date that has Norway (lesson 05's Exercise 7.1).
* **Lesson 00**: a year that cannot be read ("19O0", a letter O) keeps the last chart,
  dimmed, beside the message; a readable year then draws the chart again, undimmed.

Every control's text is checked for cuts as in the lesson test; screenshots of each step
are kept in ``test-artifacts/``.
"""

from __future__ import annotations

import time

import pytest

from .conftest import load_sibling

pytestmark = [pytest.mark.browser]


lessons = load_sibling("test_lessons_in_jupyterlab.py")

CELLS = [
    "import course\ncourse.setup()",
    "from course.widgets.polarity import polarity_explorer\n"
    "polarity_explorer(measure='milex', years=(1990, 2016))",
    "from course.widgets.britain import capability_explorer\n"
    "capability_explorer(measure='cinc', powers=('UKG', 'GMY'))",
    "from course.widgets.burden import isaf_explorer\nisaf_explorer()",
    "from course.widgets.tour import tour_explorer\ntour_explorer()",
]

# Where the dashed threshold line of the first chart in a cell sits, against the y-axis
# labels of the same chart ("0%", "10%", ...): their centres, in page pixels.
RULE_AND_TICKS_JS = r"""
(cell) => {
  const svg = cell.querySelector('.vega-embed svg.marks');
  if (!svg) return null;
  // a rule mark of the data (axis ticks, grid and domain are rule marks too)
  const rule = svg.querySelector('g.mark-rule.role-mark line, g.mark-rule.role-mark path');
  const centre = (el) => { const r = el.getBoundingClientRect(); return (r.top + r.bottom) / 2; };
  const ticks = {};
  for (const group of svg.querySelectorAll('g.role-axis-label')) {
    for (const t of group.querySelectorAll('text')) {
      const label = t.textContent;
      if (/^\d+%$/.test(label) && !(label in ticks)) ticks[label] = centre(t);
    }
    if (Object.keys(ticks).length) break;
  }
  return {rule: rule ? centre(rule) : null, ticks: ticks,
          texts: Array.from(svg.querySelectorAll('text')).map((t) => t.textContent)};
}
"""


def _cell(notebook, index):
    return notebook.locator(f".jp-Cell[data-windowed-list-index='{index}']")


def _signature(cell):
    return cell.evaluate(lessons.CHART_SIGNATURE_JS)


def _wait_for(predicate, what: str, timeout_s: float = 20.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _verdict(cell) -> str:
    return cell.locator(".course-explorer > .widget-html").last.inner_text()


def _type(box, text: str) -> None:
    box.click()
    box.fill(text)
    box.press("Enter")


def _new_chart(cell, before):
    """Wait until the cell shows a fully drawn chart other than ``before``; return it."""
    def changed():
        now = _signature(cell)
        return now if now != before and lessons._drawn(now) else None
    return _wait_for(changed, "the explorer to redraw its chart")


def _kept_dimmed(cell) -> None:
    """The last chart is still drawn, dimmed, and the message says so."""
    output = cell.locator(".course-explorer-chart")
    assert output.locator(".vega-embed svg.marks").count() == 1, "the last chart vanished"
    _wait_for(lambda: float(output.locator(".jp-OutputArea-output").first.evaluate(
        "o => getComputedStyle(o).opacity")) < 0.5, "the kept chart to be dimmed")
    assert "dimmed chart is the last one" in _verdict(cell)


def _threshold_share(cell) -> float:
    """The share at which the dashed rule is drawn, read off the axis labels."""
    found = cell.evaluate(RULE_AND_TICKS_JS)
    assert found and found["rule"] is not None, "no dashed threshold line on the chart"
    ticks = sorted((int(label[:-1]) / 100, y) for label, y in found["ticks"].items())
    assert len(ticks) >= 2, f"cannot read the share axis: {found['ticks']}"
    (share_a, y_a), (share_b, y_b) = ticks[0], ticks[-1]
    return share_a + (found["rule"] - y_a) * (share_b - share_a) / (y_b - y_a)


def test_typed_controls_change_the_chart_and_the_verdict(jupyterlab, lab_page,
                                                         record_property):
    import nbformat

    page = lab_page
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    path = page.artifacts / "controls.ipynb"  # inside the served project root, git-ignored
    nbformat.write(nb, path)
    lessons._open_and_run_all(page, jupyterlab, path, len(CELLS), wait_for_chart=True)
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    for index in (1, 2, 3, 4):
        _cell(notebook, index).locator(".vega-embed svg.marks").first.wait_for(timeout=30_000)
    lessons.check_screen(page, notebook, record_property)

    # --- Pole ≥: typed shares move the line on the chart and the verdict ---------------
    polarity = _cell(notebook, 1)
    pole = polarity.locator(".course-percent input[type='text']")
    assert pole.input_value() == "10%"
    assert _threshold_share(polarity) == pytest.approx(0.10, abs=0.01)
    for typed, share, words in (("25%", 0.25, "25%"), ("5%", 0.05, "5%"),
                                ("0.25", 0.25, "25%"), ("12.5%", 0.125, "12.5%")):
        before = _signature(polarity)
        _type(pole, typed)  # each entry differs from the one before: the chart redraws
        _new_chart(polarity, before)
        _wait_for(lambda w=words: f"at least {w}" in _verdict(polarity),
                  f"the verdict to say 'at least {words}' after typing {typed!r}")
        drawn = _threshold_share(polarity)
        assert drawn == pytest.approx(share, abs=0.01), (
            f"typed {typed!r}: the dashed line is at {drawn:.3f}, not {share}")
        texts = polarity.evaluate(RULE_AND_TICKS_JS)["texts"]
        assert any(f"the pole threshold, {words}" in t for t in texts), texts
        polarity.screenshot(path=str(page.artifacts / f"pole-{typed.replace('%', 'pc')}.png"))
    time.sleep(1.0)  # the slider beside the box must not round 12.5% to 13% or 10%
    assert pole.input_value() == "12.5%" and "at least 12.5%" in _verdict(polarity)

    _type(pole, "lots")
    _wait_for(lambda: "is not a percentage" in _verdict(polarity), "the message for 'lots'")
    assert "type a percentage such as 25%, 25 or 0.25" in _verdict(polarity)
    _kept_dimmed(polarity)
    polarity.screenshot(path=str(page.artifacts / "pole-lots.png"))
    before = _signature(polarity)
    _type(pole, "20")
    _new_chart(polarity, before)
    assert "at least 20%" in _verdict(polarity)

    # --- Years: typed years redraw; impossible ranges are said -------------------------
    first = polarity.locator(".course-year-first input")
    last = polarity.locator(".course-year-last input")
    before = _signature(polarity)
    _type(first, "1900")
    _new_chart(polarity, before)
    before = _signature(polarity)
    _type(last, "1913")
    _new_chart(polarity, before)
    _wait_for(lambda: _verdict(polarity).startswith("By military spending, 1900–1913"),
              "the verdict for 1900–1913")
    assert any("1900–1913" in t for t in polarity.evaluate(RULE_AND_TICKS_JS)["texts"])
    _type(last, "2020")
    _wait_for(lambda: "2020 is after 2018, the last year with data" in _verdict(polarity),
              "the message for 2020")
    _type(last, "1890")
    _wait_for(lambda: "the first year (1900) is after the last (1890)" in _verdict(polarity),
              "the message for a backwards range")
    _kept_dimmed(polarity)
    polarity.screenshot(path=str(page.artifacts / "years-backwards.png"))
    before = _signature(polarity)
    _type(first, "1880")
    _new_chart(polarity, before)
    assert _verdict(polarity).startswith("By military spending, 1880–1890")

    # --- powers: tick boxes, Britain always in ------------------------------------------
    britain = _cell(notebook, 2)
    boxes = britain.locator(".course-checklist .widget-checkbox")
    labels = [text.strip() for text in boxes.all_inner_texts()]
    assert labels[0] == "Britain (always)", labels
    assert britain.locator(".course-checklist input[type='checkbox']").first.is_disabled()
    before = _signature(britain)
    britain.get_by_role("checkbox", name="France", exact=True).click()
    _new_chart(britain, before)
    legend = britain.evaluate(RULE_AND_TICKS_JS)["texts"]
    for name in ("Britain", "Germany", "France"):  # a plain click kept Germany
        assert name in legend, f"{name} missing from the chart after ticking France: {legend}"
    assert "France" in _verdict(britain)
    britain.screenshot(path=str(page.artifacts / "powers-france-added.png"))

    # --- ISAF: the default date has Norway -------------------------------------------------
    isaf = _cell(notebook, 3)
    shown = isaf.locator(".widget-dropdown select").first
    date = shown.evaluate("s => s.options[s.selectedIndex].text").replace("\xa0", " ")
    assert date.startswith("1 October 2009"), date  # ipywidgets writes spaces as &nbsp;
    assert "Norway" in isaf.evaluate(RULE_AND_TICKS_JS)["texts"]

    # --- Lesson 00: a year that cannot be read keeps the last chart, dimmed ---------------
    tour = _cell(notebook, 4)
    first_year = tour.locator(".course-year-first input")
    before = _signature(tour)
    _type(first_year, "19O0")  # a letter O for a zero
    _wait_for(lambda: "19O0" in _verdict(tour), "the message for '19O0'")
    _kept_dimmed(tour)
    assert _signature(tour) == before, "the kept chart is not the last one drawn"
    tour.screenshot(path=str(page.artifacts / "tour-unreadable-year.png"))
    _type(first_year, "1950")
    _new_chart(tour, before)
    _wait_for(lambda: _verdict(tour).startswith("By CINC") and "1950" in _verdict(tour),
              "the verdict for 1950")
    opacity = tour.locator(".course-explorer-chart .jp-OutputArea-output").first.evaluate(
        "o => getComputedStyle(o).opacity")
    assert float(opacity) == 1.0, f"the new chart is still dimmed (opacity {opacity})"

    lessons.check_screen(page, notebook, record_property)
    assert not page.record.blocked, f"requests beyond loopback: {page.record.blocked}"
