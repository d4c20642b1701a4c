import datetime

import pytest
from django.urls import reverse

from core.models import AuditEvent
from core.publication import PublicationStatus
from disclosures import services
from disclosures.models import PenaltyDisclosure
from organizations.choices import Role
from organizations.models import RoleAssignment
from tests.factories import make_resident_id, user_with_role
from tests.permissions import ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR, assert_matrix

from .test_services import penalty_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    return services.disclosure_create(kind="penalty", data=penalty_data(world), actor=world.user(OWN_ORG))


@pytest.fixture
def reviewer(world):
    return user_with_role(Role.REVIEWER, world.department)


def form_post(world, **overrides):
    data = penalty_data(world, **overrides)
    post = {}
    for key, value in data.items():
        if key in ("authority", "data_source"):
            post[key] = value.pk
        elif isinstance(value, list):
            post[key] = value
        elif value is None:
            post[key] = ""
        else:
            post[key] = str(value)
    return post


def test_detail_permission_matrix(client, world, draft):
    assert_matrix(
        client,
        world,
        reverse("disclosures:staff_detail", args=["penalty", draft.pk]),
        {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 200, SUPERVISOR: 200},
    )


def test_edit_permission_matrix(client, world, draft):
    assert_matrix(
        client,
        world,
        reverse("disclosures:staff_edit", args=["penalty", draft.pk]),
        {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 200, SUPERVISOR: 404},
    )


def test_publish_permission_matrix(client, world, draft, reviewer):
    url = reverse("disclosures:staff_publish", args=["penalty", draft.pk])
    assert_matrix(client, world, url, {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 404, SUPERVISOR: 404}, method="post")
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT
    client.force_login(reviewer)
    assert client.post(url).status_code == 302
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.PUBLISHED


def test_list_shows_only_records_in_scope(client, world, draft):
    other = services.disclosure_create(
        kind="penalty",
        data=penalty_data(world, authority=world.other_department, data_source=world.other_department),
        actor=None,
    )
    client.force_login(world.user(OWN_ORG))
    html = client.get(reverse("disclosures:staff_list", args=["penalty"])).content.decode()
    assert reverse("disclosures:staff_detail", args=["penalty", draft.pk]) in html
    assert reverse("disclosures:staff_detail", args=["penalty", other.pk]) not in html
    client.force_login(world.user(SUPERVISOR))
    html = client.get(reverse("disclosures:staff_list", args=["penalty"]), {"overdue": "on"}).content.decode()
    assert reverse("disclosures:staff_detail", args=["penalty", draft.pk]) in html


def test_list_query_count(client, world, draft, django_assert_max_num_queries):
    for number in range(10):
        services.disclosure_create(kind="penalty", data=penalty_data(world, decision_number=f"Q{number}"), actor=None)
    client.force_login(world.user(OWN_ORG))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("disclosures:staff_list", args=["penalty"])).status_code == 200


def test_entering_a_penalty_with_errors_shows_them_by_field(client, world):
    client.force_login(world.user(OWN_ORG))
    response = client.post(
        reverse("disclosures:staff_create", args=["penalty"]),
        form_post(world, fine_amount=None, subject_uscc="91330100716105852G"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "id_fine_amount-error" in html and "id_subject_uscc-error" in html
    assert not PenaltyDisclosure.objects.exists()


def test_entering_and_publishing_through_the_workspace(client, world, reviewer):
    client.force_login(world.user(OWN_ORG))
    response = client.post(reverse("disclosures:staff_create", args=["penalty"]), form_post(world))
    record = PenaltyDisclosure.objects.get()
    assert response.status_code == 302 and record.created_by == world.user(OWN_ORG)
    client.force_login(reviewer)
    client.post(reverse("disclosures:staff_bulk_publish", args=["penalty"]), {"ids": [record.pk]})
    record.refresh_from_db()
    assert record.status == PublicationStatus.PUBLISHED and record.published_by == reviewer


def test_the_one_who_entered_cannot_publish_in_bulk_either(client, world, reviewer):
    RoleAssignment.objects.create(user=reviewer, role=Role.STAFF, organization=world.department)  # enters too
    mine = services.disclosure_create(kind="penalty", data=penalty_data(world), actor=reviewer)
    client.force_login(reviewer)
    response = client.post(reverse("disclosures:staff_bulk_publish", args=["penalty"]), {"ids": [mine.pk]}, follow=True)
    mine.refresh_from_db()
    assert mine.status == PublicationStatus.DRAFT
    assert f"#{mine.pk}" in response.content.decode()


def test_withdraw_and_correct_through_the_workspace(client, world, draft, reviewer):
    services.disclosure_publish(record=draft, actor=reviewer)
    client.force_login(reviewer)
    correct_url = reverse("disclosures:staff_correct", args=["penalty", draft.pk])
    missing_reason = client.post(correct_url, {**form_post(world, penalty_content="罚款贰仟元整"), "reason": ""})
    assert missing_reason.status_code == 200
    response = client.post(correct_url, {**form_post(world, penalty_content="罚款贰仟元整"), "reason": "更正笔误"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.version == 2 and draft.penalty_content == "罚款贰仟元整"
    withdraw_url = reverse("disclosures:staff_withdraw", args=["penalty", draft.pk])
    assert client.post(withdraw_url, {"reason": ""}).status_code == 200
    assert client.post(withdraw_url, {"reason": "行政复议撤销"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.WITHDRAWN
    html = client.get(reverse("disclosures:staff_detail", args=["penalty", draft.pk])).content.decode()
    assert "v1" in html and "v2" in html and "行政复议撤销" in html


def test_full_id_numbers_are_shown_only_on_request_and_logged(client, world):
    data = penalty_data(
        world,
        subject_kind="natural_person",
        subject_name="王某",
        subject_uscc="",
        legal_representative="",
        subject_id_type="resident_id",
        subject_id_number=make_resident_id(21),
        decided_on=datetime.date(2026, 11, 2),
    )
    record = services.disclosure_create(kind="penalty", data=data, actor=None)
    client.force_login(world.user(OWN_ORG))
    url = reverse("disclosures:staff_detail", args=["penalty", record.pk])
    assert record.subject_id_number not in client.get(url).content.decode()
    shown = client.post(url, {"reveal_reason": "核对身份"}).content.decode()
    assert record.subject_id_number in shown
    assert AuditEvent.objects.filter(action="disclosures.penalty.reveal_id", target_id=str(record.pk)).count() == 1
