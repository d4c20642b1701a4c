"""The supervisor's view of the push: who sees what, replay, and bounded queries."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from core.models import AuditEvent
from disclosures import services as disclosures
from sharing.choices import OutboxStatus
from sharing.models import OutboxEntry
from tests.disclosures.factories import clerk_and_reviewer, make_penalty
from tests.permissions import ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR, assert_matrix, request_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(world):
    record = make_penalty(world.department)
    return OutboxEntry.objects.get(record_id=record.pk)


def _fail(entry):
    OutboxEntry.objects.filter(pk=entry.pk).update(status=OutboxStatus.FAILED, attempts=8, last_error="HTTP 503")


def test_the_push_view_shows_each_persona_only_its_own_entries(client, world, entry):
    url = reverse("sharing:dashboard")
    assert_matrix(client, world, url, {ANONYMOUS: 302, OTHER_ORG: 200, OWN_ORG: 200, SUPERVISOR: 200})
    for persona, sees in ((OTHER_ORG, False), (OWN_ORG, True), (SUPERVISOR, True)):
        response = request_as(client, world.user(persona), "get", url)
        assert (f'data-entry="{entry.pk}"' in response.content.decode()) is sees, persona
        assert response.context["summary"].counts[OutboxStatus.PENDING] == (1 if sees else 0)


def test_a_user_without_any_role_may_not_open_the_push_view(client, world):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("sharing:dashboard")).status_code == 403


def test_the_timeline_is_404_outside_ones_scope(client, world, entry):
    url = reverse("sharing:record_timeline", args=[entry.record_type, entry.record_id])
    assert_matrix(client, world, url, {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 200, SUPERVISOR: 200})
    missing = reverse("sharing:record_timeline", args=[entry.record_type, entry.record_id + 999])
    assert_matrix(client, world, missing, {SUPERVISOR: 404})


def test_only_a_supervisor_replays_and_the_replay_is_audited(client, world, entry):
    _fail(entry)
    url = reverse("sharing:replay")
    data = {"entry": [entry.pk]}
    assert_matrix(client, world, url, {ANONYMOUS: 302, OTHER_ORG: 403, OWN_ORG: 403}, method="post", data=data)
    entry.refresh_from_db()
    assert entry.status == OutboxStatus.FAILED
    response = request_as(client, world.user(SUPERVISOR), "post", url, data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.attempts) == (OutboxStatus.PENDING, 0)
    event = AuditEvent.objects.get(action="sharing.replay")
    assert event.scope_path == world.department.path and event.actor == world.user(SUPERVISOR)


def test_replaying_something_that_did_not_fail_says_so(client, world, entry):
    client.force_login(world.user(SUPERVISOR))
    response = client.post(reverse("sharing:replay") + "?language=en", {"entry": [entry.pk]}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Only failed entries can be sent again."]
    entry.refresh_from_db()
    assert entry.status == OutboxStatus.PENDING


def test_the_push_view_filters_and_its_query_count_does_not_grow_with_entries(
    client, world, django_assert_max_num_queries
):
    for _ in range(3):
        make_penalty(world.department)
    client.force_login(world.user(SUPERVISOR))
    url = reverse("sharing:dashboard")
    # 12, and one capped count of delivered messages per other destination (the 12345 hotline).
    with django_assert_max_num_queries(13) as few:
        client.get(url)
    for _ in range(20):
        make_penalty(world.department)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"]) == 23
    filtered = client.get(url, {"status": OutboxStatus.FAILED})
    assert len(filtered.context["page"]) == 0
    bad = client.get(url, {"record_id": "abc"})
    assert bad.status_code == 200 and bad.context["form"].errors["record_id"]


def test_the_replay_command_requeues_failed_entries(world, entry, capsys):
    _fail(entry)
    call_command("replay_failed", "--all")
    entry.refresh_from_db()
    assert entry.status == OutboxStatus.PENDING
    assert "1 failed entries queued again." in capsys.readouterr().out


def test_the_replay_command_refuses_to_guess(world, entry):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("replay_failed")
    with translation.override("en"), pytest.raises(CommandError, match="Only failed entries can be sent again"):
        call_command("replay_failed", str(entry.pk))


def test_the_rejection_reasons_show_on_the_timeline(client, world, entry):
    OutboxEntry.objects.filter(pk=entry.pk).update(
        status=OutboxStatus.REJECTED,
        rejection_reasons=[{"field": "CF_XDR_SHXYM", "message": "统一社会信用代码校验位错误"}],
    )
    client.force_login(world.user(OWN_ORG))
    response = client.get(reverse("sharing:record_timeline", args=[entry.record_type, entry.record_id]))
    assert "统一社会信用代码校验位错误" in response.content.decode()
    assert reverse("sharing:replay") not in response.content.decode()  # the department sees; supervisors replay


def test_an_entry_superseded_by_a_correction_shows_on_the_dashboard_and_its_timeline(client, world):
    record = make_penalty(world.department)
    entry = OutboxEntry.objects.get(record_id=record.pk)
    _clerk, reviewer = clerk_and_reviewer(world.department)
    disclosures.disclosure_correct(record=record, data={"fine_amount": "0.5"}, reason="金额录入错误", actor=reviewer)
    entry.refresh_from_db()
    assert entry.status == OutboxStatus.SUPERSEDED  # v1 was still waiting: v2 carries the whole record
    client.force_login(world.user(OWN_ORG))
    url = reverse("sharing:dashboard")
    page = client.get(url, {"language": "en"}).content.decode()
    assert f'data-status="{OutboxStatus.SUPERSEDED}">1<' in page
    listed = client.get(url, {"status": OutboxStatus.SUPERSEDED, "language": "en"})
    assert [e.pk for e in listed.context["page"]] == [entry.pk]
    assert "Superseded by a newer version" in listed.content.decode()
    timeline = reverse("sharing:record_timeline", args=[entry.record_type, entry.record_id])
    assert "Not sent after a newer version of this record" in client.get(timeline, {"language": "en"}).content.decode()
