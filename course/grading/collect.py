"""Which files are submissions, and whose: identity comes from how files were collected.

A student is identified by what the instructor's collection gives, never by what the
notebook says about itself:

* a file directly in a folder given to ``course grade`` (or named on the command line)
  belongs to the student its **file name** names — ``jdoe42.ipynb`` and
  ``jdoe42.submission.ipynb`` are ``jdoe42``;
* a file inside a **per-student folder** (``submissions/s025/ps1.ipynb``, however deep)
  belongs to ``s025``, the first folder under the one given — and so does a file named
  only after the problem set (``s025/ps1.ipynb`` named on the command line);
* ``--id-pattern`` takes the id out of a longer name with a regular expression's first
  group (for LMS downloads such as ``jdoe42_1234_5678_ps1.ipynb``).

Ids are kept exactly as given — ``Müller, Anna`` and ``Möller, Anna`` are two students —
and the notebook's ``course.student_id`` metadata is only compared with them (see
:mod:`course.grading.gradebook`).

Folders are walked without following symbolic links; hidden files and folders
(``.ipynb_checkpoints``) are skipped. Every ``*.ipynb`` entry becomes a submission, even
a link, a pipe or a folder with that name: :func:`course.grading.untrusted.read_submission`
then refuses it, and it gets a gradebook row saying why.

Examples
--------
>>> from pathlib import Path
>>> student_id(Path("inbox/jdoe42.submission.ipynb"), Path("inbox"), "ps1")
('jdoe42', 'file name')
>>> student_id(Path("inbox/s025/ps1.ipynb"), Path("inbox"), "ps1")
('s025', 'folder')
>>> student_id(Path("s026/ps1.ipynb"), None, "ps1")
('s026', 'folder')
>>> student_id(Path("Müller, Anna.ipynb"), None, "ps1")
('Müller, Anna', 'file name')
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from course.errors import InputError

__all__ = ["Submission", "collect", "student_id", "submission_for"]


@dataclass(frozen=True)
class Submission:
    """One file to grade: where it is, how it is shown, and whose it is."""

    path: Path
    source: str  # as shown in the gradebook: relative to the folder given
    student_id: str
    via: str  # "file name", "folder" or "pattern"
    mtime: float = 0.0  # of the entry itself (a link is not followed)


def _stem(name: str) -> str:
    for suffix in (".ipynb", ".submission"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def student_id(path: Path, root: Path | None, assignment: str,
               pattern: re.Pattern | None = None) -> tuple[str, str]:
    """``(id, how it was found)`` for a submission file found under ``root`` (or named)."""
    if pattern is not None:
        match = pattern.search(path.name)
        if match and match.groups() and match.group(1):
            return match.group(1), "pattern"
    if root is not None:
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            parts = ()
        if len(parts) > 1:
            return parts[0], "folder"
    stem = _stem(path.name)
    if stem.casefold() == assignment.casefold() and path.parent.name not in ("", ".", ".."):
        return path.parent.name, "folder"
    return stem or path.name, "file name"


def _mtime(path: Path) -> float:
    try:
        return os.lstat(path).st_mtime
    except OSError:
        return 0.0


def submission_for(path: Path, assignment: str, root: Path | None = None,
                   pattern: re.Pattern | None = None) -> Submission:
    """The :class:`Submission` for one file (found under ``root``, or named directly)."""
    sid, via = student_id(path, root, assignment, pattern)
    shown = path.relative_to(root).as_posix() if root is not None else path.as_posix()
    if root is not None and root.name not in ("", "."):
        shown = f"{root.name}/{shown}"
    return Submission(path, shown, sid, via, _mtime(path))


def _walk(folder: Path, found: list[Path], ignored: list[tuple[Path, str]]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        ignored.append((folder, f"cannot list the folder: {error.strerror}"))
        return
    for entry in entries:
        path = folder / entry.name
        if entry.name.startswith("."):
            continue
        if entry.name.endswith(".ipynb"):
            found.append(path)  # whatever it is: refused later with a row if not a file
        elif entry.is_symlink():
            ignored.append((path, "a symbolic link (not followed)"))
        elif entry.is_dir(follow_symlinks=False):
            _walk(path, found, ignored)
        else:
            ignored.append((path, "not a .ipynb file"))


def collect(items: list[str], assignment: str, *, id_pattern: str | None = None
            ) -> tuple[list[Submission], list[tuple[Path, str]]]:
    """Submissions named on the command line: ``(submissions, ignored (path, why))``.

    A folder is searched recursively (without following links); a ``*.ipynb`` name is a
    submission whatever it turns out to be.

    Raises
    ------
    InputError
        A name that does not exist, or an ``--id-pattern`` that is not a regular
        expression with a group.
    """
    pattern = None
    if id_pattern:
        try:
            pattern = re.compile(id_pattern)
        except re.error as error:
            raise InputError(f"--id-pattern is not a regular expression: {error}") from None
        if pattern.groups < 1:
            raise InputError("--id-pattern needs a group that captures the id, e.g. "
                             "'^([^_]+)_'")
    out: list[Submission] = []
    ignored: list[tuple[Path, str]] = []
    for item in items:
        path = Path(item)
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            raise InputError(f"no such file or folder: {item}") from None
        is_folder = stat.S_ISDIR(mode) or (stat.S_ISLNK(mode) and path.is_dir())
        if is_folder and not path.name.endswith(".ipynb"):
            found: list[Path] = []
            _walk(path, found, ignored)  # the folder named may be a link; inside, none
            out.extend(submission_for(p, assignment, path, pattern) for p in found)
        else:
            out.append(submission_for(path, assignment, None, pattern))
    unique = {s.path: s for s in out}
    return list(unique.values()), ignored
