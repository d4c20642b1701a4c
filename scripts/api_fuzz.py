"""The API against its own contract: schemathesis over every operation of /api/schema/, on a live server.

    DATABASE_URL=postgres://… python scripts/api_fuzz.py        (what .ci/run runs after the tests)

A scratch PostgreSQL database beside DATABASE_URL's (`<name>_api_fuzz`, made anew each run) is migrated and
given the demo data (`seed_demo`) and an API token with every scope (`create_api_client`). gunicorn serves the
project on a free localhost port with settings.api_fuzz (the test settings, files on disk; nothing shared;
throttles generous, so that what is tested is the logic and not the 429). schemathesis then runs every
operation twice, anonymously and with the token, each pass within its time budget, with the checks:

- not_a_server_error: no input gives a 5xx;
- response_schema_conformance: every response body matches its documented schema;
- status_code_conformance: every status returned is documented for that operation;
- content_type_conformance: every response has a documented content type.

Any failure fails the run (exit 1), with schemathesis's report of how to reproduce it. Environment:
API_FUZZ_SECONDS (per pass, default 90), API_FUZZ_MAX_EXAMPLES (per operation and phase, default 25),
API_FUZZ_SEED (default fixed, so that CI is repeatable), API_FUZZ_DATABASE_URL (instead of the derived name),
API_FUZZ_KEEP=1 (keep the scratch database afterwards).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
# An organization of the demo data with disclosures and dishonesty records of its own.
TOKEN_ORGANIZATION = os.environ.get("API_FUZZ_ORGANIZATION", "市市场监管局")
ALL_SCOPES = ("--scope", "read", "--scope", "write", "--scope", "review")


def main() -> int:
    started = time.monotonic()
    database_url = os.environ.get("API_FUZZ_DATABASE_URL") or _scratch_url(os.environ.get("DATABASE_URL", ""))
    work = Path(tempfile.mkdtemp(prefix="api-fuzz-"))  # media, the server's log, the known ids
    env = _server_env(database_url, media=work / "media")
    _recreate_database(database_url)
    try:
        _step("migrate", [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        _step("seed", [PYTHON, "manage.py", "seed_demo"], env, quiet=True)
        token = _step(
            "token",
            [PYTHON, "manage.py", "create_api_client", TOKEN_ORGANIZATION, "--name", "api fuzz", *ALL_SCOPES],
            env,
            quiet=True,
        ).strip()
        port = _free_port()
        with _server(port, env, log=work / "server.log"):
            origin = f"http://127.0.0.1:{port}"
            schema_url = f"{origin}/api/schema/?format=json"
            ids_file = work / "ids.json"
            ids_file.write_text(json.dumps(_known_ids(origin, schema_url, token)))
            passes = (("anonymous", []), ("token", ["-H", f"Authorization: Token {token}"]))
            failed = [name for name, headers in passes if not _fuzz(name, schema_url, headers, ids_file)]
    finally:
        if os.environ.get("API_FUZZ_KEEP") != "1":
            _drop_database(database_url)
        shutil.rmtree(work, ignore_errors=True)
    print(f"== api fuzz: {time.monotonic() - started:.0f} s in all", flush=True)
    if failed:
        print(f"== api fuzz FAILED: {', '.join(failed)}", flush=True)
    # The closing line in the form CI's runner summary reads: one per pass.
    print(f"api_fuzz: {len(passes) - len(failed)} passed, {len(failed)} failed", flush=True)
    return 1 if failed else 0


def _scratch_url(database_url: str) -> str:
    parts = urllib.parse.urlsplit(database_url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("api_fuzz: DATABASE_URL must name a PostgreSQL server (postgres://user@host:port/name)")
    name = parts.path.lstrip("/") or "hangzhou_integrity"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}_api_fuzz"))


def _server_env(database_url: str, *, media: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="hangzhou_integrity.settings.api_fuzz",
        MEDIA_ROOT=str(media),
        PYTHONUNBUFFERED="1",
    )
    return env


def _maintenance_connection(database_url: str):
    import psycopg

    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/")
    conninfo = urllib.parse.urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    return name, psycopg.connect(conninfo, autocommit=True)


def _recreate_database(database_url: str) -> None:
    from psycopg import sql

    name, connection = _maintenance_connection(database_url)
    with connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name))
        )


def _drop_database(database_url: str) -> None:
    from psycopg import sql

    name, connection = _maintenance_connection(database_url)
    with connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _step(name: str, command: list[str], env: dict, *, quiet: bool = False) -> str:
    began = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        sys.exit(f"api_fuzz: {name} failed")
    print(f"== api fuzz: {name} ({time.monotonic() - began:.0f} s)", flush=True)
    if not quiet:
        sys.stdout.write(result.stdout)
    return result.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _server:
    """gunicorn on 127.0.0.1:port, up until the block ends (stopped with its whole process group)."""

    def __init__(self, port: int, env: dict, *, log: Path):
        self.port, self.env, self.log_path = port, env, log

    def __enter__(self):
        self.log = open(self.log_path, "w+")
        command = [PYTHON, "-m", "gunicorn", "hangzhou_integrity.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "4", "--timeout", "60"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/ledger/", timeout=2):
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        self.__exit__(None, None, None)
        sys.exit(f"api_fuzz: the server did not come up:\n{self.tail}")

    def __exit__(self, *exc_info):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.seek(0)
        lines = self.log.readlines()
        self.log.close()
        self.tail = "".join(lines[-40:])
        errors = [line for line in lines if " ERROR " in line]
        if errors:
            print("== api fuzz: the server logged errors:\n" + "".join(errors[:40]), flush=True)


def _known_ids(origin: str, schema_url: str, token: str) -> dict:
    """What the data holds, for api_fuzz_hooks: the ids on the first page of every list (as the token and the
    public see it), the evidence files and civil servants named in records, the ledger's (type, id) pairs."""
    schema = _get_json(schema_url, None)
    ids: dict[str, set] = {}
    for path, operations in schema["paths"].items():
        if "{" in path or "get" not in operations:
            continue
        for credentials in (token, None):
            page = _get_json(f"{origin}{path}?page_size=100", credentials)
            for item in page.get("results", []) if isinstance(page, dict) else []:
                if isinstance(item, dict) and isinstance(item.get("id"), int):
                    ids.setdefault(path, set()).add(item["id"])
                for evidence in item.get("evidence", []) if isinstance(item, dict) else []:
                    ids.setdefault("/api/v1/dishonesty-evidence/", set()).add(evidence["id"])
                subject = item.get("subject") if isinstance(item, dict) else None
                if isinstance(subject, dict) and subject.get("civil_servant"):
                    ids.setdefault("/api/v1/civil-servants/", set()).add(subject["civil_servant"])
    entries = _get_json(f"{origin}/api/v1/ledger/entries/?limit=1000", None).get("entries", [])
    ledger = sorted({(entry["record_type"], entry["record_id"]) for entry in entries})
    print(f"== api fuzz: known ids {', '.join(f'{path} {len(found)}' for path, found in ids.items())}", flush=True)
    return {"ids": {path: sorted(found) for path, found in ids.items()}, "ledger": ledger}


def _get_json(url: str, token: str | None):
    # Only the server this script started, on 127.0.0.1.
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"} if token else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.load(response)
    except urllib.error.HTTPError:
        return {}  # not for this caller (401, 404): nothing to learn from it


def _fuzz(name: str, schema_url: str, headers: list[str], ids_file: Path) -> bool:
    seconds = os.environ.get("API_FUZZ_SECONDS", "90")
    command = [
        str(BIN / "schemathesis"),
        "run",
        schema_url,
        "--checks",
        CHECKS,
        "--max-examples",
        os.environ.get("API_FUZZ_MAX_EXAMPLES", "25"),
        "--max-time",
        seconds,
        "--seed",
        os.environ.get("API_FUZZ_SEED", "20261202"),
        # One worker: Hypothesis describes strategies with ast.parse, which CPython 3.11 breaks from two threads
        # ("SystemError: AST constructor recursion depth mismatch").
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--generation-database",
        "none",
        "--suppress-health-check",
        "all",
        "--no-color",
        *headers,
    ]
    print(f"== api fuzz: {name} pass (at most {seconds} s)", flush=True)
    began = time.monotonic()
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "api_fuzz_hooks", "API_FUZZ_IDS_FILE": str(ids_file)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "scripts"), env.get("PYTHONPATH")]))
    result = subprocess.run(command, cwd=tempfile.gettempdir(), env=env, check=False)
    print(f"== api fuzz: {name} pass took {time.monotonic() - began:.0f} s, exit {result.returncode}", flush=True)
    return result.returncode == 0


if __name__ == "__main__":
    sys.exit(main())
