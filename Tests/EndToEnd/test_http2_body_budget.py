"""HTTP/2 request bodies buffered per connection are bounded by `limits.max_connection_body_bytes`: past it the
connection's streams stop reading, so no WINDOW_UPDATE reaches the client and HTTP/2 flow control holds it back,
instead of one connection holding `max_concurrent_streams` × `max_body_bytes`. Requests within their own limits
still complete, taking turns. Real peers: Python `h2` over mTLS."""

import select
import time

import pytest

import harness as h
import hostile_support as hs
import http2_support as h2s

API = "h2budget01"
MAX_BODY = 4 * 1024 * 1024
BUDGET = 1024 * 1024
STREAMS = 50
STREAM_WINDOW = 256 * 1024  # the gateway's per-stream receive window (HTTP2ConnectionPipeline.streamWindow)
BODY_TIMEOUT = 20


@pytest.fixture(scope="module")
def gw(pki, upstream, start_gateway):
    api = {
        "id": API,
        "name": "h2budget",
        "authorization": "NONE",
        "stages": {"prod": {}},
        "routes": [
            {"route": "GET /mock", "integration": h.mock(200, '{"mock":true}')},
            {"route": "ANY /{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")},
        ],
    }
    cfg = h.base_config(
        pki, apis=[api], listeners=[h.https_listener(pki), h.admin_listener()],
        limits={"max_body_bytes": MAX_BODY, "max_concurrent_streams": STREAMS, "max_connection_body_bytes": BUDGET,
                "body_timeout": BODY_TIMEOUT})
    return start_gateway(cfg)


def feed(c: h2s.H2Client, bodies: dict[int, bytes | memoryview], seconds: float, end_stream: bool,
         stall: float | None = None) -> int:
    """Sends each stream's body as far as the gateway's flow-control windows allow, reading its frames (WINDOW_UPDATE)
    meanwhile, until every body is sent, `seconds` passed, or (with `stall`) no window opened for `stall` seconds.
    Returns the bytes sent."""
    sent = 0
    deadline = time.monotonic() + seconds
    progress = time.monotonic()
    while bodies and time.monotonic() < deadline:
        if stall is not None and time.monotonic() - progress > stall:
            break
        before = sent
        for sid in list(bodies):
            body = memoryview(bodies[sid])
            while body:
                n = min(c.conn.local_flow_control_window(sid), c.conn.max_outbound_frame_size, len(body))
                if n <= 0:
                    break
                c.conn.send_data(sid, bytes(body[:n]), end_stream=end_stream and n == len(body))
                body = body[n:]
                sent += n
            if body:
                bodies[sid] = body
            else:
                del bodies[sid]
        out = c.conn.data_to_send()
        if out:
            c.sock.sendall(out)
        if sent > before:
            progress = time.monotonic()
        if c.sock.pending() or select.select([c.sock], [], [], 0.05)[0]:
            c.pump()
    return sent


def test_streams_that_never_finish_their_bodies_hold_the_budget_not_every_body(gw):
    """50 streams each send a body just under max_body_bytes and never end it: without a per-connection bound the
    gateway would hold 50 × 4 MiB; with it, the budget, the oldest stream's body and at most two windows per stream
    (the batch a stream read when it was paused, and what NIOHTTP2 keeps of a paused stream)."""
    rss_before = hs.proc_kb(gw.proc.pid)
    m = h.marker()
    c = h2s.H2Client(gw)
    sids = [c.start("POST", f"/prod/held/{m}/{i}", end_stream=False) for i in range(STREAMS)]
    body = memoryview(h.pattern_bytes(MAX_BODY - 64 * 1024))
    bodies = {sid: body for sid in sids}
    sent = feed(c, bodies, seconds=10, end_stream=False, stall=1.5)
    time.sleep(0.5)
    growth_kib = hs.proc_kb(gw.proc.pid) - rss_before
    held = BUDGET + MAX_BODY + STREAMS * 2 * STREAM_WINDOW  # 30 MiB, against 200 MiB of bodies
    # the client was held back by flow control: it could not send more than the gateway may hold (plus one frame a
    # stream in flight when it was paused)
    assert sent <= held + STREAMS * 16 * 1024, sent
    # Resident memory is a few times the bytes held (measured 68–90 MiB): the frames NIOHTTP2 keeps for a paused
    # stream are slices that keep whole TLS read buffers alive, and freed buffers stay in the allocator. Unbounded,
    # the 50 bodies alone are 200 MiB (main takes all 206 MB the client sends and grows by 204 MiB).
    assert growth_kib < 4 * held // 1024, (growth_kib, sent)
    # every stream is still open and unanswered: waiting, not refused
    assert all(c.responses[sid].status is None and c.responses[sid].reset_code is None for sid in sids)
    # another connection is served meanwhile
    assert h2s.h2_request(gw, "GET", "/prod/mock").status == 200
    c.close()


def test_requests_within_their_limits_take_turns_and_all_complete(gw, upstream):
    """Eight 900 KiB bodies at once on one connection with a 1 MiB budget: they cannot all be held at once, so they
    take turns, and each reaches the upstream whole."""
    m = h.marker()
    size = 900 * 1024
    with h2s.H2Client(gw) as c:
        sids = {}
        for i in range(8):
            sid = c.start("POST", f"/prod/turns/{m}/{i}", headers=[("content-type", "application/octet-stream")],
                          end_stream=False)
            sids[sid] = bytes([i]) * size
        t0 = time.monotonic()
        left = feed(c, dict(sids), seconds=BODY_TIMEOUT / 2, end_stream=True)
        assert left == 8 * size
        answers = {sid: c.wait(sid) for sid in sids}
        elapsed = time.monotonic() - t0
    assert all(r.status == 200 for r in answers.values()), answers
    for i in range(8):
        assert upstream.one(f"/turns/{m}/{i}").body == bytes([i]) * size
    assert elapsed < BODY_TIMEOUT / 2, elapsed


def test_a_stream_waiting_for_the_budget_still_gets_408_after_body_timeout(pki, upstream, start_gateway):
    """Stream 1 holds the whole 64 KiB budget and keeps it, trickling a byte now and then; stream 2 sends a complete
    body, but once its first batch is read it must wait: its wait is a silence like any other, answered 408 after
    `body_timeout` — not served (that would be a body read past the budget), and not left hanging."""
    timeout = 2
    api = {"id": API, "name": "h2budget", "authorization": "NONE", "stages": {"prod": {}},
           "routes": [{"route": "ANY /{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")}]}
    g = start_gateway(h.base_config(
        pki, apis=[api], limits={"max_body_bytes": MAX_BODY, "max_connection_body_bytes": 64 * 1024,
                                 "body_timeout": timeout}))
    m = h.marker()
    with h2s.H2Client(g) as c:
        holder = c.start("POST", f"/prod/holder/{m}", end_stream=False)
        feed(c, {holder: b"h" * 64 * 1024}, seconds=2, end_stream=False)
        waiter = c.start("POST", f"/prod/waiter/{m}", end_stream=False)
        t0 = time.monotonic()
        feed(c, {waiter: b"w" * (MAX_BODY - 1)}, seconds=0.5, end_stream=True)
        r = c.responses[waiter]
        while not r.ended and r.reset_code is None and time.monotonic() - t0 < timeout + 5:
            feed(c, {holder: b"h"}, seconds=0.3, end_stream=False)  # the holder is never silent for long
            time.sleep(0.3)
        elapsed = time.monotonic() - t0
        assert r.status == 408, r
        assert r.error_type == "RequestTimeoutException", r
        assert r.message == "Request Timeout", r
        assert timeout - 0.5 < elapsed < timeout + 1.5, elapsed
        assert c.responses[holder].status is None  # still receiving: the waiter's 408 is its own
    assert upstream.matching(f"/waiter/{m}") == []
