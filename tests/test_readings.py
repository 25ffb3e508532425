"""The reading list: a schema-checked data file that claims and lessons draw on."""

from __future__ import annotations

import json

import pytest
import yaml

from course import claims, readings
from course.errors import DataError
from course.paths import NOTEBOOKS_DIR

#: The readings issue 12 asks for, by first author and year.
REQUIRED = {"deutsch-singer-1964", "waltz-1979", "snyder-1984", "christensen-snyder-1990",
            "walt-1987", "kennedy-1980", "friedberg-1988", "olson-zeckhauser-1966",
            "sandler-forbes-1980", "murdoch-sandler-1982", "plumper-neumayer-2015",
            "beckley-2018", "layne-1997",
            # issue 23, item 10: the unipolarity literature and the official sources
            "wohlforth-1999", "brooks-ikenberry-wohlforth-2013", "dod-2000", "mueller-2015"}
LESSONS = ("01", "02", "03", "04", "05", "06")


def _document():
    return yaml.safe_load(readings.PATH.read_text(encoding="utf-8"))


def test_the_file_passes_its_schema_and_holds_the_required_readings():
    keys = {r.key for r in readings.all_readings()}
    assert keys >= REQUIRED
    for reading in readings.all_readings():
        assert reading.key.endswith(str(reading.year)), reading.key
        assert reading.citation().count(str(reading.year)) >= 1


@pytest.mark.parametrize("change, message", [
    (lambda e: e.pop("venue"), "'venue' is a required property"),
    (lambda e: e.update(year="1966"), "is not of type 'integer'"),
    (lambda e: e.update(claims=["C9"]), "does not match"),
    (lambda e: e.update(pages="266 to 279"), "does not match"),
    (lambda e: e.update(authors=["Olson Mancur"]), "does not match"),
    (lambda e: e.update(note="short"), "is too short"),
    (lambda e: e.update(publisher="MIT"), "Additional properties"),
])
def test_a_broken_entry_is_refused_with_a_message_naming_it(change, message):
    document = _document()
    change(document["readings"][0])
    with pytest.raises(DataError, match=message) as error:
        readings.parse(yaml.safe_dump(document))
    assert "readings/0" in str(error.value)


def test_an_entry_needs_authors_or_an_organization():
    document = _document()
    entry = document["readings"][0]
    entry.pop("authors")
    with pytest.raises(DataError, match="readings/0: an entry needs 'authors'"):
        readings.parse(yaml.safe_dump(document))
    entry["organization"] = "U.S. Department of Defense"
    assert readings.parse(yaml.safe_dump(document))[0].author_names() == (
        "U.S. Department of Defense")


def test_reports_and_edited_volumes_are_cited_in_full():
    assert readings.get("dod-2000").citation() == (
        "U.S. Department of Defense. 2000. *Report to Congress: Kosovo/Operation Allied "
        "Force After-Action Report*. Washington, DC: U.S. Department of Defense.")
    assert readings.get("mueller-2015").citation() == (
        "Mueller, Karl P., ed. 2015. *Precision and Purpose: Airpower in the Libyan Civil "
        "War*. Santa Monica, CA: RAND Corporation.")
    assert readings.get("brooks-ikenberry-wohlforth-2013").author_names() == (
        "Brooks, Stephen G., G. John Ikenberry and William C. Wohlforth")


def test_a_key_used_twice_is_refused():
    document = _document()
    document["readings"].append(dict(document["readings"][0]))
    with pytest.raises(DataError, match="used more than once"):
        readings.parse(yaml.safe_dump(document))


def test_claims_and_readings_cite_each_other():
    for claim in claims.all_claims():
        assert claim.readings, f"{claim.id} cites no reading"
        for reading in claims.readings_for(claim.id):
            assert claim.id in reading.claims, (claim.id, reading.key)
    for reading in readings.all_readings():
        for claim_id in reading.claims:
            assert reading.key in claims.get(claim_id).readings, (reading.key, claim_id)


def test_a_claim_citing_an_unknown_reading_is_a_data_error(monkeypatch):
    bad = claims.Claim(id="C8", title="t", excerpts=(), testable_form="f", datasets=(),
                       measures=(), lessons=("99",), questions=(), readings=("nobody-2000",))
    monkeypatch.setattr(claims, "_BY_ID", {**claims._BY_ID, "C8": bad})
    with pytest.raises(DataError, match="nobody-2000"):
        claims.readings_for("C8")


def test_citations_are_complete_references():
    article = readings.get("snyder-1984").citation()
    assert article == ('Snyder, Glenn H. 1984. "The Security Dilemma in Alliance Politics." '
                       '*World Politics* 36(4): 461-495.')
    book = readings.get("friedberg-1988").citation()
    assert book.endswith("Princeton, NJ: Princeton University Press.")
    assert readings.get("christensen-snyder-1990").author_names() == (
        "Christensen, Thomas J. and Jack Snyder")


@pytest.mark.parametrize("lesson", LESSONS)
def test_each_lesson_ends_with_its_reading_list_from_the_registry(lesson):
    path = next(NOTEBOOKS_DIR.glob(f"{lesson}-*.ipynb"))
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    last = cells[-1]
    source = "".join(last["source"]) if isinstance(last["source"], list) else last["source"]
    assert last["cell_type"] == "markdown"
    assert source.strip() == readings.lesson_markdown(lesson), (
        f"{path.name}: the last cell must be readings.lesson_markdown({lesson!r}); "
        "regenerate it from course/registry/readings.yaml")
    # every claim the lesson teaches has at least one of its readings on the list
    listed = {r.key for r in readings.for_lesson(lesson)}
    for claim in claims.for_lesson(lesson):
        assert listed & set(claim.readings), (lesson, claim.id)
