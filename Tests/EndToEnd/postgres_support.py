"""A real PostgreSQL for the tests: Debian's server binaries (scripts/setup installs `postgresql`), a cluster made
with initdb in a fresh folder, run by pg_ctl as the `postgres` user on a loopback port, torn down afterwards.

The cluster accepts the superuser over its unix socket (trust, for the tests' own psql) and a `gatehouse` role over
TCP on 127.0.0.1 with a password (scram-sha-256), which is how the gateway logs in (`password_file`)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import harness as h

PASSWORD = "gatehouse-test-password"


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


class Postgres:
    def __init__(self):
        bin_dir = _bin_dir()
        if bin_dir is None:
            pytest.skip("PostgreSQL server binaries are missing (scripts/setup installs postgresql)")
        self.bin = bin_dir
        self.user = pwd.getpwnam("postgres")
        # Not under pytest's tmp_path: its parents are root-only, and the server runs as `postgres`.
        self.root = Path(tempfile.mkdtemp(prefix="gatehouse-pg-"))
        os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = h.free_port()
        self.database = "gatehouse"
        try:
            pwfile = self.root / "superuser.pw"
            pwfile.write_text("postgres-superuser\n")
            os.chown(pwfile, self.user.pw_uid, self.user.pw_gid)
            self._as_postgres(
                str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth-local=trust",
                "--auth-host=scram-sha-256", f"--pwfile={pwfile}", "--no-sync", "-E", "UTF8")
            self.start()
            self.psql_admin(f"CREATE ROLE gatehouse LOGIN PASSWORD '{PASSWORD}'", database="postgres")
            self.psql_admin("CREATE DATABASE gatehouse OWNER gatehouse", database="postgres")
        except BaseException:
            self.destroy()  # nothing may outlive a cluster that failed to come up
            raise

    def _as_postgres(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        out = subprocess.run(["runuser", "-u", "postgres", "--", *args], capture_output=True, text=True,
                             timeout=timeout, cwd=self.root)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({out.returncode}): {out.stdout}{out.stderr}\n"
                               + (self.log.read_text() if self.log.exists() else ""))
        return out

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log),
                          "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def _processes(self) -> list[int]:
        """The postmaster of this cluster and its children (backends, writers)."""
        main = int((self.data / "postmaster.pid").read_text().splitlines()[0])
        children = subprocess.run(["pgrep", "-P", str(main)], capture_output=True, text=True).stdout.split()
        return [main, *map(int, children)]

    def freeze(self) -> None:
        """SIGSTOP the whole cluster: connections stay open, nothing answers (a hung server)."""
        for pid in self._processes():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self._processes():
            os.kill(pid, signal.SIGCONT)

    def psql_admin(self, sql: str, database: str | None = None) -> str:
        """Runs SQL as the superuser over the unix socket; returns unaligned, tuples-only output."""
        out = self._as_postgres(str(self.bin / "psql"), "-h", str(self.root), "-p", str(self.port), "-U",
                                "postgres", "-d", database or self.database, "-v", "ON_ERROR_STOP=1", "-tAc", sql)
        return out.stdout.strip()

    def url(self) -> str:
        return f"postgres://gatehouse@127.0.0.1:{self.port}/{self.database}"

    def state_section(self, folder: Path, **extra) -> dict:
        """A `state:` section for a gateway whose files are in `folder` (writes the password file there)."""
        secret = folder / "pg.secret"
        secret.write_text(PASSWORD + "\n")
        secret.chmod(0o600)
        return {"postgres": {"url": self.url(), "password_file": str(secret)}, **extra}

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self.thaw()  # a test that failed while the cluster was frozen
                self.stop("immediate")
            except Exception:
                pass
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres():
    """One PostgreSQL cluster per test module, removed at its end."""
    server = Postgres()
    yield server
    server.destroy()


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
