"""How each demo record reaches its state, through the services."""

from __future__ import annotations

import datetime

from core.sweeps import end_due_publicity

from .. import services
from ..choices import ObligationKind, SanctionKind, Severity
from ..models import DishonestyRecord, Obligation
from .cast import DAY, Cast, _file

# --- steps ----------------------------------------------------------------------------------------------


def _period_over(record: DishonestyRecord, cast: Cast) -> None:
    """Demo only: a body without demo log-ins cannot waive, so its objection period ended yesterday."""
    DishonestyRecord.objects.filter(pk=record.pk).update(objection_deadline=cast.today - DAY)


def _deadlines_passed(record: DishonestyRecord, cast: Cast) -> None:
    """Demo only: the explanation and rectification fell due a few days ago (the sweep then escalates them)."""
    Obligation.objects.filter(record=record).update(due_on=cast.today - 3 * DAY, due_provisional=False)


def _confirm(record, cast, by: str, reason: str, **options):
    return services.record_confirm(record=record, reason=reason, actor=cast.users[by], **options)


def _hand_in_and_accept(record, cast, *, by: str, supervisor: str, texts: dict[str, str]) -> None:
    for obligation in Obligation.objects.filter(record=record).order_by("id"):
        services.obligation_submit(
            obligation=obligation,
            text=texts[obligation.kind],
            actor=cast.users[by],
            files=[_file(f"{obligation.get_kind_display()[:4]}材料.pdf", texts[obligation.kind])],
        )
        services.obligation_accept(obligation=obligation, actor=cast.users[supervisor], note="材料齐全，予以认可。")


def _objected(record, cast):
    services.record_object(
        record=record,
        statement="该笔款项已于本年度纳入部门预算并全额支付，执行法院已出具结案通知书（见附件），不属于拒不履行生效判决的情形。",
        actor=cast.users["reviewer"],
        files=[_file("结案通知书.pdf", "执行结案通知书")],
    )


def _dismissed(record, cast):
    services.record_object(
        record=record,
        statement="招标文件中的资质条件依据行业主管部门规定设置，并非排斥潜在投标人，相关规定文本见附件。",
        actor=cast.users["xihu_reviewer"],
        files=[_file("资质规定.pdf", "行业资质规定")],
    )
    services.record_dismiss(
        record=record,
        reason="经核查，招标文件资质条件有明确规定依据，投诉事项不成立，不予认定。",
        actor=cast.users["xihu_supervisor"],
    )


def _confirmed_not_published(record, cast):
    services.record_waive_objection(record=record, actor=cast.users["xihu_reviewer"])
    record = _confirm(
        record,
        cast,
        "xihu_supervisor",
        "纪律处分决定已生效，事实清楚，予以认定。",
        publication_allowed=False,
        publication_restriction="关联案件尚在审查调查中，经区监委商请暂不公开。",
    )
    referral = services.sanction_impose(
        record=record,
        kind=SanctionKind.ACCOUNTABILITY_REFERRAL,
        reason="对失职失责问题移送追究责任。",
        referred_to="杭州市西湖区监察委员会",
        actor=cast.users["xihu_supervisor"],
    )
    services.sanction_record_outcome(
        sanction=referral,
        outcome="给予政务记大过处分，调离领导岗位。",
        outcome_on=cast.today,
        actor=cast.users["xihu_supervisor"],
    )


def _published(record, cast):
    _period_over(record, cast)
    record = _confirm(record, cast, "xihu_supervisor", "经审计查实，证据确凿，予以认定。", explanation_required=False)
    record = services.record_publish(record=record, actor=cast.users["xihu_supervisor"])
    services.sanction_impose(
        record=record,
        kind=SanctionKind.NOTICE_OF_CRITICISM,
        reason="违规出具融资承诺函，形成隐性债务风险。",
        notice_text="关于对杭州市西湖区财政局违规出具融资承诺函问题的通报：经审计查实，该局违规为融资平台公司"
        "出具承诺函，形成隐性债务担保责任。现予以通报批评，责令深刻反思、限期整改。",
        actor=cast.users["xihu_supervisor"],
    )


def _rectifying(record, cast):
    services.record_waive_objection(record=record, actor=cast.users["reviewer"])
    record = _confirm(
        record,
        cast,
        "supervisor",
        "履约评价结论明确，承诺未兑现，予以认定。",
        rectification_requirement="两个月内完成企业登记流程再造，提交整改报告及第四季度办结时限统计。",
        rectification_working_days=40,
    )
    record = services.record_publish(record=record, actor=cast.users["supervisor"])
    services.obligation_submit(
        obligation=Obligation.objects.get(record=record, kind=ObligationKind.EXPLANATION),
        text="超时办结主要因系统升级期间数据迁移及部分窗口人员不足所致，已调整排班并增设帮办岗位。",
        actor=cast.users["staff"],
        files=[_file("情况说明.pdf", "超时办结情况说明")],
    )


def _overdue(record, cast):
    _period_over(record, cast)
    record = _confirm(
        record,
        cast,
        "xihu_supervisor",
        "经核查，违约事实清楚，予以认定。",
        severity=Severity.SERIOUS,
        rectification_requirement="落实可用性付费资金来源，按合同约定支付并提交支付凭证。",
    )
    record = services.record_publish(record=record, actor=cast.users["xihu_supervisor"])
    services.sanction_impose(
        record=record,
        kind=SanctionKind.HONOURS_INELIGIBILITY,
        reason="严重失信，取消年度评优评先资格。",
        end_on=cast.today + 365 * DAY,
        actor=cast.users["xihu_supervisor"],
    )
    _deadlines_passed(record, cast)
    services.escalate_overdue_obligations(today=cast.today)


def _rectified(record, cast):
    services.record_waive_objection(record=record, actor=cast.users["staff"])
    record = _confirm(
        record,
        cast,
        "supervisor",
        "行政处罚决定已生效，予以认定。",
        rectification_requirement="一个月内完成油烟净化设施维修并提交第三方检测报告。",
        rectification_working_days=20,
    )
    record = services.record_publish(record=record, actor=cast.users["supervisor"])
    _hand_in_and_accept(
        record,
        cast,
        by="staff",
        supervisor="supervisor",
        texts={
            ObligationKind.EXPLANATION: "食堂油烟净化设施因维保合同到期未续签而停运，已追究后勤部门管理责任。",
            ObligationKind.RECTIFICATION: "已更换油烟净化设备并续签维保合同，第三方检测排放浓度达标，报告附后。",
        },
    )


def _withdrawn(record, cast):
    services.record_waive_objection(record=record, actor=cast.users["xihu_reviewer"])
    record = _confirm(record, cast, "supervisor", "生效判决认定事实清楚，予以认定。", explanation_required=False)
    record = services.record_publish(record=record, actor=cast.users["supervisor"])
    services.sanction_impose(
        record=record,
        kind=SanctionKind.NOTICE_OF_CRITICISM,
        reason="行政执法行为被判决撤销。",
        notice_text="对西湖区市场监管局行政处罚决定被法院判决撤销一事予以通报批评，要求严格规范公正文明执法。",
        actor=cast.users["supervisor"],
    )
    services.record_withdraw(
        record=record,
        reason="原判决已被浙江省高级人民法院（2026）浙行再15号行政判决撤销，认定依据不复存在，予以撤回。",
        actor=cast.users["supervisor"],
    )


def _publicity_ended(record, cast):
    _period_over(record, cast)
    record = _confirm(
        record,
        cast,
        "xihu_supervisor",
        "拖欠事实清楚，予以认定。",
        determined_on=cast.days_ago(400),
        explanation_required=False,
    )
    services.record_publish(record=record, actor=cast.users["xihu_supervisor"])
    end_due_publicity(today=cast.today)  # twelve months after the determination: already over


def _repaired(record, cast):
    services.record_waive_objection(record=record, actor=cast.users["reviewer"])
    record = _confirm(record, cast, "supervisor", "违约事实清楚，予以认定。", determined_on=cast.days_ago(200))
    _hand_in_and_accept(
        record,
        cast,
        by="reviewer",
        supervisor="supervisor",
        texts={ObligationKind.EXPLANATION: "因年度预算调整导致付款延迟，现已全额支付运维服务费及逾期利息。"},
    )
    record = services.record_publish(record=record, actor=cast.users["supervisor"])
    application = services.repair_apply(
        record=record,
        statement="已全额支付合同款项及逾期利息，并建立政府采购合同履约台账，按月核对付款节点，申请信用修复。",
        actor=cast.users["staff"],
        files=[_file("付款凭证.pdf", "合同款及逾期利息付款凭证"), _file("履约台账制度.pdf", "履约台账制度")],
    )
    services.repair_approve(
        application=application,
        reason="已超过最短公示期，整改到位，修复材料齐全，同意信用修复。",
        actor=cast.users["supervisor"],
    )


def _repair_pending(record, cast):
    services.record_waive_objection(record=record, actor=cast.users["reviewer"])
    record = _confirm(
        record,
        cast,
        "supervisor",
        "问责决定已生效，予以认定。",
        determined_on=cast.days_ago(150),
        explanation_required=False,
    )
    record = services.record_publish(record=record, actor=cast.users["supervisor"])
    services.repair_apply(
        record=record,
        statement="本人已深刻检讨，所在科室已完成食品抽检流程整改，近六个月抽检任务均按期完成，申请信用修复。",
        actor=cast.users["staff"],
        files=[_file("整改情况报告.pdf", "科室整改情况报告")],
    )


def _civil_servant_rectifying(record, cast):
    _period_over(record, cast)
    record = _confirm(record, cast, "xihu_supervisor", "承诺履约评价结论明确，予以认定。")
    record = services.record_publish(record=record, actor=cast.users["xihu_supervisor"])
    services.sanction_impose(
        record=record,
        kind=SanctionKind.HONOURS_INELIGIBILITY,
        reason="违背个人信用承诺，取消本年度评优评先资格。",
        end_on=datetime.date(cast.today.year, 12, 31),
        actor=cast.users["xihu_supervisor"],
    )
