"""One module per raw source: read the unmodified release, return curated tables.

Every builder exposes ``build(shared_dir, built) -> list[TableSpec]``: ``shared_dir`` is
the folder holding ``raw/`` and ``cases/`` and ``built`` maps the names of tables
already built (builders run in :data:`ORDER`) to their specs, so later builders can
join state names or codes without re-reading raw files.
"""

ORDER = [
    "course.data.builders.cow_states",
    "course.data.builders.cow_nmc",
    "course.data.builders.atop",
    "course.data.builders.maoz_mid",
    "course.data.builders.sipri",
    "course.data.builders.maddison",
    "course.data.builders.nato",
    "course.data.builders.naval",
    "course.data.builders.cases",
]
