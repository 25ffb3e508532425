"""Run a student's notebook in a contained process, never in the grader's.

Process tree
------------
::

    grader (course grade: reads tests, writes the gradebook)
      └─ zygote      `python -m course.grading.sandbox`: pre-imports pandas, numpy,
         │           altair and course, then only ever receives tiny job requests
         │           (job id + folder + limits) — never a notebook, a test or an answer
         └─ supervisor   one per submission, forked from the zygote (so warm): enforces
            │            the wall-clock limit, caps output, appends each message from the
            │            child to <job>/result.jsonl as it arrives
            └─ isolator  new session; unshare(mount, network, PID [, user]) namespaces
               └─ runner PID 1 of the new PID namespace: builds a new root that holds
                         only the system, the Python install, course/ and data/
                         (read-only) and the job's work folder, pivots into it, drops to
                         an unprivileged per-job uid, sets rlimits, and executes the
                         code cells; after each answer cell it sends that question's
                         encoded answers (course.grading.answers) at once.

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
the wall-clock kill and a scrubbed environment. The student's code could read files the
grading user can read and open network connections. ``course grade`` refuses to run in
this mode unless given ``--allow-uncontained``.

Limits in every mode: RLIMIT_AS (memory on top of the pre-imported libraries), RLIMIT_CPU,
RLIMIT_NPROC, RLIMIT_FSIZE, RLIMIT_NOFILE, a wall-clock limit (SIGKILL of the whole
process group / PID namespace), printed output kept up to a cap, and the job killed if it
writes more than ``Limits.output_kill_bytes`` to its stdout/stderr.

Known limit: memory is capped per process (RLIMIT_AS), not per job — there is no cgroup —
so a submission that forks the most processes it may (``Limits.nproc``) and fills each
could use ``nproc x memory_mb`` at worst, for as long as the wall-clock limit allows.

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
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field
from typing import Any

from course import paths
from course.errors import CourseError

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
    message_bytes: int = 64_000_000
    nproc: int = 16
    file_mb: int = 64
    nofile: int = 256

    @property
    def cpu_seconds(self) -> int:
        return int(self.time_s) + 1


@dataclass
class RunResult:
    """What came back from running one submission.

    ``answers`` maps question id -> {variable: encoded answer} for every question whose
    answer cell ran (or, at the end of a complete run, whose cell was not found).
    ``status`` is one of ``ok``, ``timeout``, ``cpu_limit``, ``output_limit``,
    ``exited`` (the process ended part-way, e.g. ``os._exit``), ``crashed`` (killed by a
    signal, e.g. out of memory) or ``failed`` (the runner could not start).
    """

    status: str
    message: str = ""
    answers: dict[str, dict] = field(default_factory=dict)
    cell_errors: list[dict] = field(default_factory=list)
    answer_cells_found: list[str] = field(default_factory=list)
    last_cell: int | None = None
    n_cells: int | None = None
    output: str = ""
    output_bytes: int = 0
    wall_s: float = 0.0
    containment: str = "none"


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


def _strip_magics(source: str) -> str | None:
    """IPython-compatible enough: drop ``%line`` magics and ``!shell`` lines; skip ``%%`` cells."""
    if source.lstrip().startswith("%%"):
        return None
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            lines.append(line[: len(line) - len(stripped)] + "pass")
        else:
            lines.append(line)
    return "\n".join(lines)


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
    """In a graded run, ``Checker`` (and ``check.submit``) do nothing: swap in the stub."""
    import course.grading

    checker_stub = type(sys)("course.grading.checker")
    checker_stub.Checker = _QuietChecker
    sys.modules["course.grading.checker"] = checker_stub
    course.grading.__dict__["Checker"] = _QuietChecker


def _execute_notebook(job: dict, send: Any) -> None:
    """Run the code cells of the job's notebook in order, sending answers as they appear."""
    from course.grading.answers import encode_many

    questions: dict[str, list[str]] = job["questions"]
    with open(job["notebook"], "rb") as handle:
        notebook = json.loads(handle.read())
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
    send({"kind": "plan", "n_cells": len(cells),
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
        code = _strip_magics(source)
        if code is not None:
            try:
                compiled = compile(code, f"<cell {index}>", "exec")
                exec(compiled, namespace)  # noqa: S102 - this is the contained runner
            except BaseException as error:  # noqa: BLE001 - SystemExit, KeyboardInterrupt too
                if os.getpid() != main_pid:  # a process the student forked: stop here
                    os._exit(0)
                try:
                    text = "".join(traceback.format_exception_only(type(error), error)).strip()
                except BaseException:  # noqa: BLE001
                    text = type(error).__name__
                send({"kind": "error", "cell": index, "question": question,
                      "error": text[-2000:]})
        if os.getpid() != main_pid:  # a process the student forked: stop here
            os._exit(0)
        if question in questions:
            send({"kind": "answers", "question": question, "cell": index,
                  "answers": encode_many(questions[question], namespace)})
            sent.add(question)
    for question, names in questions.items():
        if question not in sent:  # the answer cell was deleted: read the variables anyway
            send({"kind": "answers", "question": question, "cell": None,
                  "answers": encode_many(names, namespace)})
    send({"kind": "done"})


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
        limits = Limits(**job["limits"])
        with open("/proc/self/statm") as handle:
            vsize = int(handle.read().split()[0]) * resource.getpagesize()
        workdir = job["workdir"]
        if mode in ("namespace", "userns"):
            _build_root(job["newroot"], workdir, job["uid"] if mode == "namespace" else None,
                        limits.file_mb)
        os.chdir(workdir)
        if mode == "namespace":
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
            if len(data) > message_budget[0]:
                data = (json.dumps({"kind": "error", "cell": None, "question":
                                    message.get("question"), "error":
                                    "answers too large to send"}) + "\n").encode()
            message_budget[0] -= len(data)
            _write_all(msg_fd, data)

        _execute_notebook(job, send)
        code = 0
    except BaseException as error:  # noqa: BLE001 - report anything, then exit
        with contextlib.suppress(BaseException):
            text = f"{type(error).__name__}: {error}"
            _write_all(3, (json.dumps({"kind": "fatal", "message": text[:2000]}) + "\n")
                       .encode())
        code = 71
    finally:
        os._exit(code)


def _isolator_main(job: dict, msg_w: int, out_w: int, ctl_w: int, mode: str, slot: int) -> None:
    """New session + namespaces, fork the runner, report its pid, wait. Never returns."""
    code = 72
    try:
        os.setsid()
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


def _supervise(job: dict, mode: str, slot: int) -> dict:
    """Run one job to the end (in the supervisor process); return its exit record."""
    limits = Limits(**job["limits"])
    with contextlib.suppress(OSError):  # orphans of the job become ours, and we reap them
        _prctl(_PR_SET_CHILD_SUBREAPER, 1)
    msg_r, msg_w = os.pipe()
    out_r, out_w = os.pipe()
    ctl_r, ctl_w = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(msg_r)
        os.close(out_r)
        os.close(ctl_r)
        _isolator_main(job, msg_w, out_w, ctl_w, mode, slot)
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
    open_fds = {msg_r: "msg", out_r: "out", ctl_r: "ctl"}
    status = None
    deadline = started + limits.time_s
    exit_code = None
    exited_at = None

    def kill_all(group: bool = False) -> None:
        # Killing PID 1 of the job's PID namespace kills all its processes; the isolator
        # then reaps it and exits. Without a namespace, kill the whole process group.
        if runner_pid:
            with contextlib.suppress(OSError):
                os.kill(runner_pid, signal.SIGKILL)
        if group or runner_pid is None or mode == "none":
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)

    while True:
        now = time.monotonic()
        if exit_code is None:
            done, wait_status = os.waitpid(pid, os.WNOHANG)
            if done:
                exit_code = (128 + os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status)
                             else os.WEXITSTATUS(wait_status))
                exited_at = now
        if exit_code is not None and (not open_fds or now - exited_at > 1.0):
            break
        if status is None and now > deadline:
            status = "timeout"
            kill_all()
            deadline = now + 5.0
        elif status is not None and now > deadline:
            break
        ready, _, _ = select.select(list(open_fds), [], [], 0.05)
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
                        result.write((json.dumps({"kind": "fatal", "message": line}) + "\n")
                                     .encode())
            elif kind == "out":
                output_total += len(chunk)
                room = limits.output_keep_bytes - len(output)
                if room > 0:
                    output += chunk[:room]
                if output_total > limits.output_kill_bytes and status is None:
                    status = "output_limit"
                    kill_all()
                    deadline = time.monotonic() + 5.0
            else:
                message_total += len(chunk)
                if message_total > limits.message_bytes + 1_000_000:
                    if status is None:
                        status = "output_limit"
                        kill_all()
                        deadline = time.monotonic() + 5.0
                    continue
                message_buffer += chunk
                if b"\n" in message_buffer:
                    lines = message_buffer.split(b"\n")
                    message_buffer = lines.pop()
                    for line in lines:
                        result.write(line + b"\n")
    for fd in list(open_fds):
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
            time.sleep(0.005)
    record = {"kind": "exit", "status": status, "exit_code": exit_code,
              "wall_s": round(time.monotonic() - started, 3),
              "output": output.decode("utf-8", "replace"), "output_bytes": output_total,
              "containment": mode}
    result.write((json.dumps(record) + "\n").encode())
    result.close()
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
    with open(os.path.join(jobdir, "result.jsonl")) as handle:
        for line in handle:
            message = json.loads(line)
            if message.get("kind") == "answers":
                answers = message["answers"]
                # contained = the code ran, cannot see the project's other files, no network
                return answers["net"].get("value") is False and \
                    answers["secret"].get("value") is False
    return False


def _serve(containment: str) -> None:
    """The zygote: warm imports, then fork one supervisor per job request on stdin."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    import altair  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    import course  # noqa: F401
    import course.grading.answers  # noqa: F401

    _warm_modules()
    _warm_data()
    base = os.getcwd()  # the grader's private temporary folder, removed by Sandbox.close
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
    stdin_open = True
    while stdin_open or children:
        ready, _, _ = select.select([stdin_fd] if stdin_open else [], [], [], 0.02)
        if ready:
            chunk = os.read(stdin_fd, 1 << 16)
            if not chunk:
                stdin_open = False
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                try:
                    job = json.loads(line)
                except ValueError:
                    continue
                slot = free_slots.pop(0) if free_slots else 1
                if mode == "namespace":
                    os.chown(job["workdir"], uid_base + slot, uid_base + slot)
                job["uid"] = uid_base + slot
                pid = os.fork()
                if pid == 0:
                    os.close(stdin_fd)
                    code = 0
                    try:
                        _supervise(job, mode, slot)
                    except BaseException:  # noqa: BLE001
                        code = 1
                    finally:
                        os._exit(code)
                children[pid] = job["id"]
                slots[pid] = slot
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            job_id = children.pop(pid, None)
            if pid in slots:
                free_slots.append(slots.pop(pid))
            if job_id is not None:
                ok = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
                out.write((json.dumps({"kind": "done", "id": job_id, "ok": ok}) + "\n")
                          .encode())
                out.flush()


def _warm_modules() -> None:
    """Import the course's modules and compile Altair's schema validator once, here."""
    import pkgutil

    import course

    # Never the grading modules that read solutions/ or tests: nothing of the kind may
    # sit in the zygote's memory, which every submission inherits.
    skip = ("course.__main__", "course.cli", "course.grading", "course.data.build",
            "course.data.fetch", "course.data.cli")
    keep = ("course.grading.answers", "course.grading.testing")
    for info in pkgutil.walk_packages(course.__path__, "course."):
        if (info.name.startswith(skip) and info.name not in keep) or ".builders" in info.name:
            continue
        with contextlib.suppress(Exception):
            __import__(info.name)
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


# ------------------------------------------------------------------------- grader side


class Sandbox:
    """The grader's handle on a warm zygote; use as a context manager.

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
        self._buffer = b""
        self._jobs: dict[str, str] = {}
        self._seq = 0
        self.containment = "none"
        self.uids: tuple[int, int] = (UID_BASE, UID_BASE)
        self._process_mode = False
        self._done: list[tuple[str, RunResult]] = []

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        if self._proc is not None or self._process_mode:
            return
        self._base = tempfile.mkdtemp(prefix="course-grade-")
        os.chmod(self._base, 0o711)
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
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "course.grading.sandbox", self._containment],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
            cwd=self._base, env=env, close_fds=True)
        log.close()
        hello = self._read_line(timeout=120)
        if hello is None or hello.get("kind") != "ready":
            self.close()
            raise SandboxError("the grading sandbox did not start (no ready message)")
        self.containment = hello["containment"]
        self.uids = tuple(hello.get("uids", (UID_BASE, UID_BASE)))

    def close(self) -> None:
        self._process_mode = False
        if self._proc is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None
        if self._base:
            _remove_tree(self._base)
            self._base = None

    def _read_line(self, timeout: float) -> dict | None:
        assert self._proc is not None
        fd = self._proc.stdout.fileno()
        end = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = end - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise SandboxError("the grading sandbox stopped unexpectedly")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def submit(self, notebook: str | os.PathLike, questions: dict[str, list[str]],
               limits: Limits) -> str:
        """Start running ``notebook``; returns a job id for :meth:`wait`."""
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
        with open(notebook, "rb") as source, open(target, "wb") as copy:
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        os.chmod(target, 0o644)
        job = {"id": job_id, "jobdir": jobdir, "workdir": workdir, "newroot": newroot,
               "notebook": target, "questions": questions, "limits": asdict(limits)}
        if self._process_mode:
            _run_in_process(job)
            self._done.append((job_id, _collect(jobdir)))
            _remove_tree(jobdir)
            return job_id
        self._proc.stdin.write((json.dumps(job) + "\n").encode())
        self._proc.stdin.flush()
        self._jobs[job_id] = jobdir
        return job_id

    def wait(self, timeout: float = 3600) -> list[tuple[str, RunResult]]:
        """Wait for at least one job to finish; return ``[(job_id, result), ...]``."""
        if self._done:
            finished, self._done = self._done, []
            return finished
        finished = []
        line = self._read_line(timeout)
        while line is not None:
            if line.get("kind") == "done" and line.get("id") in self._jobs:
                jobdir = self._jobs.pop(line["id"])
                finished.append((line["id"], _collect(jobdir)))
                _remove_tree(jobdir)
            line = self._read_line(0) if b"\n" in self._buffer else None
        return finished

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


def _remove_tree(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _collect(jobdir: str) -> RunResult:
    """Read a finished job's result.jsonl into a :class:`RunResult` (untrusted lines)."""
    result = RunResult(status="failed", message="the runner did not report")
    record: dict = {}
    done = False
    fatal = None
    try:
        handle = open(os.path.join(jobdir, "result.jsonl"), "rb")  # noqa: SIM115
    except OSError:
        return result
    with handle:
        for raw in handle:
            try:
                message = json.loads(raw)
            except ValueError:
                continue
            if type(message) is not dict:
                continue
            kind = message.get("kind")
            if kind == "answers" and type(message.get("question")) is str \
                    and type(message.get("answers")) is dict:
                result.answers[message["question"]] = message["answers"]
            elif kind == "error":
                result.cell_errors.append({"cell": message.get("cell"),
                                           "question": message.get("question"),
                                           "error": str(message.get("error"))[:2000]})
            elif kind == "start" and type(message.get("cell")) is int:
                result.last_cell = message["cell"]
            elif kind == "plan":
                cells = message.get("answer_cells")
                result.answer_cells_found = [c for c in cells if type(c) is str] \
                    if type(cells) is list else []
                if type(message.get("n_cells")) is int:
                    result.n_cells = message["n_cells"]
            elif kind == "done":
                done = True
            elif kind == "fatal":
                fatal = str(message.get("message"))[:2000]
            elif kind == "exit":
                record = message
    result.output = str(record.get("output", ""))
    result.output_bytes = int(record.get("output_bytes", 0) or 0)
    result.wall_s = float(record.get("wall_s", 0.0) or 0.0)
    result.containment = str(record.get("containment", "none"))
    status = record.get("status")
    code = record.get("exit_code")
    where = f" (during cell {result.last_cell + 1})" if result.last_cell is not None else ""
    if status == "timeout":
        result.status = "timeout"
        result.message = f"stopped after the time limit{where}; later questions were not graded"
    elif status == "output_limit":
        result.status = "output_limit"
        result.message = f"stopped for printing too much output{where}"
    elif done and code == 0:
        result.status = "ok"
        result.message = ""
    elif fatal and not result.answers:
        result.status = "failed"
        result.message = f"the notebook could not be run: {fatal}"
    elif code in (128 + signal.SIGXCPU, 128 + signal.SIGKILL) and status is None:
        result.status = "crashed"
        result.message = (f"the Python process was killed{where} (CPU time or memory limit); "
                          "later questions were not graded")
    elif type(code) is int and code > 128:
        result.status = "crashed"
        result.message = (f"the Python process crashed with signal {code - 128}{where}; "
                          "later questions were not graded")
    else:
        result.status = "exited"
        result.message = (f"the notebook ended the Python process part-way{where} "
                          f"(exit code {code}, e.g. os._exit); later questions were not graded")
    return result


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
    with open(os.path.join(jobdir, "result.jsonl"), "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


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
        messages = open(os.path.join(job["jobdir"], "result.jsonl"), "ab",  # noqa: SIM115
                        buffering=0)
        main_pid = os.getpid()

        def send(message: dict) -> None:
            if os.getpid() == main_pid:
                messages.write((json.dumps(message, allow_nan=False) + "\n").encode())

        _execute_notebook(job, send)
        code = 0
    finally:
        os._exit(code)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        _one(sys.argv[2])
    _serve(sys.argv[1] if len(sys.argv) > 1 else "auto")
