"""``course hub install``: the hub and the students' environment, under one prefix.

Students' servers run as unprivileged users, so everything they need must be readable by
anyone: the prefix lives outside every home (``/opt/alliances-course-hub`` by default),
and it is built from the system's Python (Debian's ``/usr/bin/python3``), never from a
Python inside root's or the instructor's home. Under the prefix:

* ``venv/`` — one environment for the hub and the students' servers: the course's
  ``requirements.lock`` plus the hub's pins (``course/publish/hub/requirements-hub.txt``:
  JupyterHub, nbgitpuller, the LTI and OAuth authenticators, the idle culler, repo2docker);
* ``course/`` — the **student edition** (``course release student``: no solutions, hidden
  tests or rubrics), installed into ``venv`` by its own ``postBuild`` — the same step
  repo2docker runs for Binder and for the Kubernetes image;
* ``proxy/`` — configurable-http-proxy from npm, pinned;
* ``etc/hub.json`` and ``etc/jupyterhub_config.py`` — the settings and the configuration
  rendered from them; ``state/`` — the hub's database and cookie secret (root only).

Running it again brings the prefix up to date (a new edition, new pins) and keeps the
hub's state. :func:`readable_problems` then checks, from the file modes up to ``/``,
that an unprivileged user can reach every file of ``venv`` and ``course``.

Examples
--------
>>> node_major("v20.20.2\\n")
20
>>> steps = install_steps(HubSettings(prefix=Path("/opt/h")), Path("/src"))
>>> [s.what for s in steps][:2]
['the Python environment (venv)', 'the pinned packages']
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from course import paths
from course.errors import InputError
from course.publish.hub.config import render_config
from course.publish.hub.settings import HubSettings

HUB_REQUIREMENTS = Path(__file__).resolve().parent / "requirements-hub.txt"
#: configurable-http-proxy from npm (it needs Node.js 20 or newer).
PROXY_PACKAGE = "configurable-http-proxy@5.3.0"
PROXY_NODE_MAJOR = 20
SYSTEM_PYTHON = Path("/usr/bin/python3")
#: Left out of the edition's fingerprint: what installing and running add to it.
_BUILT = ("__pycache__", ".egg-info", ".ipynb_checkpoints", ".pytest_cache", ".git")


@dataclass(frozen=True)
class Step:
    """One step of the install: what it makes, and the command that makes it (or None
    for a step done in Python)."""

    what: str
    command: tuple[str, ...] | None = None
    cwd: Path | None = None


def node_major(version_output: str) -> int:
    """The major version in ``node --version`` output (0 when unreadable)."""
    text = version_output.strip().lstrip("v")
    head = text.split(".", 1)[0]
    return int(head) if head.isdigit() else 0


def preflight(python: Path = SYSTEM_PYTHON) -> list[str]:
    """What this machine lacks for a hub, as sentences saying what to install (empty: ok)."""
    problems = []
    if not sys.platform.startswith("linux"):
        problems.append("the hub starts students' servers as Linux users: run it on Linux")
        return problems
    if os.geteuid() != 0:
        problems.append("run as root (sudo): the hub starts each student's server as that "
                        "student's Unix user, and install writes under the prefix")
    if not python.exists():
        problems.append(f"{python} not found: install Python 3.11 or newer "
                        "(apt-get install python3 python3-venv)")
    else:
        check = subprocess.run(
            [str(python), "-c", "import sys, venv, ensurepip; "
             "sys.exit(0 if sys.version_info >= (3, 11) else 1)"],
            capture_output=True)
        if check.returncode:
            problems.append(f"{python} must be Python 3.11 or newer with venv and ensurepip "
                            "(apt-get install python3-venv)")
    for tool, package in (("git", "git"), ("useradd", "passwd"), ("groupadd", "passwd")):
        if not shutil.which(tool):
            problems.append(f"{tool} not found: apt-get install {package}")
    node = shutil.which("node")
    if not node or not shutil.which("npm"):
        problems.append(f"Node.js {PROXY_NODE_MAJOR} or newer and npm are needed for "
                        "configurable-http-proxy (Debian 13: apt-get install nodejs npm)")
    else:
        version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
        if node_major(version) < PROXY_NODE_MAJOR:
            problems.append(f"Node.js {version.strip()} is too old for {PROXY_PACKAGE}: "
                            f"install Node.js {PROXY_NODE_MAJOR} or newer")
    return problems


def install_steps(settings: HubSettings, source: Path) -> list[Step]:
    """The install, step by step (commands are run by :func:`install`)."""
    pip = (str(settings.venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
           "--disable-pip-version-check")
    lock = str(source / "requirements.lock")
    return [
        Step("the Python environment (venv)",
             (str(SYSTEM_PYTHON), "-m", "venv", str(settings.venv))),
        Step("the pinned packages",
             (*pip, "-r", lock, "-r", str(HUB_REQUIREMENTS), "-c", lock)),
        Step("the student edition (course/)"),
        Step("the course, installed by the edition's postBuild",
             ("bash", str(settings.course / "postBuild")), settings.course),
        Step("configurable-http-proxy (proxy/)",
             ("npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
              "--prefix", str(settings.prefix / "proxy"), PROXY_PACKAGE)),
        Step("the class group", ("groupadd", "--force", settings.group)),
        Step("the settings and jupyterhub_config.py (etc/)"),
    ]


def fingerprint(folder: Path) -> str:
    """SHA-256 over a course folder's files (paths and contents), leaving out what
    installing and running add (caches, ``*.egg-info``, ``.git``)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.endswith(_BUILT) or part in _BUILT for part in relative.parts):
            continue
        if path.is_file() and not path.is_symlink():
            digest.update(relative.as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _place_edition(settings: HubSettings, source: Path, edition: Path | None) -> None:
    """Write the student edition to ``course.new`` and swap it in for ``course``."""
    from course.publish.release import write_student_edition

    new, old = settings.prefix / "course.new", settings.prefix / "course.old"
    for leftover in (new, old):
        shutil.rmtree(leftover, ignore_errors=True)
    if edition is not None:
        marks = (edition / "course" / "__init__.py", edition / "postBuild")
        if not all(mark.is_file() for mark in marks):
            raise InputError(f"{edition} is not a student edition of the course (no course/ "
                             "or postBuild): give the folder `course release student` wrote")
        shutil.copytree(edition, new, ignore=shutil.ignore_patterns(".git", *_BUILT[:-1]))
    elif not (source / "solutions").is_dir():  # already a student edition (its clone)
        shutil.copytree(source, new, ignore=shutil.ignore_patterns(
            ".git", ".venv", "test-artifacts", *_BUILT[:-1]))
    else:
        write_student_edition(new, project=source)
    if settings.course.exists():
        settings.course.rename(old)
    new.rename(settings.course)
    shutil.rmtree(old, ignore_errors=True)


def write_settings(settings: HubSettings) -> None:
    """``etc/hub.json`` and ``etc/jupyterhub_config.py`` (and a private ``state/``)."""
    text = render_config(settings)
    settings.etc.mkdir(parents=True, exist_ok=True)
    settings.state.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.state, 0o700)
    settings.settings_file.write_text(settings.to_json(), encoding="utf-8")
    settings.config_file.write_text(text, encoding="utf-8")


def install(settings: HubSettings, *, source: Path | None = None, edition: Path | None = None,
            log: Callable[[str], None] = print) -> list[str]:
    """Build or update the hub under ``settings.prefix``; return what students cannot read
    (empty when all is well). ``source`` is the copy of the course installed (default:
    this one): from the instructors' copy, the student edition is written first; a
    student edition (a clone of the students' repository) is installed as it is;
    ``edition`` names an already written student edition instead."""
    settings.check()
    render_config(settings)  # refuse bad auth options before building anything
    problems = preflight()
    if problems:
        raise InputError("this machine cannot run the hub yet:\n  * " + "\n  * ".join(problems))
    source = Path(source or paths.PROJECT_ROOT)
    old_umask = os.umask(0o022)  # everything students' servers read is world-readable
    try:
        settings.prefix.mkdir(parents=True, exist_ok=True)
        os.chmod(settings.prefix, 0o755)
        env = dict(os.environ, PATH=f"{settings.venv}/bin:/usr/local/bin:/usr/bin:/bin:"
                   "/usr/local/sbin:/usr/sbin:/sbin",
                   PIP_NO_INPUT="1")
        env.pop("PYTHONPATH", None)
        env.pop("VIRTUAL_ENV", None)
        for step in install_steps(settings, source):
            log(f"== {step.what}")
            if step.what.startswith("the Python environment") and \
                    (settings.venv / "bin" / "python").exists():
                continue
            if step.what.startswith("the student edition"):
                _place_edition(settings, source, edition)
            elif step.what.startswith("the settings"):
                write_settings(settings)
            elif step.command:
                result = subprocess.run(step.command, cwd=step.cwd, env=env,
                                        capture_output=True, text=True)
                if result.returncode:
                    raise InputError(f"{step.what} failed ({' '.join(step.command)}):\n"
                                     f"{(result.stdout + result.stderr)[-3000:]}")
        (settings.etc / "course.sha256").write_text(fingerprint(settings.course) + "\n")
    finally:
        os.umask(old_umask)
    return readable_problems([settings.venv, settings.course])


def _others_can(mode: int, directory: bool) -> bool:
    need = stat.S_IROTH | (stat.S_IXOTH if directory else 0)
    return mode & need == need


def readable_problems(roots: Iterable[Path], limit: int = 20) -> list[str]:
    """Paths under (and above) ``roots`` that a user who is neither owner nor in the
    group cannot read (files) or open (folders), at most ``limit`` of them."""
    problems: list[str] = []
    for root in roots:
        root = Path(root)
        for parent in [*reversed(root.parents), root]:
            try:
                mode = parent.stat().st_mode
            except OSError as error:
                problems.append(f"{parent}: {error.strerror}")
                break
            if not mode & stat.S_IXOTH:
                problems.append(f"{parent}: others cannot open this folder "
                                f"(mode {stat.S_IMODE(mode):04o})")
        for folder, dirs, files in os.walk(root):
            for name in (*dirs, *files):
                path = Path(folder) / name
                try:
                    info = path.lstat()
                except OSError:
                    continue
                if stat.S_ISLNK(info.st_mode):
                    continue
                if not _others_can(info.st_mode, stat.S_ISDIR(info.st_mode)):
                    problems.append(f"{path}: mode {stat.S_IMODE(info.st_mode):04o}")
                    if len(problems) >= limit:
                        return problems
    return problems
