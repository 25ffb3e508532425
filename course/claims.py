"""The registry of the essay's claims: one place every lesson, problem set and guide reads.

The essay ("Illusions of alliances and the follies of burden-sharing", Slouching
Columbia, 7 March 2012) makes seven claims the course tests, C1 to C7. The registry is
data — ``course/registry/claims.yaml``, checked against ``claims.schema.json`` when this
module is imported (:mod:`course.registry`), so a scholar edits a verdict there without
reading Python — and this module reads it, looks claims up and computes. For each claim
the registry holds

* a short title and the verbatim excerpt(s), each with the paragraph id it comes
  from (``[P17]``), so lessons can quote the essay without retyping it;
* the *testable form*: how the claim is turned into something data can decide;
* the curated tables (names for :func:`course.data.load`) and the functions in
  :mod:`course.measures` that test it, with the variables, years and units used;
* the lesson(s) that teach it and the questions a student must answer, each asking
  for a verdict *and* the evidence behind it;
* the readings that bear on it: keys into the schema-checked reading list
  (:mod:`course.readings`, ``course/registry/readings.yaml``);
* the course's verdict: how the answer depends on the measure chosen
  (``depends_on_measure``).

The excerpts are stored in the registry, so it works without the essay file. When the
essay is available beside the project (``../shared/essay/essay.md``),
:func:`essay_paragraph` reads a whole paragraph and :func:`check_excerpts` confirms
every stored excerpt is verbatim in the paragraph it cites.

Examples
--------
>>> from course import claims
>>> [c.id for c in claims.all_claims()]
['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7']
>>> claims.get("C3").title
"Britain's main threats, 1870-1914"
>>> print(claims.excerpt_markdown("C4")[:61])
> "if the United States remains the strongest power among equ
>>> claims.excerpt_markdown("C4").endswith('and many other terms)" [P18]')
True
>>> [c.id for c in claims.for_lesson("03")]
['C3', 'C4', 'C5']
>>> [r.key for r in claims.readings_for("C2")]
['snyder-1984', 'christensen-snyder-1990', 'walt-1987', 'waltz-1979']
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from course import registry
from course.errors import DataError, InputError

# --------------------------------------------------------------------------------------
# Data structures
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Excerpt:
    """A verbatim passage of the essay and the paragraph it comes from (``"P17"``)."""

    paragraph: str
    text: str

    def markdown(self) -> str:
        """The excerpt as a one-line markdown blockquote: ``> "text" [P17]``."""
        return f'> "{self.text}" [{self.paragraph}]'


@dataclass(frozen=True)
class Operationalisation:
    """One way the claim is measured: which table, which variables, years and unit."""

    dataset: str
    variables: str
    years: str
    unit: str = ""


@dataclass(frozen=True)
class Question:
    """A question the student answers with a verdict and the evidence for it."""

    id: str
    prompt: str
    evidence: str


@dataclass(frozen=True)
class Claim:
    """One claim of the essay, with everything needed to test and teach it."""

    id: str
    title: str
    excerpts: tuple[Excerpt, ...]
    testable_form: str
    datasets: tuple[str, ...]
    measures: tuple[str, ...]
    lessons: tuple[str, ...]
    questions: tuple[Question, ...]
    operationalisations: tuple[Operationalisation, ...] = field(default_factory=tuple)
    depends_on_measure: str = ""
    readings: tuple[str, ...] = ()

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """Paragraph ids cited by the excerpts, in order of first appearance."""
        return tuple(dict.fromkeys(e.paragraph for e in self.excerpts))


# --------------------------------------------------------------------------------------
# The registry: course/registry/claims.yaml, checked against claims.schema.json
# --------------------------------------------------------------------------------------

#: The data file (beside its JSON Schema, ``claims.schema.json``).
PATH = registry.path("claims")


def _claim(entry: dict) -> Claim:
    return Claim(
        id=entry["id"],
        title=entry["title"],
        excerpts=tuple(Excerpt(e["paragraph"], e["text"]) for e in entry["excerpts"]),
        testable_form=entry["testable_form"],
        datasets=tuple(entry["datasets"]),
        measures=tuple(entry["measures"]),
        lessons=tuple(entry["lessons"]),
        questions=tuple(Question(q["id"], q["prompt"], q["evidence"])
                        for q in entry["questions"]),
        operationalisations=tuple(
            Operationalisation(o["dataset"], o["variables"], o["years"], o.get("unit", ""))
            for o in entry.get("operationalisations", ())),
        depends_on_measure=entry.get("depends_on_measure", ""),
        readings=tuple(entry.get("readings", ())),
    )


def parse(text: str) -> tuple[Claim, ...]:
    """The claims in the text of a claims file, after checking it.

    The schema (``claims.schema.json``) checks each field; then every claim id is used
    once, and each question id starts with its claim's (``C3.q1``) and is used once.

    Raises
    ------
    DataError
        If the text is not valid YAML, breaks the schema or those rules; the message
        names the claim and the field.

    Examples
    --------
    >>> parse(PATH.read_text(encoding="utf-8"))[3].title
    'Britain as primus inter pares, 1870-1914'
    >>> parse(PATH.read_text(encoding="utf-8").replace("lessons: [", "lessons: [3, "))
    Traceback (most recent call last):
    ...
    course.errors.DataError: claims.yaml: claims/0/lessons/0: 3 is not of type 'string'; ...
    """
    document = registry.parse("claims", text)
    found = tuple(_claim(entry) for entry in document["claims"])
    ids = [claim.id for claim in found]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise DataError(f"{PATH.name}: the claim id(s) {twice} are used more than once")
    questions = [q.id for claim in found for q in claim.questions]
    for claim in found:
        for question in claim.questions:
            if not question.id.startswith(claim.id + ".q"):
                raise DataError(f"{PATH.name}: claim {claim.id} has the question "
                                f"{question.id}: its id must start with {claim.id}.q")
            if questions.count(question.id) > 1:
                raise DataError(f"{PATH.name}: the question id {question.id} is used more "
                                "than once")
    return found


#: Every claim, in the file's order (read and checked when the module is imported).
_CLAIMS: tuple[Claim, ...] = parse(PATH.read_text(encoding="utf-8"))
_BY_ID = {claim.id: claim for claim in _CLAIMS}


# --------------------------------------------------------------------------------------
# Look-ups
# --------------------------------------------------------------------------------------


def ids() -> list[str]:
    """The claim ids, in order: ``['C1', ..., 'C7']``."""
    return [claim.id for claim in _CLAIMS]


def all_claims() -> list[Claim]:
    """Every claim of the essay, in order C1 to C7."""
    return list(_CLAIMS)


def get(claim_id: str) -> Claim:
    """The claim with this id (``"C3"``; ``"c3"`` and ``"3"`` are accepted too).

    Raises
    ------
    InputError
        If there is no such claim.

    Examples
    --------
    >>> get("c5").paragraphs
    ('P17',)
    """
    if isinstance(claim_id, int) and not isinstance(claim_id, bool):
        claim_id = f"C{claim_id}"
    if not isinstance(claim_id, str):
        raise InputError(f"a claim id is a string like 'C3', not {type(claim_id).__name__}")
    key = claim_id.strip().upper()
    if key.isdigit():
        key = "C" + key
    if key not in _BY_ID:
        raise InputError(f"unknown claim {claim_id!r}; the essay's claims are {', '.join(ids())}")
    return _BY_ID[key]


def for_lesson(lesson: str | int) -> list[Claim]:
    """The claims a lesson teaches (``"03"`` or ``3``).

    Raises
    ------
    InputError
        If no claim belongs to that lesson.
    """
    key = f"{int(lesson):02d}" if str(lesson).strip().isdigit() else str(lesson).strip()
    found = [claim for claim in _CLAIMS if key in claim.lessons]
    if not found:
        lessons = sorted({lesson for claim in _CLAIMS for lesson in claim.lessons})
        raise InputError(f"no claim belongs to lesson {lesson!r}; lessons with claims: "
                         f"{', '.join(lessons)}")
    return found


def readings_for(claim_id: str) -> list:
    """The readings the claim cites, in the registry's order (:class:`course.readings.Reading`).

    Raises
    ------
    DataError
        If the claim cites a key the reading list does not have.
    """
    from course import readings

    found = []
    for key in get(claim_id).readings:
        try:
            found.append(readings.get(key))
        except InputError:
            raise DataError(f"claim {get(claim_id).id} cites reading {key!r}, which is not in "
                            "course/registry/readings.yaml") from None
    return found


def excerpt_markdown(claim_id: str) -> str:
    """The claim's excerpts as markdown blockquotes, each with its paragraph id.

    Blockquotes are separated by a blank line, so each is its own quote when the
    notebook renders (and when the excerpt checker reads it).

    Examples
    --------
    >>> print(excerpt_markdown("C1"))
    > "in a world that is multipolar, but still U.S. led" [P10]
    <BLANKLINE>
    > "as rival centers of power emerge and U.S. hegemony retrenches itself" [P13]
    """
    return "\n\n".join(excerpt.markdown() for excerpt in get(claim_id).excerpts)


def measure_functions(claim_id: str) -> list:
    """Import and return the modules or functions listed in the claim's ``measures``.

    Raises
    ------
    InputError
        If an entry cannot be imported (the registry and the code disagree).
    """
    found = []
    for dotted in get(claim_id).measures:
        try:
            found.append(importlib.import_module(dotted))
            continue
        except ImportError:
            pass
        module_name, _, name = dotted.rpartition(".")
        try:
            found.append(getattr(importlib.import_module(module_name), name))
        except (ImportError, AttributeError) as error:
            raise InputError(f"claim {claim_id}: cannot import {dotted!r} ({error})") from None
    return found


def ledger():
    """One row per claim (id, title, paragraphs, lessons, datasets, testable form).

    The synthesis lesson starts its claim ledger from this table and adds a verdict
    column the student fills in.

    Examples
    --------
    >>> table = ledger()
    >>> list(table.columns)
    ['id', 'title', 'paragraphs', 'lessons', 'datasets', 'testable_form', 'verdict']
    >>> table.loc[table.id == "C5", "paragraphs"].item()
    'P17'
    """
    import pandas as pd

    rows = [{
        "id": c.id,
        "title": c.title,
        "paragraphs": ", ".join(c.paragraphs),
        "lessons": ", ".join(c.lessons),
        "datasets": ", ".join(c.datasets),
        "testable_form": c.testable_form,
        "verdict": "",
    } for c in _CLAIMS]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# The essay itself (optional: only beside the project, as in CI)
# --------------------------------------------------------------------------------------

_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                       "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_PARAGRAPH = re.compile(r"^\[(P\d+)\]\s+(.*)$")


def fold(text: str) -> str:
    """Fold curly quotes, dashes, markdown emphasis and runs of whitespace for comparison.

    Examples
    --------
    >>> fold("Britain’s  “interests” – *abroad*")
    'Britain\\'s "interests" - abroad'
    """
    return " ".join(re.sub(r"[*_`]", "", text.translate(_FOLD)).split())


def essay_path() -> Path:
    """Where the essay is expected: ``essay/essay.md`` beside the shared data folder."""
    from course import paths

    return paths.shared_data_dir().parent / "essay" / "essay.md"


def essay_paragraphs() -> dict[str, str]:
    """Every numbered paragraph of the essay, ``{"P1": text, ...}``.

    Raises
    ------
    DataError
        If the essay file is not available on this machine.
    """
    path = essay_path()
    if not path.is_file():
        raise DataError(
            f"the essay text is not available here (looked for {path.name} in the shared "
            "folder beside the project; set COURSE_RAW_DIR to its data folder). The "
            "excerpts in the registry work without it."
        )
    paragraphs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _PARAGRAPH.match(line.strip())
        if match:
            paragraphs[match.group(1)] = match.group(2)
    return paragraphs


def essay_paragraph(paragraph: str) -> str:
    """The full text of one essay paragraph (``"P17"`` or ``"[P17]"``).

    Raises
    ------
    InputError
        If the paragraph id does not exist in the essay.
    DataError
        If the essay file is not available.
    """
    key = str(paragraph).strip().strip("[]").upper()
    if key.isdigit():
        key = "P" + key
    paragraphs = essay_paragraphs()
    if key not in paragraphs:
        raise InputError(f"the essay has no paragraph {paragraph!r}; it runs from P1 to "
                         f"P{len(paragraphs)}")
    return paragraphs[key]


def check_excerpts() -> list[str]:
    """Problems with the stored excerpts: each must be verbatim in the paragraph it cites.

    Text may be elided with ``...`` or ``…``; each remaining part is compared after
    :func:`fold`. Returns an empty list when every excerpt checks out.

    Raises
    ------
    DataError
        If the essay file is not available.
    """
    paragraphs = {key: fold(text) for key, text in essay_paragraphs().items()}
    problems = []
    for claim in _CLAIMS:
        for excerpt in claim.excerpts:
            where = paragraphs.get(excerpt.paragraph)
            if where is None:
                problems.append(f"{claim.id}: cites missing paragraph {excerpt.paragraph}")
                continue
            for part in re.split(r"\s*(?:\.\.\.|…)\s*", excerpt.text):
                if fold(part) and fold(part) not in where:
                    problems.append(f"{claim.id} [{excerpt.paragraph}]: not verbatim: "
                                    f"{part[:80]!r}")
    return problems
