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
