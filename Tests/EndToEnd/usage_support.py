"""Helpers for the usage-plan tests (contract section 7): API keys, a gateway config with plans, access records,
metrics and reloads."""

from __future__ import annotations

import re
import http.client


import harness as h

API = "usagepl4n1"

# key id -> value (20-128 printable ASCII); each test uses its own key, so each is a consumer with its own buckets.
KEYS = {
    "k-burst": "burst-0123456789abcdefghij",
    "k-order": "order-0123456789abcdefghij",
    "k-stage": "stage-0123456789abcdefghij",
    "k-headers": "headers-0123456789abcdefgh",
    "k-forward": "forward-0123456789abcdefgh",
    "k-reload": "reload-0123456789abcdefghi",
    "k-off": "disabled-0123456789abcdefg",
    "k-beta": "beta-only-0123456789abcdef",
    "k-stray": "stray-0123456789abcdefghij",
    "k-h2": "http2-0123456789abcdefghij",
    "k-quota": "quota-0123456789abcdefghij",
}


def key_env() -> dict:
    return {f"GH_E2E_KEY_{kid.upper().replace('-', '_')}": value for kid, value in KEYS.items()}


def api_keys_config() -> list[dict]:
    out = []
    for kid in KEYS:
        entry = {"id": kid, "value_env": f"GH_E2E_KEY_{kid.upper().replace('-', '_')}"}
        if kid == "k-off":
            entry["enabled"] = False
        out.append(entry)
    return out


def usage_config(pki: h.PKI, upstream_url: str, *, gateway_throttle: dict | None = None, extra_keys=()) -> dict:
    """One API, authorization NONE except `/signed/...`:
    - stage `prod`, covered by plan `gold` (per consumer: burst 5, `GET /tight` burst 2; rate 0.01/s, so nothing
      refills during a test) and by plan `bronze` (counts the client certificate of `bob`);
      stage route throttle `GET /staged` burst 3 (all callers);
    - stage `beta`, covered by plan `silver` only (key `k-beta`);
    - stage `solo`, covered by no plan."""
    slow = 0.01
    gold_keys = ["k-burst", "k-order", "k-stage", "k-headers", "k-forward", "k-reload", "k-off", "k-h2", *extra_keys]
    cfg = h.base_config(
        pki,
        listeners=[h.https_listener(pki), h.admin_listener()],
        apis=[
            {
                "id": API,
                "name": "usage",
                "authorization": "NONE",
                "stages": {
                    "prod": {"route_throttles": {"GET /staged": {"rate": slow, "burst": 3}}},
                    "beta": {},
                    "solo": {},
                },
                "routes": [
                    {"route": "GET /keyed/{proxy+}", "api_key_required": True,
                     "integration": h.proxy(upstream_url + "/keyed/{proxy}")},
                    {"route": "GET /open", "integration": h.mock(200, '{"open":true}')},
                    {"route": "GET /other", "integration": h.mock(200, '{"other":true}')},
                    {"route": "GET /tight", "integration": h.mock(200, '{"tight":true}')},
                    {"route": "GET /staged", "integration": h.mock(200, '{"staged":true}')},
                    {"route": "GET /signed/{proxy+}", "authorization": "AWS_IAM",
                     "integration": h.proxy(upstream_url + "/signed/{proxy}")},
                    {"route": "GET /relay/{proxy+}", "integration": h.proxy(upstream_url + "/relay/{proxy}")},
                ],
            }
        ],
    )
    cfg["api_keys"] = api_keys_config()
    cfg["usage_plans"] = [
        {
            "id": "gold",
            "throttle": {"rate": slow, "burst": 5},
            "api_stages": [
                {"api": API, "stage": "prod", "route_throttles": {"GET /tight": {"rate": slow, "burst": 2}}}
            ],
            "consumers": {"api_keys": gold_keys, "principals": [h.BOB.principal]},
        },
        {
            "id": "silver",
            "api_stages": [{"api": API, "stage": "beta"}],
            "consumers": {"api_keys": ["k-beta"]},
        },
        {
            "id": "bronze",
            "throttle": {"rate": 1000, "burst": 1000},
            "api_stages": [{"api": API, "stage": "prod"}],
            "consumers": {"clients": ["spiffe://demo.internal/bob"]},
        },
        {
            "id": "platinum",
            "throttle": {"rate": 1000, "burst": 1000},
            "quota": {"limit": 3, "period": "DAY"},
            "api_stages": [{"api": API, "stage": "prod"}],
            "consumers": {"api_keys": ["k-quota"]},
        },
    ]
    if gateway_throttle:
        cfg["throttle"] = gateway_throttle
    return cfg


def get(conn: http.client.HTTPSConnection, path: str, key: str | None = None, headers=None) -> h.Response:
    """One GET on a kept-alive connection, with `x-api-key` when given."""
    pairs = list(headers or [])
    if key is not None:
        pairs.append(("x-api-key", key))
    return h.send_on(conn, "GET", path, headers=pairs)



def metrics_text(gw) -> str:
    conn = http.client.HTTPConnection(h.LOOPBACK, gw.port("admin"), timeout=5)
    try:
        conn.request("GET", "/metrics")
        return conn.getresponse().read().decode()
    finally:
        conn.close()


def metric(gw, name: str, **labels) -> float | None:
    """The value of the series of `name` with exactly these labels (in any order), or None."""
    for line in metrics_text(gw).splitlines():
        if not line.startswith(name + "{"):
            continue
        body, _, value = line.rpartition(" ")
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', body[len(name):]))
        if found == labels:
            return float(value)
    return None


