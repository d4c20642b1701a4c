import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEvent
from organizations import services
from organizations.choices import OrganizationKind, OrganizationLevel, Role
from organizations.models import ApiClient, CivilServant, Organization
from organizations.tokens import hash_token
from tests.factories import CivilServantFactory, UserFactory, make_organization, make_resident_id

pytestmark = pytest.mark.django_db


def _events(action):
    return list(AuditEvent.objects.filter(action=action))


def test_organization_create_builds_the_tree_and_audits():
    actor = UserFactory()
    city = services.organization_create(
        parent=None,
        actor=actor,
        name="杭州市人民政府",
        short_name="市政府",
        kind=OrganizationKind.GOVERNMENT,
        level=OrganizationLevel.CITY,
    )
    department = services.organization_create(
        parent=city,
        actor=actor,
        name="杭州市财政局",
        short_name="市财政局",
        kind=OrganizationKind.DEPARTMENT,
        level=OrganizationLevel.CITY,
        uscc="91330100716105852F",
    )
    assert department.path.startswith(city.path) and department.depth == 2
    assert list(Organization.objects.subtree(city)) == [city, department]
    [event] = _events("organization.create")[:1]
    assert event.actor == actor and event.scope_path == department.path


def test_an_invalid_uscc_is_refused_and_nothing_is_saved():
    with pytest.raises(ValidationError) as raised:
        services.organization_create(
            parent=None,
            actor=None,
            name="某单位",
            short_name="某单位",
            kind=OrganizationKind.OTHER,
            level=OrganizationLevel.CITY,
            uscc="91330100716105852G",
        )
    assert "uscc" in raised.value.message_dict
    assert not Organization.objects.exists()
    assert not AuditEvent.objects.exists()


def test_organization_update_audits_only_what_changed():
    org = make_organization(name="旧名称")
    services.organization_update(organization=org, actor=None, name="新名称")
    [event] = _events("organization.update")
    assert event.before == {"name": "旧名称"} and event.after == {"name": "新名称"}
    services.organization_update(organization=org, actor=None, name="新名称")
    assert len(_events("organization.update")) == 1


def test_civil_servant_audit_rows_never_hold_the_whole_id_number():
    org = make_organization()
    number = make_resident_id(7)
    person = services.civil_servant_create(
        actor=None, name="张三", organization=org, staff_number="A1", resident_id=number
    )
    services.civil_servant_update(civil_servant=person, actor=None, resident_id=make_resident_id(8))
    for event in AuditEvent.objects.all():
        assert number not in str(event.before) + str(event.after)
        assert make_resident_id(8) not in str(event.before) + str(event.after)


def test_updating_without_an_id_number_keeps_the_one_on_file():
    person = CivilServantFactory(organization=make_organization())
    stored = person.resident_id
    services.civil_servant_update(civil_servant=person, actor=None, resident_id="", position="副科长")
    person.refresh_from_db()
    assert person.resident_id == stored and person.position == "副科长"


def test_a_bad_id_number_is_a_field_error_and_nothing_changes():
    person = CivilServantFactory(organization=make_organization())
    with pytest.raises(ValidationError) as raised:
        services.civil_servant_update(civil_servant=person, actor=None, resident_id="110105194912310021", position="x")
    assert "resident_id" in raised.value.message_dict
    person.refresh_from_db()
    assert person.position == "科员"


def test_revealing_an_id_number_is_logged_with_the_reason():
    officer = UserFactory()
    person = CivilServantFactory(organization=make_organization())
    assert (
        services.civil_servant_reveal_resident_id(civil_servant=person, actor=officer, reason="资格审查")
        == person.resident_id
    )
    [event] = _events("civil_servant.reveal_resident_id")
    assert event.actor == officer and event.after == {"reason": "资格审查"}
    with pytest.raises(ValidationError):
        services.civil_servant_reveal_resident_id(civil_servant=person, actor=officer, reason=" ")


def test_api_client_tokens_are_stored_only_as_hashes():
    org = make_organization()
    client, token = services.api_client_create(organization=org, name="业务系统", scopes=["write", "read"], actor=None)
    stored = ApiClient.objects.get(pk=client.pk)
    assert token not in (stored.token_hash, stored.token_prefix)
    assert stored.token_hash == hash_token(token)
    assert stored.scopes == ["read", "write"]
    with pytest.raises(ValidationError):
        services.api_client_create(organization=org, name="x", scopes=["delete"], actor=None)


def test_role_grant_is_idempotent_and_revoke_is_audited():
    user, org = UserFactory(), make_organization()
    first = services.role_grant(user=user, role=Role.REVIEWER, organization=org, actor=None)
    again = services.role_grant(user=user, role=Role.REVIEWER, organization=org, actor=None)
    assert first.pk == again.pk and len(_events("role.grant")) == 1
    services.role_revoke(assignment=first, actor=None)
    assert not user.role_assignments.exists() and len(_events("role.revoke")) == 1


def test_audit_events_cannot_be_edited():
    CivilServantFactory(organization=make_organization())
    services.civil_servant_reveal_resident_id(civil_servant=CivilServant.objects.get(), actor=None, reason="核查")
    event = AuditEvent.objects.get()
    event.action = "forged"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
