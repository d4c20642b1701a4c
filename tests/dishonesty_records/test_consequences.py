"""What follows a confirmed record (§4): the written explanation and rectification the subject owes, handed in,
accepted or returned; the record's rectification state; sanctions imposed, lifted and followed up."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent, Notification
from dishonesty_records import services
from dishonesty_records.choices import (
    DisplayState,
    ObligationKind,
    ObligationStatus,
    RectificationState,
    SanctionKind,
    SanctionStatus,
    SubmissionDecision,
)
from dishonesty_records.models import DishonestyRecord, Obligation, Sanction
from tests.permissions import OTHER_ORG

from .factories import MONDAY, evidence, make_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
D = datetime.date
EXPLANATION_DUE = D(2026, 6, 15)  # ten working days
RECTIFICATION_DUE = D(2026, 7, 14)  # thirty working days, across the Dragon Boat Festival


@pytest.fixture
def record(world, people):
    return make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until="published",
    )


def obligation(record, kind) -> Obligation:
    return Obligation.objects.get(record=record, kind=kind)


def state(record) -> str:
    return DishonestyRecord.objects.get(pk=record.pk).rectification_state


def display(record) -> str:
    return DishonestyRecord.objects.get(pk=record.pk).display_state


def message(raised) -> str:
    return " ".join(raised.value.messages)


def hand_in(record, kind, people, text="已按要求完成整改，提交整改报告及履行凭证。"):
    return services.obligation_submit(obligation=obligation(record, kind), text=text, actor=people["staff"])


# --- obligations ----------------------------------------------------------------------------------------


def test_the_subject_hands_in_with_evidence_and_supervisors_hear_of_it(world, people, record):
    explanation = obligation(record, ObligationKind.EXPLANATION)
    submission = services.obligation_submit(
        obligation=explanation,
        text="因财政资金拨付延迟导致未按期履行，现已全额支付。",
        actor=people["reviewer"],
        files=[evidence("情况说明.pdf"), evidence("付款凭证.jpg", b"\xff\xd8\xff jpeg")],
    )
    explanation.refresh_from_db()
    assert explanation.status == ObligationStatus.SUBMITTED
    assert submission.decision == SubmissionDecision.PENDING and submission.submitted_by_label
    assert sorted(submission.evidence.values_list("original_name", flat=True)) == ["付款凭证.jpg", "情况说明.pdf"]
    assert set(submission.evidence.values_list("stage", flat=True)) == {"submission"}
    told = Notification.objects.filter(kind="dishonesty.submitted").values_list("recipient", flat=True)
    assert {people["supervisor"].pk, people["second_supervisor"].pk} <= set(told)
    assert AuditEvent.objects.filter(action="obligation.submit", target_id=str(explanation.pk)).exists()


def test_only_the_subjects_side_hands_in_and_it_must_say_what_was_done(world, people, record):
    explanation = obligation(record, ObligationKind.EXPLANATION)
    for outsider in (people["supervisor"], world.user(OTHER_ORG)):
        with pytest.raises(PermissionDenied, match="Only the staff of the organization this record is about"):
            services.obligation_submit(obligation=explanation, text="已完成整改并提交说明材料。", actor=outsider)
    with pytest.raises(ValidationError) as raised:
        services.obligation_submit(obligation=explanation, text="已整改", actor=people["staff"])
    assert raised.value.message_dict == {"text": ["Write what was done (at least ten characters)."]}
    with pytest.raises(ValidationError) as raised:
        services.obligation_submit(
            obligation=explanation, text="已完成整改并提交说明材料。", actor=people["staff"], files=[evidence("x.exe")]
        )
    assert "files" in raised.value.message_dict
    explanation.refresh_from_db()
    assert explanation.status == ObligationStatus.OPEN and not explanation.submissions.exists()


def test_nothing_is_handed_in_twice_while_it_awaits_review(people, record):
    hand_in(record, ObligationKind.EXPLANATION, people)
    with pytest.raises(ValidationError) as raised:
        hand_in(record, ObligationKind.EXPLANATION, people)
    assert message(raised) == "This is submitted, awaiting review; nothing can be handed in now."
    assert raised.value.code == "illegal_transition"


def test_a_supervisor_accepts_and_nothing_more_is_handed_in(world, people, record):
    explanation = obligation(record, ObligationKind.EXPLANATION)
    with pytest.raises(ValidationError) as raised:
        services.obligation_accept(obligation=explanation, actor=people["supervisor"])
    assert message(raised) == "Nothing is waiting for review here."
    submission = hand_in(record, ObligationKind.EXPLANATION, people)
    for outsider in (people["staff"], people["reviewer"], world.user(OTHER_ORG)):
        with pytest.raises(PermissionDenied):
            services.obligation_accept(obligation=explanation, actor=outsider)
    services.obligation_accept(obligation=explanation, actor=people["supervisor"], note="说明属实")
    explanation.refresh_from_db()
    submission.refresh_from_db()
    assert explanation.status == ObligationStatus.ACCEPTED and explanation.accepted_at
    assert (submission.decision, submission.decision_note) == (SubmissionDecision.ACCEPTED, "说明属实")
    assert Notification.objects.filter(kind="dishonesty.accepted", recipient=people["staff"]).exists()
    with pytest.raises(ValidationError) as raised:
        hand_in(record, ObligationKind.EXPLANATION, people)
    assert message(raised) == "This is accepted; nothing can be handed in now."
    with pytest.raises(ValidationError, match="Nothing is waiting for review here"):
        services.obligation_accept(obligation=explanation, actor=people["supervisor"])


def test_a_return_gives_reasons_and_optionally_more_working_days(people, record, clock):
    clock.set(D(2026, 6, 10))
    explanation = obligation(record, ObligationKind.EXPLANATION)
    hand_in(record, ObligationKind.EXPLANATION, people)
    with pytest.raises(ValidationError) as raised:
        services.obligation_return(obligation=explanation, reason="", actor=people["supervisor"])
    assert raised.value.message_dict == {"reason": ["Say what is missing."]}
    for days in (0, 251):
        with pytest.raises(ValidationError) as raised:
            services.obligation_return(
                obligation=explanation, reason="缺少付款凭证", actor=people["supervisor"], extra_working_days=days
            )
        assert raised.value.message_dict == {"extra_working_days": ["Between 1 and 250 working days."]}
    services.obligation_return(
        obligation=explanation, reason="缺少付款凭证。", actor=people["supervisor"], extra_working_days=5
    )
    explanation.refresh_from_db()
    assert explanation.status == ObligationStatus.RETURNED and explanation.due_on == D(2026, 6, 17)
    assert explanation.submissions.get().decision == SubmissionDecision.RETURNED
    notice = Notification.objects.get(kind="dishonesty.returned", recipient=people["staff"])
    assert notice.body == "缺少付款凭证。 Due on 2026-06-17."
    # Returned work is handed in again.
    hand_in(record, ObligationKind.EXPLANATION, people, text="补充提交付款凭证及情况说明。")
    explanation.refresh_from_db()
    assert explanation.status == ObligationStatus.SUBMITTED and explanation.submissions.count() == 2


def test_a_return_without_more_time_keeps_the_deadline(people, record):
    hand_in(record, ObligationKind.EXPLANATION, people)
    services.obligation_return(
        obligation=obligation(record, ObligationKind.EXPLANATION), reason="说明不完整", actor=people["supervisor"]
    )
    assert obligation(record, ObligationKind.EXPLANATION).due_on == EXPLANATION_DUE


def test_rectification_runs_goes_overdue_and_ends_rectified(people, record, clock):
    assert (state(record), display(record)) == (RectificationState.IN_PROGRESS, DisplayState.RECTIFYING)
    clock.set(EXPLANATION_DUE)  # the last day is still on time
    assert services.escalate_overdue_obligations() == 0
    assert state(record) == RectificationState.IN_PROGRESS
    clock.set(EXPLANATION_DUE + datetime.timedelta(days=1))
    assert services.escalate_overdue_obligations() == 1
    assert (state(record), display(record)) == (RectificationState.OVERDUE, DisplayState.OVERDUE)
    # Handing in late work takes the record out of overdue while it is reviewed.
    hand_in(record, ObligationKind.EXPLANATION, people)
    assert state(record) == RectificationState.IN_PROGRESS
    services.obligation_accept(obligation=obligation(record, ObligationKind.EXPLANATION), actor=people["supervisor"])
    assert state(record) == RectificationState.IN_PROGRESS  # the rectification is still owed
    hand_in(record, ObligationKind.RECTIFICATION, people)
    services.obligation_accept(obligation=obligation(record, ObligationKind.RECTIFICATION), actor=people["supervisor"])
    assert (state(record), display(record)) == (RectificationState.RECTIFIED, DisplayState.RECTIFIED)


def test_returned_work_past_its_deadline_turns_the_record_overdue_again(people, record, clock):
    clock.set(D(2026, 6, 12))
    hand_in(record, ObligationKind.EXPLANATION, people)
    clock.set(D(2026, 6, 16))  # reviewed after the deadline, returned without more time
    services.obligation_return(
        obligation=obligation(record, ObligationKind.EXPLANATION), reason="说明不完整", actor=people["supervisor"]
    )
    assert state(record) == RectificationState.OVERDUE
    # More time brings it back in progress.
    hand_in(record, ObligationKind.EXPLANATION, people)
    services.obligation_return(
        obligation=obligation(record, ObligationKind.EXPLANATION),
        reason="仍缺材料",
        actor=people["supervisor"],
        extra_working_days=3,
    )
    assert state(record) == RectificationState.IN_PROGRESS
    assert obligation(record, ObligationKind.EXPLANATION).due_on == D(2026, 6, 22)  # 17, 18, (19–21 Dragon Boat), 22


# --- sanctions ------------------------------------------------------------------------------------------


def test_each_kind_of_sanction_is_imposed_with_what_it_needs(world, people, record):
    notice = services.sanction_impose(
        record=record,
        kind=SanctionKind.NOTICE_OF_CRITICISM,
        reason="拒不履行法院生效判决，造成不良社会影响",
        notice_text="对甲区市场监管局拒不履行法院生效判决的行为予以通报批评。",
        actor=people["supervisor"],
    )
    barred = services.sanction_impose(
        record=record,
        kind=SanctionKind.HONOURS_INELIGIBILITY,
        reason="取消年度评优评先资格",
        end_on=D(2027, 5, 31),
        actor=people["supervisor"],
    )
    referral = services.sanction_impose(
        record=record,
        kind=SanctionKind.ACCOUNTABILITY_REFERRAL,
        reason="相关责任人员移送追责",
        referred_to="杭州市监察委员会",
        actor=people["supervisor"],
    )
    for sanction in (notice, barred, referral):
        assert sanction.status == SanctionStatus.ACTIVE and sanction.authority == world.district
        assert (sanction.listed_on, sanction.start_on) == (MONDAY, MONDAY) and sanction.in_force
    assert notice.notice_text.startswith("对甲区") and barred.end_on == D(2027, 5, 31)
    assert referral.referred_to == "杭州市监察委员会" and referral.end_on is None
    assert Notification.objects.filter(kind="dishonesty.sanction", recipient=people["staff"]).count() == 3
    assert AuditEvent.objects.filter(action="sanction.impose").count() == 3


@pytest.mark.parametrize(
    ("arguments", "field", "text"),
    [
        ({"kind": SanctionKind.HONOURS_INELIGIBILITY}, "end_on", "Say until when honours and awards are barred."),
        (
            {"kind": SanctionKind.HONOURS_INELIGIBILITY, "start_on": D(2026, 7, 1), "end_on": D(2026, 6, 30)},
            "end_on",
            "A sanction cannot end before it starts.",
        ),
        (
            {"kind": SanctionKind.NOTICE_OF_CRITICISM, "notice_text": "通报"},
            "notice_text",
            "Write the notice of criticism that will be published.",
        ),
        ({"kind": SanctionKind.ACCOUNTABILITY_REFERRAL}, "referred_to", "Name the body the case is referred to."),
        ({"kind": "fine"}, "kind", "Choose the kind of sanction."),
        (
            {"kind": SanctionKind.ACCOUNTABILITY_REFERRAL, "referred_to": "市监委", "reason": "无"},
            "reason",
            "Give the reasons for the sanction.",
        ),
    ],
)
def test_a_sanction_is_validated_field_by_field(people, record, arguments, field, text):
    with pytest.raises(ValidationError) as raised:
        services.sanction_impose(
            record=record, actor=people["supervisor"], **{"reason": "情节严重，予以惩戒", **arguments}
        )
    assert raised.value.message_dict[field] == [text]
    assert not Sanction.objects.exists()


def test_sanctions_follow_a_confirmed_record_and_come_from_a_supervisor(world, people):
    proposal = make_record(world.department, proposer=people["staff"], until="proposed")
    with pytest.raises(ValidationError) as raised:
        services.sanction_impose(
            record=proposal,
            kind=SanctionKind.ACCOUNTABILITY_REFERRAL,
            reason="移送追责",
            referred_to="市监委",
            actor=people["supervisor"],
        )
    assert message(raised) == "Sanctions follow a confirmed record."
    record = make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until="confirmed",
    )
    for outsider in (people["staff"], people["reviewer"], world.user(OTHER_ORG)):
        with pytest.raises(PermissionDenied):
            services.sanction_impose(
                record=record,
                kind=SanctionKind.ACCOUNTABILITY_REFERRAL,
                reason="移送追责",
                referred_to="市监委",
                actor=outsider,
            )
    # Confirmed but not (yet) published is enough.
    services.sanction_impose(
        record=record,
        kind=SanctionKind.ACCOUNTABILITY_REFERRAL,
        reason="移送追责",
        referred_to="市监委",
        actor=people["supervisor"],
    )


def test_a_withdrawn_record_takes_no_new_sanctions(people, record):
    services.record_withdraw(record=record, reason="原判决经再审撤销", actor=people["supervisor"])
    with pytest.raises(ValidationError) as raised:
        services.sanction_impose(
            record=record,
            kind=SanctionKind.HONOURS_INELIGIBILITY,
            reason="取消评优资格",
            end_on=D(2027, 1, 1),
            actor=people["supervisor"],
        )
    assert message(raised) == "A withdrawn record carries no sanctions."
    assert not Sanction.objects.exists()


def test_a_sanction_is_lifted_once_with_a_reason(world, people, record):
    sanction = services.sanction_impose(
        record=record,
        kind=SanctionKind.HONOURS_INELIGIBILITY,
        reason="取消评优资格",
        end_on=D(2027, 5, 31),
        actor=people["supervisor"],
    )
    with pytest.raises(PermissionDenied):
        services.sanction_lift(sanction=sanction, reason="已整改到位", actor=people["staff"])
    with pytest.raises(ValidationError) as raised:
        services.sanction_lift(sanction=sanction, reason="", actor=people["supervisor"])
    assert raised.value.message_dict == {"reason": ["Give the reason for lifting the sanction."]}
    services.sanction_lift(sanction=sanction, reason="整改到位，提前解除", actor=people["second_supervisor"])
    sanction.refresh_from_db()
    assert (sanction.status, sanction.lift_reason) == (SanctionStatus.LIFTED, "整改到位，提前解除")
    assert sanction.lifted_at and not sanction.in_force
    with pytest.raises(ValidationError) as raised:
        services.sanction_lift(sanction=sanction, reason="再次解除", actor=people["supervisor"])
    assert message(raised) == "This sanction was already lifted."


def test_a_referral_records_what_came_of_it(people, record, clock):
    referral = services.sanction_impose(
        record=record,
        kind=SanctionKind.ACCOUNTABILITY_REFERRAL,
        reason="相关责任人员移送追责",
        referred_to="杭州市监察委员会",
        actor=people["supervisor"],
    )
    notice = services.sanction_impose(
        record=record,
        kind=SanctionKind.NOTICE_OF_CRITICISM,
        reason="通报批评",
        notice_text="对该单位拒不履行法院判决的行为予以通报批评。",
        actor=people["supervisor"],
    )
    with pytest.raises(ValidationError) as raised:
        services.sanction_record_outcome(
            sanction=notice, outcome="已处理", outcome_on=MONDAY, actor=people["supervisor"]
        )
    assert message(raised) == "Only a referral for accountability has an outcome."
    clock.set(D(2026, 8, 3))
    for outcome_on, text in (
        (None, "Give the date of the outcome (not in the future)."),
        (D(2026, 8, 4), "Give the date of the outcome (not in the future)."),
        (D(2026, 5, 29), "The outcome cannot predate the referral."),
    ):
        with pytest.raises(ValidationError) as raised:
            services.sanction_record_outcome(
                sanction=referral, outcome="给予政务记过处分", outcome_on=outcome_on, actor=people["supervisor"]
            )
        assert raised.value.message_dict == {"outcome_on": [text]}
    with pytest.raises(ValidationError) as raised:
        services.sanction_record_outcome(
            sanction=referral, outcome="无", outcome_on=D(2026, 7, 30), actor=people["supervisor"]
        )
    assert raised.value.message_dict == {"outcome": ["Describe the outcome."]}
    with pytest.raises(PermissionDenied):
        services.sanction_record_outcome(
            sanction=referral, outcome="给予政务记过处分", outcome_on=D(2026, 7, 30), actor=people["staff"]
        )
    services.sanction_record_outcome(
        sanction=referral, outcome="对直接责任人给予政务记过处分", outcome_on=D(2026, 7, 30), actor=people["supervisor"]
    )
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_on) == ("对直接责任人给予政务记过处分", D(2026, 7, 30))
    event = AuditEvent.objects.get(action="sanction.outcome", target_id=str(referral.pk))
    assert event.before == {"outcome": "", "outcome_on": None}
    assert event.after == {"outcome": "对直接责任人给予政务记过处分", "outcome_on": "2026-07-30"}
