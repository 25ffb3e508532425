"""axe-core in Chromium: the WCAG 2.1 A and AA rules on a page the course makes or shows.

Loaded by path from the browser tests (``--import-mode=importlib``). axe-core comes from
npm into ``.cache/npm`` (the ``axe-core`` need in tests/conftest.py says how; CI installs
it). :func:`audit` runs axe on the whole page and sorts what it finds:

* a violation in what the course controls — the lesson's text and outputs (charts,
  explorers, printed tables), the deck's blank screen, and every page the course writes
  itself (handouts, the class report, the speaker view) — is a problem: the tests expect
  none;
* a violation in JupyterLab's own interface must be one of :data:`UPSTREAM`, each with the
  upstream issue that tracks it; anything else is a problem too, until someone finds (or
  files) the upstream issue and lists it here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from course.paths import PROJECT_ROOT

AXE_JS = PROJECT_ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
#: What the course puts on a JupyterLab page: lesson text and every output (charts,
#: explorers, tables, messages), and the deck's blank screen.
COURSE_AREAS = ".jp-RenderedMarkdown, .jp-OutputArea-output, .course-deck-blank"


@dataclass(frozen=True)
class Upstream:
    """A violation in JupyterLab's own interface, and the issue that tracks it upstream."""

    rule: str  # axe rule id
    where: str  # CSS selector every reported node (or an ancestor) matches
    what: str
    issue: str


UPSTREAM = (
    Upstream("aria-allowed-attr", "jp-button",
             "toolbar buttons (<jp-button>) carry aria-pressed on a role that does not allow it",
             "https://github.com/jupyterlab/jupyterlab/issues/16891"),
    Upstream("aria-input-field-name", ".jp-InputArea-editor, .jp-CodeMirrorEditor",
             "cell editors (CodeMirror 6, role=textbox) have no accessible name; CodeMirror "
             "takes one through contentAttributes (codemirror/dev#1127), JupyterLab sets none",
             "https://github.com/jupyterlab/jupyterlab/issues/10347"),
    Upstream("aria-required-children", ".jp-WindowedPanel-viewport",
             "the notebook's cell list is role=feed without the article children the role "
             "requires", "https://github.com/jupyterlab/jupyterlab/issues/14765"),
    Upstream("button-name", ".jp-collapseHeadingButton",
             "the collapse button of a heading cell is an empty <button> (no issue of its own "
             "found; filed with the 4.1.2 Name, Role, Value report)",
             "https://github.com/jupyterlab/jupyterlab/issues/16890"),
)

RUN_JS = """
async ([tags, courseAreas, everywhere, upstream]) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => {
      let el = null;
      try { el = document.querySelector(n.target[0]); } catch (e) { el = null; }
      const known = upstream.filter(u => u.rule === v.id && el && el.closest(u.where))
        .map(u => u.issue);
      return {target: n.target.join(' '), html: n.html.slice(0, 160),
              course: everywhere || !!(el && el.closest(courseAreas)),
              upstream: known[0] || null};
    })
  }));
}
"""


@dataclass
class Audit:
    """What axe found on one page."""

    page: str
    problems: list[str]  # in what the course controls, or in JupyterLab but not listed
    upstream: dict[str, int]  # upstream issue -> nodes found that it tracks

    def summary(self) -> str:
        known = ", ".join(f"{count} × {issue}" for issue, count in sorted(self.upstream.items()))
        return (f"{self.page}: {len(self.problems)} violation(s) in what the course controls"
                + (f"; JupyterLab's own, tracked upstream: {known}" if known else ""))


def audit(page, name: str, everywhere: bool = False) -> Audit:
    """Run axe-core on ``page``; ``everywhere``: the course made the whole page."""
    if not AXE_JS.is_file():  # the tests that call this are marked needs("axe-core")
        raise FileNotFoundError(AXE_JS)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    upstream = [{"rule": u.rule, "where": u.where, "issue": u.issue} for u in UPSTREAM]
    found = page.evaluate(RUN_JS, [list(TAGS), COURSE_AREAS, everywhere, upstream])
    problems: list[str] = []
    tracked: dict[str, int] = {}
    for violation in found:
        for node in violation["nodes"]:
            where = f"{violation['id']} ({violation['impact']}: {violation['help']}) at " \
                    f"{node['target']}: {node['html']}"
            if node["course"]:
                problems.append(where)
            elif node["upstream"]:
                tracked[node["upstream"]] = tracked.get(node["upstream"], 0) + 1
            else:
                problems.append(f"JupyterLab's own, not listed in tests/browser/axe.py "
                                f"UPSTREAM (find or file the upstream issue): {where}")
    return Audit(name, problems, tracked)


def write_report(folder: Path, audits: list[Audit]) -> None:
    """Keep what axe found beside the screenshots (``axe-report.json``)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "axe-report.json").write_text(json.dumps(
        [{"page": a.page, "problems": a.problems, "upstream": a.upstream} for a in audits],
        indent=1))
