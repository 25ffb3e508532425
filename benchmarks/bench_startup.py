"""How long a JupyterLab server takes to start and how much memory it holds once the lab
page has been served: what each student's single-user server costs on a class hub
(INSTRUCTORS.md's sizing table) and what every browser test pays before its first click.

The servers are started as the browser tests start theirs (``tests/browser/conftest.py``:
the course's settings, a private folder, a free port). Prints, for ``REPEATS`` of them:
seconds from launch to ``/api/status``, the CPU seconds the server process used by then,
and its RSS / PSS after ``/lab`` and the settings were served. Also the import cost of the
Jupyter server's modules on their own.

Run: ``.venv/bin/python benchmarks/bench_startup.py``
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from borrow import load_from_tests  # benchmarks/borrow.py: the tests' own set-up

REPEATS = 5
IMPORTS = ("import jupyter_server.serverapp, jupyterlab.labapp, nbformat, nbclient, sys; "
           "print(sorted(m for m in ('rfc3987_syntax', 'lark') if m in sys.modules))")


def _memory_mb(pid: int) -> tuple[float, float]:
    """RSS and PSS of one process, in MB (Linux's smaps_rollup)."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            values[key] = int(rest.split()[0]) / 1024
    return values["Rss"], values["Pss"]


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_server() -> dict:
    """Start a server as the browser tests do, serve /lab once, measure, stop it."""
    browser = load_from_tests("browser/conftest.py")
    lab = browser._start_server(Path(tempfile.mkdtemp(prefix="bench-startup-")) / "jupyter")
    try:
        cpu = _cpu_seconds(lab.process.pid)
        for path in ("/lab", "/lab/api/settings", "/api/kernelspecs"):
            request = urllib.request.Request(f"{lab.url}{path}",
                                             headers={"Authorization": f"token {lab.token}"})
            with urllib.request.urlopen(request, timeout=30) as response:  # loopback only
                response.read()
        rss, pss = _memory_mb(lab.process.pid)
    finally:
        browser._stop_server(lab)
    return {"ready_s": lab.ready_after, "cpu_s": cpu, "rss_mb": rss, "pss_mb": pss}


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
