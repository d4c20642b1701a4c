"""A record from proposal to publication through its services: who may do what, when, and what the user is told.

Every test runs on a frozen day (Monday 1 June 2026, no holiday within the objection period) so the dates in
the messages are known; the messages are read in English.
"""

import datetime
import hashlib
import json
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.ledger import verify_ledger
from core.models import AuditEvent, LedgerEntry, Notification, PublicationVersion, PublicityRule
from core.publication import PublicationStatus
from core.publishing import history
from dishonesty_records import services
from dishonesty_records.choices import (
    Category,
    DisplayState,
    ObligationKind,
    Origin,
    RectificationState,
    SanctionKind,
    SanctionStatus,
    Severity,
    Stage,
    SubjectKind,
)
from dishonesty_records.models import DishonestyRecord, Evidence
from organizations.choices import Role
from sharing.models import OutboxEntry
from tests.factories import user_with_role
from tests.permissions import OTHER_ORG, OWN_ORG, SUPERVISOR

from .factories import MONDAY, civil_servant_in, evidence, make_record, proposal_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
D = datetime.date
OBJECTION_DEADLINE = D(2026, 6, 8)  # five working days after Monday 1 June
RECORD_TYPE = "dishonesty_records.record"


def propose(world, people, **overrides):
    return services.record_propose(data=proposal_data(world.department, **overrides), actor=people["staff"])


def confirmed(world, people, **overrides):
    return make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until="confirmed",
        **overrides,
    )


def published(world, people, **overrides):
    return make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until="published",
        **overrides,
    )


def message(raised) -> str:
    return " ".join(raised.value.messages)


def fresh(record) -> DishonestyRecord:
    return DishonestyRecord.objects.get(pk=record.pk)


# --- propose ------------------------------------------------------------------------------------------


def test_staff_propose_for_their_own_organization_and_the_subject_is_told(world, people):
    record = propose(world, people)
    assert (record.stage, record.status, record.origin) == (Stage.PROPOSED, PublicationStatus.DRAFT, Origin.STAFF)
    assert record.display_state == DisplayState.PROPOSED
    assert record.objection_deadline == OBJECTION_DEADLINE and not record.objection_deadline_provisional
    assert record.subject_name == world.department.name and record.subject_uscc == world.department.uscc
    assert record.created_by == people["staff"] and record.reference == f"ZWSX-{record.pk:06d}"
    assert AuditEvent.objects.filter(action="dishonesty_record.propose", target_id=str(record.pk)).exists()
    told = Notification.objects.filter(kind="dishonesty.proposed")
    subject_side = {people["staff"].pk, people["reviewer"].pk, world.user(OWN_ORG).pk}
    assert set(told.values_list("recipient", flat=True)) == subject_side
    assert "2026-06-08" in told.first().body


def test_a_supervisor_proposes_for_a_body_in_their_jurisdiction(world, people):
    record = services.record_propose(data=proposal_data(world.department), actor=people["supervisor"])
    assert record.origin == Origin.SUPERVISOR and record.subject_organization == world.department


@pytest.mark.parametrize("who", ["other_staff", "other_supervisor", "reviewer", "own_department_supervisor"])
def test_nobody_else_proposes(world, people, who):
    actor = {
        "other_staff": world.user(OTHER_ORG),
        "other_supervisor": user_with_role(Role.SUPERVISOR, world.other_district),
        # A reviewer approves what staff enter; proposing is staff's or a supervisor's.
        "reviewer": people["reviewer"],
        # A supervisor role held over the department itself covers it; one over a sibling does not.
        "own_department_supervisor": user_with_role(Role.SUPERVISOR, world.other_department),
    }[who]
    with pytest.raises(PermissionDenied, match="only for your own organization or your jurisdiction"):
        services.record_propose(data=proposal_data(world.department), actor=actor)
    assert not DishonestyRecord.objects.exists()


def test_a_record_without_a_person_must_come_from_a_pledge_or_a_complaint(world, people):
    pledge = SimpleNamespace(record_type="commitments.pledge", pk=41)
    for origin in (None, Origin.STAFF, Origin.SUPERVISOR):
        with pytest.raises(PermissionDenied, match="must come from a pledge or a complaint"):
            services.record_propose(data=proposal_data(world.department), actor=None, origin=origin)
    # Naming the origin is not enough: the pledge or complaint itself must be named.
    with pytest.raises(PermissionDenied, match="must name the pledge or complaint"):
        services.record_propose(data=proposal_data(world.department), actor=None, origin=Origin.BREACHED_PLEDGE)
    assert not DishonestyRecord.objects.exists()
    record = services.record_propose(
        data=proposal_data(world.department, category=Category.BREACHED_PLEDGE),
        actor=None,
        origin=Origin.BREACHED_PLEDGE,
        origin_record=pledge,
    )
    assert (record.origin, record.origin_record_type, record.origin_record_id) == (
        Origin.BREACHED_PLEDGE,
        "commitments.pledge",
        41,
    )
    assert record.created_by is None and record.created_by_label == "system"


def test_a_substantiated_complaint_is_proposed_by_intake_over_the_body_not_elsewhere(world, people):
    complaint = SimpleNamespace(record_type="complaints.complaint", pk=7)
    intake = user_with_role(Role.COMPLAINT_INTAKE, world.district)
    record = services.record_propose(
        data=proposal_data(world.department), actor=intake, origin=Origin.COMPLAINT, origin_record=complaint
    )
    assert record.origin == Origin.COMPLAINT and record.origin_record_type == "complaints.complaint"
    # Intake may propose only what came from a complaint.
    with pytest.raises(PermissionDenied):
        services.record_propose(data=proposal_data(world.department), actor=intake)
    elsewhere = user_with_role(Role.COMPLAINT_INTAKE, world.other_district)
    with pytest.raises(PermissionDenied):
        services.record_propose(
            data=proposal_data(world.department), actor=elsewhere, origin=Origin.COMPLAINT, origin_record=complaint
        )


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"occurred_on": D(2026, 6, 2)}, "occurred_on", "The date it occurred cannot be in the future."),
        ({"occurred_on": None}, "occurred_on", "Give the date it occurred."),
        ({"facts": "未履行判决"}, "facts", "Describe the facts (at least ten characters)."),
        ({"facts_summary": "  "}, "facts_summary", "Give a summary of the facts: it is what the public sees."),
        ({"facts_summary": "长" * 501}, "facts_summary", "At most 500 characters."),
        ({"subject_kind": SubjectKind.CIVIL_SERVANT}, "civil_servant", "Choose the civil servant."),
        ({"subject_kind": "person"}, "subject_kind", "Choose whether the subject is a government body"),
        ({"category": "gossip"}, "category", "Choose a category."),
        ({"severity": "grave"}, "severity", "Choose general or serious."),
        ({"source_kind": ""}, "source_kind", "Choose who issued the source document."),
        ({"source_issuing_body": ""}, "source_issuing_body", "Name the body that issued the source document."),
        (
            {"occurred_on": D(2026, 5, 1), "source_document_date": D(2026, 4, 30)},
            "source_document_date",
            "The document cannot predate what it is about.",
        ),
        ({"source_document_date": D(2026, 6, 2)}, "source_document_date", "The document's date cannot be"),
    ],
)
def test_a_bad_proposal_gets_field_errors_and_nothing_is_saved(world, people, overrides, field, text):
    with pytest.raises(ValidationError) as raised:
        propose(world, people, **overrides)
    assert field in raised.value.message_dict, raised.value.message_dict
    assert any(text in line for line in raised.value.message_dict[field])
    assert not DishonestyRecord.objects.exists() and not AuditEvent.objects.exists()


def test_a_body_proposal_without_the_body_is_refused_field_level(world, people):
    with pytest.raises(ValidationError) as raised:
        services.record_propose(data=proposal_data(None), actor=people["staff"])
    assert raised.value.message_dict["subject_organization"] == ["Choose the government body."]


def test_every_error_of_a_proposal_is_reported_at_once(world, people):
    with pytest.raises(ValidationError) as raised:
        propose(world, people, facts="短", facts_summary="", occurred_on=D(2027, 1, 1))
    assert {"facts", "facts_summary", "occurred_on"} <= set(raised.value.message_dict)


def test_a_civil_servant_is_recorded_against_the_body_they_serve(world, people):
    person = civil_servant_in(world.department, name="钱多多", position="副科长")
    record = services.record_propose(
        data=proposal_data(None, civil_servant=person, category=Category.DISCIPLINARY_SANCTION), actor=people["staff"]
    )
    assert record.subject_kind == SubjectKind.CIVIL_SERVANT and record.is_civil_servant
    assert record.subject_organization == world.department
    assert (record.subject_name, record.subject_position, record.subject_uscc) == ("钱多多", "副科长", "")
    assert record.subject_organization_name == world.department.name
    # A person serving in another district's body is outside this clerk's reach.
    stranger = civil_servant_in(world.other_department)
    with pytest.raises(PermissionDenied):
        services.record_propose(data=proposal_data(None, civil_servant=stranger), actor=people["staff"])


def test_evidence_files_are_checked_before_anything_is_saved_and_kept_with_their_digest(world, people):
    with pytest.raises(ValidationError) as raised:
        services.record_propose(
            data=proposal_data(world.department), actor=people["staff"], files=[evidence("脚本.exe")]
        )
    assert "files of this kind are not accepted" in raised.value.message_dict["files"][0]
    with pytest.raises(ValidationError) as raised:
        services.record_propose(
            data=proposal_data(world.department), actor=people["staff"], files=[evidence("空.pdf", b"")]
        )
    assert raised.value.message_dict["files"] == ["空.pdf is empty."]
    assert not DishonestyRecord.objects.exists()
    record = services.record_propose(
        data=proposal_data(world.department),
        actor=people["staff"],
        files=[evidence("判决书.pdf", b"%PDF-1.4 judgment")],
    )
    stored = Evidence.objects.get(record=record)
    assert (stored.stage, stored.original_name, stored.size) == ("proposal", "判决书.pdf", 17)
    assert stored.sha256 == hashlib.sha256(b"%PDF-1.4 judgment").hexdigest()
    assert stored.uploaded_by_label == people["staff"].username


# --- update a proposal ----------------------------------------------------------------------------------


def test_the_proposer_amends_a_proposal_and_the_change_is_audited(world, people):
    record = propose(world, people)
    amended = services.record_update(
        record=record, data={"facts_summary": "逾期六个月未履行法院生效判决"}, actor=people["staff"]
    )
    assert fresh(amended).facts_summary == "逾期六个月未履行法院生效判决"
    event = AuditEvent.objects.get(action="dishonesty_record.update", target_id=str(record.pk))
    assert event.before == {"facts_summary": "未履行法院生效判决确定的支付义务"}
    assert event.after == {"facts_summary": "逾期六个月未履行法院生效判决"}


def test_an_amendment_is_validated_like_a_proposal(world, people):
    record = propose(world, people)
    with pytest.raises(ValidationError) as raised:
        services.record_update(record=record, data={"facts": "太短"}, actor=people["staff"])
    assert "facts" in raised.value.message_dict
    assert fresh(record).facts == record.facts


def test_a_proposal_cannot_be_amended_by_another_body_or_moved_out_of_reach(world, people):
    record = propose(world, people)
    with pytest.raises(PermissionDenied):
        services.record_update(record=record, data={"facts_summary": "改写"}, actor=world.user(OTHER_ORG))
    with pytest.raises(PermissionDenied):
        services.record_update(
            record=record, data={"subject_organization": world.other_department}, actor=people["staff"]
        )
    assert fresh(record).subject_organization == world.department


def test_the_subject_does_not_rewrite_a_supervisors_proposal_against_it(world, people):
    record = services.record_propose(data=proposal_data(world.department), actor=people["supervisor"])
    with pytest.raises(PermissionDenied, match="Only a supervisor may amend"):
        services.record_update(record=record, data={"facts_summary": "情节轻微"}, actor=people["staff"])
    services.record_update(record=record, data={"facts_summary": "逾期未履行"}, actor=people["second_supervisor"])
    assert fresh(record).facts_summary == "逾期未履行"


def test_a_ruled_record_is_not_amended(world, people):
    record = confirmed(world, people)
    with pytest.raises(ValidationError, match="Only a proposal can be edited") as raised:
        services.record_update(record=record, data={"facts_summary": "改写"}, actor=people["staff"])
    assert raised.value.code == "illegal_transition"


# --- objection (申辩) and waiver -------------------------------------------------------------------------


def test_the_subject_objects_within_the_period_and_supervisors_hear_of_it(world, people, clock):
    record = propose(world, people)
    clock.set(OBJECTION_DEADLINE)  # the last day still counts
    record = services.record_object(
        record=record,
        statement="判决已于2026年5月履行完毕，附银行转账凭证。",
        actor=people["reviewer"],
        files=[evidence("转账凭证.pdf")],
    )
    record = fresh(record)
    assert record.stage == Stage.OBJECTED and record.display_state == DisplayState.OBJECTED
    assert record.objection_statement.startswith("判决已于") and record.objected_at
    assert record.evidence.filter(stage="objection").count() == 1
    told = Notification.objects.filter(kind="dishonesty.objected").values_list("recipient", flat=True)
    assert set(told) == {people["supervisor"].pk, people["second_supervisor"].pk, world.user(SUPERVISOR).pk}


def test_an_objection_after_the_deadline_is_refused_with_the_date(world, people, clock):
    record = propose(world, people)
    clock.set(OBJECTION_DEADLINE + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as raised:
        services.record_object(record=record, statement="我们不同意该认定，理由如下……", actor=people["staff"])
    assert message(raised) == "The objection period ended on 2026-06-08."
    assert raised.value.code == "illegal_transition"
    assert fresh(record).stage == Stage.PROPOSED


def test_an_objection_is_filed_once(world, people):
    record = propose(world, people)
    services.record_object(record=record, statement="我们不同意该认定，理由如下……", actor=people["staff"])
    with pytest.raises(ValidationError) as raised:
        services.record_object(record=record, statement="补充申辩意见：……………", actor=people["staff"])
    assert message(raised) == "An objection can be filed only while a proposal awaits it."


def test_only_the_subjects_side_objects_and_it_must_say_why(world, people):
    record = propose(world, people)
    for outsider in (world.user(OTHER_ORG), people["supervisor"]):
        with pytest.raises(
            PermissionDenied, match=r"Only the person this record is about, or their organization.s staff, may object"
        ):
            services.record_object(record=record, statement="我们不同意该认定，理由如下……", actor=outsider)
    with pytest.raises(ValidationError) as raised:
        services.record_object(record=record, statement="不同意", actor=people["staff"])
    assert raised.value.message_dict == {"statement": ["State your objection (at least ten characters)."]}
    assert fresh(record).stage == Stage.PROPOSED


def test_the_subject_may_waive_once_and_then_not_object(world, people):
    record = propose(world, people)
    with pytest.raises(PermissionDenied):
        services.record_waive_objection(record=record, actor=world.user(OTHER_ORG))
    services.record_waive_objection(record=record, actor=people["reviewer"])
    assert fresh(record).objection_waived_at is not None
    with pytest.raises(ValidationError, match="Only an open objection period can be waived"):
        services.record_waive_objection(record=record, actor=people["reviewer"])
    with pytest.raises(ValidationError, match="only while a proposal awaits it"):
        services.record_object(record=record, statement="我们不同意该认定，理由如下……", actor=people["staff"])


# --- the ruling ------------------------------------------------------------------------------------------


def test_no_ruling_while_the_objection_period_is_open(world, people, clock):
    record = propose(world, people)
    with pytest.raises(ValidationError) as raised:
        services.record_confirm(record=record, reason="事实清楚", actor=people["supervisor"])
    assert message(raised) == (
        "The subject may object until 2026-06-08; rule after that, or once they object or waive it."
    )
    clock.set(D(2026, 6, 9))  # the period is over without a word from the subject
    record = services.record_confirm(record=record, reason="事实清楚，证据确凿", actor=people["supervisor"])
    assert record.stage == Stage.CONFIRMED


def test_a_ruling_follows_an_objection_at_once(world, people):
    record = propose(world, people)
    services.record_object(record=record, statement="我们不同意该认定，理由如下……", actor=people["staff"])
    record = services.record_confirm(record=record, reason="申辩理由不成立", actor=people["supervisor"])
    assert record.stage == Stage.CONFIRMED and record.display_state == DisplayState.CONFIRMED


def test_the_proposer_does_not_confirm_their_own_proposal(world, people):
    record = services.record_propose(data=proposal_data(world.department), actor=people["supervisor"])
    services.record_waive_objection(record=record, actor=people["staff"])
    with pytest.raises(ValidationError) as raised:
        services.record_confirm(record=record, reason="事实清楚", actor=people["supervisor"])
    assert message(raised) == "You proposed this record yourself; another supervisor must rule on it."
    assert fresh(record).stage == Stage.PROPOSED
    services.record_confirm(record=record, reason="事实清楚", actor=people["second_supervisor"])
    assert fresh(record).stage == Stage.CONFIRMED


@pytest.mark.parametrize("who", ["staff", "reviewer", "other_supervisor"])
def test_only_a_supervisor_over_the_body_rules(world, people, who):
    record = make_record(world.department, proposer=people["staff"], subject_actor=people["reviewer"], until="waived")
    actor = people.get(who) or user_with_role(Role.SUPERVISOR, world.other_district)
    for rule in (services.record_confirm, services.record_dismiss):
        with pytest.raises(PermissionDenied, match="Only a supervisor whose jurisdiction covers"):
            rule(record=record, reason="事实清楚", actor=actor)
    assert fresh(record).stage == Stage.PROPOSED


def test_confirmation_starts_the_explanation_and_rectification_in_working_days(world, people):
    record = confirmed(world, people)
    assert record.determined_on == MONDAY and record.ruled_by == people["supervisor"]
    assert record.authority == world.district and record.authority_name == world.district.name
    obligations = {o.kind: o for o in record.obligations.all()}
    explanation, rectification = obligations[ObligationKind.EXPLANATION], obligations[ObligationKind.RECTIFICATION]
    assert (explanation.working_days, explanation.due_on) == (10, D(2026, 6, 15))
    # Thirty working days skip the Dragon Boat Festival (19–21 June 2026).
    assert (rectification.working_days, rectification.due_on) == (30, D(2026, 7, 14))
    assert rectification.requirement == "三个月内履行判决并提交履行凭证。"
    assert record.rectification_state == RectificationState.IN_PROGRESS
    told = Notification.objects.filter(kind="dishonesty.confirmed").values_list("recipient", flat=True)
    assert set(told) == {people["staff"].pk, people["reviewer"].pk, world.user(OWN_ORG).pk}


def test_confirmation_without_obligations_leaves_nothing_to_rectify(world, people):
    record = make_record(world.department, proposer=people["staff"], subject_actor=people["reviewer"], until="waived")
    record = services.record_confirm(
        record=record,
        reason="事实清楚",
        actor=people["supervisor"],
        explanation_required=False,
        explanation_working_days=5,
        rectification_working_days=20,
    )
    assert not record.obligations.exists() and record.rectification_state == RectificationState.NONE


def test_the_supervisor_sets_working_days_within_bounds(world, people):
    record = make_record(world.department, proposer=people["staff"], subject_actor=people["reviewer"], until="waived")
    with pytest.raises(ValidationError) as raised:
        services.record_confirm(
            record=record,
            reason="事实清楚",
            actor=people["supervisor"],
            explanation_working_days=300,
            rectification_requirement="整改",
            rectification_working_days=251,
        )
    assert raised.value.message_dict == {
        "explanation_working_days": ["Between 1 and 250 working days."],
        "rectification_working_days": ["Between 1 and 250 working days."],
    }
    record = services.record_confirm(
        record=record,
        reason="事实清楚",
        actor=people["supervisor"],
        explanation_working_days=3,
        rectification_requirement="完成整改",
        rectification_working_days=5,
    )
    dues = dict(record.obligations.values_list("kind", "due_on"))
    assert dues == {ObligationKind.EXPLANATION: D(2026, 6, 4), ObligationKind.RECTIFICATION: D(2026, 6, 8)}


@pytest.mark.parametrize(
    ("arguments", "field", "text"),
    [
        ({"reason": " "}, "reason", "Give the reasons for the confirmation."),
        ({"determined_on": D(2026, 6, 2)}, "determined_on", "The determination date cannot be in the future."),
        ({"determined_on": D(2025, 1, 1)}, "determined_on", "The determination cannot predate what it is about."),
        ({"severity": "grave"}, "severity", "Choose general or serious."),
        ({"publication_allowed": False}, "publication_restriction", "Say why this record may not be published."),
        ({"explanation_working_days": 0}, "explanation_working_days", "Between 1 and 250 working days."),
    ],
)
def test_a_confirmation_is_validated_field_by_field(world, people, arguments, field, text):
    record = make_record(world.department, proposer=people["staff"], subject_actor=people["reviewer"], until="waived")
    with pytest.raises(ValidationError) as raised:
        services.record_confirm(record=record, actor=people["supervisor"], **{"reason": "事实清楚", **arguments})
    assert raised.value.message_dict[field] == [text]
    assert fresh(record).stage == Stage.PROPOSED and not record.obligations.exists()


def test_publicity_periods_come_from_the_editable_rules(world, people):
    general = confirmed(world, people)
    assert (general.publicity_min_ends_on, general.publicity_ends_on) == (D(2026, 9, 1), D(2027, 6, 1))
    serious = make_record(world.department, proposer=people["staff"], subject_actor=people["reviewer"], until="waived")
    serious = services.record_confirm(
        record=serious, reason="情节严重", actor=people["supervisor"], severity=Severity.SERIOUS
    )
    assert serious.severity == Severity.SERIOUS
    assert (serious.publicity_min_ends_on, serious.publicity_ends_on) == (D(2026, 12, 1), D(2029, 6, 1))
    # A supervisor edits the rule: records confirmed from now on follow it.
    PublicityRule.objects.filter(record_type="dishonesty", key="severity:general").update(min_months=6, max_months=24)
    later = confirmed(world, people)
    assert (later.publicity_min_ends_on, later.publicity_ends_on) == (D(2026, 12, 1), D(2028, 6, 1))
    assert fresh(general).publicity_ends_on == D(2027, 6, 1)  # the rule does not reach back


def test_the_publicity_clock_starts_at_the_determination_date(world, people):
    record = make_record(world.department, proposer=people["staff"], subject_actor=people["reviewer"], until="waived")
    record = services.record_confirm(
        record=record, reason="事实清楚", actor=people["supervisor"], determined_on=D(2026, 1, 31)
    )
    assert (record.publicity_min_ends_on, record.publicity_ends_on) == (D(2026, 4, 30), D(2027, 1, 31))


def test_a_confirmed_record_is_ruled_on_once(world, people):
    record = confirmed(world, people)
    with pytest.raises(ValidationError) as raised:
        services.record_confirm(record=record, reason="再次确认", actor=people["second_supervisor"])
    assert message(raised) == "This record was already ruled on (confirmed)."
    with pytest.raises(ValidationError, match=r"already ruled on \(confirmed\)"):
        services.record_dismiss(record=record, reason="撤销认定", actor=people["second_supervisor"])


def test_a_dismissed_record_is_neither_confirmed_nor_published(world, people):
    record = propose(world, people)
    with pytest.raises(ValidationError) as raised:
        services.record_dismiss(record=record, reason=" ", actor=people["supervisor"])
    assert raised.value.message_dict == {"reason": ["Give the reasons for the dismissal."]}
    # Dismissing favours the subject, so it need not wait for the objection period.
    record = services.record_dismiss(record=record, reason="证据不足，不予认定", actor=people["supervisor"])
    record = fresh(record)
    assert record.stage == Stage.DISMISSED and record.display_state == DisplayState.DISMISSED
    assert record.reason == "证据不足，不予认定" and record.ruled_by == people["supervisor"]
    assert Notification.objects.filter(kind="dishonesty.dismissed", recipient=people["staff"]).exists()
    with pytest.raises(ValidationError) as raised:
        services.record_confirm(record=record, reason="重新认定", actor=people["second_supervisor"])
    assert message(raised) == "This record was already ruled on (dismissed)."
    with pytest.raises(ValidationError) as raised:
        services.record_publish(record=record, actor=people["supervisor"])
    assert message(raised) == "Only a confirmed record can be published."
    with pytest.raises(ValidationError, match="Sanctions follow a confirmed record"):
        services.sanction_impose(
            record=record,
            kind=SanctionKind.ACCOUNTABILITY_REFERRAL,
            reason="移送",
            referred_to="市监委",
            actor=people["supervisor"],
        )
    assert fresh(record).status == PublicationStatus.DRAFT and not PublicationVersion.objects.exists()


# --- publication -----------------------------------------------------------------------------------------


def test_only_a_confirmed_record_is_published(world, people):
    record = make_record(world.department, proposer=people["staff"], subject_actor=people["reviewer"], until="waived")
    with pytest.raises(ValidationError) as raised:
        services.record_publish(record=record, actor=people["supervisor"])
    assert message(raised) == "Only a confirmed record can be published."
    assert raised.value.code == "illegal_transition"


def test_a_record_that_may_not_be_published_says_why(world, people):
    record = make_record(world.department, proposer=people["staff"], subject_actor=people["reviewer"], until="waived")
    record = services.record_confirm(
        record=record,
        reason="事实清楚",
        actor=people["supervisor"],
        publication_allowed=False,
        publication_restriction="涉及国家秘密，依法不予公开",
    )
    assert record.display_state == DisplayState.CONFIRMED
    with pytest.raises(ValidationError) as raised:
        services.record_publish(record=record, actor=people["supervisor"])
    assert message(raised) == "This record is not to be published: 涉及国家秘密，依法不予公开"
    assert not DishonestyRecord.objects.public().exists()


def test_publishing_appends_a_version_a_ledger_entry_and_an_outbox_row(world, people):
    record = published(world, people)
    record = fresh(record)
    assert (record.status, record.version, record.listed_on) == (PublicationStatus.PUBLISHED, 1, MONDAY)
    assert record.display_state == DisplayState.RECTIFYING  # obligations are running
    assert list(DishonestyRecord.objects.public()) == [record]
    version = PublicationVersion.objects.get(record_type=RECORD_TYPE, record_id=record.pk)
    assert (version.version, version.action) == (1, "publish")
    assert version.payload["ZWSX_ZTMC"] == world.department.name
    assert version.payload["ZWSX_TYSHXYDM"] == world.department.uscc
    assert version.payload["ZWSX_LYWH"] == "（2026）浙0106执123号"
    assert version.payload["ZWSX_SXLB"] == "拒不履行法院生效判决" and version.payload["ZWSX_GSJZQ"] == "2027-06-01"
    entry = LedgerEntry.objects.get(record_type=RECORD_TYPE, record_id=record.pk)
    assert (entry.version, entry.action) == (1, "publish")
    outbox = OutboxEntry.objects.get(record_type=RECORD_TYPE, record_id=record.pk)
    assert (outbox.version, outbox.action, outbox.owner_id) == (1, "publish", world.department.pk)
    assert verify_ledger().ok


def test_a_record_is_published_once_and_only_by_a_supervisor(world, people):
    record = confirmed(world, people)
    for outsider in (people["staff"], people["reviewer"], world.user(OTHER_ORG)):
        with pytest.raises(PermissionDenied):
            services.record_publish(record=record, actor=outsider)
    services.record_publish(record=record, actor=people["supervisor"])
    with pytest.raises(ValidationError) as raised:
        services.record_publish(record=record, actor=people["supervisor"])
    assert message(raised) == "A record that is “Published” cannot be published."
    assert LedgerEntry.objects.filter(record_type=RECORD_TYPE).count() == 1


def test_a_civil_servants_published_document_holds_only_what_may_be_published(world, people):
    person = civil_servant_in(world.department, name="孙立新", position="科长")
    record = make_record(
        None,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until="published",
        civil_servant=person,
        category=Category.DISCIPLINARY_SANCTION,
        facts="该同志在项目审批中违规干预，收受管理服务对象礼金人民币两万元，情节较重。",
        facts_summary="违反廉洁纪律，受到党内警告处分",
        source_kind="discipline",
        source_document_number="杭纪发〔2026〕12号",
        source_issuing_body="中共杭州市纪律检查委员会",
    )
    payload = PublicationVersion.objects.get(record_type=RECORD_TYPE, record_id=record.pk).payload
    assert set(payload) == {
        "ZWSX_ZTMC",  # name
        "ZWSX_ZTLB",  # kind: civil servant
        "ZWSX_ZW",  # position
        "ZWSX_SSDW",  # organization
        "ZWSX_SXLB",  # category
        "ZWSX_SSZY",  # summary of facts
        "ZWSX_RDJG",  # confirming authority
        "ZWSX_RDRQ",  # determination date
        "ZWSX_GSJZQ",  # end of publicity
    }
    assert (payload["ZWSX_ZTMC"], payload["ZWSX_ZW"], payload["ZWSX_SSDW"]) == ("孙立新", "科长", world.department.name)
    assert payload["ZWSX_SSZY"] == "违反廉洁纪律，受到党内警告处分" and payload["ZWSX_ZTLB"] == "公务员"
    text = json.dumps(payload, ensure_ascii=False)
    for secret in ("礼金", "杭纪发〔2026〕12号", "纪律检查委员会", person.resident_id, person.resident_id[-6:]):
        assert secret not in text


def test_withdrawal_needs_a_reason_keeps_the_record_and_lifts_its_sanctions(world, people):
    record = published(world, people)
    in_force = services.sanction_impose(
        record=record,
        kind=SanctionKind.HONOURS_INELIGIBILITY,
        reason="取消本年度评优评先资格",
        end_on=D(2027, 5, 31),
        actor=people["supervisor"],
    )
    with pytest.raises(ValidationError) as raised:
        services.record_withdraw(record=record, reason="", actor=people["supervisor"])
    assert raised.value.message_dict == {"reason": ["Give the reason for the withdrawal."]}
    with pytest.raises(PermissionDenied):
        services.record_withdraw(record=record, reason="判决被撤销", actor=people["staff"])
    services.record_withdraw(record=record, reason="原判决经再审撤销", actor=people["supervisor"])
    record = fresh(record)
    assert record.status == PublicationStatus.WITHDRAWN and record.display_state == DisplayState.WITHDRAWN
    assert record.withdrawal_reason == "原判决经再审撤销" and not DishonestyRecord.objects.public().exists()
    in_force.refresh_from_db()
    assert (in_force.status, in_force.lift_reason) == (SanctionStatus.LIFTED, "原判决经再审撤销")
    # The sanction was announced as a new version; the withdrawal lifted it before it was announced.
    assert list(LedgerEntry.objects.filter(record_id=record.pk).values_list("action", flat=True)) == [
        "publish",
        "correct",
        "withdraw",
    ]
    assert "ZWSX_CJLB" not in OutboxEntry.objects.get(record_id=record.pk, action="withdraw").publication.payload
    with pytest.raises(ValidationError) as raised:
        services.record_withdraw(record=record, reason="再次撤回", actor=people["supervisor"])
    assert message(raised) == "A record that is “Withdrawn” cannot be withdrawn."
    assert verify_ledger().ok


def test_a_confirmed_record_never_published_is_withdrawn_inside_without_a_ledger_entry_or_a_push(world, people):
    record = confirmed(world, people)
    sanction = services.sanction_impose(
        record=record,
        kind=SanctionKind.HONOURS_INELIGIBILITY,
        reason="情节严重",
        end_on=D(2027, 6, 1),
        actor=people["supervisor"],
    )
    services.record_withdraw(record=record, reason="判决被撤销", actor=people["supervisor"])
    record = fresh(record)
    assert (record.status, record.withdrawal_reason, record.display_state) == ("withdrawn", "判决被撤销", "withdrawn")
    assert not LedgerEntry.objects.filter(record_id=record.pk, record_type=record.record_type).exists()
    assert not OutboxEntry.objects.filter(record_id=record.pk, record_type=record.record_type).exists()
    sanction.refresh_from_db()
    assert sanction.status == "lifted" and sanction.lift_reason == "判决被撤销"
    assert AuditEvent.objects.filter(action="dishonesty_records.record.withdraw", target_id=str(record.pk)).exists()


def test_a_proposal_is_dismissed_not_withdrawn(world, people):
    record = make_record(world.department, proposer=people["staff"])
    with pytest.raises(ValidationError) as raised:
        services.record_withdraw(record=record, reason="判决被撤销", actor=people["supervisor"])
    assert message(raised) == "Only a confirmed record is withdrawn; a proposal is dismissed instead."


def test_a_correction_is_a_new_version_and_the_old_one_stays(world, people):
    record = published(world, people)
    corrected = services.record_correct(
        record=record,
        data={"facts_summary": "逾期六个月未履行法院生效判决确定的支付义务", "severity": Severity.SERIOUS},
        reason="补充事实摘要，严重程度调整为严重",
        actor=people["second_supervisor"],
    )
    corrected = fresh(corrected)
    assert corrected.version == 2 and corrected.corrected_at and corrected.status == PublicationStatus.PUBLISHED
    # The longer period of a serious record follows the correction.
    assert (corrected.publicity_min_ends_on, corrected.publicity_ends_on) == (D(2026, 12, 1), D(2029, 6, 1))
    versions = list(history(corrected).values_list("version", "action", "payload__ZWSX_SSZY", "reason"))
    assert versions == [
        (1, "publish", "未履行法院生效判决确定的支付义务", ""),
        (2, "correct", "逾期六个月未履行法院生效判决确定的支付义务", "补充事实摘要，严重程度调整为严重"),
    ]
    assert list(LedgerEntry.objects.filter(record_id=record.pk).values_list("version", "action")) == [
        (1, "publish"),
        (2, "correct"),
    ]
    assert OutboxEntry.objects.filter(record_id=record.pk, version=2, action="correct").exists()
    assert verify_ledger().ok


def test_a_correction_that_changes_nothing_or_breaks_a_rule_is_refused(world, people):
    record = published(world, people)
    with pytest.raises(ValidationError) as raised:
        services.record_correct(
            record=record, data={"facts_summary": record.facts_summary}, reason="核对无误", actor=people["supervisor"]
        )
    assert message(raised) == "Nothing was changed."
    with pytest.raises(ValidationError) as raised:
        services.record_correct(record=record, data={"facts": "短"}, reason="删去事实", actor=people["supervisor"])
    assert "facts" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.record_correct(record=record, data={"facts_summary": "新摘要"}, reason="", actor=people["supervisor"])
    assert raised.value.message_dict == {"reason": ["Say what was wrong and what the correction changes."]}
    with pytest.raises(PermissionDenied):
        services.record_correct(record=record, data={"facts_summary": "新摘要"}, reason="更正", actor=people["staff"])
    assert fresh(record).version == 1 and history(record).count() == 1


def test_a_draft_is_not_corrected(world, people):
    record = confirmed(world, people)
    with pytest.raises(ValidationError) as raised:
        services.record_correct(
            record=record, data={"facts_summary": "新摘要"}, reason="更正事实摘要", actor=people["supervisor"]
        )
    assert message(raised) == "A record that is “Draft” cannot be corrected."
