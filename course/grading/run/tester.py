"""Read a finished run's answers and test them — in a worker that cannot take the grader down.

The student's code never runs here, but its *answers* do arrive here, and an answer can
be built to be expensive: a table that makes a test slow, a payload that decodes into
something large. So reading a run's messages (through :mod:`course.grading.untrusted`),
decoding its answers and running the problem set's tests all happen in a worker process
forked from the grader, with

* a memory limit (``RLIMIT_AS``: what it had at start plus :attr:`TestLimits.memory_mb`),
* a wall-clock limit per submission (:attr:`TestLimits.time_s`): past it, the worker is
  killed and the submission gets the status ``tests_timeout``,
* no descriptor of the grader's but its own two pipes, and death when the grader dies.

The worker is warm and long-lived: it is forked once, after the tests are loaded, and
keeps the course tables and the references its tests computed (see
:func:`course.grading.testing.load_tests`) from one submission to the next. It is
replaced by a fresh one when it dies, times out, or has grown by more than
:attr:`TestLimits.recycle_mb`; a submission that broke a worker which had already
graded others is tried once more in a fresh worker before it is blamed.

What the worker sends back is checked again here: only the test names the grader
knows, a pass/fail flag and a message of bounded length. Points and weights come from
the grader's own copy of the problem set, never from the worker.

Examples
--------
>>> TestLimits().time_s
30.0
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from course.grading import testing, untrusted
from course.grading.untrusted import RunResult

__all__ = ["Checked", "TestLimits", "Tester", "check_run"]

_MAX_REPLY = 4_000_000
_MAX_MESSAGE = 1_000


@dataclass
class TestLimits:
    """Limits on testing one submission's answers (the grader's side)."""

    __test__ = False  # not a pytest test class

    time_s: float = 30.0
    memory_mb: int = 2048
    recycle_mb: int = 512


@dataclass
class Checked:
    """A finished run, read and tested: all plain values the grader checked itself."""

    run: RunResult
    results: list[testing.TestResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # answers that did not decode
    status: str = ""  # set when the tests themselves could not finish
    message: str = ""
    seconds: float = 0.0  # spent reading, decoding and testing (in the worker)


# --------------------------------------------------------------------------- the work


def _blocked(tests: list[Callable], qid: str, message: str) -> list[testing.TestResult]:
    out = []
    for test in tests:
        info = testing.info_of(test)
        if info and info.question == qid:
            out.append(testing.TestResult(test.__name__, qid, info.hidden, info.weight, False,
                                          message))
    return out


def check_run(jobdir: str, tests: list[Callable], required: dict[str, list[str]]) -> Checked:
    """Read a finished job and run every test on its answers (in this process)."""
    started = time.perf_counter()
    run = untrusted.read_run(jobdir, required)
    checked = Checked(run)
    cell_error = {}
    for error in run.cell_errors:
        if error["question"] and error["question"] not in cell_error:
            cell_error[error["question"]] = error["error"]
    for qid, names in required.items():
        sent = run.answers.get(qid)
        if sent is None:
            reason = run.message or "its answer cell did not run"
            checked.results.extend(_blocked(tests, qid, f"not graded: {reason}"))
            continue
        decoded, problems = untrusted.decode_answers(sent, names)
        checked.problems.extend(f"{qid} {p}" for p in problems)
        missing = [n for n in names if n not in decoded]
        if qid in cell_error and missing:
            # Say what really happened, not only "`x` is not defined".
            checked.results.extend(_blocked(
                tests, qid, f"`{missing[0]}` is not defined because your answer cell raised "
                            f"an error: {cell_error[qid]}"))
            continue
        checked.results.extend(testing.run_tests(tests, decoded, questions=[qid],
                                                 required={qid: names}))
        del decoded
    checked.seconds = time.perf_counter() - started
    return checked


def _reply(checked: Checked) -> dict:
    run = asdict(checked.run)
    run.pop("answers", None)
    return {"run": run, "problems": checked.problems, "seconds": checked.seconds,
            "results": [{"name": r.name, "passed": r.passed, "message": r.message}
                        for r in checked.results]}


def _read_reply(data: bytes, tests: list[Callable], required: dict[str, list[str]]
                ) -> Checked | None:
    """Check what a worker sent back; ``None`` if it is not a well-formed reply."""
    reply = untrusted.bounded_json(data, max_bytes=_MAX_REPLY, max_depth=8,
                                   max_items=200_000, what="the tester's reply")
    if type(reply) is not dict or type(reply.get("run")) is not dict \
            or type(reply.get("results")) is not list:
        return None
    raw = reply["run"]
    run = RunResult(status=untrusted.clean_text(raw.get("status"), 40) or "failed",
                    message=untrusted.clean_text(raw.get("message"), 4000))
    errors = raw.get("cell_errors") if type(raw.get("cell_errors")) is list else []
    for error in errors[: untrusted.MAX_CELL_ERRORS]:
        if type(error) is dict:
            qid = error.get("question")
            run.cell_errors.append({
                "cell": error["cell"] if type(error.get("cell")) is int else None,
                "question": qid if type(qid) is str and qid in required else None,
                "error": untrusted.clean_text(error.get("error"), untrusted.MAX_ERROR_CHARS)})
    found = raw.get("answer_cells_found")
    run.answer_cells_found = [q for q in found if type(q) is str and q in required] \
        if type(found) is list else []
    for name in ("last_cell", "n_cells", "output_bytes", "errors_dropped"):
        value = raw.get(name)
        setattr(run, name, value if type(value) is int and value >= 0 else
                (None if name in ("last_cell", "n_cells") else 0))
    run.wall_s = float(raw["wall_s"]) if type(raw.get("wall_s")) in (int, float) else 0.0
    run.output = untrusted.clean_text(raw.get("output"), untrusted.MAX_OUTPUT_CHARS)
    containment = raw.get("containment")
    run.containment = containment if containment in (
        "namespace", "userns", "none", "process") else "none"
    refused = raw.get("refused") if type(raw.get("refused")) is list else []
    run.refused = [untrusted.clean_text(r, 300) for r in refused[:20]]
    known = {t.__name__: testing.info_of(t) for t in tests}
    results = []
    for item in reply["results"]:
        if type(item) is not dict or item.get("name") not in known \
                or type(item.get("passed")) is not bool:
            return None
        info = known[item["name"]]
        if info.question not in required:
            return None
        results.append(testing.TestResult(
            item["name"], info.question, info.hidden, info.weight, item["passed"],
            untrusted.clean_text(item.get("message"), _MAX_MESSAGE)))
    problems = reply.get("problems") if type(reply.get("problems")) is list else []
    seconds = reply.get("seconds")
    return Checked(run, results, [untrusted.clean_text(p, 400) for p in problems[:20]],
                   seconds=float(seconds) if type(seconds) in (int, float) else 0.0)


# --------------------------------------------------------------------------- the worker


def _vsize() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _rss() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _worker(requests: int, replies: int, tests: list[Callable],
            required: dict[str, list[str]], limits: TestLimits, parent: int) -> None:
    """The worker's loop: one request line in, one reply line out. Never returns."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grader answers Ctrl-C
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        with contextlib.suppress(ValueError):
            signal.set_wakeup_fd(-1)
        low = 3  # nothing of the grader's: no zygote pipe, no gradebook, no lock
        for fd in sorted({requests, replies}):
            os.closerange(low, fd)
            low = fd + 1
        os.closerange(low, 1 << 20)
        with contextlib.suppress(Exception):
            from course.grading import sandbox

            sandbox.signal_on_parent_death(signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(0)
        with contextlib.suppress(Exception):
            import resource

            limit = _vsize() + limits.memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        start_rss = _rss()
        buffer = b""
        while True:
            chunk = os.read(requests, 1 << 16)
            if not chunk:
                break
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                request = json.loads(line)
                try:
                    payload = _reply(check_run(request["jobdir"], tests, required))
                except MemoryError:
                    payload = {"error": "memory"}
                except Exception as error:  # noqa: BLE001 - reported as this submission's
                    payload = {"error": f"{type(error).__name__}: {str(error)[:300]}"}
                grown = _rss() - start_rss > limits.recycle_mb * 1024 * 1024
                payload["recycle"] = grown
                data = (json.dumps(payload, allow_nan=False) + "\n").encode()
                view = memoryview(data)
                while view:
                    view = view[os.write(replies, view):]
                if grown:
                    os._exit(0)
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)


class Tester:
    """A warm, limited worker process that tests finished runs; use as a context manager.

    :meth:`start` queues a finished job; :meth:`collect` returns the jobs tested so far
    (``select`` on :meth:`fileno` to wait for one); :meth:`check` does both for one job.
    Tests of one submission thus run while the next submissions run in the sandbox.

    Where there is no ``fork`` (Windows), the tests run in this process instead, without
    these limits — as ``course submit`` does on a student's own laptop.
    """

    __test__ = False  # not a pytest test class

    def __init__(self, tests: list[Callable], required: dict[str, list[str]],
                 limits: TestLimits | None = None) -> None:
        self.tests = list(tests)
        self.required = {q: list(v) for q, v in required.items()}
        self.limits = limits or TestLimits()
        self._pid: int | None = None
        self._send: int | None = None
        self._recv: int | None = None
        self._buffer = b""
        self._served = 0
        self._queue: list[tuple[Any, str, bool]] = []  # (key, jobdir, is a retry)
        self._current: tuple[Any, str, bool, bool, float] | None = None
        self._done: list[tuple[Any, Checked]] = []
        self.restarts = 0

    def __enter__(self) -> Tester:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the worker

    def _spawn(self) -> None:
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            os.close(req_w)
            os.close(rep_r)
            _worker(req_r, rep_w, self.tests, self.required, self.limits, parent)
        os.close(req_r)
        os.close(rep_w)
        self._pid, self._send, self._recv = pid, req_w, rep_r
        self._buffer = b""
        self._served = 0

    def _stop_worker(self) -> None:
        if self._pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(self._pid, 0)
        for fd in (self._send, self._recv):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._pid = self._send = self._recv = None

    def close(self) -> None:
        """Stop the worker (at once: nothing it holds needs saving) and forget the queue."""
        self._stop_worker()
        self._queue.clear()
        self._current = None

    # ------------------------------------------------------------------ jobs

    @property
    def busy(self) -> bool:
        return bool(self._queue or self._current)

    def fileno(self) -> int:
        """The worker's reply pipe (``-1`` when nothing is being tested)."""
        return self._recv if self._current is not None and self._recv is not None else -1

    def time_left(self) -> float | None:
        """Seconds until the submission being tested runs out of time (``None``: idle)."""
        if self._current is None:
            return None
        return max(0.0, self._current[4] - time.monotonic())

    def start(self, key: Any, jobdir: str) -> None:
        """Queue the finished job in ``jobdir`` for testing; :meth:`collect` gives it back."""
        if not hasattr(os, "fork"):
            self._done.append((key, check_run(jobdir, self.tests, self.required)))
            return
        self._queue.append((key, str(jobdir), False))
        self._next()

    def _next(self) -> None:
        while self._current is None and self._queue:
            key, jobdir, retry = self._queue.pop(0)
            if self._pid is None:
                self._spawn()
            fresh = self._served == 0
            self._served += 1
            try:
                os.write(self._send, (json.dumps({"jobdir": jobdir}) + "\n").encode())
            except OSError:
                self._stop_worker()
                self._finish(key, jobdir, retry, fresh, self._failed(
                    "tests_crashed", "the tester stopped before it could start"))
                continue
            self._current = (key, jobdir, retry, fresh,
                             time.monotonic() + self.limits.time_s)

    def _finish(self, key: Any, jobdir: str, retry: bool, fresh: bool,
                outcome: Checked) -> None:
        if outcome.status and not fresh and not retry:
            # The worker had tested others first: try once more in a fresh one, so the
            # blame is fair.
            self._stop_worker()
            self.restarts += 1
            self._queue.insert(0, (key, jobdir, True))
        else:
            self._done.append((key, outcome))

    def collect(self, timeout: float = 0.0) -> list[tuple[Any, Checked]]:
        """Jobs tested so far, as ``[(key, checked)]``; waits up to ``timeout`` s for one."""
        until = time.monotonic() + timeout
        while not self._done and self._current is not None:
            key, jobdir, retry, fresh, deadline = self._current
            left = min(deadline, until) - time.monotonic()
            ready = select.select([self._recv], [], [], max(0.0, left))[0]
            if not ready:
                if time.monotonic() >= deadline:
                    self._current = None
                    self._stop_worker()
                    self._finish(key, jobdir, retry, fresh, self._failed(
                        "tests_timeout", f"the tests on these answers took longer than "
                        f"{self.limits.time_s:g} s and were stopped (an answer far larger "
                        "or stranger than the question asks for?)"))
                    self._next()
                    continue
                break  # the caller's timeout
            chunk = os.read(self._recv, 1 << 16)
            if not chunk or len(self._buffer) > _MAX_REPLY:
                self._current = None
                self._stop_worker()
                self._finish(key, jobdir, retry, fresh, self._failed(
                    "tests_crashed", "the tests on these answers crashed (out of memory, or "
                    "an answer the tests cannot handle)"))
                self._next()
                continue
            self._buffer += chunk
            if b"\n" in self._buffer:
                line, self._buffer = self._buffer.split(b"\n", 1)
                self._current = None
                self._finish(key, jobdir, retry, fresh, self._outcome(line))
                self._next()
        done, self._done = self._done, []
        return done

    def check(self, jobdir: str) -> Checked:
        """Read and test the finished job in ``jobdir`` (and wait for it)."""
        marker = object()
        self.start(marker, jobdir)
        while True:
            for key, outcome in self.collect(timeout=3600):
                if key is marker:
                    return outcome

    def _outcome(self, line: bytes) -> Checked:
        reply = untrusted.bounded_json(line, max_bytes=_MAX_REPLY, max_depth=8,
                                       max_items=200_000, what="the tester's reply")
        if type(reply) is dict and reply.get("recycle"):
            self._stop_worker()  # it exits by itself; the next submission gets a fresh one
        if type(reply) is dict and "error" in reply:
            if reply["error"] == "memory":
                return self._failed("tests_memory", "testing these answers needed more than "
                                    f"{self.limits.memory_mb} MB and was stopped")
            return self._failed("grader_error", "the grader failed on this submission: "
                                + untrusted.clean_text(reply["error"], 400))
        checked = _read_reply(line, self.tests, self.required)
        if checked is None:
            return self._failed("tests_crashed", "the tester sent back a malformed reply")
        return checked

    def _failed(self, status: str, message: str) -> Checked:
        return Checked(RunResult(status="failed", message=message), status=status,
                       message=message)
