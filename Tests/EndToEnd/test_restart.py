"""Zero-downtime restart with the listening socket held outside the service (contract §6: socket activation,
SIGTERM drains in-flight requests and exits 0).

Under systemd a `.socket` unit owns the listening socket; `systemctl restart gatehouse.service` stops the old process
and starts a new one while PID 1 keeps the socket open, so connections that arrive in between wait in the kernel's
backlog and are accepted by the new process: no client sees a refused or reset connection.

What `systemd-socket-activate` can and cannot do here (systemd 252; see its source, src/socket-activate/):
- without `--accept` it binds the socket, waits for the first connection, then *execs* the command in its own
  process with the socket as fd 3 (`LISTEN_FDS=1`, `LISTEN_PID`=its pid, `LISTEN_FDNAMES` from `--fdname`). It is
  then gone: nothing re-spawns the command when it exits, and the socket closes with it — so it cannot restart a
  service by itself (`test_socket_activate_alone_does_not_restart` shows the port refusing connections after the
  exit). There is no `--now` option in this version.
- with `--accept` it forks one child per connection and passes the *connected* socket (inetd style); that is not a
  listening socket and is not how gatehouse is run (`Accept=no` in gatehouse.socket).
- it passes through sockets it received itself via `LISTEN_FDS`.
So the restart is shown two ways, both keeping one listening socket open across the restart, as PID 1 does:
1. a small socket holder in the test binds the socket once and starts each `gatehouse serve` generation on it with
   LISTEN_FDS/LISTEN_FDNAMES/LISTEN_PID set as systemd sets them (`SocketHolder`);
2. `systemd-socket-activate -l 127.0.0.1:PORT --fdname=https` binds the socket and execs a tiny supervisor (the
   service-manager half of systemd, `SUPERVISOR`) that keeps it and runs gatehouse generations on it; SIGUSR1 to it
   does what `systemctl restart` does: SIGTERM, wait for exit, start again.
Meanwhile a client thread sends requests in a loop (over new connections, or over one keep-alive connection it
re-opens whenever the server closes it) and every request must get its 200.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

import harness as h
from systemd_support import (
    SUPERVISOR,
    RequestLoop,
    SocketHolder,
    SupervisorStatus,
    listening_socket,
    served_by,
    wait_ready,
)

SOCKET_ACTIVATE = "/usr/bin/systemd-socket-activate"
API = "re5tart001"
BEFORE = 20  # requests served by the old generation before the restart
AFTER = 20  # requests the new generation must serve before the loop stops
CLIENTS = 3  # client threads, each sending requests in a loop


def generation_config(pki, upstream, port: int, gen: int) -> dict:
    return h.base_config(
        pki,
        drain_timeout=5,
        listeners=[h.https_listener(pki, bind=f"{h.LOOPBACK}:{port}")],
        apis=[
            {
                "id": API,
                "name": "restart",
                "authorization": "NONE",
                "stages": {"prod": {}},
                "routes": [
                    {"route": "GET /ping", "integration": h.mock(200, '{"pong":true}')},
                    {"route": "GET /whoami", "integration": h.mock(200, f'{{"gen":"{gen}"}}')},
                    # the loops' requests: each carries a marker, so a lost one can be looked for upstream
                    {"route": "GET /whoami/{m}", "integration": h.proxy(upstream.url + f"/gen{gen}/{{m}}")},
                    {"route": "GET /slow/{ms}", "integration": h.proxy(upstream.url + "/slow/{ms}")},
                ],
            }
        ],
    )


def write_generation(gw: h.Gateway, upstream, port: int, gen: int) -> None:
    """The next generation's config differs only in what /whoami answers, so each answer names its process."""
    gw.config = generation_config(gw.pki, upstream, port, gen)
    gw.write_files()


def held_socket(tmp_path, pki, upstream) -> tuple[SocketHolder, int]:
    """A listening socket on a free port, held across gateway generations, and its port."""
    sock = listening_socket()
    port = sock.getsockname()[1]
    gw = h.Gateway(tmp_path, generation_config(pki, upstream, port, 0), pki)
    return SocketHolder(gw, sock), port


def spawn_generation(holder: SocketHolder, upstream, port: int, gen: int) -> subprocess.Popen:
    """Writes generation `gen`'s config and starts it on the held socket; returns once it answers."""
    write_generation(holder.gw, upstream, port, gen)
    proc = holder.spawn()
    assert wait_ready(port, holder.gw.pki, proc), holder.log(gen)
    return proc


class Clients:
    """CLIENTS request loops at once, so the restart surely lands while some connection is being set up."""

    def __init__(self, port: int, pki, keep_alive: bool):
        self.loops = [RequestLoop(port, pki, keep_alive=keep_alive, mark=True) for _ in range(CLIENTS)]

    def start(self) -> "Clients":
        for loop in self.loops:
            loop.start()
        return self

    def stop(self) -> None:
        for loop in self.loops:
            loop.stop()

    def wait_for(self, n: int) -> bool:
        return all(loop.wait_for(n) for loop in self.loops)

    @property
    def outcomes(self):
        return [o for loop in self.loops for o in loop.outcomes]

    @property
    def failures(self):
        return [o for o in self.outcomes if not o.ok]

    def served_by(self) -> dict[str, int]:
        return served_by(self.outcomes)

    def wait_served(self, gen: str, n: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while self.served_by().get(gen, 0) < n and time.monotonic() < deadline and not self.failures:
            time.sleep(0.05)


def assert_no_failed_request(clients: Clients, upstream, window: tuple[float, float], *logs: str) -> None:
    """Every request got its 200, and the only requests sent twice are the ones the restart may legitimately lose:

    - only on a keep-alive connection the old process closed (RequestLoop retries nothing else), and at most one per
      client loop — each loop holds one connection at the restart, and a request can cross its close only once;
    - only within the restart `window` (from the signal until the old process exited): a loss at any other time is
      a dropped request, whatever the retry made of it;
    - never a request that reached the upstream: one the old process had started on was in flight, and a request
      in flight must be answered (drain), not dropped for the client to send again.
    """
    retries = [r for loop in clients.loops for r in loop.retries]
    print(f"requests: {len(clients.outcomes)}, served by generation: {clients.served_by()}, "
          f"keep-alive retries after an idle close: {len(retries)} {[r.detail for r in retries[:3]]}")
    for i, loop in enumerate(clients.loops):
        assert len(loop.retries) <= 1, f"client {i} lost {len(loop.retries)} requests: {loop.retries}"
    start, end = window
    for r in retries:
        assert start <= r.at <= end + 1.0, (
            f"a request was lost {r.at - start:+.2f} s from the restart signal (the old process exited at "
            f"{end - start:+.2f} s): {r}"
        )
        reached = upstream.matching(r.path.rsplit("/", 1)[1])
        assert not reached, f"a request the old process had forwarded was dropped and sent again: {r}"
    failures = clients.failures
    assert not failures, (
        f"{len(failures)} of {len(clients.outcomes)} requests failed across the restart "
        f"(first: {failures[0].detail}, on a reused keep-alive connection: {failures[0].reused});\n"
        + "\n".join(f"--- gatehouse stderr ---\n{log[-3000:]}" for log in logs)
    )


def slow_request_in_flight(gw_pki, port: int, upstream, results: list) -> threading.Thread:
    """Starts GET /prod/slow/1500 (the upstream answers after 1.5 s) and waits until the upstream has it."""
    m = h.marker()

    def run():
        conn = None
        try:
            conn = h.RawConn.__new__(h.RawConn)
            conn.sock, conn.buf = h.tls_connect(port, h.client_context(gw_pki, "alice")), b""
            conn.send(f"GET /prod/slow/1500?{m} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
            results.append(conn.read_response())
        except Exception as e:  # recorded, asserted by the test
            results.append(e)
        finally:
            if conn is not None and hasattr(conn, "sock"):
                conn.close()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    deadline = time.monotonic() + 10
    while not upstream.matching(m) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert upstream.matching(m), "the slow request never reached the upstream"
    return t


@pytest.mark.parametrize("keep_alive", [False, True], ids=["new-connections", "keep-alive"])
def test_restart_on_a_held_socket_loses_no_request(tmp_path, pki, upstream, keep_alive):
    holder, port = held_socket(tmp_path, pki, upstream)
    loop = None
    try:
        old = spawn_generation(holder, upstream, port, 0)
        loop = Clients(port, pki, keep_alive).start()
        assert loop.wait_for(BEFORE), f"the loop got no answers: {loop.outcomes[-3:]}"
        slow: list = []
        slow_thread = slow_request_in_flight(pki, port, upstream, slow)

        # the restart: SIGTERM the old process and start the next on the same socket
        write_generation(holder.gw, upstream, port, 1)
        signalled = time.monotonic()
        old.send_signal(signal.SIGTERM)
        new = holder.spawn()
        assert old.wait(timeout=15) == 0, f"the old gatehouse did not exit 0 after draining:\n{holder.log(0)}"
        exited_at = time.monotonic()

        loop.wait_served("1", AFTER)
        loop.stop()
        slow_thread.join(timeout=10)
        assert new.poll() is None, f"the new gatehouse exited:\n{holder.log(1)}"
        assert_no_failed_request(loop, upstream, (signalled, exited_at), holder.log(0), holder.log(1))
        served = loop.served_by()
        assert served.get("0", 0) >= BEFORE and served.get("1", 0) >= AFTER, served
        assert set(served) == {"0", "1"}, served
        assert slow and isinstance(slow[0], h.Response) and slow[0].status == 200, (
            f"a request in flight at SIGTERM was not finished: {slow!r}"
        )
        if keep_alive:
            assert sum(x.connections for x in loop.loops) < len(loop.outcomes) / 2, "connections were not reused"
        assert wait_ready(port, pki, new, timeout=5)
    finally:
        if loop is not None:
            loop.stop()
        holder.close()


def socket_activate_supervisor(gw: h.Gateway, port: int, status: SupervisorStatus) -> list[str]:
    """systemd-socket-activate passes a clean environment: forward what the config needs."""
    args = [SOCKET_ACTIVATE, "-l", f"{h.LOOPBACK}:{port}", "--fdname=https"]
    for k, v in gw.process_env().items():
        if k.startswith("GATEHOUSE_E2E"):
            args += ["-E", f"{k}={v}"]
    return args + [sys.executable, "-c", SUPERVISOR, str(status.path), str(h.BINARY), "serve", "--config",
                   str(gw.config_path)]


@pytest.mark.parametrize("keep_alive", [False, True], ids=["new-connections", "keep-alive"])
def test_restart_under_systemd_socket_activate_loses_no_request(tmp_path, pki, upstream, keep_alive):
    port = h.free_port()
    gw = h.Gateway(tmp_path, generation_config(pki, upstream, port, 0), pki)
    write_generation(gw, upstream, port, 0)
    status = SupervisorStatus(tmp_path / "supervisor.jsonl")
    err = open(tmp_path / "socket-activate.stderr", "wb")
    proc = subprocess.Popen(socket_activate_supervisor(gw, port, status), stdout=err, stderr=err,
                            stdin=subprocess.DEVNULL, env=gw.process_env(), cwd=tmp_path)
    loop = None

    def log(gen):
        p = tmp_path / f"gen{gen}.stderr"
        return p.read_text(errors="replace") if p.exists() else ""

    try:
        # the first connection makes systemd-socket-activate exec the supervisor, which starts generation 0
        assert wait_ready(port, pki, proc), (tmp_path / "socket-activate.stderr").read_text() + log(0)
        holding = status.wait_for(lambda e: e["event"] == "holding", timeout=1)
        assert holding and holding["pid"] == proc.pid and holding["names"] == "https", status.events()

        loop = Clients(port, pki, keep_alive).start()
        assert loop.wait_for(BEFORE), f"the loop got no answers: {loop.outcomes[-3:]}"
        write_generation(gw, upstream, port, 1)
        signalled = time.monotonic()
        proc.send_signal(signal.SIGUSR1)  # `systemctl restart`: stop, wait, start — the socket stays open
        exited = status.wait_for(lambda e: e["event"] == "exited" and e["gen"] == 0, timeout=15)
        exited_at = time.monotonic()  # (polled every 50 ms: a little after the real exit)
        assert exited is not None, status.events()
        assert exited["code"] == 0, f"generation 0 exited {exited['code']}:\n{log(0)}"
        assert status.wait_for(lambda e: e["event"] == "spawned" and e["gen"] == 1, timeout=5), status.events()

        loop.wait_served("1", AFTER)
        loop.stop()
        assert_no_failed_request(loop, upstream, (signalled, exited_at), log(0), log(1))
        served = loop.served_by()
        assert served.get("0", 0) >= BEFORE and served.get("1", 0) >= AFTER, served
        assert set(served) == {"0", "1"}, served

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        assert status.wait_for(lambda e: e["event"] == "exited" and e["gen"] == 1, timeout=1)["code"] == 0, log(1)
    finally:
        if loop is not None:
            loop.stop()
        h.terminate(proc)
        for e in status.events():  # never leave a generation behind
            if e["event"] == "spawned":
                with_pid_gone(e["pid"])
        err.close()


def with_pid_gone(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


def test_socket_activate_alone_does_not_restart(tmp_path, pki, upstream):
    """systemd-socket-activate execs gatehouse once; when gatehouse exits the socket is gone with it."""
    port = h.free_port()
    gw = h.Gateway(tmp_path, generation_config(pki, upstream, port, 0), pki)
    write_generation(gw, upstream, port, 0)
    args = [SOCKET_ACTIVATE, "-l", f"{h.LOOPBACK}:{port}", "--fdname=https"]
    for k, v in gw.process_env().items():
        if k.startswith("GATEHOUSE_E2E"):
            args += ["-E", f"{k}={v}"]
    err = open(tmp_path / "stderr", "wb")
    proc = subprocess.Popen(args + [str(h.BINARY), "serve", "--config", str(gw.config_path)], stdout=err, stderr=err,
                            stdin=subprocess.DEVNULL, env=gw.process_env())
    try:
        assert wait_ready(port, pki, proc), (tmp_path / "stderr").read_text()
        # it exec'd: the process serving is the one systemd-socket-activate was
        assert open(f"/proc/{proc.pid}/comm").read().strip().startswith("gatehouse")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0, (tmp_path / "stderr").read_text()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((h.LOOPBACK, port), timeout=2).close()
    finally:
        h.terminate(proc)
        err.close()


def test_connection_accepted_before_sigterm_gets_its_answer(tmp_path, pki, upstream):
    """The restart window made deterministic: a client whose connection the old process accepted (TLS handshake
    done) sends its request just after SIGTERM. Nothing can move that connection to the next process, so the old one
    must answer it (with `Connection: close`) before exiting: closing it unanswered fails a request that reached
    the service, which a client cannot tell from a crash."""
    holder, port = held_socket(tmp_path, pki, upstream)
    conn = None
    try:
        old = spawn_generation(holder, upstream, port, 0)
        conn = h.RawConn.__new__(h.RawConn)
        conn.sock, conn.buf = h.tls_connect(port, h.client_context(pki, "alice")), b""
        old.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 5
        while "draining" not in holder.log(0) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert "draining" in holder.log(0), holder.log(0)
        conn.send(b"GET /prod/whoami HTTP/1.1\r\nHost: localhost\r\n\r\n")
        try:
            resp = conn.read_response()
        except (EOFError, OSError) as e:
            pytest.fail(
                "gatehouse closed a connection it had accepted before SIGTERM without answering the request sent on "
                f"it ({type(e).__name__}: {e})"
            )
        assert resp.status == 200 and resp.json() == {"gen": "0"}, resp
        assert "close" in (resp.header("connection") or "").lower(), f"a draining server must say close: {resp!r}"
        assert old.wait(timeout=15) == 0
    finally:
        if conn is not None:
            conn.close()
        holder.close()
