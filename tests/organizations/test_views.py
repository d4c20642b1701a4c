import pytest
from django.urls import reverse

from core.models import AuditEvent
from organizations.choices import Role
from organizations.models import ApiClient, CivilServant
from tests.factories import CivilServantFactory, make_resident_id, user_with_role
from tests.permissions import ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR, assert_matrix, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def personnel_world(db):
    # Here "own organization" is a personnel officer over the department, "other" one in another district.
    return build_world(own_role=Role.PERSONNEL_OFFICER, other_role=Role.PERSONNEL_OFFICER)


def test_civil_servant_detail_permission_matrix(client, personnel_world):
    person = CivilServantFactory(organization=personnel_world.department)
    assert_matrix(
        client,
        personnel_world,
        reverse("organizations:civil_servant_detail", args=[person.pk]),
        {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 200, SUPERVISOR: 404},
    )


def test_civil_servant_list_permission_matrix(client, personnel_world):
    assert_matrix(
        client,
        personnel_world,
        reverse("organizations:civil_servant_list"),
        {ANONYMOUS: 302, OTHER_ORG: 200, OWN_ORG: 200, SUPERVISOR: 403},
    )


def test_lists_and_details_show_only_the_masked_id(client, personnel_world):
    person = CivilServantFactory(organization=personnel_world.department)
    client.force_login(personnel_world.user(OWN_ORG))
    for url in (
        reverse("organizations:civil_servant_list"),
        reverse("organizations:civil_servant_detail", args=[person.pk]),
        reverse("organizations:civil_servant_edit", args=[person.pk]),
    ):
        html = client.get(url).content.decode()
        assert person.resident_id not in html, url
    assert person.masked_resident_id in client.get(reverse("organizations:civil_servant_list")).content.decode()


def test_revealing_the_full_id_needs_a_reason_and_is_logged(client, personnel_world):
    person = CivilServantFactory(organization=personnel_world.department)
    client.force_login(personnel_world.user(OWN_ORG))
    url = reverse("organizations:civil_servant_detail", args=[person.pk])
    missing = client.post(url, {"reason": ""})
    assert person.resident_id not in missing.content.decode()
    assert not AuditEvent.objects.filter(action="civil_servant.reveal_resident_id").exists()
    shown = client.post(url, {"reason": "干部任用资格审查"})
    assert person.resident_id in shown.content.decode()
    assert AuditEvent.objects.filter(action="civil_servant.reveal_resident_id", target_id=str(person.pk)).count() == 1


def test_other_districts_people_cannot_be_revealed(client, personnel_world):
    person = CivilServantFactory(organization=personnel_world.department)
    client.force_login(personnel_world.user(OTHER_ORG))
    response = client.post(reverse("organizations:civil_servant_detail", args=[person.pk]), {"reason": "看看"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="civil_servant.reveal_resident_id").exists()


def test_adding_a_civil_servant_with_a_bad_id_shows_a_field_error_and_saves_nothing(client, personnel_world):
    client.force_login(personnel_world.user(OWN_ORG))
    response = client.post(
        reverse("organizations:civil_servant_create"),
        {
            "name": "钱七",
            "organization": personnel_world.department.pk,
            "staff_number": "N-1",
            "resident_id": "110105194912310021",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "校验" in response.content.decode()
    assert not CivilServant.objects.exists()


def test_adding_a_civil_servant_outside_ones_scope_is_refused(client, personnel_world):
    client.force_login(personnel_world.user(OWN_ORG))
    response = client.post(
        reverse("organizations:civil_servant_create"),
        {
            "name": "钱七",
            "organization": personnel_world.other_department.pk,
            "staff_number": "N-1",
            "resident_id": make_resident_id(5),
            "is_active": "on",
        },
    )
    assert response.status_code == 200 and not CivilServant.objects.exists()


def test_adding_and_editing_a_civil_servant(client, personnel_world):
    client.force_login(personnel_world.user(OWN_ORG))
    response = client.post(
        reverse("organizations:civil_servant_create"),
        {
            "name": "钱七",
            "organization": personnel_world.department.pk,
            "staff_number": "N-1",
            "position": "科员",
            "resident_id": make_resident_id(5),
            "is_active": "on",
        },
    )
    person = CivilServant.objects.get()
    assert response.status_code == 302 and person.resident_id == make_resident_id(5)
    client.post(
        reverse("organizations:civil_servant_edit", args=[person.pk]),
        {
            "name": "钱七",
            "organization": personnel_world.department.pk,
            "staff_number": "N-1",
            "position": "副科长",
            "resident_id": "",
            "is_active": "on",
        },
    )
    person.refresh_from_db()
    assert person.position == "副科长" and person.resident_id == make_resident_id(5)
    assert AuditEvent.objects.filter(action="civil_servant.update", target_id=str(person.pk)).exists()


def test_api_client_page_issues_a_token_once(client, world):
    admin = user_with_role(Role.ADMINISTRATOR, world.city)
    client.force_login(admin)
    response = client.post(
        reverse("organizations:api_clients"),
        {"organization": world.department.pk, "name": "执法系统", "scopes": ["read", "write"]},
    )
    html = response.content.decode()
    api_client = ApiClient.objects.get()
    token_start = html.index("hzi_")
    token = html[token_start : html.index("<", token_start)]
    assert api_client.token_prefix == token[:10]
    assert "hzi_" not in client.get(reverse("organizations:api_clients")).content.decode().replace(
        api_client.token_prefix, ""
    )
    client.post(reverse("organizations:api_client_revoke", args=[api_client.pk]))
    api_client.refresh_from_db()
    assert api_client.revoked_at is not None


def test_api_client_page_matrix(client, world):
    assert_matrix(
        client,
        world,
        reverse("organizations:api_clients"),
        {ANONYMOUS: 302, OTHER_ORG: 403, OWN_ORG: 403, SUPERVISOR: 403},
    )


def test_navigation_shows_only_what_the_user_may_use(client, world):
    client.force_login(world.user(OWN_ORG))
    html = client.get(reverse("portal:workspace")).content.decode()
    assert reverse("core:audit_list") not in html and reverse("organizations:civil_servant_list") not in html
    client.force_login(world.user(SUPERVISOR))
    html = client.get(reverse("portal:workspace")).content.decode()
    assert reverse("core:audit_list") in html and reverse("organizations:api_clients") not in html
