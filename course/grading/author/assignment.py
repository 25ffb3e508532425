"""Problem sets: read the single source in ``solutions/<ps>/`` and generate ``exercises/``.

A problem set is authored once, as an instructor's folder ``solutions/<ps>/`` holding

* ``<ps>.ipynb`` — the master notebook, with the worked solutions between
  ``# BEGIN SOLUTION`` and ``# END SOLUTION`` lines (``<!-- BEGIN SOLUTION -->`` in
  Markdown cells) and each answer cell marked by the cell metadata
  ``{"course": {"question": "q3"}}``;
* ``assignment.yaml`` — questions, points, the variables each answer cell must
  define, and the rubrics of questions graded by hand;
* ``tests.py`` — the tests (:mod:`course.grading.testing`), ``@public`` or ``@hidden``.

:func:`generate` writes the student version ``exercises/<ps>/``: the notebook with every
solution region replaced by its prompt (the ``# BEGIN PROMPT`` … ``# END PROMPT`` comment
block, uncommented) or by ``...``, outputs and execution counts cleared; and
``public_tests.py`` holding only the public tests, with the same function bodies. Hidden
tests, rubrics and solutions are physically absent from it. Generation is deterministic.

Examples
--------
>>> cell = '''shares = ...
... # BEGIN SOLUTION
... shares = table["cinc"] / table["cinc"].sum()
... # END SOLUTION'''
>>> print(strip_solutions(cell))
shares = ...
...
>>> cell = '''# BEGIN PROMPT
... # poles = 1 / ...
... # END PROMPT
... # BEGIN SOLUTION
... poles = 1 / (shares ** 2).sum()
... # END SOLUTION'''
>>> print(strip_solutions(cell))
poles = 1 / ...
"""

from __future__ import annotations

import ast
import contextlib
import copy
import filecmp
import io
import pprint
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml

from course import paths
from course.errors import InputError
from course.grading import testing
from course.grading.author.rubric import RubricItem, parse_rubric

__all__ = [
    "Assignment",
    "Question",
    "compare_exercises",
    "generate",
    "list_assignments",
    "load_assignment",
    "public_tests_source",
    "student_notebook",
    "strip_solutions",
    "written_answer_given",
    "written_prompts",
    "handout",
    "MARKER",
    "decorator_kind",
    "verify_solutions",
]

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

#: A ``# BEGIN SOLUTION`` / ``# END PROMPT`` line (or its ``<!-- ... -->`` Markdown form).
MARKER = re.compile(
    r"^(?P<indent>[ \t]*)(?:#|<!--)\s*(?P<edge>BEGIN|END)\s+(?P<kind>SOLUTION|PROMPT)"
    r"\s*(?:-->)?\s*$"
)

#: Text put in place of a solution in a Markdown answer cell.
MARKDOWN_PLACEHOLDER = "_Type your answer here, replacing this text._"


@dataclass
class Question:
    """One question of a problem set, as declared in ``assignment.yaml``."""

    id: str
    points: float
    kind: str
    title: str
    answers: list[str] = field(default_factory=list)
    rubric: list[RubricItem] = field(default_factory=list)  # hand-graded questions only


@dataclass
class Assignment:
    """A problem set read from ``solutions/<name>/`` and checked for consistency."""

    name: str
    title: str
    folder: Path
    questions: list[Question]
    total: float
    time_limit_seconds: float
    memory_limit_mb: int
    notebook: Any
    tests_source: str
    config: dict

    @property
    def notebook_path(self) -> Path:
        return self.folder / f"{self.name}.ipynb"

    @property
    def tests_path(self) -> Path:
        return self.folder / "tests.py"

    @property
    def config_path(self) -> Path:
        return self.folder / "assignment.yaml"

    def question(self, qid: str) -> Question:
        for question in self.questions:
            if question.id == qid:
                return question
        known = ", ".join(q.id for q in self.questions)
        raise InputError(f"{self.name} has no question {qid!r}; its questions are {known}")

    def required(self) -> dict[str, list[str]]:
        """``{question: [answer variable names]}`` for the auto-graded questions."""
        return {q.id: list(q.answers) for q in self.questions if q.kind == "auto"}

    def points(self) -> dict[str, float]:
        return {q.id: q.points for q in self.questions}

    def tests(self) -> list:
        """All tests (public and hidden), loaded from ``tests.py``."""
        return testing.load_tests(self.tests_source, name=f"{self.name}_tests")


# --------------------------------------------------------------------------- reading


def list_assignments(solutions_dir: Path | None = None) -> list[str]:
    """Names of the problem sets in ``solutions/`` (folders holding ``assignment.yaml``)."""
    root = Path(solutions_dir or paths.SOLUTIONS_DIR)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "assignment.yaml").is_file())


def _number(value: Any, what: str, *, positive: bool = True) -> float:
    if type(value) is bool or not isinstance(value, int | float):
        raise InputError(f"{what} must be a number, not {value!r}")
    if positive and value <= 0:
        raise InputError(f"{what} must be positive, not {value!r}")
    return float(value)


def parse_config(name: str, config: Any) -> tuple[list[Question], float]:
    where = f"solutions/{name}/assignment.yaml"
    if not isinstance(config, dict) or not isinstance(config.get("questions"), list):
        raise InputError(f"{where} must be a mapping with a `questions:` list")
    questions = []
    for i, raw in enumerate(config["questions"], start=1):
        if not isinstance(raw, dict):
            raise InputError(f"{where}: question #{i} must be a mapping (id, points, kind...)")
        qid = raw.get("id")
        if not isinstance(qid, str) or not NAME_PATTERN.match(qid):
            raise InputError(f"{where}: question #{i} needs an `id` like q1 or w1, not {qid!r}")
        kind = raw.get("kind", "auto")
        if kind not in {"auto", "manual"}:
            raise InputError(f"{where}: {qid} has kind {kind!r}; use `auto` or `manual`")
        answers = raw.get("answers") or []
        if not isinstance(answers, list) or not all(
            isinstance(a, str) and IDENTIFIER.match(a) for a in answers
        ):
            raise InputError(f"{where}: {qid}'s `answers` must be a list of variable names")
        if kind == "auto" and not answers:
            raise InputError(f"{where}: auto-graded {qid} must list its `answers` variables")
        if kind == "manual" and not raw.get("rubric"):
            raise InputError(f"{where}: hand-graded {qid} needs a `rubric`")
        points = _number(raw.get("points"), f"{where}: {qid}'s points")
        rubric = parse_rubric(raw["rubric"], points, f"{where}: {qid}") \
            if raw.get("rubric") else []
        questions.append(
            Question(
                id=qid,
                points=points,
                kind=kind,
                title=str(raw.get("title") or qid),
                answers=list(answers),
                rubric=rubric,
            )
        )
    ids = [q.id for q in questions]
    duplicates = sorted({q for q in ids if ids.count(q) > 1})
    if duplicates:
        raise InputError(f"{where}: question ids repeat: {', '.join(duplicates)}")
    total = sum(q.points for q in questions)
    declared = config.get("total", total)
    if abs(_number(declared, f"{where}: total") - total) > 1e-9:
        raise InputError(f"{where}: `total` is {declared} but the questions add up to {total:g}")
    return questions, total


def _cell_question(cell: Any) -> str | None:
    meta = cell.get("metadata", {}).get("course")
    if isinstance(meta, dict) and isinstance(meta.get("question"), str):
        return meta["question"]
    return None


def load_assignment(name: str, solutions_dir: Path | None = None) -> Assignment:
    """Read and check the problem set ``name`` from ``solutions/<name>/``.

    Raises
    ------
    InputError
        If a file is missing or the notebook, the YAML and the tests disagree (an answer
        cell missing or repeated, a test for an unknown question, an auto question
        without tests, an unclosed solution marker...).
    """
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise InputError(f"an assignment name looks like ps1, not {name!r}")
    folder = Path(solutions_dir or paths.SOLUTIONS_DIR) / name
    for needed in ("assignment.yaml", f"{name}.ipynb", "tests.py"):
        if not (folder / needed).is_file():
            known = ", ".join(list_assignments(solutions_dir)) or "none"
            raise InputError(
                f"solutions/{name}/{needed} is missing (problem sets found: {known})"
            )
    config = yaml.safe_load((folder / "assignment.yaml").read_text(encoding="utf-8"))
    questions, total = parse_config(name, config)
    notebook = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    course_meta = notebook.metadata.get("course", {})
    if course_meta.get("assignment") != name:
        raise InputError(
            f"solutions/{name}/{name}.ipynb: notebook metadata course.assignment is "
            f"{course_meta.get('assignment')!r}, expected {name!r}"
        )
    by_id = {q.id: q for q in questions}
    seen: dict[str, int] = {}
    for cell in notebook.cells:
        qid = _cell_question(cell)
        if qid is None:
            continue
        if qid not in by_id:
            raise InputError(f"{name}.ipynb has an answer cell for unknown question {qid!r}")
        want = "code" if by_id[qid].kind == "auto" else "markdown"
        if cell.cell_type != want:
            raise InputError(f"{name}.ipynb: the answer cell of {qid} must be a {want} cell")
        seen[qid] = seen.get(qid, 0) + 1
        strip_solutions(cell.source, markdown=cell.cell_type == "markdown")  # validates markers
    for question in questions:
        if seen.get(question.id, 0) != 1:
            raise InputError(
                f"{name}.ipynb must have exactly one answer cell for {question.id} "
                f"(found {seen.get(question.id, 0)})"
            )
    tests_source = (folder / "tests.py").read_text(encoding="utf-8")
    assignment = Assignment(
        name=name,
        title=str(config.get("title") or course_meta.get("title") or name),
        folder=folder,
        questions=questions,
        total=total,
        time_limit_seconds=_number(config.get("time_limit_seconds", 60), "time_limit_seconds"),
        memory_limit_mb=int(_number(config.get("memory_limit_mb", 1024), "memory_limit_mb")),
        notebook=notebook,
        tests_source=tests_source,
        config=config,
    )
    counts: dict[str, int] = {}
    for test in assignment.tests():
        info = testing.info_of(test)
        if info.question not in by_id:
            raise InputError(f"solutions/{name}/tests.py: {test.__name__} tests unknown "
                             f"question {info.question!r}")
        if by_id[info.question].kind == "manual":
            raise InputError(f"solutions/{name}/tests.py: {info.question} is graded by hand "
                             "and cannot have tests")
        counts[info.question] = counts.get(info.question, 0) + 1
    untested = [q.id for q in questions if q.kind == "auto" and not counts.get(q.id)]
    if untested:
        raise InputError(f"solutions/{name}/tests.py has no test for {', '.join(untested)}")
    return assignment


# --------------------------------------------------------------------------- stripping


def _uncomment(line: str) -> str:
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if stripped.startswith("# "):
        return indent + stripped[2:]
    if stripped.startswith("#"):
        return indent + stripped[1:]
    return line


def strip_solutions(source: str, *, markdown: bool = False) -> str:
    """Replace every solution region of a cell by its prompt, or by ``...``.

    A ``# BEGIN PROMPT`` … ``# END PROMPT`` block (comment lines) gives the text that
    replaces the next solution region, uncommented; without one the region becomes
    ``...`` (code) or :data:`MARKDOWN_PLACEHOLDER` (Markdown), at the marker's
    indentation. Lines outside the regions are kept.

    Raises
    ------
    InputError
        If a marker is unbalanced or nested.
    """
    out: list[str] = []
    prompt: list[str] | None = None
    pending_prompt: list[str] | None = None
    in_solution = False
    for line in source.split("\n"):
        match = MARKER.match(line)
        if match:
            edge, kind, indent = match["edge"], match["kind"], match["indent"]
            if kind == "PROMPT":
                if edge == "BEGIN":
                    if prompt is not None or in_solution:
                        raise InputError("a `BEGIN PROMPT` must not be nested")
                    prompt = []
                else:
                    if prompt is None:
                        raise InputError("an `END PROMPT` has no matching `BEGIN PROMPT`")
                    pending_prompt, prompt = prompt, None
                continue
            if edge == "BEGIN":
                if in_solution or prompt is not None:
                    raise InputError("a `BEGIN SOLUTION` must not be nested")
                in_solution = True
            else:
                if not in_solution:
                    raise InputError("an `END SOLUTION` has no matching `BEGIN SOLUTION`")
                in_solution = False
                if pending_prompt is not None:
                    out.extend(pending_prompt)
                    pending_prompt = None
                else:
                    out.append(indent + (MARKDOWN_PLACEHOLDER if markdown else "..."))
            continue
        if prompt is not None:
            prompt.append(line if markdown else _uncomment(line))
        elif not in_solution:
            out.append(line)
    if in_solution or prompt is not None:
        raise InputError("a `BEGIN SOLUTION` or `BEGIN PROMPT` is never closed")
    if pending_prompt is not None:
        raise InputError("a PROMPT block must be followed by the SOLUTION region it replaces")
    return "\n".join(out)


def student_notebook(assignment: Assignment) -> Any:
    """The student's notebook: solutions replaced by prompts, outputs and counts cleared,
    cells marked ``{"course": {"solution_only": true}}`` dropped."""
    notebook = copy.deepcopy(assignment.notebook)
    cells = []
    for cell in notebook.cells:
        meta = cell.metadata.get("course", {})
        if isinstance(meta, dict) and meta.get("solution_only"):
            continue
        if isinstance(meta, dict):
            for private in ("rubric", "solution_only", "notes"):
                meta.pop(private, None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.source = strip_solutions(cell.source)
        elif cell.cell_type == "markdown":
            cell.source = strip_solutions(cell.source, markdown=True)
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cells.append(cell)
    notebook.cells = cells
    notebook.metadata.pop("widgets", None)
    notebook.metadata["course"] = {"assignment": assignment.name, "title": assignment.title}
    return notebook


def written_prompts(assignment: Assignment) -> dict[str, str]:
    """The answer cell of each written question as students receive it (untouched)."""
    out = {}
    for cell in student_notebook(assignment).cells:
        qid = _cell_question(cell)
        if qid is not None and cell.cell_type == "markdown":
            out[qid] = cell.source
    return out


def handout(assignment: Assignment):
    """What students are given, as the grader compares with it: each cell's id, words and
    question, and each written question's prompt
    (:class:`course.grading.untrusted.Handout`)."""
    import json

    from course.grading.untrusted import Handout

    cells = json.loads(nbformat.writes(student_notebook(assignment)))["cells"]
    return Handout.from_cells(cells, written_prompts(assignment))


def _words(text: str) -> str:
    return " ".join(text.split())


def written_answer_given(text: str, prompt: str | None = None) -> bool:
    r"""Did the student write an answer in this written-answer cell?

    Not if the cell is empty, or still the cell students received (``prompt``), or that
    cell with only its placeholder deleted. Without ``prompt``, an answer is given when
    the placeholder text is gone and something is left.

    Examples
    --------
    >>> prompt = "**Your verdict:**\n" + MARKDOWN_PLACEHOLDER
    >>> written_answer_given(prompt, prompt), written_answer_given("**Your verdict:**", prompt)
    (False, False)
    >>> written_answer_given("**Your verdict:** multipolar, 5.7 poles.", prompt)
    True
    >>> written_answer_given(MARKDOWN_PLACEHOLDER), written_answer_given("Bipolar.")
    (False, True)
    """
    body = _words(text)
    if not body:
        return False
    if prompt is not None:
        blank = _words(prompt.replace(MARKDOWN_PLACEHOLDER, " "))
        return body != _words(prompt) and _words(text.replace(MARKDOWN_PLACEHOLDER, " ")) \
            not in ("", blank)
    return MARKDOWN_PLACEHOLDER not in text


# --------------------------------------------------------------------------- public tests


def decorator_kind(node: ast.expr) -> str | None:
    """'public' / 'hidden' for ``@public(...)``, ``@testing.hidden(...)``; else None."""
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr if target.attr in {"public", "hidden"} else None
    if isinstance(target, ast.Name):
        return target.id if target.id in {"public", "hidden"} else None
    return None


def public_tests_source(assignment: Assignment) -> str:
    """Source of ``exercises/<ps>/public_tests.py``: imports plus the ``@public`` tests.

    Module-level helper *functions* that public tests call are copied too (they are
    visible to students, so they must not hold answers). Module-level constants are
    never copied; a public test or helper that uses one is an error, because such
    constants usually serve hidden tests.
    """
    text = assignment.tests_source
    tree = ast.parse(text)
    lines = text.split("\n")
    constants: set[str] = set()
    imports: list[str] = []
    functions: dict[str, ast.AST] = {}
    order: list[str] = []
    public_names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            imports.append(ast.get_source_segment(text, node))
            continue
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            functions[node.name] = node
            order.append(node.name)
            kinds = {decorator_kind(d) for d in getattr(node, "decorator_list", [])}
            if "public" in kinds and "hidden" in kinds:
                raise InputError(f"tests.py: {node.name} is both public and hidden")
            if "public" in kinds:
                public_names.append(node.name)
            continue
        if isinstance(node, ast.Expr) and isinstance(getattr(node, "value", None), ast.Constant):
            continue  # docstring
        for target in ast.walk(node):
            if isinstance(target, ast.Name) and isinstance(target.ctx, ast.Store):
                constants.add(target.id)
    hidden_names = {
        name for name, node in functions.items()
        if any(decorator_kind(d) == "hidden" for d in getattr(node, "decorator_list", []))
    }
    shipped: set[str] = set()
    queue = list(public_names)
    while queue:
        name = queue.pop()
        if name in shipped:
            continue
        shipped.add(name)
        used = {n.id for n in ast.walk(functions[name]) if isinstance(n, ast.Name)}
        hashed = {n.attr for n in ast.walk(functions[name]) if isinstance(n, ast.Attribute)}
        if "hash_of" in used | hashed:
            raise InputError(
                f"solutions/{assignment.name}/tests.py: public test or helper {name} compares "
                "a fingerprint of the answer; a student can try candidates with check() until "
                "it passes, so public checks may test properties only")
        leaked = sorted(used & (constants | hidden_names))
        if leaked:
            raise InputError(
                f"solutions/{assignment.name}/tests.py: public test or helper {name} uses "
                f"{', '.join(leaked)}, which is not shipped to students; define it inside the "
                "function (and keep reference values out of public tests)"
            )
        queue.extend(sorted((used & set(functions)) - shipped))
    chunks = []
    for name in order:
        if name not in shipped:
            continue
        node = functions[name]
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        chunks.append("\n".join(lines[first - 1 : node.end_lineno]))
    questions = {
        q.id: {"title": q.title, "points": q.points, "kind": q.kind, "answers": q.answers}
        for q in assignment.questions
    }
    header = (
        f'"""Public checks for {assignment.name}: {assignment.title}.\n\n'
        "Generated by `course assign` from the instructor's tests; do not edit. Run them in\n"
        'your notebook with check("q1"). Passing them does not guarantee the hidden tests,\n'
        'which decide the grade."""\n'
    )
    given = handout(assignment).to_data()
    body = [header, *imports, "", f"ASSIGNMENT = {assignment.name!r}",
            f"QUESTIONS = {pprint.pformat(questions, width=96, sort_dicts=False)}",
            "# The notebook as handed out, as the grader reads written answers against it:",
            "# each cell's id, a fingerprint of its words and its question; the prompts.",
            f"HANDOUT = {pprint.pformat(given, width=96, sort_dicts=False)}", ""]
    for chunk in chunks:
        body.extend(["", chunk, ""])
    return "\n".join(body).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- generating


def _write_if_changed(path: Path, text: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def generate(
    name: str,
    *,
    solutions_dir: Path | None = None,
    exercises_dir: Path | None = None,
) -> list[Path]:
    """Write ``exercises/<name>/<name>.ipynb`` and ``public_tests.py``; return their paths.

    Checks that no solution line survives in the student notebook, and that no hidden
    test is in the public file, before writing anything.
    """
    assignment = load_assignment(name, solutions_dir)
    notebook = student_notebook(assignment)
    notebook_text = nbformat.writes(notebook) + "\n"
    public_text = public_tests_source(assignment)
    _assert_no_leak(assignment, notebook_text, public_text)
    out_dir = Path(exercises_dir or paths.EXERCISES_DIR) / name
    written = [out_dir / f"{name}.ipynb", out_dir / "public_tests.py"]
    _write_if_changed(written[0], notebook_text)
    _write_if_changed(written[1], public_text)
    return written


def solution_lines(source: str) -> list[str]:
    """The non-blank lines inside the solution regions of a cell (for leak checks)."""
    found, inside = [], False
    for line in source.split("\n"):
        match = MARKER.match(line)
        if match and match["kind"] == "SOLUTION":
            inside = match["edge"] == "BEGIN"
            continue
        if inside and line.strip():
            found.append(line.strip())
    return found


def _assert_no_leak(assignment: Assignment, notebook_text: str, public_text: str) -> None:
    student = nbformat.reads(notebook_text, as_version=4)
    student_lines = {
        line.strip() for cell in student.cells for line in cell.source.split("\n")
    }
    allowed = set()  # text the author put outside solution regions (prompts, scaffolding)
    for cell in assignment.notebook.cells:
        markdown = cell.cell_type == "markdown"
        kept = strip_solutions(cell.source, markdown=markdown).split("\n")
        allowed.update(line.strip() for line in kept)
    for cell in assignment.notebook.cells:
        for line in solution_lines(cell.source):
            if line in student_lines and line not in allowed:
                raise InputError(
                    f"{assignment.name}: the solution line {line!r} would be shown to students"
                )
    if "BEGIN SOLUTION" in notebook_text or "END SOLUTION" in notebook_text:
        raise InputError(f"{assignment.name}: a solution marker survived generation")
    tree = ast.parse(public_text)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
            decorator_kind(d) == "hidden" for d in node.decorator_list
        ):
            raise InputError(
                f"{assignment.name}: hidden test {node.name} leaked into the public file")


def compare_exercises(
    names: list[str] | None = None,
    *,
    solutions_dir: Path | None = None,
    exercises_dir: Path | None = None,
) -> list[str]:
    """Generate into a temporary folder and list the committed files that differ.

    Returns a list of human-readable differences (empty when ``exercises/`` is current).
    """
    names = names or list_assignments(solutions_dir)
    committed_root = Path(exercises_dir or paths.EXERCISES_DIR)
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            fresh = generate(name, solutions_dir=solutions_dir, exercises_dir=Path(tmp))
            for path in fresh:
                committed = committed_root / name / path.name
                if not committed.is_file():
                    problems.append(f"exercises/{name}/{path.name} is missing")
                elif not filecmp.cmp(path, committed, shallow=False):
                    problems.append(f"exercises/{name}/{path.name} differs from its source")
            extra_dir = committed_root / name
            if extra_dir.is_dir():
                expected = {p.name for p in fresh}
                for other in sorted(extra_dir.iterdir()):
                    if other.name not in expected and other.name != "__pycache__":
                        problems.append(f"exercises/{name}/{other.name} is not generated")
    return problems


def clean_generated(name: str, exercises_dir: Path | None = None) -> None:
    """Remove ``exercises/<name>/`` (used before regenerating from scratch)."""
    target = Path(exercises_dir or paths.EXERCISES_DIR) / name
    if target.is_dir():
        shutil.rmtree(target)


# --------------------------------------------------------------------------- verifying


@dataclass
class InProcessRun:
    """Answers extracted from a notebook run in this process, and the cells that failed."""

    answers: dict
    errors: list[str]
    output: str


def _runnable(source: str) -> str:
    """Cell source without IPython magics (``%...``) and shell escapes (``!...``)."""
    kept = []
    for line in source.split("\n"):
        stripped = line.lstrip()
        kept.append("" if stripped.startswith(("%", "!")) else line)
    return "\n".join(kept)


def run_in_process(notebook: Any, required: dict[str, list[str]]) -> InProcessRun:
    """Execute a *trusted* notebook's code cells here and extract its answers.

    For the instructor's own notebooks only (solutions, freshly generated exercises):
    student submissions are run by the contained engine, never with this. After each
    answer cell the question's variables go through ``answers.encode``/``decode``, as
    in the grader. A failing cell is recorded and the run goes on.
    """
    from course.grading.untrusted import answers as codec

    namespace: dict[str, Any] = {"__name__": "__main__"}
    extracted: dict[str, Any] = {}
    errors: list[str] = []
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            try:
                exec(compile(_runnable(cell.source), f"<cell {index}>", "exec"), namespace)  # noqa: S102
            except Exception as error:  # recorded, like the grader does
                errors.append(f"cell {index}: {type(error).__name__}: {error}")
            qid = _cell_question(cell)
            for var in required.get(qid, []) if qid else []:
                if var in namespace:
                    extracted[var] = codec.decode(codec.encode(namespace[var]))
    return InProcessRun(extracted, errors, buffer.getvalue())


def verify_solutions(assignment: Assignment) -> list[testing.TestResult]:
    """Run the solution notebook in this process and return the failing tests (if any)."""
    run = run_in_process(assignment.notebook, assignment.required())
    if run.errors:
        raise InputError(f"{assignment.name}.ipynb (solution) fails: {run.errors[0]}")
    results = testing.run_tests(assignment.tests(), run.answers, required=assignment.required())
    return [r for r in results if not r.passed]

