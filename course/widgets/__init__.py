"""Claim explorers: ipywidgets shells over the pure functions in :mod:`course.measures`.

See :mod:`course.widgets.base` for the pattern. Importing this package imports
ipywidgets and Altair.
"""

from course.widgets.base import Explorer, View

__all__ = ["Explorer", "View"]
