"""WebSocket over HTTP/2 (RFC 8441, contract §9): the gateway advertises SETTINGS_ENABLE_CONNECT_PROTOCOL, and an
extended CONNECT with `:protocol: websocket` on a `websocket: true` route goes through every check — read as the
HTTP/1.1 opening handshake it stands for (`GET :path`) — is forwarded to the upstream as an HTTP/1.1 upgrade, and is
answered 200; then WebSocket frames travel in the stream's DATA frames. The client is Python's `h2` with frames
written by hand; the upstream is the `websockets` package."""

from __future__ import annotations

import os
import signal
import struct
import time

import h2.events
import h2.settings
import pytest

import harness as h
from harness import ALICE
from http2_support import H2Client, RawH2, frame
from test_hostile_upstream import access_record
from websocket_support import WebSocketUpstream

API = "w3bs0ckh21"


@pytest.fixture(scope="module")
def wsup():
    up = WebSocketUpstream()
    yield up
    up.stop()


@pytest.fixture(scope="module")
def gw(pki, wsup, upstream, start_gateway):
    return start_gateway(h.base_config(pki, apis=[{
        "id": API, "name": "ws-h2", "authorization": "AWS_IAM", "stages": {"prod": {}},
        "routes": [
            {"route": "GET /ws/{proxy+}", "websocket": True, "integration": h.proxy(wsup.url + "/up/{proxy}")},
            {"route": "GET /plain/{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")},
        ],
    }]))


def ws_frame(opcode: int, payload: bytes, fin: bool = True) -> bytes:
    """A client frame: masked, as RFC 6455 requires of clients."""
    key = os.urandom(4)
    n = len(payload)
    first = (0x80 if fin else 0) | opcode
    if n < 126:
        head = bytes([first, 0x80 | n])
    elif n < 65536:
        head = bytes([first, 0x80 | 126]) + struct.pack(">H", n)
    else:
        head = bytes([first, 0x80 | 127]) + struct.pack(">Q", n)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def parse_frames(data: bytes) -> tuple[list, bytes]:
    """Server frames (unmasked) from `data`: [(opcode, payload)] and what is left."""
    frames = []
    while len(data) >= 2:
        opcode, n, at = data[0] & 0x0F, data[1] & 0x7F, 2
        assert not data[1] & 0x80, "a server frame must not be masked"
        if n == 126:
            if len(data) < 4:
                break
            n, at = struct.unpack(">H", data[2:4])[0], 4
        elif n == 127:
            if len(data) < 10:
                break
            n, at = struct.unpack(">Q", data[2:10])[0], 10
        if len(data) < at + n:
            break
        frames.append((opcode, data[at:at + n]))
        data = data[at + n:]
    return frames, data


class H2WebSocket:
    """An RFC 8441 WebSocket on one stream of an `H2Client`."""

    def __init__(self, client: H2Client, path: str, headers):
        self.client = client
        settings = client.settings()
        assert settings.get(int(h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL)) == 1, settings
        self.sid = client.start(
            "CONNECT", path, headers=[(":protocol", "websocket"), ("sec-websocket-version", "13")] + list(headers),
            end_stream=False)
        self.response = client.responses[self.sid]
        self.buffer = b""
        deadline = time.monotonic() + 10
        while self.response.status is None and not self.response.ended and self.response.reset_code is None:
            assert time.monotonic() < deadline, "no answer to the CONNECT"
            client.pump()

    def send(self, opcode: int, payload: bytes) -> None:
        self.client._send_body(self.sid, ws_frame(opcode, payload), end_stream=False)  # within the flow windows

    def recv(self, timeout: float = 5.0) -> tuple[int, bytes]:
        """The next frame from the gateway."""
        deadline = time.monotonic() + timeout
        while True:
            frames, _ = parse_frames(self.response.body)
            if frames:
                return self._pop_first(self.response.body)
            assert not self.response.ended, "the stream ended"
            assert time.monotonic() < deadline, "no frame in time"
            self.client.pump()

    def _pop_first(self, body: bytes) -> tuple[int, bytes]:
        frames, _ = parse_frames(body)
        opcode, payload = frames[0]
        n = len(payload)
        header = 2 + (2 if 126 <= n < 65536 else 8 if n >= 65536 else 0)
        self.response.body = body[header + n:]
        return opcode, payload


def signed(path: str) -> list:
    _, headers = h.sign("GET", "localhost", path, identity=ALICE)
    return [(k, v) for k, v in headers if k.lower() != "host"]


def test_extended_connect_carries_a_websocket(gw, wsup):
    m = h.marker()
    with H2Client(gw) as client:
        ws = H2WebSocket(client, f"/prod/ws/{m}", signed(f"/prod/ws/{m}"))
        assert ws.response.status == 200, ws.response
        rid = ws.response.request_id
        ws.send(0x1, b"hello over h2")
        assert ws.recv() == (0x1, b"hello over h2")
        big = h.pattern_bytes(300_000)
        ws.send(0x2, big)
        assert ws.recv() == (0x2, big)
        ws.send(0x9, b"ping?")
        assert ws.recv() == (0xA, b"ping?")
        ws.send(0x8, struct.pack(">H", 1000) + b"bye")
        opcode, payload = ws.recv()
        assert opcode == 0x8 and struct.unpack(">H", payload[:2])[0] == 1000
    seen = wsup.request_for(m)
    assert seen.headers["Upgrade"].lower() == "websocket"
    assert seen.headers["Sec-WebSocket-Key"]
    assert seen.headers["X-Gatehouse-Principal"] == ALICE.principal
    _, record = access_record(gw, rid)
    assert (record["STATUS"], record["HTTP_METHOD"], record["ROUTE_KEY"]) == ("200", "GET", "GET /ws/{proxy+}")
    assert wsup.close_code_for(m) == 1000


def test_unsigned_connect_gets_the_normal_403(gw):
    with H2Client(gw) as client:
        ws = H2WebSocket(client, "/prod/ws/x", [])
        client.wait(ws.sid)
        r = ws.response
        assert r.status == 403 and r.error_type == "MissingAuthenticationTokenException", r
        assert r.message == "Missing Authentication Token"


def test_connect_to_a_plain_route_is_not_found(gw, upstream):
    m = h.marker()
    with H2Client(gw) as client:
        ws = H2WebSocket(client, f"/prod/plain/{m}", signed(f"/prod/plain/{m}"))
        client.wait(ws.sid)
        assert ws.response.status == 404 and ws.response.error_type == "NotFoundException", ws.response
    upstream.assert_not_called(m)


def raw_ws_payload(raw: RawH2, sid: int) -> bytes:
    """Every DATA payload the gateway sent on `sid` so far."""
    return b"".join(p for t, _, s, p in raw.frames if t == 0x0 and s == sid)


def test_drain_closes_an_http2_websocket_with_1001(pki, wsup, upstream, start_gateway):
    # a raw frame client: Python's h2 takes the drain's first GOAWAY for the end of the connection, but the
    # WebSocket's stream is older than the GOAWAY and runs on until drain_timeout
    gw = start_gateway(h.base_config(pki, drain_timeout=1, apis=[{
        "id": API, "authorization": "AWS_IAM", "stages": {"prod": {}},
        "routes": [{"route": "GET /ws/{proxy+}", "websocket": True, "integration": h.proxy(wsup.url + "/up/{proxy}")}],
    }]))
    m = h.marker()
    path = f"/prod/ws/{m}"
    raw = RawH2(gw)
    try:
        raw.ack_settings()
        block = raw.encoder.encode(
            [(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "https"), (":authority", "localhost"),
             (":path", path), ("sec-websocket-version", "13")] + [(k.lower(), v) for k, v in signed(path)])
        raw.send(frame(0x1, 0x4, 1, block))  # HEADERS, END_HEADERS, stream 1 open
        deadline = time.monotonic() + 5
        while not any(t == 0x1 and s == 1 for t, _, s, _ in raw.frames):
            assert time.monotonic() < deadline, raw.frames
            raw.read_frames(0.1)
        raw.send(frame(0x0, 0, 1, ws_frame(0x1, b"x")))
        while parse_frames(raw_ws_payload(raw, 1))[0] != [(0x1, b"x")]:
            assert time.monotonic() < deadline, raw.frames
            raw.read_frames(0.1)
        started = time.monotonic()
        gw.proc.send_signal(signal.SIGTERM)
        while len(parse_frames(raw_ws_payload(raw, 1))[0]) < 2:
            assert time.monotonic() < started + 6, raw.frames
            if not raw.read_frames(0.1):
                break
        waited = time.monotonic() - started
        frames = parse_frames(raw_ws_payload(raw, 1))[0]
        assert len(frames) == 2 and frames[1][0] == 0x8, frames
        assert struct.unpack(">H", frames[1][1][:2])[0] == 1001
        assert 0.9 <= waited <= 4.0, waited
    finally:
        raw.close()
    assert gw.proc.wait(timeout=10) == 0
