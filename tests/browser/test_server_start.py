"""The test server survives a port taken between choosing it and binding it.

``_free_port`` closes the socket it probed, so on a busy machine another process (a
kernel's ZeroMQ socket, in one run with two CPU hogs beside) can take the port first; the
first poll then read ZeroMQ's greeting as a bad HTTP status line and the test errored.
"""

from __future__ import annotations

import socket
import threading

import pytest

from . import conftest

pytestmark = [pytest.mark.browser]


def test_a_port_taken_by_a_non_http_listener_means_another_port(tmp_path, monkeypatch):
    squatter = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    squatter.bind(("127.0.0.1", 0))
    squatter.listen()
    taken = squatter.getsockname()[1]

    def greet_like_zeromq():
        while True:
            try:
                peer, _ = squatter.accept()
            except OSError:
                return
            peer.sendall(b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f")
            peer.close()

    threading.Thread(target=greet_like_zeromq, daemon=True).start()
    ports = iter([taken])
    real_free_port = conftest._free_port
    monkeypatch.setattr(conftest, "_free_port", lambda: next(ports, None) or real_free_port())
    try:
        lab = conftest._start_server(tmp_path / "jupyter")
        try:
            assert not lab.url.endswith(f":{taken}")
            assert "started" in lab.api("/api/status")
        finally:
            left = conftest._stop_server(lab)
        assert not left
    finally:
        squatter.close()
