"""Problem set 1's public checks, as a student meets them: ``check("q6")``, ``check("q7")``.

The exercise notebook a student gets is filled in as a student who made the usual
mistakes would fill it (the earlier answers right, taken from the solution), run in a
fresh kernel (nbclient), and the output of the check cells is read:

* q7 with the squares of the spending itself (no shares: 3.2e-11 effective poles) or a
  share where the number of poles was asked: the message says what the usual mistake is,
  not only the allowed range;
* q6 with a bar chart of ``n_powers`` and no title: the message names all three problems
  at once, so one run of the check is enough to fix them.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from nbclient import NotebookClient

from course import paths

pytestmark = pytest.mark.needs("solutions")  # copies answers from the solution notebook

EXERCISE = paths.EXERCISES_DIR / "ps1" / "ps1.ipynb"
SOLUTION = paths.SOLUTIONS_DIR / "ps1" / "ps1.ipynb"

Q6_THREE_MISTAKES = """\
chart = alt.Chart(poles_by_year).mark_bar().encode(x="year:Q", y="n_powers:Q")
chart
"""
Q7_SPENDING_SQUARED = """\
milex_1913 = rows_1913.set_index("stateabb")["milex"]
leader_milex_1913 = milex_1913.idxmax()
poles_milex_1913 = 1 / (milex_1913 ** 2).sum()
leader_milex_1913, poles_milex_1913
"""
Q7_A_SHARE = """\
milex_1913 = rows_1913.set_index("stateabb")["milex"]
leader_milex_1913 = milex_1913.idxmax()
poles_milex_1913 = milex_1913.max() / milex_1913.sum()
leader_milex_1913, poles_milex_1913
"""


def _solution_code(question: str) -> str:
    solution = nbformat.read(SOLUTION, as_version=4)
    (cell,) = [c for c in solution.cells
               if c.get("metadata", {}).get("course", {}).get("question") == question]
    return re.search(r"# BEGIN SOLUTION\n(.*?)# END SOLUTION", cell.source, re.S).group(1)


def _check_outputs(answers: dict[str, str]) -> dict[str, str]:
    """Run the exercise with these answer cells; the printed output of each check cell."""
    nb = nbformat.read(EXERCISE, as_version=4)
    checks = {}
    for cell in nb.cells:
        question = cell.get("metadata", {}).get("course", {}).get("question")
        if question in answers:
            cell.source = answers[question]
        found = re.fullmatch(r'check\("(q\d)"\)\s*', cell.source)
        if cell.cell_type == "code" and found:
            checks[found.group(1)] = cell
    last = max(nb.cells.index(checks[q]) for q in answers)
    nb.cells = nb.cells[:last + 1]
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(EXERCISE.parent)}}).execute()
    return {q: "".join(out.get("text", "") for out in checks[q].outputs) for q in answers}


@pytest.fixture(scope="module")
def earlier_answers():
    return {q: _solution_code(q) for q in ("q1", "q2", "q5")}


def test_q7_says_what_the_usual_mistake_is(earlier_answers):
    squared = _check_outputs({**earlier_answers, "q7": Q7_SPENDING_SQUARED})["q7"]
    assert "outside 1 to 20" in squared
    assert "squaring the spending itself" in squared and "share" in squared, squared
    share = _check_outputs({**earlier_answers, "q7": Q7_A_SHARE})["q7"]
    assert "a share where a count of poles was asked" in share, share


def test_q6_names_every_problem_at_once(earlier_answers):
    output = _check_outputs({**earlier_answers, "q6": Q6_THREE_MISTAKES})["q6"]
    assert "3 things to fix" in output, output
    assert "mark_line()" in output
    assert "'n_powers' on y" in output and "'poles'" in output
    assert "needs a title" in output
