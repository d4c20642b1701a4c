"""A dishonesty record on the wire (ZWSX_* codes): what the national push sends and the ledger hashes.

There is no national standard for government dishonesty records as there is for 双公示, so the codes
follow the CF_/XK_ pattern. A civil servant's record carries only what the plan allows to be published:
name, position, organization, category and a summary of the facts — never an ID number or the full facts.
Values are the Chinese terms, dates YYYY-MM-DD, so the document reads the same in every language.

The sanctions shown with the record in public go with it (ZWSX_CJLB, ZWSX_CJNR, ZWSX_TBPP, present only
when there is one to show), so the ledger and the national platform hold what the public sees. They are
written with their dates, not as "in force today", so that the document does not change with the
calendar: a sanction imposed, lifted or changed is a new version of the record (the services announce
it), a sanction that runs out on its date is not.
"""

from __future__ import annotations

from .choices import Category, SanctionKind, SanctionStatus, Severity, SourceKind, SubjectKind

WIRE_LABELS = {
    "subject_kind": {SubjectKind.ORGANIZATION: "政府机构", SubjectKind.CIVIL_SERVANT: "公务员"},
    "category": {
        Category.BREACHED_PLEDGE: "违背信用承诺",
        Category.COURT_JUDGMENT_DEFAULT: "拒不履行法院生效判决",
        Category.JUDICIAL_JUDGMENT: "被司法判决",
        Category.ADMINISTRATIVE_PENALTY: "被行政处罚",
        Category.DISCIPLINARY_SANCTION: "纪律处分",
        Category.ACCOUNTABILITY: "问责处理",
        Category.PROCUREMENT: "政府采购违法违规",
        Category.PPP_DEFAULT: "PPP项目违约",
        Category.TENDERING: "招标投标违法违规",
        Category.INVESTMENT_PROMOTION: "招商引资虚假承诺或毁约",
        Category.ILLEGAL_DEBT: "违规举债或担保、恶意逃废债务",
        Category.OTHER: "其他",
    },
    "severity": {Severity.GENERAL: "一般", Severity.SERIOUS: "严重"},
    "source_kind": {
        SourceKind.COURT: "人民法院",
        SourceKind.DISCIPLINE: "监察机关/纪检机关",
        SourceKind.DEPARTMENT: "行政机关",
        SourceKind.COMPLAINT: "投诉举报",
        SourceKind.INSPECTION: "督查检查",
        SourceKind.PLEDGE: "承诺履约评价",
    },
    "sanction_kind": {
        SanctionKind.NOTICE_OF_CRITICISM: "通报批评",
        SanctionKind.HONOURS_INELIGIBILITY: "取消评优评先资格",
        SanctionKind.ACCOUNTABILITY_REFERRAL: "责任追究",
    },
}


# The sanctions shown with the record (see _sanctions), present only when there is one to show.
SANCTION_FIELDS = ("ZWSX_CJLB", "ZWSX_CJNR", "ZWSX_TBPP")


def _date(value) -> str:
    return value.isoformat() if value else ""


def to_national(record) -> dict[str, str]:
    """The published document. Both the push and the public read this; it holds nothing to mask."""
    organization_name = record.subject_organization_name or record.subject_organization.name
    document = {
        "ZWSX_ZTMC": record.subject_name,
        "ZWSX_ZTLB": WIRE_LABELS["subject_kind"][record.subject_kind],
        "ZWSX_SSDW": organization_name,
        "ZWSX_SXLB": WIRE_LABELS["category"].get(record.category, record.category),
        "ZWSX_SSZY": record.facts_summary,
        "ZWSX_RDJG": record.authority_name or (record.authority.name if record.authority_id else ""),
        "ZWSX_RDRQ": _date(record.determined_on),
        "ZWSX_GSJZQ": _date(record.publicity_ends_on),
    }
    if record.is_civil_servant:
        document["ZWSX_ZW"] = record.subject_position
        document.update(_sanctions(record, with_reasons=False))
        return document
    document.update(
        {
            "ZWSX_TYSHXYDM": record.subject_uscc,
            "ZWSX_YZCD": WIRE_LABELS["severity"][record.severity],
            "ZWSX_LYLB": WIRE_LABELS["source_kind"].get(record.source_kind, record.source_kind),
            "ZWSX_LYWH": record.source_document_number,
            "ZWSX_LYJG": record.source_issuing_body,
            "ZWSX_FSRQ": _date(record.occurred_on),
            "ZWSX_RDYY": record.reason,
        }
    )
    document.update(_sanctions(record, with_reasons=True))
    return document


def shown_sanctions(record) -> list:
    """The sanctions published with the record, in the order they were imposed.

    Lifted ones are not shown. Of a civil servant only a notice of criticism is shown: its text is written
    to be published, the rest concerns the person beyond what may be said. A record that has left public
    view (publicity ended, credit repaired) keeps the sanctions it left with: what is imposed or lifted
    afterwards was never shown with it. Reads `record.sanctions.all()`, so a prefetch serves a batch.
    """
    left_at = record.publicity_ended_at
    shown = []
    for sanction in sorted(record.sanctions.all(), key=lambda s: s.pk):
        if record.is_civil_servant and sanction.kind != SanctionKind.NOTICE_OF_CRITICISM:
            continue
        if left_at is None:
            if sanction.status != SanctionStatus.ACTIVE:
                continue
        elif sanction.created_at > left_at or (sanction.lifted_at is not None and sanction.lifted_at <= left_at):
            continue
        shown.append(sanction)
    return shown


def _sanctions(record, *, with_reasons: bool) -> dict[str, str]:
    """ZWSX_CJLB 惩戒类别 (the kinds, "；"-separated like CF_CFLB), ZWSX_CJNR 惩戒内容 (one line each: kind,
    period and — for a government body, as its public page shows — the reasons) and ZWSX_TBPP 通报批评内容
    (the text of each notice of criticism). Nothing at all when no sanction is shown."""
    sanctions = shown_sanctions(record)
    if not sanctions:
        return {}
    kinds, lines, notices = [], [], []
    for sanction in sanctions:
        kind = WIRE_LABELS["sanction_kind"].get(sanction.kind, sanction.kind)
        kinds.append(kind)
        period = (
            f"{_date(sanction.start_on)}至{_date(sanction.end_on)}"
            if sanction.end_on
            else f"{_date(sanction.start_on)}起"
        )
        line = f"{kind}：{period}"
        if with_reasons and sanction.reason:
            line += f"。理由：{sanction.reason}"
        lines.append(line)
        if sanction.kind == SanctionKind.NOTICE_OF_CRITICISM and sanction.notice_text:
            notices.append(sanction.notice_text)
    document = {"ZWSX_CJLB": "；".join(kinds), "ZWSX_CJNR": "\n".join(lines)}
    if notices:
        document["ZWSX_TBPP"] = "\n\n".join(notices)
    return document
