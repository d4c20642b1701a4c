"""A complaint in a real browser: filed through the public form (the organization picked with the filter
box, the captcha answered through the test hook), the code and secret read from the receipt, accepted and
replied to by the staff (through the services), then followed with the code and secret and rated 5 stars."""

import pytest

from complaints import services
from complaints.models import Complaint
from core.captcha import answer_for_tests
from tests.complaints.factories import cast_for
from tests.permissions import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_file_track_and_rate_a_complaint(page, live_server):
    world = build_world()
    cast = cast_for(world)

    page.goto("/complaints/new/?language=en")
    page.check("input[name=category][value=broken_pledge]")
    org_filter = page.locator("[data-org-filter]")
    assert org_filter.is_visible()  # the script shows the filter box over the plain select
    org_filter.fill("甲区市场")
    assert page.locator("#id_organization").input_value() == str(world.department.pk)
    assert page.locator(f"#id_organization option[value='{world.other_department.pk}']").is_hidden()
    page.fill("#id_title", "承诺的“一次告知”没有兑现")
    page.fill("#id_facts", "今年九月去窗口办理企业登记，工作人员先后三次要求补交不同材料，没有一次性告知。")
    page.check("input[name=anonymous][value='1']")
    assert page.locator("[data-identity]").is_hidden()
    page.check("input[name=anonymous][value='0']")
    page.fill("#id_name", "张三")
    page.fill("#id_phone", "13800000000")
    token = page.locator("input[name=captcha_0]").input_value()
    page.fill("#id_captcha_1", answer_for_tests(token))
    page.get_by_role("button", name="Send the complaint").click()
    page.wait_for_url("**/complaints/new/received/")
    code = page.locator("[data-receipt-code]").inner_text().strip()
    secret = page.locator("[data-receipt-secret]").inner_text().strip()
    assert page.locator("[data-print]").is_visible()

    complaint = Complaint.objects.get(tracking_code=code)
    services.complaint_accept(complaint=complaint, handling_organization=world.department, actor=cast["intake"])
    services.complaint_reply(
        complaint=complaint, text="经核查，已责令窗口一次性告知并向您致歉。", actor=cast["handler"]
    )

    page.reload()  # the receipt is shown once
    assert secret not in page.locator("main").inner_text()
    page.goto("/complaints/track/")
    page.fill("#id_code", code.lower())
    page.fill("#id_secret", secret)
    page.get_by_role("button", name="Show the complaint").click()
    page.wait_for_url("**/complaints/track/view/")
    main = page.locator("main")
    assert "经核查，已责令窗口一次性告知并向您致歉。" in main.inner_text()
    assert "Replied" in page.locator("[data-status]").inner_text()

    page.check("input[name=satisfaction][value='5']")
    page.fill("#id_comment", "处理及时")
    page.get_by_role("button", name="Send the rating").click()
    page.wait_for_url("**/complaints/track/view/")
    assert page.locator(".alert-success").is_visible()
    rated = page.locator("[data-event=rated]")
    assert "5 of 5 stars" in rated.inner_text() and "处理及时" in rated.inner_text()
    assert page.locator("[data-rating]").inner_text() == "5/5"
    assert not page.csp_errors
