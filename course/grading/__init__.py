"""Homework, by stage: authored, checked by the student, run contained, recorded.

Importing this package imports nothing: each stage is loaded when it is used, and the
grader's sandbox (``python -m course.grading.sandbox``) loads only what it needs.

::

    untrusted/   the trust boundary: files, notebooks, run messages and answers a student
                 sends, read with limits; student text made safe to write (plain types)
    testing      the test API problem sets' tests.py are written in
    sandbox      a student's code run contained (warm fork server, namespaces, limits)
    author/      solutions/ -> exercises/: problem sets, rubrics (course assign)
    run/         collect, read, run, test: a class's submissions to grades (course grade)
    check/       the student's self-check in the notebook and course submit
    book/        gradebook, details, hand grades, review, class report, LMS files
    gradescope   the Gradescope autograder: bundle and entry point

Imports between stages go one way (untrusted and testing <- sandbox, author <- run <-
book, gradescope; check uses author, sandbox and run) and through each stage's
``__init__``; ``tests/test_architecture.py`` checks it. The three modules at this level
are the ones named by their path from outside the package: ``tests.py`` files import
``course.grading.testing``, and ``python -m course.grading.sandbox`` and
``python -m course.grading.gradescope`` start processes.
"""
