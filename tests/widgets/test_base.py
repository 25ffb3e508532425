"""The Explorer shell: the chart lives in the Output widget's state, set in one step.

Also what a student sees when changes come fast or wrong: a bad setting keeps the last
chart (dimmed) beside the message; changes queued while the kernel draws are merged into
one redraw of the latest setting, with the chart marked busy meanwhile; and a change that
keeps the chart's layout never draws the chart offline to measure it.
"""

from __future__ import annotations

import asyncio
import time

import altair as alt
import ipywidgets as widgets
import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from course.charts import base as chart_base
from course.charts.base import finish
from course.errors import InputError
from course.widgets import base
from course.widgets.base import Explorer, View

VEGALITE = "application/vnd.vegalite.v5+json"


def _line_view(n: int) -> View:
    if n < 2:
        raise InputError("pick at least 2 points")
    data = pd.DataFrame({"x": range(n), "y": [i * i for i in range(n)]})
    chart = finish(alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q"),
                   title="Squares", description=f"Squares of 0 to {n - 1}.")
    return View(chart=chart, verdict=f"{n} points")


@pytest.fixture
def shell():
    """An in-process IPython shell, so the explorer draws as it would in a kernel."""
    instance = InteractiveShell.instance()
    previous = alt.renderers.active
    alt.renderers.enable("mimetype")  # what course.setup() selects in a lesson
    yield instance
    alt.renderers.enable(previous)
    InteractiveShell.clear_instance()


def test_the_chart_is_the_output_widgets_state_and_follows_the_controls(shell):
    slider = widgets.IntSlider(value=3, min=0, max=10)
    explorer = Explorer(_line_view, {"n": slider})
    (first,) = explorer.chart_output.outputs
    assert first["output_type"] == "display_data"
    assert first["data"][VEGALITE]["description"] == "Squares of 0 to 2."
    slider.value = 6
    (second,) = explorer.chart_output.outputs
    assert second["data"][VEGALITE]["description"] == "Squares of 0 to 5."


def test_a_bad_setting_keeps_the_last_chart_dimmed_beside_the_message(shell):
    slider = widgets.IntSlider(value=3, min=0, max=10)
    explorer = Explorer(_line_view, {"n": slider})
    slider.value = 5
    (drawn,) = explorer.chart_output.outputs
    slider.value = 1
    assert explorer.chart_output.outputs == (drawn,)  # still the chart for n = 5
    assert "course-explorer-stale" in explorer.chart_output._dom_classes
    assert "pick at least 2 points" in explorer.verdict_html.value
    assert "dimmed chart is the last one" in explorer.verdict_html.value
    assert explorer.current is None and explorer.error == "pick at least 2 points"
    slider.value = 4
    assert len(explorer.chart_output.outputs) == 1 and explorer.error is None
    assert "course-explorer-stale" not in explorer.chart_output._dom_classes
    assert explorer.chart_output.outputs[0]["data"][VEGALITE]["description"] == (
        "Squares of 0 to 3.")


def test_with_no_chart_yet_the_message_does_not_speak_of_one(shell):
    explorer = Explorer(_line_view, {"n": widgets.IntSlider(value=1, min=0, max=10)})
    assert explorer.chart_output.outputs == ()
    assert "dimmed" not in explorer.verdict_html.value


def _slow_view(calls, seconds):
    def view(n: int) -> View:
        calls.append(n)
        time.sleep(seconds)
        return _line_view(n)
    return view


def test_changes_queued_while_drawing_are_merged_into_the_latest(shell):
    """A burst of slider values reaching the kernel while it draws: two redraws, not 12."""
    calls: list[int] = []
    slider = widgets.IntSlider(value=3, min=0, max=20)

    async def burst():
        explorer = Explorer(_slow_view(calls, 0.1), {"n": slider})
        await asyncio.sleep(2 * base.MERGE_WITHIN_S)  # idle: the next change draws at once
        busy = []
        loop = asyncio.get_running_loop()
        # Twelve messages waiting in the kernel's queue, handled one after the other.
        for n in range(4, 16):
            loop.call_soon(setattr, slider, "value", n)
        loop.call_soon(lambda: busy.append(
            "course-explorer-busy" in explorer.chart_output._dom_classes))
        await asyncio.sleep(0.1 + 0.2 + 4 * base.MERGE_WITHIN_S)
        return explorer, busy

    explorer, busy = asyncio.run(burst())
    assert calls == [3, 4, 15]  # the first of the burst was alone when it came; then the last
    assert busy == [True]  # marked busy while the merged redraw waited
    assert "course-explorer-busy" not in explorer.chart_output._dom_classes
    assert explorer.chart_output.outputs[0]["data"][VEGALITE]["description"] == (
        "Squares of 0 to 14.")


def test_code_that_reads_the_view_gets_the_controls_present_values(shell):
    calls: list[int] = []
    slider = widgets.IntSlider(value=3, min=0, max=20)

    async def cell():
        explorer = Explorer(_slow_view(calls, 0), {"n": slider})
        slider.value = 7  # right after the first drawing: merged, waiting
        slider.value = 8
        return explorer.current.verdict, list(calls)

    verdict, seen = asyncio.run(cell())
    assert verdict == "8 points" and seen == [3, 8]


def test_a_change_that_keeps_the_layout_draws_nothing_offline(shell, monkeypatch):
    drawn = []
    real = chart_base.drawn_size
    monkeypatch.setattr(chart_base, "drawn_size", lambda spec: drawn.append(1) or real(spec))
    slider = widgets.IntSlider(value=3, min=0, max=10)
    explorer = Explorer(_line_view, {"n": slider})
    first = len(drawn)
    for n in (4, 5, 6, 7, 4):
        slider.value = n
    assert len(explorer.chart_output.outputs) == 1
    assert len(drawn) == first, f"{len(drawn) - first} offline drawings for 5 changes"


def test_work_for_later_visits_is_done_while_the_explorer_is_idle(shell):
    """Each piece of work runs only once the explorers have been left alone for
    WARM_AFTER_S — measured when it runs, not guessed from fixed sleeps (on a busy machine
    the event loop can wake late with the work and the test both due) — and all of it
    runs once the student stops."""
    ran: list[tuple[str, float]] = []  # (piece, seconds the explorers had been idle)
    slider = widgets.IntSlider(value=3, min=0, max=20)
    explorers: list[Explorer] = []

    def piece(name):
        def work():
            idle = time.monotonic() - max(explorers[0]._drawn_at, base._last_activity)
            ran.append((name, idle))
        return work

    async def session():
        explorers.append(Explorer(_line_view, {"n": slider}, warm=[piece("a"), piece("b")]))
        for value in range(4, 12):  # the student moves the slider, a change every 0.1 s
            await asyncio.sleep(base.WARM_AFTER_S / 3)
            slider.value = value
        for _ in range(400):  # then leaves it: up to 20 s on a busy machine
            if len(ran) == 2:
                break
            await asyncio.sleep(0.05)

    asyncio.run(session())
    assert [name for name, _ in ran] == ["a", "b"]
    busy = [(name, round(idle, 3)) for name, idle in ran if idle < base.WARM_AFTER_S]
    assert not busy, f"work ran while the explorer was in use: {busy}"


def test_in_plain_python_the_work_for_later_is_left_alone():
    done: list[str] = []
    Explorer(_line_view, {"n": widgets.IntSlider(value=3, min=0, max=20)},
             warm=[lambda: done.append("a")])
    time.sleep(base.WARM_AFTER_S + 0.1)
    assert done == []


def test_the_nato_explorer_computes_its_other_measures_while_idle(monkeypatch):
    from course.widgets import burden

    computed = []
    real = burden._series
    monkeypatch.setattr(burden, "_series",
                        lambda key, tables_id, without=False: computed.append((key, without))
                        or real(key, tables_id, without))

    async def session():
        burden.nato_explorer()
        for _ in range(400):  # up to 20 s on a busy machine
            await asyncio.sleep(0.05)
            if len({key for key, _ in computed}) == len(burden.NATO_MEASURES):
                break

    asyncio.run(session())
    keys = {key for key, _ in computed}
    assert keys == set(burden.NATO_MEASURES.values())
    assert ("correlation", True) in computed


def test_the_work_for_later_waits_while_another_explorer_is_used(shell):
    done: list[str] = []
    other = widgets.IntSlider(value=3, min=0, max=40)

    async def session():
        Explorer(_line_view, {"n": widgets.IntSlider(value=3, min=0, max=20)},
                 warm=[lambda: done.append("a")])
        Explorer(_line_view, {"n": other})
        for n in range(4, 4 + int(3 * base.WARM_AFTER_S / 0.2)):  # a student at work
            other.value = n
            await asyncio.sleep(0.2)
        busy_while_used = list(done)
        await asyncio.sleep(base.WARM_AFTER_S + 0.3)
        return busy_while_used

    assert asyncio.run(session()) == []
    assert done == ["a"]
