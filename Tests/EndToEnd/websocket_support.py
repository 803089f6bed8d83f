"""WebSocket peers for the end-to-end tests: an upstream server (the `websockets` package, sync API) in a thread,
and a client helper that goes through the gateway over TLS with a client certificate and a SigV4-signed upgrade."""

from __future__ import annotations

import threading
import time

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect
from websockets.sync.server import serve

import harness as h


class WebSocketUpstream:
    """Echoes every message. Text commands: `close:CODE` closes with CODE, `send:N` sends N bytes, `silent` keeps
    quiet, `flood:COUNT:SIZE` sends COUNT messages of SIZE bytes as fast as the connection takes them. Records each handshake's request (path, headers) and each connection's close code as it saw it."""

    def __init__(self):
        self.requests: list = []
        self.closes: list = []
        self.lock = threading.Lock()
        self.server = serve(self._handle, h.LOOPBACK, 0, max_size=None, compression=None)
        self.port = self.server.socket.getsockname()[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://{h.LOOPBACK}:{self.port}"

    def _handle(self, ws):
        with self.lock:
            self.requests.append(ws.request)
        try:
            for message in ws:
                if isinstance(message, str) and message.startswith("close:"):
                    ws.close(int(message.split(":")[1]), "upstream closes")
                    break
                if isinstance(message, str) and message.startswith("flood:"):
                    _, count, size = message.split(":")
                    chunk = h.pattern_bytes(int(size))
                    for _ in range(int(count)):
                        ws.send(chunk)
                    continue
                if isinstance(message, str) and message.startswith("send:"):
                    ws.send(h.pattern_bytes(int(message.split(":")[1])))
                    continue
                ws.send(message)
        except ConnectionClosed:
            pass
        with self.lock:
            self.closes.append((ws.request.path, ws.close_code))

    def request_for(self, needle: str):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with self.lock:
                found = [r for r in self.requests if needle in r.path]
            if found:
                return found[-1]
            time.sleep(0.02)
        raise AssertionError(f"the upstream saw no handshake for {needle}")

    def close_code_for(self, needle: str, timeout: float = 5.0) -> int | None:
        """The close code the upstream saw on the WebSocket whose path contains `needle`, once it closed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                found = [code for path, code in self.closes if needle in path]
            if found:
                return found[-1]
            time.sleep(0.02)
        raise AssertionError(f"the upstream's WebSocket for {needle} did not close")

    def stop(self):
        self.server.shutdown()


def ws_connect(gw, path: str, *, identity=h.ALICE, client: str | None = "alice", headers=None, **kwargs):
    """A WebSocket through the gateway: TLS with `client`'s certificate, the upgrade signed with SigV4 (header form)
    for `identity` (None: unsigned)."""
    port = gw.port()
    host = f"{h.LOOPBACK}:{port}"
    extra = list(headers or [])
    if identity is not None:
        _, signed = h.sign("GET", host, path, identity=identity)
        extra += [(k, v) for k, v in signed if k.lower() != "host"]
    return connect(
        f"wss://{host}{path}", ssl=h.client_context(gw.pki, client), additional_headers=extra, max_size=None,
        open_timeout=10, close_timeout=5, **kwargs)


def close_code_seen(ws, timeout: float = 10.0) -> int | None:
    """Reads until the connection closes; the close code the client received."""
    try:
        while True:
            ws.recv(timeout=timeout)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
