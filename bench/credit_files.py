"""Civil servants' credit files at scale (issue 7/11; not run by the test suite).

Against a scratch database filled by `manage.py generate_credit_files` (100,000 servants, 300,000
completions, 200,000 dishonesty records about servants):

1. Eligibility, in process: `services.eligibility.eligibility_check` for `--checks` random active servants
   (seeded), the four purposes mixed, as the city's personnel officer — p50 / p95 / p99 / max ms, and the SQL
   statements of a check (on a subset, under CaptureQueriesContext) by purpose.
2. Eligibility over HTTP, the method of disclosures_http.py: gunicorn (2 sync workers, production settings)
   on 127.0.0.1, `GET /api/v1/civil-servants/{id}/eligibility/?purpose=…` for `--http-checks` random servants
   from `--concurrency` threads; server time from `Server-Timing: app;dur=`. The endpoint is for personnel
   officers only and API tokens carry no personnel scope (organizations.access.ApiPrincipal.grants), so the
   client sends the session cookie of the personnel officer (a session made in the database first), as the
   eligibility page's own JavaScript-free form would.
3. The nightly recompute: `services.assessment.score_recompute_all` in a fresh child process, first with no
   scores (every servant's written), then again the same day (nothing written) — wall seconds, scores
   written, peak RSS of the child (and its RSS before the run: Django alone).
4. The credit file: `selectors.files.credit_file` and the whole staff page (POST /staff/credit-files/<id>/
   with a purpose, as the personnel officer) for the generated servant with the longest file and for one given
   a history of 20, 200 and 400 entries (records, their honours bars, completions, commendations and
   sanctions, made in a transaction rolled back) — statements and ms. Asserts the statement count does not
   grow with the history (exit 1 otherwise).

Checks the bench makes (EligibilityCheck rows, consider-removal flags) are deleted at the end so runs repeat;
their audit rows stay. The recompute truncates civil_servants_integrityscore first (`--keep-scores` not to).

    createdb -h 127.0.0.1 -U postgres hi_cs_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hi_cs_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python manage.py generate_credit_files --servants 100000 --completions 300000 --records 200000 --seed 2026
    .venv/bin/python bench/credit_files.py --results bench/RESULTS.md

Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shlex
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import disclosures_http as common

ROOT = common.ROOT
TARGET_CHECK_MS = 50
TARGET_RECOMPUTE_S = 300
PURPOSES = ("appointment", "promotion", "award", "honours")


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


def rss_kb(field: str = "VmRSS") -> int:
    """This process's resident set (VmRSS) or its peak (VmHWM), in kB. Not getrusage's ru_maxrss: Linux keeps
    that across fork + exec, so a child started by this script would report the parent's peak."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def pct(values, p) -> float:
    return common.percentile(list(values), p)


def row(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def ms_cells(values) -> list[str]:
    values = list(values)
    return [f"{pct(values, p):.1f}" for p in (50, 95, 99)] + [f"{max(values):.1f}" if values else "—"]


# --- data ------------------------------------------------------------------------------------------


def facts() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        one = lambda sql: (cursor.execute(sql), cursor.fetchone())[1]  # noqa: E731
        data = {
            "servants": one("SELECT count(*), count(*) FILTER (WHERE is_active) FROM organizations_civilservant"),
            "completions": one("SELECT count(*) FROM civil_servants_completion")[0],
            "courses": one("SELECT count(*), count(*) FILTER (WHERE mandatory) FROM civil_servants_course"),
            "records": one(
                "SELECT count(*), count(*) FILTER (WHERE stage = 'confirmed' AND status IN ('draft', 'published') "
                "AND publicity_ends_on >= current_date) FROM dishonesty_records_dishonestyrecord "
                "WHERE civil_servant_id IS NOT NULL"
            ),
            "sanctions": one("SELECT count(*) FROM dishonesty_records_sanction")[0],
            "obligations": one("SELECT count(*) FROM dishonesty_records_obligation")[0],
            "career": one(
                "SELECT count(*), count(*) FILTER (WHERE kind = 'discipline') FROM civil_servants_careerentry"
            ),
            "organizations": one("SELECT count(*) FROM organizations_organization")[0],
            "pg": one("SHOW server_version")[0],
            "longest": one(
                "SELECT civil_servant_id, count(*) FROM dishonesty_records_dishonestyrecord "
                "WHERE civil_servant_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
            ),
        }
    if not data["servants"][0] or not data["records"][0]:
        sys.exit("No servants or records: run seed_demo and generate_credit_files first.")
    return data


def officer():
    """The city's personnel officer (seed_demo's `personnel`): their scope covers every servant."""
    from organizations.choices import Role
    from organizations.models import User

    user = (
        User.objects.filter(
            is_active=True, role_assignments__role=Role.PERSONNEL_OFFICER, role_assignments__organization__depth=1
        )
        .order_by("id")
        .first()
    )
    if user is None:
        sys.exit("No personnel officer over the city: run seed_demo first.")
    return user


def sample_servants(count: int, seed: int) -> list[int]:
    from organizations.models import CivilServant

    pks = list(CivilServant.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    return random.Random(seed).sample(pks, min(count, len(pks)))


def high_water() -> dict[str, int]:
    from django.db.models import Max

    from civil_servants.models import EligibilityCheck, FileOpening, RemovalFlag

    return {
        model.__name__: model.objects.aggregate(m=Max("id"))["m"] or 0
        for model in (EligibilityCheck, RemovalFlag, FileOpening)
    }


def clean_up(before: dict[str, int]) -> None:
    """Delete the checks, flags and openings the bench made (their audit rows stay)."""
    from civil_servants import models

    for name, last in before.items():
        getattr(models, name).objects.filter(id__gt=last).delete()


# --- 1. eligibility in process ----------------------------------------------------------------------


def eligibility_in_process(servants: list[int], user, counted: int, seed: int) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from civil_servants.services.eligibility import eligibility_check
    from organizations.models import CivilServant

    pick = random.Random(seed)
    plan = [(pk, pick.choice(PURPOSES)) for pk in servants]
    times: dict[str, list[float]] = defaultdict(list)
    restricted = Counter()
    statements: dict[str, Counter] = defaultdict(Counter)
    # Warm-up (ContentType cache, first-query plans), not counted.
    for pk, purpose in plan[:20]:
        eligibility_check(civil_servant=CivilServant.objects.get(pk=pk), purpose=purpose, actor=user)
    for index, (pk, purpose) in enumerate(plan):
        # As the API view: the person read with their organization, then the check (the read is timed too).
        with CaptureQueriesContext(connection) if index < counted else _Nothing() as queries:
            started = time.perf_counter()
            person = CivilServant.objects.select_related("organization").get(pk=pk)
            result = eligibility_check(civil_servant=person, purpose=purpose, actor=user)
            elapsed = (time.perf_counter() - started) * 1000
        if index >= counted:  # timed without the capture's overhead
            times[purpose].append(elapsed)
        else:
            statements[purpose][len(queries.captured_queries)] += 1
        restricted[(purpose, result.eligible)] += 1
    lines = [
        f"{len(plan)} checks of {len(set(servants))} random active servants (seed {seed}), purposes mixed; "
        f"the first {counted} under CaptureQueriesContext for the statement counts, the other "
        f"{len(plan) - counted} timed; each is the view's work without HTTP: the servant read with their "
        "organization, then `eligibility_check` (logged: one EligibilityCheck row, flags for serious cases).",
        "",
        "| purpose | checks timed | restricted | p50 ms | p95 ms | p99 ms | max ms | statements (count × checks) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for purpose in [*PURPOSES, "all"]:
        got = [t for p in PURPOSES for t in times[p]] if purpose == "all" else times[purpose]
        counts = sum(statements.values(), Counter()) if purpose == "all" else statements[purpose]
        share = (
            sum(n for (p, ok), n in restricted.items() if not ok) if purpose == "all" else restricted[(purpose, False)]
        )
        total = (
            sum(restricted.values()) if purpose == "all" else restricted[(purpose, False)] + restricted[(purpose, True)]
        )
        shown = ", ".join(f"{n} × {c}" for n, c in sorted(counts.items()))
        lines.append(row([purpose, str(len(got)), f"{share}/{total}", *ms_cells(got), shown]))
    print("\n".join(lines), flush=True)
    return "\n".join(lines) + "\n"


class _Nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


# --- 2. eligibility over HTTP -------------------------------------------------------------------------


def session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def eligibility_http(args, servants: list[int], cookie: str) -> tuple[str, dict]:
    pick = random.Random(args.seed + 1)
    paths = [f"/api/v1/civil-servants/{pk}/eligibility/?purpose={pick.choice(PURPOSES)}" for pk in servants]
    common.HEADERS_FOR_PREFIX["/api/"] = {"Cookie": cookie, "Accept": "application/json"}
    # The signed-in principal's API rate (1,200/min) lifted, as disclosures_http.py lifts the anonymous one.
    os.environ["API_CLIENT_RATE"] = "1000000/min"
    (ROOT / "var").mkdir(exist_ok=True)
    process = common.start_gunicorn(args.port, args.workers, args.database_url, args.redis_url)
    server: dict[str, list[float]] = defaultdict(list)
    wall: list[float] = []
    statuses = Counter()
    lock = threading.Lock()
    try:
        common.wait_healthy(args.port, process)
        status, *_ = common.fetch(args.port, paths[0])
        if status != 200:  # 404: not a personnel officer over the servant; 429: the rate not lifted
            sys.exit(f"The eligibility API answered {status} for the personnel officer: see var/bench-gunicorn.log")
        for path in paths[: args.warmup]:
            common.fetch(args.port, path)
        queue = iter(paths)

        def client():
            while True:
                with lock:
                    path = next(queue, None)
                if path is None:
                    return
                status, server_ms, wall_ms, _body = common.fetch(args.port, path)
                with lock:
                    statuses[status] += 1
                    if server_ms is not None and status == 200:  # a 429 or 500 is not a check
                        server[path.rsplit("=", 1)[1]].append(server_ms)
                    wall.append(wall_ms)

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            for future in [pool.submit(client) for _ in range(args.concurrency)]:
                future.result()
        elapsed = time.monotonic() - started
    finally:
        common.stop_gunicorn(process)
    every = [t for p in PURPOSES for t in server[p]]
    lines = [
        f"{len(paths)} requests (after {args.warmup} warm-up ones), {args.concurrency} client threads, gunicorn "
        f"{args.workers} sync workers, production settings, session of the city's personnel officer; statuses "
        + ", ".join(f"{code}×{n}" for code, n in sorted(statuses.items()))
        + f"; {len(paths) / elapsed:.0f} req/s.",
        "",
        "| purpose | requests | server p50 ms | server p95 ms | server p99 ms | server max ms | verdict (p95 ≤ 50) |",
        "|---|---|---|---|---|---|---|",
    ]
    for purpose in [*PURPOSES, "all"]:
        got = every if purpose == "all" else server[purpose]
        answered = not set(statuses) - {200}
        verdict = "PASS" if answered and got and pct(got, 95) <= TARGET_CHECK_MS else "MISS"
        lines.append(row([purpose, str(len(got)), *ms_cells(got), verdict]))
    lines.append(row(["all, wall (client)", str(len(wall)), *ms_cells(wall), "(includes queueing behind 2 workers)"]))
    print("\n".join(lines), flush=True)
    summary = {"p50": pct(every, 50), "p95": pct(every, 95), "p99": pct(every, 99)}
    return "\n".join(lines) + "\n", summary


# --- 3. the nightly recompute (in a child process) -------------------------------------------------------


def recompute_child(args) -> None:
    """Run in a fresh process: prints one JSON line."""
    django_setup(args.database_url, args.redis_url)
    from django.db import connection

    from civil_servants.models import IntegrityScore
    from civil_servants.services.assessment import score_recompute_all

    if args.child == "recompute-fresh":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE civil_servants_integrityscore")
    before = rss_kb()
    profile = None
    if args.profile:
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    started = time.monotonic()
    cpu = time.process_time()
    written = score_recompute_all()
    elapsed = time.monotonic() - started
    cpu = time.process_time() - cpu
    if profile is not None:
        import pstats

        profile.disable()
        pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "python_cpu": cpu,
                "written": written,
                "scores": IntegrityScore.objects.count(),
                "rss_before_kb": before,
                "peak_rss_kb": rss_kb("VmHWM"),
            }
        ),
        flush=True,
    )


def recompute(args) -> tuple[str, list[dict]]:
    runs = []
    base = [sys.executable, str(Path(__file__).resolve())]
    base += ["--database-url", args.database_url, "--redis-url", args.redis_url]
    for round_ in range(1, args.recompute_rounds + 1):
        kinds = [("recompute-fresh", "first (no scores yet)"), ("recompute-again", "second, same day")]
        if args.keep_scores:
            kinds = [("recompute-again", "with the scores as they are")]
        for child, label in kinds:
            load = " ".join(f"{x:.2f}" for x in os.getloadavg())
            done = subprocess.run(
                [*base, "--child", child, *(["--profile"] if args.profile else [])],
                capture_output=True,
                text=True,
                check=False,
                cwd=ROOT,
            )
            if done.returncode:
                sys.exit(f"recompute child failed:\n{done.stderr[-4000:]}")
            if args.profile:
                print(done.stderr, file=sys.stderr)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            result.update(round=round_, label=label, load=load)
            runs.append(result)
            print(f"recompute round {round_} {label}: {result}", flush=True)
    lines = [
        "`score_recompute_all()` in a fresh process each time (production settings), batches of 2,000 servants;"
        " peak RSS of that process (its RSS before the run — Django imported, connected — in brackets).",
        "",
        "| round | run | load before | wall s | Python CPU s | scores written | scores in table | peak RSS MB | verdict (≤ 300 s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            row(
                [
                    str(r["round"]),
                    r["label"],
                    r["load"],
                    f"{r['seconds']:.1f}",
                    f"{r['python_cpu']:.1f}",
                    f"{r['written']:,}",
                    f"{r['scores']:,}",
                    f"{r['peak_rss_kb'] / 1024:.0f} ({r['rss_before_kb'] / 1024:.0f})",
                    "PASS" if r["seconds"] <= TARGET_RECOMPUTE_S else "MISS",
                ]
            )
        )
    return "\n".join(lines) + "\n", runs


# --- 4. the credit file with a long history -----------------------------------------------------------


def give_history(servant, entries: int) -> Counter:
    """Add about `entries` timeline entries to the servant (to be rolled back): records (serious ones with
    their honours bar), completions of distinct courses, commendations and sanctions."""
    from civil_servants.models import CareerEntry, Completion, Course
    from dishonesty_records.choices import SanctionKind, Severity
    from dishonesty_records.models import DishonestyRecord, Sanction

    made = Counter()
    template = DishonestyRecord.objects.filter(civil_servant__isnull=False).order_by("id").first()
    today = datetime.date.today()
    n_records = entries * 2 // 5
    records = []
    for i in range(n_records):
        record = DishonestyRecord(
            **{
                f.attname: getattr(template, f.attname)
                for f in DishonestyRecord._meta.concrete_fields
                if f.attname not in ("id", "civil_servant_id", "subject_organization_id")
            }
        )
        record.civil_servant_id, record.subject_organization_id = servant.pk, servant.organization_id
        record.severity = Severity.SERIOUS if i % 4 == 0 else Severity.GENERAL
        record.determined_on = today - datetime.timedelta(days=9 * i)
        record.occurred_on = record.determined_on - datetime.timedelta(days=30)
        records.append(record)
    DishonestyRecord.objects.bulk_create(records)
    made["records"] = len(records)
    sanctions = [
        Sanction(
            record=record,
            kind=SanctionKind.HONOURS_INELIGIBILITY,
            authority_id=servant.organization_id,
            reason="严重政务失信",
            listed_on=record.determined_on,
            start_on=record.determined_on,
            end_on=record.determined_on + datetime.timedelta(days=365),
        )
        for record in records
        if record.severity == Severity.SERIOUS
    ]
    Sanction.objects.bulk_create(sanctions)
    made["sanctions"] = len(sanctions)
    taken = set(Completion.objects.filter(civil_servant=servant).values_list("course_id", flat=True))
    left = entries - len(records) - len(sanctions)
    courses = [c for c in Course.objects.order_by("id") if c.pk not in taken][: max(0, left * 3 // 4)]
    Completion.objects.bulk_create(
        Completion(
            civil_servant=servant,
            course=course,
            completed_on=datetime.date(course.year, 6, 1),
            hours=course.hours,
            recorded_by_label="bench",
        )
        for course in courses
    )
    made["completions"] = len(courses)
    left -= len(courses)
    CareerEntry.objects.bulk_create(
        CareerEntry(
            civil_servant=servant,
            kind="discipline" if i % 3 == 0 else "commendation",
            severity="warning" if i % 3 == 0 else "",
            title="基准条目",
            decided_on=today - datetime.timedelta(days=20 * i),
            decided_by="基准",
            document_number=f"基准〔{i}〕号",
            recorded_by_label="bench",
        )
        for i in range(max(0, left))
    )
    made["career entries"] = max(0, left)
    return made


def credit_file_bench(data: dict, user, repeats: int) -> tuple[str, bool]:
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from civil_servants.selectors.files import credit_file
    from organizations.models import CivilServant

    client = Client(HTTP_HOST=common.HOST, HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    rows_out = []

    def measure(servant, label: str, made: str) -> tuple[int, int]:
        url = reverse("civil_servants:file_open", args=[servant.pk])
        form = {"purpose": "appointment_review", "detail": "基准测试"}
        credit_file(servant)  # warm
        client.post(url, form)
        with CaptureQueriesContext(connection) as selector_queries:
            entries = len(credit_file(servant).entries)
        with CaptureQueriesContext(connection) as page_queries:
            response = client.post(url, form)
        assert response.status_code == 200, response.status_code
        # Counted now: the next request's request_started signal clears the connection's query log.
        n_selector, n_page = len(selector_queries.captured_queries), len(page_queries.captured_queries)
        selector_ms, page_ms = [], []
        for _ in range(repeats):
            started = time.perf_counter()
            credit_file(servant)
            selector_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            client.post(url, form)
            page_ms.append((time.perf_counter() - started) * 1000)
        rows_out.append(
            row(
                [
                    label,
                    made,
                    str(entries),
                    str(n_selector),
                    f"{statistics.median(selector_ms):.1f} / {pct(selector_ms, 95):.1f}",
                    str(n_page),
                    f"{statistics.median(page_ms):.1f} / {pct(page_ms, 95):.1f}",
                    f"{len(response.content) / 1024:.0f}",
                ]
            )
        )
        print(rows_out[-1], flush=True)
        return n_selector, n_page

    counts = []
    longest = CivilServant.objects.select_related("organization").get(pk=data["longest"][0])
    with transaction.atomic():
        counts.append(measure(longest, f"generated servant with most records (#{longest.pk})", "as generated"))
        transaction.set_rollback(True)
    quiet = (
        CivilServant.objects.select_related("organization")
        .filter(is_active=True, dishonesty_records__isnull=True, career_entries__isnull=True)
        .order_by("pk")
        .first()
    )
    for size in (20, 200, 400):
        with transaction.atomic():
            made = give_history(quiet, size)
            counts.append(
                measure(quiet, f"#{quiet.pk} given ~{size} entries", ", ".join(f"{n} {k}" for k, n in made.items()))
            )
            transaction.set_rollback(True)
    fixed = len({c[0] for c in counts}) == 1 and len({c[1] for c in counts}) == 1
    lines = [
        "Each in a transaction rolled back; the page is POST /staff/credit-files/<id>/ (purpose "
        f"appointment_review) as the city's personnel officer through the test client; {repeats} timed runs each "
        "(median / p95 ms). Statements of the page include the session, the access check, the opening's log row and "
        "audit row.",
        "",
        "| servant | history made | entries on the page | selector statements | selector ms | page statements "
        "| page ms | page KB |",
        "|---|---|---|---|---|---|---|---|",
        *rows_out,
        "",
        f"Statements per file page whatever the history: **{'fixed' if fixed else 'NOT FIXED'}** "
        f"(selector {sorted({c[0] for c in counts})}, page {sorted({c[1] for c in counts})}).",
    ]
    return "\n".join(lines) + "\n", fixed


# --- main ----------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hi_cs_bench")
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--port", type=int, default=8768)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--checks", type=int, default=2000, help="in-process eligibility checks")
    parser.add_argument("--counted", type=int, default=200, help="of them, checks whose statements are counted")
    parser.add_argument("--http-checks", type=int, default=2000, help="eligibility requests over HTTP")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--recompute-rounds", type=int, default=1, help="first + second recompute, this many times")
    parser.add_argument("--keep-scores", action="store_true", help="recompute once over the scores as they are")
    parser.add_argument("--profile", action="store_true", help="cProfile of each recompute on stderr")
    parser.add_argument("--file-repeats", type=int, default=20, help="timed runs of each credit file page")
    parser.add_argument(
        "--parts", default="check,http,recompute,file", help="comma-separated: check, http, recompute, file"
    )
    parser.add_argument("--results", help="append this run's section to a Markdown file (e.g. bench/RESULTS.md)")
    parser.add_argument("--title", default="")
    parser.add_argument("--note", default="", help="a line added to the run's facts (e.g. the machine's load)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("Only a local database (127.0.0.1) may be benchmarked.")
    if args.child:
        recompute_child(args)
        return
    parts = set(args.parts.split(","))
    started = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z")
    loads = [" ".join(f"{x:.2f}" for x in os.getloadavg())]
    django_setup(args.database_url, args.redis_url)
    from django.db import connection

    data = facts()
    user = officer()
    servants = sample_servants(max(args.checks, args.http_checks), args.seed)
    before = high_water()
    sections = []
    fixed = True
    try:
        if "check" in parts:
            sections.append(
                (
                    "Eligibility check, in process",
                    eligibility_in_process(servants[: args.checks], user, args.counted, args.seed),
                )
            )
            loads.append(" ".join(f"{x:.2f}" for x in os.getloadavg()))
        if "http" in parts:
            cookie = session_cookie(user)
            connection.close()
            text, _summary = eligibility_http(args, servants[: args.http_checks], cookie)
            sections.append(("Eligibility check over HTTP (`GET /api/v1/civil-servants/{id}/eligibility/`)", text))
            loads.append(" ".join(f"{x:.2f}" for x in os.getloadavg()))
        if "file" in parts:
            text, fixed = credit_file_bench(data, user, args.file_repeats)
            sections.append(("Credit file with a long history", text))
            loads.append(" ".join(f"{x:.2f}" for x in os.getloadavg()))
    finally:
        clean_up(before)
    if "recompute" in parts:
        connection.close()
        text, _runs = recompute(args)
        sections.append(("Nightly recompute (`score_recompute_all`)", text))
        loads.append(" ".join(f"{x:.2f}" for x in os.getloadavg()))
    servants_total, active = data["servants"]
    header = [
        f"- when: {started}; nproc {os.cpu_count()}; PostgreSQL {data['pg']}; production settings",
        f"- rows: {servants_total:,} civil servants ({active:,} in service) in {data['organizations']} organizations; "
        f"{data['courses'][0]} courses ({data['courses'][1]} mandatory); {data['completions']:,} completions; "
        f"{data['records'][0]:,} dishonesty records about servants ({data['records'][1]:,} restricting today), "
        f"{data['obligations']:,} obligations, {data['sanctions']:,} sanctions; {data['career'][0]:,} career "
        f"entries ({data['career'][1]:,} disciplinary); most records about one servant: {data['longest'][1]}",
        f"- load average at the start and after each part: {' / '.join(loads)}",
    ]
    if args.note:
        header.append(f"- note: {args.note}")
    command = f"DATABASE_URL={quote(args.database_url, safe=':/@')} .venv/bin/python {shlex.join(sys.argv)}"
    header.append(f"- command: `{command}`")
    report = "\n".join(header) + "\n\n" + "\n".join(f"#### {title}\n\n{text}" for title, text in sections)
    print()
    print(report)
    if args.results:
        with open(args.results, "a", encoding="utf-8") as out:
            out.write(f"\n### {args.title or 'Credit files, run ' + started}\n\n{report}")
    if not fixed:
        sys.exit("The credit file's statement count grows with the history.")


if __name__ == "__main__":
    main()
