"""What every app's write endpoints share (core.api.scope): a token writes for its own organization unless
it names another, and every organization a write names is checked against the writer's scope."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.access import require_in_scope
from core.api.scope import own_organization, require_some_scope, with_own_organization
from core.choices import Action
from organizations.access import ApiPrincipal
from organizations.choices import ApiScope
from organizations.models import Organization

pytestmark = pytest.mark.django_db
MESSAGE = "You may not enter records for this organization."


def token_of(organization, *scopes):
    return ApiPrincipal(
        client_id=7,
        client_name="业务系统",
        organization_id=organization.pk,
        organization_path=organization.path,
        scopes=tuple(scopes),
    )


def test_a_write_defaults_to_the_callers_own_organization(world):
    caller = token_of(world.department, ApiScope.WRITE)
    active = Organization.objects.filter(is_active=True)
    assert own_organization(caller, active) == world.department
    assert with_own_organization({}, "authority", actor=caller, organizations=active) == {
        "authority": world.department
    }
    named = {"authority": world.other_department}
    assert with_own_organization(named, "authority", actor=caller, organizations=active) == named
    Organization.objects.filter(pk=world.department.pk).update(is_active=False)
    assert with_own_organization({}, "authority", actor=caller, organizations=active) == {}
    with pytest.raises(ValidationError) as raised:
        with_own_organization({}, "authority", actor=caller, organizations=active, required_message="Say which.")
    assert raised.value.message_dict == {"authority": ["Say which."]}


def test_every_named_organization_outside_the_scope_is_a_field_error(world):
    caller = token_of(world.department, ApiScope.WRITE)
    require_in_scope(
        caller, {"authority": world.department, "data_source": None}, actions=[Action.CHANGE], message=MESSAGE
    )
    with pytest.raises(ValidationError) as raised:
        require_in_scope(
            caller,
            {"authority": world.department, "data_source": world.other_department, "other": world.district},
            actions=[Action.CHANGE],
            message=MESSAGE,
        )
    assert raised.value.message_dict == {"data_source": [MESSAGE], "other": [MESSAGE]}
    # The scope is that of the action: a writing token reviews nothing.
    with pytest.raises(ValidationError):
        require_in_scope(caller, {"authority": world.department}, actions=[Action.REVIEW], message=MESSAGE)
    # Any of several actions will do (staff of the body, or a supervisor over it).
    supervisor = world.user("supervisor")
    require_in_scope(
        supervisor, {"subject": world.department}, actions=[Action.CHANGE, Action.SUPERVISE], message=MESSAGE
    )
    # The system (a command, a seed) acts for no one and is not limited.
    require_in_scope(None, {"authority": world.other_department}, actions=[Action.CHANGE], message=MESSAGE)


def test_credentials_that_may_do_none_of_the_actions_are_refused_outright(world):
    require_some_scope(token_of(world.department, ApiScope.WRITE), [Action.CHANGE], message="No.")
    with pytest.raises(PermissionDenied):
        require_some_scope(token_of(world.department, ApiScope.READ), [Action.CHANGE, Action.SUPERVISE], message="No.")
