"""Contract §6 items that had no test of their own: the watchdog ping, the internal-only rule on sockets systemd
passes, a request running past `drain_timeout`, a certificate and key reload on SIGHUP, and a failed reload that
says why. The real binary, real sockets (loopback and local unix only), systemd-socket-activate."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time

import pytest
import yaml

import harness as h
from contract_support import NotifySocket, issue_certificate, metric_value, peer_certificate_der
from systemd_support import ping

SOCKET_ACTIVATE = "/usr/bin/systemd-socket-activate"


def api(upstream, api_id="sy5contr01") -> dict:
    return {
        "id": api_id,
        "name": "systemd-contract",
        "authorization": "NONE",
        "stages": {"prod": {}},
        "routes": [
            {"route": "GET /ping", "integration": h.mock(200, '{"pong":true}')},
            {"route": "ANY /{proxy+}", "integration": h.proxy(upstream.url + "/{proxy}")},
        ],
    }


# ---------------------------------------------------------------------------------------------- watchdog


def watched_gateway(tmp_path, pki, upstream, env: dict) -> tuple[h.Gateway, NotifySocket]:
    notify = NotifySocket(tmp_path / "notify.sock")
    gw = h.Gateway(tmp_path / "gw", h.base_config(pki, apis=[api(upstream)]), pki,
                   env={"NOTIFY_SOCKET": str(notify.path), **env})
    gw.start()
    assert notify.wait_for("READY=1"), notify.received
    return gw, notify


@pytest.mark.parametrize("watchdog_usec", [1_000_000, 600_000])
def test_watchdog_is_sent_at_half_of_watchdog_usec(tmp_path, pki, upstream, watchdog_usec):
    gw, notify = watched_gateway(tmp_path, pki, upstream, {"WATCHDOG_USEC": str(watchdog_usec)})
    try:
        notify.collect(3.0)
        pings = notify.times_of("WATCHDOG=1")
        half = watchdog_usec / 2 / 1e6
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        print(f"WATCHDOG_USEC={watchdog_usec}: {len(pings)} pings, gaps {[round(g, 3) for g in gaps]}")
        assert len(pings) >= int(3.0 / half) - 1, f"{len(pings)} WATCHDOG=1 in 3 s at {half} s: {notify.received}"
        # every gap is about half of WATCHDOG_USEC: well before WATCHDOG_USEC (systemd would kill us then), and not
        # a busy loop either; on average half of it (the slack above allows for a loaded machine's late wake-ups)
        for gap in gaps:
            assert 0.7 * half <= gap <= 1.6 * half, f"gap {gap:.3f} s, expected {half} s: {gaps}"
        assert 0.9 * half <= sum(gaps) / len(gaps) <= 1.2 * half, gaps
    finally:
        gw.stop()
        notify.close()


@pytest.mark.parametrize("env", [{}, {"WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"}],
                         ids=["no-watchdog-usec", "watchdog-for-another-pid"])
def test_no_watchdog_ping_unless_watched(tmp_path, pki, upstream, env):
    gw, notify = watched_gateway(tmp_path, pki, upstream, env)
    try:
        notify.collect(1.5)
        assert notify.times_of("WATCHDOG=1") == [], notify.received
    finally:
        gw.stop()
        notify.close()


# ---------------------------------------------------------------------------------------------- passed sockets


def activate_args(gw: h.Gateway, listens: list[str], names: list[str]) -> list[str]:
    """systemd-socket-activate passes a clean environment: forward the variables the config needs."""
    args = [SOCKET_ACTIVATE]
    for address in listens:
        args += ["-l", address]
    args.append("--fdname=" + ":".join(names))
    for k, v in gw.process_env().items():
        if k.startswith("GATEHOUSE_E2E"):
            args += ["-E", f"{k}={v}"]
    return args + [str(h.BINARY), "serve", "--config", str(gw.config_path)]


def poke(port: int, timeout: float = 5) -> None:
    """A loopback connection that makes systemd-socket-activate exec gatehouse (it waits for one)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((h.LOOPBACK, port), timeout=2).close()
            return
        except OSError:
            time.sleep(0.05)


def test_passed_socket_on_a_public_address_is_refused_at_start(tmp_path, pki, upstream):
    # 0.0.0.0 is not an internal address (section 6): a socket bound there accepts from every interface. Nothing
    # is sent anywhere but loopback; the socket only listens.
    port = h.free_port()
    gw = h.Gateway(tmp_path, h.base_config(pki, apis=[api(upstream)]), pki)
    gw.write_files()
    proc = subprocess.Popen(activate_args(gw, [f"0.0.0.0:{port}"], ["https"]), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=gw.process_env())
    try:
        poke(port)
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        h.terminate(proc)
        pytest.fail("gatehouse served a socket systemd passed on 0.0.0.0 without allow_public_bind")
    assert proc.returncode == 1, (out, err)
    assert (f'listener "https": systemd passed a socket on 0.0.0.0:{port}, which is not an internal address; '
            "set allow_public_bind: true to allow it") in err, err


def test_passed_socket_on_a_public_address_is_served_with_allow_public_bind(tmp_path, pki, upstream):
    port = h.free_port()
    cfg = h.base_config(pki, apis=[api(upstream)], listeners=[h.https_listener(pki, allow_public_bind=True)])
    gw = h.Gateway(tmp_path, cfg, pki)
    gw.write_files()
    err = open(tmp_path / "stderr", "wb")
    proc = subprocess.Popen(activate_args(gw, [f"0.0.0.0:{port}"], ["https"]), stdout=err, stderr=err,
                            env=gw.process_env())
    try:
        poke(port)
        deadline = time.monotonic() + 20
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status = ping(port, pki, timeout=2).status
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200, (proc.poll(), (tmp_path / "stderr").read_text())
    finally:
        h.terminate(proc)
        err.close()


def test_passed_admin_socket_off_loopback_is_refused_even_with_allow_public_bind(tmp_path, pki, upstream):
    https_port, admin_port = h.free_port(), h.free_port()
    cfg = h.base_config(pki, apis=[api(upstream)],
                        listeners=[h.https_listener(pki, allow_public_bind=True), h.admin_listener()])
    gw = h.Gateway(tmp_path, cfg, pki)
    gw.write_files()
    proc = subprocess.Popen(
        activate_args(gw, [f"127.0.0.1:{https_port}", f"0.0.0.0:{admin_port}"], ["https", "admin"]),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=gw.process_env())
    try:
        poke(https_port)
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        h.terminate(proc)
        pytest.fail("gatehouse served an admin socket systemd passed on 0.0.0.0")
    assert proc.returncode == 1, (out, err)
    assert (f'listener "admin": the admin listener must be on loopback or a unix socket, but systemd passed '
            f"0.0.0.0:{admin_port}") in err, err


# ---------------------------------------------------------------------------------------------- drain_timeout


def test_request_running_past_drain_timeout(pki, upstream, start_gateway):
    """SIGTERM with a request that needs 8 s and drain_timeout 2: the process exits 0 after about 2 s, and the
    slow request's connection is closed then — not held until the upstream answers, not left hanging."""
    cfg = h.base_config(pki, apis=[api(upstream)], drain_timeout=2)
    gw = start_gateway(cfg)
    m = h.marker()
    conn = h.RawConn(gw, timeout=15)
    conn.send(f"GET /prod/{m}/slow/8000 HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    deadline = time.monotonic() + 10
    while not upstream.matching(m) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert upstream.matching(m), "the slow request never reached the upstream"

    signalled = time.monotonic()
    gw.proc.send_signal(signal.SIGTERM)
    seen: dict = {}

    def read_client():
        try:
            seen["response"] = conn.read_response()
        except Exception as e:  # noqa: BLE001 — what the client saw is asserted below
            seen["error"] = e
        seen["at"] = time.monotonic() - signalled

    reader = threading.Thread(target=read_client, daemon=True)
    reader.start()
    code = gw.proc.wait(timeout=15)
    exited = time.monotonic() - signalled
    reader.join(5)
    conn.close()
    print(f"exit {code} after {exited:.2f} s; client saw {seen}")
    assert code == 0, gw.stderr_text()
    assert 1.9 <= exited <= 5.0, f"exited {exited:.2f} s after SIGTERM with drain_timeout 2 (upstream needs 8 s)"
    assert "at" in seen, "the slow request's connection was still open after the process exited"
    assert seen["at"] <= exited + 0.5, seen
    # What the client sees: the request was not finished within drain_timeout, so it gets no answer (no invented
    # status, never the upstream's late 200) and its connection is closed when the process exits.
    assert "response" not in seen, f"answered past drain_timeout: {seen['response']!r}"
    assert isinstance(seen["error"], EOFError), seen


# ---------------------------------------------------------------------------------------------- reload


def reload_config(gw_dir, pki, upstream, body: str) -> dict:
    tls = h.tls_block(pki, certificate=str(gw_dir / "server.pem"), private_key=str(gw_dir / "server-key.pem"))
    return h.base_config(
        pki,
        listeners=[h.https_listener(pki, tls=tls), h.admin_listener()],
        apis=[{
            "id": "re1oad0001",
            "name": "reload",
            "authorization": "NONE",
            "stages": {"prod": {}},
            "routes": [{"route": "GET /ping", "integration": h.mock(200, body)}],
        }],
    )


def reloaded_gateway(tmp_path, pki, upstream) -> h.Gateway:
    workdir = tmp_path / "gw"
    workdir.mkdir()
    shutil.copy(pki.server, workdir / "server.pem")
    shutil.copy(pki.server_key, workdir / "server-key.pem")
    return h.Gateway(workdir, reload_config(workdir, pki, upstream, '{"v":1}'), pki).start()


def sighup_and_wait(gw: h.Gateway, result: str, count: float) -> None:
    gw.proc.send_signal(signal.SIGHUP)
    sample = f'gatehouse_config_reloads_total{{result="{result}"}}'
    deadline = time.monotonic() + 10
    while metric_value(gw.port("admin"), sample) != count:
        assert time.monotonic() < deadline, f"{sample} did not reach {count}:\n{gw.stderr_text(3000)}"
        time.sleep(0.05)


def test_sighup_reloads_the_server_certificate_and_key(tmp_path, pki, upstream):
    gw = reloaded_gateway(tmp_path, pki, upstream)
    try:
        old_der = peer_certificate_der(gw.port(), pki)
        kept = h.RawConn(gw)
        kept.send(h.raw_head("GET", "/prod/ping"))
        assert kept.read_response().status == 200

        # rotate in place, as certbot or a secrets agent does, then SIGHUP
        new = issue_certificate(pki, tmp_path / "new", "gatehouse-rotated", dns=["localhost"], ips=["127.0.0.1"],
                                server=True)
        (gw.workdir / "server-key.pem").write_bytes(new.key.read_bytes())
        (gw.workdir / "server.pem").write_bytes(new.cert.read_bytes())
        new_der = new.der
        assert new_der != old_der
        sighup_and_wait(gw, "success", 1)

        assert peer_certificate_der(gw.port(), pki) == new_der, "a new handshake still presents the old certificate"
        resp = h.request(gw, "GET", "/prod/ping")
        assert resp.status == 200, resp
        # the connection set up before the reload keeps working, on its old session
        assert kept.sock.getpeercert(binary_form=True) == old_der
        kept.send(h.raw_head("GET", "/prod/ping"))
        assert kept.read_response().status == 200
        kept.close()
    finally:
        gw.stop()


def test_failed_reload_says_why_and_keeps_serving(tmp_path, pki, upstream):
    gw = reloaded_gateway(tmp_path, pki, upstream)
    try:
        served_der = peer_certificate_der(gw.port(), pki)
        good = yaml.safe_dump(gw.config, sort_keys=False)

        # 1. broken YAML: the log names the configuration file and where it breaks
        gw.config_path.write_text(good.replace("region: us-east-1", "region: [us-east-1"))
        sighup_and_wait(gw, "failure", 1)
        line = wait_log_line(gw, "reload failed", 1)
        assert str(gw.config_path) in line, line
        assert "keeping the running configuration" in line, line

        # 2. a key file that is not there: the log names it; nothing of the new configuration is used
        missing = gw.workdir / "rotated-key.pem"
        cfg = reload_config(gw.workdir, pki, upstream, '{"v":2}')
        cfg["listeners"] = gw.config["listeners"]
        cfg["listeners"][0]["tls"]["private_key"] = str(missing)
        gw.config_path.write_text(yaml.safe_dump(cfg, sort_keys=False))
        sighup_and_wait(gw, "failure", 2)
        line = wait_log_line(gw, "reload failed", 2)
        assert str(missing) in line, line

        # 3. a key file that is garbage
        missing.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
        missing.chmod(0o600)
        sighup_and_wait(gw, "failure", 3)
        line = wait_log_line(gw, "reload failed", 3)
        assert str(missing) in line, line

        assert metric_value(gw.port("admin"), 'gatehouse_config_reloads_total{result="success"}') == 0
        # the running configuration keeps serving: same routes, same certificate
        assert h.request(gw, "GET", "/prod/ping").json() == {"v": 1}
        assert peer_certificate_der(gw.port(), pki) == served_der
        assert gw.proc.poll() is None
    finally:
        gw.stop()


def wait_log_line(gw: h.Gateway, needle: str, number: int, timeout: float = 5) -> str:
    """The `number`th (1-based) stderr line containing needle, once it is there."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [ln for ln in gw.stderr_path.read_text(errors="replace").splitlines() if needle in ln]
        if len(lines) >= number:
            assert len(lines) == number, lines
            return lines[number - 1]
        assert time.monotonic() < deadline, f"no log line #{number} with {needle!r}:\n{gw.stderr_text(3000)}"
        time.sleep(0.05)
