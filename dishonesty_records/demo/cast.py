"""Who plays the demo (the demo log-ins) and how a demo record is described."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from organizations.models import CivilServant, Organization, User

from ..choices import Severity, SubjectKind
from ..models import DishonestyRecord

DAY = datetime.timedelta(days=1)


@dataclass
class Cast:
    today: datetime.date
    users: dict[str, User]
    organizations: dict[str, Organization]  # by short name
    people: dict[str, CivilServant]  # by name

    def days_ago(self, days: int) -> datetime.date:
        return self.today - days * DAY


@dataclass(frozen=True)
class DemoRecord:
    number: str  # the source document's number: the demo record's key
    subject: str  # an organization's short name, or a civil servant's name
    category: str
    facts: str
    summary: str
    source_kind: str
    issuing_body: str
    occurred_days_ago: int
    document_days_ago: int
    proposer: str
    carry: Callable[[DishonestyRecord, Cast], object]  # from proposed to the state it shows
    severity: str = Severity.GENERAL
    civil_servant: bool = False

    def data(self, cast: Cast) -> dict:
        person = cast.people[self.subject] if self.civil_servant else None
        return {
            "subject_kind": SubjectKind.CIVIL_SERVANT if person else SubjectKind.ORGANIZATION,
            "subject_organization": None if person else cast.organizations[self.subject],
            "civil_servant": person,
            "category": self.category,
            "severity": self.severity,
            "facts": self.facts,
            "facts_summary": self.summary,
            "occurred_on": cast.days_ago(self.occurred_days_ago),
            "source_kind": self.source_kind,
            "source_document_number": self.number,
            "source_issuing_body": self.issuing_body,
            "source_document_date": cast.days_ago(self.document_days_ago),
        }


def _file(name: str, about: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, f"%PDF-1.4\n% 演示材料：{about}\n".encode(), content_type="application/pdf")
