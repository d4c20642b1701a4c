"""Complaints at 1,000,000 (not run by the test suite): filing, tracking, the handler's queue, the public
statistics page and its precompute.

    createdb -h 127.0.0.1 -U postgres hi_cx_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hi_cx_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python manage.py generate_complaints --count 1000000 --seed 2026
    .venv/bin/python bench/complaints.py --results bench/RESULTS.md

Parts (`--parts file,track,queue,stats,http,precompute`), in process with the production settings unless said:

- file: `complaint_file` (the service every channel uses, web channel, no attachments) `--filings` times with
  varied organizations, categories, named and anonymous — each its own transaction, kept (real rows);
  p50 / p95 / p99 ms and the statements of one.
- track: the tracking page as the complainant uses it, through Django's test client: POST /complaints/track/
  with the code and secret of a generated complaint (its secret is `synthetic_secret(code, seed)`), then GET
  the page it redirects to; each timed; and `complaint_find` + `public_timeline` alone.
- queue: the staff complaint list's "to handle" queue, first page (GET /staff/complaints/?queue=handle), for a
  staff member of the organization with the most accepted complaints (a bench user made once).
- stats: GET /complaints/statistics/ for the default, a year, a district's subtree, a department + category,
  in process, with its statements.
- http: the same statistics URLs and the queue over gunicorn (2 sync workers, `Server-Timing`), the method of
  disclosures_http.py.
- precompute: `statistics.refresh()` (every month) and a refresh of this month, `--rounds` times each.

Only 127.0.0.1 is contacted. Targets: filing p95 ≤ 150 ms, tracking and the queue p95 ≤ 50 ms, the
statistics page p95 ≤ 300 ms (server time).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import shlex
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import disclosures_http as common

ROOT = common.ROOT
TARGETS = {"file": 150, "track": 50, "queue": 50, "stats": 300}
BENCH_USER = "bench-complaints-handler"
FILING_TITLE = "基准测试：窗口多次要求补交材料"


def django_setup(database_url: str, redis_url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "hangzhou_integrity.settings.production",
            "SECRET_KEY": "bench",
            "LEDGER_COMMITMENT_KEY": "bench-ledger-commitment-key-not-a-secret",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "ALLOWED_HOSTS": f"{common.HOST},testserver",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "API_ANON_RATE": "1000000/min",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def summary(values: list[float]) -> str:
    p = common.percentile
    return f"{p(values, 50):.1f} / {p(values, 95):.1f} / {p(values, 99):.1f} / {max(values):.1f}"


def verdict(values: list[float], target: float) -> str:
    return f"{'PASS' if common.percentile(values, 95) <= target else 'MISS'} (≤ {target})"


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


# --- the parts --------------------------------------------------------------------------------------------


def part_file(args, rows: list) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from complaints.choices import Category, Channel
    from complaints.services import complaint_file
    from organizations.models import Organization

    rng = random.Random(args.seed)
    organizations = list(Organization.objects.filter(is_active=True).values_list("pk", flat=True))
    times, statements = [], None
    for i in range(args.filings + 3):
        data = {
            "category": rng.choice(Category.values),
            "organization": rng.choice(organizations),
            "title": FILING_TITLE,
            "facts": f"今年去窗口办理营业执照变更，工作人员先后三次要求补交不同材料，没有一次性告知。（基准 {i}）",
            "place": "市民中心",
            "anonymous": rng.random() < 0.4,
            "name": "基准测试",
            "phone": "13800000000",
        }
        if i == 3:
            with CaptureQueriesContext(connection) as queries:
                complaint_file(data=data, channel=Channel.WEB)
            statements = len(queries)
            continue
        ms, _filed = timed(lambda data=data: complaint_file(data=data, channel=Channel.WEB))
        if i >= 3:  # the first ones warm the caches
            times.append(ms)
    rows.append(
        (
            "(a) filing: `complaint_file`, web, no attachments",
            len(times),
            summary(times),
            statements,
            verdict(times, 150),
        )
    )


def sample_complaints(n: int, seed: int) -> list[tuple[str, int]]:
    from complaints.models import Complaint

    top = Complaint.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rng = random.Random(seed)
    ids = sorted({rng.randint(1, top) for _ in range(n * 2)})
    # Generated complaints only: the bench's own filings (part a) have secrets nobody kept.
    found = list(
        Complaint.objects.filter(id__in=ids)
        .exclude(title=FILING_TITLE)
        .order_by("id")
        .values_list("tracking_code", "id")
    )
    return found[:n]


def part_track(args, rows: list) -> None:
    from django.conf import settings

    # The generated secrets' digests were made with the generator's SECRET_KEY (the development default
    # unless it was run with another): look them up with that key.
    settings.SECRET_KEY = args.generated_secret_key
    try:
        page, service, statements = _track(args)
    finally:
        settings.SECRET_KEY = os.environ["SECRET_KEY"]
    label = "(b) tracking: POST code + secret → GET the page (test client)"
    rows.append((label, len(page), summary(page), statements, verdict(page, 50)))
    label = "(b) tracking: `complaint_find` + `public_timeline` alone"
    rows.append((label, len(service), summary(service), None, verdict(service, 50)))


def _track(args):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from complaints.management.commands.generate_complaints import synthetic_secret
    from complaints.selectors import public_timeline
    from complaints.services import complaint_find

    page, service, statements = [], [], None
    for i, (code, _pk) in enumerate(sample_complaints(args.tracks, args.seed)):
        secret = synthetic_secret(code, args.generated_seed)
        client = Client()  # a fresh visitor: the page's session starts here
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            answer = client.post("/complaints/track/", {"code": code, "secret": secret})
            if answer.status_code != 302:
                raise SystemExit(f"tracking {code}: POST answered {answer.status_code}")
            shown = client.get(answer["Location"])
            ms = (time.perf_counter() - started) * 1000
        assert shown.status_code == 200, shown.status_code
        if i == 0:
            statements = len(queries)
        else:
            page.append(ms)
        ms, _ = timed(lambda code=code, secret=secret: public_timeline(complaint_find(code=code, secret=secret)))
        service.append(ms)
    return page, service, statements


def bench_handler():
    """A staff member of the organization handling the most open complaints (made once, kept)."""
    from django.db.models import Count

    from complaints.choices import Status
    from complaints.models import Complaint
    from organizations.choices import Role
    from organizations.models import Organization, RoleAssignment, User

    busiest = (
        Complaint.objects.filter(status__in=[Status.ACCEPTED, Status.REVIEW_REQUESTED])
        .values("handling_organization")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    organization = Organization.objects.get(pk=busiest["handling_organization"])
    user, _created = User.objects.get_or_create(username=BENCH_USER, defaults={"organization": organization})
    if user.organization_id != organization.pk:
        user.organization = organization
        user.save(update_fields=["organization"])
    RoleAssignment.objects.filter(user=user).exclude(organization=organization).delete()
    RoleAssignment.objects.get_or_create(user=user, role=Role.STAFF, organization=organization)
    return user, organization, busiest["n"]


def part_queue(args, rows: list, facts: list) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user, organization, open_count = bench_handler()
    facts.append(
        f"- queue: staff of {organization.name} (id {organization.pk}), {open_count:,} open complaints to handle"
    )
    client = Client()
    client.force_login(user)
    url = "/staff/complaints/?queue=handle"
    times, statements = [], None
    for i in range(args.requests + 3):
        with CaptureQueriesContext(connection) as queries:
            ms, answer = timed(lambda: client.get(url))
        assert answer.status_code == 200, answer.status_code
        if i == 0:
            statements = len(queries)
        if i >= 3:
            times.append(ms)
    rows.append(
        (
            f"(c) handler's queue, first page `{url}` (test client)",
            len(times),
            summary(times),
            statements,
            verdict(times, 50),
        )
    )


def stats_urls() -> list[tuple[str, str]]:
    from django.db.models import Count

    from complaints.models import ComplaintMonthly
    from organizations.choices import OrganizationLevel
    from organizations.models import Organization

    year = datetime.date.today().year - 1
    district = Organization.objects.filter(level=OrganizationLevel.DISTRICT).order_by("path").first()
    busiest = (
        ComplaintMonthly.objects.values("organization").annotate(n=Count("id")).order_by("-n").first() or {}
    ).get("organization")
    base = "/complaints/statistics/"
    urls = [("default (latest year)", base), (f"year {year}", f"{base}?{urlencode({'year': year})}")]
    if district:
        urls.append(
            (
                f"year {year}, subtree of {district.name}",
                f"{base}?{urlencode({'year': year, 'organization': district.pk})}",
            )
        )
    if busiest:
        urls.append(
            (
                f"year {year}, organization {busiest} + category arrears",
                f"{base}?{urlencode({'year': year, 'organization': busiest, 'category': 'arrears'})}",
            )
        )
    return urls


def part_stats(args, rows: list) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for label, url in stats_urls():
        times, statements = [], None
        for i in range(args.requests + 3):
            with CaptureQueriesContext(connection) as queries:
                ms, answer = timed(lambda url=url: client.get(url))
            assert answer.status_code == 200, answer.status_code
            if i == 0:
                statements = len(queries)
            if i >= 3:
                times.append(ms)
        rows.append(
            (
                f"(d) statistics, {label} (test client)<br>`{url}`",
                len(times),
                summary(times),
                statements,
                verdict(times, 300),
            )
        )


def part_http(args, rows: list) -> None:
    from django.conf import settings
    from django.test import Client

    user, _organization, _n = bench_handler()
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    common.HEADERS_FOR_PREFIX["/staff/"] = {"Cookie": cookie}
    cases = [common.Case(f"(d) statistics, {label} (HTTP)", url, 300) for label, url in stats_urls()]
    cases.append(common.Case("(c) handler's queue, first page (HTTP)", "/staff/complaints/?queue=handle", 50))
    (ROOT / "var").mkdir(exist_ok=True)
    process = common.start_gunicorn(args.port, 2, args.database_url, args.redis_url)
    try:
        common.wait_healthy(args.port, process)
        for case in cases:
            result = common.measure(args.port, case, args.requests, args.concurrency, 5, 60)
            if result.error:
                rows.append((f"{case.label}<br>`{case.path}`", 0, result.error, None, "—"))
                continue
            s = result.server_ms
            rows.append(
                (
                    f"{case.label}<br>`{case.path}`",
                    len(s),
                    summary(s) + f" (wall p95 {common.percentile(result.wall_ms, 95):.1f})",
                    None,
                    verdict(s, case.target_ms),
                )
            )
            print(rows[-1], flush=True)
    finally:
        common.stop_gunicorn(process)


def part_precompute(args, rows: list) -> None:
    from complaints import statistics

    full, month = [], []
    written = 0
    for _ in range(args.rounds):
        ms, written = timed(statistics.refresh)
        full.append(ms)
        ms, _ = timed(lambda: statistics.refresh([datetime.date.today()]))
        month.append(ms)
    ms, _ = timed(statistics.vacuum)  # as refresh_due does after a full refresh
    rows.append(("precompute: VACUUM (ANALYZE) of the table after it", 1, f"{ms:.0f}", None, "no target"))
    rows.append(
        (f"precompute: every month (`refresh()`, {written:,} rows)", len(full), summary(full), None, "no target")
    )
    rows.append(("precompute: this month (`refresh([today])`)", len(month), summary(month), None, "no target"))


# --- main -------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", common.DEFAULT_DATABASE_URL))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--parts", default="file,track,queue,stats,http,precompute")
    parser.add_argument("--filings", type=int, default=500)
    parser.add_argument("--tracks", type=int, default=200)
    parser.add_argument("--requests", type=int, default=100, help="per URL")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--generated-seed", type=int, default=2026, help="the --seed generate_complaints used")
    parser.add_argument(
        "--generated-secret-key",
        default="insecure-local-key-change-me",
        help="the SECRET_KEY generate_complaints ran with (the development default)",
    )
    parser.add_argument("--note", default="")
    parser.add_argument("--results")
    parser.add_argument("--title", default="")
    args = parser.parse_args()
    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("Only a local database (127.0.0.1) may be benchmarked.")
    django_setup(args.database_url, args.redis_url)
    from django.conf import settings

    settings.RATE_LIMITS = {**getattr(settings, "RATE_LIMITS", {}), "complaint_track": "1000000/m"}
    from complaints.models import Complainant, Complaint, ComplaintEvent, ComplaintMonthly

    parts = set(args.parts.split(","))
    started = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z")
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    rows: list = []
    facts = [
        f"- when: {started}; nproc {os.cpu_count()}; load before: {load_before} (other engineers share this machine)",
        f"- rows: {Complaint.objects.count():,} complaints, {Complainant.objects.count():,} complainants, "
        f"{ComplaintEvent.objects.count():,} timeline steps, {ComplaintMonthly.objects.count():,} monthly rows",
    ]
    if args.note:
        facts.append(f"- note: {args.note}")
    for name, run in (
        ("file", lambda: part_file(args, rows)),
        ("track", lambda: part_track(args, rows)),
        ("queue", lambda: part_queue(args, rows, facts)),
        ("stats", lambda: part_stats(args, rows)),
        ("http", lambda: part_http(args, rows)),
        ("precompute", lambda: part_precompute(args, rows)),
    ):
        if name in parts:
            run()
            print(rows[-1], flush=True)
    facts.append(f"- load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    command = f"DATABASE_URL={quote(args.database_url, safe=':/@')} .venv/bin/python {shlex.join(sys.argv)}"
    lines = [
        "| what | n | ms p50 / p95 / p99 / max | statements | verdict (p95) |",
        "|---|---|---|---|---|",
        *(
            f"| {label} | {n} | {figures} | {'' if statements is None else statements} | {v} |"
            for label, n, figures, statements, v in rows
        ),
    ]
    report = "\n".join(facts) + f"\n- command: `{command}`\n\n" + "\n".join(lines) + "\n"
    print()
    print(report)
    if args.results:
        with open(args.results, "a", encoding="utf-8") as out:
            out.write(f"\n## {args.title or 'Complaints at 1,000,000 — ' + started}\n\n{report}")


if __name__ == "__main__":
    main()
