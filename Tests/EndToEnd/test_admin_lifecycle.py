"""Admin listener (contract §5) and process lifecycle under signals (§6 Notify: SIGHUP reload, SIGTERM drain)."""

import http.client
import re
import signal
import threading
import time

import pytest
import yaml

import harness as h
from harness import OTHER_SOURCE

API = "adm1nap001"


def config(pki, upstream, body='{"v":1}'):
    return h.admin_config(pki, upstream.url, api_id=API, name="admin", ping_body=body)


def admin_get(gw, path, timeout=5):
    conn = http.client.HTTPConnection(h.LOOPBACK, gw.port("admin"), timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.fixture(scope="module")
def gw(pki, upstream, start_gateway):
    return start_gateway(config(pki, upstream))


def test_healthz_and_readyz(gw):
    assert admin_get(gw, "/healthz")[0] == 200
    assert admin_get(gw, "/readyz")[0] == 200


def test_metrics_after_traffic(gw):
    assert h.request(gw, "GET", "/prod/ping").status == 200
    assert h.request(gw, "GET", f"/prod/open/{h.marker()}").status == 200
    assert h.request(gw, "GET", "/prod/needs-signature").status == 403
    with h.tcp_connect(gw.port(), source=OTHER_SOURCE, timeout=5) as s:
        try:
            s.recv(10)
        except OSError:
            pass
    h.tls_outcome(gw, h.client_context(gw.pki, None))
    status, text = admin_get(gw, "/metrics")
    assert status == 200

    def samples(name):
        return [line for line in text.splitlines() if line.startswith(name)]

    reqs = samples("gatehouse_requests_total{")
    assert reqs, text[:2000]
    labels = set(re.findall(r"(\w+)=", reqs[0]))
    assert {"api", "stage", "route", "method", "status"} <= labels, reqs[0]
    assert any(f'api="{API}"' in s and 'status="200"' in s for s in reqs), reqs
    assert any('status="403"' in s for s in reqs), reqs
    assert samples("gatehouse_request_duration_seconds_bucket"), "request duration histogram missing"
    assert samples("gatehouse_integration_duration_seconds_bucket"), "integration duration histogram missing"
    assert any('listener="https"' in s for s in samples("gatehouse_connections_rejected_total{")), text[:3000]
    assert any('listener="https"' in s for s in samples("gatehouse_tls_handshake_failures_total{")), text[:3000]
    assert any(f'api="{API}"' in s for s in samples("gatehouse_auth_failures_total{")), text[:3000]
    assert samples("gatehouse_active_connections{"), text[:3000]
    assert "gatehouse_config_reloads_total" in text


def test_admin_listener_refuses_non_loopback(tmp_path, pki, upstream):
    cfg = config(pki, upstream)
    cfg["listeners"][1]["bind"] = "10.0.0.1:9901"
    gw = h.Gateway(tmp_path, cfg, pki)
    gw.write_files()
    out = h.run_cli("validate", "--config", gw.config_path, env=gw.process_env())
    assert out.returncode == 1, out.stdout
    assert "10.0.0.1" in out.stdout + out.stderr


def test_sighup_reloads_and_keeps_running_config_on_failure(pki, upstream, start_gateway):
    gw = start_gateway(config(pki, upstream, body='{"v":1}'))
    assert h.request(gw, "GET", "/prod/ping").json() == {"v": 1}

    cfg = gw.config
    cfg["apis"][0]["routes"][0]["integration"]["body"] = '{"v":2}'
    gw.config_path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    gw.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while h.request(gw, "GET", "/prod/ping").json() != {"v": 2}:
        assert time.monotonic() < deadline, "SIGHUP did not load the new configuration"
        time.sleep(0.1)

    gw.config_path.write_text("region: [this is not valid\n")
    gw.proc.send_signal(signal.SIGHUP)
    time.sleep(1.0)
    assert gw.proc.poll() is None, "a failed reload must not stop the gateway"
    assert h.request(gw, "GET", "/prod/ping").json() == {"v": 2}


def test_sigterm_drains_in_flight_requests_and_exits_0(pki, upstream, start_gateway):
    cfg = config(pki, upstream)
    cfg["drain_timeout"] = 5
    gw = start_gateway(cfg)
    result = {}

    def slow():
        try:
            result["resp"] = h.request(gw, "GET", f"/prod/open/{h.marker()}/slow/1500", timeout=15)
        except Exception as e:  # noqa: BLE001
            result["error"] = e

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.5)  # the request is now waiting on the upstream
    gw.proc.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    # contract §5: /readyz is 503 while draining — the admin listener answers until the drain is over
    ready = admin_get(gw, "/readyz", timeout=2)[0]
    t.join(15)
    assert "error" not in result, f"in-flight request failed during drain: {result.get('error')!r}"
    assert result["resp"].status == 200
    assert gw.proc.wait(timeout=10) == 0
    assert ready == 503, f"/readyz answered {ready} while draining"
