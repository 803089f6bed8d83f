"""Fixtures for the end-to-end suite: one dev PKI and one upstream per session, gateways per module."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import harness
from harness import Gateway, Upstream

_counter = itertools.count()


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> harness.PKI:
    assert harness.BINARY.exists(), f"{harness.BINARY} is missing: run `swift build` first"
    return harness.make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def upstream() -> Upstream:
    up = Upstream()
    yield up
    up.stop()


@pytest.fixture(scope="session")
def unix_upstream(tmp_path_factory) -> Upstream:
    path = Path(tmp_path_factory.mktemp("unix")) / "upstream.sock"
    up = Upstream(unix_path=path)
    yield up
    up.stop()


@pytest.fixture(scope="module")
def grpcup():
    """A real grpcio echo server over h2c, per module (imported here only when a module asks for it)."""
    from grpc_support import GrpcUpstream

    up = GrpcUpstream()
    yield up
    up.stop()


@pytest.fixture(scope="module")
def start_gateway(tmp_path_factory, pki):
    """Factory: start_gateway(config, env=None, files=None) -> running Gateway, stopped at module end."""
    started: list[Gateway] = []

    def start(config: dict, env: dict | None = None, files: dict | None = None) -> Gateway:
        workdir = tmp_path_factory.mktemp(f"gw{next(_counter)}")
        gw = Gateway(workdir, config, pki, env=env, files=files)
        started.append(gw)
        return gw.start()

    yield start
    for gw in started:
        gw.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call" and rep.failed:
        for gw in harness.ACTIVE_GATEWAYS:
            text = gw.stderr_text(4000)
            if text:
                rep.sections.append((f"gatehouse stderr ({gw.workdir.name})", text))
