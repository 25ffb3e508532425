"""Hand grades of written questions: one append-only file per grader, merged on read.

Scores a grader enters in ``course review`` are kept beside the gradebook, in the folder
``gradebook-hand-grades/``, one JSON Lines file per grader (``ana.jsonl``). Each entry is
appended and flushed to disk as it is made, so nothing is lost if the kernel or the
machine stops; ``course grade`` never writes there. Several graders can work at once:
each appends only to their own file, and reading merges every file — the latest entry
for a (student, question) wins, and it says who entered it and when.

An entry holds the rubric items ticked, an adjustment (plus or minus points), a free
comment, the points they make, and a fingerprint of the answer text graded: when a
student resubmits and the answer changes, the grade is kept but flagged as made on an
earlier answer.

Examples
--------
>>> hand_folder("out/gradebook.csv").as_posix()
'out/gradebook-hand-grades'
>>> answer_digest("  Bipolar,\\n by CINC. ") == answer_digest("Bipolar, by CINC.")
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from course.errors import InputError
from course.grading.author import RubricItem, score_of
from course.grading.untrusted import WRITE_ERRORS, Refused, bounded_json, clean_text, encodable

__all__ = ["HandGrade", "HandGrades", "answer_digest", "hand_folder"]

GRADER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
MAX_COMMENT = 4_000


def hand_folder(gradebook: str | os.PathLike) -> Path:
    path = Path(gradebook)
    return path.with_name(f"{path.stem}-hand-grades")


def answer_digest(text: str) -> str:
    """Fingerprint of an answer's words (spacing and line breaks do not count)."""
    return hashlib.sha256(" ".join(encodable(text).split()).encode("utf-8")).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class HandGrade:
    """One grader's grade of one student's answer to one written question."""

    student_id: str
    question: str
    items: tuple[str, ...]
    adjustment: float
    comment: str
    points: float
    answer_sha256: str
    grader: str
    at: str  # UTC, ISO 8601 with microseconds

    def line(self) -> str:
        record = asdict(self)
        record["items"] = list(self.items)
        return encodable(json.dumps(record, ensure_ascii=False, separators=(",", ":"))) + "\n"


class HandGrades:
    """The hand grades of one gradebook: add one (as a grader), or read them all merged.

    Parameters
    ----------
    folder : path
        The ``<gradebook>-hand-grades`` folder (created when the first grade is saved).
    rubrics : dict
        Question id -> (its points, its rubric items), for every written question.
    grader : str, optional
        Who is grading (needed to save): letters, digits, ``.``, ``_``, ``-``.

    Raises
    ------
    InputError
        A grader name that cannot name a file.
    """

    def __init__(self, folder: str | os.PathLike,
                 rubrics: dict[str, tuple[float, list[RubricItem]]],
                 grader: str | None = None) -> None:
        if grader is not None and not GRADER_NAME.match(grader):
            raise InputError(f"a grader's name is letters, digits, '.', '_' or '-' (up to 40), "
                             f"not {grader!r}")
        self.folder = Path(folder)
        self.rubrics = rubrics
        self.grader = grader
        self.problems: list[str] = []
        self._latest: dict[tuple[str, str], HandGrade] = {}
        self._offsets: dict[Path, int] = {}

    # ------------------------------------------------------------------ writing

    def check(self, question: str, items: list[str], adjustment: float) -> float:
        """The points these ticks make; raises :class:`InputError` for bad input."""
        if question not in self.rubrics:
            known = ", ".join(self.rubrics) or "none"
            raise InputError(f"{question!r} is not a written question of this problem set "
                             f"(written questions: {known})")
        maximum, rubric = self.rubrics[question]
        return score_of(rubric, list(items), adjustment, maximum, question)

    def save(self, student_ids: list[str], question: str, items: list[str], *,
             adjustment: float = 0.0, comment: str = "", answer_sha256: str = ""
             ) -> list[HandGrade]:
        """Record one grade for each of ``student_ids`` (one answer, or a group of
        identical ones); appended to this grader's file and flushed before returning.

        Raises
        ------
        InputError
            No grader named, a question or rubric item that does not exist, or a score
            below 0 or above the question's points. Nothing is written then.
        """
        if self.grader is None:
            raise InputError("name the grader (--grader) to save hand grades")
        points = self.check(question, items, adjustment)
        comment = clean_text(comment, MAX_COMMENT).strip()
        at = _now()
        grades = [HandGrade(sid, question, tuple(items), float(adjustment), comment, points,
                            answer_sha256, self.grader, at) for sid in student_ids]
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.grader}.jsonl"
        with open(path, "a", encoding="utf-8", errors=WRITE_ERRORS) as handle:
            handle.write("".join(g.line() for g in grades))
            handle.flush()
            os.fsync(handle.fileno())
        for grade in grades:
            self._keep(grade)
        return grades

    # ------------------------------------------------------------------ reading

    def _keep(self, grade: HandGrade) -> None:
        key = (grade.student_id, grade.question)
        held = self._latest.get(key)
        if held is None or (grade.at, grade.grader) >= (held.at, held.grader):
            self._latest[key] = grade

    def _parse(self, raw: bytes, where: str) -> HandGrade | None:
        record = bounded_json(raw, max_bytes=100_000, max_depth=4, max_items=10_000,
                              what="a hand-grade line")
        if type(record) is Refused or type(record) is not dict:
            self.problems.append(f"{where}: not a hand-grade entry (skipped)")
            return None
        try:
            items = record["items"]
            if type(items) is not list or not all(type(i) is str for i in items):
                raise InputError("its items are not a list of item ids")
            question, adjustment = record["question"], record.get("adjustment", 0.0)
            points = self.check(question, items, adjustment)
            sid = record["student_id"]  # the gradebook's key: kept exactly, only writable
            return HandGrade(encodable(sid)[:200] if type(sid) is str else "", question,
                             tuple(items),
                             float(adjustment), clean_text(record.get("comment"), MAX_COMMENT),
                             points, clean_text(record.get("answer_sha256"), 64),
                             clean_text(record.get("grader"), 40), clean_text(record["at"], 40))
        except (KeyError, TypeError) as error:
            self.problems.append(f"{where}: missing field {error} (skipped)")
        except InputError as error:
            self.problems.append(f"{where}: {error} (skipped)")
        return None

    def load(self) -> dict[tuple[str, str], HandGrade]:
        """Every grader's latest grade per (student, question); reads only what was
        appended since the last call. Unreadable lines are listed in ``problems``.
        The mapping returned is the store's own: read it, do not change it."""
        if self.folder.is_dir():
            for path in sorted(self.folder.glob("*.jsonl")):
                start = self._offsets.get(path, 0)
                with open(path, "rb") as handle:
                    handle.seek(start)
                    data = handle.read()
                end = data.rfind(b"\n") + 1  # a line still being written waits
                self._offsets[path] = start + end
                for raw in data[:end].split(b"\n")[:-1]:
                    if raw.strip():
                        grade = self._parse(raw, f"{path.name}, entry at byte {start}")
                        if grade is not None:
                            self._keep(grade)
                    start += len(raw) + 1
        return self._latest
