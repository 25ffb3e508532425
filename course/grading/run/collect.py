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
  group, and ``--download canvas|moodle|gradescope`` (:data:`DOWNLOADS`) knows how each
  LMS names what it hands out: the Canvas user id in ``doejane_LATE_12345_678_ps1.ipynb``
  (a name is not an id: two Jane Does are two students), the Moodle participant number
  in ``Jane Doe_4321_assignsubmission_file_``, and the student id Gradescope's
  ``submission_metadata.yml`` gives each ``submission_NNN`` folder (read whenever a
  folder given holds one).

Ids are kept exactly as given — ``Müller, Anna`` and ``Möller, Anna`` are two students —
and the notebook's ``course.student_id`` metadata is only compared with them (see
:mod:`course.grading.book.gradebook`). File and folder names are handled as the bytes the file
system holds: a name that is not UTF-8 is shown with its bytes escaped (``caf\\xe9``)
by :func:`course.grading.untrusted.safetext.shown_name`, in the id and in the gradebook alike.

**Every input of a student is kept**, so it gets a row or a flag on that student's row:
each ``*.ipynb`` entry becomes a submission (even a link, a pipe or a folder with that
name: :func:`course.grading.untrusted.read_submission` refuses it with a row saying why);
a per-student folder that is a symbolic link becomes a submission of kind ``link``; a
student's other files (a ``.py`` upload, notes) become submissions of kind ``other``,
which :mod:`course.grading.run.runner` shows as a flag on the student's row, or as the row
itself when the student handed in no notebook. Files directly in a folder given that
are not notebooks are the student's when an id pattern names them or when their type is
one a student uploads by mistake (:data:`UPLOAD_SUFFIXES`); anything else there (an
instructor's ``readme.txt``) is listed as ignored. Hidden files and folders
(``.ipynb_checkpoints``, ``.DS_Store``) are skipped.

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
>>> student_id(Path("doejane_LATE_12345_678_ps1-1.ipynb"), None, "ps1",
...            re.compile(DOWNLOADS["canvas"]))
('12345', 'pattern')
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from course.errors import InputError
from course.grading.untrusted import shown_name

__all__ = ["DOWNLOADS", "Submission", "UPLOAD_SUFFIXES", "collect", "gradescope_ids",
           "student_id", "submission_for"]

#: How each LMS names the files it hands out: the regular expression whose first group
#: is the id the LMS's grade import matches on.
DOWNLOADS = {
    # doejane_12345_678910_ps1.ipynb, doejane_LATE_12345_678910_ps1-1.ipynb: the user id
    "canvas": r"^[^_]+_(?:LATE_)?(\d+)_",
    # Jane Doe_4321_assignsubmission_file_/ps1.ipynb: the participant number
    "moodle": r"_(\d+)_assign(?:submission|feedback)_",
    # submission_98765/ps1.ipynb: the ids come from submission_metadata.yml
    "gradescope": r"^submission_(\d+)$",
}
#: Files a student hands in instead of the notebook; directly in a folder given, they are
#: the student's (a row), where other files are ignored.
UPLOAD_SUFFIXES = (".py", ".json", ".zip", ".html", ".pdf", ".txt.ipynb", ".ipynb.txt")
_LATE = re.compile(r"(^|_)LATE_")


@dataclass(frozen=True)
class Submission:
    """One input of a student: where it is, how it is shown, and whose it is.

    ``kind`` is ``notebook`` (graded), ``other`` (a file that is not a notebook: a flag on
    the student's row, or its row), ``link`` (a per-student folder that is a symbolic
    link, not followed), ``empty`` (a per-student folder with nothing in it) or
    ``unlistable`` (one that cannot be listed). ``late`` is set when the LMS marked the
    file late.
    """

    path: Path
    source: str  # as shown in the gradebook: relative to the folder given, escaped
    student_id: str
    via: str  # "file name", "folder", "pattern" or "gradescope"
    mtime: float = 0.0  # of the entry itself (a link is not followed)
    kind: str = "notebook"
    late: bool = False


def _stem(name: str) -> str:
    for suffix in (".ipynb", ".submission"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def student_id(path: Path, root: Path | None, assignment: str,
               pattern: re.Pattern | None = None,
               known: dict[str, str] | None = None) -> tuple[str, str]:
    """``(id, how it was found)`` for a submission file found under ``root`` (or named).

    ``known`` maps a per-student folder's name to its student's id (a Gradescope
    export's metadata). The id is text: a name that is not UTF-8 is shown escaped.
    """
    parts: tuple[str, ...] = ()
    if root is not None:
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            parts = ()
    if known and len(parts) > 1 and parts[0] in known:
        return known[parts[0]], "gradescope"
    if pattern is not None:
        for part in [*parts[:-1], path.name]:  # the student's folder first, then the file
            match = pattern.search(part)
            if match and match.groups() and match.group(1):
                return shown_name(match.group(1)), "pattern"
    if len(parts) > 1:
        return shown_name(parts[0]), "folder"
    stem = _stem(path.name)
    if root is None and stem.casefold() == assignment.casefold() \
            and path.parent.name not in ("", ".", ".."):  # s026/ps1.ipynb named directly
        return shown_name(path.parent.name), "folder"
    return shown_name(stem or path.name), "file name"


def _mtime(path: Path) -> float:
    try:
        return os.lstat(path).st_mtime
    except OSError:
        return 0.0


def submission_for(path: Path, assignment: str, root: Path | None = None,
                   pattern: re.Pattern | None = None, *, kind: str = "notebook",
                   known: dict[str, str] | None = None) -> Submission:
    """The :class:`Submission` for one file (found under ``root``, or named directly)."""
    # a student's folder (a link, empty) is named like a folder holding a file
    folder = kind in ("link", "empty", "unlistable")
    sid, via = student_id(path / "_" if folder else path, root, assignment, pattern, known)
    shown = path.relative_to(root).as_posix() if root is not None else path.as_posix()
    if root is not None and root.name not in ("", "."):
        shown = f"{root.name}/{shown}"
    late = any(_LATE.search(part) for part in Path(shown).parts[-2:])
    return Submission(path, shown_name(shown), sid, via, _mtime(path), kind, late)


def gradescope_ids(folder: Path) -> dict[str, str]:
    r"""Folder name -> student id from a Gradescope export's ``submission_metadata.yml``
    (the submitter's ``sid``, else their email); ``{}`` when there is none.

    A group submission names every submitter: the folder goes to the first, and each
    other submitter is listed (``+ id``) so that nobody is silently left out.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "submission_metadata.yml").write_text(
    ...     ":submission_1:\n  :submitters:\n  - :name: Jane Doe\n    :sid: '00123'\n")
    >>> gradescope_ids(folder)
    {'submission_1': '00123'}
    """
    import yaml

    path = folder / "submission_metadata.yml"
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InputError(f"{path} cannot be read ({error}): export the submissions from "
                         "Gradescope again") from None
    out: dict[str, str] = {}
    for key, entry in (data or {}).items() if isinstance(data, dict) else ():
        if not isinstance(entry, dict):
            continue
        entry = {str(k).lstrip(":"): v for k, v in entry.items()}
        people = entry.get("submitters") if isinstance(entry.get("submitters"), list) else []
        ids = []
        for person in people:
            if isinstance(person, dict):
                person = {str(k).lstrip(":"): v for k, v in person.items()}
                sid = person.get("sid") or person.get("email") or person.get("name")
                if sid not in (None, ""):
                    ids.append(str(sid).strip())
        if ids:
            out[str(key).lstrip(":")] = ids[0]
    return out


def _is_upload(name: str, pattern: re.Pattern | None) -> bool:
    """Is a file directly in a folder given a student's (wrong) upload?"""
    if pattern is not None and (m := pattern.search(name)) and m.groups() and m.group(1):
        return True
    return name.lower().endswith(UPLOAD_SUFFIXES)


def _walk(folder: Path, top: Path, found: list[tuple[Path, str]],
          ignored: list[tuple[Path, str]], pattern: re.Pattern | None) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: os.fsencode(e.name))
    except OSError as error:
        if folder == top:
            ignored.append((folder, f"cannot list the folder: {error.strerror}"))
        else:  # a student's folder: the student gets a row saying so
            found.append((folder, "unlistable"))
        return
    if folder != top and folder.parent == top and not any(
            not e.name.startswith(".") for e in entries):
        found.append((folder, "empty"))  # a student's folder with nothing in it: a row
    for entry in entries:
        path = folder / entry.name
        if entry.name.startswith("."):
            continue
        in_student = folder != top
        if entry.name.endswith(".ipynb"):
            found.append((path, "notebook"))  # whatever it is: refused later with a row
        elif entry.is_symlink():
            if in_student or _is_upload(entry.name, pattern):
                found.append((path, "other"))  # listed on the row, never followed
            elif entry.is_dir(follow_symlinks=True):
                found.append((path, "link"))  # a student's folder as a link: a row
            else:
                ignored.append((path, "a symbolic link (not followed)"))
        elif entry.is_dir(follow_symlinks=False):
            _walk(path, top, found, ignored, pattern)
        elif in_student or _is_upload(entry.name, pattern):
            found.append((path, "other"))
        else:
            ignored.append((path, "not a .ipynb file"))


def collect(items: list[str], assignment: str, *, id_pattern: str | None = None,
            download: str | None = None
            ) -> tuple[list[Submission], list[tuple[Path, str]]]:
    """Submissions named on the command line: ``(submissions, ignored (path, why))``.

    A folder is searched recursively (without following links); a ``*.ipynb`` name is a
    submission whatever it turns out to be, and every other input of a student is a
    submission of kind ``other`` or ``link`` (see the module's description).
    ``download`` names the LMS the folder was downloaded from (:data:`DOWNLOADS`).

    Raises
    ------
    InputError
        A name that does not exist, an unknown ``download``, or an ``--id-pattern`` that
        is not a regular expression with a group.
    """
    if download is not None and download not in DOWNLOADS:
        raise InputError(f"--download must be one of {', '.join(DOWNLOADS)}, not {download!r}")
    pattern = None
    if id_pattern and download:
        raise InputError("give --id-pattern or --download, not both")
    id_pattern = id_pattern or (DOWNLOADS[download] if download else None)
    if id_pattern:
        try:
            pattern = re.compile(id_pattern)
        except re.error as error:
            raise InputError(f"--id-pattern is not a regular expression: {error}") from None
        if pattern.groups < 1:
            raise InputError("--id-pattern needs a group that captures the id, e.g. "
                             "'^[^_]+_(?:LATE_)?(\\d+)_'")
    out: list[Submission] = []
    ignored: list[tuple[Path, str]] = []
    for item in items:
        path = Path(item)
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            raise InputError(f"no such file or folder: {shown_name(item)}") from None
        is_folder = stat.S_ISDIR(mode) or (stat.S_ISLNK(mode) and path.is_dir())
        if is_folder and not path.name.endswith(".ipynb"):
            found: list[tuple[Path, str]] = []
            known = gradescope_ids(path)
            _walk(path, path, found, ignored, pattern)  # the folder named may be a link
            out.extend(submission_for(p, assignment, path, pattern, kind=kind, known=known)
                       for p, kind in found)
        else:
            out.append(submission_for(path, assignment, None, pattern))
    unique = {s.path: s for s in out}
    return list(unique.values()), ignored
