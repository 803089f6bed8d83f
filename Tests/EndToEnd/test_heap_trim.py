"""Memory after connections close (issue 12, `HeapTrimmer`): the pages that closed mutual-TLS connections freed go
back to the kernel, so waves of connections do not ratchet the gateway's resident size up. Before, each wave of
1,500 idle connections left it higher (89, 112, 124 MB), though the live heap was the same each time."""

from __future__ import annotations

import subprocess
import time

import harness as h
import hostile_support as hs

WAVE = 1500
LOAD = h.ROOT / ".build" / "debug" / "gatehouse-load"


def hold_wave(gw, tmp_path, n: int) -> tuple[int, int]:
    """Opens `n` idle mTLS connections (each after one request); returns the gateway's VmRSS (kB) while they are
    held and once they have closed and the trimmer's checks (once a second) have had time to run."""
    ready = tmp_path / f"ready-{time.monotonic_ns()}"
    alice = gw.pki.client("alice")
    load = subprocess.Popen(
        [str(LOAD), "--hold", str(n), "-d", "2", "--ready-file", str(ready), "--cert", str(alice.cert), "--key",
         str(alice.key), "--cacert", str(gw.pki.ca), f"https://127.0.0.1:{gw.port()}/prod/ping"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert load.poll() is None, load.stderr.read().decode()
        assert time.monotonic() < deadline, "connections not held in time"
        time.sleep(0.1)
    time.sleep(0.5)
    rss = hs.proc_kb(gw.proc.pid)
    assert load.wait(timeout=60) == 0
    time.sleep(3.5)
    return rss, hs.proc_kb(gw.proc.pid)


def test_waves_of_connections_do_not_ratchet_resident_memory_up(pki, start_gateway, tmp_path):
    api = {"id": "heaptrim01", "name": "trim", "authorization": "NONE", "stages": {"prod": {}},
           "routes": [{"route": "GET /ping", "integration": h.mock(200, '{"pong":true}')}]}
    gw = start_gateway(h.base_config(pki, apis=[api], listeners=[h.https_listener(pki)],
                                     limits={"max_connections": 4 * WAVE}))
    before = hs.proc_kb(gw.proc.pid)
    waves = [hold_wave(gw, tmp_path, WAVE) for _ in range(3)]
    print(f"[rss] VmRSS before {before} kB; with {WAVE} connections held, then after they closed: {waves} kB")
    peaks = [held for held, _ in waves]
    # What the closed connections freed is given back: afterwards the gateway is nearer where it started than where
    # the connections took it (before the trimmer it stayed at the peak).
    for held, after in waves:
        assert after - before < (held - before) / 2, waves
    # And the next wave starts from untouched pages: before the trimmer the third wave stood 32 MB above the first.
    assert peaks[2] - peaks[0] < 12 * 1024, peaks
