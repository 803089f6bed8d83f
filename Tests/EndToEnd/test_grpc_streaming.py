"""Streamed gRPC request bodies (contract §9): when the signature does not cover the payload (`UNSIGNED-PAYLOAD`, as
gRPC clients declare it), every gate is decided on the head and the client's messages reach the HTTP/2 upstream as
they arrive, so bidirectional and client-streaming calls are interactive; `max_body_bytes` and `body_timeout` still
apply (gRPC status 8 / 4, as trailers once the upstream's answer is under way); a signature over the body still makes
the gateway buffer and verify it. The client's request trailers reach the upstream on both paths."""

from __future__ import annotations

import queue
import time

import grpc
import pytest

import harness as h
from grpc_streaming_support import RawH2Upstream, TimedGrpcUpstream
from grpc_support import frame, secure_channel
from http2_support import H2Client, H2Response

API = "grpcstrm01"
AUTHORITY = "grpc.live"
MAX_BODY = 4096
BODY_TIMEOUT = 2


@pytest.fixture(scope="module")
def up():
    server = TimedGrpcUpstream()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def raw():
    server = RawH2Upstream()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def gw(pki, up, raw, start_gateway):
    cfg = h.base_config(pki, apis=[{
        "id": API,
        "name": "grpc-streaming",
        "hosts": [{"host": AUTHORITY, "stage": "prod"}],
        "authorization": "AWS_IAM",
        "stages": {"prod": {}},
        "routes": [
            {"route": "POST /live.Live/{method}",
             "integration": h.proxy(up.url + "/live.Live/{method}", timeout_ms=5000)},
            {"route": "POST /raw.Svc/{method}", "integration": h.proxy(raw.url + "/raw.Svc/{method}")},
        ],
    }], limits={"max_body_bytes": MAX_BODY, "body_timeout": BODY_TIMEOUT})
    return start_gateway(cfg)


@pytest.fixture(scope="module")
def gw_big(pki, raw, start_gateway):
    """Room for a large streamed body: what holds it back is flow control alone."""
    cfg = h.base_config(pki, apis=[{
        "id": API,
        "name": "grpc-streaming-big",
        "hosts": [{"host": AUTHORITY, "stage": "prod"}],
        "authorization": "AWS_IAM",
        "stages": {"prod": {}},
        "routes": [{"route": "POST /raw.Svc/{method}", "integration": h.proxy(raw.url + "/raw.Svc/{method}")}],
    }], limits={"max_body_bytes": 16 * 1024 * 1024})
    return start_gateway(cfg)


@pytest.fixture(scope="module")
def channel(gw, pki):
    ch = secure_channel(gw, pki, AUTHORITY)
    yield ch
    ch.close()


def signed(path: str, mark: str, body: bytes | None = None, content_type: str | None = None) -> list:
    """SigV4 headers for POST `path` on the stage host: the payload declared `UNSIGNED-PAYLOAD`, or, given `body`,
    its hash signed (botocore's default). `x-mark` is added unsigned."""
    extra = [] if body is not None else [("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")]
    if content_type:
        extra.append(("Content-Type", content_type))
    _, headers = h.sign("POST", AUTHORITY, path, identity=h.ALICE, headers=extra, body=body or b"")
    return [(k.lower(), v) for k, v in headers if k.lower() != "host"] + [("x-mark", mark)]


# ------------------------------------------------------------------------------------------- interactive calls


def test_bidirectional_call_answers_each_message_before_the_next_is_sent(channel, up):
    chat = channel.stream_stream("/live.Live/Chat")
    mark = h.marker()
    answered: queue.Queue = queue.Queue()

    def requests():
        for i in range(3):
            yield f"m{i}".encode()
            answered.get(timeout=3)  # the next message only once the upstream answered this one

    started = time.monotonic()
    replies = []
    for reply in chat(requests(), metadata=signed("/live.Live/Chat", mark), timeout=10):
        replies.append(reply)
        answered.put(reply)
    assert replies == [b"m0", b"m1", b"m2"]
    assert time.monotonic() - started < 2.5
    call = up.call(mark)
    assert call["messages"] == [b"m0", b"m1", b"m2"] and call["returned"]
    assert call["metadata"]["x-gatehouse-principal"] == h.ALICE.principal


def test_client_streaming_with_unsigned_payload_reaches_the_upstream_as_sent(channel, up):
    join = channel.stream_unary("/live.Live/Join")
    mark = h.marker()

    def requests():
        yield b"a"
        time.sleep(0.6)
        yield b"b"
        time.sleep(0.6)
        yield b"c"

    assert join(requests(), metadata=signed("/live.Live/Join", mark), timeout=10) == b"a+b+c"
    arrivals = up.call(mark)["arrivals"]
    # buffered, all three would arrive together once the client half-closed
    assert arrivals[2] - arrivals[0] >= 1.0, arrivals


def test_signed_payload_is_still_buffered_and_verified(channel, up):
    join = channel.stream_unary("/live.Live/Join")
    messages = [b"a", b"b", b"c"]
    body = b"".join(frame(m) for m in messages)

    def requests():
        for i, message in enumerate(messages):
            if i:
                time.sleep(0.5)
            yield message

    mark = h.marker()
    assert join(requests(), metadata=signed("/live.Live/Join", mark, body=body), timeout=10) == b"a+b+c"
    arrivals = up.call(mark)["arrivals"]
    assert arrivals[2] - arrivals[0] < 0.3, arrivals  # held until the body's hash was checked
    mark = h.marker()
    with pytest.raises(grpc.RpcError) as failed:
        join(iter([b"a", b"b", b"d"]), metadata=signed("/live.Live/Join", mark, body=body), timeout=10)
    assert (failed.value.code(), failed.value.details()) == (grpc.StatusCode.UNAUTHENTICATED, h.MSG_BAD_SIGNATURE)
    assert dict(failed.value.trailing_metadata())["x-amzn-errortype"] == "InvalidSignatureException"
    with pytest.raises(AssertionError):
        up.call(mark, timeout=0.5)  # the upstream never saw the call


# --------------------------------------------------------------------------------------- limits on a streamed body


def test_streamed_body_over_max_body_bytes_before_the_answer_is_resource_exhausted(channel, up):
    join = channel.stream_unary("/live.Live/Join")
    mark = h.marker()

    def requests():
        yield b"a"
        time.sleep(0.3)
        yield b"x" * MAX_BODY

    with pytest.raises(grpc.RpcError) as failed:
        join(requests(), metadata=signed("/live.Live/Join", mark), timeout=10)
    refused = time.monotonic()
    assert (failed.value.code(), failed.value.details()) == (grpc.StatusCode.RESOURCE_EXHAUSTED, "Request Too Long")
    assert dict(failed.value.trailing_metadata())["x-amzn-errortype"] == "RequestEntityTooLargeException"
    call = up.call(mark)
    deadline = time.monotonic() + 3
    while call["terminated"] is None and time.monotonic() < deadline:
        time.sleep(0.02)
    # the gateway reset the upstream's stream at once (left open, the call would last until its 10 s deadline)
    assert call["terminated"] is not None and call["terminated"] - refused < 1.0
    assert call["messages"] == [b"a"]


def test_streamed_body_over_max_body_bytes_after_the_answer_began_ends_with_status_8(channel, up):
    chat = channel.stream_stream("/live.Live/Chat")
    mark = h.marker()
    answered: queue.Queue = queue.Queue()

    def requests():
        yield b"y" * 1000
        answered.get(timeout=3)
        yield b"z" * MAX_BODY

    replies = []
    with pytest.raises(grpc.RpcError) as failed:
        for reply in chat(requests(), metadata=signed("/live.Live/Chat", mark), timeout=10):
            replies.append(reply)
            answered.put(reply)
    assert replies == [b"y" * 1000]
    assert (failed.value.code(), failed.value.details()) == (grpc.StatusCode.RESOURCE_EXHAUSTED, "Request Too Long")
    assert dict(failed.value.trailing_metadata())["x-amzn-errortype"] == "RequestEntityTooLargeException"


def test_streamed_body_over_max_body_bytes_without_grpc_is_413(gw, raw):
    mark = h.marker()
    with H2Client(gw, authority=AUTHORITY) as client:
        headers = signed("/raw.Svc/Call", mark, content_type="application/octet-stream")
        sid = client.start("POST", "/raw.Svc/Call", headers=headers, body=b"q" * 100, end_stream=False)
        raw.stream(mark, ended=False)  # the upstream has the call before the body passes the limit
        client._send_body(sid, b"q" * MAX_BODY, end_stream=False)
        response = client.wait(sid)
    assert response.status == 413
    assert (response.error_type, response.message) == ("RequestEntityTooLargeException", "Request Too Long")
    stream = raw.stream(mark)
    assert stream.reset is not None and not stream.ended


def test_streamed_body_pause_past_body_timeout_is_deadline_exceeded(channel, up):
    join = channel.stream_unary("/live.Live/Join")
    mark = h.marker()

    def requests():
        yield b"a"
        time.sleep(BODY_TIMEOUT + 1.5)
        yield b"b"

    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as failed:
        join(requests(), metadata=signed("/live.Live/Join", mark), timeout=10)
    took = time.monotonic() - started
    assert (failed.value.code(), failed.value.details()) == (grpc.StatusCode.DEADLINE_EXCEEDED, "Request Timeout")
    assert BODY_TIMEOUT - 0.1 <= took < BODY_TIMEOUT + 1.4, took
    assert up.call(mark)["messages"] == [b"a"]


def push(client: H2Client, sid: int, total: int, seconds: float) -> int:
    """Sends up to `total` body bytes as fast as the stream's flow-control window allows, for at most `seconds`;
    returns how many were sent."""
    sent = 0
    deadline = time.monotonic() + seconds
    client.sock.settimeout(0.1)
    try:
        while sent < total and time.monotonic() < deadline:
            window = min(client.conn.local_flow_control_window(sid), client.conn.max_outbound_frame_size, total - sent)
            if window > 0:
                client.conn.send_data(sid, b"p" * window)
                client.sock.sendall(client.conn.data_to_send())
                sent += window
                continue
            try:
                client.pump()
            except TimeoutError:
                pass
    finally:
        client.sock.settimeout(h.IO_TIMEOUT)
    return sent


def test_streamed_body_waits_while_the_upstream_window_is_closed(gw_big, raw):
    total = 4 * 1024 * 1024
    mark = h.marker()
    with H2Client(gw_big, authority=AUTHORITY) as client:
        headers = signed("/raw.Svc/Call", mark, content_type="application/grpc") + [("x-hold", "1")]
        sid = client.start("POST", "/raw.Svc/Call", headers=headers, end_stream=False)
        sent = push(client, sid, total, seconds=2)
        stream = raw.stream(mark, ended=False)
        try:
            # the upstream granted 64 KiB and took no more: the gateway stopped reading the client, whose stream
            # window (256 KiB) then closed; buffered, all 4 MiB would have been read at once
            assert len(stream.body) <= 65535
            assert sent < 1024 * 1024, sent
        finally:
            stream.release()
        sent += push(client, sid, total - sent, seconds=20)
        assert sent == total
        client.conn.end_stream(sid)
        client.sock.sendall(client.conn.data_to_send())
        response = client.wait(sid)
    assert response.status == 200 and dict(response.trailers)["grpc-status"] == "0", response
    assert len(raw.stream(mark).body) == total


# ---------------------------------------------------------------------------------------------- request trailers


@pytest.mark.parametrize("payload", ["unsigned", "signed"])
def test_request_trailers_reach_the_upstream(gw, raw, payload):
    mark = h.marker()
    body = frame(b"hello") + frame(b"world")
    headers = signed("/raw.Svc/Call", mark, body=body if payload == "signed" else None,
                     content_type="application/grpc")
    with H2Client(gw, authority=AUTHORITY) as client:
        sid = client.start("POST", "/raw.Svc/Call", headers=headers + [("te", "trailers")], body=body,
                           end_stream=False)
        # names Gatehouse owns or consumes never reach the upstream, in trailers either
        client.conn.send_headers(sid, [("x-checksum", "c-" + mark), ("x-gatehouse-principal", "arn:forged"),
                                       ("x-forwarded-for", "10.9.9.9"), ("authorization", "forged")],
                                 end_stream=True)
        client.sock.sendall(client.conn.data_to_send())
        response = client.wait(sid)
    assert response.status == 200 and dict(response.trailers)["grpc-status"] == "0", response
    stream = raw.stream(mark)
    assert stream.body == body
    assert stream.trailers == [("x-checksum", "c-" + mark)]


# ------------------------------------------------------------------------------------------------- upstream GOAWAY


def raw_call(client: H2Client, mark: str, extra=()) -> H2Response:
    headers = signed("/raw.Svc/Call", mark, content_type="application/grpc") + list(extra)
    return client.request("POST", "/raw.Svc/Call", headers=headers, body=frame(b"hi"))


def test_upstream_goaway_finishes_streams_in_flight_and_the_next_call_reconnects(gw, raw):
    with H2Client(gw, authority=AUTHORITY) as client:
        kept = raw_call(client, h.marker(), [("x-goaway", "keep")])
        assert kept.status == 200 and dict(kept.trailers)["grpc-status"] == "0", kept
        opened = raw.connections
        after = raw_call(client, h.marker())
        assert after.status == 200 and dict(after.trailers)["grpc-status"] == "0", after
        assert raw.connections == opened + 1  # the connection that said GOAWAY takes no new stream
        dropped = raw_call(client, h.marker(), [("x-goaway", "drop")])
        assert (dropped.status, dropped.header("grpc-status"), dropped.header("grpc-message")) == (
            200, "14", "Bad Gateway"), dropped
        assert dropped.error_type == "BadGatewayException"
        again = raw_call(client, h.marker())
        assert again.status == 200 and dict(again.trailers)["grpc-status"] == "0", again
        assert raw.connections == opened + 2
