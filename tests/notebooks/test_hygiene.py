"""Notebooks as committed: no outputs, small files, and the lesson conventions.

The lesson conventions (docs/ARCHITECTURE.md and the course brief): a header — the markdown
cells before the first code cell — with title, learning objectives, a timings table and the
claims covered; a first code cell ``import course`` / ``course.setup()``; slide types the
deck understands, with section headings as slides; a cell tagged ``explorer``; a "Your
verdict" cell; a closing "Key points" section; data read only through ``course.data.load``.

Slide types. jupyterlab-slideshow 0.3.4 (the deck the course presents with) knows
``slide``, ``subslide``, ``fragment``, ``notes``, ``skip`` and *no* slide type for a cell
that continues the current slide; it never shows a cell whose slide type is ``"-"``
(RISE's and nbconvert's spelling of "continue"), so an explorer marked ``"-"`` vanishes
from the slides (tests/browser/test_slides.py shows it in Chromium). A continuing cell
therefore carries no ``slideshow`` metadata. ``skip`` keeps a cell off the slides: text for
the notebook, or a code cell whose output is notebook material (a table too long for a
slide; it still runs, as the deck extension runs the notebook before presenting). The
explorer is never ``skip`` — it must reach the slides — and a code cell that should show its
output but not its code is tagged ``plumbing`` instead. ``notes`` cells
are presenter notes in the format :mod:`course.publish.slides` reads (see tests/browser/test_slides.py
for the notes every screen needs).
"""

from __future__ import annotations

import json
import re

import pytest

from course.publish import slides
from course.errors import InputError
from course.paths import EXERCISES_DIR, NOTEBOOKS_DIR

SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", None}  # None: continues
MAX_LESSON_BYTES = 100_000
#: Ways of reading data that bypass course.data.load (and so its checksums and dtypes).
DIRECT_READS = re.compile(
    r"\b(pd|pandas)\.read_(csv|excel|json|parquet|table|stata|html)\b|\bopen\(|urlopen|requests\.")


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def output_problems(path) -> list[str]:
    """Cells of a notebook that carry outputs or execution counts."""
    problems = []
    for number, cell in enumerate(_cells(path), start=1):
        if cell["cell_type"] != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {number} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {number} has execution_count {cell['execution_count']}")
    return problems


def structure_problems(path) -> list[str]:
    """Every way a lesson notebook departs from the lesson conventions."""
    cells = _cells(path)
    problems = []
    if len(cells) < 3:
        return ["a lesson needs at least a header cell, the set-up cell and content"]
    head = slides.header_text(cells)
    if cells[0]["cell_type"] != "markdown" or not re.match(r"\s*# \S", _source(cells[0])):
        problems.append("cell 1 must be markdown starting with a '# ' title")
    if not re.search(r"learning objectives", head, re.I):
        problems.append("the header (markdown cells before the first code cell) must state "
                        "the learning objectives")
    table_rows = [line for line in head.splitlines() if line.strip().startswith("|")]
    if not (re.search(r"teaching", head, re.I) and re.search(r"exercis", head, re.I)
            and any(re.search(r"\|\s*\**\d+\**\s*\|", row) for row in table_rows)):
        problems.append("the header must have a timings table (minutes of teaching and "
                        "exercises)")
    if not re.search(r"claims? covered", head, re.I):
        problems.append("the header must list the claims covered")
    first_code = next((c for c in cells if c["cell_type"] == "code"), None)
    setup = [line.strip() for line in _source(first_code or {}).splitlines() if line.strip()]
    if setup != ["import course", "course.setup()"]:
        problems.append("the first code cell must be 'import course' / 'course.setup()'")
    for number, cell in enumerate(cells, start=1):
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if kind == "-":
            problems.append(f"cell {number}: slide_type '-' hides the cell in the deck; "
                            "remove its 'slideshow' metadata to continue the slide")
        elif kind not in SLIDE_TYPES:
            problems.append(f"cell {number}: slideshow.slide_type is {kind!r}, expected "
                            "'slide', 'subslide', 'fragment', 'skip', 'notes' or none "
                            "(continues the slide)")
        elif (cell["cell_type"] == "markdown" and re.match(r"\s*## ", _source(cell))
              and kind != "slide"):
            problems.append(f"cell {number}: a '## ' section heading must be a 'slide'")
        elif kind == "notes":
            try:
                slides.note_minutes(_source(cell))
            except InputError as error:
                problems.append(f"cell {number}: {error}")
        if cell["cell_type"] == "code" and DIRECT_READS.search(_source(cell)):
            problems.append(f"cell {number}: read data with course.data.load(...), "
                            "not directly from files or the network")
    problems += slides.plumbing_problems(cells)
    explorer = [c for c in cells if "explorer" in c.get("metadata", {}).get("tags", [])]
    if not any(c["cell_type"] == "code" for c in explorer):
        problems.append("no code cell carries the tag 'explorer'")
    if not any(c["cell_type"] == "markdown" and "Your verdict" in _source(c) for c in cells):
        problems.append("no 'Your verdict: …' cell for students to edit")
    sections = [_source(c) for c in cells if c["cell_type"] == "markdown"
                and re.match(r"\s*## ", _source(c))]
    if not sections or not re.match(r"\s*## .*key points", sections[-1], re.I):
        problems.append("the lesson must close with a 'Key points' section (its last '## ' "
                        "section; only the reading list and notes may follow it)")
    return problems


def _hygiene_targets():
    found = sorted(NOTEBOOKS_DIR.glob("**/*.ipynb")) + sorted(EXERCISES_DIR.glob("**/*.ipynb"))
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]  # JupyterLab's copies


def test_there_is_a_first_lesson():
    assert (NOTEBOOKS_DIR / "00-how-this-course-works.ipynb").is_file()


@pytest.mark.parametrize("path", _hygiene_targets(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_saved_without_outputs(path):
    problems = output_problems(path)
    assert not problems, f"{path.name}: clear outputs before committing: {problems}"


def test_lesson_is_small(lesson):
    assert lesson is not None, "no lessons found"
    size = lesson.stat().st_size
    assert size <= MAX_LESSON_BYTES, f"{lesson.name} is {size:,} bytes (limit 100 KB)"


def test_lesson_follows_the_conventions(lesson):
    assert lesson is not None, "no lessons found"
    problems = structure_problems(lesson)
    assert not problems, f"{lesson.name}:\n  " + "\n  ".join(problems)


# The checkers above must be able to fail: run them on deliberately broken notebooks.

def _write(tmp_path, cells):
    path = tmp_path / "99-broken.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    return path


def _meta(slide, tags):
    meta = {"tags": list(tags)}
    if slide is not None:
        meta["slideshow"] = {"slide_type": slide}
    return meta


def _md(text, slide=None, tags=()):
    return {"cell_type": "markdown", "metadata": _meta(slide, tags), "source": text}


def _code(text, slide=None, tags=(), outputs=(), count=None):
    return {"cell_type": "code", "metadata": _meta(slide, tags), "source": text,
            "outputs": list(outputs), "execution_count": count}


GOOD_HEAD = ("# 99 · Test\n\n**Learning objectives.** one\n\n| section | teaching (min) | "
             "exercises (min) |\n|---|---|---|\n| 1 | 5 | 5 |\n\n**Claims covered.** C1\n")


def test_checkers_accept_a_conforming_lesson(tmp_path):
    path = _write(tmp_path, [
        _md(GOOD_HEAD, "slide"), _code("import course\ncourse.setup()"),
        _md("## 1. Section", "slide"), _code("x = course.data.load('states')"),
        _code("explorer()", tags=["explorer"]), _md("Your verdict: …", "fragment"),
        _md("## Key points\n- one", "slide")])
    assert structure_problems(path) == []
    assert output_problems(path) == []


def test_checkers_reject_a_broken_lesson(tmp_path):
    path = _write(tmp_path, [
        _md("Intro without title", "slide"), _code("import course"),
        _md("## 1. Section", "subslide"), _code("pd.read_csv('x.csv')", slide="skip"),
        _code("1 + 1", slide="-", outputs=[{"output_type": "execute_result"}], count=3)])
    problems = " | ".join(structure_problems(path))
    for expected in ("'# ' title", "learning objectives", "timings table", "claims covered",
                     "first code cell must be", "must be a 'slide'",
                     "course.data.load", "tag 'explorer'", "Your verdict", "Key points",
                     "cell 5: slide_type '-' hides the cell"):
        assert expected in problems, expected
    assert output_problems(path) == ["cell 5 has outputs", "cell 5 has execution_count 3"]


def test_checkers_accept_a_header_in_two_cells_with_notes_and_plumbing(tmp_path):
    title, rest = GOOD_HEAD.split("| section", 1)
    path = _write(tmp_path, [
        _md(title, "slide"),
        _md("**Presenter notes · 1 min teaching.** Welcome.", "notes"),
        _md("| section" + rest, "skip"),
        _code("import course\ncourse.setup()", tags=["plumbing"]),
        _md("## 1. Section", "slide"), _code("x = course.data.load('states')"),
        _code("explorer()", tags=["explorer", "plumbing"]), _md("Your verdict: …", "skip"),
        _md("## Key points\n- one", "slide")])
    assert structure_problems(path) == []


def test_checkers_reject_bad_notes_and_misplaced_plumbing(tmp_path):
    path = _write(tmp_path, [
        _md(GOOD_HEAD, "slide"), _code("import course\ncourse.setup()"),
        _md("## 1. Section", "slide"), _md("Notes without a time", "notes"),
        _md("Some text", tags=["plumbing"]), _code("explorer()", tags=["explorer"], slide="skip"),
        _md("Your verdict: …", "fragment"), _md("## Key points\n- one", "slide")])
    problems = " | ".join(structure_problems(path))
    assert "cell 6: the explorer must not be 'skip'" in problems
    assert "cell 4: a notes cell must start with '**Presenter notes" in problems
    assert "cell 5: only code cells can be tagged 'plumbing'" in problems
