"""The PostgreSQL store from Swift (Tests/GatehouseStateTests/PostgresUsageStoreTests.swift): this module starts a
real server with postgres_support and runs that suite against it, with the commands that stop and start it."""

from __future__ import annotations

import os
import shlex
import subprocess

import harness as h
from postgres_support import PASSWORD, postgres  # noqa: F401  (fixture)


def test_swift_postgres_store_suite(postgres):
    pg_ctl = shlex.quote(str(postgres.bin / "pg_ctl"))
    data = shlex.quote(str(postgres.data))
    options = shlex.quote(f"-p {postgres.port} -k {postgres.root} -c listen_addresses=127.0.0.1 -c fsync=off")
    env = dict(os.environ)
    env.update({
        "GATEHOUSE_TEST_PG_PORT": str(postgres.port),
        "GATEHOUSE_TEST_PG_PASSWORD": PASSWORD,
        "GATEHOUSE_TEST_PG_STOP": f"runuser -u postgres -- {pg_ctl} -D {data} -m fast -w stop >/dev/null",
        "GATEHOUSE_TEST_PG_START": f"runuser -u postgres -- {pg_ctl} -D {data} -o {options} "
                                   f"-l {shlex.quote(str(postgres.log))} -w start >/dev/null",
    })
    out = subprocess.run(["swift", "test", "--skip-build", "--filter", "PostgresUsageStoreTests"],
                         cwd=h.ROOT, env=env, capture_output=True, text=True, timeout=600)
    report = out.stdout + out.stderr
    assert out.returncode == 0, report[-6000:]
    assert "Test twoInstancesAddToTheSameRowsAndSeeTheFleetTotal() passed" in report, report[-3000:]
    assert "Test stoppingPostgresUnderTrafficLosesNoCount() passed" in report, report[-3000:]
    assert "Test aBatchRetriedAfterALostAnswerIsAddedOnce() passed" in report, report[-3000:]
