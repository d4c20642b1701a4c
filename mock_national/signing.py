"""Request signatures: `X-Signature: sha256=<hex HMAC-SHA256(SECRET, f"{X-Timestamp}.".encode() + body)>`."""

from __future__ import annotations

import hashlib
import hmac
import re
import time

_TIMESTAMP = re.compile(r"^\d{1,12}$")
PREFIX = "sha256="


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def signature_problem(
    headers, body: bytes, *, secret: str, max_skew_seconds: int, now: float | None = None
) -> str | None:
    """None when the request is signed by the holder of `secret` within the allowed clock skew."""
    timestamp = headers.get("X-Timestamp", "")
    if not _TIMESTAMP.match(timestamp):
        return "缺少或无效的 X-Timestamp（应为整数 Unix 秒）"
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > max_skew_seconds:
        return f"X-Timestamp 与服务器时间相差超过 {max_skew_seconds} 秒"
    provided = headers.get("X-Signature", "")
    if not provided.startswith(PREFIX):
        return "缺少或无效的 X-Signature（应为 sha256=<hex>）"
    expected = signature(secret, timestamp, body)
    if not secret or not hmac.compare_digest(expected.encode(), provided.encode("utf-8", "replace")):
        return "签名校验失败"
    return None
