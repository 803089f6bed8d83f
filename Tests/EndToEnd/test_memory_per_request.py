"""Memory per request, per path: whatever a finished request, WebSocket, gRPC call, connection or reload made must go
with it. Each test sends a warm-up dose, then a measured dose, and bounds the gateway's VmRSS growth over the measured
one (`memory_support`). The HTTP/2 streams' guard is `test_http2.py::test_a_finished_stream_leaves_nothing_behind`.

Found clean with heaptrack (a few hundred operations per path, no allocation left per operation); these guards keep
them so."""

import time

import pytest

import harness as h
import http2_support as h2s
import memory_support as ms
from grpc_support import GrpcUpstream, secure_channel
from test_websocket_h2 import H2WebSocket
from websocket_support import WebSocketUpstream, ws_connect

API = "memory0001"
GRPC_HOST = "grpc.memory.internal"


@pytest.fixture(scope="module")
def fastup():
    up = ms.OneWriteUpstream()
    yield up
    up.stop()


@pytest.fixture(scope="module")
def wsup():
    up = WebSocketUpstream()
    yield up
    up.stop()


def config(pki, fastup, wsup, grpcup, mock_body: str = '{"mock":true}') -> dict:
    return h.base_config(
        pki,
        apis=[{
            "id": API,
            "name": "memory",
            "authorization": "NONE",
            "hosts": [{"host": GRPC_HOST, "stage": "prod"}],
            "stages": {"prod": {}},
            "routes": [
                {"route": "GET /mock", "integration": h.mock(200, mock_body)},
                {"route": "ANY /echo/{proxy+}", "integration": h.proxy(fastup.url + "/{proxy}")},
                {"route": "ANY /signed/{proxy+}", "authorization": "AWS_IAM",
                 "integration": h.proxy(fastup.url + "/{proxy}")},
                {"route": "GET /ws/{proxy+}", "websocket": True, "integration": h.proxy(wsup.url + "/up/{proxy}")},
                {"route": "POST /echo.Echo/{method}", "integration": h.proxy(grpcup.url + "/echo.Echo/{method}")},
            ],
        }],
    )


@pytest.fixture(scope="module")
def gw(pki, fastup, wsup, grpcup, start_gateway):
    return start_gateway(config(pki, fastup, wsup, grpcup))


# ------------------------------------------------------------------------------------------------------- HTTP/1.1


@pytest.mark.parametrize("what, drive, dose", [
    ("proxied keep-alive request", ms.keep_alive("GET", "/prod/echo/memory", 200), 2500),
    ("MOCK keep-alive request", ms.keep_alive("GET", "/prod/mock", 200), 2500),
    ("refused keep-alive request (404)", ms.keep_alive("GET", "/prod/nothing/here", 404), 2500),
    ("AWS_IAM signed request", ms.keep_alive("GET", "/prod/signed/memory", 200, sign=True), 2000),
    ("AWS_IAM request with no signature (403)", ms.keep_alive("GET", "/prod/signed/memory", 403), 2500),
    ("new mTLS connection", ms.connection_per_request("/prod/mock", 200), 400),
], ids=["proxy", "mock", "404", "aws_iam", "unsigned_403", "new_connection"])
def test_a_finished_request_leaves_nothing_behind(gw, what, drive, dose):
    # 1 MB: a leak of 0.5 KB per request exceeds it over 2,000 requests, and so does a closed connection's channel
    # (about 5 KB, without its handlers) over 400 connections.
    ms.assert_bounded(gw, what, drive, warm=dose // 5, dose=dose, bound_kib=1024)


# ----------------------------------------------------------------------------------------------------- WebSocket


def websockets_h1(gw, count: int) -> None:
    """Each WebSocket echoes once, then its client goes away (TCP closed, no closing handshake): the tunnel ends
    from the client's leg. (A closing handshake ends with the gateway closing the TLS connection, which NIOSSL then
    keeps until the client's close_notify or `TLSContextFactory.closeNotifyWait`: that wait, not a leak, would be
    measured.)"""
    for _ in range(count):
        with ws_connect(gw, "/prod/ws/memory", identity=None) as ws:
            ws.send("ping")
            assert ws.recv(timeout=5) == "ping"
            ws.close_socket()


def websockets_h2(gw, count: int) -> None:
    with h2s.H2Client(gw) as client:
        for _ in range(count):
            ws = H2WebSocket(client, "/prod/ws/memory", [])
            assert ws.response.status == 200, ws.response
            ws.send(0x1, b"ping")
            assert ws.recv() == (0x1, b"ping")
            ws.send(0x8, b"\x03\xe8")  # close 1000: the upstream answers it, then the stream ends
            deadline = time.monotonic() + 5
            while not (ws.response.ended or ws.response.reset_code is not None):
                assert time.monotonic() < deadline, "the WebSocket's stream did not end"
                client.pump()
            del client.responses[ws.sid]


def test_a_closed_websocket_leaves_nothing_behind_http2(gw):
    # A tunnel holds its upstream channel, two relay legs and two frame codecs: about 6 KB if they stayed, 2.3 MB here.
    ms.assert_bounded(gw, "WebSocket (HTTP/2) opened and closed", websockets_h2, warm=100, dose=400, bound_kib=1024)


def test_a_closed_websocket_leaves_nothing_behind_http1(gw):
    # A leaked tunnel keeps both its channels too: about 11 KB each, 3.4 MB here.
    ms.assert_bounded(gw, "WebSocket (HTTP/1.1 Upgrade) opened and closed", websockets_h1, warm=50, dose=300,
                      bound_kib=1024)


# ---------------------------------------------------------------------------------------------------------- gRPC


def grpc_unary(pki):
    def drive(gw, count: int) -> None:
        channel = secure_channel(gw, pki, GRPC_HOST)
        try:
            say = channel.unary_unary("/echo.Echo/Say")
            for _ in range(count):
                assert say(b"memory", timeout=10) == b"memory"
        finally:
            channel.close()

    return drive


def test_a_finished_grpc_call_leaves_nothing_behind(gw, pki):
    # Unary calls over HTTP/2 to an `h2c://` upstream: a stream on each side per call. The streams leaked before
    # 3598209 (2.4 KB each) make 2.4 MB here.
    ms.assert_bounded(gw, "gRPC unary call via h2c", grpc_unary(pki), warm=250, dose=1000, bound_kib=1024)


# ------------------------------------------------------------------------------------------------------- reloads


def test_a_reload_leaves_nothing_of_the_old_configuration(gw, pki, fastup, wsup, grpcup):
    # Each reload builds a new snapshot (routes, TLS contexts, usage state, upstream pools); the old one must go once
    # its connections are done with it (a kept snapshot is about 30 KB: 1.5 MB here). A request between reloads makes
    # each snapshot serve.
    serial = iter(range(1_000_000))
    listeners = gw.config["listeners"]

    def reloads(gw, count: int) -> None:
        for _ in range(count):
            body = f'{{"mock":{next(serial)}}}'
            cfg = config(pki, fastup, wsup, grpcup, mock_body=body)
            cfg["listeners"] = listeners
            h.reload(gw, cfg)
            r = h.request(gw, "GET", "/prod/mock")
            assert (r.status, r.body.decode()) == (200, body), r

    ms.assert_bounded(gw, "reload", reloads, warm=8, dose=50, bound_kib=1024)


def test_a_reload_closes_the_pooled_connections_to_upstreams_it_drops(pki, start_gateway):
    # A reload that points a route at another upstream once left the pooled keep-alive connections to the old one
    # open until that upstream closed them, which many never do: a file descriptor or more per event loop, reload
    # after reload. They close with the reload now; the new upstream's stay pooled.
    upstreams = [ms.OneWriteUpstream() for _ in range(4)]

    def churn_config(up) -> dict:
        return h.base_config(pki, apis=[{
            "id": "churn00001", "name": "churn", "authorization": "NONE", "stages": {"prod": {}},
            "routes": [{"route": "ANY /p/{proxy+}", "integration": h.proxy(up.url + "/{proxy}")}],
        }])

    try:
        first = churn_config(upstreams[0])
        gw = start_gateway(first)
        for i, up in enumerate(upstreams):
            if i:
                cfg = churn_config(up)
                cfg["listeners"] = first["listeners"]
                h.reload(gw, cfg)
            for _ in range(4):  # on fresh client connections: both event loops' pools
                assert h.request(gw, "GET", "/prod/p/x").status == 200
            assert up.open_connections >= 1, "the upstream's connection was not pooled"
            if i:
                previous = upstreams[i - 1]
                deadline = time.monotonic() + 5
                while previous.open_connections and time.monotonic() < deadline:
                    time.sleep(0.02)
                assert previous.open_connections == 0, f"reload {i}: the dropped upstream's connections stayed open"
        assert upstreams[-1].open_connections >= 1
    finally:
        for up in upstreams:
            up.stop()


def established_to(port: int) -> int:
    """TCP connections on this host in ESTABLISHED whose remote end is `port` on loopback (the gateway's side of its
    connections to an upstream listening there)."""
    count = 0
    with open("/proc/net/tcp") as f:
        for line in list(f)[1:]:
            fields = line.split()
            remote, state = fields[2], fields[3]
            if state == "01" and int(remote.split(":")[1], 16) == port:
                count += 1
    return count


def grpc_churn_config(pki, up, api_id: str) -> dict:
    """One gRPC route by host to `up`: reloading with another `up` drops the previous upstream."""
    return h.base_config(pki, apis=[{
        "id": api_id, "name": "churn", "authorization": "NONE",
        "hosts": [{"host": GRPC_HOST, "stage": "prod"}], "stages": {"prod": {}},
        "routes": [{"route": "POST /echo.Echo/{method}", "integration": h.proxy(up.url + "/echo.Echo/{method}")}],
    }])


def test_a_reload_closes_the_http2_connection_to_an_upstream_it_drops(pki, start_gateway):
    # The same for `h2c://` upstreams: the multiplexed connection to a dropped upstream closes with the reload (it
    # carries no call here; one that does closes after its last).
    upstreams = [GrpcUpstream() for _ in range(3)]

    try:
        first = grpc_churn_config(pki, upstreams[0], "churn00002")
        gw = start_gateway(first)
        for i, up in enumerate(upstreams):
            if i:
                cfg = grpc_churn_config(pki, up, "churn00002")
                cfg["listeners"] = first["listeners"]
                h.reload(gw, cfg)
            for _ in range(2):  # a channel (connection) each: both event loops
                channel = secure_channel(gw, pki, GRPC_HOST)
                assert channel.unary_unary("/echo.Echo/Say")(b"churn", timeout=10) == b"churn"
                channel.close()
            assert established_to(up.port) >= 1, "the upstream's connection was not kept"
            if i:
                previous = upstreams[i - 1].port
                deadline = time.monotonic() + 5
                while established_to(previous) and time.monotonic() < deadline:
                    time.sleep(0.02)
                assert established_to(previous) == 0, f"reload {i}: the dropped upstream's connection stayed open"
    finally:
        for up in upstreams:
            up.stop()


def test_a_call_in_flight_on_a_dropped_http2_upstream_finishes_before_its_connection_closes(pki, start_gateway):
    # A bidirectional gRPC call open across the reload keeps its stream: the connection closes after it ends.
    import queue

    upstreams = [GrpcUpstream() for _ in range(2)]

    try:
        first = grpc_churn_config(pki, upstreams[0], "churn00003")
        gw = start_gateway(first)
        channel = secure_channel(gw, pki, GRPC_HOST)
        outgoing: queue.Queue = queue.Queue()
        replies = channel.stream_stream("/echo.Echo/Chat")(iter(outgoing.get, None), timeout=20)
        outgoing.put(b"before")
        assert next(replies) == b"before"
        cfg = grpc_churn_config(pki, upstreams[1], "churn00003")
        cfg["listeners"] = first["listeners"]
        h.reload(gw, cfg)
        outgoing.put(b"after")
        assert next(replies) == b"after", "the call in flight did not survive the reload"
        assert established_to(upstreams[0].port) >= 1, "the connection closed under its call"
        outgoing.put(None)
        assert list(replies) == []
        deadline = time.monotonic() + 5
        while established_to(upstreams[0].port) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert established_to(upstreams[0].port) == 0, "the dropped upstream's connection outlived its last call"
        channel.close()
    finally:
        for up in upstreams:
            up.stop()
