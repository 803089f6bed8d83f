"""Access and rejection records (contract §6 journald): without a journal they go to stderr, one line each."""

import re
import time

import pytest

import harness as h
from harness import ALICE, OTHER_SOURCE

API = "l0gg1ng001"
ACCESS_FIELDS = [
    "REQUEST_ID", "SOURCE_IP", "SOURCE_VPCE", "CLIENT_CERT_SUBJECT", "CLIENT_CERT_URI", "PRINCIPAL", "API_ID",
    "STAGE", "ROUTE_KEY", "HTTP_METHOD", "PATH", "STATUS", "ERROR_TYPE", "LATENCY_MS", "INTEGRATION_LATENCY_MS",
    "RESPONSE_BYTES",
]
FIELD_RE = re.compile(r'\b([A-Z][A-Z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)')


def fields(line: str) -> dict:
    return {k: v[1:-1] if v.startswith('"') else v for k, v in FIELD_RE.findall(line)}


def wait_line(gw, predicate, timeout=5.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in gw.stderr_path.read_text(errors="replace").splitlines():
            if predicate(line):
                return line
        time.sleep(0.05)
    pytest.fail(f"no matching record on stderr:\n{gw.stderr_text(3000)}")


@pytest.fixture(scope="module")
def gw(pki, upstream, start_gateway):
    cfg = h.base_config(
        pki,
        log_target="stderr",
        networks=[{"id": "vpce-log", "vpc": "vpc-log", "cidrs": ["127.0.0.0/29"]}],
        listeners=[h.https_listener(pki, allow_sources=["vpce-log"])],
        apis=[
            {
                "id": API,
                "name": "logging",
                "authorization": "AWS_IAM",
                "stages": {"prod": {}},
                "routes": [{"route": "ANY /items/{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")}],
            }
        ],
    )
    return start_gateway(cfg)


def test_access_record_for_a_forwarded_request(gw):
    m = h.marker()
    target, headers = h.sign("POST", "localhost", f"/prod/items/{m}", identity=ALICE, body=b"abc")
    resp = h.request(gw, "POST", target, headers=headers, body=b"abc")
    assert resp.status == 200, resp
    line = wait_line(gw, lambda ln: resp.request_id in ln and "access" in ln)
    f = fields(line)
    missing = [k for k in ACCESS_FIELDS if k not in f]
    assert not missing, f"access record lacks {missing}: {line}"
    assert f["REQUEST_ID"] == resp.request_id
    assert f["SOURCE_IP"] == "127.0.0.1"
    assert f["SOURCE_VPCE"] == "vpce-log"
    assert f["CLIENT_CERT_SUBJECT"] == "CN=alice"
    assert f["CLIENT_CERT_URI"] == "spiffe://demo.internal/alice"
    assert f["PRINCIPAL"] == ALICE.principal
    assert f["API_ID"] == API
    assert f["STAGE"] == "prod"
    assert f["ROUTE_KEY"] == "ANY /items/{proxy+}"
    assert f["HTTP_METHOD"] == "POST"
    assert f["PATH"].startswith(f"/prod/items/{m}")
    assert f["STATUS"] == "200"
    assert float(f["LATENCY_MS"]) >= 0 and float(f["INTEGRATION_LATENCY_MS"]) >= 0
    assert int(f["RESPONSE_BYTES"]) > 0


def test_access_record_for_a_refused_request(gw):
    resp = h.request(gw, "GET", f"/prod/items/{h.marker()}")
    assert resp.status == 403
    f = fields(wait_line(gw, lambda ln: resp.request_id in ln and "access" in ln))
    assert f["STATUS"] == "403"
    assert f["ERROR_TYPE"] == "MissingAuthenticationTokenException"


def test_connection_rejected_record(gw):
    with h.tcp_connect(gw.port(), source=OTHER_SOURCE, timeout=5) as s:
        try:
            s.recv(10)
        except OSError:
            pass
    line = wait_line(gw, lambda ln: "connection_rejected" in ln and OTHER_SOURCE in ln)
    f = fields(line)
    assert f.get("SOURCE_IP") == OTHER_SOURCE, line
    assert f.get("REASON"), line


def test_tls_rejected_record(gw):
    kind, detail = h.tls_outcome(gw, h.client_context(gw.pki, "eve"))
    assert kind == "alert" and "ALERT" in str(detail).upper(), f"expected a TLS alert: {kind}: {detail!r}"
    line = wait_line(gw, lambda ln: "tls_rejected" in ln and "REASON=" in ln and "EOF during handshake" not in ln)
    f = fields(line)
    assert f.get("SOURCE_IP") == "127.0.0.1", line
    assert f.get("REASON"), line
