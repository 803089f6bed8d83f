"""SigV4 hostile input (contract §3 "Hostile input", issue 11): a SignedHeaders list naming a header twice or more
than 64 names, a SigV4 field given twice, and a region set of many wildcards are IncompleteSignatureException,
answered from the head alone (before the declared body arrives), and never reach the upstream."""

import datetime as dt
import socket
import threading
import time

import pytest

import harness as h
from harness import ALICE

API = "h0st1leapi"
HOST = "localhost"
ANSWER_WITHIN = 2.0


@pytest.fixture(scope="module")
def gw(pki, upstream, start_gateway):
    """One AWS_IAM API: every path proxied to the recording upstream, except an open MOCK route."""
    open_route = {"route": "GET /mockopen", "authorization": "NONE", "integration": h.mock(200, '{"open":true}')}
    signed_route = {"route": "ANY /{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")}
    api = dict(id=API, name="hostile", authorization="AWS_IAM", stages={"prod": {}}, routes=[open_route, signed_route])
    return start_gateway(h.base_config(pki, apis=[api]))


def head_bytes(method: str, target: str, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"{method} {target} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def signed_post(target: str) -> list[tuple[str, str]]:
    """Headers of a POST with a 1000-byte body, signed by botocore, with Content-Length declared."""
    _, headers = h.sign("POST", HOST, target, identity=ALICE, body=b"x" * 1000)
    headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
    return headers + [("Content-Length", "1000")]


def replace(headers: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [(k, value if k.lower() == name.lower() else v) for k, v in headers]


def answer_without_body(gw, method: str, target: str, headers: list[tuple[str, str]]):
    """Sends the head only (its declared body held back) and reads the answer; (response, seconds)."""
    with h.RawConn(gw, timeout=ANSWER_WITHIN) as conn:
        started = time.monotonic()
        conn.send(head_bytes(method, target, headers))
        try:
            resp = conn.read_response()
        except (socket.timeout, TimeoutError):
            pytest.fail(f"no answer within {ANSWER_WITHIN} s while the body was held back")
        return resp, time.monotonic() - started


def assert_incomplete(resp, message: str):
    assert resp.status == 403, resp
    assert resp.error_type == "IncompleteSignatureException", resp
    assert resp.message == message, resp


def assert_upstream_not_called(upstream, m: str):
    time.sleep(0.2)
    assert upstream.matching(m) == []


def amz_now() -> tuple[str, str]:
    now = dt.datetime.now(dt.timezone.utc)
    stamp = h.amz_date(now)
    return stamp, stamp[:8]


# ------------------------------------------------------------------------------------------ SignedHeaders


def test_signed_headers_naming_a_header_twice(gw, upstream):
    m = h.marker()
    target = f"/prod/{m}/twice"
    headers = signed_post(target)
    auth = dict((k.lower(), v) for k, v in headers)["authorization"]
    auth = auth.replace("SignedHeaders=host;", "SignedHeaders=host;HOST;")
    resp, _ = answer_without_body(gw, "POST", target, replace(headers, "Authorization", auth))
    assert_incomplete(resp, "SignedHeaders must not name a header twice; 'host' is repeated.")
    assert_upstream_not_called(upstream, m)


def test_signed_headers_over_64_names(gw, upstream):
    m = h.marker()
    target = f"/prod/{m}/many"
    headers = signed_post(target)
    auth = dict((k.lower(), v) for k, v in headers)["authorization"]
    extra = ";".join(f"x-h{i:02d}" for i in range(63))
    auth = auth.replace("SignedHeaders=host;x-amz-date", f"SignedHeaders=host;x-amz-date;{extra}")
    resp, _ = answer_without_body(gw, "POST", target, replace(headers, "Authorization", auth))
    assert_incomplete(resp, "SignedHeaders must not name more than 64 headers.")
    assert_upstream_not_called(upstream, m)


def test_signed_headers_amplification_answered_at_once(gw, upstream):
    """Issue 11: one ~30 KB head naming an 8 KB header 10,000 times made the gateway build and hash ~80 MB and keep
    it while waiting for a body that never came."""
    m = h.marker()
    target = f"/prod/{m}/amplify"
    stamp, day = amz_now()
    names = "host;x-amz-date;" + ";".join(["a"] * 10_000)
    headers = [
        ("Host", HOST),
        ("X-Amz-Date", stamp),
        ("A", "v" * 8192),
        ("Authorization", f"AWS4-HMAC-SHA256 Credential={ALICE.access_key}/{day}/us-east-1/execute-api/aws4_request, "
                          f"SignedHeaders={names}, Signature={'0' * 64}"),
        ("Content-Length", "1000"),
    ]
    resp, seconds = answer_without_body(gw, "POST", target, headers)
    assert_incomplete(resp, "SignedHeaders must not name a header twice; 'a' is repeated.")
    assert seconds < ANSWER_WITHIN
    assert_upstream_not_called(upstream, m)


# ----------------------------------------------------------------------------------- fields given twice


@pytest.mark.parametrize("field", ["Signature", "Credential", "SignedHeaders"])
def test_authorization_field_given_twice(gw, upstream, field):
    m = h.marker()
    target = f"/prod/{m}/{field}"
    headers = signed_post(target)
    auth = dict((k.lower(), v) for k, v in headers)["authorization"]
    value = auth.split(f"{field}=", 1)[1].split(",", 1)[0]
    # The same value again: a parser keeping either one would verify the signature.
    resp, _ = answer_without_body(gw, "POST", target, replace(headers, "Authorization", f"{auth}, {field}={value}"))
    assert_incomplete(resp, f"Authorization header must not give the '{field}' parameter more than once.")
    assert_upstream_not_called(upstream, m)


QUERY_FIELDS = [
    "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature",
    "X-Amz-Security-Token", "X-Amz-Region-Set",
]


@pytest.mark.parametrize("field", QUERY_FIELDS)
def test_presigned_query_parameter_given_twice(gw, upstream, field):
    m = h.marker()
    target, headers = h.sign("GET", HOST, f"/prod/{m}/q?a=1", identity=ALICE, mode="query")
    pairs = target.split("?", 1)[1].split("&")
    present = [p for p in pairs if p.startswith(field + "=")]
    again = present[0] if present else f"{field}=us-east-1"
    # Present once already: add it again. Absent (a token, a region set): add it twice.
    target = target + "&" + again + ("" if present else "&" + again)
    resp = h.request(gw, "GET", target, headers=headers)
    assert_incomplete(resp, f"AWS query-string parameters must not include '{field}' more than once.")
    assert_upstream_not_called(upstream, m)


def test_presigned_request_still_accepted(gw, upstream):
    m = h.marker()
    target, headers = h.sign("GET", HOST, f"/prod/{m}/ok?a=1", identity=ALICE, mode="query")
    resp = h.request(gw, "GET", target, headers=headers)
    assert resp.status == 200, resp
    assert len(upstream.matching(m)) == 1


# ------------------------------------------------------------------------------------------- region set


def test_wildcard_region_set_does_not_stall(gw, upstream):
    """A SigV4a region set of 20,000 `*` then `x` took the old recursive matcher forever, on an event loop, before
    the key lookup. It is answered at once, and another connection is served meanwhile."""
    m = h.marker()
    target = f"/prod/{m}/regions"
    stamp, day = amz_now()
    headers = [
        ("Host", HOST),
        ("X-Amz-Date", stamp),
        ("X-Amz-Region-Set", "*" * 20_000 + "x"),
        ("Authorization", f"AWS4-ECDSA-P256-SHA256 Credential={ALICE.access_key}/{day}/execute-api/aws4_request, "
                          f"SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3045"),
        ("Content-Length", "1000"),
    ]
    hostile: dict = {}

    def send_hostile():
        try:
            hostile["answer"] = answer_without_body(gw, "POST", target, headers)
        except BaseException as e:  # noqa: BLE001 - reported below
            hostile["error"] = e

    thread = threading.Thread(target=send_hostile)
    thread.start()
    time.sleep(0.1)
    started = time.monotonic()
    other = h.request(gw, "GET", "/prod/mockopen")
    served_in = time.monotonic() - started
    thread.join(timeout=ANSWER_WITHIN + 5)
    assert other.status == 200, other
    assert served_in < ANSWER_WITHIN
    assert "error" not in hostile, hostile.get("error")
    resp, seconds = hostile["answer"]
    assert resp.status == 403, resp
    assert resp.error_type == "IncompleteSignatureException", resp
    assert resp.message.endswith("does not include the region 'us-east-1'."), resp.message[-200:]
    assert seconds < ANSWER_WITHIN
    assert_upstream_not_called(upstream, m)
