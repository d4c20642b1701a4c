"""A civil servant's own account in a real browser: sign in, open their own credit file, then read and sign
their pledge before taking office — which then shows in the public pledge list."""

import pytest

from commitments import services
from commitments.choices import PledgeKind
from organizations.choices import Role
from tests.commitments.factories import pledge_data
from tests.factories import CivilServantFactory, UserFactory, user_with_role
from tests.permissions import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_open_own_file_and_sign_the_pledge(page, live_server):
    world = build_world()
    servant = CivilServantFactory(organization=world.department, name="钱自助", position="科员")
    UserFactory(username="qian", organization=world.department, civil_servant=servant)
    services.pledge_create(
        data=pledge_data(
            world.department,
            kind=PledgeKind.CIVIL_SERVANT,
            theme="",
            civil_servant=servant,
            title="任职信用承诺书（钱自助）",
            content="本人承诺依法履职、廉洁自律、诚实守信，自觉接受监督。",
        ),
        actor=user_with_role(Role.STAFF, world.department),
    )

    page.goto("/accounts/login/?language=en")
    page.fill("#id_username", "qian")
    page.fill("#id_password", "correct-horse-battery")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/dashboard/")
    page.get_by_role("link", name="My credit file, and who looked at it").click()
    page.wait_for_url("**/me/file/")
    assert "钱自助" in page.locator("main").inner_text()
    page.goto("/dashboard/")
    page.get_by_role("link", name="My pledge before taking office").click()
    page.wait_for_url("**/me/pledges/")
    assert "本人承诺依法履职" in page.locator("main").inner_text()
    page.get_by_role("button", name="I have read this pledge and sign it").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").is_visible()
    assert "Signed on" in page.locator("main").inner_text()

    page.context.clear_cookies()
    page.goto("/pledges/?kind=civil_servant&language=en")
    assert "任职信用承诺书（钱自助）" in page.locator("main").inner_text()
