"""The staff workspace for dishonesty records: who sees what, every action through its page, refused
moves shown as messages, field errors by field, evidence downloads."""

import datetime
import html

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from core.publication import PublicationStatus
from dishonesty_records import services
from dishonesty_records.choices import (
    ObligationStatus,
    RepairStatus,
    SanctionKind,
    SanctionStatus,
    Stage,
    SubjectKind,
)
from dishonesty_records.models import DishonestyRecord, Evidence, Obligation, RepairApplication
from organizations.choices import Role
from tests.factories import UserFactory, user_with_role
from tests.permissions import ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR, assert_matrix

from .factories import civil_servant_in, evidence, make_record, proposal_data

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"dishonesty_records:{name}", args=args)


def login(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def people(world):
    return {
        "staff": world.user(OWN_ORG),
        "reviewer": user_with_role(Role.REVIEWER, world.department),
        "supervisor": world.user(SUPERVISOR),
        "second_supervisor": user_with_role(Role.SUPERVISOR, world.district),
        "other_staff": world.user(OTHER_ORG),
        "other_reviewer": user_with_role(Role.REVIEWER, world.other_department),
        "city_supervisor": user_with_role(Role.SUPERVISOR, world.city),
    }


def record_of(world, people, until="proposed", **overrides):
    return make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until=until,
        **overrides,
    )


def other_districts_record(world, people, until="proposed"):
    return make_record(
        world.other_department,
        proposer=people["other_staff"],
        subject_actor=people["other_reviewer"],
        supervisor=people["city_supervisor"],
        until=until,
    )


def proposal_post(organization, **overrides) -> dict:
    post = {}
    for key, value in proposal_data(organization, **overrides).items():
        post[key] = "" if value is None else getattr(value, "pk", value)
    return post


def confirm_post(**overrides) -> dict:
    return {
        "reason": "经核查，事实清楚，证据确凿。",
        "publication_allowed": "on",
        "explanation_required": "on",
        "rectification_requirement": "三个月内履行判决并提交履行凭证。",
        **overrides,
    }


def settle_obligations(record, people):
    for obligation in record.obligations.all():
        services.obligation_submit(obligation=obligation, text="已全部履行判决，附转账凭证。", actor=people["reviewer"])
        services.obligation_accept(obligation=obligation, actor=people["supervisor"])


def open_for_repair(record, people):
    settle_obligations(record, people)
    DishonestyRecord.objects.filter(pk=record.pk).update(publicity_min_ends_on=timezone.localdate())
    record.refresh_from_db()
    return record


# --- who sees what ----------------------------------------------------------------------------------


def test_record_page_permission_matrix(client, world, people):
    record = record_of(world, people)
    assert_matrix(
        client, world, url("staff_detail", record.pk), {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 200, SUPERVISOR: 200}
    )


def test_a_department_sees_its_own_records_not_another_districts(client, world, people):
    ours = record_of(world, people)
    theirs = other_districts_record(world, people)
    for persona in (OWN_ORG, SUPERVISOR):
        page = login(client, world.user(persona)).get(url("staff_list"))
        assert [r.pk for r in page.context["page"].items] == [ours.pk], persona
    city = login(client, people["city_supervisor"]).get(url("staff_list"))
    assert {r.pk for r in city.context["page"].items} == {ours.pk, theirs.pk}
    assert login(client, world.user(OWN_ORG)).get(url("staff_detail", theirs.pk)).status_code == 404


def test_workspace_pages_need_a_role(client, world, people):
    nobody = UserFactory()
    for name in ("staff_queues", "staff_list", "staff_propose", "staff_supervision"):
        client.logout()
        assert client.get(url(name)).status_code == 302, name
        assert login(client, nobody).get(url(name)).status_code == 403, name
    # A reviewer reads records and answers for them, but proposes none and supervises nothing.
    login(client, people["reviewer"])
    assert client.get(url("staff_queues")).status_code == 200
    assert client.get(url("staff_propose")).status_code == 403
    assert client.get(url("staff_supervision")).status_code == 403


def test_the_staff_navigation_links_the_workspace(client, world, people):
    page = login(client, people["reviewer"]).get(reverse("portal:workspace"))
    assert url("staff_queues") in page.content.decode()
    page = login(client, UserFactory()).get(reverse("portal:workspace"))
    assert url("staff_queues") not in page.content.decode()


def test_list_filters(client, world, people):
    proposed = record_of(world, people)
    published = record_of(world, people, until="published", category="procurement")
    login(client, people["supervisor"])

    def ids(**query):
        return [r.pk for r in client.get(url("staff_list"), query).context["page"].items]

    assert ids(state="proposed") == [proposed.pk]
    assert ids(state="rectifying") == [published.pk]
    assert ids(status="published") == [published.pk]
    assert ids(stage="confirmed") == [published.pk]
    assert ids(category="procurement") == [published.pk]
    assert ids(rectification="in_progress") == [published.pk]
    assert ids(q=proposed.reference) == [proposed.pk]
    assert ids(q="甲区市场") == [published.pk, proposed.pk]
    assert ids(q=world.department.uscc) == [published.pk, proposed.pk]
    assert ids(q="乙区") == []


def test_list_query_count_does_not_grow_with_rows(client, world, people, django_assert_max_num_queries):
    for _ in range(3):
        record_of(world, people)
    login(client, people["supervisor"])
    with django_assert_max_num_queries(9) as captured:
        client.get(url("staff_list"))
    few = len(captured.captured_queries)
    for _ in range(25):
        record_of(world, people)
    with django_assert_max_num_queries(few):
        response = client.get(url("staff_list"))
    assert len(response.context["page"].items) == 25 and response.context["page"].next_after


def test_queues_per_role(client, world, people):
    proposed = record_of(world, people)
    waived = record_of(world, people, until="waived")
    confirmed = record_of(world, people, until="confirmed")
    subject = login(client, people["reviewer"]).get(url("staff_queues")).context["queues"]
    assert [r.pk for r in subject["awaiting_objection"]] == [proposed.pk]
    assert {o.record_id for o in subject["obligations_due"]} == {confirmed.pk}
    supervisor = login(client, people["supervisor"]).get(url("staff_queues"))
    queues = supervisor.context["queues"]
    assert [r.pk for r in queues["awaiting_ruling"]] == [waived.pk]
    assert [r.pk for r in queues["awaiting_publication"]] == [confirmed.pk]
    assert "Awaiting your ruling" in text(supervisor)
    other = login(client, people["other_reviewer"]).get(url("staff_queues")).context["queues"]
    assert not other["awaiting_objection"] and not other["obligations_due"]


def test_the_record_page_offers_only_the_actions_one_may_take(client, world, people):
    record = record_of(world, people)
    subject = text(login(client, people["reviewer"]).get(url("staff_detail", record.pk)))
    assert url("record_object", record.pk) in subject and url("record_waive_objection", record.pk) in subject
    assert url("record_confirm", record.pk) not in subject and url("record_dismiss", record.pk) not in subject
    supervisor = text(login(client, people["supervisor"]).get(url("staff_detail", record.pk)))
    assert url("record_object", record.pk) not in supervisor
    # The objection period is open: dismissal is possible, confirmation is not yet.
    assert url("record_dismiss", record.pk) in supervisor and url("record_confirm", record.pk) not in supervisor
    assert "The subject may object until" in supervisor


# --- proposing ----------------------------------------------------------------------------------------


def test_staff_propose_with_evidence_files(client, world, people):
    login(client, people["staff"])
    assert client.get(url("staff_propose")).status_code == 200
    post = proposal_post(world.department)
    post["files"] = [evidence("判决书.pdf"), evidence("执行通知书.pdf", b"%PDF-1.4 notice")]
    response = client.post(url("staff_propose"), post, follow=True)
    record = DishonestyRecord.objects.get()
    assert response.redirect_chain[-1][0] == url("staff_detail", record.pk)
    assert record.stage == Stage.PROPOSED and record.created_by == people["staff"]
    assert sorted(record.evidence.values_list("original_name", flat=True)) == ["判决书.pdf", "执行通知书.pdf"]
    assert f"Record {record.reference} proposed" in text(response)


def test_a_proposal_with_errors_shows_them_by_field(client, world, people):
    login(client, people["staff"])
    post = proposal_post(world.department, facts="太短", facts_summary="")
    post["files"] = [SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")]
    response = client.post(url("staff_propose"), post)
    assert response.status_code == 200
    page = text(response)
    assert 'id="id_facts-error"' in page and 'id="id_facts_summary-error"' in page
    assert "Describe the facts (at least ten characters)." in page
    assert not DishonestyRecord.objects.exists()


def test_one_proposes_only_for_bodies_in_ones_scope(client, world, people):
    login(client, people["staff"])
    response = client.post(url("staff_propose"), proposal_post(world.other_department))
    assert response.status_code == 200 and 'id="id_subject_organization-error"' in response.content.decode()
    assert not DishonestyRecord.objects.exists()
    assert world.other_department not in response.context["form"].fields["subject_organization"].queryset


def test_propose_against_a_civil_servant(client, world, people):
    person = civil_servant_in(world.department, name="赵六", position="科长")
    outsider = civil_servant_in(world.other_department)
    login(client, people["supervisor"])
    form = client.get(url("staff_propose")).context["form"]
    assert person in form.fields["civil_servant"].queryset and outsider not in form.fields["civil_servant"].queryset
    post = proposal_post(world.department, civil_servant=person, subject_organization=None)
    client.post(url("staff_propose"), post)
    record = DishonestyRecord.objects.get()
    assert record.subject_kind == SubjectKind.CIVIL_SERVANT and record.subject_name == "赵六"
    assert record.subject_organization == world.department and record.origin == "supervisor"


def test_edit_a_proposal(client, world, people):
    record = record_of(world, people)
    edit = url("staff_edit", record.pk)
    assert_matrix(client, world, edit, {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 200, SUPERVISOR: 200})
    assert login(client, people["reviewer"]).get(edit).status_code == 403
    login(client, people["staff"])
    client.post(edit, proposal_post(world.department, facts_summary="逾期未履行生效判决"))
    record.refresh_from_db()
    assert record.facts_summary == "逾期未履行生效判决"
    assert AuditEvent.objects.filter(action="dishonesty_record.update", target_id=str(record.pk)).exists()
    confirmed = record_of(world, people, until="confirmed")
    response = client.get(url("staff_edit", confirmed.pk), follow=True)
    assert "Only a proposal can be edited" in text(response)


# --- objection and ruling -------------------------------------------------------------------------------


def test_the_subject_objects_with_evidence(client, world, people):
    record = record_of(world, people)
    login(client, people["reviewer"])
    short = client.post(url("record_object", record.pk), {"statement": "不同意"})
    assert short.status_code == 200 and 'id="id_object_statement-error"' in short.content.decode()
    post = {"statement": "该款项已于判决后一个月内支付，附付款凭证。", "files": [evidence("付款凭证.pdf")]}
    response = client.post(url("record_object", record.pk), post, follow=True)
    record.refresh_from_db()
    assert record.stage == Stage.OBJECTED
    assert record.evidence.get().stage == "objection"
    assert "Your objection was filed." in text(response)
    post["files"] = [evidence("付款凭证.pdf")]
    again = client.post(url("record_object", record.pk), post, follow=True)
    assert "An objection can be filed only while a proposal awaits it." in text(again)


def test_confirm_permission_matrix_after_the_objection_was_waived(client, world, people):
    record = record_of(world, people)
    login(client, people["reviewer"]).post(url("record_waive_objection", record.pk))
    record.refresh_from_db()
    assert record.objection_waived_at is not None
    assert_matrix(
        client,
        world,
        url("record_confirm", record.pk),
        {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 403, SUPERVISOR: 302},
        method="post",
        data=confirm_post(),
    )
    record.refresh_from_db()
    assert record.stage == Stage.CONFIRMED and record.ruled_by == people["supervisor"]
    assert set(record.obligations.values_list("kind", flat=True)) == {"explanation", "rectification"}


def test_confirm_errors_are_shown_by_field(client, world, people):
    record = record_of(world, people, until="waived")
    login(client, people["supervisor"])
    response = client.post(url("record_confirm", record.pk), confirm_post(publication_allowed="", reason="好"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_confirm_publication_restriction-error"' in page and 'id="id_confirm_reason-error"' in page
    assert '<details class="action-form mb-2" open>' in page
    record.refresh_from_db()
    assert record.stage == Stage.PROPOSED


def test_confirming_during_the_objection_period_is_refused_with_a_message(client, world, people):
    record = record_of(world, people)
    response = login(client, people["supervisor"]).post(url("record_confirm", record.pk), confirm_post(), follow=True)
    assert response.redirect_chain[-1][0] == url("staff_detail", record.pk)
    assert f"The subject may object until {record.objection_deadline.isoformat()}" in text(response)
    record.refresh_from_db()
    assert record.stage == Stage.PROPOSED


def test_a_supervisor_does_not_confirm_their_own_proposal(client, world, people):
    login(client, people["supervisor"])
    client.post(url("staff_propose"), proposal_post(world.department))
    record = DishonestyRecord.objects.get()
    services.record_waive_objection(record=record, actor=people["reviewer"])
    page = text(client.get(url("staff_detail", record.pk)))
    assert "another supervisor must confirm it" in page and url("record_confirm", record.pk) not in page
    response = client.post(url("record_confirm", record.pk), confirm_post(), follow=True)
    assert "You proposed this record yourself" in text(response)
    login(client, people["second_supervisor"]).post(url("record_confirm", record.pk), confirm_post())
    record.refresh_from_db()
    assert record.stage == Stage.CONFIRMED


def test_dismiss(client, world, people):
    record = record_of(world, people)
    login(client, people["staff"])
    assert client.post(url("record_dismiss", record.pk), {"reason": "证据不足，不予认定。"}).status_code == 403
    response = login(client, people["supervisor"]).post(
        url("record_dismiss", record.pk), {"reason": "证据不足，不予认定。"}, follow=True
    )
    record.refresh_from_db()
    assert record.stage == Stage.DISMISSED and record.reason == "证据不足，不予认定。"
    assert "Dismissed." in text(response)
    again = client.post(url("record_dismiss", record.pk), {"reason": "再次驳回。"}, follow=True)
    assert "This record was already ruled on (dismissed)." in text(again)


# --- publication --------------------------------------------------------------------------------------


def test_publish_and_a_refused_publication(client, world, people):
    proposed = record_of(world, people)
    login(client, people["supervisor"])
    refused = client.post(url("record_publish", proposed.pk), follow=True)
    assert "Only a confirmed record can be published." in text(refused)
    confirmed = record_of(world, people, until="confirmed")
    assert login(client, people["reviewer"]).post(url("record_publish", confirmed.pk)).status_code == 403
    response = login(client, people["supervisor"]).post(url("record_publish", confirmed.pk), follow=True)
    confirmed.refresh_from_db()
    assert confirmed.status == PublicationStatus.PUBLISHED and confirmed.listed_on == timezone.localdate()
    assert "Published: the record is on public view" in text(response)
    assert client.get(url("public_detail", confirmed.pk)).status_code == 200


def test_withdraw(client, world, people):
    record = record_of(world, people, until="published")
    login(client, people["supervisor"])
    missing = client.post(url("record_withdraw", record.pk), {"reason": ""})
    assert 'id="id_withdraw_reason-error"' in missing.content.decode()
    client.post(url("record_withdraw", record.pk), {"reason": "判决经再审撤销。"})
    record.refresh_from_db()
    assert record.status == PublicationStatus.WITHDRAWN and record.withdrawal_reason == "判决经再审撤销。"
    again = client.post(url("record_withdraw", record.pk), {"reason": "再次撤销。"}, follow=True)
    assert "cannot be withdrawn" in text(again)


def test_correct_a_published_record(client, world, people):
    record = record_of(world, people, until="published")
    correct = url("staff_correct", record.pk)
    assert login(client, people["staff"]).get(correct).status_code == 403
    login(client, people["supervisor"])
    initial = client.get(correct).context["form"].initial
    post = {name: "" if value is None else value for name, value in initial.items()}
    unchanged = client.post(correct, {**post, "reason": "核对后无需修改。"})
    assert "Nothing was changed." in text(unchanged)
    no_reason = client.post(correct, {**post, "facts_summary": "未履行法院判决", "reason": ""})
    assert 'id="id_reason-error"' in no_reason.content.decode()
    client.post(correct, {**post, "facts_summary": "未履行法院判决", "reason": "摘要表述不准确。"})
    record.refresh_from_db()
    assert record.facts_summary == "未履行法院判决" and record.version == 2
    draft = record_of(world, people, until="confirmed")
    refused = client.get(url("staff_correct", draft.pk), follow=True)
    assert "Only a published record can be corrected." in text(refused)


# --- consequences --------------------------------------------------------------------------------------


def test_explanation_submitted_returned_and_accepted(client, world, people):
    record = record_of(world, people, until="published")
    obligation = record.obligations.get(kind="explanation")
    submit = url("obligation_submit", obligation.pk)
    assert login(client, people["other_reviewer"]).post(submit, {"text": "x" * 20}).status_code == 404
    assert login(client, people["supervisor"]).post(submit, {"text": "x" * 20}).status_code == 403
    login(client, people["reviewer"])
    short = client.post(submit, {"text": "已说明"})
    assert f'id="id_submit-{obligation.pk}_text-error"' in short.content.decode()
    client.post(submit, {"text": "系财政资金未及时到位所致，现已落实。", "files": [evidence("情况说明.pdf")]})
    obligation.refresh_from_db()
    assert obligation.status == ObligationStatus.SUBMITTED
    assert obligation.submissions.get().evidence.get().original_name == "情况说明.pdf"
    login(client, people["supervisor"])
    client.post(url("obligation_return", obligation.pk), {"reason": "未说明责任人。", "extra_working_days": "5"})
    obligation.refresh_from_db()
    assert obligation.status == ObligationStatus.RETURNED
    page = text(client.get(url("staff_detail", record.pk)))
    assert "未说明责任人。" in page
    refused = client.post(url("obligation_accept", obligation.pk), {}, follow=True)
    assert "Nothing is waiting for review here." in text(refused)
    login(client, people["staff"]).post(submit, {"text": "补充：责任人为财务科负责人，已作处理。"})
    login(client, people["supervisor"]).post(url("obligation_accept", obligation.pk), {"note": "同意。"})
    obligation.refresh_from_db()
    assert obligation.status == ObligationStatus.ACCEPTED


def test_impose_lift_and_record_the_outcome_of_sanctions(client, world, people):
    record = record_of(world, people, until="published")
    impose = url("record_sanction", record.pk)
    assert login(client, people["staff"]).post(impose, {"kind": "notice_of_criticism"}).status_code == 403
    login(client, people["supervisor"])
    missing = client.post(impose, {"kind": SanctionKind.NOTICE_OF_CRITICISM, "reason": "拒不履行判决"})
    assert 'id="id_sanction_notice_text-error"' in missing.content.decode()
    client.post(
        impose,
        {"kind": SanctionKind.NOTICE_OF_CRITICISM, "reason": "拒不履行判决", "notice_text": "予以通报批评，限期整改。"},
    )
    client.post(
        impose, {"kind": SanctionKind.ACCOUNTABILITY_REFERRAL, "reason": "追究责任", "referred_to": "区纪委监委"}
    )
    notice, referral = record.sanctions.order_by("id")
    assert notice.in_force and referral.referred_to == "区纪委监委"
    assert "予以通报批评，限期整改。" in text(client.get(url("public_detail", record.pk)))
    client.post(
        url("sanction_outcome", referral.pk),
        {"outcome": "给予主要负责人诫勉谈话。", "outcome_on": timezone.localdate()},
    )
    referral.refresh_from_db()
    assert referral.outcome == "给予主要负责人诫勉谈话。"
    refused = client.post(url("sanction_outcome", notice.pk), {"outcome": "无", "outcome_on": ""}, follow=True)
    assert "Only a referral for accountability has an outcome." in text(refused)
    client.post(url("sanction_lift", notice.pk), {"reason": "整改完成，予以解除。"})
    notice.refresh_from_db()
    assert notice.status == SanctionStatus.LIFTED
    again = client.post(url("sanction_lift", notice.pk), {"reason": "再次解除。"}, follow=True)
    assert "This sanction was already lifted." in text(again)


# --- credit repair --------------------------------------------------------------------------------------


def test_repair_is_refused_before_the_minimum_period_with_the_date(client, world, people):
    record = record_of(world, people, until="published")
    settle_obligations(record, people)
    login(client, people["reviewer"])
    page = text(client.get(url("staff_detail", record.pk)))
    expected = f"Credit repair can be applied for from {record.publicity_min_ends_on.isoformat()}"
    assert expected in page and url("record_repair", record.pk) not in page
    post = {"statement": "整改完成，申请信用修复。", "files": [evidence()]}
    response = client.post(url("record_repair", record.pk), post, follow=True)
    assert expected in text(response) and not RepairApplication.objects.exists()


def test_repair_applied_for_followed_and_approved(client, world, people):
    record = open_for_repair(record_of(world, people, until="published"), people)
    login(client, people["reviewer"])
    assert url("record_repair", record.pk) in client.get(url("staff_detail", record.pk)).content.decode()
    without_files = client.post(url("record_repair", record.pk), {"statement": "整改完成，申请信用修复。"})
    assert 'id="id_repair_files-error"' in without_files.content.decode()
    post = {"statement": "判决已履行完毕，整改到位，申请信用修复。", "files": [evidence("履行凭证.pdf")]}
    client.post(url("record_repair", record.pk), post)
    application = RepairApplication.objects.get()
    page = text(client.get(url("staff_detail", record.pk)))
    assert "Under review" in page and application.review_due_on.isoformat() in page
    assert "An application is already under review." in page
    assert (
        login(client, people["reviewer"]).post(url("repair_approve", application.pk), {"reason": "同意"}).status_code
        == 403
    )
    login(client, people["supervisor"])
    response = client.post(url("repair_approve", application.pk), {"reason": "整改到位，同意修复。"}, follow=True)
    record.refresh_from_db()
    application.refresh_from_db()
    assert record.status == PublicationStatus.REPAIRED and application.status == RepairStatus.APPROVED
    assert "Credit repair approved" in text(response)
    follow = text(login(client, people["reviewer"]).get(url("staff_detail", record.pk)))
    assert "Credit repaired" in follow and "整改到位，同意修复。" in follow
    assert client.get(url("public_detail", record.pk)).status_code == 404


def test_repair_rejected_with_reasons(client, world, people):
    record = open_for_repair(record_of(world, people, until="published"), people)
    application = services.repair_apply(
        record=record, statement="整改完成，申请信用修复。", actor=people["staff"], files=[evidence()]
    )
    login(client, people["supervisor"])
    no_reason = client.post(url("repair_reject", application.pk), {"reason": ""})
    assert f'id="id_reject-{application.pk}_reason-error"' in no_reason.content.decode()
    client.post(url("repair_reject", application.pk), {"reason": "整改证明材料不足。"})
    application.refresh_from_db()
    assert application.status == RepairStatus.REJECTED
    again = client.post(url("repair_approve", application.pk), {"reason": "同意修复。"}, follow=True)
    assert "This application was already decided (rejected)." in text(again)
    page = text(login(client, people["reviewer"]).get(url("staff_detail", record.pk)))
    assert "整改证明材料不足。" in page and url("record_repair", record.pk) in page  # may apply again


# --- evidence and supervision --------------------------------------------------------------------------------


def test_evidence_download_matrix(client, world, people):
    record = services.record_propose(
        data=proposal_data(world.department), actor=people["staff"], files=[evidence("判决书.pdf", b"%PDF-1.4 judgment")]
    )
    file = Evidence.objects.get(record=record)
    download = url("staff_evidence", file.pk)
    assert_matrix(client, world, download, {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 200, SUPERVISOR: 200})
    response = login(client, people["reviewer"]).get(download)
    assert b"".join(response.streaming_content) == b"%PDF-1.4 judgment"
    assert response["Content-Disposition"].startswith("attachment")
    downloads = AuditEvent.objects.filter(action="evidence.download", target_id=str(file.pk))
    assert downloads.count() == 3 and downloads.filter(actor=people["reviewer"]).exists()
    assert login(client, people["city_supervisor"]).get(download).status_code == 200
    assert login(client, people["other_reviewer"]).get(download).status_code == 404


def test_supervision_shows_open_and_overdue_items(client, world, people):
    late = record_of(world, people, until="published")
    Obligation.objects.filter(record=late, kind="explanation").update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    services.refresh_rectification_states([late.pk])
    on_time = record_of(world, people, until="published")
    theirs = other_districts_record(world, people, until="published")
    assert login(client, people["staff"]).get(url("staff_supervision")).status_code == 403
    response = login(client, people["supervisor"]).get(url("staff_supervision"))
    assert {o.record_id for o in response.context["overdue_obligations"]} == {late.pk}
    assert {o.record_id for o in response.context["open_obligations"]} == {late.pk, on_time.pk}
    assert dict(response.context["rectification_counts"])["Rectification overdue"] == 1
    assert theirs.pk not in {o.record_id for o in response.context["open_obligations"]}
    assert "overdue" in text(response)


def test_the_timeline_tells_the_story(client, world, people):
    record = record_of(world, people, until="published")
    page = text(login(client, people["staff"]).get(url("staff_detail", record.pk)))
    timeline = page[page.index('id="timeline"') :]
    for label in ("Proposed", "Objection waived", "Confirmed", "Published"):
        assert label in timeline, label
    assert timeline.index("Proposed") < timeline.index("Confirmed") < timeline.index("Published")


def test_the_record_page_costs_the_same_however_much_hangs_from_it(
    client, world, people, django_assert_max_num_queries
):
    record = open_for_repair(record_of(world, people, until="published"), people)

    def sanction_and_refused_application(number):
        services.sanction_impose(
            record=record,
            kind=SanctionKind.NOTICE_OF_CRITICISM,
            reason=f"第{number}次通报",
            notice_text="予以通报批评，限期整改到位。",
            actor=people["supervisor"],
        )
        application = services.repair_apply(
            record=record, statement="整改完成，申请信用修复。", actor=people["staff"], files=[evidence()]
        )
        services.repair_reject(application=application, reason="材料不足。", actor=people["supervisor"])

    sanction_and_refused_application(0)
    login(client, people["supervisor"])
    with django_assert_max_num_queries(20) as captured:
        client.get(url("staff_detail", record.pk))
    for number in range(1, 4):
        sanction_and_refused_application(number)
    with django_assert_max_num_queries(len(captured.captured_queries)):
        response = client.get(url("staff_detail", record.pk))
    assert len(response.context["sanctions"]) == 4 and len(response.context["repairs"]) == 4


def test_a_provisional_deadline_is_marked(client, world, people):
    record = record_of(world, people)
    DishonestyRecord.objects.filter(pk=record.pk).update(objection_deadline_provisional=True)
    page = text(login(client, people["reviewer"]).get(url("staff_detail", record.pk)))
    assert "provisional" in page and "How the deadline was counted" in page
    assert "only weekends were skipped" in page
