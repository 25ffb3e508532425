"""The guide's sizing table and the Kubernetes values come from the same measured figures."""

from __future__ import annotations

import pytest

from course.paths import PROJECT_ROOT
from course.publish.hub import sizing


@pytest.mark.needs("solutions")  # INSTRUCTORS.md is the instructors' guide
def test_instructors_guide_shows_the_table_sizing_computes():
    guide = (PROJECT_ROOT / "INSTRUCTORS.md").read_text(encoding="utf-8")
    assert sizing.guide_table() in guide, (
        "INSTRUCTORS.md's sizing table differs from course/publish/hub/sizing.py: paste "
        "`python -c 'from course.publish.hub import sizing; print(sizing.guide_table())'`")


@pytest.mark.parametrize("students", [1, 7, 30, 300])
def test_a_plan_has_room_for_every_student(students):
    plan = sizing.plan_for(students)
    assert plan.cores * sizing.MEASURED["students_per_core"] >= students
    assert plan.memory_gb * 1024 >= students * sizing.MEASURED["rss_mb_per_student"]
