"""HTTP/2 clients for the e2e suite: Python `h2` over real mTLS sockets, raw frames for floods, curl and nghttp.

Everything talks to loopback only. `H2Client` is a small blocking client on one connection (several streams at once);
`RawH2` writes frames byte by byte (what a hostile client sends) and reads the server's frames back, so a test can
assert the GOAWAY error code and when it came.
"""

from __future__ import annotations

import socket
import ssl
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

import h2.config
import h2.connection
import h2.events
import h2.settings
import hpack

import harness as h

# RFC 9113 §7 error codes and §6 frame types
NO_ERROR = 0x0
PROTOCOL_ERROR = 0x1
ENHANCE_YOUR_CALM = 0xB
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = range(10)
END_STREAM, END_HEADERS, ACK = 0x1, 0x4, 0x1
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def h2_context(pki: h.PKI, client: str | None = "alice", alpn=("h2", "http/1.1")) -> ssl.SSLContext:
    """A fresh client context (not harness's shared cache) offering `alpn`."""
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(pki.ca))
    if client is not None:
        c = pki.client(client)
        ctx.load_cert_chain(str(c.cert), str(c.key))
    if alpn:
        ctx.set_alpn_protocols(list(alpn))
    return ctx


def tls_socket(gw: h.Gateway, client: str | None = "alice", alpn=("h2", "http/1.1"), listener="https",
               timeout: float = h.IO_TIMEOUT) -> ssl.SSLSocket:
    return h.tls_connect(gw.port(listener), h2_context(gw.pki, client, alpn), timeout=timeout)


def negotiated(gw: h.Gateway, alpn, listener="https") -> str | None:
    s = tls_socket(gw, alpn=alpn, listener=listener)
    try:
        return s.selected_alpn_protocol()
    finally:
        s.close()


@dataclass
class H2Response(h.GatewayAnswer):
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    trailers: list[tuple[str, str]] = field(default_factory=list)
    reset_code: int | None = None
    ended: bool = False

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k == name.lower()]
        return values[0] if values else None

    def __repr__(self) -> str:
        return f"<H2Response {self.status} {self.headers!r} {self.body[:300]!r} reset={self.reset_code}>"


class H2Client:
    """One HTTP/2 connection over mTLS with the `h2` state machine; blocking, several streams at once."""

    def __init__(self, gw: h.Gateway, client: str | None = "alice", listener="https", authority="localhost",
                 timeout: float = h.IO_TIMEOUT, validate: bool = True):
        self.sock = tls_socket(gw, client, ("h2",), listener, timeout)
        assert self.sock.selected_alpn_protocol() == "h2"
        # validate=False sends header blocks h2 would refuse (what a hostile or buggy client may send)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(
            client_side=True, header_encoding="utf-8", validate_outbound_headers=validate,
            normalize_outbound_headers=validate))
        self.conn.initiate_connection()
        self.conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 16 * 1024 * 1024})
        self.conn.increment_flow_control_window(16 * 1024 * 1024)
        self.sock.sendall(self.conn.data_to_send())
        self.authority = authority
        self.responses: dict[int, H2Response] = {}
        self.terminated: h2.events.ConnectionTerminated | None = None
        self.remote_settings: dict[int, int] = {}

    def close(self) -> None:
        try:
            self.conn.close_connection()
            self.sock.sendall(self.conn.data_to_send())
        except Exception:
            pass
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self, method: str, path: str, headers=None, body: bytes | None = None, authority: str | None = None,
              end_stream: bool = True) -> int:
        sid = self.conn.get_next_available_stream_id()
        block = [(":method", method), (":scheme", "https"), (":authority", authority or self.authority),
                 (":path", path)]
        block += [(k.lower(), v) for k, v in h._as_pairs(headers)]
        self.responses[sid] = H2Response()
        self.conn.send_headers(sid, block, end_stream=end_stream and not body)
        if body:
            self._send_body(sid, body, end_stream)
        self.sock.sendall(self.conn.data_to_send())
        return sid

    def _send_body(self, sid: int, body: bytes, end_stream: bool) -> None:
        offset = 0
        while offset < len(body):
            window = min(self.conn.local_flow_control_window(sid), self.conn.max_outbound_frame_size)
            if window <= 0:
                self.sock.sendall(self.conn.data_to_send())
                self.pump()
                continue
            chunk = body[offset:offset + window]
            offset += len(chunk)
            self.conn.send_data(sid, chunk, end_stream=end_stream and offset == len(body))
        self.sock.sendall(self.conn.data_to_send())

    def pump(self) -> None:
        """Reads once from the socket and applies the events."""
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("connection closed by the gateway")
        for event in self.conn.receive_data(data):
            self._apply(event)
        out = self.conn.data_to_send()
        if out:
            self.sock.sendall(out)

    def _apply(self, event) -> None:
        if isinstance(event, h2.events.ResponseReceived):
            r = self.responses[event.stream_id]
            r.headers = [(k, v) for k, v in event.headers if not k.startswith(":")]
            r.status = int(dict(event.headers)[":status"])
        elif isinstance(event, h2.events.DataReceived):
            self.responses[event.stream_id].body += event.data
            self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.TrailersReceived):
            self.responses[event.stream_id].trailers = list(event.headers)
        elif isinstance(event, h2.events.StreamEnded):
            self.responses[event.stream_id].ended = True
        elif isinstance(event, h2.events.StreamReset):
            if event.stream_id in self.responses:
                self.responses[event.stream_id].reset_code = int(event.error_code)
        elif isinstance(event, h2.events.ConnectionTerminated):
            self.terminated = event
        elif isinstance(event, h2.events.RemoteSettingsChanged):
            for code, change in event.changed_settings.items():
                self.remote_settings[int(code)] = change.new_value

    def wait(self, sid: int, timeout: float = h.IO_TIMEOUT) -> H2Response:
        deadline = time.monotonic() + timeout
        r = self.responses[sid]
        while not (r.ended or r.reset_code is not None):
            if self.terminated is not None:
                raise ConnectionError(f"GOAWAY {self.terminated.error_code}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"stream {sid}: {r!r}")
            self.pump()
        return r

    def request(self, method: str, path: str, headers=None, body: bytes | None = None, **kw) -> H2Response:
        return self.wait(self.start(method, path, headers, body, **kw))

    def settings(self, timeout: float = h.IO_TIMEOUT) -> dict[int, int]:
        deadline = time.monotonic() + timeout
        while not self.remote_settings and time.monotonic() < deadline:
            self.pump()
        return self.remote_settings


def h2_request(gw: h.Gateway, method: str, path: str, headers=None, body=None, client="alice", validate=True,
               **kw) -> H2Response:
    with H2Client(gw, client, validate=validate) as c:
        return c.request(method, path, headers, body, **kw)


# ------------------------------------------------------------------------------------------- raw frames

def frame(ftype: int, flags: int, sid: int, payload: bytes = b"") -> bytes:
    return struct.pack(">I", len(payload))[1:] + struct.pack(">BBI", ftype, flags, sid & 0x7FFFFFFF) + payload


class RawH2:
    """A hostile client: the preface and SETTINGS, then whatever frames the test writes; reads frames back."""

    def __init__(self, gw: h.Gateway, client="alice", timeout: float = h.IO_TIMEOUT, rcvbuf: int | None = None):
        if rcvbuf is None:
            self.sock = tls_socket(gw, client, ("h2",), timeout=timeout)
        else:
            # A small receive buffer: what the gateway writes while this client does not read waits in the
            # gateway's send queue, where a close without lingering (a TCP reset) destroys it.
            raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            raw.settimeout(timeout)
            raw.connect((h.LOOPBACK, gw.port()))
            self.sock = h2_context(gw.pki, client, ("h2",)).wrap_socket(raw, server_hostname=h.LOOPBACK)
        assert self.sock.selected_alpn_protocol() == "h2"
        self.encoder = hpack.Encoder()
        self.buffer = b""
        self.was_reset = False  # the gateway answered with a TCP reset (see read_frames)
        self.sock.sendall(PREFACE + frame(SETTINGS, 0, 0))
        self.frames: list[tuple[int, int, int, bytes]] = []
        self.goaway_seen_at: float | None = None

    def send(self, data: bytes) -> bool:
        """False once the gateway closed the connection."""
        try:
            self.sock.sendall(data)
            return True
        except (OSError, ssl.SSLError):
            return False

    def headers_block(self, path: str = "/prod/x", extra=()) -> bytes:
        return self.encoder.encode([(":method", "GET"), (":scheme", "https"), (":authority", "localhost"),
                                    (":path", path), *extra])

    def read_frames(self, timeout: float = 0.0) -> bool:
        """Reads what is there (waiting up to `timeout`); False on EOF."""
        self.sock.settimeout(timeout if timeout > 0 else 0.001)
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, ssl.SSLWantReadError, TimeoutError):
            return True
        except ConnectionResetError:
            self.was_reset = True
            return False
        except (OSError, ssl.SSLError):
            return False
        if not data:
            return False
        self._take(data)
        return True

    def ack_settings(self, timeout: float = 5.0) -> None:
        """Waits for the gateway's SETTINGS and acknowledges them."""
        deadline = time.monotonic() + timeout
        while not any(t == SETTINGS and not f & ACK for t, f, _, _ in self.frames):
            assert time.monotonic() < deadline, "no SETTINGS from the gateway"
            self.read_frames(0.1)
        self.send(frame(SETTINGS, ACK, 0))

    def goaway(self) -> tuple[int, int] | None:
        """(last stream id, error code) of the first GOAWAY received, if any."""
        for ftype, _, _, payload in self.frames:
            if ftype == GOAWAY:
                return int.from_bytes(payload[:4], "big") & 0x7FFFFFFF, int.from_bytes(payload[4:8], "big")
        return None

    def wait_goaway(self, timeout: float = 5.0) -> tuple[int, int] | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.goaway() is not None:
                return self.goaway()
            if not self.read_frames(0.05):
                break
        return self.goaway()

    def flood_and_watch(self, data: bytes, seconds: float, interval: float = 0.01) -> tuple[float | None, float | None]:
        """Sends `data` every `interval` and reads what comes back in between, from this one thread (an SSL socket
        must not be read and written from two threads at once), for up to `seconds`. Returns (when the gateway's
        clean end arrived, when a send first failed), as `time.monotonic()` values, None for what did not happen;
        stops once both happened. A TCP reset sets `was_reset`; the first GOAWAY's arrival is `goaway_seen_at`."""
        self.sock.setblocking(False)
        t0 = time.monotonic()
        pending = b""
        ended_at: float | None = None
        refused_at: float | None = None
        while time.monotonic() - t0 < seconds and (ended_at is None or refused_at is None):
            if refused_at is None:
                pending = pending or data
                try:
                    pending = pending[self.sock.send(pending):]
                except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError):
                    pass  # the same bytes again next time
                except (OSError, ssl.SSLError):
                    refused_at = time.monotonic()
            while ended_at is None:
                try:
                    received = self.sock.recv(65536)
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                    break
                except ConnectionResetError:
                    self.was_reset = True
                    received = b""
                except (OSError, ssl.SSLError):
                    received = b""
                if not received:
                    ended_at = time.monotonic()
                    break
                self._take(received)
            time.sleep(interval)
        return ended_at, refused_at

    def _take(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= 9:
            length = int.from_bytes(self.buffer[:3], "big")
            if len(self.buffer) < 9 + length:
                break
            ftype, flags, sid = self.buffer[3], self.buffer[4], int.from_bytes(self.buffer[5:9], "big") & 0x7FFFFFFF
            self.frames.append((ftype, flags, sid, self.buffer[9:9 + length]))
            self.buffer = self.buffer[9 + length:]
            if ftype == GOAWAY and self.goaway_seen_at is None:
                self.goaway_seen_at = time.monotonic()

    def close(self) -> None:
        self.sock.close()


# ------------------------------------------------------------------------------------------- curl, nghttp

def curl(gw: h.Gateway, path: str, *args: str, client="alice", data: bytes | None = None,
         timeout: float = 20) -> tuple[int, dict[str, str], bytes, str]:
    """`curl --http2` with the client certificate: (status, headers with lowercase names, body, http_version)."""
    c = gw.pki.client(client)
    with tempfile.NamedTemporaryFile() as body_file:
        cmd = ["curl", "-sS", "--http2", "--cacert", str(gw.pki.ca), "--cert", str(c.cert), "--key", str(c.key),
               "-D", "-", "-o", body_file.name, "-w", "\\n%{http_version}", "--max-time", str(timeout)]
        if data is not None:
            cmd += ["--data-binary", "@-"]
        cmd += list(args) + [f"https://localhost:{gw.port()}{path}"]
        proc = subprocess.run(cmd, input=data, capture_output=True, timeout=timeout + 5)
        assert proc.returncode == 0, proc.stderr.decode()
        body = open(body_file.name, "rb").read()
    text = proc.stdout.decode("latin-1")
    head, _, version = text.rpartition("\n")
    blocks = [b for b in head.split("\r\n\r\n") if b.strip()]
    lines = blocks[-1].split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, body, version.strip()


def nghttp(gw: h.Gateway, path: str, client="alice", timeout: float = 20) -> subprocess.CompletedProcess:
    c = gw.pki.client(client)
    return subprocess.run(["nghttp", "-v", f"--cert={c.cert}", f"--key={c.key}", "-t", str(timeout),
                           f"https://localhost:{gw.port()}{path}"], capture_output=True, timeout=timeout + 5)
