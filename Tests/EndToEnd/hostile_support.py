"""Helpers for the hostile-input suite (test_hostile_*.py): a SigV4 signer over header bytes (botocore signs text, so
it cannot sign a value that is not UTF-8 as it goes on the wire), and the gateway's memory read from /proc around a
repeated dose of hostile input (`rss_guard`, `dose`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import threading
import time
from typing import Callable, Iterator

import harness as h


def sign_raw_head(
    method: str,
    path: str,
    fields: list[tuple[str, bytes]],
    *,
    identity: h.Identity,
    signed_values: dict[str, bytes] | None = None,
) -> bytes:
    """A whole request head (no body) with a SigV4 `Authorization` over every field, values taken as bytes.

    `signed_values` replaces, in the canonical request only, the value of the named (lower-case) fields: the
    head then carries bytes other than those signed.
    """
    now = dt.datetime.now(dt.timezone.utc)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    sent = [("Host", b"localhost"), *fields, ("X-Amz-Date", stamp.encode())]
    if identity.token:
        sent.append(("X-Amz-Security-Token", identity.token.encode()))
    names = sorted({name.lower() for name, _ in sent})
    canonical = b""
    for name in names:
        values = [
            b" ".join((signed_values or {}).get(name, value).split()) for k, value in sent if k.lower() == name
        ]
        canonical += name.encode() + b":" + b",".join(values) + b"\n"
    payload = hashlib.sha256(b"").hexdigest().encode()
    creq = b"\n".join([method.encode(), path.encode(), b"", canonical, ";".join(names).encode(), payload])
    scope = f"{stamp[:8]}/{h.REGION}/{h.SERVICE}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(creq).hexdigest()])
    key = ("AWS4" + identity.secret).encode()
    for part in (stamp[:8], h.REGION, h.SERVICE, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    authorization = (
        f"AWS4-HMAC-SHA256 Credential={identity.access_key}/{scope}, SignedHeaders={';'.join(names)}, "
        f"Signature={signature}"
    ).encode()
    lines = [f"{method} {path} HTTP/1.1".encode()]
    lines += [name.encode() + b": " + value for name, value in sent]
    lines += [b"Authorization: " + authorization, b"Connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n"


# ------------------------------------------------------------------------------------------------ memory


def proc_kb(pid: int, field: str = "VmRSS") -> int:
    """A `kB` figure of /proc/PID/status: VmRSS (resident), VmData (private writable memory, touched or not)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


# Every guard's figures, for the report printed with `pytest -s`.
RSS_FIGURES: list[tuple[str, int, int]] = []


@contextlib.contextmanager
def rss_guard(gw, limit_mb: float, label: str, settle: float = 0.3) -> Iterator[dict]:
    """Fails unless the gateway's VmRSS grew by less than `limit_mb` across the block.

    The block should hold a repeated dose of one hostile input (see `dose`), after a first, smaller dose outside
    the guard, so that what the allocator keeps once (arenas, caches, the TLS session cache) is not counted. After
    the block, `settle` seconds let the gateway close what the dose left open. The yielded dict gets `before` and
    `after` (kB); set `peak` in the block to have a figure taken while connections are held checked too.
    """
    pid = gw.proc.pid
    figures: dict = {"before": proc_kb(pid)}
    yield figures
    time.sleep(settle)
    figures["after"] = proc_kb(pid)
    RSS_FIGURES.append((label, figures["before"], figures["after"]))
    worst = max(figures["after"], figures.get("peak", 0))
    print(f"[rss] {label}: VmRSS {figures['before']} kB -> {figures['after']} kB"
          + (f" (peak {figures['peak']} kB)" if "peak" in figures else ""))
    assert worst - figures["before"] < limit_mb * 1024, (
        f"{label}: VmRSS grew from {figures['before']} kB to {worst} kB (limit {limit_mb} MiB)")


def dose(one: Callable[[int], float], times: int, threads: int = 4) -> list[float]:
    """Calls `one(i)` for i in range(times) on `threads` threads; `one` sends one hostile request, asserts its
    answer and returns the seconds the answer took. Returns those seconds; re-raises the first failure."""
    seconds: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(start: int) -> None:
        for i in range(start, times, threads):
            if errors:
                return
            try:
                took = one(i)
            except BaseException as e:  # noqa: BLE001 - re-raised below
                with lock:
                    errors.append(e)
                return
            with lock:
                seconds.append(took)

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise errors[0]
    return seconds
