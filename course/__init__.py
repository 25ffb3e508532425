"""Toolkit for the alliances course: data, measures, charts, widgets, claims and grading.

Importing :mod:`course` is cheap: Altair and ipywidgets are imported only by the
modules that draw charts or build widgets, so a grader or a command-line call that
only needs data does not pay for them.

Examples
--------
>>> import course
>>> course.__version__
'0.1.0'
>>> course.data.load("major_powers").shape[1] > 0   # sub-modules load on first use
True
"""

__version__ = "0.1.0"

#: Sub-modules reachable as attributes (``course.data.load(...)``) without importing them
#: up front: ``import course`` stays cheap, and charts/widgets pull in Altair only when used.
_LAZY_SUBMODULES = {"data", "measures", "claims", "models", "charts", "widgets", "grading"}


def __getattr__(name: str):
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f"course.{name}")
    raise AttributeError(f"module 'course' has no attribute {name!r}")


def setup() -> None:
    """Prepare a notebook for the course: offline chart rendering and shorter table display.

    Call once at the top of every lesson (``import course; course.setup()``). Charts
    then render with JupyterLab's bundled Vega-Lite renderer, which needs no network.
    """
    import pandas as pd

    from course.charts.base import use_offline_renderer

    use_offline_renderer()
    pd.set_option("display.max_rows", 30)
    from course.cellruns import CellRuns

    CellRuns.attach()  # self-checks can then tell a stale answer from a fresh one
