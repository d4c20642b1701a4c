"""`manage.py generate_disclosures`: synthetic benchmark data that passes the same rules as entered data."""

import datetime
import io
import re
from collections import Counter
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from core.bulk import CopyEncoder
from core.calendar import add_months
from core.identifiers import is_valid_resident_id, is_valid_uscc, uscc_check_character
from core.publication import PublicationStatus
from core.search import grams
from disclosures import services
from disclosures.choices import IdType, SubjectKind
from disclosures.management.commands import generate_disclosures as command
from disclosures.models import LicenseDisclosure, PenaltyDisclosure
from disclosures.synthetic import vocabulary
from disclosures.validation import validate
from organizations.models import Organization

from ..conftest import uses_postgresql

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"^\S+(罚|许)〔(\d{4})〕(\d+)号$")


def generate(*args) -> str:
    out = io.StringIO()
    call_command("generate_disclosures", *map(str, args), stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())


def generated(model=PenaltyDisclosure):
    """What the command made (seed_demo also enters a few demo disclosures through the services)."""
    return model.objects.filter(created_by_label=vocabulary.CREATED_BY_LABEL)


def data_of(record) -> dict:
    """The record as `validate` takes it: every field by name (foreign keys as objects)."""
    return {f.name: getattr(record, f.name) for f in type(record)._meta.concrete_fields}


def test_fails_clearly_without_organizations():
    with pytest.raises(CommandError, match="seed_demo"):
        generate("--count", 10)


def test_generated_penalties_pass_validation_and_match_the_services(demo):
    output = generate("--count", 400, "--licenses", 80, "--seed", 7)
    assert "rows/s" in output and "synthetic" in output.lower()
    penalties = list(generated().select_related("authority", "data_source").order_by("id"))
    assert len(penalties) == 400 and generated(LicenseDisclosure).count() == 80
    today = timezone.localdate()
    rules = services.load_publicity_rules()
    for record in penalties:
        _cleaned, errors = validate("penalty", data_of(record), instance=record)
        assert errors == {}, (record.decision_number, record.subject_name, errors)
        # Derived fields exactly as the services compute them (deadline with its own calendar here).
        fresh = SimpleNamespace(
            decided_on=record.decided_on,
            penalty_kinds=record.penalty_kinds,
            safety_domain=record.safety_domain,
            subject_name=record.subject_name,
        )
        services.apply_derived("penalty", fresh, rules=rules)
        assert (record.publish_deadline, record.deadline_provisional) == (
            fresh.publish_deadline,
            fresh.deadline_provisional,
        )
        assert (record.publicity_min_ends_on, record.publicity_ends_on) == (
            fresh.publicity_min_ends_on,
            fresh.publicity_ends_on,
        )
        assert record.subject_grams == grams(record.subject_name)
        # Identifiers pass their checksums; people carry resident IDs, organizations codes.
        if record.subject_uscc:
            assert is_valid_uscc(record.subject_uscc)
            assert record.subject_uscc[17] == uscc_check_character(record.subject_uscc[:17])
        if record.subject_kind == SubjectKind.NATURAL_PERSON:
            assert record.subject_id_type == IdType.RESIDENT_ID and is_valid_resident_id(record.subject_id_number)
            assert 2 <= len(record.subject_name) <= 3
        else:
            assert record.subject_uscc or record.business_registration_number
        if record.legal_representative_id_number:
            assert is_valid_resident_id(record.legal_representative_id_number)
        assert record.data_source_id == record.authority_id
        assert add_months(today, -37) <= record.decided_on <= today
        assert NUMBER.match(record.decision_number)
        # Life cycle: published within 0–10 days of the decision, drafts never published.
        if record.status == PublicationStatus.DRAFT:
            assert record.version == 0 and record.published_at is None
        else:
            assert record.version == 1
            delay = (timezone.localdate(record.published_at) - record.decided_on).days
            assert 0 <= delay <= 10
            assert record.created_at <= record.published_at <= timezone.now()
        if record.status == PublicationStatus.WITHDRAWN:
            assert record.withdrawn_at and record.withdrawal_reason
        if record.status == PublicationStatus.PUBLICITY_ENDED:
            assert record.publicity_ends_on < today and record.publicity_ended_at
    statuses = Counter(record.status for record in penalties)
    assert statuses[PublicationStatus.PUBLISHED] >= 0.85 * len(penalties), statuses
    # Decision numbers are unique per authority.
    numbers = Counter((record.authority_id, record.decision_number) for record in penalties)
    assert max(numbers.values()) == 1
    # Published records are public, the others are not.
    public = set(generated().public().values_list("id", flat=True))
    published = {r.id for r in penalties if r.status == PublicationStatus.PUBLISHED}
    assert published and public == published
    # Realistic spread: several kinds of subjects, departments and violations.
    assert {r.subject_kind for r in penalties} == set(SubjectKind.values)
    assert len({r.authority_id for r in penalties}) > 10
    assert len({r.violation_type for r in penalties}) > 10
    assert all("公司" in r.subject_name for r in penalties if r.subject_kind == SubjectKind.LEGAL_PERSON)


def test_generated_licences_pass_validation(demo):
    generate("--count", 0, "--licenses", 150, "--seed", 3)
    licences = list(generated(LicenseDisclosure).select_related("authority", "data_source"))
    assert len(licences) == 150 and not generated().exists()
    for record in licences:
        _cleaned, errors = validate("license", data_of(record), instance=record)
        assert errors == {}, (record.decision_number, errors)
        assert record.publicity_ends_on is None and record.publish_deadline
        assert record.valid_until >= record.valid_from
    assert generated(LicenseDisclosure).public().count() == sum(r.status == "published" for r in licences)


def test_a_second_run_continues_the_decision_numbers(demo):
    generate("--count", 150, "--licenses", 0, "--seed", 1)
    generate("--count", 150, "--licenses", 0, "--seed", 1)  # the same seed: same subjects, new numbers
    numbers = Counter(PenaltyDisclosure.objects.values_list("authority_id", "decision_number"))
    assert generated().count() == 300 and max(numbers.values()) == 1
    assert generated().filter(decision_number__regex=r"〔\d{4}〕1号$").exists()


def test_the_same_seed_gives_the_same_rows(demo):
    def snapshot():
        return list(
            generated()
            .order_by("id")
            .values_list("subject_name", "subject_uscc", "decision_number", "decided_on", "fine_amount", "status")
        )

    generate("--count", 120, "--licenses", 0, "--seed", 42, "--batch-size", 7)
    first = snapshot()
    generated().delete()
    generate("--count", 120, "--licenses", 0, "--seed", 42, "--batch-size", 7)
    assert snapshot() == first


def test_any_organization_tree_works(world):
    """Outside the demo tree (no known department names) every organization decides a little."""
    generate("--count", 60, "--licenses", 10, "--seed", 5)
    authorities = set(PenaltyDisclosure.objects.values_list("authority_id", flat=True))
    assert authorities <= set(Organization.objects.values_list("id", flat=True))
    for record in PenaltyDisclosure.objects.select_related("authority", "data_source"):
        assert validate("penalty", data_of(record), instance=record)[1] == {}


def test_copy_encoder_escapes_what_copy_text_format_needs():
    fields = [f for f in PenaltyDisclosure._meta.concrete_fields if not f.primary_key]
    encoder = CopyEncoder(fields)
    row = {f.attname: "" if f.get_internal_type() in ("CharField", "TextField") else None for f in fields}
    row.update(
        version=1,
        deadline_provisional=False,
        decided_on=datetime.date(2025, 1, 2),
        penalty_kinds=["fine"],
        fine_amount=None,
        authority_id=3,
        subject_name="甲\t乙\\丙\n",
        published_at=None,
    )
    line = encoder.encode([row]).decode().rstrip("\n")
    values = line.split("\t")
    assert len(values) == len(fields)
    assert values[encoder.attnames.index("subject_name")] == "甲\\t乙\\\\丙\\n"
    assert values[encoder.attnames.index("published_at")] == "\\N"
    assert values[encoder.attnames.index("penalty_kinds")] == '["fine"]'
    assert values[encoder.attnames.index("deadline_provisional")] == "f"


@pytest.mark.skipif(not uses_postgresql(), reason="COPY, forked workers and index rebuilds are PostgreSQL-only")
def test_postgresql_workers_and_index_rebuild_give_the_same_data(demo, monkeypatch):
    def indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1",
                [PenaltyDisclosure._meta.db_table],
            )
            return cursor.fetchall()

    def snapshot():
        return list(generated().order_by("id").values_list("subject_name", "decision_number", "status"))

    before = indexes()
    generate("--count", 900, "--licenses", 0, "--seed", 11, "--workers", 0, "--batch-size", 250)
    serial = snapshot()
    generated().delete()
    monkeypatch.setattr(command, "PARALLEL_FROM", 0)
    monkeypatch.setattr(command, "DEFER_INDEXES_FROM", 0)
    output = generate("--count", 900, "--licenses", 0, "--seed", 11, "--workers", 2, "--batch-size", 250)
    assert "rebuilt" in output
    assert snapshot() == serial
    assert indexes() == before
