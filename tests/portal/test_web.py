"""Pages as a visitor or a staff member meets them: language, errors, security headers, log-in."""

import pytest
from django.urls import reverse

from organizations.demo import DEMO_PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_speaks_chinese_by_default_even_to_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="zh-hans"' in html and "诚信杭州" in html


def test_english_on_request_is_remembered(client):
    first = client.get("/?language=en")
    assert 'lang="en"' in first.content.decode() and "Integrity Hangzhou" in first.content.decode()
    second = client.get("/")
    assert 'lang="en"' in second.content.decode()


def test_the_language_switch_form_sets_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert "Integrity Hangzhou" in response.content.decode()


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "页面不存在"), ("en", "Page not found")])
def test_404_page_in_both_languages(client, language, text):
    response = client.get(f"/no-such-page/?language={language}")
    assert response.status_code == 404
    assert text in response.content.decode()


def test_security_headers_and_csp(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]


def test_pages_reference_no_cdn(client):
    for url in ("/", "/accounts/login/", "/api/docs/"):
        html = client.get(url).content.decode()
        assert "cdn" not in html.lower() and "//unpkg" not in html and "googleapis" not in html


def test_login_and_logout(client):
    user = UserFactory(username="alice")
    response = client.post(reverse("login"), {"username": "alice", "password": "correct-horse-battery"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:workspace")
    assert client.get(reverse("portal:workspace")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("portal:workspace")).status_code == 302
    assert user.pk


def test_repeated_failures_lock_the_account(client, settings):
    UserFactory(username="bob")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "bob", "password": "wrong-password"})
    locked = client.post(reverse("login"), {"username": "bob", "password": "correct-horse-battery"})
    assert locked.status_code in (403, 429)
    assert "锁定" in locked.content.decode()
    assert client.get(reverse("portal:workspace")).status_code == 302  # still not signed in


def test_a_wrong_password_gets_a_message_in_chinese(client):
    UserFactory(username="carol")
    response = client.post(reverse("login"), {"username": "carol", "password": "nope"})
    assert response.status_code == 200
    assert "密码" in response.content.decode()


def test_workspace_requires_login(client):
    response = client.get(reverse("portal:workspace"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_every_demo_user_can_log_in(client):
    from django.core.management import call_command

    from organizations.demo import DEMO_SERVANT_ACCOUNTS, DEMO_USERS

    call_command("seed_demo", verbosity=0)
    for username, *_rest in DEMO_USERS:
        client.logout()
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.get(reverse("portal:workspace")).status_code == 200
    # A civil servant's own log-in reaches their pledge before taking office, to read and sign.
    for username, name, _home in DEMO_SERVANT_ACCOUNTS:
        client.logout()
        assert client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD}).status_code == 302
        assert name in client.get(reverse("commitments:my_pledges")).content.decode()


def test_the_public_directory_lists_the_tree(client, world):
    html = client.get(reverse("organizations:directory")).content.decode()
    assert world.city.name in html and world.other_department.name in html


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "服务器错误"), ("en", "Server error")])
def test_500_page_in_both_languages(rf, language, text):
    from django.utils import translation

    from portal.views import error_500

    with translation.override(language):
        response = error_500(rf.get("/"))
    assert response.status_code == 500
    assert text in response.content.decode()


def test_an_unexpected_error_shows_the_500_page_not_a_traceback(client, monkeypatch):
    from organizations.models import Organization

    def broken():
        raise RuntimeError("database exploded")

    monkeypatch.setattr(Organization.objects, "public", broken)
    client.raise_request_exception = False
    response = client.get("/organizations/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器错误" in html and "database exploded" not in html


def test_page_query_counts_stay_flat(client, world, django_assert_max_num_queries):
    from core.audit import audit_log
    from tests.factories import CivilServantFactory

    for _ in range(30):
        audit_log(
            actor=world.user("own_org"), action="test.bulk", target=CivilServantFactory(organization=world.department)
        )
    client.force_login(world.user("supervisor"))
    with django_assert_max_num_queries(8):
        assert client.get("/staff/audit/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/").status_code == 200


def test_supervisors_see_the_push_and_the_ledger_on_their_workspace(client, world, django_assert_max_num_queries):
    from sharing.choices import OutboxStatus
    from sharing.models import OutboxEntry
    from tests.disclosures.factories import make_penalty

    make_penalty(world.department)
    make_penalty(world.department)
    OutboxEntry.objects.filter(pk=OutboxEntry.objects.order_by("id").first().pk).update(status=OutboxStatus.FAILED)
    client.force_login(world.user("own_org"))
    staff_page = client.get(reverse("portal:workspace")).content.decode()
    assert 'id="push-health"' not in staff_page and 'id="ledger-health"' not in staff_page
    client.force_login(world.user("supervisor"))
    with django_assert_max_num_queries(18):
        response = client.get(reverse("portal:workspace"))
    push, head = response.context["push"], response.context["ledger_head"]
    assert (push.counts[OutboxStatus.PENDING], push.counts[OutboxStatus.FAILED]) == (1, 1)
    assert push.lag is not None and head.seq == 2
    page = response.content.decode()
    assert 'id="push-health"' in page and head.hash[:10] in page
    client.force_login(world.user("other_org"))
    assert 'id="push-health"' not in client.get(reverse("portal:workspace")).content.decode()


def test_supervisors_see_what_waits_in_dishonesty_records(client, world):
    import datetime

    from django.utils import timezone

    from dishonesty_records.models import Obligation
    from tests.dishonesty_records.factories import make_record
    from tests.factories import Role, user_with_role

    staff, reviewer = world.user("own_org"), user_with_role(Role.REVIEWER, world.department)
    supervisor = world.user("supervisor")
    make_record(world.department, proposer=staff, subject_actor=reviewer, until="waived")
    confirmed = make_record(
        world.department, proposer=staff, subject_actor=reviewer, supervisor=supervisor, until="confirmed"
    )
    Obligation.objects.filter(record=confirmed).update(due_on=timezone.localdate() - datetime.timedelta(days=1))

    client.force_login(supervisor)
    response = client.get(reverse("portal:workspace"), HTTP_ACCEPT_LANGUAGE="en")
    watch = response.context["integrity"]
    assert (watch["awaiting_ruling"], watch["overdue_obligations"], watch["repairs_to_decide"]) == (1, 2, 0)
    assert 'id="integrity-watch"' in response.content.decode()
    client.force_login(staff)
    assert 'id="integrity-watch"' not in client.get(reverse("portal:workspace")).content.decode()
    client.force_login(world.user("other_org"))
    assert "integrity" not in client.get(reverse("portal:workspace")).context
