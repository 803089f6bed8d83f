"""Helpers for test_hostile_input.py: a SigV4 signer over header bytes (botocore signs text, so it cannot sign a
value that is not UTF-8 as it goes on the wire)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

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
