"""Disclosures made the way staff make them: entered through the services by one person and
published by another (four-eyes rule), so deadlines, publicity periods, search grams, versions and
audit rows are all real.

    penalty = make_penalty(world.department, subject_name="杭州西湖龙井茶业有限公司")
    draft = make_license(world.department, published=False)
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from core.identifiers import uscc_check_character
from disclosures import services
from organizations.choices import Role
from organizations.models import Organization, User
from tests.factories import make_resident_id, user_with_role

_serial = itertools.count(1)


def company_uscc(serial: int, division: str = "330106") -> str:
    """A valid unified social credit code of a company (registration authority 9, kind 1)."""
    body = f"91{division}{serial:09d}"
    return body + uscc_check_character(body)


def natural_person_id(serial: int) -> str:
    return make_resident_id(serial, birth=datetime.date(1980, 3, 12), area="330106")


def clerk_and_reviewer(authority: Organization) -> tuple[User, User]:
    """The authority's data-entry clerk and reviewer, made once and reused."""
    clerk = User.objects.filter(username=f"clerk-{authority.pk}").first() or user_with_role(
        Role.STAFF, authority, username=f"clerk-{authority.pk}"
    )
    reviewer = User.objects.filter(username=f"reviewer-{authority.pk}").first() or user_with_role(
        Role.REVIEWER, authority, username=f"reviewer-{authority.pk}"
    )
    return clerk, reviewer


def recent_decision_date(days_ago: int = 10) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def penalty_data(authority: Organization, **overrides) -> dict:
    n = next(_serial)
    return {
        "subject_name": f"示例商贸有限公司第{n}分店",
        "subject_kind": "legal_person",
        "subject_uscc": company_uscc(n),
        "legal_representative": "张三",
        "decision_number": f"杭测罚〔2026〕{n}号",
        "violation_type": "虚假宣传",
        "violation_facts": "在网店发布虚假广告",
        "legal_basis": "《中华人民共和国广告法》第五十五条",
        "penalty_kinds": ["warning", "fine"],
        "penalty_content": "警告，罚款二千元",
        "fine_amount": Decimal("0.2"),
        "decided_on": recent_decision_date(),
        "authority": authority,
        "data_source": authority,
        **overrides,
    }


def natural_person_penalty_data(authority: Organization, **overrides) -> dict:
    n = next(_serial)
    person = {
        "subject_name": f"王{n}",
        "subject_kind": "natural_person",
        "subject_uscc": "",
        "legal_representative": "",
        "subject_id_type": "resident_id",
        "subject_id_number": natural_person_id(n),
    }
    return penalty_data(authority, **{**person, **overrides})


def license_data(authority: Organization, **overrides) -> dict:
    n = next(_serial)
    decided_on = overrides.get("decided_on") or recent_decision_date()
    return {
        "subject_name": f"示例餐饮有限公司第{n}分店",
        "subject_kind": "legal_person",
        "subject_uscc": company_uscc(500_000 + n),
        "legal_representative": "李四",
        "decision_document_name": "准予行政许可决定书",
        "decision_number": f"杭测许〔2026〕{n}号",
        "license_category": "ordinary",
        "certificate_name": "食品经营许可证",
        "license_number": f"JY{n:012d}",
        "content": "预包装食品销售",
        "decided_on": decided_on,
        "valid_from": decided_on,
        "valid_until": decided_on + datetime.timedelta(days=5 * 365),
        "license_state": "valid",
        "authority": authority,
        "data_source": authority,
        **overrides,
    }


def _make(kind: str, data: dict, authority: Organization, *, published: bool, creator=None, publisher=None):
    clerk, reviewer = clerk_and_reviewer(authority)
    record = services.disclosure_create(kind=kind, data=data, actor=creator or clerk)
    if published:
        record = services.disclosure_publish(record=record, actor=publisher or reviewer)
    return record


def make_penalty(authority: Organization, *, published: bool = True, creator=None, publisher=None, **overrides):
    """A penalty disclosure entered by the authority's clerk and (by default) published by its reviewer."""
    return _make(
        "penalty",
        penalty_data(authority, **overrides),
        authority,
        published=published,
        creator=creator,
        publisher=publisher,
    )


def make_license(authority: Organization, *, published: bool = True, creator=None, publisher=None, **overrides):
    """A licence disclosure entered by the authority's clerk and (by default) published by its reviewer."""
    return _make(
        "license",
        license_data(authority, **overrides),
        authority,
        published=published,
        creator=creator,
        publisher=publisher,
    )


def make_natural_person_penalty(authority: Organization, *, published: bool = True, **overrides):
    """A penalty on a natural person: resident ID number, no credit code, no legal representative."""
    return _make("penalty", natural_person_penalty_data(authority, **overrides), authority, published=published)
