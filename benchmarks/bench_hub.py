"""How many students can one machine carry as the course's hub? N students at once.

Usage (as root, after ``course hub install``; makes and removes users ``hubbench-s*``)::

    python benchmarks/bench_hub.py                        # N = 5, 10, 20; 2 in Chromium
    python benchmarks/bench_hub.py --students 5 --browsers 1 --changes 4 --think 2 6

For each N, on the installed JupyterHub (configurable-http-proxy, LocalProcessSpawner,
nbgitpuller; the test login) with N Unix users, every student arrives within
``--ramp`` seconds and, as a class does at the start of a lesson:

1. logs in, and follows lesson 01's link (nbgitpuller pulls the course into their home);
2. opens lesson 01 and runs it, top to bottom;
3. changes the polarity explorer's controls ``--changes`` times — the measure, the years
   slider, the set of powers — with a think-time drawn uniformly from ``--think`` seconds
   between changes.

Most students are simulated: they speak JupyterLab's own protocols to their server through
the hub and proxy (HTTP with the login cookies, the kernel's websocket), and a change is
the widget update a browser sends; its latency is from sending it until the new chart
arrives back (the Output widget's update). ``--browsers`` of the N are real Chromium
sessions doing the same through JupyterLab's page; their latency is until the new chart
is drawn. (Chromium runs on the same two cores here, so it takes CPU a class's laptops
would not: a pessimistic setting.)

Per N it prints: each student's memory once lesson 01 has run (resident set, RSS, and
proportional set, PSS — shared pages divided among the processes sharing them — of the
student's single-user server plus kernel, and each part; and how many kernels had loaded
vl-convert, which the shipped chart layouts should spare them, then and after exploring),
the explorer latency (median and p95, for the simulated and the browser students), the
time from arriving to a run lesson, the CPU a student's server and kernel use while the
student explores (CPU seconds per second: cores), and the load average. Then a trace of
the tail: every change is kept with when it was made, how many other students were still
loading the lesson then, and (simulated students) its parts from the kernel's own message
dates — waiting for the kernel, the kernel's work until the new chart is sent, delivery —
and the slowest 5% are summed up beside the latency of changes made once no one else was
loading. Then the capacity: the largest N whose p95 stayed within 1 s, per core; the CPU
demand per exploring student (on a busy machine the latency depends on the other jobs
too, the demand much less); and the memory per student.
Results go to ``benchmarks/results/hub.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from borrow import load_from_tests  # benchmarks/borrow.py: the tests' own set-up

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LESSON = "notebooks/01-measuring-power-and-polarity.ipynb"
FOLDER = "alliances-course"
GROUP = "hubbench-class"
TARGET_P95_S = 1.0
#: What a student changes, in turn: (control description, widget update to send). Each
#: setting draws a chart (GDP for the major powers before 1914 is refused: not every power
#: has data every year).
CHANGES = [("Measure", {"index": 1}), ("Years", {"value": [1946, 1989]}),
           ("Powers", {"index": 1}), ("Measure", {"index": 2}),
           ("Years", {"value": [1960, 2016]}), ("Powers", {"index": 0}),
           ("Measure", {"index": 0}), ("Years", {"value": [1990, 2016]})]


@dataclass
class Student:
    name: str
    browser: bool
    arrived: float = 0.0
    ready_s: float | None = None  # arriving -> lesson 01 run
    latencies: list[float] = field(default_factory=list)
    #: One entry per change, for tracing the tail: when it was made (seconds since the class
    #: began), which change of the student's it was, its latency, and (simulated students)
    #: its parts from the kernel's message dates: waiting before the kernel took it up,
    #: the kernel's work until the new chart was sent, and the delivery back.
    changes: list[dict] = field(default_factory=list)
    rss_mb: float | None = None
    pss_mb: float | None = None
    kernel_rss_mb: float | None = None  # the kernel's part of rss_mb (the rest: the server)
    kernel_pss_mb: float | None = None
    vl_convert: bool = False  # whether the kernel had loaded vl-convert (after lesson 01)
    vl_convert_after: bool = False  # ... after exploring
    rss_after_mb: float | None = None  # server and kernel after exploring
    cpu_cores: float | None = None  # CPU used while exploring / time spent exploring
    error: str = ""


def chromium_settings():
    """``tests/conftest.py`` as a module: Debian's Chromium (``CHROMIUM``) and the flags the
    browser tests launch it with (``CHROMIUM_ARGS``)."""
    return load_from_tests("conftest.py")


def _epoch(date: str | None) -> float | None:
    """A Jupyter message header's ISO date as seconds since the epoch (None if absent)."""
    from datetime import datetime

    return datetime.fromisoformat(date.replace("Z", "+00:00")).timestamp() if date else None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def memory_of(uid: int) -> dict:
    """RSS and PSS in MB over the live processes of ``uid``: all, the kernels' (the rest is
    the single-user server), and whether a kernel has vl-convert's library mapped."""
    from course.publish.hub.local import processes_of

    found = {"rss": 0, "pss": 0, "kernel_rss": 0, "kernel_pss": 0, "vl_convert": False}
    for pid in processes_of([uid]):
        try:
            kernel = b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
            if kernel and "vl_convert" in Path(f"/proc/{pid}/maps").read_text():
                found["vl_convert"] = True
        except OSError:
            continue
        for line in rollup:
            for name in ("rss", "pss"):
                if line.lower().startswith(f"{name}:"):
                    found[name] += int(line.split()[1]) / 1024
                    if kernel:
                        found[f"kernel_{name}"] += int(line.split()[1]) / 1024
    return found


def cpu_seconds_of(uid: int) -> float:
    """CPU time (user + system) of the live processes of ``uid``, in seconds."""
    from course.publish.hub.local import processes_of

    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in processes_of([uid]):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


class Exploring:
    """Measures the CPU a student's server and kernel use while the student explores."""

    def __init__(self, student: Student):
        import pwd

        self.student, self.uid = student, pwd.getpwnam(student.name).pw_uid
        self.cpu, self.wall = cpu_seconds_of(self.uid), time.perf_counter()

    def done(self) -> None:
        wall = time.perf_counter() - self.wall
        if wall > 0:
            self.student.cpu_cores = (cpu_seconds_of(self.uid) - self.cpu) / wall
        after = memory_of(self.uid)  # a setting whose chart layout is not shipped loads it
        self.student.vl_convert_after = after["vl_convert"]
        self.student.rss_after_mb = after["rss"]


# -- a simulated student: JupyterLab's protocols, no browser ---------------------------------
class Simulated:
    def __init__(self, hub: str, name: str, link: str):
        import requests

        self.hub, self.name, self.link = hub, name, link
        self.http = requests.Session()
        self.base = f"{hub}/user/{name}"

    def _cookie(self, name: str, path_prefix: str) -> str | None:
        for cookie in self.http.cookies:
            if (cookie.name == name and cookie.path != "/"
                    and path_prefix.startswith(cookie.path.rstrip("/"))):
                return cookie.value
        return next((c.value for c in self.http.cookies if c.name == name), None)

    def login_and_pull(self) -> None:
        page = self.http.get(f"{self.hub}/hub/login", timeout=60)
        page.raise_for_status()
        xsrf = self._cookie("_xsrf", "/hub/")
        link_path = urlsplit(self.link)
        target = link_path.path + "?" + link_path.query
        response = self.http.post(f"{self.hub}/hub/login?next={quote(target)}",
                                  data={"username": self.name, "password": "x",
                                        "_xsrf": xsrf}, timeout=300)
        response.raise_for_status()
        deadline = time.monotonic() + 600
        while True:  # until the server runs, its address leads to the hub's pending page
            page = self.http.get(f"{self.base}/lab", timeout=120)  # logs in to the server
            if page.ok and urlsplit(page.url).path.startswith(f"/user/{self.name}/"):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}'s server did not start ({page.status_code} "
                                   f"at {page.url})")
            time.sleep(1)
        query = urlsplit(self.link).query
        with self.http.get(f"{self.base}/git-pull/api?{query}", stream=True,
                           timeout=300) as stream:
            for raw in stream.iter_lines():
                line = raw.decode(errors="replace")
                if line.startswith("data:"):
                    event = json.loads(line[5:])
                    if event.get("phase") == "error":
                        raise RuntimeError(f"nbgitpuller: {event.get('message')}")
                    if event.get("phase") == "finished":
                        break

    def open_lesson(self):
        import websocket

        xsrf = self._cookie("_xsrf", f"/user/{self.name}/")
        headers = {"X-XSRFToken": xsrf} if xsrf else {}
        path = f"{FOLDER}/{LESSON}"
        notebook = self.http.get(f"{self.base}/api/contents/{quote(path)}", timeout=120).json()
        session = self.http.post(f"{self.base}/api/sessions", headers=headers, timeout=120,
                                 json={"path": path, "type": "notebook", "name": "",
                                       "kernel": {"name": "python3"}})
        session.raise_for_status()
        kernel = session.json()["kernel"]["id"]
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        url = (self.base.replace("http://", "ws://") + f"/api/kernels/{kernel}/channels"
               f"?session_id={uuid.uuid4().hex}")
        self.ws = websocket.create_connection(url, header=[f"Cookie: {cookies}"], timeout=300)
        self.session = uuid.uuid4().hex
        self.widgets: dict[str, dict] = {}  # comm id -> state
        return [c for c in notebook["content"]["cells"] if c["cell_type"] == "code"]

    def _send(self, channel: str, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": self.name, "session": self.session,
                       "msg_type": msg_type, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel,
            "buffers": []}))
        return msg_id

    def _until_idle(self, msg_id: str, want_chart: bool = False) -> float | None:
        """Read messages until the kernel is idle after ``msg_id``; return when the new
        chart arrived (seconds since now) if ``want_chart``."""
        started, chart_at = time.perf_counter(), None
        self.dates = {}  # the kernel's clock: when it took the message up, sent the chart
        while True:
            msg = json.loads(self.ws.recv())
            kind = msg.get("msg_type") or msg["header"]["msg_type"]
            content = msg.get("content", {})
            if kind == "comm_open":
                self.widgets[content["comm_id"]] = content.get("data", {}).get("state", {})
            parent = msg.get("parent_header", {}).get("msg_id")
            if parent != msg_id:
                continue
            if kind == "status" and content.get("execution_state") == "busy":
                self.dates.setdefault("busy", _epoch(msg["header"].get("date")))
            if (kind == "comm_msg" and chart_at is None
                    and "outputs" in content.get("data", {}).get("state", {})):
                chart_at = time.perf_counter() - started
                self.dates["chart"] = _epoch(msg["header"].get("date"))
                self.dates["received"] = time.time()
            if kind == "error":
                raise RuntimeError(f"{self.name}: {content.get('ename')}: "
                                   f"{content.get('evalue')}")
            if kind == "status" and content.get("execution_state") == "idle":
                if want_chart and chart_at is None:
                    raise RuntimeError(f"{self.name}: a change drew no new chart")
                return chart_at

    def run_lesson(self, cells) -> None:
        for cell in cells:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            msg_id = self._send("shell", "execute_request",
                                {"code": source, "silent": False, "store_history": True,
                                 "user_expressions": {}, "allow_stdin": False,
                                 "stop_on_error": True})
            self._until_idle(msg_id)

    def change(self, description: str, state: dict) -> dict:
        comm = next((cid for cid, s in self.widgets.items()
                     if s.get("description") == description
                     and s.get("_model_name") in ("DropdownModel", "IntRangeSliderModel",
                                                  "ToggleButtonsModel")), None)
        if comm is None:
            raise RuntimeError(f"{self.name}: no explorer control {description!r}")
        sent = time.time()
        msg_id = self._send("shell", "comm_msg", {"comm_id": comm, "data": {
            "method": "update", "state": state, "buffer_paths": []}})
        latency = self._until_idle(msg_id, want_chart=True)
        busy, chart, received = (self.dates.get(k) for k in ("busy", "chart", "received"))
        parts = {}
        if busy is not None and chart is not None:
            parts = {"waiting_s": busy - sent, "kernel_s": chart - busy,
                     "delivery_s": received - chart}
        return {"control": description, "latency_s": latency, **parts}

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            ws.close()


def simulated_student(student: Student, hub: str, link: str, changes: int,
                      think: tuple[float, float], rng: random.Random) -> None:
    sim = Simulated(hub, student.name, link)
    try:
        sim.login_and_pull()
        cells = sim.open_lesson()
        sim.run_lesson(cells)
        student.ready_s = time.perf_counter() - student.arrived
        _record_memory(student)
        exploring = Exploring(student)
        for i in range(changes):
            time.sleep(rng.uniform(*think))
            description, state = CHANGES[i % len(CHANGES)]
            at = time.perf_counter()
            traced = sim.change(description, state)
            student.latencies.append(traced["latency_s"])
            student.changes.append({"at": at, "nth": i + 1, **traced})
        exploring.done()
    finally:
        sim.close()


# -- a student in Chromium ---------------------------------------------------------------------
EXPLORER_SVG_JS = """
(index) => {
  const cells = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell');
  const svg = cells[index] && cells[index].querySelector('.vega-embed svg.marks');
  return svg ? svg.outerHTML : '';
}
"""
ALL_RAN_JS = """
() => {
  const prompts = Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt'))
    .map(e => e.textContent.trim());
  return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]/.test(p));
}
"""
KERNEL_IDLE_JS = """
() => {
  const bar = document.querySelector('#jp-main-statusbar');
  const name = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-KernelName, '
    + '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar-kernelName');
  return !!bar && /\\|\\s*Idle/.test(bar.innerText) && !!name
    && !/No Kernel/.test(name.textContent);
}
"""


def browser_student(student: Student, hub: str, link: str, changes: int,
                    think: tuple[float, float], rng: random.Random, explorer_index: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = chromium_settings()
        browser = playwright.chromium.launch(executable_path=str(chromium.CHROMIUM),
                                             headless=True, args=chromium.CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", lambda route: route.continue_()
                       if (urlsplit(route.request.url).hostname or "") in ("127.0.0.1",
                                                                           "localhost")
                       else route.abort())
            page.goto(f"{hub}/hub/login")
            page.fill("input[name=username]", student.name)
            page.fill("input[name=password]", "x")
            page.click("#login_submit")
            page.goto(link, timeout=300_000)
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=300_000)
            page.wait_for_function(KERNEL_IDLE_JS, timeout=300_000, polling=500)
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            page.wait_for_function(ALL_RAN_JS, timeout=600_000, polling=1000)
            page.wait_for_function(KERNEL_IDLE_JS, timeout=300_000, polling=500)
            cell = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").nth(
                explorer_index)
            cell.scroll_into_view_if_needed()
            page.wait_for_function(EXPLORER_SVG_JS, arg=explorer_index, timeout=300_000)
            student.ready_s = time.perf_counter() - student.arrived
            _record_memory(student)
            select = cell.locator(".widget-dropdown select").first
            options = select.locator("option").evaluate_all("os => os.map(o => o.value)")
            exploring = Exploring(student)
            for i in range(changes):
                time.sleep(rng.uniform(*think))
                before = page.evaluate(EXPLORER_SVG_JS, explorer_index)
                started = time.perf_counter()
                student.changes.append({"at": started, "nth": i + 1, "control": "dropdown"})
                select.select_option(options[(i + 1) % len(options)])
                page.wait_for_function(
                    f"(i) => {{ const s = ({EXPLORER_SVG_JS})(i); "
                    f"return s !== '' && s !== {json.dumps(before)}; }}",
                    arg=explorer_index, timeout=120_000, polling="raf")
                student.latencies.append(time.perf_counter() - started)
                student.changes[-1]["latency_s"] = student.latencies[-1]
            exploring.done()
        finally:
            browser.close()


def _record_memory(student: Student) -> None:
    import pwd

    found = memory_of(pwd.getpwnam(student.name).pw_uid)
    student.rss_mb, student.pss_mb = found["rss"], found["pss"]
    student.kernel_rss_mb, student.kernel_pss_mb = found["kernel_rss"], found["kernel_pss"]
    student.vl_convert = found["vl_convert"]


# -- one class size ------------------------------------------------------------------------------
def run_class(n: int, browsers: int, changes: int, think: tuple[float, float], ramp: float,
              seed: int) -> dict:
    from course.publish.hub import local
    from course.publish.hub.links import lesson_link
    from course.publish.hub.settings import default_prefix, load
    from course.publish.release import for_students, write_student_edition

    installed = load(default_prefix())
    work = Path(tempfile.mkdtemp(prefix="hubbench-"))
    work.chmod(0o755)
    names = local.student_names("hubbench", n)
    # The explorer's place among the cells students get (their edition has no notes cells).
    cells = for_students(json.loads((ROOT / LESSON).read_text(encoding="utf-8")))["cells"]
    explorer_index = next(i for i, c in enumerate(cells)
                          if "explorer" in c.get("metadata", {}).get("tags", []))
    students = [Student(name, browser=i < browsers) for i, name in enumerate(names)]
    hub = None
    try:
        write_student_edition(work / "edition")
        local.publish_edition(work / "edition", work / "repos" / "alliances-course.git")
        local.create_students(names, GROUP)
        with local.git_server(work / "repos") as git:
            repo = f"{git}/alliances-course.git"
            settings = local.run_settings(installed, work, names, repo, group=GROUP,
                                          start_timeout=600)
            hub = local.start_hub(settings, work / "hub")
            link = lesson_link(hub.url, repo, LESSON)
            threads = []
            for i, student in enumerate(students):
                rng = random.Random(seed * 1000 + i)
                delay = rng.uniform(0, ramp)

                def go(student=student, rng=rng, delay=delay):
                    time.sleep(delay)
                    student.arrived = time.perf_counter()
                    try:
                        if student.browser:
                            browser_student(student, hub.url, link, changes, think, rng,
                                            explorer_index)
                        else:
                            simulated_student(student, hub.url, link, changes, think, rng)
                    except Exception as error:  # noqa: BLE001 - reported per student
                        student.error = f"{type(error).__name__}: {error}"[:300]

                thread = threading.Thread(target=go, daemon=True)
                threads.append(thread)
            load_samples = []
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            while any(t.is_alive() for t in threads):
                load_samples.append(os.getloadavg()[0])
                time.sleep(5)
            left = local.stop_hub(hub, names)
            hub = None
            if left:
                print(f"  warning: killed processes left after the hub stopped: {left}")
    finally:
        if hub is not None:
            local.stop_hub(hub, names)
        local.remove_students(names, GROUP)
        local.clean_workdir(work)
    return summarise(n, students, load_samples, began)


def trace(students: list[Student], began: float) -> list[dict]:
    """Every change, in time order, with how many other students were still loading the
    lesson (logging in, pulling, starting a server, running lesson 01) when it was made."""
    loading = [(s.arrived, s.arrived + s.ready_s if s.ready_s is not None else float("inf"), s)
               for s in students if s.arrived]
    rows = []
    for student in students:
        for change in student.changes:
            if change.get("latency_s") is None:
                continue
            at = change["at"]
            others = sum(start <= at < end for start, end, other in loading
                         if other is not student)
            rows.append({"student": student.name, "browser": student.browser,
                         **{k: (round(v, 3) if isinstance(v, float) else v)
                            for k, v in change.items() if k != "at"},
                         "at_s": round(at - began, 1), "others_loading": others})
    return sorted(rows, key=lambda row: row["at_s"])


def tail_of(rows: list[dict], q: float = 0.95) -> dict:
    """What the slowest changes have in common: the simulated changes at or above the
    ``q`` percentile, how many were made while others loaded the lesson, which of the
    student's changes they were, and the median of their parts."""
    simulated = [r for r in rows if not r["browser"]]
    if not simulated:
        return {}
    cut = percentile([r["latency_s"] for r in simulated], q)
    slow = [r for r in simulated if r["latency_s"] >= cut]
    settled = [r["latency_s"] for r in simulated if r["others_loading"] == 0]
    parts = {name: _median([r[name] for r in slow if name in r])
             for name in ("waiting_s", "kernel_s", "delivery_s")}
    return {"threshold_s": cut, "count": len(slow),
            "while_others_loading": sum(r["others_loading"] > 0 for r in slow),
            "nth": sorted(r["nth"] for r in slow), "median_parts_s": parts,
            "settled_latency": {"median_s": _median(settled),
                                "p95_s": percentile(settled, q) if settled else None,
                                "count": len(settled)}}


def summarise(n: int, students: list[Student], load_samples: list[float],
              began: float = 0.0) -> dict:
    def stats(values):
        return {"median_s": statistics.median(values) if values else None,
                "p95_s": percentile(values, 0.95) if values else None, "count": len(values)}

    sim = [x for s in students if not s.browser for x in s.latencies]
    web = [x for s in students if s.browser for x in s.latencies]
    rss = [s.rss_mb for s in students if s.rss_mb]
    pss = [s.pss_mb for s in students if s.pss_mb]
    ready = [s.ready_s for s in students if s.ready_s]
    cpu = [s.cpu_cores for s in students if s.cpu_cores is not None]
    return {
        "students": n, "browsers": sum(s.browser for s in students),
        "errors": {s.name: s.error for s in students if s.error},
        "simulated_latency": stats(sim), "browser_latency": stats(web),
        "all_latency": stats(sim + web),
        "rss_mb": {"median": statistics.median(rss) if rss else None,
                   "max": max(rss) if rss else None},
        "pss_mb": {"median": statistics.median(pss) if pss else None,
                   "max": max(pss) if pss else None},
        "kernel_rss_mb": _median([s.kernel_rss_mb for s in students if s.rss_mb]),
        "kernel_pss_mb": _median([s.kernel_pss_mb for s in students if s.pss_mb]),
        "server_rss_mb": _median([s.rss_mb - s.kernel_rss_mb for s in students if s.rss_mb]),
        "server_pss_mb": _median([s.pss_mb - s.kernel_pss_mb for s in students if s.pss_mb]),
        "kernels_with_vl_convert": sum(s.vl_convert for s in students),
        "kernels_with_vl_convert_after_exploring": sum(s.vl_convert_after for s in students),
        "rss_after_exploring_mb": _median([s.rss_after_mb for s in students
                                           if s.rss_after_mb]),
        "cpu_cores_per_student": statistics.median(cpu) if cpu else None,
        "ready_s": {"median": statistics.median(ready) if ready else None,
                    "max": max(ready) if ready else None},
        "load_average": {"mean": statistics.fmean(load_samples) if load_samples else None,
                         "max": max(load_samples) if load_samples else None},
        "tail": tail_of(rows := trace(students, began)),
        "changes": rows,
    }


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _fmt(value, unit="", digits=2) -> str:
    return "—" if value is None else f"{value:.{digits}f}{unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[5, 10, 20])
    parser.add_argument("--browsers", type=int, default=2, help="students in Chromium")
    parser.add_argument("--changes", type=int, default=8, help="explorer changes each")
    parser.add_argument("--think", type=float, nargs=2, default=[5.0, 15.0],
                        metavar=("MIN", "MAX"), help="seconds between changes")
    parser.add_argument("--ramp", type=float, default=30.0,
                        help="students arrive within this many seconds")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    from course.publish.hub.settings import default_prefix

    if os.geteuid() != 0 or not (default_prefix() / "etc" / "hub.json").exists():
        print("bench_hub skipped: run it as root after `course hub install` (it makes Unix "
              "users and starts the installed hub)")
        return 0
    cores = os.cpu_count() or 1
    print(f"machine: {cores} cores, load average before: "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    results = []
    for n in args.students:
        began = time.perf_counter()
        summary = run_class(n, min(args.browsers, n), args.changes, tuple(args.think),
                            args.ramp, args.seed)
        summary["wall_s"] = time.perf_counter() - began
        results.append(summary)
        sim, web = summary["simulated_latency"], summary["browser_latency"]
        print(f"N={n:>3}: memory per student RSS median "
              f"{_fmt(summary['rss_mb']['median'], ' MB', 0)} "
              f"(max {_fmt(summary['rss_mb']['max'], ' MB', 0)}), PSS median "
              f"{_fmt(summary['pss_mb']['median'], ' MB', 0)}; explorer latency simulated "
              f"median {_fmt(sim['median_s'], ' s')} p95 {_fmt(sim['p95_s'], ' s')} "
              f"({sim['count']} changes), in Chromium median {_fmt(web['median_s'], ' s')} "
              f"p95 {_fmt(web['p95_s'], ' s')} ({web['count']}); lesson ready median "
              f"{_fmt(summary['ready_s']['median'], ' s', 0)} max "
              f"{_fmt(summary['ready_s']['max'], ' s', 0)}; CPU while exploring "
              f"{_fmt(summary['cpu_cores_per_student'], ' core', 3)} per student; "
              f"load average mean "
              f"{_fmt(summary['load_average']['mean'], '', 1)} max "
              f"{_fmt(summary['load_average']['max'], '', 1)}", flush=True)
        print(f"       of which the single-user server RSS "
              f"{_fmt(summary['server_rss_mb'], ' MB', 0)} PSS "
              f"{_fmt(summary['server_pss_mb'], ' MB', 0)}, the kernel RSS "
              f"{_fmt(summary['kernel_rss_mb'], ' MB', 0)} PSS "
              f"{_fmt(summary['kernel_pss_mb'], ' MB', 0)} (medians); kernels that loaded "
              f"vl-convert: {summary['kernels_with_vl_convert']} of {n} after lesson 01, "
              f"{summary['kernels_with_vl_convert_after_exploring']} after exploring "
              f"(RSS then {_fmt(summary['rss_after_exploring_mb'], ' MB', 0)})", flush=True)
        tail = summary["tail"]
        if tail:
            settled, parts = tail["settled_latency"], tail["median_parts_s"]
            print(f"       the slowest 5% of simulated changes (>= {tail['threshold_s']:.2f} s, "
                  f"{tail['count']}): {tail['while_others_loading']} made while other students "
                  f"were still loading the lesson; the student's change no. {tail['nth']}; "
                  f"median parts: waiting for the kernel {_fmt(parts['waiting_s'], ' s')}, "
                  f"the kernel's work {_fmt(parts['kernel_s'], ' s')}, delivery "
                  f"{_fmt(parts['delivery_s'], ' s')}. Changes made when no one else was "
                  f"loading: median {_fmt(settled['median_s'], ' s')} p95 "
                  f"{_fmt(settled['p95_s'], ' s')} ({settled['count']})", flush=True)
        for name, error in summary["errors"].items():
            print(f"       {name}: {error}")
    within = [r["students"] for r in results
              if r["all_latency"]["p95_s"] is not None and not r["errors"]
              and r["all_latency"]["p95_s"] <= TARGET_P95_S]
    rss = max((r["rss_mb"]["median"] for r in results if r["rss_mb"]["median"]), default=None)
    pss = max((r["pss_mb"]["median"] for r in results if r["pss_mb"]["median"]), default=None)
    best = max(within, default=None)
    demand = [r["cpu_cores_per_student"] for r in results if r["cpu_cores_per_student"]]
    if demand:
        per_core = 1 / statistics.median(demand)
        print(f"CPU demand: {statistics.median(demand):.3f} core per exploring student "
              f"-> at most {per_core:.0f} such students per fully used core")
    print(f"capacity: p95 <= {TARGET_P95_S:.0f} s up to N = {best if best else 'none tried'}"
          + (f" -> at least {best / cores:.1f} active students per core" if best else "")
          + f"; memory per student: RSS {_fmt(rss, ' MB', 0)}, PSS {_fmt(pss, ' MB', 0)}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "hub.json").write_text(json.dumps({
        "cores": cores, "args": vars(args), "results": results,
        "students_per_core_within_target": (best / cores) if best else None,
        "cpu_cores_per_student": statistics.median(demand) if demand else None,
        "rss_mb_per_student": rss, "pss_mb_per_student": pss}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
