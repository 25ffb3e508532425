"""Sides in a dispute and the course's added commitments (issue 23, items 1, 4 and 5)."""

from __future__ import annotations

import pandas as pd
import pytest

from course import data
from course.errors import DataError, InputError
from course.measures import britain


def _dyads(disno, pairs, year=1900):
    rows = []
    for a, b in pairs:
        for x, y in ((a, b), (b, a)):
            rows.append({"disno": disno, "year": year, "statea": x, "stateb": y,
                         "abbreva": str(x), "abbrevb": str(y), "hihost": 3, "war": 0,
                         "strtyr": year, "endyear": year})
    return pd.DataFrame(rows)


def test_sides_are_read_like_a_two_colour_map():
    # Britain (200) and France (220) against Germany (255); Italy (325) fights only France's
    # opponent's ally Austria (300), who fights France: Italy is on Britain's side too.
    table = _dyads(1, [(200, 255), (220, 255), (220, 300), (325, 300)])
    sides = britain.dispute_sides(1, disputes=table).set_index("ccode")["side"]
    assert sides.to_dict() == {220: "with", 325: "with", 255: "against", 300: "against"}


def test_sides_refuse_what_they_cannot_read():
    odd = _dyads(2, [(200, 255), (255, 220), (220, 200)])  # a triangle has no two sides
    with pytest.raises(DataError, match="do not split into two sides"):
        britain.dispute_sides(2, disputes=odd)
    with pytest.raises(InputError, match="no dispute 3"):
        britain.dispute_sides(3, disputes=odd)
    with pytest.raises(InputError, match="Britain is not in dispute 4"):
        britain.dispute_sides(4, disputes=_dyads(4, [(220, 255)]))


def test_the_crimean_war_is_the_1853_dispute_with_france_on_britains_side():
    """Item 1: MID 57 starts in 1853 (display of force) and is a war in 1854-56, with
    France, the Ottoman Empire and Sardinia (COW's Italy) against Russia."""
    disputes = data.load("disputes")
    russia = britain.britain_disputes(["RUS"], 1816, 1856, disputes=disputes)
    assert russia["disno"].tolist() == [153, 236, 57]
    assert russia["strtyr"].tolist() == [1833, 1849, 1853]
    crimea = russia.set_index("disno").loc[57]
    assert (crimea["hihost"], bool(crimea["war"]), crimea["endyear"]) == (5, True, 1856)
    sides = britain.dispute_sides(57, disputes=disputes).set_index("abbrev")
    assert set(sides.index[sides["side"] == "with"]) == {"FRN", "TUR", "ITA", "AUH"}
    assert sides.loc[["FRN", "TUR", "ITA"], "war"].all() and not sides.loc["AUH", "war"]
    france = britain.britain_disputes(["FRN"], 1816, 1856, disputes=disputes)
    assert france[["disno", "strtyr", "hihost"]].values.tolist() == [[501, 1831, 2]]


def test_agadir_is_the_only_prewar_dispute_with_britain_and_france_against_a_great_power():
    """Item 5: MID 315 (1911) has Britain on France's side against Germany."""
    shared = britain.shared_disputes(["FRN", "RUS"], 1870, 1913)
    against = shared[shared["against_major_power"]]
    assert against[["disno", "strtyr", "partner", "opponents"]].values.tolist() == [
        [315, 1911, "France", "Germany"]]
    after = shared[shared["strtyr"] >= 1904]
    assert after.loc[after["partner"] == "France", "disno"].tolist() == [164, 128, 315]
    before = shared[(shared["strtyr"] < 1904) & (shared["partner"] == "France")]
    assert len(before) == 8 and not before["against_major_power"].any()


def test_course_additions_are_cited_and_the_atop_check_is_computed():
    row = britain.course_additions().iloc[0]
    assert (row["signed"], row["partner"], row["first_year"]) == ("1839-04-19", "Belgium",
                                                                  1839)
    assert not row["atop_codes_it"]
    assert "Added by the course" in row["note"] and "Hertslet" in row["source"]
    # the check can say yes: a made-up UK-Belgium pact of 1850 is found
    members = pd.DataFrame({"atopid": [9, 9], "ccode": [200, 211], "yrent": [1850, 1850],
                            "yrexit": [1860, 1860]})
    assert britain.course_additions(members=members).iloc[0]["atop_codes_it"]


def test_atop_codes_the_1870_belgian_treaties_but_not_1839():
    members = data.load("alliance_members")
    uk = members[members["ccode"] == 200]
    spells = uk[uk["atopid"].isin([1295, 1300])][["atopid", "yrent", "yrexit"]]
    assert spells.values.tolist() == [[1295, 1870, 1872], [1300, 1870, 1872]]
    belgium = set(members.loc[members["ccode"] == 211, "atopid"])
    shared = uk[uk["atopid"].isin(belgium)]
    assert shared["yrent"].min() == 1925  # the first UK-Belgium pact is Locarno


@pytest.mark.needs("raw")
def test_cow_codes_no_uk_belgium_alliance_before_1925(raw_dir):
    """Item 4: COW 4.1 does not code the 1839 guarantee either (read from the raw file,
    which the course does not ship)."""
    dyads = pd.read_csv(raw_dir / "raw" / "cow-alliances" / "alliance_v4.1_by_dyad.csv")
    pair = dyads[((dyads["ccode1"] == 200) & (dyads["ccode2"] == 211))
                 | ((dyads["ccode1"] == 211) & (dyads["ccode2"] == 200))]
    assert pair["dyad_st_year"].min() == 1925
