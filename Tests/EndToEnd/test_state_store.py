"""The quota state store (contract section 8) and its commands: `gatehouse state migrate`, `gatehouse usage
show|reset` against SQLite and a real PostgreSQL the tests start, and the gateway's reporting of a store it cannot
reach (`/readyz`, `gatehouse_state_store_errors_total`)."""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.request
from datetime import datetime, timedelta, timezone

import harness as h
from contract_support import metric_value
from postgres_support import postgres, wait_until  # noqa: F401  (fixture)

TABLES = ["gatehouse_batches", "gatehouse_instances", "gatehouse_plans", "gatehouse_quota_usage", "gatehouse_schema_version"]

API = {
    "id": "st4te0api1",
    "name": "state",
    "authorization": "NONE",
    "stages": {"prod": {}},
    "routes": [{"route": "GET /ping", "integration": h.mock(200, '{"pong":true}')}],
}


def day_start(now: datetime | None = None) -> int:
    now = now or datetime.now(timezone.utc)
    return int(datetime(now.year, now.month, now.day, tzinfo=timezone.utc).timestamp())


def iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_config(tmp_path, pki, state: dict | None, **extra) -> h.Gateway:
    config = h.base_config(pki, apis=[API], **extra)
    if state is not None:
        config["state"] = state
    gw = h.Gateway(tmp_path, config, pki)
    gw.write_files()
    return gw


def cli(gw: h.Gateway, *args):
    return h.run_cli(*args, "--config", gw.config_path, env=gw.process_env())


# ---------------------------------------------------------------------------------------------- SQLite


def test_migrate_creates_the_documented_sqlite_tables(tmp_path, pki):
    gw = write_config(tmp_path, pki, {"sqlite": "data/state.db"})
    (tmp_path / "data").mkdir()
    out = cli(gw, "state", "migrate")
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"SQLite {tmp_path}/data/state.db: schema version 2\n"
    with sqlite3.connect(tmp_path / "data" / "state.db") as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        assert tables == TABLES
        assert db.execute("SELECT version FROM gatehouse_schema_version ORDER BY version").fetchall() == [(1,), (2,)]
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        columns = [r[1] for r in db.execute("PRAGMA table_info(gatehouse_quota_usage)")]
        assert columns == ["plan", "consumer", "period", "period_start", "used", "updated_at"]
    # Again: nothing to do, same answer, still one version row.
    again = cli(gw, "state", "migrate")
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(tmp_path / "data" / "state.db") as db:
        assert db.execute("SELECT COUNT(*) FROM gatehouse_schema_version").fetchone() == (2,)


def test_default_sqlite_file_is_beside_the_configuration(tmp_path, pki):
    gw = write_config(tmp_path, pki, None)
    out = cli(gw, "state", "migrate")
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"SQLite {tmp_path}/gatehouse-state.db: schema version 2\n"
    assert (tmp_path / "gatehouse-state.db").exists()


def test_default_sqlite_file_is_in_the_state_directory(tmp_path, pki):
    gw = write_config(tmp_path, pki, None)
    state_dir = tmp_path / "var-lib-gatehouse"
    state_dir.mkdir()
    out = h.run_cli("state", "migrate", "--config", gw.config_path,
                    env={**gw.process_env(), "STATE_DIRECTORY": str(state_dir)})
    assert out.returncode == 0, out.stderr
    assert (state_dir / "state.db").exists()
    assert not (tmp_path / "gatehouse-state.db").exists()


def test_a_newer_schema_is_refused(tmp_path, pki):
    gw = write_config(tmp_path, pki, {"sqlite": "state.db"})
    assert cli(gw, "state", "migrate").returncode == 0
    with sqlite3.connect(tmp_path / "state.db") as db:
        db.execute("INSERT INTO gatehouse_schema_version VALUES (7, 0)")
    out = cli(gw, "state", "migrate")
    assert out.returncode == 1
    assert out.stdout == ""
    assert out.stderr == (f"state store SQLite {tmp_path}/state.db: the state store's schema is version 7, newer "
                          "than this Gatehouse understands (2); upgrade Gatehouse\n")


def seed_sqlite(path, rows):
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO gatehouse_quota_usage (plan, consumer, period, period_start, used, updated_at) "
            "VALUES (?, ?, ?, ?, ?, 0)", rows)


def test_usage_show_and_reset_with_sqlite(tmp_path, pki):
    gw = write_config(tmp_path, pki, {"sqlite": "state.db"})
    assert cli(gw, "state", "migrate").returncode == 0
    today = day_start()
    seed_sqlite(tmp_path / "state.db", [
        ("gold", "orders-team", "DAY", today, 42),
        ("gold", "arn:aws:iam::123456789012:role/orders-reader", "DAY", today, 7),
        ("silver", "orders-team", "DAY", today, 3),
        ("gold", "orders-team", "DAY", today - 86400, 99),  # yesterday: history, not shown
    ])
    table = cli(gw, "usage", "show")
    assert table.returncode == 0, table.stderr
    start = iso(today)
    assert table.stdout.splitlines() == [
        "PLAN    CONSUMER                                      PERIOD  PERIOD START          USED  LIMIT  REMAINING",
        f"gold    arn:aws:iam::123456789012:role/orders-reader  DAY     {start}  7     -      -",
        f"gold    orders-team                                   DAY     {start}  42    -      -",
        f"silver  orders-team                                   DAY     {start}  3     -      -",
    ]
    as_json = cli(gw, "usage", "show", "--json", "--plan", "gold", "--consumer", "orders-team")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == {"usage": [{
        "plan": "gold", "consumer": "orders-team", "period": "DAY", "period_start": start, "used": 42,
        "limit": None, "remaining": None, "resets_at": iso(today + 86400)}]}

    reset = cli(gw, "usage", "reset", "--plan", "gold", "--consumer", "orders-team")
    assert reset.returncode == 0, reset.stderr
    assert reset.stdout == f"reset plan gold consumer orders-team for the DAY from {start}: 42 -> 0\n"
    with sqlite3.connect(tmp_path / "state.db") as db:
        rows = db.execute("SELECT period_start, used FROM gatehouse_quota_usage WHERE plan='gold' "
                          "AND consumer='orders-team' ORDER BY period_start").fetchall()
    assert rows == [(today - 86400, 99), (today, 0)]
    # The other consumers keep their counts.
    after = json.loads(cli(gw, "usage", "show", "--json").stdout)["usage"]
    assert [(r["plan"], r["consumer"], r["used"]) for r in after] == [
        ("gold", "arn:aws:iam::123456789012:role/orders-reader", 7), ("gold", "orders-team", 0),
        ("silver", "orders-team", 3)]


def test_reset_of_an_unknown_count_is_an_error(tmp_path, pki):
    gw = write_config(tmp_path, pki, {"sqlite": "state.db"})
    out = cli(gw, "usage", "reset", "--plan", "nope", "--consumer", "nobody")
    assert out.returncode == 1
    assert out.stderr == (f'plan "nope" has no quota in {gw.config_path} and consumer "nobody" has no count of it '
                          "in the current period\n")


def test_usage_commands_report_configuration_problems_at_positions(tmp_path, pki):
    gw = write_config(tmp_path, pki, {"sync_interval_ms": 5})
    out = cli(gw, "usage", "show")
    assert out.returncode == 1
    assert out.stdout == ""
    lines = out.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{gw.config_path}:")
    assert lines[0].endswith(': "sync_interval_ms" in "state" must be between 10 and 60000, found 5')


def test_usage_command_line_errors_exit_64(tmp_path, pki):
    gw = write_config(tmp_path, pki, {"sqlite": "state.db"})
    out = cli(gw, "usage", "reset", "--plan", "gold")  # no --consumer
    assert out.returncode == 64


# ---------------------------------------------------------------------------------------------- PostgreSQL


def test_migrate_creates_the_documented_postgres_tables(tmp_path, pki, postgres):
    gw = write_config(tmp_path, pki, postgres.state_section(tmp_path))
    out = cli(gw, "state", "migrate")
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"PostgreSQL gatehouse@127.0.0.1:{postgres.port}/gatehouse: schema version 2\n"
    tables = postgres.psql_admin(
        "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables "
        "WHERE table_schema = 'public'")
    assert tables.split(",") == TABLES
    assert postgres.psql_admin("SELECT string_agg(version::text, ',' ORDER BY version) FROM gatehouse_schema_version") == "1,2"
    assert cli(gw, "state", "migrate").returncode == 0
    assert postgres.psql_admin("SELECT COUNT(*) FROM gatehouse_schema_version") == "2"


def test_usage_show_and_reset_with_postgres(tmp_path, pki, postgres):
    gw = write_config(tmp_path, pki, postgres.state_section(tmp_path))
    assert cli(gw, "state", "migrate").returncode == 0
    today = day_start()
    postgres.psql_admin(
        "INSERT INTO gatehouse_quota_usage VALUES "
        f"('bronze', 'alice', 'DAY', {today}, 11, 0), ('bronze', 'bob', 'DAY', {today}, 5, 0) "
        "ON CONFLICT (plan, consumer, period, period_start) DO UPDATE SET used = EXCLUDED.used")
    shown = json.loads(cli(gw, "usage", "show", "--json", "--plan", "bronze").stdout)["usage"]
    assert [(r["consumer"], r["used"]) for r in shown] == [("alice", 11), ("bob", 5)]
    out = cli(gw, "usage", "reset", "--plan", "bronze", "--consumer", "alice")
    assert out.returncode == 0, out.stderr
    assert postgres.psql_admin(
        f"SELECT used FROM gatehouse_quota_usage WHERE plan='bronze' AND consumer='alice' AND period_start={today}"
    ) == "0"
    assert postgres.psql_admin(
        f"SELECT used FROM gatehouse_quota_usage WHERE plan='bronze' AND consumer='bob' AND period_start={today}"
    ) == "5"


def test_a_wrong_password_is_one_readable_error(tmp_path, pki, postgres):
    state = postgres.state_section(tmp_path)
    (tmp_path / "pg.secret").write_text("not-the-password\n")
    gw = write_config(tmp_path, pki, state)
    out = cli(gw, "state", "migrate")
    assert out.returncode == 1
    assert out.stdout == ""
    assert out.stderr == (f"state store PostgreSQL gatehouse@127.0.0.1:{postgres.port}/gatehouse: password "
                          'authentication failed for user "gatehouse" (SQLSTATE 28P01)\n')


# ---------------------------------------------------------------------------------------------- the gateway


def readyz(port: int) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_the_gateway_reports_an_unreachable_store_and_recovers(tmp_path, pki, postgres, start_gateway):
    admin = h.admin_listener()
    state = postgres.state_section(tmp_path, sync_interval_ms=100)
    postgres.stop()
    try:
        gw = start_gateway(h.base_config(pki, apis=[API], listeners=[h.https_listener(pki), admin], state=state))
        port = gw.port("admin")
        status, body = readyz(port)
        assert status == 200
        assert body.startswith(f"ready\nstate store unreachable: PostgreSQL gatehouse@127.0.0.1:{postgres.port}"
                               "/gatehouse: ")
        first = metric_value(port, "gatehouse_state_store_errors_total")
        assert first >= 1
        # Retried every sync interval, each failure counted.
        assert wait_until(lambda: metric_value(port, "gatehouse_state_store_errors_total") >= first + 3, 10)
        assert "GATEHOUSE_EVENT=state_store_error" in gw.stderr_text() or "state_store_error" in gw.stderr_text()
    finally:
        postgres.start()
    assert wait_until(lambda: readyz(port) == (200, "ready\n"), 15)
    # The gateway migrated the schema once it could.
    assert postgres.psql_admin("SELECT MAX(version) FROM gatehouse_schema_version") == "2"
    assert postgres.psql_admin("SELECT COUNT(*) FROM gatehouse_instances WHERE last_seen >= "
                               f"{int(time.time()) - 5}") == "1"


def test_a_listener_that_cannot_bind_closes_the_open_store_and_exits_1(tmp_path, pki):
    """The store is opened before the listeners bind; a bind that fails must close it and exit 1 with the one
    line saying why (it used to leave the SQLite connection open: a crash, SIGILL, in a debug build)."""
    import socket
    import subprocess

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        listener = h.https_listener(pki)
        listener["bind"] = f"127.0.0.1:{port}"
        gw = write_config(tmp_path, pki, {"sqlite": "state.db"}, listeners=[listener])
        proc = subprocess.run(
            [str(h.BINARY), "serve", "--config", str(gw.config_path)],
            capture_output=True, text=True, timeout=30, env=gw.process_env(),
        )
    assert proc.returncode == 1, proc.stderr
    assert f'listener "https": cannot listen on 127.0.0.1:{port}: Address already in use (errno 98)' in proc.stderr
    assert "Assertion failed" not in proc.stderr, proc.stderr
    # the one line saying why, and nothing after it (NIO used to add "Cannot schedule tasks on an EventLoop that has
    # already shut down" when the loops were shut down under the failed listener's close)
    assert "EventLoop" not in proc.stderr, proc.stderr
