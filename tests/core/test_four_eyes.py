"""Defect 9: "nobody publishes what they entered" compared display labels. A renamed user could publish
their own entry, a colleague who took the old name could not publish it, and a user named like an API
client's label was taken for that client. The rule compares principals (user or API client)."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation

from core.audit import actor_label
from core.principals import principal_key
from disclosures import services as disclosures
from disclosures.models import PenaltyDisclosure
from dishonesty_records import services as dishonesty
from dishonesty_records.models import DishonestyRecord
from organizations import services as organization_services
from organizations.choices import Role
from organizations.models import RoleAssignment
from tests.disclosures.factories import penalty_data
from tests.dishonesty_records.factories import proposal_data
from tests.dishonesty_records.test_api import api_proposal
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db

FOUR_EYES = "You entered this record yourself; another reviewer must publish it."
OWN_PROPOSAL = "You proposed this record yourself; another supervisor must rule on it."


def refusal(call) -> str:
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        call()
    return raised.value.messages[0]


def renamed(user, username):
    user.username = username
    user.save(update_fields=["username"])
    return user


def test_a_renamed_clerk_cannot_publish_their_entry_and_a_namesake_can(world):
    author = user_with_role(Role.STAFF, world.department, username="li")
    RoleAssignment.objects.create(user=author, role=Role.REVIEWER, organization=world.department)
    record = disclosures.disclosure_create(kind="penalty", data=penalty_data(world.department), actor=author)
    renamed(author, "li-2019")
    namesake = user_with_role(Role.REVIEWER, world.department, username="li")
    assert actor_label(namesake) == record.created_by_label  # the same label, another person

    assert refusal(lambda: disclosures.disclosure_publish(record=record, actor=author)) == FOUR_EYES
    published = disclosures.disclosure_publish(record=record, actor=namesake)
    assert published.status == "published" and published.published_by == namesake


def test_a_user_named_like_an_api_clients_label_is_not_that_client(world, api_client):
    client, token = organization_services.api_client_create(
        organization=world.department, name="业务系统", scopes=["write", "review"], actor=None
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    payload = {
        "subject_name": "杭州某某贸易有限公司",
        "subject_kind": "legal_person",
        "subject_uscc": "91330100716105852F",
        "legal_representative": "张三",
        "decision_number": "杭市监罚〔2026〕901号",
        "violation_type": "虚假宣传",
        "violation_facts": "发布虚假广告",
        "legal_basis": "《广告法》第五十五条",
        "penalty_kinds": ["warning"],
        "penalty_content": "警告",
        "decided_on": "2026-11-20",
    }
    created = api_client.post("/api/v1/disclosures/penalties/", payload, format="json")
    assert created.status_code == 201, created.json()
    record = PenaltyDisclosure.objects.get(pk=created.json()["id"])
    assert record.created_by_principal == f"client:{client.pk}"

    # The client itself may not publish what it entered…
    refused = api_client.post(f"/api/v1/disclosures/penalties/{record.pk}/publish/?language=en")
    assert refused.status_code == 400 and refused.json()["non_field_errors"] == [FOUR_EYES]
    # …but a person whose user name happens to read like the client's label is someone else.
    lookalike = UserFactory(username=record.created_by_label)
    RoleAssignment.objects.create(user=lookalike, role=Role.REVIEWER, organization=world.department)
    assert actor_label(lookalike) == record.created_by_label
    assert disclosures.disclosure_publish(record=record, actor=lookalike).status == "published"


def test_a_renamed_supervisor_cannot_rule_on_their_proposal_and_a_namesake_can(world):
    proposer = user_with_role(Role.SUPERVISOR, world.district, username="wang")
    record = dishonesty.record_propose(data=proposal_data(world.department), actor=proposer)
    staff = user_with_role(Role.STAFF, world.department)
    dishonesty.record_waive_objection(record=record, actor=staff)
    renamed(proposer, "wang-2019")
    namesake = user_with_role(Role.SUPERVISOR, world.district, username="wang")

    def confirm(actor):
        return dishonesty.record_confirm(record=record, reason="经核查，事实清楚。", actor=actor)

    assert refusal(lambda: confirm(proposer)) == OWN_PROPOSAL
    assert confirm(namesake).stage == "confirmed"


def test_every_create_path_stores_the_principal(world, api_client):
    clerk = user_with_role(Role.STAFF, world.department)
    record = disclosures.disclosure_create(kind="penalty", data=penalty_data(world.department), actor=clerk)
    assert record.created_by_principal == f"user:{clerk.pk}" == principal_key(clerk)
    proposal = dishonesty.record_propose(data=proposal_data(world.department), actor=clerk)
    assert proposal.created_by_principal == f"user:{clerk.pk}"
    client, token = organization_services.api_client_create(
        organization=world.department, name="门户", scopes=["write"], actor=None
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    proposed = api_client.post("/api/v1/dishonesty-records/", api_proposal(), format="json")
    assert proposed.status_code == 201, proposed.json()
    assert DishonestyRecord.objects.get(pk=proposed.json()["id"]).created_by_principal == f"client:{client.pk}"


@pytest.mark.parametrize(
    ("migration", "model"),
    [
        ("disclosures.migrations.0008_created_by_principal", PenaltyDisclosure),
        ("dishonesty_records.migrations.0006_created_by_principal", DishonestyRecord),
    ],
)
def test_the_data_migration_finds_the_principal_of_existing_rows(world, migration, model):
    clerk = user_with_role(Role.STAFF, world.department)
    if model is PenaltyDisclosure:
        by_user = disclosures.disclosure_create(kind="penalty", data=penalty_data(world.department), actor=clerk)
        by_client = disclosures.disclosure_create(kind="penalty", data=penalty_data(world.department), actor=None)
    else:
        by_user = dishonesty.record_propose(data=proposal_data(world.department), actor=clerk)
        by_client = dishonesty.record_propose(data=proposal_data(world.department), actor=clerk)
        model.objects.filter(pk=by_client.pk).update(created_by=None)
    model.objects.filter(pk=by_client.pk).update(created_by_label="api:业务#系统#42")
    model.objects.update(created_by_principal="")  # as the rows stood before the migration

    importlib.import_module(migration).fill_principals(apps, None)
    stored = dict(model.objects.values_list("pk", "created_by_principal"))
    assert stored[by_user.pk] == f"user:{clerk.pk}" and stored[by_client.pk] == "client:42"
