"""The upstream leg's own HTTP/1.1 response codec (issue 12): what an upstream sends reaches the client as it was
sent — field values byte for byte, interim answers skipped, bodies framed by the upstream's rules and re-framed for
the client — and a connection is reused only when its every byte was one answer to the request written into it.
"""

from __future__ import annotations

import re

import pytest

import harness as h
import hostile_upstreams as hu

API = "upc0dec001"


def answer(req: hu.SeenRequest) -> hu.Reply:
    path = req.target
    if "/obs-text" in path:
        return hu.Reply(
            b"HTTP/1.1 200 OK\r\nX-Latin: caf\xe9 \xff\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n"
            b"X-MiXeD-CaSe: v\r\nX-Amzn-RequestId: the-upstream's\r\nContent-Length: 2\r\n\r\nok"
        )
    if "/interim" in path:
        return hu.Reply(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
            b"HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\nmade"
        )
    if "/http10-until-close" in path:
        return hu.Reply(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + b"x" * 3000, close=True)
    if "/trailers" in path:
        return hu.Reply(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n"
            b"4;ext=1\r\nabcd\r\n2\r\nef\r\n0\r\nX-Sum: 6\r\n\r\n"
        )
    if "/no-reason" in path:
        return hu.Reply(b"HTTP/1.1 202\r\nContent-Length: 0\r\n\r\n")
    if "/close-after" in path:
        return hu.Reply(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", close=True)
    return hu.ok(b"fine:" + path.encode())


@pytest.fixture(scope="module")
def up():
    server = hu.HostileUpstream(answer)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def gw(pki, up, start_gateway):
    cfg = h.base_config(
        pki,
        listeners=[h.https_listener(pki, allow_sources=["127.0.0.0/29"])],
        apis=[
            {
                "id": API,
                "name": "codec",
                "authorization": "NONE",
                "stages": {"prod": {}},
                "routes": [
                    {"route": "ANY /u/{proxy+}", "integration": h.proxy(up.url + "/{proxy}")},
                    {"route": "GET /mock", "integration": h.mock(200, '{"mock":true}')},
                ],
            }
        ],
    )
    return start_gateway(cfg)


def test_field_values_names_order_and_repeats_are_relayed_byte_for_byte(gw):
    m = h.marker()
    with h.RawConn(gw) as conn:
        conn.send(h.raw_head("GET", f"/prod/u/{m}/obs-text"))
        resp = conn.read_response()
    assert resp.status == 200 and resp.body == b"ok", resp
    # obs-text is not text: before, the value was decoded as UTF-8 and re-encoded (U+FFFD), changing its bytes.
    assert resp.header("x-latin").encode("latin-1") == b"caf\xe9 \xff", resp
    assert resp.headers_named("set-cookie") == ["a=1", "b=2"], resp
    assert ("X-MiXeD-CaSe", "v") in resp.headers, resp
    # Gatehouse's request id replaces the upstream's.
    assert resp.headers_named("x-amzn-requestid") != ["the-upstream's"], resp
    h.assert_request_id(resp)


def test_interim_answers_are_skipped_and_the_final_one_relayed(gw, up):
    m = h.marker()
    with h.RawConn(gw) as conn:
        conn.send(h.raw_head("GET", f"/prod/u/{m}/interim"))
        resp = conn.read_response()
        assert resp.status == 201 and resp.body == b"made", resp
        conn.send(h.raw_head("GET", f"/prod/u/{m}/after"))
        after = conn.read_response()
        assert after.status == 200 and after.body == f"fine:/{m}/after".encode(), after
    (interim,) = up.matching(f"/{m}/interim")
    (later,) = up.matching(f"/{m}/after")
    assert later.connection == interim.connection, "a complete answer leaves its connection reusable"


def test_a_body_read_until_close_is_rechunked_and_its_connection_not_reused(gw, up):
    m = h.marker()
    with h.RawConn(gw) as conn:
        conn.send(h.raw_head("GET", f"/prod/u/{m}/http10-until-close"))
        resp = conn.read_response()
        assert resp.status == 200, resp
        assert resp.header("transfer-encoding") == "chunked" and resp.header("content-length") is None, resp
        assert resp.body == b"x" * 3000
        conn.send(h.raw_head("GET", f"/prod/u/{m}/after"))
        assert conn.read_response().status == 200
    (first,) = up.matching(f"/{m}/http10-until-close")
    (later,) = up.matching(f"/{m}/after")
    assert later.connection != first.connection


def test_chunk_extensions_and_trailers_are_decoded_and_dropped(gw):
    m = h.marker()
    with h.RawConn(gw) as conn:
        conn.send(h.raw_head("GET", f"/prod/u/{m}/trailers"))
        resp = conn.read_response()
        assert resp.status == 200 and resp.body == b"abcdef", resp
        assert resp.header("trailer") is None, resp
        conn.send(h.raw_head("GET", f"/prod/u/{m}/after"))
        assert conn.read_response().status == 200


def test_a_status_line_without_reason_is_read(gw):
    with h.RawConn(gw) as conn:
        conn.send(h.raw_head("GET", f"/prod/u/{h.marker()}/no-reason"))
        resp = conn.read_response()
    assert resp.status == 202 and resp.reason == "Accepted", resp


def test_connection_close_from_the_upstream_is_not_pooled(gw, up):
    m = h.marker()
    with h.RawConn(gw) as conn:
        conn.send(h.raw_head("GET", f"/prod/u/{m}/close-after"))
        assert conn.read_response().body == b"ok"
        conn.send(h.raw_head("GET", f"/prod/u/{m}/after"))
        assert conn.read_response().status == 200
    (first,) = up.matching(f"/{m}/close-after")
    (later,) = up.matching(f"/{m}/after")
    assert later.connection != first.connection


def first_record(conn: h.RawConn, head: bytes) -> bytes:
    """What the first TLS record of the answer to `head` holds: Python's `recv` returns one record's bytes at most."""
    conn.send(head)
    return conn.sock.recv(65536)


@pytest.mark.parametrize("path, body", [
    ("/prod/u/{m}/small", rb"fine:/{m}/small"),  # relayed, with a length
    ("/prod/u/{m}/http10-until-close", rb"[0-9a-f]+\r\nxxx"),  # relayed, re-chunked: its first chunk
    ("/prod/mock", rb'\{"mock":true\}'),  # made by Gatehouse
])
def test_head_and_a_small_body_leave_in_one_tls_record(gw, path, body):
    # One write, one TLS record and one SSL_write instead of two; the client decrypts once.
    m = h.marker()
    with h.RawConn(gw) as conn:
        record = first_record(conn, h.raw_head("GET", path.format(m=m)))
    head, _, rest = record.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), record
    assert re.match(body.replace(b"{m}", m.encode()), rest), record
