"""PROXY protocol v1/v2 on a listener (contract §2 proxy_protocol/trusted_proxies, §4 X-Forwarded-For)."""

import ipaddress
import socket
import ssl
import struct
import time

import pytest

import harness as h
from harness import OTHER_SOURCE

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"
# a refusal must be seen (a close or a reset) within this; a connection left hanging is not a refusal
REFUSAL_WITHIN = 2.0


def proxy_v1(src: str, dst: str = "127.0.0.1", sport: int = 40000, dport: int = 443) -> bytes:
    return f"PROXY TCP4 {src} {dst} {sport} {dport}\r\n".encode()


def proxy_v2(src: str, dst: str = "127.0.0.1", sport: int = 40000, dport: int = 443) -> bytes:
    addr = ipaddress.ip_address(src).packed + ipaddress.ip_address(dst).packed + struct.pack("!HH", sport, dport)
    return V2_SIGNATURE + bytes([0x21, 0x11]) + struct.pack("!H", len(addr)) + addr


@pytest.fixture(scope="module")
def gw(pki, upstream, start_gateway):
    cfg = h.base_config(
        pki,
        networks=[
            {"id": "vpce-remote", "vpc": "vpc-remote", "cidrs": ["10.20.0.0/16"]},
            {"id": "vpce-local", "vpc": "vpc-local", "cidrs": ["127.0.0.0/8"]},
        ],
        listeners=[
            h.https_listener(
                pki,
                allow_sources=["vpce-remote", "127.0.0.9/32"],
                proxy_protocol=True,
                trusted_proxies=["127.0.0.1/32"],
            )
        ],
        apis=[
            {
                "id": "pr0xy00001",
                "name": "proxy-protocol",
                "authorization": "NONE",
                "stages": {"prod": {}},
                "routes": [{"route": "ANY /{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")}],
            }
        ],
    )
    return start_gateway(cfg)


def via_proxy(gw, header: bytes, path: str, source=None):
    raw = h.tcp_connect(gw.port(), source=source, timeout=5)
    try:
        raw.sendall(header)
        s = h.client_context(gw.pki, "alice").wrap_socket(raw, server_hostname=h.LOOPBACK)
    except BaseException:
        raw.close()
        raise
    conn = h.RawConn.__new__(h.RawConn)
    conn.sock, conn.buf = s, b""
    try:
        conn.send(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        return conn.read_response()
    finally:
        conn.close()


def refusal(port: int, pki, header: bytes | None, path: str, source=None) -> str:
    """Sends `header` (if any), then a TLS handshake and a request for `path`; returns how the gateway refused
    ('eof', 'reset' or 'tls: REASON'). Fails the test when the request is answered, or when nothing at all
    happens within REFUSAL_WITHIN seconds (a hang holds a connection slot: it is not a refusal)."""
    raw = h.tcp_connect(port, source=source, timeout=REFUSAL_WITHIN + 1)
    start = time.monotonic()
    how = None
    try:
        try:
            if header is not None:
                raw.sendall(header)
            s = h.client_context(pki, "alice").wrap_socket(raw, server_hostname=h.LOOPBACK)
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
            data = s.recv(65536)
            assert not data, f"the gateway answered instead of refusing: {data[:200]!r}"
            how = "eof"
        except (socket.timeout, TimeoutError):
            pytest.fail(f"the connection hung for {time.monotonic() - start:.1f} s instead of being closed")
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError):
            how = "eof"
        except (ConnectionResetError, BrokenPipeError):
            how = "reset"
        except ssl.SSLError as e:
            how = f"tls: {e.reason or e}"
    finally:
        raw.close()
    elapsed = time.monotonic() - start
    assert elapsed < REFUSAL_WITHIN, f"refused ({how}) only after {elapsed:.1f} s"
    return how


def test_a_hang_is_not_counted_as_a_refusal(pki):
    """The refusal check itself: a listener that accepts and never answers must fail it."""
    with socket.socket() as silent:
        silent.bind((h.LOOPBACK, 0))
        silent.listen(4)
        with pytest.raises(pytest.fail.Exception, match="hung"):
            refusal(silent.getsockname()[1], pki, proxy_v1("10.20.30.40"), "/prod/x")


@pytest.mark.parametrize("make", [proxy_v1, proxy_v2], ids=["v1", "v2"])
def test_trusted_proxy_address_becomes_the_source(gw, upstream, make):
    m = h.marker()
    resp = via_proxy(gw, make("10.20.30.40"), f"/prod/{m}")
    assert resp.status == 200, resp
    rec = upstream.one(m)
    assert rec.headers_named("X-Forwarded-For") == ["10.20.30.40"]
    assert rec.headers_named("X-Gatehouse-Source-Vpce") == ["vpce-remote"]


@pytest.mark.parametrize("make", [proxy_v1, proxy_v2], ids=["v1", "v2"])
def test_proxied_source_outside_allow_sources_is_closed(gw, upstream, make):
    m = h.marker()
    how = refusal(gw.port(), gw.pki, make("192.168.7.7"), f"/prod/{m}")
    # closed right after the PROXY header, before any TLS: the client sees the end of the stream
    assert how in ("eof", "reset"), how
    upstream.assert_not_called(m)


@pytest.mark.parametrize("make", [proxy_v1, proxy_v2], ids=["v1", "v2"])
def test_untrusted_proxy_header_is_refused(gw, upstream, make):
    # 127.0.0.9 is an allowed source but not a trusted proxy: its PROXY header must not be believed
    m = h.marker()
    how = refusal(gw.port(), gw.pki, make("10.20.30.40"), f"/prod/{m}", source=OTHER_SOURCE)
    assert how in ("eof", "reset"), how
    upstream.assert_not_called(m)


def test_missing_proxy_header_is_refused(gw, upstream):
    # a TLS ClientHello where the PROXY header should be is an invalid header: closed at once
    m = h.marker()
    how = refusal(gw.port(), gw.pki, None, f"/prod/{m}")
    assert how in ("eof", "reset"), how
    upstream.assert_not_called(m)


@pytest.mark.parametrize(
    "header",
    [
        b"PROXY TCP4 10.20.30.40 nonsense\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        V2_SIGNATURE + b"\x31\x11\x00\x0c" + bytes(12),
    ],
    ids=["v1-malformed", "plain-http", "v2-version-3"],
)
def test_malformed_proxy_header_is_refused(gw, upstream, header):
    m = h.marker()
    how = refusal(gw.port(), gw.pki, header, f"/prod/{m}")
    assert how in ("eof", "reset"), how
    upstream.assert_not_called(m)

