"""The course on a shared JupyterHub: one machine for a class, lesson links, collection.

Self-contained: it imports only :mod:`course.paths`, :mod:`course.errors` and
:mod:`course.publish.release` (the student edition), and nothing imports it except the command
line, so it can move as a unit.

* :mod:`~course.publish.hub.settings` — the instructor's choices (``PREFIX/etc/hub.json``);
* :mod:`~course.publish.hub.config` — ``jupyterhub_config.py`` rendered from them;
* :mod:`~course.publish.hub.install` — the hub's prefix: environment, student edition, proxy;
* :mod:`~course.publish.hub.links` — one nbgitpuller link per lesson;
* :mod:`~course.publish.hub.collect` — homework from students' homes into per-student folders;
* :mod:`~course.publish.hub.local` — a hub started and stopped by tests and the benchmark;
* :mod:`~course.publish.hub.sizing`, :mod:`~course.publish.hub.kubernetes` — measured capacity, and
  Zero to JupyterHub values and the repo2docker image for beyond one machine;
* ``cli_hub``, ``cli_link``, ``cli_collect`` — ``course hub``, ``course hub-link``,
  ``course collect``.
"""
