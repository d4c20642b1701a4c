"""Every move of the publication life cycle goes through the one transition table (core.publication),
including the withdrawal of a record never published: it is recorded like any other move, and since
nothing was announced, nothing goes to the ledger or the national platform."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.ledger import verify_ledger
from core.models import AuditEvent, LedgerEntry
from core.publication import ALLOWED_FROM, PublicationAction, PublicationStatus
from core.publishing import history
from dishonesty_records import services as dishonesty
from sharing.models import OutboxEntry
from tests.dishonesty_records.factories import make_record, people_for

pytestmark = pytest.mark.django_db


def test_a_confirmed_record_never_published_is_withdrawn_through_the_table_and_the_ledger_still_verifies(world):
    assert PublicationStatus.DRAFT in ALLOWED_FROM[PublicationAction.WITHDRAW]
    people = people_for(world.department, world.district)
    record = make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until="confirmed",
    )
    dishonesty.record_withdraw(record=record, reason="原判决经再审撤销", actor=people["supervisor"])
    record.refresh_from_db()
    assert (record.status, record.version, record.withdrawal_reason) == ("withdrawn", 0, "原判决经再审撤销")
    # Its history shows the withdrawal, like any other move…
    assert [(v.action, v.version, v.reason) for v in history(record)] == [("withdraw", 0, "原判决经再审撤销")]
    event = AuditEvent.objects.get(action="dishonesty_records.record.withdraw", target_id=str(record.pk))
    assert event.after["status"] == "withdrawn" and event.after["reason"] == "原判决经再审撤销"
    # …but nothing was ever announced: no ledger entry, no push, and the ledger does not miss one.
    assert not LedgerEntry.objects.filter(record_type=record.record_type, record_id=record.pk).exists()
    assert not OutboxEntry.objects.filter(record_type=record.record_type, record_id=record.pk).exists()
    report = verify_ledger()
    assert report.ok, [str(m) for m in report.mismatches]
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        dishonesty.record_withdraw(record=record, reason="再次撤回", actor=people["supervisor"])
    assert raised.value.messages == ["A record that is “Withdrawn” cannot be withdrawn."]
