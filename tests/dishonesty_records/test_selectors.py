"""Reads computed from the records: honours eligibility, a body's integrity summary, the queues per role and the
supervisor's overview."""

import datetime

import pytest

from dishonesty_records import selectors, services
from dishonesty_records.choices import Category, ObligationKind, RectificationState, SanctionKind
from dishonesty_records.models import Obligation
from organizations.choices import Role
from tests.factories import user_with_role
from tests.permissions import OTHER_ORG

from .factories import MONDAY, civil_servant_in, evidence, make_record, make_repairable

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
D = datetime.date


def published(world, people, **overrides):
    return make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until="published",
        **overrides,
    )


def bar(record, people, *, until, start_on=None):
    return services.sanction_impose(
        record=record,
        kind=SanctionKind.HONOURS_INELIGIBILITY,
        reason="取消年度评优评先资格",
        start_on=start_on,
        end_on=until,
        actor=people["supervisor"],
    )


def hand_in_everything(record, people):
    for obligation in Obligation.objects.filter(record=record):
        services.obligation_submit(obligation=obligation, text="已完成并提交相关证明材料。", actor=people["staff"])


def ids(queryset) -> set[int]:
    return {item.pk for item in queryset}


# --- honours eligibility -------------------------------------------------------------------------------


def test_a_body_is_barred_until_the_end_date_of_the_sanction_and_not_after(world, people):
    record = published(world, people)
    hand_in_everything(record, people)  # nothing overdue: only the sanction counts
    assert selectors.honours_eligibility(organization=world.department).eligible
    bar(record, people, until=D(2026, 12, 31))
    barred = selectors.honours_eligibility(organization=world.department, today=D(2026, 12, 31))
    assert not barred.eligible
    (reason,) = barred.reasons
    assert (reason.code, reason.record_id, reason.reference, reason.until) == (
        "honours_ineligibility",
        record.pk,
        record.reference,
        D(2026, 12, 31),
    )
    assert reason.text == "Barred from honours and awards until 2026-12-31 (取消年度评优评先资格)."
    assert selectors.honours_eligibility(organization=world.department, today=D(2027, 1, 1)).eligible
    # Another body is not touched by it.
    assert selectors.honours_eligibility(organization=world.other_department).eligible


def test_many_bars_are_listed_up_to_the_cap_and_say_there_are_more(world, people, monkeypatch):
    monkeypatch.setattr(selectors, "REASONS_CAP", 2)
    record = published(world, people)
    hand_in_everything(record, people)
    for month in (3, 4, 5):
        bar(record, people, until=D(2027, month, 1))
    barred = selectors.honours_eligibility(organization=world.department)
    assert not barred.eligible and barred.more_reasons
    assert [reason.until for reason in barred.reasons] == [D(2027, 3, 1), D(2027, 4, 1)]
    bar_lifted = selectors.honours_eligibility(organization=world.department, today=D(2027, 4, 15))
    assert [reason.until for reason in bar_lifted.reasons] == [D(2027, 5, 1)] and not bar_lifted.more_reasons


def test_a_sanction_starting_later_bars_from_its_start(world, people):
    record = published(world, people)
    hand_in_everything(record, people)
    bar(record, people, start_on=D(2026, 7, 1), until=D(2026, 12, 31))
    assert selectors.honours_eligibility(organization=world.department, today=D(2026, 6, 30)).eligible
    assert not selectors.honours_eligibility(organization=world.department, today=D(2026, 7, 1)).eligible


def test_a_lifted_sanction_no_longer_bars(world, people):
    record = published(world, people)
    hand_in_everything(record, people)
    sanction = bar(record, people, until=D(2026, 12, 31))
    services.sanction_lift(sanction=sanction, reason="整改到位，提前解除", actor=people["supervisor"])
    assert selectors.honours_eligibility(organization=world.department).eligible


def test_an_overdue_explanation_bars_until_it_is_handed_in(world, people):
    record = published(world, people)
    assert selectors.honours_eligibility(organization=world.department, today=D(2026, 6, 15)).eligible
    late = selectors.honours_eligibility(organization=world.department, today=D(2026, 6, 16))
    assert not late.eligible
    (reason,) = late.reasons
    assert reason.code == "rectification_overdue" and reason.until is None
    assert reason.text == "Written explanation (书面说明) was due on 2026-06-15 and has not been handed in."
    explanation = Obligation.objects.get(record=record, kind=ObligationKind.EXPLANATION)
    services.obligation_submit(obligation=explanation, text="提交书面说明及相关材料。", actor=people["staff"])
    assert selectors.honours_eligibility(organization=world.department, today=D(2026, 6, 16)).eligible


def test_a_withdrawn_record_counts_for_nothing(world, people):
    record = published(world, people)
    bar(record, people, until=D(2026, 12, 31))
    services.record_withdraw(record=record, reason="原判决经再审撤销", actor=people["supervisor"])
    assert selectors.honours_eligibility(organization=world.department, today=D(2026, 7, 20)).eligible


def test_a_civil_servant_and_their_body_are_judged_apart(world, people):
    person = civil_servant_in(world.department, name="周正")
    colleague = civil_servant_in(world.department)
    record = make_record(
        None,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until="published",
        civil_servant=person,
        category=Category.DISCIPLINARY_SANCTION,
    )
    hand_in_everything(record, people)
    bar(record, people, until=D(2027, 5, 31))
    assert not selectors.honours_eligibility(civil_servant=person).eligible
    assert selectors.honours_eligibility(civil_servant=colleague).eligible
    assert selectors.honours_eligibility(organization=world.department).eligible


def test_the_public_view_of_eligibility_reasons_only_from_public_records(world, people):
    record = make_record(world.department, proposer=people["staff"], subject_actor=people["reviewer"], until="waived")
    record = services.record_confirm(
        record=record,
        reason="事实清楚",
        actor=people["supervisor"],
        explanation_required=False,
        publication_allowed=False,
        publication_restriction="涉及国家秘密，依法不予公开",
    )
    bar(record, people, until=D(2026, 12, 31))
    assert not selectors.honours_eligibility(organization=world.department).eligible
    assert selectors.honours_eligibility(organization=world.department, public=True).eligible


# --- a body's integrity summary ------------------------------------------------------------------------


def test_the_integrity_summary_inside_and_in_public(world, people):
    public = published(world, people, category=Category.PROCUREMENT)
    notice = services.sanction_impose(
        record=public,
        kind=SanctionKind.NOTICE_OF_CRITICISM,
        reason="通报批评",
        notice_text="对该单位政府采购违规行为予以通报批评。",
        actor=people["supervisor"],
    )
    hidden = make_record(world.department, proposer=people["staff"], subject_actor=people["reviewer"], until="waived")
    hidden = services.record_confirm(
        record=hidden,
        reason="事实清楚",
        actor=people["supervisor"],
        publication_allowed=False,
        publication_restriction="涉及国家秘密，依法不予公开",
    )
    barred = bar(hidden, people, until=D(2026, 12, 31))
    make_record(world.department, proposer=people["staff"])  # a proposal counts nowhere
    withdrawn = published(world, people, category=Category.TENDERING)
    services.record_withdraw(record=withdrawn, reason="原决定被撤销", actor=people["supervisor"])
    person = civil_servant_in(world.department)
    make_record(
        None,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until="published",
        civil_servant=person,
    )  # about a person, not the body

    inside = selectors.integrity_summary(world.department)
    assert [r.pk for r in inside.open_records] == [hidden.pk, public.pk]
    assert ids(inside.active_sanctions) == {notice.pk, barred.pk}
    assert inside.category_counts == {Category.PROCUREMENT: 1, Category.COURT_JUDGMENT_DEFAULT: 1}
    assert not inside.eligibility.eligible

    outside = selectors.integrity_summary(world.department, public=True)
    assert [r.pk for r in outside.open_records] == [public.pk]
    assert ids(outside.active_sanctions) == {notice.pk}
    assert outside.category_counts == {Category.PROCUREMENT: 1}
    assert outside.eligibility.eligible


# --- queues and the supervisor's overview --------------------------------------------------------------


@pytest.fixture
def landscape(world, people, clock):
    """One record waiting at every step, all about the department."""
    clock.set(D(2026, 1, 5))
    repairable = make_repairable(world.department, people=people, determined_on=D(2026, 1, 5))
    clock.set(MONDAY)
    application = services.repair_apply(
        record=repairable, statement="已全额履行判决并完成整改。", actor=people["staff"], files=[evidence()]
    )
    proposal = make_record(world.department, proposer=people["staff"])
    waived = make_record(world.department, proposer=people["staff"], subject_actor=people["reviewer"], until="waived")
    confirmed = make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until="confirmed",
    )
    restricted = make_record(
        world.department, proposer=people["staff"], subject_actor=people["reviewer"], until="waived"
    )
    services.record_confirm(
        record=restricted,
        reason="事实清楚",
        actor=people["supervisor"],
        explanation_required=False,
        publication_allowed=False,
        publication_restriction="涉及国家秘密，依法不予公开",
    )
    rectifying = published(world, people)
    explanation = Obligation.objects.get(record=rectifying, kind=ObligationKind.EXPLANATION)
    submission = services.obligation_submit(
        obligation=explanation, text="提交书面说明及相关材料。", actor=people["staff"]
    )
    withdrawn = published(world, people)
    services.record_withdraw(record=withdrawn, reason="原决定被撤销", actor=people["supervisor"])
    return {
        "application": application,
        "proposal": proposal,
        "waived": waived,
        "confirmed": confirmed,
        "restricted": restricted,
        "rectifying": rectifying,
        "submitted": submission.obligation,
        "withdrawn": withdrawn,
    }


def test_the_subjects_side_sees_what_it_must_answer(world, people, landscape):
    for user in (people["staff"], people["reviewer"]):
        queues = selectors.queues_for(user)
        assert ids(queues["awaiting_objection"]) == {landscape["proposal"].pk}
        owed = ids(queues["obligations_due"])
        # The confirmed and the rectifying records owe; the handed-in explanation and the withdrawn record do not.
        assert owed == set(
            Obligation.objects.filter(record__in=[landscape["confirmed"], landscape["rectifying"]])
            .exclude(pk=landscape["submitted"].pk)
            .values_list("pk", flat=True)
        )
        for supervisors_queue in (
            "awaiting_ruling",
            "awaiting_publication",
            "submissions_to_review",
            "repairs_to_decide",
        ):
            assert not list(queues[supervisors_queue]), supervisors_queue


def test_a_supervisor_sees_what_waits_for_a_decision(world, people, landscape, clock):
    queues = selectors.queues_for(people["second_supervisor"])
    assert ids(queues["awaiting_ruling"]) == {landscape["waived"].pk}
    assert ids(queues["awaiting_publication"]) == {landscape["confirmed"].pk}  # not the restricted one
    assert ids(queues["submissions_to_review"]) == {landscape["submitted"].pk}
    assert ids(queues["repairs_to_decide"]) == {landscape["application"].pk}
    assert not list(queues["awaiting_objection"]) and not list(queues["obligations_due"])
    clock.set(D(2026, 6, 9))  # the proposal's objection period is over
    assert ids(selectors.queues_for(people["second_supervisor"])["awaiting_ruling"]) == {
        landscape["waived"].pk,
        landscape["proposal"].pk,
    }


def test_another_districts_people_see_no_queue(world, people, landscape):
    for user in (world.user(OTHER_ORG), user_with_role(Role.SUPERVISOR, world.other_district)):
        queues = selectors.queues_for(user)
        assert all(not list(queue) for queue in queues.values())
        overview = selectors.supervision_overview(user)
        assert set(overview["rectification_counts"].values()) == {0}
        lists = [name for name in overview if name.startswith(("overdue_", "open_"))]
        assert len(lists) == 4 and all(not list(overview[name]) for name in lists)


def test_the_overview_lists_open_and_overdue_work_in_the_jurisdiction(world, people, landscape, clock):
    overview = selectors.supervision_overview(people["supervisor"])
    owed_by_live_records = Obligation.objects.filter(record__in=[landscape["confirmed"], landscape["rectifying"]])
    assert ids(overview["open_obligations"]) == set(owed_by_live_records.values_list("pk", flat=True))
    assert not list(overview["overdue_obligations"]) and not list(overview["overdue_repairs"])
    assert not list(overview["overdue_rulings"])
    # The withdrawn record's rectification is not open any more.
    assert overview["rectification_counts"] == {RectificationState.IN_PROGRESS: 2, RectificationState.OVERDUE: 0}

    clock.set(D(2026, 6, 16))
    services.escalate_overdue_obligations()
    overview = selectors.supervision_overview(people["supervisor"])
    confirmed_explanation = Obligation.objects.get(record=landscape["confirmed"], kind=ObligationKind.EXPLANATION)
    assert ids(overview["overdue_obligations"]) == {confirmed_explanation.pk}  # the other one was handed in
    assert ids(overview["overdue_repairs"]) == {landscape["application"].pk}  # due 15 June
    assert ids(overview["overdue_rulings"]) == {landscape["proposal"].pk, landscape["waived"].pk}
    assert overview["rectification_counts"] == {RectificationState.IN_PROGRESS: 1, RectificationState.OVERDUE: 1}
