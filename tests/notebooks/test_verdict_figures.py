"""The figures behind the verdicts of issue 23, computed by the course's code and checked
against the prose that states them (lessons, keys, INSTRUCTORS.md, the claims registry).

Each test computes a figure from the shipped data with the function a lesson uses and
asserts that the sentence quoting it says the same thing, so a change in the data or the
code that moves a figure fails here instead of leaving the prose behind.
"""

from __future__ import annotations

import json

import pytest

from course import claims, data, readings
from course.measures import alignment, britain, burden, polarity
from course.paths import NOTEBOOKS_DIR

#: For a test whose sentence is in a lesson's presenter notes, which the student edition
#: leaves out (``course release student``): the instructors' material.
NOTES = pytest.mark.needs("solutions")

WORDS = {3: "three", 5: "five", 6: "six", 7: "seven", 8: "eight"}


def _flat(text: str) -> str:
    return " ".join(text.split())


def prose(lesson: str) -> str:
    """Every markdown cell of a lesson (notes included), whitespace collapsed."""
    path = next(NOTEBOOKS_DIR.glob(f"{lesson}-*.ipynb"))
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return _flat(" ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown"))


def code(lesson: str) -> str:
    path = next(NOTEBOOKS_DIR.glob(f"{lesson}-*.ipynb"))
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


@pytest.fixture(scope="module")
def shipped():
    return {name: data.load(name) for name in ("gdp", "military_burden", "nato_members",
                                               "disputes")}


@pytest.fixture(scope="module")
def pooled(shipped):
    gdp, mil, members = shipped["gdp"], shipped["military_burden"], shipped["nato_members"]
    out = {}
    for label, years, exclude in [("early", (1950, 1966), []), ("late", (1967, 2018), []),
                                  ("late without US", (1967, 2018), [2]),
                                  ("ps3", (1991, 2018), [])]:
        out[label] = burden.size_burden_pooled(gdp, mil, members, years, exclude=exclude)
        out[label + " one-sided"] = burden.size_burden_pooled(
            gdp, mil, members, years, exclude=exclude, alternative="greater")
    out["naive"] = burden.size_burden_pooled(gdp, mil, members, (1967, 2018), shuffle="years")
    return out


# --- item 1: the Crimean War ends the Concert-period exercise ----------------------------

@NOTES
def test_exercise_3_1_counts_the_concert_period_through_the_crimean_war(shipped):
    disputes = shipped["disputes"]
    pair = disputes[(disputes["statea"] == 200) & (disputes["stateb"] == 365)
                    & disputes["year"].between(1816, 1856)]
    years = sorted(pair["year"].unique())
    assert pair["disno"].nunique() == 3 and years == [1833, 1849, 1853, 1854, 1855, 1856]
    crimea = pair[pair["disno"] == 57]
    war_years = sorted(crimea.loc[crimea["war"] == 1, "year"])
    text = (f"{pair['disno'].nunique()} disputes in {WORDS[len(years)]} different years "
            f"(1833, 1849, 1853–1856)")
    assert text in prose("02")
    assert f"Crimean War ({crimea['hihost'].max()}, {war_years[0]}–{war_years[-1]})" in prose("02")
    assert "1816–1856" in prose("02") and "1816–1853" not in prose("02")


# --- item 2: competition with cooperation is untestable, and six wartime windows ---------

@NOTES
def test_statement_two_is_untestable_and_the_wartime_windows_are_counted():
    cases = alignment.allied_and_disputing("defense", 2, 5, 1946, 1989)
    early = int(cases["before_start"].sum())
    assert f"{WORDS[early].capitalize()} more reach back" in prose("02")
    assert f"{WORDS[early].capitalize()} (USA–RUS 1946–49" in prose("02")
    assert ("Statement 2 (competition with cooperation) is therefore **not testable with these "
            "data**") in prose("02")
    assert "not borne out**" not in prose("02")
    assert "Competition with cooperation is *untestable with these data*" in prose("06")
    assert "untestable with these data" in claims.get("C2").depends_on_measure


# --- item 3: [P10] is not a spending forecast ----------------------------------------------

def test_the_forecast_is_untestable_and_spending_fell_then_rose(shipped):
    median = burden.european_burden(shipped["military_burden"], shipped["nato_members"],
                                    (2012, 2024)).set_index("year")["value"]
    assert median.idxmin() == 2015 and median[2024] > median[2012]
    lesson = prose("05")
    assert f"The median burden fell to its low in {median.idxmin()}" in lesson
    assert "So [P10] is **not testable with these data**, in either direction." in lesson
    assert "contradicted over twelve" not in lesson and "contradicted by 2024" not in lesson
    assert "spending premise" not in lesson + prose("06")
    assert "*untestable with these data*" in prose("06")
    assert "Spending is not power projection" in claims.get("C7").depends_on_measure


# --- item 4: the 1839 Treaty of London -----------------------------------------------------

def test_the_1839_guarantee_is_a_cited_course_addition():
    added = britain.course_additions().iloc[0]
    assert not added["atop_codes_it"]
    lesson = prose("03")
    assert "Neither ATOP 5.1 nor COW 4.1 codes it" in lesson
    assert "**course's addition, cited to the treaty text, not either dataset's coding**" in lesson
    entente = 1904
    assert f"predates the Entente by {entente - added['first_year']} years" in lesson
    assert "except to Portugal" not in lesson


# --- item 5: Agadir under C5 ----------------------------------------------------------------

def test_agadir_is_used_as_evidence_for_c5():
    shared = britain.shared_disputes(["FRN", "RUS"], 1870, 1913)
    against = shared[shared["against_major_power"]]
    (disno, year), = against[["disno", "strtyr"]].values.tolist()
    before = shared[(shared["strtyr"] < 1904) & (shared["partner"] == "France")]
    lesson = prose("03")
    assert f"The Agadir crisis (dispute {disno}, {year}) is the only dispute before 1914" in lesson
    assert (f"Before 1904 France was on Britain's side in {len(before)} disputes, none against "
            "a great power") in lesson
    assert f"at Agadir in {year} Britain stood with France against Germany" in prose("06")
    assert f"(Agadir {year}, MID {disno})" in claims.get("C5").questions[-1].evidence


# --- item 6: two readings of C1 ----------------------------------------------------------

def test_the_two_dimension_reading_of_c1_uses_the_course_numbers():
    gdp = polarity.polarity_by_year("gdp", 2018, 2018).iloc[0]
    milex = polarity.polarity_by_year("milex", 2016, 2016).iloc[0]
    assert milex["leader"] == "USA"
    lesson = prose("06")
    assert f"GDP: {gdp['eff_poles']:.1f} effective poles in 2018" in lesson
    assert f"U.S. military primacy ({milex['leader_share']:.0%}".replace("%", " %") in lesson
    assert "legitimate case for *supported*" in lesson
    assert "fits no measure" not in lesson


# --- item 7: the pooled test ----------------------------------------------------------------

@NOTES
def test_lesson_04_reports_the_pooled_test(pooled):
    early, late = pooled["early"], pooled["late"]
    assert early["p_value"] < 0.01 < 0.05 < late["p_value"] < 0.2
    lesson = prose("04")
    assert f"(mean rho {early['mean_rho']:.2f}, p = {early['p_value']:.3f})" in lesson
    assert f"(mean rho {late['mean_rho']:.2f}) and, even pooled, not significant" in lesson
    assert f"(p = {late['p_value']:.3f})" in lesson
    assert f"or {pooled['late one-sided']['p_value']:.3f} for the one-sided test" in lesson
    assert f"p = {pooled['naive']['p_value']:.4f} only because" in lesson
    without = pooled["late without US"]
    assert f"without the US {without['mean_rho']:.2f}, p = {without['p_value']:.3f}" in lesson
    assert "**not significant is not the same as no relation**" in lesson
    assert "mostly indistinguishable from chance" not in lesson
    rho = late["mean_rho"]
    power = [burden.rank_test_power(rho, n) for n in (15, 27)]
    assert (f"Power of one yearly test at rho {rho:.2f}: {power[0]:.0%} with 15 allies, "
            f"{power[1]:.0%} with 27").replace("%", " %") in lesson
    assert "size_burden_pooled" in code("04") and "rank_test_power" in code("04")


def test_lesson_06_and_the_registry_follow_the_pooled_verdict(pooled):
    early, late = pooled["early"], pooled["late"]
    lesson = prose("06")
    assert f"significant in 1950–1966 (p = {early['p_value']:.3f})" in lesson
    assert f"(mean rho {late['mean_rho']:.2f}, p = {late['p_value']:.3f})" in lesson
    assert "not significant is not no relation" in claims.get("C6").depends_on_measure
    assert "course.measures.burden.size_burden_pooled" in claims.get("C6").measures


# --- item 8: figures that were wrong ------------------------------------------------------

def test_the_number_of_allies_per_year(shipped):
    corr = burden.size_burden_correlation(shipped["gdp"], shipped["military_burden"],
                                          shipped["nato_members"]).dropna(subset=["rho"])
    low, high = int(corr["n_used"].min()), int(corr["n_used"].max())
    assert f"among {low} to {high} allies" in prose("04")
    assert "12 to 29" not in prose("04")


@NOTES
def test_mean_effective_poles_after_1990_by_measure():
    means = {m: polarity.polarity_by_year(m, 1990, 2018)["eff_poles"].mean()
             for m in ("cinc", "milex", "gdp")}
    assert max(means, key=means.get) == "gdp" and min(means, key=means.get) == "milex"
    assert (f"military spending sees the fewest poles ({means['milex']:.2f} on average) and GDP "
            f"the most ({means['gdp']:.2f}; CINC {means['cinc']:.2f})") in prose("01")


@NOTES
def test_years_with_three_poles_since_1990():
    def span(measure):
        table = polarity.polarity_by_year(measure, 1990, 2018)
        years = table.loc[table["n_poles"] >= 3, "year"].astype(int).tolist()
        assert years == list(range(years[0], years[-1] + 1)) if years else True
        return years

    cinc, gdp, milex = span("cinc"), span("gdp"), span("milex")
    assert milex == []
    assert (f"by CINC in {cinc[0]}–{cinc[-1]} and by GDP in {gdp[0]}–{gdp[-1]}, never by "
            "military spending") in prose("06")
    assert "only early in the 1990s" not in prose("06")


def test_ireland_leaves_maddisons_britain_after_1920_and_the_lessons_say_so(shipped):
    gdp = shipped["gdp"]
    britain_pop = gdp[gdp["countrycode"] == "GBR"].set_index("year")["pop"]
    assert int(britain_pop.loc[1900:1930].diff().idxmin()) == 1921
    for lesson in ("03", "04"):
        assert "all of Ireland to 1920" in prose(lesson)
        assert "Ireland until 1921" not in prose(lesson)


@NOTES
def test_ententes_are_not_coded_late():
    table = britain.entente_coding().set_index("partner")
    assert table.loc["Japan", "agreement_coded"]
    assert not table.loc["France", "agreement_coded"] and not table.loc["Russia", "agreement_coded"]
    lesson = prose("06")
    assert "years late" not in lesson
    assert "ATOP's first pacts with France (1907) and Russia (1914) are other treaties" in lesson


# --- item 9: smaller points -----------------------------------------------------------------

def test_the_united_states_gdp_lead_in_1870_is_stated_with_its_size():
    series = britain.measure_series("gdp", ["UKG", "USA"], 1870, 1870).set_index("ccode")["value"]
    gap = series[2] / series[200] - 1
    majors = data.load("major_powers")
    first = int(majors.loc[majors["stateabb"] == "USA", "start_year"].min())
    lesson = prose("03")
    assert f"by {gap:.1%}".replace("%", " %") in lesson
    assert f"COW counts it a major power only from {first}" in lesson


@NOTES
def test_the_1964_test_with_gdp_at_exchange_rates(shipped):
    exchange = burden.exchange_rate_gdp(data.load("capabilities"), shipped["military_burden"])
    row = burden.size_burden_correlation(exchange, shipped["military_burden"],
                                         shipped["nato_members"], (1964, 1964)).iloc[0]
    assert f"{row['rho']:.2f} with GDP at exchange rates" in prose("04")
    assert f"at exchange rates {row['rho']:.2f} (p = {row['p_value']:.3f})" in prose("04")
    assert "check it in their article" in prose("04")


def test_quotes_and_the_reading_notes():
    assert '"the strongest power among equals"' in prose("03")
    for lesson in ("01", "02", "03", "04", "05", "06"):
        assert '"strongest among equals"' not in prose(lesson)
    waltz = readings.get("waltz-1979").note
    assert "Daedalus, 1964" in waltz and "answer the 1979 book" in waltz
