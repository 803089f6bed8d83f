"""Gate 6: resource policies through the running gateway, and `gatehouse policy simulate` agreeing with it."""

from dataclasses import dataclass, field

import pytest

import harness as h
from harness import ALICE, BOB, LOOPBACK, OTHER_SOURCE, WORKER, Identity

NET = "pnet000001"
PRN = "pprn000001"
MTH = "pmth000001"
CRT = "pcrt000001"
ADM = "padm000001"

INVOKE = "execute-api:Invoke"


def stmt(sid, effect, resource, principal="*", condition=None, action=INVOKE):
    s = {"Sid": sid, "Effect": effect, "Principal": principal, "Action": action, "Resource": resource}
    if condition:
        s["Condition"] = condition
    return s


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def policies(pki):
    alice_hash = pki.client("alice").sha256
    return {
        NET: policy(
            stmt("AllowVpceA", "Allow", "execute-api:/*", condition={"StringEquals": {"aws:SourceVpce": "vpce-a"}}),
            stmt("AllowOneIp", "Allow", "execute-api:/prod/GET/ip/*",
                 condition={"IpAddress": {"aws:SourceIp": "127.0.0.9/32"}}),
            stmt("DenyVpcBWrites", "Deny", "execute-api:/prod/POST/*",
                 condition={"StringEquals": {"aws:SourceVpc": "vpc-b"}}),
        ),
        PRN: policy(
            stmt("AllowAlice", "Allow", "execute-api:/*", principal={"AWS": ALICE.principal}),
            stmt("AllowSearchTeamPublic", "Allow", "execute-api:/prod/GET/public/*", principal={"AWS": "*"},
                 condition={"StringEquals": {"aws:PrincipalTag/team": "search"}}),
        ),
        MTH: policy(
            stmt("AllowReads", "Allow", "execute-api:/prod/GET/*"),
            stmt("AllowOrderWrites", "Allow", [f"arn:aws:execute-api:us-east-1:{h.ACCOUNT}:{MTH}/prod/POST/orders/*"]),
            stmt("AllowVersionedPut", "Allow", "execute-api:/prod/PUT/v?/*"),
            stmt("DenyDeletes", "Deny", "execute-api:/prod/DELETE/*"),
        ),
        CRT: policy(
            stmt("AllowAliceCert", "Allow", "execute-api:/*",
                 condition={"StringLike": {"gatehouse:ClientCertUri": "spiffe://demo.internal/al*"}}),
            stmt("DenyAliceHash", "Deny", "execute-api:/prod/GET/hashdeny/*",
                 condition={"StringEquals": {"gatehouse:ClientCertSha256": alice_hash}}),
        ),
        ADM: policy(
            stmt("AllowAll", "Allow", "execute-api:/*"),
            stmt("DenyAdmin", "Deny", "execute-api:/prod/*/admin*"),
        ),
    }


@pytest.fixture(scope="module")
def gw(pki, upstream, start_gateway):
    pols = policies(pki)
    apis = []
    for api_id, auth in ((NET, "NONE"), (PRN, "AWS_IAM"), (MTH, "NONE"), (CRT, "NONE"), (ADM, "NONE")):
        apis.append(
            {
                "id": api_id,
                "name": api_id,
                "authorization": auth,
                # the admin API's policy is inline; the others are files
                "policy": pols[api_id] if api_id == ADM else f"policies/{api_id}.json",
                "stages": {"prod": {}},
                "routes": [{"route": "ANY /{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")}],
            }
        )
    cfg = h.base_config(
        pki,
        networks=[
            {"id": "vpce-a", "vpc": "vpc-a", "cidrs": ["127.0.0.0/29"]},
            {"id": "vpce-b", "vpc": "vpc-b", "cidrs": ["127.0.0.8/29"]},
        ],
        listeners=[h.https_listener(pki, allow_sources=["vpce-a", "vpce-b"])],
        apis=apis,
    )
    files = {f"policies/{k}.json": v for k, v in pols.items() if k != ADM}
    return start_gateway(cfg, files=files)


@dataclass
class Case:
    id: str
    api: str
    method: str
    path: str  # with {m} for a marker segment
    decision: str  # ALLOW / DENY
    sid: str | None  # deciding statement; None = implicit deny
    identity: Identity | None = None
    client: str = "alice"
    source: str = LOOPBACK
    context: dict = field(default_factory=dict)  # extra simulate --context

    def __str__(self):
        return self.id


CLIENT_URIS = {"alice": "spiffe://demo.internal/alice", "bob": "spiffe://demo.internal/bob", "dave": None}

CASES = [
    Case("vpce-a-allowed", NET, "GET", "/prod/net/{m}", "ALLOW", "AllowVpceA"),
    Case("vpce-b-implicit-deny", NET, "GET", "/prod/net/{m}", "DENY", None, source=OTHER_SOURCE),
    Case("vpc-b-explicit-deny", NET, "POST", "/prod/net/{m}", "DENY", "DenyVpcBWrites", source=OTHER_SOURCE),
    Case("source-ip-allowed", NET, "GET", "/prod/ip/{m}", "ALLOW", "AllowOneIp", source=OTHER_SOURCE),
    Case("principal-alice", PRN, "DELETE", "/prod/private/{m}", "ALLOW", "AllowAlice", identity=ALICE),
    Case("principal-tag", PRN, "GET", "/prod/public/{m}", "ALLOW", "AllowSearchTeamPublic", identity=BOB,
         context={"aws:PrincipalTag/team": "search"}),
    Case("principal-bob-private", PRN, "GET", "/prod/private/{m}", "DENY", None, identity=BOB,
         context={"aws:PrincipalTag/team": "search"}),
    Case("principal-worker", PRN, "GET", "/prod/public/{m}", "DENY", None, identity=WORKER),
    Case("method-get", MTH, "GET", "/prod/anything/{m}", "ALLOW", "AllowReads"),
    Case("method-post-orders-full-arn", MTH, "POST", "/prod/orders/{m}", "ALLOW", "AllowOrderWrites"),
    Case("method-post-other", MTH, "POST", "/prod/other/{m}", "DENY", None),
    Case("method-delete", MTH, "DELETE", "/prod/orders/{m}", "DENY", "DenyDeletes"),
    Case("wildcard-question-mark", MTH, "PUT", "/prod/v1/{m}", "ALLOW", "AllowVersionedPut"),
    Case("wildcard-question-mark-one-char", MTH, "PUT", "/prod/v10/{m}", "DENY", None),
    Case("cert-uri-alice", CRT, "GET", "/prod/c/{m}", "ALLOW", "AllowAliceCert"),
    Case("cert-uri-bob", CRT, "GET", "/prod/c/{m}", "DENY", None, client="bob"),
    Case("cert-no-uri", CRT, "GET", "/prod/c/{m}", "DENY", None, client="dave"),
    Case("cert-hash-deny", CRT, "GET", "/prod/hashdeny/{m}", "DENY", "DenyAliceHash"),
    Case("admin-public", ADM, "GET", "/prod/public/{m}", "ALLOW", "AllowAll"),
    Case("admin-direct", ADM, "GET", "/prod/admin/{m}", "DENY", "DenyAdmin"),
    Case("admin-nested", ADM, "POST", "/prod/x/admin-tools/{m}", "DENY", "DenyAdmin"),
]


def principal_of(case: Case) -> str:
    return case.identity.principal if case.identity else "anonymous"


def expected_message(case: Case, path: str) -> str:
    resource = f"arn:aws:execute-api:us-east-1:{h.ACCOUNT}:{case.api}/prod/{case.method}{path[len('/prod'):]}"
    msg = f"User: {principal_of(case)} is not authorized to perform: execute-api:Invoke on resource: {resource}"
    return msg + (" with an explicit deny" if case.sid else "")


def call(gw, case: Case, path: str):
    headers = [("x-apigw-api-id", case.api)]
    body = b"{}" if case.method in ("POST", "PUT") else None
    if case.identity:
        target, headers = h.sign(case.method, "localhost", path, identity=case.identity, headers=headers,
                                 body=body or b"")
    else:
        target = path
    return h.request(gw, case.method, target, headers=headers, body=body, client=case.client, source=case.source)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_serve_decides(gw, upstream, pki, case):
    m = h.marker()
    path = case.path.format(m=m)
    resp = call(gw, case, path)
    if case.decision == "ALLOW":
        assert resp.status == 200, resp
        assert len(upstream.matching(m)) == 1
    else:
        h.assert_error(resp, 403, "AccessDeniedException", expected_message(case, path))
        assert upstream.matching(m) == []


def simulate(gw, api, principal, method, path, source=None, client_uri=None, context=None):
    args = ["policy", "simulate", "--config", gw.config_path, "--api", api, "--principal", principal,
            "--method", method, "--path", path]
    if source:
        args += ["--source-ip", source]
    if client_uri:
        args += ["--client-uri", client_uri]
    for k, v in (context or {}).items():
        args += ["--context", f"{k}={v}"]
    return h.run_cli(*args, env={k: v for k, v in gw.process_env().items() if k.startswith("GATEHOUSE_E2E")})


@pytest.mark.parametrize("case", CASES, ids=str)
def test_simulate_agrees(gw, pki, case):
    path = case.path.format(m="sim")
    context = dict(case.context)
    if case.api == CRT:
        context["gatehouse:ClientCertSha256"] = pki.client(case.client).sha256
    out = simulate(gw, case.api, principal_of(case), case.method, path, case.source, CLIENT_URIS.get(case.client),
                   context)
    assert out.returncode == (0 if case.decision == "ALLOW" else 3), (out.returncode, out.stdout, out.stderr)
    line = out.stdout.strip()
    assert line.split()[0] == case.decision, line
    assert (case.sid or "implicit deny") in line, line


# ---------------------------------------------------------------------------------------------- normalization


@pytest.mark.parametrize(
    "raw",
    [
        "/prod/public/../admin",
        "/prod/public/./../admin",
        "/prod/public/%2e%2e/admin",
        "/prod/public/%2E%2E/admin",
        "/prod/public/.%2e/admin",
        "/prod/./admin",
        "/prod//admin",
        "/prod/public//../admin",
    ],
)
def test_dot_segment_and_slash_attacks_stay_denied(gw, upstream, raw):
    m = h.marker()
    resp = h.request(gw, "GET", f"{raw}?mk={m}", headers={"x-apigw-api-id": ADM})
    h.assert_error(resp, 403, "AccessDeniedException")
    assert resp.message.endswith(" with an explicit deny"), resp.message
    assert resp.message.startswith("User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
                                   f"arn:aws:execute-api:us-east-1:{h.ACCOUNT}:{ADM}/prod/GET/"), resp.message
    assert upstream.matching(m) == []


@pytest.mark.parametrize(
    "raw", ["/prod/%2Fadmin", "/prod/%2fadmin", "/prod/public/..%2Fadmin", "/prod/public%2F..%2Fadmin"]
)
def test_encoded_slash_attacks_never_reach_upstream(gw, upstream, raw):
    # contract §3 "Hostile input": a segment carrying an encoded `/` is 400
    m = h.marker()
    resp = h.request(gw, "GET", f"{raw}?mk={m}", headers={"x-apigw-api-id": ADM})
    h.assert_error(resp, 400, "BadRequestException")
    assert resp.message, resp
    upstream.assert_not_called(m)


def test_encoded_dot_dot_is_resolved_before_the_policy(gw, upstream):
    # `%2e%2e` is `..`, resolved first (contract §3): /prod/../prod/admin is /prod/admin, which the policy denies
    m = h.marker()
    resp = h.request(gw, "GET", f"/prod/%2e%2e/prod/admin?mk={m}", headers={"x-apigw-api-id": ADM})
    h.assert_error(resp, 403, "AccessDeniedException",
                   "User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
                   f"arn:aws:execute-api:us-east-1:{h.ACCOUNT}:{ADM}/prod/GET/admin with an explicit deny")
    upstream.assert_not_called(m)


def test_simulate_normalizes_like_serve(gw):
    out = simulate(gw, ADM, "anonymous", "GET", "/prod/public/../admin")
    assert out.returncode == 3, (out.stdout, out.stderr)
    assert "DenyAdmin" in out.stdout


def test_simulate_rejects_unknown_api(gw):
    out = simulate(gw, "zzzzzzzzzz", "anonymous", "GET", "/prod/x")
    # contract §1: a configuration error is exit 1, with one readable sentence naming what is at fault
    assert out.returncode == 1, (out.returncode, out.stdout, out.stderr)
    assert out.stdout == "", out.stdout
    assert out.stderr.strip() == f'no API with id "zzzzzzzzzz" in {gw.config_path}', out.stderr
