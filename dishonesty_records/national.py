"""A dishonesty record on the wire (ZWSX_* codes): what the national push sends and the ledger hashes.

There is no national standard for government dishonesty records as there is for 双公示, so the codes
follow the CF_/XK_ pattern. A civil servant's record carries only what the plan allows to be published:
name, position, organization, category and a summary of the facts — never an ID number or the full facts.
Values are the Chinese terms, dates YYYY-MM-DD, so the document reads the same in every language.
"""

from __future__ import annotations

from .choices import Category, Severity, SourceKind, SubjectKind

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
}


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
    return document
