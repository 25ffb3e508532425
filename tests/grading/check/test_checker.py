"""The in-notebook self-check: Checker("ps1") -> check("q2").

It must run only the public tests, on answers that went through the same encode/decode
path as in the grader, say plainly what to fix, remind that hidden tests decide, and work
in a real kernel whatever the notebook's file name and folder.
"""

from __future__ import annotations

import shutil

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from course import paths
from course.errors import InputError
from course.grading import testing
from course.grading.author import assignment as asg
from course.grading.check.checker import REMINDER, Checker


@pytest.fixture(scope="module")
def ps1_check():
    return Checker("ps1")


@pytest.mark.needs("solutions")
def test_checker_reads_the_generated_public_tests(ps1_check):
    assignment = asg.load_assignment("ps1")
    assert list(ps1_check.questions) == [q.id for q in assignment.questions]
    assert ps1_check.questions["q3"]["answers"] == ["leader_1913", "lead_1913"]
    public = sorted(t.__name__ for t in assignment.tests() if not testing.info_of(t).hidden)
    assert sorted(t.__name__ for t in ps1_check.tests) == public
    assert all(not testing.info_of(t).hidden for t in ps1_check.tests)


def test_wrong_shares_get_a_message_that_says_what_to_fix(ps1_check, capsys):
    shares = pd.Series({"UKG": 0.5, "GMY": 0.37})
    ps1_check("q2", namespace={"shares_1913": shares})
    out = capsys.readouterr().out
    assert "q2: 0 of 1 public check passed" in out
    assert "`shares_1913` should sum to 1; yours sums to 0.87." in out
    assert out.rstrip().endswith(REMINDER)


def test_right_shape_passes_public_checks_without_revealing_the_answer(ps1_check, capsys):
    # sums to 1 and is a Series of shares: the public check cannot tell it is wrong
    shares = pd.Series({"UKG": 0.25, "GMY": 0.75})
    results = ps1_check.run("q2", {"shares_1913": shares})
    assert [r.passed for r in results] == [True]
    assert all(not r.hidden for r in results)


def test_unanswered_and_missing_variables(ps1_check):
    results = ps1_check.run("q3", {"leader_1913": ...})
    assert results and all(not r.passed for r in results)
    assert "`leader_1913` is still `...`" in results[0].message
    results = ps1_check.run("q5", {})
    assert "`poles_by_year` is not defined" in results[0].message


def test_an_object_that_equals_everything_is_not_accepted(ps1_check):
    class Sly(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    results = ps1_check.run("q3", {"leader_1913": Sly("XYZ"), "lead_1913": 0.5})
    assert not results[0].passed
    assert "grader cannot read" in results[0].message


def test_check_reads_the_callers_variables_when_no_namespace_is_given(ps1_check, capsys):
    globals()["majors_1913"] = ["gmy", "UKG"]
    try:
        ps1_check("q1")
    finally:
        del globals()["majors_1913"]
    out = capsys.readouterr().out
    assert "three capital letters" in out


def test_check_without_argument_covers_every_question(ps1_check, capsys):
    ps1_check(namespace={})
    out = capsys.readouterr().out
    for qid in ps1_check.questions:
        assert out.count(f"{qid}:") >= 1
    assert "w1: written answer, graded by hand" in out


def test_unknown_question_and_assignment_are_clear_errors(ps1_check):
    with pytest.raises(InputError, match="no question 'q42'"):
        ps1_check.run("q42", {})
    with pytest.raises(InputError, match="no public checks for assignment 'ps42'"):
        Checker("ps42")


def test_public_checks_next_to_a_downloaded_notebook_are_found(tmp_path, monkeypatch, capsys):
    # a student who downloaded exercises/ps2/ only: the course folder has no exercises
    shutil.copy(paths.EXERCISES_DIR / "ps2" / "public_tests.py", tmp_path / "public_tests.py")
    monkeypatch.setattr(paths, "EXERCISES_DIR", tmp_path / "nowhere")
    monkeypatch.chdir(tmp_path)
    check = Checker("ps2")
    assert "q4" in check.questions
    check("q4", namespace={"cinc_overtake": 1850})
    assert "`cinc_overtake` is 1850, outside 1870 to 1913." in capsys.readouterr().out
    with pytest.raises(InputError, match="no public checks for assignment 'ps3'"):
        monkeypatch.setattr(paths, "SOLUTIONS_DIR", tmp_path / "nowhere")
        Checker("ps3")  # the ps2 file is not taken for ps3


@pytest.mark.slow
def test_self_check_in_a_real_kernel_whatever_the_file_name(tmp_path):
    """Run the generated exercise, renamed and moved, in a Jupyter kernel."""
    target = tmp_path / "my homework (final) v2.ipynb"
    shutil.copy(paths.EXERCISES_DIR / "ps1" / "ps1.ipynb", target)
    notebook = nbformat.read(target, as_version=4)
    index = next(i for i, c in enumerate(notebook.cells)
                 if c.metadata.get("course", {}).get("question") == "q2")
    notebook.cells[index].source = 'shares_1913 = pd.Series({"UKG": 0.5, "GMY": 0.37})'
    notebook.cells = notebook.cells[: index + 2]  # up to check("q2")
    assert notebook.cells[-1].source == 'check("q2")'
    NotebookClient(notebook, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    assert "`shares_1913` should sum to 1; yours sums to 0.87." in text
    assert REMINDER in text
    q1_text = "".join(o.get("text", "") for o in notebook.cells[index - 2].outputs)
    assert "is still `...`" in q1_text


@pytest.mark.parametrize(("shares", "n"), [([0.7, 0.1, 0.1, 0.1], 4), ([0.5, 0.3, 0.2], 3),
                                           ([0.4, 0.3, 0.1, 0.1, 0.05, 0.05], 6)])
def test_ps1_poles_and_concentration_consistency_check(ps1_check, shares, n):
    """The public q4 check links 1/sum(s^2) and CON through N without knowing the answer."""
    s2 = sum(x * x for x in shares)
    poles, con = 1 / s2, ((s2 - 1 / n) / (1 - 1 / n)) ** 0.5
    ok = ps1_check.run("q4", {"poles_1913": poles, "con_1913": con})
    assert all(r.passed for r in ok)
    no_root = ps1_check.run("q4", {"poles_1913": poles, "con_1913": con ** 2})  # forgot sqrt
    assert not all(r.passed for r in no_root)
    assert all("could not be checked" not in r.message for r in no_root)


def test_a_test_that_changes_an_answer_in_place_does_not_affect_the_next():
    @testing.public("q1")
    def clobber(answers):
        answers["table"]["x"] = 0

    @testing.public("q1")
    def still_intact(answers):
        testing.expect(answers["table"]["x"].tolist() == [1, 2], "changed by the previous test")

    table = pd.DataFrame({"x": [1, 2]})
    results = testing.run_tests([clobber, still_intact], {"table": table})
    assert [r.passed for r in results] == [True, True]
    assert table["x"].tolist() == [1, 2]
