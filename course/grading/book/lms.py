"""Grade import files for Canvas and Moodle, shaped from the LMS's own export.

Both LMSs import a CSV shaped like the gradebook they export, so the instructor exports
it once (Canvas: Grades ▸ Export; Moodle: Grades ▸ Export ▸ Plain text file) and
``course export-grades`` fills the problem set's column:

* every value is kept as **text**, exactly as the LMS wrote it: ids such as ``00123``
  stay ``00123`` (a spreadsheet or pandas would read ``123.0``);
* the file keeps the export's identity columns (Canvas: ``Student``, ``ID``,
  ``SIS User ID``, ``SIS Login ID``, ``Integration ID``, ``Root Account``, ``Section``;
  Moodle: names, ``ID number``, ``Email address``, ``Username``...) and the one column
  named, and drops the other grade columns, so no other assignment is touched;
* Canvas's ``Points Possible`` row (and a ``Manual Posting`` row, if the export has one)
  stays where it was, under the header;
* one row per row of the export: a student is matched on the id column that matches the
  gradebook's ids (``--id-column`` to choose), a student the gradebook does not have is
  left blank, and both those students and the gradebook's students the LMS does not know
  are reported.

The value written is the student's total from the gradebook, hand-graded points
included; a student whose written answers are not all graded is refused unless
``allow_ungraded`` (their total would lack those points).

Examples
--------
>>> canvas = ("Student,ID,SIS User ID,SIS Login ID,Section,PS1 (7)\\n"
...           "    Points Possible,,,,,25.00\\n"
...           '"Doe, Jane",101,00123,jdoe,A,\\n')
>>> template = parse_template(canvas, "canvas")
>>> template.points_row, [r["SIS User ID"] for r in template.students]
(0, ['00123'])
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from course.errors import InputError
from course.grading.untrusted import WRITE_ERRORS

__all__ = ["Export", "Template", "fill", "parse_template", "read_template", "write_export"]

LMS = ("canvas", "moodle")
#: Columns that say who a row is, in the order an LMS writes them; the id columns among
#: them are tried (in this order) to match the gradebook's ids.
IDENTITY = {
    "canvas": ["Student", "ID", "SIS User ID", "SIS Login ID", "Integration ID",
               "Root Account", "Section"],
    # the gradebook export (First name, Surname or Last name...) and the assignment's
    # grading worksheet (Identifier "Participant 4321", Full name...)
    "moodle": ["Identifier", "Full name", "First name", "Surname", "Last name", "ID number",
               "Username", "Institution", "Department", "Email address"],
}
ID_COLUMNS = {
    "canvas": ["SIS Login ID", "SIS User ID", "ID", "Integration ID"],
    "moodle": ["Username", "ID number", "Email address", "Identifier"],
}
#: Columns whose value names the id in words: Moodle's worksheet says "Participant 4321"
#: (in the course's language), the id `course grade --download moodle` takes is 4321.
_NUMBERED = {"Identifier"}
_CANVAS_META = ("Points Possible", "Manual Posting", "Muted")


@dataclass
class Template:
    """An LMS export, read as text: header, rows above the students, student rows."""

    lms: str
    header: list[str]
    meta: list[list[str]]  # rows between header and students (Canvas), as they were
    students: list[dict[str, str]]
    points_row: int | None = None  # index in ``meta`` of Canvas's Points Possible row
    bom: bool = False


@dataclass
class Export:
    """The import file's rows, and what the instructor must know about it."""

    header: list[str]
    rows: list[list[str]]
    id_column: str
    matched: int
    missing: list[str] = field(default_factory=list)  # LMS students not in the gradebook
    unknown: list[str] = field(default_factory=list)  # gradebook students not in the LMS
    notes: list[str] = field(default_factory=list)
    bom: bool = False

    def summary(self) -> list[str]:
        lines = [f"{self.matched} student(s) matched on {self.id_column!r}"]
        if self.missing:
            lines.append(f"{len(self.missing)} LMS student(s) not in the gradebook (left "
                         f"blank): {', '.join(self.missing[:20])}"
                         + (" ..." if len(self.missing) > 20 else ""))
        if self.unknown:
            lines.append(f"{len(self.unknown)} gradebook student(s) with no LMS student (not "
                         f"in the file): {', '.join(self.unknown[:20])}"
                         + (" ..." if len(self.unknown) > 20 else ""))
        return lines + self.notes


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _key(column: str, value: str) -> str:
    """The id a template's cell holds, as the gradebook writes it.

    >>> _key("Identifier", "Participant 4321"), _key("ID number", " 00123 ")
    ('4321', '00123')
    """
    value = value.strip()
    if column in _NUMBERED:
        digits = value.rsplit(" ", 1)[-1]
        return digits if digits.isdigit() else value
    return value


def parse_template(text: str, lms: str, name: str = "the template") -> Template:
    """Read an LMS export's text (every value a string).

    Raises
    ------
    InputError
        Not a CSV with a header, or no column that can identify a student.
    """
    if lms not in LMS:
        raise InputError(f"--lms must be one of {', '.join(LMS)}, not {lms!r}")
    bom = text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InputError(f"{name} is empty: export the gradebook from {lms.title()} again")
    header = [h.strip() for h in rows[0]]
    ids = [c for c in ID_COLUMNS[lms] if c in header]
    if not ids:
        raise InputError(f"{name} has no column that identifies students (one of "
                         f"{', '.join(ID_COLUMNS[lms])}); export the gradebook from "
                         f"{lms.title()} with its student columns")
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        raise InputError(f"{name} has repeated columns: {', '.join(repeated)}")
    meta, students, points_row = [], [], None
    for row in rows[1:]:
        first = _cell(row, 0).strip()
        is_meta = lms == "canvas" and not students and (
            first in _CANVAS_META or (not first and not any(
                _cell(row, header.index(c)).strip() for c in ids)))
        if is_meta:
            if first == "Points Possible":
                points_row = len(meta)
            meta.append(row)
        else:
            students.append({h: _cell(row, i) for i, h in enumerate(header)})
    return Template(lms, header, meta, students, points_row, bom)


def read_template(path: str | os.PathLike, lms: str) -> Template:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such template: {path} (export the gradebook from the LMS)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text: export it from the LMS again as CSV "
                         "(UTF-8)") from None
    return parse_template(text, lms, path.name)


def _points(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def fill(template: Template, column: str, rows: dict[str, dict[str, str]], *,
         max_total: float, id_column: str | None = None, allow_ungraded: bool = False
         ) -> Export:
    """The import file: ``template``'s identity columns and ``column`` filled with each
    matched student's total from ``rows`` (gradebook rows by student id).

    Raises
    ------
    InputError
        ``column`` or ``id_column`` not in the template, no id column matching any
        gradebook id, or students with written answers still to grade (unless
        ``allow_ungraded``).
    """
    header = template.header
    lms = template.lms.title()
    if column not in header:
        others = [h for h in header if h and h not in IDENTITY[template.lms]]
        raise InputError(f"the template has no column {column!r}: name the assignment's column "
                         f"exactly as the {lms} export does (its columns include: "
                         f"{', '.join(others[:8]) or 'none besides the students'})")
    if column in IDENTITY[template.lms]:
        raise InputError(f"{column!r} identifies students; name the assignment's column")
    candidates = [c for c in ID_COLUMNS[template.lms] if c in header]
    if id_column is not None:
        if id_column not in header:
            raise InputError(f"the template has no column {id_column!r} (id columns: "
                             f"{', '.join(candidates)})")
        chosen = id_column
    else:
        hits = {c: sum(1 for s in template.students if _key(c, s[c]) in rows)
                for c in candidates}
        chosen = max(candidates, key=lambda c: hits[c])
        if hits[chosen] == 0:
            sample = ", ".join(sorted(rows)[:3])
            raise InputError(f"no student id of the gradebook (e.g. {sample}) is in any of the "
                             f"template's id columns ({', '.join(candidates)}): name the "
                             "submissions with the id the LMS uses, or give --id-column")
    ungraded = sorted(sid for sid, r in rows.items()
                      if r.get("written_status", "") not in ("", "graded"))
    if ungraded and not allow_ungraded:
        raise InputError(f"{len(ungraded)} student(s) have written answers not graded yet (e.g. "
                         f"{', '.join(ungraded[:3])}: {rows[ungraded[0]]['written_status']}); "
                         "grade them with course review, or pass --allow-ungraded to export "
                         "totals without those points")
    # An id collected with spaces around it (a folder unzipped as "jdoe42 ") matches the
    # LMS's "jdoe42" when no other gradebook id does; the gradebook flags such ids.
    trimmed: dict[str, list[str]] = {}
    for sid in rows:
        trimmed.setdefault(sid.strip(), []).append(sid)
    alias = {t: ids[0] for t, ids in trimmed.items()
             if t and len(ids) == 1 and t not in rows}
    keep = [i for i, h in enumerate(header) if h in IDENTITY[template.lms] or h == column]
    target = header.index(column)
    out_rows = [[_cell(row, i) for i in keep] for row in template.meta]
    notes = []
    if template.points_row is not None:
        given = _cell(template.meta[template.points_row], target).strip()
        try:
            possible = float(given)
        except ValueError:
            possible = None
        if possible is not None and abs(possible - max_total) > 1e-9:
            notes.append(f"{lms} says {column!r} is worth {given} points; the gradebook's "
                         f"totals are out of {_points(max_total)}: change one of them before "
                         "importing")
    matched, missing, seen = 0, [], set()
    for student in template.students:
        key = _key(chosen, student[chosen])
        key = key if key in rows else alias.get(key, key)
        row = rows.get(key)
        values = [student.get(header[i], "") for i in keep]
        if row is None:
            who = key or student.get("Student") or student.get("Full name") \
                or student.get("Email address") or "(no id)"
            if who.strip() == "Student, Test":
                notes.append("Canvas's test student is left blank")
            else:
                missing.append(who)
            values[keep.index(target)] = ""
        else:
            matched += 1
            seen.add(key)
            values[keep.index(target)] = row["total"]
        out_rows.append(values)
    if ungraded:
        notes.append(f"{len(ungraded)} total(s) lack written points still to grade")
    unknown = sorted(set(rows) - seen)
    return Export([header[i] for i in keep], out_rows, chosen, matched, missing, unknown,
                  notes, template.bom)


def write_export(path: str | os.PathLike, export: Export) -> Path:
    """Write the import file atomically (UTF-8, with a BOM if the export had one)."""
    path = Path(path)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(export.header)
    writer.writerows(export.rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(("\ufeff" if export.bom else "") + buffer.getvalue(), encoding="utf-8",
                    errors=WRITE_ERRORS,
                    newline="")
    os.replace(temp, path)
    return path
