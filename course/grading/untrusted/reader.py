"""The trust boundary: everything that comes from a student is read here, with limits.

A submission reaches the grader in four forms, all hostile: the notebook *file* (its name,
its kind, its size, its bytes), the notebook's *JSON*, the *messages* its contained run
writes to ``result.jsonl`` (answers, cell errors, progress — a student's cell can write
anything to that descriptor), and the answers *decoded* from those messages. This module
is the only code that reads any of them. It

* opens only regular files, without following a link and without blocking on a pipe,
  and reads at most :data:`MAX_NOTEBOOK_BYTES`;
* parses JSON only after a linear pre-scan has bounded its bytes, nesting depth and
  number of values (Python's own parser would recurse until ``RecursionError`` on
  ``[[[[…`` and allocate for every value of a flat list);
* lets nothing a student names decide an allocation: answers are decoded by
  :func:`course.grading.untrusted.answers.decode` (dtype allow-list, sizes from the data sent);
* keeps only the fields it knows, of the types it expects, with text cut to length and
  control characters removed — and at most :data:`MAX_CELL_ERRORS` cell errors;
* turns every failure into a status and a message for that one submission
  (:class:`Refused`, or a note in :class:`RunResult`), never an exception for the batch.

The rest of the grader sees only the plain, checked values returned here.

Examples
--------
>>> bounded_json(b'{"a": [1, 2]}', max_bytes=100, max_depth=4, max_items=10, what="x")
{'a': [1, 2]}
>>> bounded_json(b"[" * 5000 + b"]" * 5000, max_bytes=10**6, max_depth=64,
...              max_items=10**6, what="a message").message
'a message is nested more than 64 levels deep'
>>> check_notebook(b"not json", "ps1").status
'invalid_json'
>>> check_notebook(b'{"nbformat": 3, "cells": []}', "ps1").status
'wrong_nbformat'
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import signal
import stat
from dataclasses import dataclass, field
from typing import Any

from course.grading.untrusted.safetext import encodable

__all__ = [
    "CheckedFile",
    "Handout",
    "NotebookCheck",
    "Refused",
    "RunResult",
    "bounded_json",
    "check_notebook",
    "clean_text",
    "decode_answers",
    "gather_written",
    "read_run",
    "read_submission",
]

#: Largest submission file read (bytes); a course notebook saved with outputs is < 5 MB.
MAX_NOTEBOOK_BYTES = 20_000_000
#: Most JSON values in a notebook (a 25-point problem set has a few thousand).
MAX_NOTEBOOK_ITEMS = 1_000_000
MAX_NOTEBOOK_DEPTH = 64
#: Longest single message line from a run (one question's answers).
MAX_MESSAGE_BYTES = 8_000_000
#: Most JSON values in one message (an answer is at most 200,000 encoded items).
MAX_MESSAGE_ITEMS = 1_000_000
MAX_MESSAGE_DEPTH = 100
#: All the messages of one run together.
MAX_RUN_BYTES = 32_000_000
MAX_MESSAGES = 100_000
#: Cell errors kept per submission (the rest are counted).
MAX_CELL_ERRORS = 50
MAX_ERROR_CHARS = 2_000
MAX_WRITTEN_CHARS = 20_000
MAX_OUTPUT_CHARS = 64_000
_MAX_NAME = 100

# Escapes first (a backslash and the character after it), then strings, which can then
# hold no quote: neither pattern repeats a group, so neither needs a backtracking stack
# that grows with the input (a group repeated millions of times would).
_ESCAPE = re.compile(r"\\.", re.DOTALL)
_STRING = re.compile(r'"[^"]*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")


@dataclass
class Refused(Exception):  # noqa: N818 - reads as "the file was refused"
    """A submission (or one message of it) that cannot be read: a status and why."""

    status: str
    message: str

    def __str__(self) -> str:
        return self.message


def clean_text(value: Any, limit: int) -> str:
    """Text from a student, safe to store: a ``str``, control characters removed, lone
    surrogates (which no file can hold) written as visible escapes, cut.

    Examples
    --------
    >>> clean_text("ok\\x1b[31m red" + "x" * 50, 12)
    'ok[31m red …'
    >>> clean_text(42, 10)
    ''
    >>> clean_text("half an emoji: \\ud800", 40)
    'half an emoji: \\\\ud800'
    """
    if type(value) is not str:
        return ""
    text = encodable(_CONTROL.sub("", value))
    return text if len(text) <= limit else text[: max(0, limit - 2)] + " …"


def bounded_json(data: bytes | str, *, max_bytes: int, max_depth: int, max_items: int,
                 what: str) -> Any:
    """Parse JSON after checking, in linear time, that it is small, shallow and short.

    Returns the parsed value, or a :class:`Refused` (status ``too_complex`` or
    ``invalid_json``) *instead of raising*, so a caller cannot forget to handle it.
    """
    if len(data) > max_bytes:
        return Refused("too_complex", f"{what} is larger than {max_bytes:,} bytes")
    try:
        text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else str(data)
    except UnicodeDecodeError:
        return Refused("invalid_json", f"{what} is not UTF-8 text")
    skeleton = _STRING.sub('""', _ESCAPE.sub("", text))  # left outside strings: structure
    opens = skeleton.count("[") + skeleton.count("{")
    values = opens + skeleton.count(",") + skeleton.count(":") + 1
    if values > max_items:
        return Refused("too_complex", f"{what} holds more than {max_items:,} values")
    depth = _max_depth(skeleton)
    if depth > max_depth:
        return Refused("too_complex", f"{what} is nested more than {max_depth} levels deep")
    del skeleton
    try:
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return Refused("invalid_json", f"{what} is not valid JSON")


def _no_constant(name: str) -> None:
    raise ValueError(f"JSON constant {name}")


def _max_depth(skeleton: str) -> int:
    brackets = _NOT_BRACKET.sub("", skeleton)
    if not brackets:
        return 0
    import numpy as np

    codes = np.frombuffer(brackets.encode("ascii"), dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1).astype(np.int32)
    return int(np.cumsum(steps).max())


# --------------------------------------------------------------------------- files


@dataclass
class CheckedFile:
    """A submission file read safely: its bytes, their SHA-256, and when it was saved."""

    data: bytes
    sha256: str
    size: int
    mtime: float


def read_submission(path: str | os.PathLike) -> CheckedFile:
    """Read a submission file, refusing anything but a regular file of a sane size.

    The file is opened without following a symbolic link (``O_NOFOLLOW``) and without
    blocking (``O_NONBLOCK``, so a named pipe cannot hang the grader); its kind and size
    come from ``fstat`` of that open file, and no more than :data:`MAX_NOTEBOOK_BYTES`
    are read even if it grows meanwhile.

    Raises
    ------
    Refused
        ``symlink``, ``not_a_file`` (a folder), ``not_regular_file`` (pipe, device,
        socket), ``too_large`` or ``unreadable``.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
        | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        if os.path.islink(path):
            raise OSError(errno.ELOOP, "symbolic link")
        fd = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise Refused("symlink", "the file is a symbolic link; the grader reads only "
                          "regular files (collect the notebook itself, not a link to it)"
                          ) from None
        if error.errno == errno.EISDIR:
            raise Refused("not_a_file", "this is a folder, not a notebook file") from None
        if error.errno in (errno.ENXIO, errno.ENODEV, errno.EOPNOTSUPP):  # a socket, a device
            raise Refused("not_regular_file", _NOT_REGULAR) from None
        raise Refused("unreadable", f"cannot read the file: {error.strerror}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Refused("not_a_file", "this is a folder, not a notebook file")
        if not stat.S_ISREG(info.st_mode):
            raise Refused("not_regular_file", _NOT_REGULAR)
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise Refused("too_large", _too_large(info.st_size))
        chunks, total = [], 0
        while total <= MAX_NOTEBOOK_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_NOTEBOOK_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > MAX_NOTEBOOK_BYTES:
            raise Refused("too_large", _too_large(total))
    except OSError as error:
        raise Refused("unreadable", f"cannot read the file: {error.strerror}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    return CheckedFile(data, hashlib.sha256(data).hexdigest(), len(data), info.st_mtime)


_NOT_REGULAR = ("this is not a regular file (a pipe, device or socket); the grader reads "
                "only regular files")


def _too_large(size: int) -> str:
    return (f"the file is {size / 1e6:.0f} MB; the grader reads at most "
            f"{MAX_NOTEBOOK_BYTES / 1e6:.0f} MB (clear outputs with Edit > Clear Outputs of "
            "All Cells, then save)")


# --------------------------------------------------------------------------- notebooks


def words_digest(text: str) -> str:
    """A short fingerprint of a cell's words (spacing does not count)."""
    return hashlib.sha256(" ".join(encodable(text).split()).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Handout:
    """What the grader knows of the notebook students were given (plain data).

    ``cells``: each handout cell's id, the fingerprint of its words and the question it
    answers (or ``None``); ``prompts``: each written question's answer cell as given.
    Made by :func:`course.grading.author.assignment.handout` (``course assign`` writes it for
    the autograder and the students' public checks).
    """

    cells: tuple[tuple[str | None, str, str | None], ...] = ()
    prompts: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_cells(cls, cells: list[dict], prompts: dict[str, str]) -> Handout:
        out = []
        for cell in cells:
            meta = cell.get("metadata") if type(cell.get("metadata")) is dict else {}
            cmeta = meta.get("course") if type(meta.get("course")) is dict else {}
            qid = cmeta.get("question")
            cell_id = cell.get("id")
            out.append((cell_id if type(cell_id) is str else None,
                        words_digest(_source(cell)), qid if type(qid) is str else None))
        return cls(tuple(out), tuple(sorted(prompts.items())))

    @classmethod
    def from_data(cls, data: Any) -> Handout | None:
        """From the JSON ``course assign`` wrote (``None`` if it is not that)."""
        if type(data) is not dict or type(data.get("cells")) is not list \
                or type(data.get("prompts")) is not dict:
            return None
        cells = tuple((c[0] if type(c[0]) is str else None, str(c[1]),
                       c[2] if type(c[2]) is str else None)
                      for c in data["cells"] if type(c) is list and len(c) == 3)
        prompts = tuple(sorted((k, v) for k, v in data["prompts"].items()
                               if type(k) is str and type(v) is str))
        return cls(cells, prompts)

    def to_data(self) -> dict:
        return {"cells": [list(c) for c in self.cells], "prompts": dict(self.prompts)}

    @property
    def written(self) -> dict[str, str]:
        return dict(self.prompts)


@dataclass
class NotebookCheck:
    """The grader's own reading of a submission, before anything runs.

    ``metadata_id`` is the ``course.student_id`` the notebook's metadata claims: reported
    when it disagrees with the file's owner, never used as the student's identity.
    ``written`` holds each written question's answer text, cleaned and cut: the cells
    from its answer cell to the next question, whatever their type (see
    :func:`gather_written`); ``gathered`` says, for a question whose answer was not
    simply its answer cell, what was gathered. ``untouched`` is set when the notebook is
    the handout as given (every cell as it was).
    """

    status: str  # "ok" or the reason it cannot be graded
    message: str = ""
    metadata_id: str | None = None
    answer_cells: dict[str, int] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)
    n_cells: int = 0
    gathered: dict[str, str] = field(default_factory=dict)
    untouched: bool = False


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    if type(source) is list:
        return "".join(s for s in source if type(s) is str)
    return source if type(source) is str else ""


def _question_of(cell: Any) -> str | None:
    if type(cell) is not dict:
        return None
    meta = cell.get("metadata") if type(cell.get("metadata")) is dict else {}
    cmeta = meta.get("course") if type(meta.get("course")) is dict else {}
    qid = cmeta.get("question")
    return qid if type(qid) is str and len(qid) <= _MAX_NAME else None


_KIND_NAMES = {"markdown": "Markdown", "raw": "Raw", "code": "Code"}


def gather_written(cells: list, written_ids: list[str], handout: Handout | None
                   ) -> tuple[dict[str, str], dict[str, str]]:
    """Each written question's answer: ``(text, what was gathered)`` by question.

    A written question's answer is every cell from its first answer cell (the cell whose
    metadata names the question) up to the next question: a cell of another question,
    or — with the ``handout`` known — a cell of the handout itself (a heading, the next
    question's text), by its id or its words; without it, a Markdown heading. Cells of
    any type are read (a cell switched to Raw or Code, a cell split in two, a cell added
    under the prompt). A cell that is still the prompt as given adds nothing.

    Examples
    --------
    >>> cells = [{"cell_type": "markdown", "source": "## w1", "metadata": {}},
    ...          {"cell_type": "raw", "source": "Bipolar.",
    ...           "metadata": {"course": {"question": "w1"}}},
    ...          {"cell_type": "markdown", "source": "Because...", "metadata": {}},
    ...          {"cell_type": "markdown", "source": "## End", "metadata": {}}]
    >>> gather_written(cells, ["w1"], None)
    ({'w1': 'Bipolar.\\n\\nBecause...'}, {'w1': '2 cells: its answer cell (now Raw), 1 \
cell added after it'})
    """
    prompts = handout.written if handout else {}
    if handout is not None and not handout.cells:
        handout = None  # only its prompts are known: headings end an answer
    handout_ids: dict[str, str | None] = {}
    handout_words: set[str] = set()
    if handout is not None:
        for cell_id, digest, qid in handout.cells:
            if cell_id:
                handout_ids[cell_id] = qid
            if qid is None:
                handout_words.add(digest)
    texts: dict[str, str] = {}
    notes: dict[str, str] = {}
    for qid in written_ids:
        start = next((i for i, c in enumerate(cells) if _question_of(c) == qid), None)
        if start is None:
            continue
        prompt = prompts.get(qid)
        blanks = {words_digest(prompt), words_digest(prompt.replace(
            "_Type your answer here, replacing this text._", " "))} if prompt else set()
        parts, own, added, kinds = [], 0, 0, []
        for index in range(start, len(cells)):
            cell = cells[index]
            if type(cell) is not dict:
                continue
            owner = _question_of(cell)
            source = _source(cell)
            if index > start:
                if owner is not None and owner != qid:
                    break
                cell_id = cell.get("id") if type(cell.get("id")) is str else None
                if owner is None and handout is not None and (
                        (cell_id in handout_ids and handout_ids[cell_id] != qid)
                        or words_digest(source) in handout_words):
                    break
                if owner is None and handout is None and cell.get("cell_type") == "markdown" \
                        and source.lstrip().startswith("#"):
                    break
            kind = cell.get("cell_type")
            if owner == qid:
                own += 1
                if kind != "markdown":
                    kinds.append(_KIND_NAMES.get(kind, "another type")
                                 if type(kind) is str else "another type")
            else:
                added += 1
            if source.strip() and words_digest(source) not in blanks:
                parts.append(source.strip("\n"))
        texts[qid] = clean_text("\n\n".join(parts), MAX_WRITTEN_CHARS)
        if own + added > 1 or kinds:
            what = "its answer cell" if own == 1 else f"its answer cell in {own} parts"
            if kinds:
                what += f" (now {', '.join(dict.fromkeys(kinds))})"
            if added:
                what += f", {added} cell{'s' if added > 1 else ''} added after it"
            notes[qid] = f"{own + added} cells: {what}" if own + added > 1 else what
    return texts, notes


def check_notebook(data: bytes, assignment: str, handout: Handout | None = None
                   ) -> NotebookCheck:
    """Is this a notebook of ``assignment`` we can grade? Never raises.

    With the ``handout`` (what students were given), written answers are gathered
    whatever was done to their cells (:func:`gather_written`), and a notebook that is
    the handout as given is marked ``untouched``.
    """
    notebook = bounded_json(data, max_bytes=MAX_NOTEBOOK_BYTES, max_depth=MAX_NOTEBOOK_DEPTH,
                            max_items=MAX_NOTEBOOK_ITEMS, what="the notebook")
    if type(notebook) is Refused:
        if notebook.status == "invalid_json":
            return NotebookCheck("invalid_json", "the file is not a Jupyter notebook (not "
                                 "valid JSON): download it again with File > Download")
        return NotebookCheck("too_complex", f"{notebook.message}: the grader does not read it")
    if type(notebook) is not dict:
        return NotebookCheck("invalid_json", "the file is JSON but not a Jupyter notebook")
    version = notebook.get("nbformat")
    if version != 4:
        shown = version if type(version) is int else "unknown"
        return NotebookCheck("wrong_nbformat",
                             f"the notebook has format version {shown}; "
                             "the grader reads version 4 (save it from JupyterLab)")
    if type(notebook.get("cells")) is not list:
        return NotebookCheck("wrong_nbformat", "the notebook's cells are not a list (the file "
                             "was edited by hand or by another program): open it in "
                             "JupyterLab, save it, and hand it in again")
    metadata = notebook.get("metadata") if type(notebook.get("metadata")) is dict else {}
    course_meta = metadata.get("course") if type(metadata.get("course")) is dict else {}
    found = course_meta.get("assignment")
    if found != assignment:
        what = (f"assignment {clean_text(found, 40)!r}" if type(found) is str
                else "no course assignment")
        return NotebookCheck("wrong_assignment",
                             f"this notebook is for {what}, not {assignment!r}: submit the "
                             f"{assignment} notebook")
    cells = notebook["cells"]
    check = NotebookCheck("ok", n_cells=len(cells))
    claimed = course_meta.get("student_id")
    if type(claimed) is str and claimed.strip():
        check.metadata_id = clean_text(claimed, _MAX_NAME)
    for index, cell in enumerate(cells):
        qid = _question_of(cell)
        if qid is not None:
            check.answer_cells.setdefault(qid, index)
    if handout is not None:
        written = [q for q, _ in handout.prompts]
        check.written, check.gathered = gather_written(cells, written, handout)
        check.untouched = bool(handout.cells) and [
            words_digest(_source(c)) if type(c) is dict else "" for c in cells] == [
            d for _, d, _ in handout.cells]
    else:  # the written questions are the Markdown answer cells
        written = [q for q, i in check.answer_cells.items()
                   if type(cells[i]) is dict and cells[i].get("cell_type") == "markdown"]
        check.written, check.gathered = gather_written(cells, written, None)
    return check


# --------------------------------------------------------------------------- runs


@dataclass
class RunResult:
    """What came back from running one submission, checked.

    ``answers`` maps question id -> {variable: encoded answer} for the questions and
    variables that were asked for (anything else a run sends is dropped). ``status`` is
    one of ``ok``, ``timeout``, ``output_limit``, ``exited`` (the process ended part-way,
    e.g. ``os._exit``), ``crashed`` (killed by a signal, e.g. out of memory), ``failed``
    (the runner could not start) or ``refused_message`` (the run completed, but some of
    the messages its process wrote were malformed or too large and were ignored).
    """

    status: str
    message: str = ""
    answers: dict[str, dict] = field(default_factory=dict)
    cell_errors: list[dict] = field(default_factory=list)
    answer_cells_found: list[str] = field(default_factory=list)
    last_cell: int | None = None
    n_cells: int | None = None
    output: str = ""
    output_bytes: int = 0
    wall_s: float = 0.0
    containment: str = "none"
    refused: list[str] = field(default_factory=list)
    errors_dropped: int = 0


def _int(value: Any) -> int | None:
    return value if type(value) is int and 0 <= value < 10**9 else None


def _number(value: Any) -> float:
    return float(value) if type(value) in (int, float) and 0 <= value < 10**9 else 0.0


def _lines(path: str, limit: int, max_line: int):
    """Yield (line bytes or None if too long) from ``path``, reading at most ``limit``."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError:
        return
    with handle:
        total = 0
        while total < limit:
            line = handle.readline(max_line + 1)
            if not line:
                return
            total += len(line)
            if len(line) > max_line and not line.endswith(b"\n"):
                while True:  # skip the rest of an oversized line without keeping it
                    rest = handle.readline(1 << 20)
                    total += len(rest)
                    if not rest or rest.endswith(b"\n") or total >= limit:
                        break
                yield None
                continue
            yield line


def read_run(jobdir: str | os.PathLike, questions: dict[str, list[str]] | None = None
             ) -> RunResult:
    """Read a finished job's ``result.jsonl`` (hostile) and ``exit.json`` (the supervisor's).

    ``questions`` (question -> answer variables) says what to keep; ``None`` keeps every
    question and variable a message names (for tests of the engine itself).
    """
    jobdir = str(jobdir)
    result = RunResult(status="failed", message="the runner did not report")
    done = False
    fatal = None
    count = 0
    for raw in _lines(os.path.join(jobdir, "result.jsonl"), MAX_RUN_BYTES, MAX_MESSAGE_BYTES):
        count += 1
        if count > MAX_MESSAGES:
            result.refused.append(f"more than {MAX_MESSAGES:,} messages")
            break
        if raw is None:
            result.refused.append(f"a message longer than {MAX_MESSAGE_BYTES:,} bytes")
            continue
        message = bounded_json(raw, max_bytes=MAX_MESSAGE_BYTES, max_depth=MAX_MESSAGE_DEPTH,
                               max_items=MAX_MESSAGE_ITEMS, what="a message")
        if type(message) is Refused:
            result.refused.append(message.message)
            continue
        if type(message) is not dict:
            result.refused.append("a message that is not a JSON object")
            continue
        kind = message.get("kind")
        if kind == "answers":
            qid, sent = message.get("question"), message.get("answers")
            if type(qid) is not str or type(sent) is not dict:
                result.refused.append("an answers message without a question and answers")
                continue
            wanted = questions.get(qid) if questions is not None else list(sent)
            if wanted is None:
                result.refused.append("answers to a question the problem set does not have")
                continue
            result.answers[qid] = {name: sent[name] for name in wanted
                                   if type(name) is str and name in sent}
        elif kind == "error":
            if len(result.cell_errors) >= MAX_CELL_ERRORS:
                result.errors_dropped += 1
                continue
            qid = message.get("question")
            known = type(qid) is str and (questions is None or qid in questions)
            result.cell_errors.append({"cell": _int(message.get("cell")),
                                       "question": clean_text(qid, _MAX_NAME) if known else None,
                                       "error": clean_text(message.get("error"),
                                                           MAX_ERROR_CHARS) or "an error"})
        elif kind == "start":
            result.last_cell = _int(message.get("cell"))
        elif kind == "plan":
            cells = message.get("answer_cells")
            if type(cells) is list:
                result.answer_cells_found = [clean_text(c, _MAX_NAME) for c in cells[:1000]
                                             if type(c) is str]
            result.n_cells = _int(message.get("n_cells"))
        elif kind == "done":
            done = True
        elif kind == "fatal":
            fatal = clean_text(message.get("message"), MAX_ERROR_CHARS)
        else:
            result.refused.append("a message of an unknown kind")
    record = _exit_record(jobdir)
    result.output = clean_text(record.get("output"), MAX_OUTPUT_CHARS)
    result.output_bytes = int(_number(record.get("output_bytes")))
    result.wall_s = _number(record.get("wall_s"))
    containment = record.get("containment")
    result.containment = containment if containment in (
        "namespace", "userns", "none", "process") else "none"
    _set_status(result, record, done, fatal)
    dropped = record.get("messages_dropped")
    if type(dropped) is int and dropped > 0:  # counted by the supervisor, which kept none
        result.refused.insert(0, f"{dropped} message(s) longer than {MAX_MESSAGE_BYTES:,} bytes")
    if result.refused:
        first = result.refused[0]
        note = (f"{len(result.refused)} message(s) from the notebook's process were refused "
                f"and ignored (first: {first})")
        if result.status == "ok":
            result.status = "refused_message"
        result.message = f"{result.message}; {note}" if result.message else note
    return result


def _exit_record(jobdir: str) -> dict:
    """The supervisor's exit record (written by the grader's own code, still bounded)."""
    try:
        with open(os.path.join(jobdir, "exit.json"), "rb") as handle:
            data = handle.read(1_000_000)
    except OSError:
        return {}
    record = bounded_json(data, max_bytes=1_000_000, max_depth=4, max_items=1000,
                          what="the exit record")
    return record if type(record) is dict else {}


def _set_status(result: RunResult, record: dict, done: bool, fatal: str | None) -> None:
    status = record.get("status")
    code = record.get("exit_code")
    code = code if type(code) is int else None
    where = f" (during cell {result.last_cell + 1})" if result.last_cell is not None else ""
    if not record:
        result.status, result.message = "failed", "the runner did not report"
    elif status == "timeout":
        result.status = "timeout"
        result.message = f"stopped after the time limit{where}; later questions were not graded"
    elif status == "memory_limit":
        result.status = "memory_limit"
        limit, base = record.get("memory_limit_mb"), record.get("memory_base_mb")
        bound = (f"{limit} MB of memory (the limit per submission, all its processes "
                 f"together, on top of the {base} MB of libraries every run starts with)"
                 if type(limit) is int and type(base) is int else "its memory limit")
        result.message = (f"stopped when its processes together used more than {bound}"
                          f"{where}; later questions were not graded")
    elif status == "output_limit":
        result.status = "output_limit"
        result.message = f"stopped for printing too much output{where}"
    elif status == "stopped":
        result.status = "stopped"
        result.message = "the grading run was stopped before this notebook finished"
    elif done and code == 0:
        result.status, result.message = "ok", ""
    elif fatal and not result.answers:
        result.status = "failed"
        result.message = f"the notebook could not be run: {fatal}"
    elif code in (128 + signal.SIGXCPU, 128 + signal.SIGKILL) and status is None:
        result.status = "crashed"
        result.message = (f"the Python process was killed{where} (CPU time or memory limit); "
                          "later questions were not graded")
    elif code is not None and code > 128:
        result.status = "crashed"
        result.message = (f"the Python process crashed with signal {code - 128}{where}; "
                          "later questions were not graded")
    else:
        result.status = "exited"
        result.message = (f"the notebook ended the Python process part-way{where} "
                          f"(exit code {code}, e.g. os._exit); later questions were not graded")


# --------------------------------------------------------------------------- answers


def decode_answers(sent: dict, names: list[str]) -> tuple[dict[str, Any], list[str]]:
    """Decode one question's answers; returns ``(values, problems)``.

    A variable the run did not define is left out (the tests then say it is not
    defined); a payload that does not decode becomes an ``Unsupported`` marker that no
    test accepts, and its reason is listed in ``problems``.
    """
    from course.grading.untrusted import answers as codec

    values: dict[str, Any] = {}
    problems: list[str] = []
    for name in names:
        payload = sent.get(name) if type(sent) is dict else None
        if payload is None:
            continue
        try:
            value = codec.decode(payload)
        except codec.AnswerFormatError as error:
            reason = clean_text(str(error), 300)
            problems.append(f"`{name}`: {reason}")
            value = codec.Unsupported("malformed answer", reason)
        except (MemoryError, RecursionError):
            problems.append(f"`{name}`: too large or deep to decode")
            value = codec.Unsupported("malformed answer", "too large or deep to decode")
        if type(value) is not codec.Missing:
            values[name] = value
    return values, problems
