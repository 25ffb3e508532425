"""Authoring a problem set: ``solutions/<ps>/`` -> ``exercises/<ps>/`` (``course assign``).

An instructor writes one folder per problem set — the master notebook with its solution
regions, ``assignment.yaml`` (questions, points, rubrics) and ``tests.py`` (written with
:mod:`course.grading.testing`) — and this stage reads it, checks it and writes what
students get:

* :mod:`~course.grading.author.assignment` — load and check a problem set, strip the
  solutions, the students' notebook and ``public_tests.py`` (public tests only, with the
  :class:`~course.grading.untrusted.Handout` the grader reads written answers against),
  ``course assign --check``, and the solution run against its own tests;
* :mod:`~course.grading.author.rubric` — rubric items of the written questions (id,
  points, what to look for, the comment the student reads) and a question's score.

The stages after it (run, check, book, the Gradescope bundle and the student edition)
import from this ``__init__`` only. It imports nothing of theirs.

Examples
--------
>>> from course.grading.author import strip_solutions
>>> print(strip_solutions("x = ...\\n# BEGIN SOLUTION\\nx = 3\\n# END SOLUTION"))
x = ...
...
"""

from course.grading.author.assignment import (
    MARKDOWN_PLACEHOLDER,
    MARKER,
    Assignment,
    Question,
    compare_exercises,
    decorator_kind,
    generate,
    handout,
    list_assignments,
    load_assignment,
    parse_config,
    public_tests_source,
    strip_solutions,
    student_notebook,
    verify_solutions,
    written_answer_given,
    written_prompts,
)
from course.grading.author.rubric import RubricItem, parse_rubric, score_of

__all__ = [
    "MARKDOWN_PLACEHOLDER",
    "MARKER",
    "Assignment",
    "Question",
    "RubricItem",
    "compare_exercises",
    "decorator_kind",
    "generate",
    "handout",
    "list_assignments",
    "load_assignment",
    "parse_config",
    "parse_rubric",
    "public_tests_source",
    "score_of",
    "strip_solutions",
    "student_notebook",
    "verify_solutions",
    "written_answer_given",
    "written_prompts",
]
