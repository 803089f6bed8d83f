"""Gate 5: SigV4 / SigV4a verification against real AWS signers (contract §3 SigV4, error table 403 rows)."""

import datetime as dt
import hashlib
import re

import pytest

import harness as h
from harness import ALICE, BOB, WORKER, Identity

API = "s1gv4api01"
HOST = "localhost"
NOW = lambda: dt.datetime.now(dt.timezone.utc)  # noqa: E731

UNKNOWN = Identity("AKIDUNKNOWN00000000", "unknown-secret", "arn:aws:iam::123456789012:user/nobody")


@pytest.fixture(scope="module")
def gw(pki, upstream, start_gateway):
    cfg = h.base_config(
        pki,
        apis=[
            {
                "id": API,
                "name": "sigv4",
                "authorization": "AWS_IAM",
                "stages": {"prod": {}},
                "routes": [
                    {"route": "GET /open/{proxy+}", "authorization": "NONE", "integration": h.proxy(upstream.url + "/open/{proxy}")},
                    {"route": "GET /mockopen", "authorization": "NONE", "integration": h.mock(200, '{"open":true}')},
                    {"route": "ANY /{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")},
                ],
            }
        ],
    )
    return start_gateway(cfg)


def send(gw, method, target, headers, body=None):
    return h.request(gw, method, target, headers=headers, body=body if body else (b"" if method in ("POST", "PUT") else None))


def signed(gw, method, target, *, identity=ALICE, body=b"", mode="header", headers=None, **kw):
    t, hdrs = h.sign(method, HOST, target, identity=identity, body=body, mode=mode, headers=headers, **kw)
    return send(gw, method, t, hdrs, body)


def assert_accepted(resp, upstream, m, identity=ALICE):
    assert resp.status == 200, resp
    rec = upstream.one(m)
    assert rec.headers_named("X-Gatehouse-Principal") == [identity.principal]
    assert not rec.has("Authorization")
    return rec


# ---------------------------------------------------------------------------------------------- accepted

PATHS = [
    pytest.param("/prod/{m}/plain", id="plain"),
    pytest.param("/prod/{m}/with%20space/and%20more", id="spaces"),
    pytest.param("/prod/{m}/caf%C3%A9/%E2%9C%93/%F0%9F%98%80", id="unicode"),
    pytest.param("/prod/{m}/res%21%27%28%29%2A/a%3Ab%40c%2Cd%3Be%3Df%2Bg%24h", id="reserved"),
    pytest.param("/prod/{m}/tilde~dash-under_dot.x", id="unreserved"),
    pytest.param("/prod/{m}/x?b=2&a=1&a=0&empty=&z=%2F%20%2B", id="query-repeated-empty"),
    pytest.param("/prod/{m}/x?flag&list=1&list=2&list=10", id="query-no-equals"),
]

MODES = ["header", "query", "v4a"]


@pytest.mark.parametrize("template", PATHS)
@pytest.mark.parametrize("mode", MODES)
def test_get_accepted(gw, upstream, template, mode):
    m = h.marker()
    target = template.format(m=m)
    # (botocore's presigner rewrites the query, folding repeated keys; it signs what it sends)
    assert_accepted(signed(gw, "GET", target, mode=mode, region="us-east-1" if mode != "v4a" else "*"), upstream, m)


@pytest.mark.parametrize("mode", ["header", "v4a"])
@pytest.mark.parametrize("body", [b'{"order": 42}', b"", h.pattern_bytes(200000)], ids=["json", "empty", "200k"])
def test_post_with_body_accepted(gw, upstream, mode, body):
    m = h.marker()
    resp = signed(
        gw, "POST", f"/prod/{m}/items?x=1", body=body, mode=mode, headers={"Content-Type": "application/json"}
    )
    rec = assert_accepted(resp, upstream, m)
    assert rec.body == body


def test_session_token_accepted(gw, upstream):
    m = h.marker()
    assert_accepted(signed(gw, "GET", f"/prod/{m}", identity=WORKER), upstream, m, WORKER)


def test_session_token_presigned_accepted(gw, upstream):
    m = h.marker()
    assert_accepted(signed(gw, "GET", f"/prod/{m}", identity=WORKER, mode="query"), upstream, m, WORKER)


def test_identity_with_secret_from_env_accepted(gw, upstream):
    m = h.marker()
    assert_accepted(signed(gw, "GET", f"/prod/{m}", identity=BOB), upstream, m, BOB)


@pytest.mark.parametrize("region_set", ["us-east-1", "*", "us-*", "eu-west-1,us-east-1"])
def test_sigv4a_region_sets_accepted(gw, upstream, region_set):
    m = h.marker()
    assert_accepted(signed(gw, "GET", f"/prod/{m}", mode="v4a", region=region_set), upstream, m)


def test_sigv4a_presigned_accepted(gw, upstream):
    m = h.marker()
    assert_accepted(signed(gw, "GET", f"/prod/{m}", mode="v4a-query", region="us-east-1"), upstream, m)


def test_unsigned_payload_when_declared(gw, upstream):
    m = h.marker()
    resp = signed(gw, "PUT", f"/prod/{m}", body=b"not hashed", headers={"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"})
    assert assert_accepted(resp, upstream, m).body == b"not hashed"


def test_declared_payload_hash_accepted(gw, upstream):
    m = h.marker()
    body = b"hashed body"
    resp = signed(gw, "PUT", f"/prod/{m}", body=body, headers={"X-Amz-Content-Sha256": hashlib.sha256(body).hexdigest()})
    assert_accepted(resp, upstream, m)


def test_date_header_instead_of_x_amz_date(gw, upstream):
    m = h.marker()
    hdrs = h.manual_sign("GET", HOST, f"/prod/{m}", identity=ALICE, use_date_header=True)
    assert_accepted(send(gw, "GET", f"/prod/{m}", hdrs), upstream, m)


def test_manual_signer_agrees(gw, upstream):
    # sanity check of the hand-written signer used for the negative cases below
    m = h.marker()
    hdrs = h.manual_sign("POST", HOST, f"/prod/{m}/a%20b", "z=1&a=2", identity=ALICE, body=b"abc")
    assert_accepted(send(gw, "POST", f"/prod/{m}/a%20b?z=1&a=2", hdrs, b"abc"), upstream, m)


def test_skew_within_five_minutes_accepted(gw, upstream):
    for offset in (-240, 240):
        m = h.marker()
        assert_accepted(signed(gw, "GET", f"/prod/{m}", when=NOW() + dt.timedelta(seconds=offset)), upstream, m)


@pytest.mark.parametrize("method, data", [("GET", None), ("POST", b'{"via":"curl"}')])
def test_curl_aws_sigv4(gw, upstream, tmp_path, method, data):
    m = h.marker()
    resp = h.curl(gw, f"/prod/{m}/curl?a=1&b=2", method=method, data=data, identity=ALICE, tmp=tmp_path)
    rec = assert_accepted(resp, upstream, m)
    assert rec.body == (data or b"")


def test_none_route_needs_no_signature(gw, upstream):
    m = h.marker()
    resp = h.request(gw, "GET", f"/prod/open/{m}")
    assert resp.status == 200, resp
    assert not upstream.one(m).has("X-Gatehouse-Principal")
    assert h.request(gw, "GET", "/prod/mockopen").json() == {"open": True}


def test_none_route_ignores_a_bad_signature(gw, upstream):
    m = h.marker()
    resp = h.request(gw, "GET", f"/prod/open/{m}", headers={"Authorization": "AWS4-HMAC-SHA256 garbage"})
    assert resp.status == 200, resp
    rec = upstream.one(m)
    assert not rec.has("Authorization") and not rec.has("X-Gatehouse-Principal"), rec.headers


# ---------------------------------------------------------------------------------------------- 403 rows


def test_no_auth_is_missing_authentication_token(gw, upstream):
    m = h.marker()
    resp = h.request(gw, "GET", f"/prod/{m}")
    h.assert_error(resp, 403, "MissingAuthenticationTokenException", h.MSG_MISSING_TOKEN)
    assert upstream.matching(m) == []


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param("AWS4-HMAC-SHA256 garbage", id="garbage"),
        pytest.param("AWS4-HMAC-SHA256 Credential=AKIDALICE0000000001/20250101/us-east-1/execute-api/aws4_request, "
                     "Signature=" + "0" * 64, id="no-signed-headers"),
        pytest.param("AWS4-HMAC-SHA256 Credential=AKIDALICE0000000001/20250101/us-east-1/execute-api/aws4_request, "
                     "SignedHeaders=host;x-amz-date", id="no-signature"),
        pytest.param("AWS4-HMAC-SHA256 Credential=AKIDALICE0000000001/20250101/us-east-1/execute-api, "
                     "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64, id="scope-too-short"),
        pytest.param("AWS4-HMAC-SHA256 Credential=AKIDALICE0000000001/2025/us-east-1/execute-api/aws4_request, "
                     "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64, id="scope-bad-date"),
        pytest.param("AWS4-HMAC-SHA256 Credential=AKIDALICE0000000001/20250101/us-east-1/execute-api/aws5_request, "
                     "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64, id="scope-bad-terminator"),
    ],
)
def test_malformed_authorization_is_incomplete_signature(gw, upstream, authorization):
    m = h.marker()
    resp = send(gw, "GET", f"/prod/{m}", [("X-Amz-Date", h.amz_date(NOW())), ("Authorization", authorization)])
    h.assert_error(resp, 403, "IncompleteSignatureException")
    assert resp.message, "the message must name what is wrong"
    assert upstream.matching(m) == []


def test_host_not_signed_is_incomplete_signature(gw, upstream):
    m = h.marker()
    hdrs = h.manual_sign("GET", HOST, f"/prod/{m}", identity=ALICE, signed=["x-amz-date"])
    resp = send(gw, "GET", f"/prod/{m}", hdrs)
    h.assert_error(resp, 403, "IncompleteSignatureException")
    assert upstream.matching(m) == []


def test_missing_date_is_incomplete_signature(gw, upstream):
    m = h.marker()
    hdrs = h.manual_sign("GET", HOST, f"/prod/{m}", identity=ALICE)
    hdrs = [(k, v) for k, v in hdrs if k.lower() != "x-amz-date"]
    resp = send(gw, "GET", f"/prod/{m}", hdrs)
    # contract §3: a malformed Authorization (here: no date to check it against) is IncompleteSignatureException
    h.assert_error(resp, 403, "IncompleteSignatureException",
                   "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    upstream.assert_not_called(m)


@pytest.mark.parametrize(
    "region, service, message",
    [
        ("eu-west-1", "execute-api", "Credential should be scoped to a valid region, not 'eu-west-1'."),
        ("us-east-1", "s3", "Credential should be scoped to correct service: 'execute-api'."),
    ],
    ids=["region", "service"],
)
def test_wrong_scope_region_or_service_is_rejected(gw, upstream, region, service, message):
    # contract §3: a wrong credential scope is IncompleteSignatureException (as API Gateway answers it)
    m = h.marker()
    hdrs = h.manual_sign("GET", HOST, f"/prod/{m}", identity=ALICE, region=region, service=service)
    resp = send(gw, "GET", f"/prod/{m}", hdrs)
    h.assert_error(resp, 403, "IncompleteSignatureException", message)
    upstream.assert_not_called(m)


@pytest.mark.parametrize("mode", ["header", "query", "v4a"])
def test_unknown_access_key_is_unrecognized_client(gw, upstream, mode):
    m = h.marker()
    resp = signed(gw, "GET", f"/prod/{m}", identity=UNKNOWN, mode=mode)
    h.assert_error(resp, 403, "UnrecognizedClientException", h.MSG_UNRECOGNIZED)
    assert upstream.matching(m) == []


@pytest.mark.parametrize("token", ["wrong-token", None], ids=["wrong", "missing"])
def test_session_token_mismatch_is_unrecognized_client(gw, upstream, token):
    m = h.marker()
    ident = Identity(WORKER.access_key, WORKER.secret, WORKER.principal, token=token)
    resp = signed(gw, "GET", f"/prod/{m}", identity=ident)
    h.assert_error(resp, 403, "UnrecognizedClientException", h.MSG_UNRECOGNIZED)
    assert upstream.matching(m) == []


def test_token_on_identity_without_one_is_unrecognized_client(gw, upstream):
    m = h.marker()
    ident = Identity(ALICE.access_key, ALICE.secret, ALICE.principal, token="unexpected-token")
    resp = signed(gw, "GET", f"/prod/{m}", identity=ident)
    h.assert_error(resp, 403, "UnrecognizedClientException", h.MSG_UNRECOGNIZED)
    upstream.assert_not_called(m)


def _tamper(hdrs, name, fn):
    return [(k, fn(v) if k.lower() == name else v) for k, v in hdrs]


def _flip_sig(auth: str) -> str:
    last = auth[-1]
    return auth[:-1] + ("0" if last != "0" else "1")


@pytest.mark.parametrize(
    "case",
    ["signature", "body", "path", "query", "signed-header", "method", "wrong-secret", "v4a-signature", "v4a-body"],
)
def test_tampered_request_is_invalid_signature(gw, upstream, case):
    m = h.marker()
    path = f"/prod/{m}/a"
    body = b'{"amount": 100}'
    mode = "v4a" if case.startswith("v4a") else "header"
    ident = ALICE if case != "wrong-secret" else Identity(ALICE.access_key, "not-the-secret", ALICE.principal)
    target, hdrs = h.sign("POST", HOST, path + "?q=1", identity=ident, body=body, mode=mode,
                          headers={"X-Custom": "signed"}, region="us-east-1")
    method = "POST"
    if case in ("signature", "v4a-signature"):
        hdrs = _tamper(hdrs, "authorization", _flip_sig)
    elif case in ("body", "v4a-body"):
        body = b'{"amount": 999}'
    elif case == "path":
        target = target.replace("/a?", "/b?")
    elif case == "query":
        target = target.replace("q=1", "q=2")
    elif case == "signed-header":
        hdrs = _tamper(hdrs, "x-custom", lambda v: "changed")
    elif case == "method":
        method = "PUT"
    resp = send(gw, method, target, hdrs, body)
    h.assert_error(resp, 403, "InvalidSignatureException", h.MSG_BAD_SIGNATURE)
    assert upstream.matching(m) == []


def test_presigned_tampered_signature_is_invalid(gw, upstream):
    m = h.marker()
    target, hdrs = h.sign("GET", HOST, f"/prod/{m}", identity=ALICE, mode="query")
    target = target[:-1] + ("0" if target[-1] != "0" else "1")
    resp = send(gw, "GET", target, hdrs)
    h.assert_error(resp, 403, "InvalidSignatureException", h.MSG_BAD_SIGNATURE)
    upstream.assert_not_called(m)


def test_declared_payload_hash_must_match_body(gw, upstream):
    m = h.marker()
    claimed = hashlib.sha256(b"what was signed").hexdigest()
    target, hdrs = h.sign("PUT", HOST, f"/prod/{m}", identity=ALICE, body=b"what was signed",
                          headers={"X-Amz-Content-Sha256": claimed})
    resp = send(gw, "PUT", target, hdrs, b"what was sent!!")
    h.assert_error(resp, 403, "InvalidSignatureException",
                   "The provided 'x-amz-content-sha256' header does not match what was computed.")
    upstream.assert_not_called(m)


def test_unsigned_payload_not_assumed_when_not_declared(gw, upstream):
    m = h.marker()
    hdrs = h.manual_sign("PUT", HOST, f"/prod/{m}", identity=ALICE, body=b"body", payload_hash="UNSIGNED-PAYLOAD")
    resp = send(gw, "PUT", f"/prod/{m}", hdrs, b"body")
    h.assert_error(resp, 403, "InvalidSignatureException", h.MSG_BAD_SIGNATURE)
    upstream.assert_not_called(m)


@pytest.mark.parametrize("mode", ["header", "v4a"])
def test_old_date_is_signature_expired(gw, upstream, mode):
    m = h.marker()
    resp = signed(gw, "GET", f"/prod/{m}", mode=mode, when=NOW() - dt.timedelta(minutes=10), region="us-east-1")
    h.assert_error(resp, 403, "InvalidSignatureException", prefix="Signature expired:")
    assert upstream.matching(m) == []


@pytest.mark.parametrize("mode", ["header", "v4a"])
def test_future_date_is_signature_not_yet_current(gw, upstream, mode):
    m = h.marker()
    resp = signed(gw, "GET", f"/prod/{m}", mode=mode, when=NOW() + dt.timedelta(minutes=10), region="us-east-1")
    h.assert_error(resp, 403, "InvalidSignatureException", prefix="Signature not yet current:")
    assert upstream.matching(m) == []


def test_presigned_url_past_expiry_is_signature_expired(gw, upstream):
    m = h.marker()
    resp = signed(gw, "GET", f"/prod/{m}", mode="query", expires=60, when=NOW() - dt.timedelta(seconds=120))
    h.assert_error(resp, 403, "InvalidSignatureException", prefix="Signature expired:")
    assert upstream.matching(m) == []


def test_presigned_url_within_expiry_accepted_beyond_skew(gw, upstream):
    # a presigned URL is valid for X-Amz-Expires from its date, even when that is longer ago than the skew window
    m = h.marker()
    resp = signed(gw, "GET", f"/prod/{m}", mode="query", expires=3600, when=NOW() - dt.timedelta(minutes=10))
    assert_accepted(resp, upstream, m)


def test_presigned_expires_over_a_week_is_rejected(gw, upstream):
    m = h.marker()
    resp = signed(gw, "GET", f"/prod/{m}", mode="query", expires=604801)
    h.assert_error(resp, 403, "IncompleteSignatureException",
                   "X-Amz-Expires must be less than a week (in seconds) that is 604800.")
    upstream.assert_not_called(m)


def test_sigv4a_region_set_without_our_region_is_rejected(gw, upstream):
    m = h.marker()
    resp = signed(gw, "GET", f"/prod/{m}", mode="v4a", region="eu-west-1")
    h.assert_error(resp, 403, "IncompleteSignatureException",
                   "The region set 'eu-west-1' does not include the region 'us-east-1'.")
    upstream.assert_not_called(m)


# ---------------------------------------------------------------------------------------------- max_clock_skew

SKEW = 60  # a configured max_clock_skew smaller than the 5-minute default


@pytest.fixture(scope="module")
def gw_skew(pki, upstream, start_gateway):
    cfg = h.base_config(
        pki,
        max_clock_skew=SKEW,
        apis=[
            {
                "id": "sk3wapi001",
                "name": "skew",
                "authorization": "AWS_IAM",
                "stages": {"prod": {}},
                "routes": [{"route": "ANY /{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")}],
            }
        ],
    )
    return start_gateway(cfg)


def _skewed(gw, seconds: int):
    """GET signed by the hand-written signer (not botocore) with X-Amz-Date `seconds` from now."""
    m = h.marker()
    when = NOW() + dt.timedelta(seconds=seconds)
    hdrs = h.manual_sign("GET", HOST, f"/prod/{m}", identity=ALICE, when=when)
    return m, h.amz_date(when), send(gw, "GET", f"/prod/{m}", hdrs)


def _stamp(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("seconds", [-30, 30])
def test_max_clock_skew_within_the_configured_window_is_accepted(gw_skew, upstream, seconds):
    m, _, resp = _skewed(gw_skew, seconds)
    assert_accepted(resp, upstream, m)


def test_max_clock_skew_past_the_configured_window_is_signature_expired(gw_skew, upstream):
    # 90 s ago is inside the default 300 s window: only the configured 60 s makes this expired
    m, stamp, resp = _skewed(gw_skew, -90)
    h.assert_error(resp, 403, "InvalidSignatureException", prefix="Signature expired:")
    got = re.fullmatch(rf"Signature expired: {stamp} is now earlier than (\d{{8}}T\d{{6}}Z) "
                       rf"\((\d{{8}}T\d{{6}}Z) - 1 min\.\)", resp.message)
    assert got, resp.message
    limit, now = _stamp(got.group(1)), _stamp(got.group(2))
    assert now - limit == dt.timedelta(seconds=SKEW), resp.message
    assert abs((now - NOW()).total_seconds()) < 5, resp.message
    upstream.assert_not_called(m)


def test_max_clock_skew_ahead_of_the_configured_window_is_not_yet_current(gw_skew, upstream):
    m, stamp, resp = _skewed(gw_skew, 90)
    h.assert_error(resp, 403, "InvalidSignatureException",
                   prefix=f"Signature not yet current: {stamp} is still later than ")
    assert resp.message.endswith(" + 1 min.)"), resp.message
    upstream.assert_not_called(m)
