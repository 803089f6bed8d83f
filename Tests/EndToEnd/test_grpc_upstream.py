"""gRPC upstreams (contract §9): `h2c://` integrations call a real `grpcio` server over one pooled, multiplexed
HTTP/2 connection, relay its trailers (`grpc-status`, `grpc-message`), honour `grpc-timeout` within the
integration timeout, and answer the gateway's own errors on a gRPC request as gRPC statuses. The client here is an
HTTP/1.1 POST carrying gRPC framing (the answer's trailers arrive in its chunked body); HTTP/2 clients are in
test_grpc_e2e.py."""

from __future__ import annotations

import time

import pytest

from botocore.credentials import Credentials

import harness as h
from grpc_support import GrpcUpstream, call_over_http1
from test_hostile_upstream import access_record

API = "grpcup0001"


@pytest.fixture(scope="module")
def gw(pki, grpcup, start_gateway):
    cfg = h.base_config(
        pki,
        apis=[{
            "id": API,
            "name": "grpc",
            "hosts": [{"host": "grpc.internal", "stage": "prod"}],
            "authorization": "AWS_IAM",
            "policy": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
                    {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
                     "Resource": "execute-api:/prod/POST/echo.Echo/Join"},
                ],
            },
            "stages": {"prod": {}},
            "routes": [
                {"route": "POST /echo.Echo/{method}", "integration": h.proxy(grpcup.url + "/echo.Echo/{method}",
                                                                             timeout_ms=1500)},
                {"route": "POST /down/{method}", "integration": h.proxy(f"h2c://127.0.0.1:{h.free_port()}/x")},
            ],
        }],
    )
    return start_gateway(cfg)


def call(gw, method: str, messages, **kw):
    return call_over_http1(gw, f"/echo.Echo/{method}", messages, host="grpc.internal", **kw)


def test_unary_call_is_relayed_with_its_trailers(gw, grpcup):
    resp = call(gw, "Say", [b"hello gRPC"])
    assert resp.status == 200
    assert resp.header("content-type") == "application/grpc"
    assert resp.messages == [b"hello gRPC"]
    assert resp.trailers.get("grpc-status") == "0", resp
    rid = resp.header("x-amzn-RequestId")
    md = grpcup.last_metadata("x-request-id", rid)
    assert md["x-gatehouse-principal"] == h.ALICE.principal
    assert "authorization" not in md
    _, record = access_record(gw, rid)
    assert record["STAGE"] == "prod" and record["STATUS"] == "200"


def test_server_streaming_and_client_streaming(gw):
    resp = call(gw, "Count", [b"5"])
    assert resp.messages == [f"n={i}".encode() for i in range(5)]
    assert resp.grpc_status == 0
    resp = call(gw, "Chat", [b"a", b"bb", b"ccc"])
    assert resp.messages == [b"a", b"bb", b"ccc"]
    assert resp.grpc_status == 0


def test_upstream_error_status_and_message_are_relayed(gw):
    resp = call(gw, "Say", [b"status:5:no such thing"])
    assert resp.status == 200
    assert resp.grpc_status == 5
    assert resp.grpc_message == "no such thing"


def test_grpc_timeout_shorter_than_the_integration_timeout_is_honoured(gw, grpcup):
    started = time.monotonic()
    resp = call(gw, "Say", [b"sleep:1000"], headers=[("grpc-timeout", "200m")])
    took = time.monotonic() - started
    assert resp.status == 200
    assert resp.grpc_status == 4, resp
    assert took < 0.9, took
    md = grpcup.last_metadata("x-request-id", resp.header("x-amzn-RequestId"))
    assert md["time_remaining"] is not None and md["time_remaining"] <= 0.2


def test_integration_timeout_caps_a_longer_grpc_timeout(gw):
    started = time.monotonic()
    resp = call(gw, "Say", [b"sleep:2500"], headers=[("grpc-timeout", "10S")])
    took = time.monotonic() - started
    assert resp.grpc_status == 4, resp
    # The gateway tells the upstream the deadline it applies (1.5 s), so grpcio's own deadline may fire a moment
    # before the gateway's timer: either way the call ends DEADLINE_EXCEEDED at the integration timeout, not at 10 s.
    if resp.header("x-amzn-ErrorType") is None:
        assert resp.grpc_message == "Deadline Exceeded", resp
    else:
        assert resp.header("x-amzn-ErrorType") == "IntegrationTimeoutException", resp
    assert 1.4 <= took < 2.4, took


def test_gateway_errors_are_grpc_statuses(gw):
    bad = call(gw, "Say", [b"x"], creds=Credentials(h.ALICE.access_key, "not-the-secret"))
    assert (bad.status, bad.grpc_status, bad.header("x-amzn-ErrorType")) == (200, 16, "InvalidSignatureException")
    unsigned = call(gw, "Say", [b"x"], sign=False)
    assert (unsigned.status, unsigned.grpc_status) == (200, 16)
    assert unsigned.grpc_message == "Missing Authentication Token"
    denied = call(gw, "Join", [b"x"])
    assert (denied.status, denied.grpc_status, denied.header("x-amzn-ErrorType")) == (200, 7, "AccessDeniedException")
    missing = call_over_http1(gw, "/nope.Service/Method", [b"x"], host="grpc.internal")
    assert (missing.status, missing.grpc_status, missing.grpc_message) == (200, 5, "Not Found")
    down = call_over_http1(gw, "/down/Say", [b"x"], host="grpc.internal")
    assert (down.status, down.grpc_status, down.header("x-amzn-ErrorType")) == (200, 14, "BadGatewayException")


def test_concurrent_calls_are_multiplexed_on_one_connection_per_event_loop(gw, grpcup):
    # eight calls of 300 ms at once, each from its own client connection: they run side by side as streams of at
    # most one upstream connection per gateway event loop (one per usable core)
    import os
    from concurrent.futures import ThreadPoolExecutor

    m = h.marker()
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: call(gw, "Say", [b"sleep:300"], headers=[("x-mark", f"{m}-{i}")]), range(8)))
    took = time.monotonic() - started
    assert [r.grpc_status for r in results] == [0] * 8
    assert took < 1.5, took
    peers = {grpcup.last_metadata("x-mark", f"{m}-{i}")["peer"] for i in range(8)}
    assert 1 <= len(peers) <= len(os.sched_getaffinity(0)), peers


def test_h2_upstream_over_tls_is_verified_against_tls_ca(pki, start_gateway):
    up = GrpcUpstream(tls=(pki.server, pki.server_key))
    try:
        route = {"route": "POST /echo.Echo/{method}"}
        cfg = h.base_config(pki, apis=[{
            "id": API, "hosts": [{"host": "grpc.internal", "stage": "prod"}], "authorization": "NONE",
            "stages": {"prod": {}},
            "routes": [
                dict(route, integration=h.proxy(up.url + "/echo.Echo/{method}", tls_ca=str(pki.ca))),
                {"route": "POST /other/{method}",
                 "integration": h.proxy(up.url + "/echo.Echo/{method}", tls_ca=str(pki.other_ca))},
            ],
        }])
        gw = start_gateway(cfg)
        with h.RawConn(gw) as conn:  # one client connection, so one event loop and its one upstream pool
            ok = call_over_http1(gw, "/echo.Echo/Say", [b"over TLS"], host="grpc.internal", sign=False, conn=conn)
            assert (ok.status, ok.messages, ok.grpc_status) == (200, [b"over TLS"], 0)
            # the same upstream checked against a CA that did not issue its certificate: it never shares the
            # connection made above; no call, 502 as gRPC 14
            bad = call_over_http1(gw, "/other/Say", [b"x"], host="grpc.internal", sign=False, conn=conn)
        assert (bad.status, bad.grpc_status, bad.header("x-amzn-ErrorType")) == (200, 14, "BadGatewayException")
    finally:
        up.stop()
