"""HTTP latency of the public disclosure pages and API over a big database (not run by the test suite).

Starts gunicorn (2 sync workers, production settings) on 127.0.0.1, waits for /healthz, then asks each
URL a bounded number of times from a few threads and reports, per URL, the server time (the
`Server-Timing: app;dur=<ms>` header of core.middleware.ServerTimingMiddleware) and the wall time
seen by the client: p50 / p95 / max. URLs that answer 404 are reported as "not built", never a crash.

    createdb -h 127.0.0.1 -U postgres hi_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hi_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python manage.py generate_disclosures --count 2000000 --seed 2025
    .venv/bin/python bench/disclosures_http.py --requests 200 --concurrency 4 --results bench/RESULTS.md

Only 127.0.0.1 is ever contacted. Test data (names to search, ids for deep pages, a credit code)
is sampled from the database itself, so the searches hit real generated subjects.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import http.client
import json
import os
import platform
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/hi_bench"
LIST_TARGET_MS = 50
SEARCH_TARGET_MS = 100
RARE = "trade name of a sampled company: a few hundred matches"
COMMON = "industry word in generated names: tens of thousands of matches"
_SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")
# Extra request headers by path prefix (e.g. an API token for endpoints that need one); other benches set it.
HEADERS_FOR_PREFIX: dict[str, dict[str, str]] = {}


@dataclass
class Case:
    label: str
    path: str
    target_ms: float | None  # p95 of server time; None: reported without a verdict
    note: str = ""


@dataclass
class Result:
    case: Case
    statuses: dict[int, int] = field(default_factory=dict)
    server_ms: list[float] = field(default_factory=list)
    wall_ms: list[float] = field(default_factory=list)
    rows: int | None = None  # results on the page (first response), when it could be told
    error: str = ""


# --- test data from the database -------------------------------------------------------------------


def sample(database_url: str) -> dict:
    """Ids, names and codes to ask for, taken from the generated data."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        one = lambda sql, *params: conn.execute(sql, params).fetchone()  # noqa: E731
        table = "disclosures_penaltydisclosure"
        low, high = one(f"SELECT min(id), max(id) FROM {table} WHERE status = 'published'")
        if low is None:
            sys.exit("No published penalties: run seed_demo and generate_disclosures first.")
        # A company in the middle of the table: 杭州{trade name}{industry}有限公司.
        middle = low + (high - low) // 2
        (company,) = one(
            f"SELECT subject_name FROM {table} WHERE id >= %s AND status = 'published' "
            "AND subject_name LIKE '杭州%%有限公司' AND subject_name NOT LIKE '%%（%%' ORDER BY id LIMIT 1",
            middle,
        )
        (person,) = one(
            f"SELECT subject_name FROM {table} WHERE id >= %s AND status = 'published' "
            "AND subject_kind = 'natural_person' AND char_length(subject_name) = 3 ORDER BY id LIMIT 1",
            middle,
        )
        (uscc,) = one(
            f"SELECT subject_uscc FROM {table} WHERE id >= %s AND status = 'published' AND subject_uscc <> '' "
            "ORDER BY id LIMIT 1",
            middle + 12345,
        )
        (authority,) = one(
            f"SELECT authority_id FROM {table} WHERE status = 'published' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        )
        counts = one(
            f"SELECT (SELECT count(*) FROM {table}), (SELECT count(*) FROM {table} WHERE status = 'published'), "
            "(SELECT count(*) FROM disclosures_licensedisclosure)"
        )
        version = one("SHOW server_version")[0]
    trade = company[2:]  # after 杭州
    return {
        "low": low,
        "high": high,
        "deep_after": low + 1000,
        "company": company,
        "name2": trade[:2],
        "name3": trade[:3],
        "name4": trade[:4],
        "person": person,
        "uscc": uscc,
        "authority": authority,
        "penalties": counts[0],
        "published": counts[1],
        "licenses": counts[2],
        "pg_version": version,
    }


def drf_cursor(position: int) -> str:
    """A DRF CursorPagination cursor for ordering -id that starts below `position`."""
    return base64.b64encode(urlencode({"p": str(position)}).encode()).decode()


def cases(data: dict) -> list[Case]:
    today = datetime.date.today()
    last_month = (today - datetime.timedelta(days=30)).isoformat()
    year_ago = (today - datetime.timedelta(days=365)).isoformat()
    year_ago_end = (today - datetime.timedelta(days=335)).isoformat()
    web, api = "/disclosures/penalties/", "/api/v1/disclosures/penalties/"
    q = lambda **params: "?" + urlencode(params)  # noqa: E731
    return [
        Case("web: first page", web, LIST_TARGET_MS),
        Case("web: deep page (?after=min id+1000)", web + q(after=data["deep_after"]), LIST_TARGET_MS),
        Case(f"web: name 2 chars “{data['name2']}”", web + q(q=data["name2"]), SEARCH_TARGET_MS, RARE),
        Case(f"web: name 3 chars “{data['name3']}”", web + q(q=data["name3"]), SEARCH_TARGET_MS, RARE),
        Case(f"web: name 4 chars “{data['name4']}”", web + q(q=data["name4"]), SEARCH_TARGET_MS, RARE),
        Case(f"web: person 3 chars “{data['person']}”", web + q(q=data["person"]), SEARCH_TARGET_MS),
        Case("web: name 2 chars “酒店”", web + q(q="酒店"), SEARCH_TARGET_MS, COMMON),
        Case("web: name 3 chars “小吃店”", web + q(q="小吃店"), SEARCH_TARGET_MS, COMMON),
        Case("web: name 4 chars “餐饮管理”", web + q(q="餐饮管理"), SEARCH_TARGET_MS, COMMON),
        Case("web: name 2 chars “科技”", web + q(q="科技"), SEARCH_TARGET_MS, "very common word: ~10% of rows"),
        Case("web: USCC", web + q(q=data["uscc"]), SEARCH_TARGET_MS),
        Case("web: penalty kind = licence revocation", web + q(penalty_kind="license_revocation"), LIST_TARGET_MS),
        Case("web: penalty kind = fine", web + q(penalty_kind="fine"), LIST_TARGET_MS),
        Case("web: authority (largest)", web + q(authority=data["authority"]), LIST_TARGET_MS),
        Case("web: decided in the last 30 days", web + q(decided_after=last_month), LIST_TARGET_MS),
        Case(
            "web: decided a year ago (30-day window)",
            web + q(decided_after=year_ago, decided_before=year_ago_end),
            LIST_TARGET_MS,
        ),
        Case("api: first page", api, LIST_TARGET_MS),
        Case("api: deep page (cursor at min id+1000)", api + q(cursor=drf_cursor(data["deep_after"])), LIST_TARGET_MS),
        Case("api: page 51 (followed `next` 50×)", "FOLLOW_NEXT_50", LIST_TARGET_MS),
        Case(
            f"api: subject_name 2 chars “{data['name2']}”", api + q(subject_name=data["name2"]), SEARCH_TARGET_MS, RARE
        ),
        Case(
            f"api: subject_name 3 chars “{data['name3']}”", api + q(subject_name=data["name3"]), SEARCH_TARGET_MS, RARE
        ),
        Case("api: subject_name 2 chars “酒店”", api + q(subject_name="酒店"), SEARCH_TARGET_MS, COMMON),
        Case("api: subject_name 3 chars “小吃店”", api + q(subject_name="小吃店"), SEARCH_TARGET_MS, COMMON),
        Case("api: subject_name 4 chars “餐饮管理”", api + q(subject_name="餐饮管理"), SEARCH_TARGET_MS, COMMON),
        Case("api: subject_uscc", api + q(subject_uscc=data["uscc"]), SEARCH_TARGET_MS),
        Case("api: penalty_kind = fine", api + q(penalty_kind="fine"), LIST_TARGET_MS),
        Case(
            "api: decided a year ago (30-day window)",
            api + q(decided_after=year_ago, decided_before=year_ago_end),
            LIST_TARGET_MS,
        ),
    ]


# --- HTTP ------------------------------------------------------------------------------------------


def fetch(port: int, path: str, timeout: float = 60) -> tuple[int, float | None, float, bytes]:
    """One GET: (status, server ms from Server-Timing, wall ms, body)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Accept": "text/html,application/json", "Accept-Language": "zh-hans"}
        for prefix, extra in HEADERS_FOR_PREFIX.items():
            if path.startswith(prefix):
                headers.update(extra)
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        wall = (time.perf_counter() - started) * 1000
        match = _SERVER_TIMING.search(response.getheader("Server-Timing") or "")
        return response.status, float(match.group(1)) if match else None, wall, body
    finally:
        connection.close()


def follow_next(port: int, start: str, hops: int) -> str | None:
    """Follow the API's `next` links; the path of the page reached (None if the chain ends or fails)."""
    path = start
    for _ in range(hops):
        status, _server, _wall, body = fetch(port, path)
        if status != 200:
            return None
        link = json.loads(body).get("next")
        if not link:
            return None
        parts = urlsplit(link)
        path = parts.path + ("?" + parts.query if parts.query else "")
    return path


def count_rows(path: str, body: bytes) -> int | None:
    if path.startswith("/api/"):
        try:
            return len(json.loads(body).get("results", []))
        except (ValueError, AttributeError):
            return None
    rows = body.count(b"<tr") - 1  # minus the header row
    return max(rows, 0) if b"<table" in body else None


def measure(port: int, case: Case, requests: int, concurrency: int, warmup: int, budget: float) -> Result:
    result = Result(case)
    try:
        status, _server, _wall, body = fetch(port, case.path)
    except OSError as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    result.statuses[status] = 1
    if status != 200:
        result.error = "404 / not built" if status == 404 else f"HTTP {status}"
        return result
    result.rows = count_rows(case.path, body)
    deadline = time.monotonic() + budget
    for _ in range(warmup):
        if time.monotonic() > deadline - budget / 2:
            break
        fetch(port, case.path)
    remaining = iter(range(requests))
    lock = threading.Lock()

    def client():
        # Each thread asks until the requests or the URL's time budget run out (slow URLs stay bounded).
        while time.monotonic() < deadline:
            with lock:
                if next(remaining, None) is None:
                    return
            status, server, wall, _body = fetch(port, case.path)
            with lock:
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if server is not None:
                    result.server_ms.append(server)
                result.wall_ms.append(wall)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(client) for _ in range(concurrency)]:
            future.result()
    if sum(result.statuses.values()) - 1 < requests:
        result.case.note = (result.case.note + "; " if result.case.note else "") + (
            f"stopped after {budget:.0f} s: {len(result.wall_ms)} requests"
        )
    return result


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


# --- gunicorn --------------------------------------------------------------------------------------


def start_gunicorn(
    port: int, workers: int, database_url: str, redis_url: str, settings: str = "hangzhou_integrity.settings.production"
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "SECRET_KEY": "bench",
        "LEDGER_COMMITMENT_KEY": "bench-ledger-commitment-key-not-a-secret",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "API_ANON_RATE": "1000000/min",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "hangzhou_integrity.wsgi:application",
        "-w",
        str(workers),
        "-b",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
    ]
    log = open(ROOT / "var" / "bench-gunicorn.log", "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)


def wait_healthy(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}; see var/bench-gunicorn.log")
        try:
            status, *_ = fetch(port, "/healthz", timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("gunicorn did not become healthy in time; see var/bench-gunicorn.log")


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # the arbiter stops its own workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- report ----------------------------------------------------------------------------------------


def verdict(result: Result) -> str:
    if result.error:
        return "—"
    if result.case.target_ms is None:
        return "no target"
    p95 = percentile(result.server_ms, 95)
    return f"{'PASS' if p95 <= result.case.target_ms else 'MISS'} (≤ {result.case.target_ms:.0f})"


def table(results: list[Result]) -> str:
    lines = [
        "| URL | status | rows | server p50 | server p95 | server max | wall p50 | wall p95 | wall max | verdict (server p95, ms) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        path = r.case.path.replace("|", "%7C")
        label = f"{r.case.label}<br>`{path}`" + (f"<br>*{r.case.note}*" if r.case.note else "")
        if r.error:
            lines.append(f"| {label} | {r.error} | | | | | | | | — |")
            continue
        statuses = ", ".join(f"{code}×{n}" for code, n in sorted(r.statuses.items()))
        s, w = r.server_ms, r.wall_ms
        cells = [percentile(s, 50), percentile(s, 95), max(s, default=float("nan"))]
        cells += [percentile(w, 50), percentile(w, 95), max(w)]
        numbers = " | ".join(f"{v:.1f}" for v in cells)
        rows = "" if r.rows is None else str(r.rows)
        lines.append(f"| {label} | {statuses} | {rows} | {numbers} | {verdict(r)} |")
    return "\n".join(lines)


def machine_facts(data: dict, args, started: str, load_before, load_after) -> str:
    cpus = os.cpu_count()
    memory = ""
    try:
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return "\n".join(
        [
            f"- when: {started}; host: {platform.node()}, {platform.platform()}, nproc {cpus}, {memory}",
            f"- PostgreSQL {data['pg_version']} (default config); Python {platform.python_version()}; "
            f"gunicorn {args.workers} sync workers; {args.requests} requests per URL from {args.concurrency} "
            f"client threads after {args.warmup} warm-up requests, at most {args.budget:.0f} s per URL",
            f"- rows: {data['penalties']:,} penalties ({data['published']:,} published), "
            f"{data['licenses']:,} licences; published penalty ids {data['low']:,}–{data['high']:,}",
            f"- sampled: company “{data['company']}”, person “{data['person']}”, USCC {data['uscc']}, "
            f"authority id {data['authority']}",
            f"- load average before / after: {load_before} / {load_after} (other engineers share this machine)",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per URL")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (keep it modest: 2 cores)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--budget", type=float, default=45, help="seconds at most per URL (slow URLs are cut short)")
    parser.add_argument("--only", default="", help="measure only URLs whose label contains this text")
    parser.add_argument("--results", help="append this run's section to a Markdown file (e.g. bench/RESULTS.md)")
    parser.add_argument("--title", default="", help="title of the section appended to --results")
    args = parser.parse_args()
    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("Only a local database (127.0.0.1) may be benchmarked.")
    args.requests = max(1, min(args.requests, 2000))
    args.concurrency = max(1, min(args.concurrency, 8))

    data = sample(args.database_url)
    selected = [c for c in cases(data) if args.only in c.label]
    started = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z")
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    (ROOT / "var").mkdir(exist_ok=True)
    process = start_gunicorn(args.port, args.workers, args.database_url, args.redis_url)
    results: list[Result] = []
    try:
        wait_healthy(args.port, process)
        for case in selected:
            if case.path == "FOLLOW_NEXT_50":
                reached = follow_next(args.port, "/api/v1/disclosures/penalties/", 50)
                if reached is None:
                    results.append(Result(case, error="404 / not built or no `next` link"))
                    continue
                case.path = reached
            result = measure(args.port, case, args.requests, args.concurrency, args.warmup, args.budget)
            results.append(result)
            line = result.error or (
                f"server p50 {percentile(result.server_ms, 50):.1f} p95 {percentile(result.server_ms, 95):.1f} ms, "
                f"wall p95 {percentile(result.wall_ms, 95):.1f} ms  {verdict(result)}"
            )
            print(f"{case.label:55s} {line}", flush=True)
    finally:
        stop_gunicorn(process)
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    facts = machine_facts(data, args, started, load_before, load_after)
    command = f"DATABASE_URL={quote(args.database_url, safe=':/@')} .venv/bin/python {shlex.join(sys.argv)}"
    report = f"{facts}\n- command: `{command}`\n\n{table(results)}\n"
    print()
    print(report)
    if args.results:
        title = args.title or f"Run {started}"
        with open(args.results, "a", encoding="utf-8") as out:
            out.write(f"\n## {title}\n\n{report}")


if __name__ == "__main__":
    main()
