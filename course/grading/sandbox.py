"""Run a student's notebook in a contained process, never in the grader's.

Process tree
------------
::

    grader (course grade: reads tests, writes the gradebook)
      ├─ tester      forked from the grader, limited: reads a finished job's messages and
      │              runs the tests on its answers (course.grading.run.tester)
      └─ zygote      `python -m course.grading.sandbox`: pre-imports pandas, numpy,
         │           altair and course, then only ever receives tiny job requests
         │           (job id + folder + limits) — never a notebook, a test or an answer
         └─ supervisor   one per submission, forked from the zygote (so warm): enforces
            │            the wall-clock limit, caps output, appends each message line from
            │            the child to <job>/result.jsonl as it arrives (a line longer than
            │            the message limit is dropped and counted), and writes its own
            │            exit record to <job>/exit.json — a file the child cannot write
            └─ isolator  new session; unshare(mount, network, PID [, user]) namespaces
               └─ runner PID 1 of the new PID namespace: builds a new root that holds
                         only the system, the Python install, course/ and data/
                         (read-only) and the job's work folder, pivots into it, drops to
                         an unprivileged per-job uid, sets rlimits, and executes the
                         code cells; after each answer cell it sends that question's
                         encoded answers (course.grading.untrusted.answers) at once.

Containment, and what happens where the OS does not allow it
------------------------------------------------------------
``namespace`` (run as root, Linux): mount + network + PID + IPC namespaces; the new root
shows no solutions/, exercises/, tests, gradebook or home folders at all, so there is
nothing to read; the system, Python and course folders are read-only; the work folder
and /tmp are small tmpfs mounts (nothing reaches the grader's disk); the network namespace
has only a downed loopback; the runner drops to uid ``62000 + slot`` with no
capabilities and ``no_new_privs``; killing PID 1 of the PID namespace kills every process
the student started, including a fork bomb.

``userns`` (not root, Linux with unprivileged user namespaces): the same namespaces inside
a user namespace. The new root still hides every other file; the student's code keeps
capabilities only over its own namespaces; RLIMIT_NPROC counts the grading user's
processes.

``process`` (Windows, or asked for): no fork server; each submission runs in a fresh
``python -m course.grading.sandbox --one JOB`` process with the wall-clock kill, rlimits
where the OS has them and a scrubbed environment. Slower (imports each time); meant for
``course submit`` on a student's own laptop, not for grading.

``none`` (macOS, or Linux where namespaces are refused): only a new session, rlimits,
the wall-clock kill and a scrubbed environment — and, when the grader runs as root, an
unprivileged per-job uid, so the student's code cannot read files only root can read
(the Gradescope autograder keeps its tests and results that way) nor signal the grader.
Otherwise the student's code could read files the grading user can read and open
network connections. ``course grade`` refuses to run in this mode unless given
``--allow-uncontained``.

Limits in every mode: RLIMIT_AS (memory on top of the pre-imported libraries), RLIMIT_CPU,
RLIMIT_NPROC, RLIMIT_FSIZE, RLIMIT_NOFILE, a wall-clock limit (SIGKILL of the whole
process group / PID namespace), printed output kept up to a cap, and the job killed if it
writes more than ``Limits.output_kill_bytes`` to its stdout/stderr.

What comes back is hostile: the grader reads ``result.jsonl`` only through
:func:`course.grading.untrusted.read_run`, with limits on bytes, nesting and item count.

Stopping, and what is left behind
---------------------------------
The zygote runs in its own session, so a Ctrl-C in the grader's terminal reaches only
the grader, which then closes the zygote's stdin: the zygote tells every supervisor to
stop (SIGTERM), each kills its job's whole PID namespace (or process group) and writes
``exit.json`` with status ``stopped``, and the zygote removes the grading folder and
exits. If the grader is killed outright (SIGKILL), its end of that pipe closes all the
same and the zygote does the same clean-up. If the zygote itself is killed, every
supervisor receives SIGTERM from the kernel (``PR_SET_PDEATHSIG``), every isolator and
runner SIGKILL, so no student process outlives its supervisor; the folder it leaves is
removed by the next :class:`Sandbox` that starts (each grading folder holds a lock that
only a live grader keeps).

Memory is bounded per submission, all its processes together: besides each process's
RLIMIT_AS, the supervisor measures every process of the job (the runner and whatever it
forked, found through ``/proc/<pid>/task/*/children``) every :data:`MEMORY_CHECK_S`
seconds, and stops the whole job (status ``memory_limit``) when together they hold more
than :func:`job_memory_mb` (``memory_mb`` and a quarter, so that one process, which
RLIMIT_AS stops at ``memory_mb``, is never cut short by the measure) on top of the pages
they start with (the warm zygote's, counted once:
resident sizes are summed first, and private sizes, ``smaps_rollup``, only past the
bound). A cgroup would bound it exactly; this machine's kind (cgroup v1, whose hierarchy
belongs to whoever runs the grader) has none to delegate, so the bound is measured: a
job can overshoot it for at most one interval.

Examples
--------
>>> Limits(time_s=5).cpu_seconds
6
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import io
import json
import os
import platform
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from course import paths
from course.errors import CourseError
from course.grading.untrusted import MAX_MESSAGE_BYTES, MAX_RUN_BYTES, RunResult, read_run

try:
    import resource
except ImportError:  # Windows: no rlimits
    resource = None  # type: ignore[assignment]

#: First uid used for the unprivileged per-job users (root mode).
UID_BASE = 62000
#: How many distinct job uids per zygote (and so at most this many jobs at once).
UID_SLOTS = 1000
#: Blocks of job uids (one per zygote, chosen by its pid).
UID_BLOCKS = 64

_CLONE_NEWNS = 0x00020000
_CLONE_NEWIPC = 0x08000000
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWPID = 0x20000000
_CLONE_NEWNET = 0x40000000
_MS_RDONLY = 1
_MS_NOSUID = 2
_MS_NODEV = 4
_MS_NOEXEC = 8
_MS_REMOUNT = 32
_MS_NOATIME = 1024
_MS_NODIRATIME = 2048
_MS_BIND = 4096
_MS_REC = 16384
_MS_PRIVATE = 1 << 18
_MS_RELATIME = 1 << 21
_MNT_DETACH = 2
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_PR_SET_NO_NEW_PRIVS = 38
_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "arm64": 41}.get(platform.machine())


class SandboxError(CourseError):
    """The contained runner could not be started or talked to."""


@dataclass
class Limits:
    """Resource limits for one submission."""

    time_s: float = 60.0
    memory_mb: int = 1024
    output_keep_bytes: int = 64_000
    output_kill_bytes: int = 64_000_000
    message_bytes: int = MAX_RUN_BYTES
    nproc: int = 16
    file_mb: int = 64
    nofile: int = 256

    @property
    def cpu_seconds(self) -> int:
        return int(self.time_s) + 1


# ------------------------------------------------------------------------- low level

try:
    _libc = ctypes.CDLL(None, use_errno=True)
except (OSError, TypeError):  # Windows
    _libc = None


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _unshare(flags: int) -> None:
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def _mount(source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    def enc(text: str | None) -> bytes | None:
        return os.fsencode(text) if text is not None else None

    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {target}")


def _umount(target: str, flags: int) -> None:
    _check(_libc.umount2(os.fsencode(target), ctypes.c_int(flags)), f"umount {target}")


def _pivot_root(new: str, old: str) -> None:
    if _SYS_PIVOT_ROOT is None:
        raise OSError(errno.ENOSYS, "pivot_root: unknown machine")
    _check(_libc.syscall(ctypes.c_long(_SYS_PIVOT_ROOT), os.fsencode(new), os.fsencode(old)),
           "pivot_root")


def _prctl(option: int, value: int) -> None:
    _check(_libc.prctl(ctypes.c_int(option), ctypes.c_ulong(value), ctypes.c_ulong(0),
                       ctypes.c_ulong(0), ctypes.c_ulong(0)), "prctl")


def _locked_flags(path: str) -> int:
    """Mount flags of ``path``'s mount that a read-only bind remount must keep."""
    flags = os.statvfs(path).f_flag
    out = 0
    for st, ms in ((os.ST_NOSUID, _MS_NOSUID), (os.ST_NODEV, _MS_NODEV),
                   (os.ST_NOEXEC, _MS_NOEXEC), (os.ST_NOATIME, _MS_NOATIME),
                   (os.ST_NODIRATIME, _MS_NODIRATIME), (os.ST_RELATIME, _MS_RELATIME)):
        if flags & st:
            out |= ms
    return out


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except InterruptedError:
            continue
        view = view[n:]


# ------------------------------------------------------------------------- new root


#: System folders every contained run may read.
SYSTEM_PATHS = ("/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin", "/etc")


def _within(path: str, folder: str) -> bool:
    """Is ``path`` the folder ``folder`` or inside it (both absolute, normalised)?"""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _import_folders(avoid: list[str]) -> list[str]:
    """Entries of ``sys.path`` the run may need that lie outside the project.

    A virtual environment's or user's site-packages, a PYTHONPATH folder, an interpreter
    installed under a home folder: the pre-imported modules import more of themselves
    later, from these. Left out: relative entries; the project root and any folder
    holding it (they would show solutions/ and tests); other folders of the project
    than course/, data/ and the Python install; and any folder holding one of ``avoid``
    (the grader's work folders: ``python -m`` puts its working folder on ``sys.path``).
    """
    project = os.path.realpath(paths.PROJECT_ROOT)
    allowed = [os.path.realpath(p) for p in (paths.PROJECT_ROOT / "course", paths.DATA_DIR,
                                             sys.prefix, sys.exec_prefix)]
    found = []
    for entry in sys.path:
        if type(entry) is not str or not os.path.isabs(entry) or not os.path.exists(entry):
            continue
        real = os.path.realpath(entry)
        if _within(project, real) or any(_within(os.path.realpath(a), real) for a in avoid):
            continue
        if _within(real, project) and not any(_within(real, a) for a in allowed):
            continue
        found.append(entry)
    return found


def readable_paths(avoid: list[str] | None = None) -> list[str]:
    """Folders the student's code may read: system, Python install, course/ and data/.

    Each is listed as the course and Python name it — which may pass through symlinks
    (a symlinked home, a virtual environment reached through a link) — and as its real
    location; :func:`_build_root` binds the real folders and recreates the links, so both
    spellings work inside the runner's root wherever the project and the virtual
    environment are (under /tmp, in a path with spaces or non-ASCII letters).
    Everything else — solutions/, exercises/, tests, the gradebook, home folders — does
    not exist inside the runner's root.
    """
    import course

    wanted = [*SYSTEM_PATHS, sys.prefix, sys.base_prefix, sys.exec_prefix,
              sys.base_exec_prefix, *_import_folders(avoid or []),
              str(paths.PROJECT_ROOT / "course"), *course.__path__, str(paths.DATA_DIR)]
    out: list[str] = []
    for item in wanted:
        if not item or not os.path.isabs(item) or not os.path.lexists(item):
            continue
        for spelling in (os.path.normpath(item), os.path.realpath(item)):
            if spelling not in out:
                out.append(spelling)
    return out


def _recreate_links(newroot: str, path: str) -> None:
    """Make ``path`` resolve inside ``newroot`` as on the host: copy each symlink on it.

    The real folder at the end is already bound; the links in front of it (``/home`` ->
    ``/data/home``, a merged-/usr ``/lib`` -> ``usr/lib``) are made again in the new root,
    where nothing is there yet.
    """
    for _ in range(40):  # the kernel's own limit on links followed
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/" + "/".join(parts[:depth])
            if os.path.islink(prefix):
                break
        else:
            return
        target = newroot + prefix
        if not os.path.lexists(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.symlink(os.readlink(prefix), target)
        path = os.path.join(os.path.realpath(prefix), *parts[depth:])


def _build_root(newroot: str, workdir: str, uid: int | None, work_mb: int) -> None:
    """Mount a fresh root at ``newroot`` (inside our own mount namespace)."""
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    _mount("course-root", newroot, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=8m,mode=0755")
    # A fresh /tmp first: the folders bound next may lie under /tmp (a project or a virtual
    # environment there) and must stay visible on top of it, not hidden under it.
    os.makedirs(newroot + "/tmp", exist_ok=True)
    _mount("course-tmp", newroot + "/tmp", "tmpfs", _MS_NOSUID | _MS_NODEV,
           "size=64m,mode=1777")
    wanted = readable_paths(avoid=[newroot, workdir])
    bound: list[str] = []
    for path in sorted({os.path.realpath(p) for p in wanted}, key=len):
        if any(_within(path, b) for b in bound):
            continue  # already visible through a parent bind
        target = newroot + path
        if os.path.isdir(path):
            os.makedirs(target, exist_ok=True)
        elif os.path.isfile(path):  # e.g. a zipped standard library on sys.path
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if not os.path.lexists(target):
                with open(target, "w"):
                    pass
        else:
            continue
        _mount(path, target, None, _MS_BIND | _MS_REC)
        _mount(None, target, None,
               _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID | _locked_flags(path))
        bound.append(path)
    for path in wanted:
        _recreate_links(newroot, path)
    os.makedirs(newroot + "/dev", exist_ok=True)
    for device in ("null", "zero", "random", "urandom"):
        target = f"{newroot}/dev/{device}"
        with open(target, "w"):
            pass
        _mount(f"/dev/{device}", target, None, _MS_BIND)
    # The work folder is a small tmpfs holding a copy of the submission: nothing the
    # student writes reaches the grader's disk, and its size is capped.
    os.makedirs(newroot + workdir, exist_ok=True)
    owner = f",uid={uid},gid={uid}" if uid is not None else ""
    _mount("course-work", newroot + workdir, "tmpfs", _MS_NOSUID | _MS_NODEV,
           f"size={work_mb}m,mode=0700{owner}")
    for name in os.listdir(workdir):
        source = os.path.join(workdir, name)
        if os.path.isfile(source) and not os.path.islink(source):
            with open(source, "rb") as src, open(newroot + source, "wb") as dst:
                dst.write(src.read())
            if uid is not None:
                os.chown(newroot + source, uid, uid)
    os.makedirs(newroot + "/proc", exist_ok=True)
    with contextlib.suppress(OSError):  # a /proc of the new PID namespace only; optional
        _mount("proc", newroot + "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    os.chdir(newroot)
    _pivot_root(".", ".")
    _umount(".", _MNT_DETACH)
    os.chdir("/")
    _mount(None, "/", None, _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NODEV)


# ------------------------------------------------------------------------- the runner


class _CappedWriter(io.TextIOBase):
    """sys.stdout/sys.stderr replacement: writes to an fd until a byte budget is spent."""

    def __init__(self, fd: int, budget: list[int]) -> None:
        self._fd = fd
        self._budget = budget

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if type(text) is not str:
            text = str(text)
        if self._budget[0] > 0:
            data = text.encode("utf-8", "replace")[: self._budget[0]]
            self._budget[0] -= len(data)
            with contextlib.suppress(OSError):
                _write_all(self._fd, data)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


#: Cell magics whose body is Python: the grader runs the body once.
_CELL_MAGICS_RUN = {"time", "timeit", "capture", "prun"}
#: Line magics whose argument is a Python statement: ``%time x = f()`` runs ``x = f()``.
_LINE_MAGICS_RUN = {"time", "timeit", "prun"}
_MAGIC_OPTIONS = re.compile(r"^(?:-[A-Za-z]+(?:\s+[0-9]+)?\s+)*")


def _python_source(source: str) -> tuple[str | None, str | None]:
    r"""The Python a cell runs in the grader, and a note when part of it cannot run.

    IPython syntax the grader understands: a ``%%time``, ``%%timeit``, ``%%capture`` or
    ``%%prun`` cell runs its body once; ``%time stmt`` (and ``%timeit``, ``%prun``)
    runs ``stmt``; other line magics and ``!shell`` lines do nothing. A cell in another
    language (``%%bash``, ``%%html``, ``%%writefile`` ...) is not run, and the note says so.

    Examples
    --------
    >>> _python_source("%%time\nx = 1")
    ('x = 1', None)
    >>> _python_source("%timeit -n 1 y = 2\n%matplotlib inline\n!ls")
    ('y = 2\npass\npass', None)
    >>> _python_source("%%bash\necho hi")[1]  # doctest: +ELLIPSIS
    'the cell magic %%bash is not run by the grader (it runs Python cells; ...)'
    """
    lines = source.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        words = lines[first].strip()[2:].split()
        magic = words[0] if words else ""
        if magic not in _CELL_MAGICS_RUN:
            return None, (f"the cell magic %%{magic} is not run by the grader (it runs Python "
                          "cells; %%time, %%timeit, %%capture and %%prun cells run their body)")
        lines = lines[first + 1:]
    out = []
    for line in lines:
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith("%"):
            name, _, rest = stripped[1:].partition(" ")
            rest = _MAGIC_OPTIONS.sub("", rest.strip()) if name in _LINE_MAGICS_RUN else ""
            out.append(indent + (rest or "pass"))
        elif stripped.startswith("!"):
            out.append(indent + "pass")
        else:
            out.append(line)
    return "\n".join(out), None


def _describe(error: BaseException, index: int) -> str:
    """``Type: message (line N of the cell)`` for an exception a cell raised."""
    try:
        text = "".join(traceback.format_exception_only(type(error), error)).strip()
    except BaseException:  # noqa: BLE001 - a student's __str__ may raise anything
        text = type(error).__name__
    try:
        frames = [f for f in traceback.extract_tb(error.__traceback__)
                  if f.filename == f"<cell {index}>"]
    except BaseException:  # noqa: BLE001
        frames = []
    if frames and not text.startswith("SyntaxError"):
        text += f" (line {frames[-1].lineno} of the cell)"
    return text


class _QuietChecker:
    """Stands in for course.grading.Checker while grading: self-checks are skipped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        return None

    def run(self, *args: Any, **kwargs: Any) -> list:
        return []

    def submit(self, *args: Any, **kwargs: Any) -> None:
        return None


def _silence_self_checks() -> None:
    """In a graded run, ``Checker`` (and ``check.submit``) do nothing: swap in the stub.

    Notebooks import it as ``from course.grading.check import Checker``; handouts written
    before the check stage had its own package said ``from course.grading import
    Checker``, and a submission made from one is graded the same way.
    """
    import course.grading

    check_stub = type(sys)("course.grading.check")
    check_stub.Checker = _QuietChecker
    sys.modules["course.grading.check"] = check_stub
    course.grading.__dict__["check"] = check_stub
    course.grading.__dict__["Checker"] = _QuietChecker


def _execute_notebook(job: dict, send: Any, data: bytes) -> None:
    """Run the code cells of the job's notebook in order, sending answers as they appear."""
    from course.grading.untrusted import answers

    questions: dict[str, list[str]] = job["questions"]
    notebook = json.loads(data)
    cells = notebook.get("cells") if type(notebook) is dict else None
    if type(cells) is not list:
        send({"kind": "fatal", "message": "the notebook has no list of cells"})
        return
    code_cells = []
    for index, cell in enumerate(cells):
        if type(cell) is not dict or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if type(source) is list:
            source = "".join(s for s in source if type(s) is str)
        if type(source) is not str:
            source = ""
        meta = cell.get("metadata")
        course_meta = meta.get("course") if type(meta) is dict else None
        question = course_meta.get("question") if type(course_meta) is dict else None
        code_cells.append((index, source, question if type(question) is str else None))
    n_cells = len(cells)
    del notebook, cells
    send({"kind": "plan", "n_cells": n_cells,
          "answer_cells": [q for _, _, q in code_cells if q in questions]})

    import builtins
    import random

    import numpy as np

    # The same seeds in `course submit` and `course grade`, so random draws agree.
    random.seed(0)
    np.random.seed(0)
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    namespace["display"] = lambda *args, **kwargs: None
    sent: set[str] = set()
    main_pid = os.getpid()
    for index, source, question in code_cells:
        send({"kind": "start", "cell": index})
        code, note = _python_source(source)
        if note is not None:
            send({"kind": "error", "cell": index, "question": question, "error": note})
        if code is not None:
            try:
                compiled = compile(code, f"<cell {index}>", "exec")
                exec(compiled, namespace)  # noqa: S102 - this is the contained runner
            except BaseException as error:  # noqa: BLE001 - SystemExit, KeyboardInterrupt too
                if os.getpid() != main_pid:  # a process the student forked: stop here
                    os._exit(0)
                send({"kind": "error", "cell": index, "question": question,
                      "error": _describe(error, index)[-2000:]})
        if os.getpid() != main_pid:  # a process the student forked: stop here
            os._exit(0)
        if question in questions:
            send({"kind": "answers", "question": question, "cell": index,
                  "answers": answers.encode_many(questions[question], namespace)})
            sent.add(question)
    for question, names in questions.items():
        if question not in sent:  # the answer cell was deleted: read the variables anyway
            send({"kind": "answers", "question": question, "cell": None,
                  "answers": answers.encode_many(names, namespace)})
    send({"kind": "done"})


def _student_signals() -> None:
    """The student's code gets Python's usual signal handling back (the grader's
    processes ignore Ctrl-C, which only the grader itself answers)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for number in (signal.SIGTERM, signal.SIGCHLD):
        signal.signal(number, signal.SIG_DFL)
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)


def _runner_main(job: dict, msg_fd: int, out_fd: int, mode: str, slot: int) -> None:
    """PID 1 of the new namespace (or plain child): contain, limit, execute. Never returns."""
    code = 70
    try:
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(msg_fd, 3)
        os.closerange(4, 65536)
        msg_fd = 3
        _student_signals()
        limits = Limits(**job["limits"])
        with open(job["notebook"], "rb") as handle:  # before any privilege is dropped
            data = handle.read()
        with open("/proc/self/statm") as handle:
            vsize = int(handle.read().split()[0]) * resource.getpagesize()
        workdir = job["workdir"]
        if mode in ("namespace", "userns"):
            _build_root(job["newroot"], workdir, job["uid"] if mode == "namespace" else None,
                        limits.file_mb)
        os.chdir(workdir)
        if mode == "namespace" or (mode == "none" and os.geteuid() == 0):
            uid = job["uid"]
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        _prctl(_PR_SET_NO_NEW_PRIVS, 1)
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        mb = 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (vsize + limits.memory_mb * mb,) * 2)
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb * mb,) * 2)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.nofile,) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if mode != "userns":
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.nproc,) * 2)
        else:
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.nproc * 4,) * 2)
        os.environ.clear()
        os.environ.update({"PATH": "/usr/bin:/bin", "HOME": workdir, "TMPDIR": "/tmp",
                           "LANG": "C.UTF-8", "COURSE_SANDBOX": "1",
                           "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1"})
        tempfile.tempdir = None
        budget = [limits.output_keep_bytes]
        sys.stdout = _CappedWriter(1, budget)
        sys.stderr = _CappedWriter(2, budget)
        _silence_self_checks()
        main_pid = os.getpid()
        message_budget = [limits.message_bytes]

        def send(message: dict) -> None:
            if os.getpid() != main_pid:  # a process the student forked does not report
                return
            data = (json.dumps(message, allow_nan=False, separators=(",", ":")) + "\n").encode()
            if len(data) > min(message_budget[0], MAX_MESSAGE_BYTES):
                data = (json.dumps({"kind": "error", "cell": message.get("cell"), "question":
                                    message.get("question"), "error":
                                    "the answers are too large to send to the grader "
                                    f"(more than {MAX_MESSAGE_BYTES:,} bytes)"}) + "\n").encode()
            message_budget[0] -= len(data)
            _write_all(msg_fd, data)

        _execute_notebook(job, send, data)
        code = 0
    except BaseException as error:  # noqa: BLE001 - report anything, then exit
        with contextlib.suppress(BaseException):
            text = f"{type(error).__name__}: {error}"
            _write_all(3, (json.dumps({"kind": "fatal", "message": text[:2000]}) + "\n")
                       .encode())
        code = 71
    finally:
        os._exit(code)


def signal_on_parent_death(sig: int) -> None:
    """Have the kernel send this process ``sig`` when its parent dies (Linux ``prctl``;
    raises ``OSError`` where it is refused). The tester, forked from the grader, uses it."""
    _prctl(_PR_SET_PDEATHSIG, sig)


def _die_with_parent(parent: int, sig: int) -> None:
    """Receive ``sig`` when ``parent`` dies; exit now if it already has."""
    _prctl(_PR_SET_PDEATHSIG, sig)
    if os.getppid() != parent:
        os._exit(75)


def _isolator_main(job: dict, msg_w: int, out_w: int, ctl_w: int, mode: str, slot: int,
                   supervisor: int) -> None:
    """New session + namespaces, fork the runner, report its pid, wait. Never returns."""
    code = 72
    try:
        os.setsid()
        _die_with_parent(supervisor, signal.SIGKILL)
        uid, gid = os.getuid(), os.getgid()
        if mode == "namespace":
            _unshare(_CLONE_NEWNS | _CLONE_NEWNET | _CLONE_NEWPID | _CLONE_NEWIPC)
        elif mode == "userns":
            _unshare(_CLONE_NEWUSER | _CLONE_NEWNS | _CLONE_NEWNET | _CLONE_NEWPID
                     | _CLONE_NEWIPC)
            with open("/proc/self/setgroups", "w") as handle:
                handle.write("deny")
            with open("/proc/self/uid_map", "w") as handle:
                handle.write(f"0 {uid} 1")
            with open("/proc/self/gid_map", "w") as handle:
                handle.write(f"0 {gid} 1")
            _die_with_parent(supervisor, signal.SIGKILL)  # new credentials clear it
        go_r, go_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(go_w)
            os.close(ctl_w)
            os.read(go_r, 1)  # wait until the supervisor knows our pid
            os.close(go_r)
            _runner_main(job, msg_w, out_w, mode, slot)
        os.close(go_r)
        os.close(msg_w)
        os.close(out_w)
        _write_all(ctl_w, f"{pid}\n".encode())
        os.close(ctl_w)
        os.write(go_w, b"x")
        os.close(go_w)
        _, status = os.waitpid(pid, 0)
        code = 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    except BaseException as error:  # noqa: BLE001
        with contextlib.suppress(BaseException):
            _write_all(ctl_w, f"error {type(error).__name__}: {error}\n".encode())
        code = 73
    finally:
        os._exit(code)


class _Stop(Exception):  # noqa: N818
    """Raised in a supervisor by SIGTERM: the grading run is being stopped."""


def _raise_stop(signum: int, frame: Any) -> None:
    raise _Stop


def _write_record(jobdir: str, record: dict) -> None:
    """The supervisor's exit record, in a file the job cannot write (atomic)."""
    path = os.path.join(jobdir, "exit.json")
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(record, handle)
    os.replace(path + ".tmp", path)


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
#: How often a job's memory, all its processes together, is measured (seconds).
MEMORY_CHECK_S = 0.1


def _children(pid: int) -> list[int]:
    """The children of ``pid`` (every thread's), from /proc; [] if it is gone."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", "rb") as handle:
                out.extend(int(x) for x in handle.read().split())
        except (OSError, ValueError):
            continue
    return out


def _descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (not itself): in a job, all the student's processes."""
    seen: list[int] = []
    todo = _children(pid)
    while todo and len(seen) < 10_000:
        child = todo.pop()
        if child in seen:
            continue
        seen.append(child)
        todo.extend(_children(child))
    return seen


def _resident(pid: int) -> int:
    """Resident bytes of ``pid`` (pages shared with the warm zygote included: an upper
    bound of what it added, read cheaply)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _private(pid: int) -> int:
    """Bytes only ``pid`` holds (``Private_Clean`` + ``Private_Dirty``): what it added to
    the pages it shares with the zygote and the job's other processes."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith((b"Private_Clean:", b"Private_Dirty:")):
                    total += int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return _resident(pid)
    return total


def job_memory_mb(memory_mb: int) -> int:
    """The bound on a submission's processes together, in MB (see :func:`_supervise`).

    >>> job_memory_mb(1024)
    1280
    """
    return memory_mb + memory_mb // 4


def job_memory(pid: int, limit: int) -> int:
    """Memory of the processes under ``pid``, all together (bytes).

    Their resident sizes are summed first (cheap); only when that passes ``limit`` is
    each one's private memory read, so pages the processes share (the libraries the
    zygote loaded, a parent's pages a child has not written) count once, not per process.
    """
    pids = _descendants(pid)
    resident = sum(_resident(p) for p in pids)
    if resident <= limit:
        return resident
    return sum(_private(p) for p in pids)


def _supervise(job: dict, mode: str, slot: int) -> dict:
    """Run one job to the end (in the supervisor process); return its exit record.

    SIGTERM (sent by the zygote when the grading run stops, or by the kernel when the
    zygote dies) ends the job at once: its processes are killed and the record says
    ``stopped``.
    """
    limits = Limits(**job["limits"])
    stopping = [False]

    def on_term(signum: int, frame: Any) -> None:
        stopping[0] = True
        raise _Stop

    signal.signal(signal.SIGTERM, on_term)
    with contextlib.suppress(OSError):  # orphans of the job become ours, and we reap them
        _prctl(_PR_SET_CHILD_SUBREAPER, 1)
    msg_r, msg_w = os.pipe()
    out_r, out_w = os.pipe()
    ctl_r, ctl_w = os.pipe()
    started = time.monotonic()
    me = os.getpid()
    pid = os.fork()
    if pid == 0:
        os.close(msg_r)
        os.close(out_r)
        os.close(ctl_r)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _isolator_main(job, msg_w, out_w, ctl_w, mode, slot, me)
    os.close(msg_w)
    os.close(out_w)
    os.close(ctl_w)
    result_path = os.path.join(job["jobdir"], "result.jsonl")
    result = open(result_path, "ab", buffering=0)  # noqa: SIM115 - closed below
    runner_pid = None
    ctl_buffer = b""
    output = bytearray()
    output_total = 0
    message_buffer = b""
    message_total = 0
    dropped = 0
    skipping = False
    open_fds = {msg_r: "msg", out_r: "out", ctl_r: "ctl"}
    status = None
    deadline = started + limits.time_s
    exit_code = None
    exited_at = None
    # The bound: a quarter more than the assignment's memory, on top of what the run starts
    # with (the warm zygote's pages: a process that writes to them makes them its own). A
    # single process, which RLIMIT_AS stops at memory_mb, is never cut short by the measure;
    # several together are stopped soon after they pass it.
    base = _resident(os.getppid())
    bound_mb = job_memory_mb(limits.memory_mb)
    memory_limit = bound_mb * 1024 * 1024 + base
    memory_peak = 0
    next_memory_check = started

    def kill_all(group: bool = False) -> None:
        # Killing PID 1 of the job's PID namespace kills all its processes; the isolator
        # then reaps it and exits. Without a namespace, kill the whole process group.
        if runner_pid:
            with contextlib.suppress(OSError):
                os.kill(runner_pid, signal.SIGKILL)
        if group or runner_pid is None or mode == "none":
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)

    def stop(why: str) -> None:
        nonlocal status, deadline
        if status is None:
            status = why
            kill_all()
            deadline = time.monotonic() + 5.0

    try:
        while True:
            try:
                now = time.monotonic()
                if exit_code is None:
                    done, wait_status = os.waitpid(pid, os.WNOHANG)
                    if done:
                        exit_code = (128 + os.WTERMSIG(wait_status)
                                     if os.WIFSIGNALED(wait_status)
                                     else os.WEXITSTATUS(wait_status))
                        exited_at = now
                if exit_code is not None and (not open_fds or now - exited_at > 1.0):
                    break
                if status is None and now > deadline:
                    stop("timeout")
                elif status is not None and now > deadline:
                    break
                if status is None and exit_code is None and now >= next_memory_check:
                    # Memory is bounded per submission, all its processes together: a job
                    # that forks is measured as a whole, and stopped as a whole.
                    next_memory_check = now + MEMORY_CHECK_S
                    used = job_memory(me, memory_limit)
                    memory_peak = max(memory_peak, used)
                    if used > memory_limit:
                        stop("memory_limit")
                # with every pipe closed, only the exit is left to see: look again soon
                ready, _, _ = select.select(list(open_fds), [], [],
                                            0.05 if open_fds else 0.002)
                for fd in ready:
                    try:
                        chunk = os.read(fd, 1 << 16)
                    except OSError:
                        chunk = b""
                    if not chunk:
                        os.close(fd)
                        del open_fds[fd]
                        continue
                    kind = open_fds[fd]
                    if kind == "ctl":
                        ctl_buffer += chunk
                        if runner_pid is None and b"\n" in ctl_buffer:
                            line = ctl_buffer.split(b"\n", 1)[0].decode(errors="replace")
                            if line.isdigit():
                                runner_pid = int(line)
                            else:
                                result.write((json.dumps({"kind": "fatal", "message": line})
                                              + "\n").encode())
                    elif kind == "out":
                        output_total += len(chunk)
                        room = limits.output_keep_bytes - len(output)
                        if room > 0:
                            output += chunk[:room]
                        if output_total > limits.output_kill_bytes:
                            stop("output_limit")
                    else:
                        message_total += len(chunk)
                        if message_total > limits.message_bytes:
                            stop("output_limit")
                            continue
                        message_buffer += chunk
                        lines = message_buffer.split(b"\n")
                        message_buffer = lines.pop()
                        for line in lines:
                            if skipping:  # the end of a line that was too long
                                skipping = False
                            elif len(line) < MAX_MESSAGE_BYTES:
                                result.write(line + b"\n")
                            else:
                                dropped += 1
                        if len(message_buffer) >= MAX_MESSAGE_BYTES:
                            if not skipping:
                                dropped += 1
                            message_buffer, skipping = b"", True
            except _Stop:
                stop("stopped")
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the clean-up below runs to its end
        for fd in list(open_fds):
            with contextlib.suppress(OSError):
                os.close(fd)
        kill_all(group=True)
        if exit_code is None:
            try:
                _, wait_status = os.waitpid(pid, 0)
                exit_code = (128 + os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status)
                             else os.WEXITSTATUS(wait_status))
            except ChildProcessError:
                exit_code = -1
        reap_until = time.monotonic() + 5.0
        while time.monotonic() < reap_until:  # no zombie of the job outlives the job
            try:
                reaped, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if reaped == 0:
                time.sleep(0.002)
        result.close()
    record = {"kind": "exit", "status": "stopped" if stopping[0] else status,
              "exit_code": exit_code, "wall_s": round(time.monotonic() - started, 3),
              "output": output.decode("utf-8", "replace"), "output_bytes": output_total,
              "containment": mode, "messages_dropped": dropped,
              "memory_limit_mb": bound_mb, "memory_base_mb": round(base / 1024 / 1024),
              "memory_peak_mb": round(memory_peak / 1024 / 1024)}
    _write_record(job["jobdir"], record)
    return record


# ------------------------------------------------------------------------- zygote


def _probe(mode: str, base: str) -> bool:
    """Can this machine contain a job in ``mode``? (Forks a throwaway job.)"""
    jobdir = tempfile.mkdtemp(prefix="probe-", dir=base)
    workdir = os.path.join(jobdir, "work")
    os.mkdir(workdir)
    newroot = os.path.join(jobdir, "root")
    os.mkdir(newroot)
    notebook = os.path.join(workdir, "probe.ipynb")
    hidden = str(paths.PROJECT_ROOT / "pyproject.toml")
    with open(notebook, "w") as handle:
        json.dump({"cells": [{"cell_type": "code", "metadata": {}, "source":
                              "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53),"
                              " timeout=0.5)\n    net = True\nexcept OSError:\n    net = False\n"
                              f"import os\nsecret = os.path.exists({hidden!r})"}]}, handle)
    if mode == "namespace":
        os.chown(workdir, UID_BASE, UID_BASE)
    job_uid = UID_BASE
    job = {"id": "probe", "jobdir": jobdir, "workdir": workdir, "newroot": newroot,
           "notebook": notebook, "questions": {"probe": ["net", "secret"]},
           "limits": asdict(Limits(time_s=10)), "uid": job_uid}
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            record = _supervise(job, mode, 0)
            code = 0 if record["status"] is None and record["exit_code"] == 0 else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        return False
    answers = read_run(jobdir, job["questions"]).answers.get("probe", {})
    # contained = the code ran, cannot see the project's other files, no network
    return answers.get("net", {}).get("value") is False and \
        answers.get("secret", {}).get("value") is False


def _serve(containment: str) -> None:
    """The zygote: warm imports, then fork one supervisor per job request on stdin.

    It stops when its stdin closes — the grader finished, was stopped, or died: every
    running job is then stopped (SIGTERM to its supervisor) and the grading folder (its
    working directory) removed.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the grader's to answer
    signal.signal(signal.SIGTERM, _raise_stop)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    import altair  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    import course  # noqa: F401
    import course.grading.untrusted  # noqa: F401 - the answers' codec

    _warm_modules()
    _warm_data()
    _warm_explorers()
    base = os.getcwd()  # the grader's private temporary folder
    modes = ["namespace", "userns", "none"] if os.geteuid() == 0 else ["userns", "none"]
    if containment != "auto":
        modes = [containment]
    mode = "none"
    for candidate in modes:
        if candidate == "none" or _probe(candidate, base):
            mode = candidate
            break
    import gc

    gc.collect()
    gc.freeze()
    # A child's exit wakes the loop at once (instead of the next poll).
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    out = sys.stdout.buffer
    # Each zygote has its own block of job uids, so two graders on one machine never share.
    uid_base = UID_BASE + (os.getpid() % UID_BLOCKS) * UID_SLOTS
    out.write((json.dumps({"kind": "ready", "containment": mode, "pid": os.getpid(),
                           "uids": [uid_base, uid_base + UID_SLOTS]}) + "\n")
              .encode())
    out.flush()
    children: dict[int, str] = {}
    slots: dict[int, int] = {}
    free_slots = list(range(1, UID_SLOTS))
    stdin_fd = sys.stdin.fileno()
    buffer = b""
    me = os.getpid()
    try:
        while True:
            ready, _, _ = select.select([stdin_fd, wake_r], [], [], 1.0)
            if wake_r in ready:
                with contextlib.suppress(BlockingIOError):
                    os.read(wake_r, 4096)
            if stdin_fd in ready:
                chunk = os.read(stdin_fd, 1 << 16)
                if not chunk:
                    break  # the grader is done (or gone): stop everything
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    try:
                        job = json.loads(line)
                    except ValueError:
                        continue
                    slot = free_slots.pop(0) if free_slots else 1
                    if mode == "namespace" or (mode == "none" and os.geteuid() == 0):
                        os.chown(job["workdir"], uid_base + slot, uid_base + slot)
                    job["uid"] = uid_base + slot
                    pid = os.fork()
                    if pid == 0:
                        code = 0
                        try:
                            os.close(stdin_fd)
                            signal.set_wakeup_fd(-1)
                            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                            _die_with_parent(me, signal.SIGTERM)
                            _supervise(job, mode, slot)
                        except BaseException:  # noqa: BLE001
                            code = 1
                        finally:
                            os._exit(code)
                    children[pid] = job["id"]
                    slots[pid] = slot
            _reap(children, slots, free_slots, out)
    except _Stop:
        pass
    finally:
        _stop_children(children)
        import shutil

        shutil.rmtree(base, ignore_errors=True)


def _reap(children: dict[int, str], slots: dict[int, int], free_slots: list[int],
          out: Any) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        job_id = children.pop(pid, None)
        if pid in slots:
            free_slots.append(slots.pop(pid))
        if job_id is not None:
            ok = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
            with contextlib.suppress(OSError, ValueError):
                out.write((json.dumps({"kind": "done", "id": job_id, "ok": ok}) + "\n")
                          .encode())
                out.flush()


def _stop_children(children: dict[int, str]) -> None:
    """Stop every running job: SIGTERM to each supervisor, then SIGKILL after a while."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for pid in children:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    until = time.monotonic() + 8.0
    while children and time.monotonic() < until:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            children.pop(pid, None)
        else:
            time.sleep(0.01)
    for pid in list(children):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _module_names(package: Any, skip: tuple[str, ...]) -> Iterator[str]:
    """Names of ``package``'s modules, depth first, never importing (nor entering) a
    package whose name starts with one of ``skip`` (``pkgutil.walk_packages`` imports
    every package it walks, so it would load a skipped package's ``__init__``)."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        if info.name.startswith(skip) or ".builders" in info.name:
            continue
        yield info.name
        if info.ispkg:
            with contextlib.suppress(Exception):
                yield from _module_names(importlib.import_module(info.name), skip)


def _warm_modules() -> None:
    """Import the course's modules and compile Altair's schema validator once, here."""
    import course

    # Never the grading modules that read solutions/ or tests: nothing of the kind may
    # sit in the zygote's memory, which every submission inherits. Of grading, only the
    # trust boundary (the answers' codec) and the test API.
    skip = ("course.__main__", "course.cli", "course.grading", "course.data.build",
            "course.data.fetch")
    keep = ("course.grading.untrusted", "course.grading.testing")
    for name in [*_module_names(course, skip), *keep]:
        with contextlib.suppress(Exception):
            __import__(name)
    try:
        import altair as alt
        import pandas as pd

        chart = alt.Chart(pd.DataFrame({"x": [1], "y": [2.0], "c": ["a"]})).mark_line().encode(
            x="x:Q", y="y:Q", color="c:N", tooltip=["x", "y"]).properties(title="warm")
        alt.layer(chart, chart.mark_point()).to_dict()
        chart.to_dict()
    except Exception:  # noqa: BLE001
        pass


def _warm_data() -> None:
    """Load the course tables once in the zygote, so every child has them for free."""
    try:
        from course import data

        catalog = data.catalog()
        names = list(catalog["name"]) if hasattr(catalog, "columns") else list(catalog)
        for name in names:
            with contextlib.suppress(Exception):
                data.load(name)
    except Exception:  # noqa: BLE001 - the data package may not be there yet
        pass


def _warm_explorers() -> None:
    """Build each claim explorer once with its defaults, in the zygote.

    A problem set may show an explorer (ungraded); its first build in a fresh process
    costs several times a later one (its tables, Altair's and ipywidgets' first-use work),
    so every submission would pay that. Built once here, every child starts warm.
    """
    import importlib
    import pkgutil

    try:
        import course.widgets as package
    except Exception:  # noqa: BLE001
        return
    for info in pkgutil.iter_modules(package.__path__):
        with contextlib.suppress(Exception):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, function in vars(module).items():
                if name.endswith("_explorer") and callable(function) \
                        and getattr(function, "__module__", "") == module.__name__:
                    with contextlib.suppress(Exception):
                        function()


# ------------------------------------------------------------------------- grader side


class Sandbox:
    """The grader's handle on a warm zygote; use as a context manager.

    :meth:`submit` starts a job, :meth:`finished` says which jobs are done (their folders
    are kept until :meth:`release`), :meth:`result` reads a finished job's messages through
    the trust boundary. :meth:`wait` and :meth:`run` do all of that in one call.
    :meth:`close` stops every job still running and removes every file of this sandbox.

    Examples
    --------
    ``with Sandbox() as box: result = box.run("nb.ipynb", {"q1": ["x"]}, Limits(time_s=5))``
    """

    def __init__(self, containment: str = "auto") -> None:
        if containment not in ("auto", "namespace", "userns", "none", "process"):
            raise SandboxError(f"unknown containment {containment!r}")
        self._containment = containment
        self._proc: subprocess.Popen | None = None
        self._base: str | None = None
        self._lock: int | None = None
        self._buffer = b""
        self._jobs: dict[str, str] = {}
        self._questions: dict[str, dict[str, list[str]]] = {}
        self._seq = 0
        self.containment = "none"
        self.uids: tuple[int, int] = (UID_BASE, UID_BASE)
        self._process_mode = False
        self._done: list[str] = []

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        if self._proc is not None or self._process_mode:
            return
        _remove_stale_folders()
        self._base = tempfile.mkdtemp(prefix=_PREFIX)
        os.chmod(self._base, 0o711)
        self._lock = _hold_lock(self._base)
        if self._containment == "process" or not hasattr(os, "fork"):
            self._process_mode = True
            self.containment = "process"
            return
        env = {k: v for k, v in os.environ.items()
               if k in ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "COURSE_RAW_DIR", "TZ")}
        env.update({"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                    "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1",
                    "HOME": self._base})
        log = open(os.path.join(self._base, "zygote.log"), "wb")  # noqa: SIM115
        # Its own session: a Ctrl-C in the terminal reaches the grader only, which then
        # stops the zygote (and every job) by closing its stdin.
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "course.grading.sandbox", self._containment],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
            cwd=self._base, env=env, close_fds=True, start_new_session=True)
        log.close()
        hello = self._read_line(timeout=120)
        if hello is None or hello.get("kind") != "ready":
            self.close()
            raise SandboxError("the grading sandbox did not start (no ready message)")
        self.containment = hello["containment"]
        self.uids = tuple(hello.get("uids", (UID_BASE, UID_BASE)))

    def close(self) -> None:
        """Stop every job still running, end the zygote and remove this sandbox's files."""
        self._process_mode = False
        if self._proc is not None:
            with contextlib.suppress(OSError, ValueError):
                self._proc.stdin.close()  # the zygote stops its jobs and exits
            try:
                self._proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(OSError):
                    os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.kill()
                self._proc.wait()
            with contextlib.suppress(OSError, ValueError):
                self._proc.stdout.close()
            self._proc = None
        if self._base:
            _remove_tree(self._base)
            self._base = None
        if self._lock is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock)
            self._lock = None
        self._jobs.clear()
        self._done.clear()

    def fileno(self) -> int:
        """The zygote's output pipe, for ``select`` (process mode: ``-1``)."""
        return self._proc.stdout.fileno() if self._proc is not None else -1

    def _read_line(self, timeout: float) -> dict | None:
        assert self._proc is not None
        fd = self._proc.stdout.fileno()
        end = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = max(0.0, end - time.monotonic())
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise SandboxError("the grading sandbox stopped unexpectedly")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def submit(self, notebook: str | os.PathLike | None, questions: dict[str, list[str]],
               limits: Limits, *, data: bytes | None = None) -> str:
        """Start running a notebook; returns a job id.

        Give the notebook's bytes as ``data`` (the grader gives what it already read and
        checked, so the file is never opened twice) or its path as ``notebook``.
        """
        if self._proc is None and not self._process_mode:
            self.start()
        self._seq += 1
        job_id = f"job{self._seq}"
        jobdir = os.path.join(self._base, job_id)
        os.mkdir(jobdir, 0o700)
        workdir = os.path.join(jobdir, "work")
        os.mkdir(workdir, 0o700)
        newroot = os.path.join(jobdir, "root")
        os.mkdir(newroot, 0o700)
        target = os.path.join(workdir, "submission.ipynb")
        with open(target, "wb") as copy:
            if data is not None:
                copy.write(data)
            else:
                with open(notebook, "rb") as source:
                    while chunk := source.read(1 << 20):
                        copy.write(chunk)
        os.chmod(target, 0o644)
        job = {"id": job_id, "jobdir": jobdir, "workdir": workdir, "newroot": newroot,
               "notebook": target, "questions": questions, "limits": asdict(limits)}
        self._jobs[job_id] = jobdir
        self._questions[job_id] = questions
        if self._process_mode:
            _run_in_process(job)
            self._done.append(job_id)
            return job_id
        self._proc.stdin.write((json.dumps(job) + "\n").encode())
        self._proc.stdin.flush()
        return job_id

    def finished(self, timeout: float = 3600) -> list[str]:
        """Wait up to ``timeout`` s for at least one job to finish; return their ids.

        Their folders stay until :meth:`release`.
        """
        if self._done:
            done, self._done = self._done, []
            return done
        if self._proc is None:
            return []
        done = []
        line = self._read_line(timeout)
        while line is not None:
            if line.get("kind") == "done" and line.get("id") in self._jobs:
                done.append(line["id"])
            line = self._read_line(0) if b"\n" in self._buffer else None
        return done

    def jobdir(self, job_id: str) -> str:
        return self._jobs[job_id]

    def result(self, job_id: str) -> RunResult:
        """Read a finished job's messages (through the trust boundary)."""
        return read_run(self._jobs[job_id], self._questions.get(job_id))

    def release(self, job_id: str) -> None:
        """Remove a finished job's folder."""
        self._questions.pop(job_id, None)
        jobdir = self._jobs.pop(job_id, None)
        if jobdir:
            _remove_tree(jobdir)

    def wait(self, timeout: float = 3600) -> list[tuple[str, RunResult]]:
        """Wait for at least one job to finish; return ``[(job_id, result), ...]``."""
        out = []
        for job_id in self.finished(timeout):
            out.append((job_id, self.result(job_id)))
            self.release(job_id)
        return out

    def run(self, notebook: str | os.PathLike, questions: dict[str, list[str]],
            limits: Limits | None = None) -> RunResult:
        """Run one notebook and wait for it (convenience for tests and ``course submit``)."""
        job_id = self.submit(notebook, questions, limits or Limits())
        while True:
            for done_id, result in self.wait():
                if done_id == job_id:
                    return result

    @property
    def pending(self) -> int:
        return len(self._jobs)


_PREFIX = "course-grade-"


def _hold_lock(base: str) -> int | None:
    """Lock ``base/.lock`` for as long as this process lives (a live grader's mark)."""
    try:
        import fcntl
    except ImportError:  # Windows
        return None
    fd = os.open(os.path.join(base, ".lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def _remove_stale_folders() -> None:
    """Remove grading folders left by a grader (and zygote) that were killed outright.

    A folder is stale when nobody holds its lock; folders of live graders — ours or
    another user's — are left alone.
    """
    try:
        import fcntl
    except ImportError:
        return
    root = tempfile.gettempdir()
    try:
        names = [n for n in os.listdir(root) if n.startswith(_PREFIX)]
    except OSError:
        return
    for name in names:
        folder = os.path.join(root, name)
        try:
            if os.lstat(folder).st_uid != os.getuid():
                continue
            fd = os.open(os.path.join(folder, ".lock"), os.O_RDWR | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a live grader holds it
        finally:
            os.close(fd)
        _remove_tree(folder)


def _remove_tree(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _run_in_process(job: dict) -> None:
    """``process`` mode: run one job in a fresh Python process and wait for it."""
    limits = Limits(**job["limits"])
    jobdir = job["jobdir"]
    with open(os.path.join(jobdir, "job.json"), "w", encoding="utf-8") as handle:
        json.dump(job, handle)
    env = {k: v for k, v in os.environ.items()
           if k in ("PATH", "SYSTEMROOT", "LANG", "PYTHONPATH", "TEMP", "TMP")}
    env.update({"HOME": job["workdir"], "COURSE_SANDBOX": "1", "OPENBLAS_NUM_THREADS": "1"})
    out_path = os.path.join(jobdir, "output.txt")
    started = time.monotonic()
    status = None
    with open(out_path, "wb") as out:
        child = subprocess.Popen([sys.executable, "-m", "course.grading.sandbox", "--one",
                                  os.path.join(jobdir, "job.json")],
                                 stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                 cwd=job["workdir"], env=env,
                                 start_new_session=hasattr(os, "killpg"))
        try:
            code = child.wait(timeout=limits.time_s + 5)  # + the imports a fresh process needs
        except subprocess.TimeoutExpired:
            if hasattr(os, "killpg"):
                with contextlib.suppress(OSError):
                    os.killpg(child.pid, signal.SIGKILL)
            child.kill()
            code = child.wait()
            status = "timeout"
    with open(out_path, "rb") as handle:
        output = handle.read(limits.output_keep_bytes)
    record = {"kind": "exit", "status": status, "exit_code": code if code >= 0 else 128 - code,
              "wall_s": round(time.monotonic() - started, 3),
              "output": output.decode("utf-8", "replace"),
              "output_bytes": os.path.getsize(out_path), "containment": "process"}
    _write_record(jobdir, record)


def _one(job_path: str) -> None:
    """Entry point of a ``process``-mode child: limits, then the notebook. Never returns."""
    code = 70
    try:
        with open(job_path, encoding="utf-8") as handle:
            job = json.load(handle)
        limits = Limits(**job["limits"])
        if resource is not None:
            mb = 1024 * 1024
            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds + 5,) * 2)
                resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb * mb,) * 2)
        budget = [limits.output_keep_bytes]
        sys.stdout = _CappedWriter(1, budget)
        sys.stderr = _CappedWriter(2, budget)
        _silence_self_checks()
        with open(job["notebook"], "rb") as handle:
            data = handle.read()
        messages = open(os.path.join(job["jobdir"], "result.jsonl"), "ab",  # noqa: SIM115
                        buffering=0)
        main_pid = os.getpid()

        def send(message: dict) -> None:
            if os.getpid() == main_pid:
                messages.write((json.dumps(message, allow_nan=False) + "\n").encode())

        _execute_notebook(job, send, data)
        code = 0
    finally:
        os._exit(code)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        _one(sys.argv[2])
    _serve(sys.argv[1] if len(sys.argv) > 1 else "auto")
