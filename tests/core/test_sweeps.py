"""The sweeps core runs for every publishing app: the end of publicity over every registered record type
(with the apps' hooks), and the claim-mark-group-notify shape of the "tell someone once" sweeps."""

import datetime
import time

import pytest
from django.utils import timezone, translation

from core import sweeps
from core.models import AuditEvent, LedgerEntry, Notification
from core.publication import PublicationStatus
from core.publishing import history
from core.sweeps import Notice, claim_and_notify, end_due_publicity, on_publicity_end
from disclosures.models import PenaltyDisclosure
from dishonesty_records import services as dishonesty
from dishonesty_records.choices import RepairStatus
from dishonesty_records.models import DishonestyRecord
from organizations.choices import Role
from tests.concurrency import run_at_once
from tests.conftest import uses_postgresql
from tests.disclosures.factories import make_penalty
from tests.dishonesty_records.factories import evidence, make_record, make_repairable, people_for
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
D = datetime.date
LONG_AFTER = D(2031, 1, 1)  # past every period below


@pytest.fixture
def hooks(monkeypatch):
    """The hook registry as the apps left it, restored afterwards."""
    registry = {key: list(value) for key, value in sweeps._publicity_end_hooks.items()}
    monkeypatch.setattr(sweeps, "_publicity_end_hooks", registry)
    return registry


def published_dishonesty_record(world):
    people = people_for(world.department, world.district)
    record = make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until="published",
    )
    return record


def test_one_sweep_ends_the_publicity_of_every_registered_type_and_runs_each_types_hooks(world, hooks):
    penalty = make_penalty(world.department, decided_on=D(2026, 11, 2))
    record = published_dishonesty_record(world)
    seen = []
    on_publicity_end(PenaltyDisclosure.record_type, lambda batch: seen.extend(batch))

    assert end_due_publicity(today=D(2027, 1, 1)) == 0
    assert end_due_publicity(today=LONG_AFTER) == 2
    assert end_due_publicity(today=LONG_AFTER) == 0
    assert [r.pk for r in seen] == [penalty.pk]  # each type's hooks see only that type's records
    for ended in (PenaltyDisclosure.objects.get(pk=penalty.pk), DishonestyRecord.objects.get(pk=record.pk)):
        assert ended.status == PublicationStatus.PUBLICITY_ENDED and ended.publicity_ended_at
        assert [v.action for v in history(ended)] == ["publish", "end_publicity"]
        assert list(
            LedgerEntry.objects.filter(record_type=ended.record_type, record_id=ended.pk).values_list("action", flat=True)
        ) == ["publish"]  # the end was already announced as the record's date: no new entry
    assert AuditEvent.objects.filter(action__endswith=".end_publicity").count() == 2


def test_the_dishonesty_hook_closes_a_pending_repair_when_publicity_ends(world, hooks):
    people = people_for(world.department, world.district)
    record = make_repairable(
        world.department, people=people, determined_on=timezone.localdate() - datetime.timedelta(days=100)
    )
    application = dishonesty.repair_apply(
        record=record, statement="已全面履行判决，附履行凭证。", files=[evidence()], actor=people["staff"]
    )
    assert end_due_publicity(today=LONG_AFTER, record_types=[PenaltyDisclosure.record_type]) == 0
    application.refresh_from_db()
    assert application.status == RepairStatus.SUBMITTED
    with translation.override("en"):
        assert end_due_publicity(today=LONG_AFTER, record_types=[DishonestyRecord.record_type]) == 1
    application.refresh_from_db()
    assert application.status == RepairStatus.CLOSED and "Publicity ended" in application.decision_reason


# --- claim, mark, group, notify -----------------------------------------------------------------------


def overdue_drafts(world, count):
    return [
        make_penalty(organization, published=False, decided_on=D(2026, 9, 1))
        for index in range(count)
        for organization in ((world.department, world.other_department)[index % 2],)
    ]


def test_claim_and_notify_marks_audits_groups_and_says_it_once(world):
    drafts = overdue_drafts(world, 5)
    reader = user_with_role(Role.REVIEWER, world.department)
    groups = []

    def notice(authority, records):
        groups.append((authority, sorted(r.pk for r in records)))
        return Notice(recipients=[reader], kind="test.overdue", subject=f"{len(records)}", dedupe_key=f"t-{authority.pk}")

    def sweep():
        return claim_and_notify(
            PenaltyDisclosure.objects.overdue().select_related("authority"),
            marker="overdue_notified_at",
            audit_action="test.overdue",
            scope_path_of=lambda r: r.authority.path,
            group_by=lambda r: r.authority,
            notices=notice,
            batch_size=2,
        )

    assert sweep() == 5
    assert sweep() == 0  # marked: never claimed again
    assert not PenaltyDisclosure.objects.filter(overdue_notified_at__isnull=True).exists()
    assert sorted(pk for _authority, pks in groups for pk in pks) == sorted(d.pk for d in drafts)
    assert all(len({r.authority_id for r in PenaltyDisclosure.objects.filter(pk__in=pks)}) == 1 for _a, pks in groups)
    events = AuditEvent.objects.filter(action="test.overdue")
    assert sorted(events.values_list("target_id", flat=True)) == sorted(str(d.pk) for d in drafts)
    assert set(events.values_list("scope_path", flat=True)) == {world.department.path, world.other_department.path}
    # One notice per authority and recipient, however many batches its drafts came in.
    assert Notification.objects.filter(kind="test.overdue", recipient=reader).count() == 2


@pytest.mark.skipif(not uses_postgresql(), reason="row locks (SKIP LOCKED) need PostgreSQL; CI runs it")
@pytest.mark.django_db(transaction=True)
def test_two_overdue_sweeps_at_once_claim_and_notify_each_item_once(world, monkeypatch):
    drafts = overdue_drafts(world, 12)
    reader = user_with_role(Role.REVIEWER, world.department)
    sent, claimed = [], []
    real_notify = sweeps.notify

    def slow_notify(**kwargs):
        sent.append(kwargs["dedupe_key"])
        time.sleep(0.01)  # inside the batch's transaction: the two sweeps overlap
        return real_notify(**kwargs)

    monkeypatch.setattr(sweeps, "notify", slow_notify)

    def sweep():
        return claim_and_notify(
            PenaltyDisclosure.objects.overdue().select_related("authority"),
            marker="overdue_notified_at",
            audit_action="test.overdue",
            claimed=lambda batch: claimed.extend(r.pk for r in batch),
            group_by=lambda r: r.pk,
            notices=lambda pk, records: Notice(
                recipients=[reader], kind="test.overdue", subject="late", dedupe_key=f"item-{pk}"
            ),
            batch_size=2,
        )

    results = run_at_once(sweep)
    assert sum(results) == 12
    assert sorted(claimed) == sorted(d.pk for d in drafts)  # each draft claimed by exactly one sweep
    assert sorted(sent) == sorted(f"item-{d.pk}" for d in drafts)  # and told exactly once
    assert AuditEvent.objects.filter(action="test.overdue").count() == 12
    assert Notification.objects.filter(kind="test.overdue").count() == 12
