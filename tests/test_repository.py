"""Repository hygiene: what must never be committed."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import pytest

from course.data.fetch import DOWNLOADS
from course.data.sources import SOURCES
from course.paths import PROJECT_ROOT

TEXT_SUFFIXES = {".py", ".md", ".ipynb", ".yml", ".yaml", ".toml", ".json", ".cfg", ".txt", ".csv"}


def _tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True,
                         check=True).stdout.decode()
    return [PROJECT_ROOT / name for name in out.split("\0") if name]


def test_no_file_names_a_path_of_the_build_machine():
    pattern = re.compile(r"(?<![\w.])/(work|farm)/")
    offenders = [str(p.relative_to(PROJECT_ROOT)) for p in _tracked_files()
                 if p.suffix in TEXT_SUFFIXES and p.is_file()
                 and pattern.search(p.read_text(errors="ignore"))]
    assert not offenders, f"files naming a path of the build machine: {offenders}"


def _committed_copies_of(checksums: dict[str, str]) -> list[str]:
    committed = [(p, hashlib.sha256(p.read_bytes()).hexdigest()) for p in _tracked_files()
                 if p.is_file()]
    return [f"{p.relative_to(PROJECT_ROOT)} == raw {checksums[h]}" for p, h in committed
            if h in checksums]


def test_no_registered_raw_release_is_committed():
    """Against the checksums the project records, so it runs on any clone."""
    registered = {sha: relative for source in SOURCES.values()
                  for relative, sha in source.files.items()}
    registered.update({d.sha256: d.filename for d in DOWNLOADS.values() if d.sha256})
    offenders = _committed_copies_of(registered)
    assert not offenders, f"raw third-party files committed verbatim: {offenders}"


def test_no_file_of_the_raw_folder_is_committed(raw_dir):
    """Against every file of the shared raw folder, registered or not."""
    raw = {hashlib.sha256(p.read_bytes()).hexdigest(): p.name
           for p in (raw_dir / "raw").rglob("*") if p.is_file()}
    offenders = _committed_copies_of(raw)
    assert not offenders, f"raw third-party files committed verbatim: {offenders}"


def test_no_committed_file_is_larger_than_five_megabytes():
    big = [f"{p.relative_to(PROJECT_ROOT)} ({p.stat().st_size:,} bytes)" for p in _tracked_files()
           if p.is_file() and p.stat().st_size > 5_000_000]
    assert not big, f"keep the repository light: {big}"


@pytest.mark.needs("solutions")  # the instructors' copy: the edition has the students' README
def test_readme_names_every_test_module_that_needs_something():
    """The README's table of what tests need lists every module that declares a need."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Tests and what they need", 1)[1].split("\n## ", 1)[0]
    fixtures = re.compile(r"\b(raw_dir|cases_dir|essay_file|excerpt_checker)\b")
    needing = [path for path in sorted((PROJECT_ROOT / "tests").rglob("test_*.py"))
               if "mark.needs(" in (text := path.read_text(encoding="utf-8"))
               or fixtures.search(text)]
    assert len(needing) >= 10
    missing = [str(p.relative_to(PROJECT_ROOT)) for p in needing if f"{p.name}`" not in section]
    assert not missing, f"README.md, Tests and what they need, does not name: {missing}"
