import io

import pytest
from django.core.management import CommandError, call_command

from organizations.models import ApiClient, CivilServant, Organization, User
from organizations.tokens import hash_token

pytestmark = pytest.mark.django_db


def test_create_api_client_by_short_name_prints_the_token_once(world):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_client", world.department.short_name, "--scope", "write", "--scope", "read", stdout=out, stderr=err
    )
    token = out.getvalue().strip()
    client = ApiClient.objects.get()
    assert client.token_hash == hash_token(token) and client.organization == world.department
    assert client.scopes == ["read", "write"]


def test_create_api_client_by_id(world):
    out = io.StringIO()
    call_command(
        "create_api_client", str(world.other_department.pk), "--scope", "review", stdout=out, stderr=io.StringIO()
    )
    assert ApiClient.objects.get().organization == world.other_department


def test_create_api_client_for_an_unknown_organization_fails_clearly(world):
    with pytest.raises(CommandError, match="No organization"):
        call_command("create_api_client", "不存在的单位", "--scope", "read", stdout=io.StringIO(), stderr=io.StringIO())


def test_seed_demo_builds_hangzhou_and_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Organization.objects.count(), User.objects.count(), CivilServant.objects.count())
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert (Organization.objects.count(), User.objects.count(), CivilServant.objects.count()) == counts
    city = Organization.objects.get(short_name="市政府")
    districts = Organization.objects.filter(depth=2, kind="government")
    assert districts.count() == 13
    assert {"上城区政府", "临平区政府", "钱塘区政府", "建德市政府"} <= set(
        districts.values_list("short_name", flat=True)
    )
    assert Organization.objects.filter(depth=2, kind="department").count() >= 20
    assert Organization.objects.filter(kind="street").count() >= 26
    assert Organization.objects.subtree(city).count() == Organization.objects.count()
    assert "supervisor" in out.getvalue() and "Hangzhou-demo-2026" in out.getvalue()
    for role_user in ("staff", "reviewer", "supervisor", "personnel", "intake", "admin"):
        assert User.objects.get(username=role_user).role_assignments.exists()
