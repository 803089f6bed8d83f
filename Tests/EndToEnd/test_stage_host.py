"""Stage by host (contract §9): a `{host, stage}` entry of `hosts` pins the stage, so requests to that host carry
no stage prefix; SigV4 signs the path as sent, while the policy's resource ARN and the access record still name
the stage."""

import re

import pytest

import harness as h
from harness import ALICE, ACCOUNT, REGION
from test_hostile_upstream import access_record

API = "st4geh0st1"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
        {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
         "Resource": "execute-api:/prod/GET/svc.Admin/*"},
    ],
}


@pytest.fixture(scope="module")
def gw(pki, upstream, start_gateway):
    cfg = h.base_config(
        pki,
        apis=[
            {
                "id": API,
                "name": "stagehost",
                "hosts": ["orders.internal", {"host": "grpc.internal", "stage": "prod"},
                          {"host": "grpc-dev.internal", "stage": "dev"}],
                "authorization": "AWS_IAM",
                "policy": POLICY,
                "stages": {"prod": {}, "dev": {}},
                "routes": [
                    {"route": "POST /echo.Echo/Say", "integration": h.proxy(upstream.url + "/echo/Say")},
                    {"route": "ANY /svc.Admin/{proxy+}", "integration": h.proxy(upstream.url + "/admin/{proxy}")},
                ],
            }
        ],
    )
    return start_gateway(cfg)


def signed(gw, method, host, target, body=b""):
    t, headers = h.sign(method, host, target, identity=ALICE, body=body)
    return h.request(gw, method, t, headers=headers, body=body if method != "GET" else None, host=None)


def test_stage_host_routes_the_whole_path_and_records_the_stage(gw, upstream):
    m = h.marker()
    resp = signed(gw, "POST", "grpc.internal", f"/echo.Echo/Say?m={m}", body=b"hi")
    assert resp.status == 200, resp
    rec = upstream.one(m)
    assert rec.path == f"/echo/Say?m={m}"
    _, f = access_record(gw, resp.request_id)
    assert f["STAGE"] == "prod"
    assert f["ROUTE_KEY"] == "POST /echo.Echo/Say"
    assert f["PATH"] == "/echo.Echo/Say"  # the path as sent: no stage in it


def test_second_stage_host_selects_its_stage(gw, upstream):
    m = h.marker()
    resp = signed(gw, "POST", "grpc-dev.internal:443", f"/echo.Echo/Say?m={m}")
    assert resp.status == 200, resp
    _, f = access_record(gw, resp.request_id)
    assert f["STAGE"] == "dev"


def test_stage_prefix_on_a_stage_host_is_not_found(gw):
    resp = signed(gw, "POST", "grpc.internal", "/prod/echo.Echo/Say")
    h.assert_error(resp, 404, "NotFoundException", "Not Found")


def test_plain_host_still_needs_the_stage_prefix(gw, upstream):
    m = h.marker()
    resp = signed(gw, "POST", "orders.internal", f"/prod/echo.Echo/Say?m={m}")
    assert resp.status == 200, resp
    assert upstream.one(m).path == f"/echo/Say?m={m}"
    resp = signed(gw, "POST", "orders.internal", "/echo.Echo/Say")
    h.assert_error(resp, 404, "NotFoundException", "Not Found")


def test_policy_resource_names_the_pinned_stage(gw):
    resp = signed(gw, "GET", "grpc.internal", "/svc.Admin/Reset")
    h.assert_error(
        resp, 403, "AccessDeniedException",
        f"User: {ALICE.principal} is not authorized to perform: execute-api:Invoke on resource: "
        f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{API}/prod/GET/svc.Admin/Reset with an explicit deny")
    # the same path on the dev host is a different resource, which the deny does not name
    assert signed(gw, "GET", "grpc-dev.internal", "/svc.Admin/Reset").status == 200


def test_signature_covers_the_path_as_sent(gw):
    # signed as if the stage were in the path: the gateway verifies the path the client sent, so it fails
    _, headers = h.sign("POST", "grpc.internal", "/prod/echo.Echo/Say", identity=ALICE)
    resp = h.request(gw, "POST", "/echo.Echo/Say", headers=headers, body=b"", host=None)
    assert resp.status == 403 and resp.error_type == "InvalidSignatureException", resp


def test_validate_reports_unknown_stage_and_duplicate_host_at_their_positions(tmp_path, pki):
    cfg = h.base_config(pki, apis=[{
        "id": API, "hosts": ["grpc.internal", {"host": "GRPC.internal", "stage": "prod"},
                             {"host": "x.internal", "stage": "nope"}],
        "stages": {"prod": {}},
        "routes": [{"route": "GET /x", "integration": h.mock()}],
    }])
    gw = h.Gateway(tmp_path, cfg, pki)
    gw.write_files()
    lines = gw.config_path.read_text().splitlines()
    out = h.run_cli("validate", "--config", gw.config_path, env=gw.process_env())
    assert out.returncode == 1, out.stdout
    text = out.stdout + out.stderr
    dup_line = next(i + 1 for i, ln in enumerate(lines) if "host: GRPC.internal" in ln)
    stage_line = next(i + 1 for i, ln in enumerate(lines) if "stage: nope" in ln)
    assert re.search(rf":{dup_line}:\d+: host \"GRPC.internal\" is listed twice in api \"{API}\"", text), text
    assert re.search(
        rf":{stage_line}:\d+: host \"x.internal\" names unknown stage \"nope\" in api \"{API}\" \(stages: \"prod\"\)",
        text), text
