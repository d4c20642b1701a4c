"""Demo dishonesty records in every display state, made through the services as the demo log-ins would make them.

Idempotent: a demo record is known by its source document number, so a second run adds nothing.

Who does what (organizations/demo.py): `staff` and `reviewer` answer for 杭州市市场监督管理局, `xihu_staff` and
`xihu_reviewer` for 西湖区市场监管局; `supervisor` (city) and `xihu_supervisor` (西湖区) propose and rule, never
on what they proposed themselves. Bodies without demo log-ins (西湖区政府, 西湖区财政局, 北山街道…) cannot waive
their objection period, so for them it is moved to yesterday before the ruling — see `_period_over`.

States that need the past are reached without faking a service: a determination may be dated in the past, so
the minimum publicity period of the repaired and repair-pending records, and the whole period of the ended one,
are already over; only the overdue record's deadlines are moved back (`_deadlines_passed`) before the sweep runs.
E-mail copies of the notices are not sent while seeding; the in-app notices are kept.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from organizations.models import CivilServant, Organization, User

from . import services
from .choices import Category, ObligationKind, SanctionKind, Severity, SourceKind, SubjectKind
from .models import DishonestyRecord, Obligation

DAY = datetime.timedelta(days=1)


@dataclass
class Cast:
    today: datetime.date
    users: dict[str, User]
    organizations: dict[str, Organization]  # by short name
    people: dict[str, CivilServant]  # by name

    def days_ago(self, days: int) -> datetime.date:
        return self.today - days * DAY


@dataclass(frozen=True)
class DemoRecord:
    number: str  # the source document's number: the demo record's key
    subject: str  # an organization's short name, or a civil servant's name
    category: str
    facts: str
    summary: str
    source_kind: str
    issuing_body: str
    occurred_days_ago: int
    document_days_ago: int
    proposer: str
    carry: Callable[[DishonestyRecord, Cast], object]  # from proposed to the state it shows
    severity: str = Severity.GENERAL
    civil_servant: bool = False

    def data(self, cast: Cast) -> dict:
        person = cast.people[self.subject] if self.civil_servant else None
        return {
            "subject_kind": SubjectKind.CIVIL_SERVANT if person else SubjectKind.ORGANIZATION,
            "subject_organization": None if person else cast.organizations[self.subject],
            "civil_servant": person,
            "category": self.category,
            "severity": self.severity,
            "facts": self.facts,
            "facts_summary": self.summary,
            "occurred_on": cast.days_ago(self.occurred_days_ago),
            "source_kind": self.source_kind,
            "source_document_number": self.number,
            "source_issuing_body": self.issuing_body,
            "source_document_date": cast.days_ago(self.document_days_ago),
        }


def _file(name: str, about: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, f"%PDF-1.4\n% 演示材料：{about}\n".encode(), content_type="application/pdf")


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
    services.end_due_publicity(today=cast.today)  # twelve months after the determination: already over


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


# --- the records ----------------------------------------------------------------------------------------

RECORDS = [
    DemoRecord(
        number="西财采监〔2026〕17号",
        subject="西湖区市场监管局",
        category=Category.PROCUREMENT,
        facts="在2026年度执法记录仪采购项目（项目编号XHCG-2026-0412）中，采购需求指定特定品牌和型号，"
        "以不合理条件对供应商实行差别待遇，违反《中华人民共和国政府采购法》第二十二条规定。",
        summary="政府采购项目中指定品牌，以不合理条件对供应商实行差别待遇",
        source_kind=SourceKind.INSPECTION,
        issuing_body="杭州市西湖区财政局",
        occurred_days_ago=60,
        document_days_ago=20,
        proposer="xihu_supervisor",
        carry=lambda record, cast: None,  # stays proposed: the objection period is open
    ),
    DemoRecord(
        number="（2025）浙0102执3217号",
        subject="市市场监管局",
        category=Category.COURT_JUDGMENT_DEFAULT,
        facts="该局作为被执行人，未按（2025）浙0102民初1856号民事判决书履行支付办公用房物业服务费及违约金"
        "共计人民币47.6万元的义务，上城区人民法院于2025年11月立案执行，逾期仍未履行。",
        summary="未履行法院生效判决确定的支付义务（物业服务费及违约金47.6万元）",
        source_kind=SourceKind.COURT,
        issuing_body="杭州市上城区人民法院",
        occurred_days_ago=300,
        document_days_ago=90,
        proposer="supervisor",
        carry=_objected,
    ),
    DemoRecord(
        number="西交投诉〔2026〕9号",
        subject="西湖区市场监管局",
        category=Category.TENDERING,
        facts="投诉人反映，该局食品快检服务招标项目在招标文件中设置与项目无关的资质条件，排斥潜在投标人，"
        "违反《中华人民共和国招标投标法实施条例》第三十二条规定。",
        summary="招标文件设置不合理资质条件，排斥潜在投标人",
        source_kind=SourceKind.COMPLAINT,
        issuing_body="杭州市公共资源交易中心西湖分中心",
        occurred_days_ago=120,
        document_days_ago=45,
        proposer="supervisor",
        carry=_dismissed,
    ),
    DemoRecord(
        number="西纪发〔2026〕42号",
        subject="罗文斌",
        civil_servant=True,
        category=Category.DISCIPLINARY_SANCTION,
        severity=Severity.SERIOUS,
        facts="该同志在担任西湖区市场监管局局长期间，违规接受管理服务对象宴请，并在市场主体年报抽查中"
        "为他人打招呼、说情，受到党内严重警告、政务记大过处分。",
        summary="违反廉洁纪律和工作纪律，受到党内严重警告、政务记大过处分",
        source_kind=SourceKind.DISCIPLINE,
        issuing_body="中共杭州市西湖区纪律检查委员会、杭州市西湖区监察委员会",
        occurred_days_ago=240,
        document_days_ago=30,
        proposer="xihu_staff",
        carry=_confirmed_not_published,
    ),
    DemoRecord(
        number="浙审财〔2026〕23号",
        subject="西湖区财政局",
        category=Category.ILLEGAL_DEBT,
        severity=Severity.SERIOUS,
        facts="2024年至2025年间，该局违规为区属融资平台公司向金融机构融资出具承诺函，形成隐性债务担保责任"
        "2.3亿元，违反《中华人民共和国预算法》有关规定，经省审计厅审计查出。",
        summary="违规为融资平台公司融资出具承诺函，形成隐性债务担保",
        source_kind=SourceKind.DEPARTMENT,
        issuing_body="浙江省审计厅",
        occurred_days_ago=420,
        document_days_ago=60,
        proposer="supervisor",
        carry=_published,
    ),
    DemoRecord(
        number="杭发改信用〔2026〕58号",
        subject="市市场监管局",
        category=Category.BREACHED_PLEDGE,
        facts="该局在《优化营商环境服务承诺书》中承诺企业登记事项“一日办结”。经2026年第三季度履约评价，"
        "抽查的312件登记申请中有47件超过一个工作日办结，承诺未兑现。",
        summary="未兑现“企业登记一日办结”的营商环境服务承诺",
        source_kind=SourceKind.PLEDGE,
        issuing_body="杭州市发展和改革委员会",
        occurred_days_ago=75,
        document_days_ago=25,
        proposer="staff",
        carry=_rectifying,
    ),
    DemoRecord(
        number="杭发改投资〔2026〕112号",
        subject="西湖区政府",
        category=Category.PPP_DEFAULT,
        severity=Severity.SERIOUS,
        facts="西溪湿地周边道路提升改造PPP项目中，西湖区人民政府未按PPP项目合同约定将2025年度可用性付费"
        "1.86亿元纳入预算并按期支付，经社会资本方多次书面催告仍未支付，构成合同违约。",
        summary="未按PPP项目合同约定按期支付可用性付费",
        source_kind=SourceKind.INSPECTION,
        issuing_body="杭州市发展和改革委员会",
        occurred_days_ago=330,
        document_days_ago=40,
        proposer="supervisor",
        carry=_overdue,
    ),
    DemoRecord(
        number="杭上环罚〔2026〕36号",
        subject="市市场监管局",
        category=Category.ADMINISTRATIVE_PENALTY,
        facts="该局机关食堂油烟净化设施未正常运行，油烟直排，违反《中华人民共和国大气污染防治法》第八十一条"
        "规定，被杭州市生态环境局上城分局处以罚款人民币二万元。",
        summary="机关食堂油烟净化设施未正常运行，被处以罚款",
        source_kind=SourceKind.DEPARTMENT,
        issuing_body="杭州市生态环境局上城分局",
        occurred_days_ago=150,
        document_days_ago=110,
        proposer="staff",
        carry=_rectified,
    ),
    DemoRecord(
        number="（2025）浙01行终612号",
        subject="西湖区市场监管局",
        category=Category.JUDICIAL_JUDGMENT,
        facts="在某餐饮企业诉该局行政处罚一案中，杭州市中级人民法院二审判决撤销该局作出的行政处罚决定，"
        "认定其执法程序违法，并判令其承担案件诉讼费用。",
        summary="行政处罚决定因执法程序违法被法院判决撤销",
        source_kind=SourceKind.COURT,
        issuing_body="杭州市中级人民法院",
        occurred_days_ago=260,
        document_days_ago=200,
        proposer="xihu_staff",
        carry=_withdrawn,
    ),
    DemoRecord(
        number="杭督查〔2025〕76号",
        subject="西湖区北山街道",
        category=Category.OTHER,
        facts="该街道办事处拖欠辖区两家中小企业背街小巷改造工程款共计人民币132万元，超过合同约定付款期限"
        "九个月，经市政府督查室督查核实。",
        summary="拖欠中小企业工程款，超过合同约定付款期限",
        source_kind=SourceKind.INSPECTION,
        issuing_body="杭州市人民政府督查室",
        occurred_days_ago=480,
        document_days_ago=410,
        proposer="supervisor",
        carry=_publicity_ended,
    ),
    DemoRecord(
        number="杭财采投〔2026〕5号",
        subject="市市场监管局",
        category=Category.PROCUREMENT,
        facts="该局未按政府采购合同约定期限支付食品安全信息化系统运维服务费人民币86万元，经供应商投诉，"
        "杭州市财政局认定该局违反合同约定。",
        summary="未按政府采购合同约定期限支付运维服务费",
        source_kind=SourceKind.DEPARTMENT,
        issuing_body="杭州市财政局",
        occurred_days_ago=260,
        document_days_ago=210,
        proposer="staff",
        carry=_repaired,
    ),
    DemoRecord(
        number="杭纪问〔2026〕27号",
        subject="刘建国",
        civil_servant=True,
        category=Category.ACCOUNTABILITY,
        facts="该同志作为食品生产监管科科长，未按要求组织开展2025年第四季度食品抽检，导致辖区两批次不合格"
        "食品未能及时发现，被诫勉问责。",
        summary="履行监管职责不力，被诫勉问责",
        source_kind=SourceKind.DISCIPLINE,
        issuing_body="中共杭州市纪律检查委员会、杭州市监察委员会",
        occurred_days_ago=240,
        document_days_ago=160,
        proposer="staff",
        carry=_repair_pending,
    ),
    DemoRecord(
        number="西发改信诺〔2026〕14号",
        subject="高秀英",
        civil_servant=True,
        category=Category.BREACHED_PLEDGE,
        facts="该同志在办理企业投资项目备案时公开承诺“三个工作日内办结”，经评价有六件备案超期办结且未说明"
        "理由，违背个人信用承诺。",
        summary="违背“三个工作日内办结”的个人信用承诺",
        source_kind=SourceKind.PLEDGE,
        issuing_body="杭州市西湖区发展和改革局",
        occurred_days_ago=90,
        document_days_ago=30,
        proposer="supervisor",
        carry=_civil_servant_rectifying,
    ),
]


def seed_dishonesty_records() -> int:
    """Make the demo records that are not there yet; returns how many were made."""
    today = timezone.localdate()
    known = set(
        DishonestyRecord.objects.filter(source_document_number__in=[r.number for r in RECORDS]).values_list(
            "source_document_number", flat=True
        )
    )
    missing = [r for r in RECORDS if r.number not in known]
    if not missing:
        return 0
    cast = Cast(
        today=today,
        users={u.username: u for u in User.objects.filter(username__in=_usernames())},
        organizations={o.short_name: o for o in Organization.objects.filter(short_name__in=_subjects())},
        people={p.name: p for p in CivilServant.objects.filter(name__in=_subjects()).select_related("organization")},
    )
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        for demo in missing:
            record = services.record_propose(
                data=demo.data(cast),
                actor=cast.users[demo.proposer],
                files=[_file("来源文书.pdf", f"{demo.issuing_body} {demo.number}")],
            )
            demo.carry(record, cast)
    return len(missing)


def _usernames() -> set[str]:
    return {"staff", "reviewer", "xihu_staff", "xihu_reviewer", "supervisor", "xihu_supervisor"}


def _subjects() -> set[str]:
    return {r.subject for r in RECORDS}
