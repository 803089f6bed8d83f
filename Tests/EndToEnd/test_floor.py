"""gatehouse-floor, the benchmark's floor (Benchmarks/README.md): it terminates mutual TLS and relays bytes to its
upstream and back. Its figures only mean something if it does that job: a client with a certificate from the CA gets
the upstream's answers, several on one connection; a client without one does not get through."""

from __future__ import annotations

import http.client
import socket
import ssl
import subprocess
import time

import pytest

import harness as h

FLOOR = h.ROOT / ".build" / "debug" / "gatehouse-floor"


def listening(port: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((h.LOOPBACK, port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


@pytest.fixture
def floor(pki, upstream):
    assert FLOOR.exists(), f"{FLOOR} is missing: run `swift build` first"
    port = h.free_port()
    proc = subprocess.Popen([str(FLOOR), str(port), str(upstream.port), str(pki.ca.parent)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert listening(port), "gatehouse-floor did not listen"
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def test_relays_requests_and_answers_over_mutual_tls_on_one_connection(pki, upstream, floor):
    conn = http.client.HTTPSConnection(h.LOOPBACK, floor, context=h.client_context(pki, "alice"), timeout=10)
    try:
        for n in range(3):
            marker = h.marker()
            conn.request("GET", f"/floor/{marker}/{n}")
            response = conn.getresponse()
            response.read()
            assert response.status == 200
            assert upstream.one(marker).path == f"/floor/{marker}/{n}"  # relayed as sent: no gateway rewrote it
    finally:
        conn.close()


def test_a_client_without_a_certificate_is_refused(pki, upstream, floor):
    marker = h.marker()
    conn = http.client.HTTPSConnection(h.LOOPBACK, floor, context=h.client_context(pki, None), timeout=10)
    with pytest.raises((ssl.SSLError, ConnectionError)):
        conn.request("GET", f"/floor/{marker}")
        conn.getresponse()
    conn.close()
    upstream.assert_not_called(marker)
