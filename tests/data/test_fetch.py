"""``course data fetch`` against a local HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import re
import shutil
import socket
import threading
from urllib.parse import quote

import pytest

from course import paths
from course.cli import main
from course.data import fetch as fetch_module
from course.data import sources
from course.data.fetch import Download, fetch, fetch_raw, format_progress, raw_files
from course.data.sources import Source
from course.errors import DataError

PAYLOAD = bytes(range(256)) * 1000  # 256,000 bytes, several download chunks


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    requests = 0

    def do_GET(self):  # noqa: N802 (http.server's naming)
        type(self).requests += 1
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    (served / "release.xlsx").write_bytes(PAYLOAD)
    CountingHandler.requests = 0
    handler = functools.partial(CountingHandler, directory=str(served))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def register(monkeypatch, url, sha256):
    download = Download(name="test-release", url=url, page="https://example.org/release",
                        filename="release.xlsx", sha256=sha256, note="test")
    monkeypatch.setitem(fetch_module.DOWNLOADS, "test-release", download)
    return download


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_download_with_matching_checksum_and_progress(server, monkeypatch, tmp_path):
    register(monkeypatch, f"{server}/release.xlsx", hashlib.sha256(PAYLOAD).hexdigest())
    progress = io.StringIO()
    path = fetch("test-release", cache_dir=tmp_path / "cache", progress=progress)
    assert path == tmp_path / "cache" / "release.xlsx"
    assert path.read_bytes() == PAYLOAD
    updates = [u.strip() for u in progress.getvalue().split("\r") if u.strip()]
    assert len(updates) == 4  # one per 64 KiB chunk of 250 KiB (65536 / 256000 = 26%)
    assert "26%" in updates[0] and "100%" in updates[-1]
    assert updates[-1].endswith("250 kB / 250 kB")
    # a verified cached copy is not downloaded again
    assert CountingHandler.requests == 1
    fetch("test-release", cache_dir=tmp_path / "cache", progress=None)
    assert CountingHandler.requests == 1
    fetch("test-release", cache_dir=tmp_path / "cache", progress=None, force=True)
    assert CountingHandler.requests == 2


def test_checksum_mismatch_is_refused_and_nothing_is_kept(server, monkeypatch, tmp_path):
    register(monkeypatch, f"{server}/release.xlsx", "0" * 64)
    with pytest.raises(DataError) as error:
        fetch("test-release", cache_dir=tmp_path / "cache", progress=None)
    message = str(error.value)
    assert hashlib.sha256(PAYLOAD).hexdigest() in message and "0" * 64 in message
    assert "https://example.org/release" in message
    assert list((tmp_path / "cache").iterdir()) == []


def test_offline_message_says_where_to_put_the_file(monkeypatch, tmp_path):
    register(monkeypatch, f"http://127.0.0.1:{closed_port()}/release.xlsx", "0" * 64)
    with pytest.raises(DataError) as error:
        fetch("test-release", cache_dir=tmp_path / "cache", progress=None)
    message = str(error.value)
    assert "offline" in message and "by hand" in message
    assert "https://example.org/release" in message
    assert str(tmp_path / "cache" / "release.xlsx") in message
    assert not (tmp_path / "cache" / "release.xlsx.part").exists()


def test_http_error_is_reported(server, monkeypatch, tmp_path):
    register(monkeypatch, f"{server}/nothing-here.xlsx", "0" * 64)
    with pytest.raises(DataError, match="HTTP 404"):
        fetch("test-release", cache_dir=tmp_path / "cache", progress=None)


def test_release_without_published_checksum_records_one(server, monkeypatch, tmp_path):
    register(monkeypatch, f"{server}/release.xlsx", None)
    progress = io.StringIO()
    path = fetch("test-release", cache_dir=tmp_path, progress=progress)
    digest = hashlib.sha256(PAYLOAD).hexdigest()
    assert (tmp_path / "release.xlsx.sha256").read_text() == f"{digest}  release.xlsx\n"
    assert digest in progress.getvalue() and path.read_bytes() == PAYLOAD


def test_cli_fetch_offline_exits_with_a_clear_error(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    url = f"http://127.0.0.1:{closed_port()}/x.xlsx"
    assert main(["data", "fetch", "sipri-workbook", "--url", url]) == 1
    err = capsys.readouterr().err
    assert "offline" in err and "sipri.org/databases/milex" in err
    assert str(tmp_path / "SIPRI-Milex-data-1949-2024_2.xlsx") in err


def test_unknown_download_name():
    with pytest.raises(DataError, match="cow-alliances, sipri-workbook"):
        fetch("atop", progress=None)


def test_format_progress():
    assert format_progress(0, 1000, width=4) == "[    ]   0%      0 kB / 0 kB"
    assert format_progress(750 * 1024, 1000 * 1024, width=4) == "[### ]  75%    750 kB / 1000 kB"
    assert format_progress(5000, 1000, width=2) == "[##] 100%      4 kB / 0 kB"


# ------------------------------------------------------------------ raw releases


def _serve(folder) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(CountingHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """A loopback mirror of two made-up raw releases, registered in place of the real ones."""
    served = tmp_path / "mirror"
    files = {"raw/alpha/a b.csv": b"year,value\r\n1913,1.5\r\n",
             "raw/beta/beta.xlsx": PAYLOAD,
             "cases/notes.csv": b"not downloadable\n"}
    for relative, content in files.items():
        (served / relative).parent.mkdir(parents=True, exist_ok=True)
        (served / relative).write_bytes(content)
    httpd, url = _serve(served)
    registry = {
        key: Source(key=key, title=key, version="1", url="https://example.org/" + key,
                    citation="c", licence="l", redistribution="r",
                    files={rel: hashlib.sha256(files[rel]).hexdigest() for rel in rels},
                    copies={rel: f"{url}/{quote(rel)}" for rel in rels if rel.startswith("raw/")})
        for key, rels in {"alpha": ["raw/alpha/a b.csv"], "beta": ["raw/beta/beta.xlsx"],
                          "cases": ["cases/notes.csv"]}.items()}
    monkeypatch.setattr(sources, "SOURCES", registry)
    CountingHandler.requests = 0
    yield served, url, files
    httpd.shutdown()
    httpd.server_close()


def test_fetch_raw_checks_each_file_and_lays_them_out_like_the_shared_folder(
        mirror, monkeypatch, tmp_path):
    served, _, files = mirror
    progress = io.StringIO()
    folder = fetch_raw(cache_dir=tmp_path / "cache", progress=progress)
    assert folder == tmp_path / "cache"
    for relative in ("raw/alpha/a b.csv", "raw/beta/beta.xlsx"):
        assert (folder / relative).read_bytes() == files[relative]
    assert not (folder / "cases").exists()  # the case tables are no public download
    assert "[1/2] raw/alpha/a b.csv" in progress.getvalue()
    assert CountingHandler.requests == 2
    fetch_raw(cache_dir=tmp_path / "cache", progress=None)  # verified copies are kept
    assert CountingHandler.requests == 2
    fetch_raw(["beta"], cache_dir=tmp_path / "cache", progress=None, force=True)
    assert CountingHandler.requests == 3


def test_the_fetched_folder_is_used_when_no_shared_folder_is_beside_the_project(
        mirror, monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_RAW_DIR", raising=False)
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(paths, "PROJECT_ROOT", tmp_path / "fresh-clone")
    assert paths.shared_data_dir() == (tmp_path / "shared" / "data").resolve()  # not yet
    assert main(["data", "fetch", "raw"]) == 0
    assert paths.shared_data_dir() == tmp_path / "cache" / "shared" / "data"
    (tmp_path / "shared" / "data").mkdir(parents=True)  # a shared folder beside wins
    assert paths.shared_data_dir() == (tmp_path / "shared" / "data").resolve()


def test_fetch_raw_reports_every_failure_and_keeps_the_good_files(mirror, tmp_path):
    served, _, _ = mirror
    (served / "raw" / "beta" / "beta.xlsx").write_bytes(b"a newer release")
    (served / "raw" / "alpha" / "a b.csv").unlink()
    (served / "raw" / "alpha" / "a b.csv").parent.rmdir()
    with pytest.raises(DataError) as error:
        fetch_raw(cache_dir=tmp_path / "cache", progress=None)
    message = str(error.value)
    assert message.startswith("2 of 2 raw files could not be fetched")
    assert "HTTP 404" in message and "does not match the expected release" in message
    assert "raw/alpha/a b.csv" in message and "COURSE_RAW_DIR" in message
    assert not list((tmp_path / "cache").rglob("*.part"))
    assert not list((tmp_path / "cache").rglob("*.xlsx"))


def test_a_mirror_address_replaces_the_pinned_copies(mirror, tmp_path):
    served, url, files = mirror
    other = tmp_path / "other-mirror"
    shutil.copytree(served, other)
    httpd, other_url = _serve(other)
    try:
        (served / "raw" / "beta" / "beta.xlsx").write_bytes(b"the pinned copy is gone")
        fetch_raw(base_url=other_url + "/", cache_dir=tmp_path / "cache", progress=None)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert (tmp_path / "cache" / "raw" / "beta" / "beta.xlsx").read_bytes() == files[
        "raw/beta/beta.xlsx"]


def test_a_transcribed_lf_file_is_accepted_from_a_crlf_copy(mirror, monkeypatch, tmp_path):
    served, _, files = mirror
    registry = sources.SOURCES
    lf = files["raw/alpha/a b.csv"].replace(b"\r\n", b"\n")
    registry["alpha"].files["raw/alpha/a b.csv"] = hashlib.sha256(lf).hexdigest()
    with pytest.raises(DataError, match="does not match"):
        fetch_raw(["alpha"], cache_dir=tmp_path / "cache", progress=None)
    monkeypatch.setattr(fetch_module, "LF_TRANSCRIBED", {"raw/alpha/a b.csv"})
    fetch_raw(["alpha"], cache_dir=tmp_path / "cache", progress=None)
    assert (tmp_path / "cache" / "raw" / "alpha" / "a b.csv").read_bytes() == lf


def test_unknown_raw_source_lists_the_known_ones(mirror):
    with pytest.raises(DataError, match="no downloadable raw files for nope.*alpha, beta"):
        fetch_raw(["nope"], progress=None)


def test_every_raw_file_of_the_build_has_a_commit_pinned_copy():
    pinned = re.compile(r"^https://[^/]+/[^/]+/[^/]+/[0-9a-f]{40}/\S+$")
    for source in sources.SOURCES.values():
        for relative in source.files:
            if relative.startswith("raw/"):
                assert pinned.match(source.copies.get(relative, "")), relative
    assert {f.relative for f in raw_files()} == {
        r for s in sources.SOURCES.values() for r in s.files if r.startswith("raw/")}


def test_fetch_raw_from_a_loopback_mirror_of_the_shared_folder_passes_the_build_checks(
        raw_dir, monkeypatch, tmp_path):
    """The real registry: every raw file, served over HTTP, arrives with its sha256."""
    httpd, url = _serve(raw_dir)
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    try:
        assert main(["data", "fetch", "raw", "--url", url]) == 0
    finally:
        httpd.shutdown()
        httpd.server_close()
    fetched = paths.fetched_data_dir()
    for source in sources.SOURCES.values():
        for relative in source.files:
            if relative.startswith("raw/"):
                assert sources.raw_path(source.key, relative, fetched) == fetched / relative
