"""Every blockquoted essay excerpt is verbatim and sits in the paragraph it cites.

Convention: ``> "…text…" [P13]``. A blockquote may hold several quotations, each
followed by its paragraph id, and may elide words with ``…``, ``...`` or ``[…]``.
Each remaining fragment must occur, word for word, in the cited paragraph. Typographic
variants (curly vs straight quotes, dashes, spacing, markdown emphasis) and the case of
a fragment's first letter are not counted as differences.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import pytest

from course.paths import shared_data_dir

pytestmark = pytest.mark.needs("essay")

FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                      "\u2013": "-", "\u2014": "-", "\u00a0": " "})
PARAGRAPH = re.compile(r"^\[P(\d+)\]\s+(.*)$")
CITATION = re.compile(r"\[P(\d+)\]")
ELISION = re.compile(r"\s*(?:\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…)\s*")
QUOTED = re.compile(r'"([^"]+)"')


def fold(text: str) -> str:
    """Normalise typography and whitespace; drop markdown emphasis marks."""
    return " ".join(re.sub(r"[*_`]", "", text.translate(FOLD)).split())


def essay_path():
    return shared_data_dir().parent / "essay" / "essay.md"


@lru_cache(maxsize=1)
def paragraphs() -> dict[str, str]:
    """Paragraph id (``"P13"``) -> folded text, from the essay file."""
    found = {}
    for line in essay_path().read_text(encoding="utf-8").splitlines():
        match = PARAGRAPH.match(line.strip())
        if match:
            found[f"P{match.group(1)}"] = fold(match.group(2))
    return found


def blockquotes(cells) -> list[tuple[int, str]]:
    """(cell number, text) of each blockquote in the markdown cells."""
    quotes = []
    for number, cell in enumerate(cells, start=1):
        if cell["cell_type"] != "markdown":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        block: list[str] = []
        for line in source.splitlines() + [""]:
            stripped = line.lstrip()
            if stripped.startswith(">"):
                block.append(stripped[1:].strip())
            elif block:
                quotes.append((number, " ".join(block)))
                block = []
    return quotes


def _matches(fragment: str, text: str) -> bool:
    if fragment in text:
        return True
    # Allow the first letter's case to change ("the goal is" quoted from "The goal is").
    return any(variant in text for variant in (fragment[:1].upper() + fragment[1:],
                                               fragment[:1].lower() + fragment[1:]))


def quote_problems(quote: str, essay: dict[str, str]) -> list[str]:
    """Why a blockquote is not a verbatim, correctly cited excerpt (empty list if it is)."""
    quote = fold(quote)
    ids = CITATION.findall(quote)
    if not ids:
        return [f"no paragraph id such as [P10] after: {quote[:80]!r}"]
    problems = []
    # Split into segments, each ending with its citation: 'text [P5]; text [P13]'.
    pieces = CITATION.split(quote)  # [text, id, text, id, ..., trailing]
    for text, number in zip(pieces[0::2], pieces[1::2], strict=False):
        pid = f"P{number}"
        if pid not in essay:
            problems.append(f"[{pid}] is not a paragraph of the essay")
            continue
        inner = QUOTED.findall(text) or [text]
        for passage in inner:
            for fragment in ELISION.split(passage):
                fragment = fragment.strip(" \"'.,;:—-()")
                if fragment and not _matches(fragment, essay[pid]):
                    where = [p for p, t in essay.items() if _matches(fragment, t)]
                    hint = f" (it is in {', '.join(where)})" if where else ""
                    problems.append(f"not verbatim in [{pid}]{hint}: {fragment[:90]!r}")
    return problems


def notebook_problems(path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    essay = paragraphs()
    return [f"cell {number}: {problem}" for number, quote in blockquotes(cells)
            for problem in quote_problems(quote, essay)]


def test_the_essay_is_found_and_numbered():
    essay = paragraphs()
    assert essay_path().is_file(), f"essay not found at {essay_path()}"
    assert len(essay) >= 20 and "P1" in essay and "P20" in essay


def test_excerpts_are_verbatim_and_cited(notebook):
    assert notebook is not None, "no notebooks found"
    problems = notebook_problems(notebook)
    assert not problems, f"{notebook.name}:\n  " + "\n  ".join(problems)


# The checker itself must catch misquotes.

def test_checker_accepts_exact_and_elided_quotes():
    essay = paragraphs()
    assert quote_problems('"a world that is multipolar, but still U.S. led" [P10]', essay) == []
    assert quote_problems(
        "\u201cgood diplomacy in multipolar systems benefits from flexibility\u201d [P5]; "
        '"the goal is burden shifting, … not burden sharing" [P5]', essay) == []
    assert quote_problems('"As Christopher Layne said, [...] the goal is burden shifting" [P5]',
                          essay) == []


def test_checker_rejects_misquotes_wrong_ids_and_missing_ids():
    essay = paragraphs()
    assert "not verbatim in [P10]" in quote_problems(
        '"a world that is bipolar, but still U.S. led" [P10]', essay)[0]
    wrong_paragraph = quote_problems('"a world that is multipolar, but still U.S. led" [P11]',
                                     essay)[0]
    assert "not verbatim in [P11]" in wrong_paragraph and "(it is in P10)" in wrong_paragraph
    assert "not a paragraph" in quote_problems('"anything at all" [P99]', essay)[0]
    assert "no paragraph id" in quote_problems('"a world that is multipolar"', essay)[0]
