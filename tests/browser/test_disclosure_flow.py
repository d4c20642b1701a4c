"""Double publicity in a real browser: staff enter a penalty, a reviewer publishes it, the public finds it."""

import pytest

from core.publication import PublicationStatus
from disclosures.models import PenaltyDisclosure
from organizations.choices import Role
from tests.factories import UserFactory
from tests.permissions import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/dashboard/")


def test_enter_publish_and_find_on_the_public_page(page, live_server):
    from organizations.models import RoleAssignment

    world = build_world()
    clerk = UserFactory(username="clerk", organization=world.department)
    checker = UserFactory(username="checker", organization=world.department)
    RoleAssignment.objects.create(user=clerk, role=Role.STAFF, organization=world.department)
    RoleAssignment.objects.create(user=checker, role=Role.REVIEWER, organization=world.department)

    _log_in(page, "clerk")
    page.goto("/staff/disclosures/penalty/new/")
    page.fill("#id_subject_name", "杭州云栖茶业有限公司")
    page.select_option("#id_subject_kind", "legal_person")
    page.fill("#id_subject_uscc", "91330100716105852F")
    page.fill("#id_legal_representative", "张三")
    page.fill("#id_decision_number", "杭市监罚〔2026〕88号")
    page.fill("#id_violation_type", "虚假宣传")
    page.fill("#id_violation_facts", "在网店发布虚假广告")
    page.fill("#id_legal_basis", "《广告法》第五十五条")
    page.check("input[name=penalty_kinds][value=fine]")
    page.fill("#id_penalty_content", "罚款二千元")
    page.fill("#id_decided_on", "2026-11-20")
    page.locator("main form button[type=submit]").click()
    # The fine has no amount yet: a field-level message, nothing saved.
    assert page.locator("#id_fine_amount-error").is_visible()
    assert not PenaltyDisclosure.objects.exists()
    page.fill("#id_fine_amount", "0.2")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/staff/disclosures/penalty/*/")
    record = PenaltyDisclosure.objects.get()
    assert record.status == PublicationStatus.DRAFT

    page.context.clear_cookies()
    _log_in(page, "checker")
    page.goto(f"/staff/disclosures/penalty/{record.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/publish/'] button").click()
    page.wait_for_load_state()
    record.refresh_from_db()
    assert record.status == PublicationStatus.PUBLISHED and record.published_by == checker

    page.context.clear_cookies()
    page.goto("/disclosures/penalties/?q=云栖")
    assert page.get_by_text("杭州云栖茶业有限公司").first.is_visible()
    page.get_by_text("杭州云栖茶业有限公司").first.click()
    page.wait_for_url(f"**/disclosures/penalties/{record.pk}/")
    assert "杭市监罚〔2026〕88号" in page.content()
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors
