"""The registry of the essay's claims: one place every lesson, problem set and guide reads.

The essay ("Illusions of alliances and the follies of burden-sharing", Slouching
Columbia, 7 March 2012) makes seven claims the course tests, C1 to C7. For each the
registry holds

* a short title and the verbatim excerpt(s), each with the paragraph id it comes
  from (``[P17]``), so lessons can quote the essay without retyping it;
* the *testable form*: how the claim is turned into something data can decide;
* the curated tables (names for :func:`course.data.load`) and the functions in
  :mod:`course.measures` that test it, with the variables, years and units used;
* the lesson(s) that teach it and the questions a student must answer, each asking
  for a verdict *and* the evidence behind it;
* the readings that bear on it: keys into the schema-checked reading list
  (:mod:`course.readings`, ``course/registry/readings.yaml``).

The excerpts are stored here, so the registry works without the essay file. When the
essay is available beside the project (``../shared/essay/essay.md``),
:func:`essay_paragraph` reads a whole paragraph and :func:`check_excerpts` confirms
every stored excerpt is verbatim in the paragraph it cites.

Examples
--------
>>> from course import claims
>>> [c.id for c in claims.all_claims()]
['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7']
>>> claims.get("C3").title
"Britain's main threats, 1870-1914"
>>> print(claims.excerpt_markdown("C4")[:61])
> "if the United States remains the strongest power among equ
>>> claims.excerpt_markdown("C4").endswith('and many other terms)" [P18]')
True
>>> [c.id for c in claims.for_lesson("03")]
['C3', 'C4', 'C5']
>>> [r.key for r in claims.readings_for("C2")]
['snyder-1984', 'christensen-snyder-1990', 'walt-1987', 'waltz-1979']
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from course.errors import DataError, InputError

# --------------------------------------------------------------------------------------
# Data structures
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Excerpt:
    """A verbatim passage of the essay and the paragraph it comes from (``"P17"``)."""

    paragraph: str
    text: str

    def markdown(self) -> str:
        """The excerpt as a one-line markdown blockquote: ``> "text" [P17]``."""
        return f'> "{self.text}" [{self.paragraph}]'


@dataclass(frozen=True)
class Operationalisation:
    """One way the claim is measured: which table, which variables, years and unit."""

    dataset: str
    variables: str
    years: str
    unit: str = ""


@dataclass(frozen=True)
class Question:
    """A question the student answers with a verdict and the evidence for it."""

    id: str
    prompt: str
    evidence: str


@dataclass(frozen=True)
class Claim:
    """One claim of the essay, with everything needed to test and teach it."""

    id: str
    title: str
    excerpts: tuple[Excerpt, ...]
    testable_form: str
    datasets: tuple[str, ...]
    measures: tuple[str, ...]
    lessons: tuple[str, ...]
    questions: tuple[Question, ...]
    operationalisations: tuple[Operationalisation, ...] = field(default_factory=tuple)
    depends_on_measure: str = ""
    readings: tuple[str, ...] = ()

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """Paragraph ids cited by the excerpts, in order of first appearance."""
        return tuple(dict.fromkeys(e.paragraph for e in self.excerpts))


# --------------------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------------------

_CLAIMS: tuple[Claim, ...] = (
    Claim(
        id="C1",
        title="A multipolar world, still led by the United States",
        excerpts=(
            Excerpt("P10", "in a world that is multipolar, but still U.S. led"),
            Excerpt("P13", "as rival centers of power emerge and U.S. hegemony retrenches itself"),
        ),
        testable_form=(
            "Capability shares of the major powers, 1816 to the latest year: concentration "
            "(Ray & Singer's CON), the effective number of poles 1/sum(s^2), and the leader's "
            "share and lead over the second power, by CINC, military spending and GDP. Each "
            "half of the claim is judged on its own (multipolar: three or more powers at the "
            "pole threshold; U.S. led: the largest share), and the set of powers is a choice: "
            "the COW list, the COW list with India, or the G20."
        ),
        datasets=("capabilities", "major_powers", "military_burden", "gdp"),
        measures=(
            "course.measures.polarity.capability_shares",
            "course.measures.polarity.concentration",
            "course.measures.polarity.effective_poles",
            "course.measures.polarity.polarity_by_year",
            "course.measures.polarity.first_year_ahead",
            "course.measures.polarity.years_ahead",
        ),
        lessons=("01", "06"),
        questions=(
            Question("C1.q1", "Is the system of the 2010s multipolar? Give your verdict for "
                     "at least two measures of power.",
                     "effective number of poles and concentration in a named year, by measure"),
            Question("C1.q2", "Is it still U.S. led, and by how much?",
                     "the U.S. share and its lead over the second power, with the measure named"),
        ),
        operationalisations=(
            Operationalisation("capabilities", "cinc", "1816-2016", "share of the system total"),
            Operationalisation("gdp", "gdp", "1816-2018", "2011 international dollars"),
            Operationalisation("military_burden", "milex_share_gdp", "1949-latest",
                               "fraction of GDP"),
        ),
        depends_on_measure="By CINC China passes the United States; by military spending "
                           "the United States leads with 62% of the major powers' total "
                           "(2016); by GDP China and the United States are tied in 2018 "
                           "(within one point). On any one measure the phrase fails a "
                           "half; read as two dimensions, economic multipolarity (GDP: "
                           "4.0 effective poles in 2018) with U.S. military primacy, it "
                           "fits, and [P13] and [P18] speak of multipolarity as emerging. "
                           "Adding India, which COW does not list, turns two poles into "
                           "three.",
        readings=("deutsch-singer-1964", "waltz-1979", "beckley-2018", "wohlforth-1999"),
    ),
    Claim(
        id="C2",
        title="Flexible alignments are common in multipolar systems",
        excerpts=(
            Excerpt("P5", "good diplomacy in multipolar systems benefits from flexibility, "
                    "not commitment and rigid blocs of powers"),
            Excerpt("P15", "such shifting alignments or even near-simultaneous competition "
                    "and cooperation was extremely common"),
            Excerpt("P14", "The more bipolar a system is, the more these sorts of "
                    "relationships are unlikely to occur."),
        ),
        testable_form=(
            "Among the major powers: alliance formations and terminations per dyad-decade, and "
            "the share of major-power dyads that are allied and in a militarized dispute within "
            "the same window, compared across eras (1816-1913, 1919-1939, 1946-1989, 1990-) and "
            "against the polarity measures of C1; once with every ATOP pact, once without the "
            "multilateral non-military pacts (ATOP: bilat 0, no defence, offence or neutrality "
            "obligation) and once with bilateral pacts only. The allied-and-disputing "
            "share is a proxy for near-simultaneous competition and cooperation that sees "
            "only written treaties and militarized incidents, not the informal alignments "
            "the essay means: it cannot test that statement."
        ),
        datasets=("alliances", "alliance_members", "disputes", "major_powers"),
        measures=(
            "course.measures.alignment.dyad_panel",
            "course.measures.alignment.era_summary",
            "course.measures.alignment.decade_summary",
            "course.measures.alignment.dyad_history",
            "course.measures.alignment.pact_sensitivity",
            "course.measures.alignment.dropped_pacts",
            "course.measures.alignment.allied_and_disputing",
        ),
        lessons=("02", "06"),
        questions=(
            Question("C2.q1", "Were alignments among the great powers more fluid in the 19th "
                     "century than in the Cold War?",
                     "formations and terminations per dyad-decade in each era"),
            Question("C2.q2", "Were allied great powers also in militarized disputes with each "
                     "other? How often, and in which era?",
                     "share of allied dyads with a dispute in the same window, by era"),
        ),
        operationalisations=(
            Operationalisation("alliance_members", "atopid, ccode, yrent, yrexit", "1816-2018"),
            Operationalisation("disputes", "disno, statea, stateb, year", "1816-2014",
                               "dispute-dyad-year"),
        ),
        depends_on_measure="Which treaties count decides the turnover comparison: with the "
                           "1962 Laos declaration and the 1975 Helsinki Final Act, Cold War "
                           "turnover equals the 19th century's; without the multilateral "
                           "non-military pacts it is well under half. The window and the "
                           "obligation type change the share of 'ally and rival at once' "
                           "dyads, which is higher in the Cold War under every rule but "
                           "rests on paper treaties (the Sino-Soviet treaty, wartime "
                           "treaties with the USSR) and a higher dispute rate. A treaty "
                           "dataset is biased against the informal cooperation the essay "
                           "means, so competition with cooperation is untestable with "
                           "these data: it needs records of cooperation short of alliance "
                           "for both eras (diplomatic documents; event data such as "
                           "COPDAB, which covers only 1948-1978).",
        readings=("snyder-1984", "christensen-snyder-1990", "walt-1987", "waltz-1979"),
    ),
    Claim(
        id="C3",
        title="Britain's main threats, 1870-1914",
        excerpts=(
            Excerpt("P17", "For all the talk about German Weltpolitik, it was Russian and "
                    "French geopolitical reach which proved the greater problem for Britain "
                    "in the late 19th century"),
            Excerpt("P16", "Britain joined the Entente with France and Russia not simply to "
                    "contain Germany, but to address more direct threats to Britain’s "
                    "interests outside of Europe."),
        ),
        testable_form=(
            "Britain's militarized disputes with France, Russia and Germany, 1870-1904 against "
            "1905-1914: the number of distinct disputes (not dispute-years) and the highest "
            "hostility level; and whether the dated crises of Panjdeh (1885), Fashoda (1898) "
            "and the Dogger Bank (1904) appear in the dyadic dispute data."
        ),
        datasets=("disputes", "case_events"),
        measures=(
            "course.measures.britain.britain_disputes",
            "course.measures.britain.disputes_by_period",
            "course.measures.britain.crises_in_mid",
        ),
        lessons=("03", "06"),
        questions=(
            Question("C3.q1", "Between 1870 and 1904, were France and Russia a greater problem "
                     "for Britain than Germany? Give your verdict.",
                     "distinct disputes and highest hostility level with each opponent, "
                     "1870-1904"),
            Question("C3.q2", "Did that change after 1904?",
                     "the same counts for 1905-1914, and the opponent of the 1914 war"),
            Question("C3.q3", "Do the famous crises (Panjdeh, Fashoda, Dogger Bank) appear in "
                     "the dispute data? What does that tell you about what a dispute count "
                     "measures?",
                     "dispute numbers matched to each crisis, and the hostility level coded"),
        ),
        operationalisations=(
            Operationalisation("disputes", "disno, statea, stateb, strtyr, hihost",
                               "disputes starting 1870-1914", "distinct disputes; hostility 1-5"),
            Operationalisation("case_events", "id, event, date_start", "1885-1904", "dates"),
        ),
        depends_on_measure="Counting every dispute or only those that reached the use of "
                           "force, and where the periods are cut, changes the ranking.",
        readings=("kennedy-1980",),
    ),
    Claim(
        id="C4",
        title="Britain as primus inter pares, 1870-1914",
        excerpts=(
            Excerpt("P18", "if the United States remains the strongest power among equals "
                    "(as Britain remained in naval, financial, and many other terms)"),
        ),
        testable_form=(
            "Britain against Germany, France, Russia and the United States, 1870-1914: CINC, "
            "iron and steel production, military spending (pounds, to 1913), military "
            "personnel and the share of world naval tonnage; the first year each rival "
            "passes Britain on each measure, and whether it stays ahead. No table measures "
            "finance, so the 'financial' term is untested here."
        ),
        datasets=("capabilities", "naval_tonnage", "case_prewar_naval"),
        measures=(
            "course.measures.britain.measure_series",
            "course.measures.britain.crossover",
            "course.measures.britain.crossovers",
            "course.measures.britain.britain_rank",
        ),
        lessons=("03", "06"),
        questions=(
            Question("C4.q1", "Was Britain still the strongest power among equals in 1913? "
                     "Answer for industry (iron and steel), overall capabilities (CINC) and "
                     "sea power (naval tonnage).",
                     "Britain's rank on each measure in 1913, and the crossover years"),
            Question("C4.q2", "Which measure supports the essay's 'naval' qualifier, and which "
                     "contradicts 'many other terms'?",
                     "crossover years by measure, with whether the pass was sustained"),
        ),
        operationalisations=(
            Operationalisation("capabilities", "cinc, irst, milex, milper", "1870-1914",
                               "CINC share; thousand tons; thousand pounds (to 1913); "
                               "thousand personnel"),
            Operationalisation("naval_tonnage", "tonn_prop, totton", "1870-1914",
                               "share of world warship tonnage; tons"),
            Operationalisation("case_prewar_naval", "new_naval_construction_expenditure",
                               "1909-1914", "pounds (Nock 1922, a polemical source)"),
        ),
        depends_on_measure="At sea Britain stays first throughout; by iron and steel, CINC "
                           "and military personnel rivals pass it well before 1914. GDP "
                           "verdicts depend on borders (Russia has three pre-1914 values, on "
                           "the territory of the USSR).",
        readings=("friedberg-1988", "kennedy-1980"),
    ),
    Claim(
        id="C5",
        title="The Entente as burden-sharing",
        excerpts=(
            Excerpt("P17", "the amelioration of that problem through Entente required "
                    "increasing levels of British support for Russian and French interests "
                    "in places such as Turkey and Morocco"),
            Excerpt("P17", "Britain further sought to retrench commitments afar and broaden "
                    "its burden-sharing by granting more influence to the U.S. in the Western "
                    "Hemisphere and signing an alliance with Japan which greatly increased "
                    "its power in the Pacific."),
            Excerpt("P17", "Britain locked in an alliance system that preserved the status quo "
                    "abroad, but made the European status quo unbearable for Germany, and "
                    "simultaneously exposed Britain to defensive commitments in mainland "
                    "Europe."),
        ),
        testable_form=(
            "Britain's alliance timeline and obligations 1890-1914 in ATOP, set against the "
            "dates of the Anglo-Japanese alliance (1902), the Entente Cordiale (1904) and the "
            "Anglo-Russian Convention (1907): which of them a dataset codes as an alliance, "
            "from when, and with which obligations. Coding decisions are evidence too. "
            "Beside them, the course's own cited record of the 1839 Treaty of London (the "
            "guarantee of Belgium, which neither ATOP 5.1 nor COW 4.1 codes), and the "
            "disputes in which Britain stood on France's or Russia's side (Agadir 1911)."
        ),
        datasets=("alliances", "alliance_members", "case_events", "disputes",
                  "major_powers"),
        measures=(
            "course.measures.britain.alliance_timeline",
            "course.measures.britain.entente_coding",
            "course.measures.britain.course_additions",
            "course.measures.britain.dispute_sides",
            "course.measures.britain.shared_disputes",
        ),
        lessons=("03", "06"),
        questions=(
            Question("C5.q1", "Did Britain take on *defensive* commitments in mainland Europe "
                     "before 1914, according to ATOP, and what does ATOP leave out?",
                     "Britain's ATOP alliances 1890-1914 with their obligations, and the "
                     "1839 guarantee of Belgium, which neither dataset codes"),
            Question("C5.q2", "Was the Entente an alliance? Compare how ATOP and COW code "
                     "1904 and 1907, and say what the difference does to the essay's claim.",
                     "first coded year and obligation for UK-France and UK-Russia in each "
                     "dataset, against the treaty dates"),
            Question("C5.q3", "Was the alliance with Japan burden-sharing?",
                     "the 1902 obligations coded by ATOP and what Britain gained in return"),
            Question("C5.q4", "Did the Entente bring British support for French interests "
                     "in a crisis, as [P17] says?",
                     "disputes with Britain and France on the same side, 1904-1913 "
                     "(Agadir 1911, MID 315)"),
        ),
        operationalisations=(
            Operationalisation("alliance_members", "atopid, ccode, yrent, yrexit, defense, "
                               "neutral, consul", "1890-1914", "member spell"),
            Operationalisation("case_events", "id, event, date_start", "1902-1907", "dates"),
        ),
        depends_on_measure="ATOP codes the UK-France pacts only from 1907 and 1912 "
                           "(consultation) and nothing UK-Russia before September 1914; "
                           "whether the Entente 'is' an alliance depends on the dataset. "
                           "Neither dataset codes the 1839 guarantee of Belgium, a "
                           "European commitment that predates the Entente; the dispute "
                           "data show Britain on France's side against Germany at Agadir "
                           "(1911).",
        readings=("snyder-1984", "friedberg-1988"),
    ),
    Claim(
        id="C6",
        title="Burden-shifting, not burden-sharing",
        excerpts=(
            Excerpt("P5", "As Christopher Layne said, in a balance of power system, the goal "
                    "is burden shifting, not burden sharing."),
            Excerpt("P5", "If, an offshore power managing a system of competing power "
                    "centers, is taking up new commitments with other allies so they will help "
                    "it on some number of its own commitments, it is likely to end up "
                    "suckered, rather than adequately supported."),
        ),
        testable_form=(
            "Two kinds of burden-shifting: Layne's, in which the offshore great power shifts "
            "burdens onto allies, and Olson and Zeckhauser's (1966), in which small allies "
            "exploit the great. The public-good model and its joint-product extension "
            "(Sandler 1977): equilibrium burden shares by size and by how public the good is; "
            "then NATO data: the rank correlation of size (GDP) and burden (military spending "
            "/ GDP) year by year with its significance, and pooled over each period by one "
            "permutation test that keeps each ally's series whole, 1949-2018 (SIPRI, "
            "Maddison; GDP also at exchange rates) and "
            "2014-2024 (NATO's tables), with and without the United States; and the U.S. "
            "share of allied spending on two definitions and two price bases."
        ),
        datasets=("military_burden", "gdp", "nato_expenditure", "nato_members"),
        measures=(
            "course.models.equilibrium",
            "course.models.free_riding_summary",
            "course.measures.burden.size_burden_correlation",
            "course.measures.burden.spearman_test",
            "course.measures.burden.significance_counts",
            "course.measures.burden.size_burden_pooled",
            "course.measures.burden.panel_rank_test",
            "course.measures.burden.rank_test_power",
            "course.measures.burden.exchange_rate_gdp",
            "course.measures.burden.size_burden_nato",
            "course.measures.burden.us_share_nato",
            "course.measures.burden.us_share_cow",
        ),
        lessons=("04", "06"),
        questions=(
            Question("C6.q1", "Do larger NATO members carry a larger burden, as the "
                     "Olson-Zeckhauser model predicts? In which decades?",
                     "rank correlation of GDP and military burden by year, with its sign and "
                     "the years in which it is significant"),
            Question("C6.q2", "Does the answer survive the joint-product extension or a "
                     "different measure of burden (SIPRI against NATO)?",
                     "model shares with a private-benefit share, and both data sources"),
        ),
        operationalisations=(
            Operationalisation("military_burden", "milex_share_gdp", "1949-latest",
                               "fraction of GDP"),
            Operationalisation("gdp", "gdp", "1949-2018", "2011 international dollars"),
        ),
        depends_on_measure="The correlation is positive in every year to 2018. Pooled over "
                           "1950-1966 it is clearly significant; pooled over 1967-2018 the "
                           "mean yearly rho is about a third and not significant at 5% "
                           "(the yearly tests, each with little power, find it in 2 of 52 "
                           "years): not significant is not no relation. On NATO's own "
                           "tables it is about zero by 2019; the U.S. share differs by "
                           "definition and by price base, and NATO revises earlier years.",
        readings=("olson-zeckhauser-1966", "sandler-forbes-1980", "murdoch-sandler-1982",
                  "plumper-neumayer-2015", "layne-1997", "wohlforth-1999",
                  "brooks-ikenberry-wohlforth-2013"),
    ),
    Claim(
        id="C7",
        title="Out-of-area operations and European capabilities",
        excerpts=(
            Excerpt("P11", "even though non-US coalition states conducted the majority of "
                    "sorties in Libya, it still had to take a much larger role in "
                    "suppression of enemy air defense, refueling, intelligence, and other "
                    "tasks"),
            Excerpt("P10", "economic pressure is likely to reduce the ability of European "
                    "countries to conduct such power projection further afield at America’s "
                    "behest"),
            Excerpt("P8", "They stuck with us."),
        ),
        testable_form=(
            "Sortie shares and enabler indicators for Libya 2011 and Kosovo 1999; ISAF troops "
            "by nation; European NATO spending before and after 2012 as context for [P10]. "
            "[P10] forecasts the ability to project power 'further afield', not spending, "
            "so spending cannot test it: that needs data on expeditionary capability "
            "(tankers, airlift, ISR and SEAD assets) or on European operations beyond "
            "Europe."
        ),
        datasets=("case_libya_2011", "case_kosovo_1999", "case_isaf_troops",
                  "case_nato_defence_gdp", "military_burden", "nato_expenditure"),
        measures=(
            "course.measures.cases.share_rows",
            "course.measures.cases.enablers",
            "course.measures.cases.isaf_relative",
            "course.measures.cases.outside_isaf",
            "course.measures.burden.european_burden",
            "course.measures.burden.european_spending_nato",
        ),
        lessons=("05", "06"),
        questions=(
            Question("C7.q1", "Did non-US allies fly most sorties over Libya, and who provided "
                     "the enablers?",
                     "sortie shares and the enabler indicators, with their sources"),
            Question("C7.q2", "What did European allies spend after 2012, and can spending "
                     "test the essay's forecast about power projection 'further afield'?",
                     "European spending (share of GDP) 2012 against the following years, "
                     "and what the new money bought"),
        ),
        operationalisations=(
            Operationalisation("case_libya_2011", "nation, metric, value", "2011",
                               "sorties, shares"),
            Operationalisation("nato_expenditure", "country, year, measure, value",
                               "2014-2024", "share of GDP"),
        ),
        depends_on_measure="Sorties, strike sorties and enabler sorties give different "
                           "shares; ISAF-only troop counts leave out US forces in Operation "
                           "Enduring Freedom. Spending is not power projection: it fell to "
                           "2015 and rose after 2014 and 2022, mostly for territorial "
                           "defence in Europe, the 'near abroad' of [P11], which fits the "
                           "essay rather than refuting it.",
        readings=("layne-1997", "beckley-2018", "dod-2000", "mueller-2015"),
    ),
)

_BY_ID = {claim.id: claim for claim in _CLAIMS}


# --------------------------------------------------------------------------------------
# Look-ups
# --------------------------------------------------------------------------------------


def ids() -> list[str]:
    """The claim ids, in order: ``['C1', ..., 'C7']``."""
    return [claim.id for claim in _CLAIMS]


def all_claims() -> list[Claim]:
    """Every claim of the essay, in order C1 to C7."""
    return list(_CLAIMS)


def get(claim_id: str) -> Claim:
    """The claim with this id (``"C3"``; ``"c3"`` and ``"3"`` are accepted too).

    Raises
    ------
    InputError
        If there is no such claim.

    Examples
    --------
    >>> get("c5").paragraphs
    ('P17',)
    """
    if isinstance(claim_id, int) and not isinstance(claim_id, bool):
        claim_id = f"C{claim_id}"
    if not isinstance(claim_id, str):
        raise InputError(f"a claim id is a string like 'C3', not {type(claim_id).__name__}")
    key = claim_id.strip().upper()
    if key.isdigit():
        key = "C" + key
    if key not in _BY_ID:
        raise InputError(f"unknown claim {claim_id!r}; the essay's claims are {', '.join(ids())}")
    return _BY_ID[key]


def for_lesson(lesson: str | int) -> list[Claim]:
    """The claims a lesson teaches (``"03"`` or ``3``).

    Raises
    ------
    InputError
        If no claim belongs to that lesson.
    """
    key = f"{int(lesson):02d}" if str(lesson).strip().isdigit() else str(lesson).strip()
    found = [claim for claim in _CLAIMS if key in claim.lessons]
    if not found:
        lessons = sorted({lesson for claim in _CLAIMS for lesson in claim.lessons})
        raise InputError(f"no claim belongs to lesson {lesson!r}; lessons with claims: "
                         f"{', '.join(lessons)}")
    return found


def readings_for(claim_id: str) -> list:
    """The readings the claim cites, in the registry's order (:class:`course.readings.Reading`).

    Raises
    ------
    DataError
        If the claim cites a key the reading list does not have.
    """
    from course import readings

    found = []
    for key in get(claim_id).readings:
        try:
            found.append(readings.get(key))
        except InputError:
            raise DataError(f"claim {get(claim_id).id} cites reading {key!r}, which is not in "
                            "course/registry/readings.yaml") from None
    return found


def excerpt_markdown(claim_id: str) -> str:
    """The claim's excerpts as markdown blockquotes, each with its paragraph id.

    Blockquotes are separated by a blank line, so each is its own quote when the
    notebook renders (and when the excerpt checker reads it).

    Examples
    --------
    >>> print(excerpt_markdown("C1"))
    > "in a world that is multipolar, but still U.S. led" [P10]
    <BLANKLINE>
    > "as rival centers of power emerge and U.S. hegemony retrenches itself" [P13]
    """
    return "\n\n".join(excerpt.markdown() for excerpt in get(claim_id).excerpts)


def measure_functions(claim_id: str) -> list:
    """Import and return the modules or functions listed in the claim's ``measures``.

    Raises
    ------
    InputError
        If an entry cannot be imported (the registry and the code disagree).
    """
    found = []
    for dotted in get(claim_id).measures:
        try:
            found.append(importlib.import_module(dotted))
            continue
        except ImportError:
            pass
        module_name, _, name = dotted.rpartition(".")
        try:
            found.append(getattr(importlib.import_module(module_name), name))
        except (ImportError, AttributeError) as error:
            raise InputError(f"claim {claim_id}: cannot import {dotted!r} ({error})") from None
    return found


def ledger():
    """One row per claim (id, title, paragraphs, lessons, datasets, testable form).

    The synthesis lesson starts its claim ledger from this table and adds a verdict
    column the student fills in.

    Examples
    --------
    >>> table = ledger()
    >>> list(table.columns)
    ['id', 'title', 'paragraphs', 'lessons', 'datasets', 'testable_form', 'verdict']
    >>> table.loc[table.id == "C5", "paragraphs"].item()
    'P17'
    """
    import pandas as pd

    rows = [{
        "id": c.id,
        "title": c.title,
        "paragraphs": ", ".join(c.paragraphs),
        "lessons": ", ".join(c.lessons),
        "datasets": ", ".join(c.datasets),
        "testable_form": c.testable_form,
        "verdict": "",
    } for c in _CLAIMS]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# The essay itself (optional: only beside the project, as in CI)
# --------------------------------------------------------------------------------------

_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                       "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_PARAGRAPH = re.compile(r"^\[(P\d+)\]\s+(.*)$")


def fold(text: str) -> str:
    """Fold curly quotes, dashes, markdown emphasis and runs of whitespace for comparison.

    Examples
    --------
    >>> fold("Britain’s  “interests” – *abroad*")
    'Britain\\'s "interests" - abroad'
    """
    return " ".join(re.sub(r"[*_`]", "", text.translate(_FOLD)).split())


def essay_path() -> Path:
    """Where the essay is expected: ``essay/essay.md`` beside the shared data folder."""
    from course import paths

    return paths.shared_data_dir().parent / "essay" / "essay.md"


def essay_paragraphs() -> dict[str, str]:
    """Every numbered paragraph of the essay, ``{"P1": text, ...}``.

    Raises
    ------
    DataError
        If the essay file is not available on this machine.
    """
    path = essay_path()
    if not path.is_file():
        raise DataError(
            f"the essay text is not available here (looked for {path.name} in the shared "
            "folder beside the project; set COURSE_RAW_DIR to its data folder). The "
            "excerpts in the registry work without it."
        )
    paragraphs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _PARAGRAPH.match(line.strip())
        if match:
            paragraphs[match.group(1)] = match.group(2)
    return paragraphs


def essay_paragraph(paragraph: str) -> str:
    """The full text of one essay paragraph (``"P17"`` or ``"[P17]"``).

    Raises
    ------
    InputError
        If the paragraph id does not exist in the essay.
    DataError
        If the essay file is not available.
    """
    key = str(paragraph).strip().strip("[]").upper()
    if key.isdigit():
        key = "P" + key
    paragraphs = essay_paragraphs()
    if key not in paragraphs:
        raise InputError(f"the essay has no paragraph {paragraph!r}; it runs from P1 to "
                         f"P{len(paragraphs)}")
    return paragraphs[key]


def check_excerpts() -> list[str]:
    """Problems with the stored excerpts: each must be verbatim in the paragraph it cites.

    Text may be elided with ``...`` or ``…``; each remaining part is compared after
    :func:`fold`. Returns an empty list when every excerpt checks out.

    Raises
    ------
    DataError
        If the essay file is not available.
    """
    paragraphs = {key: fold(text) for key, text in essay_paragraphs().items()}
    problems = []
    for claim in _CLAIMS:
        for excerpt in claim.excerpts:
            where = paragraphs.get(excerpt.paragraph)
            if where is None:
                problems.append(f"{claim.id}: cites missing paragraph {excerpt.paragraph}")
                continue
            for part in re.split(r"\s*(?:\.\.\.|…)\s*", excerpt.text):
                if fold(part) and fold(part) not in where:
                    problems.append(f"{claim.id} [{excerpt.paragraph}]: not verbatim: "
                                    f"{part[:80]!r}")
    return problems
