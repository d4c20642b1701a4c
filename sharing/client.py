"""HTTP to the national platform: signed requests over one keep-alive session per process.

Every request carries `X-Timestamp` and `X-Signature: sha256=<HMAC-SHA256(secret, "<timestamp>." + body)>`;
a POST also carries an `Idempotency-Key`, so a request that is sent again (after a timeout, a crash,
a lost answer) is answered with the first answer instead of being applied twice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin

import requests
from django.conf import settings

_local = threading.local()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def _session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def close_session() -> None:
    """Close this thread's keep-alive connections (the other side keeps a worker per open one)."""
    session = getattr(_local, "session", None)
    if session is not None:
        session.close()
        _local.session = None


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict | None  # None when the answer was not JSON
    retry_after: float | None


class NationalPlatform:
    """The national credit-sharing platform (or its stand-in) at settings.NATIONAL_PLATFORM_URL."""

    def __init__(self, base_url: str | None = None, secret: str | None = None):
        self.base_url = (base_url or settings.NATIONAL_PLATFORM_URL).rstrip("/") + "/"
        self.secret = secret or settings.NATIONAL_PLATFORM_SECRET
        options = settings.SHARING
        self.timeout = (options["CONNECT_TIMEOUT_SECONDS"], options["READ_TIMEOUT_SECONDS"])

    def send_records(self, records: list[dict], *, idempotency_key: str) -> Answer:
        body = json.dumps({"records": records}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return self._request("POST", "api/records/", body=body, extra={"Idempotency-Key": idempotency_key})

    def counts(self) -> dict:
        return self._json("api/counts/")

    def latest_records(self, record_type: str, *, after: str | None = None, limit: int = 1000) -> dict:
        params = {"record_type": record_type, "limit": str(limit)}
        if after is not None:
            params["after"] = after
        return self._json("api/records/", params=params)

    def receipts(self, record_type: str, record_id: int) -> dict:
        return self._json("api/receipts/", params={"record_type": record_type, "record_id": str(record_id)})

    def _json(self, path: str, params: dict | None = None) -> dict:
        answer = self._request("GET", path, params=params)
        if answer.status != 200 or answer.body is None:
            raise requests.HTTPError(f"GET {path}: HTTP {answer.status}")
        return answer.body

    def _request(self, method: str, path: str, *, body: bytes = b"", params=None, extra=None) -> Answer:
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Timestamp": timestamp,
            "X-Signature": signature(self.secret, timestamp, body),
            **(extra or {}),
        }
        response = _session().request(
            method,
            urljoin(self.base_url, path),
            data=body or None,
            params=params,
            headers=headers,
            timeout=self.timeout,
        )
        try:
            parsed = response.json()
        except ValueError:
            parsed = None
        return Answer(response.status_code, parsed if isinstance(parsed, dict) else None, _retry_after(response))


def _retry_after(response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None  # an HTTP date: rare; the back-off applies instead
