"""The demo data: records in every display state, made through the services, and nothing new on a second run."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from core.ledger import verify_ledger
from core.models import AuditEvent, LedgerEntry, Notification, PublicationVersion
from dishonesty_records import demo
from dishonesty_records.choices import DisplayState, RepairStatus, SanctionKind, SanctionStatus, SubjectKind
from dishonesty_records.models import DishonestyRecord, Evidence, Obligation, RepairApplication, Sanction

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    out = io.StringIO()
    with translation.override("en"):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_demo_shows_a_record_in_every_display_state(seeded):
    assert f"{len(demo.RECORDS)} new demo dishonesty records." in seeded
    # Other demos add their own (a breached pledge, a credit file's pending objection): not these.
    numbers = {record.number for record in demo.RECORDS}
    records = list(
        DishonestyRecord.objects.filter(source_document_number__in=numbers).select_related("subject_organization")
    )
    assert len(records) == len(demo.RECORDS)
    assert {r.display_state for r in records} == set(DisplayState.values)
    assert {r.subject_kind for r in records} == set(SubjectKind.values)
    assert len({r.category for r in records}) >= 8
    assert RepairApplication.objects.filter(status=RepairStatus.SUBMITTED).count() == 1
    assert RepairApplication.objects.filter(status=RepairStatus.APPROVED).count() == 1
    assert set(Sanction.objects.values_list("kind", flat=True)) == set(SanctionKind.values)
    assert Sanction.objects.filter(status=SanctionStatus.LIFTED).exists()  # with the withdrawn record
    assert Sanction.objects.exclude(outcome="").filter(kind=SanctionKind.ACCOUNTABILITY_REFERRAL).exists()
    assert Obligation.objects.overdue().exists() and Evidence.objects.count() >= len(demo.RECORDS)
    # Made through the services: audited, versioned, on the ledger, and the people concerned were told.
    assert AuditEvent.objects.filter(action="dishonesty_record.propose").count() == DishonestyRecord.objects.count()
    assert PublicationVersion.objects.filter(record_type=DishonestyRecord.record_type).exists()
    assert LedgerEntry.objects.filter(record_type=DishonestyRecord.record_type, action="repair").count() == 1
    assert Notification.objects.filter(kind__startswith="dishonesty.", recipient__username="staff").exists()
    assert verify_ledger().ok
    assert not mail.outbox  # the demo does not e-mail its log-ins


def test_the_demo_is_idempotent(seeded):
    def counts():
        return [
            model.objects.count()
            for model in (DishonestyRecord, Obligation, Sanction, RepairApplication, Evidence, Notification, AuditEvent)
        ]

    before = counts()
    out = io.StringIO()
    with translation.override("en"):
        call_command("seed_demo", stdout=out)
    assert "0 new demo dishonesty records." in out.getvalue()
    assert counts() == before
    assert demo.seed_dishonesty_records() == 0
