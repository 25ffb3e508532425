"""The claims registry: verbatim excerpts, look-ups, and links to data and measures."""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pytest

from course import claims, paths
from course.errors import DataError, InputError

ESSAY = paths.shared_data_dir().parent / "essay" / "essay.md"
CHECKER = paths.shared_data_dir().parent / "tools" / "check_excerpts.py"


def _essay_paragraphs_independently() -> dict[str, str]:
    """Read the essay without the registry's code: '[Pn] text' lines, folded."""
    table = {0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"', 0x2013: "-", 0x2014: "-",
             0xA0: " "}
    out = {}
    for line in ESSAY.read_text(encoding="utf-8").splitlines():
        if line.startswith("[P"):
            key, _, text = line.partition("] ")
            out[key[1:]] = " ".join(text.translate(table).split())
    return out


def test_there_are_seven_claims_in_order():
    assert claims.ids() == ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]
    assert [c.id for c in claims.all_claims()] == claims.ids()


@pytest.mark.needs("essay")
def test_every_excerpt_is_verbatim_in_the_paragraph_it_cites():
    paragraphs = _essay_paragraphs_independently()
    assert len(paragraphs) == 20
    table = {0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"', 0x2013: "-", 0x2014: "-"}
    for claim in claims.all_claims():
        assert claim.excerpts, claim.id
        for excerpt in claim.excerpts:
            text = " ".join(excerpt.text.translate(table).split())
            assert text in paragraphs[excerpt.paragraph], (claim.id, excerpt.paragraph, text)
            others = [p for p, body in paragraphs.items() if text in body]
            assert others == [excerpt.paragraph], (claim.id, others)
    assert claims.check_excerpts() == []


@pytest.mark.needs("essay")
def test_check_excerpts_reports_a_misquote_and_a_wrong_paragraph(monkeypatch):
    bad = claims.Claim(
        id="C9", title="t", testable_form="f", datasets=(), measures=(), lessons=("99",),
        questions=(),
        excerpts=(claims.Excerpt("P17", "it was German geopolitical reach which proved the "
                                 "greater problem"),
                  claims.Excerpt("P5", "as Britain remained in naval, financial, and many "
                                 "other terms")),
    )
    monkeypatch.setattr(claims, "_CLAIMS", (*claims._CLAIMS, bad))
    problems = claims.check_excerpts()
    assert len(problems) == 2
    assert problems[0].startswith("C9 [P17]: not verbatim")
    assert problems[1].startswith("C9 [P5]: not verbatim")


@pytest.mark.needs("essay", "excerpt-checker")
def test_excerpt_markdown_passes_the_course_excerpt_checker(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(claims.excerpt_markdown(cid))
                      for cid in claims.ids()]
    good = tmp_path / "good.ipynb"
    nbformat.write(notebook, good)
    run = subprocess.run([sys.executable, str(CHECKER), str(good)], capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stdout

    # the same shape with one word changed must be caught by the checker
    notebook.cells.append(nbformat.v4.new_markdown_cell(
        claims.excerpt_markdown("C4").replace("naval", "military")))
    bad = tmp_path / "bad.ipynb"
    nbformat.write(notebook, bad)
    run = subprocess.run([sys.executable, str(CHECKER), str(bad)], capture_output=True,
                         text=True)
    assert run.returncode == 1 and "not verbatim" in run.stdout


def test_excerpt_markdown_is_one_blockquote_per_excerpt_with_its_paragraph():
    text = claims.excerpt_markdown("C5")
    blocks = text.split("\n\n")
    assert len(blocks) == 3
    for block in blocks:
        assert re.fullmatch(r'> ".+" \[P17\]', block)


def test_get_accepts_spellings_and_rejects_unknown_ids():
    assert claims.get("c3") is claims.get("C3") is claims.get(3) is claims.get(" 3 ")
    with pytest.raises(InputError, match="C1, C2, C3, C4, C5, C6, C7"):
        claims.get("C8")
    with pytest.raises(InputError, match="string like 'C3'"):
        claims.get(None)


def test_lessons_and_questions():
    assert [c.id for c in claims.for_lesson(3)] == ["C3", "C4", "C5"]
    assert [c.id for c in claims.for_lesson("06")] == claims.ids()
    with pytest.raises(InputError, match="lessons with claims"):
        claims.for_lesson("11")
    for claim in claims.all_claims():
        assert claim.questions and claim.testable_form and claim.datasets
        assert all(q.id.startswith(claim.id + ".q") and q.evidence for q in claim.questions)
    question_ids = [q.id for c in claims.all_claims() for q in c.questions]
    assert len(question_ids) == len(set(question_ids))


def test_britain_claims_name_functions_that_exist():
    from course.measures import britain

    for cid in ("C3", "C4", "C5"):
        functions = claims.measure_functions(cid)
        assert functions and all(callable(f) for f in functions)
        assert all(f.__module__ == britain.__name__ for f in functions)


def test_every_claim_names_functions_that_exist():
    for claim in claims.all_claims():
        functions = claims.measure_functions(claim.id)
        assert len(functions) == len(claim.measures) and all(callable(f) for f in functions)


def test_measure_functions_reports_a_broken_entry(monkeypatch):
    broken = claims.Claim(id="C3", title="t", excerpts=(), testable_form="f", datasets=(),
                          measures=("course.measures.britain.no_such_function",),
                          lessons=(), questions=())
    monkeypatch.setitem(claims._BY_ID, "C3", broken)
    with pytest.raises(InputError, match="no_such_function"):
        claims.measure_functions("C3")


def test_every_claim_uses_tables_in_the_catalogue():
    from course import data

    names = set(data.catalog()["name"])
    for claim in claims.all_claims():
        tables = set(claim.datasets) | {o.dataset for o in claim.operationalisations}
        missing = tables - names
        cid = claim.id
        assert not missing, (cid, missing)


@pytest.mark.needs("essay")
def test_essay_paragraph_reads_the_essay_and_checks_ids():
    text = claims.essay_paragraph("[P17]")
    assert claims.fold(text).startswith("For all the talk about German Weltpolitik")
    assert text.endswith("defensive commitments in mainland Europe.")
    assert claims.essay_paragraph("p5") == claims.essay_paragraph("P5")
    with pytest.raises(InputError, match="P1 to P20"):
        claims.essay_paragraph("P21")


def test_registry_works_without_the_shared_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_RAW_DIR", str(tmp_path / "data"))
    assert "[P18]" in claims.excerpt_markdown("C4")
    with pytest.raises(DataError, match="excerpts in the registry work without it"):
        claims.essay_paragraph("P17")


def test_ledger_has_one_row_per_claim():
    table = claims.ledger()
    assert list(table["id"]) == claims.ids()
    assert table.loc[table.id == "C3", "paragraphs"].item() == "P17, P16"
    assert (table["verdict"] == "").all()


# ------------------------------------------------------------- the registry is data


def _claims_document():
    import yaml

    return yaml.safe_load(claims.PATH.read_text(encoding="utf-8"))


def _parse(document):
    import yaml

    return claims.parse(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))


def test_the_registry_is_a_data_file_that_passes_its_schema():
    from course import registry

    assert claims.PATH == registry.FOLDER / "claims.yaml"
    assert claims.PATH.read_text(encoding="utf-8").startswith("# The essay's claims")
    assert "How to edit" in claims.PATH.read_text(encoding="utf-8")
    assert claims.parse(claims.PATH.read_text(encoding="utf-8")) == tuple(claims.all_claims())
    # the reference implementation of JSON Schema reads both schemas and files the same way
    import jsonschema

    for name in ("claims", "readings"):
        jsonschema.Draft7Validator.check_schema(registry.schema(name))
        jsonschema.Draft7Validator(registry.schema(name)).validate(registry.load(name))


@pytest.mark.parametrize("change, message", [
    (lambda c: c.pop("title"), "claims/2: 'title' is a required property; fix entry C3$"),
    (lambda c: c.update(title=42), "claims/2/title: 42 is not of type 'string'; fix entry C3, "
                                   "field 'title'"),
    (lambda c: c["excerpts"][0].update(paragraph="17"),
     "claims/2/excerpts/0/paragraph: '17' does not match '\\^P\\[0-9\\]\\+\\$'; fix entry C3, "
     "field 'excerpts/0/paragraph'"),
    (lambda c: c.update(lessons=[3]), "claims/2/lessons/0: 3 is not of type 'string'"),
    (lambda c: c.update(verdict="x"), "Additional properties are not allowed \\('verdict' was "
                                      "unexpected\\); fix entry C3$"),
    (lambda c: c.update(depends_on_measure=["a list"]),
     "field 'depends_on_measure'"),
    (lambda c: c.update(measures=["numpy.mean"]), "claims/2/measures/0: 'numpy.mean' does not"),
    (lambda c: c["questions"][0].pop("evidence"), "claims/2/questions/0: 'evidence' is a "
                                                  "required property; fix entry C3, field "
                                                  "'questions/0'"),
    (lambda c: c.update(questions=[]), "claims/2/questions: \\[\\] should be non-empty"),
    (lambda c: c["questions"][0].update(id="C4.q9"), "claim C3 has the question C4.q9: its id "
                                                     "must start with C3.q"),
    (lambda c: c.update(id="C2"), "the claim id\\(s\\) \\['C2'\\] are used more than once"),
], ids=["no-title", "title-not-text", "paragraph-id", "lesson-not-quoted", "unknown-field",
        "verdict-not-text", "measure-elsewhere", "question-without-evidence", "no-questions",
        "question-of-another-claim", "claim-id-twice"])
def test_a_broken_claim_is_refused_with_a_message_naming_it_and_the_field(change, message):
    document = _claims_document()
    change(document["claims"][2])
    with pytest.raises(DataError, match=message):
        _parse(document)


def test_a_registry_that_is_not_yaml_is_refused():
    with pytest.raises(DataError, match="claims.yaml is not valid YAML"):
        claims.parse("claims: [\n  - id: C1\n title: x")


def test_every_claim_cites_readings_on_the_reading_list_and_back():
    from course import readings

    for claim in claims.all_claims():
        assert [r.key for r in claims.readings_for(claim.id)] == list(claim.readings)
        for reading in readings.for_claim(claim.id):
            assert claim.id in reading.claims
