"""``course data fetch`` against a local HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import socket
import threading

import pytest

from course.cli import main
from course.data import fetch as fetch_module
from course.data.fetch import Download, fetch, format_progress
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
