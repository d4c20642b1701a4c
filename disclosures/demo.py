"""Demo disclosures in every state, entered and published through the services (audited, versioned).

Idempotent: records are keyed by decision number; a second run adds nothing.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.identifiers import resident_id_check_character, uscc_check_character
from organizations.models import Organization, User

from . import services
from .models import LicenseDisclosure, PenaltyDisclosure

TRADE_NAMES = [
    "西湖",
    "钱江",
    "之江",
    "运河",
    "良渚",
    "湖畔",
    "天目",
    "富春",
    "云栖",
    "龙井",
    "桐君",
    "千岛",
    "新安",
    "临平",
]
INDUSTRIES = [
    ("贸易", "批发零售"),
    ("餐饮管理", "餐饮服务"),
    ("建筑工程", "建设工程"),
    ("网络科技", "互联网信息服务"),
    ("食品", "食品生产"),
    ("物流", "道路运输"),
    ("化工", "危险化学品"),
]
VIOLATIONS = {
    "市场监管局": [
        ("虚假宣传", "《中华人民共和国反不正当竞争法》第二十条", ["fine"]),
        (
            "销售不符合食品安全标准的食品",
            "《中华人民共和国食品安全法》第一百二十四条",
            ["fine", "confiscation_of_illegal_gains"],
        ),
        ("未按规定公示年度报告", "《企业信息公示暂行条例》第十七条", ["warning"]),
    ],
    "综合执法局": [("未经批准擅自占用城市道路", "《城市道路管理条例》第四十二条", ["warning", "fine"])],
    "生态环境局": [
        ("超标排放大气污染物", "《中华人民共和国大气污染防治法》第九十九条", ["fine", "production_suspension"])
    ],
    "应急管理局": [("未按规定进行安全生产教育和培训", "《中华人民共和国安全生产法》第九十七条", ["fine"])],
}
SURNAMES, GIVEN = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林",
    ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "杰", "涛", "明"],
)


def _uscc(rng: random.Random, division: str) -> str:
    body = "91" + division + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + uscc_check_character(body)


def _resident_id(rng: random.Random) -> str:
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(15000))
    body = f"330106{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + resident_id_check_character(body)


def _penalty(rng, authority, number, decided_on):
    key = next((k for k in VIOLATIONS if authority.short_name.endswith(k)), "市场监管局")
    violation, basis, kinds = rng.choice(VIOLATIONS[key])
    person = rng.random() < 0.15
    amount = Decimal(rng.choice(["0.2", "0.5", "1", "2.5", "5", "10", "30"]))
    data = {
        "decision_number": f"杭{authority.short_name[:4]}罚〔{decided_on.year}〕{number}号",
        "violation_type": violation,
        "violation_facts": f"经查，当事人{violation}，违反了相关规定。",
        "legal_basis": basis,
        "penalty_kinds": kinds,
        "penalty_content": "、".join(
            [
                "警告"
                if k == "warning"
                else "罚款"
                if k == "fine"
                else "没收违法所得"
                if k.startswith("confiscation")
                else "责令停产停业"
                for k in kinds
            ]
        ),
        "fine_amount": amount if "fine" in kinds else None,
        "confiscated_amount": Decimal("0.35") if "confiscation_of_illegal_gains" in kinds else None,
        "decided_on": decided_on,
        "authority": authority,
        "data_source": authority,
        "safety_domain": "work_safety" if key == "应急管理局" else "",
    }
    if person:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        data.update(
            subject_name=name,
            subject_kind="natural_person",
            subject_id_type="resident_id",
            subject_id_number=_resident_id(rng),
        )
    else:
        trade, (industry, _scope) = rng.choice(TRADE_NAMES), rng.choice(INDUSTRIES)
        data.update(
            subject_name=f"杭州{trade}{industry}有限公司",
            subject_kind="legal_person",
            subject_uscc=_uscc(rng, authority.division_code or "330100"),
            legal_representative=rng.choice(SURNAMES) + rng.choice(GIVEN),
        )
    return data


def _license(rng, authority, number, decided_on):
    trade, (industry, scope) = rng.choice(TRADE_NAMES), rng.choice(INDUSTRIES)
    long_term = rng.random() < 0.2
    return {
        "subject_name": f"杭州{trade}{industry}有限公司",
        "subject_kind": "legal_person",
        "subject_uscc": _uscc(rng, authority.division_code or "330100"),
        "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "decision_document_name": f"{scope}许可决定书",
        "decision_number": f"杭{authority.short_name[:4]}许〔{decided_on.year}〕{number}号",
        "license_category": rng.choice(["ordinary", "approval", "registration"]),
        "certificate_name": f"{scope}许可证",
        "license_number": f"XK{decided_on:%Y%m}{number:05d}",
        "content": scope,
        "decided_on": decided_on,
        "valid_from": decided_on,
        "valid_until": datetime.date(2099, 12, 31) if long_term else decided_on.replace(year=decided_on.year + 5),
        "authority": authority,
        "data_source": authority,
    }


@transaction.atomic
def seed_disclosures(*, penalties: int = 240, licenses: int = 80, seed: int = 2017) -> int:
    """Drafts (some overdue), published on time and late, corrected, withdrawn, publicity ended."""
    if PenaltyDisclosure.objects.filter(decision_number__contains="罚〔").exists():
        return 0
    rng = random.Random(seed)
    staff, reviewer = User.objects.get(username="staff"), User.objects.get(username="reviewer")
    authorities = list(
        Organization.objects.filter(
            kind="department", short_name__regex=r"(市场监管局|综合执法局|生态环境局|应急管理局)$"
        )
    )
    today = timezone.localdate()
    created = 0
    for kind, count, build in (("penalty", penalties, _penalty), ("license", licenses, _license)):
        for number in range(1, count + 1):
            authority = rng.choice(authorities)
            roll = rng.random()
            if roll < 0.08:
                age = rng.randrange(1, 25)  # a draft; overdue once past its seven working days
            elif roll < 0.11:
                age = rng.randrange(3 * 365 + 30, 4 * 365)  # old enough for its publicity to have ended
            else:
                age = rng.randrange(2, 500)
            decided_on = today - datetime.timedelta(days=age)
            record = services.disclosure_create(kind=kind, data=build(rng, authority, number, decided_on), actor=staff)
            created += 1
            if roll < 0.08:
                continue
            record = services.disclosure_publish(record=record, actor=reviewer)
            _backdate_publication(
                record, decided_on + datetime.timedelta(days=rng.choice([1, 2, 3, 5, 6, 8, 13])), today
            )
            if 0.90 < roll < 0.94:
                field = "penalty_content" if kind == "penalty" else "content"
                services.disclosure_correct(
                    record=record,
                    data={field: getattr(record, field) + "（更正）"},
                    reason="更正文字错误",
                    actor=reviewer,
                )
            elif roll >= 0.97:
                services.disclosure_withdraw(record=record, reason="经行政复议，原处理决定被撤销", actor=reviewer)
    services.end_due_publicity(today=today)
    return created


def _backdate_publication(record, published_on: datetime.date, today: datetime.date) -> None:
    """Demo only: make the history look lived-in (published days after the decision, mostly on time)."""
    from core.models import PublicationVersion

    published_on = min(published_on, today)
    moment = timezone.make_aware(datetime.datetime.combine(published_on, datetime.time(10, 30)))
    type(record).objects.filter(pk=record.pk).update(published_at=moment)
    PublicationVersion.objects.filter(record_type=record.record_type, record_id=record.pk).update(occurred_at=moment)
    record.published_at = moment


def counts() -> dict[str, int]:
    return {"penalties": PenaltyDisclosure.objects.count(), "licenses": LicenseDisclosure.objects.count()}
