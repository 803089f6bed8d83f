"""Quotas through the real gateway and a real state store (contract sections 7 and 8): a quota survives a restart
with SQLite; two gateways share one quota through a PostgreSQL the tests start; PostgreSQL stopped and started
under traffic loses no count; `gatehouse usage show` and `GET /usage` agree; `usage reset` reaches a running
gateway; `on_store_failure: closed` answers 503."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import urllib.request

import harness as h
from contract_support import metric_value
from postgres_support import postgres, wait_until  # noqa: F401  (fixture)

API = "qu0tast4te"
KEY = "quota-key-0123456789abcdef"
OTHER_KEY = "quota-other-0123456789abcd"


def quota_config(pki, state: dict, limit: int, period: str = "DAY", offset: int = 0) -> dict:
    cfg = h.base_config(
        pki,
        listeners=[h.https_listener(pki), h.admin_listener()],
        apis=[{
            "id": API, "name": "quota", "authorization": "NONE", "stages": {"prod": {}},
            "routes": [{"route": "GET /q", "integration": h.mock(200, '{"ok":true}')}],
        }],
    )
    cfg["api_keys"] = [{"id": "orders-team", "value_env": "GH_QUOTA_KEY"},
                       {"id": "billing-team", "value_env": "GH_QUOTA_OTHER_KEY"}]
    cfg["usage_plans"] = [{
        "id": "daily",
        "quota": {"limit": limit, "period": period, "offset": offset},
        "api_stages": [{"api": API, "stage": "prod"}],
        "consumers": {"api_keys": ["orders-team", "billing-team"]},
    }]
    cfg["state"] = state
    return cfg


ENV = {"GH_QUOTA_KEY": KEY, "GH_QUOTA_OTHER_KEY": OTHER_KEY}


def start(tmp_path, name, pki, config) -> h.Gateway:
    gw = h.Gateway(tmp_path / name, config, pki, env=ENV)
    return gw.start()


def request(conn, key=KEY) -> h.Response:
    return h.send_on(conn, "GET", "/prod/q", headers=[("x-api-key", key)])


def statuses(gw, n, key=KEY) -> list[int]:
    conn = h.https_connection(gw)
    try:
        return [request(conn, key).status for _ in range(n)]
    finally:
        conn.close()


def admin_get(gw, path) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{gw.port('admin')}{path}", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def cli(gw, *args):
    return h.run_cli(*args, "--config", gw.config_path, env=gw.process_env())


# ---------------------------------------------------------------------------------------------- SQLite


def test_quota_admits_its_limit_then_limit_exceeded_and_survives_a_restart(tmp_path, pki):
    # A sync once a minute: the counts reach the file only through the flush at SIGTERM.
    state = {"sqlite": str(tmp_path / "state.db"), "sync_interval_ms": 60000}
    first = start(tmp_path, "first", pki, quota_config(pki, state, limit=5))
    try:
        assert statuses(first, 3) == [200, 200, 200]
    finally:
        first.stop()  # SIGTERM: drains, then writes the counts
    assert first.proc.returncode == 0
    with sqlite3.connect(tmp_path / "state.db") as db:
        assert db.execute("SELECT consumer, used FROM gatehouse_quota_usage").fetchall() == [("orders-team", 3)]
    second = start(tmp_path, "second", pki, quota_config(pki, state, limit=5))
    try:
        conn = h.https_connection(second)
        try:
            ok = [request(conn) for _ in range(2)]
            assert [r.status for r in ok] == [200, 200]
            assert ok[-1].header("RateLimit").startswith('"quota";r=0;'), ok[-1]
            refused = request(conn)
            h.assert_error(refused, 429, "LimitExceededException", "Limit Exceeded")
            retry = int(refused.header("Retry-After"))
            assert 0 < retry <= 86400
            # Another consumer of the same plan has a count of its own.
            assert request(conn, OTHER_KEY).status == 200
        finally:
            conn.close()
    finally:
        second.stop()


def test_usage_show_get_usage_and_reset_agree_with_a_running_gateway(tmp_path, pki):
    state = {"sqlite": str(tmp_path / "state.db"), "sync_interval_ms": 50}
    gw = start(tmp_path, "gw", pki, quota_config(pki, state, limit=10))
    try:
        assert statuses(gw, 4) == [200] * 4
        assert statuses(gw, 1, OTHER_KEY) == [200]
        time.sleep(0.3)  # a few syncs
        status, body = admin_get(gw, "/usage")
        assert status == 200
        served = json.loads(body)["usage"]
        assert [(r["plan"], r["consumer"], r["used"], r["limit"], r["remaining"]) for r in served] == [
            ("daily", "billing-team", 1, 10, 9), ("daily", "orders-team", 4, 10, 6)]
        shown = cli(gw, "usage", "show", "--json")
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout)["usage"] == served
        table = cli(gw, "usage", "show", "--consumer", "orders-team")
        assert table.stdout.splitlines()[0].split() == [
            "PLAN", "CONSUMER", "PERIOD", "PERIOD", "START", "USED", "LIMIT", "REMAINING"]
        assert table.stdout.splitlines()[1].split()[-3:] == ["4", "10", "6"]

        reset = cli(gw, "usage", "reset", "--plan", "daily", "--consumer", "orders-team")
        assert reset.returncode == 0, reset.stderr
        assert reset.stdout.endswith(": 4 -> 0\n")
        # The running gateway picks the zero up at its next sync: ten more requests, then the limit.
        assert wait_until(lambda: json.loads(admin_get(gw, "/usage")[1])["usage"][1]["used"] == 0, 5)
        assert statuses(gw, 11) == [200] * 10 + [429]
    finally:
        gw.stop()


def test_offset_lowers_the_limit_in_the_plans_first_period(tmp_path, pki):
    state = {"sqlite": str(tmp_path / "state.db")}
    gw = start(tmp_path, "gw", pki, quota_config(pki, state, limit=5, offset=3))
    try:
        assert statuses(gw, 3) == [200, 200, 429]
    finally:
        gw.stop()


# ---------------------------------------------------------------------------------------------- PostgreSQL


def test_two_gateways_share_one_quota_through_postgres(tmp_path, pki, postgres):
    state = postgres.state_section(tmp_path, sync_interval_ms=50)
    a = start(tmp_path, "a", pki, quota_config(pki, state, limit=20, period="MONTH"))
    b = start(tmp_path, "b", pki, quota_config(pki, state, limit=20, period="MONTH"))
    try:
        assert statuses(a, 12) == [200] * 12
        time.sleep(0.5)  # both have synced: each sees the other's counts
        assert statuses(b, 9) == [200] * 8 + [429]
        time.sleep(0.5)
        assert statuses(a, 1) == [429]
        assert wait_until(lambda: postgres.psql_admin(
            "SELECT SUM(used) FROM gatehouse_quota_usage WHERE plan = 'daily' AND consumer = 'orders-team' "
            "AND period = 'MONTH'") == "20", 5)
        live = postgres.psql_admin(f"SELECT COUNT(*) FROM gatehouse_instances WHERE last_seen >= "
                                   f"{int(time.time()) - 2}")
        assert live == "2"
    finally:
        a.stop()
        b.stop()
    # Each removed its heartbeat row when it stopped cleanly.
    assert postgres.psql_admin("SELECT COUNT(*) FROM gatehouse_instances") == "0"


def test_stopping_postgres_under_traffic_loses_no_count(tmp_path, pki, postgres):
    state = postgres.state_section(tmp_path, sync_interval_ms=50)
    gw = start(tmp_path, "gw", pki, quota_config(pki, state, limit=1_000_000, period="WEEK"))
    admitted = []
    stop = threading.Event()

    def traffic():
        conn = h.https_connection(gw)
        try:
            while not stop.is_set():
                status = request(conn, OTHER_KEY).status
                assert status == 200, status  # on_store_failure: open keeps admitting
                admitted.append(status)
        finally:
            conn.close()

    sender = threading.Thread(target=traffic)
    sender.start()
    try:
        time.sleep(0.5)
        postgres.stop()
        during = len(admitted)
        time.sleep(1.5)
        assert len(admitted) > during  # still serving while the store is down
        assert metric_value(gw.port("admin"), "gatehouse_state_store_errors_total") >= 1
        assert "state store unreachable" in admin_get(gw, "/readyz")[1]
        postgres.start()
        time.sleep(0.8)
    finally:
        stop.set()
        sender.join(timeout=30)
    assert admin_get(gw, "/readyz") == (200, "ready\n")
    gw.stop()  # flushes what was counted since the last sync
    assert gw.proc.returncode == 0
    assert len(admitted) > 50
    stored = postgres.psql_admin(
        "SELECT used FROM gatehouse_quota_usage WHERE plan = 'daily' AND consumer = 'billing-team' "
        "AND period = 'WEEK'")
    assert int(stored) == len(admitted)


def test_closed_mode_answers_503_while_postgres_is_down(tmp_path, pki, postgres):
    state = postgres.state_section(tmp_path, sync_interval_ms=50, on_store_failure="closed")
    gw = start(tmp_path, "gw", pki, quota_config(pki, state, limit=100))
    try:
        assert statuses(gw, 1) == [200]
        postgres.stop()
        try:
            # Within one sync, or — when a query was in flight as the server went away — the store's 5 s operation
            # timeout plus a reconnect refused at once; 15 s leaves room for a loaded machine.
            assert wait_until(lambda: "state store unreachable" in admin_get(gw, "/readyz")[1], 15), \
                f"/readyz never named the store; gateway log:\n{gw.stderr_text()}"
            conn = h.https_connection(gw)
            try:
                h.assert_error(request(conn), 503, "ServiceUnavailableException", "Service Unavailable")
            finally:
                conn.close()
        finally:
            postgres.start()
        assert wait_until(lambda: admin_get(gw, "/readyz") == (200, "ready\n"), 10)
        assert statuses(gw, 1) == [200]
    finally:
        gw.stop()


def test_a_reload_that_changes_the_limit_keeps_the_count(tmp_path, pki):
    import signal
    import yaml

    state = {"sqlite": str(tmp_path / "state.db"), "sync_interval_ms": 50}
    gw = start(tmp_path, "gw", pki, quota_config(pki, state, limit=4))
    try:
        assert statuses(gw, 3) == [200, 200, 200]
        gw.config = quota_config(pki, state, limit=6)
        gw.config["listeners"] = yaml.safe_load(gw.config_path.read_text())["listeners"]
        gw.config_path.write_text(yaml.safe_dump(gw.config, sort_keys=False))
        reloads = metric_value(gw.port("admin"), 'gatehouse_config_reloads_total{result="success"}')
        gw.proc.send_signal(signal.SIGHUP)
        assert wait_until(lambda: metric_value(
            gw.port("admin"), 'gatehouse_config_reloads_total{result="success"}') == reloads + 1, 10)
        # 3 counted under the old limit stay counted under the new one: 3 more, then the limit.
        assert statuses(gw, 4) == [200, 200, 200, 429]
    finally:
        gw.stop()


def used(postgres, consumer: str, period: str) -> int:
    """The stored count of `consumer` in plan `daily`, current or not (0 when there is no row)."""
    return int(postgres.psql_admin(
        f"SELECT COALESCE(SUM(used), 0) FROM gatehouse_quota_usage WHERE plan = 'daily' AND consumer = '{consumer}' "
        f"AND period = '{period}'"))


def test_a_postgres_that_stops_answering_is_timed_out_and_nothing_is_lost(tmp_path, pki, postgres):
    state = postgres.state_section(tmp_path, sync_interval_ms=50)
    before = used(postgres, "orders-team", "MONTH")
    gw = start(tmp_path, "gw", pki, quota_config(pki, state, limit=1_000_000, period="MONTH"))
    try:
        assert statuses(gw, 5) == [200] * 5
        time.sleep(0.3)
        postgres.freeze()
        try:
            # Requests never wait on the store.
            started = time.monotonic()
            assert statuses(gw, 5) == [200] * 5
            assert time.monotonic() - started < 2
            assert wait_until(lambda: "did not answer within 5 s" in admin_get(gw, "/readyz")[1], 15)
        finally:
            postgres.thaw()
        assert wait_until(lambda: admin_get(gw, "/readyz") == (200, "ready\n"), 15)
        assert statuses(gw, 2) == [200] * 2
    finally:
        gw.stop()
    assert used(postgres, "orders-team", "MONTH") == before + 12
