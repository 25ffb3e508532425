"""Altair chart builders for the lessons and homework.

Shared conventions live in :mod:`course.charts.base`; builders are grouped by topic
(``polarity``, ``alignment``, ``britain``, ``burden``). Importing this package imports
Altair, so :mod:`course` itself does not import it.
"""

from course.charts.base import (
    MAX_SPEC_BYTES,
    PALETTE,
    chart_data,
    describe,
    finish,
    spec_bytes,
    to_png,
    to_svg,
    use_offline_renderer,
)

__all__ = [
    "MAX_SPEC_BYTES",
    "PALETTE",
    "chart_data",
    "describe",
    "finish",
    "spec_bytes",
    "to_png",
    "to_svg",
    "use_offline_renderer",
]
