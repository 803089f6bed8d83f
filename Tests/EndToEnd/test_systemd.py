"""systemd integration of the real binary (contract §6): socket activation by name, sd_notify states."""

import signal
import socket
import subprocess
import time

import pytest
import yaml

import harness as h
from systemd_support import ping

SOCKET_ACTIVATE = "/usr/bin/systemd-socket-activate"


def ping_config(pki):
    return h.base_config(
        pki,
        apis=[
            {
                "id": "sy5temd001",
                "name": "systemd",
                "authorization": "NONE",
                "stages": {"prod": {}},
                "routes": [{"route": "GET /ping", "integration": h.mock(200, '{"pong":true}')}],
            }
        ],
    )


def activate(port: int, fdname: str, gw) -> list[str]:
    """systemd-socket-activate passes a clean environment: forward the variables the config needs."""
    args = [SOCKET_ACTIVATE, "-l", f"{h.LOOPBACK}:{port}", f"--fdname={fdname}"]
    for k, v in gw.process_env().items():
        if k.startswith("GATEHOUSE_E2E"):
            args += ["-E", f"{k}={v}"]
    return args + [str(h.BINARY), "serve", "--config", str(gw.config_path)]


def wait_port(port, proc, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection((h.LOOPBACK, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def test_socket_activation_uses_the_passed_socket_by_name(tmp_path, pki):
    cfg = ping_config(pki)
    configured = cfg["listeners"][0]["bind"]
    configured_port = int(configured.rsplit(":", 1)[1])
    passed_port = h.free_port()
    gw = h.Gateway(tmp_path, cfg, pki)
    gw.write_files()
    err = open(tmp_path / "stderr", "wb")
    proc = subprocess.Popen(
        activate(passed_port, "https", gw),
        stdout=err, stderr=err, env=gw.process_env(),
    )
    try:
        assert wait_port(passed_port, proc), (tmp_path / "stderr").read_text()
        resp = ping(passed_port, gw.pki)
        assert resp.status == 200, (resp, (tmp_path / "stderr").read_text())
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((h.LOOPBACK, configured_port), timeout=2).close()
    finally:
        h.terminate(proc)
        err.close()


def test_socket_of_unknown_name_is_an_error(tmp_path, pki):
    gw = h.Gateway(tmp_path, ping_config(pki), pki)
    gw.write_files()
    port = h.free_port()
    proc = subprocess.Popen(
        activate(port, "mystery", gw),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=gw.process_env(),
    )
    try:
        # systemd-socket-activate starts the program on the first connection (once it listens itself)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection((h.LOOPBACK, port), timeout=2).close()
                break
            except OSError:
                time.sleep(0.05)
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        h.terminate(proc)
        pytest.fail("gatehouse accepted a passed socket with an unknown name")
    assert proc.returncode == 1, err
    assert "mystery" in err, err


def test_notify_ready_reloading_stopping(tmp_path, pki):
    notify_path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify_path))
    sock.settimeout(0.2)
    messages: list[str] = []

    def drain(until: str, timeout: float = 10) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(until in m for m in messages):
                return True
            try:
                messages.append(sock.recv(65536).decode())
            except (socket.timeout, TimeoutError):
                pass
        return any(until in m for m in messages)

    cfg = ping_config(pki)
    gw = h.Gateway(tmp_path / "gw", cfg, pki, env={"NOTIFY_SOCKET": str(notify_path)})
    gw.write_files()
    env = gw.process_env()
    env["NOTIFY_SOCKET"] = str(notify_path)
    err = open(tmp_path / "stderr", "wb")
    proc = subprocess.Popen([str(h.BINARY), "serve", "--config", str(gw.config_path)], stdout=err, stderr=err, env=env)
    try:
        assert drain("READY=1"), f"no READY=1; got {messages}"
        assert wait_port(gw.port(), proc)
        assert ping(gw.port(), gw.pki).status == 200
        assert any("STATUS=" in m for m in messages) or drain("STATUS=", 2), messages

        messages.clear()
        gw.config_path.write_text(yaml.safe_dump(cfg, sort_keys=False))
        proc.send_signal(signal.SIGHUP)
        assert drain("RELOADING=1"), f"no RELOADING=1 on SIGHUP; got {messages}"
        reloading = next(m for m in messages if "RELOADING=1" in m)
        assert "MONOTONIC_USEC=" in reloading, reloading
        assert drain("READY=1"), f"no READY=1 after reload; got {messages}"

        messages.clear()
        proc.send_signal(signal.SIGTERM)
        assert drain("STOPPING=1"), f"no STOPPING=1 on SIGTERM; got {messages}"
        assert proc.wait(timeout=10) == 0
    finally:
        h.terminate(proc)
        err.close()
        sock.close()
