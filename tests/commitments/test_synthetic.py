"""`manage.py generate_pledges`: synthetic pledges that pass the services' rules and roll up as roll_up does."""

import io
import itertools
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments.choices import INVESTMENT_KINDS, OPEN_FULFILMENTS, Fulfilment, PledgeKind
from commitments.models import Milestone, Pledge, ProgressReport
from commitments.services import pledges as pledge_services
from commitments.services.progress import pledge_report_progress, roll_up, rolled_up_share
from commitments.synthetic import CREATED_BY_LABEL
from core.identifiers import is_valid_uscc
from core.models import LedgerEntry, PublicationVersion
from core.publication import PublicationStatus

pytestmark = pytest.mark.django_db


def generate(*args) -> str:
    out = io.StringIO()
    call_command("generate_pledges", *map(str, args), stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())


def generated():
    """What the command made (seed_demo also enters a few demo pledges through the services)."""
    return Pledge.objects.filter(created_by_label=CREATED_BY_LABEL)


def generated_milestones():
    return Milestone.objects.filter(pledge__created_by_label=CREATED_BY_LABEL)


def depth(pledge: Pledge, by_id: dict[int, Pledge]) -> int:
    level = 1
    while pledge.parent_id is not None:
        pledge, level = by_id[pledge.parent_id], level + 1
    return level


def test_fails_clearly_without_organizations():
    with pytest.raises(CommandError, match="seed_demo"):
        generate("--pledges", 10)


def test_counts_mix_and_life_cycle_fields(demo):
    versions, ledger = PublicationVersion.objects.count(), LedgerEntry.objects.count()
    output = generate("--pledges", 400, "--milestones-per-pledge", 4, "--seed", 7)
    assert "400 synthetic pledges, 1600 milestones" in output
    pledges = list(generated().order_by("id"))
    assert len(pledges) == 400
    assert generated_milestones().count() == 1600
    assert ProgressReport.objects.filter(pledge__created_by_label=CREATED_BY_LABEL).exists()
    # As the other generators: benchmark data, no history (versions, ledger) written.
    assert (PublicationVersion.objects.count(), LedgerEntry.objects.count()) == (versions, ledger)
    today, now = timezone.localdate(), timezone.now()
    kinds = Counter(p.kind for p in pledges)
    assert set(kinds) == set(PledgeKind.values), kinds
    years = {p.year for p in pledges if p.kind == PledgeKind.PRACTICAL_MATTER}
    assert today.year in years and len(years) >= 3  # this year's list and past years'
    assert {p.fulfilment for p in pledges} == set(Fulfilment.values)
    for p in pledges:
        assert p.starts_on <= p.due_on and p.starts_on <= today and 0 <= p.progress <= 100
        assert p.created_at <= p.updated_at <= now
        if p.kind == PledgeKind.PRACTICAL_MATTER:
            assert p.year and p.due_on.year == p.year
        if p.kind == PledgeKind.STREET:
            assert p.service_area
        if p.kind in INVESTMENT_KINDS:
            assert p.counterparty and is_valid_uscc(p.counterparty_uscc)
        if p.kind == PledgeKind.CIVIL_SERVANT:
            assert p.civil_servant_id and not p.is_public and p.status == PublicationStatus.DRAFT
            assert p.organization_id == p.civil_servant.organization_id
        # Fulfilment as the services and the sweep leave it.
        if p.fulfilment == Fulfilment.IN_PROGRESS:
            assert p.due_on >= today and p.settled_on is None
        elif p.fulfilment == Fulfilment.OVERDUE:
            assert p.due_on < today and p.overdue_escalated_at and p.settled_on is None
        else:
            assert p.starts_on <= p.settled_on <= today
            assert p.change_ground if p.fulfilment == Fulfilment.CHANGED_LAWFULLY else p.settlement_note
        if p.fulfilment == Fulfilment.FULFILLED and not p.indicator:
            assert p.progress == 100
        # Publication fields of core.publication.
        if p.status == PublicationStatus.DRAFT:
            assert p.version == 0 and p.published_at is None
            assert not p.is_public or p.parent_id or p.fulfilment in OPEN_FULFILMENTS  # only open wholes wait
        else:
            assert p.is_public and p.version >= 1 and p.created_at <= p.published_at <= now
            assert (p.corrected_at is not None) == (p.version > 1)
        if p.status == PublicationStatus.WITHDRAWN:
            assert p.withdrawn_at and p.withdrawal_reason
        # The same rules as entered pledges (a settled whole takes no new parts, so the parent is left out).
        data = {name: getattr(p, name) for name in pledge_services.EDITABLE if name != "parent"}
        pledge_services.clean_pledge(data)
    statuses = Counter(p.status for p in pledges if p.is_public)
    assert statuses[PublicationStatus.PUBLISHED] >= 0.8 * sum(statuses.values()), statuses
    public = set(generated().public().values_list("id", flat=True))
    assert public == {p.id for p in pledges if p.status == PublicationStatus.PUBLISHED and p.is_public}


def test_milestones_and_reports_tell_the_progress(demo):
    generate("--pledges", 300, "--milestones-per-pledge", 5, "--seed", 3)
    today = timezone.localdate()
    pledges = {p.id: p for p in generated()}
    parents = set(generated().filter(parent__isnull=False).values_list("parent_id", flat=True))
    milestones = defaultdict(list)
    for m in generated_milestones().order_by("pledge_id", "due_on", "id"):
        milestones[m.pledge_id].append(m)
    for pledge_id, pledge in pledges.items():
        mine = milestones[pledge_id]
        assert len(mine) == 5 and mine[-1].due_on == pledge.due_on
        for m in mine:
            assert pledge.starts_on <= m.due_on <= pledge.due_on
            assert m.done_on is None or pledge.starts_on <= m.done_on <= today
            # The sweeps have done their part: open pledges' missed milestones reminded and escalated once.
            missed = m.done_on is None and m.due_on < today and pledge.is_open
            assert bool(m.escalated_at) == bool(m.reminded_at) == missed
    reports = defaultdict(list)
    for r in ProgressReport.objects.filter(pledge__in=generated()).order_by("pledge_id", "id"):
        reports[r.pledge_id].append(r)
    assert not set(reports) & parents  # a whole's progress is rolled up, never reported
    for pledge_id, timeline in reports.items():
        pledge = pledges[pledge_id]
        assert timeline[0].progress_before == 0 and timeline[-1].progress_after == pledge.progress
        for earlier, later in itertools.pairwise(timeline):
            assert later.progress_before == earlier.progress_after and later.reported_at >= earlier.reported_at
        for r in timeline:
            assert bool(r.reason) == (r.progress_after < r.progress_before)
            assert r.milestone_id is None or r.milestone.pledge_id == pledge_id
    # Every leaf with progress has its timeline.
    assert {i for i, p in pledges.items() if p.progress > 0 and i not in parents} == set(reports)


def test_trees_roll_up_as_roll_up_does(demo):
    generate("--pledges", 500, "--milestones-per-pledge", 1, "--seed", 11)
    by_id = {p.id: p for p in generated()}
    children = defaultdict(list)
    for p in by_id.values():
        if p.parent_id:
            children[p.parent_id].append(p)
    assert children and sum(len(c) for c in children.values()) >= 0.2 * len(by_id)  # trees hold a good share
    assert max(depth(p, by_id) for p in by_id.values()) == 3
    for parent_id, parts in children.items():
        parent = by_id[parent_id]
        assert parent.progress == rolled_up_share([(p.weight, p.progress) for p in parts])
        for part in parts:
            assert part.weight > 0 and (part.organization_id, part.kind) == (parent.organization_id, parent.kind)
            assert parent.starts_on <= part.starts_on and part.due_on <= parent.due_on
            assert part.status == parent.status and part.year == parent.year
        assert (parent.fulfilment == Fulfilment.FULFILLED) == all(p.fulfilment == Fulfilment.FULFILLED for p in parts)
    # roll_up over every whole finds nothing to change: it reads, never writes.
    for parent_id in children:
        with CaptureQueriesContext(connection) as queries:
            roll_up(Pledge.objects.get(pk=parent_id))
        assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)
    assert {p.id: p.progress for p in generated()} == {i: p.progress for i, p in by_id.items()}


def test_a_report_on_a_generated_leaf_moves_its_ancestors(demo):
    generate("--pledges", 500, "--milestones-per-pledge", 2, "--seed", 11)
    by_id = {p.id: p for p in generated()}
    leaf = next(
        p
        for p in by_id.values()
        if depth(p, by_id) == 3 and p.is_open and p.progress < 90 and not Pledge.objects.filter(parent=p).exists()
    )
    middle = by_id[leaf.parent_id]
    root = by_id[middle.parent_id]
    version = root.version
    pledge_report_progress(pledge=leaf, progress=leaf.progress + Decimal(10), note="新增完成一批点位。", actor=None)
    middle.refresh_from_db()
    root.refresh_from_db()
    assert middle.progress == rolled_up_share([(p.weight, p.progress) for p in middle.children.all()])
    assert root.progress == rolled_up_share([(p.weight, p.progress) for p in root.children.all()])
    if root.status == PublicationStatus.PUBLISHED and root.progress != by_id[root.pk].progress:
        assert root.version == version + 1  # a published whole's new figure is a new version


def test_the_same_seed_gives_the_same_pledges_and_a_second_run_adds(demo):
    fields = ("kind", "organization_id", "title", "year", "progress", "weight", "fulfilment", "status", "version")

    def snapshot(ids):
        rows = list(Pledge.objects.filter(id__in=ids).order_by("id").values_list("id", "parent_id", *fields))
        position = {row[0]: index for index, row in enumerate(rows)}
        # Ids differ between runs: compare the tree by position.
        return [(position.get(parent_id), *rest) for _id, parent_id, *rest in rows]

    generate("--pledges", 150, "--milestones-per-pledge", 2, "--seed", 42, "--batch-size", 7)
    first = set(generated().values_list("id", flat=True))
    generate("--pledges", 150, "--milestones-per-pledge", 2, "--seed", 42, "--batch-size", 1000)
    second = set(generated().values_list("id", flat=True)) - first
    assert len(first) == len(second) == 150 and generated_milestones().count() == 600
    assert snapshot(first) == snapshot(second)  # batch size changes nothing
    assert not Pledge.objects.filter(id__in=second, parent_id__in=first).exists()  # runs never mix trees
    generate("--pledges", 150, "--milestones-per-pledge", 2, "--seed", 43)
    third = set(generated().values_list("id", flat=True)) - first - second
    assert snapshot(third) != snapshot(first)


def test_any_organization_tree_works(world):
    """Outside the demo tree (no streets, no civil servants) every kind still finds a body."""
    generate("--pledges", 60, "--milestones-per-pledge", 3, "--seed", 5)
    assert generated().count() == 60 and generated_milestones().count() == 180
    organizations = {world.city.pk, world.district.pk, world.department.pk, world.other_district.pk}
    organizations.add(world.other_department.pk)
    assert set(generated().values_list("organization_id", flat=True)) <= organizations
    assert not generated().filter(kind=PledgeKind.CIVIL_SERVANT).exists()
