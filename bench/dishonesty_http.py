"""HTTP latency of the dishonesty-record pages, the API and the integrity check (not run by the test suite).

Same method as disclosures_http.py (gunicorn with production settings, Server-Timing per request), over
synthetic records:

    createdb -h 127.0.0.1 -U postgres hi_dr_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hi_dr_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python manage.py generate_dishonesty_records --count 200000 --seed 7
    .venv/bin/python bench/dishonesty_http.py --requests 200 --concurrency 4 --results bench/RESULTS.md

A city has hundreds of government bodies and, realistically, hundreds to thousands of records; 200,000 is
a stress figure. The integrity check needs a token: the script makes a read-scope API client for the run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import disclosures_http as common

ROOT = common.ROOT
LIST_TARGET_MS = 50
CHECK_TARGET_MS = 100


def sample(database_url: str) -> dict:
    with psycopg.connect(database_url, autocommit=True) as conn:
        one = lambda sql, *params: conn.execute(sql, params).fetchone()  # noqa: E731
        table = "dishonesty_records_dishonestyrecord"
        low, high, total = one(f"SELECT min(id), max(id), count(*) FROM {table}")
        if low is None:
            sys.exit("No dishonesty records: run seed_demo and generate_dishonesty_records first.")
        (published,) = one(f"SELECT count(*) FROM {table} WHERE status = 'published'")
        (busiest,) = one(
            f"SELECT subject_organization_id FROM {table} WHERE subject_kind = 'organization' "
            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        )
        (name,) = one("SELECT name FROM organizations_organization WHERE id = %s", busiest)
        (public_id,) = one(
            f"SELECT max(id) FROM {table} WHERE status = 'published' AND publicity_ends_on >= current_date"
        )
        version = one("SHOW server_version")[0]
    return {
        "low": low,
        "high": high,
        "total": total,
        "published": published,
        "organization": busiest,
        "organization_name": name,
        "short_name": name[-5:],
        "public_id": public_id,
        "pg_version": version,
    }


def cases(data: dict) -> list[common.Case]:
    web, api = "/dishonesty-records/", "/api/v1/dishonesty-records/"
    q = lambda **params: "?" + urlencode(params)  # noqa: E731
    deep = data["low"] + (data["high"] - data["low"]) // 2
    Case = common.Case
    return [
        Case("web: first page", web, LIST_TARGET_MS),
        Case("web: deep page (?after=middle id)", web + q(after=deep), LIST_TARGET_MS),
        Case("web: category = procurement", web + q(category="procurement"), LIST_TARGET_MS),
        Case(f"web: organization name “{data['short_name']}”", web + q(q=data["short_name"]), LIST_TARGET_MS),
        Case("web: record detail", f"{web}{data['public_id']}/", LIST_TARGET_MS),
        Case("web: organization summary (busiest)", f"{web}organizations/{data['organization']}/", CHECK_TARGET_MS),
        Case("api: first page", api, LIST_TARGET_MS),
        Case("api: deep page (cursor at middle id)", api + q(cursor=common.drf_cursor(deep)), LIST_TARGET_MS),
        Case(
            "api: category + subject organization",
            api + q(category="procurement", subject_organization=data["organization"]),
            LIST_TARGET_MS,
        ),
        Case(
            "api: integrity check (busiest body, token)",
            f"/api/v1/organizations/{data['organization']}/integrity/",
            CHECK_TARGET_MS,
        ),
    ]


def make_token(database_url: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "hangzhou_integrity.settings.local"}
    out = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "create_api_client", "1", "--scope", "read", "--name", "bench"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tokens = [word for word in out.split() if word.startswith("hzi_")]
    if not tokens:
        sys.exit(f"create_api_client printed no token:\n{out}")
    return tokens[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hi_dr_bench")
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--budget", type=float, default=45)
    parser.add_argument("--only", default="")
    parser.add_argument("--results")
    parser.add_argument("--title", default="")
    args = parser.parse_args()
    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("Only a local database (127.0.0.1) may be benchmarked.")
    data = sample(args.database_url)
    common.HEADERS_FOR_PREFIX["/api/v1/organizations/"] = {"Authorization": f"Token {make_token(args.database_url)}"}
    started = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z")
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    (ROOT / "var").mkdir(exist_ok=True)
    process = common.start_gunicorn(args.port, args.workers, args.database_url, args.redis_url)
    results = []
    try:
        common.wait_healthy(args.port, process)
        for case in [c for c in cases(data) if args.only in c.label]:
            result = common.measure(args.port, case, args.requests, args.concurrency, args.warmup, args.budget)
            results.append(result)
            line = result.error or (
                f"server p50 {common.percentile(result.server_ms, 50):.1f} "
                f"p95 {common.percentile(result.server_ms, 95):.1f} ms  {common.verdict(result)}"
            )
            print(f"{case.label:50s} {line}", flush=True)
    finally:
        common.stop_gunicorn(process)
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    facts = "\n".join(
        [
            f"- when: {started}; nproc {os.cpu_count()}; PostgreSQL {data['pg_version']}; gunicorn {args.workers} "
            f"sync workers; {args.requests} requests per URL from {args.concurrency} threads",
            f"- rows: {data['total']:,} dishonesty records ({data['published']:,} published); busiest body "
            f"“{data['organization_name']}” (id {data['organization']})",
            f"- load average before / after: {load_before} / {load_after}",
        ]
    )
    command = f"DATABASE_URL={quote(args.database_url, safe=':/@')} .venv/bin/python {shlex.join(sys.argv)}"
    report = f"{facts}\n- command: `{command}`\n\n{common.table(results)}\n"
    print()
    print(report)
    if args.results:
        with open(args.results, "a", encoding="utf-8") as out:
            out.write(f"\n## {args.title or 'Dishonesty records, run ' + started}\n\n{report}")


if __name__ == "__main__":
    main()
