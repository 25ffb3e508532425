"""How big a hub a class needs, from what ``benchmarks/bench_hub.py`` measured.

The figures below are copied from the benchmark's output (its ``--json`` file records the
machine, the load average and every run); INSTRUCTORS.md's sizing table and the
Kubernetes values (:mod:`course.publish.hub.kubernetes`) are derived from them by the functions
here, so the three never disagree. Re-measure on a quiet machine and update
:data:`MEASURED` (and INSTRUCTORS.md's table, which a test compares).

Examples
--------
>>> plan = plan_for(30)
>>> plan.cores >= 1 and plan.memory_gb > 0
True
>>> memory_request_mb() >= MEASURED["rss_mb_per_student"]
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: benchmarks/bench_hub.py on the project's 2-core, 24 GB machine, quiet (load average
#: 1.0 before), N = 10, 20 and 30 students at once, 2 of them in Chromium: with the chart
#: layouts shipped (no kernel loaded vl-convert, after lesson 01 or after exploring) and
#: jsonschema held below 4.24. The explorer's p95 stayed within 1 s up to N = 30 (15
#: students per core): 0.25, 0.40 and 0.65 s for the simulated students, 0.22, 0.21 and
#: 0.24 s in Chromium. The plan keeps 14 per core, a little below what was shown.
MEASURED = {
    "rss_mb_per_student": 270.0,  # resident memory, server + kernel, after lesson 01 (median)
    "pss_mb_per_student": 218.0,  # the same with shared pages divided among the processes
    "cpu_cores_per_student": 0.005,  # CPU while exploring, a change every 5-15 s
    # Exploring students per core at an explorer p95 <= 1 s: 15 shown (N = 30 on 2 cores,
    # p95 0.65 s), 14 planned. What limits it is the start of a session, when every
    # student runs the lesson at once (about 10 s of CPU each): the slowest 5% of changes
    # were all made while others were still running theirs.
    "students_per_core": 14.0,
    "load_average": 8.4,  # mean 1-min load average during the N = 30 run (students' own)
}
#: Headroom over the measured memory for a class (other lessons, longer sessions).
MEMORY_HEADROOM = 1.25
#: What the hub itself, the proxy and the system take, besides the students.
BASE_MEMORY_GB = 1.0
#: A student's server is stopped above this (Kubernetes limit): a runaway cell, not a lesson.
MEMORY_LIMIT_MB = 2048


@dataclass(frozen=True)
class Plan:
    """A machine for ``students`` active students."""

    students: int
    cores: int
    memory_gb: float


def memory_request_mb() -> int:
    """Memory to reserve per student (the measured resident memory plus headroom),
    rounded up to 50 MB."""
    need = MEASURED["rss_mb_per_student"] * MEMORY_HEADROOM
    return int(math.ceil(need / 50.0) * 50)


def cpu_request() -> float:
    """Cores to reserve per active student, to two decimals."""
    return round(1.0 / MEASURED["students_per_core"], 2)


def plan_for(students: int) -> Plan:
    """Cores and memory for ``students`` working at once (lesson 01's explorer at p95 ≤ 1 s)."""
    if students < 1:
        raise ValueError("students must be at least 1")
    # Two cores at least: the hub and proxy, and the burst when a class runs a lesson at once.
    cores = max(2, math.ceil(students / MEASURED["students_per_core"]))
    memory = BASE_MEMORY_GB + students * memory_request_mb() / 1024
    return Plan(students, cores, round(memory, 1))


#: Class sizes the guide's table shows.
GUIDE_SIZES = (10, 30, 60, 100, 300)


def guide_table(sizes: tuple[int, ...] = GUIDE_SIZES) -> str:
    """The sizing table of INSTRUCTORS.md, as Markdown (a test compares the two)."""
    lines = [f"Per active student: {cpu_request():.2f} core "
             f"({MEASURED['students_per_core']:g} students per core) and "
             f"{memory_request_mb()} MB ({MEASURED['rss_mb_per_student']:.0f} MB measured, "
             f"plus {MEMORY_HEADROOM - 1:.0%}); plus {BASE_MEMORY_GB:g} GB for the hub and "
             "the system.",
             "",
             "| students working at once | cores | memory |",
             "|---|---|---|"]
    for n in sizes:
        plan = plan_for(n)
        lines.append(f"| {n} | {plan.cores} | {plan.memory_gb:g} GB |")
    return "\n".join(lines) + "\n"
