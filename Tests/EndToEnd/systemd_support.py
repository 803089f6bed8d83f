"""Helpers for the systemd end-to-end tests that need a real journald or a socket kept open across restarts.

- `Journald`: makes sure a systemd-journald answers on /run/systemd/journal/socket (starting a standalone one
  when nobody does) and reads entries back with `journalctl -o json`.
- `journal_stream_socket`: a stream connected to journald's stdout socket, as systemd gives a service whose
  StandardError=journal, plus the `JOURNAL_STREAM=DEVICE:INODE` value naming it.
- `SocketHolder`: binds a listening socket once and runs successive `gatehouse serve` generations on it with
  LISTEN_FDS/LISTEN_FDNAMES/LISTEN_PID set as systemd sets them — the part of systemd a restart relies on.
- `RequestLoop`: a client thread sending requests in a loop and recording every outcome.

Everything talks to loopback and local unix sockets only.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import harness as h

JOURNAL_SOCKET = Path("/run/systemd/journal/socket")
JOURNAL_STDOUT = Path("/run/systemd/journal/stdout")
JOURNALD = Path("/lib/systemd/systemd-journald")
JOURNALCTL = shutil.which("journalctl") or "/usr/bin/journalctl"


# --------------------------------------------------------------------------------------------------
# journald


def _send_native(fields: dict[str, str]) -> bool:
    """One entry through journald's native protocol (what sd_journal_send does); False when nobody listens."""
    payload = "".join(f"{k}={v}\n" for k, v in fields.items()).encode()
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        try:
            s.sendto(payload, str(JOURNAL_SOCKET))
            return True
        except OSError:
            return False


class Journald:
    """A journald that answers: the system's if it does, else one started here (and stopped by `close`)."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None

    @property
    def started_here(self) -> bool:
        return self.proc is not None

    def answers(self, timeout: float = 3.0) -> bool:
        """Sends a probe entry and waits until journalctl can read it back."""
        probe = "e2e-probe-" + uuid.uuid4().hex
        if not _send_native({"MESSAGE": probe, "SYSLOG_IDENTIFIER": "gatehouse-e2e-probe", "E2E_PROBE": probe}):
            return False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.entries({"E2E_PROBE": probe}, sync=True):
                return True
            time.sleep(0.1)
        return False

    def ensure(self) -> "Journald":
        if self.answers():
            return self
        assert JOURNALD.exists(), f"no journald answers on {JOURNAL_SOCKET} and {JOURNALD} is missing"
        Path("/run/systemd/journal").mkdir(parents=True, exist_ok=True)
        # A stale socket file from a journald that died would make bind() fail; journald unlinks it itself,
        # but remove it first so a failed start is unambiguous.
        for stale in (JOURNAL_SOCKET, JOURNAL_STDOUT):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
        self.proc = subprocess.Popen(
            [str(JOURNALD)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"systemd-journald exited with {self.proc.returncode}")
            if JOURNAL_SOCKET.exists() and self.answers(timeout=1.0):
                return self
            time.sleep(0.1)
        self.close()
        raise RuntimeError("the systemd-journald started for the tests did not answer within 15 s")

    def close(self) -> None:
        if self.proc is not None:
            h.terminate(self.proc)
        self.proc = None

    @staticmethod
    def sync() -> None:
        """Asks journald to write out what it has received (best effort: older journalctl may lack --sync)."""
        with contextlib.suppress(Exception):
            subprocess.run([JOURNALCTL, "--sync"], capture_output=True, timeout=10)

    @staticmethod
    def cursor() -> str | None:
        """The cursor of the newest entry now, so a test can read only what came after it."""
        out = subprocess.run(
            [JOURNALCTL, "-n", "1", "-o", "json", "--no-pager"], capture_output=True, text=True, timeout=10
        )
        for line in out.stdout.splitlines():
            with contextlib.suppress(ValueError):
                return json.loads(line).get("__CURSOR")
        return None

    @staticmethod
    def raw(matches: dict[str, str] | None = None, after_cursor: str | None = None) -> str:
        """journalctl -o json output (one JSON object a line) for the given field matches.

        With a cursor the matches are applied here, not by journalctl: journalctl 252 given both `--after-cursor`
        and a match prints nothing when the cursor's own entry does not match.
        """
        args = [JOURNALCTL, "-o", "json", "--no-pager", "--all"]
        if after_cursor:
            args.append(f"--after-cursor={after_cursor}")
        else:
            args += [f"{k}={v}" for k, v in (matches or {}).items()]
        out = subprocess.run(args, capture_output=True, text=True, timeout=20)
        if not after_cursor or not matches:
            return out.stdout
        kept = []
        for line in out.stdout.splitlines():
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                if all(_text(entry.get(k)) == v for k, v in matches.items()):
                    kept.append(line)
        return "".join(line + "\n" for line in kept)

    @classmethod
    def entries(cls, matches: dict[str, str], after_cursor: str | None = None, sync: bool = False) -> list[dict]:
        if sync:
            cls.sync()
        found = []
        for line in cls.raw(matches, after_cursor).splitlines():
            with contextlib.suppress(ValueError):
                found.append({k: _text(v) for k, v in json.loads(line).items()})
        return found

    @classmethod
    def wait_for(cls, matches: dict[str, str], predicate=lambda e: True, *, after_cursor: str | None = None,
                 timeout: float = 8.0) -> list[dict]:
        """Entries matching `matches` and `predicate`, retrying until some arrive or `timeout` passes."""
        deadline = time.monotonic() + timeout
        while True:
            found = [e for e in cls.entries(matches, after_cursor, sync=True) if predicate(e)]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.2)


def _text(value) -> str:
    """journalctl -o json writes non-UTF-8 or binary values as arrays of byte values."""
    if isinstance(value, list):
        if all(isinstance(b, int) for b in value):
            return bytes(value).decode("utf-8", "replace")
        return "\n".join(_text(v) for v in value)
    return "" if value is None else str(value)


def journal_stream_socket(identifier: str) -> tuple[socket.socket, str]:
    """A unix stream connected to journald's stdout protocol (systemd's StandardError=journal), and its
    `JOURNAL_STREAM` value `DEVICE:INODE`."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(str(JOURNAL_STDOUT))
    # identifier, unit id, priority, level prefix, forward to syslog, kmsg, console (journald-stream.c)
    s.sendall(f"{identifier}\n\n6\n0\n0\n0\n0\n".encode())
    st = os.fstat(s.fileno())
    return s, f"{st.st_dev}:{st.st_ino}"


# --------------------------------------------------------------------------------------------------
# a socket kept open across restarts


def listening_socket(port: int | None = None) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((h.LOOPBACK, port or 0))
    s.listen(512)
    return s


# Runs in the forked child: moves the inherited socket to fd 3 (SD_LISTEN_FDS_START), sets LISTEN_PID to its own pid
# (which exec keeps) and execs the command — what systemd does between fork and exec.
_EXEC_WITH_LISTEN_FDS = """
import os, sys
fd = int(sys.argv[1])
if fd != 3:
    os.dup2(fd, 3)
    os.close(fd)
os.set_inheritable(3, True)
os.environ["LISTEN_PID"] = str(os.getpid())
os.execv(sys.argv[2], sys.argv[2:])
"""


class SocketHolder:
    """The socket-holding half of systemd: binds once, starts `gatehouse serve` generations on the same socket.

    Each generation gets the socket as fd 3 with `LISTEN_FDS=1`, `LISTEN_FDNAMES=https` and `LISTEN_PID` equal to
    its own pid (set in the child between fork and exec, since the pid is only known then), exactly what
    systemd passes to a service started by a `.socket` unit with `FileDescriptorName=https`.
    """

    def __init__(self, gw: h.Gateway, sock: socket.socket, fdname: str = "https"):
        self.gw = gw
        self.sock = sock
        self.fdname = fdname
        self.port = sock.getsockname()[1]
        self.generations: list[subprocess.Popen] = []
        self._logs: list = []

    def spawn(self) -> subprocess.Popen:
        gen = len(self.generations)
        log = open(self.gw.workdir / f"gen{gen}.stderr", "wb")
        self._logs.append(log)
        env = self.gw.process_env()
        env.update({"LISTEN_FDS": "1", "LISTEN_FDNAMES": self.fdname})
        fd = self.sock.fileno()
        proc = subprocess.Popen(
            [sys.executable, "-c", _EXEC_WITH_LISTEN_FDS, str(fd), str(h.BINARY), "serve", "--config",
             str(self.gw.config_path)],
            pass_fds=(fd,), env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=self.gw.workdir,
        )
        self.generations.append(proc)
        return proc

    def log(self, gen: int) -> str:
        return (self.gw.workdir / f"gen{gen}.stderr").read_text(errors="replace")

    def close(self) -> None:
        for proc in self.generations:
            h.terminate(proc)
        for log in self._logs:
            with contextlib.suppress(Exception):
                log.close()
        with contextlib.suppress(OSError):
            self.sock.close()


def wait_ready(port: int, pki: h.PKI, proc: subprocess.Popen | None = None, timeout: float = 20) -> bool:
    """Until a real request through the port answers 200 (a TCP connect alone would only reach the backlog)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        with contextlib.suppress(Exception):
            if ping(port, pki, timeout=2).status == 200:
                return True
        time.sleep(0.05)
    return False


def ping(port: int, pki: h.PKI, path: str = "/prod/ping", timeout: float = h.IO_TIMEOUT) -> h.Response:
    ctx = h.client_context(pki, "alice")
    with h.tls_connect(port, ctx, timeout=timeout) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        return h.parse_response_bytes(h.read_until_eof(s))


# --------------------------------------------------------------------------------------------------
# a client sending requests in a loop


@dataclass
class Outcome:
    ok: bool
    detail: str
    gen: str | None = None  # which gateway generation answered (the "gen" of the mock's JSON body)
    reused: bool = False  # sent on a keep-alive connection that had already carried a request
    closing: bool = False  # the answer said `Connection: close`


def served_by(outcomes: list[Outcome]) -> dict[str, int]:
    """How many requests each gateway generation answered successfully."""
    counts: dict[str, int] = {}
    for o in outcomes:
        if o.ok:
            counts[o.gen] = counts.get(o.gen, 0) + 1
    return counts


class _UnansweredOnReusedConnection(Exception):
    def __init__(self, detail: str, path: str):
        super().__init__(detail)
        self.path = path


@dataclass
class Retry:
    """A request lost on a reused keep-alive connection and sent again once on a new one."""

    path: str  # the lost request's path (unique when the loop marks its requests)
    detail: str
    at: float  # time.monotonic() when the loss was seen


@dataclass
class RequestLoop:
    """A thread sending GET /prod/whoami until stopped, over new connections or one keep-alive connection.

    keep_alive: the client keeps its connection while the server keeps it, and opens a new one when the server
    closes it (`Connection: close` on an answer, or the connection found closed before the next request is sent);
    a request lost because the server closed the idle connection as it was sent is retried once, as HTTP clients
    do (only then, only on a reused connection, and recorded in `retries`). New connections are never retried.
    A request is a failure when it gets no complete 200 answer.

    What a retry may stand for is for the test to bound (RFC 9112 §9.3.1): a server may close an idle keep-alive
    connection at any time, so one request per connection open at the restart may cross the close and be lost
    unseen — but a request the server had started on (in flight) must be answered, never dropped. With
    `mark=True` every request's path ends in a unique marker, so the test can check a lost request never reached
    the upstream.
    """

    port: int
    pki: h.PKI
    keep_alive: bool = False
    path: str = "/prod/whoami"
    mark: bool = False
    outcomes: list[Outcome] = field(default_factory=list)
    retries: list[Retry] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "RequestLoop":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def wait_for(self, n: int, timeout: float = 20) -> bool:
        deadline = time.monotonic() + timeout
        while len(self.outcomes) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        return len(self.outcomes) >= n

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def served_by(self) -> dict[str, int]:
        return served_by(self.outcomes)

    def _run(self) -> None:
        conn: h.RawConn | None = None
        used = 0  # requests already answered on conn
        while not self._stop.is_set():
            if conn is not None and not self._still_open(conn):
                conn.close()
                conn, used = None, 0
            stage = "request"
            try:
                if conn is None:
                    stage = "TCP connect / TLS handshake"
                    conn, used = self._connect(), 0
                    stage = "request on a new connection"
                outcome = self._exchange(conn, reused=used > 0)
            except _UnansweredOnReusedConnection as e:
                # RFC 9112 §9.3.1: the server closed an idle persistent connection just as this request went out
                # (nothing of an answer arrived); a client may retry an idempotent request once on a new
                # connection — curl, urllib3 and Go's net/http do. Counted in `retries`.
                conn.close()
                self.retries.append(Retry(e.path, str(e), time.monotonic()))
                try:
                    conn, used = self._connect(), 0
                    outcome = self._exchange(conn, reused=False)
                except Exception as e2:
                    outcome = Outcome(False, f"retry after {e}: {type(e2).__name__}: {e2}")
            except Exception as e:  # every other exception is a failed request
                outcome = Outcome(False, f"{stage}: {type(e).__name__}: {e}", reused=used > 0)
            self.outcomes.append(outcome)
            used += 1
            if not outcome.ok or not self.keep_alive or outcome.closing:
                if conn is not None:
                    conn.close()
                conn, used = None, 0
        if conn is not None:
            conn.close()

    def _exchange(self, conn: h.RawConn, *, reused: bool) -> Outcome:
        path = f"{self.path}/{h.marker()}" if self.mark else self.path
        head = f"GET {path} HTTP/1.1\r\nHost: localhost\r\n"
        head += "\r\n" if self.keep_alive else "Connection: close\r\n\r\n"
        try:
            conn.send(head.encode())
            resp = conn.read_response()
        except (EOFError, OSError) as e:
            if reused and self.keep_alive and not conn.buf:
                raise _UnansweredOnReusedConnection(f"{type(e).__name__}: {e}", path) from e
            raise
        gen = None
        with contextlib.suppress(Exception):
            body = resp.json()
            # a MOCK answers {"gen": N}; the echo upstream's path names the generation's integration (/genN/...)
            gen = str(body["gen"]) if "gen" in body else re.match(r"/gen(\d+)/", body["path"]).group(1)
        closing = "close" in (resp.header("connection") or "").lower()
        return Outcome(resp.status == 200, f"{resp.status} {resp.body[:200]!r}", gen, reused=reused, closing=closing)

    def _connect(self) -> h.RawConn:
        conn = h.RawConn.__new__(h.RawConn)
        conn.sock = h.tls_connect(self.port, h.client_context(self.pki, "alice"), timeout=h.IO_TIMEOUT)
        conn.buf = b""
        self.connections += 1
        return conn

    @staticmethod
    def _still_open(conn: h.RawConn) -> bool:
        """Whether an idle keep-alive connection is still open (the server may have closed it while idle)."""
        r, _, _ = select.select([conn.sock], [], [], 0)
        if not r and not conn.sock.pending():
            return True
        conn.sock.setblocking(False)
        try:
            data = conn.sock.recv(1)
            if data:
                conn.buf += data
                return True
            return False
        except (BlockingIOError, ssl.SSLWantReadError):
            return True
        except OSError:
            return False
        finally:
            conn.sock.setblocking(True)
            conn.sock.settimeout(h.IO_TIMEOUT)



# --------------------------------------------------------------------------------------------------
# a service manager behind systemd-socket-activate

# systemd-socket-activate (without --accept) binds the socket, waits for the first connection and then *execs* its
# command in its own process, passing the socket as fd 3 (LISTEN_FDS=1, LISTEN_PID=its pid). It never runs the
# command again. This program is that command: it plays the service-manager role systemd plays for a restarted
# service — it keeps the socket systemd-socket-activate bound and runs `gatehouse serve` generations on it.
# SIGUSR1 = `systemctl restart` (SIGTERM the running generation, wait for it to exit, start the next one);
# SIGTERM = stop everything. It writes one JSON line per event to the status file (argv[1]).
SUPERVISOR = r'''
import json, os, signal, subprocess, sys, threading

status_path, command = sys.argv[1], sys.argv[2:]
assert os.environ.get("LISTEN_PID") == str(os.getpid()), "LISTEN_PID is not ours"
assert os.environ.get("LISTEN_FDS") == "1", os.environ.get("LISTEN_FDS")
names = os.environ.get("LISTEN_FDNAMES", "")
os.set_inheritable(3, True)
lock = threading.Lock()
restart = threading.Event()
stopping = threading.Event()

def event(**fields):
    with lock, open(status_path, "a") as f:
        f.write(json.dumps(fields) + "\n")

def spawn(gen):
    env = dict(os.environ, LISTEN_FDS="1", LISTEN_FDNAMES=names)
    env.pop("LISTEN_PID", None)
    code = "import os,sys; os.environ['LISTEN_PID']=str(os.getpid()); os.execv(sys.argv[1], sys.argv[1:])"
    log = open(os.path.join(os.path.dirname(status_path), "gen%d.stderr" % gen), "wb")
    proc = subprocess.Popen([sys.executable, "-c", code] + command, pass_fds=(3,), env=env,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    event(event="spawned", gen=gen, pid=proc.pid)
    return proc

signal.signal(signal.SIGUSR1, lambda *_: restart.set())
signal.signal(signal.SIGTERM, lambda *_: (stopping.set(), restart.set()))
event(event="holding", pid=os.getpid(), names=names)
gen = 0
proc = spawn(gen)
while True:
    restart.wait()
    restart.clear()
    proc.send_signal(signal.SIGTERM)
    code = proc.wait()
    event(event="exited", gen=gen, code=code)
    if stopping.is_set():
        break
    gen += 1
    proc = spawn(gen)
'''


@dataclass
class SupervisorStatus:
    path: Path

    def events(self) -> list[dict]:
        try:
            lines = self.path.read_text().splitlines()
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in lines if line.strip()]

    def wait_for(self, predicate, timeout: float = 20) -> dict | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for e in self.events():
                if predicate(e):
                    return e
            time.sleep(0.05)
        return None
