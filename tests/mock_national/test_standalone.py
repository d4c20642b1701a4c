"""`python -m mock_national --port N` migrates its own SQLite file and serves the stand-in alone."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from django.conf import settings

from .helpers import sign


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (a local http URL we built)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_stand_in_runs_alone_and_answers_signed_requests(tmp_path):
    port = _free_port()
    environment = {
        **os.environ,
        "MOCK_NATIONAL_DB": str(tmp_path / "national.sqlite3"),
        "NATIONAL_PLATFORM_SECRET": "standalone-secret",
        "DJANGO_SETTINGS_MODULE": "hangzhou_integrity.settings.test",  # must be overridden by __main__
    }
    environment.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "mock_national", "--port", str(port)],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/mock-national/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _ = _get(base, {})
                break
            except OSError:
                assert server.poll() is None, "the stand-in exited"
                assert time.monotonic() < deadline, "the stand-in did not start"
                time.sleep(0.2)
        assert status == 200

        status, body = _get(base + "api/counts/", sign(b"", secret="standalone-secret"))
        assert status == 200
        assert json.loads(body)["by_type"] == {}
        assert _get(base + "api/counts/", sign(b"", secret="local-national-secret"))[0] == 401
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert (tmp_path / "national.sqlite3").exists()
