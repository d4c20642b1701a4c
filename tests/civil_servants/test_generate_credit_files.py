"""`manage.py generate_credit_files`: synthetic benchmark data that the credit-file services read as entered."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from civil_servants.management.commands import generate_credit_files as command
from civil_servants.models import AssessmentRuleSet, CareerEntry, Completion, Course, IntegrityScore
from civil_servants.services.assessment import score_recompute_all
from civil_servants.services.eligibility import eligibility_check
from core.identifiers import validate_resident_id
from core.publication import PublicationStatus
from dishonesty_records.choices import Stage, SubjectKind
from dishonesty_records.models import DishonestyRecord
from organizations import demo
from organizations.models import CivilServant

pytestmark = pytest.mark.django_db


def generate(*args) -> str:
    out = io.StringIO()
    call_command("generate_credit_files", *map(str, args), stdout=out)
    return out.getvalue()


@pytest.fixture
def organizations():
    demo.seed_organizations()


def test_fails_clearly_without_organizations():
    with pytest.raises(CommandError, match="seed_demo"):
        generate("--servants", 5, "--completions", 5, "--records", 5)


def test_counts_and_the_rows_read_as_entered(organizations):
    output = generate("--servants", 50, "--completions", 150, "--records", 100, "--seed", 11)
    assert "50 civil servants" in output and "(seed 11)" in output
    today = timezone.localdate()

    servants = list(CivilServant.objects.all())
    assert len(servants) == 50
    for servant in servants:
        assert validate_resident_id(servant.resident_id) == servant.resident_id
        servant.full_clean()  # every field as a form would take it, resident ID included
    assert len({s.staff_number for s in servants}) == 50
    assert any(s.is_leading_cadre for s in servants)

    courses = Course.objects.all()
    assert courses.count() == 36 * command.YEARS
    assert {c.year for c in courses} == set(range(today.year - command.YEARS + 1, today.year + 1))
    assert courses.filter(year=today.year, mandatory=True).count() >= 6

    assert Completion.objects.count() == 150
    assert not Completion.objects.values("civil_servant", "course").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert not Completion.objects.filter(completed_on__gt=today).exists()

    records = DishonestyRecord.objects.all()
    assert records.count() == 100
    assert set(records.values_list("stage", flat=True)) == {Stage.CONFIRMED}
    assert set(records.values_list("subject_kind", flat=True)) == {SubjectKind.CIVIL_SERVANT}
    assert not records.filter(civil_servant__isnull=True).exists()
    assert not records.filter(publicity_ends_on__isnull=True).exists()
    assert len(set(records.values_list("status", flat=True))) >= 3
    assert len(set(records.values_list("severity", flat=True))) == 2
    oldest = today - datetime.timedelta(days=command.YEARS * 365)
    assert not records.filter(determined_on__lt=oldest).exists()
    assert not records.filter(determined_on__gt=today).exists()
    for record in records.select_related("civil_servant"):
        assert record.subject_organization_id == record.civil_servant.organization_id
        assert record.publicity_ends_on > record.determined_on
        assert (record.version > 0) == (record.status != PublicationStatus.DRAFT)

    assert CareerEntry.objects.count() > 0
    assert AssessmentRuleSet.objects.count() == 1  # none was in force: one is created through the service


def test_the_services_read_the_generated_files(organizations):
    generate("--servants", 30, "--completions", 60, "--records", 60, "--seed", 3)
    active = CivilServant.objects.filter(is_active=True).count()
    assert score_recompute_all() == active
    assert IntegrityScore.objects.count() == active
    assert score_recompute_all() == 0  # the same day, nothing changed: nothing written
    person = DishonestyRecord.objects.first().civil_servant
    result = eligibility_check(civil_servant=person, purpose="promotion", actor=None)
    assert result.check is not None


def test_same_seed_same_rows(organizations):
    def rows(seed):
        generator = command.Generator(seed=seed, today=datetime.date(2026, 6, 1))
        return [{k: v for k, v in row.items() if k != "id"} for chunk in generator.servants_rows(20) for row in chunk]

    assert rows(5) == rows(5)
    assert rows(5) != rows(6)
