"""Synthetic complaints for the benchmarks: `manage.py generate_complaints --count 1000000 --seed 2026`.

Spread over the last three years (more of them lately), over seed_demo's organizations (a few busy ones),
the eight categories and all channels; ~60 % give their name (a `Complainant` row), the rest are anonymous.
Statuses follow the complaint's age with consistent dates: a decision on acceptance 1–20 days after receipt
(most within the 15-day period), a reply 5–75 days after acceptance (most within the 60-day period), now and
then a review asked and answered, a rating for about half the replies; deadlines are counted as the services
count them (calendar days ending on a working day, `core.calendar`) and noted in `periods`. Every complaint
gets its FILED step, and its decision, reply, review and rating steps when it has them.

Each complaint's secret is `synthetic_secret(code, seed)`, so a benchmark can follow any generated complaint.
COPY on PostgreSQL (ids drawn from the sequences first), bulk_create elsewhere; one transaction per
`--batch-size` complaints; ANALYZE and the statistics precompute at the end. Like the other generators it
writes no audit events: never run it on a database anyone relies on.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from core.bulk import RowWriter, reserve_ids
from core.calendar import WorkingCalendar
from organizations.models import Organization

from ...choices import Category, Channel, DeadlineKind, DeclineReason, EventKind, Status
from ...models import Complainant, Complaint, ComplaintEvent
from ...services.common import ALPHABET, CODE_GROUPS, secret_digest

YEARS = 3
DEFER_INDEXES_FROM = 100_000  # complaints: below this, maintaining the indexes is cheaper than rebuilding them
CHANNELS = [
    (Channel.WEB, 45),
    (Channel.HOTLINE, 25),
    (Channel.PHONE, 10),
    (Channel.API, 5),
    (Channel.OPEN311, 5),
    (Channel.LETTER, 5),
    (Channel.VISIT, 5),
]
CATEGORIES = [
    (Category.SERVICE_CONDUCT, 30),
    (Category.BROKEN_PLEDGE, 15),
    (Category.ARREARS, 15),
    (Category.CONTRACT_DEFAULT, 10),
    (Category.DISCLOSURE, 10),
    (Category.NEW_OFFICIALS, 6),
    (Category.COURT_JUDGMENT, 4),
    (Category.OTHER, 10),
]
TEXTS = {
    Category.SERVICE_CONDUCT: ("办事窗口推诿拖延", "申请材料齐全，窗口工作人员多次以各种理由要求补正，至今未予办理。"),
    Category.BROKEN_PLEDGE: ("承诺事项未兑现", "该单位公开承诺的办理时限和优惠政策至今未落实，多次询问无答复。"),
    Category.ARREARS: ("拖欠企业工程款", "我公司承建的项目已通过验收，合同约定的工程款逾期未付。"),
    Category.CONTRACT_DEFAULT: ("招商引资合同违约", "签订的投资协议中约定的配套条件未按期提供，造成企业损失。"),
    Category.DISCLOSURE: ("行政决定未按时公示", "行政许可决定作出后超过七个工作日仍未在网站公示。"),
    Category.NEW_OFFICIALS: ("新官不理旧账", "原负责人签字确认的补偿协议，新任负责人以换届为由不予履行。"),
    Category.COURT_JUDGMENT: ("不执行法院生效判决", "法院判决已生效，该单位作为被执行人至今未履行给付义务。"),
    Category.OTHER: ("其他政务失信问题", "该单位在办理相关事项中存在失信行为，请求调查处理。"),
}
PLACES = ("上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文"
SATISFACTION = [(1, 6), (2, 8), (3, 16), (4, 35), (5, 35)]


def synthetic_secret(code: str, seed: int) -> str:
    """The secret of a generated complaint (a benchmark follows it with code + this)."""
    digest = hmac.new(f"generate_complaints:{seed}".encode(), code.encode(), hashlib.sha256).digest()
    return "".join(ALPHABET[b % 32] for b in digest[:10])


def _weighted(pairs):
    values = [value for value, _w in pairs]
    weights = [w for _v, w in pairs]
    return values, weights


class Command(BaseCommand):
    help = "Generate synthetic complaints (benchmarks only)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch-size", type=int, default=20000)
        parser.add_argument("--no-refresh", action="store_true", help="skip the statistics precompute at the end")

    def handle(self, *args, count, seed, batch_size, no_refresh, **options):
        organizations = list(Organization.objects.filter(is_active=True).order_by("path"))
        if not organizations:
            raise CommandError("No organizations: run seed_demo first.")
        started = time.monotonic()
        self.rng = random.Random(seed)
        self.seed = seed
        self.today = timezone.localdate()
        self.first_day = self.today - datetime.timedelta(days=365 * YEARS)
        self.calendar = WorkingCalendar.load(self.first_day, self.today + datetime.timedelta(days=200))
        self.due_cache: dict = {}
        self.organizations = organizations
        # A few busy organizations (a Zipf-like spread), so a handler's queue can be long.
        order = list(range(len(organizations)))
        self.rng.shuffle(order)
        self.org_weights = [0.0] * len(organizations)
        for rank, index in enumerate(order):
            self.org_weights[index] = 1 / (rank + 1) ** 0.8
        self.channels = _weighted(CHANNELS)
        self.categories = _weighted(CATEGORIES)
        self.satisfaction = _weighted(SATISFACTION)
        self.now = timezone.now()
        self.writers = {
            model: RowWriter(model, self.now, with_ids=model is Complaint)
            for model in (Complaint, Complainant, ComplaintEvent)
        }
        deferred = _deferrable_indexes(count) if connection.vendor == "postgresql" else []
        done = 0
        try:
            while done < count:
                size = min(batch_size, count - done)
                self._batch(size)
                done += size
                if done == count or done % 100_000 < size:
                    self.stdout.write(f"{done:,} complaints ({time.monotonic() - started:.0f} s)")
        finally:
            if deferred:
                begun = time.monotonic()
                with connection.cursor() as cursor:
                    cursor.execute("SET maintenance_work_mem = '256MB'")
                    for _name, definition in deferred:
                        cursor.execute(definition)
                self.stdout.write(f"rebuilt {len(deferred)} indexes in {time.monotonic() - begun:.0f} s")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for model in self.writers:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        generated = time.monotonic() - started
        written = self.writers
        self.stdout.write(
            f"{written[Complaint].written:,} complaints, {written[Complainant].written:,} complainants, "
            f"{written[ComplaintEvent].written:,} timeline steps in {generated:.0f} s"
        )
        if not no_refresh:
            from ...statistics import refresh, vacuum

            begun = time.monotonic()
            rows = refresh()
            vacuum()
            self.stdout.write(f"statistics precomputed: {rows:,} monthly rows in {time.monotonic() - begun:.1f} s")

    # --- one batch --------------------------------------------------------------------------------------

    def _due(self, start: datetime.date, days: int) -> datetime.date:
        key = (start, days)
        if key not in self.due_cache:
            self.due_cache[key] = self.calendar.add_calendar_days(start, days).due
        return self.due_cache[key]

    def _code(self) -> str:
        choice = self.rng.choice
        return "HZ-" + "-".join("".join(choice(ALPHABET) for _ in range(n)) for n in CODE_GROUPS)

    def _batch(self, size: int) -> None:
        rng = self.rng
        ids = reserve_ids(Complaint, size)
        complaints, people, events = [], [], []
        span = (self.today - self.first_day).days
        organizations = rng.choices(self.organizations, weights=self.org_weights, k=size)
        channels = rng.choices(*self.channels, k=size)
        categories = rng.choices(*self.categories, k=size)
        for pk, organization, channel, category in zip(ids, organizations, channels, categories, strict=True):
            # More complaints lately: the age's density falls towards three years ago.
            age = int(span * rng.random() ** 1.3)
            received_on = self.today - datetime.timedelta(days=age)
            code = self._code()
            anonymous = rng.random() < 0.4
            title, facts = TEXTS[category]
            row = {
                "id": pk,
                "tracking_code": code,
                "secret_digest": secret_digest(synthetic_secret(code, self.seed)),
                "channel": channel,
                "category": category,
                "organization_id": organization.pk,
                "title": title,
                "facts": f"{facts}（{PLACES[pk % len(PLACES)]}，编号{pk}）",
                "happened_on": received_on - datetime.timedelta(days=rng.randint(1, 90)),
                "place": PLACES[pk % len(PLACES)],
                "anonymous": anonymous,
                "consent_to_share": (not anonymous) and rng.random() < 0.5,
                "received_on": received_on,
                "accept_due": self._due(received_on, 15),
                "status": Status.RECEIVED,
                "periods": {DeadlineKind.ACCEPT: {"start": received_on.isoformat(), "days": 15}},
            }
            steps = [(EventKind.FILED, received_on, "")]
            self._life(row, rng, steps, complaints)
            complaints.append(row)
            if not anonymous:
                people.append(
                    {
                        "complaint_id": pk,
                        "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if pk % 3 else ""),
                        "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                    }
                )
            for kind, day, text in steps:
                events.append(
                    {
                        "complaint_id": pk,
                        "kind": kind,
                        "at": datetime.datetime.combine(day, datetime.time(9 + pk % 8, pk % 60), tzinfo=datetime.UTC),
                        "public": True,
                        "text": text,
                    }
                )
        with transaction.atomic():
            self.writers[Complaint].write(complaints)
            self.writers[Complainant].write(people)
            self.writers[ComplaintEvent].write(events)

    def _life(self, row: dict, rng, steps: list, earlier: list) -> None:
        """Decision, reply, review and rating, each only if its day has come."""
        received_on, today = row["received_on"], self.today
        decided_on = received_on + datetime.timedelta(
            days=rng.randint(1, 13) if rng.random() < 0.9 else rng.randint(14, 22)
        )
        if decided_on > today:
            return
        roll = rng.random()
        if roll < 0.01 and earlier:
            target = earlier[-1]
            if target["organization_id"] == row["organization_id"] and target["status"] != Status.MERGED:
                row.update(status=Status.MERGED, merged_into_id=target["id"])
                steps.append((EventKind.MERGED, decided_on, target["tracking_code"]))
                return
        if roll < 0.11:
            row.update(
                status=Status.DECLINED,
                decline_reason=rng.choice(DeclineReason.values),
                replied_on=decided_on,
            )
            steps.append((EventKind.DECLINED, decided_on, "不予受理，已告知投诉人理由。"))
            self._rate(row, rng, steps, decided_on)
            return
        handle_due = self._due(decided_on, 60)
        row.update(
            status=Status.ACCEPTED,
            accepted_on=decided_on,
            handling_organization_id=row["organization_id"],
            handle_due=handle_due,
            periods={**row["periods"], DeadlineKind.HANDLE: {"start": decided_on.isoformat(), "days": 60}},
        )
        steps.append((EventKind.ACCEPTED, decided_on, ""))
        replied_on = decided_on + datetime.timedelta(
            days=rng.randint(5, 58) if rng.random() < 0.88 else rng.randint(59, 80)
        )
        if replied_on > today:
            return
        row.update(status=Status.REPLIED, replied_on=replied_on, review_request_due=self._due(replied_on, 30))
        row["periods"][DeadlineKind.REVIEW_REQUEST] = {"start": replied_on.isoformat(), "days": 30}
        steps.append((EventKind.REPLIED, replied_on, "经调查核实，已责成相关科室整改并答复。"))
        if rng.random() < 0.06:
            asked = replied_on + datetime.timedelta(days=rng.randint(1, 28))
            if asked <= today:
                row.update(status=Status.REVIEW_REQUESTED, review_requested_on=asked, review_due=self._due(asked, 30))
                row["periods"][DeadlineKind.REVIEW_ANSWER] = {"start": asked.isoformat(), "days": 30}
                steps.append((EventKind.REVIEW_REQUESTED, asked, "对答复不满意，申请复核。"))
                answered = asked + datetime.timedelta(days=rng.randint(5, 32))
                if answered > today:
                    return
                row.update(status=Status.REVIEWED, reviewed_on=answered)
                steps.append((EventKind.REVIEWED, answered, "复核意见：维持原答复。"))
                replied_on = answered
        self._rate(row, rng, steps, replied_on)

    def _rate(self, row: dict, rng, steps: list, replied_on: datetime.date) -> None:
        rated_on = replied_on + datetime.timedelta(days=rng.randint(0, 10))
        if rated_on <= self.today and rng.random() < 0.55:
            row["satisfaction"] = rng.choices(*self.satisfaction)[0]
            steps.append((EventKind.RATED, rated_on, ""))


def _deferrable_indexes(count: int) -> list[tuple[str, str]]:
    """A big load into smaller tables: their non-unique indexes are dropped now and built again at the end
    (several times faster than maintaining them row by row); unique ones (the tracking code) stay."""
    if count < DEFER_INDEXES_FROM or Complaint.objects.count() >= count:
        return []
    tables = [Complaint._meta.db_table, ComplaintEvent._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid IN (SELECT oid FROM pg_class WHERE relname = ANY(%s)) "
            "AND NOT i.indisunique AND NOT i.indisprimary ORDER BY c.relname",
            [tables],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return found
