"""Memory guards for the end-to-end suite: a dose of traffic on one path, after a warm-up dose, must not grow the
gateway's resident set by more than a bound. A leak of a handler, a leg, an exchange or a connection per request
(retain cycles between them and their contexts, entries never removed from a table) shows as growth proportional to
the dose; what the allocator, the pools and the caches keep once is taken by the warm-up.

Each dose is sized so that a leak of about 1 KB per operation exceeds its bound by a margin, and runs within a few
seconds on the debug build."""

from __future__ import annotations

import http.client
import socket
import socketserver
import threading
import time

import harness as h
import hostile_support as hs


class OneWriteUpstream:
    """An HTTP/1.1 keep-alive upstream that answers every request 200 with a small JSON body in one write.

    The recording upstream (`harness.Upstream`) writes a response's head and body apart without TCP_NODELAY, so each
    keep-alive exchange waits out a delayed ACK (40 ms): thousands of requests would take minutes."""

    BODY = b'{"memory":true}'
    ANSWER = (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s"
              % (len(BODY), BODY))

    class _Handler(socketserver.BaseRequestHandler):
        def setup(self) -> None:
            with self.server.lock:
                self.server.open_connections += 1

        def finish(self) -> None:
            with self.server.lock:
                self.server.open_connections -= 1

        def handle(self) -> None:
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            data = b""
            while True:
                while b"\r\n\r\n" not in data:
                    chunk = self.request.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, data = data.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(data) < length:
                    chunk = self.request.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                data = data[length:]
                self.request.sendall(OneWriteUpstream.ANSWER)

    class _Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    def __init__(self):
        self.server = self._Server((h.LOOPBACK, 0), self._Handler)
        self.server.lock = threading.Lock()
        self.server.open_connections = 0
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{h.LOOPBACK}:{self.port}"

    @property
    def open_connections(self) -> int:
        """Connections the gateway holds open to this upstream now (each ends when the gateway closes it)."""
        with self.server.lock:
            return self.server.open_connections

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def growth_kib(gw: h.Gateway, drive, *, warm: int, dose: int, settle: float = 0.3) -> int:
    """VmRSS growth over `drive(gw, dose)`, measured after `drive(gw, warm)`."""
    drive(gw, warm)
    time.sleep(settle)
    before = hs.proc_kb(gw.proc.pid)
    drive(gw, dose)
    time.sleep(settle)
    return hs.proc_kb(gw.proc.pid) - before


def assert_bounded(
    gw: h.Gateway, what: str, drive, *, warm: int, dose: int, bound_kib: int, settle: float = 0.3
) -> None:
    grown = growth_kib(gw, drive, warm=warm, dose=dose, settle=settle)
    print(f"[rss] {dose} x {what}: VmRSS grew {grown} KiB (bound {bound_kib} KiB)")
    assert grown < bound_kib, f"VmRSS grew {grown} KiB over {dose} x {what} (bound {bound_kib} KiB)"


def keep_alive(method: str, path: str, status: int, *, headers=None, sign: bool = False, host: str = "localhost"):
    """A driver: `count` requests on one keep-alive connection, each answered `status` (a new connection only when
    the gateway closes one). `sign`: each request signed with SigV4 for alice (header form)."""

    def drive(gw: h.Gateway, count: int) -> None:
        conn = h.https_connection(gw)
        try:
            for _ in range(count):
                target, extra = path, list(headers or [])
                if sign:
                    target, signed = h.sign(method, host, path, identity=h.ALICE)
                    extra += [(k, v) for k, v in signed if k.lower() != "host"]
                r = h.send_on(conn, method, target, headers=extra, host=host)
                assert r.status == status, r
                if r.header("connection") == "close":
                    conn.close()
                    conn = h.https_connection(gw)
        finally:
            conn.close()

    return drive


def connection_per_request(path: str, status: int):
    """A driver: `count` connections, each a full mTLS handshake and one request, closed by the client once
    answered. (A connection the gateway closes first is kept whole, handler and buffers, by NIOSSL's shutdown timer
    until the client's close_notify or `TLSContextFactory.closeNotifyWait`, even once the client has closed: that
    wait, not a leak, would be measured.)"""

    def drive(gw: h.Gateway, count: int) -> None:
        ctx = h.client_context(gw.pki, "alice")
        for _ in range(count):
            conn = http.client.HTTPSConnection(h.LOOPBACK, gw.port(), context=ctx, timeout=h.IO_TIMEOUT)
            try:
                assert h.send_on(conn, "GET", path).status == status
            finally:
                conn.close()

    return drive
