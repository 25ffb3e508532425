"""Build the corpus of known submissions from a problem set's solution notebook.

Every case is the solution notebook with one change — a wrong answer, a crash, an attack,
a damaged or strange file, or a way of handing files in — so the corpus follows the
problem set as it evolves. What each case must score is in ``manifest.yaml`` beside this
file, written in terms of the problem set's auto-graded questions: ``first`` (the first
one), ``last`` (the last one), ``rest`` (all but the first), ``others`` (all but the
last), ``chart`` (the one whose answer is a chart) and ``all``.

All cases are written into one folder, as an instructor's collection would be: most as
``<case>.ipynb`` (the student is the case), some as per-student folders, links, a named
pipe, or two files of one student.

The wrong-answer cases change a *correct* answer after its cell runs (scaled numbers,
a dropped row, an off-by-one count), so they are plausible slips, not placeholders.
"""

from __future__ import annotations

import copy
import json
import os
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


# Appended to an answer cell: every answer variable becomes NaN (or NaN-filled).
NANIFY = textwrap.dedent('''
    def _corpus_nan(value):
        import numpy as np
        import pandas as pd
        if type(value) is pd.Series:
            return pd.Series(np.nan, index=value.index, dtype="float64", name=value.name)
        if type(value) is pd.DataFrame:
            out = value.copy()
            for column in out.columns:
                out[column] = np.nan
            return out
        if type(value) is np.ndarray:
            return np.full(value.shape, np.nan)
        if type(value) in (list, tuple):
            return type(value)(float("nan") for _ in value)
        if type(value) is dict:
            return {key: float("nan") for key in value}
        if type(value).__module__.startswith("altair"):
            chart = value.copy(deep=True)
            def _each(part):
                if type(getattr(part, "data", None)) is pd.DataFrame:
                    part.data = _corpus_nan(part.data)
                for key in ("layer", "hconcat", "vconcat", "concat"):
                    for child in getattr(part, key, None) or []:
                        _each(child)
            _each(chart)
            return chart
        return float("nan")
''')

# A cell that writes straight to the runner's message descriptor (fd 3), as a hostile
# student can: the grader must refuse the line, not die on it.
FORGE = textwrap.dedent('''
    import json as _json, os as _os
    _os.write(3, {payload} + b"\\n")
''')


def _answer_cells(nb: Any) -> dict[str, int]:
    out = {}
    for index, cell in enumerate(nb.cells):
        qid = cell.get("metadata", {}).get("course", {}).get("question")
        if isinstance(qid, str) and cell.cell_type == "code":
            out[qid] = index
    return out


def roles(questions: list[str], answers: dict[str, list[str]] | None = None
          ) -> dict[str, list[str]]:
    """The role names used in the manifest, for these auto-graded questions (in order)."""
    charts = [q for q in questions if "chart" in (answers or {}).get(q, [])]
    return {"first": questions[:1], "last": questions[-1:], "rest": questions[1:],
            "others": questions[:-1], "all": list(questions), "chart": charts}


def expected_scores(case: dict, questions: list[str],
                    answers: dict[str, list[str]] | None = None) -> dict[str, str]:
    """``{question: "full"|"zero"|"less"}`` for one manifest case."""
    out = {q: "full" for q in questions}
    named = roles(questions, answers)
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
    from course.grading.author import assignment as asg

    loaded = asg.load_assignment(name, solutions_dir or solution.resolve().parent.parent)
    prompts = asg.written_prompts(loaded)
    cells = _answer_cells(base)
    questions = [q for q in sorted(cells, key=cells.get) if q in answers]
    first, last = questions[0], questions[-1]
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}

    def save(case: str, nb: Any, relative: str | None = None) -> Path:
        path = out_dir / (relative or f"{case}.ipynb")
        path.parent.mkdir(parents=True, exist_ok=True)
        text = nbformat.writes(nb)
        try:
            path.write_text(text, encoding="utf-8")
        except UnicodeEncodeError:  # a lone surrogate: JSON's escape, as Python writes it
            path.write_text(json.dumps(json.loads(text), indent=1), encoding="utf-8")
        written.setdefault(case, path)
        return path

    def forge(nb: Any, question: str, line: bytes) -> None:
        after(nb, question, FORGE.replace("{payload}", repr(line)))

    def after(nb: Any, question: str, source: str) -> None:
        nb.cells.insert(_answer_cells(nb)[question] + 1, _code(source))

    def qid_of(cell: Any) -> str | None:
        return cell.get("metadata", {}).get("course", {}).get("question")

    def written_cells(nb: Any) -> list:
        return [c for c in nb.cells if c.cell_type == "markdown" and qid_of(c) in prompts]

    def wrong(nb: Any, question: str, mode: str) -> None:
        cell = nb.cells[_answer_cells(nb)[question]]
        lines = [PERTURB]
        lines += [f"{var} = _corpus_wrong({var}, {mode!r})" for var in answers[question]]
        cell.source = cell.source + "\n" + "\n".join(lines)

    for case, spec in manifest["cases"].items():
        if spec.get("only") and name not in spec["only"]:
            continue
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
        elif kind == "nan_answers":
            for question in questions:
                cell = nb.cells[_answer_cells(nb)[question]]
                cell.source += "\n" + NANIFY + "\n" + "\n".join(
                    f"{var} = _corpus_nan({var})" for var in answers[question])
        elif kind == "deep_message":
            forge(nb, first, b"[" * 200_000 + b"]" * 200_000)
        elif kind == "forged_dtype":
            payload = {"type": "ndarray", "kind": "str", "dtype": "<U1000000000",
                       "shape": [1], "data": ["a"]}
            forge(nb, first, json.dumps({"kind": "answers", "question": first, "answers": {
                var: payload for var in answers[first]}}).encode())
        elif kind == "forged_subarray":
            payload = {"type": "ndarray", "kind": "float", "dtype": "(1000000000,)f8",
                       "shape": [1], "data": [1.0]}
            forge(nb, first, json.dumps({"kind": "answers", "question": first, "answers": {
                var: payload for var in answers[first]}}).encode())
        elif kind == "chart_flood":
            cell = nb.cells[_answer_cells(nb)[roles(questions, answers)["chart"][0]]]
            cell.source += textwrap.dedent(f'''
                type(chart).to_dict = lambda self, *a, **k: {{
                    "mark": "line", "layer": [{{"mark": "point"}}] * {spec["views"]}}}
            ''')
        elif kind == "magics":
            for question in questions:
                cell = nb.cells[_answer_cells(nb)[question]]
                cell.source = "%%time\n" + cell.source
        elif kind == "cell_magic":
            cell = nb.cells[_answer_cells(nb)[last]]
            cell.source = "%%bash\n" + cell.source
        elif kind == "injection":
            cell = nb.cells[_answer_cells(nb)[last]]
            cell.source = ('raise ValueError("<script>alert(1)</script> **bold** "'
                           '"[click](https://example.org) | # not a heading")\n' + cell.source)
        elif kind == "written_placeholder":
            for cell in nb.cells:
                qid = cell.get("metadata", {}).get("course", {}).get("question")
                if cell.cell_type == "markdown" and qid in prompts:
                    cell.source = prompts[qid]
        elif kind == "brute_force":
            # The answer cell sends what brute force finds; later cells get the real list.
            public = asg.public_tests_source(loaded)
            var = answers[first][0]
            after(nb, first, f"{var} = _corpus_true")
            cell = nb.cells[_answer_cells(nb)[first]]
            cell.source += "\n" + textwrap.dedent(f'''
                _corpus_true = {var}
                import itertools
                from course import data as _data
                _ns = {{}}
                exec({public!r}, _ns)
                _checks = [f for f in _ns.values() if callable(f)
                           and getattr(getattr(f, "__course_test__", None), "question", None)
                           == {first!r}]
                _codes = sorted(set(_data.load("major_powers")["stateabb"]))
                def _passes(candidate):
                    for check in _checks:
                        try:
                            check({{{var!r}: candidate}})
                        except Exception:
                            return False
                    return True
                _found = None
                for _n in range(1, len(_codes) + 1):
                    for _combo in itertools.combinations(_codes, _n):
                        if _passes(list(_combo)):
                            _found = list(_combo)
                            break
                    if _found:
                        break
                {var} = _found
            ''')
        elif kind == "twins":
            nb.cells.append(_code("# our shared work"))
            save(case, nb, "twin_a.ipynb")
            written["twin_b"] = save(case, nb, "twin_b.ipynb")
            written[case] = out_dir / "twin_a.ipynb"
            continue
        elif kind == "claims_classmate":
            nb.metadata["course"]["student_id"] = "correct"
        elif kind == "resubmission":
            wrong(nb, last, "scale")
            older = save(case, nb, f"s030/{name}.ipynb")
            newer = save(case, copy.deepcopy(base), f"s030/{name}.submission.ipynb")
            os.utime(older, (1_700_000_000, 1_700_000_000))
            os.utime(newer, (1_700_086_400, 1_700_086_400))
            continue
        elif kind == "per_student_folders":
            save(case, nb, f"s025/{name}.ipynb")
            wrong(nb, last, "scale")
            save(case, nb, f"s026/{name}.ipynb")
            continue
        elif kind == "unicode_names":
            save(case, nb, "Müller, Anna.ipynb")
            wrong(nb, last, "scale")
            save(case, nb, "Möller, Anna.ipynb")
            continue
        elif kind == "symlink_to_solution":
            path = out_dir / "s097.ipynb"
            os.symlink(solution.resolve(), path)
            written[case] = path
            continue
        elif kind == "symlink_to_device":
            path = out_dir / "s098.ipynb"
            os.symlink("/dev/zero", path)
            written[case] = path
            continue
        elif kind == "named_pipe":
            path = out_dir / "s099.ipynb"
            os.mkfifo(path)
            written[case] = path
            continue
        elif kind == "junk_folder":
            folder = out_dir / case
            folder.mkdir(exist_ok=True)
            (folder / "notes.txt").write_text("my notes\n")
            (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
            (folder / "broken.ipynb").write_bytes(b"\x00\x01\x02 not json")
            (folder / "folder.ipynb").mkdir(exist_ok=True)
            written[case] = folder
            continue
        # --- issue 20: text no file can hold, names that are not UTF-8, every input a row
        elif kind == "surrogate_written":
            for cell in written_cells(nb):
                cell.source = prompts[qid_of(cell)] + "\n\nMy answer, half an emoji: \ud800."
        elif kind == "surrogate_error":
            cell = nb.cells[_answer_cells(nb)[last]]
            cell.source = "raise ValueError('\\ud800 is half an emoji')\n" + cell.source
        elif kind == "surrogate_mark":
            cell = nb.cells[_answer_cells(nb)[roles(questions, answers)["chart"][0]]]
            cell.source += '\nchart.mark = "\\ud800"'  # a check's message repeats it
        elif kind == "bad_bytes_folder":
            folder = os.fsencode(out_dir) + b"/s\xff01"
            os.makedirs(folder, exist_ok=True)
            path = Path(os.fsdecode(folder + f"/{name}.ipynb".encode()))
            nbformat.write(nb, path)
            written[case] = path
            continue
        elif kind == "control_chars_folder":
            for raw in (b"s038\r", b"s039\x1b[31m"):
                folder = os.fsencode(out_dir) + b"/" + raw
                os.makedirs(folder, exist_ok=True)
                nbformat.write(nb, Path(os.fsdecode(folder + f"/{name}.ipynb".encode())))
            written[case] = out_dir
            continue
        elif kind == "py_upload":
            path = out_dir / "s031.py"
            path.write_text("majors = ['this is my answer as a script']\n")
            written[case] = path
            continue
        elif kind == "symlinked_folder":
            target = out_dir.parent / f"{out_dir.name}-elsewhere" / "s032"
            target.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target / f"{name}.ipynb")
            (out_dir / "s032").symlink_to(target, target_is_directory=True)
            written[case] = out_dir / "s032"
            continue
        elif kind == "unix_socket":
            import socket

            path = out_dir / "s033.ipynb"
            server = socket.socket(socket.AF_UNIX)
            server.bind(str(path))
            server.close()  # the socket file stays
            written[case] = path
            continue
        elif kind == "dict_cells":
            data = json.loads(nbformat.writes(nb))
            data["cells"] = {str(i): c for i, c in enumerate(data["cells"])}
            path = out_dir / f"{case}.ipynb"
            path.write_text(json.dumps(data))
            written[case] = path
            continue
        elif kind == "sleeping_copies":
            sleepy = copy.deepcopy(nb)
            sleepy.cells.insert(1, _code("import time\ntime.sleep(600)"))
            for number in range(spec["copies"]):
                older = save(case, sleepy, f"s034/{name} ({number + 1}).ipynb")
                os.utime(older, (1_700_000_000 + number, 1_700_000_000 + number))
            newest = save(case, nb, f"s034/{name}.ipynb")
            os.utime(newest, (1_700_086_400, 1_700_086_400))
            continue
        elif kind == "lookalikes":
            for sid in spec["ids"]:
                save(case, nb, f"{sid}.ipynb")
            continue
        elif kind == "late":
            save(case, nb, "s035_LATE_work.ipynb")
            continue
        elif kind == "untouched_handout":
            handout = asg.student_notebook(loaded)
            save(case, handout, "s036.ipynb")
            save(case, copy.deepcopy(handout), "s037.ipynb")
            continue
        elif kind == "memory_children":
            after(nb, first, textwrap.dedent('''
                import os, time
                _kids = []
                for _ in range(4):
                    _pid = os.fork()
                    if _pid == 0:
                        _block = bytearray(300_000_000)
                        for _i in range(0, len(_block), 4096):
                            _block[_i] = 1
                        time.sleep(30)
                        os._exit(0)
                    _kids.append(_pid)
                for _pid in _kids:
                    os.waitpid(_pid, 0)
            '''))
        # --- issue 20: a written answer is read whatever the student did to its cell
        elif kind == "written_new_cell":
            for cell in list(written_cells(nb)):
                qid = qid_of(cell)
                cell.source = prompts[qid]
                index = nb.cells.index(cell)
                nb.cells.insert(index + 1, nbformat.v4.new_markdown_cell(
                    f"My answer to {qid}, typed in a new cell under the prompt."))
        elif kind in ("written_raw", "written_code"):
            for cell in list(written_cells(nb)):
                qid = qid_of(cell)
                text = f"My answer to {qid}, in a cell whose type changed."
                index = nb.cells.index(cell)
                if kind == "written_raw":
                    new = nbformat.v4.new_raw_cell(text)
                else:
                    new = nbformat.v4.new_code_cell("# " + text)
                new.metadata = copy.deepcopy(cell.metadata)
                new.id = cell.id
                nb.cells[index] = new
        elif kind == "written_split":
            for cell in list(written_cells(nb)):
                qid = qid_of(cell)
                cell.source = f"The first half of my answer to {qid}."
                second = nbformat.v4.new_markdown_cell(f"The second half of my answer to {qid}.")
                second.metadata = copy.deepcopy(cell.metadata)  # JupyterLab copies it
                nb.cells.insert(nb.cells.index(cell) + 1, second)
        else:
            raise ValueError(f"unknown corpus case kind {kind!r}")
        save(case, nb)
    return written
