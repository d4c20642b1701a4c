"""A dishonesty record in a real browser: staff propose it with a file, the subject waives its objection,
a supervisor confirms and publishes it, the public finds it; after the minimum publicity period the subject
applies for credit repair with a file, the supervisor approves, and the record leaves public view."""

import pytest
from django.utils import timezone

from core.publication import PublicationStatus
from dishonesty_records import services
from dishonesty_records.choices import RepairStatus, Stage
from dishonesty_records.models import DishonestyRecord, RepairApplication
from organizations.choices import Role
from tests.factories import UserFactory
from tests.permissions import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SUBJECT = "甲区市场监管局"


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


def _open_action(page, segment):
    page.locator(f"details:has(form[action$='/{segment}/']) > summary").click()


def _submit_action(page, segment):
    page.locator(f"form[action$='/{segment}/'] button[type=submit]").click()
    page.wait_for_load_state()


def test_propose_confirm_publish_and_repair(page, live_server):
    world = build_world()
    clerk = _user("clerk", world.department, Role.STAFF)
    checker = _user("checker", world.department, Role.REVIEWER)
    judge = _user("judge", world.district, Role.SUPERVISOR)

    # Staff propose a record against their own body, with the court's document attached.
    _log_in(page, "clerk")
    page.get_by_role("link", name="Dishonesty records").first.click()
    page.wait_for_url("**/staff/dishonesty-records/")
    page.get_by_role("link", name="Propose a record").click()
    page.wait_for_url("**/staff/dishonesty-records/new/")
    # The form asks for the body or the person, whichever the subject kind needs.
    assert page.is_visible("#id_subject_organization") and page.is_hidden("#id_civil_servant")
    page.select_option("#id_subject_kind", "civil_servant")
    assert page.is_visible("#id_civil_servant") and page.is_hidden("#id_subject_organization")
    page.select_option("#id_subject_kind", "organization")
    page.select_option("#id_subject_organization", str(world.department.pk))
    page.select_option("#id_category", "court_judgment_default")
    page.fill("#id_facts", "该单位作为被执行人，未按照生效判决履行支付义务，逾期六个月。")
    page.fill("#id_facts_summary", "未履行法院生效判决确定的支付义务")
    page.fill("#id_occurred_on", "2026-05-01")
    page.select_option("#id_source_kind", "court")
    page.fill("#id_source_document_number", "（2026）浙0106执123号")
    page.fill("#id_source_issuing_body", "杭州市西湖区人民法院")
    page.set_input_files(
        "#id_files", files=[{"name": "判决书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 judgment"}]
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/staff/dishonesty-records/*/")
    record = DishonestyRecord.objects.get()
    assert record.stage == Stage.PROPOSED and record.created_by == clerk
    assert record.evidence.get().original_name == "判决书.pdf"
    assert page.get_by_role("link", name="判决书.pdf").is_visible()

    # The subject's reviewer has no objection.
    _log_in(page, "checker")
    page.goto(f"/staff/dishonesty-records/{record.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/waive-objection/'] button").click()
    page.wait_for_load_state()
    record.refresh_from_db()
    assert record.objection_waived_at is not None

    # A supervisor confirms, with reasons and a rectification, then publishes.
    _log_in(page, "judge")
    page.goto("/staff/dishonesty-records/")
    page.locator("#queue-awaiting-ruling").get_by_role("link", name=record.reference).click()
    page.wait_for_url(f"**/staff/dishonesty-records/{record.pk}/")
    _open_action(page, "confirm")
    page.fill("#id_confirm_reason", "经核查，事实清楚，证据确凿。")
    page.fill("#id_confirm_rectification_requirement", "三个月内履行判决并提交履行凭证。")
    _submit_action(page, "confirm")
    record.refresh_from_db()
    assert record.stage == Stage.CONFIRMED and record.ruled_by == judge
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/publish/'] button").click()
    page.wait_for_load_state()
    record.refresh_from_db()
    assert record.status == PublicationStatus.PUBLISHED

    # The public finds it.
    page.context.clear_cookies()
    page.goto("/dishonesty-records/?language=en&q=甲区")
    assert page.get_by_role("link", name=SUBJECT).first.is_visible()
    page.get_by_role("link", name=SUBJECT).first.click()
    page.wait_for_url(f"**/dishonesty-records/{record.pk}/")
    assert "未履行法院生效判决确定的支付义务" in page.content()

    # The minimum publicity period is over and what the subject owed was handed in and accepted.
    DishonestyRecord.objects.filter(pk=record.pk).update(publicity_min_ends_on=timezone.localdate())
    for obligation in record.obligations.all():
        services.obligation_submit(obligation=obligation, text="已全部履行判决，附转账凭证。", actor=checker)
        services.obligation_accept(obligation=obligation, actor=judge)

    # Staff apply for credit repair with evidence of the rectification.
    _log_in(page, "clerk")
    page.goto(f"/staff/dishonesty-records/{record.pk}/")
    _open_action(page, "repair")
    page.fill("#id_repair_statement", "判决已履行完毕，整改到位，申请信用修复。")
    page.set_input_files(
        "#id_repair_files", files=[{"name": "履行凭证.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 paid"}]
    )
    _submit_action(page, "repair")
    application = RepairApplication.objects.get()
    assert application.evidence.get().original_name == "履行凭证.pdf"
    assert page.locator(f"#repair-{application.pk} [data-repair-status=submitted]").is_visible()

    # The supervisor approves it.
    _log_in(page, "judge")
    page.goto("/staff/dishonesty-records/")
    page.locator("#queue-repairs").get_by_role("link", name=record.reference).click()
    page.wait_for_load_state()
    _open_action(page, f"{application.pk}/approve")
    page.fill(f"#id_approve-{application.pk}_reason", "整改到位，同意修复。")
    _submit_action(page, f"{application.pk}/approve")
    application.refresh_from_db()
    record.refresh_from_db()
    assert application.status == RepairStatus.APPROVED and record.status == PublicationStatus.REPAIRED

    # Gone from the public list; the applicant sees the outcome on the record's page.
    page.context.clear_cookies()
    page.goto("/dishonesty-records/?language=en")
    assert page.get_by_text("No records are on public view.").is_visible()
    _log_in(page, "clerk")
    page.goto(f"/staff/dishonesty-records/{record.pk}/")
    assert page.locator("[data-state=repaired]").inner_text() == "Credit repaired"
    assert page.get_by_text("整改到位，同意修复。").first.is_visible()
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors
