"""The trust boundary: files, notebooks, run messages and answers are read with limits.

Everything here is something a student controls: the kind and size of the file handed in,
the notebook's JSON, every line its process writes to the message descriptor, and the
answers decoded from them. None of it may crash, stall or exhaust the grader, and each
failure becomes that one submission's status and message.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from course.grading import testing, untrusted
from course.grading.run.runner import GradingSpec, grade_paths
from course.grading.run.tester import TestLimits
from course.grading.untrusted import Refused, answers, bounded_json, read_run, read_submission

HERE = Path(__file__).resolve().parents[1]  # tests/grading: fixtures/, corpus/, gradebooks.py
FIXTURE = HERE / "fixtures" / "fx"


# --------------------------------------------------------------------------- JSON


@pytest.mark.parametrize(("data", "status"), [
    (b"[" * 100_000 + b"]" * 100_000, "too_complex"),  # Python's parser would recurse
    (b"[" + b"0," * 2_000_000 + b"0]", "too_complex"),  # a value per byte or two
    (b'{"a": [1, 2', "invalid_json"),
    (b'{"a": NaN}', "invalid_json"),
    (b"\xff\xfe{}", "invalid_json"),
])
def test_json_is_bounded_before_it_is_parsed(data, status):
    result = bounded_json(data, max_bytes=20_000_000, max_depth=64, max_items=1_000_000,
                          what="x")
    assert type(result) is Refused and result.status == status


def test_strings_and_escapes_do_not_count_as_structure():
    data = json.dumps({"text": "[[[{{,,,:::" * 1000 + '\\"' * 1000}).encode()
    assert bounded_json(data, max_bytes=10**6, max_depth=2, max_items=5, what="x")["text"]


# --------------------------------------------------------------------------- files


def test_only_regular_files_are_read(tmp_path):
    real = tmp_path / "real.ipynb"
    real.write_text("{}")
    (tmp_path / "link.ipynb").symlink_to(real)
    (tmp_path / "zero.ipynb").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "pipe.ipynb")
    (tmp_path / "folder.ipynb").mkdir()
    big = tmp_path / "big.ipynb"
    with big.open("wb") as handle:  # sparse: nothing is read to refuse it
        handle.truncate(untrusted.MAX_NOTEBOOK_BYTES + 1)
    assert read_submission(real).data == b"{}"
    outcomes = {}
    for name in ("link", "zero", "pipe", "folder", "big"):
        done = []

        def attempt(name=name, done=done):
            try:
                read_submission(tmp_path / f"{name}.ipynb")
            except Refused as refusal:
                done.append(refusal.status)

        reader = threading.Thread(target=attempt, daemon=True)
        reader.start()
        reader.join(timeout=5)  # a pipe must not hang the grader
        outcomes[name] = done[0] if done else "hung"
    assert outcomes == {"link": "symlink", "zero": "symlink", "pipe": "not_regular_file",
                        "folder": "not_a_file", "big": "too_large"}


# --------------------------------------------------------------------------- messages


def _job(tmp_path: Path, lines: list[bytes], record: dict | None = None) -> Path:
    (tmp_path / "result.jsonl").write_bytes(b"".join(line + b"\n" for line in lines))
    record = record or {"status": None, "exit_code": 0, "containment": "namespace"}
    (tmp_path / "exit.json").write_text(json.dumps(record))
    return tmp_path


def _answers(question: str, **payloads) -> bytes:
    return json.dumps({"kind": "answers", "question": question, "answers": payloads}).encode()


def test_hostile_messages_are_refused_one_by_one_and_the_rest_kept(tmp_path):
    x = answers.encode(42)
    lines = [
        b'{"kind": "plan", "n_cells": 3, "answer_cells": ["q1"]}',
        _answers("q1", x=x),
        b"[" * 300 + b"]" * 300,  # too deep
        b"x" * (untrusted.MAX_MESSAGE_BYTES + 10),  # too long
        b"42",  # not an object
        b'{"kind": "exit", "status": "ok", "exit_code": 0}',  # forged exit record: ignored
        _answers("q9", x=x),  # a question the problem set does not have
        _answers("q2", y=answers.encode("two"), extra=x),  # an extra variable: dropped
        *[json.dumps({"kind": "error", "cell": i, "question": "q1", "error": "E" * 5000})
          .encode() for i in range(untrusted.MAX_CELL_ERRORS + 10)],
        b'{"kind": "done"}',
    ]
    run = read_run(_job(tmp_path, lines), {"q1": ["x"], "q2": ["y"]})
    assert run.status == "refused_message"
    assert run.answers == {"q1": {"x": x}, "q2": {"y": answers.encode("two")}}
    assert len(run.refused) == 5 and "nested more than" in run.refused[0]
    assert len(run.cell_errors) == untrusted.MAX_CELL_ERRORS and run.errors_dropped == 10
    assert all(len(e["error"]) <= untrusted.MAX_ERROR_CHARS for e in run.cell_errors)
    assert "5 message(s) from the notebook's process were refused" in run.message


def test_a_run_that_wrote_nothing_is_a_clear_failure(tmp_path):
    assert read_run(tmp_path, {"q1": ["x"]}).status == "failed"


@pytest.mark.parametrize("payload", [
    {"type": "ndarray", "kind": "float", "dtype": "(1000000000,)f8", "shape": [1],
     "data": [1.0]},
    {"type": "ndarray", "kind": "float", "dtype": "float64", "shape": [100000, 100000],
     "data": [1.0]},
    {"type": "ndarray", "kind": "float", "dtype": "V1000000000", "shape": [1], "data": [1.0]},
    {"type": "series", "kind": "str", "dtype": "S1000000000", "data": ["a"],
     "index": {"range": [0, 1, 1], "names": [{"type": "none"}]}, "name": {"type": "none"}},
    {"type": "series", "kind": "float", "dtype": "float64", "data": [],
     "index": {"range": [0, 10**15, 1], "names": [{"type": "none"}]}, "name": {"type": "none"}},
    {"type": "list", "items": [{"type": "list", "items": []}] * 3, "container": "set"},
])
def test_nothing_a_payload_names_decides_an_allocation(payload):
    with pytest.raises(answers.AnswerFormatError):
        answers.decode(payload)


def test_a_huge_text_width_is_taken_from_the_text_sent():
    array = answers.decode({"type": "ndarray", "kind": "str", "dtype": "<U999999999",
                            "shape": [2], "data": ["ab", "c"]})
    assert array.dtype.itemsize == 2 * 4  # two characters wide, not a billion


# --------------------------------------------------------------------------- the tester


SLOW_TESTS = textwrap.dedent('''
    import time
    from course.grading import testing
    from course.grading.testing import hidden

    @hidden("q1")
    def q1_value(answers):
        if answers["x"] == "slow":
            time.sleep(600)
        testing.expect(testing.matches(answers["x"], 1), "`x` should be 1.")
''')


def _spec(tests_source: str) -> GradingSpec:
    from course.grading.author.assignment import Question

    return GradingSpec("fx", "slow", [Question("q1", 1.0, "auto", "q1", ["x"])],
                       testing.load_tests(tests_source), 1.0, 10, 512)


def _notebook(folder: Path, name: str, source: str) -> Path:
    path = folder / f"{name}.ipynb"
    path.write_text(json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {"course": {"assignment": "fx"}},
        "cells": [{"cell_type": "code", "metadata": {"course": {"question": "q1"}},
                   "outputs": [], "execution_count": None, "source": source}]}))
    return path


@pytest.mark.slow
def test_tests_that_stall_on_an_answer_are_stopped_and_the_batch_goes_on(tmp_path):
    spec = _spec(SLOW_TESTS)
    files = [_notebook(tmp_path, "a", "x = 1"), _notebook(tmp_path, "b", "x = 'slow'"),
             _notebook(tmp_path, "c", "x = 1")]
    grades = grade_paths(spec, files, test_limits=TestLimits(time_s=3))
    assert [(g.student_id, g.status, g.total) for g in grades] == [
        ("a", "ok", 1.0), ("b", "tests_timeout", 0.0), ("c", "ok", 1.0)]
    assert "took longer than 3 s" in grades[1].message


# --------------------------------------------------------------------------- memory

HOSTILE = {
    "deep": "import os\nos.write(3, b'[' * 500_000 + b']' * 500_000 + b'\\n')",
    "flat": "import os\nos.write(3, b'[' + b'0,' * 3_900_000 + b'0]\\n')",
    "long": "import os\nos.write(3, b'\"' + b'x' * 10_000_000 + b'\"\\n')",
    "many": "import os\nfor _ in range(4000):\n    os.write(3, b'[' + b'0,' * 5000 + b'0]\\n')",
    "dtype": ("import os, json\nos.write(3, json.dumps({'kind': 'answers', 'question': 'q1', "
              "'answers': {'shares': {'type': 'series', 'kind': 'str', 'dtype': '<U999999999',"
              " 'data': ['a'], 'name': {'type': 'none'}, 'index': {'range': [0, 1, 1], "
              "'names': [{'type': 'none'}]}}}}).encode() + b'\\n')"),
    "shape": ("import os, json\nos.write(3, json.dumps({'kind': 'answers', 'question': 'q1', "
              "'answers': {'shares': {'type': 'ndarray', 'kind': 'float', 'dtype': 'float64',"
              " 'shape': [100000, 100000], 'data': [1.0]}}}).encode() + b'\\n')"),
    "errors": "import os\nfor i in range(50_000):\n    os.write(3, b'{\"kind\": \"error\", "
              "\"cell\": 1, \"error\": \"' + b'E' * 300 + b'\"}\\n')",
}

MEASURE = textwrap.dedent('''
    import json, resource, sys
    from pathlib import Path
    from course.grading.run.runner import grade_paths, load_spec
    spec = load_spec("fx", autograder_dir=sys.argv[1])
    files = [Path(p) for p in sys.argv[2:]]
    grades = grade_paths(spec, files, workers=2, time_limit=20, memory_mb=1024)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_mb": peak, "status": {g.student_id: g.status for g in grades}}))
''')


def _measure(files: list[Path]) -> dict:
    out = subprocess.run([sys.executable, "-c", MEASURE, str(FIXTURE), *map(str, files)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.needs("solutions")  # grades the fixture problem set
def test_the_graders_peak_memory_is_bounded_whatever_a_submission_sends(tmp_path):
    solution = json.loads((FIXTURE / "fx.ipynb").read_text())
    plain = tmp_path / "plain"
    hostile = tmp_path / "hostile"
    plain.mkdir()
    hostile.mkdir()
    files = {"plain": [], "hostile": []}
    for name in ("p1", "p2"):
        path = plain / f"{name}.ipynb"
        path.write_text(json.dumps(solution))
        files["plain"].append(path)
    for name, cell in HOSTILE.items():
        notebook = json.loads(json.dumps(solution))
        notebook["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [],
                                  "execution_count": None, "source": cell})
        path = hostile / f"{name}.ipynb"
        path.write_text(json.dumps(notebook))
        files["hostile"].append(path)
    # a notebook just under every limit the grader itself parses with: ~19 MB, ~900,000 values
    notebook = json.loads(json.dumps(solution))
    notebook["cells"].append({"cell_type": "raw", "metadata": {}, "source": ["ab\n"] * 900_000,
                              "attachments": {"x": {"text/plain": "é" * 5_000_000}}})
    path = hostile / "huge_notebook.ipynb"
    path.write_text(json.dumps(notebook, ensure_ascii=False))
    assert path.stat().st_size < untrusted.MAX_NOTEBOOK_BYTES
    files["hostile"].append(path)
    baseline = _measure(files["plain"])
    attacked = _measure(files["hostile"])
    assert set(baseline["status"].values()) == {"ok"}
    assert attacked["status"] == {
        "deep": "refused_message", "flat": "refused_message", "long": "refused_message",
        "many": "output_limit", "dtype": "ok", "shape": "malformed_answer",
        "errors": "ok", "huge_notebook": "ok"}
    # Each of these once cost the grader gigabytes (or its life); now the grader's own
    # process grows by what reading a 20 MB notebook costs, at most.
    extra = attacked["peak_mb"] - baseline["peak_mb"]
    print(f"grader peak: {baseline['peak_mb']:.0f} MB plain, {attacked['peak_mb']:.0f} MB "
          f"under attack (+{extra:.0f} MB)")
    assert extra < 250
