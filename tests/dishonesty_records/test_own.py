"""A civil servant objects in person (self-service) to a record proposed about them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dishonesty_records import services
from dishonesty_records.choices import Stage
from dishonesty_records.models import DishonestyRecord
from tests.factories import UserFactory

from .factories import civil_servant_in, make_record, people_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def about_me(world):
    people = people_for(world.department, world.district)
    servant = civil_servant_in(world.department, name="钱某某")
    account = UserFactory(username="qian", organization=world.department, civil_servant=servant)
    record = make_record(world.department, proposer=people["supervisor"], civil_servant=servant)
    return account, record, people


def test_the_servant_reads_the_proposal_and_objects_in_person(client, world, about_me):
    account, record, _people = about_me
    client.force_login(account)
    page = client.get(reverse("dishonesty_records:my_records"))
    assert record.reference in page.content.decode()
    url = reverse("dishonesty_records:object_in_person", args=[record.pk])
    assert client.post(url, {"statement": "太短"}).status_code == 400  # a field error, nothing saved
    assert DishonestyRecord.objects.get(pk=record.pk).stage == Stage.PROPOSED
    response = client.post(url, {"statement": "判决款项已于期限内支付，附银行回单，请予核实。"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.stage == Stage.OBJECTED and "银行回单" in record.objection_statement


def test_nobody_else_objects_through_the_servants_page_or_service(client, world, about_me):
    _account, record, _people = about_me
    stranger = UserFactory(civil_servant=civil_servant_in(world.department, name="孙某某"))
    client.force_login(stranger)
    url = reverse("dishonesty_records:object_in_person", args=[record.pk])
    assert client.post(url, {"statement": "我来替他申辩，这不合规矩。"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.record_object(record=record, statement="我来替他申辩，这不合规矩。", actor=stranger)
    staff_only = UserFactory()
    client.force_login(staff_only)
    assert client.get(reverse("dishonesty_records:my_records")).status_code == 404
