"""The course's curated datasets: load, cite, list and validate them.

>>> from course import data
>>> data.load("states").query("stateabb == 'UKG'").start_year.tolist()
[1816]

Tables are built from raw third-party releases by :mod:`course.data.build` and
described in ``data/datapackage.json``; see ``data/README.md`` for the traps in each.
"""

from course.data.catalog import catalog, cite, load

__all__ = ["catalog", "cite", "load", "validate"]


def validate(data_dir=None):
    """Check every table against ``datapackage.json``; see :func:`course.data.validate.validate`."""
    from course.data.validate import validate as _validate

    return _validate(data_dir)
