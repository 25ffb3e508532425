"""Case-table helpers: rows keep their sources, conflicts stay visible, ratios are right."""

import math

import pandas as pd
import pytest

from course import data
from course.errors import InputError
from course.measures import cases


@pytest.fixture(scope="module")
def libya():
    return data.load("case_libya_2011")


@pytest.fixture(scope="module")
def kosovo():
    return data.load("case_kosovo_1999")


@pytest.fixture(scope="module")
def isaf():
    return data.load("case_isaf_troops")


@pytest.mark.parametrize("stated, expected, words", [
    ("75", 75.0, False), ("26,156", 26156.0, False), ("a quarter", 25.0, True),
    ("one-third", 100 / 3, True), ("half", 50.0, True),
    ("two-thirds (of more than 900 aircraft)", 200 / 3, True),
])
def test_share_value(stated, expected, words):
    value, from_words = cases.share_value(stated)
    assert value == pytest.approx(expected) and from_words is words


def test_share_value_unknown_words_are_nan():
    assert math.isnan(cases.share_value("most")[0])
    assert math.isnan(cases.share_value(None)[0])


def test_share_rows_keep_source_and_stated_value(libya):
    shares = cases.share_rows(libya, "Libya 2011")
    plain = libya[libya["metric"].str.startswith("share_of")]
    assert len(shares) == len(plain)
    merged = shares.merge(plain, on="id")
    assert (merged["stated"] == merged["value"]).all()
    assert (merged["source_x"] == merged["source_y"]).all()
    us = shares[(shares["id"] == "LY011")].iloc[0]  # "a quarter" of all sorties
    assert us["share_pct"] == 25.0 and us["from_words"]


def test_libya_non_us_majority_of_sorties(libya):
    # the essay's premise: non-US states flew most sorties (75 % stated by NATO's
    # ambassador and SACEUR; 1 - 5,300 / 26,500 from the whole-campaign row)
    row = libya[libya["id"] == "LY014"].iloc[0]
    assert float(row["value"]) > 50
    us, total = (float(libya.loc[libya["id"] == i, "value"].iloc[0]) for i in ("LY007", "LY006"))
    assert 1 - us / total == pytest.approx(0.8)


def test_conflicting_figures_stay_separate_rows(libya, kosovo):
    found = cases.conflicts(libya)
    norway = found[found["id"].isin(["LY076", "LY077"])]
    assert sorted(norway["value"]) == ["542", "569"]
    assert norway["group"].nunique() == 1
    uk = found[found["id"].isin(["LY061", "LY062"])]
    assert sorted(uk["value"]) == ["32", "37"]
    # Kosovo: "about two-thirds" vs "more than 80 percent" of aircraft, metric suffix _pct
    ko = cases.conflicts(kosovo)
    assert {"KO012", "KO013"} <= set(ko["id"])
    assert len(found) + len(ko) > 0 and "source" in found.columns


def test_conflicts_on_hand_made_table():
    t = pd.DataFrame({"id": ["A", "B", "C", "D"], "operation": "op",
                      "nation": ["X", "X", "Y", "Y"], "metric": ["m", "m_pct", "m", "m"],
                      "value": ["1", "2", "3", "3"], "source": ["s1", "s2", "s3", "s4"]})
    found = cases.conflicts(t)
    assert found["id"].tolist() == ["A", "B"]  # C and D agree
    with pytest.raises(InputError, match="cannot group"):
        cases.conflicts(t, keys=["nope"])


def test_enablers_select_the_essays_tasks(libya, kosovo):
    rows = cases.enablers(libya)
    assert {"LY054", "LY042", "LY080", "LY082", "LY085"} <= set(rows["id"])
    assert not rows["metric"].str.fullmatch("total_sorties").any()
    assert rows["source"].notna().all()
    assert "KO020" in set(cases.enablers(kosovo)["id"])  # US tankers in Allied Force


def test_isaf_relative_matches_plain_pandas(isaf):
    gdp = data.load("gdp")
    rel = cases.isaf_relative(isaf, gdp, "2009-10-01")
    dk = isaf[(isaf["as_of"] == "2009-10-01") & (isaf["nation"] == "Denmark")]["troops"].item()
    pop = gdp[(gdp["ccode"] == 390) & (gdp["year"] == 2009)]["pop"].item()  # thousands
    got = rel.loc[rel["nation"] == "Denmark", "troops_per_million"].item()
    assert got == pytest.approx(dk / (pop / 1000))
    assert rel["troops_per_million"].is_monotonic_decreasing
    assert rel["id"].str.startswith("IS").all() and rel["source"].notna().all()


def test_isaf_scope_filter_drops_all_us_forces(isaf):
    gdp = data.load("gdp")
    rel = cases.isaf_relative(isaf, gdp, "2011-06-22")
    assert "United States" not in set(rel["nation"])  # 100,000 = all US forces, not ISAF
    rel_all = cases.isaf_relative(isaf, gdp, "2011-06-22", isaf_only=False)
    assert "United States" in set(rel_all["nation"])


def test_isaf_bad_date(isaf):
    with pytest.raises(InputError, match="no ISAF figures dated"):
        cases.isaf_relative(isaf, data.load("gdp"), "1999-01-01")
    with pytest.raises(InputError, match="gdp"):
        cases.isaf_relative(isaf, pd.DataFrame(), "2009-10-01")


def test_missing_figures_lists_what_no_source_states():
    table = cases.missing_figures()
    text = " ".join(table.iloc[:, 1])
    assert "tanker" in text and "ISR" in text and "SEAD" in text
    assert set(table["case"]) == {"Libya 2011", "Kosovo 1999", "ISAF", "NATO spending"}


def test_bad_tables_are_explained():
    with pytest.raises(InputError, match="DataFrame"):
        cases.share_rows("libya")
    with pytest.raises(InputError, match="lacks column"):
        cases.enablers(pd.DataFrame({"id": ["a"]}))


def test_us_forces_outside_isaf_come_from_the_cited_rows(isaf):
    found = cases.outside_isaf(isaf).set_index("as_of")
    assert found["outside_isaf"].to_dict() == {"2008-06-03": 14000, "2009-03-31": 10000,
                                               "2010-11 (inferred)": 10000}
    for as_of, row in found.iterrows():  # each figure is written in the note of its row
        note = isaf.loc[isaf["id"] == row["id"], "notes"].item()
        assert f"{row['outside_isaf']:,}" in note and str(isaf.loc[isaf["id"] == row["id"],
                                                                    "as_of"].item()) == as_of
    assert "2009-10-01" not in found.index  # no figure stated: nothing assumed


def test_counting_enduring_freedom_moves_the_us_up_per_head(isaf):
    """Issue 12, item 6: June 2008, about 77 US troops per million in ISAF alone, about 123
    with the 14,000 in Operation Enduring Freedom, ahead of the Netherlands."""
    gdp = data.load("gdp")
    alone = cases.isaf_relative(isaf, gdp, "2008-06-03").set_index("nation")
    both = cases.isaf_relative(isaf, gdp, "2008-06-03", with_outside_isaf=True)
    both = both.set_index("nation")
    assert alone.loc["United States", "troops_per_million"] == pytest.approx(77.3, abs=0.05)
    assert both.loc["United States", "troops_per_million"] == pytest.approx(123.2, abs=0.05)
    assert both.loc["United States", "troops"] == 23550 + 14000
    assert both.loc["United States", "outside_id"] == "IS002"
    assert (both.loc["Netherlands", "troops_per_million"]
            < both.loc["United States", "troops_per_million"]
            < alone.loc["Netherlands", "troops_per_million"] * 1.2)
    assert both.drop(index="United States")["outside_isaf"].eq(0).all()
