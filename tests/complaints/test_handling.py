"""Handling: accept and assign, decline with reasons, one extension with approval, reply, a review asked
once within its period and answered, reopen, escalate, merge near-duplicates, a substantiated complaint
proposing a dishonesty record — each by whom it belongs to, at its boundaries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from complaints import services
from complaints.choices import DeadlineKind, DeclineReason, EventKind, Status
from complaints.models import Complaint, DeadlineRule
from dishonesty_records.choices import Origin, SourceKind
from dishonesty_records.models import DishonestyRecord
from tests.complaints.factories import cast_for, file_complaint
from tests.dishonesty_records.factories import Clock

pytestmark = pytest.mark.django_db
D = datetime.date


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


@pytest.fixture
def complaint(world, clock):
    return file_complaint(world.department).complaint


def accepted(complaint, cast, world):
    return services.complaint_accept(complaint=complaint, handling_organization=world.department, actor=cast["intake"])


def test_the_whole_handling_with_its_calendar_day_deadlines(world, cast, complaint, clock):
    assert complaint.accept_due == D(2026, 7, 16)
    complaint = accepted(complaint, cast, world)
    assert complaint.status == Status.ACCEPTED and complaint.handling_organization == world.department
    assert complaint.handle_due == D(2026, 8, 31)  # 60 days from 1 July is Sunday 30 August → Monday 31
    clock.day = D(2026, 8, 20)
    complaint = services.complaint_reply(
        complaint=complaint, text="经核查，窗口已整改，建立一次性告知清单。", actor=cast["handler"]
    )
    assert complaint.status == Status.REPLIED and complaint.replied_on == D(2026, 8, 20)
    # 30 days later is Saturday 19 September; Sunday 20 September 2026 is a make-up working day (调休).
    assert complaint.review_request_due == D(2026, 9, 20)
    kinds = list(complaint.events.values_list("kind", "public"))
    assert kinds == [
        (EventKind.FILED, True),
        (EventKind.ACCEPTED, True),
        (EventKind.ASSIGNED, True),
        (EventKind.REPLIED, True),
    ]


def test_who_may_take_each_act(world, cast, complaint):
    with pytest.raises(PermissionDenied):
        services.complaint_accept(complaint=complaint, handling_organization=world.department, actor=cast["handler"])
    with pytest.raises(PermissionDenied):
        services.complaint_accept(
            complaint=complaint, handling_organization=world.department, actor=cast["other_supervisor"]
        )
    complaint = accepted(complaint, cast, world)
    with pytest.raises(PermissionDenied):
        services.complaint_reply(complaint=complaint, text="与我无关的答复内容。", actor=cast["other_staff"])
    with pytest.raises(PermissionDenied):
        services.complaint_extend(complaint=complaint, days=10, reason="情况复杂", actor=cast["handler"])
    with pytest.raises(PermissionDenied):
        services.complaint_reopen(complaint=complaint, reason="重新办理", actor=cast["handler"])
    services.complaint_extend(complaint=complaint, days=10, reason="需要调取档案", actor=cast["head"])


def test_one_extension_of_at_most_thirty_days(world, cast, complaint):
    complaint = accepted(complaint, cast, world)
    with pytest.raises(ValidationError) as caught:
        services.complaint_extend(complaint=complaint, days=31, reason="情况复杂", actor=cast["head"])
    assert "days" in caught.value.message_dict
    complaint = services.complaint_extend(complaint=complaint, days=30, reason="涉及多个部门", actor=cast["supervisor"])
    assert complaint.extension_days == 30
    assert complaint.handle_due == D(2026, 9, 29)  # 90 days from 1 July
    assert complaint.periods[DeadlineKind.HANDLE] == {"start": "2026-07-01", "days": 90}
    with pytest.raises(ValidationError):
        services.complaint_extend(complaint=complaint, days=5, reason="再延", actor=cast["head"])


def test_decline_needs_a_reason_and_an_explanation(world, cast, complaint):
    with pytest.raises(ValidationError) as caught:
        services.complaint_decline(complaint=complaint, reason="bored", explanation="", actor=cast["intake"])
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.complaint_decline(
            complaint=complaint, reason=DeclineReason.LITIGATION, explanation="", actor=cast["intake"]
        )
    assert "explanation" in caught.value.message_dict
    complaint = services.complaint_decline(
        complaint=complaint,
        reason=DeclineReason.LITIGATION,
        explanation="该事项已进入行政复议程序，请关注复议结果。",
        actor=cast["intake"],
    )
    assert complaint.status == Status.DECLINED
    with pytest.raises(ValidationError):
        accepted(complaint, cast, world)  # a decided complaint is not accepted afterwards


def test_a_review_is_asked_once_and_only_within_its_period(world, cast, complaint, clock):
    complaint = accepted(complaint, cast, world)
    clock.day = D(2026, 8, 20)
    complaint = services.complaint_reply(complaint=complaint, text="经核查，窗口已整改到位。", actor=cast["handler"])
    clock.day = D(2026, 9, 21)  # the day after the period (it ended on the make-up Sunday, 20 September)
    with pytest.raises(ValidationError) as caught:
        services.complaint_review_request(complaint=complaint, reason="答复没有解决我的问题，整改不到位。")
    assert caught.value.code == "too_late"
    clock.day = D(2026, 9, 20)  # the last day
    with pytest.raises(ValidationError) as caught:
        services.complaint_review_request(complaint=complaint, reason="不满意")
    assert "reason" in caught.value.message_dict
    complaint = services.complaint_review_request(complaint=complaint, reason="答复没有解决我的问题，整改不到位。")
    assert complaint.status == Status.REVIEW_REQUESTED and complaint.review_due == D(2026, 10, 20)
    with pytest.raises(ValidationError):
        services.complaint_review_request(complaint=complaint, reason="再一次请求复核，理由同上。")
    with pytest.raises(PermissionDenied):
        services.complaint_review_answer(complaint=complaint, text="维持原答复意见。", actor=cast["handler"])
    complaint = services.complaint_review_answer(
        complaint=complaint, text="经复核，维持原处理意见。", actor=cast["supervisor"]
    )
    assert complaint.status == Status.REVIEWED
    with pytest.raises(ValidationError):
        services.complaint_review_request(complaint=complaint, reason="答复没有解决我的问题，整改不到位。")


def test_a_changed_period_applies_to_what_is_counted_afterwards(world, cast, complaint):
    services.deadline_rule_set(kind=DeadlineKind.ACCEPT, days=10, actor=cast["city_supervisor"])
    assert DeadlineRule.objects.get(kind=DeadlineKind.ACCEPT).days == 10
    complaint.refresh_from_db()
    assert complaint.accept_due == D(2026, 7, 16)  # counted before the change
    later = file_complaint(world.department).complaint
    assert later.accept_due == D(2026, 7, 13)  # 11 July is a Saturday
    with pytest.raises(PermissionDenied):
        services.deadline_rule_set(kind=DeadlineKind.ACCEPT, days=5, actor=cast["supervisor"])  # a district's
    with pytest.raises(ValidationError):
        services.deadline_rule_set(kind=DeadlineKind.ACCEPT, days=0, actor=cast["city_supervisor"])


def test_reopen_and_escalate(world, cast, complaint):
    complaint = accepted(complaint, cast, world)
    complaint = services.complaint_reply(complaint=complaint, text="经核查，情况属实已整改。", actor=cast["handler"])
    complaint = services.complaint_reopen(complaint=complaint, reason="抽查发现未整改", actor=cast["supervisor"])
    assert complaint.status == Status.ACCEPTED and complaint.handle_due == D(2026, 8, 31)
    complaint = services.complaint_escalate(complaint=complaint, reason="多次投诉未解决", actor=cast["supervisor"])
    assert complaint.escalated_at is not None
    assert not complaint.events.get(kind=EventKind.ESCALATED).public
    with pytest.raises(ValidationError):
        services.complaint_escalate(complaint=complaint, reason="再次上报", actor=cast["supervisor"])


def test_merging_near_duplicates_lets_every_complainant_follow_one_handling(world, cast, complaint):
    second = file_complaint(world.department, name="李四").complaint
    with pytest.raises(PermissionDenied):
        services.complaint_merge(complaint=second, into=complaint, actor=cast["handler"])
    elsewhere = file_complaint(world.other_department).complaint
    with pytest.raises(ValidationError):
        services.complaint_merge(complaint=elsewhere, into=complaint, actor=cast["intake"])
    second = services.complaint_merge(complaint=second, into=complaint, actor=cast["intake"])
    assert second.status == Status.MERGED and second.merged_into == complaint
    complaint = accepted(complaint, cast, world)
    services.complaint_reply(complaint=complaint, text="经核查，已统一整改并答复。", actor=cast["handler"])
    assert second.events.filter(kind=EventKind.REPLIED, text__contains="统一整改").exists()
    # The follower's review request is the matter's.
    services.complaint_review_request(complaint=second, reason="整改后仍然要求多次补交材料。")
    assert Complaint.objects.get(pk=complaint.pk).status == Status.REVIEW_REQUESTED


def test_a_substantiated_complaint_proposes_a_dishonesty_record_naming_it(world, cast, complaint):
    complaint = accepted(complaint, cast, world)
    complaint = services.complaint_reply(
        complaint=complaint, text="经核查，投诉属实，责令整改。", actor=cast["handler"]
    )
    with pytest.raises(PermissionDenied):
        services.complaint_substantiate(complaint=complaint, data={}, actor=cast["handler"])
    record = services.complaint_substantiate(complaint=complaint, data={}, actor=cast["intake"])
    assert (record.origin, record.origin_record_type, record.origin_record_id) == (
        Origin.COMPLAINT,
        "complaints.complaint",
        complaint.pk,
    )
    assert record.source_kind == SourceKind.COMPLAINT and record.source_document_number == complaint.tracking_code
    assert record.subject_organization == world.department
    complaint.refresh_from_db()
    assert complaint.dishonesty_record_id == record.pk
    with pytest.raises(ValidationError):
        services.complaint_substantiate(complaint=complaint, data={}, actor=cast["intake"])
    assert DishonestyRecord.objects.count() == 1


def test_near_duplicates_are_the_same_organizations_alike_text_close_in_time(world, cast, complaint, clock):
    from complaints.selectors import near_duplicates, similarity

    alike = file_complaint(
        world.department, name="李四", facts="九月去窗口办理企业登记，工作人员三次要求补交不同材料，没有一次性告知。"
    ).complaint
    file_complaint(world.department, title="拖欠工程款", facts="区里拖欠我公司工程款两年，多次催要没有结果。")
    file_complaint(world.other_department)  # same text, another organization
    clock.day = D(2026, 9, 1)
    file_complaint(world.department)  # same text, two months later
    found = near_duplicates(complaint)
    assert [item.complaint.pk for item in found] == [alike.pk]
    assert found[0].similarity >= 0.3
    assert similarity("", "abc") == 0.0


def test_every_deadline_is_explained_from_one_calendar_read(world, cast, complaint, clock, django_assert_num_queries):
    from complaints.services.deadlines import explain

    complaint = accepted(complaint, cast, world)
    complaint = services.complaint_reply(complaint=complaint, text="经核查，已整改并答复。", actor=cast["handler"])
    assert set(complaint.periods) == {DeadlineKind.ACCEPT, DeadlineKind.HANDLE, DeadlineKind.REVIEW_REQUEST}
    with django_assert_num_queries(2):  # the holiday table and the complete years, once
        shown = explain(complaint)
    assert [what for what, _lines in shown] == [
        "Decide on acceptance (from receipt)",
        "Handle and reply (from acceptance)",
        "Ask for a review (from the written reply)",
    ]
    assert "2026-07-16" in shown[0][1][0]
