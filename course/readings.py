"""The course's annotated reading list: a schema-checked data file, read by lessons and claims.

The readings live in ``course/registry/readings.yaml`` (data, not code): authors (or an
organization, for an official report; ``editor`` marks an edited volume), year, title,
kind (article, book or report), venue (journal or publisher), optional place, volume,
issue, pages and DOI, the claims a reading bears on, the lessons whose closing list
includes it, and a short annotation. :func:`all_readings` checks the file against its
schema (``readings.schema.json``, through :mod:`course.registry`) before anything uses
it, so a misspelt field or a reading that cites an unknown claim fails with a message
naming the entry. The claims registry (:mod:`course.claims`) cites readings by ``key``; each
lesson ends with :func:`lesson_markdown` of its lesson number.

Examples
--------
>>> from course import readings
>>> print(readings.get("olson-zeckhauser-1966").citation())  # doctest: +NORMALIZE_WHITESPACE
Olson, Mancur, Jr. and Richard Zeckhauser. 1966. "An Economic Theory of Alliances."
*Review of Economics and Statistics* 48(3): 266-279.
>>> [r.key for r in readings.for_lesson("03")]
['kennedy-1980', 'friedberg-1988']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from course import registry
from course.errors import DataError, InputError

#: The data file (beside its JSON Schema, ``readings.schema.json``).
PATH = registry.path("readings")


@dataclass(frozen=True)
class Reading:
    """One work on the reading list."""

    key: str
    year: int
    title: str
    kind: str
    venue: str
    claims: tuple[str, ...]
    lessons: tuple[str, ...]
    note: str
    authors: tuple[str, ...] = ()
    organization: str = ""
    editor: bool = False
    place: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""

    def author_names(self) -> str:
        """``"Last, First"`` for the first author, ``"First Last"`` for the others.

        An organization stands for itself; an editor gets ``", ed."``.

        >>> get("christensen-snyder-1990").author_names()
        'Christensen, Thomas J. and Jack Snyder'
        >>> get("mueller-2015").author_names(), get("dod-2000").author_names()
        ('Mueller, Karl P., ed.', 'U.S. Department of Defense')
        """
        if not self.authors:
            return self.organization
        names = [self.authors[0]]
        for name in self.authors[1:]:
            last, first = name.split(", ", 1)
            names.append(f"{first} {last}")
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        if self.editor:
            joined += ", ed." if len(names) == 1 else ", eds."
        return joined

    def citation(self) -> str:
        """The full reference (author-date style, markdown italics for the venue or book).

        >>> print(get("waltz-1979").citation())  # doctest: +NORMALIZE_WHITESPACE
        Waltz, Kenneth N. 1979. *Theory of International Politics*.
        Reading, MA: Addison-Wesley.
        """
        names = self.author_names()
        head = f"{names}{'' if names.endswith('.') else '.'} {self.year}."
        if self.kind in ("book", "report"):
            where = f"{self.place}: {self.venue}" if self.place else self.venue
            return f"{head} *{self.title}*. {where}."
        detail = self.volume + (f"({self.issue})" if self.issue else "")
        detail += (f": {self.pages}" if self.pages else "")
        tail = f"*{self.venue}*" + (f" {detail}" if detail else "")
        doi = f" doi:{self.doi}." if self.doi else ""
        return f'{head} "{self.title}." {tail}.{doi}'


def parse(text: str) -> list[Reading]:
    """Readings from the text of a readings file, after checking it against its schema.

    Raises
    ------
    DataError
        If the file is not valid YAML or breaks the schema (the message names the entry).

    Examples
    --------
    >>> parse("readings: [{key: x-2000}]")
    Traceback (most recent call last):
    ...
    course.errors.DataError: readings.yaml: readings/0: an entry needs 'authors' (or ...
    """
    document = registry.parse("readings", text)
    keys = [entry["key"] for entry in document["readings"]]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise DataError(f"{PATH.name}: the key(s) {twice} are used more than once")
    out = []
    for entry in document["readings"]:
        fields = dict(entry)
        for name in ("authors", "claims", "lessons"):
            fields[name] = tuple(fields.get(name, ()))
        out.append(Reading(**fields))
    return out


@lru_cache(maxsize=1)
def all_readings() -> tuple[Reading, ...]:
    """Every reading, in the order of the file (schema-checked on first use)."""
    return tuple(parse(PATH.read_text(encoding="utf-8")))


def get(key: str) -> Reading:
    """The reading with this key, e.g. ``"layne-1997"``.

    Raises
    ------
    InputError
        If there is no such reading.
    """
    for reading in all_readings():
        if reading.key == key:
            return reading
    raise InputError(f"no reading {key!r}; the keys are "
                     f"{', '.join(r.key for r in all_readings())}")


def for_lesson(lesson: str | int) -> list[Reading]:
    """The readings on a lesson's closing list, in file order (``"04"`` or ``4``)."""
    key = f"{int(lesson):02d}" if str(lesson).strip().isdigit() else str(lesson).strip()
    return [r for r in all_readings() if key in r.lessons]


def for_claim(claim_id: str) -> list[Reading]:
    """The readings that bear on a claim (``"C6"``)."""
    return [r for r in all_readings() if claim_id.strip().upper() in r.claims]


def lesson_markdown(lesson: str | int) -> str:
    """The annotated reading list that closes a lesson, as markdown.

    A lesson's last cell holds exactly this text (tests/test_readings.py checks it),
    so the list in the notebook and the registry cannot drift apart.

    Examples
    --------
    >>> print(lesson_markdown("05").splitlines()[0])
    ### Further reading
    """
    items = for_lesson(lesson)
    if not items:
        raise InputError(f"no reading is listed for lesson {lesson!r}")
    lines = ["### Further reading", ""]
    for reading in items:
        lines.append(f"* {reading.citation()} {reading.note}")
    return "\n".join(lines)
