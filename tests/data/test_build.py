"""The build: reproducible from the raw releases, and strict about raw-file checksums."""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

from course import paths
from course.cli import main
from course.data import build as build_module
from course.data.build import build, build_specs, compare, render
from course.data.sources import SOURCES, raw_path, sha256_file
from course.data.tables import Field, TableSpec, to_csv_bytes
from course.errors import DataError


@pytest.fixture(scope="module")
def specs(raw_dir, cases_dir):
    """Every table rebuilt from the raw files and case tables (once: it takes seconds)."""
    return build_specs(raw_dir)


@pytest.fixture
def cached_build(specs, monkeypatch):
    """Make the CLI reuse the module's rebuild instead of reading the raw files again."""
    monkeypatch.setattr(build_module, "build_specs", lambda shared_dir=None: specs)


def test_rebuild_equals_committed_files(specs):
    files = render(specs)
    assert len(files) == 19
    assert compare(files, paths.DATA_DIR) == []


def test_cli_check_passes_on_committed_files(cached_build, capsys):
    assert main(["data", "build", "--check"]) == 0
    assert "all tables match" in capsys.readouterr().out


def test_check_lists_differing_tables_without_writing(cached_build, data_copy, capsys):
    (data_copy / "alliances.csv").write_text("atopid\n", encoding="utf-8")
    (data_copy / "gdp.csv").unlink()
    before = sorted(p.name for p in data_copy.iterdir())
    code = main(["data", "build", "--check", "--data-dir", str(data_copy)])
    out = capsys.readouterr().out
    assert code == 1
    assert "alliances.csv" in out and "gdp.csv" in out and "capabilities" not in out
    assert sorted(p.name for p in data_copy.iterdir()) == before
    assert (data_copy / "alliances.csv").read_text(encoding="utf-8") == "atopid\n"


def test_committed_files_have_lf_endings_and_no_raw_copies():
    for path in paths.DATA_DIR.iterdir():
        if path.suffix in {".csv", ".json"}:
            assert b"\r" not in path.read_bytes(), path.name
    raw_names = {os.path.basename(f) for s in SOURCES.values() for f in s.files}
    shipped = {p.name for p in paths.DATA_DIR.iterdir()}
    assert not (raw_names & shipped)
    assert not list(paths.DATA_DIR.glob("*.xlsx"))


def _shadow_raw(raw_dir, tmp_path):
    """A raw folder whose files are links to the real ones (cheap to alter one)."""
    shadow = tmp_path / "shared"
    for source in SOURCES.values():
        for relative in source.files:
            target = shadow / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(raw_dir / relative)
    return shadow


def test_modified_raw_file_is_refused_with_its_name(raw_dir, cases_dir, tmp_path):
    shadow = _shadow_raw(raw_dir, tmp_path)
    relative = "raw/cow-states/states2016.csv"
    (shadow / relative).unlink()
    shutil.copy(raw_dir / relative, shadow / relative)
    with open(shadow / relative, "ab") as handle:
        handle.write(b"XXX,999,Nowhere,2000,1,1,2000,12,31,2016\r\n")
    with pytest.raises(DataError) as error:
        build(out_dir=tmp_path / "out", shared_dir=shadow)
    message = str(error.value)
    assert relative in message and "differs from the registered release" in message
    assert "correlatesofwar.org" in message
    assert not (tmp_path / "out").exists()


def test_missing_raw_file_says_what_to_do(tmp_path):
    with pytest.raises(DataError) as error:
        build(out_dir=tmp_path / "out", shared_dir=tmp_path)
    message = str(error.value)
    assert "raw/cow-states/states2016.csv" in message and "COURSE_RAW_DIR" in message


def test_registered_checksums_match_the_raw_files(raw_dir, cases_dir):
    for source in SOURCES.values():
        for relative, expected in source.files.items():
            assert sha256_file(raw_dir / relative) == expected, relative
            assert raw_path(source.key, relative, raw_dir) == raw_dir / relative


def test_csv_writer_formats_hand_made_table():
    spec = TableSpec(
        name="demo", title="Demo", description="d", sources=["cow-nmc"],
        fields=[
            Field("ccode", "integer", "code"), Field("share", "number", "share"),
            Field("flag", "boolean", "flag"), Field("name", "string", "name"),
        ],
        frame=pd.DataFrame({
            "ccode": pd.array([365, 2, 200], dtype="Int64"),
            "share": [0.1 + 0.2, None, 1e-7],
            "flag": pd.array([True, None, False], dtype="boolean"),
            "name": ["Russia", "USA", 'Britain, "UK"'],
        }),
        primary_key=["ccode"],
    )
    assert to_csv_bytes(spec) == (
        b"ccode,share,flag,name\n"
        b"2,,,USA\n"
        b'200,0.0000001,false,"Britain, ""UK"""\n'
        b"365,0.30000000000000004,true,Russia\n"
    )


def test_duplicate_primary_key_is_a_build_error():
    spec = TableSpec(
        name="demo", title="Demo", description="d", sources=["cow-nmc"],
        fields=[Field("ccode", "integer", "code")],
        frame=pd.DataFrame({"ccode": [2, 2]}), primary_key=["ccode"],
    )
    with pytest.raises(DataError, match="primary key"):
        to_csv_bytes(spec)


def test_build_writes_files_that_load(specs, cached_build, tmp_path):
    from course.data import load

    written = build(out_dir=tmp_path)
    assert sorted(written) == sorted(p.name for p in tmp_path.iterdir())
    assert compare(render(specs), tmp_path) == []
    assert len(load("capabilities", data_dir=tmp_path)) == 15951


def test_render_marks_only_complete_columns_required():
    spec = TableSpec(
        name="demo", title="Demo", description="d", sources=["cow-nmc"],
        fields=[Field("ccode", "integer", "code"), Field("milex", "integer", "m", "k£")],
        frame=pd.DataFrame({"ccode": [2, 20], "milex": pd.array([5, None], dtype="Int64")}),
        primary_key=["ccode"],
    )
    import json

    files = render([spec])
    resource = json.loads(files["datapackage.json"])["resources"][0]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert fields["ccode"]["constraints"] == {"required": True}
    assert "constraints" not in fields["milex"] and fields["milex"]["unit"] == "k£"
    assert resource["rows"] == 2 and resource["bytes"] == len(files["demo.csv"])
