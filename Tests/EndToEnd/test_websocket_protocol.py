"""WebSocket protocol errors (contract §9, RFC 6455 §5.1): a client frame that is not masked ends the tunnel with close
code 1002 (protocol error) to both sides; the frame never reaches the upstream."""

from __future__ import annotations

import struct

import pytest

import harness as h
from harness import ALICE
from test_websocket import closed_record, ws_config
from websocket_support import WebSocketUpstream


@pytest.fixture(scope="module")
def wsup():
    up = WebSocketUpstream()
    yield up
    up.stop()


@pytest.fixture(scope="module")
def gw(pki, wsup, upstream, start_gateway):
    return start_gateway(ws_config(pki, wsup, upstream))


def read_frame(conn) -> tuple[int, bytes]:
    """One unmasked server frame: (first byte, payload)."""
    while len(conn.buf) < 2:
        assert conn._fill(), "connection closed before a frame"
    length = conn.buf[1] & 0x7F
    while len(conn.buf) < 2 + length:
        assert conn._fill()
    first, payload = conn.buf[0], bytes(conn.buf[2:2 + length])
    conn.buf = conn.buf[2 + length:]
    return first, payload


def test_unmasked_client_frame_closes_both_sides_with_1002(gw, wsup):
    mark = h.marker()
    path = f"/prod/ws/{mark}"
    target, headers = h.sign("GET", "localhost", path, identity=ALICE)
    head = h.raw_head(
        "GET", target, "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13", *[f"{k}: {v}" for k, v in headers if k.lower() != "host"])
    with h.RawConn(gw) as conn:
        conn.send(head)
        assert conn.read_response().status == 101
        key = b"\x01\x02\x03\x04"
        masked = bytes(b ^ key[i % 4] for i, b in enumerate(b"fine"))
        conn.send(bytes([0x81, 0x80 | 4]) + key + masked)
        assert read_frame(conn) == (0x81, b"fine")  # echoed: the tunnel works
        conn.send(bytes([0x81, 5]) + b"plain")  # no mask: a protocol error from the client
        first, payload = read_frame(conn)
        assert first == 0x88 and struct.unpack(">H", payload[:2])[0] == 1002, (first, payload)
    assert wsup.close_code_for(mark) == 1002
    # the gateway's own check, not the upstream's refusal of an unmasked frame relayed to it
    record = closed_record(gw)
    assert "CLOSED_BY=gateway" in record and "CLOSE_CODE=1002" in record, record
