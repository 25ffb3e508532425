"""``course release student OUT_DIR``: the student edition of the course, without the answers.

The edition is what students clone: the lessons, the exercises with their public checks,
the data, the whole toolkit (``check()`` and ``check.submit`` need ``course.grading``),
the environment files, the tests that need nothing secret, and a README for students. It
installs and tests with the same two commands as the course (``make lab``, ``make test``).

What is left out, and how it is chosen:

* top level: only the folders and files in :data:`INCLUDED` are copied, so a new
  top-level folder (``solutions/``, ``dist/``, ``docs/``, ``INSTRUCTORS.md``, handouts)
  stays out until someone decides it belongs to students;
* inside them, what :data:`LEFT_OUT` names (material only the instructors' code uses),
  caches, and whatever the project's ``.gitignore`` ignores (what the working copy's own
  runs wrote: benchmark figures, gradebooks, submissions; :func:`ignored`);
* test modules marked as a whole with ``pytestmark = pytest.mark.needs(...)`` (read
  from the source with :mod:`ast`, never imported) — ``needs("solutions")`` for the
  instructors' tests, ``needs("essay")`` and the like for the maintainers' — and the
  edition's ``pyproject.toml`` deselects the tests marked ``needs`` one by one in the
  modules it keeps (``-m 'not needs'``): what they need is never part of the edition.

The lessons go in without what only the presenter sees (:func:`for_students`): their
presenter notes (cells whose slide type is ``notes``: timings, demos, expected answers and
common mistakes) and their 50-minute plan (notebook metadata). ``README.md`` is replaced by
the students' README (``course/publish/templates/student-README.md``).
Before writing anything the command checks that ``exercises/`` is current with
``solutions/`` (as ``course assign --check`` does); after writing, that no notebook holds a
solution marker and no public-checks file a hidden test.

Examples
--------
>>> import ast
>>> tree = ast.parse('import pytest\\npytestmark = [pytest.mark.needs("solutions")]')
>>> sorted(module_needs(tree))
['solutions']
>>> addopts_without_needs('addopts = "-ra --doctest-modules"\\n')
'addopts = "-ra --doctest-modules -m \\'not needs\\'"\\n'
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from course import paths
from course.errors import InputError

#: What the edition copies from the project root (anything else stays out).
INCLUDED = ("course", "notebooks", "exercises", "data", "jupyter", "tests", "benchmarks",
            "scripts", ".ci", "environment.yml", "requirements.lock", "pyproject.toml",
            "postBuild", "start", "Makefile", ".gitignore")

#: Files and folders inside the included ones that only instructors' code uses: a
#: benchmark that grades the solutions, the script that checks a release, and the grading
#: engine's fixture problem set (with its solutions and hidden tests) and corpus, which only
#: the instructors' tests read.
LEFT_OUT = ("benchmarks/bench_grading.py", "benchmarks/bench_review.py",
            "scripts/check_student_edition.sh",
            "tests/grading/fixtures", "tests/grading/corpus")

#: Notebook metadata only the presenter uses (slides.PLAN_KEY): left out of the lessons.
PRESENTER_METADATA = ("course", "fifty_minute_plan")

#: Never copied, wherever they are.
JUNK = ("__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".ruff_cache", "node_modules")
JUNK_SUFFIXES = (".pyc", ".egg-info")

STUDENT_README = Path(__file__).resolve().parent / "templates" / "student-README.md"

#: What the project has that the edition never does (named in the summary).
INSTRUCTORS_ONLY = ("solutions/", "dist/", "INSTRUCTORS.md", "docs/")


@dataclass
class Edition:
    """What ``course release student`` wrote."""

    root: Path
    files: list[str] = field(default_factory=list)  # relative paths, sorted
    tests_left_out: list[str] = field(default_factory=list)


def module_needs(tree: ast.Module) -> set[str]:
    """Names in a module-level ``pytestmark = pytest.mark.needs(...)`` (or a list of marks)."""
    found: set[str] = set()
    for node in tree.body:
        if not isinstance(node, ast.Assign | ast.AnnAssign):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in targets):
            continue
        for call in ast.walk(node.value):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                    and call.func.attr == "needs":
                found.update(a.value for a in call.args
                             if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return found


def addopts_without_needs(pyproject: str) -> str:
    """``pyproject.toml`` text whose pytest ``addopts`` also deselects ``needs`` tests."""
    pattern = re.compile(r'^(addopts\s*=\s*")([^"\n]*)(")', re.MULTILINE)
    if len(pattern.findall(pyproject)) != 1:
        raise InputError("pyproject.toml should have exactly one pytest `addopts = \"...\"` "
                         "line for the student edition to extend")
    return pattern.sub(lambda m: f"{m[1]}{m[2]} -m 'not needs'{m[3]}", pyproject)


def _is_junk(relative: Path) -> bool:
    return any(part in JUNK or part.endswith(JUNK_SUFFIXES) for part in relative.parts)


def ignored(patterns: list[str], relative: Path) -> bool:
    """Whether git would ignore ``relative`` (a file's path) by these ``.gitignore`` lines.

    What a course's working copy has beside its own files is what its runs wrote — a
    benchmark's figures (``benchmarks/results/``), a gradebook or a student's submission
    saved in ``exercises/`` — and the project's ``.gitignore`` names it: the edition
    leaves it out. The rules are git's for the patterns a ``.gitignore`` of this kind
    holds: a pattern with a slash before its end is matched against the whole path from
    the top (a leading slash only anchors it), one without against each name on the path;
    a trailing slash matches folders only; ``*``, ``?`` and ``[...]`` as in
    :mod:`fnmatch`. A negation (``!``) is refused: it would need git's full rules.

    Examples
    --------
    >>> rules = ["benchmarks/results/", "gradebook*.csv", "*.pyc", "build/"]
    >>> ignored(rules, Path("benchmarks/results/hub.json"))
    True
    >>> ignored(rules, Path("exercises/ps1/gradebook-2026.csv"))
    True
    >>> ignored(rules, Path("course/build.py")), ignored(rules, Path("benchmarks/bench_hub.py"))
    (False, False)
    """
    from fnmatch import fnmatchcase

    parts = relative.parts
    for line in patterns:
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        if pattern.startswith("!"):
            raise InputError(f".gitignore: negated patterns ({pattern!r}) are not supported "
                             "by `course release student`; name what to leave out instead")
        folder_only = pattern.endswith("/")
        pattern = pattern.rstrip("/")
        # A folder pattern matches the folders above the file; any other the file too.
        candidates = range(1, len(parts)) if folder_only else range(1, len(parts) + 1)
        if "/" in pattern:
            anchored = pattern.lstrip("/")
            if any(fnmatchcase("/".join(parts[:n]), anchored) for n in candidates):
                return True
        elif any(fnmatchcase(parts[n - 1], pattern) for n in candidates):
            return True
    return False


def _candidates(project: Path) -> list[Path]:
    """Relative paths of the files the edition may hold (before the tests are sorted)."""
    found = []
    for name in INCLUDED:
        top = project / name
        if top.is_file():
            found.append(Path(name))
        elif top.is_dir():
            found.extend(p.relative_to(project) for p in sorted(top.rglob("*"))
                         if p.is_file() and not p.is_symlink())
    gitignore = project / ".gitignore"
    rules = gitignore.read_text(encoding="utf-8").splitlines() if gitignore.is_file() else []
    return [p for p in found if not _is_junk(p) and not ignored(rules, p)
            and not any(p.as_posix() == x or p.as_posix().startswith(x + "/") for x in LEFT_OUT)]


def _test_module_with_needs(project: Path, relative: Path) -> bool:
    if relative.parts[0] != "tests" or not relative.name.startswith("test_") \
            or relative.suffix != ".py":
        return False
    source = (project / relative).read_text(encoding="utf-8")
    return bool(module_needs(ast.parse(source, filename=str(relative))))


def is_notes(cell: dict) -> bool:
    """Whether a cell is presenter notes (slide type ``notes``)."""
    return ((cell.get("metadata") or {}).get("slideshow") or {}).get("slide_type") == "notes"


def for_students(notebook: dict) -> dict:
    """A lesson as students get it: no presenter notes, no 50-minute plan.

    >>> nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# T"},
    ...                 {"cell_type": "markdown", "source": "Expected: 1995",
    ...                  "metadata": {"slideshow": {"slide_type": "notes"}}}],
    ...       "metadata": {"course": {"fifty_minute_plan": []}, "kernelspec": {}}}
    >>> out = for_students(nb)
    >>> [c["source"] for c in out["cells"]], out["metadata"]
    (['# T'], {'kernelspec': {}})
    """
    out = dict(notebook)
    out["cells"] = [cell for cell in notebook.get("cells", []) if not is_notes(cell)]
    metadata = dict(notebook.get("metadata") or {})
    group, key = PRESENTER_METADATA
    if isinstance(metadata.get(group), dict):
        kept = {k: v for k, v in metadata[group].items() if k != key}
        if kept:
            metadata[group] = kept
        else:
            del metadata[group]
    out["metadata"] = metadata
    return out


def _write_lesson(source: Path, target: Path) -> None:
    notebook = json.loads(source.read_text(encoding="utf-8"))
    text = json.dumps(for_students(notebook), indent=1, sort_keys=True, ensure_ascii=False)
    target.write_text(text + "\n", encoding="utf-8")


def _check_exercises_current(project: Path) -> None:
    from course.grading.author import compare_exercises, list_assignments

    solutions = project / "solutions"
    if not list_assignments(solutions):
        raise InputError(f"no problem sets in {solutions}: run `course release student` in "
                         "the instructors' copy of the course, which has solutions/")
    stale = compare_exercises(solutions_dir=solutions, exercises_dir=project / "exercises")
    if stale:
        raise InputError("exercises/ is not current with solutions/ ("
                         + "; ".join(stale) + "): run `course assign`, commit, then release")


def _check_written(edition: Edition) -> None:
    """Refuse an edition with a solution marker in a notebook or a hidden public test."""
    from course.grading.author import decorator_kind

    for relative in edition.files:
        path = edition.root / relative
        if relative.endswith(".ipynb"):
            text = path.read_text(encoding="utf-8")
            if "BEGIN SOLUTION" in text or "END SOLUTION" in text:
                raise InputError(f"{relative} holds a solution marker: not releasing it")
            notebook = json.loads(text)
            if any(is_notes(cell) for cell in notebook.get("cells", [])) \
                    or PRESENTER_METADATA[1] in (notebook.get("metadata", {})
                                                 .get(PRESENTER_METADATA[0]) or {}):
                raise InputError(f"{relative} holds presenter notes: not releasing it")
        if relative.startswith("exercises/") and relative.endswith(".py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef) and any(
                        decorator_kind(d) == "hidden" for d in node.decorator_list):
                    raise InputError(f"{relative} holds the hidden test {node.name}")


# Where a rubric item or a model answer is cut into phrases: a phrase of four words or
# more (a finding a rubric states, "the leader by the second measure") must not appear
# anywhere in the edition, however the sentence around it was reworded.
_PHRASE_BREAK = re.compile(r"[,;:()\[\]\"“”‘’!?]|\.(?:\s|$)|\s[-–—]\s|\s(?:and|or|but|e\.g\.)\s")
_MIN_PHRASE_WORDS = 4


def _words(text: str) -> str:
    return " ".join(re.sub(r"[*_`>#]", " ", text).lower().split())


def answer_phrases(text: str) -> list[str]:
    """The phrases of a rubric item or model answer that must not reach students.

    Examples
    --------
    >>> answer_phrases("Names the largest share (about 0.42 for the leader) and says "
    ...                "whether the system is bipolar.")
    ['names the largest share', 'about 0.42 for the leader', \
'says whether the system is bipolar']
    """
    out = []
    for phrase in _PHRASE_BREAK.split(text):
        words = _words(phrase)
        if len(words.split()) >= _MIN_PHRASE_WORDS and words not in out:
            out.append(words)
    return out


def answer_texts(solutions_dir: Path) -> list[tuple[str, str]]:
    """``(where, phrase)`` of every rubric item (text and comment), instructors' note and
    model answer (the solution regions of written answers) of every problem set."""
    import nbformat
    import yaml

    from course.grading.author import MARKER, list_assignments

    out: list[tuple[str, str]] = []
    for name in list_assignments(solutions_dir):
        config = yaml.safe_load((solutions_dir / name / "assignment.yaml").read_text(
            encoding="utf-8")) or {}
        for question in config.get("questions") or []:
            rubric = question.get("rubric") or []
            for item in [rubric] if isinstance(rubric, str) else rubric:
                texts = [item] if isinstance(item, str) else [
                    str(item.get("text", "")), str(item.get("comment", ""))]
                for text in texts:
                    text = re.sub(r"^\s*\d+(\.\d+)?\s+points?:\s*", "", text)
                    out += [(f"{name} {question.get('id')} rubric", p)
                            for p in answer_phrases(text)]
        notebook = nbformat.read(solutions_dir / name / f"{name}.ipynb", as_version=4)
        for cell in notebook.cells:
            meta = cell.metadata.get("course", {}) if isinstance(
                cell.metadata.get("course"), dict) else {}
            for key in ("rubric", "notes"):
                if isinstance(meta.get(key), str):
                    out += [(f"{name} {key}", p) for p in answer_phrases(meta[key])]
            if cell.cell_type != "markdown":
                continue
            inside = False
            for line in cell.source.split("\n"):
                match = MARKER.match(line)
                if match and match["kind"] == "SOLUTION":
                    inside = match["edge"] == "BEGIN"
                elif inside or meta.get("solution_only"):
                    out += [(f"{name} model answer", p) for p in answer_phrases(line)]
    return out


def taught(edition_root: Path) -> str:
    """The words of what the course teaches students openly: the lessons, the problem
    sets' handouts and the claims registry (``course/registry/claims.yaml``), which states
    the course's reading of each claim (a lesson may state a finding a rubric also names)."""
    texts = []
    for pattern in ("notebooks/*.ipynb", "exercises/*/*.ipynb"):
        for path in sorted(edition_root.glob(pattern)):
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
            texts += ["".join(c.get("source", "")) for c in cells]
    registry = edition_root / "course" / "registry" / "claims.yaml"
    if registry.is_file():
        texts.append(registry.read_text(encoding="utf-8"))
    return _words("\n".join(texts))


def secret_phrases(solutions_dir: Path, edition_root: Path) -> list[tuple[str, str]]:
    """The phrases of :func:`answer_texts` that the lessons and handouts do not teach."""
    open_words = taught(edition_root)
    return [(where, p) for where, p in answer_texts(solutions_dir) if p not in open_words]


def _check_no_answer_text(edition: Edition, solutions_dir: Path) -> None:
    """Refuse an edition any of whose files — tests included — holds a phrase of a rubric
    item, an instructors' note or a model answer that no lesson or handout teaches."""
    phrases = secret_phrases(solutions_dir, edition.root)
    if not phrases:
        return
    found = []
    for relative in edition.files:
        try:
            text = _words((edition.root / relative).read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            continue
        for where, phrase in phrases:
            if phrase in text:
                found.append(f"{relative} holds {phrase!r} ({where})")
    if found:
        raise InputError("the student edition would give answers away: " + "; ".join(
            found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
                         + ": reword those files (tests included)")


def write_student_edition(out_dir: str | Path, project: Path | None = None) -> Edition:
    """Write the student edition of ``project`` (default: this course) into ``out_dir``.

    ``out_dir`` must be outside the project, and new, empty or holding only ``.git`` (the
    students' repository with its files removed, so that a commit records what changed).
    """
    project = Path(project or paths.PROJECT_ROOT).resolve()
    out = Path(out_dir).expanduser().resolve()
    if out == project or project in out.parents:
        raise InputError(f"{out_dir} is inside the course folder: write the student edition "
                         "somewhere else (e.g. ../course-student)")
    if out.exists() and (not out.is_dir() or any(p.name != ".git" for p in out.iterdir())):
        raise InputError(f"{out_dir} already exists and is not empty: give a new folder, or "
                         "empty the students' checkout first (`git rm -rq .` keeps its .git)")
    _check_exercises_current(project)
    edition = Edition(root=out)
    for relative in _candidates(project):
        if _test_module_with_needs(project, relative):
            edition.tests_left_out.append(relative.as_posix())
            continue
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative.suffix == ".ipynb":
            _write_lesson(project / relative, target)
        elif relative.as_posix() == "pyproject.toml":
            text = (project / relative).read_text(encoding="utf-8")
            target.write_text(addopts_without_needs(text), encoding="utf-8")
        else:
            shutil.copy2(project / relative, target)
        edition.files.append(relative.as_posix())
    shutil.copy2(STUDENT_README, out / "README.md")
    edition.files = sorted([*edition.files, "README.md"])
    _check_written(edition)
    if (project / "solutions").is_dir():
        _check_no_answer_text(edition, project / "solutions")
    return edition
