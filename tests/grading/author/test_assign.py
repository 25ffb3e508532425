"""`course assign`: solutions/ -> exercises/ and the Gradescope bundle.

Checks the marker stripping on hand-written cells, the validation of a problem set's
three files, that generation is deterministic and leak-free for the real problem sets,
that the committed exercises/ equal a fresh generation (the CI check), and the
Gradescope bundle and results format.
"""

from __future__ import annotations

import ast
import io
import json
import stat
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml

from course import paths
from course.cli import main as course_main
from course.errors import InputError
from course.grading import gradescope, testing
from course.grading.author import assignment as asg

pytestmark = pytest.mark.needs("solutions")  # instructors' tests: not in the student edition

PROBLEM_SETS = asg.list_assignments()


def test_the_course_has_three_problem_sets():
    assert PROBLEM_SETS == ["ps1", "ps2", "ps3"]


# --------------------------------------------------------------------------- stripping


def test_solution_region_becomes_ellipsis_at_its_indentation():
    source = "def f(x):\n    # BEGIN SOLUTION\n    return x + 1\n    # END SOLUTION\nf(1)"
    assert asg.strip_solutions(source) == "def f(x):\n    ...\nf(1)"


def test_prompt_block_replaces_the_next_region_uncommented():
    source = (
        "# BEGIN PROMPT\n# poles = ...\n#\n# END PROMPT\n"
        "# BEGIN SOLUTION\npoles = 1 / (s ** 2).sum()\n# END SOLUTION\npoles"
    )
    assert asg.strip_solutions(source) == "poles = ...\n\npoles"


def test_lines_outside_regions_are_kept_and_two_regions_are_stripped():
    source = ("a = ...\n# BEGIN SOLUTION\na = 1\n# END SOLUTION\nb = 2\n"
              "# BEGIN SOLUTION\nc = 3\n# END SOLUTION")
    assert asg.strip_solutions(source) == "a = ...\n...\nb = 2\n..."


def test_markdown_region_gets_the_placeholder():
    source = ("**Your verdict:**\n<!-- BEGIN SOLUTION -->\nYes, because 5.7 poles.\n"
              "<!-- END SOLUTION -->")
    out = asg.strip_solutions(source, markdown=True)
    assert out == "**Your verdict:**\n" + asg.MARKDOWN_PLACEHOLDER
    assert "5.7" not in out


@pytest.mark.parametrize(
    "source",
    [
        "# BEGIN SOLUTION\nx = 1",  # never closed
        "x = 1\n# END SOLUTION",  # no begin
        "# BEGIN SOLUTION\n# BEGIN SOLUTION\nx\n# END SOLUTION\n# END SOLUTION",  # nested
        "# BEGIN PROMPT\n# x = ...\n# END PROMPT\nx = 1",  # prompt without a region
    ],
)
def test_unbalanced_markers_are_refused(source):
    with pytest.raises(InputError):
        asg.strip_solutions(source)


# --------------------------------------------------------------------------- validation


def _write_ps(root: Path, *, config: dict, cells: list, tests: str, name: str = "demo") -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "assignment.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (folder / "tests.py").write_text(tests, encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.metadata["course"] = {"assignment": name, "title": "Demo"}
    nb.cells = cells
    nbformat.write(nb, folder / f"{name}.ipynb")
    return root


def _answer_cell(qid: str, source: str):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["course"] = {"question": qid}
    return cell


GOOD_CONFIG = {
    "title": "Demo",
    "total": 3,
    "questions": [
        {"id": "q1", "points": 2, "kind": "auto", "answers": ["x"], "title": "X"},
        {"id": "w1", "points": 1, "kind": "manual", "rubric": ["1 point: SECRET RUBRIC"]},
    ],
}
GOOD_TESTS = '''
from course.grading import testing
from course.grading.testing import hidden, public

REFERENCE = 41 + 1


def _is_int(value):
    testing.expect_type(value, int, "x")


@public("q1")
def q1_type(answers):
    _is_int(answers["x"])


@hidden("q1")
def q1_value(answers):
    testing.expect(answers["x"] == REFERENCE, "`x` is wrong.")
'''


def _good_cells():
    written = nbformat.v4.new_markdown_cell(
        "**Your verdict:**\n<!-- BEGIN SOLUTION -->\nModel answer\n<!-- END SOLUTION -->")
    written.metadata["course"] = {"question": "w1"}
    return [
        nbformat.v4.new_code_cell(
            'from course.grading.check import Checker\ncheck = Checker("demo")'),
        _answer_cell("q1", "# BEGIN SOLUTION\nx = 6 * 7\n# END SOLUTION\nx"),
        written,
    ]


def test_a_valid_problem_set_generates_without_solutions_rubric_or_hidden_tests(tmp_path):
    solutions = _write_ps(tmp_path / "solutions", config=GOOD_CONFIG, cells=_good_cells(),
                          tests=GOOD_TESTS)
    written = asg.generate("demo", solutions_dir=solutions, exercises_dir=tmp_path / "ex")
    notebook_text = written[0].read_text()
    public = written[1].read_text()
    assert "6 * 7" not in notebook_text and "Model answer" not in notebook_text
    assert "SECRET RUBRIC" not in notebook_text + public
    assert "q1_value" not in public and "REFERENCE" not in public
    # the helper a public test calls is shipped with it, byte for byte
    assert "def _is_int(value):" in public and "def q1_type(answers):" in public
    namespace: dict = {}
    exec(compile(public, "public_tests.py", "exec"), namespace)
    assert namespace["QUESTIONS"]["q1"]["answers"] == ["x"]
    assert "rubric" not in json.dumps(namespace["QUESTIONS"])


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda c, cells, t: c["questions"][0].update(points=-1), "positive"),
        (lambda c, cells, t: c.update(total=10), "add up"),
        (lambda c, cells, t: c["questions"][1].pop("rubric"), "rubric"),
        (lambda c, cells, t: c["questions"][0].update(answers=[]), "answers"),
        (lambda c, cells, t: cells.pop(1), "exactly one answer cell for q1"),
        (lambda c, cells, t: cells.append(_answer_cell("q9", "y = 1")), "unknown question"),
        (lambda c, cells, t: (c["questions"].append(
            {"id": "q2", "points": 1, "kind": "auto", "answers": ["y"]}), c.update(total=4)),
         "no test for q2"),
    ],
)
def test_inconsistent_problem_sets_are_refused_with_a_reason(tmp_path, change, complaint):
    config = json.loads(json.dumps(GOOD_CONFIG))
    cells = _good_cells()
    change(config, cells, None)
    if "q2" in json.dumps(config["questions"]):
        cells.append(_answer_cell("q2", "y = 1"))
    solutions = _write_ps(tmp_path / "solutions", config=config, cells=cells, tests=GOOD_TESTS)
    with pytest.raises(InputError, match=complaint):
        asg.load_assignment("demo", solutions)


def test_a_public_test_that_uses_a_module_constant_is_refused(tmp_path):
    leaky = GOOD_TESTS.replace('_is_int(answers["x"])',
                               'testing.expect(answers["x"] == REFERENCE, "no")')
    solutions = _write_ps(tmp_path / "solutions", config=GOOD_CONFIG, cells=_good_cells(),
                          tests=leaky)
    with pytest.raises(InputError, match="REFERENCE"):
        asg.generate("demo", solutions_dir=solutions, exercises_dir=tmp_path / "ex")


def test_public_checks_may_not_compare_fingerprints(tmp_path):
    """A check that confirms the exact answer is an oracle: with a short answer (a list of
    country codes) a student tries candidates until it passes."""
    tests = GOOD_TESTS + '''

@public("q1")
def q1_fingerprint(answers):
    testing.expect(testing.hash_of(answers["x"]) == "0123456789abcdef", "`x` is wrong.")
'''
    solutions = _write_ps(tmp_path, config=GOOD_CONFIG, cells=_good_cells(), tests=tests)
    with pytest.raises(InputError, match="fingerprint of the answer"):
        asg.public_tests_source(asg.load_assignment("demo", solutions))
    for name in asg.list_assignments():
        assert "hash_of" not in (paths.EXERCISES_DIR / name / "public_tests.py").read_text()


def test_notebook_of_another_assignment_is_refused(tmp_path):
    solutions = _write_ps(tmp_path / "solutions", config=GOOD_CONFIG, cells=_good_cells(),
                          tests=GOOD_TESTS)
    nb = nbformat.read(solutions / "demo" / "demo.ipynb", as_version=4)
    nb.metadata["course"]["assignment"] = "ps9"
    nbformat.write(nb, solutions / "demo" / "demo.ipynb")
    with pytest.raises(InputError, match="ps9"):
        asg.load_assignment("demo", solutions)


# --------------------------------------------------------------------------- real problem sets


@pytest.mark.parametrize("name", PROBLEM_SETS)
def test_generation_is_deterministic(tmp_path, name):
    first = asg.generate(name, exercises_dir=tmp_path / "a")
    second = asg.generate(name, exercises_dir=tmp_path / "b")
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes()


@pytest.mark.parametrize("name", PROBLEM_SETS)
def test_exercise_notebook_contains_no_solution_line(tmp_path, name):
    assignment = asg.load_assignment(name)
    notebook_path, public_path = asg.generate(name, exercises_dir=tmp_path)
    student = nbformat.read(notebook_path, as_version=4)
    student_lines = {line.strip() for c in student.cells for line in c.source.split("\n")}
    scaffolding = {  # what the author wrote outside solution regions (prompts, display lines)
        line.strip()
        for c in assignment.notebook.cells
        for line in asg.strip_solutions(c.source, markdown=c.cell_type == "markdown").split("\n")
    }
    regions = [line for c in assignment.notebook.cells for line in asg.solution_lines(c.source)]
    assert len(regions) > 20  # the problem set really has solutions to hide
    leaked = [line for line in regions if line in student_lines and line not in scaffolding]
    assert leaked == []
    text = notebook_path.read_text() + public_path.read_text()
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    for question in assignment.questions:
        for item in question.rubric:
            assert item.text not in text and item.comment not in text
    for cell in student.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("name", PROBLEM_SETS)
def test_public_file_holds_exactly_the_public_tests_with_the_same_bodies(tmp_path, name):
    assignment = asg.load_assignment(name)
    _, public_path = asg.generate(name, exercises_dir=tmp_path)
    public_source = public_path.read_text()
    source_tree = ast.parse(assignment.tests_source)
    bodies = {n.name: ast.get_source_segment(assignment.tests_source, n)
              for n in source_tree.body if isinstance(n, ast.FunctionDef)}
    shipped = testing.load_tests(public_source, name="shipped")
    all_tests = assignment.tests()
    public_names = sorted(t.__name__ for t in all_tests if not testing.info_of(t).hidden)
    assert sorted(t.__name__ for t in shipped) == public_names
    assert all(not testing.info_of(t).hidden for t in shipped)
    for test_name in public_names:
        assert bodies[test_name] in public_source
    hidden_names = [t.__name__ for t in all_tests if testing.info_of(t).hidden]
    assert hidden_names
    for test_name in hidden_names:
        assert f"def {test_name}(" not in public_source


def test_committed_exercises_equal_a_fresh_generation():
    problems = asg.compare_exercises()
    assert problems == [], "run `course assign` and commit exercises/: " + "; ".join(problems)


def test_compare_reports_a_stale_or_missing_file(tmp_path):
    asg.generate("ps2", exercises_dir=tmp_path)
    stale = tmp_path / "ps2" / "public_tests.py"
    stale.write_text(stale.read_text() + "\n# edited by hand\n")
    problems = asg.compare_exercises(["ps2"], exercises_dir=tmp_path)
    assert problems == ["exercises/ps2/public_tests.py differs from its source"]
    (tmp_path / "ps2" / "ps2.ipynb").unlink()
    assert "exercises/ps2/ps2.ipynb is missing" in asg.compare_exercises(["ps2"],
                                                                          exercises_dir=tmp_path)


def test_cli_check_exit_codes(tmp_path, capsys):
    assert course_main(["assign", "--check"]) == 0
    assert course_main(["assign", "ps1", "--check", "--exercises", str(tmp_path)]) == 1
    assert "exercises/ps1/ps1.ipynb is missing" in capsys.readouterr().out
    assert course_main(["assign", "ps7", "--check"]) == 1  # unknown problem set: clear error


def test_cli_writes_exercises_and_bundle(tmp_path, capsys):
    code = course_main(["assign", "ps2", "--no-verify", "--exercises", str(tmp_path / "ex"),
                        "--dist", str(tmp_path / "dist")])
    assert code == 0
    assert (tmp_path / "ex" / "ps2" / "ps2.ipynb").is_file()
    assert (tmp_path / "dist" / "ps2" / "ps2-gradescope.zip").is_file()
    assert (tmp_path / "dist" / "ps2" / "tests.py").read_text() == \
        (paths.SOLUTIONS_DIR / "ps2" / "tests.py").read_text()


# --------------------------------------------------------------------------- Gradescope


def test_bundle_is_deterministic_and_has_gradescopes_layout(tmp_path):
    assignment = asg.load_assignment("ps1")
    first = gradescope.build_bundle(assignment, dist_dir=tmp_path / "a").read_bytes()
    second = gradescope.build_bundle(assignment, dist_dir=tmp_path / "b").read_bytes()
    assert first == second
    archive = zipfile.ZipFile(io.BytesIO(first))
    names = archive.namelist()
    assert {"setup.sh", "run_autograder", "requirements.txt"} <= set(names)
    for script in ("setup.sh", "run_autograder"):
        mode = archive.getinfo(script).external_attr >> 16
        assert mode & stat.S_IXUSR
        assert archive.read(script).startswith(b"#!/usr/bin/env bash")
    assert b"/autograder/results/results.json" in archive.read("run_autograder")
    assert {"grading/ps1/tests.py", "grading/ps1/assignment.yaml",
            "grading/ps1/prompts.json"} <= set(names)
    prompts = json.loads(archive.read("grading/ps1/prompts.json"))
    assert set(prompts) == {"w1", "w2"} and all(asg.MARKDOWN_PLACEHOLDER in text
                                                for text in prompts.values())
    assert "project/course/grading/sandbox.py" in names
    assert "project/data/capabilities.csv" in names
    assert not any("solutions" in n or n.endswith(".ipynb") for n in names)  # no solution notebook
    assert not any("ps2" in n or "ps3" in n for n in names)
    assert not any("__pycache__" in n for n in names)


def test_results_json_follows_gradescopes_format():
    results = [
        testing.TestResult("q1_shape", "q1", False, 1, True, "", 1.0, 1.0),
        testing.TestResult("q1_values", "q1", True, 2, False, "`x` is wrong.", 0.0, 2.0),
    ]
    errors = [{"cell": 5, "question": "q1", "error": "NameError: name 'gdp' is not defined"}]
    out = gradescope.results_json(results, titles={"q1": "Shares"}, status="ok", message="",
                                  manual={"w1": 3}, execution_time=1.234, cell_errors=errors)
    assert "Error in cell 6 (answer to q1): NameError: name 'gdp' is not defined" in out["output"]
    assert out["score"] == 1.0 and out["execution_time"] == 1.23
    assert [t["status"] for t in out["tests"]] == ["passed", "failed"]
    assert [t["max_score"] for t in out["tests"]] == [1.0, 2.0]
    assert out["tests"][1]["output"] == "`x` is wrong."
    assert out["tests"][1]["visibility"] == "after_published"
    # students' text (messages, errors) is never rendered as HTML or Markdown
    assert out["output_format"] == out["test_output_format"] == "text"
    assert "w1 (3 points)" in out["output"]
    json.dumps(out)  # serialisable


def test_gradescope_entry_point_always_writes_results(tmp_path):
    empty = tmp_path / "submission"
    empty.mkdir()
    target = tmp_path / "results" / "results.json"
    assert gradescope.main(["ps1", "--submission", str(empty), "--results", str(target)]) == 0
    payload = json.loads(target.read_text())
    assert payload["score"] == 0 and "no .ipynb file" in payload["output"]


@pytest.mark.slow
def test_gradescope_grades_the_solution_in_the_contained_engine(tmp_path):
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "my upload.ipynb").write_bytes(
        (paths.SOLUTIONS_DIR / "ps2" / "ps2.ipynb").read_bytes())
    # lay the bundle out as Gradescope does, and grade from its grading/ folder
    assignment = asg.load_assignment("ps2")
    bundle = zipfile.ZipFile(gradescope.build_bundle(assignment, dist_dir=tmp_path / "dist"))
    bundle.extractall(tmp_path / "source", [n for n in bundle.namelist()
                                            if n.startswith("grading/")])
    target = tmp_path / "results.json"
    gradescope.main(["ps2", "--submission", str(submission), "--results", str(target),
                     "--spec-dir", str(tmp_path / "source" / "grading")])
    payload = json.loads(target.read_text())
    auto = sum(q.points for q in asg.load_assignment("ps2").questions if q.kind == "auto")
    assert payload["score"] == pytest.approx(auto), payload["output"]
    assert {t["visibility"] for t in payload["tests"]} == {"visible", "after_published"}


def test_assign_refuses_a_solution_that_fails_its_own_tests(tmp_path, capsys):
    cells = _good_cells()[1:]  # without the Checker cell
    cells[0].source = "# BEGIN SOLUTION\nx = 41\n# END SOLUTION\nx"
    solutions = _write_ps(tmp_path / "solutions", config=GOOD_CONFIG, cells=cells,
                          tests=GOOD_TESTS)
    code = course_main(["assign", "demo", "--solutions", str(solutions), "--exercises",
                        str(tmp_path / "ex"), "--no-bundle"])
    assert code == 1
    assert "demo: the solution fails q1_value (q1): `x` is wrong." in capsys.readouterr().out
    assert not (tmp_path / "ex" / "demo").exists()  # nothing written for a broken source
