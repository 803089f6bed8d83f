"""gRPC end to end (contract §9): a `grpcio` client, over HTTP/2 with a client certificate, through the gateway to a
`grpcio` upstream (h2c). The client sends stage-less paths (`/echo.Echo/Say`) to a `{host, stage}` host and signs
each call with botocore's SigV4Auth (`X-Amz-Content-Sha256: UNSIGNED-PAYLOAD`, as a streaming client must); unary
and streaming calls, trailers and error statuses from the upstream, the gateway's refusals as gRPC statuses, and
deadlines (the client's `grpc-timeout` and the integration timeout)."""

from __future__ import annotations

import time

import grpc
import pytest
from botocore.credentials import Credentials

import harness as h
from grpc_support import secure_channel
from test_hostile_upstream import access_record

API = "grpce2e001"
AUTHORITY = "grpc.internal"


@pytest.fixture(scope="module")
def gw(pki, grpcup, start_gateway):
    cfg = h.base_config(pki, apis=[{
        "id": API,
        "name": "grpc-e2e",
        "hosts": [{"host": AUTHORITY, "stage": "prod"}],
        "authorization": "AWS_IAM",
        "policy": {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
                {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
                 "Resource": "execute-api:/prod/POST/echo.Echo/Secret"},
            ],
        },
        "stages": {"prod": {}},
        "routes": [
            {"route": "POST /echo.Echo/{method}",
             "integration": h.proxy(grpcup.url + "/echo.Echo/{method}", timeout_ms=1500)},
            {"route": "POST /down.Svc/{method}", "integration": h.proxy(f"h2c://127.0.0.1:{h.free_port()}/x/{{method}}")},
        ],
    }])
    return start_gateway(cfg)


@pytest.fixture(scope="module")
def channel(gw, pki):
    ch = secure_channel(gw, pki, AUTHORITY)
    yield ch
    ch.close()


def signed(path: str, creds: Credentials | None = None, extra=()) -> list:
    """SigV4 metadata for one call: POST `path` to the stage host, payload unsigned (declared)."""
    _, headers = h.sign(
        "POST", AUTHORITY, path, identity=h.ALICE, creds=creds,
        headers=[("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")])
    return [(k.lower(), v) for k, v in headers if k.lower() != "host"] + list(extra)


def test_unary_call_through_the_gateway(gw, channel, grpcup):
    say = channel.unary_unary("/echo.Echo/Say")
    m = h.marker()
    reply, call = say.with_call(b"hello over h2", metadata=signed("/echo.Echo/Say", extra=[("x-mark", m)]), timeout=10)
    assert reply == b"hello over h2"
    assert call.code() == grpc.StatusCode.OK
    rid = dict(call.initial_metadata())["x-amzn-requestid"]
    md = grpcup.last_metadata("x-mark", m)
    assert md["x-gatehouse-principal"] == h.ALICE.principal
    assert md["x-request-id"] == rid
    assert "authorization" not in md
    assert md["x-forwarded-client-cert"].startswith("Hash=")
    _, record = access_record(gw, rid)
    assert (record["STAGE"], record["ROUTE_KEY"], record["STATUS"]) == ("prod", "POST /echo.Echo/{method}", "200")
    assert record["PATH"] == "/echo.Echo/Say"


def test_streaming_calls(channel):
    count = channel.unary_stream("/echo.Echo/Count")
    assert list(count(b"4", metadata=signed("/echo.Echo/Count"), timeout=10)) == [b"n=0", b"n=1", b"n=2", b"n=3"]
    join = channel.stream_unary("/echo.Echo/Join")
    assert join(iter([b"a", b"b", b"c"]), metadata=signed("/echo.Echo/Join"), timeout=10) == b"a+b+c"
    chat = channel.stream_stream("/echo.Echo/Chat")
    assert list(chat(iter([b"x", b"yy"]), metadata=signed("/echo.Echo/Chat"), timeout=10)) == [b"x", b"yy"]


def test_upstream_status_and_message_reach_the_client(channel):
    say = channel.unary_unary("/echo.Echo/Say")
    with pytest.raises(grpc.RpcError) as failed:
        say(b"status:9:precondition not met", metadata=signed("/echo.Echo/Say"), timeout=10)
    assert failed.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert failed.value.details() == "precondition not met"


def test_gateway_refusals_are_grpc_statuses(channel):
    say = channel.unary_unary("/echo.Echo/Say")
    cases = [
        (say, signed("/echo.Echo/Say", creds=Credentials(h.ALICE.access_key, "wrong")),
         grpc.StatusCode.UNAUTHENTICATED, h.MSG_BAD_SIGNATURE),
        (say, [], grpc.StatusCode.UNAUTHENTICATED, "Missing Authentication Token"),
        (channel.unary_unary("/echo.Echo/Secret"), signed("/echo.Echo/Secret"), grpc.StatusCode.PERMISSION_DENIED,
         f"User: {h.ALICE.principal} is not authorized to perform: execute-api:Invoke on resource: "
         f"arn:aws:execute-api:{h.REGION}:{h.ACCOUNT}:{API}/prod/POST/echo.Echo/Secret with an explicit deny"),
        (channel.unary_unary("/other.Svc/Call"), signed("/other.Svc/Call"), grpc.StatusCode.NOT_FOUND, "Not Found"),
        (channel.unary_unary("/down.Svc/Call"), signed("/down.Svc/Call"), grpc.StatusCode.UNAVAILABLE, "Bad Gateway"),
    ]
    for stub, metadata, code, details in cases:
        with pytest.raises(grpc.RpcError) as failed:
            stub(b"x", metadata=metadata, timeout=10)
        assert (failed.value.code(), failed.value.details()) == (code, details)


def test_client_deadline_reaches_the_upstream(channel, grpcup):
    say = channel.unary_unary("/echo.Echo/Say")
    m = h.marker()
    assert say(b"quick", metadata=signed("/echo.Echo/Say", extra=[("x-mark", m)]), timeout=0.8) == b"quick"
    remaining = grpcup.last_metadata("x-mark", m)["time_remaining"]
    # without the deadline passed on, grpcio reports no time limit at all (None)
    assert remaining is not None and remaining <= 0.85


def test_integration_timeout_is_deadline_exceeded(channel):
    say = channel.unary_unary("/echo.Echo/Say")
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as failed:
        say(b"sleep:3000", metadata=signed("/echo.Echo/Say"), timeout=10)
    took = time.monotonic() - started
    assert failed.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert failed.value.details() == "Endpoint request timed out"
    assert 1.4 <= took < 2.5, took
