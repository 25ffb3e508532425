"""Build the corpus of known submissions from a problem set's solution notebook.

Every case is the solution notebook with one change — a wrong answer, a crash, an attack
or a damaged file — so the corpus follows the problem set as it evolves. What each case
must score is in ``manifest.yaml`` beside this file, written in terms of the problem
set's auto-graded questions: ``first`` (the first one), ``last`` (the last one),
``rest`` (all but the first), ``others`` (all but the last) and ``all``.

The wrong-answer cases change a *correct* answer after its cell runs (scaled numbers,
a dropped row, an off-by-one count), so they are plausible slips, not placeholders.
"""

from __future__ import annotations

import copy
import json
import textwrap
from pathlib import Path
from typing import Any

import nbformat
import yaml

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.yaml"

# Appended to an answer cell: replace each answer variable by a plausible wrong value.
PERTURB = textwrap.dedent('''
    def _corpus_wrong(value, mode):
        import numpy as np
        import pandas as pd
        if type(value) is bool:
            return not value
        if type(value) is int:
            return value + 1 if mode == "scale" else value * 2 + 1
        if type(value) is float:
            return value * 1.5 + 0.1
        if type(value) is str:
            return value + " (or perhaps not)"
        if type(value) in (pd.Series, pd.DataFrame):
            numeric = value.select_dtypes("number") if type(value) is pd.DataFrame else (
                value if pd.api.types.is_numeric_dtype(value) and value.dtype != bool
                else None)
            if mode == "scale" and numeric is not None and numeric.size:
                out = value.copy()
                if type(value) is pd.DataFrame:
                    out[numeric.columns] = numeric * 1.5 + 0.1
                else:
                    out = value * 1.5 + 0.1
                return out
            return value.iloc[:-1] if len(value) > 1 else value.iloc[0:0]
        if type(value) is np.ndarray:
            return value * 1.5 + 0.1 if mode == "scale" else value[:-1]
        if type(value) in (list, tuple):
            return type(value)(list(value)[:-1]) if len(value) > 1 else type(value)()
        if type(value) is dict:
            keys = list(value)
            return {k: _corpus_wrong(value[k], mode) for k in keys[:-1]} if len(keys) > 1 else {}
        if type(value).__module__.startswith("altair"):
            chart = value.copy(deep=True)
            def _each(part):
                data = getattr(part, "data", None)
                if type(data) is pd.DataFrame:
                    part.data = _corpus_wrong(data, mode)
                for key in ("layer", "hconcat", "vconcat", "concat"):
                    children = getattr(part, key, None)
                    if type(children) is list:
                        for child in children:
                            _each(child)
                inner = getattr(part, "spec", None)
                if inner is not None and type(inner).__module__.startswith("altair"):
                    _each(inner)
            _each(chart)
            return chart
        return None
''')

ALWAYS_EQUAL = textwrap.dedent('''
    class _Anything(float):
        def __eq__(self, other):
            return True
        def __ne__(self, other):
            return False
        __hash__ = float.__hash__
    class _Whatever:
        def __eq__(self, other):
            return True
        def __len__(self):
            return 1
        def sum(self, *args, **kwargs):
            return _Anything(1.0)
        def __getattr__(self, name):
            return self
        def __call__(self, *args, **kwargs):
            return self
''')

ATTACKS: dict[str, str] = {
    "os_exit": "import os\nos._exit(3)",
    "sys_exit": "import sys\nsys.exit(1)",
    "infinite_loop": textwrap.dedent('''
        import signal
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        while True:
            pass
    '''),
    "fork_bomb": textwrap.dedent('''
        import os
        while True:
            os.fork()
    '''),
    "memory_bomb": textwrap.dedent('''
        def _grow():
            blocks = []
            while True:
                blocks.append(bytearray(50_000_000))
        _grow()
    '''),
    "output_bomb": textwrap.dedent('''
        import os
        _line = b"x" * 1_000_000
        for _ in range(1_000):  # a gigabyte, straight to the file descriptor
            os.write(1, _line)
    '''),
}


def _answer_cells(nb: Any) -> dict[str, int]:
    out = {}
    for index, cell in enumerate(nb.cells):
        qid = cell.get("metadata", {}).get("course", {}).get("question")
        if isinstance(qid, str) and cell.cell_type == "code":
            out[qid] = index
    return out


def roles(questions: list[str]) -> dict[str, list[str]]:
    """The role names used in the manifest, for these auto-graded questions (in order)."""
    return {"first": questions[:1], "last": questions[-1:], "rest": questions[1:],
            "others": questions[:-1], "all": list(questions)}


def expected_scores(case: dict, questions: list[str]) -> dict[str, str]:
    """``{question: "full"|"zero"|"less"}`` for one manifest case."""
    out = {q: "full" for q in questions}
    named = roles(questions)
    for role, what in (case.get("expect") or {}).items():
        for question in named[role]:
            out[question] = what
    return out


def _code(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source.strip("\n"))


def build(solution: Path, answers: dict[str, list[str]], out_dir: Path, *,
          gradebook_path: Path | None = None, solutions_dir: Path | None = None) -> dict:
    """Write every corpus case for the problem set whose solution notebook is ``solution``.

    ``answers`` maps each auto-graded question (in notebook order) to its answer
    variables. ``gradebook_path`` and ``solutions_dir`` are what the attack cells aim at.
    Returns ``{case name: path written}``.
    """
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    base = nbformat.read(solution, as_version=4)
    name = base.metadata["course"]["assignment"]
    cells = _answer_cells(base)
    questions = [q for q in sorted(cells, key=cells.get) if q in answers]
    first, last = questions[0], questions[-1]
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}

    def save(case: str, nb: Any) -> None:
        path = out_dir / f"{case}.ipynb"
        nbformat.write(nb, path)
        written[case] = path

    def after(nb: Any, question: str, source: str) -> None:
        nb.cells.insert(_answer_cells(nb)[question] + 1, _code(source))

    def wrong(nb: Any, question: str, mode: str) -> None:
        cell = nb.cells[_answer_cells(nb)[question]]
        lines = [PERTURB]
        lines += [f"{var} = _corpus_wrong({var}, {mode!r})" for var in answers[question]]
        cell.source = cell.source + "\n" + "\n".join(lines)

    for case, spec in manifest["cases"].items():
        nb = copy.deepcopy(base)
        kind = spec["kind"]
        if kind == "correct":
            pass
        elif kind == "wrong":
            for question in roles(questions)[spec["where"]]:
                wrong(nb, question, spec["mode"])
        elif kind == "error_in_cell":
            cell = nb.cells[_answer_cells(nb)[last]]
            cell.source = 'raise ValueError("I give up on this one")\n' + cell.source
        elif kind == "attack":
            after(nb, first, ATTACKS[spec["attack"]])
        elif kind == "read_solutions":
            wrong(nb, last, "scale")
            targets = [str((solutions_dir or Path("solutions")) / name / f"{name}.ipynb"),
                       str((solutions_dir or Path("solutions")) / name / "tests.py"),
                       f"../solutions/{name}/{name}.ipynb", f"../../solutions/{name}/tests.py"]
            cheat = textwrap.dedent(f'''
                import json, os, pathlib, re
                import course
                _root = pathlib.Path(course.__file__).resolve().parent.parent
                _tried = {targets!r} + [str(_root / "solutions" / {name!r} / "{name}.ipynb"),
                                       str(_root / "solutions" / {name!r} / "tests.py")]
                stolen = []
                for _path in _tried:
                    try:
                        stolen.append((_path, pathlib.Path(_path).read_text()))
                    except OSError:
                        pass
                _wanted = {last!r}
                for _path, _text in stolen:
                    if _path.endswith(".ipynb"):
                        for _cell in json.loads(_text)["cells"]:
                            _meta = _cell.get("metadata", {{}}).get("course", {{}})
                            if _meta.get("question") == _wanted:
                                exec("".join(_cell["source"]))
            ''')
            nb.cells.insert(_answer_cells(nb)[last] + 1, _code(cheat))
        elif kind == "write_gradebook":
            target = str(gradebook_path or Path("gradebook.csv"))
            cheat = textwrap.dedent(f'''
                import os
                for _path in [{target!r}, "../gradebook.csv", "../../gradebook.csv",
                              os.path.expanduser("~/gradebook.csv")]:
                    try:
                        with open(_path, "a") as _handle:
                            _handle.write("HACKER,0,{name},99,99,99,99,99,ok,,now\\n")
                    except OSError:
                        pass
            ''')
            after(nb, first, cheat)
        elif kind == "patch_runner":
            wrong(nb, last, "scale")
            cheat = textwrap.dedent('''
                import course.grading.testing as _t
                _t.run_tests = lambda tests, answers, **kw: []
                _t.score = lambda results, points: dict(points)
                for _name in dir(_t):
                    if _name.startswith("expect"):
                        setattr(_t, _name, lambda *a, **k: None)
                _t.Failed = type("Failed", (BaseException,), {})
            ''')
            nb.cells.insert(1, _code(cheat))
        elif kind == "input_transformer":
            wrong(nb, last, "scale")
            cheat = textwrap.dedent('''
                def _silence(lines):
                    return ["pass\\n"]
                get_ipython().input_transformers_cleanup.append(_silence)
            ''')
            nb.cells.insert(_answer_cells(nb)[last] + 1, _code(cheat))
        elif kind == "strip_asserts":
            wrong(nb, last, "scale")
            cheat = textwrap.dedent('''
                import course.grading.testing as _t
                for _name, _fn in list(vars(_t).items()):
                    if callable(_fn) and getattr(_fn, "__module__", "") == _t.__name__:
                        try:
                            _fn.__code__ = (lambda *a, **k: None).__code__
                        except (AttributeError, TypeError, ValueError):
                            pass
            ''')
            nb.cells.insert(1, _code(cheat))
        elif kind == "always_equal":
            cell = nb.cells[_answer_cells(nb)[last]]
            cell.source += "\n" + ALWAYS_EQUAL + "\n" + "\n".join(
                f"{var} = _Whatever()" for var in answers[last])
        elif kind == "deleted_cell":
            del nb.cells[_answer_cells(nb)[last]]
        elif kind == "renamed_cell":
            nb.cells[_answer_cells(nb)[last]].metadata["course"]["question"] = last + "_renamed"
        elif kind == "other_assignment":
            nb.metadata["course"]["assignment"] = "zz" + name
        elif kind == "not_json":
            path = out_dir / f"{case}.ipynb"
            path.write_bytes(b"\x89PNG\r\n\x1a\nthis is a picture, not a notebook")
            written[case] = path
            continue
        elif kind == "wrong_nbformat":
            text = nbformat.writes(nb)
            data = json.loads(text)
            data["nbformat"], data["nbformat_minor"] = 3, 0
            data["worksheets"] = [{"cells": data.pop("cells")}]
            path = out_dir / f"{case}.ipynb"
            path.write_text(json.dumps(data))
            written[case] = path
            continue
        elif kind == "enormous":
            nb.cells.append(nbformat.v4.new_markdown_cell("x" * 25_000_000))
        elif kind == "junk_folder":
            folder = out_dir / case
            folder.mkdir(exist_ok=True)
            (folder / "notes.txt").write_text("my notes\n")
            (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
            (folder / "broken.ipynb").write_bytes(b"\x00\x01\x02 not json")
            (folder / "folder.ipynb").mkdir(exist_ok=True)
            written[case] = folder
            continue
        else:
            raise ValueError(f"unknown corpus case kind {kind!r}")
        save(case, nb)
    return written
