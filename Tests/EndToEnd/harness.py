"""Shared machinery for Gatehouse's end-to-end tests.

Everything here talks to the real `gatehouse` binary over real sockets on loopback only:
a development PKI made with `gatehouse certs init` (plus a few deliberately bad certificates made
with `cryptography`), a recording upstream HTTP server, a gateway process started from a YAML
config, TLS clients (http.client, raw sockets, curl) and AWS SigV4/SigV4a signers (botocore, awscrt,
and a small hand-written signer for requests botocore refuses to produce).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import http.client
import http.server
import json
import os
import re
import select
import signal
import socket
import socketserver
import ssl
import struct
import subprocess
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock as umock

import yaml

# botocore.auth must be imported before botocore.crt.auth.
import botocore.auth  # noqa: E402
import botocore.crt.auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.utils import normalize_url_path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / ".build" / "debug" / "gatehouse"
REGION = "us-east-1"
ACCOUNT = "123456789012"
SERVICE = "execute-api"
LOOPBACK = "127.0.0.1"
OTHER_SOURCE = "127.0.0.9"  # a second loopback source address (bind before connect)
IO_TIMEOUT = 10.0

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)

MSG_NOT_FOUND = "Not Found"
MSG_MISSING_TOKEN = "Missing Authentication Token"
MSG_UNRECOGNIZED = "The security token included in the request is invalid."
MSG_BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details."
)
MSG_TOO_LONG = "Request Too Long"
MSG_BAD_GATEWAY = "Bad Gateway"
MSG_TIMEOUT = "Endpoint request timed out"


# --------------------------------------------------------------------------------------------------
# processes and ports


def free_port() -> int:
    """A TCP port the OS just handed out on loopback (closed again; tiny race accepted)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def run_cli(*args, env: dict | None = None, timeout: float = 60, cwd: Path | None = None):
    """Runs `gatehouse ARGS...` and returns the CompletedProcess (text mode)."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run(
        [str(BINARY), *[str(a) for a in args]],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        cwd=cwd,
    )


# --------------------------------------------------------------------------------------------------
# PKI


@dataclass
class ClientCert:
    name: str
    cert: Path
    key: Path

    @property
    def der(self) -> bytes:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        c = x509.load_pem_x509_certificate(self.cert.read_bytes())
        return c.public_bytes(serialization.Encoding.DER)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.der).hexdigest()


@dataclass
class PKI:
    """A development PKI: `ca1` made by `gatehouse certs init`, `ca2` a second, unrelated CA."""

    dir: Path
    ca: Path
    ca_key: Path
    server: Path
    server_key: Path
    crl: Path
    other_ca: Path
    clients: dict[str, ClientCert] = field(default_factory=dict)

    def client(self, name: str) -> ClientCert:
        return self.clients[name]


# name -> URI SAN (None = no URI SAN) for the clients `certs init` makes in ca1.
CA1_CLIENTS = {
    "alice": "spiffe://demo.internal/alice",
    "bob": "spiffe://demo.internal/bob",
    "dave": None,
    "mallory": "spiffe://other.internal/mallory",
}


def make_pki(base: Path) -> PKI:
    base.mkdir(parents=True, exist_ok=True)
    ca1 = base / "ca1"
    args = ["certs", "init", "--out", ca1, "--server-name", "gatehouse.test"]
    for name, uri in CA1_CLIENTS.items():
        args += ["--client", f"{name}={uri}" if uri else name]
    out = run_cli(*args)
    assert out.returncode == 0, f"gatehouse certs init failed ({out.returncode}): {out.stderr}"
    ca2 = base / "ca2"
    out = run_cli("certs", "init", "--out", ca2, "--client", "eve=spiffe://demo.internal/eve")
    assert out.returncode == 0, f"gatehouse certs init (second CA) failed ({out.returncode}): {out.stderr}"

    pki = PKI(
        dir=base,
        ca=ca1 / "ca.pem",
        ca_key=ca1 / "ca-key.pem",
        server=ca1 / "server.pem",
        server_key=ca1 / "server-key.pem",
        crl=base / "revoked.crl.pem",
        other_ca=ca2 / "ca.pem",
    )
    for name in CA1_CLIENTS:
        pki.clients[name] = ClientCert(name, ca1 / "clients" / f"{name}.pem", ca1 / "clients" / f"{name}-key.pem")
    pki.clients["eve"] = ClientCert("eve", ca2 / "clients" / "eve.pem", ca2 / "clients" / "eve-key.pem")

    now = dt.datetime.now(dt.timezone.utc)
    extra = base / "extra"
    extra.mkdir(exist_ok=True)
    day = dt.timedelta(days=1)
    pki.clients["expired"] = _issue(pki, extra, "expired", "spiffe://demo.internal/expired", now - 10 * day, now - day)
    pki.clients["notyet"] = _issue(pki, extra, "notyet", "spiffe://demo.internal/notyet", now + day, now + 10 * day)
    pki.clients["serverauth"] = _issue(
        pki, extra, "serverauth", "spiffe://demo.internal/serverauth", now - day, now + 10 * day, eku="server"
    )
    revoked = _issue(pki, extra, "revoked", "spiffe://demo.internal/revoked", now - day, now + 10 * day)
    pki.clients["revoked"] = revoked
    _write_crl(pki, [revoked])
    return pki


def _ca_material(pki: PKI):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    ca_cert = x509.load_pem_x509_certificate(pki.ca.read_bytes())
    ca_key = serialization.load_pem_private_key(pki.ca_key.read_bytes(), password=None)
    try:
        ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        aki = x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)
    except x509.ExtensionNotFound:
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key())
    return ca_cert, ca_key, aki


def _issue(pki: PKI, out: Path, name: str, uri: str | None, not_before, not_after, eku: str = "client") -> ClientCert:
    """Signs a client certificate with ca1's key (for the expired / not-yet-valid / revoked / wrong-EKU cases)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ca_cert, ca_key, aki = _ca_material(pki)
    key = ec.generate_private_key(ec.SECP256R1())
    usage = ExtendedKeyUsageOID.CLIENT_AUTH if eku == "client" else ExtendedKeyUsageOID.SERVER_AUTH
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(aki, critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if uri:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.UniformResourceIdentifier(uri)]), critical=False
        )
    cert = builder.sign(ca_key, hashes.SHA256())
    cert_path = out / f"{name}.pem"
    key_path = out / f"{name}-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return ClientCert(name, cert_path, key_path)


def _write_crl(pki: PKI, revoked: list[ClientCert]) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    ca_cert, ca_key, aki = _ca_material(pki)
    now = dt.datetime.now(dt.timezone.utc)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - dt.timedelta(hours=1))
        .next_update(now + dt.timedelta(days=7))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(aki, critical=False)
    )
    for c in revoked:
        serial = x509.load_pem_x509_certificate(c.cert.read_bytes()).serial_number
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(now - dt.timedelta(minutes=30))
            .build()
        )
    crl = builder.sign(ca_key, hashes.SHA256())
    pki.crl.write_bytes(crl.public_bytes(serialization.Encoding.PEM))


# --------------------------------------------------------------------------------------------------
# upstream


def pattern_bytes(n: int) -> bytes:
    """Deterministic, non-repeating-looking payload of n bytes (so corruption and reordering show)."""
    out = bytearray()
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(counter.to_bytes(8, "big")).digest()
        counter += 1
    return bytes(out[:n])


@dataclass
class Recorded:
    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = self.headers_named(name)
        return values[0] if values else None

    def headers_named(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def has(self, name: str) -> bool:
        return bool(self.headers_named(name))


class _UpstreamHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "e2e-upstream"

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    def _read_body(self) -> bytes:
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            body = bytearray()
            while True:
                line = self.rfile.readline()
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(body)
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self):
        body = self._read_body()
        rec = Recorded(self.command, self.path, list(self.headers.items()), body)
        self.server.upstream.record(rec)
        path = urllib.parse.urlsplit(self.path).path
        segs = [s for s in path.split("/") if s]

        if "reset" in segs:
            with contextlib.suppress(OSError):
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if "slow" in segs:
            i = segs.index("slow")
            ms = int(segs[i + 1]) if i + 1 < len(segs) and segs[i + 1].isdigit() else 3000
            time.sleep(ms / 1000)
        if "stream" in segs:
            i = segs.index("stream")
            n = int(segs[i + 1])
            data = pattern_bytes(n)
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if self.command == "HEAD":
                return
            for off in range(0, n, 65536):
                chunk = data[off : off + 65536]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
            return
        if "names-length-in-connection" in segs:  # an upstream that makes its own Content-Length hop-by-hop
            data = b"length named in Connection"
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "Content-Length")
            self.end_headers()
            self.wfile.write(data)
            return
        if "bytes" in segs:
            i = segs.index("bytes")
            data = pattern_bytes(int(segs[i + 1]))
            self._send(200, data, "application/octet-stream")
            return
        status = 200
        if "status" in segs:
            i = segs.index("status")
            status = int(segs[i + 1])
        echo = {
            "method": self.command,
            "path": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body_len": len(body),
            "body_sha256": hashlib.sha256(body).hexdigest(),
            "body": body.decode("utf-8", "replace") if len(body) <= 65536 else None,
        }
        self._send(status, json.dumps(echo).encode(), "application/json")

    def _send(self, status: int, data: bytes, ctype: str):
        self.send_response(status)
        self.send_header("X-Upstream", "e2e")
        if status in (204, 304):  # no body, and (204) no Content-Length (RFC 9110 §8.6)
            self.end_headers()
            return
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve


class _TCPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class Upstream:
    """A real HTTP/1.1 server in a thread that records every request and answers a JSON echo.

    Paths: `.../slow/MS` sleeps, `.../stream/N` streams N bytes chunked, `.../bytes/N` sends N bytes,
    `.../status/CODE` answers CODE, `.../reset` resets the connection; anything else echoes.
    """

    def __init__(self, unix_path: Path | None = None):
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        if unix_path is not None:
            self.server = _UnixServer(str(unix_path), _UpstreamHandler)
            self.port = None
            self.unix_path = unix_path
        else:
            self.server = _TCPServer((LOOPBACK, 0), _UpstreamHandler)
            self.port = self.server.server_address[1]
            self.unix_path = None
        self.server.upstream = self
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def record(self, rec: Recorded) -> None:
        with self._lock:
            self.requests.append(rec)

    def matching(self, needle: str) -> list[Recorded]:
        """Recorded requests whose path contains needle."""
        with self._lock:
            return [r for r in self.requests if needle in r.path]

    def one(self, needle: str) -> Recorded:
        found = self.matching(needle)
        assert len(found) == 1, f"expected exactly one upstream request containing {needle!r}, got {len(found)}"
        return found[0]

    def assert_not_called(self, needle: str, settle: float = 0.3) -> None:
        """No request containing needle reached this upstream — checked again `settle` seconds after the gateway
        answered, so a gateway that forwards a request while (or after) refusing it is caught too."""
        found = self.matching(needle)
        if not found:
            time.sleep(settle)
            found = self.matching(needle)
        assert not found, f"the upstream was called for {needle!r}: {found[0].method} {found[0].path}"

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def marker() -> str:
    """A unique path segment so a test can find its own request among the upstream's records."""
    return "m" + uuid.uuid4().hex[:12]


# --------------------------------------------------------------------------------------------------
# identities and config


@dataclass
class Identity:
    access_key: str
    secret: str
    principal: str
    token: str | None = None
    tags: dict | None = None
    via_env: str | None = None  # name of the env var holding the secret (else a secret file)

    @property
    def creds(self) -> Credentials:
        return Credentials(self.access_key, self.secret, self.token)


ALICE = Identity(
    "AKIDALICE0000000001",
    "alice/Secret+Key0123456789abcdefghijklmnopq",
    f"arn:aws:iam::{ACCOUNT}:user/alice",
    tags={"team": "payments"},
)
BOB = Identity(
    "AKIDBOB000000000002",
    "bob/Secret+Key0123456789abcdefghijklmnopqrs",
    f"arn:aws:iam::{ACCOUNT}:user/bob",
    tags={"team": "search"},
    via_env="GATEHOUSE_E2E_BOB_SECRET",
)
WORKER = Identity(
    "ASIAWORKER000000003",
    "worker/Secret+Key0123456789abcdefghijklmno",
    f"arn:aws:iam::{ACCOUNT}:role/worker",
    token="FQoGZXIvYXdzEXAMPLEsessionTOKEN/with+slash=",
)
IDENTITIES = [ALICE, BOB, WORKER]


def identities_config() -> list[dict]:
    out = []
    for ident in IDENTITIES:
        d = {"access_key_id": ident.access_key, "principal": ident.principal}
        if ident.via_env:
            d["secret_access_key_env"] = ident.via_env
        else:
            d["secret_access_key_file"] = f"secrets/{ident.access_key}.secret"
        if ident.token:
            d["session_token"] = ident.token
        if ident.tags:
            d["tags"] = ident.tags
        out.append(d)
    return out


def tls_block(pki: PKI, **over) -> dict:
    d = {"certificate": str(pki.server), "private_key": str(pki.server_key), "client_ca": str(pki.ca)}
    d.update(over)
    return d


def https_listener(pki: PKI, name: str = "https", allow_sources=("vpce-local",), tls: dict | None = None, **over):
    d = {
        "name": name,
        "bind": f"{LOOPBACK}:{free_port()}",
        "tls": tls if tls is not None else tls_block(pki),
        "allow_sources": list(allow_sources),
    }
    d.update(over)
    return d


def base_config(pki: PKI, *, apis: list, listeners: list | None = None, networks: list | None = None, **extra):
    cfg = {
        "region": REGION,
        "account_id": ACCOUNT,
        "log_target": "stderr",
        "max_clock_skew": 300,
        "drain_timeout": 1,
        "listeners": listeners if listeners is not None else [https_listener(pki)],
        "networks": networks
        if networks is not None
        else [{"id": "vpce-local", "vpc": "vpc-local", "cidrs": ["127.0.0.0/8", "::1/128"]}],
        "identities": identities_config(),
        "apis": apis,
    }
    cfg.update(extra)
    return cfg


def proxy(uri: str, **over) -> dict:
    d = {"type": "HTTP_PROXY", "uri": uri}
    d.update(over)
    return d


def mock(status: int = 200, body: str = "", headers: dict | None = None) -> dict:
    return {
        "type": "MOCK",
        "status": status,
        "headers": headers if headers is not None else {"content-type": "application/json"},
        "body": body,
    }


# --------------------------------------------------------------------------------------------------
# the gateway process

ACTIVE_GATEWAYS: list["Gateway"] = []


class Gateway:
    """`gatehouse serve --config FILE` as a subprocess, with its config, secrets and stderr in workdir."""

    def __init__(self, workdir: Path, config: dict, pki: PKI, env: dict | None = None, files: dict | None = None):
        self.workdir = workdir
        self.pki = pki
        self.config = config
        self.env = env or {}
        self.files = files or {}
        self.proc: subprocess.Popen | None = None
        self.config_path = workdir / "gatehouse.yaml"
        self.stderr_path = workdir / "gatehouse.stderr"

    def port(self, listener: str = "https") -> int:
        for lst in self.config["listeners"]:
            if lst["name"] == listener:
                return int(str(lst["bind"]).rsplit(":", 1)[1])
        raise KeyError(listener)

    def write_files(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        secrets = self.workdir / "secrets"
        secrets.mkdir(exist_ok=True)
        for ident in IDENTITIES:
            if not ident.via_env:
                p = secrets / f"{ident.access_key}.secret"
                p.write_text(ident.secret)
                p.chmod(0o600)
        for rel, content in self.files.items():
            p = self.workdir / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
        self.config_path.write_text(yaml.safe_dump(self.config, sort_keys=False))

    def process_env(self) -> dict:
        env = dict(os.environ)
        env.pop("JOURNAL_STREAM", None)
        env.pop("LISTEN_FDS", None)
        env.pop("LISTEN_PID", None)
        env.pop("NOTIFY_SOCKET", None)
        for ident in IDENTITIES:
            if ident.via_env:
                env[ident.via_env] = ident.secret
        env.update(self.env)
        return env

    def start(self, timeout: float = 30.0) -> "Gateway":
        self.write_files()
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [str(BINARY), "serve", "--config", str(self.config_path)],
            stdout=self._stderr,
            stderr=self._stderr,
            stdin=subprocess.DEVNULL,
            env=self.process_env(),
            cwd=self.workdir,
        )
        ACTIVE_GATEWAYS.append(self)
        deadline = time.monotonic() + timeout
        pending = [self.port(lst["name"]) for lst in self.config["listeners"] if not lst.get("admin")]
        # admin listeners on TCP too: a test that scrapes /metrics at once must not race their bind (a plain
        # connect there is not a data connection and counts nowhere)
        pending += [self.port(lst["name"]) for lst in self.config["listeners"]
                    if lst.get("admin") and str(lst.get("bind", "")).rsplit(":", 1)[-1].isdigit()]
        while pending:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"gatehouse serve exited with {self.proc.returncode} before listening:\n{self.stderr_text()}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gatehouse serve did not listen on {pending} within {timeout}s:\n{self.stderr_text()}")
            try:
                with socket.create_connection((LOOPBACK, pending[0]), timeout=1):
                    pending.pop(0)
            except OSError:
                time.sleep(0.05)
        return self

    def stderr_text(self, tail: int = 8000) -> str:
        try:
            return self.stderr_path.read_bytes()[-tail:].decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc:
            terminate(self.proc)
        if self in ACTIVE_GATEWAYS:
            ACTIVE_GATEWAYS.remove(self)
        with contextlib.suppress(Exception):
            self._stderr.close()


# --------------------------------------------------------------------------------------------------
# TLS clients

_CTX_CACHE: dict = {}


def terminate(proc: subprocess.Popen, timeout: float = 10) -> int:
    """SIGTERM, then SIGKILL if the process has not exited within `timeout`; returns its exit status."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    return proc.returncode


def read_until_eof(sock) -> bytes:
    """Everything the peer sends until it closes the connection."""
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def admin_listener(name: str = "admin") -> dict:
    """An admin listener (/metrics, /healthz, /readyz) on a free loopback port."""
    return {"name": name, "admin": True, "bind": f"127.0.0.1:{free_port()}"}


def admin_config(pki: PKI, upstream_url: str, *, api_id: str, name: str, ping_body: str = '{"pong":true}',
                 **extra) -> dict:
    """A gateway with an admin listener and one AWS_IAM API: `GET /ping` (NONE, MOCK answering `ping_body`),
    `GET /open/{proxy+}` (NONE, proxied) and `ANY /{proxy+}` (signed, proxied). 127.0.0.0/29 admits 127.0.0.1
    but not OTHER_SOURCE (127.0.0.9)."""
    return base_config(
        pki,
        listeners=[https_listener(pki, allow_sources=["127.0.0.0/29"]), admin_listener()],
        apis=[
            {
                "id": api_id,
                "name": name,
                "authorization": "AWS_IAM",
                "stages": {"prod": {}},
                "routes": [
                    {"route": "GET /ping", "authorization": "NONE", "integration": mock(200, ping_body)},
                    {"route": "GET /open/{proxy+}", "authorization": "NONE",
                     "integration": proxy(upstream_url + "/open/{proxy}")},
                    {"route": "ANY /{proxy+}", "integration": proxy(upstream_url + "/{proxy}")},
                ],
            }
        ],
        **extra,
    )


def client_context(
    pki: PKI,
    client: str | None = "alice",
    *,
    min_tls: ssl.TLSVersion | None = None,
    max_tls: ssl.TLSVersion | None = None,
    ciphers: str | None = None,
) -> ssl.SSLContext:
    """Client SSLContext trusting ca1, presenting `client`'s certificate (None = no certificate)."""
    key = (id(pki), client, min_tls, max_tls, ciphers)
    if key in _CTX_CACHE:
        return _CTX_CACHE[key]
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(pki.ca))
    ctx.check_hostname = True
    if client is not None:
        c = pki.client(client)
        ctx.load_cert_chain(str(c.cert), str(c.key))
    if min_tls:
        ctx.minimum_version = min_tls
    if max_tls:
        ctx.maximum_version = max_tls
    if ciphers:
        ctx.set_ciphers(ciphers)
    _CTX_CACHE[key] = ctx
    return ctx


def tcp_connect(port: int, source: str | None = None, timeout: float = IO_TIMEOUT) -> socket.socket:
    """A plain TCP connection to 127.0.0.1:port, bound to `source` first when given."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source:
        s.bind((source, 0))
    s.connect((LOOPBACK, port))
    return s


def tls_connect(port: int, ctx: ssl.SSLContext, source: str | None = None, timeout: float = IO_TIMEOUT):
    s = tcp_connect(port, source, timeout)
    try:
        return ctx.wrap_socket(s, server_hostname=LOOPBACK)
    except BaseException:
        s.close()
        raise


class GatewayAnswer:
    """What every gateway answer is read for, over HTTP/1.1 (`Response`) or HTTP/2 (`http2_support.H2Response`):
    subclasses provide `header(name)` (case-insensitive) and `body`."""

    body: bytes

    def header(self, name: str) -> str | None:
        raise NotImplementedError

    def json(self):
        return json.loads(self.body)

    @property
    def request_id(self) -> str | None:
        return self.header("x-amzn-RequestId")

    @property
    def error_type(self) -> str | None:
        return self.header("x-amzn-ErrorType")

    @property
    def message(self) -> str | None:
        try:
            return self.json().get("message")
        except Exception:
            return None


@dataclass
class Response(GatewayAnswer):
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    version: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        values = self.headers_named(name)
        return values[0] if values else None

    def headers_named(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def __repr__(self) -> str:
        return f"<Response {self.status} {self.headers!r} {self.body[:400]!r}>"


def _as_pairs(headers) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, dict):
        return list(headers.items())
    return list(headers)


def request(
    gw: Gateway,
    method: str,
    path: str,
    *,
    headers=None,
    body: bytes | None = None,
    host: str | None = "localhost",
    ctx: ssl.SSLContext | None = None,
    pki: PKI | None = None,
    client: str | None = "alice",
    source: str | None = None,
    listener: str = "https",
    timeout: float = IO_TIMEOUT,
) -> Response:
    """One HTTPS request on a fresh connection with exactly the given headers (plus Host, Content-Length)."""
    if ctx is None:
        ctx = client_context(pki or gw.pki, client)
    conn = http.client.HTTPSConnection(
        LOOPBACK, gw.port(listener), context=ctx, timeout=timeout, source_address=(source, 0) if source else None
    )
    try:
        return send_on(conn, method, path, headers=headers, body=body, host=host)
    finally:
        conn.close()


def send_on(conn: http.client.HTTPConnection, method: str, path: str, *, headers=None, body=None, host="localhost"):
    pairs = _as_pairs(headers)
    names = {k.lower() for k, _ in pairs}
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    if host is not None and "host" not in names:
        conn.putheader("Host", host)
    for k, v in pairs:
        conn.putheader(k, v)
    if body is not None and "content-length" not in names and "transfer-encoding" not in names:
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body)
    resp = conn.getresponse()
    data = resp.read()
    return Response(resp.status, resp.reason, resp.getheaders(), data, "HTTP/1.1" if resp.version == 11 else "HTTP/1.0")


def https_connection(gw: Gateway, client: str | None = "alice", source: str | None = None, listener="https"):
    return http.client.HTTPSConnection(
        LOOPBACK,
        gw.port(listener),
        context=client_context(gw.pki, client),
        timeout=IO_TIMEOUT,
        source_address=(source, 0) if source else None,
    )


class RawConn:
    """A TLS connection on which the test writes bytes verbatim and parses responses itself."""

    def __init__(self, gw: Gateway, *, client: str | None = "alice", source=None, listener="https", ctx=None,
                 timeout: float = IO_TIMEOUT):
        self.sock = tls_connect(gw.port(listener), ctx or client_context(gw.pki, client), source, timeout)
        self.buf = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> bool:
        data = self.sock.recv(65536)
        if not data:
            return False
        self.buf += data
        return True

    def _read_line(self) -> bytes:
        while b"\r\n" not in self.buf:
            if not self._fill():
                raise EOFError("connection closed while reading a line")
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _read_exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self._fill():
                raise EOFError("connection closed inside a body")
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_response(self, head: bool = False) -> Response:
        status_line = self._read_line().decode("latin-1")
        version, status, *reason = status_line.split(" ", 2)
        headers = []
        while True:
            line = self._read_line()
            if not line:
                break
            k, _, v = line.decode("latin-1").partition(":")
            headers.append((k.strip(), v.strip()))
        resp = Response(int(status), reason[0] if reason else "", headers, b"", version)
        code = int(status)
        if head or code in (204, 304) or 100 <= code < 200:
            return resp
        te = (resp.header("transfer-encoding") or "").lower()
        if "chunked" in te:
            body = b""
            while True:
                size = int(self._read_line().split(b";")[0], 16)
                if size == 0:
                    while self._read_line():
                        pass
                    break
                body += self._read_exact(size)
                self._read_line()
            resp.body = body
        elif resp.header("content-length") is not None:
            resp.body = self._read_exact(int(resp.header("content-length")))
        else:
            while self._fill():
                pass
            resp.body, self.buf = self.buf, b""
        return resp

    def read_until_closed(self, timeout: float = IO_TIMEOUT) -> tuple[str, bytes]:
        """Reads until the peer closes: ('close_notify'|'eof'|'reset'|'timeout', extra bytes)."""
        self.sock.settimeout(timeout)
        extra = self.buf
        self.buf = b""
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return "close_notify", extra
                extra += data
        except ssl.SSLEOFError:
            return "eof", extra
        except (ConnectionResetError, BrokenPipeError):
            return "reset", extra
        except (socket.timeout, TimeoutError):
            return "timeout", extra
        except ssl.SSLError as e:
            return f"ssl:{e.reason}", extra

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()

    def __enter__(self) -> "RawConn":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def raw_head(method: str, path: str, *headers: str, version: str = "HTTP/1.1") -> bytes:
    """A request head written verbatim (with `Host: localhost`), for `RawConn.send`."""
    lines = [f"{method} {path} {version}", "Host: localhost", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def tls_outcome(gw: Gateway, ctx: ssl.SSLContext, *, source=None, listener="https", path="/prod/ping"):
    """Handshake, send one request, read the answer. Returns ('ok', Response) or (failure kind, detail):
    'alert' (a TLS alert arrived; detail is its reason), 'eof' (closed without one), 'reset' or 'timeout'.

    With TLS 1.3 the client finishes its handshake before the server has judged the client certificate,
    so a rejection shows up as an alert on the first read; with TLS 1.2 it shows up in do_handshake.
    """
    try:
        s = tls_connect(gw.port(listener), ctx, source)
    except ssl.SSLEOFError as e:  # closed without an alert (e.g. before the handshake): not an alert
        return "eof", str(e)
    except ssl.SSLError as e:
        return "alert", f"{e.reason or e}"
    except (ConnectionResetError, BrokenPipeError) as e:
        return "reset", str(e)
    conn = RawConn.__new__(RawConn)
    conn.sock, conn.buf = s, b""
    try:
        # TLS 1.3: give the server a moment to judge our certificate before we write, so its alert is
        # read as an alert rather than lost to a reset caused by our request hitting a closed socket.
        s.settimeout(1.0)
        try:
            early = s.recv(65536)
            if not early:
                return "eof", "closed right after the handshake"
            conn.buf = early
        except (socket.timeout, TimeoutError):
            pass
        s.settimeout(IO_TIMEOUT)
        conn.send(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        return "ok", conn.read_response()
    except ssl.SSLEOFError as e:
        return "eof", str(e)
    except ssl.SSLError as e:
        return "alert", f"{e.reason or e}"
    except (ConnectionResetError, BrokenPipeError) as e:
        return "reset", str(e)
    except EOFError as e:
        return "eof", str(e)
    except (socket.timeout, TimeoutError) as e:
        return "timeout", str(e)
    finally:
        conn.close()


def client_hello_bytes() -> bytes:
    """The bytes of a real TLS ClientHello (for probing whether a server answers with a ServerHello)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
    with contextlib.suppress(ssl.SSLWantReadError):
        obj.do_handshake()
    return outgoing.read()


def send_while_reading(
    sock: ssl.SSLSocket, head: bytes, total_body: int, deadline_s: float = 15.0, chunk: bytes = b"x" * 16384
):
    """Sends `head` then keeps sending body bytes (up to total_body) while reading whatever the server answers.

    Single-threaded non-blocking I/O so one SSL object is never used from two threads. Returns
    (response bytes received, body bytes sent, how the send side ended).
    """
    sock.sendall(head)
    sock.setblocking(False)
    sent = 0
    received = b""
    send_state = "sending"
    deadline = time.monotonic() + deadline_s
    try:
        while time.monotonic() < deadline:
            want_write = send_state == "sending" and sent < total_body
            r, w, _ = select.select([sock], [sock] if want_write else [], [], 0.2)
            if r or sock.pending():
                try:
                    data = sock.recv(65536)
                    if not data:
                        break
                    received += data
                    if _response_complete(received):
                        break
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    pass
                except (ConnectionResetError, ssl.SSLError, OSError):
                    break
            if w and want_write:
                try:
                    n = sock.send(chunk)
                    sent += n
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    pass
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
                    send_state = "peer closed"
            if sent >= total_body and send_state == "sending":
                send_state = "done"
    finally:
        sock.setblocking(True)
        sock.settimeout(IO_TIMEOUT)
    return received, sent, send_state


def _response_complete(data: bytes) -> bool:
    if b"\r\n\r\n" not in data:
        return False
    head, body = data.split(b"\r\n\r\n", 1)
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return m is not None and len(body) >= int(m.group(1))


def parse_response_bytes(data: bytes) -> Response:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    version, status, *reason = lines[0].split(" ", 2)
    headers = []
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers.append((k.strip(), v.strip()))
    return Response(int(status), reason[0] if reason else "", headers, body, version)


# --------------------------------------------------------------------------------------------------
# SigV4 signing


@contextlib.contextmanager
def frozen_clock(when: dt.datetime | None):
    """Makes botocore (and its CRT signers) sign as if the time were `when` (UTC)."""
    if when is None:
        yield
        return
    aware = when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)

    def fake(remove_tzinfo=True):
        return aware.replace(tzinfo=None) if remove_tzinfo else aware

    with umock.patch.object(botocore.auth, "get_current_datetime", fake), umock.patch.object(
        botocore.crt.auth, "get_current_datetime", fake
    ):
        yield


def sign(
    method: str,
    host: str,
    target: str,
    *,
    identity: Identity | None = None,
    creds: Credentials | None = None,
    headers=None,
    body: bytes = b"",
    mode: str = "header",
    region: str = REGION,
    when: dt.datetime | None = None,
    expires: int = 3600,
) -> tuple[str, list[tuple[str, str]]]:
    """Signs a request with botocore and returns (request target to send, headers to send incl. Host).

    `target` is the path (percent-encoded as it goes on the wire) plus optional query.
    modes: header (SigV4Auth), query (SigV4QueryAuth), v4a (CrtSigV4AsymAuth; `region` is the region set),
    v4a-query (CrtSigV4AsymQueryAuth).
    """
    creds = creds or identity.creds
    hdrs = dict(_as_pairs(headers))
    hdrs.setdefault("Host", host)
    req = AWSRequest(method=method, url=f"https://{host}{target}", data=body, headers=hdrs)
    if mode == "header":
        signer = botocore.auth.SigV4Auth(creds, SERVICE, region)
    elif mode == "query":
        signer = botocore.auth.SigV4QueryAuth(creds, SERVICE, region, expires=expires)
    elif mode == "v4a":
        signer = botocore.crt.auth.CrtSigV4AsymAuth(creds, SERVICE, region)
    elif mode == "v4a-query":
        signer = botocore.crt.auth.CrtSigV4AsymQueryAuth(creds, SERVICE, region, expires=expires)
    else:
        raise ValueError(mode)
    with frozen_clock(when):
        signer.add_auth(req)
    parts = urllib.parse.urlsplit(req.url)
    out_target = parts.path + (f"?{parts.query}" if parts.query else "")
    return out_target, [(k, v) for k, v in req.headers.items()]


def amz_date(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def manual_sign(
    method: str,
    host: str,
    path: str,
    query: str = "",
    *,
    identity: Identity,
    headers=None,
    body: bytes = b"",
    when: dt.datetime | None = None,
    signed: list[str] | None = None,
    use_date_header: bool = False,
    payload_hash: str | None = None,
    region: str = REGION,
    service: str = SERVICE,
) -> list[tuple[str, str]]:
    """A small independent SigV4 signer for requests botocore will not produce (Date header, host unsigned, ...).

    Returns the full header list to send (Host first). `signed` lists the header names to sign
    (default: every header given plus host and the date header).
    """
    when = when or dt.datetime.now(dt.timezone.utc)
    stamp = amz_date(when)
    hdrs = [("Host", host)] + _as_pairs(headers)
    if use_date_header:
        hdrs.append(("Date", when.astimezone(dt.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")))
    else:
        hdrs.append(("X-Amz-Date", stamp))
    if identity.token:
        hdrs.append(("X-Amz-Security-Token", identity.token))
    names = [n.lower() for n in signed] if signed is not None else sorted({k.lower() for k, _ in hdrs})
    names = sorted(set(names))
    canon_headers = ""
    for n in names:
        vals = [" ".join(v.split()) for k, v in hdrs if k.lower() == n]
        canon_headers += f"{n}:{','.join(vals)}\n"
    canon_uri = urllib.parse.quote(normalize_url_path(path), safe="/~")
    pairs = []
    if query:
        for p in query.split("&"):
            k, _, v = p.partition("=")
            pairs.append((k, v))
    canon_query = "&".join(f"{k}={v}" for k, v in sorted(pairs))
    phash = payload_hash or hashlib.sha256(body).hexdigest()
    creq = "\n".join([method, canon_uri, canon_query, canon_headers, ";".join(names), phash])
    scope = f"{stamp[:8]}/{region}/{service}/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + identity.secret).encode()
    for part in (stamp[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    hdrs.append(
        (
            "Authorization",
            f"AWS4-HMAC-SHA256 Credential={identity.access_key}/{scope}, SignedHeaders={';'.join(names)}, "
            f"Signature={sig}",
        )
    )
    return hdrs


# --------------------------------------------------------------------------------------------------
# curl


def curl(
    gw: Gateway,
    path: str,
    *,
    method: str | None = None,
    data: bytes | None = None,
    client: str = "alice",
    identity: Identity | None = None,
    extra: list[str] | None = None,
    tmp: Path,
) -> Response:
    """Runs curl against the gateway with mTLS (and --aws-sigv4 when identity is given)."""
    port = gw.port()
    c = gw.pki.client(client)
    hdr_file = tmp / f"curl-{uuid.uuid4().hex}.headers"
    body_file = tmp / f"curl-{uuid.uuid4().hex}.body"
    args = [
        "curl", "-sS", "--max-time", "20",
        "--resolve", f"localhost:{port}:{LOOPBACK}",
        "--cacert", str(gw.pki.ca), "--cert", str(c.cert), "--key", str(c.key),
        "-D", str(hdr_file), "-o", str(body_file),
    ]
    if identity is not None:
        args += ["--aws-sigv4", f"aws:amz:{REGION}:{SERVICE}", "--user", f"{identity.access_key}:{identity.secret}"]
    if method:
        args += ["-X", method]
    if data is not None:
        data_file = tmp / f"curl-{uuid.uuid4().hex}.data"
        data_file.write_bytes(data)
        args += ["--data-binary", f"@{data_file}", "-H", "Content-Type: application/octet-stream"]
    args += extra or []
    args.append(f"https://localhost:{port}{path}")
    out = subprocess.run(args, capture_output=True, timeout=30)
    assert out.returncode == 0, f"curl failed ({out.returncode}): {out.stderr.decode(errors='replace')}"
    raw = hdr_file.read_bytes().decode("latin-1")
    # the last header block is the final response
    block = [b for b in raw.split("\r\n\r\n") if b.strip()][-1]
    lines = block.split("\r\n")
    version, status, *reason = lines[0].split(" ", 2)
    headers = []
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers.append((k.strip(), v.strip()))
    return Response(int(status), reason[0] if reason else "", headers, body_file.read_bytes(), version)


# --------------------------------------------------------------------------------------------------
# assertions


def assert_error(resp: Response, status: int, error_type: str, message: str | None = None, prefix: str | None = None):
    """Checks a contract error response: status, JSON body {"message"}, content-type, x-amzn-ErrorType."""
    assert resp.status == status, f"expected {status} {error_type}, got {resp!r}"
    assert resp.error_type == error_type, f"x-amzn-ErrorType: expected {error_type}, got {resp!r}"
    ctype = (resp.header("content-type") or "").split(";")[0].strip().lower()
    assert ctype == "application/json", f"content-type: {resp!r}"
    body = resp.json()
    assert isinstance(body, dict) and isinstance(body.get("message"), str), f"body: {resp.body!r}"
    if message is not None:
        assert body["message"] == message, f"message: {body['message']!r} != {message!r}"
    if prefix is not None:
        assert body["message"].startswith(prefix), f"message: {body['message']!r} does not start with {prefix!r}"
    assert_request_id(resp)


def assert_request_id(resp: Response) -> str:
    rid = resp.request_id
    assert rid is not None and UUID_RE.match(rid), f"x-amzn-RequestId missing or not a UUID: {resp!r}"
    return rid


# One KEY=value field of a stderr access line; a value may be a quoted string with escapes.
ACCESS_TOKEN_RE = re.compile(r'[A-Z][A-Z0-9_]*=(?:"(?:[^"\\]|\\.)*"|\S*)')


def reload(gw: Gateway, cfg: dict) -> None:
    """Writes `cfg` as the gateway's configuration and sends SIGHUP; returns once the gateway logged the reload."""
    gw.config = cfg
    gw.config_path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    before = gw.stderr_text(10**7).count("configuration reloaded")
    gw.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while gw.stderr_text(10**7).count("configuration reloaded") == before:
        assert time.monotonic() < deadline, f"no reload:\n{gw.stderr_text()}"
        time.sleep(0.05)


def access_fields(gw: Gateway, request_id: str, timeout: float = 5.0) -> dict:
    """The fields of the access record of `request_id` on the gateway's stderr (quotes removed), waiting up to
    `timeout` seconds for it to be written; fails the test when it never is."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in gw.stderr_path.read_text(errors="replace").splitlines():
            if request_id in line and "GATEHOUSE_EVENT=access" in line:
                fields = {}
                for token in ACCESS_TOKEN_RE.findall(line):
                    name, _, value = token.partition("=")
                    fields.setdefault(name, value[1:-1] if value.startswith('"') else value)
                return fields
        time.sleep(0.05)
    raise AssertionError(f"no access record for {request_id}:\n{gw.stderr_text(3000)}")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
