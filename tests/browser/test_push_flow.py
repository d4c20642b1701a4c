"""The national push in a real browser: a supervisor finds a dead letter, sends it again, follows it."""

import pytest
from django.utils import timezone

from organizations.choices import Role
from sharing import services
from sharing.choices import OutboxStatus
from sharing.models import OutboxEntry
from tests.disclosures.factories import make_penalty
from tests.factories import UserFactory
from tests.permissions import build_world
from tests.sharing.conftest import faults

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_replays_a_dead_letter_and_follows_its_delivery(page, live_server, settings):
    from organizations.models import RoleAssignment

    settings.NATIONAL_PLATFORM_URL = f"{live_server.url}/mock-national/"
    settings.SHARING = {**settings.SHARING, "MAX_ATTEMPTS": 1}
    world = build_world()
    watcher = UserFactory(username="watcher", organization=world.district)
    RoleAssignment.objects.create(user=watcher, role=Role.SUPERVISOR, organization=world.district)
    record = make_penalty(world.department)
    faults(settings, ERROR_RATE=1.0)
    services.push_pending(budget_seconds=10)
    assert OutboxEntry.objects.get().status == OutboxStatus.FAILED

    page.goto("/accounts/login/")
    page.fill("#id_username", "watcher")
    page.fill("#id_password", "correct-horse-battery")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/dashboard/")
    page.goto("/sharing/?status=failed")
    row = page.locator(f"#outbox tr[data-entry='{OutboxEntry.objects.get().pk}']")
    assert row.is_visible()
    assert page.locator("[data-status=failed]").inner_text() == "1"

    faults(settings, ERROR_RATE=0.0)
    row.locator("input[name=entry]").check()
    page.locator("#replay-chosen").click()
    page.wait_for_load_state()
    assert OutboxEntry.objects.get().status == OutboxStatus.PENDING
    assert page.locator("[data-status=failed]").inner_text() == "0"

    OutboxEntry.objects.update(next_attempt_at=timezone.now())
    services.push_pending(budget_seconds=10)  # what the worker does right after the replay
    page.goto("/sharing/")
    page.locator(f"#outbox tr[data-entry] a[href*='/{record.pk}/']").first.click()
    page.wait_for_url(f"**/sharing/records/disclosures.penalty/{record.pk}/")
    entry = OutboxEntry.objects.get()
    assert entry.status == OutboxStatus.DELIVERED
    assert entry.receipt_id in page.content()
    assert page.locator("section[data-entry] tbody tr").count() == 2  # the failed try and the accepted one
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors
