"""Hostile paths, look-alike headers and presigned credentials (contract §3 "Hostile input", §4).

What the router and the policy judge must be what the upstream acts on: dot segments are resolved first (also
percent-encoded), path parameters and encoded separators are refused, headers an upstream could read as
Gatehouse's own never cross, and a presigned URL's credentials stay out of the upstream's query (and logs).
"""

import urllib.parse

import pytest

import harness as h
from harness import ALICE, WORKER

API = "h0stile001"
INVALID_PATH = "Invalid request path"


def policy():
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AllowAll", "Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
             "Resource": "execute-api:/*"},
            {"Sid": "DenyAdmin", "Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
             "Resource": ["execute-api:/prod/*/admin", "execute-api:/prod/*/admin/*"]},
        ],
    }


def config(pki, upstream, **extra):
    return h.base_config(
        pki,
        apis=[
            {
                "id": API,
                "name": "hostile",
                "authorization": "NONE",
                "policy": policy(),
                "stages": {"prod": {}},
                "routes": [
                    {"route": "ANY /signed/{proxy+}", "authorization": "AWS_IAM",
                     "integration": h.proxy(upstream.url + "/signed/{proxy}")},
                    {"route": "ANY /{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")},
                ],
            }
        ],
        **extra,
    )


@pytest.fixture(scope="module")
def gw(pki, upstream, start_gateway):
    return start_gateway(config(pki, upstream))


@pytest.fixture(scope="module")
def gw_underscores(pki, upstream, start_gateway):
    return start_gateway(config(pki, upstream, forward_underscore_headers=True))


# ---------------------------------------------------------------------------------------------- paths


@pytest.mark.parametrize(
    "raw",
    [
        # path parameters
        pytest.param("/prod/public/..;/admin", id="dotdot-semicolon"),
        pytest.param("/prod/public;jsessionid=1/x", id="jsessionid"),
        pytest.param("/prod/admin;/x", id="empty-parameter"),
        pytest.param("/prod;v=1/x", id="stage-parameter"),
        pytest.param("/prod/public/..;x=1/admin", id="dotdot-parameter"),
        # encoded separators and NUL
        pytest.param("/prod/a%2Fadmin", id="slash-upper"),
        pytest.param("/prod/public/..%2fadmin", id="slash-lower"),
        pytest.param("/prod/a%5Cadmin", id="backslash-upper"),
        pytest.param("/prod/public/..%5cadmin", id="backslash-lower"),
        pytest.param("/prod/public/..\\admin", id="backslash-raw"),
        pytest.param("/prod/a%00b", id="nul"),
    ],
)
def test_path_that_could_mean_another_is_400_and_never_forwarded(gw, upstream, raw):
    m = h.marker()
    resp = h.request(gw, "GET", f"{raw}?mk={m}")
    h.assert_error(resp, 400, "BadRequestException", INVALID_PATH)
    assert upstream.matching(m) == []


@pytest.mark.parametrize("dots", ["%2e%2e", "%2E%2E", ".%2e", "%2E.", ".."])
def test_encoded_dot_segments_cannot_bypass_a_deny(gw, upstream, dots):
    m = h.marker()
    resp = h.request(gw, "GET", f"/prod/public/{dots}/admin?mk={m}")
    h.assert_error(
        resp, 403, "AccessDeniedException",
        "User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
        f"arn:aws:execute-api:{h.REGION}:{h.ACCOUNT}:{API}/prod/GET/admin with an explicit deny")
    assert upstream.matching(m) == []


@pytest.mark.parametrize(
    "raw, forwarded",
    [
        pytest.param("/prod/public/%2e%2e/open/{m}", "/open/{m}", id="encoded-dotdot"),
        pytest.param("/prod/public/.%2E/./open/%2e/{m}", "/open/{m}", id="mixed-dots"),
        # `..` above the root stays at the root, as AWS clamps it: no 400
        pytest.param("/../prod/open/{m}", "/open/{m}", id="clamped-leading"),
        pytest.param("/prod/../../prod/open/{m}", "/open/{m}", id="clamped-twice"),
        # an encoded `;` is data: it is forwarded, encoded, inside its segment
        pytest.param("/prod/open/..%3B/{m}", "/open/..%3B/{m}", id="encoded-semicolon"),
    ],
)
def test_allowed_path_reaches_upstream_normalized(gw, upstream, raw, forwarded):
    m = h.marker()
    resp = h.request(gw, "GET", raw.format(m=m))
    assert resp.status == 200, resp
    assert upstream.one(m).path == forwarded.format(m=m)


def test_clamped_path_is_what_the_policy_sees(gw, upstream):
    m = h.marker()
    resp = h.request(gw, "GET", f"/../../prod/admin?mk={m}")
    h.assert_error(resp, 403, "AccessDeniedException", prefix="User: anonymous is not authorized")
    assert resp.message.endswith(f"{API}/prod/GET/admin with an explicit deny"), resp.message
    assert upstream.matching(m) == []


def test_signed_request_with_encoded_dots_verifies_against_the_path_as_signed(gw, upstream):
    # botocore signs the raw path (`%2e%2e` is not a dot segment to SigV4); the router and the upstream see the
    # path with it resolved
    m = h.marker()
    target, headers = h.sign("GET", "localhost", f"/prod/signed/x/%2e%2e/{m}", identity=ALICE)
    resp = h.request(gw, "GET", target, headers=headers)
    assert resp.status == 200, resp
    assert upstream.one(m).path == f"/signed/{m}"


# ---------------------------------------------------------------------------------------------- headers

LOOK_ALIKES = [
    ("X_Forwarded_For", "6.6.6.6"),
    ("x_forwarded_proto", "http"),
    ("X_Forwarded_Host", "evil.example"),
    ("X-Forwarded_Client-Cert", "Hash=00;URI=spiffe://demo.internal/admin"),
    ("X_Gatehouse_Principal", "arn:aws:iam::123456789012:root"),
    ("X_GATEHOUSE_SOURCE_VPCE", "vpce-evil"),
    ("X_Request_Id", "spoofed-request-id"),
    ("X_Gatehouse_Tenant", "other"),
    ("X-Gatehouse-Role", "admin"),
    ("x-gatehouse-principal", "arn:aws:iam::123456789012:root"),
]
OVERRIDES = [
    ("X-HTTP-Method-Override", "DELETE"),
    ("X_HTTP_Method_Override", "DELETE"),
    ("X-HTTP-Method", "DELETE"),
    ("x_http_method", "DELETE"),
    ("X-Method-Override", "DELETE"),
    ("X_Method_Override", "DELETE"),
    ("X-Original-URL", "/admin"),
    ("X_Original_URL", "/admin"),
    ("X-Rewrite-URL", "/admin"),
    ("x_rewrite_url", "/admin"),
]


def folded(name: str) -> str:
    return name.lower().replace("_", "-")


def assert_none_forwarded(rec, sent):
    """No value of `sent` reached the upstream under any spelling of its name (Gatehouse's own values differ)."""
    for name, value in sent:
        for k, v in rec.headers:
            assert not (folded(k) == folded(name) and v == value), f"{name}: {value!r} forwarded as {k}: {rec.headers}"


def test_look_alike_and_override_headers_never_reach_upstream(gw, upstream, pki):
    # on a signed route: every header here is signed, and the signature still verifies over them
    m = h.marker()
    sent = LOOK_ALIKES + OVERRIDES
    target, headers = h.sign("GET", "orders.internal", f"/prod/signed/{m}", identity=WORKER, headers=sent)
    resp = h.request(gw, "GET", target, headers=headers, host=None)
    assert resp.status == 200, resp
    rec = upstream.one(m)
    assert rec.method == "GET"
    assert rec.path == f"/signed/{m}"
    assert_none_forwarded(rec, sent)
    assert [k for k, _ in rec.headers if "_" in k] == [], rec.headers
    for name in ("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override", "X-Original-URL", "X-Rewrite-URL"):
        assert not rec.has(name), rec.headers
    assert not [k for k, _ in rec.headers if folded(k).startswith("x-gatehouse-")
                and folded(k) not in ("x-gatehouse-principal", "x-gatehouse-source-vpce")], rec.headers
    # Gatehouse's own, once each, with its values
    assert rec.headers_named("X-Forwarded-For") == [h.LOOPBACK]
    assert rec.headers_named("X-Forwarded-Proto") == ["https"]
    assert rec.headers_named("X-Forwarded-Host") == ["orders.internal"]
    assert rec.headers_named("X-Gatehouse-Principal") == [WORKER.principal]
    assert rec.headers_named("X-Gatehouse-Source-Vpce") == ["vpce-local"]
    assert rec.headers_named("X-Request-Id") == [resp.request_id]
    alice = pki.client("alice")
    assert rec.headers_named("X-Forwarded-Client-Cert") == [
        f'Hash={alice.sha256};Subject="CN=alice";URI=spiffe://demo.internal/alice']


def test_underscore_headers_dropped_by_default(gw, upstream):
    m = h.marker()
    resp = h.request(gw, "GET", f"/prod/{m}", headers=[("X_Custom", "u"), ("Trace_Id", "t"), ("X-Custom", "d")])
    assert resp.status == 200, resp
    rec = upstream.one(m)
    assert [k for k, _ in rec.headers if "_" in k] == [], rec.headers
    assert rec.headers_named("X-Custom") == ["d"]


def test_underscore_headers_forwarded_with_the_option_but_never_look_alikes(gw_underscores, upstream):
    m = h.marker()
    sent = LOOK_ALIKES + OVERRIDES
    resp = h.request(gw_underscores, "GET", f"/prod/{m}",
                     headers=[("X_Custom", "u"), ("Trace_Id", "t"), ("X-Custom", "d")] + sent)
    assert resp.status == 200, resp
    rec = upstream.one(m)
    assert [(k, v) for k, v in rec.headers if "_" in k] == [("X_Custom", "u"), ("Trace_Id", "t")], rec.headers
    assert rec.headers_named("X-Custom") == ["d"]
    assert_none_forwarded(rec, sent)
    assert rec.headers_named("X-Forwarded-For") == [h.LOOPBACK]
    assert rec.headers_named("X-Request-Id") == [resp.request_id]
    assert not rec.has("X-Gatehouse-Principal")


def test_signed_underscore_header_verifies_and_is_not_forwarded(gw, upstream):
    m = h.marker()
    target, headers = h.sign("PUT", "localhost", f"/prod/signed/{m}", identity=ALICE, body=b"x",
                             headers=[("X_Signed_Thing", "kept for SigV4")])
    assert any(k == "X_Signed_Thing" for k, _ in headers)
    auth = dict((k.lower(), v) for k, v in headers)["authorization"]
    assert "x_signed_thing" in auth, auth
    resp = h.request(gw, "PUT", target, headers=headers, body=b"x")
    assert resp.status == 200, resp
    rec = upstream.one(m)
    assert not [k for k, _ in rec.headers if "_" in k], rec.headers
    assert rec.headers_named("X-Gatehouse-Principal") == [ALICE.principal]


def test_hop_by_hop_and_connection_named_headers_never_forwarded(gw, upstream):
    m = h.marker()
    with h.RawConn(gw) as conn:
        conn.send(
            h.raw_head(
                "POST", f"/prod/{m}",
                "Connection: keep-alive, X-Nominated",
                "X-Nominated: hop",
                "Keep-Alive: timeout=5",
                "Proxy-Connection: keep-alive",
                "TE: trailers",
                "Trailer: X-Checksum",
                "Transfer-Encoding: chunked",
                "X-End-To-End: kept",
            )[:-2]
            + b"\r\n5\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n"
        )
        resp = conn.read_response()
    assert resp.status == 200, resp
    rec = upstream.one(m)
    for name in ("X-Nominated", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding"):
        assert not rec.has(name), f"{name} forwarded: {rec.headers}"
    for value in rec.headers_named("Connection"):
        assert "nominated" not in value.lower(), rec.headers
    assert rec.header("X-End-To-End") == "kept"
    assert rec.headers_named("Content-Length") == ["5"]
    assert rec.body == b"hello"


# ---------------------------------------------------------------------------------------------- presigned

AUTH_PARAMS = {
    "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
    "X-Amz-Signature", "X-Amz-Security-Token", "X-Amz-Region-Set",
}


def split_target(target):
    path, _, query = target.partition("?")
    return path, query.split("&")


def names(pairs):
    return [urllib.parse.unquote(p.partition("=")[0]) for p in pairs]


@pytest.mark.parametrize("mode, identity", [("query", ALICE), ("query", WORKER), ("v4a-query", ALICE)])
def test_presigned_credentials_never_reach_the_upstream(gw, upstream, mode, identity):
    m = h.marker()
    target, headers = h.sign("GET", "localhost", f"/prod/signed/{m}?z=%2F%20&b=2&a=1&flag",
                             identity=identity, mode=mode, region="us-east-1" if mode == "query" else "*")
    path, pairs = split_target(target)
    sent_auth = [n for n in names(pairs) if n in AUTH_PARAMS]
    assert "X-Amz-Signature" in sent_auth and "X-Amz-Credential" in sent_auth, pairs
    if identity.token:
        assert "X-Amz-Security-Token" in sent_auth, pairs
    if mode == "v4a-query":
        assert "X-Amz-Region-Set" in sent_auth, pairs
    # The canonical query is sorted and re-encoded, so the order and the escapes' case on the wire are free:
    # move an ordinary parameter between the credentials, and write its escapes in lower case.
    ordinary = [p for p in pairs if names([p])[0] not in AUTH_PARAMS]
    auth = [p for p in pairs if names([p])[0] in AUTH_PARAMS]
    ordinary = [p.replace("%2F", "%2f") for p in ordinary]
    wire = [ordinary[0]] + auth[:2] + ordinary[1:] + auth[2:]
    resp = h.request(gw, "GET", path + "?" + "&".join(wire), headers=headers)
    assert resp.status == 200, resp
    rec = upstream.one(m)
    up_path, _, up_query = rec.path.partition("?")
    assert up_path == f"/signed/{m}"
    assert up_query == "&".join(ordinary), rec.path
    assert "%2f" in up_query, "escapes are forwarded byte for byte"
    assert not [n for n in names(up_query.split("&")) if n.lower().startswith("x-amz-")], rec.path
    assert rec.headers_named("X-Gatehouse-Principal") == [identity.principal]


def test_presigned_signature_under_an_encoded_name_is_removed_too(gw, upstream):
    # the verifier reads parameter names percent-decoded (as AWS does), so `X%2DAmz-Signature` is the signature
    m = h.marker()
    target, headers = h.sign("GET", "localhost", f"/prod/signed/{m}?keep=1", identity=ALICE, mode="query")
    target = target.replace("X-Amz-Signature=", "X%2DAmz-Signature=").replace("X-Amz-Credential=", "X-Amz-Cred%65ntial=")
    resp = h.request(gw, "GET", target, headers=headers)
    assert resp.status == 200, resp
    assert upstream.one(m).path == f"/signed/{m}?keep=1"


def test_presigned_lower_case_look_alike_parameter_is_ordinary_and_forwarded(gw, upstream):
    # names are case-sensitive in SigV4: `x-amz-signature` is a signed ordinary parameter, not a credential
    m = h.marker()
    target, headers = h.sign("GET", "localhost", f"/prod/signed/{m}?x-amz-signature=plain&keep=1",
                             identity=ALICE, mode="query")
    resp = h.request(gw, "GET", target, headers=headers)
    assert resp.status == 200, resp
    assert upstream.one(m).path == f"/signed/{m}?x-amz-signature=plain&keep=1"


def test_presigned_credentials_are_removed_on_a_none_route_too(gw, upstream):
    # a presigned URL sent to a route that does not check it is still a credential the upstream must not log
    m = h.marker()
    target, headers = h.sign("GET", "localhost", f"/prod/open/{m}?keep=1", identity=WORKER, mode="query")
    assert "X-Amz-Security-Token=" in target and "X-Amz-Signature=" in target
    resp = h.request(gw, "GET", target, headers=headers)
    assert resp.status == 200, resp
    assert upstream.one(m).path == f"/open/{m}?keep=1"


def test_header_signed_request_keeps_its_x_amz_query_parameters(gw, upstream):
    # not presigned: nothing is a credential, the query goes as sent
    m = h.marker()
    target, headers = h.sign("GET", "localhost", f"/prod/signed/{m}?X-Amz-Date=20260101T000000Z&k=v",
                             identity=ALICE)
    resp = h.request(gw, "GET", target, headers=headers)
    assert resp.status == 200, resp
    assert upstream.one(m).path == f"/signed/{m}?X-Amz-Date=20260101T000000Z&k=v"
