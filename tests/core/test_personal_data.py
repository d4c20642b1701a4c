"""Audit rows never hold a natural person's whole ID number, whichever path writes them, and rows
written before that rule are masked in place by a data migration."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from core.audit import audit_log, audit_log_many
from core.identifiers import mask_resident_id
from core.models import AuditEvent
from tests.disclosures.factories import make_natural_person_penalty
from tests.factories import make_organization, make_resident_id

pytestmark = pytest.mark.django_db

NUMBER = make_resident_id(42)
OTHER_NUMBER = make_resident_id(43)


def stored_json() -> str:
    return "".join(str(event.before) + str(event.after) for event in AuditEvent.objects.all())


def test_every_models_personal_fields_are_known_to_the_audit_log():
    from core.audit import personal_field_names

    assert {"subject_id_number", "legal_representative_id_number", "resident_id"} <= personal_field_names()


def test_one_audit_row_masks_personal_fields_wherever_they_sit():
    person = make_natural_person_penalty(make_organization(), published=False)
    audit_log(
        actor=None,
        action="test.change",
        target=person,
        before={"subject_id_number": NUMBER, "people": [{"resident_id": OTHER_NUMBER}]},
        after={"legal_representative_id_number": "E12345678", "note": "unchanged"},
    )
    event = AuditEvent.objects.get(action="test.change")
    assert event.before == {
        "subject_id_number": mask_resident_id(NUMBER),
        "people": [{"resident_id": mask_resident_id(OTHER_NUMBER)}],
    }
    assert event.after == {"legal_representative_id_number": "E1*****78", "note": "unchanged"}


def test_set_based_audit_rows_mask_personal_fields(world):
    # On PostgreSQL this is the INSERT … SELECT FROM unnest() path; elsewhere bulk_create.
    records = [make_natural_person_penalty(world.department, published=False) for _ in range(3)]
    written = audit_log_many(
        actor=None,
        action="test.bulk",
        targets=records,
        changes={"before": {"subject_id_number": NUMBER}, "after": {"subject_id_number": OTHER_NUMBER}},
    )
    assert written == 3
    events = AuditEvent.objects.filter(action="test.bulk")
    assert events.count() == 3, connection.vendor
    for event in events:
        assert event.before == {"subject_id_number": mask_resident_id(NUMBER)}
        assert event.after == {"subject_id_number": mask_resident_id(OTHER_NUMBER)}
    assert NUMBER not in stored_json() and OTHER_NUMBER not in stored_json()


def test_masking_twice_changes_nothing():
    from core.audit import mask_personal_data
    from core.identifiers import mask_identifier

    for value in (NUMBER, "E12345678", "AB", "X", ""):
        assert mask_identifier(mask_identifier(value)) == mask_identifier(value)
    assert "*" in mask_identifier("AB") and mask_identifier("X") == "*"
    data = {"subject_id_number": NUMBER}
    assert mask_personal_data(mask_personal_data(data)) == mask_personal_data(data)


def test_the_data_migration_masks_rows_written_before_the_rule():
    # Rows as the services wrote them before: the whole numbers in before/after.
    old = AuditEvent.objects.create(
        actor_repr="clerk",
        action="disclosures.penalty.update",
        before={"subject_id_number": NUMBER, "subject_name": "王某"},
        after={"subject_id_number": OTHER_NUMBER, "subject_name": "王某某"},
    )
    legal = AuditEvent.objects.create(
        actor_repr="clerk", action="disclosures.license.create", after={"legal_representative_id_number": NUMBER}
    )
    untouched = AuditEvent.objects.create(actor_repr="clerk", action="disclosures.export", after={"rows": 3})
    assert NUMBER in stored_json()

    migration = importlib.import_module("core.migrations.0008_mask_audit_personal_ids")
    migration.mask_personal_ids(apps, SimpleNamespace(connection=connection))  # all it reads of the editor

    old.refresh_from_db()
    legal.refresh_from_db()
    untouched.refresh_from_db()
    assert old.before == {"subject_id_number": mask_resident_id(NUMBER), "subject_name": "王某"}
    assert old.after == {"subject_id_number": mask_resident_id(OTHER_NUMBER), "subject_name": "王某某"}
    assert legal.after == {"legal_representative_id_number": mask_resident_id(NUMBER)}
    assert untouched.after == {"rows": 3} and old.action == "disclosures.penalty.update"
    assert NUMBER not in stored_json() and OTHER_NUMBER not in stored_json()
