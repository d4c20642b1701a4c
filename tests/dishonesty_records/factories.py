"""Builders for dishonesty-record tests: every record is made through the services, as users would."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dishonesty_records import services
from dishonesty_records.choices import Category, Severity, SourceKind, SubjectKind
from organizations.choices import Role
from organizations.models import Organization

from ..factories import CivilServantFactory, user_with_role

# The frozen "today" of the service tests (a Monday, outside any holiday).
MONDAY = datetime.date(2026, 6, 1)


def evidence(name: str = "整改报告.pdf", content: bytes = b"%PDF-1.4 rectification report") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def proposal_data(organization: Organization | None = None, *, civil_servant=None, **overrides) -> dict:
    today = timezone.localdate()
    data = {
        "subject_kind": SubjectKind.CIVIL_SERVANT if civil_servant else SubjectKind.ORGANIZATION,
        "subject_organization": organization,
        "civil_servant": civil_servant,
        "category": Category.COURT_JUDGMENT_DEFAULT,
        "severity": Severity.GENERAL,
        "facts": "该单位作为被执行人，未按照（2026）浙0106执123号判决书履行支付义务，逾期六个月。",
        "facts_summary": "未履行法院生效判决确定的支付义务",
        "occurred_on": today - datetime.timedelta(days=200),
        "source_kind": SourceKind.COURT,
        "source_document_number": "（2026）浙0106执123号",
        "source_issuing_body": "杭州市西湖区人民法院",
        "source_document_date": today - datetime.timedelta(days=30),
    }
    data.update(overrides)
    return data


def civil_servant_in(organization: Organization, **fields):
    return CivilServantFactory(organization=organization, **fields)


def people_for(organization: Organization, supervising: Organization) -> dict:
    """Staff and a reviewer of the subject body, and two supervisors over it (one proposes, one rules)."""
    return {
        "staff": user_with_role(Role.STAFF, organization),
        "reviewer": user_with_role(Role.REVIEWER, organization),
        "supervisor": user_with_role(Role.SUPERVISOR, supervising),
        "second_supervisor": user_with_role(Role.SUPERVISOR, supervising),
    }


def make_record(organization, *, proposer, subject_actor=None, supervisor=None, until: str = "proposed", **overrides):
    """A record carried through the services up to `until`: proposed, waived, confirmed, published."""
    record = services.record_propose(data=proposal_data(organization, **overrides), actor=proposer)
    if until == "proposed":
        return record
    services.record_waive_objection(record=record, actor=subject_actor)
    if until == "waived":
        return record
    record = services.record_confirm(
        record=record,
        reason="经核查，事实清楚，证据确凿。",
        actor=supervisor,
        rectification_requirement="三个月内履行判决并提交履行凭证。",
    )
    if until == "confirmed":
        return record
    return services.record_publish(record=record, actor=supervisor)


class Clock:
    """A frozen "today" (and "now", 10:00 Hangzhou time on that day) that a test moves by hand.

    Neither time-machine nor freezegun is installed, so this patches django.utils.timezone's `now` and
    `localdate` for the test: every service, model property and auto_now field reads the same day.
    `localdate(value)` keeps converting the values it is given.
    """

    def __init__(self, monkeypatch, day: datetime.date):
        self.day = day
        self._ticks = 0
        real_localdate = timezone.localdate
        monkeypatch.setattr(timezone, "now", self.now)
        monkeypatch.setattr(
            timezone,
            "localdate",
            lambda value=None, timezone=None: self.day if value is None else real_localdate(value, timezone),
        )

    def now(self) -> datetime.datetime:
        self._ticks += 1  # distinct, increasing moments within the day
        moment = datetime.datetime.combine(self.day, datetime.time(10)) + datetime.timedelta(microseconds=self._ticks)
        return timezone.make_aware(moment, timezone.get_default_timezone())

    def set(self, day: datetime.date) -> Clock:
        self.day = day
        return self

    def advance(self, days: int) -> Clock:
        return self.set(self.day + datetime.timedelta(days=days))


def make_repairable(organization, *, people: dict, determined_on: datetime.date, **overrides):
    """A record published with nothing left to rectify and determined on `determined_on`, so that credit
    repair opens when the minimum publicity period after that date ends."""
    record = make_record(
        organization, proposer=people["staff"], subject_actor=people["reviewer"], until="waived", **overrides
    )
    record = services.record_confirm(
        record=record,
        reason="经核查，事实清楚，证据确凿。",
        actor=people["supervisor"],
        determined_on=determined_on,
        explanation_required=False,
    )
    return services.record_publish(record=record, actor=people["supervisor"])
