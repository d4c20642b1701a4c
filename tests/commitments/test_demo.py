"""The demo pledges: every kind in every state, this year's ten practical things, measured pledges with real
records behind them, a consistent three-level roll-up, and nothing new on a second run."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from commitments import demo, selectors
from commitments.choices import INVESTMENT_KINDS, Fulfilment, PledgeKind, PPPStage
from commitments.models import Milestone, Pledge, PPPResponsibility, ProgressReport
from commitments.services import rolled_up_share
from core.indicators import share
from core.ledger import verify_ledger
from core.models import AuditEvent, LedgerEntry, Notification, PublicationVersion
from core.publication import PublicationStatus
from disclosures.models import PenaltyDisclosure
from dishonesty_records.choices import Origin
from dishonesty_records.models import DishonestyRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    out = io.StringIO()
    with translation.override("en"):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_demo_shows_what_a_visitor_and_a_supervisor_expect(seeded, client):
    # One seeding (≈ 20 s) checked from several sides: the seeding is the expensive part.
    _every_kind_in_every_state(seeded)
    _this_years_practical_matters(client)
    _the_three_level_roll_up_is_consistent()
    _measured_pledges_show_values_computed_from_real_records()


def _every_kind_in_every_state(seeded):
    assert f"{len(demo.demo_pledges())} new demo pledges." in seeded
    pledges = list(Pledge.objects.all())
    assert len(pledges) == len(demo.demo_pledges())
    assert {p.kind for p in pledges} == set(PledgeKind.values)
    assert {p.fulfilment for p in pledges} == set(Fulfilment.values)
    assert {p.status for p in pledges} == {
        PublicationStatus.DRAFT,
        PublicationStatus.PUBLISHED,
        PublicationStatus.WITHDRAWN,
    }
    assert Pledge.objects.filter(kind=PledgeKind.DEPARTMENT, status=PublicationStatus.DRAFT).exists()
    assert Pledge.objects.exclude(evaluation_score=None).filter(evaluated_by_label__gt="").count() >= 3
    assert len({p.service_area for p in pledges if p.kind == PledgeKind.STREET}) >= 5
    assert all(p.organization.kind == "street" for p in pledges if p.kind == PledgeKind.STREET)
    # Civil servants' pledges are internal until the servant signs them: none is signed in the demo.
    internal = [p for p in pledges if p.kind == PledgeKind.CIVIL_SERVANT]
    assert internal and all(not p.is_public and p.version == 0 and p.civil_servant_id for p in internal)
    assert not LedgerEntry.objects.filter(record_type=Pledge.record_type, record_id__in=[p.pk for p in internal])
    assert not Pledge.objects.public().filter(kind=PledgeKind.CIVIL_SERVANT).exists()
    # Overdue ones were turned by the sweep; a lawful change names its ground and, for investment, compensation.
    assert all(p.due_on < timezone.localdate() and p.overdue_escalated_at for p in pledges if p.fulfilment == "overdue")
    changed = Pledge.objects.get(fulfilment=Fulfilment.CHANGED_LAWFULLY)
    assert changed.kind in INVESTMENT_KINDS and changed.change_ground and changed.change_document
    assert changed.change_approved_by and changed.change_compensation
    for pledge in pledges:
        if pledge.kind in INVESTMENT_KINDS:
            assert pledge.counterparty and len(pledge.counterparty_uscc) == 18
    # The breach proposed a dishonesty record with the pledge as its origin.
    breached = Pledge.objects.get(fulfilment=Fulfilment.BREACHED)
    assert DishonestyRecord.objects.filter(
        origin=Origin.BREACHED_PLEDGE, origin_record_type=Pledge.record_type, origin_record_id=breached.pk
    ).exists()
    # PPP: every stage answered for, with a handover.
    ppp = PPPResponsibility.objects.filter(pledge__kind=PledgeKind.PPP_DUTY)
    assert set(ppp.values_list("stage", flat=True)) == set(PPPStage.values)
    assert ppp.filter(until_on__isnull=False).exists()
    # Made through the services: audited, versioned, on the ledger (which verifies), nobody e-mailed.
    assert AuditEvent.objects.filter(action="commitments.pledge.create").count() == len(pledges)
    assert PublicationVersion.objects.filter(record_type=Pledge.record_type).exists()
    assert Notification.objects.filter(kind="commitments.overdue").exists()
    assert verify_ledger().ok
    assert not mail.outbox


def _this_years_practical_matters(client):
    """Ten published items with milestones (some in working days) and progress notes at various levels."""
    year = timezone.localdate().year
    items = selectors.practical_matters(year)
    assert len(items) == 10
    assert all(item.status == PublicationStatus.PUBLISHED and item.is_public for item in items)
    assert sum(item.fulfilment == Fulfilment.FULFILLED for item in items) in (1, 2)
    for item in items:
        assert 2 <= Milestone.objects.filter(pledge=item).count() <= 4
    assert Milestone.objects.filter(pledge__in=items, working_days__isnull=False).exists()
    reports = ProgressReport.objects.filter(pledge__kind=PledgeKind.PRACTICAL_MATTER, pledge__year=year)
    levels = {report.progress_after for report in reports}
    assert min(levels) <= 20 and max(levels) == 100 and all(report.note for report in reports)
    assert reports.exclude(reason="").exists()  # one went down, with the reason
    page = client.get(reverse("commitments:board", args=[year]))
    assert page.status_code == 200
    assert all(item.title in page.content.decode() for item in items)


def _the_three_level_roll_up_is_consistent():
    grandchild = Pledge.objects.filter(parent__parent__isnull=False).select_related("parent__parent").first()
    assert grandchild is not None
    top = grandchild.parent.parent
    assert top.parent_id is None and top.children.count() == 3
    for whole in (grandchild.parent, top):
        whole.refresh_from_db()
        parts = [(part.weight, part.progress) for part in whole.children.all()]
        assert len({weight for weight, _progress in parts}) > 1  # really weighted
        assert whole.progress == rolled_up_share(parts)
    assert 0 < top.progress < 100


def _measured_pledges_show_values_computed_from_real_records():
    penalties = Pledge.objects.get(indicator="disclosures.penalty_published_within")
    measurement = selectors.measured(penalties)
    assert measurement.counted > 0 and measurement.value == share(measurement.met, measurement.counted)
    behind = list(measurement.records)
    assert behind and all(isinstance(record, PenaltyDisclosure) for record in behind)
    assert {record.authority_id for record in behind} == {penalties.organization_id}
    assert selectors.meets_target(penalties, measurement) is (measurement.value >= penalties.indicator_target)
    obligations = Pledge.objects.get(indicator="dishonesty_records.obligations_on_time")
    measurement = selectors.measured(obligations)
    assert measurement.counted > 0 and measurement.value is not None
    assert not ProgressReport.objects.filter(pledge__in=[penalties, obligations]).exists()  # measured, not reported


def test_the_demo_is_idempotent(seeded):
    def counts():
        return [
            model.objects.count()
            for model in (
                Pledge,
                Milestone,
                ProgressReport,
                PPPResponsibility,
                DishonestyRecord,
                Notification,
                LedgerEntry,
                AuditEvent,
            )
        ]

    before = counts()
    out = io.StringIO()
    with translation.override("en"):
        call_command("seed_demo", stdout=out)
    assert "0 new demo pledges." in out.getvalue()
    assert counts() == before
    assert demo.seed_pledges() == 0
