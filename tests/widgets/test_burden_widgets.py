"""Model and NATO explorers: the view functions, and the widgets responding to controls."""

import pandas as pd
import pytest

from course.errors import InputError
from course.widgets import burden as wb


def test_model_view_verdict_follows_the_model():
    pure = wb.model_view(n_allies=3, largest_ratio=4.0, publicness=1.0, alpha=0.05)
    assert pure.details["n_free_riders"] == 2
    assert "67%" in pure.verdict and "100%" in pure.verdict  # 4 / 6 of income, all spending
    private = wb.model_view(n_allies=3, largest_ratio=4.0, publicness=0.0, alpha=0.05)
    assert private.details["largest_burden_share"] == pytest.approx(4 / 6)
    assert "nobody free-rides" in private.verdict


def test_model_explorer_responds_to_controls():
    explorer = wb.model_explorer()
    explorer.controls["publicness"].value = 0.0
    assert explorer.current.details["n_free_riders"] == 0
    explorer.controls["n_allies"].value = 8
    assert len(explorer.current.table) == 8
    explorer.controls["publicness"].value = 1.0
    explorer.controls["largest_ratio"].value = 1.0  # equal allies share equally
    assert explorer.current.table["burden_share"].tolist() == pytest.approx([1 / 8] * 8)


def small_tables():
    members = pd.DataFrame({"country": ["US", "UK", "FR", "IT", "NO", "DK"],
                            "ccode": [2, 200, 220, 325, 385, 390],
                            "accession_year": [1949] * 6})
    years = [2014, 2015]
    gdp = pd.DataFrame({"ccode": [2, 200, 220, 325, 385, 390] * 2,
                        "year": [y for y in years for _ in range(6)],
                        "gdp": [60.0, 9, 8, 7, 2, 1] * 2})
    mil = gdp.rename(columns={"gdp": "milex_share_gdp"}).assign(
        milex_share_gdp=[0.04, 0.02, 0.019, 0.012, 0.015, 0.011] * 2)
    caps = gdp.rename(columns={"gdp": "milex"}).assign(milex=[600, 60, 50, 20, 7, 4] * 2)
    nato = pd.DataFrame({"country": "x", "ccode": [2, 200, 220, 325, 385, 390] * 2,
                         "year": [y for y in years for _ in range(6)],
                         "measure": "usd_constant_2015", "unit": "million US$ constant",
                         "value": [600.0, 60, 50, 20, 7, 3, 600, 70, 50, 20, 7, 3]})
    return {"nato_members": members, "capabilities": caps, "gdp": gdp,
            "military_burden": mil, "nato_expenditure": nato}


def test_nato_view_on_small_tables():
    tables = small_tables()
    label = "US share of allied spending (NATO, constant 2015 US$)"
    view = wb.nato_view(label, (2014, 2015), tables=tables)
    assert view.table["us_share"].tolist() == pytest.approx([600 / 740, 600 / 750])
    assert "81%" in view.verdict and "80%" in view.verdict
    corr = wb.nato_view("Size vs burden: rank correlation (SIPRI, Maddison)", (2014, 2015),
                        tables=tables)
    # ranks of size 1..6 vs burden ranks 1,2,3,5,4,6: rho = 1 - 6*2/(6*35)
    assert corr.table["rho"].tolist() == pytest.approx([1 - 12 / 210] * 2)


def test_nato_explorer_responds_and_reports_errors():
    explorer = wb.nato_explorer(tables=small_tables())
    explorer.controls["measure"].value = "European allies: total spending (NATO, constant 2015 US$)"
    explorer.controls["years"].value = (2014, 2015)
    assert explorer.current.table["value"].tolist() == pytest.approx([140.0, 150.0])
    assert "7% more" in explorer.current.verdict
    explorer.controls["years"].value = (1950, 1960)  # outside the NATO tables
    assert explorer.current is None and "covers 2014-2015" in explorer.error


def test_nato_view_on_shipped_tables_slices_one_cached_series():
    label = "European allies: median military burden (SIPRI % of GDP)"
    full = wb.nato_view(label, (1990, 2024))
    part = wb.nato_view(label, (2012, 2024))
    assert part.details["first"] == 2012 and part.details["last"] == 2024
    # the slice is the same numbers as the long series, not a recomputation that drifts
    same = full.table.set_index("year").loc[2012:2024, "value"]
    assert part.table.set_index("year")["value"].tolist() == pytest.approx(same.tolist())
    assert "2012" in part.verdict and "2024" in part.verdict


def test_nato_view_bad_measure():
    with pytest.raises(InputError, match="unknown measure"):
        wb.nato_view("GDP per tank", (2000, 2010), tables=small_tables())


def test_isaf_view_and_explorer():
    view = wb.isaf_view("2009-10-01", "troops (absolute)")
    assert view.details["us_rank"] == 1  # the largest contingent by far
    per_head = wb.isaf_view("2009-10-01", "troops per million inhabitants")
    assert per_head.table["troops_per_million"].is_monotonic_decreasing
    assert per_head.details["us_rank"] > 1  # Denmark and the UK sent more per head
    explorer = wb.isaf_explorer()
    explorer.controls["as_of"].value = "2008-06-03"
    explorer.controls["basis"].value = "troops per $10 bn of GDP"
    assert explorer.current.details["basis"] == "gdp"
    assert set(explorer.current.table["as_of"]) == {"2008-06-03"}
    with pytest.raises(InputError, match="unknown basis"):
        wb.isaf_view("2009-10-01", "tanks")


def test_correlation_view_reports_significance_and_without_the_us():
    label = "Size vs burden: rank correlation (SIPRI, Maddison)"
    late = wb.nato_view(label, (1967, 2018))
    assert (late.details["years"], late.details["positive_years"],
            late.details["significant_years"]) == (52, 52, 2)
    assert "It is significant (p < 0.05) in 2 of 52 years (1985, 2012)." in late.verdict
    # most years are not significant, and the sentence says so (it once said the reverse)
    assert ("but in most of these years (50 of 52) the correlation is too weak to tell "
            "from chance.") in late.verdict
    without = wb.nato_view(label, (1949, 2018), without_us=True)
    assert without.details["significant_years"] == 10 and without.details["without_us"]
    assert "other than the United States" in without.verdict
    nato = wb.nato_view("Size vs burden: rank correlation (NATO tables, 2014-2024)",
                        (2014, 2024))
    assert nato.details["years"] == 11 and nato.details["significant_years"] == 0
    assert nato.table.set_index("year").loc[2023, "rho"] == pytest.approx(-0.049, abs=5e-4)
    assert "in none of these years" in nato.verdict
    # the chart marks significant years and names NATO as the source
    spec = nato.chart.to_dict()
    assert "NATO" in str(spec["title"]) and "p-value" in str(spec)


def test_without_the_us_does_not_touch_other_measures():
    label = "US share of allied spending (NATO, current US$)"
    view = wb.nato_view(label, (2014, 2024), without_us=True)
    assert view.table.set_index("year").loc[2014, "us_share"] == pytest.approx(0.693, abs=5e-4)


def test_isaf_view_can_add_us_forces_outside_isaf():
    alone = wb.isaf_view("2008-06-03", "troops per million inhabitants")
    both = wb.isaf_view("2008-06-03", "troops per million inhabitants",
                        with_outside_isaf=True)
    assert both.details["us_rank"] < alone.details["us_rank"]
    assert "14,000 troops outside ISAF (row IS002)" in both.verdict
    none = wb.isaf_view("2009-10-01", "troops per million inhabitants", with_outside_isaf=True)
    assert "No cited row states US forces outside ISAF on this date" in none.verdict


def test_the_isaf_explorer_opens_on_a_date_with_every_nation_exercise_7_1_names():
    import json

    from course import data
    from course.paths import NOTEBOOKS_DIR

    lesson = json.loads((NOTEBOOKS_DIR / "05-out-of-area.ipynb").read_text(encoding="utf-8"))
    exercise = next("".join(c["source"]) for c in lesson["cells"]
                    if "**Exercise 7.1.**" in "".join(c["source"]))
    nations = set(data.load("case_isaf_troops")["nation"].astype(str))
    named = {n for n in nations if n in exercise}
    assert "Norway" in named
    shown = set(wb.isaf_explorer().current.table["nation"])
    assert named <= shown, f"the default date lacks {named - shown}"


def test_isaf_dates_say_when_they_are_inferred():
    explorer = wb.isaf_explorer()
    labels = dict((value, label) for label, value in explorer.controls["as_of"].options)
    assert labels["2009-10-01"].startswith("1 October 2009: ")
    assert labels["2010-11 (inferred)"].startswith("November 2010 (month inferred): ")
    view = wb.isaf_view("2010-11 (inferred)", "troops (absolute)")
    assert view.verdict.startswith("In November 2010 (month inferred), by troops")
    assert "How the date is known: 'data provided by NATO on Monday'; month inferred" in (
        view.verdict)
    assert "November 2010 (month inferred)" in str(view.chart.to_dict()["title"])
    with pytest.raises(InputError, match="no ISAF date"):
        wb.isaf_explorer(as_of="2010-08-10")
