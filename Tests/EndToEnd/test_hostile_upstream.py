"""Hostile upstreams, an admin-listener flood, revocation on reload and log-line injection (contract §3 "Hostile
input", §5, §6).

Upstreams that answer 101 unasked, send a malformed head or a broken chunked body, or close after reading a request
must cost the client one exact 502 — never a hang, a replay of a written POST, or a poisoned pooled connection that
the next client's request is written into.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import time

import pytest

import harness as h
import hostile_support as hs
import hostile_upstreams as hu

API = "h0st1le001"
QUICK = 2.0  # seconds: an answer that waits for a timeout is a failure


def route(prefix: str, up: hu.HostileUpstream) -> dict:
    return {"route": f"ANY /{prefix}/{{proxy+}}", "integration": h.proxy(up.url + "/{proxy}")}


@pytest.fixture(scope="module")
def ups():
    made = {
        "sw": hu.switching_upstream(),
        "mh": hu.malformed_head_upstream(),
        "ck": hu.broken_chunk_upstream(),
        "cl": hu.closes_second_request_upstream(),
    }
    yield made
    for up in made.values():
        up.stop()


@pytest.fixture(scope="module")
def gw(pki, ups, start_gateway):
    cfg = h.base_config(
        pki,
        listeners=[h.https_listener(pki, allow_sources=["127.0.0.0/29"])],
        apis=[
            {
                "id": API,
                "name": "hostile",
                "authorization": "NONE",
                "stages": {"prod": {}},
                "routes": [route(prefix, up) for prefix, up in ups.items()],
            }
        ],
    )
    return start_gateway(cfg)


def send(conn: http.client.HTTPSConnection, method: str, path: str, body: bytes | None = None):
    """One request on a kept-alive connection; returns (Response, seconds)."""
    started = time.monotonic()
    resp = h.send_on(conn, method, path, body=body)
    return resp, time.monotonic() - started


def assert_bad_gateway(resp, elapsed):
    h.assert_error(resp, 502, "BadGatewayException", h.MSG_BAD_GATEWAY)
    assert elapsed < QUICK, f"the 502 took {elapsed:.2f}s"


# Access records as a logfmt reader takes them: `KEY=value` tokens outside quotes, the first occurrence wins.
TOKEN_RE = re.compile(r'(?:[^\s"]|"(?:[^"\\]|\\.)*")+')


def record_fields(line: str) -> dict:
    fields: dict = {}
    for token in TOKEN_RE.findall(line):
        m = re.match(r'^([A-Z][A-Z0-9_]*)=(.*)$', token, re.S)
        if m and m.group(1) not in fields:
            value = m.group(2)
            fields[m.group(1)] = value[1:-1] if value.startswith('"') and value.endswith('"') else value
    return fields


def access_record(gw, request_id: str, timeout: float = 5.0) -> tuple[str, dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in gw.stderr_path.read_text(errors="replace").splitlines():
            if request_id in line and "GATEHOUSE_EVENT=access" in line:
                return line, record_fields(line)
        time.sleep(0.05)
    pytest.fail(f"no access record for {request_id}:\n{gw.stderr_text(3000)}")


def access_record_for_path(gw, needle: str, timeout: float = 5.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = [ln for ln in gw.stderr_path.read_text(errors="replace").splitlines()
                 if needle in ln and "GATEHOUSE_EVENT=access" in ln]
        if lines:
            return lines
        time.sleep(0.05)
    pytest.fail(f"no access record for {needle}:\n{gw.stderr_text(3000)}")


# --------------------------------------------------------------------------------------------------
# 101 and malformed heads: 502, the upstream connection closed, the next request answered


def test_unasked_switching_protocols_is_502_and_never_pooled(gw, ups):
    up = ups["sw"]
    m = h.marker()
    conn = h.https_connection(gw)
    try:
        warm, _ = send(conn, "GET", f"/prod/sw/{m}/warm")
        assert warm.status == 200 and warm.body == f"fine:/{m}/warm".encode(), warm
        switched, elapsed = send(conn, "GET", f"/prod/sw/{m}/switch")
        assert_bad_gateway(switched, elapsed)
        (seen,) = up.matching(f"/{m}/switch")
        assert up.wait_closed(seen.connection), "the switched upstream connection was left open"
        after, _ = send(conn, "GET", f"/prod/sw/{m}/after", body=None)
        assert after.status == 200 and after.body == f"fine:/{m}/after".encode(), after
        (later,) = up.matching(f"/{m}/after")
        assert later.connection != seen.connection
        assert up.requests_on(seen.connection)[-1] is seen, "a request was written into the switched connection"
    finally:
        conn.close()


@pytest.mark.parametrize("kind", sorted(hu.MALFORMED_HEADS))
def test_malformed_upstream_head_is_502_and_closes_that_connection(gw, ups, kind):
    up = ups["mh"]
    m = h.marker()
    conn = h.https_connection(gw)
    try:
        assert send(conn, "GET", f"/prod/mh/{m}/warm")[0].status == 200
        bad, elapsed = send(conn, "GET", f"/prod/mh/{m}/bad/{kind}")
        assert_bad_gateway(bad, elapsed)
        seen = up.matching(f"/{m}/bad/")
        assert len(seen) == 1, f"a malformed answer is not a reason to send the request again: {len(seen)}"
        assert up.wait_closed(seen[0].connection), "the upstream connection with the malformed answer stayed open"
        _, fields = access_record(gw, bad.request_id)
        assert fields["STATUS"] == "502" and fields["ERROR_TYPE"] == "BadGatewayException"
        after, _ = send(conn, "GET", f"/prod/mh/{m}/after")
        assert after.status == 200 and after.body == f"fine:/{m}/after".encode(), after
    finally:
        conn.close()


# --------------------------------------------------------------------------------------------------
# broken chunked bodies


def test_body_broken_before_any_byte_was_relayed_is_502(gw, ups):
    m = h.marker()
    conn = h.https_connection(gw)
    try:
        resp, elapsed = send(conn, "GET", f"/prod/ck/{m}/early")
        assert_bad_gateway(resp, elapsed)
        _, fields = access_record(gw, resp.request_id)
        assert fields["STATUS"] == "502" and fields["ERROR_TYPE"] == "BadGatewayException"
        assert len(ups["ck"].matching(f"/{m}/early")) == 1
        after, _ = send(conn, "GET", f"/prod/ck/{m}/after")
        assert after.status == 200, after
    finally:
        conn.close()


def test_body_broken_after_bytes_were_relayed_truncates_and_is_recorded(gw, ups):
    m = h.marker()
    with h.RawConn(gw) as raw:
        started = time.monotonic()
        raw.send(h.raw_head("GET", f"/prod/ck/{m}/late"))
        status_line = raw._read_line().decode()
        assert status_line == "HTTP/1.1 200 OK", status_line
        headers = {}
        while line := raw._read_line():
            k, _, v = line.decode().partition(":")
            headers[k.strip().lower()] = v.strip()
        assert headers.get("transfer-encoding") == "chunked"
        assert raw._read_line() == b"5" and raw._read_exact(5) == b"hello"
        outcome, extra = raw.read_until_closed(timeout=5)
        assert outcome in ("close_notify", "eof", "reset"), outcome
        assert b"0\r\n\r\n" not in extra, "a truncated body must not look complete"
        assert time.monotonic() - started < QUICK + 0.5
    line, fields = access_record(gw, headers["x-amzn-requestid"])
    assert fields["STATUS"] == "200", line
    assert fields["ERROR_TYPE"] == "BadGatewayException", line
    assert fields["RESPONSE_BYTES"] == "5", line


# --------------------------------------------------------------------------------------------------
# retries after a written request


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_written_non_idempotent_request_is_not_replayed(gw, ups, method):
    up = ups["cl"]
    m = h.marker()
    conn = h.https_connection(gw)
    try:
        assert send(conn, "GET", f"/prod/cl/{m}/warm")[0].status == 200
        resp, elapsed = send(conn, method, f"/prod/cl/{m}/pay", body=b"amount=100")
        assert_bad_gateway(resp, elapsed)
        seen = up.matching(f"/{m}/pay")
        assert len(seen) == 1, f"the {method} reached the upstream {len(seen)} times"
        assert seen[0].index >= 2 and seen[0].body == b"amount=100"
    finally:
        conn.close()


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_written_idempotent_request_is_retried_once(gw, ups, method):
    up = ups["cl"]
    m = h.marker()
    conn = h.https_connection(gw)
    try:
        assert send(conn, "GET", f"/prod/cl/{m}/warm")[0].status == 200
        body = b"v=1" if method == "PUT" else None
        resp, elapsed = send(conn, method, f"/prod/cl/{m}/read", body=body)
        assert resp.status == 200 and resp.body == f"fine:/{m}/read".encode(), resp
        assert elapsed < QUICK
        seen = up.matching(f"/{m}/read")
        assert len(seen) == 2, f"expected the dropped attempt and one retry, saw {len(seen)}"
        assert seen[0].index >= 2 and seen[1].index == 1 and seen[0].connection != seen[1].connection
        assert seen[0].body == seen[1].body == (body or b"")
    finally:
        conn.close()


# --------------------------------------------------------------------------------------------------
# the stderr access line


def test_a_path_cannot_plant_fields_in_the_access_line(gw, ups):
    m = h.marker()
    # Before: the readable message carried the path raw, so its `"` closed the quoted request and the fields
    # after it were read as the record's.
    planted = f"/prod/sw/{m}%22%20STATUS=500%20PRINCIPAL=arn:aws:iam::123456789012:root%20%22%20ERROR_TYPE=x"
    resp = h.request(gw, "GET", planted)
    assert resp.status == 200, resp
    lines = access_record_for_path(gw, m)
    assert len(lines) == 1, lines
    line = lines[0]
    fields = record_fields(line)
    assert fields["STATUS"] == "200", line
    assert fields["PRINCIPAL"] == "", line
    assert fields["ERROR_TYPE"] == "", line
    assert fields["PATH"] == f'/prod/sw/{m}\\" STATUS=500 PRINCIPAL=arn:aws:iam::123456789012:root \\" ERROR_TYPE=x', line


# --------------------------------------------------------------------------------------------------
# the admin listener under 1,000 idle connections


def admin_get(port: int, path: str) -> tuple[int, float]:
    started = time.monotonic()
    conn = http.client.HTTPConnection(h.LOOPBACK, port, timeout=5)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        return resp.status, time.monotonic() - started
    finally:
        conn.close()


def test_admin_answers_healthz_with_1000_idle_connections_open(pki, upstream, start_gateway):
    gw = start_gateway(h.admin_config(pki, upstream.url, api_id="h0st1le002", name="admin-flood"))
    port = gw.port("admin")
    assert admin_get(port, "/healthz")[0] == 200
    before = hs.proc_kb(gw.proc.pid)
    idle = []
    try:
        for _ in range(1000):
            idle.append(socket.create_connection((h.LOOPBACK, port), timeout=5))
        time.sleep(0.3)  # let the gateway accept them all
        status, elapsed = admin_get(port, "/healthz")
        assert status == 200 and elapsed < 1.0, f"/healthz: {status} after {elapsed:.2f}s"
        status, elapsed = admin_get(port, "/metrics")
        assert status == 200 and elapsed < 1.0, f"/metrics: {status} after {elapsed:.2f}s"
        # The idle connections are still open (none was closed to make room below the cap).
        open_count = 0
        for s in idle[:50]:
            s.setblocking(False)
            try:
                open_count += s.recv(1) != b""
            except BlockingIOError:
                open_count += 1
            except OSError:
                pass
        assert open_count == 50
        # Past the cap (1,024), newcomers close the oldest idle connections instead of waiting for a slot.
        for _ in range(300):
            idle.append(socket.create_connection((h.LOOPBACK, port), timeout=5))
        time.sleep(0.3)
        status, elapsed = admin_get(port, "/healthz")
        assert status == 200 and elapsed < 1.0, f"/healthz past the cap: {status} after {elapsed:.2f}s"
        after = hs.proc_kb(gw.proc.pid)
        print(f"admin flood: RSS {before} KiB -> {after} KiB with {len(idle)} idle connections")
        assert after - before < 64 * 1024, f"RSS grew by {(after - before) // 1024} MiB"
    finally:
        for s in idle:
            s.close()
    assert admin_get(port, "/healthz")[0] == 200


# --------------------------------------------------------------------------------------------------
# revocation on reload


def test_reload_revoking_a_client_closes_its_connection_after_the_answer(pki, ups, start_gateway, tmp_path):
    up = ups["sw"]
    cfg = h.base_config(
        pki,
        listeners=[h.https_listener(pki, allow_sources=["127.0.0.0/29"])],
        apis=[{"id": "h0st1le003", "name": "revocation", "authorization": "NONE", "stages": {"prod": {}},
               "routes": [route("sw", up)]}],
    )
    gw = start_gateway(cfg)
    alice = h.RawConn(gw, client="alice")
    bob = h.https_connection(gw, "bob")
    try:
        m = h.marker()
        alice.send(h.raw_head("GET", f"/prod/sw/{m}/a1"))
        assert alice.read_response().status == 200
        assert send(bob, "GET", f"/prod/sw/{m}/b1")[0].status == 200

        crl = tmp_path / "revoke-alice.crl.pem"
        out = h.run_cli("certs", "revoke", "--ca", pki.ca.parent, "--crl", crl, pki.client("alice").cert)
        assert out.returncode == 0, out.stderr
        cfg["listeners"][0]["tls"]["client_crl"] = str(crl)
        h.reload(gw, cfg)

        # The revoked client's request in flight on its connection is answered, announcing the close ...
        alice.send(h.raw_head("GET", f"/prod/sw/{m}/a2"))
        last = alice.read_response()
        assert last.status == 200 and last.body == f"fine:/{m}/a2".encode(), last
        assert (last.header("connection") or "").lower() == "close", last.headers
        # ... and then the connection ends: a request sent after it is never read.
        with contextlib.suppress(OSError):
            alice.send(h.raw_head("GET", f"/prod/sw/{m}/a3"))
        outcome, extra = alice.read_until_closed(timeout=5)
        assert outcome != "timeout" and b"HTTP/1.1" not in extra, (outcome, extra)
        assert up.matching(f"/{m}/a3") == []
        # A new connection with the revoked certificate is refused.
        kind, _ = h.tls_outcome(gw, h.client_context(pki, "alice"))
        assert kind != "ok"

        for i in (2, 3):
            resp, _ = send(bob, "GET", f"/prod/sw/{m}/b{i}")
            assert resp.status == 200, resp
            assert (resp.header("connection") or "").lower() != "close"
        assert len(up.matching(f"/{m}/b")) == 3
    finally:
        alice.close()
        bob.close()


# --------------------------------------------------------------------------------------------------
# PROXY protocol: LOCAL, UNSPEC and UNKNOWN use the real peer, which must itself be an allowed source

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def via_proxy_header(gw, header: bytes, path: str):
    """Sends `header` then TLS and one request; returns the Response, or the failure's class name."""
    raw = h.tcp_connect(gw.port(), timeout=5)
    try:
        raw.sendall(header)
        s = h.client_context(gw.pki, "alice").wrap_socket(raw, server_hostname=h.LOOPBACK)
        conn = h.RawConn.__new__(h.RawConn)
        conn.sock, conn.buf = s, b""
        conn.send(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        return conn.read_response()
    except (OSError, EOFError) as e:
        return type(e).__name__
    finally:
        raw.close()


def proxy_gateway(pki, upstream, start_gateway, allow_sources):
    return start_gateway(h.base_config(
        pki,
        networks=[{"id": "vpce-remote", "vpc": "vpc-remote", "cidrs": ["10.20.0.0/16"]}],
        listeners=[h.https_listener(pki, allow_sources=allow_sources, proxy_protocol=True,
                                    trusted_proxies=["127.0.0.1/32"])],
        apis=[{"id": "h0st1le004", "name": "proxy-local", "authorization": "NONE", "stages": {"prod": {}},
               "routes": [{"route": "ANY /{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")}]}],
    ))


LOCAL_HEADERS = {
    "v2-local": V2_SIGNATURE + bytes([0x20, 0x00, 0x00, 0x00]),
    "v2-local-with-block": V2_SIGNATURE + bytes([0x20, 0x11, 0x00, 0x0C, 10, 20, 0, 1, 127, 0, 0, 1, 0, 1, 0, 2]),
    "v2-proxy-unspec": V2_SIGNATURE + bytes([0x21, 0x00, 0x00, 0x00]),
    "v1-unknown": b"PROXY UNKNOWN\r\n",
}


@pytest.fixture(scope="module")
def proxy_allowed(pki, upstream, start_gateway):
    """The proxy's own address is an allowed source."""
    return proxy_gateway(pki, upstream, start_gateway, ["vpce-remote", "127.0.0.1/32"])


@pytest.fixture(scope="module")
def proxy_strict(pki, upstream, start_gateway):
    """Only proxied clients are allowed sources, not the proxy itself."""
    return proxy_gateway(pki, upstream, start_gateway, ["vpce-remote"])


@pytest.mark.parametrize("kind", sorted(LOCAL_HEADERS))
def test_proxy_header_without_a_client_address_uses_the_proxy_as_source(proxy_allowed, upstream, kind):
    gw = proxy_allowed
    m = h.marker()
    resp = via_proxy_header(gw, LOCAL_HEADERS[kind], f"/prod/{m}")
    assert not isinstance(resp, str) and resp.status == 200, resp
    assert upstream.one(m).headers_named("X-Forwarded-For") == ["127.0.0.1"]


@pytest.mark.parametrize("kind", sorted(LOCAL_HEADERS))
def test_proxy_header_without_a_client_address_does_not_skip_allow_sources(proxy_strict, upstream, kind):
    gw = proxy_strict
    m = h.marker()
    resp = via_proxy_header(gw, LOCAL_HEADERS[kind], f"/prod/{m}")
    assert isinstance(resp, str), f"the proxy's own address is not an allowed source, yet: {resp}"
    assert upstream.matching(m) == []


# Each with a well-formed IPv4 block from an allowed source: only the value the spec forbids is wrong.
BLOCK = bytes([0x00, 0x0C, 10, 20, 0, 1, 127, 0, 0, 1, 0, 1, 0, 2])


@pytest.mark.parametrize("tail", [bytes([0x21, 0x41]) + BLOCK, bytes([0x21, 0x13]) + BLOCK],
                         ids=["family-4", "transport-3"])
def test_proxy_v2_values_the_spec_rejects_close_the_connection(proxy_allowed, upstream, tail):
    gw = proxy_allowed
    m = h.marker()
    resp = via_proxy_header(gw, V2_SIGNATURE + tail, f"/prod/{m}")
    assert isinstance(resp, str), resp
    assert upstream.matching(m) == []
