"""Publishing: the course as students, presenters and a class's hub receive it.

Each module is a room of its own, used by the command line (:mod:`course.cli`) and by
JupyterLab; importing this package imports none of them.

* :mod:`~course.publish.export` — handouts: a lesson as one self-contained HTML page
  (static charts with their data twins, MathML, a print layout, PDF), or the presenter's
  running order (``course export``);
* :mod:`~course.publish.slides` — a lesson as the deck shows it: screens, presenter
  notes, timings and the 50-minute plan (pure functions);
* :mod:`~course.publish.release` — the student edition, without solutions, hidden tests,
  rubrics or presenter notes (``course release student``), with ``templates/`` (its
  README);
* :mod:`~course.publish.lab` — JupyterLab with the course's settings (``course lab``);
* :mod:`~course.publish.strip_on_save` — the save hook: a Jupyter server extension that
  saves the course's own notebooks without outputs (``jupyter/jupyter_server_config.py``
  enables it);
* :mod:`~course.publish.hub` — a JupyterHub for a class: install, configure, lesson
  links, collection (``course hub``, ``course hub-link``, ``course collect``);
  self-contained, imported by the command line only.

Publishing sits on top: it may use the charts, the data and grading's stages through
their ``__init__`` (the student edition asks the authoring stage whether ``exercises/``
is current); nothing below it imports it (``tests/test_architecture.py``).
"""
