"""``course collect``: homework from students' homes on the hub, into per-student folders.

Each student works in ``~/<folder>/exercises/<ps>/`` (the folder the lesson links pull).
What they hand in is ``<ps>.submission.ipynb``, which ``check.submit(...)`` writes beside
their notebook; a student who never ran it has only ``<ps>.ipynb``, which is collected
instead and flagged. Files go to ``OUT/<student id>/`` — the per-student folders
``course grade`` reads (:mod:`course.grading.run.collect`): the id is the hub user's name, or
what ``--roster`` maps it to (the id your LMS knows).

What is promised:

* **the file's own time is kept**: the copy has the modification time of the student's
  file, which ``course grade`` records and uses to pick the latest of several files;
* **late and missing work is flagged**: with a deadline, a file modified after it is
  ``late`` (by how much), and so is one whose modification time was set back (its
  inode changed after the deadline: ``touch -d`` cannot hide that); a student with no
  notebook is ``missing``. Every student of the class gets a row in the manifest,
  ``OUT.collected.csv``, and a line on the screen;
* **nothing is lost**: a file already collected is never overwritten — a different one
  (say, late work collected after the on-time one) is written beside it with its time in
  the name, and ``course grade`` decides which counts (``--keep``), flagging the others;
* **a student can hand in only their own work**: run as root, collection opens every
  folder below the student's home without following symbolic links, and takes only a
  regular file owned by that student, at most 20 MB (anything else is ``refused``, with
  the reason).

Examples
--------
>>> from datetime import datetime, timezone
>>> deadline = datetime(2026, 10, 5, 17, 0, tzinfo=timezone.utc).timestamp()
>>> lateness(deadline + 3725, deadline, deadline + 3725)
('late', 'late by 1 h 2 min')
>>> lateness(deadline - 60, deadline, deadline + 600)[0]
'late'
>>> lateness(deadline - 60, deadline, deadline - 60)
('on time', '')
>>> lateness(deadline, None, deadline)
('collected', '')
"""

from __future__ import annotations

import csv
import errno
import grp
import hashlib
import os
import pwd
import stat
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from course.errors import InputError
from course.publish.hub.settings import DEFAULT_FOLDER

MAX_BYTES = 20 * 1024 * 1024
MANIFEST_FIELDS = ["student_id", "hub_user", "status", "file", "modified", "late_by",
                   "sha256", "source", "note"]
_BAD_ID = ("/", "\0")


@dataclass(frozen=True)
class Collected:
    """One student's row of the collection."""

    student_id: str
    hub_user: str
    status: str  # on time, late, collected (no deadline), missing, refused
    file: str = ""  # where the copy is, relative to OUT
    mtime: float | None = None
    late_by: str = ""
    sha256: str = ""
    source: str = ""
    note: str = ""

    def row(self) -> dict[str, str]:
        modified = (datetime.fromtimestamp(self.mtime).astimezone().isoformat(timespec="seconds")
                    if self.mtime is not None else "")
        return {"student_id": self.student_id, "hub_user": self.hub_user,
                "status": self.status, "file": self.file, "modified": modified,
                "late_by": self.late_by, "sha256": self.sha256, "source": self.source,
                "note": self.note}


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    parts.append(f"{minutes} min")
    return " ".join(parts)


def lateness(mtime: float, deadline: float | None, ctime: float) -> tuple[str, str]:
    """``(status, how late)`` for a file modified at ``mtime`` whose inode last changed
    at ``ctime`` (a modification time set back by hand still moves ``ctime``)."""
    if deadline is None:
        return "collected", ""
    if mtime > deadline:
        return "late", f"late by {_duration(mtime - deadline)}"
    if ctime > deadline:
        return "late", (f"changed {_duration(ctime - deadline)} after the deadline "
                        "(its modification time says otherwise)")
    return "on time", ""


def parse_deadline(text: str | None) -> float | None:
    """A deadline as ISO date and time (``2026-10-05T17:00``, local time unless it says
    ``+02:00`` or ``Z``), as a timestamp."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--deadline {text!r}: write it as 2026-10-05T17:00 (local time) "
                         "or 2026-10-05T17:00+02:00") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # the machine's local time zone
    return moment.timestamp()


def class_members(group: str) -> list[str]:
    """The users of a Unix group (members, and those whose primary group it is)."""
    try:
        entry = grp.getgrnam(group)
    except KeyError:
        raise InputError(f"no Unix group {group!r}: give the class's group (--group) or the "
                         "students (--users)") from None
    names = set(entry.gr_mem)
    names.update(p.pw_name for p in pwd.getpwall() if p.pw_gid == entry.gr_gid)
    return sorted(names)


def read_roster(path: Path) -> dict[str, str]:
    """``hub user -> student id`` from a CSV with columns ``hub_user`` and ``student_id``."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = set(reader.fieldnames or ())
            if not {"hub_user", "student_id"} <= fields:
                raise InputError(f"{path}: the roster needs the columns hub_user and "
                                 f"student_id (it has {', '.join(sorted(fields)) or 'none'})")
            roster = {}
            for line, row in enumerate(reader, start=2):
                if None in row:
                    raise InputError(f"{path}, line {line}: more fields than columns (put "
                                     'an id with a comma in quotes: "Müller, Anna")')
                user, sid = (row["hub_user"] or "").strip(), (row["student_id"] or "").strip()
                if not user or not sid:
                    raise InputError(f"{path}, line {line}: empty hub_user or student_id")
                if user in roster and roster[user] != sid:
                    raise InputError(f"{path}, line {line}: {user} is listed twice")
                roster[user] = sid
            return roster
    except FileNotFoundError:
        raise InputError(f"no such roster: {path}") from None


def _open_below(home: str, parts: Iterable[str]) -> int:
    """A descriptor of ``home/parts...``, each part opened without following links."""
    fd = os.open(home, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts:
            if stat.S_ISLNK(os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode):
                raise OSError(errno.ELOOP, "a symbolic link", part)
            next_fd = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = next_fd
        return fd
    except BaseException:
        os.close(fd)
        raise


def _read_own_file(folder_fd: int, name: str, uid: int) -> tuple[bytes, os.stat_result] | str:
    """The file's bytes and status, or why it is refused."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder_fd)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a symbolic link (not followed)"
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        if info.st_uid != uid:
            return "not owned by the student"
        if info.st_size > MAX_BYTES:
            return f"larger than {MAX_BYTES // (1024 * 1024)} MB"
        chunks, total = [], 0
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if total > MAX_BYTES:
                return f"larger than {MAX_BYTES // (1024 * 1024)} MB"
            chunks.append(chunk)
        return b"".join(chunks), info
    finally:
        os.close(fd)


def _place(out: Path, sid: str, name: str, data: bytes, mtime: float) -> tuple[str, str]:
    """Write ``data`` as ``OUT/sid/name`` unless that exact file is there; never overwrite
    a different one. Returns (path relative to OUT, note)."""
    folder = out / sid
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    digest = hashlib.sha256(data).hexdigest()
    for existing in sorted(folder.glob("*.ipynb")):
        if existing.is_file() and hashlib.sha256(existing.read_bytes()).hexdigest() == digest:
            return existing.relative_to(out).as_posix(), "already collected"
    note = ""
    if target.exists():
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(mtime))
        stem = name[: -len(".ipynb")]
        target = folder / f"{stem}.{stamp}.ipynb"
        counter = 1
        while target.exists():
            target = folder / f"{stem}.{stamp}-{counter}.ipynb"
            counter += 1
        note = f"an earlier file is kept beside it ({name})"
    partial = target.with_name(f".{target.name}.part")
    partial.write_bytes(data)
    os.utime(partial, (mtime, mtime))
    partial.replace(target)
    return target.relative_to(out).as_posix(), note


def collect_user(user: str, student_id: str, assignment: str, out: Path, *,
                 folder: str = DEFAULT_FOLDER, deadline: float | None = None) -> Collected:
    """Collect one hub user's problem set into ``out/<student_id>/``."""
    try:
        account = pwd.getpwnam(user)
    except KeyError:
        return Collected(student_id, user, "missing", note="no such Unix user")
    return collect_home(account.pw_dir, account.pw_uid, user, student_id, assignment, out,
                        folder=folder, deadline=deadline)


def collect_home(home: str, uid: int, user: str, student_id: str, assignment: str, out: Path,
                 *, folder: str = DEFAULT_FOLDER, deadline: float | None = None) -> Collected:
    """Collect the problem set from ``home`` (whose files must belong to ``uid``)."""
    where = [folder, "exercises", assignment]
    source_dir = Path(home, *where)
    try:
        folder_fd = _open_below(home, where)
    except OSError as error:
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            return Collected(student_id, user, "missing",
                             note=f"no {'/'.join(where)} in the home folder")
        if error.errno == errno.ELOOP:
            return Collected(student_id, user, "refused", source=str(source_dir),
                             note="a symbolic link on the way (not followed)")
        if error.errno in (errno.EACCES, errno.EPERM):
            return Collected(student_id, user, "refused", source=str(source_dir),
                             note="cannot read the home folder: run course collect as root")
        raise
    try:
        found = {}
        for name in (f"{assignment}.submission.ipynb", f"{assignment}.ipynb"):
            try:
                found[name] = _read_own_file(folder_fd, name, uid)
            except FileNotFoundError:
                continue
    finally:
        os.close(folder_fd)
    if not found:
        return Collected(student_id, user, "missing", source=str(source_dir),
                         note=f"neither {assignment}.submission.ipynb nor {assignment}.ipynb")
    name = next(iter(found))
    result = found[name]
    if isinstance(result, str):
        return Collected(student_id, user, "refused", source=str(source_dir / name),
                         note=result)
    data, info = result
    notes = []
    if name == f"{assignment}.ipynb":
        notes.append("not handed in with check.submit: the working notebook was collected")
    else:
        working = found.get(f"{assignment}.ipynb")
        if isinstance(working, tuple) and working[1].st_mtime > info.st_mtime:
            notes.append(f"{assignment}.ipynb was saved after the submission (not collected)")
    status, late_by = lateness(info.st_mtime, deadline, info.st_ctime)
    relative, placed = _place(out, student_id, name, data, info.st_mtime)
    if placed:
        notes.append(placed)
    return Collected(student_id, user, status, relative, info.st_mtime, late_by,
                     hashlib.sha256(data).hexdigest(), str(source_dir / name), "; ".join(notes))


def check_student_id(sid: str) -> str:
    if not sid or sid in (".", "..") or any(bad in sid for bad in _BAD_ID) or sid.startswith("."):
        raise InputError(f"student id {sid!r} cannot name a folder: fix the roster")
    return sid


def collect_class(users: Iterable[str], assignment: str, out: Path, *,
                  roster: Mapping[str, str] | None = None, folder: str = DEFAULT_FOLDER,
                  deadline: float | None = None) -> list[Collected]:
    """Collect every user's problem set; one :class:`Collected` per user, in order."""
    if not assignment or "/" in assignment or assignment.startswith("."):
        raise InputError(f"--assignment {assignment!r} is not a problem set name (ps1)")
    roster = dict(roster or {})
    ids = {user: check_student_id(roster.get(user, user)) for user in users}
    clashes = {sid for sid in ids.values() if list(ids.values()).count(sid) > 1}
    if clashes:
        raise InputError(f"two hub users would share the student id {sorted(clashes)[0]!r}: "
                         "fix the roster")
    out.mkdir(parents=True, exist_ok=True)
    return [collect_user(user, sid, assignment, out, folder=folder, deadline=deadline)
            for user, sid in ids.items()]


def write_manifest(rows: list[Collected], path: Path) -> None:
    """The collection as CSV (one row per student), written atomically."""
    partial = path.with_name(f".{path.name}.part")
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow(row.row())
    partial.replace(path)
