"""The staff pages of complaints: who sees what (the matrix), every act by POST — done, refused by field,
forbidden — the identity shown by a logged act only and withheld without consent, audited attachment
downloads, registering a letter, the deadline rules, and the list and the page in a fixed number of
queries however many rows and steps there are."""

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from complaints import services
from complaints.choices import Channel, DeadlineKind, DeclineReason, EventKind, Status
from complaints.models import Complaint, DeadlineRule
from core.models import AuditEvent
from tests.complaints.factories import cast_for, file_complaint
from tests.dishonesty_records.factories import Clock

pytestmark = pytest.mark.django_db
D = datetime.date
REPLY = "经核查，窗口已整改，建立一次性告知清单。"
REASON = "情况复杂，需要进一步调查核实。"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, D(2026, 7, 1))


@pytest.fixture
def cast(world):
    return cast_for(world)


def detail_url(complaint):
    return reverse("complaints:staff_detail", args=[complaint.pk])


def act_url(complaint, act):
    return reverse(f"complaints:staff_{act}", args=[complaint.pk])


def as_(client, user):
    """Signed in as `user` (or nobody), the pages in English."""
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def received(world, **changes):
    return file_complaint(world.department, **changes).complaint


def accepted(world, cast, **changes):
    complaint = received(world, **changes)
    return services.complaint_accept(complaint=complaint, handling_organization=world.department, actor=cast["intake"])


def replied(world, cast, **changes):
    complaint = accepted(world, cast, **changes)
    return services.complaint_reply(complaint=complaint, text=REPLY, actor=cast["handler"])


def reload(complaint):
    return Complaint.objects.get(pk=complaint.pk)


# --- who sees what -----------------------------------------------------------------------------------


def test_the_permission_matrix_of_the_page_and_the_list(client, world, cast, clock):
    complaint = accepted(world, cast)
    url = detail_url(complaint)
    assert as_(client, None).get(url).status_code == 302
    assert as_(client, None).get(reverse("complaints:staff_list")).status_code == 302
    for persona in ("other_staff", "other_supervisor"):
        assert as_(client, cast[persona]).get(url).status_code == 404, persona
        listing = as_(client, cast[persona]).get(reverse("complaints:staff_list") + "?queue=all")
        assert listing.status_code == 200 and complaint.tracking_code not in listing.content.decode()
    for persona in ("handler", "head", "supervisor", "intake", "city_supervisor"):
        assert as_(client, cast[persona]).get(url).status_code == 200, persona
        listing = as_(client, cast[persona]).get(reverse("complaints:staff_list") + "?queue=all")
        assert complaint.tracking_code in listing.content.decode(), persona


def test_someone_without_a_complaint_role_is_refused_the_list(client, world):
    from organizations.choices import Role
    from tests.factories import user_with_role

    officer = user_with_role(Role.PERSONNEL_OFFICER, world.department)
    assert as_(client, officer).get(reverse("complaints:staff_list")).status_code == 403


def test_the_queues_by_role_soonest_first_and_overdue_marked(client, world, cast, clock):
    late = received(world, title="最早收到的投诉事项")
    clock.set(D(2026, 7, 10))
    soon = received(world, title="稍后收到的投诉事项")
    handled = accepted(world, cast, title="已受理的投诉事项")
    clock.set(D(2026, 7, 20))  # the first one's acceptance was due on 16 July
    page = as_(client, cast["intake"]).get(reverse("complaints:staff_list")).content.decode()
    assert page.index(late.tracking_code) < page.index(soon.tracking_code)
    assert "overdue" in page and handled.tracking_code not in page
    page = as_(client, cast["handler"]).get(reverse("complaints:staff_list")).content.decode()
    assert handled.tracking_code in page and late.tracking_code not in page
    page = as_(client, cast["supervisor"]).get(reverse("complaints:staff_list") + "?queue=overdue").content.decode()
    assert late.tracking_code in page and soon.tracking_code not in page
    found = as_(client, cast["intake"]).get(reverse("complaints:staff_list"), {"code": soon.tracking_code.lower()})
    assert soon.tracking_code in found.content.decode() and late.tracking_code not in found.content.decode()


def test_the_deadline_queue_pages_by_keyset(client, world, cast, clock, monkeypatch):
    from complaints.views.staff import queues

    monkeypatch.setattr(queues, "PAGE_SIZE", 2)
    made = [received(world, title=f"第{n}件投诉事项") for n in range(3)]
    first = as_(client, cast["intake"]).get(reverse("complaints:staff_list"))
    after = first.context["page"].next_after
    assert after and [c.pk for c in first.context["page"].items] == [made[0].pk, made[1].pk]
    second = client.get(reverse("complaints:staff_list"), {"queue": "decide", "after": after})
    assert [c.pk for c in second.context["page"].items] == [made[2].pk]
    assert client.get(reverse("complaints:staff_list"), {"after": "garbage.x"}).status_code == 200


# --- the acts ----------------------------------------------------------------------------------------


def test_accept_and_assign(client, world, cast, clock):
    complaint = received(world)
    response = as_(client, cast["supervisor"]).post(
        act_url(complaint, "accept"), {"handling_organization": world.department.pk}
    )
    assert response.status_code == 403
    response = as_(client, cast["intake"]).post(act_url(complaint, "accept"), {"handling_organization": ""})
    assert response.status_code == 400 and "id_accept_handling_organization-error" in response.content.decode()
    response = client.post(act_url(complaint, "accept"), {"handling_organization": world.department.pk, "note": ""})
    assert response.status_code == 302
    assert reload(complaint).status == Status.ACCEPTED and reload(complaint).handling_organization == world.department


def test_the_organization_picker_offers_active_organizations_only(client, world, cast, clock):
    world.other_department.is_active = False
    world.other_department.save(update_fields=["is_active"])
    complaint = received(world)
    page = as_(client, cast["intake"]).get(detail_url(complaint))
    choices = {str(value) for value, _label in page.context["forms"]["accept"].fields["handling_organization"].choices}
    assert str(world.department.pk) in choices and str(world.other_department.pk) not in choices


def test_decline(client, world, cast, clock):
    complaint = received(world)
    data = {"reason": DeclineReason.LITIGATION, "explanation": "该事项已进入行政复议程序，请依法等待复议结果。"}
    assert as_(client, cast["supervisor"]).post(act_url(complaint, "decline"), data).status_code == 403
    response = as_(client, cast["intake"]).post(act_url(complaint, "decline"), {**data, "explanation": ""})
    assert response.status_code == 400 and "id_decline_explanation-error" in response.content.decode()
    assert client.post(act_url(complaint, "decline"), data).status_code == 302
    assert reload(complaint).status == Status.DECLINED


def test_transfer(client, world, cast, clock):
    complaint = accepted(world, cast)
    data = {"handling_organization": world.district.pk, "reason": "属区政府职权范围"}
    assert as_(client, cast["handler"]).post(act_url(complaint, "transfer"), data).status_code == 403
    response = as_(client, cast["supervisor"]).post(act_url(complaint, "transfer"), {**data, "reason": ""})
    assert response.status_code == 400 and "id_transfer_reason-error" in response.content.decode()
    assert client.post(act_url(complaint, "transfer"), data).status_code == 302
    assert reload(complaint).handling_organization == world.district


def test_extend(client, world, cast, clock):
    complaint = accepted(world, cast)
    assert (
        as_(client, cast["handler"]).post(act_url(complaint, "extend"), {"days": 10, "reason": REASON}).status_code
        == 403
    )
    response = as_(client, cast["head"]).post(act_url(complaint, "extend"), {"days": 45, "reason": REASON})
    assert response.status_code == 400 and "At most 30 days." in response.content.decode()
    assert client.post(act_url(complaint, "extend"), {"days": 10, "reason": REASON}).status_code == 302
    assert reload(complaint).extension_days == 10
    again = client.post(act_url(complaint, "extend"), {"days": 5, "reason": REASON}, follow=True)
    assert "extended once already" in again.content.decode()


def test_reply(client, world, cast, clock):
    complaint = accepted(world, cast)
    assert as_(client, cast["head"]).post(act_url(complaint, "reply"), {"text": REPLY}).status_code == 403
    response = as_(client, cast["handler"]).post(act_url(complaint, "reply"), {"text": "好"})
    assert response.status_code == 400 and "id_reply_text-error" in response.content.decode()
    assert client.post(act_url(complaint, "reply"), {"text": REPLY}).status_code == 302
    assert reload(complaint).status == Status.REPLIED


def test_review_answer(client, world, cast, clock):
    complaint = replied(world, cast)
    services.complaint_review_request(complaint=complaint, reason="答复没有说明整改的具体措施和时间。")
    assert as_(client, cast["handler"]).post(act_url(complaint, "review"), {"text": REPLY}).status_code == 403
    response = as_(client, cast["head"]).post(act_url(complaint, "review"), {"text": ""})
    assert response.status_code == 400 and "id_review_text-error" in response.content.decode()
    assert client.post(act_url(complaint, "review"), {"text": REPLY}).status_code == 302
    assert reload(complaint).status == Status.REVIEWED


def test_reopen(client, world, cast, clock):
    complaint = replied(world, cast)
    assert as_(client, cast["head"]).post(act_url(complaint, "reopen"), {"reason": REASON}).status_code == 403
    response = as_(client, cast["supervisor"]).post(act_url(complaint, "reopen"), {"reason": ""})
    assert response.status_code == 400 and "id_reopen_reason-error" in response.content.decode()
    assert client.post(act_url(complaint, "reopen"), {"reason": REASON}).status_code == 302
    assert reload(complaint).status == Status.ACCEPTED


def test_escalate(client, world, cast, clock):
    complaint = accepted(world, cast)
    assert as_(client, cast["handler"]).post(act_url(complaint, "escalate"), {"reason": REASON}).status_code == 403
    response = as_(client, cast["supervisor"]).post(act_url(complaint, "escalate"), {"reason": ""})
    assert response.status_code == 400 and "id_escalate_reason-error" in response.content.decode()
    assert client.post(act_url(complaint, "escalate"), {"reason": REASON}).status_code == 302
    assert reload(complaint).escalated_at is not None
    listing = client.get(reverse("complaints:staff_list"), {"queue": "escalated"}).content.decode()
    assert complaint.tracking_code in listing


def test_internal_note(client, world, cast, clock):
    complaint = accepted(world, cast)
    assert as_(client, cast["other_staff"]).post(act_url(complaint, "note"), {"text": "无关"}).status_code == 404
    response = as_(client, cast["handler"]).post(act_url(complaint, "note"), {"text": ""})
    assert response.status_code == 400 and "id_note_text-error" in response.content.decode()
    assert client.post(act_url(complaint, "note"), {"text": "已电话联系窗口负责人。"}).status_code == 302
    note = reload(complaint).events.get(kind=EventKind.NOTE)
    assert not note.public
    page = client.get(detail_url(complaint)).content.decode()
    assert "已电话联系窗口负责人。" in page and "internal" in page


def test_merge_a_near_duplicate_into_this_one(client, world, cast, clock):
    first = received(world)
    second = received(world)
    page = as_(client, cast["intake"]).get(detail_url(first))
    assert [item.complaint.pk for item in page.context["duplicates"]] == [second.pk]
    assert "Merge into this one" in page.content.decode()
    data = {"other": second.pk, "direction": "into_this"}
    assert as_(client, cast["supervisor"]).post(act_url(first, "merge"), data).status_code == 403
    response = as_(client, cast["intake"]).post(act_url(first, "merge"), {**data, "other": 999999})
    assert response.status_code == 400 and "near-duplicates" in response.content.decode()
    assert client.post(act_url(first, "merge"), data).status_code == 302
    assert reload(second).status == Status.MERGED and reload(second).merged_into_id == first.pk
    # the handler of another organization never learns of either
    assert as_(client, cast["handler"]).get(detail_url(first)).status_code == 404


def test_substantiate_links_to_the_proposed_record(client, world, cast, clock):
    complaint = replied(world, cast)
    assert (
        as_(client, cast["handler"]).post(act_url(complaint, "substantiate"), {"severity": "general"}).status_code
        == 403
    )
    response = as_(client, cast["intake"]).post(act_url(complaint, "substantiate"), {"severity": "nonsense"})
    assert response.status_code == 400 and "id_substantiate_severity-error" in response.content.decode()
    response = client.post(act_url(complaint, "substantiate"), {"severity": "general"}, follow=True)
    record_id = reload(complaint).dishonesty_record_id
    assert record_id is not None
    assert reverse("dishonesty_records:staff_detail", args=[record_id]) in response.content.decode()


def test_an_act_the_status_does_not_allow_comes_back_as_a_message(client, world, cast, clock):
    complaint = replied(world, cast)
    response = as_(client, cast["intake"]).post(
        act_url(complaint, "accept"), {"handling_organization": world.department.pk}, follow=True
    )
    assert response.status_code == 200 and "Not possible while the complaint is" in response.content.decode()


# --- the identity ------------------------------------------------------------------------------------


def test_the_identity_is_masked_and_shown_once_by_a_logged_act(client, world, cast, clock):
    complaint = accepted(world, cast)
    page = as_(client, cast["intake"]).get(detail_url(complaint)).content.decode()
    assert "张*" in page and "张三" not in page and "13800000000" not in page
    refused = client.post(act_url(complaint, "identity"), {"purpose": ""})
    assert refused.status_code == 400 and "张三" not in refused.content.decode()
    shown = client.post(act_url(complaint, "identity"), {"purpose": "电话回访核实投诉情况"})
    assert shown.status_code == 200 and "张三" in shown.content.decode() and "13800000000" in shown.content.decode()
    audit = AuditEvent.objects.get(action="complaints.identity.view")
    assert audit.after["reason"] == "电话回访核实投诉情况"
    assert "张三" not in client.get(detail_url(complaint)).content.decode()


def test_without_consent_the_handling_organization_sees_no_identity(client, world, cast, clock):
    complaint = accepted(world, cast)
    page = as_(client, cast["handler"]).get(detail_url(complaint)).content.decode()
    assert "identity withheld: no consent" in page and "张三" not in page
    assert client.post(act_url(complaint, "identity"), {"purpose": "电话回访核实投诉情况"}).status_code == 403
    assert not AuditEvent.objects.filter(action="complaints.identity.view").exists()


def test_with_consent_the_handler_may_ask_and_an_anonymous_complaint_has_none(client, world, cast, clock):
    consented = accepted(world, cast, consent_to_share=True)
    shown = as_(client, cast["handler"]).post(act_url(consented, "identity"), {"purpose": "电话回访核实投诉情况"})
    assert shown.status_code == 200 and "张三" in shown.content.decode()
    anonymous = accepted(world, cast, anonymous=True)
    page = as_(client, cast["intake"]).get(detail_url(anonymous)).content.decode()
    assert "anonymous" in page and "Show the identity" not in page
    assert client.post(act_url(anonymous, "identity"), {"purpose": "电话回访核实投诉情况"}).status_code == 403


# --- attachments, registering, deadlines --------------------------------------------------------------


def test_an_attachment_is_downloaded_audited_and_hidden_from_outsiders(client, world, cast, clock):
    pdf = SimpleUploadedFile("回执.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    complaint = file_complaint(world.department, files=[pdf]).complaint
    attachment = complaint.attachments.get()
    url = reverse("complaints:staff_attachment", args=[attachment.pk])
    assert url in as_(client, cast["intake"]).get(detail_url(complaint)).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment")
    audit = AuditEvent.objects.get(action="complaints.attachment.download")
    assert audit.after["file"] == "回执.pdf"
    for persona in ("other_staff", "other_supervisor", "handler"):  # not yet assigned: not the handler's
        assert as_(client, cast[persona]).get(url).status_code == 404, persona
    assert as_(client, None).get(url).status_code == 302
    assert AuditEvent.objects.filter(action="complaints.attachment.download").count() == 1


def register_data(world, **changes):
    return {
        "channel": Channel.LETTER,
        "received_on": "2026-06-25",
        "category": "broken_pledge",
        "organization": world.department.pk,
        "title": "来信反映承诺未兑现",
        "facts": "来信人反映区市场监管局承诺的办理时限没有兑现，多次催问无果。",
        "name": "李四",
        "address": "杭州市某街道某号",
        **changes,
    }


def test_registering_a_letter_shows_the_code_and_secret_once(client, world, cast, clock):
    assert as_(client, cast["handler"]).get(reverse("complaints:staff_register")).status_code == 403
    as_(client, cast["intake"])
    assert client.get(reverse("complaints:staff_register")).status_code == 200
    future = client.post(reverse("complaints:staff_register"), register_data(world, received_on="2026-07-02"))
    assert future.status_code == 400 and "This date is in the future." in future.content.decode()
    no_name = client.post(reverse("complaints:staff_register"), register_data(world, name=""))
    assert no_name.status_code == 400 and not Complaint.objects.exists()
    response = client.post(reverse("complaints:staff_register"), register_data(world))
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.LETTER and complaint.received_on == D(2026, 6, 25)
    assert complaint.received_by_label and complaint.accept_due == D(2026, 7, 10)
    secret = response.context["secret"]
    page = response.content.decode()
    assert complaint.tracking_code in page and secret in page
    assert secret not in client.get(detail_url(complaint)).content.decode()
    assert as_(client, cast["supervisor"]).get(reverse("complaints:staff_register")).status_code == 200


def test_the_deadline_rules_are_set_by_the_city_supervisors_only(client, world, cast):
    url = reverse("complaints:staff_deadline_edit", args=[DeadlineKind.ACCEPT])
    page = as_(client, cast["supervisor"]).get(reverse("complaints:staff_deadlines"))
    assert page.status_code == 200 and "信访工作条例" in page.content.decode() and not page.context["editable"]
    assert client.post(url, {"days": 10, "legal_basis": ""}).status_code == 403
    as_(client, cast["city_supervisor"])
    assert client.get(reverse("complaints:staff_deadlines")).context["editable"]
    wrong = client.post(url, {"days": 0})
    assert wrong.status_code == 400 and "id_accept_days-error" in wrong.content.decode()
    assert client.post(url, {"days": 10, "legal_basis": "杭州市信访工作规定"}).status_code == 302
    rule = DeadlineRule.objects.get(kind=DeadlineKind.ACCEPT)
    assert rule.days == 10 and rule.legal_basis == "杭州市信访工作规定"
    assert client.post(reverse("complaints:staff_deadline_edit", args=["nonsense"]), {"days": 3}).status_code == 404


# --- query counts ------------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_takes_the_same_queries_for_more_rows(client, world, cast, clock):
    for _n in range(2):
        accepted(world, cast)
    as_(client, cast["supervisor"])
    urls = [reverse("complaints:staff_list") + f"?queue={queue}" for queue in ("review", "overdue", "all")]
    before = [count_queries(client, url) for url in urls]
    for _n in range(6):
        accepted(world, cast)
    assert [count_queries(client, url) for url in urls] == before


def test_the_list_never_counts_the_table(client, world, cast, clock):
    accepted(world, cast)
    as_(client, cast["intake"])
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("complaints:staff_list") + "?queue=all")
    complaint_queries = [q["sql"].lower() for q in queries.captured_queries if "complaints_complaint" in q["sql"]]
    assert complaint_queries and not any("count(" in sql for sql in complaint_queries)


def test_the_page_takes_the_same_queries_for_more_steps(client, world, cast, clock):
    pdf = SimpleUploadedFile("回执.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    complaint = file_complaint(world.department, files=[pdf]).complaint
    complaint = services.complaint_accept(
        complaint=complaint, handling_organization=world.department, actor=cast["intake"]
    )
    as_(client, cast["supervisor"])
    before = count_queries(client, detail_url(complaint))
    for n in range(6):
        services.complaint_note(complaint=complaint, text=f"第{n}条内部记录", actor=cast["handler"])
    assert count_queries(client, detail_url(complaint)) == before
