"""The one access rule: roles → scopes → querysets, for people and API clients alike."""

import pytest

from core.access import scope_for
from core.audit import audit_log
from core.choices import Action
from core.models import AuditEvent
from organizations.access import ApiPrincipal
from organizations.choices import ApiScope, Role
from organizations.models import CivilServant, Organization
from tests.factories import CivilServantFactory, UserFactory, make_organization, user_with_role
from tests.permissions import OTHER_ORG, OWN_ORG, SUPERVISOR

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    return {
        "own": CivilServantFactory(organization=world.department),
        "district": CivilServantFactory(organization=world.district),
        "other": CivilServantFactory(organization=world.other_department),
    }


def test_anonymous_and_role_less_users_have_no_scope(world):
    from django.contrib.auth.models import AnonymousUser

    assert scope_for(AnonymousUser(), Action.VIEW).is_empty
    assert scope_for(UserFactory(), Action.VIEW).is_empty


def test_staff_see_exactly_their_own_organization_not_its_children(world, people):
    district_staff = user_with_role(Role.STAFF, world.district)
    visible = set(CivilServant.objects.for_user(district_staff, Action.VIEW))
    assert visible == {people["district"]}


def test_a_supervisor_sees_the_whole_jurisdiction_and_nothing_outside(world, people):
    supervisor = world.user(SUPERVISOR)
    assert set(CivilServant.objects.for_user(supervisor, Action.VIEW)) == {people["own"], people["district"]}
    assert set(CivilServant.objects.for_user(supervisor, Action.SUPERVISE)) == {people["own"], people["district"]}
    assert not CivilServant.objects.for_user(supervisor, Action.CHANGE).exists()


def test_a_role_gives_only_its_actions(world, people):
    staff = world.user(OWN_ORG)
    assert CivilServant.objects.for_user(staff, Action.CHANGE).get() == people["own"]
    assert not CivilServant.objects.for_user(staff, Action.REVIEW).exists()
    assert not CivilServant.objects.for_user(staff, Action.PERSONNEL).exists()
    assert not CivilServant.objects.for_user(world.user(OTHER_ORG), Action.VIEW).filter(pk=people["own"].pk).exists()


def test_personnel_officers_reach_civil_servants_in_their_subtree(world, people):
    officer = user_with_role(Role.PERSONNEL_OFFICER, world.city)
    assert set(CivilServant.objects.for_user(officer, Action.PERSONNEL)) == set(people.values())


def test_administrators_and_superusers_see_everything(world, people):
    administrator = user_with_role(Role.ADMINISTRATOR, world.department)
    superuser = UserFactory(is_superuser=True)
    for principal in (administrator, superuser):
        assert scope_for(principal, Action.ADMINISTER).everything
        assert CivilServant.objects.for_user(principal, Action.PERSONNEL).count() == 3


def test_several_roles_add_up(world, people):
    user = user_with_role(Role.STAFF, world.department)
    from organizations.models import RoleAssignment

    RoleAssignment.objects.create(user=user, role=Role.STAFF, organization=world.other_department)
    user.refresh_from_db()
    assert set(CivilServant.objects.for_user(user, Action.CHANGE)) == {people["own"], people["other"]}


def test_deactivated_users_and_organizations_lose_their_scope(world, people):
    staff = world.user(OWN_ORG)
    Organization.objects.filter(pk=world.department.pk).update(is_active=False)
    staff = type(staff).objects.get(pk=staff.pk)
    assert scope_for(staff, Action.VIEW).is_empty
    inactive = user_with_role(Role.STAFF, world.other_department, is_active=False)
    assert scope_for(inactive, Action.VIEW).is_empty


def _principal(org, *scopes):
    return ApiPrincipal(
        client_id=1, client_name="sys", organization_id=org.pk, organization_path=org.path, scopes=scopes
    )


def test_api_scopes_map_to_actions_on_the_clients_own_organization(world, people):
    read = _principal(world.department, ApiScope.READ)
    write = _principal(world.department, ApiScope.WRITE)
    review = _principal(world.department, ApiScope.REVIEW)
    assert CivilServant.objects.for_user(read, Action.VIEW).get() == people["own"]
    assert not CivilServant.objects.for_user(read, Action.CHANGE).exists()
    assert CivilServant.objects.for_user(write, Action.CHANGE).get() == people["own"]
    assert not CivilServant.objects.for_user(write, Action.REVIEW).exists()
    assert CivilServant.objects.for_user(review, Action.REVIEW).get() == people["own"]
    # An API client never reaches personnel files.
    assert not CivilServant.objects.for_user(write, Action.PERSONNEL).exists()


def test_organizations_are_public_but_inactive_ones_only_inside_scope(world):
    retired = make_organization(parent=world.district, is_active=False)
    public = set(Organization.objects.for_user(None))
    assert world.department in public and retired not in public
    assert retired in set(Organization.objects.for_user(world.user(SUPERVISOR)))


def test_audit_events_are_scoped_by_the_targets_organization(world, people):
    audit_log(actor=None, action="test.own", target=people["own"])
    audit_log(actor=None, action="test.other", target=people["other"])
    seen = set(AuditEvent.objects.for_user(world.user(SUPERVISOR), Action.SUPERVISE).values_list("action", flat=True))
    assert seen == {"test.own"}
    assert not AuditEvent.objects.for_user(None, Action.VIEW).exists()
