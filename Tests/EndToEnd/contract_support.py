"""Helpers for the contract tests added with issue 11 (certificates with DNS SANs, a fresh server certificate,
a NOTIFY_SOCKET the test binds itself). Loopback and local unix sockets only."""

from __future__ import annotations

import datetime as dt
import socket
import time
from pathlib import Path

import harness as h


def issue_certificate(pki: h.PKI, out: Path, name: str, *, uris=(), dns=(), ips=(), server: bool = False,
                      days: int = 10, not_after: dt.datetime | None = None) -> h.ClientCert:
    """A leaf signed by ca1 with the given SANs: EKU clientAuth, or serverAuth when `server`; valid from an hour
    ago for `days`, or until `not_after`."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ca_cert, ca_key, aki = h._ca_material(pki)
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    sans = [x509.UniformResourceIdentifier(u) for u in uris] + [x509.DNSName(d) for d in dns]
    sans += [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(not_after or now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(aki, critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    cert = builder.sign(ca_key, hashes.SHA256())
    out.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = out / f"{name}.pem", out / f"{name}-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return h.ClientCert(name, cert_path, key_path)


def peer_certificate_der(port: int, pki: h.PKI, client: str = "alice") -> bytes:
    """The DER of the certificate the gateway presents on a new handshake."""
    with h.tls_connect(port, h.client_context(pki, client)) as s:
        return s.getpeercert(binary_form=True)


class NotifySocket:
    """A NOTIFY_SOCKET bound by the test: every datagram sd_notify sends, with the time it arrived."""

    def __init__(self, path: Path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.05)
        self.received: list[tuple[float, str]] = []

    def collect(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                data = self.sock.recv(65536)
            except (socket.timeout, TimeoutError):
                continue
            self.received.append((time.monotonic(), data.decode("utf-8", "replace")))

    def wait_for(self, text: str, timeout: float = 15) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in m for _, m in self.received):
                return True
            self.collect(0.1)
        return any(text in m for _, m in self.received)

    def times_of(self, assignment: str) -> list[float]:
        return [t for t, m in self.received if assignment in m.split("\n")]

    def close(self) -> None:
        self.sock.close()


def metric_value(port: int, sample: str) -> float | None:
    """The value of one exposition line `sample` (name with its labels exactly as written) on /metrics."""
    import http.client
    import re

    conn = http.client.HTTPConnection(h.LOOPBACK, port, timeout=5)
    try:
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
    finally:
        conn.close()
    found = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.M)
    return float(found.group(1)) if found else None
