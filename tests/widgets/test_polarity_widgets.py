"""C1 explorer: the pure view and the widget driven by setting control values."""

from __future__ import annotations

import pytest

from course.charts.base import MAX_SPEC_BYTES, chart_data, describe, spec_bytes
from course.errors import InputError
from course.measures import polarity
from course.widgets.polarity import polarity_explorer, polarity_view


def test_view_numbers_come_from_the_measures():
    view = polarity_view("cinc", (1990, 2016), "major", 0.1)
    summary = polarity.summarize(polarity.polarity_by_year("cinc", 1990, 2016))
    assert view.verdict.startswith(
        f"By CINC, 1990–2016 has {summary['mean_eff_poles']:.1f} effective poles")
    assert view.details["leader_last"] == summary["last_year"]["leader"] == "CHN"
    assert view.details["us_led"] is False
    assert "not 'multipolar, but still U.S. led'" in view.verdict


def test_verdict_flips_with_the_measure():
    cinc = polarity_view("cinc", (1990, 2016))
    milex = polarity_view("milex", (1990, 2016))
    assert cinc.details["leader_last"] == "CHN"
    assert milex.details["leader_last"] == "USA"
    assert milex.details["mean_eff_poles"] < cinc.details["mean_eff_poles"]


def test_threshold_changes_the_number_of_poles():
    low = polarity_view("gdp", (2000, 2018), "major", 0.05)
    high = polarity_view("gdp", (2000, 2018), "major", 0.25)
    assert low.details["n_poles_last"] > high.details["n_poles_last"]
    series = low.table.set_index("year")
    shares = polarity.capability_shares("gdp", 2018, 2018)
    assert series.loc[2018, "n_poles"] == (shares["share"] >= 0.05).sum()


def test_missing_years_are_reported_in_the_verdict():
    view = polarity_view("gdp", (1900, 1930))
    assert view.details["years_with_data"] == 12  # 1919–1930: no GDP series for AUH
    assert "19 of 31 years lack GDP data" in view.verdict


def test_whole_system_scope():
    major = polarity_view("cinc", (1990, 2016), "major")
    system = polarity_view("cinc", (1990, 2016), "system")
    assert system.details["mean_eff_poles"] > major.details["mean_eff_poles"]
    assert "whole state system" in system.verdict


@pytest.mark.parametrize("measure", ["cinc", "milex", "gdp"])
@pytest.mark.parametrize("scope", ["major", "system"])
def test_the_largest_chart_stays_under_the_size_limit(measure, scope):
    view = polarity_view(measure, (1816, 2018), scope)
    assert spec_bytes(view.chart) < MAX_SPEC_BYTES
    assert describe(view.chart).startswith("Two charts.")


def test_explorer_recomputes_when_controls_change():
    explorer = polarity_explorer()
    first = explorer.current
    explorer.controls["measure"].value = "milex"
    assert explorer.current is not first
    assert explorer.current.details["leader_last"] == "USA"
    assert "By military spending" in explorer.verdict_html.value
    explorer.controls["years"].value = (1880, 1913)
    rows = [r for r in chart_data(explorer.current.chart) if "year" in r]
    assert min(r["year"] for r in rows) == 1880 and max(r["year"] for r in rows) == 1913
    explorer.controls["scope"].value = "system"
    assert "whole state system" in explorer.current.verdict


def test_explorer_shows_errors_instead_of_tracebacks():
    explorer = polarity_explorer()
    explorer.controls["years"].value = (2017, 2018)  # NMC ends in 2016
    assert explorer.current is None
    assert "CINC covers 1816–2016" in explorer.verdict_html.value
    with pytest.raises(InputError):
        polarity_view("cinc", (2017, 2018))


def test_sparse_whole_system_data_is_flagged():
    view = polarity_view("gdp", (1820, 1870), "system")
    table = view.table[view.table["eff_poles"].notna()]
    share = table["coverage"].mean()
    assert share < 0.5  # Maddison has few annual series before 1870
    assert f"Only {share:.0%} of the states, on average, have GDP data" in view.verdict
    assert "Only" not in polarity_view("cinc", (1990, 2016), "system").verdict


def test_the_verdict_says_which_half_of_the_claim_fails_and_why():
    milex = polarity_view("milex", (1990, 2016))
    assert milex.details["failed"] == ["multipolar"]
    assert "U.S. led: yes, the USA leads CHN by 46.8 points." in milex.verdict
    assert "Multipolar: no, only 2 powers hold at least 10% (USA 61.6%, CHN 14.8%)" in (
        milex.verdict)
    assert "The 'multipolar' half fails, the other holds" in milex.verdict
    cinc = polarity_view("cinc", (1990, 2016))
    assert cinc.details["failed"] == ["multipolar", "U.S. led"]
    assert "Both halves fail" in cinc.verdict
    assert "although the effective number of poles, 3.1, is above 3" in cinc.verdict
    cold_war_gdp = polarity_view("gdp", (1950, 1989))
    assert cold_war_gdp.details["failed"] == []
    assert "Both halves hold" in cold_war_gdp.verdict


def test_a_share_below_the_threshold_is_never_printed_as_the_threshold():
    view = polarity_view("milex", (1990, 2016), "system", 0.1)
    assert "only 1 power holds at least 10% (USA 40.2%); the next, CHN, has 9.6%" in (
        view.verdict)
    assert "CHN 10%" not in view.verdict and "with 10%" not in describe(view.chart)
    from course.widgets.polarity import _share
    assert _share(0.09996, 0.1) == "9.996%" and _share(0.1, 0.1) == "10.0%"
    assert _share(0.0999999, 0.1) == "just under 10%"


def test_adding_india_makes_2012_multipolar_by_cinc():
    view = polarity_view("cinc", (2012, 2012), "major", 0.1, add="ind")
    assert view.details["added"] == ["IND"]
    assert view.details["n_poles_last"] == 3 and view.details["failed"] == ["U.S. led"]
    assert view.details["eff_poles_last"] == pytest.approx(4.057, abs=5e-4)
    assert "among the major powers plus India (IND)" in view.verdict
    assert "IND 14.4%" in view.verdict
    g20 = polarity_view("cinc", (2012, 2016), "g20")
    assert "the G20 states" in g20.verdict and g20.details["multipolar"]


def test_explorer_takes_added_states_and_the_g20():
    explorer = polarity_explorer()
    explorer.controls["add"].value = "IND"
    assert explorer.current.details["added"] == ["IND"]
    explorer.controls["add"].value = "Atlantis"
    assert explorer.current is None
    assert "'Atlantis' is not a state in the COW data" in explorer.error
    explorer.controls["add"].value = ""
    explorer.controls["scope"].value = "g20"
    assert "the G20 states" in explorer.current.verdict


def _threshold_rule(chart) -> list[dict]:
    return [r for r in chart_data(chart) if "threshold" in r]


def test_the_threshold_can_be_typed_and_is_drawn_on_the_chart():
    typed = polarity_view("milex", (1990, 2016), "system", "25%")
    assert typed.verdict == polarity_view("milex", (1990, 2016), "system", 0.25).verdict
    assert typed.details["threshold"] == 0.25
    assert "at least 25%" in typed.verdict
    assert _threshold_rule(typed.chart) == [{"threshold": 0.25,
                                             "label": "pole threshold: 25%"}]
    assert "Dashed line: the pole threshold, 25%" in describe(typed.chart)
    assert typed.chart.to_dict()["vconcat"][0]["title"]["subtitle"].startswith(
        "Dashed line: the pole threshold, 25%")
    five = polarity_view("milex", (1990, 2016), "system", "5%")
    assert five.details["threshold"] == 0.05 and "at least 5%" in five.verdict
    assert five.chart.to_dict() != typed.chart.to_dict()
    assert polarity_view("cinc", threshold="12.5").details["threshold"] == 0.125
    assert "at least 12.5%" in polarity_view("cinc", threshold="12.5").verdict
    with pytest.raises(InputError, match="not a percentage"):
        polarity_view("cinc", threshold="a tenth")


def test_typing_into_pole_changes_the_verdict_and_the_chart():
    explorer = polarity_explorer(measure="milex")
    threshold = explorer.controls["threshold"]
    before = explorer.current.chart.to_dict()
    threshold.text.value = "25%"
    assert explorer.current.details["threshold"] == 0.25
    assert "at least 25%" in explorer.verdict_html.value
    assert _threshold_rule(explorer.current.chart)[0]["threshold"] == 0.25
    assert explorer.current.chart.to_dict() != before
    threshold.text.value = "5%"  # 5%, not 50%
    assert explorer.current.details["threshold"] == 0.05
    threshold.text.value = "0.25"
    assert explorer.current.details["threshold"] == 0.25
    threshold.text.value = "lots"
    assert explorer.current is None
    assert "Pole ≥: 'lots' is not a percentage" in explorer.error
    assert "&#9888;" in explorer.verdict_html.value
    threshold.slider.value = 0.15  # the slider mends it too
    assert explorer.current.details["threshold"] == 0.15 and threshold.text.value == "15%"


def test_the_years_boxes_drive_the_explorer_and_refuse_impossible_ranges():
    explorer = polarity_explorer()
    years = explorer.controls["years"]
    years.first.value = "1900"
    years.last.value = "1913"
    assert explorer.current.verdict.startswith("By CINC, 1900–1913")
    years.last.value = "2020"
    assert explorer.current is None
    assert "Years: 2020 is after 2018, the last year with data" in explorer.error
    years.last.value = "1890"
    assert "the first year (1900) is after the last (1890)" in explorer.error
    years.first.value = "1880"
    assert explorer.current.verdict.startswith("By CINC, 1880–1890")
    with pytest.raises(InputError, match="1700 is before 1816"):
        polarity_view("cinc", (1700, 1914))


def test_the_legend_names_every_code_it_shows():
    view = polarity_view("gdp", (1960, 1989), "g20")
    domain = view.chart.to_dict()["vconcat"][0]["layer"][0]["encoding"]["color"]["scale"][
        "domain"]
    assert "GFR West Germany" in domain and "USA United States" in domain
    assert all(len(label.split(" ", 1)[1]) > 3 for label in domain)  # a name, not a code


def test_states_can_be_added_by_name():
    by_name = polarity_view("cinc", (2012, 2012), add="India, brazil")
    assert by_name.details["added"] == ["BRA", "IND"]
    assert "plus Brazil (BRA), India (IND)" in by_name.verdict
    with pytest.raises(InputError, match="'Atlantis' is not a state in the COW data"):
        polarity_view("cinc", (2012, 2012), add="IND, Atlantis")


def test_no_pole_at_all_is_said_plainly():
    view = polarity_view("cinc", (1946, 1989), "major", 0.5)
    assert "Multipolar: no, no power holds at least 50%; the largest, USA, has 33.4%" in (
        view.verdict)


def test_a_gap_under_one_point_is_a_tie_not_a_failure():
    """Issue 23, item 9: GDP 2018 has China ahead of the USA by 0.02 points."""
    from course.widgets.polarity import TIE

    gdp = polarity_view("gdp", (1990, 2018))
    table = gdp.table.set_index("year")
    assert table.loc[2018, "leader"] == "CHN" and table.loc[2018, "lead"] < 0.0005
    assert gdp.details["tied"] == ["U.S. led"] and gdp.details["failed"] == ["multipolar"]
    assert "U.S. led: tied, CHN is ahead by only 0.02 points" in gdp.verdict
    assert "'U.S. led' is a tie and 'multipolar' fails" in gdp.verdict
    with_india = polarity_view("gdp", (1990, 2018), add="IND")
    assert with_india.details["failed"] == [] and with_india.details["tied"] == ["U.S. led"]
    assert "neither confirmed nor refuted" in with_india.verdict
    # a clear lead is no tie, in either direction
    assert polarity_view("milex", (1990, 2016)).details["tied"] == []
    assert polarity_view("cinc", (1990, 2016)).details["tied"] == []
    # the USA narrowly ahead is a tie too (GDP, 2017: lead 0.04 points)
    narrow = polarity_view("gdp", (2017, 2017))
    assert narrow.details["leader_last"] == "USA" and narrow.details["tied"] == ["U.S. led"]
    assert "U.S. led: tied, the USA is ahead of CHN by only" in narrow.verdict
    assert TIE == 0.01
