"""The first answer on a new TLS connection must not wait for a delayed ACK (issue 12, "data path").

A client that leaves Nagle on (ab, Python's ssl, many Java and C clients) sends its TLS Finished and then its
request; Nagle holds the request until the Finished is acknowledged. When the gateway sends nothing after the
client's Finished (TLS 1.3 with a client certificate: BoringSSL keeps the session tickets for the first write;
resumed TLS 1.3 and resumed TLS 1.2: the client speaks last), the acknowledgement waited for Linux's delayed-ACK
timer, at least 40 ms, and every new connection's first answer with it. These clients are plain Python `ssl`
sockets on which TCP_NODELAY is never set; the answer is a MOCK, so nothing but the gateway is timed.
"""

import socket
import ssl
import statistics
import time

import pytest

import harness as h

API = "nagle00001"
CONNECTIONS = 7
# Linux's delayed ACK is 40 ms at least; a gateway that answers at once takes a few ms even on a loaded machine.
LIMIT_MS = 25.0


@pytest.fixture(scope="module")
def gateway(pki, start_gateway):
    return start_gateway(
        h.base_config(
            pki,
            apis=[
                {
                    "id": API,
                    "name": "first-answer",
                    "authorization": "NONE",
                    "stages": {"prod": {}},
                    "routes": [{"route": "GET /ping", "integration": h.mock(200, '{"pong":true}')}],
                }
            ],
        )
    )


def context(pki, version: ssl.TLSVersion) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(pki.ca))
    ctx.load_cert_chain(str(pki.client("alice").cert), str(pki.client("alice").key))
    ctx.minimum_version = version
    ctx.maximum_version = version
    return ctx


def first_answer(gw, ctx, session=None):
    """One new connection with Nagle on: handshake, one request; returns (ms from send to the first answer byte,
    whether the session was resumed, the session for the next connection, the answer)."""
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.settimeout(10)
    raw.connect((h.LOOPBACK, gw.port()))
    assert raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0, "the client must leave Nagle on"
    with ctx.wrap_socket(raw, server_hostname=h.LOOPBACK, session=session) as tls:
        sent = time.perf_counter()
        tls.sendall(b"GET /prod/ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data = tls.recv(65536)
        elapsed = (time.perf_counter() - sent) * 1000
        while chunk := tls.recv(65536):
            data += chunk
        return elapsed, tls.session_reused, tls.session, data


def median_first_answer(gw, ctx, resume: bool):
    times, reused, session = [], 0, None
    if resume:
        _, _, session, _ = first_answer(gw, ctx)
    for _ in range(CONNECTIONS):
        elapsed, was_reused, new_session, data = first_answer(gw, ctx, session if resume else None)
        assert data.startswith(b"HTTP/1.1 200 OK\r\n") and data.endswith(b'{"pong":true}'), data[:200]
        times.append(elapsed)
        reused += was_reused
        session = new_session if resume else None
    return statistics.median(times), times, reused


def test_first_answer_on_new_tls13_connections_does_not_wait_for_delayed_ack(pki, gateway):
    median, times, reused = median_first_answer(gateway, context(pki, ssl.TLSVersion.TLSv1_3), resume=False)
    assert reused == 0
    assert median < LIMIT_MS, f"median first answer {median:.1f} ms over full TLS 1.3 handshakes: {times}"


def test_first_answer_on_resumed_tls13_connections_does_not_wait_for_delayed_ack(pki, gateway):
    median, times, reused = median_first_answer(gateway, context(pki, ssl.TLSVersion.TLSv1_3), resume=True)
    assert reused == CONNECTIONS, "the client did not resume: this test needs TLS 1.3 resumption to mean anything"
    assert median < LIMIT_MS, f"median first answer {median:.1f} ms over resumed TLS 1.3 handshakes: {times}"


def test_first_answer_on_resumed_tls12_connections_does_not_wait_for_delayed_ack(pki, gateway):
    median, times, reused = median_first_answer(gateway, context(pki, ssl.TLSVersion.TLSv1_2), resume=True)
    assert reused == CONNECTIONS, "the client did not resume: this test needs TLS 1.2 resumption to mean anything"
    assert median < LIMIT_MS, f"median first answer {median:.1f} ms over resumed TLS 1.2 handshakes: {times}"


def test_first_answer_on_full_tls12_connections(pki, gateway):
    """The server's Finished comes last in a full TLS 1.2 handshake and acknowledges the client's: never slow."""
    median, times, _ = median_first_answer(gateway, context(pki, ssl.TLSVersion.TLSv1_2), resume=False)
    assert median < LIMIT_MS, f"median first answer {median:.1f} ms over full TLS 1.2 handshakes: {times}"
