"""The main flow of the foundation in a real browser: the public site in Chinese, switching to English,
a personnel officer signing in, finding a civil servant and revealing an ID number (logged)."""

import pytest

from core.models import AuditEvent
from organizations.choices import Role
from tests.factories import CivilServantFactory, UserFactory
from tests.permissions import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_site_language_switch_and_personnel_flow(page, live_server):
    world = build_world()
    officer = UserFactory(username="officer", organization=world.district)
    from organizations.models import RoleAssignment

    RoleAssignment.objects.create(user=officer, role=Role.PERSONNEL_OFFICER, organization=world.district)
    person = CivilServantFactory(organization=world.department, name="测试人员")

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "诚信杭州" in page.title()

    page.select_option("#language-select", "en")
    page.wait_for_url("**/")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert "Integrity Hangzhou" in page.title()

    page.get_by_role("link", name="Staff log-in").click()
    page.fill("#id_username", "officer")
    page.fill("#id_password", "correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")

    page.get_by_role("navigation").get_by_role("link", name="Civil servants").click()
    assert person.masked_resident_id in page.content()
    assert person.resident_id not in page.content()
    page.get_by_role("link", name="测试人员").click()

    page.locator("summary").click()
    page.fill("#id_reason", "appointment eligibility check")
    page.get_by_role("button", name="Show (recorded in the audit trail)").click()
    page.wait_for_selector(f"text={person.resident_id}")
    assert AuditEvent.objects.filter(action="civil_servant.reveal_resident_id", actor=officer).count() == 1
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors
