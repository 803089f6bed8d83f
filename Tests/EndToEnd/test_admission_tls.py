"""Gates 1 and 2: source admission before TLS, then the mTLS handshake (contract §2 listeners, §3 order of checks)."""

import os
import socket
import ssl
import time

import pytest

import harness as h
from harness import OTHER_SOURCE

API = "a1b2c3d4e5"


@pytest.fixture(scope="module")
def gw(pki, start_gateway):
    tls = h.tls_block(
        pki,
        client_crl=str(pki.crl),
        allowed_clients=["spiffe://demo.internal/*", "CN=dave"],
        min_version="1.2",
    )
    tls13 = h.tls_block(pki, client_crl=str(pki.crl), min_version="1.3")
    absent = h.https_listener(pki, "absent")
    del absent["allow_sources"]
    cfg = h.base_config(
        pki,
        listeners=[
            # 127.0.0.0/29 covers 127.0.0.1 but not 127.0.0.9
            h.https_listener(pki, "https", allow_sources=["127.0.0.0/29"], tls=tls),
            h.https_listener(pki, "tls13", allow_sources=["vpce-local"], tls=tls13),
            h.https_listener(pki, "nobody", allow_sources=[]),
            absent,
        ],
        apis=[
            {
                "id": API,
                "name": "admission",
                "authorization": "NONE",
                "stages": {"prod": {}},
                "routes": [{"route": "GET /ping", "integration": h.mock(200, '{"pong":true}')}],
            }
        ],
    )
    return start_gateway(cfg)


def outcome(gw, client, *, listener="https", source=None, min_tls=None, max_tls=None, ciphers=None):
    ctx = h.client_context(gw.pki, client, min_tls=min_tls, max_tls=max_tls, ciphers=ciphers)
    return h.tls_outcome(gw, ctx, source=source, listener=listener)


def assert_ok(result):
    kind, resp = result
    assert kind == "ok", f"expected an HTTP answer, got {kind}: {resp}"
    assert resp.status == 200, resp
    assert resp.json() == {"pong": True}
    return resp


def assert_handshake_rejected(result):
    kind, detail = result
    assert kind == "alert", f"expected the handshake to fail with a TLS alert, got {kind}: {detail}"
    assert "ALERT" in str(detail).upper(), detail


# ---------------------------------------------------------------------------------------------- admission


def test_allowed_source_and_client_are_served(gw):
    resp = h.request(gw, "GET", "/prod/ping")
    assert resp.status == 200
    assert resp.json() == {"pong": True}
    h.assert_request_id(resp)


def test_other_loopback_source_works_where_allowed(gw):
    # proves binding 127.0.0.9 works at all, so the rejection below is the allowlist's doing
    resp = h.request(gw, "GET", "/prod/ping", source=OTHER_SOURCE, listener="tls13")
    assert resp.status == 200


def test_disallowed_source_is_closed_before_any_tls_byte(gw):
    s = h.tcp_connect(gw.port(), source=OTHER_SOURCE, timeout=5)
    try:
        try:
            data = s.recv(1024)
        except ConnectionResetError:
            data = b""
        except (socket.timeout, TimeoutError):
            pytest.fail("connection from a source outside allow_sources was not closed")
        assert data == b"", f"server sent bytes to a disallowed source: {data!r}"
    finally:
        s.close()


@pytest.mark.parametrize("listener", ["nobody", "absent"], ids=["empty-allow-sources", "absent-allow-sources"])
def test_empty_or_absent_allow_sources_admits_nobody(gw, listener):
    s = h.tcp_connect(gw.port(listener), timeout=5)
    try:
        try:
            data = s.recv(1024)
        except ConnectionResetError:
            data = b""
        except (socket.timeout, TimeoutError):
            pytest.fail(f"listener {listener} kept a loopback connection open")
        assert data == b""
    finally:
        s.close()
    kind, detail = outcome(gw, "alice", listener=listener)
    # closed at accept, before TLS (contract §3 step 1): no handshake, so no alert either
    assert kind in ("eof", "reset"), f"{kind}: {detail}"


def test_disallowed_source_gets_no_server_hello(gw):
    s = h.tcp_connect(gw.port(), source=OTHER_SOURCE, timeout=5)
    received = b""
    try:
        try:
            s.sendall(h.client_hello_bytes())
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            while True:
                data = s.recv(4096)
                if not data:
                    break
                received += data
        except ConnectionResetError:
            pass
        except (socket.timeout, TimeoutError):
            pytest.fail("connection from a source outside allow_sources stayed open")
    finally:
        s.close()
    assert received == b"", f"server answered a disallowed source's ClientHello: {received[:16]!r}"


def test_disallowed_source_with_valid_certificate_is_not_served(gw):
    kind, detail = outcome(gw, "alice", source=OTHER_SOURCE)
    assert kind in ("eof", "reset"), f"closed before TLS, so no alert: {kind}: {detail}"


# ---------------------------------------------------------------------------------------------- mTLS


@pytest.mark.parametrize("version", ["1.2", "1.3"])
@pytest.mark.parametrize(
    "client",
    [
        pytest.param(None, id="no-client-cert"),
        pytest.param("eve", id="other-ca"),
        pytest.param("expired", id="expired"),
        pytest.param("notyet", id="not-yet-valid"),
        pytest.param("revoked", id="revoked-in-crl"),
        pytest.param("mallory", id="outside-allowed-clients"),
        pytest.param("serverauth", id="eku-serverauth-only"),
    ],
)
def test_bad_client_certificate_fails_handshake(gw, client, version):
    v = ssl.TLSVersion.TLSv1_2 if version == "1.2" else ssl.TLSVersion.TLSv1_3
    assert_handshake_rejected(outcome(gw, client, min_tls=v, max_tls=v))


@pytest.mark.parametrize("client", ["alice", "bob"])
def test_allowed_clients_uri_pattern_admits(gw, client):
    assert_ok(outcome(gw, client))


def test_allowed_clients_subject_dn_pattern_admits(gw):
    assert_ok(outcome(gw, "dave"))  # no URI SAN; matched by "CN=dave"


def test_empty_allowed_clients_admits_any_client_of_the_ca(gw):
    for client in ("alice", "dave", "mallory"):
        assert_ok(outcome(gw, client, listener="tls13"))


def test_crl_revokes_on_the_other_listener_too(gw):
    assert_handshake_rejected(outcome(gw, "revoked", listener="tls13"))


# ---------------------------------------------------------------------------------------------- versions


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_tls_versions_work(gw, version):
    ctx = h.client_context(gw.pki, "alice", min_tls=version, max_tls=version)
    with h.tls_connect(gw.port(), ctx) as s:
        assert s.version() == ("TLSv1.2" if version == ssl.TLSVersion.TLSv1_2 else "TLSv1.3")
    assert_ok(outcome(gw, "alice", min_tls=version, max_tls=version))


def test_min_version_13_refuses_tls12(gw):
    assert_handshake_rejected(outcome(gw, "alice", listener="tls13", max_tls=ssl.TLSVersion.TLSv1_2))
    assert_ok(outcome(gw, "alice", listener="tls13", min_tls=ssl.TLSVersion.TLSv1_3))


def test_tls12_negotiates_ecdhe_aead(gw):
    ctx = h.client_context(gw.pki, "alice", max_tls=ssl.TLSVersion.TLSv1_2)
    with h.tls_connect(gw.port(), ctx) as s:
        name, _, _ = s.cipher()
    assert name.startswith("ECDHE-"), name
    assert "GCM" in name or "CHACHA20" in name, name


@pytest.mark.parametrize(
    "ciphers",
    ["ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384"],
    ids=["cbc"],
)
def test_tls12_refuses_non_ecdhe_aead_suites(gw, ciphers):
    assert_handshake_rejected(outcome(gw, "alice", max_tls=ssl.TLSVersion.TLSv1_2, ciphers=ciphers))


# ---------------------------------------------------------------------------------------------- closing


def test_connection_closed_with_close_notify(gw):
    conn = h.RawConn(gw)
    try:
        conn.send(b"GET /prod/ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        resp = conn.read_response()
        assert resp.status == 200
        how, extra = conn.read_until_closed(timeout=5)
        assert how == "close_notify", f"connection ended by {how}, not a TLS close_notify"
        assert extra == b""
    finally:
        conn.close()


def test_a_client_that_never_answers_close_notify_is_let_go_within_a_second(gw):
    # After its close_notify, Gatehouse waits for the client's only briefly (NIOSSL waited 5 s by default), so a client
    # that keeps the connection open and silent holds its socket and connection slot for one second more at most.
    conn = h.RawConn(gw)
    raw = None
    try:
        conn.send(b"GET /prod/ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        assert conn.read_response().status == 200
        how, _ = conn.read_until_closed(timeout=5)
        assert how == "close_notify", how
        t0 = time.monotonic()
        # The TLS layer saw the close_notify; below it, wait for the TCP end without ever answering it.
        raw = socket.socket(fileno=os.dup(conn.sock.fileno()))
        raw.settimeout(10)
        try:
            while raw.recv(4096):
                pass
        except ConnectionResetError:
            pass
        waited = time.monotonic() - t0
    finally:
        if raw is not None:
            raw.close()
        conn.close()
    assert waited < 1.8, f"the gateway held the connection {waited:.2f} s after its close_notify"
