"""A civil servant's pledge before taking office: entered by personnel, internal until the servant signs it
in person (self-service), then on public view with the time and the text signed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from commitments import services
from commitments.choices import PledgeKind
from commitments.models import Pledge
from core.models import LedgerEntry
from organizations.choices import Role
from tests.factories import CivilServantFactory, UserFactory, user_with_role

from .factories import pledge_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def servant_and_pledge(world):
    servant = CivilServantFactory(organization=world.department, name="赵某某", position="科长")
    account = UserFactory(username="zhao", organization=world.department, civil_servant=servant)
    personnel = user_with_role(Role.PERSONNEL_OFFICER, world.district)
    staff = user_with_role(Role.STAFF, world.department)
    pledge = services.pledge_create(
        data=pledge_data(
            world.department,
            kind=PledgeKind.CIVIL_SERVANT,
            theme="",
            civil_servant=servant,
            title="任职信用承诺书",
            content="本人承诺：依法履职，廉洁自律，诚实守信。",
        ),
        actor=staff,
    )
    return servant, account, pledge, personnel


def test_an_unsigned_pledge_is_internal_and_signing_publishes_it(world, client, servant_and_pledge):
    _servant, account, pledge, _personnel = servant_and_pledge
    assert not pledge.is_public
    assert client.get(reverse("commitments:public_detail", args=[pledge.pk])).status_code == 404
    client.force_login(account)
    page = client.get(reverse("commitments:my_pledges"))
    assert "本人承诺" in page.content.decode() and pledge.text_sha256 in page.content.decode()
    response = client.post(reverse("commitments:sign", args=[pledge.pk]), {"text_sha256": pledge.text_sha256})
    assert response.status_code == 302
    pledge = Pledge.objects.get(pk=pledge.pk)
    assert pledge.signed_at is not None and pledge.signed_text_sha256 == pledge.text_sha256 and pledge.is_public
    assert pledge.status == "published"
    assert LedgerEntry.objects.filter(record_type=Pledge.record_type, record_id=pledge.pk, action="publish").exists()
    client.logout()
    public = client.get(reverse("commitments:public_detail", args=[pledge.pk])).content.decode()
    assert "任职信用承诺书" in public
    listed = client.get(reverse("commitments:public_list"), {"kind": "civil_servant"}).content.decode()
    assert "任职信用承诺书" in listed


def test_only_the_servant_signs_once_and_only_the_text_they_read(world, servant_and_pledge):
    _servant, account, pledge, personnel = servant_and_pledge
    with pytest.raises(PermissionDenied):
        services.pledge_sign(pledge=pledge, text_sha256=pledge.text_sha256, actor=personnel)
    other = UserFactory(civil_servant=CivilServantFactory(organization=world.department))
    with pytest.raises(PermissionDenied):
        services.pledge_sign(pledge=pledge, text_sha256=pledge.text_sha256, actor=other)
    with pytest.raises(ValidationError) as stale:
        services.pledge_sign(pledge=pledge, text_sha256="0" * 64, actor=account)
    assert "text_sha256" in stale.value.message_dict
    services.pledge_sign(pledge=pledge, text_sha256=pledge.text_sha256, actor=account)
    with pytest.raises(ValidationError) as twice:
        services.pledge_sign(pledge=pledge, text_sha256=pledge.text_sha256, actor=account)
    assert twice.value.code == "illegal_transition"


def test_the_own_pledges_page_is_only_for_a_servants_account(world, client):
    client.force_login(user_with_role(Role.STAFF, world.department))
    assert client.get(reverse("commitments:my_pledges")).status_code == 404
    client.logout()
    assert client.get(reverse("commitments:my_pledges")).status_code == 302
