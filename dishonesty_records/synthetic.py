"""Synthetic dishonesty records for benchmarks: seeded, realistic, and shaped like the services make them.

Rows are built in memory and saved with bulk_create in batches (records, then their obligations and
sanctions). Derived fields come from the services' own functions (subject names, publicity dates), so
a generated row reads like an entered one. Deliberately missing: audit events, publication versions,
ledger entries, outbox rows and evidence files — this is benchmark data, not history.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from core.calendar import add_months
from core.publication import PublicationStatus
from organizations.models import CivilServant, Organization

from .choices import (
    Category,
    ObligationKind,
    ObligationStatus,
    Origin,
    RectificationState,
    SanctionKind,
    Severity,
    SourceKind,
    Stage,
    SubjectKind,
)
from .models import DishonestyRecord, Obligation, Sanction
from .services.records import apply_subject_names
from .services.rulings import PUBLICITY, publicity_keys

FACTS = {
    Category.COURT_JUDGMENT_DEFAULT: ("未按期履行法院生效判决确定的给付义务", SourceKind.COURT, "人民法院", "执"),
    Category.JUDICIAL_JUDGMENT: ("因合同纠纷被法院判决承担违约责任", SourceKind.COURT, "人民法院", "民初"),
    Category.BREACHED_PLEDGE: ("未兑现公开作出的营商环境服务承诺", SourceKind.PLEDGE, "市信用办", "诺"),
    Category.ADMINISTRATIVE_PENALTY: ("违反环境保护规定被处以行政处罚", SourceKind.DEPARTMENT, "生态环境局", "罚"),
    Category.DISCIPLINARY_SANCTION: ("违反工作纪律受到党纪政务处分", SourceKind.DISCIPLINE, "纪委监委", "纪"),
    Category.ACCOUNTABILITY: ("履职不力造成不良影响被问责", SourceKind.DISCIPLINE, "纪委监委", "问"),
    Category.PROCUREMENT: ("政府采购中违规指定品牌", SourceKind.INSPECTION, "财政局", "采"),
    Category.PPP_DEFAULT: ("PPP项目未按合同约定支付可用性付费", SourceKind.INSPECTION, "发展改革委", "P"),
    Category.TENDERING: ("招标文件设置不合理条件排斥潜在投标人", SourceKind.COMPLAINT, "公共资源交易中心", "招"),
    Category.INVESTMENT_PROMOTION: ("招商引资承诺的扶持政策未兑现", SourceKind.COMPLAINT, "商务局", "商"),
    Category.ILLEGAL_DEBT: ("违规为融资平台提供担保", SourceKind.INSPECTION, "财政局", "债"),
    Category.OTHER: ("拖欠中小企业账款", SourceKind.INSPECTION, "督查室", "督"),
}
# (stage, status, rectification, share): most records are published; every state is represented.
MIX = [
    (Stage.CONFIRMED, PublicationStatus.PUBLISHED, RectificationState.RECTIFIED, 40),
    (Stage.CONFIRMED, PublicationStatus.PUBLISHED, RectificationState.IN_PROGRESS, 20),
    (Stage.CONFIRMED, PublicationStatus.PUBLISHED, RectificationState.OVERDUE, 5),
    (Stage.CONFIRMED, PublicationStatus.PUBLICITY_ENDED, RectificationState.RECTIFIED, 12),
    (Stage.CONFIRMED, PublicationStatus.REPAIRED, RectificationState.RECTIFIED, 8),
    (Stage.CONFIRMED, PublicationStatus.WITHDRAWN, RectificationState.NONE, 2),
    (Stage.CONFIRMED, PublicationStatus.DRAFT, RectificationState.IN_PROGRESS, 3),
    (Stage.PROPOSED, PublicationStatus.DRAFT, RectificationState.NONE, 5),
    (Stage.OBJECTED, PublicationStatus.DRAFT, RectificationState.NONE, 2),
    (Stage.DISMISSED, PublicationStatus.DRAFT, RectificationState.NONE, 3),
]


class Generator:
    def __init__(self, *, seed: int, today: datetime.date | None = None):
        self.random = random.Random(seed)
        self.today = today or timezone.localdate()
        self.organizations = list(Organization.objects.filter(is_active=True).order_by("path"))
        self.people = list(CivilServant.objects.filter(is_active=True).select_related("organization"))
        if not self.organizations:
            raise LookupError("no organizations: run `manage.py seed_demo` first")
        self.months = {severity: PUBLICITY.months(publicity_keys(severity)) for severity in Severity.values}
        self.states = [m[:3] for m in MIX]
        self.weights = [m[3] for m in MIX]

    def records(self, count: int) -> Iterator[DishonestyRecord]:
        pick = self.random
        for serial in range(count):
            stage, status, rectification = pick.choices(self.states, self.weights)[0]
            category = pick.choice(list(FACTS))
            facts, source_kind, issuer, mark = FACTS[category]
            person = pick.choice(self.people) if self.people and pick.random() < 0.25 else None
            organization = person.organization if person else pick.choice(self.organizations)
            occurred = self.today - datetime.timedelta(days=pick.randint(60, 1100))
            determined = min(self.today, occurred + datetime.timedelta(days=pick.randint(20, 50)))
            severity = Severity.SERIOUS if pick.random() < 0.2 else Severity.GENERAL
            record = DishonestyRecord(
                subject_kind=SubjectKind.CIVIL_SERVANT if person else SubjectKind.ORGANIZATION,
                subject_organization=organization,
                civil_servant=person,
                category=category,
                severity=severity,
                facts=f"{facts}。经核查，相关事实清楚、证据充分（样本{serial}）。",
                facts_summary=facts,
                occurred_on=occurred,
                source_kind=source_kind,
                source_document_number=f"（{occurred.year}）杭{mark}{pick.randint(1, 9999)}号",
                source_issuing_body=f"杭州市{issuer}",
                source_document_date=determined,
                origin=Origin.SUPERVISOR,
                stage=stage,
                status=status,
                objection_deadline=occurred + datetime.timedelta(days=14),
                rectification_state=rectification,
                created_by_label="synthetic",
            )
            apply_subject_names(record)
            if stage in (Stage.CONFIRMED, Stage.DISMISSED):
                record.reason = "事实清楚，证据确凿。" if stage == Stage.CONFIRMED else "证据不足，不予认定。"
                record.ruled_at = timezone.now()
            if stage == Stage.CONFIRMED:
                low, high = self.months[severity]
                record.determined_on = determined
                record.publicity_min_ends_on = add_months(determined, low)
                record.publicity_ends_on = add_months(determined, high)
                record.authority_name = organization.name
            if status != PublicationStatus.DRAFT:
                record.version = 1
                record.listed_on = determined
                record.published_at = timezone.now()
            yield record

    def consequences(self, record: DishonestyRecord) -> tuple[list[Obligation], list[Sanction]]:
        if record.stage != Stage.CONFIRMED or record.rectification_state == RectificationState.NONE:
            return [], []
        status = {
            RectificationState.RECTIFIED: ObligationStatus.ACCEPTED,
            RectificationState.OVERDUE: ObligationStatus.OPEN,
        }.get(record.rectification_state, self.random.choice([ObligationStatus.OPEN, ObligationStatus.SUBMITTED]))
        late = record.rectification_state == RectificationState.OVERDUE
        due = record.determined_on + datetime.timedelta(days=14 if late else 45)
        if not late and record.rectification_state == RectificationState.IN_PROGRESS:
            due = max(due, self.today + datetime.timedelta(days=10))
        obligations = [
            Obligation(
                record=record,
                kind=kind,
                requirement="按要求整改并提交说明。",
                working_days=10,
                due_on=due,
                status=status,
            )
            for kind in (ObligationKind.EXPLANATION, ObligationKind.RECTIFICATION)
        ]
        sanctions = []
        if record.severity == Severity.SERIOUS:
            sanctions.append(
                Sanction(
                    record=record,
                    kind=SanctionKind.HONOURS_INELIGIBILITY,
                    authority=record.subject_organization,
                    reason="严重政务失信",
                    listed_on=record.determined_on,
                    start_on=record.determined_on,
                    end_on=add_months(record.determined_on, 12),
                )
            )
        return obligations, sanctions


def generate(count: int, *, seed: int, batch_size: int = 5000) -> int:
    generator = Generator(seed=seed)
    made = 0
    batch: list[DishonestyRecord] = []
    for record in generator.records(count):
        batch.append(record)
        if len(batch) == batch_size:
            made += _save(generator, batch)
            batch = []
    if batch:
        made += _save(generator, batch)
    return made


@transaction.atomic
def _save(generator: Generator, records: list[DishonestyRecord]) -> int:
    DishonestyRecord.objects.bulk_create(records, batch_size=len(records))
    obligations, sanctions = [], []
    for record in records:
        more_obligations, more_sanctions = generator.consequences(record)
        obligations += more_obligations
        sanctions += more_sanctions
    Obligation.objects.bulk_create(obligations, batch_size=5000)
    Sanction.objects.bulk_create(sanctions, batch_size=5000)
    return len(records)
