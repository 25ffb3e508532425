"""Grading written answers by question: the review's logic, without any widget.

``course review`` shows every student's answer to one written question in turn, with
the question's rubric as items to tick. Everything it shows and does is computed here,
from plain data, so tests drive it directly; :mod:`course.grading.book.review_app` is a thin
ipywidgets shell over :meth:`Review.view` and the methods that change it.

* **Answers** come from the gradebook (the written answers ``course grade`` kept, for the
  submission that counts) or straight from a folder of submissions, read through the
  trust boundary (:func:`answers_from_gradebook`, :func:`answers_from_submissions`).
* **Groups**: answers with the same words (spacing aside) are one group, graded once;
  every empty answer (left blank, or as it came) is one group too.
* **Blind** by default: a group is shown as "Answer 12 of 190", never with whose it is,
  in an order that does not follow the ids (a fingerprint of the answer decides it).
* **Several graders**: ``part=(k, n)`` gives a grader every n-th group; every grader sees
  everyone's grades as they are saved (:class:`course.grading.book.handgrades.HandGrades`).
* **Progress** counts students: ``w1: 112 / 300 graded``. A grade made on an earlier
  answer (the student resubmitted) does not count until it is regraded.

Examples
--------
>>> answers = [Answer("s1", "Bipolar.", True), Answer("s2", " Bipolar. ", True),
...            Answer("s3", "", False)]
>>> [(g.label, len(g.students)) for g in group_answers(answers, "w1")]
[('No answer', 1), ('Answer 1 of 1', 2)]
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from course.errors import InputError
from course.grading.author import RubricItem
from course.grading.book.handgrades import HandGrade, HandGrades, answer_digest, hand_folder

__all__ = ["Answer", "Group", "Review", "ReviewView", "answers_from_gradebook",
           "answers_from_submissions", "group_answers", "parse_part"]


@dataclass(frozen=True)
class Answer:
    """One student's answer to one written question (text as read, and if answered)."""

    student_id: str
    text: str
    answered: bool


@dataclass
class Group:
    """Answers with the same words (or all the empty ones), graded once."""

    key: str  # the answers' digest
    text: str
    answered: bool
    students: list[str]
    label: str = ""


def group_answers(answers: list[Answer], question: str) -> list[Group]:
    """Group identical answers; the empty group first, then the rest in a blind order."""
    groups: dict[str, Group] = {}
    for answer in answers:
        key = answer_digest(answer.text if answer.answered else "")
        group = groups.setdefault(key, Group(key, answer.text if answer.answered else "",
                                             answer.answered, []))
        group.students.append(answer.student_id)
    empty = [g for g in groups.values() if not g.answered]
    given = sorted((g for g in groups.values() if g.answered),
                   key=lambda g: hashlib.sha256(f"{question}\0{g.key}".encode()).hexdigest())
    for group in empty:
        group.label = "No answer"
    for number, group in enumerate(given, start=1):
        group.label = f"Answer {number} of {len(given)}"
    for group in groups.values():
        group.students.sort()
    return empty + given


def parse_part(text: str) -> tuple[int, int]:
    """``"2/3"`` -> ``(2, 3)``: this grader takes the second of three shares.

    Examples
    --------
    >>> parse_part("2/3")
    (2, 3)
    >>> parse_part("4/3")
    Traceback (most recent call last):
    ...
    course.errors.InputError: --part must look like 2/3 (share 2 of 3), not '4/3'
    """
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(text))
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)) <= 100:
        raise InputError(f"--part must look like 2/3 (share 2 of 3), not {text!r}")
    return int(match.group(1)), int(match.group(2))


@dataclass
class ReviewView:
    """What the review shows now: plain values (the student's text is not escaped here;
    whoever renders it must)."""

    question: str
    title: str
    points: float
    rubric: list[tuple[RubricItem, bool]]  # each item, and whether it is ticked
    adjustment: float
    comment: str
    answer: str
    answered: bool
    label: str  # "Answer 12 of 190", or the ids when names are shown
    group_size: int
    position: int  # 0-based, within this grader's share
    count: int
    progress: str  # "w1: 112 / 300 graded"
    share_progress: str  # "your share: 40 / 100 graded" (several graders)
    state: str  # "not graded", "graded: 2 / 3 by ana", "answer changed since graded ..."
    score: float | None
    students: list[str] = field(default_factory=list)  # only when names are shown


class Review:
    """The review of one written question by one grader.

    Parameters
    ----------
    question : assignment Question (kind ``manual``)
    answers : list of :class:`Answer`, one per student
    store : :class:`HandGrades` for this gradebook, naming the grader
    part : (k, n)
        This grader's share: every n-th group, starting at the k-th.
    blind : bool
        Hide whose answers they are (default).
    on_save : callable, optional
        Called with the student ids just graded (the gradebook and feedback are rewritten
        there).
    """

    def __init__(self, question, answers: list[Answer], store: HandGrades, *,
                 part: tuple[int, int] = (1, 1), blind: bool = True, on_save=None) -> None:
        if question.kind != "manual":
            raise InputError(f"{question.id} is graded by its tests, not by hand: review a "
                             "written question")
        self.question = question
        self.store = store
        self.blind = blind
        self.on_save = on_save
        self.all_groups = group_answers(answers, question.id)
        k, n = part
        self.groups = [g for i, g in enumerate(self.all_groups) if i % n == k - 1]
        self.position = 0
        self.n_students = sum(len(g.students) for g in self.all_groups)

    # ------------------------------------------------------------------ state

    def grade_of(self, group: Group, hand: dict | None = None
                 ) -> tuple[HandGrade | None, bool]:
        """The latest grade of a group, and whether it is current (made on this answer
        for every student of the group)."""
        hand = self.store.load() if hand is None else hand
        grades = [hand.get((sid, self.question.id)) for sid in group.students]
        known = [g for g in grades if g is not None]
        if not known:
            return None, False
        latest = max(known, key=lambda g: (g.at, g.grader))
        current = len(known) == len(grades) and all(g.answer_sha256 == group.key for g in known)
        return latest, current

    def _graded(self, groups: list[Group], hand: dict) -> int:
        return sum(len(g.students) for g in groups if self.grade_of(g, hand)[1])

    def view(self) -> ReviewView:
        if not self.groups:
            raise InputError(f"no answers to {self.question.id} in this share")
        group = self.groups[self.position]
        hand = self.store.load()
        grade, current = self.grade_of(group, hand)
        ticked = set(grade.items) if grade else set()
        if grade is None:
            state = "not graded"
        elif current:
            state = (f"graded: {grade.points:g} / {self.question.points:g} by {grade.grader}"
                     f" ({grade.at[:16].replace('T', ' ')} UTC)")
        else:
            state = (f"to grade again: the answer changed since {grade.grader} gave "
                     f"{grade.points:g} (or some of the group are not graded)")
        graded = self._graded(self.all_groups, hand)
        mine = sum(len(g.students) for g in self.groups)
        share = (f"your share: {self._graded(self.groups, hand)} / {mine} graded"
                 if len(self.groups) != len(self.all_groups) else "")
        label = group.label if self.blind else ", ".join(group.students)
        return ReviewView(
            self.question.id, self.question.title, self.question.points,
            [(item, item.id in ticked) for item in self.question.rubric],
            grade.adjustment if grade else 0.0, grade.comment if grade else "",
            group.text, group.answered, label, len(group.students), self.position,
            len(self.groups), f"{self.question.id}: {graded} / {self.n_students} graded",
            share, state, grade.points if grade else None,
            [] if self.blind else list(group.students))

    # ------------------------------------------------------------------ moving

    def go(self, position: int) -> None:
        if not self.groups:
            return
        self.position = max(0, min(len(self.groups) - 1, int(position)))

    def next(self) -> None:
        self.go(self.position + 1)

    def previous(self) -> None:
        self.go(self.position - 1)

    def next_ungraded(self) -> bool:
        """Move to the next group not graded (wrapping round); False if there is none."""
        n = len(self.groups)
        hand = self.store.load()
        for step in range(1, n + 1):
            index = (self.position + step) % n
            if not self.grade_of(self.groups[index], hand)[1]:
                self.position = index
                return True
        return False

    # ------------------------------------------------------------------ grading

    def grade(self, items: list[str], adjustment: float = 0.0, comment: str = ""
              ) -> list[HandGrade]:
        """Grade the current group (every student in it): saved before this returns.

        Raises
        ------
        InputError
            A rubric item the question does not have, or a score outside 0..points.
        """
        group = self.groups[self.position]
        order = [i.id for i in self.question.rubric]
        items = sorted(dict.fromkeys(items), key=lambda i: order.index(i) if i in order else -1)
        saved = self.store.save(group.students, self.question.id, items,
                                adjustment=adjustment, comment=comment,
                                answer_sha256=group.key)
        if self.on_save is not None:
            self.on_save(list(group.students))
        return saved

    def toggle(self, item_id: str) -> list[HandGrade]:
        """Tick or untick one rubric item of the current group (and save)."""
        view = self.view()
        ticked = [i.id for i, on in view.rubric if on]
        ticked = [i for i in ticked if i != item_id] if item_id in ticked else ticked + [item_id]
        return self.grade(ticked, view.adjustment, view.comment)


# --------------------------------------------------------------------------- answers


def answers_from_gradebook(path: str | os.PathLike, spec, question: str) -> list[Answer]:
    """Each student's answer to ``question`` in the submission their row counts.

    Raises
    ------
    InputError
        No gradebook there, a gradebook of another problem set, or no written answers
        kept for some rows (graded before ``course grade`` kept them).
    """
    from course.grading.book.gradebook import open_gradebook

    path = Path(path)
    book = open_gradebook(path, spec)
    answers, missing = [], []
    for sid, row in sorted(book.current().items()):
        details = book.details.get(row["source_file"])
        if details is None or details.submission_sha256 != row["submission_sha256"]:
            if row["submission_sha256"]:
                missing.append(sid)
                continue
            answers.append(Answer(sid, "", False))  # the file could not be read at all
            continue
        answers.append(Answer(sid, details.written.get(question, ""),
                              bool(details.answered.get(question))))
    if missing:
        raise InputError(f"{path.name} has no written answers kept for {len(missing)} "
                         f"student(s) (e.g. {missing[0]}): they were graded before course "
                         "grade kept them; run course grade again with --regrade")
    return answers


def answers_from_submissions(items: list[str], spec, question: str, *,
                             id_pattern: str | None = None,
                             download: str | None = None) -> list[Answer]:
    """Each student's answer, read from their latest submission file (by modification
    time) through the trust boundary."""
    from course.grading import untrusted
    from course.grading.author import written_answer_given
    from course.grading.run import collect

    submissions, _ = collect(items, spec.name, id_pattern=id_pattern, download=download)
    latest: dict[str, tuple[float, str, Answer]] = {}
    for sub in submissions:
        if sub.kind != "notebook":  # a student's other file, or a linked folder
            latest.setdefault(sub.student_id, (float("-inf"), sub.source,
                                               Answer(sub.student_id, "", False)))
            continue
        try:
            file = untrusted.read_submission(sub.path)
        except untrusted.Refused:
            answer, mtime = Answer(sub.student_id, "", False), sub.mtime
        else:
            check = untrusted.check_notebook(file.data, spec.name, spec.handout)
            text = check.written.get(question, "") if check.status == "ok" else ""
            given = written_answer_given(text, spec.written_prompts.get(question))
            answer, mtime = Answer(sub.student_id, text, given), file.mtime
        held = latest.get(sub.student_id)
        if held is None or (mtime, sub.source) > held[:2]:
            latest[sub.student_id] = (mtime, sub.source, answer)
    if not latest:
        raise InputError("no .ipynb submissions found in " + ", ".join(items))
    return [latest[sid][2] for sid in sorted(latest)]


def open_review(spec, question: str, *, gradebook: str | os.PathLike,
                submissions: list[str] | None = None, grader: str,
                part: tuple[int, int] = (1, 1), blind: bool = True,
                feedback_dir: str | os.PathLike | None = None) -> Review:
    """The :class:`Review` of ``question`` for a gradebook (answers from the gradebook,
    or from ``submissions``); each save rewrites the gradebook (if it exists) and the
    graded students' feedback (with ``feedback_dir``)."""
    from course.grading.book.gradebook import refresh, written_rubrics

    written = [q for q in spec.questions if q.kind == "manual"]
    if not written:
        raise InputError(f"{spec.name} has no written questions to review")
    by_id = {q.id: q for q in spec.questions}
    if question not in by_id:
        raise InputError(f"{spec.name} has no question {question!r}; its written questions "
                         f"are {', '.join(q.id for q in written)}")
    answers = (answers_from_submissions(submissions, spec, question) if submissions
               else answers_from_gradebook(gradebook, spec, question))
    store = HandGrades(hand_folder(gradebook), written_rubrics(spec), grader)
    ledger = Path(gradebook).with_name(f"{Path(gradebook).stem}-submissions.csv")

    def on_save(students: list[str]) -> None:
        if ledger.is_file():
            refresh(gradebook, spec, feedback_dir=feedback_dir, students=students)

    return Review(by_id[question], answers, store, part=part, blind=blind, on_save=on_save)
