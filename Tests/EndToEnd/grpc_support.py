"""gRPC peers for the end-to-end tests: a `grpcio` upstream (h2c, generic handlers over raw bytes, so no generated
code is needed) and a gRPC call written by hand over HTTP/1.1 (length-prefixed messages, trailers read from the
chunked body) for the leg to the upstream before HTTP/2 reaches clients."""

from __future__ import annotations

import struct
import threading
import time
from concurrent import futures
from dataclasses import dataclass, field

import grpc

import harness as h

SERVICE = "echo.Echo"


def secure_channel(gw: h.Gateway, pki, authority: str, client: str = "alice") -> grpc.Channel:
    """A grpcio channel to the gateway over TLS with the client's certificate, naming `authority` (a stage host)."""
    cert = pki.client(client)
    creds = grpc.ssl_channel_credentials(
        root_certificates=pki.ca.read_bytes(), private_key=cert.key.read_bytes(),
        certificate_chain=cert.cert.read_bytes())
    return grpc.secure_channel(
        f"{h.LOOPBACK}:{gw.port()}", creds,
        options=[("grpc.ssl_target_name_override", "gatehouse.test"), ("grpc.default_authority", authority)])


class GrpcUpstream:
    """`/echo.Echo/Say` (unary): echoes; a request `status:CODE:MESSAGE` aborts with that code, `sleep:MS` sleeps.
    `/echo.Echo/Count` (server streaming): N messages `n=i` for a request `N`. `/echo.Echo/Join` (client
    streaming): the requests joined with `+`. `/echo.Echo/Chat` (bidirectional): echoes each request. Records the
    metadata of every call."""

    def __init__(self, tls: tuple | None = None):
        """`tls`: (certificate chain PEM path, key PEM path) to serve `h2://` instead of `h2c://`."""
        self.tls = tls
        self.metadata: list[dict] = []
        self.lock = threading.Lock()
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
        handlers = {
            "Say": grpc.unary_unary_rpc_method_handler(self._say),
            "Count": grpc.unary_stream_rpc_method_handler(self._count),
            "Join": grpc.stream_unary_rpc_method_handler(self._join),
            "Chat": grpc.stream_stream_rpc_method_handler(self._chat),
        }
        self.server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))
        if tls:
            cert, key = (open(p, "rb").read() for p in tls)
            self.port = self.server.add_secure_port(
                f"{h.LOOPBACK}:0", grpc.ssl_server_credentials([(key, cert)]))
        else:
            self.port = self.server.add_insecure_port(f"{h.LOOPBACK}:0")
        self.server.start()

    @property
    def url(self) -> str:
        return f"{'h2' if self.tls else 'h2c'}://{h.LOOPBACK}:{self.port}"

    def _record(self, context):
        # grpcio keeps `grpc-timeout` for itself: the deadline it set from it is `time_remaining()`
        md = dict(context.invocation_metadata())
        md["time_remaining"] = context.time_remaining()
        md["peer"] = context.peer()
        with self.lock:
            self.metadata.append(md)

    def _say(self, request: bytes, context):
        self._record(context)
        if request.startswith(b"status:"):
            _, code, message = request.decode().split(":", 2)
            context.abort(grpc.StatusCode(next(c for c in grpc.StatusCode if c.value[0] == int(code))), message)
        if request.startswith(b"sleep:"):
            time.sleep(int(request.split(b":")[1]) / 1000)
        return request

    def _count(self, request: bytes, context):
        self._record(context)
        for i in range(int(request)):
            yield f"n={i}".encode()

    def _join(self, requests, context):
        self._record(context)
        return b"+".join(requests)

    def _chat(self, requests, context):
        self._record(context)
        for request in requests:
            yield request

    def last_metadata(self, key: str, value: str) -> dict:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with self.lock:
                found = [m for m in self.metadata if m.get(key) == value]
            if found:
                return found[-1]
            time.sleep(0.02)
        raise AssertionError(f"no call with {key}={value}")

    def stop(self):
        self.server.stop(grace=None)


def frame(message: bytes) -> bytes:
    """A gRPC length-prefixed message (uncompressed)."""
    return b"\x00" + struct.pack(">I", len(message)) + message


def unframe(body: bytes) -> list[bytes]:
    out = []
    while body:
        assert body[0] == 0, body[:5]
        (length,) = struct.unpack(">I", body[1:5])
        out.append(body[5 : 5 + length])
        body = body[5 + length :]
    return out


@dataclass
class GrpcOverHTTP1:
    status: int
    headers: list
    messages: list
    trailers: dict = field(default_factory=dict)

    def header(self, name: str):
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def grpc_status(self) -> int | None:
        value = self.trailers.get("grpc-status") or self.header("grpc-status")
        return None if value is None else int(value)

    @property
    def grpc_message(self) -> str | None:
        return self.trailers.get("grpc-message") or self.header("grpc-message")


def call_over_http1(gw, path: str, messages: list[bytes], *, host: str = "localhost", headers=None, sign=True,
                    creds=None, conn=None):
    """One gRPC call as an HTTP/1.1 POST: framed messages as the body, the answer's trailers read from its chunked
    body. On `conn` (a keep-alive `RawConn`) when given, else on a new connection."""
    body = b"".join(frame(m) for m in messages)
    extra = [("Content-Type", "application/grpc"), ("TE", "trailers")] + list(headers or [])
    if sign:
        _, signed = h.sign("POST", host, path, identity=h.ALICE, creds=creds, headers=extra, body=body)
        pairs = signed
    else:
        pairs = [("Host", host)] + extra
    head = f"POST {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in pairs)
    head += f"Content-Length: {len(body)}\r\n\r\n"
    if conn is not None:
        conn.send(head.encode() + body)
        return read_grpc_response(conn)
    with h.RawConn(gw) as conn:
        conn.send(head.encode() + body)
        return read_grpc_response(conn)


def read_grpc_response(conn) -> GrpcOverHTTP1:
    status_line = conn._read_line().decode("latin-1")
    status = int(status_line.split(" ")[1])
    headers = []
    while True:
        line = conn._read_line()
        if not line:
            break
        k, _, v = line.decode("latin-1").partition(":")
        headers.append((k.strip(), v.strip()))
    lowered = {k.lower(): v for k, v in headers}
    body = b""
    trailers = {}
    if "chunked" in lowered.get("transfer-encoding", "").lower():
        while True:
            size = int(conn._read_line().split(b";")[0], 16)
            if size == 0:
                while True:
                    line = conn._read_line()
                    if not line:
                        break
                    k, _, v = line.decode("latin-1").partition(":")
                    trailers[k.strip().lower()] = v.strip()
                break
            body += conn._read_exact(size)
            conn._read_line()
    elif "content-length" in lowered:
        body = conn._read_exact(int(lowered["content-length"]))
    return GrpcOverHTTP1(status, headers, unframe(body), trailers)
