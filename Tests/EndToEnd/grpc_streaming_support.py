"""Upstreams for the streamed-request tests (test_grpc_streaming.py): a `grpcio` server that records when each request
message arrives, and a raw HTTP/2 (h2c) server written with Python's `h2` that records what gRPC servers hide — the
request's trailing HEADERS — and the time of every DATA frame."""

from __future__ import annotations

import socket
import struct
import threading
import time
from concurrent import futures
from dataclasses import dataclass, field

import grpc
import h2.config
import h2.connection
import h2.events

import harness as h
from grpc_support import frame

SERVICE = "live.Live"


class TimedGrpcUpstream:
    """`/live.Live/Chat` (bidirectional) echoes each message as it arrives; `/live.Live/Join` (client streaming)
    answers the messages joined with `+`. Both record, per call (keyed by the `x-mark` metadata), the monotonic time
    each request message reached the upstream, when the call terminated, whether its handler returned, and its
    metadata."""

    def __init__(self):
        self.calls: dict[str, dict] = {}
        self.lock = threading.Lock()
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        handlers = {
            "Chat": grpc.stream_stream_rpc_method_handler(self._chat),
            "Join": grpc.stream_unary_rpc_method_handler(self._join),
        }
        self.server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))
        self.port = self.server.add_insecure_port(f"{h.LOOPBACK}:0")
        self.server.start()

    @property
    def url(self) -> str:
        return f"h2c://{h.LOOPBACK}:{self.port}"

    def _call(self, context) -> dict:
        md = dict(context.invocation_metadata())
        call = {"metadata": md, "arrivals": [], "messages": [], "terminated": None, "returned": False}
        context.add_callback(lambda: call.__setitem__("terminated", time.monotonic()))
        with self.lock:
            self.calls[md.get("x-mark", "")] = call
        return call

    def _take(self, call: dict, requests):
        for request in requests:
            call["arrivals"].append(time.monotonic())
            call["messages"].append(request)
            yield request

    def _chat(self, requests, context):
        call = self._call(context)
        yield from self._take(call, requests)
        call["returned"] = True

    def _join(self, requests, context):
        call = self._call(context)
        joined = b"+".join(self._take(call, requests))
        call["returned"] = True
        return joined

    def call(self, mark: str, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if mark in self.calls:
                    return self.calls[mark]
            time.sleep(0.02)
        raise AssertionError(f"no call marked {mark}")

    def stop(self):
        self.server.stop(grace=None)


@dataclass
class RawStream:
    headers: list = field(default_factory=list)
    body: bytes = b""
    data_times: list = field(default_factory=list)
    trailers: list | None = None
    ended: bool = False
    reset: int | None = None
    # `x-hold: 1`: DATA is not acknowledged (the upstream's window stays closed) until `release`
    held: int = 0
    release: object = None

    def header(self, name: str):
        return next((v for k, v in self.headers if k == name), None)


class RawH2Upstream:
    """An h2c server: records each stream's headers, DATA (with arrival times) and trailers; once the request ends it
    answers 200 `application/grpc` with one message `ok` and the trailer `grpc-status: 0`. A request with `x-hold: 1`
    gets no flow-control credit back until the test calls its stream's `release()`, so the gateway's writes to it
    stall (backpressure). `x-goaway: keep` makes it send GOAWAY(NO_ERROR) naming that stream as the last it will
    process (the stream is still answered); `x-goaway: drop` sends GOAWAY naming the stream before it, so the stream
    is refused. `connections` counts the connections accepted."""

    def __init__(self):
        self.streams: list[RawStream] = []
        self.lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((h.LOOPBACK, 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.stopped = False
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"h2c://{h.LOOPBACK}:{self.port}"

    def _accept(self):
        while not self.stopped:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket):
        conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
        conn.initiate_connection()
        sock.sendall(conn.data_to_send())
        mine: dict[int, RawStream] = {}
        lock = threading.Lock()

        def releaser(sid: int, stream: RawStream):
            def release():
                with lock:
                    if stream.held:
                        conn.acknowledge_received_data(stream.held, sid)
                        stream.held = 0
                    stream.headers.append(("x-released", "1"))
                    sock.sendall(conn.data_to_send())
            return release

        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    return
                lock.acquire()
                for event in conn.receive_data(data):
                    sid = getattr(event, "stream_id", None)
                    if isinstance(event, h2.events.RequestReceived):
                        stream = RawStream(headers=list(event.headers))
                        stream.release = releaser(sid, stream)
                        mine[sid] = stream
                        goaway = stream.header("x-goaway")
                        if goaway:
                            # written beside h2's state machine, which would refuse to answer after its own GOAWAY
                            sock.sendall(conn.data_to_send())
                            last = sid if goaway == "keep" else max(sid - 2, 0)
                            sock.sendall(struct.pack(">I", 8)[1:] + bytes([7, 0]) + struct.pack(">III", 0, last, 0))
                        with self.lock:
                            self.streams.append(stream)
                    elif isinstance(event, h2.events.DataReceived):
                        mine[sid].body += event.data
                        mine[sid].data_times.append(time.monotonic())
                        if mine[sid].header("x-hold") == "1" and mine[sid].header("x-released") is None:
                            mine[sid].held += event.flow_controlled_length
                        else:
                            conn.acknowledge_received_data(event.flow_controlled_length, sid)
                    elif isinstance(event, h2.events.TrailersReceived):
                        mine[sid].trailers = list(event.headers)
                    elif isinstance(event, h2.events.StreamReset):
                        if sid in mine:
                            mine[sid].reset = int(event.error_code)
                    elif isinstance(event, h2.events.StreamEnded):
                        mine[sid].ended = True
                        conn.send_headers(sid, [(":status", "200"), ("content-type", "application/grpc")])
                        conn.send_data(sid, frame(b"ok"))
                        conn.send_headers(sid, [("grpc-status", "0")], end_stream=True)
                out = conn.data_to_send()
                if out:
                    sock.sendall(out)
                lock.release()
        except (OSError, h2.exceptions.ProtocolError):
            return
        finally:
            sock.close()

    def stream(self, mark: str, timeout: float = 5.0, ended: bool = True) -> RawStream:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                found = [s for s in self.streams if s.header("x-mark") == mark]
            if found and (found[-1].ended or found[-1].reset is not None or not ended):
                return found[-1]
            time.sleep(0.02)
        raise AssertionError(f"no stream marked {mark}")

    def stop(self):
        self.stopped = True
        self.listener.close()
