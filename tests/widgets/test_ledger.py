"""The claim ledger: verdict rules, JSON round trip, Markdown export and the form."""

import json

import pytest

from course.errors import InputError
from course.widgets.ledger import VERDICTS, Entry, Ledger, claim_ids, ledger_form

FALLBACK_IDS = ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]


def test_blank_ledger_covers_the_essays_claims():
    assert claim_ids() == FALLBACK_IDS
    ledger = Ledger.blank()
    assert [e.claim for e in ledger] == FALLBACK_IDS
    assert not ledger.complete


def test_verdicts_are_checked():
    ledger = Ledger.blank(["C6"])
    for verdict in VERDICTS:
        assert ledger.set("C6", verdict, "e", "o").verdict == verdict
    assert ledger.set("C6", "  Supported ").verdict == "supported"
    with pytest.raises(InputError, match="must be one of"):
        ledger.set("C6", "true")
    with pytest.raises(InputError, match="no claim"):
        ledger.set("C9", "mixed")
    with pytest.raises(InputError, match="text"):
        Entry("C1", evidence=42)
    with pytest.raises(InputError, match="twice"):
        Ledger([Entry("C1"), Entry("C1")])


def test_json_round_trip_and_file(tmp_path):
    ledger = Ledger.blank()
    ledger.set("C6", "mixed", "rho > 0.5 in the 1950s, about 0.2 after 2000",
               "GDP rank is not the only thing that sets a burden")
    ledger.set("C7", "contradicted", "median European burden 1.35% (2012) -> 2.04% (2024)",
               "spending is not power projection")
    path = ledger.save(tmp_path / "claim_ledger.json")
    assert json.loads(path.read_text())["entries"][5]["verdict"] == "mixed"
    again = Ledger.load(path)
    assert again == ledger
    assert again["c7"].evidence.startswith("median")
    assert Ledger.load_or_blank(tmp_path / "none.json") == Ledger.blank()


@pytest.mark.parametrize("text, fragment", [
    ("not json", "not valid JSON"),
    ('{"entries": 3}', "entries"),
    ('{"entries": [{"verdict": "mixed"}]}', "no 'claim'"),
    ('{"entries": [{"claim": "C1", "score": 3}]}', "unknown field"),
    ('{"format": 9, "entries": []}', "format"),
])
def test_bad_json_is_explained(text, fragment):
    with pytest.raises(InputError, match=fragment):
        Ledger.from_json(text)


def test_markdown_export(tmp_path):
    ledger = Ledger.blank(["C1", "C6"])
    ledger.set("C6", "supported", "US paid 64-78 % | of allied spending", "one ally is not n")
    md = ledger.to_markdown()
    assert md.startswith("# Claim ledger")
    assert "| C6 | Burden-shifting, not burden-sharing | supported |" in md
    assert "| C1 | " in md and "not yet decided" in md
    assert "**Strongest objection:** one ally is not n" in md
    out = ledger.save_markdown(tmp_path / "ledger.md")
    assert out.read_text() == md


def test_form_edits_and_saves(tmp_path):
    path = tmp_path / "claim_ledger.json"
    form = ledger_form(Ledger.blank(), path=path)
    c = form.controls
    c["claim"].value = "C7"
    c["verdict"].value = "contradicted"
    c["evidence"].value = "European burden rose after 2014"
    c["objection"].value = "spending is not capability"
    assert form.ledger["C7"].complete
    c["claim"].value = "C1"  # switching claims shows that claim's (empty) entry
    assert c["verdict"].value == "" and c["evidence"].value == ""
    c["claim"].value = "C7"
    assert c["evidence"].value == "European burden rose after 2014"
    form.save()
    assert Ledger.load(path)["C7"].verdict == "contradicted"
    assert path.with_suffix(".md").read_text().count("## C") == 7
    reopened = ledger_form(path=path)  # picks up the saved file
    assert reopened.ledger["C7"].objection == "spending is not capability"
