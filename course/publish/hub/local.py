"""A throw-away class on this machine: students, a students' repository and a hub on
127.0.0.1, started and taken down again — for the tests and the capacity benchmark.

Everything is real: the hub is the installed prefix's JupyterHub with its
configurable-http-proxy and the configuration :func:`course.publish.hub.config.render_config`
writes for a class (only the authenticator is JupyterHub's test one, and the state
folder, ports and address are private to the run); students are Unix users made with
``useradd``, with private homes, in their own group; the students' repository is the
student edition committed to a bare git repository served by ``git daemon`` on
127.0.0.1 (a repository owned by root cannot be cloned from a path by another user:
git refuses it as "dubious ownership", so it is served, as a real host would).

:func:`stop_hub` returns whatever is still running afterwards — processes of the
students, or any that mention the run's folder — after killing them, so a test can fail
on it.

Examples
--------
>>> names = student_names("hubtest", 3)
>>> names
['hubtest-s1', 'hubtest-s2', 'hubtest-s3']
>>> run_settings(HubSettings(), Path("/tmp/x"), names, "git://127.0.0.1:1/c.git").auth
'test'
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from course.publish.hub.config import render_config
from course.publish.hub.settings import HubSettings

START_TIMEOUT = 120  # seconds for the hub (and its proxy) to answer
_GIT = ["git", "-c", "user.name=course", "-c", "user.email=course@localhost",
        "-c", "init.defaultBranch=main"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def student_names(prefix: str, n: int) -> list[str]:
    """``n`` user names starting with ``prefix`` (``prefix-s1`` ...)."""
    return [f"{prefix}-s{i}" for i in range(1, n + 1)]


# -- students ---------------------------------------------------------------------------
def create_students(names: Iterable[str], group: str) -> None:
    """Unix users with private homes (mode 0700) in ``group``; existing ones are reused."""
    subprocess.run(["groupadd", "--force", group], check=True)
    for name in names:
        try:
            pwd.getpwnam(name)
            continue
        except KeyError:
            pass
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "--groups", group,
                        "--key", "HOME_MODE=0700", name], check=True, capture_output=True)


def processes_of(uids: Iterable[int]) -> list[int]:
    """PIDs of live (non-zombie) processes owned by these uids."""
    uids = set(uids)
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        uid = int(fields.get("Uid", "-1 ").split()[0])
        if uid in uids and "zombie" not in fields.get("State", ""):
            found.append(int(entry.name))
    return found


def processes_mentioning(marker: str) -> list[int]:
    """PIDs of live processes whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="ignore")
            state = (entry / "stat").read_text().split(")")[-1].split()[0]
        except (OSError, IndexError):
            continue
        if marker in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def _kill(pids: Iterable[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def uids_of(names: Iterable[str]) -> list[int]:
    uids = []
    for name in names:
        with contextlib.suppress(KeyError):
            uids.append(pwd.getpwnam(name).pw_uid)
    return uids


def remove_students(names: Iterable[str], group: str | None = None) -> None:
    """Kill the users' processes, then remove them with their homes (and the group)."""
    names = list(names)
    _kill(processes_of(uids_of(names)))
    for name in names:
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            subprocess.run(["userdel", "--remove", name], capture_output=True)
    if group:
        subprocess.run(["groupdel", group], capture_output=True)


# -- the students' repository -------------------------------------------------------------
def publish_edition(edition: Path, bare: Path, message: str = "Student edition") -> None:
    """Commit ``edition`` and push it to the bare repository ``bare`` (made if need be)."""
    if not bare.exists():
        subprocess.run([*_GIT, "init", "--quiet", "--bare", str(bare)], check=True)
        subprocess.run([*_GIT, "-C", str(bare), "symbolic-ref", "HEAD", "refs/heads/main"],
                       check=True)
    if not (edition / ".git").exists():
        subprocess.run([*_GIT, "-C", str(edition), "init", "--quiet"], check=True)
    subprocess.run([*_GIT, "-C", str(edition), "add", "-A"], check=True)
    subprocess.run([*_GIT, "-C", str(edition), "commit", "--quiet", "--allow-empty", "-m",
                    message], check=True)
    subprocess.run([*_GIT, "-C", str(edition), "push", "--quiet", str(bare), "HEAD:main"],
                   check=True)


@contextlib.contextmanager
def git_server(base: Path) -> Iterator[str]:
    """``git daemon`` serving the bare repositories in ``base`` on 127.0.0.1; yields its
    ``git://127.0.0.1:PORT`` address and stops it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        ["git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1",
         f"--port={port}", f"--base-path={base}", str(base)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"git daemon did not start (exit {process.poll()})")
            time.sleep(0.1)
        yield f"git://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


# -- the hub -----------------------------------------------------------------------------------
def run_settings(installed: HubSettings, workdir: Path, students: list[str], repo: str,
                 **changes) -> HubSettings:
    """The installed hub's settings for a private run on 127.0.0.1 with the test login."""
    port = changes.pop("port", None) or free_port()
    return installed.replace(
        ip="127.0.0.1", port=port, hub_port=free_port(), proxy_api_port=free_port(),
        public_url=f"http://127.0.0.1:{port}", auth="test", auth_options={},
        test_users=tuple(students), admins=(), repo=repo, state_dir=str(workdir / "state"),
        ssl_cert="", ssl_key="", **changes)


@dataclass
class LocalHub:
    """A running hub."""

    settings: HubSettings
    workdir: Path
    process: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # loopback only
            json.loads(response.read())
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, OSError, ValueError):
        return False


def start_hub(settings: HubSettings, workdir: Path) -> LocalHub:
    """Render the configuration into ``workdir`` and start JupyterHub; return once its
    API answers through the proxy."""
    workdir.mkdir(parents=True, exist_ok=True)
    settings.state.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.state, 0o700)
    config = workdir / "jupyterhub_config.py"
    config.write_text(render_config(settings), encoding="utf-8")
    log_path = workdir / "hub.log"
    env = {"PATH": f"{settings.venv}/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
           "LANG": os.environ.get("LANG", "C.UTF-8"), "HOME": str(workdir)}
    with log_path.open("wb") as log:
        process = subprocess.Popen([str(settings.venv / "bin" / "jupyterhub"), "-f",
                                    str(config)], cwd=settings.state, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    hub = LocalHub(settings, workdir, process, log_path)
    deadline = time.monotonic() + START_TIMEOUT
    while not _answers(f"{hub.url}/hub/api/"):
        if process.poll() is not None:
            raise RuntimeError(f"jupyterhub exited with {process.returncode}:\n"
                               f"{hub.log()[-4000:]}")
        if time.monotonic() > deadline:
            stop_hub(hub, [])
            raise RuntimeError(f"jupyterhub did not answer in {START_TIMEOUT} s:\n"
                               f"{hub.log()[-4000:]}")
        time.sleep(0.3)
    return hub


def stop_hub(hub: LocalHub, students: Iterable[str], wait: float = 60) -> list[int]:
    """Stop the hub (it stops the students' servers and the proxy), then return the PIDs
    of anything left — the students' processes, or any mentioning the run's folder —
    which are killed."""
    if hub.process.poll() is None:
        hub.process.send_signal(signal.SIGTERM)
        try:
            hub.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            os.killpg(hub.process.pid, signal.SIGKILL)
            hub.process.wait(timeout=10)
    uids = uids_of(students)
    deadline = time.monotonic() + 20
    while True:
        left = sorted(set(processes_of(uids)) | set(processes_mentioning(str(hub.workdir))))
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    _kill(left)
    return left


def clean_workdir(workdir: Path) -> None:
    shutil.rmtree(workdir, ignore_errors=True)
