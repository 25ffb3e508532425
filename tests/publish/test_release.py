"""`course release student`: what students get, and proof that nothing secret is in it.

"Secret" is everything that lets a student score without doing the work, taken from
``solutions/`` itself rather than from a list of known strings:

* solution regions — no solution marker in any notebook; no statement of a solution
  region that assigns an answer variable appears as a statement anywhere in the
  edition's code; no two consecutive lines of a solution region appear consecutively in
  any file; no line of a written model answer appears anywhere;
* hidden tests and the reference computations only they use — no function of the
  edition has the code (whatever its name) of a hidden test or of a helper only hidden
  tests call, and no exercise file defines a function named like a hidden test;
* reference values — every solution notebook is run here and each numeric answer (floats
  that are not whole numbers, in scalars, lists, dicts, Series and DataFrames) is looked
  for, printed to 3 and 4 decimals and 4 significant digits, in every text file of the
  edition except the data tables (``data/*.csv``, ``datapackage.json``), which are the
  course's public inputs, identical to the project's, and hold raw numbers that such a
  search would match by chance;
* rubrics and instructors' notes from ``assignment.yaml`` and the notebooks' metadata
  (each item whole, without its "1 point:" prefix), and every phrase of four words or
  more of a rubric item, a note or a written model answer that the lessons and handouts
  do not teach openly (a lesson may state a finding a rubric also names), in every file
  of the edition, tests included — ``course release`` itself refuses such an edition;
* text answers (codes, names) written on one line with their answer variable.

The edition must also hold what students need, and work on a fresh clone:
``scripts/check_student_edition.sh`` runs the README's two commands there (it installs a
virtual environment, so it is a scripted check, not a test); here the clone collects its
tests and runs a sample of them with this interpreter.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from itertools import pairwise
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from course import paths
from course.errors import InputError
from course.grading.author import assignment as asg
from course.publish import release
from course.publish.release import LEFT_OUT, module_needs, write_student_edition

pytestmark = pytest.mark.needs("solutions")

PROBLEM_SETS = asg.list_assignments()
PUBLIC_TABLES = re.compile(r"^data/[^/]+\.(csv|json)$")
#: Reference values that the lessons themselves teach, so a student-edition file may print
#: them: (problem set, value as printed) -> where students meet it.
TAUGHT_IN_LESSONS = {
    ("ps1", "3.247"): ("q5's poles_by_year and q6's chart hold it; lesson 01 and its "
                       "polarity explorer show the 2012 effective number of poles among COW "
                       "major powers (3.25); tests/measures/test_polarity.py pins it"),
}


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    return write_student_edition(tmp_path_factory.mktemp("release") / "student edition")


@pytest.fixture(scope="module")
def texts(edition) -> dict[str, str]:
    """Relative path -> text of every text file of the edition."""
    out = {}
    for relative in edition.files:
        try:
            out[relative] = (edition.root / relative).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
    return out


def _code_of(relative: str, text: str) -> list[str]:
    """Python sources in a file: the file itself, or a notebook's code cells."""
    if relative.endswith(".py"):
        return [text]
    if relative.endswith(".ipynb"):
        cells = json.loads(text)["cells"]
        return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return []


def _statements(source: str) -> set[str]:
    try:
        tree = ast.parse(asg._runnable(source))
    except SyntaxError:
        return set()
    return {ast.dump(node) for node in ast.walk(tree) if isinstance(node, ast.stmt)}


def _lines(relative: str, text: str) -> list[str]:
    if relative.endswith(".ipynb"):
        text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"])
    return [line.strip() for line in text.split("\n") if line.strip()]


def _solution_regions(assignment) -> list[tuple[bool, list[str]]]:
    """(markdown?, lines) of every solution region and every solution-only cell."""
    regions = []
    for cell in assignment.notebook.cells:
        markdown = cell.cell_type == "markdown"
        meta = cell.metadata.get("course", {})
        if isinstance(meta, dict) and meta.get("solution_only"):
            regions.append((markdown, cell.source.split("\n")))
            continue
        current = None
        for line in cell.source.split("\n"):
            match = asg.MARKER.match(line)
            if match and match["kind"] == "SOLUTION":
                if match["edge"] == "BEGIN":
                    current = []
                else:
                    regions.append((markdown, current or []))
                    current = None
            elif current is not None:
                current.append(line)
    return regions


# ------------------------------------------------------------------ what students get


def test_edition_holds_lessons_exercises_data_toolkit_and_environment(edition):
    files = set(edition.files)
    project = paths.PROJECT_ROOT
    lessons = {p.relative_to(project).as_posix() for p in paths.NOTEBOOKS_DIR.glob("*.ipynb")}
    assert lessons and lessons <= files
    for name in PROBLEM_SETS:
        assert {f"exercises/{name}/{name}.ipynb", f"exercises/{name}/public_tests.py"} <= files
    for table in paths.DATA_DIR.iterdir():
        relative = table.relative_to(project).as_posix()
        assert (edition.root / relative).read_bytes() == table.read_bytes(), relative
    toolkit = {p.relative_to(project).as_posix() for p in (project / "course").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert toolkit <= files  # check() and check.submit need course.grading and the sandbox
    assert {"Makefile", "requirements.lock", "environment.yml", "pyproject.toml", "postBuild",
            ".gitignore", "README.md"} <= files


def test_students_readme_and_the_deselected_needs_tests(edition):
    readme = (edition.root / "README.md").read_text(encoding="utf-8")
    assert "make lab" in readme and "make test" in readme and "check.submit" in readme
    assert "solutions/" not in readme and "course assign" not in readme
    config = tomllib.loads((edition.root / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["pytest"]["ini_options"]["addopts"].endswith("-m 'not needs'")


def test_instructors_material_is_left_out(edition):
    files = edition.files
    for prefix in ("solutions/", "dist/", "docs/", "INSTRUCTORS.md", *LEFT_OUT):
        assert not [f for f in files if f == prefix or f.startswith(prefix.rstrip("/") + "/")]
    shipped_tests = [f for f in files if re.search(r"(^|/)test_[^/]*\.py$", f)]
    assert shipped_tests
    for relative in shipped_tests:  # modules marked needs(...) as a whole stay out
        tree = ast.parse((edition.root / relative).read_text(encoding="utf-8"))
        assert not module_needs(tree), relative
    assert "tests/grading/author/test_problem_sets.py" in edition.tests_left_out


def test_what_git_ignores_never_reaches_the_edition(edition, tmp_path):
    """A working copy's own output (benchmark figures, a gradebook or a submission saved
    beside a problem set) stays out: the edition leaves out what the project's .gitignore
    ignores, as git decides it. 600 paths made of the names those rules use are put to
    git itself (``check-ignore --no-index``, in a repository holding only the
    .gitignore) and to :func:`release.ignored`; they must agree on every one."""
    import random

    rules = (paths.PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8")
    assert not [f for f in edition.files if release.ignored(rules.splitlines(), Path(f))]
    names = ["benchmarks", "results", "exercises", "ps1", "course", "build", "dist", "report",
             "feedback", "submissions", "handouts", ".cache", "data", "hub.json", "a.py",
             "build.py", "report.py", "gradebook.csv", "gradebook-ps1.csv", "x.pyc",
             "s1.submission.ipynb", "s1.submission.json", "gradebook-details.jsonl",
             "grades_import.csv", "notes.md", "test-artifacts", ".gitignore"]
    pick = random.Random(20261208)
    candidates = sorted({"/".join(pick.choice(names) for _ in range(pick.randint(1, 4)))
                         for _ in range(600)})
    repository = tmp_path / "repository"
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    (repository / ".gitignore").write_text(rules, encoding="utf-8")
    found = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"],
                           input="\n".join(candidates), capture_output=True, text=True,
                           cwd=repository)
    assert found.returncode in (0, 1), found.stderr
    by_git = set(found.stdout.split())
    assert by_git, "git ignored none of the paths: the check would prove nothing"
    disagree = [c for c in candidates if release.ignored(rules.splitlines(), Path(c))
                != (c in by_git)]
    assert not disagree, f"course and git disagree on {len(disagree)}: {disagree[:5]}"


# ------------------------------------------------------------------ nothing secret


def test_no_solution_region(edition, texts):
    for relative, text in texts.items():
        if relative.endswith(".ipynb"):
            assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text, relative
    statements = set().union(*(_statements(src) for rel, text in texts.items()
                               for src in _code_of(rel, text)))
    pairs = {rel: set(pairwise(lines))
             for rel, text in texts.items() for lines in [_lines(rel, text)]}
    checked = 0
    for name in PROBLEM_SETS:
        assignment = asg.load_assignment(name)
        answers = {v for q in assignment.questions for v in q.answers}
        for markdown, region in _solution_regions(assignment):
            stripped = [line.strip() for line in region if line.strip()]
            for pair in pairwise(stripped):
                checked += 1
                assert not [r for r, found in pairs.items() if pair in found], (name, pair)
            if markdown:
                for line in stripped:
                    if len(line) >= 30:
                        checked += 1
                        assert not [r for r, t in texts.items() if line in t], (name, line)
                continue
            try:
                tree = ast.parse(textwrap.dedent("\n".join(region)))
            except SyntaxError:
                continue
            for node in tree.body:
                targets = {t.id for n in ast.walk(node) if isinstance(n, ast.Assign)
                           for t in n.targets if isinstance(t, ast.Name)}
                if targets & answers:
                    checked += 1
                    assert ast.dump(node) not in statements, (name, ast.unparse(node))
    assert checked > 100  # the three problem sets have well over a hundred such pieces


def _functions(source: str) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)}


def _body(function: ast.FunctionDef) -> str:
    """A function's code without its name, decorators and docstring (a copy under another
    name is still found)."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return "\n".join(ast.unparse(statement) for statement in body)


def _called(function: ast.FunctionDef) -> set[str]:
    return {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}


def _reach(names: set[str], functions: dict[str, ast.FunctionDef]) -> set[str]:
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen or name not in functions:
            continue
        seen.add(name)
        todo.extend(_called(functions[name]))
    return seen


def test_no_hidden_test_or_reference_computation(edition, texts):
    edition_functions, exercise_names = set(), set()
    for rel, text in texts.items():
        for source in _code_of(rel, text):
            try:
                tree = ast.parse(asg._runnable(source))
            except SyntaxError:
                continue
            edition_functions |= {_body(n) for n in ast.walk(tree)
                                  if isinstance(n, ast.FunctionDef)}
            if rel.startswith("exercises/"):
                exercise_names |= {n.name for n in ast.walk(tree)
                                   if isinstance(n, ast.FunctionDef)}
    hidden_total = 0
    for name in PROBLEM_SETS:
        source = (paths.SOLUTIONS_DIR / name / "tests.py").read_text(encoding="utf-8")
        functions = _functions(source)
        kinds = {f: {asg.decorator_kind(d) for d in node.decorator_list}
                 for f, node in functions.items()}
        hidden = {f for f, k in kinds.items() if "hidden" in k}
        public = {f for f, k in kinds.items() if "public" in k}
        secret = _reach(hidden, functions) - _reach(public, functions)
        assert hidden <= secret and len(hidden) >= 5, name
        hidden_total += len(hidden)
        for function in sorted(secret):
            assert _body(functions[function]) not in edition_functions, (name, function)
        assert not hidden & exercise_names, (name, hidden & exercise_names)
    assert hidden_total >= 20


def _numbers(value) -> list[float]:
    """Floats in an answer that are not whole numbers (whole ones are years and counts)."""
    if isinstance(value, pd.DataFrame):
        values = value.select_dtypes("number").to_numpy().ravel().tolist()
        values += [v for v in value.index if isinstance(v, float)]
    elif isinstance(value, pd.Series):
        values = value.tolist() if pd.api.types.is_numeric_dtype(value) else []
    elif isinstance(value, dict):
        values = [v for item in value.values() for v in _numbers(item)]
    elif isinstance(value, list | tuple | np.ndarray):
        values = [v for item in value for v in _numbers(item)]
    else:
        values = [value]
    return [float(v) for v in values if isinstance(v, float | np.floating)
            and np.isfinite(v) and float(v) != round(float(v))]


def _shown(value: float) -> set[str]:
    """How a reference value could be printed; only forms with 4+ significant digits."""
    forms = {f"{value:.3f}", f"{value:.4f}", f"{value:.4g}"}
    return {f for f in forms if len(f.lstrip("-0.").replace(".", "")) >= 4}


def _numbers_printed(text: str) -> set[str]:
    """Every string ``shown`` for which ``(?<![\\d.])shown(?!\\d)`` finds ``shown`` in the text,
    among strings of digits and dots with an optional leading minus.

    A match starts a maximal run of digits and dots and ends where the run ends or at one
    of its dots, so each run gives its prefixes before a dot and itself; a minus counts
    where no digit or dot comes before it. One pass per file, then a set lookup per value.

    >>> sorted(_numbers_printed("p 3.247. and 5-0.1, -2.5"))
    ['-2', '-2.5', '0', '0.1', '2', '2.5', '3', '3.247', '3.247.', '5']
    """
    found = set()
    for match in re.finditer(r"(?<![\d.])(-?)([\d.]+)", text):
        sign, run = match.groups()
        prefixes = [run[:i] for i, char in enumerate(run) if char == "."] + [run]
        found.update(prefix for prefix in prefixes if prefix)
        if sign:
            found.update(sign + prefix for prefix in prefixes if prefix)
    return found


def test_no_reference_value_from_the_solutions(texts):
    printed = {rel: _numbers_printed(text) for rel, text in texts.items()
               if not PUBLIC_TABLES.match(rel)}
    looked_for = 0
    for name in PROBLEM_SETS:
        assignment = asg.load_assignment(name)
        run = asg.run_in_process(assignment.notebook, assignment.required())
        assert run.errors == [], run.errors
        for variable, value in run.answers.items():
            for number in _numbers(value):
                for shown in _shown(number):
                    looked_for += 1
                    if (name, shown) in TAUGHT_IN_LESSONS:
                        continue
                    where = [rel for rel, numbers in printed.items() if shown in numbers]
                    assert not where, f"{name}.{variable} = {shown} is in {where}"
    assert looked_for > 500


def test_no_rubric_or_instructors_note(texts):
    private = []
    for name in PROBLEM_SETS:
        config = yaml.safe_load((paths.SOLUTIONS_DIR / name / "assignment.yaml").read_text())
        for question in config["questions"]:
            rubric = question.get("rubric", [])
            for item in [rubric] if isinstance(rubric, str) else rubric:  # a string, or items
                private += [item] if isinstance(item, str) else [item["text"], item["comment"]]
        notebook = nbformat.read(paths.SOLUTIONS_DIR / name / f"{name}.ipynb", as_version=4)
        for cell in notebook.cells:
            meta = cell.metadata.get("course", {})
            for key in ("rubric", "notes"):
                if isinstance(meta, dict) and isinstance(meta.get(key), str):
                    private.append(meta[key])
    assert len(private) >= 6
    for text in private:
        item = re.sub(r"^\s*\d+(\.\d+)? points?:\s*", "", text).strip()
        assert len(item) >= 25
        assert not [r for r, t in texts.items() if item in t], item


def test_no_presenter_notes_expected_answers_or_plan_in_the_lessons(edition, texts):
    """Presenter notes hold the expected answers ("*Expected:* **1995**" under lesson 00's
    Exercise 5.1): the edition's lessons have none of them, nor the 50-minute plan."""
    notes = []
    for path in sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")):
        lesson = nbformat.read(path, as_version=4)
        notes += [cell.source for cell in lesson.cells
                  if cell.metadata.get("slideshow", {}).get("slide_type") == "notes"]
        shipped = json.loads(texts[path.relative_to(paths.PROJECT_ROOT).as_posix()])
        assert "fifty_minute_plan" not in shipped["metadata"].get("course", {}), path.name
        assert ["".join(c["source"]) for c in shipped["cells"]] == [
            c.source for c in lesson.cells
            if c.metadata.get("slideshow", {}).get("slide_type") != "notes"], path.name
    assert len(notes) > 100 and any("**1995**" in note for note in notes)
    readable = [" ".join("".join(json.loads(t)["cells"][i]["source"]).split())
                for r, t in texts.items() if r.endswith(".ipynb")
                for i in range(len(json.loads(t)["cells"]))]
    for note in notes:  # each note's text past its head, in no cell a student can open
        body = " ".join(note.split("\n", 1)[-1].split())[:120]
        if len(body) >= 60:  # (a one-line note may repeat a sentence of the lesson)
            assert not [cell for cell in readable if body in cell], body
    lessons = [t for r, t in texts.items() if r.startswith("notebooks/")]
    assert not [t for t in lessons if "Presenter notes" in t or "*Expected" in t]


# ------------------------------------------------------------------ the command


def _strings(value) -> list[str]:
    """Text answers (a leader's code, a list of names): each string in them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []


def test_no_text_answer_is_set_beside_its_variable_anywhere(texts):
    """A text answer ("USA", a list of codes) may appear in the edition — a lesson names
    the powers — but never on one line with its answer variable (a test's fixture, a
    worked answer): that is the answer given away."""
    looked_for = 0
    for name in PROBLEM_SETS:
        assignment = asg.load_assignment(name)
        run = asg.run_in_process(assignment.notebook, assignment.required())
        for variable, value in run.answers.items():
            strings = _strings(value)
            if not strings or not isinstance(value, str | list | tuple) or (
                    not isinstance(value, str) and len(strings) != len(value)):
                continue  # not a text answer
            looked_for += 1
            named = re.compile(rf"\b{re.escape(variable)}\b")
            quoted = [re.compile(rf"['\"]{re.escape(t)}['\"]") for t in set(strings)]
            where = [rel for rel, body in texts.items() if not PUBLIC_TABLES.match(rel)
                     and any(named.search(line) and all(q.search(line) for q in quoted)
                             for line in body.splitlines())]
            assert not where, f"{name}.{variable} = {value!r} is in {where}"
    assert looked_for >= 3


def test_no_phrase_of_a_rubric_item_or_model_answer_in_any_file(edition, texts):
    """Every phrase (four words or more) of every rubric item, instructors' note and
    written model answer, against every file of the edition, tests included; only what
    the lessons and handouts teach openly may appear."""
    from course.publish.release import answer_texts, secret_phrases

    every = answer_texts(paths.SOLUTIONS_DIR)
    phrases = secret_phrases(paths.SOLUTIONS_DIR, edition.root)
    assert len(every) > 100 and len(phrases) > 80
    words = {rel: " ".join(re.sub(r"[*_`>#]", " ", text).lower().split())
             for rel, text in texts.items()}
    found = [(rel, phrase, where) for where, phrase in phrases
             for rel, text in words.items() if phrase in text]
    assert found == []


def test_the_release_refuses_a_file_that_gives_a_rubric_phrase_away(edition, tmp_path):
    """What the issue found: a test's sample answers worded like a rubric item."""
    from course.publish.release import Edition, _check_no_answer_text, secret_phrases

    where, phrase = secret_phrases(paths.SOLUTIONS_DIR, edition.root)[0]
    fake = Edition(tmp_path, ["tests/grading/gradebooks.py"])
    (tmp_path / "tests" / "grading").mkdir(parents=True)
    (tmp_path / "tests" / "grading" / "gradebooks.py").write_text(
        f'ANSWERS = ["{phrase.capitalize()}, as the data show."]\n')
    with pytest.raises(InputError, match="would give answers away"):
        _check_no_answer_text(fake, paths.SOLUTIONS_DIR)


def test_refuses_a_folder_that_is_not_empty_or_inside_the_course(tmp_path, capsys):
    from course.cli import main

    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "keep.txt").write_text("mine")
    assert main(["release", "student", str(tmp_path / "old")]) == 1
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "old" / "keep.txt").read_text() == "mine"
    with pytest.raises(InputError, match="inside the course folder"):
        write_student_edition(paths.PROJECT_ROOT / "dist" / "student")


def test_writes_into_a_students_checkout_that_holds_only_its_git_folder(tmp_path):
    checkout = tmp_path / "students"
    (checkout / ".git").mkdir(parents=True)
    (checkout / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    edition = write_student_edition(checkout)
    assert (checkout / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert "README.md" in edition.files and not any(f.startswith(".git/") for f in edition.files)


def test_refuses_when_exercises_are_stale(tmp_path):
    project = tmp_path / "project"
    for name in ("solutions", "exercises", "course"):
        shutil.copytree(paths.PROJECT_ROOT / name, project / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    public = project / "exercises" / PROBLEM_SETS[0] / "public_tests.py"
    public.write_text(public.read_text() + "\n# edited by hand\n")
    with pytest.raises(InputError, match="run `course assign`"):
        write_student_edition(tmp_path / "out", project=project)
    assert not (tmp_path / "out").exists()


def test_cli_writes_the_edition_and_says_what_was_left_out(tmp_path, capsys):
    from course.cli import main

    assert main(["release", "student", str(tmp_path / "edition"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert "README.md" in report["files"] and report["tests_left_out"]
    assert all((tmp_path / "edition" / f).is_file() for f in report["files"])


# ------------------------------------------------------------------ a fresh clone of it


def _git(*args, cwd):
    env = {**os.environ, "GIT_AUTHOR_NAME": "course", "GIT_AUTHOR_EMAIL": "course@example.org",
           "GIT_COMMITTER_NAME": "course", "GIT_COMMITTER_EMAIL": "course@example.org"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.mark.slow  # clones the edition and runs pytest in it
def test_a_fresh_clone_of_the_edition_collects_and_passes_a_sample_of_its_tests(edition,
                                                                            tmp_path):
    if shutil.which("git") is None:
        pytest.fail("git is needed to clone the edition")
    _git("init", "-q", cwd=edition.root)
    _git("add", "-A", cwd=edition.root)
    _git("commit", "-q", "-m", "Student edition", cwd=edition.root)
    clone = tmp_path / "clone"
    _git("clone", "-q", str(edition.root), str(clone), cwd=tmp_path)
    env = {**os.environ, "PYTHONPATH": str(clone)}
    env.pop("COURSE_DATA_DIR", None)
    found = subprocess.run([sys.executable, "-c", "import course; print(course.__file__)"],
                           cwd=clone, env=env, capture_output=True, text=True, check=True)
    assert Path(found.stdout.strip()).parent.parent == clone
    collect = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                              "-p", "no:cacheprovider"],
                             cwd=clone, env=env, capture_output=True, text=True)
    assert collect.returncode == 0, collect.stdout[-3000:] + collect.stderr[-2000:]
    summary = collect.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+/\d+ tests collected \(\d+ deselected\)", summary), summary
    sample = ["tests/grading/check/test_checker.py", "tests/data/test_loader.py",
              "tests/test_repository.py", "course/grading/check/checker.py"]
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          *sample], cwd=clone, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout.splitlines()[-1] and "failed" not in run.stdout


@settings(max_examples=300)
@given(text=st.text(alphabet="0123-.x ", max_size=30),
       shown=st.from_regex(r"-?[0-3][0-3.]{0,4}", fullmatch=True))
def test_the_number_index_finds_what_the_search_finds(text, shown):
    """:func:`_numbers_printed` answers as the regular expression the test used to run per
    file and value (75 of its 85 s)."""
    searched = re.search(rf"(?<![\d.]){re.escape(shown)}(?!\d)", text) is not None
    assert (shown in _numbers_printed(text)) == searched
