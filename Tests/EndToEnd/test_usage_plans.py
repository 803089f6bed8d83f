"""Contract section 7 end to end: API keys (gate 7), token-bucket throttles in the contract's order (gate 8),
RateLimit headers, access-record fields, metrics, reloads and validate errors — real TLS clients on one keep-alive
connection, a real upstream."""

from __future__ import annotations

import pytest
import yaml

import harness as h
import usage_support as us
from usage_support import API, KEYS


@pytest.fixture(scope="module")
def gw(pki, upstream, start_gateway):
    return start_gateway(us.usage_config(pki, upstream.url), env=us.key_env())


def throttled(gw, limit: str, stage: str = "prod") -> float:
    value = us.metric(gw, "gatehouse_throttled_requests_total", api=API, stage=stage, limit=limit)
    assert value is not None, f"no gatehouse_throttled_requests_total series for {stage}/{limit}"
    return value


def assert_too_many(resp: h.Response, level: str) -> int:
    h.assert_error(resp, 429, "TooManyRequestsException", "Too Many Requests")
    assert resp.header("RateLimit-Policy", ).startswith(f'"{level}";'), resp
    assert resp.header("RateLimit").startswith(f'"{level}";r=0;'), resp
    retry = resp.header("Retry-After")
    assert retry is not None and retry.isdigit(), resp
    return int(retry)


# ------------------------------------------------------------------------------------------------ gate 7


@pytest.mark.parametrize(
    "key", [None, "no-such-key-0123456789abc", KEYS["k-off"], KEYS["k-beta"], KEYS["k-stray"]],
    ids=["missing", "unknown", "disabled", "other-stage", "in-no-plan"])
def test_keyed_route_refuses_every_key_that_is_not_a_consumer_of_this_stage(gw, upstream, key):
    m = h.marker()
    conn = h.https_connection(gw)
    try:
        resp = us.get(conn, f"/prod/keyed/{m}", key)
    finally:
        conn.close()
    h.assert_error(resp, 403, "ForbiddenException", "Forbidden")
    upstream.assert_not_called(m)
    # A plan covers the stage: even a refusal before gate 8 says where the caller stands.
    assert resp.header("RateLimit-Policy") == '"gateway";q=5000;w=1', resp
    assert resp.header("RateLimit").startswith('"gateway";r='), resp
    assert resp.header("Retry-After") is None
    record = h.access_fields(gw, resp.request_id)
    assert record["ERROR_TYPE"] == "ForbiddenException"
    assert record["USAGE_PLAN"] == "" and record["CONSUMER"] == ""
    if key is not None:
        assert key not in gw.stderr_text(10**7)


def test_a_valid_key_reaches_the_upstream_without_x_api_key(gw, upstream):
    m = h.marker()
    conn = h.https_connection(gw)
    try:
        resp = us.get(conn, f"/prod/keyed/{m}", KEYS["k-forward"], headers=[("X-Api-Key-Note", "kept")])
    finally:
        conn.close()
    assert resp.status == 200, resp
    seen = upstream.one(m)
    assert not seen.has("x-api-key"), seen.headers
    assert seen.header("X-Api-Key-Note") == "kept"
    # The tightest limit is the plan's (burst 5, 0.01/s): one token used.
    assert resp.header("RateLimit-Policy") == '"plan";q=5;w=500', resp
    assert resp.header("RateLimit") in ('"plan";r=4;t=100', '"plan";r=4;t=99'), resp
    record = h.access_fields(gw, resp.request_id)
    assert record["API_KEY_ID"] == "k-forward"
    assert record["USAGE_PLAN"] == "gold"
    assert record["CONSUMER"] == "k-forward"
    assert KEYS["k-forward"] not in gw.stderr_text(10**7)


# ------------------------------------------------------------------------------------------------ gate 8


def test_burst_admits_exactly_its_size_then_429_with_retry_after(gw):
    before = throttled(gw, "plan")
    conn = h.https_connection(gw)
    try:
        for i in range(5):
            resp = us.get(conn, "/prod/open", KEYS["k-burst"])
            assert resp.status == 200, (i, resp)
            assert resp.header("RateLimit") is not None and resp.header("RateLimit").startswith(f'"plan";r={4 - i};')
        for _ in range(2):
            retry = assert_too_many(us.get(conn, "/prod/open", KEYS["k-burst"]), "plan")
            assert 1 <= retry <= 100  # one token at 0.01/s
    finally:
        conn.close()
    assert throttled(gw, "plan") == before + 2


def test_plan_route_is_checked_before_the_plan_and_a_refusal_takes_no_token(gw):
    before = (throttled(gw, "plan_route"), throttled(gw, "plan"))
    conn = h.https_connection(gw)
    try:
        for _ in range(2):
            assert us.get(conn, "/prod/tight", KEYS["k-order"]).status == 200
        assert_too_many(us.get(conn, "/prod/tight", KEYS["k-order"]), "plan_route")
        # The plan (burst 5) gave 2 tokens; the refused request took none: exactly 3 are left.
        for _ in range(3):
            assert us.get(conn, "/prod/other", KEYS["k-order"]).status == 200
        assert_too_many(us.get(conn, "/prod/other", KEYS["k-order"]), "plan")
    finally:
        conn.close()
    assert (throttled(gw, "plan_route"), throttled(gw, "plan")) == (before[0] + 1, before[1] + 1)


def test_a_stage_route_refusal_takes_nothing_from_the_plan_checked_before_it(gw):
    before = throttled(gw, "stage_route")
    conn = h.https_connection(gw)
    try:
        for _ in range(3):
            assert us.get(conn, "/prod/staged", KEYS["k-stage"]).status == 200
        for _ in range(3):
            assert_too_many(us.get(conn, "/prod/staged", KEYS["k-stage"]), "stage_route")
        for _ in range(2):
            assert us.get(conn, "/prod/open", KEYS["k-stage"]).status == 200
        assert_too_many(us.get(conn, "/prod/open", KEYS["k-stage"]), "plan")
    finally:
        conn.close()
    assert throttled(gw, "stage_route") == before + 3


def test_the_gateway_throttle_counts_everyone(pki, upstream, start_gateway):
    gw = start_gateway(
        us.usage_config(pki, upstream.url, gateway_throttle={"rate": 0.01, "burst": 3}), env=us.key_env())
    conn = h.https_connection(gw)
    try:
        assert us.get(conn, "/prod/open", KEYS["k-burst"]).status == 200
        assert us.get(conn, "/solo/open").status == 200
        assert us.get(conn, "/beta/open", KEYS["k-beta"]).status == 200
        assert_too_many(us.get(conn, "/prod/open"), "gateway")
        # On a stage no plan covers, the refusal carries Retry-After but no RateLimit fields.
        resp = us.get(conn, "/solo/open")
        h.assert_error(resp, 429, "TooManyRequestsException", "Too Many Requests")
        assert resp.header("RateLimit") is None and resp.header("RateLimit-Policy") is None, resp
        assert resp.header("Retry-After") is not None
    finally:
        conn.close()
    assert throttled(gw, "gateway", "prod") == 1 and throttled(gw, "gateway", "solo") == 1


def test_no_ratelimit_fields_where_no_plan_applies(gw):
    conn = h.https_connection(gw)
    try:
        resp = us.get(conn, "/solo/open", KEYS["k-burst"])
    finally:
        conn.close()
    assert resp.status == 200, resp
    assert resp.header("RateLimit") is None and resp.header("RateLimit-Policy") is None, resp
    # No plan covers the stage: the key is not even read.
    assert h.access_fields(gw, resp.request_id)["API_KEY_ID"] == ""


def test_http2_streams_pass_the_same_gates_with_the_same_fields(gw, upstream):
    import http2_support as h2

    m = h.marker()
    with h2.H2Client(gw) as client:
        refused = client.request("GET", f"/prod/keyed/{m}")
        assert refused.status == 403 and refused.error_type == "ForbiddenException", refused
        assert refused.header("ratelimit-policy") == '"gateway";q=5000;w=1', refused
        ok = client.request("GET", f"/prod/keyed/{m}", headers=[("x-api-key", KEYS["k-h2"])])
        assert ok.status == 200, ok
        assert ok.header("ratelimit-policy") == '"plan";q=5;w=500', ok
        assert not upstream.one(m).has("x-api-key")
        for _ in range(4):
            assert client.request("GET", "/prod/open", headers=[("x-api-key", KEYS["k-h2"])]).status == 200
        throttled_answer = client.request("GET", "/prod/open", headers=[("x-api-key", KEYS["k-h2"])])
    assert throttled_answer.status == 429 and throttled_answer.error_type == "TooManyRequestsException"
    assert throttled_answer.header("ratelimit").startswith('"plan";r=0;'), throttled_answer
    assert throttled_answer.header("retry-after").isdigit(), throttled_answer
    record = h.access_fields(gw, ok.request_id)
    assert (record["API_KEY_ID"], record["USAGE_PLAN"], record["CONSUMER"]) == ("k-h2", "gold", "k-h2")


# ------------------------------------------------------------------------------------------------ quota


def seconds_to_utc_midnight() -> float:
    import datetime as dt

    now = dt.datetime.now(dt.timezone.utc)
    midnight = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds()


def test_quota_admits_its_limit_then_limit_exceeded_and_survives_reload_and_restart(gw):
    before = throttled(gw, "quota")
    conn = h.https_connection(gw)
    try:
        for left in (2, 1, 0):
            resp = us.get(conn, "/prod/open", KEYS["k-quota"])
            assert resp.status == 200, resp
            # The quota is the tightest limit (the plan's bucket has 1000).
            assert resp.header("RateLimit-Policy") == '"quota";q=3;w=86400', resp
            assert resp.header("RateLimit").startswith(f'"quota";r={left};t='), resp
        resp = us.get(conn, "/prod/open", KEYS["k-quota"])
    finally:
        conn.close()
    h.assert_error(resp, 429, "LimitExceededException", "Limit Exceeded")
    assert resp.header("RateLimit").startswith('"quota";r=0;t='), resp
    assert abs(int(resp.header("Retry-After")) - seconds_to_utc_midnight()) <= 5, resp
    assert throttled(gw, "quota") == before + 1
    assert us.metric(gw, "gatehouse_quota_remaining", plan="platinum", consumer="k-quota") == 0
    record = h.access_fields(gw, resp.request_id)
    assert (record["ERROR_TYPE"], record["USAGE_PLAN"], record["CONSUMER"]) == (
        "LimitExceededException", "platinum", "k-quota")

    h.reload(gw, gw.config)
    h.assert_error(h.request(gw, "GET", "/prod/open", headers=[("x-api-key", KEYS["k-quota"])]), 429,
                   "LimitExceededException", "Limit Exceeded")
    gw.stop()
    gw.start()
    h.assert_error(h.request(gw, "GET", "/prod/open", headers=[("x-api-key", KEYS["k-quota"])]), 429,
                   "LimitExceededException", "Limit Exceeded")


# ------------------------------------------------------------------------------------------------ consumers


def test_consumers_by_principal_then_client_certificate(gw, upstream):
    m = h.marker()
    target, headers = h.sign("GET", "localhost", f"/prod/signed/{m}", identity=h.BOB)
    signed = h.request(gw, "GET", target, headers=headers)
    assert signed.status == 200, signed
    record = h.access_fields(gw, signed.request_id)
    assert (record["USAGE_PLAN"], record["CONSUMER"], record["API_KEY_ID"]) == ("gold", h.BOB.principal, "")

    by_cert = h.request(gw, "GET", "/prod/open", client="bob")
    record = h.access_fields(gw, by_cert.request_id)
    assert (record["USAGE_PLAN"], record["CONSUMER"]) == ("bronze", "spiffe://demo.internal/bob")
    assert by_cert.header("RateLimit-Policy") == '"plan";q=1000;w=1', by_cert  # bronze's bucket is the tightest

    nobody = h.request(gw, "GET", "/prod/open", client="alice")
    record = h.access_fields(gw, nobody.request_id)
    assert (record["USAGE_PLAN"], record["CONSUMER"]) == ("", "")


# ------------------------------------------------------------------------------------------------ metrics, reload


def test_throttle_series_exist_before_any_refusal(gw):
    assert throttled(gw, "gateway", "solo") == 0
    for limit in ("plan_route", "plan", "stage_route", "gateway", "quota"):
        assert us.metric(gw, "gatehouse_throttled_requests_total", api=API, stage="prod", limit=limit) is not None
    assert "# TYPE gatehouse_quota_remaining gauge" in us.metrics_text(gw)


def test_a_reload_keeps_the_counts_of_consumers_that_still_exist(gw):
    conn = h.https_connection(gw)
    try:
        for _ in range(3):
            assert us.get(conn, "/prod/open", KEYS["k-reload"]).status == 200
        cfg = dict(gw.config)
        cfg["usage_plans"] = [dict(p) for p in gw.config["usage_plans"]]
        cfg["usage_plans"][2]["throttle"] = {"rate": 999, "burst": 999}  # another plan changes
        h.reload(gw, cfg)
        for _ in range(2):
            assert us.get(conn, "/prod/open", KEYS["k-reload"]).status == 200
        assert_too_many(us.get(conn, "/prod/open", KEYS["k-reload"]), "plan")
    finally:
        conn.close()


# ------------------------------------------------------------------------------------------------ validate

BAD_PLANS = """\
api_keys:
  - {id: short, value_env: GH_E2E_SHORT}
usage_plans:
  - id: gold
    api_stages:
      - {api: zzzzzzzzzz, stage: prod}
      - {api: API_ID, stage: nowhere}
      - {api: API_ID, stage: prod, route_throttles: {"DELETE /open": {rate: 1, burst: 1}}}
    consumers: {api_keys: [short, ghost]}
"""


def test_validate_reports_usage_mistakes_at_their_positions(tmp_path, pki, upstream):
    gw = h.Gateway(tmp_path, us.usage_config(pki, upstream.url), pki, env={"GH_E2E_SHORT": "short-key"})
    gw.write_files()
    # Replace the good keys and plans with the bad ones (appended last, so their lines are known).
    cfg = dict(gw.config)
    cfg.pop("api_keys")
    cfg.pop("usage_plans")
    text = yaml.safe_dump(cfg, sort_keys=False)
    first = len(text.splitlines()) + 1
    gw.config_path.write_text(text + BAD_PLANS.replace("API_ID", API))
    out = h.run_cli("validate", "--config", gw.config_path, env=gw.process_env())
    assert out.returncode == 1, (out.stdout, out.stderr)
    path = str(gw.config_path)
    expected = [
        f"{path}:{first + 1}:28: the value of api key \"short\" must be 20-128 printable ASCII characters without "
        "spaces, found 9 characters",
        f"{path}:{first + 5}:15: usage plan \"gold\" names api \"zzzzzzzzzz\", which is not configured",
        f"{path}:{first + 6}:34: usage plan \"gold\" names stage \"nowhere\", which api \"{API}\" does not have",
        f"{path}:{first + 7}:58: route throttle \"DELETE /open\" names no route of api \"{API}\"",
        f"{path}:{first + 8}:35: usage plan \"gold\" names api key \"ghost\", which is not configured",
    ]
    for line in expected:
        assert line in out.stderr + out.stdout, (line, out.stderr, out.stdout)
    assert "short-key" not in out.stderr + out.stdout
