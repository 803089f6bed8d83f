"""Hostile input on the client leg (contract §3 "Hostile input", the 408 row, `limits.body_timeout`): the strict
request parser, body framing and its limits, and the body deadline, through the real gateway with a client
certificate. Each test asserts the one answer, how soon it comes, and what the upstream got (or that it got nothing).

This file is the entry of the hostile-input suite (issue 11), six files:
  input = test_hostile_input.py, paths = test_hostile_paths_headers.py, sigv4 = test_sigv4_hostile.py,
  upstream = test_hostile_upstream.py, dose = test_hostile_dose.py; support in hostile_support.py
  (`rss_guard`, `dose`, `proc_kb`) and hostile_upstreams.py.
Every rule of the contract's list has (a) its exact answer, (b) the time to answer (an upper bound for a prompt
answer, both bounds for a deadline) and (c) the gateway's VmRSS before and after a repeated dose. The dose cases are
`dose::test_repeated_hostile_input_keeps_its_answer_time_and_memory[CASE]` (written `dose[CASE]` below): a warm-up
dose, then 20-40 requests under `rss_guard` (growth < 8 MiB), each asserting its own answer and time.

| contract rule | (a) answer  (b) time | (c) memory |
|---|---|---|
| no per-request buffer grows past max_header_bytes + max_body_bytes: head over the limit | input::test_head_one_byte_over_max_header_bytes_is_431, input::test_unfinished_head_over_the_limit_is_431_at_once (431, < 0.5 s) | dose[buffer/head-over-max_header_bytes], input::test_rss_stays_bounded_under_a_flood_of_hostile_input |
| ... a body declared past max_body_bytes | dose[buffer/content-length-over-max_body_bytes], dose[buffer/chunk-declared-over-max_body_bytes] (413, < 1.5 s) | the same |
| ... a body declared (10 MiB) but never sent | dose::test_declared_bodies_never_sent_do_not_pin_memory (408 at body_timeout, both bounds) | the same: 50 connections held, VmRSS and VmData read while held |
| ... bytes after Upgrade, never-ending heads, pipelined floods | input::test_rss_stays_bounded_under_a_flood_of_hostile_input (the gateway still answers) | the same (flood, then 16 junk writers held) |
| ... SignedHeaders naming a header twice / more than 64 names | sigv4::test_signed_headers_naming_a_header_twice, sigv4::test_signed_headers_over_64_names, sigv4::test_signed_headers_amplification_answered_at_once (403 IncompleteSignatureException, before the body, < 2 s) | dose[buffer/signedheaders-10000-names], dose[buffer/signedheaders-over-64] |
| ... a region set or wildcard matched in linear time | sigv4::test_wildcard_region_set_does_not_stall (403, < 2 s, another connection served meanwhile) | dose[buffer/region-set-wildcards] |
| every phase has a deadline: header_timeout | dose[deadline/header_timeout] (close_notify, no answer, header_timeout from accept, both bounds); also test_http.py::test_slow_loris_is_cut_off_after_header_timeout | dose[deadline/header_timeout] |
| ... body_timeout | input::test_body_not_received_within_body_timeout_is_408 (408, both bounds), input::test_a_slow_but_steady_body_is_not_cut, input::test_a_body_drained_after_an_early_answer_is_cut_after_body_timeout | dose[deadline/body_timeout] |
| ... the integration timeout | dose[deadline/integration-timeout] (504 IntegrationTimeoutException, both bounds); also test_forwarding.py::test_upstream_slower_than_timeout_is_504 | dose[deadline/integration-timeout] |
| Upgrade dropped off a WebSocket route, the connection stays HTTP/1.1 | input::test_upgrade_is_dropped_and_the_next_pipelined_request_answered, input::test_bytes_after_an_upgrade_request_are_parsed_as_http, dose[upgrade/dropped] (200 then 200 on the same connection, < 1.5 s) | dose[upgrade/dropped], input::test_rss_stays_bounded_under_a_flood_of_hostile_input. Forwarding on a WebSocket route: not built yet (§9), not tested |
| the path seen is the path forwarded: dot segments resolved (also encoded) | paths::test_encoded_dot_segments_cannot_bypass_a_deny, paths::test_allowed_path_reaches_upstream_normalized, paths::test_clamped_path_is_what_the_policy_sees, paths::test_signed_request_with_encoded_dots_verifies_against_the_path_as_signed; time: dose[path/encoded-dot-segments] (403 explicit deny, < 1.5 s) | dose[path/encoded-dot-segments] |
| ... `;` parameter, encoded `/` or `\\`, NUL is 400 | paths::test_path_that_could_mean_another_is_400_and_never_forwarded; time: dose[path/parameter], dose[path/encoded-separator] (400 Invalid request path, < 1.5 s) | dose[path/parameter], dose[path/encoded-separator] |
| HTTP/1.1 without exactly one non-empty Host is 400 | input::test_http11_without_exactly_one_nonempty_host_is_400 (400, < 0.5 s, close_notify) | dose[framing/missing-host] |
| a transfer coding other than one chunked is 400 | input::test_transfer_coding_other_than_one_chunked_is_400, input::test_chunked_in_http10_is_400 (< 0.5 s) | dose[framing/transfer-coding] |
| a chunked body is 413 as soon as its declared sizes pass max_body_bytes | input::test_chunked_body_over_limit_is_413_as_soon_as_declared (< 0.5 s, upstream never called) | dose[buffer/chunk-declared-over-max_body_bytes] |
| a chunk-size line over 4 KiB is 400 | input::test_chunk_size_line_over_4k_is_400 (< 0.5 s), input::test_chunk_size_line_of_4k_is_accepted | dose[framing/chunk-size-line-over-4k] |
| field values forwarded byte for byte (obs-text) | input::test_obs_text_values_reach_the_upstream_byte_for_byte, input::test_sigv4_covers_obs_text_bytes_as_sent; time: dose[framing/obs-text-forwarded] | dose[framing/obs-text-forwarded] |
| a SigV4 field given twice is IncompleteSignatureException | sigv4::test_authorization_field_given_twice, sigv4::test_presigned_query_parameter_given_twice; time: dose[sigv4/field-twice] (< 1.5 s) | dose[sigv4/field-twice] |
| an upstream's unasked 101 or malformed answer is 502, its connection closed, never pooled | upstream::test_unasked_switching_protocols_is_502_and_never_pooled, upstream::test_malformed_upstream_head_is_502_and_closes_that_connection, upstream::test_body_broken_before_any_byte_was_relayed_is_502 (502 < 2 s) | dose[upstream/unasked-101], dose[upstream/malformed-head] |
| a written request is retried on another connection only if idempotent | upstream::test_written_non_idempotent_request_is_not_replayed, upstream::test_written_idempotent_request_is_retried_once (< 2 s) | dose[upstream/written-post-not-replayed] |
| the admin listener answers /healthz with 1,000 idle connections open | upstream::test_admin_answers_healthz_with_1000_idle_connections_open (200 < 1 s, also past the 1,024 cap) | the same (1,300 connections) |
| look-alike (`_`, case) and method/URL-override headers dropped | paths::test_look_alike_and_override_headers_never_reach_upstream, paths::test_underscore_headers_dropped_by_default, paths::test_underscore_headers_forwarded_with_the_option_but_never_look_alikes; time: dose[headers/look-alikes-dropped] | dose[headers/look-alikes-dropped] |
| on a reload, a connection whose certificate no longer passes (revoked) is closed once its request is answered | upstream::test_reload_revoking_a_client_closes_its_connection_after_the_answer, dose::test_reload_closes_each_refused_clients_connection_once_its_request_is_answered[revoked] (200 with Connection: close, close_notify < 1.5 s) | dose::...[revoked] (10 connections) |
| ... (outside allowed_clients) | dose::test_reload_closes_each_refused_clients_connection_once_its_request_is_answered[outside-allowed_clients] | the same |
"""
import threading
import time

import pytest

import harness as h
import hostile_support as hs

MAX_BODY = 65536
MAX_HEADER = 4096
BODY_TIMEOUT = 1
MSG_TIMEOUT = "Request Timeout"
MSG_HEADERS = "Request Header Fields Too Large"


@pytest.fixture(scope="module")
def gw(pki, upstream, start_gateway):
    cfg = h.base_config(
        pki,
        limits={
            "max_body_bytes": MAX_BODY,
            "max_header_bytes": MAX_HEADER,
            "header_timeout": 5,
            "body_timeout": BODY_TIMEOUT,
            "idle_timeout": 10,
        },
        apis=[
            {
                "id": "h05t1e0001",
                "name": "hostile",
                "authorization": "NONE",
                "stages": {"prod": {}},
                "routes": [
                    {"route": "GET /ping", "integration": h.mock(200, '{"pong":true}')},
                    {"route": "ANY /{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")},
                ],
            }
        ],
    )
    return start_gateway(cfg)


def raw(*lines: str) -> bytes:
    """A head written exactly as given: the request line and the fields, no Host added."""
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def answer(gw, data: bytes, timeout: float = 5) -> tuple[h.Response, float, str]:
    """Sends `data` on a new connection; returns the response, the seconds it took, and how the connection ended."""
    conn = h.RawConn(gw, timeout=timeout)
    try:
        started = time.monotonic()
        conn.send(data)
        resp = conn.read_response()
        elapsed = time.monotonic() - started
        how, _ = conn.read_until_closed(timeout=timeout)
        return resp, elapsed, how
    finally:
        conn.close()


def assert_400(gw, upstream, data: bytes, message: str) -> None:
    resp, elapsed, how = answer(gw, data)
    h.assert_error(resp, 400, "BadRequestException", message)
    assert elapsed < 0.5, f"the 400 took {elapsed:.2f}s"
    assert how == "close_notify", how


# ------------------------------------------------------------------------------------------------ Host


@pytest.mark.parametrize(
    "fields, message",
    [
        pytest.param([], "Missing Host header", id="no-host"),
        pytest.param(["Host:"], "Empty Host header", id="empty-host"),
        pytest.param(["Host:   "], "Empty Host header", id="blank-host"),
        pytest.param(["Host: localhost", "Host: localhost"], "Multiple Host headers", id="two-hosts"),
    ],
)
def test_http11_without_exactly_one_nonempty_host_is_400(gw, upstream, fields, message):
    m = h.marker()
    assert_400(gw, upstream, raw(f"GET /prod/{m} HTTP/1.1", *fields), message)
    assert upstream.matching(m) == []


def test_http10_without_host_is_served(gw, upstream):
    m = h.marker()
    resp, _, _ = answer(gw, raw(f"GET /prod/{m} HTTP/1.0"))
    assert resp.status == 200, resp
    assert len(upstream.matching(m)) == 1


# ------------------------------------------------------------------------------------------------ transfer codings


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param(["Transfer-Encoding: gzip, chunked"], id="gzip-chunked"),
        pytest.param(["Transfer-Encoding: chunked, chunked"], id="chunked-chunked"),
        pytest.param(["Transfer-Encoding: identity"], id="identity"),
        pytest.param(["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"], id="two-fields"),
        pytest.param(["Transfer-Encoding: gzip", "Transfer-Encoding: chunked"], id="gzip-then-chunked"),
    ],
)
def test_transfer_coding_other_than_one_chunked_is_400(gw, upstream, fields):
    m = h.marker()
    data = raw(f"POST /prod/{m} HTTP/1.1", "Host: localhost", *fields) + b"5\r\nhello\r\n0\r\n\r\n"
    assert_400(gw, upstream, data, "Unsupported Transfer-Encoding")
    assert upstream.matching(m) == []


def test_chunked_in_http10_is_400(gw, upstream):
    m = h.marker()
    data = raw(f"POST /prod/{m} HTTP/1.0", "Transfer-Encoding: chunked") + b"0\r\n\r\n"
    assert_400(gw, upstream, data, "Transfer-Encoding in an HTTP/1.0 request")
    assert upstream.matching(m) == []


def test_one_chunked_coding_is_forwarded_with_its_length(gw, upstream):
    m = h.marker()
    data = raw(f"POST /prod/{m} HTTP/1.1", "Host: localhost", "Transfer-Encoding: Chunked", "Connection: close")
    resp, _, _ = answer(gw, data + b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
    assert resp.status == 200, resp
    rec = upstream.one(m)
    assert rec.body == b"hello world"
    assert rec.header("Content-Length") == "11"
    assert not rec.has("Transfer-Encoding") and not rec.has("X-Trailer")


# ------------------------------------------------------------------------------------------------ field values


def test_obs_text_values_reach_the_upstream_byte_for_byte(gw, upstream):
    m = h.marker()
    latin = b"caf\xe9 \xff\x80\xa0end"
    utf8 = "grüße €".encode()
    data = (
        f"GET /prod/{m} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n".encode()
        + b"X-Latin: " + latin + b"\r\nX-Utf8: " + utf8 + b"\r\n\r\n"
    )
    resp, _, _ = answer(gw, data)
    assert resp.status == 200, resp
    rec = upstream.one(m)
    # http.server decodes field values as latin-1: encoding back gives the bytes on the wire.
    assert rec.header("X-Latin").encode("latin-1") == latin
    assert rec.header("X-Utf8").encode("latin-1") == utf8


@pytest.mark.parametrize(
    "field, message",
    [
        pytest.param(b"X-Nul: a\x00b", "Invalid character in a header value", id="nul"),
        pytest.param(b"X-Del: a\x7fb", "Invalid character in a header value", id="del"),
        pytest.param(b"X-Ctl: a\x01b", "Invalid character in a header value", id="control"),
        pytest.param(b"X-Space : a", "Whitespace before the colon of a header", id="space-before-colon"),
        pytest.param(b"X-Bad@Name: a", "Invalid header name", id="bad-name"),
        pytest.param(b"X-Cr: a\rb", "Bare CR in request head", id="bare-cr"),
        pytest.param(b"X-Lf: a\nX-Next: b", "Bare LF in request head", id="bare-lf"),
    ],
)
def test_field_grammar_is_strict(gw, upstream, field, message):
    m = h.marker()
    data = f"GET /prod/{m} HTTP/1.1\r\nHost: localhost\r\n".encode() + field + b"\r\n\r\n"
    assert_400(gw, upstream, data, message)
    assert upstream.matching(m) == []


# ------------------------------------------------------------------------------------------------ head size


def head_of_size(size: int) -> bytes:
    start = b"GET /prod/ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Pad: "
    head = start + b"p" * (size - len(start) - 4) + b"\r\n\r\n"
    assert len(head) == size
    return head


def test_head_at_max_header_bytes_is_served(gw):
    resp, _, _ = answer(gw, head_of_size(MAX_HEADER))
    assert resp.status == 200, resp


def test_head_one_byte_over_max_header_bytes_is_431(gw):
    resp, elapsed, how = answer(gw, head_of_size(MAX_HEADER + 1))
    h.assert_error(resp, 431, "RequestHeaderFieldsTooLargeException", MSG_HEADERS)
    assert elapsed < 0.5
    assert how == "close_notify", how


def test_unfinished_head_over_the_limit_is_431_at_once(gw):
    """No need to wait for the end of a head that is already too long."""
    resp, elapsed, _ = answer(gw, head_of_size(MAX_HEADER + 100)[:-4])
    h.assert_error(resp, 431, "RequestHeaderFieldsTooLargeException", MSG_HEADERS)
    assert elapsed < 0.5


# ------------------------------------------------------------------------------------------------ chunked limits


def chunked_head(m: str) -> bytes:
    return raw(f"POST /prod/{m} HTTP/1.1", "Host: localhost", "Transfer-Encoding: chunked")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"100000000\r\n", id="huge-declared-chunk"),
        pytest.param(b"%x\r\n" % (MAX_BODY + 1), id="one-over"),
        pytest.param(b"8000\r\n" + b"a" * 0x8000 + b"\r\n8001\r\n", id="sum-over"),
        pytest.param(b"1;" + b"e" * 4000 + b"\r\nz\r\n" + (b"1;" + b"e" * 4000 + b"\r\nz\r\n") * 20, id="extensions"),
        pytest.param(b"1\r\nz\r\n0\r\n" + b"X-Trailer: " + b"t" * 4000 + b"\r\n" + (b"X-T: " + b"t" * 4000 + b"\r\n") * 20,
                     id="trailers"),
    ],
)
def test_chunked_body_over_limit_is_413_as_soon_as_declared(gw, upstream, body):
    m = h.marker()
    resp, elapsed, how = answer(gw, chunked_head(m) + body)
    h.assert_error(resp, 413, "RequestEntityTooLargeException", h.MSG_TOO_LONG)
    assert elapsed < 0.5, f"the 413 took {elapsed:.2f}s: it waited for data"
    assert how == "close_notify", how
    assert upstream.matching(m) == []


def test_chunked_body_at_limit_is_forwarded(gw, upstream):
    m = h.marker()
    body = h.pattern_bytes(MAX_BODY)
    data = chunked_head(m)[:-2] + b"Connection: close\r\n\r\n" + b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
    resp, _, _ = answer(gw, data)
    assert resp.status == 200, resp
    assert upstream.one(m).body == body


def test_chunk_size_line_over_4k_is_400(gw, upstream):
    m = h.marker()
    assert_400(gw, upstream, chunked_head(m) + b"1;" + b"a" * 4095 + b"\r\nz\r\n0\r\n\r\n", "Chunk size line too long")
    assert upstream.matching(m) == []


def test_chunk_size_line_of_4k_is_accepted(gw, upstream):
    m = h.marker()
    data = chunked_head(m)[:-2] + b"Connection: close\r\n\r\n" + b"1;" + b"a" * 4094 + b"\r\nz\r\n0\r\n\r\n"
    resp, _, _ = answer(gw, data)
    assert resp.status == 200, resp
    assert upstream.one(m).body == b"z"


# ------------------------------------------------------------------------------------------------ Upgrade


def test_upgrade_is_dropped_and_the_next_pipelined_request_answered(gw, upstream):
    m = h.marker()
    first = raw(f"GET /prod/{m}/first HTTP/1.1", "Host: localhost", "Connection: Upgrade", "Upgrade: websocket",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13")
    second = raw(f"GET /prod/{m}/second HTTP/1.1", "Host: localhost", "Upgrade: h2c")
    conn = h.RawConn(gw, timeout=5)
    try:
        conn.send(first + second)
        r1 = conn.read_response()
        r2 = conn.read_response()
    finally:
        conn.close()
    assert (r1.status, r2.status) == (200, 200), (r1, r2)
    for name in ("first", "second"):
        rec = upstream.one(f"{m}/{name}")
        assert not rec.has("Upgrade"), rec.headers
        assert not rec.has("Connection"), rec.headers
    assert upstream.one(f"{m}/first").header("Sec-WebSocket-Key") == "dGhlIHNhbXBsZSBub25jZQ=="


def test_bytes_after_an_upgrade_request_are_parsed_as_http(gw, upstream):
    """What a client sends after asking to switch protocols is read as HTTP/1.1: not a request here, so 400."""
    m = h.marker()
    conn = h.RawConn(gw, timeout=5)
    try:
        conn.send(raw(f"GET /prod/{m} HTTP/1.1", "Host: localhost", "Connection: Upgrade", "Upgrade: websocket")
                  + b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58\r\n\r\n")
        r1 = conn.read_response()
        r2 = conn.read_response()
        how, _ = conn.read_until_closed(timeout=5)
    finally:
        conn.close()
    assert r1.status == 200, r1
    h.assert_error(r2, 400, "BadRequestException", "Malformed request line")
    assert how == "close_notify"


# ------------------------------------------------------------------------------------------------ body_timeout


@pytest.mark.parametrize(
    "framing, partial",
    [
        pytest.param("Content-Length: 10", b"abc", id="content-length"),
        pytest.param("Transfer-Encoding: chunked", b"a\r\nabc", id="chunked"),
        pytest.param("Content-Length: 10", b"", id="no-body-byte"),
    ],
)
def test_body_not_received_within_body_timeout_is_408(gw, upstream, framing, partial):
    m = h.marker()
    conn = h.RawConn(gw, timeout=10)
    try:
        started = time.monotonic()
        conn.send(raw(f"POST /prod/{m} HTTP/1.1", "Host: localhost", framing) + partial)
        resp = conn.read_response()
        elapsed = time.monotonic() - started
        how, _ = conn.read_until_closed(timeout=5)
    finally:
        conn.close()
    h.assert_error(resp, 408, "RequestTimeoutException", MSG_TIMEOUT)
    assert resp.header("connection") == "close"
    assert BODY_TIMEOUT - 0.05 <= elapsed < BODY_TIMEOUT + 1.5, f"408 after {elapsed:.2f}s"
    assert how == "close_notify", how
    assert upstream.matching(m) == []


def test_a_slow_but_steady_body_is_not_cut(gw, upstream):
    """body_timeout is between two reads, not for the whole body."""
    m = h.marker()
    conn = h.RawConn(gw, timeout=10)
    try:
        conn.send(raw(f"POST /prod/{m} HTTP/1.1", "Host: localhost", "Content-Length: 5"))
        for byte in b"hello":
            time.sleep(BODY_TIMEOUT * 0.6)
            conn.send(bytes([byte]))
        resp = conn.read_response()
    finally:
        conn.close()
    assert resp.status == 200, resp
    assert upstream.one(m).body == b"hello"


def test_a_body_drained_after_an_early_answer_is_cut_after_body_timeout(gw, upstream):
    """A 404 answered before the body: what is left is drained for at most body_timeout, then the connection closes."""
    conn = h.RawConn(gw, timeout=10)
    try:
        started = time.monotonic()
        conn.send(raw("POST /nostage/x HTTP/1.1", "Host: localhost", "Content-Length: 100") + b"abc")
        resp = conn.read_response()
        answered = time.monotonic() - started
        how, extra = conn.read_until_closed(timeout=5)
        closed = time.monotonic() - started
    finally:
        conn.close()
    h.assert_error(resp, 404, "NotFoundException", h.MSG_NOT_FOUND)
    assert answered < 0.5
    assert how == "close_notify" and extra == b"", (how, extra)
    assert BODY_TIMEOUT - 0.05 <= closed < BODY_TIMEOUT + 1.5, f"closed after {closed:.2f}s"


# ------------------------------------------------------------------------------------------------ memory


def _hostile_connection(gw, kind: int) -> None:
    conn = h.RawConn(gw, timeout=5)
    try:
        if kind == 0:  # Upgrade, then a flood of bytes that once piled up unparsed
            conn.send(raw("GET /prod/ping HTTP/1.1", "Host: localhost", "Connection: Upgrade", "Upgrade: websocket"))
            conn.send(b"\x00" * 262144)
        elif kind == 1:  # a huge declared chunk
            conn.send(chunked_head("flood") + b"7fffffff\r\n" + b"x" * 65536)
        elif kind == 2:  # a head that never ends
            conn.send(b"GET /prod/ping HTTP/1.1\r\nX-Pad: " + b"p" * 65536)
        else:  # many pipelined requests at once
            conn.send(b"".join(raw("GET /prod/ping HTTP/1.1", "Host: localhost") for _ in range(200)))
        conn.read_until_closed(timeout=0.2)
    except OSError:
        pass
    finally:
        conn.close()


def _upgrade_then_junk(gw, megabytes: int, sent: list, done: threading.Event) -> None:
    """Asks to upgrade, then writes junk for as long as the gateway takes it, and keeps the connection open."""
    conn = h.RawConn(gw, timeout=5)
    try:
        conn.send(raw("GET /prod/ping HTTP/1.1", "Host: localhost", "Connection: Upgrade", "Upgrade: websocket"))
        chunk = b"\x00" * 65536
        for _ in range(megabytes * 16):
            conn.send(chunk)
            sent.append(len(chunk))
    except OSError:
        pass
    done.wait(30)
    conn.close()


def test_rss_stays_bounded_under_a_flood_of_hostile_input(gw):
    pid = gw.proc.pid
    for kind in range(4):  # warm up every path once
        _hostile_connection(gw, kind)
    time.sleep(0.5)
    before = hs.proc_kb(pid)
    threads = [threading.Thread(target=lambda k=k: [_hostile_connection(gw, (k + i) % 4) for i in range(25)])
               for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    time.sleep(BODY_TIMEOUT + 1)
    after_flood = hs.proc_kb(pid)
    # Then connections that keep writing after an Upgrade request, held open while RSS is read: once, the
    # gateway stopped parsing after Upgrade and buffered all they wrote.
    done = threading.Event()
    sent: list = []
    holders = [threading.Thread(target=_upgrade_then_junk, args=(gw, 4, sent, done)) for _ in range(16)]
    for t in holders:
        t.start()
    time.sleep(6)
    while_held = hs.proc_kb(pid)
    done.set()
    for t in holders:
        t.join()
    resp, _, _ = answer(gw, raw("GET /prod/ping HTTP/1.1", "Host: localhost", "Connection: close"))
    assert resp.status == 200, "the gateway still answers"
    print(f"VmRSS before {before} kB, after the flood {after_flood} kB, with 16 junk writers {while_held} kB;"
          f" they wrote {sum(sent) // 1024} kB")
    assert after_flood - before < 20 * 1024, f"RSS grew from {before} kB to {after_flood} kB"
    assert while_held - before < 20 * 1024, f"RSS grew from {before} kB to {while_held} kB with junk writers"


# ------------------------------------------------------------------------------------------------ SigV4 over bytes


@pytest.fixture(scope="module")
def iam_gw(pki, upstream, start_gateway):
    cfg = h.base_config(
        pki,
        apis=[
            {
                "id": "h05t1e0002",
                "name": "hostile-iam",
                "authorization": "AWS_IAM",
                "stages": {"prod": {}},
                "routes": [{"route": "ANY /{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")}],
            }
        ],
    )
    return start_gateway(cfg)


LATIN = b"caf\xe9 \xff\x80"


def test_sigv4_covers_obs_text_bytes_as_sent(iam_gw, upstream):
    m = h.marker()
    data = hs.sign_raw_head("GET", f"/prod/{m}", [("X-Latin", LATIN)], identity=h.ALICE)
    resp, _, _ = answer(iam_gw, data)
    assert resp.status == 200, resp
    rec = upstream.one(m)
    assert rec.headers_named("X-Gatehouse-Principal") == [h.ALICE.principal]
    assert rec.header("X-Latin").encode("latin-1") == LATIN


def test_sigv4_over_replacement_characters_does_not_cover_other_bytes(iam_gw, upstream):
    """A signature over U+FFFD does not pass for the bytes that a lossy decoding would turn into U+FFFD."""
    m = h.marker()
    lossy = LATIN.decode("utf-8", "replace").encode()
    data = hs.sign_raw_head("GET", f"/prod/{m}", [("X-Latin", LATIN)], identity=h.ALICE,
                            signed_values={"x-latin": lossy})
    resp, _, _ = answer(iam_gw, data)
    h.assert_error(resp, 403, "InvalidSignatureException", h.MSG_BAD_SIGNATURE)
    assert upstream.matching(m) == []
