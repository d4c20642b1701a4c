"""Defect 10: a correction could move a record to another organization, and the data source was checked on
no path. The deciding authority and the data source are checked against the writer's scope in the service,
so every channel (form, API, import, correction) refuses them with a field error."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.models import LedgerEntry
from disclosures import services
from disclosures.models import PenaltyDisclosure
from sharing.models import OutboxEntry

from .factories import clerk_and_reviewer, make_penalty, penalty_data
from .test_api import PENALTIES, api_payload, token_for

pytestmark = pytest.mark.django_db
REFUSED = ["You may not enter records for this organization."]


def test_a_reviewers_api_correction_cannot_move_the_record_to_another_organization(api_client, world):
    record = make_penalty(world.department)
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "review"))
    response = api_client.post(
        f"{PENALTIES}{record.pk}/correct/?language=en",
        {"authority": world.other_department.pk, "data_source": world.other_department.pk, "reason": "更正处罚机关"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"authority": REFUSED, "data_source": REFUSED}
    stored = PenaltyDisclosure.objects.get(pk=record.pk)
    assert (stored.authority, stored.data_source, stored.version) == (world.department, world.department, 1)
    assert not LedgerEntry.objects.filter(record_id=record.pk, action="correct").exists()
    assert not OutboxEntry.objects.filter(record_id=record.pk, action="correct").exists()
    # The same correction naming the reviewer's own body goes through.
    fixed = api_client.post(
        f"{PENALTIES}{record.pk}/correct/",
        {"penalty_content": "警告，罚款人民币贰仟元整", "data_source": world.department.pk, "reason": "更正笔误"},
        format="json",
    )
    assert fixed.status_code == 200 and fixed.json()["version"] == 2


def test_the_data_source_is_checked_when_a_draft_is_entered_or_edited_through_the_api(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    refused = api_client.post(
        f"{PENALTIES}?language=en", api_payload(data_source=world.other_department.pk), format="json"
    )
    assert refused.status_code == 400 and refused.json() == {"data_source": REFUSED}
    assert not PenaltyDisclosure.objects.exists()
    created = api_client.post(PENALTIES, api_payload(), format="json")
    assert created.status_code == 201 and created.json()["data_source"] == world.department.pk
    moved = api_client.patch(
        f"{PENALTIES}{created.json()['id']}/?language=en", {"data_source": world.other_department.pk}, format="json"
    )
    assert moved.status_code == 400 and moved.json() == {"data_source": REFUSED}
    assert PenaltyDisclosure.objects.get().data_source == world.department


def test_the_service_refuses_another_body_whatever_channel_called_it(world):
    clerk, reviewer = clerk_and_reviewer(world.department)
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            services.disclosure_create(
                kind="penalty", data=penalty_data(world.department, data_source=world.other_department), actor=clerk
            )
        assert raised.value.message_dict == {"data_source": REFUSED}
        draft = make_penalty(world.department, published=False)
        with pytest.raises(ValidationError) as raised:
            services.disclosure_update(record=draft, data={"authority": world.other_department}, actor=clerk)
        assert raised.value.message_dict == {"authority": REFUSED}
        record = make_penalty(world.department)
        with pytest.raises(ValidationError) as raised:
            services.disclosure_correct(
                record=record, data={"authority": world.other_department}, reason="更正处罚机关", actor=reviewer
            )
        assert raised.value.message_dict == {"authority": REFUSED}
    assert PenaltyDisclosure.objects.get(pk=record.pk).version == 1
    assert PenaltyDisclosure.objects.get(pk=draft.pk).authority == world.department

