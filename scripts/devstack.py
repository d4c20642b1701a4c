"""`make run`: the web server, a Celery worker with embedded beat, all in one terminal.

Ctrl-C stops everything. Embedded mode needs no server: SQLite under var/ and Celery's filesystem
transport; set DATABASE_URL / REDIS_URL to use PostgreSQL and Redis instead.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")

PROCESSES = {
    "web": [PYTHON, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"],
    "worker": [
        PYTHON,
        "-m",
        "celery",
        "-A",
        "hangzhou_integrity",
        "worker",
        "--beat",
        "--loglevel",
        "INFO",
        "--concurrency",
        "2",
        "--schedule",
        str(ROOT / "var" / "celerybeat-schedule"),
    ],
}


def _pump(name: str, stream) -> None:
    for line in iter(stream.readline, ""):
        sys.stdout.write(f"{name:>6} | {line}")
        sys.stdout.flush()


def _wait_until_healthy(timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{PORT}/healthz", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def main() -> int:
    (ROOT / "var" / "celery" / "queue").mkdir(parents=True, exist_ok=True)
    (ROOT / "var" / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    children: dict[str, subprocess.Popen] = {}
    for name, command in PROCESSES.items():
        children[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=_pump, args=(name, children[name].stdout), daemon=True).start()

    def stop(*_args):
        for child in children.values():
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if _wait_until_healthy():
        logins = subprocess.run(
            [PYTHON, "manage.py", "seed_demo", "--print-logins"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        print(
            f"\n诚信杭州 is running at http://{HOST}:{PORT}/  (API docs: /api/docs/, health: /healthz)\n{logins}"
            "Press Ctrl-C to stop.\n",
            flush=True,
        )
    try:
        while all(child.poll() is None for child in children.values()):
            time.sleep(0.5)
    finally:
        stop()
        for child in children.values():
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
    return max((child.returncode or 0) for child in children.values())


if __name__ == "__main__":
    sys.exit(main())
