"""How long a JupyterLab server takes to start and how much memory it holds once the lab
page has been served: what each student's single-user server costs on a class hub
(INSTRUCTORS.md's sizing table) and what every browser test pays before its first click.

Prints, for ``REPEATS`` fresh servers: seconds from launch to ``/api/status``, the CPU
seconds the server process used by then, and its RSS / PSS after ``/lab`` and the settings
were served. Also the import cost of the Jupyter server's modules on their own.

Run: ``.venv/bin/python benchmarks/bench_startup.py``
"""

from __future__ import annotations

import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPEATS = 5
IMPORTS = ("import jupyter_server.serverapp, jupyterlab.labapp, nbformat, nbclient, sys; "
           "print(sorted(m for m in ('rfc3987_syntax', 'lark') if m in sys.modules))")


def _memory_mb(pid: int) -> tuple[float, float]:
    """RSS and PSS of one process, in MB (Linux's smaps_rollup)."""
    values = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                values[key] = int(rest.split()[0]) / 1024
    return values["Rss"], values["Pss"]


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def one_server() -> dict:
    """Start a JupyterLab server in a private folder, serve /lab once, measure, stop it."""
    home = tempfile.mkdtemp(prefix="bench-startup-")
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=f"{home}/config",
               JUPYTER_RUNTIME_DIR=f"{home}/runtime", JUPYTER_DATA_DIR=f"{home}/data",
               JUPYTERLAB_SETTINGS_DIR=f"{home}/settings",
               JUPYTERLAB_WORKSPACES_DIR=f"{home}/workspaces")
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={home}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    started = time.perf_counter()
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.perf_counter() - started > 120:
                    raise RuntimeError("jupyter lab did not start") from None
                time.sleep(0.05)
        ready = time.perf_counter() - started
        cpu = _cpu_seconds(server.pid)
        for path in ("/lab", "/lab/api/settings", "/api/kernelspecs"):
            urllib.request.urlopen(f"{url}{path}?token={token}", timeout=30).read()
        rss, pss = _memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"ready_s": ready, "cpu_s": cpu, "rss_mb": rss, "pss_mb": pss}


def main() -> None:
    started = time.perf_counter()
    loaded = subprocess.run([sys.executable, "-c", IMPORTS], capture_output=True, text=True,
                            check=True).stdout.strip()
    print(f"import jupyter_server, jupyterlab, nbformat, nbclient: "
          f"{time.perf_counter() - started:.2f} s (parser modules loaded: {loaded})")
    runs = [one_server() for _ in range(REPEATS)]
    for key, unit in (("ready_s", "s"), ("cpu_s", "s CPU"), ("rss_mb", "MB RSS"),
                      ("pss_mb", "MB PSS")):
        values = [run[key] for run in runs]
        print(f"  {key:8} median {statistics.median(values):7.2f} {unit}   "
              f"(min {min(values):.2f}, max {max(values):.2f}, {REPEATS} servers)")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
