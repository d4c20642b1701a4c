"""The one correction flow (core.corrections.publish_correction) both publishing apps' `*_correct` use: a
stated reason, a real change, an audit row with what changed, a new version in the ledger and the push."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from core.audit import snapshot
from core.corrections import publish_correction
from core.models import AuditEvent, LedgerEntry, PublicationVersion
from disclosures.models import PenaltyDisclosure
from sharing.models import OutboxEntry
from tests.disclosures.factories import clerk_and_reviewer, make_penalty

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
FIELDS = ["penalty_content", "violation_facts"]


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def correct(record, *, reason, content, actor):
    def change(stored):
        stored.penalty_content = content
        return ["penalty_content"]

    with transaction.atomic():
        stored = PenaltyDisclosure.objects.select_for_update().get(pk=record.pk)
        return publish_correction(
            stored, reason=reason, actor=actor, audited=lambda r: snapshot(r, FIELDS), change=change
        )


def test_a_correction_is_a_new_version_with_its_reason_in_the_ledger_and_the_push(world):
    record = make_penalty(world.department)
    _clerk, reviewer = clerk_and_reviewer(world.department)
    version = correct(record, reason="更正处罚内容笔误", content="警告，罚款人民币贰仟元整", actor=reviewer)
    stored = PenaltyDisclosure.objects.get(pk=record.pk)
    assert (stored.version, stored.status, stored.penalty_content) == (2, "published", "警告，罚款人民币贰仟元整")
    assert (version.version, version.action, version.reason) == (2, "correct", "更正处罚内容笔误")
    assert version.payload["CF_NR"] == "警告，罚款人民币贰仟元整"  # the national document of the new version
    assert list(
        PublicationVersion.objects.filter(record_id=record.pk, record_type=record.record_type).values_list(
            "version", flat=True
        )
    ) == [1, 2]  # the earlier version stays
    assert LedgerEntry.objects.filter(record_id=record.pk, version=2, action="correct").exists()
    assert OutboxEntry.objects.filter(record_id=record.pk, version=2, action="correct").exists()
    change = AuditEvent.objects.get(action="disclosures.penalty.update", target_id=str(record.pk))
    assert change.before == {"penalty_content": "警告，罚款二千元"}
    assert change.after == {"penalty_content": "警告，罚款人民币贰仟元整"}


def test_a_correction_states_its_reason_and_changes_something_or_nothing_happens(world):
    record = make_penalty(world.department)
    _clerk, reviewer = clerk_and_reviewer(world.department)
    with pytest.raises(ValidationError) as raised:
        correct(record, reason=" 笔误 ", content="另一内容", actor=reviewer)  # under four characters
    assert raised.value.message_dict == {"reason": ["Say what was wrong and what the correction changes."]}
    with pytest.raises(ValidationError) as raised:
        correct(record, reason="更正处罚内容笔误", content=record.penalty_content, actor=reviewer)
    assert raised.value.code == "no_change"
    draft = make_penalty(world.department, published=False)
    with pytest.raises(ValidationError) as raised:
        correct(draft, reason="更正处罚内容笔误", content="另一内容", actor=reviewer)
    assert raised.value.code == "illegal_transition"
    assert not AuditEvent.objects.filter(action="disclosures.penalty.correct").exists()
    assert not LedgerEntry.objects.filter(action="correct").exists()
    assert PenaltyDisclosure.objects.get(pk=record.pk).version == 1
