"""C2 explorer: the pure view and the widget driven by setting control values."""

from __future__ import annotations

import pytest

from course.charts.base import MAX_SPEC_BYTES, chart_data, spec_bytes
from course.errors import InputError
from course.measures import alignment
from course.widgets.alignment import alignment_explorer, alignment_view


def test_view_numbers_come_from_the_measures():
    view = alignment_view(5, "any", 2, "1816–1913")
    eras = alignment.era_summary("any", 2, 5, polarity_measure=None).set_index("era")
    assert view.details["share_both"] == pytest.approx(eras.loc["1816–1913", "share_both"])
    assert view.details["share_both_cold_war"] == pytest.approx(
        eras.loc["1946–1989", "share_both"])
    assert f"{eras.loc['1816–1913', 'share_both']:.1%} of major-power dyad-years" in view.verdict
    assert view.details["more_than_cold_war"] is False
    assert "less competition-with-cooperation" in view.verdict


def test_window_widens_the_share():
    narrow = alignment_view(1, "any", 2, "1816–1913")
    wide = alignment_view(10, "any", 2, "1816–1913")
    assert wide.details["share_both"] > narrow.details["share_both"]
    assert "in the same year" in narrow.verdict and "10-year window" in wide.verdict


def test_obligation_and_threshold_change_the_numbers():
    base = alignment_view(5, "any", 2, "1946–1989")
    defence = alignment_view(5, "defense", 2, "1946–1989")
    war = alignment_view(5, "any", 5, "1946–1989")
    assert defence.details["share_both"] < base.details["share_both"]
    assert war.details["share_both"] < base.details["share_both"]
    assert base.details["compared_with"] == "1816–1913"
    assert base.details["more_than_cold_war"] is None


def test_turnover_verdict_depends_on_the_obligation_type():
    anyk = alignment_view(5, "any", 2, "1816–1913")
    defence = alignment_view(5, "defense", 2, "1816–1913")
    assert anyk.details["more_turnover"] is False   # 0.48 vs 0.50 changes per dyad-decade
    assert defence.details["more_turnover"] is True  # 0.25 vs 0.14


def test_chart_highlights_the_chosen_era():
    view = alignment_view(5, "any", 2, "1919–1939")
    rows = chart_data(view.chart)
    chosen = {r["era"] for r in rows if r["chosen"]}
    assert chosen == {"1919–1939"}
    assert spec_bytes(view.chart) < MAX_SPEC_BYTES


def test_unknown_era_is_an_input_error():
    with pytest.raises(InputError, match="unknown era"):
        alignment_view(5, "any", 2, "1700–1800")


def test_explorer_recomputes_when_controls_change():
    explorer = alignment_explorer()
    before = explorer.current.details["share_both"]
    explorer.controls["window"].value = 1
    assert explorer.current.details["share_both"] < before
    explorer.controls["obligation"].value = "nonagg"
    assert "non-aggression pacts" in explorer.verdict_html.value
    explorer.controls["threshold"].value = 4
    assert "'use of force' or worse" in explorer.current.verdict
    explorer.controls["era"].value = "1990–2018"
    assert {r["era"] for r in chart_data(explorer.current.chart) if r["chosen"]} == {"1990–2018"}


def test_benchmark_finds_and_drives_the_explorers():
    import importlib.util

    from course.paths import PROJECT_ROOT

    spec = importlib.util.spec_from_file_location(
        "bench_widgets", PROJECT_ROOT / "benchmarks" / "bench_widgets.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    names = {name for name, _ in bench.explorer_factories("alignment")}
    assert names == {"alignment.alignment_explorer"}
    explorer = alignment_explorer()
    assert bench.candidate_values(explorer.controls["window"]) == [1, 10]
    era_values = bench.candidate_values(explorer.controls["era"])
    assert len(era_values) == 3 and "1816–1913" not in era_values
    result = bench.time_explorer(alignment_explorer)
    assert result["changes"] > 0 and result["errors"] == 0 and result["median"] > 0


def test_which_treaties_count_changes_the_turnover_verdict():
    every = alignment_view(5, "any", 2, "1816–1913", pacts="all")
    military = alignment_view(5, "any", 2, "1816–1913", pacts="military")
    bilateral = alignment_view(5, "any", 2, "1816–1913", pacts="bilateral")
    assert every.details["more_turnover"] is False
    assert military.details["more_turnover"] is True and bilateral.details["more_turnover"]
    assert military.details["changes_per_dd_cold_war"] == pytest.approx(0.165, abs=5e-4)
    assert ("without the multilateral non-military pacts (such as Laos 1962 and Helsinki "
            "1975) the figures are 3.7% and 0.44 in 1816–1913, against 12.7% and 0.17 in "
            "1946–1989") in every.verdict
    assert "(bilateral pacts only)" in bilateral.verdict
    with pytest.raises(InputError, match="unknown rule"):
        alignment_view(5, "any", 2, "1816–1913", pacts="some")


def test_explorer_has_a_treaties_control():
    explorer = alignment_explorer()
    explorer.controls["pacts"].value = "bilateral"
    assert explorer.current.details["pacts"] == "bilateral"
    assert "bilateral pacts only" in explorer.verdict_html.value


def test_menu_labels_keep_their_acronyms():
    from course.widgets.alignment import alignment_explorer

    labels = [label for label, _ in alignment_explorer().controls["pacts"].options]
    assert labels[0] == "Every ATOP alliance"
