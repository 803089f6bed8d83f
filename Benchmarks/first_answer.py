#!/usr/bin/env python3
"""Time to the first answer on new TLS connections, from a client that leaves Nagle on.

Many clients (ab, Python's ssl, many Java and C clients) never set TCP_NODELAY. Such a client sends its TLS
Finished, then its request; Nagle holds the request back until the Finished is acknowledged. A server that sends
nothing after the client's Finished leaves that acknowledgement to its delayed-ACK timer (40 ms or more on Linux),
and the first answer on every new connection waits for it.

For each of N connections, one after another: connect (Nagle on: TCP_NODELAY is never set), complete the TLS
handshake (TLS 1.3 by default, a client certificate when given), send one GET with `Connection: close`, and time
from the send to the first byte of the answer. Prints the median in milliseconds (or a JSON report with --json).

    first_answer.py --port 18444 --cacert ca.pem --cert client.pem --key client-key.pem -n 20
"""

from __future__ import annotations

import argparse
import json
import socket
import ssl
import statistics
import sys
import time


def one_answer(
    host: str, port: int, ctx: ssl.SSLContext, path: str, server_name: str, timeout: float,
    session: ssl.SSLSession | None = None,
) -> tuple[float, float, int, bool, ssl.SSLSession | None]:
    """One new connection. Returns (handshake ms, first-answer ms, status, session reused, session)."""
    raw = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    raw.settimeout(timeout)
    try:
        started = time.perf_counter()
        raw.connect((host, port))
        tls = ctx.wrap_socket(raw, server_hostname=server_name, session=session)
    except BaseException:
        raw.close()
        raise
    with tls:
        handshake_done = time.perf_counter()
        request = f"GET {path} HTTP/1.1\r\nHost: {server_name}\r\nConnection: close\r\n\r\n".encode()
        sent = time.perf_counter()
        tls.sendall(request)
        first = tls.recv(65536)
        answered = time.perf_counter()
        if not first:
            raise ConnectionError("closed without an answer")
        data = first
        while True:
            chunk = tls.recv(65536)
            if not chunk:
                break
            data += chunk
        status_line = data.split(b"\r\n", 1)[0].split()
        status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
        return (
            (handshake_done - started) * 1000,
            (answered - sent) * 1000,
            status,
            tls.session_reused,
            tls.session,
        )


def make_context(args) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=args.cacert)
    ctx.check_hostname = False
    if args.cert:
        ctx.load_cert_chain(args.cert, args.key)
    version = ssl.TLSVersion.TLSv1_3 if args.tls == "1.3" else ssl.TLSVersion.TLSv1_2
    ctx.minimum_version = version
    ctx.maximum_version = version
    return ctx


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/")
    parser.add_argument("--server-name", default="localhost")
    parser.add_argument("--cacert", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--tls", choices=["1.2", "1.3"], default="1.3")
    parser.add_argument("--resume", action="store_true", help="resume the previous connection's TLS session")
    parser.add_argument("-n", "--connections", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    ctx = make_context(args)
    handshakes, answers, statuses, reused = [], [], [], 0
    session = None
    for _ in range(args.connections):
        hs, answer, status, was_reused, new_session = one_answer(
            args.host, args.port, ctx, args.path, args.server_name, args.timeout, session if args.resume else None
        )
        session = new_session
        handshakes.append(hs)
        answers.append(answer)
        statuses.append(status)
        reused += was_reused
    report = {
        "connections": args.connections,
        "tls": args.tls,
        "first_answer_ms": {"median": statistics.median(answers), "min": min(answers), "max": max(answers)},
        "handshake_ms_median": statistics.median(handshakes),
        "first_answer_ms_each": [round(a, 2) for a in answers],
        "statuses": sorted(set(statuses)),
        "sessions_reused": reused,
    }
    if args.json:
        print(json.dumps(report))
    else:
        print(f"{report['first_answer_ms']['median']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
