"""A pledge in a real browser: staff enter this year's practical thing for the people, a reviewer
publishes it, staff report progress with a photo on its page, and the public 为民办实事 board shows the new
progress; a progress figure above 100 % is refused on the form with nothing saved."""

import pytest
from django.utils import timezone

from commitments.models import Pledge, ProgressReport
from organizations.choices import Role
from tests.factories import UserFactory
from tests.permissions import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _log_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/?language=en")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/dashboard/")


def _user(username, organization, role):
    from organizations.models import RoleAssignment

    user = UserFactory(username=username, organization=organization)
    RoleAssignment.objects.create(user=user, role=role, organization=organization)
    return user


def _submit_action(page, segment):
    page.locator(f"form[action$='/{segment}/'] button[type=submit]").click()
    page.wait_for_load_state()


def test_report_progress_and_the_public_board_shows_it(page, live_server, tmp_path):
    world = build_world()
    _user("clerk", world.department, Role.STAFF)
    _user("checker", world.department, Role.REVIEWER)
    year = timezone.localdate().year

    _log_in(page, "clerk")
    page.get_by_role("link", name="Pledges").first.click()
    page.wait_for_url("**/staff/pledges/")
    page.get_by_role("link", name="Enter a pledge").click()
    page.select_option("#id_kind", "practical_matter")
    page.select_option("#id_organization", str(world.department.pk))
    page.fill("#id_year", str(year))
    page.fill("#id_title", "新增公共停车泊位5000个")
    page.fill("#id_content", "全年新增公共停车泊位5000个，缓解停车难。")
    page.fill("#id_starts_on", f"{year}-01-01")
    page.fill("#id_due_on", f"{year}-12-31")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/staff/pledges/*/")
    pledge = Pledge.objects.get(title="新增公共停车泊位5000个")

    _log_in(page, "checker")
    page.goto(f"/staff/pledges/{pledge.pk}/")
    _submit_action(page, "publish")
    assert page.locator(".alert-success").is_visible()

    _log_in(page, "clerk")
    page.goto(f"/staff/pledges/{pledge.pk}/")
    page.locator("details:has(form[action$='/progress/']) > summary").click()
    # Above 100 %: refused on the form, the figure kept for correction, nothing saved.
    page.fill("#id_progress_progress", "120")
    page.fill("#id_progress_note", "已建成泊位统计")
    _submit_action(page, "progress")
    assert page.locator("#id_progress_progress-error").is_visible()
    assert not ProgressReport.objects.filter(pledge=pledge).exists()

    photo = tmp_path / "泊位.png"
    photo.write_bytes(PNG)
    page.fill("#id_progress_progress", "62.5")
    page.fill("#id_progress_note", "已建成泊位3125个")
    page.set_input_files("#id_progress_files", str(photo))
    _submit_action(page, "progress")
    assert page.locator(".alert-success").is_visible()

    page.context.clear_cookies()
    page.goto(f"/pledges/practical-matters/{year}/?language=en")
    row = page.locator(f"#item-{pledge.pk}")
    assert "新增公共停车泊位5000个" in row.inner_text()
    assert "62.5 %" in row.inner_text()
    row.get_by_role("link", name="新增公共停车泊位5000个").click()
    page.wait_for_url(f"**/pledges/{pledge.pk}/")
    assert "已建成泊位3125个" in page.locator("#timeline").inner_text()
    assert page.get_by_role("link", name="泊位.png").is_visible()
    # The refused form answered 400 on purpose; nothing on the pages broke the content security policy.
    assert not [error for error in page.csp_errors if "Content Security Policy" in error]
