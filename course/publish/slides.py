"""A lesson as the deck presents it: screens, presenter notes and timings (pure functions).

The course presents lessons with jupyterlab-slideshow 0.3.4 plus the course's own deck
extension (``jupyter/labextensions/alliances-course-deck``). Cell conventions, read from the
notebook alone:

* ``slideshow.slide_type``: ``slide`` starts a new slide, ``subslide`` a new screen within
  it, ``fragment`` adds to the current screen on the next key press; a cell with **no**
  slide type continues the current screen (never ``"-"``, which the deck hides).
* ``skip``: for the notebook only; the deck never shows the cell. On markdown: self-study
  prose, "Your verdict" boxes, the reading list. On a code cell: output that is notebook
  material, such as a table too long for any slide (the cell still runs: the deck extension
  runs the whole notebook before presenting). The explorer is never ``skip``.
* ``notes`` on a markdown cell: presenter notes for the screen before it, never shown to the
  room. The first line names the time the screen takes::

      **Presenter notes · 3 min teaching + 5 min exercise.** Demo: ...

  (``N min teaching``, ``N min exercise`` or both). ``course export --presenter`` prints
  every screen with its notes and a running clock.
* the cell tag ``plumbing`` on a code cell: the deck shows no code for it (its output, a
  chart say, still shows; with no output it takes no room); the notebook shows it as usual.
  The deck extension runs the whole notebook when a deck starts on one that has not run, so
  plumbing cells have always run before their slide is shown.

The **50-minute plan** of a lesson is data in its metadata, ``course.fifty_minute_plan``:
rows ``{"what": ..., "screens": [...]}`` whose screens are named by the id of the cell that
starts them (taught for their notes' minutes, or ``{"cell": id, "minutes": [t, e],
"short": "how"}`` for fewer), and rows ``{"what": ..., "minutes": [t, e]}`` of time with no
screen. :func:`plan_problems` checks it against the notes, :func:`plan_table` prints it
(INSTRUCTORS.md), and the running order (:func:`presenter_cells`) and the deck's speaker
view run on its clock. Presenter notes and the plan are the instructors': the student
edition leaves both out (:mod:`course.publish.release`), and the course's JupyterLab never shows a
notes cell.

Timings add up when the notes of each section — the screens from one ``## N. ...`` heading
to the next; the title screens count with the first section, and the screens of a
``## Key points`` slide with the table's "Key points" row — sum to that section's row of the
lesson's timings table, and the rows to its total.

Examples
--------
>>> cells = [
...     {"cell_type": "markdown", "metadata": {}, "source": "# 99 · Title"},
...     {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "notes"}},
...      "source": "**Presenter notes · 2 min teaching.** Welcome."},
...     {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "slide"}},
...      "source": "## 1. Data"},
...     {"cell_type": "code", "metadata": {"tags": ["plumbing"]}, "source": "x = 1"},
...     {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "fragment"}},
...      "source": "**Exercise 1.1**"},
...     {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "notes"}},
...      "source": "**Presenter notes · 1 min teaching + 4 min exercise.** Expect 3."},
... ]
>>> [(s.number, s.kind, s.shown) for s in screens(cells)]
[(1, 'slide', [0]), (2, 'slide', [2, 3]), (3, 'fragment', [2, 3, 4])]
>>> [(tuple(s.minutes), s.notes) for s in screens(cells)]
[((2, 0), [1]), ((0, 0), []), ((1, 4), [5])]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from course.errors import InputError

#: The slide types jupyterlab-slideshow 0.3.4 understands (None: continue the screen).
SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes", None)
PLUMBING = "plumbing"
EXPLORER = "explorer"
NOTES_HEAD = re.compile(r"^\*\*Presenter notes\b[^*\n]*\*\*")
NOTES_MINUTES = re.compile(r"(\d+)\s*min\s+(teaching|exercises?)\b")
SECTION = re.compile(r"^##\s+(?:(\d+)\.\s|(key points)\b)", re.I)
TIMINGS_ROW = re.compile(r"^\|\s*\**\s*(?:(\d+)\.|(key points))[^|]*\|\s*\**(\d+)\**\s*\|"
                         r"\s*\**(\d+)\**\s*\|", re.I)
KEY_POINTS = "key points"
TIMINGS_TOTAL = re.compile(r"^\|\s*\**total\**\s*\|\s*\**(\d+)\**\s*\|\s*\**(\d+)\**\s*\|", re.I)


class Minutes(NamedTuple):
    """Minutes of teaching and of exercises (students working)."""

    teaching: int = 0
    exercise: int = 0

    def __add__(self, other):  # type: ignore[override]
        return Minutes(self.teaching + other[0], self.exercise + other[1])

    @property
    def total(self) -> int:
        return self.teaching + self.exercise


@dataclass
class Screen:
    """One step of the deck: what the room sees after one press of the clicker."""

    number: int  # 1-based position in the deck
    slide: int  # 1-based number of the slide (subslides and fragments share it)
    kind: str  # "slide", "subslide" or "fragment"
    cells: list[int]  # cells that appear at this step
    shown: list[int]  # every cell on screen at this step
    section: int | str | None  # "## N." section number, KEY_POINTS, or None before the first
    notes: list[int] = field(default_factory=list)  # notes cells for this screen
    minutes: Minutes = Minutes()


def source(cell: dict) -> str:
    """A cell's source as one string (notebooks store either a string or a list of lines)."""
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else str(text)


def slide_type(cell: dict) -> str | None:
    return (cell.get("metadata", {}).get("slideshow") or {}).get("slide_type")


def tags(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


def note_minutes(text: str) -> Minutes:
    """The time a notes cell gives its screen, from its first line.

    >>> note_minutes("**Presenter notes · 3 min teaching + 5 min exercise.** Go.")
    Minutes(teaching=3, exercise=5)
    >>> note_minutes("Some notes")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    course.errors.InputError: a notes cell must start with '**Presenter notes · N min ...
    """
    first = text.strip().splitlines()[0] if text.strip() else ""
    head = NOTES_HEAD.match(first)
    found = NOTES_MINUTES.findall(head.group(0)) if head else []
    if not found:
        raise InputError("a notes cell must start with '**Presenter notes · N min teaching.**' "
                         f"(or '... N min exercise', or both); it starts with {first[:60]!r}")
    minutes = Minutes()
    for number, kind in found:
        minutes += (int(number), 0) if kind == "teaching" else (0, int(number))
    return minutes


def screens(cells: list[dict]) -> list[Screen]:
    """The deck's screens in order, as the course's deck steps through them.

    A cell with no slide type joins the screen before it (no key press of its own); ``skip``
    cells are left out; ``notes`` cells attach to the screen before them.
    """
    result: list[Screen] = []
    section: int | str | None = None
    slide = 0
    for index, cell in enumerate(cells):
        kind = slide_type(cell)
        if kind not in SLIDE_TYPES:
            raise InputError(f"cell {index + 1}: slide type {kind!r} is not one the deck shows "
                             "(use slide, subslide, fragment, skip, notes or none)")
        if index == 0 and kind in (None, "subslide"):
            kind = "slide"  # the deck always opens a slide at the first cell
        if kind == "skip":
            continue
        if kind == "notes":
            if not result:
                raise InputError(f"cell {index + 1}: a notes cell needs a screen before it")
            result[-1].notes.append(index)
            result[-1].minutes += note_minutes(source(cell))
            continue
        match = SECTION.match(source(cell)) if cell.get("cell_type") == "markdown" else None
        if match and kind in ("slide", "subslide"):
            section = int(match.group(1)) if match.group(1) else KEY_POINTS
        if kind in ("slide", "subslide"):
            slide += kind == "slide"
            result.append(Screen(len(result) + 1, slide, kind, [index], [index], section))
        elif kind == "fragment":
            shown = result[-1].shown if result else []
            result.append(Screen(len(result) + 1, slide, kind, [index], [*shown, index], section))
        else:  # continues the current screen
            result[-1].cells.append(index)
            result[-1].shown.append(index)
    return result


def timings_table(header: str) -> tuple[dict[int | str, Minutes], Minutes | None]:
    """Rows ``| N. section | teaching | exercises |`` (and ``| Key points | ...``) and the
    ``total`` row of a lesson's header.

    >>> rows, total = timings_table("| 1. A | 5 | 0 |\\n| 2. B | 3 | 4 |\\n| Key points | 2 | 0 |"
    ...                             "\\n| **total** | **10** | **4** |")
    >>> {key: tuple(minutes) for key, minutes in rows.items()}, tuple(total)
    ({1: (5, 0), 2: (3, 4), 'key points': (2, 0)}, (10, 4))
    """
    rows: dict[int | str, Minutes] = {}
    total = None
    for line in header.splitlines():
        row = TIMINGS_ROW.match(line.strip())
        if row:
            key = int(row.group(1)) if row.group(1) else KEY_POINTS
            rows[key] = Minutes(int(row.group(3)), int(row.group(4)))
        found = TIMINGS_TOTAL.match(line.strip())
        if found:
            total = Minutes(int(found.group(1)), int(found.group(2)))
    return rows, total


def header_text(cells: list[dict]) -> str:
    """The lesson's header: its markdown cells before the first code cell."""
    text = []
    for cell in cells:
        if cell.get("cell_type") == "code":
            break
        if cell.get("cell_type") == "markdown" and slide_type(cell) != "notes":
            text.append(source(cell))
    return "\n\n".join(text)


def section_minutes(cells: list[dict]) -> dict[int | str, Minutes]:
    """Minutes from the presenter notes, per ``## N.`` section (and ``## Key points``).

    Screens before the first section count with the first.
    """
    found = screens(cells)
    named = [s.section for s in found if s.section is not None]
    if not named:
        return {}
    totals: dict[int | str, Minutes] = {}
    for screen in found:
        section = named[0] if screen.section is None else screen.section
        totals[section] = totals.get(section, Minutes()) + screen.minutes
    return totals


def _order(key: int | str) -> tuple[int, int]:
    return (1, 0) if key == KEY_POINTS else (0, int(key))


def timing_problems(cells: list[dict]) -> list[str]:
    """How the notes' minutes disagree with the lesson's timings table (empty: they agree)."""
    rows, total = timings_table(header_text(cells))
    problems = []
    if not rows:
        return ["the header has no timings table with rows '| N. section | teaching | "
                "exercises |'"]
    try:
        notes = section_minutes(cells)
    except InputError as error:
        return [str(error)]
    for number in sorted(set(rows) | set(notes), key=_order):
        table, noted = rows.get(number, Minutes()), notes.get(number, Minutes())
        if table != noted:
            problems.append(f"section {number}: the timings table says {table.teaching} + "
                            f"{table.exercise} min, the presenter notes add up to "
                            f"{noted.teaching} + {noted.exercise} min")
    summed = sum(rows.values(), Minutes())
    if total is not None and total != summed:
        problems.append(f"the table's total row says {total.teaching} + {total.exercise} min, "
                        f"its rows add up to {summed.teaching} + {summed.exercise} min")
    return problems


def notes_problems(cells: list[dict]) -> list[str]:
    """Screens without presenter notes, and notes cells in the wrong format."""
    problems = []
    for index, cell in enumerate(cells):
        if slide_type(cell) == "notes":
            if cell.get("cell_type") != "markdown":
                problems.append(f"cell {index + 1}: a notes cell must be markdown")
            try:
                note_minutes(source(cell))
            except InputError as error:
                problems.append(f"cell {index + 1}: {error}")
    if problems:
        return problems
    found = screens(cells)
    for position, screen in enumerate(found):
        if screen.kind == "fragment":
            continue
        if not any(step.notes for step in _with_fragments(found, position)):
            problems.append(f"screen {screen.number} (cell {screen.cells[0] + 1}, a "
                            f"{screen.kind}) has no presenter notes")
    return problems


def plumbing_problems(cells: list[dict]) -> list[str]:
    """Cells whose tags or slide types break the presenting conventions."""
    problems = []
    for index, cell in enumerate(cells):
        kind, cell_tags = slide_type(cell), tags(cell)
        if PLUMBING in cell_tags and cell.get("cell_type") != "code":
            problems.append(f"cell {index + 1}: only code cells can be tagged '{PLUMBING}'")
        if kind == "skip" and cell.get("cell_type") == "code" and EXPLORER in cell_tags:
            problems.append(f"cell {index + 1}: the explorer must not be 'skip' (it would "
                            f"never reach the slides); tag it '{PLUMBING}' to hide its code "
                            "on the slides")
    return problems


def as_cells(notebook: Any) -> list[dict]:
    """The cells of a notebook given as a dict, an nbformat node or a list of cells."""
    if isinstance(notebook, list):
        return notebook
    return list(notebook["cells"])


def presenter_cells(cells: list[dict], metadata: dict | None = None) -> list[dict]:
    """The lesson in the presenter's running order, as notebook cells.

    A summary first (the 50-minute plan, each section's minutes in the whole lesson, and
    anything that does not add up); then, for every screen, a heading with its number and
    its time on the 50-minute plan's clock ("plan min 5–8"), or "not in the 50-minute plan",
    the cells that appear on it (plumbing code left out, as on the slides) and its
    presenter notes. Cells the slides never show (``skip``) are left out. ``metadata`` is
    the notebook's (it holds the plan: :func:`plan_rows`). ``course export --presenter``
    renders the result.

    >>> cells = [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": "# 99 · T"},
    ...          {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "notes"}},
    ...           "source": "**Presenter notes · 2 min teaching.** Welcome."}]
    >>> meta = {"course": {"fifty_minute_plan": [{"what": "title", "screens": ["t"]},
    ...                                            {"what": "questions", "minutes": [0, 48]}]}}
    >>> running = presenter_cells(cells, meta)
    >>> print(running[1]["source"])
    <div class="presenter-screen"><h3>Screen 1 · slide 1 · plan min 0–2 (2 min teaching)</h3></div>
    >>> [c["source"].split(">")[0] for c in running[2:]]
    ['# 99 · T', '<div class="presenter-notes"']
    """
    metadata = metadata or {}
    found = screens(cells)
    out = [_summary_cell(cells, found, metadata)]
    try:
        clock = plan_clock(cells, metadata)
    except InputError:
        clock = {}  # the summary names the problem
    for position, screen in enumerate(found):
        where = f"slide {screen.slide}" + ("" if screen.kind == "slide" else f", {screen.kind}")
        step = clock.get(screen.number)
        if step is not None:
            timing = f"plan min {step.start}–{step.start + step.minutes.total}"
            parts = _minute_words(step.minutes)
            timing += f" ({' + '.join(parts)})" if parts else ""
            if step.short:
                timing += f" — shortened: {step.short}"
        else:
            parts = _minute_words(screen.minutes)
            timing = "not in the 50-minute plan" + (
                f" (the whole lesson gives it {' + '.join(parts)})" if parts else "")
        out.append(_markdown(f'<div class="presenter-screen"><h3>Screen {screen.number} · '
                             f"{where} · {html_escape(timing)}</h3></div>"))
        for index in screen.cells:
            cell = dict(cells[index])
            cell["metadata"] = dict(cell.get("metadata", {}))
            if PLUMBING in tags(cell):
                cell["metadata"]["transient"] = {"remove_source": True}
            out.append(cell)
        for index in screen.notes:
            out.append(_markdown(f'<div class="presenter-notes">\n\n{source(cells[index])}'
                                 "\n\n</div>"))
        group = _with_fragments(found, position)
        if screen.kind != "fragment" and not any(s.notes for s in group):
            out.append(_markdown('<div class="presenter-notes"><em>No presenter notes for '
                                 "this screen.</em></div>"))
    return out


def _minute_words(minutes: Minutes) -> list[str]:
    parts = [f"{minutes.teaching} min teaching"] if minutes.teaching else []
    if minutes.exercise:
        parts.append(f"{minutes.exercise} min exercise")
    return parts


def html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _with_fragments(found: list[Screen], position: int) -> list[Screen]:
    """A slide or subslide with the fragments that build on it."""
    group = [found[position]]
    for later in found[position + 1:]:
        if later.kind != "fragment":
            break
        group.append(later)
    return group


def _markdown(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _summary_cell(cells: list[dict], found: list[Screen], metadata: dict) -> dict:
    rows, _total = timings_table(header_text(cells))
    noted = section_minutes(cells)
    lines = ['<div class="presenter-summary">', "",
             "**Presenter's running order.** Each screen below shows what the room sees, its "
             "time on the 50-minute plan's clock and the presenter notes.", ""]
    try:
        plan = plan_table(cells, metadata) if plan_rows(cells, metadata) else ""
    except InputError:
        plan = ""
    if plan:
        lines += ["**The 50-minute plan** (the clock of this running order; screens it leaves "
                  "out are lab work or reading):", "", plan, ""]
    lines += ["**The whole lesson**, section by section:", "",
              "| section | teaching (min) | exercises (min) | starts at (min) |",
              "|---|---|---|---|"]
    start = 0
    titles = {(int(m.group(1)) if m.group(1) else KEY_POINTS):
              source(c).splitlines()[0].lstrip("# ").strip()
              for c in cells if c.get("cell_type") == "markdown"
              for m in [SECTION.match(source(c))] if m}
    for number in sorted(noted, key=_order):
        minutes = noted[number]
        lines.append(f"| {titles.get(number, number)} | {minutes.teaching} | "
                     f"{minutes.exercise} | {start} |")
        start += minutes.total
    total = sum(noted.values(), Minutes())
    lines.append(f"| **total** | **{total.teaching}** | **{total.exercise}** | "
                 f"ends at **{start}** |")
    problems = timing_problems(cells) + notes_problems(cells) + plan_problems(cells, metadata)
    if problems:
        lines += ["", "**Does not add up:**", ""] + [f"- {p}" for p in problems]
    elif rows:
        lines += ["", f"{len(found)} screens; the notes add up to the lesson's timings table "
                  "and the 50-minute plan agrees with them."]
    lines += ["", "</div>"]
    return _markdown("\n".join(lines))


def guide_problems(cells: list[dict], lesson: str, guide: str) -> list[str]:
    """How the instructor guide's timings for a lesson disagree with the lesson's own table.

    ``lesson`` is the two-digit number ("00"); ``guide`` the text of INSTRUCTORS.md, whose
    overview table row (``| 00 ... | 27 + 18 |``) and lesson heading (``### Lesson 00 · ...
    (27 + 18 min)``) must give the table's total, and whose lesson section must have a
    "50-minute plan".

    >>> cells = [{"cell_type": "markdown", "metadata": {},
    ...           "source": "| 1. A | 5 | 1 |\\n| **total** | **5** | **1** |"}]
    >>> guide_problems(cells, "07", "| 07 X | C1 | 5 + 1 | |\\n### Lesson 07 · X (5 + 1 min)\\n")
    ["INSTRUCTORS.md has no '50-minute plan' for lesson 07"]
    """
    _rows, total = timings_table(header_text(cells))
    heading = re.search(rf"^### Lesson {lesson} · .*\((\d+) \+ (\d+) min\)", guide, re.M)
    overview = re.search(rf"^\| {lesson} [^|]*\|[^|]*\| (\d+) \+ (\d+) \|", guide, re.M)
    problems = []
    if total is None:
        problems.append("the lesson's timings table has no total row")
    for where, found in (("lesson heading", heading), ("overview table", overview)):
        if total is not None and (not found or tuple(map(int, found.groups())) != tuple(total)):
            said = " + ".join(found.groups()) if found else "nothing"
            problems.append(f"INSTRUCTORS.md {where} says {said}; the lesson's table says "
                            f"{total.teaching} + {total.exercise}")
    section = guide[heading.start():] if heading else ""
    following = section.find("\n### ", 1)
    section = section[:following] if following > 0 else section
    if not re.search(r"50-minute plan", section, re.I):
        problems.append(f"INSTRUCTORS.md has no '50-minute plan' for lesson {lesson}")
    return problems


# ------------------------------------------------------------------ the 50-minute plan
#: Where a lesson keeps its 50-minute plan: ``metadata["course"]["fifty_minute_plan"]``.
PLAN_KEY = ("course", "fifty_minute_plan")
PLAN_MINUTES = 50


@dataclass
class PlanStep:
    """One screen taught in the 50-minute plan, with its slot on the plan's clock."""

    screen: Screen
    minutes: Minutes  # the plan's minutes: the notes', or fewer with a reason (``short``)
    start: int
    short: str = ""


@dataclass
class PlanRow:
    """A row of the plan: what to teach (screens of the deck, or time with no screen)."""

    what: str
    start: int
    minutes: Minutes
    steps: list[PlanStep] = field(default_factory=list)

    @property
    def end(self) -> int:
        return self.start + self.minutes.total


def plan_rows(cells: list[dict], metadata: dict) -> list[PlanRow]:
    """The lesson's 50-minute plan, read from its metadata, with the plan's clock.

    The plan is a list of rows ``{"what": ..., "screens": [...]}``: each screen is named by
    the id of the cell that starts it and takes its presenter notes' minutes, or, as
    ``{"cell": id, "minutes": [teaching, exercise], "short": "why"}``, fewer; a row with no
    screens (``{"what": "questions", "minutes": [0, 5]}``) is time with no screen of its own.

    >>> cells = [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": "# 99 · T"},
    ...          {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "notes"}},
    ...           "source": "**Presenter notes · 2 min teaching + 6 min exercise.**"}]
    >>> meta = {"course": {"fifty_minute_plan": [
    ...     {"what": "title", "screens": [{"cell": "t", "minutes": [2, 3], "short": "Q1 only"}]},
    ...     {"what": "questions", "minutes": [0, 45]}]}}
    >>> [(r.what, r.start, r.end, tuple(r.minutes)) for r in plan_rows(cells, meta)]
    [('title', 0, 5, (2, 3)), ('questions', 5, 50, (0, 45))]
    """
    rows = (metadata.get(PLAN_KEY[0]) or {}).get(PLAN_KEY[1]) or []
    found = screens(cells)
    starts = {cells[s.cells[0]].get("id"): s for s in found}
    out: list[PlanRow] = []
    clock = 0
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not str(row.get("what", "")).strip():
            raise InputError(f"50-minute plan, row {number}: give each row a 'what'")
        steps: list[PlanStep] = []
        start = clock
        for item in row.get("screens") or []:
            cell_id = item.get("cell") if isinstance(item, dict) else item
            screen = starts.get(cell_id)
            if screen is None:
                raise InputError(f"50-minute plan, row {number} ({row['what']}): no screen "
                                 f"starts at a cell with id {cell_id!r}")
            minutes = (Minutes(*item["minutes"]) if isinstance(item, dict) and "minutes" in item
                       else screen.minutes)
            short = str(item.get("short", "")) if isinstance(item, dict) else ""
            steps.append(PlanStep(screen, minutes, clock, short))
            clock += minutes.total
        if not steps:
            clock += Minutes(*row.get("minutes", (0, 0))).total
        minutes = sum((s.minutes for s in steps), Minutes()) if steps \
            else Minutes(*row.get("minutes", (0, 0)))
        out.append(PlanRow(str(row["what"]), start, minutes, steps))
    return out


def plan_problems(cells: list[dict], metadata: dict) -> list[str]:
    """How the 50-minute plan disagrees with the notes, the deck or the clock (empty: none).

    Every screen the plan names is taught for its notes' minutes, or for fewer with a
    reason (``short``) that says how; screens come in the deck's order, once each; the
    key points are in the plan; the rows add up to 50 minutes.
    """
    try:
        rows = plan_rows(cells, metadata)
    except (InputError, TypeError, ValueError) as error:
        return [str(error)]
    if not rows:
        return ["the lesson has no 50-minute plan (metadata course.fifty_minute_plan)"]
    problems = []
    numbers = [step.screen.number for row in rows for step in row.steps]
    if numbers != sorted(set(numbers)):
        problems.append(f"the plan's screens are not in the deck's order, once each: {numbers}")
    for row in rows:
        for step in row.steps:
            noted, planned = step.screen.minutes, step.minutes
            where = f"screen {step.screen.number} ({row.what})"
            if planned.teaching > noted.teaching or planned.exercise > noted.exercise:
                problems.append(f"{where}: the plan gives {planned.teaching} + "
                                f"{planned.exercise} min, more than its notes' "
                                f"{noted.teaching} + {noted.exercise}")
            elif planned != noted and not step.short.strip():
                problems.append(f"{where}: the plan gives {planned.teaching} + "
                                f"{planned.exercise} min where its notes say {noted.teaching} "
                                f"+ {noted.exercise}; give the plan's minutes a reason "
                                "('short': how the screen is shortened) or the notes' minutes")
    found = screens(cells)
    key_points = [s.number for s in found if s.section == KEY_POINTS and s.kind == "slide"]
    if key_points and not set(key_points) & set(numbers):
        problems.append("the plan leaves out the key points, the part of the lesson to keep")
    total = sum(row.minutes.total for row in rows)
    if total != PLAN_MINUTES:
        problems.append(f"the plan's rows add up to {total} min, not {PLAN_MINUTES}")
    return problems


def plan_clock(cells: list[dict], metadata: dict) -> dict[int, PlanStep]:
    """Screen number -> its step in the 50-minute plan (screens the plan leaves out: none)."""
    return {step.screen.number: step for row in plan_rows(cells, metadata) for step in row.steps}


def plan_table(cells: list[dict], metadata: dict) -> str:
    """The 50-minute plan as the Markdown table INSTRUCTORS.md prints for the lesson.

    >>> cells = [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": "# 99 · T"},
    ...          {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "notes"}},
    ...           "source": "**Presenter notes · 2 min teaching + 6 min exercise.**"}]
    >>> meta = {"course": {"fifty_minute_plan": [
    ...     {"what": "title", "screens": [{"cell": "t", "minutes": [2, 3], "short": "Q1 only"}]},
    ...     {"what": "questions", "minutes": [0, 45]}]}}
    >>> print(plan_table(cells, meta))
    | minutes | what | teaching + exercise |
    |---|---|---|
    | 0–5 | title — shortened: Q1 only | 2 + 3 |
    | 5–50 | questions | 0 + 45 |
    """
    lines = ["| minutes | what | teaching + exercise |", "|---|---|---|"]
    for row in plan_rows(cells, metadata):
        shorts = [step.short for step in row.steps if step.short]
        what = row.what + (f" — shortened: {'; '.join(shorts)}" if shorts else "")
        lines.append(f"| {row.start}–{row.end} | {what} | {row.minutes.teaching} + "
                     f"{row.minutes.exercise} |")
    return "\n".join(lines)


def guide_plan_problems(cells: list[dict], metadata: dict, lesson: str, guide: str) -> list[str]:
    """How INSTRUCTORS.md's 50-minute plan for a lesson differs from the lesson's own.

    The guide prints the table :func:`plan_table` makes from the lesson's metadata, under
    the lesson's heading (``### Lesson 00 · ...``).
    """
    heading = re.search(rf"^### Lesson {lesson} · .*$", guide, re.M)
    if heading is None:
        return [f"INSTRUCTORS.md has no section '### Lesson {lesson} · ...'"]
    following = guide.find("\n### ", heading.end())
    section = guide[heading.start():following if following > 0 else None]
    table = plan_table(cells, metadata)
    if table not in section:
        return [f"INSTRUCTORS.md's 50-minute plan for lesson {lesson} is not the lesson's own "
                f"(metadata course.fifty_minute_plan); print this table there:\n{table}"]
    return []
