"""Gate 7: what the upstream receives and what comes back (contract §4, error table 502/504)."""

import hashlib
import time

import pytest

import harness as h
from contract_support import issue_certificate
from harness import ALICE, OTHER_SOURCE, WORKER

API = "f0rward001"

SPOOFED = [
    ("X-Forwarded-For", "6.6.6.6"),
    ("X-Forwarded-Proto", "http"),
    ("X-Forwarded-Host", "evil.example"),
    ("X-Forwarded-Client-Cert", 'Hash=00;Subject="CN=root";URI=spiffe://demo.internal/admin'),
    ("X-Gatehouse-Principal", "arn:aws:iam::123456789012:root"),
    ("X-Gatehouse-Source-Vpce", "vpce-evil"),
    ("X-Request-Id", "spoofed-request-id"),
]


@pytest.fixture(scope="module")
def dead_port():
    return h.free_port()  # nothing listens here


@pytest.fixture(scope="module")
def gw(pki, upstream, unix_upstream, dead_port, start_gateway):
    up = upstream.url
    cfg = h.base_config(
        pki,
        networks=[{"id": "vpce-fwd", "vpc": "vpc-fwd", "cidrs": ["127.0.0.0/8"]}],
        listeners=[h.https_listener(pki, allow_sources=["vpce-fwd"])],
        apis=[
            {
                "id": API,
                "name": "forwarding",
                "authorization": "NONE",
                "stages": {"prod": {"variables": {"backend": up}}},
                "routes": [
                    {"route": "GET /users/{id}", "integration": h.proxy("${stageVariables.backend}/users/{id}")},
                    {
                        "route": "GET /users/{id}/items/{item}",
                        "integration": h.proxy(up + "/v2/items/{item}/owner/{id}"),
                    },
                    {"route": "ANY /api/{proxy+}", "integration": h.proxy(up + "/base/{proxy}")},
                    {"route": "GET /fixed", "integration": h.proxy(up + "/static/path")},
                    {"route": "ANY /unix/{proxy+}", "integration": h.proxy(f"unix:{unix_upstream.unix_path}:/u/{{proxy}}")},
                    {"route": "GET /down", "integration": h.proxy(f"http://127.0.0.1:{dead_port}/down")},
                    {"route": "GET /slow/{ms}", "integration": h.proxy(up + "/slow/{ms}", timeout_ms=500)},
                    {
                        "route": "ANY /signed/{proxy+}",
                        "authorization": "AWS_IAM",
                        "integration": h.proxy(up + "/signed/{proxy}"),
                    },
                    {"route": "ANY /{proxy+}", "integration": h.proxy(up + "/{proxy}")},
                ],
            }
        ],
    )
    return start_gateway(cfg)


def xfcc_fields(value: str) -> dict:
    out = {}
    for part in value.split(";"):
        k, _, v = part.partition("=")
        out[k] = v
    return out


# ---------------------------------------------------------------------------------------------- paths


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/prod/users/42", "/users/42"),
        ("/prod/users/42/items/x7", "/v2/items/x7/owner/42"),
        ("/prod/api/a/b/c?x=1&y=two", "/base/a/b/c?x=1&y=two"),
        ("/prod/fixed", "/static/path"),
        ("/prod/fixed?q=1", "/static/path?q=1"),
        ("/prod/other/thing", "/other/thing"),
        ("/prod/enc/a%20b/%C3%A9", "/enc/a%20b/%C3%A9"),
    ],
)
def test_stage_prefix_removed_and_params_substituted(gw, upstream, path, expected):
    m = h.marker()
    sep = "&" if "?" in path else "?"
    resp = h.request(gw, "GET", f"{path}{sep}mk={m}")
    assert resp.status == 200, resp
    rec = upstream.one(m)
    assert rec.path == f"{expected}{sep}mk={m}"
    assert rec.method == "GET"


def test_unix_socket_upstream(gw, unix_upstream):
    m = h.marker()
    resp = h.request(gw, "POST", f"/prod/unix/{m}/x?y=1", body=b"via unix")
    assert resp.status == 200, resp
    rec = unix_upstream.one(m)
    assert rec.path == f"/u/{m}/x?y=1"
    assert rec.body == b"via unix"
    assert resp.json()["body"] == "via unix"


# ---------------------------------------------------------------------------------------------- headers


def test_hop_by_hop_headers_removed(gw, upstream):
    m = h.marker()
    resp = h.request(
        gw,
        "GET",
        f"/prod/{m}",
        headers=[
            ("Connection", "keep-alive, X-Custom-Hop, x-other-hop"),
            ("X-Custom-Hop", "1"),
            ("X-Other-Hop", "2"),
            ("Keep-Alive", "timeout=5"),
            ("TE", "trailers"),
            ("Proxy-Connection", "keep-alive"),
            ("Upgrade-Insecure-Requests", "1"),
            ("X-End-To-End", "kept"),
        ],
    )
    assert resp.status == 200, resp
    rec = upstream.one(m)
    for name in ("X-Custom-Hop", "X-Other-Hop", "Keep-Alive", "TE", "Proxy-Connection"):
        assert not rec.has(name), f"hop-by-hop {name} forwarded: {rec.headers}"
    for value in rec.headers_named("Connection"):
        assert "hop" not in value.lower(), f"client's Connection tokens forwarded: {value}"
    assert rec.header("X-End-To-End") == "kept"
    assert rec.header("Upgrade-Insecure-Requests") == "1"  # not hop-by-hop despite the name


def test_end_to_end_headers_and_repeats_forwarded(gw, upstream):
    m = h.marker()
    h.request(
        gw,
        "GET",
        f"/prod/{m}",
        headers=[("X-Multi", "1"), ("X-Multi", "2"), ("Accept", "application/json"), ("User-Agent", "e2e/1")],
    )
    rec = upstream.one(m)
    assert ", ".join(rec.headers_named("X-Multi")) == "1, 2"
    assert rec.header("Accept") == "application/json"
    assert rec.header("User-Agent") == "e2e/1"


@pytest.mark.parametrize("source", [h.LOOPBACK, OTHER_SOURCE])
def test_gateway_headers_replace_client_copies(gw, upstream, pki, source):
    m = h.marker()
    resp = h.request(gw, "GET", f"/prod/{m}", headers=SPOOFED, host="orders.internal:4443", source=source)
    assert resp.status == 200, resp
    rec = upstream.one(m)
    assert rec.headers_named("X-Forwarded-For") == [source]
    assert rec.headers_named("X-Forwarded-Proto") == ["https"]
    assert rec.headers_named("X-Forwarded-Host") == ["orders.internal:4443"]
    assert rec.headers_named("X-Gatehouse-Source-Vpce") == ["vpce-fwd"]
    assert not rec.has("X-Gatehouse-Principal"), "NONE route must not carry a principal"
    assert rec.headers_named("X-Request-Id") == [resp.request_id]
    xfcc = rec.headers_named("X-Forwarded-Client-Cert")
    assert len(xfcc) == 1, xfcc
    alice = pki.client("alice")
    fields = xfcc_fields(xfcc[0])
    assert fields["Hash"] == alice.sha256
    assert fields["Subject"] == '"CN=alice"'
    assert fields["URI"] == "spiffe://demo.internal/alice"
    assert fields.get("DNS", "") == ""


def test_xfcc_exact_envoy_format(gw, upstream, pki):
    m = h.marker()
    h.request(gw, "GET", f"/prod/{m}")
    alice = pki.client("alice")
    xfcc = upstream.one(m).header("X-Forwarded-Client-Cert")
    assert xfcc == f'Hash={alice.sha256};Subject="CN=alice";URI=spiffe://demo.internal/alice', xfcc


def test_xfcc_for_client_without_uri(gw, upstream, pki):
    m = h.marker()
    h.request(gw, "GET", f"/prod/{m}", client="dave")
    fields = xfcc_fields(upstream.one(m).header("X-Forwarded-Client-Cert"))
    assert fields["Hash"] == pki.client("dave").sha256
    assert fields["Subject"] == '"CN=dave"'
    assert fields.get("URI", "") == ""


@pytest.mark.parametrize(
    "name, uris, dns, expected_sans",
    [
        ("web", [], ["web.svc.internal"], "DNS=web.svc.internal"),
        (
            "orders",
            ["spiffe://demo.internal/orders"],
            ["orders.svc.internal", "orders-2.svc.internal"],
            "URI=spiffe://demo.internal/orders;DNS=orders.svc.internal;DNS=orders-2.svc.internal",
        ),
    ],
    ids=["one-dns-san", "uri-and-two-dns-sans"],
)
def test_xfcc_dns_field(gw, upstream, pki, tmp_path_factory, name, uris, dns, expected_sans):
    # contract §4: Envoy's format, `DNS=<dns SAN>` — Envoy writes one DNS= pair per DNS SAN, after URI=
    cert = issue_certificate(pki, tmp_path_factory.mktemp("xfcc"), name, uris=uris, dns=dns)
    pki.clients[f"xfcc-{name}"] = cert
    m = h.marker()
    resp = h.request(gw, "GET", f"/prod/{m}", client=f"xfcc-{name}")
    assert resp.status == 200, resp
    xfcc = upstream.one(m).headers_named("X-Forwarded-Client-Cert")
    assert xfcc == [f'Hash={cert.sha256};Subject="CN={name}";{expected_sans}'], xfcc


def test_client_naming_xfcc_in_connection_cannot_strip_gateway_copy(gw, upstream, pki):
    m = h.marker()
    resp = h.request(
        gw,
        "GET",
        f"/prod/{m}",
        headers=[
            ("Connection", "X-Forwarded-Client-Cert, X-Forwarded-For, X-Request-Id, X-Gatehouse-Source-Vpce"),
            ("X-Forwarded-Client-Cert", "Hash=forged"),
        ],
    )
    assert resp.status == 200, resp
    rec = upstream.one(m)
    xfcc = rec.headers_named("X-Forwarded-Client-Cert")
    assert len(xfcc) == 1 and xfcc_fields(xfcc[0])["Hash"] == pki.client("alice").sha256, xfcc
    assert rec.headers_named("X-Forwarded-For") == ["127.0.0.1"]
    assert rec.headers_named("X-Request-Id") == [resp.request_id]
    assert rec.headers_named("X-Gatehouse-Source-Vpce") == ["vpce-fwd"]


def test_signed_route_forwards_principal_not_credentials(gw, upstream):
    m = h.marker()
    target, headers = h.sign("POST", "localhost", f"/prod/signed/{m}", identity=WORKER, body=b"payload")
    headers += [("X-Gatehouse-Principal", "arn:aws:iam::123456789012:root")]
    resp = h.request(gw, "POST", target, headers=headers, body=b"payload")
    assert resp.status == 200, resp
    rec = upstream.one(m)
    assert rec.path == f"/signed/{m}"
    assert rec.headers_named("X-Gatehouse-Principal") == [WORKER.principal]
    assert not rec.has("Authorization")
    assert not rec.has("X-Amz-Security-Token")
    assert rec.body == b"payload"


def test_presigned_route_forwards_principal(gw, upstream):
    m = h.marker()
    target, headers = h.sign("GET", "localhost", f"/prod/signed/{m}?a=1", identity=ALICE, mode="query")
    resp = h.request(gw, "GET", target, headers=headers)
    assert resp.status == 200, resp
    assert upstream.one(m).headers_named("X-Gatehouse-Principal") == [ALICE.principal]


# ---------------------------------------------------------------------------------------------- bodies


def test_request_body_intact(gw, upstream):
    m = h.marker()
    body = h.pattern_bytes(3 * 1024 * 1024 + 17)
    resp = h.request(gw, "PUT", f"/prod/{m}", body=body, headers={"Content-Type": "application/octet-stream"})
    assert resp.status == 200, resp
    assert resp.json()["body_sha256"] == hashlib.sha256(body).hexdigest()
    rec = upstream.one(m)
    assert rec.method == "PUT"
    assert rec.body == body
    assert rec.header("Content-Type") == "application/octet-stream"


def test_chunked_request_body_intact(gw, upstream):
    m = h.marker()
    pieces = [h.pattern_bytes(1000), b"middle", h.pattern_bytes(70000)]
    wire = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
    conn = h.RawConn(gw)
    try:
        conn.send(
            f"POST /prod/{m} HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n".encode() + wire
        )
        resp = conn.read_response()
    finally:
        conn.close()
    assert resp.status == 200, resp
    assert upstream.one(m).body == b"".join(pieces)


def test_response_status_headers_and_body_pass_through(gw):
    resp = h.request(gw, "POST", f"/prod/{h.marker()}/status/201", body=b"x")
    assert resp.status == 201
    assert resp.header("X-Upstream") == "e2e"
    assert resp.json()["body"] == "x"
    resp = h.request(gw, "GET", f"/prod/{h.marker()}/status/404")
    assert resp.status == 404
    assert resp.error_type is None  # an upstream 404 is not the gateway's NotFoundException


def test_large_fixed_length_response_intact(gw):
    n = 5 * 1024 * 1024 + 3
    resp = h.request(gw, "GET", f"/prod/{h.marker()}/bytes/{n}")
    assert resp.status == 200
    assert len(resp.body) == n
    assert resp.body == h.pattern_bytes(n)


def test_large_streaming_response_intact(gw):
    n = 24 * 1024 * 1024 + 5
    resp = h.request(gw, "GET", f"/prod/{h.marker()}/stream/{n}", timeout=60)
    assert resp.status == 200
    assert len(resp.body) == n
    assert hashlib.sha256(resp.body).digest() == hashlib.sha256(h.pattern_bytes(n)).digest()


@pytest.mark.parametrize(
    "method, path, status, length, coding",
    [
        pytest.param("HEAD", "bytes/1000", 200, "1000", None, id="head-fixed-length"),
        # The upstream's Transfer-Encoding is hop-by-hop, and a HEAD answer sends no chunks, not even the last one.
        pytest.param("HEAD", "stream/1000", 200, None, None, id="head-chunked-upstream"),
        pytest.param("GET", "status/204", 204, None, None, id="no-content"),
        pytest.param("GET", "status/304", 304, None, None, id="not-modified"),
    ],
)
def test_bodyless_responses_keep_the_connection_in_step(gw, method, path, status, length, coding):
    # These answers carry no body whatever their framing headers say; a relay that sent one (or a chunked
    # terminator) would be read as the start of the next response on the connection.
    m = h.marker()
    with h.RawConn(gw) as conn:
        conn.send(h.raw_head(method, f"/prod/{m}/{path}"))
        resp = conn.read_response(head=True)
        assert resp.status == status, resp
        assert resp.header("content-length") == length, resp
        assert resp.header("transfer-encoding") == coding, resp
        h.assert_request_id(resp)
        conn.send(h.raw_head("GET", f"/prod/{m}/bytes/7"))
        following = conn.read_response()
        assert following.status == 200, following
        assert following.body == h.pattern_bytes(7)


@pytest.mark.parametrize("size", [1000, 70_000], ids=["one-small-chunk", "chunks-over-the-join-limit"])
def test_chunked_upstream_body_is_rechunked_for_http11(gw, size):
    m = h.marker()
    with h.RawConn(gw) as conn:
        conn.send(h.raw_head("GET", f"/prod/{m}/stream/{size}"))
        resp = conn.read_response()
        assert resp.status == 200, resp
        assert resp.header("transfer-encoding") == "chunked" and resp.header("content-length") is None, resp
        assert resp.body == h.pattern_bytes(size)
        conn.send(h.raw_head("GET", f"/prod/{m}/bytes/5"))
        assert conn.read_response().body == h.pattern_bytes(5)  # the last chunk ended the body exactly


def test_chunked_upstream_body_runs_until_close_for_http10(gw):
    # HTTP/1.0 has no chunked coding: the body is delimited by closing the connection, which the head announces.
    m = h.marker()
    with h.RawConn(gw) as conn:
        conn.send(h.raw_head("GET", f"/prod/{m}/stream/3000", "Connection: keep-alive", version="HTTP/1.0"))
        resp = conn.read_response()
        assert resp.status == 200, resp
        assert resp.version == "HTTP/1.0", resp
        assert resp.header("transfer-encoding") is None and resp.header("content-length") is None, resp
        assert (resp.header("connection") or "").lower() == "close", resp
        assert resp.body == h.pattern_bytes(3000)


def test_length_dropped_as_connection_named_is_replaced_by_chunking(gw):
    # The framing follows the head Gatehouse writes: a Content-Length it does not forward cannot frame the body.
    m = h.marker()
    with h.RawConn(gw) as conn:
        conn.send(h.raw_head("GET", f"/prod/{m}/names-length-in-connection"))
        resp = conn.read_response()
        assert resp.status == 200, resp
        assert resp.header("content-length") is None and resp.header("transfer-encoding") == "chunked", resp
        assert resp.body == b"length named in Connection"
        conn.send(h.raw_head("GET", f"/prod/{m}/bytes/5"))
        assert conn.read_response().body == h.pattern_bytes(5)


def test_pipelined_request_whose_body_arrives_later_is_read_to_the_end(gw, upstream):
    # A request queued behind a slow one, with only part of its body sent: once the slow one is answered, reading
    # must resume for the rest of the body.
    m = h.marker()
    with h.RawConn(gw) as conn:
        conn.send(h.raw_head("GET", "/prod/slow/300") + h.raw_head("POST", f"/prod/{m}", "Content-Length: 10") + b"12345")
        assert conn.read_response().status == 200
        time.sleep(0.2)
        conn.send(b"67890")
        resp = conn.read_response()
        assert resp.status == 200, resp
    assert upstream.one(m).body == b"1234567890"


def test_http10_expect_is_ignored(gw, upstream):
    # RFC 9110 §10.1.1: an HTTP/1.0 client would not understand a 100; the answer is the final one.
    m = h.marker()
    with h.RawConn(gw) as conn:
        conn.send(h.raw_head("POST", f"/prod/{m}", "Expect: 100-continue", "Content-Length: 4", version="HTTP/1.0"))
        conn.send(b"body")
        resp = conn.read_response()
        assert resp.status == 200, resp
    assert upstream.one(m).body == b"body"


def test_expect_100_continue_gets_the_interim_answer_before_the_body(gw, upstream):
    m = h.marker()
    body = b"sent after 100 Continue"
    with h.RawConn(gw) as conn:
        conn.send(h.raw_head("POST", f"/prod/{m}", "Expect: 100-continue", f"Content-Length: {len(body)}"))
        interim = conn.read_response(head=True)
        assert interim.status == 100, interim
        conn.send(body)
        resp = conn.read_response()
        assert resp.status == 200, resp
        h.assert_request_id(resp)
    assert upstream.one(m).body == body


# ---------------------------------------------------------------------------------------------- failures


def test_upstream_down_is_502(gw):
    resp = h.request(gw, "GET", "/prod/down")
    h.assert_error(resp, 502, "BadGatewayException", h.MSG_BAD_GATEWAY)


def test_upstream_reset_is_502(gw, upstream):
    m = h.marker()
    resp = h.request(gw, "GET", f"/prod/{m}/reset")
    h.assert_error(resp, 502, "BadGatewayException", h.MSG_BAD_GATEWAY)
    assert len(upstream.matching(m)) >= 1


def test_upstream_slower_than_timeout_is_504(gw):
    start = time.monotonic()
    resp = h.request(gw, "GET", "/prod/slow/3000")
    elapsed = time.monotonic() - start
    h.assert_error(resp, 504, "IntegrationTimeoutException", h.MSG_TIMEOUT)
    assert 0.4 <= elapsed < 2.5, f"504 after {elapsed:.2f}s with timeout_ms 500"


def test_upstream_within_timeout_is_served(gw):
    resp = h.request(gw, "GET", "/prod/slow/100")
    assert resp.status == 200, resp


def test_each_call_on_a_keep_alive_connection_gets_its_own_integration_timeout(gw):
    # One deadline timer serves all the upstream calls of a client connection and is moved lazily: a call that
    # finished must not leave a deadline that cuts the next one short, and a slow call must not outlive its own.
    with h.RawConn(gw) as conn:
        for ms, status in [(300, 200), (3000, 504), (350, 200), (3000, 504), (100, 200)]:
            start = time.monotonic()
            conn.send(h.raw_head("GET", f"/prod/slow/{ms}"))
            resp = conn.read_response()
            elapsed = time.monotonic() - start
            assert resp.status == status, (ms, resp)
            if status == 504:
                assert 0.45 <= elapsed < 2.5, f"504 after {elapsed:.2f}s with timeout_ms 500"
            else:
                assert elapsed >= ms / 1000 * 0.9, f"{ms} ms upstream answered after {elapsed:.2f}s"


def test_gateway_keeps_serving_after_failures(gw):
    h.request(gw, "GET", "/prod/down")
    h.request(gw, "GET", "/prod/slow/3000")
    assert h.request(gw, "GET", f"/prod/{h.marker()}").status == 200
