"""RFC 8441 WebSockets (contract §9) counted and held back like HTTP/1.1 ones: `gatehouse_websocket_connections`
counts the tunnels open on HTTP/2 streams, and an upstream that floods a client which does not read is read only as
fast as the client's stream window lets the gateway write (the Python `h2` client here sets a 64 KiB window and
acknowledges nothing until it reads)."""

from __future__ import annotations

import struct
import time

import h2.settings
import pytest

import harness as h
import hostile_support as hs
from http2_support import H2Client
from test_metrics import scrape, scrape_until
from test_websocket_h2 import H2WebSocket, signed
from websocket_support import WebSocketUpstream

API = "w3bs0ckh22"
GAUGE = "gatehouse_websocket_connections"


@pytest.fixture(scope="module")
def wsup():
    up = WebSocketUpstream()
    yield up
    up.stop()


@pytest.fixture(scope="module")
def gw(pki, wsup, start_gateway):
    return start_gateway(h.base_config(
        pki, listeners=[h.https_listener(pki), h.admin_listener()],
        apis=[{"id": API, "name": "ws-h2-flow", "authorization": "AWS_IAM", "stages": {"prod": {}},
               "routes": [{"route": "GET /ws/{proxy+}", "websocket": True,
                           "integration": h.proxy(wsup.url + "/up/{proxy}")}]}]))


def open_ws(client: H2Client) -> H2WebSocket:
    path = f"/prod/ws/{h.marker()}"
    ws = H2WebSocket(client, path, signed(path))
    assert ws.response.status == 200, ws.response
    return ws


def test_gauge_counts_websockets_on_http2_streams(gw):
    assert scrape_until(gw, lambda s: (s.value(GAUGE, api=API, stage="prod") or 0) == 0), scrape(gw).text
    with H2Client(gw) as client:
        one, two = open_ws(client), open_ws(client)
        one.send(0x1, b"a")
        two.send(0x1, b"b")
        assert one.recv() == (0x1, b"a") and two.recv() == (0x1, b"b")
        assert scrape_until(gw, lambda s: s.value(GAUGE, api=API, stage="prod") == 2), scrape(gw).text
        one.send(0x8, struct.pack(">H", 1000))
        assert one.recv()[0] == 0x8
        assert scrape_until(gw, lambda s: s.value(GAUGE, api=API, stage="prod") == 1), scrape(gw).text
    # the connection closed under the other one
    assert scrape_until(gw, lambda s: s.value(GAUGE, api=API, stage="prod") == 0), scrape(gw).text


def test_a_client_that_does_not_read_holds_the_upstream_back(gw):
    count, size = 32, 1024 * 1024
    with H2Client(gw) as client:
        client.conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 65535})
        client.sock.sendall(client.conn.data_to_send())
        ws = open_ws(client)
        ws.send(0x1, b"x")
        assert ws.recv() == (0x1, b"x")
        before = hs.proc_kb(gw.proc.pid)
        ws.send(0x1, f"flood:{count}:{size}".encode())
        time.sleep(2.0)  # nothing read, nothing acknowledged meanwhile
        grown = hs.proc_kb(gw.proc.pid) - before
        print(f"RSS growth while the client read nothing: {grown} KiB")
        assert grown < 16 * 1024, f"the gateway grew by {grown} KiB while its client read nothing"
        chunk = h.pattern_bytes(size)
        for i in range(count):
            assert ws.recv(timeout=20) == (0x2, chunk), i
