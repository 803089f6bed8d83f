"""PROXY protocol v1/v2 on a listener (contract §2 proxy_protocol/trusted_proxies, §4 X-Forwarded-For)."""

import ipaddress
import socket
import ssl
import struct

import pytest

import harness as h
from harness import OTHER_SOURCE

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"
# how a connection the gateway closes before or during TLS shows up on the client side
REFUSED = (ssl.SSLError, ConnectionResetError, BrokenPipeError, EOFError, socket.timeout, TimeoutError)


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
    with pytest.raises(REFUSED):
        via_proxy(gw, make("192.168.7.7"), f"/prod/{m}")
    assert upstream.matching(m) == []


def test_untrusted_proxy_header_is_refused(gw, upstream):
    # 127.0.0.9 is an allowed source but not a trusted proxy: its PROXY header must not be believed
    m = h.marker()
    with pytest.raises(REFUSED):
        via_proxy(gw, proxy_v1("10.20.30.40"), f"/prod/{m}", source=OTHER_SOURCE)
    assert upstream.matching(m) == []


def test_missing_proxy_header_is_refused(gw, upstream):
    kind, detail = h.tls_outcome(gw, h.client_context(gw.pki, "alice"))
    assert kind != "ok", detail

