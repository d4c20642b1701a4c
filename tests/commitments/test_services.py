"""Pledges through their services: making them, reporting progress, rolling up, ending them, judging them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from commitments import services
from commitments.choices import Fulfilment, LawfulGround, PledgeKind, PPPStage
from commitments.models import Pledge
from commitments.selectors import keeping_record_of
from core.models import LedgerEntry
from core.publication import PublicationStatus
from dishonesty_records.choices import Category, Origin, Stage
from dishonesty_records.models import DishonestyRecord
from organizations.choices import Role
from tests.factories import CivilServantFactory, user_with_role
from tests.permissions import OTHER_ORG, OWN_ORG, SUPERVISOR

from .factories import make_pledge, pledge_data, reviewer_of, today

pytestmark = pytest.mark.django_db


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- making a pledge ----------------------------------------------------------------------------------


def test_a_pledge_is_entered_by_its_own_staff_and_audited(world):
    pledge = make_pledge(world.department, actor=world.user(OWN_ORG))
    assert pledge.status == PublicationStatus.DRAFT and pledge.fulfilment == Fulfilment.IN_PROGRESS
    assert pledge.reference == f"XYCN-{pledge.pk:06d}"
    with pytest.raises(ValidationError) as excinfo:
        services.pledge_create(data=pledge_data(world.department), actor=world.user(OTHER_ORG))
    assert "organization" in errors_of(excinfo)


def test_bad_pledges_get_field_level_messages_and_nothing_is_saved(world):
    start = today()
    with pytest.raises(ValidationError) as excinfo:
        services.pledge_create(
            data=pledge_data(world.department, starts_on=start, due_on=start - datetime.timedelta(days=1), title=" "),
            actor=world.user(OWN_ORG),
        )
    assert set(errors_of(excinfo)) >= {"due_on", "title"}
    with pytest.raises(ValidationError) as excinfo:
        services.pledge_create(
            data=pledge_data(world.department, kind=PledgeKind.INVESTMENT_CONTRACT, counterparty=""),
            actor=world.user(OWN_ORG),
        )
    assert "counterparty" in errors_of(excinfo)
    assert not Pledge.objects.exists()


def test_a_part_cannot_hang_under_another_organizations_pledge(world):
    theirs = make_pledge(world.other_department)
    with pytest.raises(ValidationError) as excinfo:
        services.pledge_create(data=pledge_data(world.department, parent=theirs), actor=world.user(OWN_ORG))
    assert "parent" in errors_of(excinfo)


# --- progress and the roll-up --------------------------------------------------------------------------


def test_progress_above_a_hundred_or_backwards_without_a_reason_is_refused(world):
    pledge = make_pledge(world.department)
    staff = world.user(OWN_ORG)
    with pytest.raises(ValidationError) as excinfo:
        services.pledge_report_progress(pledge=pledge, progress="120", note="完成了更多", actor=staff)
    assert "progress" in errors_of(excinfo)
    services.pledge_report_progress(pledge=pledge, progress="60", note="完成窗口改造", actor=staff)
    with pytest.raises(ValidationError) as excinfo:
        services.pledge_report_progress(pledge=pledge, progress="40", note="重新核算", actor=staff)
    assert "reason" in errors_of(excinfo)
    report = services.pledge_report_progress(
        pledge=pledge, progress="40", note="重新核算", reason="原统计重复计算了两个窗口", actor=staff
    )
    assert (report.progress_before, report.progress_after) == (Decimal("60.00"), Decimal("40.00"))
    pledge.refresh_from_db()
    assert pledge.progress == Decimal("40.00")
    with pytest.raises(PermissionDenied):
        services.pledge_report_progress(pledge=pledge, progress="50", note="别人报的", actor=world.user(OTHER_ORG))


def test_progress_of_a_published_pledge_is_a_new_version_in_the_ledger(world):
    pledge = make_pledge(world.department, published=True)
    services.pledge_report_progress(pledge=pledge, progress="30", note="完成首批 30 家企业", actor=world.user(OWN_ORG))
    pledge.refresh_from_db()
    assert pledge.version == 2
    entries = LedgerEntry.objects.filter(record_type=Pledge.record_type, record_id=pledge.pk).order_by("seq")
    assert [entry.action for entry in entries] == ["publish", "correct"]


def test_a_three_level_tree_rolls_up_weighted(world):
    staff = world.user(OWN_ORG)
    top = make_pledge(world.department, title="营商环境十项承诺")
    middle = make_pledge(world.department, parent=top, weight="3", title="审批提速")
    other_middle = make_pledge(world.department, parent=top, weight="1", title="窗口服务")
    leaf_a = make_pledge(world.department, parent=middle, weight="1", title="企业开办")
    leaf_b = make_pledge(world.department, parent=middle, weight="3", title="工程审批")
    services.pledge_report_progress(pledge=leaf_a, progress="100", note="全部完成", actor=staff)
    services.pledge_report_progress(pledge=leaf_b, progress="20", note="完成两成", actor=staff)
    services.pledge_report_progress(pledge=other_middle, progress="50", note="完成一半", actor=staff)
    middle.refresh_from_db()
    top.refresh_from_db()
    # middle: (1 × 100 + 3 × 20) / 4 = 40; top: (3 × 40 + 1 × 50) / 4 = 42.5
    assert middle.progress == Decimal("40.00")
    assert top.progress == Decimal("42.50")
    assert services.rolled_up_share([(Decimal(3), Decimal(40)), (Decimal(1), Decimal(50))]) == Decimal("42.50")
    with pytest.raises(ValidationError) as excinfo:
        services.pledge_report_progress(pledge=top, progress="90", note="直接报告", actor=staff)
    assert "progress" in errors_of(excinfo)


def test_a_milestone_in_working_days_skips_national_day_and_counts_the_make_up_day(world):
    pledge = make_pledge(world.department, starts_on=datetime.date(2026, 9, 29), due_on=datetime.date(2026, 12, 31))
    # From Tue 29 Sep 2026: 30 Sep (1), 1–7 Oct National Day, 8 Oct (2), 9 Oct (3), Sat 10 Oct a make-up
    # working day (4).
    milestone = services.milestone_add(pledge=pledge, title="完成方案", working_days=4, actor=world.user(OWN_ORG))
    assert milestone.due_on == datetime.date(2026, 10, 10)
    with pytest.raises(ValidationError) as excinfo:
        services.milestone_add(pledge=pledge, title="提前", due_on=datetime.date(2026, 9, 1), actor=world.user(OWN_ORG))
    assert "due_on" in errors_of(excinfo)


# --- how a pledge ends ------------------------------------------------------------------------------


def test_fulfilled_needs_the_work_done_and_only_a_supervisor_settles(world):
    pledge = make_pledge(world.department)
    with pytest.raises(PermissionDenied):
        services.pledge_settle(pledge=pledge, outcome=Fulfilment.FULFILLED, note="已兑现", actor=world.user(OWN_ORG))
    with pytest.raises(ValidationError) as excinfo:
        services.pledge_settle(pledge=pledge, outcome=Fulfilment.FULFILLED, note="已兑现", actor=world.user(SUPERVISOR))
    assert "outcome" in errors_of(excinfo)
    services.pledge_report_progress(pledge=pledge, progress="100", note="全部完成", actor=world.user(OWN_ORG))
    pledge, record = services.pledge_settle(
        pledge=pledge, outcome=Fulfilment.FULFILLED, note="按期全部兑现", actor=world.user(SUPERVISOR)
    )
    assert pledge.fulfilment == Fulfilment.FULFILLED and record is None
    with pytest.raises(ValidationError):
        services.pledge_report_progress(
            pledge=pledge, progress="90", note="再改", reason="统计口径", actor=world.user(OWN_ORG)
        )


def test_a_breach_proposes_a_dishonesty_record_naming_the_pledge(world):
    pledge = make_pledge(world.department, kind=PledgeKind.INVESTMENT_PROMISE, counterparty="杭州某科技有限公司")
    pledge, record = services.pledge_settle(
        pledge=pledge, outcome=Fulfilment.BREACHED, note="约定的厂房补贴未兑现", actor=world.user(SUPERVISOR)
    )
    assert pledge.fulfilment == Fulfilment.BREACHED
    record = DishonestyRecord.objects.get(pk=record.pk)
    assert record.stage == Stage.PROPOSED and record.origin == Origin.BREACHED_PLEDGE
    assert (record.origin_record_type, record.origin_record_id) == (Pledge.record_type, pledge.pk)
    assert record.category == Category.INVESTMENT_PROMOTION and record.subject_organization == world.department


def test_a_lawful_change_needs_its_ground_approval_and_for_investment_the_compensation(world):
    pledge = make_pledge(world.department, kind=PledgeKind.INVESTMENT_CONTRACT, counterparty="杭州某制造有限公司")
    supervisor = world.user(SUPERVISOR)
    with pytest.raises(ValidationError) as excinfo:
        services.pledge_change_lawfully(
            pledge=pledge, ground="", approved_by="", document="", reason="规划调整", actor=supervisor
        )
    assert set(errors_of(excinfo)) >= {"ground", "approved_by", "document", "compensation"}
    pledge.refresh_from_db()
    assert pledge.fulfilment == Fulfilment.IN_PROGRESS
    changed = services.pledge_change_lawfully(
        pledge=pledge,
        ground=LawfulGround.PUBLIC_INTEREST,
        approved_by="甲区人民政府",
        document="甲政复〔2026〕12号",
        compensation="按评估价补偿企业已投入的设备与厂房改造费用",
        reason="地块调整为学校用地",
        actor=supervisor,
    )
    assert changed.fulfilment == Fulfilment.CHANGED_LAWFULLY and changed.change_ground == LawfulGround.PUBLIC_INTEREST


def test_a_supervisor_evaluates_fulfilment_with_a_score_and_a_comment(world):
    pledge = make_pledge(world.department)
    with pytest.raises(ValidationError) as excinfo:
        services.pledge_evaluate(pledge=pledge, score=130, comment="", actor=world.user(SUPERVISOR))
    assert set(errors_of(excinfo)) == {"score", "comment"}
    with pytest.raises(PermissionDenied):
        services.pledge_evaluate(pledge=pledge, score=90, comment="自评很好", actor=world.user(OWN_ORG))
    evaluated = services.pledge_evaluate(pledge=pledge, score=85, comment="进度符合预期", actor=world.user(SUPERVISOR))
    assert (evaluated.evaluation_score, evaluated.evaluation_comment) == (85, "进度符合预期")


def test_a_ppp_stage_is_traced_back_to_whoever_answered_for_it_then(world):
    pledge = make_pledge(world.department, kind=PledgeKind.PPP_DUTY, project="某污水处理厂 PPP 项目")
    staff = world.user(OWN_ORG)
    first = services.ppp_responsibility_assign(
        pledge=pledge, stage=PPPStage.FINANCING, person_name="李某", from_on=datetime.date(2025, 1, 1), actor=staff
    )
    second = services.ppp_responsibility_assign(
        pledge=pledge, stage=PPPStage.FINANCING, person_name="赵某", from_on=datetime.date(2026, 3, 1), actor=staff
    )
    first.refresh_from_db()
    assert first.until_on == datetime.date(2026, 3, 1)
    assert services.answerable_for(pledge, PPPStage.FINANCING, datetime.date(2025, 6, 1)) == first
    assert services.answerable_for(pledge, PPPStage.FINANCING, datetime.date(2026, 6, 1)) == second
    assert services.answerable_for(pledge, PPPStage.TENDERING, datetime.date(2026, 6, 1)) is None


def test_publishing_keeps_four_eyes_and_an_internal_pledge_is_never_published(world):
    staff = world.user(OWN_ORG)
    pledge = make_pledge(world.department, actor=staff)
    with pytest.raises(PermissionDenied):
        services.pledge_publish(pledge=pledge, actor=staff)  # staff enter, reviewers publish
    both = user_with_role(Role.REVIEWER, world.department)
    own = make_pledge(world.department, actor=user_with_role(Role.SUPERVISOR, world.department))
    services.pledge_publish(pledge=pledge, actor=both)
    assert Pledge.objects.public().filter(pk=pledge.pk).exists()
    internal = make_pledge(world.department, is_public=False)
    with pytest.raises(ValidationError):
        services.pledge_publish(pledge=internal, actor=reviewer_of(world.department))
    assert own.status == PublicationStatus.DRAFT
    assert timezone.localdate() >= pledge.starts_on


def test_a_broken_ppp_duty_is_traced_to_whoever_answered_for_its_stage_then(world):
    staff, supervisor = world.user(OWN_ORG), world.user(SUPERVISOR)
    start = timezone.localdate() - datetime.timedelta(days=200)
    pledge = make_pledge(
        world.department,
        published=True,
        kind=PledgeKind.PPP_DUTY,
        theme="",
        project="城西污水处理厂PPP项目",
        starts_on=start,
        title="按期完成政府方出资",
    )
    first = CivilServantFactory(organization=world.department, name="张某")
    second = CivilServantFactory(organization=world.department, name="李某")
    services.ppp_responsibility_assign(
        pledge=pledge, stage=PPPStage.FINANCING, person_name="", civil_servant=first, from_on=start, actor=staff
    )
    handover = start + datetime.timedelta(days=100)
    services.ppp_responsibility_assign(
        pledge=pledge, stage=PPPStage.FINANCING, person_name="", civil_servant=second, from_on=handover, actor=staff
    )
    with pytest.raises(ValidationError) as refused:
        services.pledge_settle(pledge=pledge, outcome=Fulfilment.BREACHED, note="出资未按期到位", actor=supervisor)
    assert "breach_stage" in refused.value.message_dict
    # Found now, but it happened before the handover: it is the first person's.
    pledge, record = services.pledge_settle(
        pledge=pledge,
        outcome=Fulfilment.BREACHED,
        note="出资未按期到位",
        breach_stage=PPPStage.FINANCING,
        breach_occurred_on=handover - datetime.timedelta(days=10),
        actor=supervisor,
    )
    assert pledge.breach_answerable.civil_servant == first
    assert "张某" in record.facts and "张某" not in record.facts_summary
    assert keeping_record_of(first)["breaches"] == 1
    assert keeping_record_of(second)["breaches"] == 0
    assert len(keeping_record_of(second)["ppp_stages"]) == 1


def test_a_draft_cannot_be_moved_to_a_body_its_writer_does_not_write_for(world):
    pledge = make_pledge(world.department)
    with pytest.raises(ValidationError) as refused:
        services.pledge_update(pledge=pledge, data={"organization": world.other_department}, actor=world.user(OWN_ORG))
    assert "organization" in refused.value.message_dict
    pledge.refresh_from_db()
    assert pledge.organization == world.department
