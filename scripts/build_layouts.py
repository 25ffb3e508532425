"""Rebuild course/charts/layouts.json: the drawn size of every chart layout the course shows.

Usage (from the project root, after changing a chart, a lesson, a problem set or an
explorer; the tests say when it is needed)::

    python scripts/build_layouts.py            # lessons, problem sets and explorers
    python scripts/build_layouts.py --settings 200   # fewer explorer settings (quicker)

Draws, with vl-convert, every layout (:func:`course.charts.base.layout_key`) met

1. by running every lesson (``notebooks/``) and problem set (``solutions/``) top to
   bottom in a fresh kernel, as ``course.setup()``'s chart renderer fits each chart to a
   slide; and
2. by every explorer of :mod:`course.widgets` over its settings: each control's choices
   (every option of a menu, both states of a box, every set of a checklist's boxes,
   ranges of years from a grid, every step of a slider or points across a fine one),
   all combinations when there are at most ``--settings`` of them, otherwise that many
   drawn at random (seeded: the same every run), plus each choice of each control from
   the explorer's first setting.

and writes their sizes (and the scale that fits each under a slide's height) with the
vl-convert version to ``course/charts/layouts.json`` (see :mod:`course.charts.layouts`).
A kernel that meets only these layouts never loads vl-convert.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import itertools
import os
import pkgutil
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.charts import layouts  # noqa: E402

CELL_TIMEOUT = 300
YEAR_GRID_STEPS = 8  # a year range's ends from this many steps across its slider
SLIDER_STEPS = 12  # a slider with more steps is visited at this many points between its ends


def notebooks() -> list[Path]:
    """Lessons and problem sets (instructors' versions) to run."""
    found = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    found += sorted(p for p in (ROOT / "solutions").glob("**/*.ipynb")
                    if ".ipynb_checkpoints" not in p.parts)
    return found


def run_notebook(path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()


def explorer_factories() -> list:
    """Every ``*_explorer`` function of :mod:`course.widgets`."""
    import course.widgets

    found = []
    for info in pkgutil.iter_modules(course.widgets.__path__):
        module = importlib.import_module(f"course.widgets.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_explorer") and function.__module__ == module.__name__:
                found.append(function)
    return found


def choices(control) -> list:
    """Values a student can give ``control``, as a grid (see the module's docstring)."""
    boxes = getattr(control, "boxes", None)
    if boxes:  # a Checklist: every set of its optional boxes
        optional = [key for key in boxes if key not in control.fixed]
        return [tuple(key for key, on in zip(optional, ticks, strict=True) if on)
                for ticks in itertools.product((False, True), repeat=len(optional))]
    options = getattr(control, "options", None)
    if options:
        return [option[1] if isinstance(option, tuple) else option for option in options]
    if isinstance(control.value, bool):
        return [False, True]
    low, high = getattr(control, "min", None), getattr(control, "max", None)
    if low is None or high is None:
        return [control.value]
    if isinstance(control.value, tuple):  # a range of years
        grid = sorted({round(low + (high - low) * i / YEAR_GRID_STEPS)
                       for i in range(YEAR_GRID_STEPS + 1)})
        return [(a, b) for a in grid for b in grid if a <= b] + [control.value]
    step = getattr(control, "step", 1) or 1
    steps = round((high - low) / step)
    if steps > SLIDER_STEPS:  # a fine slider: its ends and points between
        steps, step = SLIDER_STEPS, (high - low) / SLIDER_STEPS
    return sorted({round(low + step * i, 6) for i in range(steps + 1)} | {control.value})


def settings(explorer, limit: int, seed: str) -> list[dict]:
    """The settings of ``explorer`` to draw (see the module's docstring)."""
    first = explorer.params()
    grids = {name: choices(control) for name, control in explorer.controls.items()}
    combos = 1
    for values in grids.values():
        combos *= len(values)
    rng = random.Random(seed)
    if combos <= limit:
        found = [dict(zip(grids, values, strict=True))
                 for values in itertools.product(*grids.values())]
    else:
        found = [{name: rng.choice(values) for name, values in grids.items()}
                 for _ in range(limit)]
    found += [{**first, name: value} for name, values in grids.items() for value in values]
    return found


def walk(factory, limit: int) -> tuple[int, int]:
    """Draw ``factory()``'s chart at its settings as the explorer would; (settings, drawn)."""
    from altair.utils.schemapi import debug_mode

    from course.charts.base import spec_of
    from course.errors import CourseError
    from course.widgets.base import fit_for_slides

    explorer = factory()
    shown = 0
    for params in settings(explorer, limit, factory.__name__):
        try:
            with debug_mode(False):
                view = explorer.view(**params)
        except CourseError:
            continue
        if hasattr(view.chart, "to_dict"):
            fit_for_slides(spec_of(view.chart))
            shown += 1
    return shown, len(layouts.unshipped())


def dumps(merged: dict) -> str:
    """The layouts file's text: one layout a line, so that a rebuild's diff is readable."""
    import json

    def block(items: dict) -> str:
        return ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in items.items())

    return (f'{{\n "vl_convert": {json.dumps(merged["vl_convert"])},\n'
            f' "sizes": {{\n{block(merged["sizes"])}\n }},\n'
            f' "scales": {{\n{block(merged["scales"])}\n }}\n}}\n')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--settings", type=int, default=600,
                        help="explorer settings drawn at random when there are more "
                             "combinations (default 600)")
    parser.add_argument("--no-notebooks", action="store_true",
                        help="walk the explorers only (keeps no layout the notebooks met: "
                             "for trying the walk, not for committing)")
    args = parser.parse_args(argv)
    record = Path(tempfile.mkdtemp(prefix="course-layouts-")) / "record.jsonl"
    record.touch()
    os.environ[layouts.RECORD_ENV] = str(record)  # this process and every kernel it starts
    if not args.no_notebooks:
        for path in notebooks():
            started = time.perf_counter()
            run_notebook(path)
            print(f"{path.relative_to(ROOT)}: run in {time.perf_counter() - started:.0f} s",
                  flush=True)
    for factory in explorer_factories():
        started = time.perf_counter()
        shown, drawn = walk(factory, args.settings)
        print(f"{factory.__module__}.{factory.__name__}: {shown} settings in "
              f"{time.perf_counter() - started:.0f} s ({drawn} layouts so far in this "
              "process)", flush=True)
    merged = layouts.merge_records(record.read_text(encoding="utf-8").splitlines())
    layouts.LAYOUTS_FILE.write_text(dumps(merged), encoding="utf-8")
    record.unlink()
    record.parent.rmdir()
    print(f"{layouts.LAYOUTS_FILE.relative_to(ROOT)}: {len(merged['sizes'])} layouts, "
          f"{len(merged['scales'])} fits, vl-convert {merged['vl_convert']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
