"""Gate 3: HTTP/1.1 framing, limits and connection handling (contract §2 limits, §3 Connections)."""

import select
import socket
import ssl
import time

import pytest

import harness as h

MAX_BODY = 65536
MAX_HEADER = 4096
HEADER_TIMEOUT = 1
IDLE_TIMEOUT = 2


@pytest.fixture(scope="module")
def gw(pki, upstream, start_gateway):
    cfg = h.base_config(
        pki,
        limits={
            "max_body_bytes": MAX_BODY,
            "max_header_bytes": MAX_HEADER,
            "header_timeout": HEADER_TIMEOUT,
            "idle_timeout": IDLE_TIMEOUT,
            "max_connections": 100,
        },
        apis=[
            {
                "id": "h77p000001",
                "name": "http",
                "authorization": "NONE",
                "stages": {"prod": {}},
                "routes": [
                    {"route": "GET /ping", "integration": h.mock(200, '{"pong":true}')},
                    {
                        "route": "GET /mock-framing",
                        "integration": h.mock(
                            201,
                            "mocked",
                            headers={
                                "Transfer-Encoding": "chunked",
                                "Connection": "close",
                                "Keep-Alive": "timeout=1",
                                "X-Amzn-RequestId": "configured-id",
                                "X-Custom": "kept",
                            },
                        ),
                    },
                    {"route": "GET /mock-no-content", "integration": h.mock(204, "", headers={"X-Custom": "kept"})},
                    {"route": "ANY /{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")},
                ],
            }
        ],
    )
    return start_gateway(cfg)


head = h.raw_head


def assert_closed(conn, timeout=5):
    how, extra = conn.read_until_closed(timeout=timeout)
    assert how == "close_notify", f"connection not closed with close_notify after the error ({how}, {extra[:80]!r})"


# ---------------------------------------------------------------------------------------------- keep-alive


def test_keep_alive_serves_several_requests_on_one_connection(gw, upstream):
    m = h.marker()
    conn = h.https_connection(gw)
    try:
        r1 = h.send_on(conn, "GET", "/prod/ping")
        sock = conn.sock
        r2 = h.send_on(conn, "POST", f"/prod/{m}/a", body=b"hello")
        r3 = h.send_on(conn, "GET", f"/prod/{m}/b")
        assert conn.sock is sock, "the gateway closed a keep-alive connection between requests"
    finally:
        conn.close()
    assert [r.status for r in (r1, r2, r3)] == [200, 200, 200]
    assert r2.json()["body"] == "hello"
    assert len({r1.request_id, r2.request_id, r3.request_id}) == 3
    assert len(upstream.matching(m)) == 2


def test_pipelined_requests_answered_in_order(gw):
    m = h.marker()
    conn = h.RawConn(gw)
    try:
        conn.send(head("GET", f"/prod/{m}/first") + head("GET", "/prod/ping") + head("GET", f"/prod/{m}/third"))
        a, b, c = conn.read_response(), conn.read_response(), conn.read_response()
    finally:
        conn.close()
    assert a.json()["path"].endswith("/first")
    assert b.json() == {"pong": True}
    assert c.json()["path"].endswith("/third")


def test_pipelined_requests_stop_being_read_while_one_is_answered(gw):
    """A client pipelining without end while its first request waits on a slow upstream must find the gateway
    stops reading: what it can push is bounded by the kernel's socket buffers plus one read, not by what it sends."""
    m = h.marker()
    conn = h.RawConn(gw)
    sock = conn.sock
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
        conn.send(head("GET", f"/prod/{m}/slow/3000"))
        time.sleep(0.3)  # the slow request is with the upstream
        one = head("GET", "/prod/ping", "X-Pad: " + "p" * 2000)
        batch = one * 32  # 64 KiB a send
        offered, accepted = 48 * 1024 * 1024, 0
        sock.settimeout(0.5)
        deadline = time.monotonic() + 2.0
        while accepted < offered and time.monotonic() < deadline:
            try:
                sock.sendall(batch)
            except (socket.timeout, ssl.SSLWantWriteError):
                break
            accepted += len(batch)
    finally:
        conn.close()
    assert accepted < 16 * 1024 * 1024, f"the gateway took {accepted} bytes of pipelined requests while answering one"


def test_http10_keep_alive_is_honoured(gw):
    conn = h.RawConn(gw)
    try:
        conn.send(head("GET", "/prod/ping", "Connection: keep-alive", version="HTTP/1.0"))
        r1 = conn.read_response()
        assert r1.status == 200
        assert "keep-alive" in (r1.header("connection") or "").lower(), r1
        assert r1.header("content-length") is not None, "HTTP/1.0 keep-alive needs a Content-Length"
        conn.send(head("GET", "/prod/ping", "Connection: keep-alive", version="HTTP/1.0"))
        r2 = conn.read_response()
        assert r2.status == 200
    finally:
        conn.close()


def test_http10_without_keep_alive_is_closed_after_response(gw):
    conn = h.RawConn(gw)
    try:
        conn.send(head("GET", "/prod/ping", version="HTTP/1.0"))
        assert conn.read_response().status == 200
        assert_closed(conn)
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------- framing


def test_no_content_answer_carries_no_length_and_keeps_the_connection_in_step(gw):
    # RFC 9110 §8.6: no Content-Length on a 204, not even "0" (the MOCK's own length header is dropped).
    with h.RawConn(gw) as conn:
        conn.send(head("GET", "/prod/mock-no-content"))
        resp = conn.read_response()
        assert resp.status == 204, resp
        assert resp.header("content-length") is None and resp.header("transfer-encoding") is None, resp
        assert resp.header("X-Custom") == "kept"
        conn.send(head("GET", "/prod/ping"))
        assert conn.read_response().body == b'{"pong":true}'


def test_head_to_a_gateway_error_has_its_length_and_no_body(gw):
    with h.RawConn(gw) as conn:
        conn.send(head("HEAD", "/nowhere"))
        resp = conn.read_response(head=True)
        assert resp.status == 404, resp
        assert int(resp.header("content-length")) > 0, resp
        conn.send(head("GET", "/prod/ping"))  # a body sent after the HEAD answer would be read here instead
        assert conn.read_response().body == b'{"pong":true}'


def test_http10_gateway_error_keeps_an_asked_for_keep_alive(gw):
    with h.RawConn(gw) as conn:
        conn.send(head("GET", "/nowhere", "Connection: keep-alive", version="HTTP/1.0"))
        resp = conn.read_response()
        assert (resp.version, resp.status) == ("HTTP/1.0", 404), resp
        assert int(resp.header("content-length")) == len(resp.body) > 0, resp
        assert (resp.header("connection") or "").lower() == "keep-alive", resp
        h.assert_request_id(resp)
        conn.send(head("GET", "/prod/ping", "Connection: keep-alive", version="HTTP/1.0"))
        assert conn.read_response().body == b'{"pong":true}'


def test_mock_headers_cannot_change_framing_request_id_or_connection(gw):
    # The body's length, the request id and the connection's fate are Gatehouse's: configured copies are not sent.
    with h.RawConn(gw) as conn:
        for _ in range(2):  # the configured "Connection: close" does not close the keep-alive connection
            conn.send(head("GET", "/prod/mock-framing"))
            resp = conn.read_response()
            assert resp.status == 201, resp
            assert resp.body == b"mocked"
            assert resp.header("content-length") == "6", resp
            for name in ("Transfer-Encoding", "Connection", "Keep-Alive"):
                assert resp.header(name) is None, resp
            assert resp.headers_named("x-amzn-RequestId") == [h.assert_request_id(resp)], resp
            assert resp.header("X-Custom") == "kept"


@pytest.mark.parametrize(
    "headers, body",
    [
        pytest.param(["Content-Length: 5", "Transfer-Encoding: chunked"], b"0\r\n\r\n", id="cl-and-te"),
        pytest.param(["Transfer-Encoding: chunked", "Content-Length: 5"], b"0\r\n\r\n", id="te-and-cl"),
        pytest.param(["Content-Length: 5", "Content-Length: 6"], b"hello!", id="two-content-lengths"),
        pytest.param(["Content-Length: 5, 6"], b"hello!", id="content-length-list"),
        pytest.param(["X-Folded: first", " second"], b"", id="obs-fold-space"),
        pytest.param(["X-Folded: first", "\tsecond"], b"", id="obs-fold-tab"),
        pytest.param(["Host: second.example"], b"", id="two-hosts"),
        pytest.param(["HOST: localhost"], b"", id="two-hosts-same-value"),
        pytest.param(["Host: second.example", "Content-Length: 0"], b"", id="two-hosts-with-a-length"),
    ],
)
def test_malformed_framing_is_400_and_closed(gw, upstream, headers, body):
    m = h.marker()
    conn = h.RawConn(gw)
    try:
        conn.send(head("POST", f"/prod/{m}", *headers) + body)
        resp = conn.read_response()
        assert resp.status == 400, resp
        h.assert_request_id(resp)
        assert_closed(conn)
    finally:
        conn.close()
    assert upstream.matching(m) == []


def test_headers_just_under_limit_are_fine(gw):
    resp = h.request(gw, "GET", "/prod/ping", headers=[("X-Pad", "a" * (MAX_HEADER - 400))])
    assert resp.status == 200


@pytest.mark.parametrize(
    "request_bytes",
    [
        pytest.param(head("GET", "/prod/ping", "X-Big: " + "a" * (2 * MAX_HEADER)), id="one-big-header"),
        pytest.param(head("GET", "/prod/ping", *[f"X-H{i}: {'b' * 60}" for i in range(120)]), id="many-headers"),
        pytest.param(head("GET", "/prod/ping?q=" + "c" * (2 * MAX_HEADER)), id="long-request-line"),
    ],
)
def test_oversized_head_is_431(gw, request_bytes):
    conn = h.RawConn(gw)
    try:
        conn.send(request_bytes)
        resp = conn.read_response()
        assert resp.status == 431, resp
        h.assert_request_id(resp)
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------- body limit


def test_body_at_limit_is_forwarded(gw, upstream):
    m = h.marker()
    body = h.pattern_bytes(MAX_BODY)
    resp = h.request(gw, "POST", f"/prod/{m}", body=body)
    assert resp.status == 200, resp
    assert upstream.one(m).body == body


def test_declared_body_over_limit_is_413_without_reading_it(gw, upstream):
    m = h.marker()
    conn = h.RawConn(gw, timeout=5)
    try:
        conn.send(head("POST", f"/prod/{m}", f"Content-Length: {MAX_BODY + 1}"))
        resp = conn.read_response()
    finally:
        conn.close()
    h.assert_error(resp, 413, "RequestEntityTooLargeException", h.MSG_TOO_LONG)
    assert upstream.matching(m) == []


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_413_reaches_client_that_keeps_sending(gw, upstream, framing):
    """Lingering close: the answer must arrive although the client is still writing its body."""
    m = h.marker()
    total = 40 * MAX_BODY
    if framing == "content-length":
        request_head = head("POST", f"/prod/{m}", f"Content-Length: {total}")
        chunk = b"x" * 16384
    else:
        request_head = head("POST", f"/prod/{m}", "Transfer-Encoding: chunked")
        chunk = b"4000\r\n" + b"y" * 0x4000 + b"\r\n"
    conn = h.RawConn(gw)
    try:
        received, sent, _ = h.send_while_reading(conn.sock, request_head, total, chunk=chunk)
    finally:
        conn.close()
    assert received, f"no response arrived (sent {sent} body bytes)"
    resp = h.parse_response_bytes(received)
    h.assert_error(resp, 413, "RequestEntityTooLargeException", h.MSG_TOO_LONG)
    assert upstream.matching(m) == []


# ---------------------------------------------------------------------------------------------- timeouts


def test_slow_loris_is_cut_off_after_header_timeout(gw):
    conn = h.RawConn(gw)
    sock = conn.sock
    try:
        start = time.monotonic()
        sock.sendall(b"GET /prod/ping HTTP/1.1\r\nHost: localhost\r\n")
        closed_at = None
        i = 0
        while time.monotonic() - start < HEADER_TIMEOUT + 5:
            r, _, _ = select.select([sock], [], [], 0.2)
            if r or sock.pending():
                how, _ = conn.read_until_closed(timeout=2)
                closed_at = time.monotonic()
                break
            try:
                sock.sendall(f"X-Trickle-{i}: y\r\n".encode())  # never the final blank line
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                closed_at = time.monotonic()
                break
            i += 1
        assert closed_at is not None, f"connection still open {HEADER_TIMEOUT + 5}s after a never-ending head"
        elapsed = closed_at - start
        assert HEADER_TIMEOUT - 0.3 <= elapsed <= HEADER_TIMEOUT + 2.5, f"cut off after {elapsed:.2f}s"
    finally:
        conn.close()


def test_idle_keep_alive_connection_is_closed_after_idle_timeout(gw):
    conn = h.RawConn(gw)
    try:
        conn.send(head("GET", "/prod/ping"))
        assert conn.read_response().status == 200
        time.sleep(IDLE_TIMEOUT / 4)
        conn.send(head("GET", "/prod/ping"))
        assert conn.read_response().status == 200, "closed before idle_timeout"
        last = time.monotonic()
        how, extra = conn.read_until_closed(timeout=IDLE_TIMEOUT + 4)
        elapsed = time.monotonic() - last
        assert how == "close_notify", f"idle connection not closed with close_notify: {how}"
        assert IDLE_TIMEOUT - 0.5 <= elapsed <= IDLE_TIMEOUT + 2.5, f"closed after {elapsed:.2f}s idle"
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------- max_connections


@pytest.fixture(scope="module")
def gw_two(pki, start_gateway):
    cfg = h.base_config(
        pki,
        limits={"max_connections": 2, "idle_timeout": 30},
        apis=[
            {
                "id": "h77p000002",
                "name": "two",
                "authorization": "NONE",
                "stages": {"prod": {}},
                "routes": [{"route": "GET /ping", "integration": h.mock(200, '{"pong":true}')}],
            }
        ],
    )
    return start_gateway(cfg)


def test_connections_over_max_wait_in_backlog(gw_two):
    import threading

    first, second = h.RawConn(gw_two), h.RawConn(gw_two)
    for c in (first, second):
        c.send(head("GET", "/prod/ping"))
        assert c.read_response().status == 200
    result = {}
    start = time.monotonic()

    def third():
        try:
            c = h.RawConn(gw_two, timeout=10)
            c.send(head("GET", "/prod/ping", "Connection: close"))
            result["status"] = c.read_response().status
            result["at"] = time.monotonic() - start
            c.close()
        except Exception as e:  # noqa: BLE001
            result["error"] = repr(e)

    t = threading.Thread(target=third)
    t.start()
    time.sleep(1.5)
    assert "status" not in result, "a third connection was served while max_connections=2 were open"
    first.close()
    t.join(10)
    second.close()
    assert result.get("status") == 200, result
    assert result["at"] >= 1.4, result
