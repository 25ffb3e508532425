"""Rubrics of written questions: items with an id, points, what to look for, and a comment.

A hand-graded question in ``assignment.yaml`` lists its rubric as items to tick::

    rubric:
      - id: verdict
        points: 1
        text: "a verdict backed by a number from the data (the reference value here)"
        comment: "Your verdict rests on a number from the data."

``text`` is what the grader looks for (instructors only: it may hold reference values);
``comment`` is what the student reads in their feedback when the item is ticked. A
question's score is the sum of its ticked items plus an optional adjustment, between 0
and the question's points.

Older problem sets wrote a rubric as one string, or as a list of strings starting with
their points (``"1 point: ..."``). Both are still read: each string becomes an item
``r1``, ``r2``... with the points of its prefix (or the question's points shared out),
and its text doubles as the comment.

Examples
--------
>>> items = parse_rubric(["1 point: names a number", "2 points: a caveat"], 3.0, "w1")
>>> [(i.id, i.points, i.text) for i in items]
[('r1', 1.0, 'names a number'), ('r2', 2.0, 'a caveat')]
>>> parse_rubric("Names the largest share.", 1.0, "w1")[0].comment
'Names the largest share.'
>>> parse_rubric([{"id": "x", "points": 4, "text": "t", "comment": "c"}], 3.0, "w1")
Traceback (most recent call last):
...
course.errors.InputError: w1's rubric items add up to 4 points, more than the question's 3
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from course.errors import InputError

__all__ = ["RubricItem", "parse_rubric", "score_of"]

ITEM_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
_LEGACY_POINTS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s+points?\s*:\s*", re.IGNORECASE)
_KEYS = {"id", "points", "text", "comment"}


@dataclass(frozen=True)
class RubricItem:
    """One item of a rubric: ticked or not, worth ``points``."""

    id: str
    points: float
    text: str
    comment: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "points": self.points, "text": self.text,
                "comment": self.comment}


def _points_text(value: float) -> str:
    return f"{value:g}"


def _legacy(raw: list[str] | str, points: float) -> list[RubricItem]:
    texts = [raw] if isinstance(raw, str) else list(raw)
    found = [_LEGACY_POINTS.match(t) for t in texts]
    share = points / len(texts)
    items = []
    for n, (text, match) in enumerate(zip(texts, found, strict=True), start=1):
        body = text[match.end():].strip() if match else text.strip()
        items.append(RubricItem(f"r{n}", float(match.group(1)) if match else share, body, body))
    return items


def parse_rubric(raw: Any, points: float, where: str) -> list[RubricItem]:
    """Check a question's ``rubric`` and return its items.

    Parameters
    ----------
    raw : list of mappings (the schema), a string, or a list of strings (older forms)
    points : float
        The question's points; the items may not add up to more.
    where : str
        How to name the question in an error ("solutions/ps1/assignment.yaml: w1").

    Raises
    ------
    InputError
        A missing or repeated id, points that are not a positive number, an empty text or
        comment, an unknown key, or items worth more than the question.
    """
    if isinstance(raw, str) or (isinstance(raw, list) and raw
                                and all(isinstance(r, str) for r in raw)):
        items = _legacy(raw, points)
    elif isinstance(raw, list) and raw and all(isinstance(r, dict) for r in raw):
        items = []
        for n, entry in enumerate(raw, start=1):
            unknown = sorted(set(map(str, entry)) - _KEYS)
            if unknown:
                raise InputError(f"{where}: rubric item #{n} has unknown key(s) "
                                 f"{', '.join(unknown)}; an item has id, points, text, comment")
            item_id = entry.get("id")
            if not isinstance(item_id, str) or not ITEM_ID.match(item_id):
                raise InputError(f"{where}: rubric item #{n} needs an `id` made of letters, "
                                 f"digits, - or _ (like `verdict`), not {item_id!r}")
            value = entry.get("points")
            if type(value) is bool or not isinstance(value, int | float) or value <= 0:
                raise InputError(f"{where}: rubric item {item_id}'s `points` must be a "
                                 f"positive number, not {value!r}")
            text, comment = entry.get("text"), entry.get("comment")
            for key, given in (("text", text), ("comment", comment)):
                if not isinstance(given, str) or not given.strip():
                    raise InputError(f"{where}: rubric item {item_id} needs a `{key}` (what "
                                     + ("the grader looks for)" if key == "text" else
                                        "the student reads when it is ticked)"))
            items.append(RubricItem(item_id, float(value), text.strip(), comment.strip()))
    else:
        raise InputError(f"{where}: `rubric` must be a list of items (id, points, text, "
                         f"comment), not {type(raw).__name__}")
    ids = [i.id for i in items]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise InputError(f"{where}: rubric item ids repeat: {', '.join(repeated)}")
    total = sum(i.points for i in items)
    if total > points + 1e-9:
        raise InputError(f"{where}'s rubric items add up to {_points_text(total)} points, "
                         f"more than the question's {_points_text(points)}")
    return items


def score_of(items: list[RubricItem], ticked: list[str], adjustment: float, maximum: float,
             where: str) -> float:
    """The points of a hand grade: ticked items plus the adjustment, checked.

    Raises
    ------
    InputError
        An item the rubric does not have, or a score outside 0..``maximum``.

    Examples
    --------
    >>> rubric = parse_rubric(["1 point: a", "1 point: b"], 2.0, "w1")
    >>> score_of(rubric, ["r2"], 0.5, 2.0, "w1")
    1.5
    >>> score_of(rubric, ["r9"], 0, 2.0, "w1")
    Traceback (most recent call last):
    ...
    course.errors.InputError: w1 has no rubric item 'r9' (its items: r1, r2)
    """
    known = {i.id: i for i in items}
    for item_id in ticked:
        if item_id not in known:
            raise InputError(f"{where} has no rubric item {item_id!r} (its items: "
                             f"{', '.join(known)})")
    if len(set(ticked)) != len(ticked):
        raise InputError(f"{where}: a rubric item is ticked twice")
    if type(adjustment) is bool or not isinstance(adjustment, int | float) or \
            adjustment != adjustment:
        raise InputError(f"{where}: the adjustment must be a number, not {adjustment!r}")
    score = round(sum(known[i].points for i in ticked) + float(adjustment), 6)
    if score > maximum + 1e-9:
        raise InputError(f"{where}: a score of {_points_text(score)} is above the question's "
                         f"maximum of {_points_text(maximum)}")
    if score < -1e-9:
        raise InputError(f"{where}: a score of {_points_text(score)} is below 0")
    return score
