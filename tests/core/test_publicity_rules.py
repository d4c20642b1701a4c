"""City-wide publicity periods: the city's supervisors and administrators change them, everyone else reads."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.models import AuditEvent, PublicityRule
from core.services import publicity_rule_update
from organizations.choices import Role
from tests.factories import UserFactory, user_with_role
from tests.permissions import ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR, assert_matrix

pytestmark = pytest.mark.django_db

URL = reverse("core:publicity_rules")


@pytest.fixture
def fine_rule():
    return PublicityRule.objects.get(record_type="penalty", key="kind:fine")


@pytest.fixture
def city_supervisor(world):
    return user_with_role(Role.SUPERVISOR, world.city)


def periods(rule) -> tuple[int, int]:
    rule.refresh_from_db()
    return rule.min_months, rule.max_months


def test_a_district_supervisor_cannot_change_a_city_rule_through_the_service(world, fine_rule):
    for reader in (world.user(SUPERVISOR), world.user(OWN_ORG), None):
        with pytest.raises(PermissionDenied):
            publicity_rule_update(rule=fine_rule, min_months=1, max_months=2, actor=reader)
    assert periods(fine_rule) == (3, 36)
    assert not AuditEvent.objects.filter(action="publicity_rule.update").exists()


def test_a_district_supervisor_cannot_change_a_city_rule_through_the_page(client, world, fine_rule):
    client.force_login(world.user(SUPERVISOR))
    response = client.post(URL, {"rule": fine_rule.pk, "min_months": "1", "max_months": "2"})
    assert response.status_code == 403
    assert periods(fine_rule) == (3, 36)
    assert not AuditEvent.objects.filter(action="publicity_rule.update").exists()


def test_everyone_with_a_role_reads_the_rules_and_only_the_city_sees_edit_controls(client, world, city_supervisor):
    assert_matrix(client, world, URL, {ANONYMOUS: 302, OTHER_ORG: 200, OWN_ORG: 200, SUPERVISOR: 200})
    client.force_login(world.user(SUPERVISOR))
    read_only = client.get(URL).content.decode()
    assert (
        "罚款" in read_only
        and 'name="min_months"' not in read_only
        and '<form method="post" class="row' not in read_only
    )
    assert 'id="read-only-note"' in read_only
    client.force_login(city_supervisor)
    editable = client.get(URL).content.decode()
    assert 'name="min_months"' in editable and 'id="read-only-note"' not in editable


def test_a_city_supervisor_changes_a_rule_and_the_change_is_audited_before_and_after(
    client, world, fine_rule, city_supervisor
):
    client.force_login(city_supervisor)
    bad = client.post(URL, {"rule": fine_rule.pk, "min_months": "24", "max_months": "12"})
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()
    assert client.post(URL, {"rule": fine_rule.pk, "min_months": "6", "max_months": "24"}).status_code == 302
    assert periods(fine_rule) == (6, 24)
    event = AuditEvent.objects.get(action="publicity_rule.update")
    identity = {"record_type": "penalty", "key": "kind:fine"}
    assert event.before == {**identity, "min_months": 3, "max_months": 36}
    assert event.after == {**identity, "min_months": 6, "max_months": 24}
    assert event.actor == city_supervisor and event.target_id == str(fine_rule.pk)
    # Filed under the city: its supervisors find it on their audit page, a district's supervisor does not.
    assert event.scope_path == world.city.path
    assert client.get(reverse("core:audit_detail", args=[event.pk])).status_code == 200
    client.force_login(world.user(SUPERVISOR))
    assert client.get(reverse("core:audit_detail", args=[event.pk])).status_code == 404


def test_administrators_change_city_rules_too(world, fine_rule):
    publicity_rule_update(
        rule=fine_rule, min_months=4, max_months=30, actor=user_with_role(Role.ADMINISTRATOR, world.district)
    )
    publicity_rule_update(rule=fine_rule, min_months=5, max_months=30, actor=UserFactory(is_superuser=True))
    assert periods(fine_rule) == (5, 30)
    assert AuditEvent.objects.filter(action="publicity_rule.update").count() == 2
