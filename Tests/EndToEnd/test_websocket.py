"""WebSocket pass-through over HTTP/1.1 (contract §9): a `websocket: true` route forwards a signed `Upgrade:
websocket` request after every check, relays the upstream's 101 and then frames both ways; the gateway closes a
silent WebSocket (`websocket_idle_timeout`) and, on drain, every open one with 1001; the open-connection gauge.
Client and upstream are the `websockets` package; the client presents a certificate over TLS and signs its
upgrade with botocore's SigV4Auth."""

from __future__ import annotations

import signal
import time

import pytest
from websockets.exceptions import InvalidStatus

import harness as h
import hostile_support as hs
from harness import ALICE
from test_hostile_upstream import access_record
from test_metrics import scrape, scrape_until
from websocket_support import WebSocketUpstream, close_code_seen, ws_connect

API = "w3bs0ck3t1"
GAUGE = "gatehouse_websocket_connections"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
        {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/prod/GET/ws/denied"},
    ],
}


@pytest.fixture(scope="module")
def wsup():
    up = WebSocketUpstream()
    yield up
    up.stop()


def ws_config(pki, wsup, upstream, **extra):
    return h.base_config(
        pki,
        listeners=[h.https_listener(pki), h.admin_listener()],
        apis=[{
            "id": API,
            "name": "websocket",
            "authorization": "AWS_IAM",
            "policy": POLICY,
            "stages": {"prod": {}},
            "routes": [
                {"route": "GET /ws/{proxy+}", "websocket": True, "integration": h.proxy(wsup.url + "/up/{proxy}")},
                {"route": "GET /http/{proxy+}", "websocket": True, "integration": h.proxy(upstream.url + "/{proxy}")},
                {"route": "GET /plain/{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")},
            ],
        }],
        **extra,
    )


@pytest.fixture(scope="module")
def gw(pki, wsup, upstream, start_gateway):
    return start_gateway(ws_config(pki, wsup, upstream))


def closed_record(gw, timeout: float = 5.0) -> str:
    """The last `websocket_closed` line: written once both connections have closed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = [ln for ln in gw.stderr_text(20000).splitlines() if "GATEHOUSE_EVENT=websocket_closed" in ln]
        if lines:
            return lines[-1]
        time.sleep(0.05)
    pytest.fail(f"no websocket_closed record:\n{gw.stderr_text(3000)}")


# ------------------------------------------------------------------------------------------- the exchange


def test_signed_upgrade_is_forwarded_and_messages_echo_both_ways(gw, wsup):
    m = h.marker()
    with ws_connect(gw, f"/prod/ws/{m}") as ws:
        assert ws.response.status_code == 101
        assert ws.response.headers["Upgrade"].lower() == "websocket"
        rid = ws.response.headers["x-amzn-RequestId"]
        ws.send("hello")
        assert ws.recv(timeout=5) == "hello"
        ws.send(b"\x00\x01binary\xff")
        assert ws.recv(timeout=5) == b"\x00\x01binary\xff"
    seen = wsup.request_for(m)
    assert seen.path == f"/up/{m}"
    assert seen.headers["Upgrade"].lower() == "websocket"
    assert "upgrade" in seen.headers["Connection"].lower()
    assert seen.headers["Sec-WebSocket-Version"] == "13"
    assert seen.headers["X-Gatehouse-Principal"] == ALICE.principal
    assert seen.headers["X-Request-Id"] == rid
    assert "Authorization" not in seen.headers
    _, record = access_record(gw, rid)
    assert record["STATUS"] == "101"
    assert record["ROUTE_KEY"] == "GET /ws/{proxy+}"
    assert record["PRINCIPAL"] == ALICE.principal


def test_large_and_fragmented_messages(gw):
    big = h.pattern_bytes(3 * 1024 * 1024 + 7)
    with ws_connect(gw, f"/prod/ws/{h.marker()}") as ws:
        ws.send(big)
        assert ws.recv(timeout=10) == big
        ws.send([b"frag-one/", b"frag-two/", b"frag-three"])  # one message in three frames
        assert ws.recv(timeout=5) == b"frag-one/frag-two/frag-three"
        ws.send("send:2000000")  # the upstream sends 2 MB unasked
        assert ws.recv(timeout=10) == h.pattern_bytes(2000000)


def test_ping_is_answered_by_the_upstream(gw):
    with ws_connect(gw, f"/prod/ws/{h.marker()}") as ws:
        assert ws.ping(b"are you there").wait(5)


def test_close_from_the_client_reaches_the_upstream(gw, wsup):
    m = h.marker()
    with ws_connect(gw, f"/prod/ws/{m}") as ws:
        ws.send("x")
        ws.recv(timeout=5)
        ws.close(4000, "client is done")
        assert ws.close_code == 4000
    assert wsup.close_code_for(m) == 4000


def test_close_from_the_upstream_reaches_the_client(gw):
    with ws_connect(gw, f"/prod/ws/{h.marker()}") as ws:
        ws.send("close:4001")
        assert close_code_seen(ws) == 4001


# ------------------------------------------------------------------------------------------- refusals


def test_bad_signature_refuses_the_upgrade_with_the_exact_403(gw, wsup):
    m = h.marker()
    _, signed = h.sign("GET", "localhost", f"/prod/ws/{m}", identity=ALICE)
    headers = [(k, v) for k, v in signed if k.lower() != "host"]
    headers = [(k, v[:-4] + "0000") if k.lower() == "authorization" else (k, v) for k, v in headers]
    head = h.raw_head(
        "GET", f"/prod/ws/{m}", "Upgrade: websocket", "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
        *[f"{k}: {v}" for k, v in headers])
    with h.RawConn(gw) as conn:
        conn.send(head)
        resp = conn.read_response()
    h.assert_error(
        resp, 403, "InvalidSignatureException", h.MSG_BAD_SIGNATURE)
    with pytest.raises(AssertionError):
        wsup.request_for(m)


def test_unsigned_and_denied_upgrades_get_the_normal_answers(gw):
    with pytest.raises(InvalidStatus) as refused:
        ws_connect(gw, f"/prod/ws/{h.marker()}", identity=None)
    assert refused.value.response.status_code == 403
    assert refused.value.response.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    with pytest.raises(InvalidStatus) as denied:
        ws_connect(gw, "/prod/ws/denied")
    assert denied.value.response.status_code == 403
    assert denied.value.response.headers["x-amzn-ErrorType"] == "AccessDeniedException"


def test_upgrade_on_a_plain_route_is_not_forwarded_and_http_goes_on(gw, upstream):
    m = h.marker()
    host = "localhost"
    target, signed = h.sign("GET", host, f"/prod/plain/{m}", identity=ALICE)
    signed = [(k, v) for k, v in signed if k.lower() != "host"]
    head = h.raw_head(
        "GET", target, "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13", *[f"{k}: {v}" for k, v in signed])
    m2 = h.marker()
    target2, signed2 = h.sign("GET", host, f"/prod/plain/{m2}", identity=ALICE)
    signed2 = [(k, v) for k, v in signed2 if k.lower() != "host"]
    with h.RawConn(gw) as conn:
        # the second request follows at once, in the same write: it must be read as HTTP after the first answer
        conn.send(head + h.raw_head("GET", target2, *[f"{k}: {v}" for k, v in signed2]))
        first = conn.read_response()
        second = conn.read_response()
    assert first.status == 200, first
    assert second.status == 200, second
    rec = upstream.one(m)
    assert not rec.has("Upgrade")
    assert "upgrade" not in (rec.header("Connection") or "").lower()
    upstream.one(m2)


def test_upstream_that_does_not_switch_is_relayed_as_a_normal_answer(gw, upstream):
    m = h.marker()
    with pytest.raises(InvalidStatus) as answered:
        ws_connect(gw, f"/prod/http/{m}/status/418")
    assert answered.value.response.status_code == 418
    assert answered.value.response.headers["X-Upstream"] == "e2e"
    rec = upstream.one(m)
    assert rec.header("Upgrade") == "websocket"  # asked to switch, and declined


def test_a_slow_client_holds_the_upstream_back(gw):
    # the upstream sends 64 MiB as fast as it can while the client reads nothing: the gateway reads the upstream
    # only while the client's connection takes writes, so what it holds stays far below what was sent
    count, size = 64, 1024 * 1024
    with ws_connect(gw, f"/prod/ws/{h.marker()}", max_queue=1) as ws:
        ws.send("x")
        assert ws.recv(timeout=5) == "x"
        before = hs.proc_kb(gw.proc.pid)
        ws.send(f"flood:{count}:{size}")
        time.sleep(2.0)
        grown = hs.proc_kb(gw.proc.pid) - before
        assert grown < 24 * 1024, f"the gateway grew by {grown} KiB while its client read nothing"
        chunk = h.pattern_bytes(size)
        for i in range(count):
            assert ws.recv(timeout=10) == chunk, i


def test_gauge_counts_open_websockets(gw):
    scrape_until(gw, lambda s: (s.value(GAUGE, api=API, stage="prod") or 0) == 0)
    with ws_connect(gw, f"/prod/ws/{h.marker()}") as one, ws_connect(gw, f"/prod/ws/{h.marker()}") as two:
        one.send("a")
        two.send("b")
        assert one.recv(timeout=5) == "a" and two.recv(timeout=5) == "b"
        assert scrape_until(gw, lambda s: s.value(GAUGE, api=API, stage="prod") == 2), scrape(gw).text
    assert scrape_until(gw, lambda s: s.value(GAUGE, api=API, stage="prod") == 0), scrape(gw).text


# ------------------------------------------------------------------------------------------- the gateway closes


def test_idle_websocket_is_closed_with_1001(pki, wsup, upstream, start_gateway):
    gw = start_gateway(ws_config(pki, wsup, upstream, limits={"websocket_idle_timeout": 1}))
    with ws_connect(gw, f"/prod/ws/{h.marker()}", ping_interval=None) as ws:
        # traffic keeps it open past the timeout
        for _ in range(3):
            time.sleep(0.6)
            ws.send("tick")
            assert ws.recv(timeout=5) == "tick"
        last_activity = time.monotonic()
        assert close_code_seen(ws) == 1001
        waited = time.monotonic() - last_activity
    assert 0.8 <= waited <= 2.5, waited
    line = closed_record(gw)
    assert "CLOSED_BY=idle_timeout" in line and "CLOSE_CODE=1001" in line, line


def test_drain_closes_open_websockets_with_1001_after_drain_timeout(pki, wsup, upstream, start_gateway):
    gw = start_gateway(ws_config(pki, wsup, upstream, drain_timeout=1))
    m = h.marker()
    with ws_connect(gw, f"/prod/ws/{m}") as ws:
        ws.send("x")
        assert ws.recv(timeout=5) == "x"
        started = time.monotonic()
        gw.proc.send_signal(signal.SIGTERM)
        assert close_code_seen(ws) == 1001
        waited = time.monotonic() - started
    assert 0.9 <= waited <= 4.0, waited
    assert wsup.close_code_for(m) == 1001
    assert gw.proc.wait(timeout=10) == 0


def test_frame_over_max_body_bytes_closes_with_1009(pki, wsup, upstream, start_gateway):
    gw = start_gateway(ws_config(pki, wsup, upstream, limits={"max_body_bytes": 65536}))
    with ws_connect(gw, f"/prod/ws/{h.marker()}") as ws:
        ws.send(h.pattern_bytes(65536))  # at the limit: relayed
        assert ws.recv(timeout=5) == h.pattern_bytes(65536)
        ws.send(h.pattern_bytes(65537))
        assert close_code_seen(ws) == 1009
    assert "CLOSED_BY=gateway" in closed_record(gw)


def test_frames_sent_with_a_pipelined_upgrade_reach_the_upstream(gw, upstream):
    # one write: a slow plain request, then an opening handshake, then a frame (early, but in order): the bytes after
    # the handshake wait for its own answer, not for the answer of the request before it
    def signed_head(path: str, *extra: str) -> bytes:
        target, headers = h.sign("GET", "localhost", path, identity=ALICE)
        return h.raw_head("GET", target, *extra, *[f"{k}: {v}" for k, v in headers if k.lower() != "host"])

    slow = signed_head(f"/prod/plain/{h.marker()}/slow/400")
    upgrade = signed_head(
        f"/prod/ws/{h.marker()}", "Upgrade: websocket", "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13")
    key = b"\x01\x02\x03\x04"
    payload = b"early"
    frame = bytes([0x81, 0x80 | len(payload)]) + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    with h.RawConn(gw) as conn:
        conn.send(slow + upgrade + frame)
        assert conn.read_response().status == 200
        switched = conn.read_response()
        assert switched.status == 101, switched
        while len(conn.buf) < 2 + len(payload):
            assert conn._fill()
        assert conn.buf[:2 + len(payload)] == bytes([0x81, len(payload)]) + payload
