"""WebSocket ends decided by the gateway (contract §3, §9): a client frame that is not masked (RFC 6455 §5.1) closes the
tunnel with 1002 to both sides; a reload that revokes the client's certificate closes its WebSocket with 1008 (policy
violation) at once, silent or not, as it closes an HTTP connection after its current request."""

from __future__ import annotations

import struct

import pytest
from websockets.exceptions import ConnectionClosed

import harness as h
from harness import ALICE
from test_websocket import closed_record, ws_config
from websocket_support import WebSocketUpstream, ws_connect


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


def test_reload_revoking_the_client_closes_its_websocket_with_1008(pki, wsup, upstream, start_gateway, tmp_path):
    cfg = ws_config(pki, wsup, upstream)
    gw = start_gateway(cfg)
    mark = h.marker()
    with ws_connect(gw, f"/prod/ws/{mark}") as ws:
        ws.send("before")
        assert ws.recv(timeout=5) == "before"
        crl = tmp_path / "revoke-alice-ws.crl.pem"
        out = h.run_cli("certs", "revoke", "--ca", pki.ca.parent, "--crl", crl, pki.client("alice").cert)
        assert out.returncode == 0, out.stderr
        cfg["listeners"][0]["tls"]["client_crl"] = str(crl)
        h.reload(gw, cfg)
        # silent since: the gateway closes it without waiting for a frame
        code = None
        try:
            ws.recv(timeout=5)
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
        assert code == 1008
    assert wsup.close_code_for(mark) == 1008
    record = closed_record(gw)
    assert "CLOSED_BY=gateway" in record and "CLOSE_CODE=1008" in record, record
