"""Pledge pages, the 为民办实事 board and the roll-up over synthetic pledges (not run by the test suite).

Three parts, all against a scratch database:

1. HTTP, the method of disclosures_http.py: gunicorn (2 sync workers, production settings) on 127.0.0.1,
   every URL asked `--requests` times from `--concurrency` threads; server time is the `Server-Timing:
   app;dur=` header (p50 / p95 / p99 / max), wall time what the client saw. A 404 is "not built".
2. In process (gunicorn stopped): each URL through Django's test client under CaptureQueriesContext — the
   number of SQL statements per page, and whether it stays fixed when the page shows more rows (the same page
   for the busiest and the quietest body, year, kind) — plus p50 / p95 of the view time without HTTP.
3. The roll-up: for open leaves of published three-level trees (various numbers of siblings), the time and
   the statements of `roll_up(leaf.parent)` after the leaf's figure changed, and of a whole
   `pledge_report_progress` on the leaf (announce → version, ledger, outbox of each changed ancestor), each in
   a transaction rolled back, so the data stay as generated.

    createdb -h 127.0.0.1 -U postgres hi_pledge_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hi_pledge_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python manage.py generate_pledges --pledges 20000 --milestones-per-pledge 10 --seed 2026
    .venv/bin/python bench/pledges_http.py --requests 200 --concurrency 4 --results bench/RESULTS.md

Only 127.0.0.1 is ever contacted. Ids, bodies and years are sampled from the database.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shlex
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import disclosures_http as common

ROOT = common.ROOT
TARGET_MS = 50
PLEDGES = "commitments_pledge"
PUBLIC = "status = 'published' AND is_public AND (publicity_ends_on IS NULL OR publicity_ends_on >= current_date)"


# --- test data from the database -------------------------------------------------------------------


def sample(database_url: str) -> dict:
    with psycopg.connect(database_url, autocommit=True) as conn:
        one = lambda sql, *params: conn.execute(sql, params).fetchone()  # noqa: E731
        total, public, low, high = one(
            f"SELECT count(*), count(*) FILTER (WHERE {PUBLIC}), min(id), max(id) FROM {PLEDGES}"
        )
        if not total:
            sys.exit("No pledges: run seed_demo and generate_pledges first.")
        (milestones,) = one("SELECT count(*) FROM commitments_milestone")
        (reports,) = one("SELECT count(*) FROM commitments_progressreport")
        busiest, busiest_count = one(
            f"SELECT organization_id, count(*) FROM {PLEDGES} WHERE {PUBLIC} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
        )
        (busiest_name,) = one("SELECT name FROM organizations_organization WHERE id = %s", busiest)
        department, department_count = one(
            f"SELECT organization_id, count(*) FROM {PLEDGES} WHERE {PUBLIC} AND kind = 'department' "
            "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
        ) or (busiest, 0)
        quietest, quietest_count = one(
            f"SELECT organization_id, count(*) FROM {PLEDGES} WHERE {PUBLIC} GROUP BY 1 ORDER BY 2, 1 LIMIT 1"
        )
        years = conn.execute(
            f"SELECT year, count(*) FILTER (WHERE parent_id IS NULL), count(*) FROM {PLEDGES} "
            f"WHERE {PUBLIC} AND kind = 'practical_matter' GROUP BY 1 ORDER BY 1"
        ).fetchall()
        this_year = datetime.date.today().year
        past = [row for row in years if row[0] < this_year]
        biggest_past = max(past, key=lambda row: row[1]) if past else (this_year - 1, 0, 0)
        current = next((row for row in years if row[0] == this_year), (this_year, 0, 0))
        # The board shows one body's list a page: the body with the longest list this year.
        board_body = one(
            f"SELECT organization_id, count(*) FROM {PLEDGES} WHERE {PUBLIC} AND kind = 'practical_matter' "
            "AND parent_id IS NULL AND year = %s GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
            this_year,
        ) or (None, 0)
        # The public whole with the most public pledges under it (parts and their parts).
        tree = one(
            f"""SELECT r.id, count(*) FROM {PLEDGES} r
                JOIN {PLEDGES} c ON c.parent_id = r.id
                LEFT JOIN {PLEDGES} g ON g.parent_id = c.id
                WHERE r.parent_id IS NULL AND r.status = 'published' AND r.is_public
                GROUP BY r.id ORDER BY 2 DESC, 1 LIMIT 1"""
        )
        leaf = one(
            f"SELECT p.id, count(*) FROM {PLEDGES} p JOIN commitments_progressreport r ON r.pledge_id = p.id "
            f"WHERE p.status = 'published' AND p.is_public GROUP BY p.id ORDER BY 2 DESC, 1 LIMIT 1"
        )
        version = one("SHOW server_version")[0]
    return {
        "total": total,
        "public": public,
        "low": low,
        "high": high,
        "milestones": milestones,
        "reports": reports,
        "busiest": busiest,
        "busiest_name": busiest_name,
        "busiest_count": busiest_count,
        "department": department,
        "department_count": department_count,
        "quietest": quietest,
        "quietest_count": quietest_count,
        "years": years,
        "this_year": current,
        "board_body": board_body,
        "past_year": biggest_past,
        "tree": tree,
        "leaf": leaf,
        "pg_version": version,
    }


def cases(data: dict) -> list[common.Case]:
    web, board = "/pledges/", "/pledges/practical-matters/"
    q = lambda **params: "?" + urlencode(params)  # noqa: E731
    deep = data["low"] + (data["high"] - data["low"]) // 2
    Case = common.Case
    this_year, past_year = data["this_year"], data["past_year"]
    result = [
        Case("web: list, first page", web, TARGET_MS),
        Case("web: list, deep page (?after=middle id)", web + q(after=deep), TARGET_MS),
        Case("web: list, kind = practical_matter", web + q(kind="practical_matter"), TARGET_MS),
        Case("web: list, kind = ppp_duty (rare)", web + q(kind="ppp_duty"), TARGET_MS),
        Case("web: list, service_area = elderly_care", web + q(service_area="elderly_care"), TARGET_MS),
        Case(
            "web: list, kind = street + service_area = parking",
            web + q(kind="street", service_area="parking"),
            TARGET_MS,
        ),
        Case(
            f"web: list, organization = busiest ({data['busiest_count']})",
            web + q(organization=data["busiest"]),
            TARGET_MS,
        ),
        Case(
            f"web: list, kind = department + the body with most ({data['department_count']})",
            web + q(kind="department", organization=data["department"]),
            TARGET_MS,
        ),
        Case("web: list, fulfilment = overdue", web + q(fulfilment="overdue"), TARGET_MS),
        Case("web: list, title contains “停车”", web + q(q="停车"), TARGET_MS),
        Case(
            f"web: board {this_year[0]}, the city's list (of {this_year[1]} items in all lists)",
            f"{board}{this_year[0]}/",
            TARGET_MS,
        ),
        Case(
            f"web: board {this_year[0]}, the longest body's list ({data['board_body'][1]} items)",
            f"{board}{this_year[0]}/?organization={data['board_body'][0]}",
            TARGET_MS,
        ),
        Case(
            f"web: board {past_year[0]}, the city's list (of {past_year[1]} items in all lists)",
            f"{board}{past_year[0]}/",
            TARGET_MS,
        ),
        Case("web: streets by service area", "/pledges/streets/", TARGET_MS),
    ]
    if data["tree"]:
        result.append(
            Case(f"web: pledge page, largest whole ({data['tree'][1]} below it)", f"{web}{data['tree'][0]}/", TARGET_MS)
        )
    if data["leaf"]:
        result.append(
            Case(f"web: pledge page, leaf with most reports ({data['leaf'][1]})", f"{web}{data['leaf'][0]}/", TARGET_MS)
        )
    result += [
        Case("api: pledges, first page", "/api/v1/commitments/pledges/", TARGET_MS),
        Case(
            "api: pledges, kind + organization",
            "/api/v1/commitments/pledges/" + q(kind="department", organization=data["department"]),
            TARGET_MS,
        ),
    ]
    return result


def fixed_pairs(data: dict) -> list[tuple[str, str, str]]:
    """The same page with more and with fewer rows: its statement count must not change."""
    web, board = "/pledges/", "/pledges/practical-matters/"
    years = sorted(data["years"], key=lambda row: row[2])
    pairs = [
        (
            "list: busiest vs quietest body",
            f"{web}?organization={data['busiest']}",
            f"{web}?organization={data['quietest']}",
        ),
        ("list: all kinds vs a rare kind", web, f"{web}?kind=ppp_duty"),
    ]
    if len(years) >= 2:
        pairs.append(("board: biggest vs smallest year", f"{board}{years[-1][0]}/", f"{board}{years[0][0]}/"))
    return pairs


# --- in process: statements per page, view time without HTTP -----------------------------------------


def django_setup(database_url: str, redis_url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "hangzhou_integrity.settings.production",
            "SECRET_KEY": "bench",
            "LEDGER_COMMITMENT_KEY": "bench-ledger-commitment-key-not-a-secret",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "ALLOWED_HOSTS": common.HOST,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "API_ANON_RATE": "1000000/min",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def in_process(case_list: list[common.Case], pairs, requests: int) -> tuple[dict[str, dict], list[str]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=common.HOST, HTTP_ACCEPT_LANGUAGE="zh-hans")
    found: dict[str, dict] = {}

    def statements(path: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        return response.status_code, len(queries.captured_queries)

    for case in case_list:
        status, count = statements(case.path)
        times = []
        if status == 200:
            for _ in range(requests):
                started = time.perf_counter()
                client.get(case.path)
                times.append((time.perf_counter() - started) * 1000)
        found[case.path] = {"status": status, "queries": count, "ms": times}
    checks = []
    for label, more, fewer in pairs:
        (s1, n1), (s2, n2) = statements(more), statements(fewer)
        if s1 != 200 or s2 != 200:
            checks.append(f"- {label}: HTTP {s1} / {s2}, not checked")
            continue
        checks.append(f"- {label}: {n1} vs {n2} statements — {'fixed' if n1 == n2 else 'NOT FIXED'}")
    return found, checks


# --- the roll-up ---------------------------------------------------------------------------------------


def roll_up_bench(leaves: int) -> str:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from commitments.models import Pledge
    from commitments.services.progress import pledge_report_progress, roll_up

    rows = Pledge.objects.raw(
        f"""SELECT l.id, (SELECT count(*) FROM {PLEDGES} s WHERE s.parent_id = l.parent_id) AS siblings,
                   (SELECT count(*) FROM {PLEDGES} s WHERE s.parent_id = m.parent_id) AS uncles
            FROM {PLEDGES} l JOIN {PLEDGES} m ON m.id = l.parent_id JOIN {PLEDGES} r ON r.id = m.parent_id
            WHERE r.parent_id IS NULL AND r.status = 'published' AND l.fulfilment IN ('in_progress', 'overdue')
              AND l.indicator = '' AND l.progress <= 80
              AND NOT EXISTS (SELECT 1 FROM {PLEDGES} c WHERE c.parent_id = l.id)
            ORDER BY md5(l.id::text) LIMIT %s""",
        [leaves],
    )
    samples = [(row.id, row.siblings, row.uncles) for row in rows]
    if not samples:
        return "No open leaf of a published three-level tree: nothing to roll up.\n"
    results = {"roll_up": [], "report": []}
    shapes = Counter()
    warm = False

    def kinds(captured) -> str:
        counted = Counter(q["sql"].lstrip().split(None, 1)[0].upper() for q in captured)
        return " ".join(f"{kind} {n}" for kind, n in sorted(counted.items()))

    # The first call of a process fills Django's ContentType cache (one SELECT more): warm it up first.
    for pk, siblings, uncles in [samples[0], *samples]:
        for mode in ("roll_up", "report"):
            with transaction.atomic():
                leaf = Pledge.objects.get(pk=pk)
                new = leaf.progress + Decimal("7.31")
                parent = Pledge.objects.get(pk=leaf.parent_id)
                before = Pledge.objects.filter(pk__in=[parent.pk, parent.parent_id]).values_list("pk", "progress")
                before = dict(before)
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    if mode == "roll_up":
                        Pledge.objects.filter(pk=pk).update(progress=new)
                        roll_up(parent)
                    else:
                        pledge_report_progress(pledge=leaf, progress=new, note="基准：新增完成一批点位。", actor=None)
                    elapsed = (time.perf_counter() - started) * 1000
                after = dict(Pledge.objects.filter(pk__in=before).values_list("pk", "progress"))
                changed = sum(1 for key in before if before[key] != after[key])
                transaction.set_rollback(True)
            if warm:
                results[mode].append((elapsed, len(queries.captured_queries), changed, kinds(queries.captured_queries)))
                shapes[(mode, changed, len(queries.captured_queries))] += 1
        warm = True
        del siblings, uncles
    lines = [
        f"{len(samples)} open leaves of published three-level trees; siblings per leaf "
        f"{min(s for _p, s, _u in samples)}–{max(s for _p, s, _u in samples)}, parts of the whole "
        f"{min(u for _p, _s, u in samples)}–{max(u for _p, _s, u in samples)}; each run rolled back.",
        "",
        "| what | runs | p50 ms | p95 ms | p99 ms | max ms | statements (ancestors changed → count, runs) | statement kinds (first run) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for mode, label in (
        ("roll_up", "`roll_up(leaf.parent)` after the leaf's UPDATE"),
        ("report", "`pledge_report_progress` on the leaf"),
    ):
        got = results[mode]
        ms = [g[0] for g in got]
        by_shape = ", ".join(
            f"{changed} → {count} ×{n}" for (m, changed, count), n in sorted(shapes.items()) if m == mode
        )
        cells = [common.percentile(ms, p) for p in (50, 95, 99)] + [max(ms)]
        lines.append(
            f"| {label} | {len(got)} | " + " | ".join(f"{v:.1f}" for v in cells) + f" | {by_shape} | {got[0][3]} |"
        )
    return "\n".join(lines) + "\n"


# --- report --------------------------------------------------------------------------------------------


def table(results: list[common.Result], found: dict[str, dict]) -> str:
    lines = [
        "| URL | status | rows | statements | server p50 | server p95 | server p99 | server max | wall p95 | in-process p50 / p95 | verdict (server p95, ms) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        label = f"{r.case.label}<br>`{r.case.path}`" + (f"<br>*{r.case.note}*" if r.case.note else "")
        inproc = found.get(r.case.path, {})
        queries = inproc.get("queries", "")
        ms = inproc.get("ms") or []
        local = f"{statistics.median(ms):.1f} / {common.percentile(ms, 95):.1f}" if ms else ""
        if r.error:
            lines.append(f"| {label} | {r.error} | | {queries} | | | | | | {local} | — |")
            continue
        statuses = ", ".join(f"{code}×{n}" for code, n in sorted(r.statuses.items()))
        s = r.server_ms
        cells = [
            common.percentile(s, 50),
            common.percentile(s, 95),
            common.percentile(s, 99),
            max(s, default=float("nan")),
        ]
        cells.append(common.percentile(r.wall_ms, 95))
        numbers = " | ".join(f"{v:.1f}" for v in cells)
        rows = "" if r.rows is None else str(r.rows)
        lines.append(f"| {label} | {statuses} | {rows} | {queries} | {numbers} | {local} | {common.verdict(r)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hi_pledge_bench")
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--budget", type=float, default=45)
    parser.add_argument("--in-process-requests", type=int, default=30, help="timed test-client requests per URL")
    parser.add_argument("--leaves", type=int, default=40, help="leaves whose report is rolled up (roll-up bench)")
    parser.add_argument("--only", default="", help="measure only URLs whose label contains this text")
    parser.add_argument("--skip-http", action="store_true", help="only the in-process parts")
    parser.add_argument("--results", help="append this run's section to a Markdown file (e.g. bench/RESULTS.md)")
    parser.add_argument("--title", default="")
    parser.add_argument("--note", default="", help="a line added to the run's facts (e.g. the machine's load)")
    args = parser.parse_args()
    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("Only a local database (127.0.0.1) may be benchmarked.")
    data = sample(args.database_url)
    selected = [c for c in cases(data) if args.only in c.label]
    started = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z")
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results: list[common.Result] = []
    if not args.skip_http:
        (ROOT / "var").mkdir(exist_ok=True)
        process = common.start_gunicorn(args.port, args.workers, args.database_url, args.redis_url)
        try:
            common.wait_healthy(args.port, process)
            for case in selected:
                result = common.measure(args.port, case, args.requests, args.concurrency, args.warmup, args.budget)
                results.append(result)
                line = result.error or (
                    f"server p50 {common.percentile(result.server_ms, 50):.1f} "
                    f"p95 {common.percentile(result.server_ms, 95):.1f} "
                    f"p99 {common.percentile(result.server_ms, 99):.1f} ms  {common.verdict(result)}"
                )
                print(f"{case.label:60s} {line}", flush=True)
        finally:
            common.stop_gunicorn(process)
    else:
        results = [common.Result(case, error="HTTP skipped") for case in selected]
    load_mid = " ".join(f"{x:.2f}" for x in os.getloadavg())
    django_setup(args.database_url, args.redis_url)
    found, checks = in_process(selected, fixed_pairs(data), args.in_process_requests)
    for case in selected:
        print(f"{case.label:60s} {found[case.path]['status']} {found[case.path]['queries']} statements", flush=True)
    rolled = roll_up_bench(args.leaves)
    print(rolled)
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    years = ", ".join(f"{y}: {roots} items / {n} with parts" for y, roots, n in data["years"])
    facts = [
        f"- when: {started}; nproc {os.cpu_count()}; PostgreSQL {data['pg_version']}; gunicorn {args.workers} sync "
        f"workers; {args.requests} requests per URL from {args.concurrency} threads; in process "
        f"{args.in_process_requests} requests per URL (test client, production settings)",
        f"- rows: {data['total']:,} pledges ({data['public']:,} on public view), {data['milestones']:,} milestones, "
        f"{data['reports']:,} progress reports; busiest body “{data['busiest_name']}” (id {data['busiest']}, "
        f"{data['busiest_count']} public pledges)",
        f"- 为民办实事 on public view by year: {years}",
        f"- load average before / after HTTP / after all: {load_before} / {load_mid} / {load_after}",
    ]
    if args.note:
        facts.append(f"- note: {args.note}")
    command = f"DATABASE_URL={quote(args.database_url, safe=':/@')} .venv/bin/python {shlex.join(sys.argv)}"
    report = (
        "\n".join(facts)
        + f"\n- command: `{command}`\n\n{table(results, found)}\n\n"
        + "Statements stay fixed when the page shows more rows:\n\n"
        + "\n".join(checks)
        + "\n\nRoll-up through a three-level tree:\n\n"
        + rolled
    )
    print()
    print(report)
    if args.results:
        with open(args.results, "a", encoding="utf-8") as out:
            out.write(f"\n## {args.title or 'Pledges, run ' + started}\n\n{report}")


if __name__ == "__main__":
    main()
