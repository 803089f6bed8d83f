"""Upstream servers that misbehave on purpose, for the hostile-upstream end-to-end tests.

Each is a raw TCP server on loopback: it reads HTTP/1.1 requests itself (head, then a Content-Length body) and
writes whatever bytes its `answer` function returns, so a test decides exactly what the gateway receives. Every
request is recorded with the connection it came on, so a test can tell a retried request from a replayed one and
see whether a connection the gateway should have closed was used again.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

LOOPBACK = "127.0.0.1"


@dataclass
class SeenRequest:
    connection: int  # 1-based accept order
    index: int  # 1-based position on its connection
    method: str
    target: str
    headers: dict
    body: bytes


@dataclass
class Reply:
    """What to do with one request: send `data` (in `pieces`, with `pause` seconds between them), then keep the
    connection or close it. `close_without_answer` reads the request and closes without a byte."""

    data: bytes = b""
    pieces: list[bytes] = field(default_factory=list)
    pause: float = 0.0
    close: bool = False
    close_without_answer: bool = False


def ok(body: bytes = b"ok") -> Reply:
    return Reply(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))


class HostileUpstream:
    """A raw HTTP/1.1 upstream; `answer(request)` decides each reply."""

    def __init__(self, answer: Callable[[SeenRequest], Reply]):
        self.answer = answer
        self.requests: list[SeenRequest] = []
        self.closed_by_peer: set[int] = set()  # connections the gateway closed
        self.connections = 0
        self._lock = threading.Lock()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((LOOPBACK, 0))
        self._sock.listen(128)
        self.port = self._sock.getsockname()[1]
        self._stopping = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def matching(self, needle: str) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.requests if needle in r.target]

    def requests_on(self, connection: int) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.requests if r.connection == connection]

    def wait_closed(self, connection: int, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if connection in self.closed_by_peer:
                    return True
            time.sleep(0.02)
        return False

    def stop(self) -> None:
        self._stopping = True
        try:
            self._sock.close()
        except OSError:
            pass

    def _accept_loop(self) -> None:
        while not self._stopping:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                number = self.connections
            threading.Thread(target=self._serve, args=(conn, number), daemon=True).start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        buf = b""
        index = 0
        conn.settimeout(30)
        try:
            while True:
                while b"\r\n\r\n" not in buf:
                    data = conn.recv(65536)
                    if not data:
                        with self._lock:
                            self.closed_by_peer.add(number)
                        return
                    buf += data
                head, buf = buf.split(b"\r\n\r\n", 1)
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0"))
                while len(buf) < length:
                    data = conn.recv(65536)
                    if not data:
                        break
                    buf += data
                body, buf = buf[:length], buf[length:]
                index += 1
                seen = SeenRequest(number, index, method, target, headers, body)
                with self._lock:
                    self.requests.append(seen)
                reply = self.answer(seen)
                if reply.close_without_answer:
                    conn.shutdown(socket.SHUT_RDWR)
                    return
                pieces = reply.pieces or [reply.data]
                for i, piece in enumerate(pieces):
                    if i and reply.pause:
                        time.sleep(reply.pause)
                    conn.sendall(piece)
                if reply.close:
                    conn.shutdown(socket.SHUT_WR)
                    # Wait for the gateway's side to close too.
                    while conn.recv(65536):
                        pass
                    with self._lock:
                        self.closed_by_peer.add(number)
                    return
        except OSError:
            with self._lock:
                self.closed_by_peer.add(number)
        finally:
            conn.close()


# --------------------------------------------------------------------------------------------------
# the misbehaviours


def switching_upstream() -> HostileUpstream:
    """Answers `101 Switching Protocols` to requests whose path contains `switch` (none asked to switch), 200
    otherwise."""

    def answer(req: SeenRequest) -> Reply:
        if "switch" in req.target:
            return Reply(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
        return ok(b"fine:" + req.target.encode())

    return HostileUpstream(answer)


MALFORMED_HEADS = {
    "status-line": b"HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nok",
    "header-no-colon": b"HTTP/1.1 200 OK\r\nthis is not a header\r\nContent-Length: 2\r\n\r\nok",
    "header-space-before-colon": b"HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok",
    "bad-content-length": b"HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok",
    "two-content-lengths": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
    "cl-and-te": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
    "status-700": b"HTTP/1.1 700 Odd\r\nContent-Length: 2\r\n\r\nok",
    "http2-version": b"HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
    # A transfer coding Gatehouse cannot undo: relayed without the (hop-by-hop) field, the body would be unreadable.
    "transfer-coding-gzip": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
    "obs-fold": b"HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\nContent-Length: 2\r\n\r\nok",
    "bare-lf": b"HTTP/1.1 200 OK\nContent-Length: 2\r\n\r\nok",
}


def malformed_head_upstream() -> HostileUpstream:
    """`/bad/<kind>` gets the malformed answer `MALFORMED_HEADS[kind]`; anything else a good 200."""

    def answer(req: SeenRequest) -> Reply:
        for kind, data in MALFORMED_HEADS.items():
            if f"/bad/{kind}" in req.target:
                return Reply(data)
        return ok(b"fine:" + req.target.encode())

    return HostileUpstream(answer)


def broken_chunk_upstream() -> HostileUpstream:
    """`/early` : a chunked 200 whose second chunk size is not hex, all in one write (nothing relayable yet);
    `/late`: the head and a first chunk, then after a pause the broken chunk (the client already has bytes);
    anything else a good 200."""

    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"

    def answer(req: SeenRequest) -> Reply:
        if "/early" in req.target:
            return Reply(head + b"5\r\nhello\r\nZZ\r\nxx\r\n0\r\n\r\n")
        if "/late" in req.target:
            return Reply(pieces=[head + b"5\r\nhello\r\n", b"ZZ\r\nxx\r\n0\r\n\r\n"], pause=0.5)
        return ok(b"fine:" + req.target.encode())

    return HostileUpstream(answer)


def closes_second_request_upstream() -> HostileUpstream:
    """Keeps connections alive, but reads the second request of each connection in full and closes without
    answering (as an upstream that crashed on it, or timed the connection out at that moment, would)."""

    def answer(req: SeenRequest) -> Reply:
        if req.index == 2:
            return Reply(close_without_answer=True)
        return ok(b"fine:" + req.target.encode())

    return HostileUpstream(answer)
