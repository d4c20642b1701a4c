import pytest
from django.urls import reverse

from core.audit import audit_log
from core.models import CalendarDay, Notification
from core.services import notify
from organizations.choices import Role
from tests.factories import CivilServantFactory, user_with_role
from tests.permissions import ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR, assert_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(world):
    person = CivilServantFactory(organization=world.department)
    return audit_log(
        actor=world.user(OWN_ORG), action="civil_servant.update", target=person, after={"position": "科长"}
    )


def test_audit_list_permission_matrix(client, world, event):
    assert_matrix(
        client, world, reverse("core:audit_list"), {ANONYMOUS: 302, OTHER_ORG: 403, OWN_ORG: 403, SUPERVISOR: 200}
    )


def test_audit_detail_is_404_outside_the_jurisdiction(client, world, event):
    assert_matrix(
        client,
        world,
        reverse("core:audit_detail", args=[event.pk]),
        {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 404, SUPERVISOR: 200},
    )
    other_supervisor = user_with_role(Role.SUPERVISOR, world.other_district)
    client.force_login(other_supervisor)
    assert client.get(reverse("core:audit_detail", args=[event.pk])).status_code == 404


def test_audit_list_shows_who_did_what_and_filters(client, world, event):
    client.force_login(world.user(SUPERVISOR))
    html = client.get(reverse("core:audit_list"), {"action": "civil_servant"}).content.decode()
    assert "civil_servant.update" in html and event.actor_repr in html
    html = client.get(reverse("core:audit_list"), {"action": "organization"}).content.decode()
    assert "civil_servant.update" not in html


def test_audit_filter_errors_are_field_level(client, world, event):
    client.force_login(world.user(SUPERVISOR))
    response = client.get(reverse("core:audit_list"), {"since": "2026-05-01", "until": "2026-04-01"})
    assert response.status_code == 200
    assert "截止日期早于起始日期" in response.content.decode()


def test_audit_rows_carry_the_request_id_and_ip(client, world):
    officer = user_with_role(Role.PERSONNEL_OFFICER, world.district)
    person = CivilServantFactory(organization=world.department)
    client.force_login(officer)
    response = client.post(
        reverse("organizations:civil_servant_detail", args=[person.pk]),
        {"reason": "年度核查"},
        HTTP_X_REQUEST_ID="req-1234567890",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    from core.models import AuditEvent

    event = AuditEvent.objects.get(action="civil_servant.reveal_resident_id")
    assert event.request_id == "req-1234567890" and event.ip_address == "10.1.2.3" and event.actor == officer


def test_notifications_are_private_and_can_be_marked_read(client, world):
    owner, other = world.user(OWN_ORG), world.user(OTHER_ORG)
    notify(recipients=[owner], kind="test", subject="请处理逾期事项", link="/dashboard/")
    notice = Notification.objects.get()
    client.force_login(other)
    assert client.post(reverse("core:notification_read", args=[notice.pk])).status_code == 404
    client.force_login(owner)
    assert "请处理逾期事项" in client.get(reverse("core:notifications")).content.decode()
    response = client.post(reverse("core:notification_read", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_repeated_notice_with_the_same_key_is_sent_once(world):
    owner = world.user(OWN_ORG)
    assert notify(recipients=[owner], kind="k", subject="s", dedupe_key="once") == 1
    assert notify(recipients=[owner], kind="k", subject="s", dedupe_key="once") == 0


def test_calendar_page_is_for_administrators_only(client, world):
    assert_matrix(
        client, world, reverse("core:calendar"), {ANONYMOUS: 302, OTHER_ORG: 403, OWN_ORG: 403, SUPERVISOR: 403}
    )


def test_administrator_loads_holidays_and_bad_lines_are_explained(client, world):
    admin = user_with_role(Role.ADMINISTRATOR, world.city)
    client.force_login(admin)
    bad = client.post(reverse("core:calendar"), {"source": "通知", "lines": "2027-02-30,休,春节"})
    assert bad.status_code == 200 and "2027-02-30" in bad.content.decode()
    assert not CalendarDay.objects.exists()
    good = client.post(reverse("core:calendar"), {"source": "通知", "lines": "2027-02-16,休,春节\n2027-02-20,班,春节"})
    assert good.status_code == 302
    assert CalendarDay.objects.count() == 2
