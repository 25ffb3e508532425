"""One link per lesson: nbgitpuller links that put the student edition in a student's home.

A link is ``HUB/hub/user-redirect/git-pull?repo=…&branch=…&targetpath=…&urlpath=…``.
JupyterHub logs the student in (``user-redirect`` goes to their own server, starting it if
need be); nbgitpuller then clones the students' repository into ``~/<targetpath>`` on the
first click, or merges the repository's new commits into it on later clicks, and opens
``urlpath``: the lesson, in JupyterLab.

nbgitpuller's merge keeps a student's work (its rules, nbgitpuller 1.3): a file the
student changed keeps their version — upstream changes to the same lines lose (``git
merge -Xours``); a file the student deleted comes back fresh; a file the student created
with the name of a new upstream file is renamed with a timestamp. So a second click never
overwrites a student's edits. The links never pass ``backup=true``, which would move the
whole folder aside.

The folder is always named (``targetpath``): nbgitpuller's default would be the last part
of the repository URL, ``…-student.git`` for some hosts.

Examples
--------
>>> link = lesson_link("https://hub.example.edu", "https://git.example.edu/c/student.git",
...                    "notebooks/01-measuring-power-and-polarity.ipynb")
>>> link.split("?")[0]
'https://hub.example.edu/hub/user-redirect/git-pull'
>>> from urllib.parse import parse_qs, urlsplit
>>> query = parse_qs(urlsplit(link).query)
>>> query["urlpath"]
['lab/tree/alliances-course/notebooks/01-measuring-power-and-polarity.ipynb']
>>> query["targetpath"], query["branch"]
(['alliances-course'], ['main'])
>>> resolve("01", ["notebooks/00-how-this-course-works.ipynb",
...                "notebooks/01-measuring-power-and-polarity.ipynb"])
'notebooks/01-measuring-power-and-polarity.ipynb'
>>> resolve("ps1", ["exercises/ps1/ps1.ipynb"])
'exercises/ps1/ps1.ipynb'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from urllib.parse import urlencode, urlsplit

from course.errors import InputError
from course.publish.hub.settings import DEFAULT_FOLDER

__all__ = ["course_notebooks", "git_pull_path", "lesson_link", "resolve"]


def _check_url(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{what} must be a full address such as https://hub.example.edu, "
                         f"not {url!r}")
    if parts.query or parts.fragment:
        raise InputError(f"{what} must not carry a query or fragment: {url!r}")
    return url.rstrip("/")


def _check_repo(repo: str) -> str:
    if not repo:
        raise InputError("no students' repository: pass --repo URL (where you published the "
                         "student edition; see INSTRUCTORS.md) or set it with "
                         "`course hub config --repo URL`")
    if not re.match(r"^(https?|git|ssh|file)://", repo):
        raise InputError(f"--repo {repo!r} must be a URL that students' servers can clone "
                         "(https://…, git://…)")
    return repo


def git_pull_path(repo: str, notebook: str, *, branch: str = "main",
                  folder: str = DEFAULT_FOLDER) -> str:
    """``git-pull?…`` relative to a student's server: pull ``repo`` and open ``notebook``.

    ``notebook`` is a path inside the repository (``notebooks/01-….ipynb``).

    >>> git_pull_path("https://example.org/s.git", "notebooks/00-a.ipynb")[:17]
    'git-pull?repo=htt'
    """
    repo = _check_repo(repo)
    inside = PurePosixPath(notebook)
    if inside.is_absolute() or ".." in inside.parts or not notebook:
        raise InputError(f"{notebook!r} is not a path inside the course")
    query = {"repo": repo, "branch": branch, "targetpath": folder,
             "urlpath": f"lab/tree/{folder}/{inside.as_posix()}"}
    return "git-pull?" + urlencode(query)


def lesson_link(hub: str, repo: str, notebook: str, *, branch: str = "main",
                folder: str = DEFAULT_FOLDER) -> str:
    """The link students click: log in, pull the course, open ``notebook`` in JupyterLab."""
    hub = _check_url(hub, "--hub")
    return f"{hub}/hub/user-redirect/" + git_pull_path(repo, notebook, branch=branch,
                                                        folder=folder)


def course_notebooks(root: Path) -> list[str]:
    """The lessons and problem sets of the course at ``root``, as repository paths."""
    lessons = sorted(p.relative_to(root).as_posix()
                     for p in (root / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    sets = sorted(p.relative_to(root).as_posix()
                  for p in (root / "exercises").glob("*/*.ipynb")
                  if p.stem == p.parent.name)
    return lessons + sets


def resolve(which: str, notebooks: Iterable[str]) -> str:
    """The notebook ``which`` names: a lesson number (``01``, ``1``), a problem set
    (``ps1``) or a path inside the course."""
    notebooks = list(notebooks)
    if which in notebooks:
        return which
    wanted = which.strip()
    if wanted.isdigit():
        prefix = f"{int(wanted):02d}-"
        found = [n for n in notebooks if n.startswith("notebooks/")
                 and PurePosixPath(n).name.startswith(prefix)]
    else:
        found = [n for n in notebooks if n.startswith("exercises/")
                 and PurePosixPath(n).stem == wanted]
    if len(found) == 1:
        return found[0]
    names = ", ".join(PurePosixPath(n).stem.split("-")[0] for n in notebooks)
    raise InputError(f"no lesson or problem set {which!r}; the course has: {names}")
