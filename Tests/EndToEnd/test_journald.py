"""Access and rejection records in a real systemd-journald (contract §6 journald).

A session fixture makes sure a journald answers on /run/systemd/journal/socket (it starts a standalone
`systemd-journald` when nobody does, and stops it at the end only then). The gateway runs with
`log_target: journal`, or with `log_target: auto` and its standard error connected to journald's stream socket
with `JOURNAL_STREAM` naming it, as systemd runs a service with StandardError=journal. Entries are read back with
`journalctl -o json`, filtered by the gateway's pid (other gateways may be writing to the same journal).
"""

from __future__ import annotations

import subprocess
import time

import pytest

import harness as h
from harness import ALICE, OTHER_SOURCE, WORKER
from systemd_support import Journald, journal_stream_socket

API = "j0urnald01"
ACCESS_FIELDS = [
    "SYSLOG_IDENTIFIER", "GATEHOUSE_EVENT", "REQUEST_ID", "SOURCE_IP", "SOURCE_VPCE", "CLIENT_CERT_SUBJECT",
    "CLIENT_CERT_URI", "PRINCIPAL", "API_ID", "STAGE", "ROUTE_KEY", "HTTP_METHOD", "PATH", "STATUS", "ERROR_TYPE",
    "LATENCY_MS", "INTEGRATION_LATENCY_MS", "RESPONSE_BYTES", "MESSAGE",
]
ROUTE_KEY = "ANY /items/{proxy+}"


@pytest.fixture(scope="session")
def journald():
    j = Journald().ensure()
    yield j
    if j.started_here:
        j.close()


def journal_config(pki, upstream, log_target: str) -> dict:
    return h.base_config(
        pki,
        log_target=log_target,
        # allow_sources as a CIDR; the network (a caller's aws:SourceVpce) is chosen by address on its own
        networks=[{"id": "vpce-jrnl", "vpc": "vpc-jrnl", "cidrs": ["127.0.0.0/29"]}],
        listeners=[h.https_listener(pki, allow_sources=["127.0.0.0/29"])],
        apis=[
            {
                "id": API,
                "name": "journald",
                "authorization": "AWS_IAM",
                "stages": {"prod": {}},
                "routes": [{"route": ROUTE_KEY, "integration": h.proxy(upstream.url + "/{proxy}")}],
            }
        ],
    )


@pytest.fixture(scope="module")
def gw(journald, pki, upstream, start_gateway):
    return start_gateway(journal_config(pki, upstream, "journal"))


def gateway_entries(gw, predicate, *, cursor=None, timeout=8.0) -> list[dict]:
    """This gateway's gatehouse entries that satisfy predicate (retrying until journald has them)."""
    return Journald.wait_for(
        {"SYSLOG_IDENTIFIER": "gatehouse", "_PID": str(gw.proc.pid)}, predicate, after_cursor=cursor, timeout=timeout
    )


def one_access_entry(gw, request_id: str, cursor=None) -> dict:
    found = gateway_entries(gw, lambda e: e.get("REQUEST_ID") == request_id, cursor=cursor)
    assert found, f"no journal entry with REQUEST_ID={request_id}; gateway stderr:\n{gw.stderr_text(3000)}"
    assert len(found) == 1, f"expected one access entry for {request_id}, got {len(found)}: {found}"
    return found[0]


def assert_forwarded_access_entry(e: dict, resp: h.Response, m: str, identity=ALICE, method="POST"):
    missing = [k for k in ACCESS_FIELDS if k not in e]
    assert not missing, f"access entry lacks {missing}: {e}"
    assert e["_TRANSPORT"] == "journal", f"not written through the native protocol: {e}"
    assert e["SYSLOG_IDENTIFIER"] == "gatehouse"
    assert e["GATEHOUSE_EVENT"] == "access"
    assert e["REQUEST_ID"] == resp.request_id
    assert e["SOURCE_IP"] == "127.0.0.1"
    assert e["SOURCE_VPCE"] == "vpce-jrnl"
    assert e["CLIENT_CERT_SUBJECT"] == "CN=alice"
    assert e["CLIENT_CERT_URI"] == "spiffe://demo.internal/alice"
    assert e["PRINCIPAL"] == identity.principal
    assert e["API_ID"] == API
    assert e["STAGE"] == "prod"
    assert e["ROUTE_KEY"] == ROUTE_KEY
    assert e["HTTP_METHOD"] == method
    assert e["PATH"] == f"/prod/items/{m}"
    assert e["STATUS"] == "200"
    assert e["ERROR_TYPE"] == ""
    latency, integration = float(e["LATENCY_MS"]), float(e["INTEGRATION_LATENCY_MS"])
    assert 0 <= integration <= latency < 30_000, e
    assert int(e["RESPONSE_BYTES"]) >= len(resp.body) > 0, (e["RESPONSE_BYTES"], len(resp.body))
    msg = e["MESSAGE"]
    assert method in msg and f"/prod/items/{m}" in msg and "200" in msg, f"MESSAGE is not a readable summary: {msg!r}"


def test_access_entry_has_every_contract_field(gw, upstream):
    cursor = Journald.cursor()
    m = h.marker()
    target, headers = h.sign("POST", "localhost", f"/prod/items/{m}", identity=ALICE, body=b"journal")
    resp = h.request(gw, "POST", target, headers=headers, body=b"journal")
    assert resp.status == 200, resp
    h.assert_request_id(resp)
    assert upstream.one(m).header("X-Request-Id") == resp.request_id
    assert_forwarded_access_entry(one_access_entry(gw, resp.request_id, cursor), resp, m)


def test_access_entry_for_a_refused_request(gw):
    cursor = Journald.cursor()
    m = h.marker()
    resp = h.request(gw, "GET", f"/prod/items/{m}")
    h.assert_error(resp, 403, "MissingAuthenticationTokenException", h.MSG_MISSING_TOKEN)
    e = one_access_entry(gw, resp.request_id, cursor)
    missing = [k for k in ACCESS_FIELDS if k not in e]
    assert not missing, f"access entry lacks {missing}: {e}"
    assert e["GATEHOUSE_EVENT"] == "access"
    assert e["STATUS"] == "403"
    assert e["ERROR_TYPE"] == "MissingAuthenticationTokenException"
    assert e["PRINCIPAL"] == ""
    assert e["HTTP_METHOD"] == "GET" and e["PATH"] == f"/prod/items/{m}"
    assert e["INTEGRATION_LATENCY_MS"] in ("", "0", "0.0"), e  # the integration was never called


def test_connection_rejected_entry(gw):
    cursor = Journald.cursor()
    with h.tcp_connect(gw.port(), source=OTHER_SOURCE, timeout=5) as s:
        try:
            got = s.recv(10)
        except OSError:
            got = b""
    assert got == b"", "a connection from outside allow_sources got an answer"
    found = gateway_entries(
        gw, lambda e: e.get("GATEHOUSE_EVENT") == "connection_rejected" and e.get("SOURCE_IP") == OTHER_SOURCE,
        cursor=cursor,
    )
    assert found, f"no connection_rejected entry for {OTHER_SOURCE}; stderr:\n{gw.stderr_text(3000)}"
    e = found[0]
    assert e["_TRANSPORT"] == "journal", e
    assert e.get("REASON"), f"connection_rejected entry without REASON: {e}"
    assert e.get("MESSAGE"), e


def test_tls_rejected_entry_without_client_certificate(gw):
    cursor = Journald.cursor()
    kind, detail = h.tls_outcome(gw, h.client_context(gw.pki, None))
    assert kind == "alert" and "ALERT" in str(detail).upper(), f"expected a TLS alert: {kind}: {detail!r}"
    # (connections that close without a handshake, like a readiness probe, are tls_rejected entries too)
    found = gateway_entries(
        gw, lambda e: e.get("GATEHOUSE_EVENT") == "tls_rejected" and "certificate" in e.get("REASON", ""),
        cursor=cursor,
    )
    assert found, (
        "no tls_rejected entry whose REASON names the certificate; tls_rejected entries: "
        f"{gateway_entries(gw, lambda e: e.get('GATEHOUSE_EVENT') == 'tls_rejected', cursor=cursor, timeout=0)}"
    )
    e = found[0]
    assert e["_TRANSPORT"] == "journal", e
    assert e.get("SOURCE_IP") == "127.0.0.1", e
    assert e.get("MESSAGE"), e


def test_no_secret_reaches_the_journal(gw):
    """Signed requests (one with a session token, one with a bad signature) leave no key material in the journal."""
    cursor = Journald.cursor()
    rids = []
    for identity in (ALICE, WORKER):
        m = h.marker()
        target, headers = h.sign("GET", "localhost", f"/prod/items/{m}", identity=identity)
        resp = h.request(gw, "GET", target, headers=headers)
        assert resp.status == 200, resp
        rids.append(resp.request_id)
    bad = h.Identity(WORKER.access_key, "not-the-secret", WORKER.principal, token=WORKER.token)
    target, headers = h.sign("GET", "localhost", f"/prod/items/{h.marker()}", identity=bad)
    resp = h.request(gw, "GET", target, headers=headers)
    h.assert_error(resp, 403, "InvalidSignatureException")
    rids.append(resp.request_id)
    for rid in rids:
        one_access_entry(gw, rid, cursor)
    worker = one_access_entry(gw, rids[1], cursor)
    assert worker["PRINCIPAL"] == WORKER.principal
    # everything journald got from the gateway process since the test began, whatever the field or transport
    text = Journald.raw({"_PID": str(gw.proc.pid)}, after_cursor=cursor)
    assert text.count("\n") >= 3, text
    for secret in (ALICE.secret, WORKER.secret, WORKER.token, h.BOB.secret):
        assert secret not in text, f"a secret reached the journal: {secret[:6]}..."


def test_log_target_auto_with_journal_stream(journald, pki, upstream, tmp_path):
    """JOURNAL_STREAM naming the gateway's stderr (StandardError=journal) makes `auto` use the native protocol."""
    stream, journal_stream = journal_stream_socket("gatehouse-e2e-stderr")
    gw = h.Gateway(tmp_path, journal_config(pki, upstream, "auto"), pki, env={"JOURNAL_STREAM": journal_stream})
    gw.write_files()
    proc = subprocess.Popen(
        [str(h.BINARY), "serve", "--config", str(gw.config_path)],
        stdin=subprocess.DEVNULL, stdout=stream.fileno(), stderr=stream.fileno(), env=gw.process_env(),
        cwd=tmp_path,
    )
    gw.proc = proc
    stream.close()  # the child holds it now
    try:
        assert wait_listening(gw), "gateway did not start"
        cursor = Journald.cursor()
        m = h.marker()
        target, headers = h.sign("POST", "localhost", f"/prod/items/{m}", identity=ALICE, body=b"journal")
        resp = h.request(gw, "POST", target, headers=headers, body=b"journal")
        assert resp.status == 200, resp
        e = one_access_entry(gw, resp.request_id, cursor)
        assert_forwarded_access_entry(e, resp, m)
        # and not, in addition, as a text line on the stderr stream
        text_lines = Journald.entries({"SYSLOG_IDENTIFIER": "gatehouse-e2e-stderr", "_PID": str(proc.pid)})
        assert not [x for x in text_lines if resp.request_id in x.get("MESSAGE", "")], text_lines
        assert h.terminate(proc) == 0, "gatehouse did not exit 0 on SIGTERM"
    finally:
        h.terminate(proc)


def test_log_target_auto_with_a_foreign_journal_stream_logs_to_stderr(journald, pki, upstream, tmp_path):
    """A JOURNAL_STREAM inherited from a parent whose stderr went elsewhere does not count (systemd.exec(5))."""
    stream, journal_stream = journal_stream_socket("gatehouse-e2e-foreign")
    stream.close()
    gw = h.Gateway(tmp_path, journal_config(pki, upstream, "auto"), pki, env={"JOURNAL_STREAM": journal_stream})
    gw.start()
    try:
        cursor = Journald.cursor()
        resp = h.request(gw, "GET", f"/prod/items/{h.marker()}")
        assert resp.status == 403
        deadline = time.monotonic() + 5
        while resp.request_id not in gw.stderr_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert resp.request_id in gw.stderr_text(), gw.stderr_text(3000)
        assert not Journald.entries({"REQUEST_ID": resp.request_id}, cursor, sync=True)
    finally:
        gw.stop()


def wait_listening(gw, timeout=20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if gw.proc.poll() is not None:
            return False
        try:
            h.tcp_connect(gw.port(), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False

