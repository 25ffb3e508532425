"""The gradebook: one current row per student, and a ledger of every submission graded.

Two CSV files, both rewritten atomically (a temporary file, then :func:`os.replace`,
under a lock shared with ``course review``) after **every** graded submission, so a run
that is stopped keeps all it graded and a re-run resumes; and two records beside them:

``gradebook.csv``
    One row per student: ``student_id, assignment, <one column per question>, total,
    max_total, status, written_status, message, flags, submissions, source_file,
    submission_sha256, graded_at``. Written questions hold the points graded by hand
    (``course review``), empty until then, and ``total`` includes them;
    ``written_status`` says ``graded``, ``to grade: w1`` or ``answer changed since
    graded: w1``. ``source_file`` is the file that counts; ``submissions`` how many
    files the student handed in.
``gradebook-submissions.csv`` (the ledger, beside it)
    One row per submission file ever graded into this gradebook, with ``counts`` (yes or
    no), the file's modification time and the fingerprint of the tests it was graded
    with. A re-run skips a file whose path, content and tests are unchanged.
``gradebook-details.jsonl``, ``gradebook-hand-grades/`` (beside it)
    The written answers, test results and cell errors of every graded submission
    (:mod:`course.grading.book.details`), and the hand grades, one file per grader
    (:mod:`course.grading.book.handgrades`), which ``course grade`` never writes.

Which submission counts, when a student has several: the latest (by the file's
modification time) unless ``keep`` says ``earliest`` or ``best``. ``flags`` says so on
the student's row, and also when the notebook's metadata names another student, when
two students handed in byte-identical files, and when an id had to be guarded against
spreadsheet formulas.

Ids are written exactly as collected. A spreadsheet would run a cell starting with
``=``, ``+``, ``-`` or ``@`` as a formula: such a value gets a leading ``'`` (and the
row a flag saying so). Real LMS ids never start that way, so matching ids in an LMS
import is not affected; free-text columns get the same guard.

Examples
--------
>>> gradebook_columns(["q1", "w1"])[:4]
['student_id', 'assignment', 'q1', 'w1']
>>> cell_safe("=HYPERLINK(1)"), cell_unsafe(cell_safe("=HYPERLINK(1)"))
("'=HYPERLINK(1)", '=HYPERLINK(1)')
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import re
import tempfile
import unicodedata
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: one grader at a time
    fcntl = None

from course.errors import InputError
from course.grading import testing
from course.grading.book.details import Details, append_details, read_details
from course.grading.book.handgrades import HandGrade, HandGrades, answer_digest, hand_folder
from course.grading.run import NOT_RUN, UNTOUCHED, Grade, GradingSpec
from course.grading.untrusted import WRITE_ERRORS, encodable, lookalike_key, visible

__all__ = ["Gradebook", "KEEP", "feedback_markdown", "feedback_name", "refresh",
           "write_feedback"]

KEEP = ("latest", "earliest", "best")
_START = ["student_id", "assignment"]
_GRADEBOOK_END = ["total", "max_total", "status", "written_status", "message", "flags",
                  "submissions", "source_file", "submission_sha256", "graded_at"]
_LEDGER_END = ["total", "max_total", "status", "message", "flags", "source_file",
               "source_mtime", "submission_sha256", "spec_fingerprint", "graded_at", "counts"]
_TEXT = {"student_id", "message", "flags", "source_file"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
#: Statuses a resumed run grades again (the grader, not the submission, failed).
_AGAIN = {"grader_error", "stopped", "tests_crashed"}


def gradebook_columns(question_ids: list[str]) -> list[str]:
    """The gradebook's header for a problem set with these questions."""
    return [*_START, *question_ids, *_GRADEBOOK_END]


def ledger_columns(question_ids: list[str]) -> list[str]:
    """The ledger's header."""
    return [*_START, *question_ids, *_LEDGER_END]


def ledger_path(path: str | os.PathLike) -> Path:
    path = Path(path)
    return path.with_name(f"{path.stem}-submissions.csv")


def cell_safe(text: str) -> str:
    """Guard a CSV value against being run as a spreadsheet formula (reversible)."""
    return "'" + text if text[:1] in _FORMULA or text[:1] == "'" else text


def cell_unsafe(text: str) -> str:
    """Undo :func:`cell_safe`."""
    return text[1:] if text[:1] == "'" and (text[1:2] in _FORMULA or text[1:2] == "'") \
        else text


def _number(value: float | None) -> str:
    if value is None:
        return ""
    value = round(value, 4)
    return f"{value:.4f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def _atomic_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    # CRLF line ends (RFC 4180): a value holding a bare CR or LF is then quoted, never read
    # back as the end of a row
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: cell_safe(encodable(str(row.get(k, "")))) if k in _TEXT
                         else encodable(str(row.get(k, ""))) for k in header})
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors=WRITE_ERRORS, newline="") as handle:
            handle.write(buffer.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _read_csv(path: Path, header: list[str], what: str) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != header:
            raise InputError(f"{path.name} has other columns than {what} (another "
                             "problem set's, or an older format); course grade can write a "
                             "new one with --out")
        return [{k: cell_unsafe(v) if k in _TEXT else v for k, v in row.items()}
                for row in reader]


def written_rubrics(spec: GradingSpec) -> dict:
    """Question id -> (points, rubric items) for the written questions of ``spec``."""
    return {q.id: (q.points, list(q.rubric)) for q in spec.questions if q.kind == "manual"}


@contextlib.contextmanager
def _locked(path: Path):
    """Hold the gradebook's lock (a ``.<name>.lock`` file beside it) while rewriting it:
    ``course grade`` and every grader's review rewrite it from the files on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_name(f".{path.name}.lock")
    with open(lock, "a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


class Gradebook:
    """A gradebook and its ledger on disk; :meth:`record` each grade as it comes.

    Raises
    ------
    InputError
        If the files exist with other columns (another problem set, or an older format),
        or the gradebook exists without its ledger.
    """

    def __init__(self, path: str | os.PathLike, spec: GradingSpec, *, keep: str = "latest"
                 ) -> None:
        if keep not in KEEP:
            raise InputError(f"keep must be one of {', '.join(KEEP)}, not {keep!r}")
        self.path = Path(path)
        self.ledger = ledger_path(self.path)
        self.spec = spec
        self.keep = keep
        self.questions = [q.id for q in spec.questions]
        self.rows: dict[str, dict[str, str]] = {}  # ledger rows by source file
        self.details: dict[str, Details] = read_details(self.path)
        self.hand = HandGrades(hand_folder(self.path), written_rubrics(spec))
        if self.ledger.exists():
            for row in _read_csv(self.ledger, ledger_columns(self.questions),
                                 f"a {spec.name} gradebook ledger"):
                self.rows[row["source_file"]] = row
        if self.path.exists():
            _read_csv(self.path, gradebook_columns(self.questions), f"a {spec.name} gradebook")
            if not self.ledger.exists():
                raise InputError(f"{self.path.name} exists but its ledger {self.ledger.name} "
                                 "does not: restore it, or write to a new file with --out")

    # ------------------------------------------------------------------ recording

    def already_graded(self, source: str, sha256: str) -> bool:
        """Was this file, with this content, graded with these tests already?"""
        row = self.rows.get(source)
        return (row is not None and bool(sha256) and row["submission_sha256"] == sha256
                and row["spec_fingerprint"] == self.spec.fingerprint
                and row["status"] not in _AGAIN)

    def record(self, grade: Grade) -> bool:
        """Add (or replace) a graded submission and rewrite both files; returns whether
        it is the one that counts for its student."""
        row = {"student_id": grade.student_id, "assignment": grade.assignment}
        for qid in self.questions:
            row[qid] = _number(grade.scores.get(qid))
        flags = list(grade.flags)
        if grade.metadata_id is not None and grade.metadata_id != grade.student_id:
            flags.append(f"notebook metadata names student '{visible(grade.metadata_id)}'")
        row.update({"total": _number(grade.total), "max_total": _number(grade.max_total),
                    "status": grade.status, "message": " ".join(grade.message.split()),
                    "flags": "; ".join(flags), "source_file": grade.source or grade.path,
                    "source_mtime": f"{grade.mtime:.6f}",
                    "submission_sha256": grade.submission_sha256,
                    "spec_fingerprint": grade.spec_fingerprint or self.spec.fingerprint,
                    "graded_at": grade.graded_at, "counts": ""})
        self.rows[row["source_file"]] = row
        self.details[row["source_file"]] = append_details(self.path, grade)
        current = self.write()
        return current.get(grade.student_id, {}).get("source_file") == row["source_file"]

    # ------------------------------------------------------------------ which counts

    def _pick(self, rows: list[dict[str, str]]) -> dict[str, str]:
        def when(r: dict[str, str]) -> tuple[float, str]:
            return _float(r["source_mtime"]), r["source_file"]

        if self.keep == "earliest":
            return min(rows, key=when)
        if self.keep == "best":
            return max(rows, key=lambda r: (_float(r["total"]), when(r)))
        return max(rows, key=when)

    def current(self) -> dict[str, dict[str, str]]:
        """The row that counts for each student (with its flags), by student id."""
        by_student: dict[str, list[dict[str, str]]] = {}
        by_sha: dict[str, set[str]] = {}
        for row in self.rows.values():
            by_student.setdefault(row["student_id"], []).append(row)
            if row["submission_sha256"]:
                by_sha.setdefault(row["submission_sha256"], set()).add(row["student_id"])
        out = {}
        looks: dict[str, set[str]] = {}
        for sid in by_student:
            looks.setdefault(lookalike_key(sid), set()).add(sid)
        for sid, rows in by_student.items():
            graded = [r for r in rows if r["status"] not in NOT_RUN]
            chosen = self._pick(graded or rows)
            flags = [f for f in chosen["flags"].split("; ") if f]
            if len(rows) > 1:
                others = sorted((r for r in rows if r is not chosen),
                                key=lambda r: r["source_file"])
                shown = ", ".join(f"{r['source_file']} ({r['total']}, {r['status']})"
                                  for r in others[:5])
                more = f" and {len(others) - 5} more" if len(others) > 5 else ""
                flags.append(f"{len(rows)} submissions, counted: the {self.keep} "
                             f"({chosen['source_file']}), not counted: {shown}{more}")
                if self.keep != "best" and any(
                        r["source_mtime"] == chosen["source_mtime"] for r in others):
                    flags.append("another submission has the same modification time: the "
                                 "one counted was chosen by file name")
            twins = sorted(by_sha.get(chosen["submission_sha256"], set()) - {sid})
            if twins and UNTOUCHED not in flags:
                flags.append("same file (byte for byte) as "
                             + ", ".join(visible(t) for t in twins[:5])
                             + (f" and {len(twins) - 5} more" if len(twins) > 5 else ""))
            alike = sorted(looks[lookalike_key(sid)] - {sid})
            if alike:
                flags.append(f"the id '{visible(sid)}' looks like "
                             + ", ".join(f"'{visible(a)}'" for a in alike[:5])
                             + ": two students, or one under two spellings? (ids are kept "
                             "exactly as collected)")
            elif visible(sid) != sid:
                flags.append(f"the id holds invisible or direction-changing characters: "
                             f"'{visible(sid)}'")
            if sid[:1] in _FORMULA or sid[:1] == "'":
                flags.append("the id starts with a character a spreadsheet reads as a "
                             "formula: it is written with a leading '")
            elif unicodedata.normalize("NFC", sid) != sid:
                flags.append("the id is not in Unicode NFC form (as macOS writes file names): "
                             "an LMS may not match it")
            out[sid] = {**chosen, "flags": "; ".join(flags), "submissions": str(len(rows))}
        return out

    def write(self) -> dict[str, dict[str, str]]:
        """Rewrite the ledger, then the gradebook with the hand grades merged in (both
        atomically, under the gradebook's lock); return current rows."""
        with _locked(self.path):
            current = self.current()
            counted = {row["source_file"] for row in current.values()}
            ledger_rows = sorted(self.rows.values(),
                                 key=lambda r: (r["student_id"], r["source_file"]))
            for row in ledger_rows:
                row["counts"] = "yes" if row["source_file"] in counted else "no"
            _atomic_csv(self.ledger, ledger_columns(self.questions), ledger_rows)
            hand = self.hand.load()
            rows = [self.with_hand(current[sid], hand) for sid in sorted(current)]
            _atomic_csv(self.path, gradebook_columns(self.questions), rows)
        return current

    # ------------------------------------------------------------------ hand grades

    def answer_digests(self, row: dict[str, str]) -> dict[str, str] | None:
        """Fingerprints of the written answers of the submission a row counts (None when
        its details were not kept)."""
        details = self.details.get(row["source_file"])
        if details is None or details.submission_sha256 != row["submission_sha256"]:
            return None
        return {q: answer_digest(details.written.get(q, "") if details.answered.get(q) else "")
                for q in self.spec_manual()}

    def spec_manual(self) -> list[str]:
        return [q.id for q in self.spec.questions if q.kind == "manual"]

    def hand_for(self, student_id: str) -> dict[str, HandGrade]:
        """This student's hand grades, by question."""
        hand = self.hand.load()
        return {q: hand[(student_id, q)] for q in self.spec_manual() if (student_id, q) in hand}

    def with_hand(self, row: dict[str, str],
                  hand: dict[tuple[str, str], HandGrade]) -> dict[str, str]:
        """A gradebook row with its written questions' hand points, the total with them,
        and ``written_status``: ``graded``, ``to grade: w1`` or ``answer changed since
        graded: w1`` (the points of the earlier answer are kept until it is regraded)."""
        manual = self.spec_manual()
        if not manual:
            return {**row, "written_status": ""}
        out = dict(row)
        digests = self.answer_digests(row)
        total = _float(row["total"])
        pending, changed = [], []
        for qid in manual:
            grade = hand.get((row["student_id"], qid))
            if grade is None:
                pending.append(qid)
                continue
            out[qid] = _number(grade.points)
            total += round(grade.points, 4)
            if digests is not None and grade.answer_sha256 != digests[qid]:
                changed.append(qid)
        out["total"] = _number(round(total, 4))
        status = []
        if pending:
            status.append("to grade: " + ", ".join(pending))
        if changed:
            status.append("answer changed since graded: " + ", ".join(changed))
        out["written_status"] = "; ".join(status) or "graded"
        return out

    def notes(self) -> list[str]:
        """One line per student with several submissions or a shared file (for the log)."""
        lines = []
        for sid, row in sorted(self.current().items()):
            for flag in row["flags"].split("; "):
                if flag.startswith(("same file", "notebook metadata", "the id ",
                                    "handed in late", "also handed in")) \
                        or " submissions" in flag:
                    lines.append(f"{visible(sid)}: {flag}")
        return lines


# --------------------------------------------------------------------------- feedback


# What can start markup in the middle of a line (the text is always put mid-line, so list,
# heading and table syntax, which need a line start, cannot arise).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]!|<>&~])")


def md_text(text: str) -> str:
    r"""Student-influenced text as inert Markdown: every markup character escaped.

    Examples
    --------
    >>> md_text("<script>alert(1)</script> **x** [a](b)")
    '\\<script\\>alert(1)\\</script\\> \\*\\*x\\*\\* \\[a\\](b)'
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(encodable(str(text)).split()))


def md_block(text: str) -> str:
    """Text shown verbatim in a fenced code block whose fence it cannot close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _points(value: float) -> str:
    return _number(value)


def _hand_lines(question, grade: HandGrade | None, answered: bool) -> list[str]:
    lines = ["Your written answer was received." if answered else
             "No written answer was found (the answer cell is empty or still holds the text "
             "it came with)."]
    if grade is None:
        return lines + [""]
    comments = {item.id: item for item in question.rubric}
    for item_id in grade.items:
        item = comments[item_id]
        lines.append(f"- ✓ {md_text(item.comment)} (+{_points(item.points)})")
    if grade.adjustment:
        sign = "+" if grade.adjustment > 0 else "−"
        lines.append(f"- adjustment: {sign}{_points(abs(grade.adjustment))}")
    if grade.comment:
        lines += ["", f"Comment: {md_text(grade.comment)}"]
    return lines + [""]


def feedback_markdown(spec: GradingSpec, grade: Grade,
                      hand: dict[str, HandGrade] | None = None) -> str:
    """A student's feedback: score per question, what each test said, errors seen, and
    the rubric items and comment of each written question graded by hand (``hand``).

    Everything that can hold a student's text (ids, test messages quoting answers, the
    exceptions their cells raised) is escaped, or shown in a code block.
    """
    hand = hand or {}
    title = f"# {md_text(spec.title)}: feedback for {md_text(grade.student_id)}"
    lines = [title, ""]
    ungraded = [q.id for q in spec.questions
                if grade.scores.get(q.id) is None and q.id not in hand]
    total = grade.total + sum(g.points for g in hand.values())
    lines.append(f"**Score: {_points(round(total, 6))} / {_points(grade.max_total)}**"
                 + (" (written answers are graded by hand and not yet included)"
                    if ungraded else ""))
    lines.append("")
    if grade.status != "ok":
        lines += [f"> Status: {md_text(grade.status)} — {md_text(grade.message)}", ""]
    by_question: dict[str, list] = {}
    for result in grade.results:
        by_question.setdefault(result.question, []).append(result)
    for question in spec.questions:
        got = grade.scores.get(question.id)
        if question.id in hand:
            got = hand[question.id].points
        shown = "graded by hand" if got is None else f"{_points(got)} / {_points(question.points)}"
        lines.append(f"## {question.id}: {md_text(question.title)} ({shown})")
        lines.append("")
        if question.kind == "manual":
            lines += _hand_lines(question, hand.get(question.id),
                                 bool(grade.answered.get(question.id)))
            continue
        errors = [e for e in grade.cell_errors if e.get("question") == question.id]
        for error in errors[:2]:
            lines += ["Your answer cell raised an error:", "", md_block(error["error"]), ""]
        mine = by_question.get(question.id, [])
        messages = {r.message for r in mine}
        if mine and not any(r.passed for r in mine) and len(messages) == 1:
            message = mine[0].message
            if errors and " because your answer cell raised" in message:
                message = message.split(" because ")[0] + " (because of the error above)."
            lines += [f"- {len(mine)} check(s) failed: {md_text(message)}", ""]
            continue
        for result in mine:
            label = "hidden test" if result.hidden else "public check"
            mark = "passed" if result.passed else "failed"
            text = f"- {label} `{result.name}`: {mark}"  # the instructor's test names
            if not result.passed and result.message:
                text += f" — {md_text(result.message)}"
            lines.append(text)
        lines.append("")
    other = [e for e in grade.cell_errors if not e.get("question")]
    if other:
        lines.append("## Other cells that raised an error")
        lines.append("")
        for error in other[:5]:
            cell = error.get("cell")
            where = f"Cell {cell + 1}" if type(cell) is int else "A cell"
            lines += [f"{where}:", "", md_block(error["error"]), ""]
    return "\n".join(lines)


def feedback_name(student_id: str) -> str:
    """File name of a student's feedback: the id's letters and digits (any script), and
    a short hash of the exact id, so two ids never share a file."""
    stem = re.sub(r"[^\w.@+-]+", "_", unicodedata.normalize("NFC", encodable(student_id)),
                  flags=re.UNICODE).strip("._")[:60] or "student"
    digest = hashlib.sha256(encodable(student_id).encode("utf-8")).hexdigest()[:8]
    return f"{stem}-{digest}.md"


def write_feedback(folder: str | os.PathLike, spec: GradingSpec, grade: Grade,
                   hand: dict[str, HandGrade] | None = None) -> Path:
    """Write one student's feedback Markdown atomically; return its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / feedback_name(grade.student_id)
    fd, temp = tempfile.mkstemp(prefix=".fb.", suffix=".tmp", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8", errors=WRITE_ERRORS) as handle:
        handle.write(feedback_markdown(spec, grade, hand))
    os.replace(temp, target)
    return target


def grade_of(spec: GradingSpec, row: dict[str, str], details: Details | None) -> Grade:
    """The :class:`Grade` of a ledger row, with the details kept for it (for feedback
    written again after hand-grading)."""
    manual = {q.id for q in spec.questions if q.kind == "manual"}
    scores: dict[str, float | None] = {
        q.id: None if q.id in manual else _float(row.get(q.id) or "0") for q in spec.questions}
    same = details is not None and details.submission_sha256 == row["submission_sha256"]
    results = [testing.TestResult(r["name"], r["question"], r["hidden"], 1.0, r["passed"],
                                  r["message"]) for r in details.results] if same else []
    return Grade(row["student_id"], row["submission_sha256"], row["assignment"], scores,
                 _float(row["total"]), _float(row["max_total"]), row["status"],
                 row["message"], row["graded_at"], row["source_file"], results,
                 details.written if same else {}, details.answered if same else {},
                 details.cell_errors if same else [], source=row["source_file"])


def open_gradebook(path: str | os.PathLike, spec: GradingSpec) -> Gradebook:
    """An existing gradebook of ``spec``'s problem set, for reading.

    Raises
    ------
    InputError
        No gradebook (or ledger) at ``path``, or one of another problem set.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no gradebook at {path}: run course grade first")
    with path.open(newline="", encoding="utf-8") as handle:
        named = {row.get("assignment") for row in csv.DictReader(handle)} - {None, ""}
    if named and named != {spec.name}:
        raise InputError(f"{path} is a gradebook of {', '.join(sorted(named))}, not "
                         f"{spec.name}: give --assignment {sorted(named)[0]}, or that "
                         "problem set's gradebook")
    book = Gradebook(path, spec)
    if not book.rows:
        raise InputError(f"{path} has no graded submissions (its ledger "
                         f"{book.ledger.name} is missing or empty): run course grade first")
    others = sorted({r["assignment"] for r in book.rows.values()} - {spec.name})
    if others:
        raise InputError(f"{path} is a gradebook of {', '.join(others)}, not {spec.name}")
    return book


def merged_rows(book: Gradebook) -> dict[str, dict[str, str]]:
    """Each student's gradebook row with the hand grades merged in, by student id."""
    hand = book.hand.load()
    return {sid: book.with_hand(row, hand) for sid, row in sorted(book.current().items())}


def refresh(path: str | os.PathLike, spec: GradingSpec, *, feedback_dir=None,
            students: list[str] | None = None) -> dict[str, dict[str, str]]:
    """Rewrite a gradebook (and, with ``feedback_dir``, the feedback of ``students``, or
    of everyone) with the hand grades saved so far; return its rows as written.

    Raises
    ------
    InputError
        If there is no gradebook (or ledger) at ``path``, or it is another problem set's.
    """
    book = open_gradebook(path, spec)
    current = book.write()
    hand = book.hand.load()
    if feedback_dir is not None:
        for sid, row in current.items():
            if students is None or sid in students:
                grade = grade_of(spec, row, book.details.get(row["source_file"]))
                write_feedback(feedback_dir, spec, grade,
                               {q: hand[(sid, q)] for q in book.spec_manual() if (sid, q) in hand})
    return {sid: book.with_hand(row, hand) for sid, row in current.items()}
