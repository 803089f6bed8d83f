"""`scope: fleet` throttles across two real gateways sharing one real PostgreSQL (contract sections 7 and 8,
docs/fleet.md, docs/state.md): each live instance gets `rate / N` and `burst / N` of a fleet throttle, N being the
instances whose heartbeat is within five sync intervals (at least 2 s); an instance that stops cleanly removes its
heartbeat row, one that crashes stops counting once its row is older than that window, one that joins cuts the
others' buckets to their new share; an `instance` throttle (the default) is not divided.

One API, `authorization: NONE`, one MOCK route, four stages, all covered by a plan so every answer carries the
`RateLimit-Policy` of the tightest bucket (the stage's here):
- `fleet`: stage throttle {rate 2, burst 10, scope fleet} — the throttle under test;
- `solo`: stage throttle {rate 2, burst 10} — the same figures with the default `instance` scope;
- `tiny`: stage throttle {rate 1, burst 1, scope fleet} — fewer tokens than instances: each still gets one;
- `probe`: stage throttle {rate 1000, burst 1000, scope fleet} — never runs out; its `RateLimit-Policy` (`q=500`
  with two live instances, `q=1000` with one) shows how many instances the answering gateway counts."""

from __future__ import annotations

import signal
import time

import harness as h
from postgres_support import postgres, wait_until  # noqa: F401  (fixture)

API = "fl33tthr0t"
RATE = 2
BURST = 10
SYNC_MS = 50
# docs/state.md: live = heartbeat within five sync intervals, at least 2 s; heartbeats are whole seconds.
LIVE_WINDOW_S = max(2, (5 * SYNC_MS + 999) // 1000)


def fleet_config(pki, state: dict) -> dict:
    cfg = h.base_config(
        pki,
        listeners=[h.https_listener(pki), h.admin_listener()],
        apis=[{
            "id": API, "name": "fleet", "authorization": "NONE",
            "stages": {
                "fleet": {"throttle": {"rate": RATE, "burst": BURST, "scope": "fleet"}},
                "solo": {"throttle": {"rate": RATE, "burst": BURST}},
                "tiny": {"throttle": {"rate": 1, "burst": 1, "scope": "fleet"}},
                "probe": {"throttle": {"rate": 1000, "burst": 1000, "scope": "fleet"}},
            },
            "routes": [{"route": "GET /ping", "integration": h.mock(200, '{"pong":true}')}],
        }],
    )
    # A plan over every stage, only so that answers carry the RateLimit headers; it counts nobody.
    cfg["usage_plans"] = [{
        "id": "headers",
        "api_stages": [{"api": API, "stage": s} for s in ("fleet", "solo", "tiny", "probe")],
    }]
    cfg["state"] = state
    return cfg


def start_pair(tmp_path, pki, postgres) -> tuple[h.Gateway, h.Gateway]:
    state = postgres.state_section(tmp_path, sync_interval_ms=SYNC_MS)
    a = h.Gateway(tmp_path / "a", fleet_config(pki, state), pki).start()
    try:
        b = h.Gateway(tmp_path / "b", fleet_config(pki, state), pki).start()
    except BaseException:
        a.stop()
        raise
    return a, b


def policy(gw, stage="probe") -> str | None:
    conn = h.https_connection(gw)
    try:
        resp = h.send_on(conn, "GET", f"/{stage}/ping")
        assert resp.status == 200, resp
        return resp.header("RateLimit-Policy")
    finally:
        conn.close()


def sees(gw, instances: int, stage="probe") -> bool:
    return policy(gw, stage) == f'"stage";q={1000 // instances};w=1'


def burst(gw, stage: str, n: int) -> tuple[list[h.Response], float]:
    """n requests back to back on one connection; the answers and the seconds they took."""
    conn = h.https_connection(gw)
    try:
        began = time.monotonic()
        out = [h.send_on(conn, "GET", f"/{stage}/ping") for _ in range(n)]
        return out, time.monotonic() - began
    finally:
        conn.close()


def admitted(answers: list[h.Response], retry_after: str | None = "1") -> int:
    """How many were 200, checking they all came first and every refusal is the contract's 429."""
    ok = sum(1 for r in answers if r.status == 200)
    assert all(r.status == 200 for r in answers[:ok]), answers
    for refused in answers[ok:]:
        h.assert_error(refused, 429, "TooManyRequestsException", "Too Many Requests")
        # (1 - tokens) / rate, rounded up: under 1 s for the share's rate of 1/s and the whole rate of 2/s
        assert retry_after is None or refused.header("Retry-After") == retry_after, refused
    return ok


def live_rows(postgres) -> int:
    return int(postgres.psql_admin(
        f"SELECT COUNT(*) FROM gatehouse_instances WHERE last_seen >= {int(time.time()) - LIVE_WINDOW_S}"))


def test_fleet_throttle_is_divided_between_two_gateways_and_whole_again_after_one_stops(tmp_path, pki, postgres):
    a, b = start_pair(tmp_path, pki, postgres)
    try:
        # Both have written a heartbeat and read the other's before any request touches the `fleet` bucket.
        assert wait_until(lambda: sees(a, 2) and sees(b, 2), 10), (policy(a), policy(b))
        assert live_rows(postgres) == 2

        # Each live instance gets burst / 2 = 5 (and rate / 2 = 1/s): 5 admitted, then 429 — as long as the burst
        # takes under a second (one token refills per second at the share's rate).
        shares = []
        for gw in (a, b):
            answers, took = burst(gw, "fleet", 8)
            got = admitted(answers)
            assert BURST // 2 <= got <= BURST // 2 + int(took * RATE / 2), (got, took, answers)
            assert answers[0].header("RateLimit-Policy") == '"stage";q=5;w=5', answers[0]
            assert answers[0].header("RateLimit") == '"stage";r=4;t=1', answers[0]
            shares.append((got, took))
        total = sum(got for got, _ in shares)
        # The fleet as a whole admitted its burst of 10, not 10 per instance (plus what refilled meanwhile).
        assert BURST <= total <= BURST + sum(int(took * RATE / 2) for _, took in shares), shares

        # The same figures with `scope: instance` (the default): each gateway admits the whole burst by itself.
        for gw in (a, b):
            answers, took = burst(gw, "solo", 13)
            got = admitted(answers)
            assert BURST <= got <= BURST + int(took * RATE), (got, took, answers)
            assert answers[0].header("RateLimit-Policy") == '"stage";q=10;w=5', answers[0]

        # A fleet burst of 1 between two instances: each holds one token (not half of one, which would refuse every
        # request for ever), refilled at 0.5/s — a refusal waits 2 s for it.
        for gw in (a, b):
            answers, took = burst(gw, "tiny", 3)
            got = admitted(answers, retry_after="2" if took < 1 else None)
            assert 1 <= got <= 1 + int(took * 0.5), (got, took, answers)
            assert answers[0].header("RateLimit-Policy") == '"stage";q=1;w=2', answers[0]

        # SIGTERM b: it flushes and deletes its heartbeat row, so a's next sync counts one live instance — within a
        # few sync intervals, long before the heartbeat window would have lapsed.
        b.stop()
        assert b.proc.returncode == 0, b.stderr_text()
        stopped = time.monotonic()
        assert postgres.psql_admin("SELECT COUNT(*) FROM gatehouse_instances") == "1"
        assert wait_until(lambda: sees(a, 1), 5)
        assert time.monotonic() - stopped < LIVE_WINDOW_S
        # The `fleet` throttle is a's alone now: its size is the whole burst, refilled at the whole rate — 10
        # tokens in 10 / 2 = 5 s from empty.
        answers, _ = burst(a, "fleet", 1)
        assert answers[0].header("RateLimit-Policy") == '"stage";q=10;w=5', answers[0]
        time.sleep(BURST / RATE + 0.5)
        answers, took = burst(a, "fleet", 14)
        got = admitted(answers)
        assert BURST <= got <= BURST + int(took * RATE), (got, took, answers)
    finally:
        a.stop()
        b.stop()
    assert postgres.psql_admin("SELECT COUNT(*) FROM gatehouse_instances") == "0"


def test_a_crashed_gateway_stops_counting_once_its_heartbeat_lapses(tmp_path, pki, postgres):
    a, b = start_pair(tmp_path, pki, postgres)
    try:
        assert wait_until(lambda: sees(a, 2) and sees(b, 2), 10), (policy(a), policy(b))
        # SIGKILL: no flush, no goodbye; its heartbeat row stays and still counts until it is older than the window.
        b.proc.send_signal(signal.SIGKILL)
        b.proc.wait(timeout=10)
        killed = time.monotonic()
        assert postgres.psql_admin("SELECT COUNT(*) FROM gatehouse_instances") == "2"
        assert sees(a, 2), policy(a)
        assert time.monotonic() - killed < 1  # the check above ran well inside the window
        # Its last heartbeat was at most one sync interval before the kill, recorded in whole seconds: it lapses
        # between LIVE_WINDOW_S and LIVE_WINDOW_S + 1 s later, and a's next sync sees it.
        assert wait_until(lambda: sees(a, 1), LIVE_WINDOW_S + 3), policy(a)
        lapsed = time.monotonic() - killed
        assert LIVE_WINDOW_S - 0.3 <= lapsed <= LIVE_WINDOW_S + 1 + 0.5, lapsed
        # The `fleet` bucket, first used now, is a's alone: the whole burst.
        answers, took = burst(a, "fleet", 14)
        got = admitted(answers)
        assert BURST <= got <= BURST + int(took * RATE), (got, took, answers)
        assert answers[0].header("RateLimit-Policy") == '"stage";q=10;w=5', answers[0]
    finally:
        a.stop()
        b.stop()
    # a removed its own row; b's crashed row stays (pruned by nothing; it only stops counting).
    assert postgres.psql_admin("SELECT COUNT(*) FROM gatehouse_instances") == "1"


def test_a_gateway_joining_shrinks_the_share_of_one_already_serving(tmp_path, pki, postgres):
    state = postgres.state_section(tmp_path, sync_interval_ms=SYNC_MS)
    a = h.Gateway(tmp_path / "a", fleet_config(pki, state), pki).start()
    b = None
    try:
        # a alone: the whole burst; one request leaves it 9 tokens.
        assert sees(a, 1), policy(a)
        answers, _ = burst(a, "fleet", 1)
        assert answers[0].header("RateLimit") == '"stage";r=9;t=1', answers[0]
        b = h.Gateway(tmp_path / "b", fleet_config(pki, state), pki).start()
        assert wait_until(lambda: sees(a, 2) and sees(b, 2), 10), (policy(a), policy(b))
        # a's bucket is cut to its new share of 5 (not 9 kept): between them the fleet admits its burst of 10.
        for gw in (a, b):
            answers, took = burst(gw, "fleet", 8)
            got = admitted(answers)
            assert BURST // 2 <= got <= BURST // 2 + int(took * RATE / 2), (got, took, answers)
            assert answers[0].header("RateLimit") == '"stage";r=4;t=1', answers[0]
    finally:
        a.stop()
        if b:
            b.stop()
