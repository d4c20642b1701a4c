"""Pledges made through the services, as staff would make them."""

from __future__ import annotations

import datetime

from django.utils import timezone

from commitments import services
from commitments.choices import DepartmentTheme, PledgeKind
from organizations.choices import Role
from tests.factories import user_with_role


def today() -> datetime.date:
    return timezone.localdate()


def pledge_data(organization, **overrides) -> dict:
    start = overrides.pop("starts_on", today() - datetime.timedelta(days=30))
    return {
        "kind": PledgeKind.DEPARTMENT,
        "organization": organization,
        "theme": DepartmentTheme.BETTER_SERVICE,
        "title": "企业开办一日办结",
        "content": "企业开办全流程一个工作日内办结，材料一次告知。",
        "legal_basis": "《优化营商环境条例》第十九条",
        "starts_on": start,
        "due_on": overrides.pop("due_on", start + datetime.timedelta(days=365)),
        "responsible_person": "王某某",
        **overrides,
    }


def staff_of(organization):
    return user_with_role(Role.STAFF, organization)


def reviewer_of(organization):
    return user_with_role(Role.REVIEWER, organization)


def make_pledge(organization, *, actor=None, published=False, **overrides):
    pledge = services.pledge_create(data=pledge_data(organization, **overrides), actor=actor or staff_of(organization))
    if published:
        pledge = services.pledge_publish(pledge=pledge, actor=reviewer_of(organization))
    return pledge
