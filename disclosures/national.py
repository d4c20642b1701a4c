"""THE mapping between our fields and the national exchange format (CF_* / XK_* codes).

Import, export and the national push all read these tables; nothing else spells a code.
Values on the wire are the standard's Chinese terms (e.g. CF_XDR_LB = 法人及非法人组织), dates are
YYYY-MM-DD, amounts are in 万元.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .choices import IdType, LicenseCategory, LicenseState, PenaltyKind, SafetyDomain, SubjectKind

WIRE_LABELS: dict[str, dict[str, str]] = {
    "subject_kind": {
        SubjectKind.LEGAL_PERSON: "法人及非法人组织",
        SubjectKind.INDIVIDUAL_BUSINESS: "个体工商户",
        SubjectKind.NATURAL_PERSON: "自然人",
    },
    "id_type": {
        IdType.RESIDENT_ID: "身份证",
        IdType.PASSPORT: "护照",
        IdType.HK_MACAO_PERMIT: "港澳居民来往内地通行证",
        IdType.TAIWAN_PERMIT: "台湾居民来往大陆通行证",
        IdType.FOREIGN_RESIDENCE: "外国人永久居留身份证",
        IdType.OTHER: "其他",
    },
    "penalty_kind": {
        PenaltyKind.WARNING: "警告",
        PenaltyKind.PUBLIC_CRITICISM: "通报批评",
        PenaltyKind.FINE: "罚款",
        PenaltyKind.CONFISCATION_OF_ILLEGAL_GAINS: "没收违法所得",
        PenaltyKind.CONFISCATION_OF_ILLEGAL_PROPERTY: "没收非法财物",
        PenaltyKind.LICENSE_SUSPENSION: "暂扣许可证件",
        PenaltyKind.QUALIFICATION_DOWNGRADE: "降低资质等级",
        PenaltyKind.LICENSE_REVOCATION: "吊销许可证件",
        PenaltyKind.BUSINESS_RESTRICTION: "限制开展生产经营活动",
        PenaltyKind.PRODUCTION_SUSPENSION: "责令停产停业",
        PenaltyKind.CLOSURE: "责令关闭",
        PenaltyKind.PRACTICE_RESTRICTION: "限制从业",
        PenaltyKind.DETENTION: "行政拘留",
        PenaltyKind.OTHER: "其他",
    },
    "license_category": {
        LicenseCategory.ORDINARY: "普通",
        LicenseCategory.FRANCHISE: "特许",
        LicenseCategory.RECOGNITION: "认可",
        LicenseCategory.APPROVAL: "核准",
        LicenseCategory.REGISTRATION: "登记",
        LicenseCategory.OTHER: "其他",
    },
    "license_state": {LicenseState.VALID: "有效", LicenseState.INVALID: "无效"},
    "safety_domain": {
        SafetyDomain.NONE: "",
        SafetyDomain.SPECIAL_EQUIPMENT: "特种设备",
        SafetyDomain.WORK_SAFETY: "安全生产",
        SafetyDomain.FIRE_SAFETY: "消防安全",
    },
}


@dataclass(frozen=True)
class FieldSpec:
    code: str  # national code, e.g. CF_XDR_MC
    label: str  # the standard's Chinese name, accepted as an import header
    attribute: str  # our field; "authority.name" style for the deciding / source organization
    kind: str = "text"  # text | date | decimal | choice | choices | org_name | org_uscc | computed
    choices: str = ""  # key into WIRE_LABELS for choice / choices
    required: bool = False  # starred in the standard


def _subject_fields(prefix: str) -> list[FieldSpec]:
    p = prefix
    return [
        FieldSpec(f"{p}_XDR_MC", "行政相对人名称", "subject_name", required=True),
        FieldSpec(f"{p}_XDR_LB", "行政相对人类别", "subject_kind", "choice", "subject_kind", required=True),
        FieldSpec(f"{p}_XDR_SHXYM", "统一社会信用代码", "subject_uscc"),
        FieldSpec(f"{p}_XDR_GSZC", "工商注册号", "business_registration_number"),
        FieldSpec(f"{p}_XDR_ZZJG", "组织机构代码", "organization_code"),
        FieldSpec(f"{p}_XDR_SWDJ", "税务登记号", "tax_registration_number"),
        FieldSpec(f"{p}_XDR_SYDW", "事业单位证书号", "public_institution_number"),
        FieldSpec(f"{p}_XDR_SHZZ", "社会组织登记证号", "social_organization_number"),
        FieldSpec(f"{p}_FRDB", "法定代表人", "legal_representative"),
        FieldSpec(f"{p}_FR_ZJLX", "法定代表人证件类型", "legal_representative_id_type", "choice", "id_type"),
        FieldSpec(f"{p}_FR_ZJHM", "法定代表人证件号码", "legal_representative_id_number"),
        FieldSpec(f"{p}_XDR_ZJLX", "证件类型", "subject_id_type", "choice", "id_type"),
        FieldSpec(f"{p}_XDR_ZJHM", "证件号码", "subject_id_number"),
    ]


PENALTY_FIELDS: list[FieldSpec] = [
    *_subject_fields("CF"),
    FieldSpec("CF_WSH", "处罚决定书文号", "decision_number", required=True),
    FieldSpec("CF_WFXW", "违法行为类型", "violation_type", required=True),
    FieldSpec("CF_SY", "违法事实", "violation_facts", required=True),
    FieldSpec("CF_YJ", "处罚依据", "legal_basis", required=True),
    FieldSpec("CF_CFLB", "处罚类别", "penalty_kinds", "choices", "penalty_kind", required=True),
    FieldSpec("CF_NR", "处罚内容", "penalty_content", required=True),
    FieldSpec("CF_NR_FK", "罚款金额(万元)", "fine_amount", "decimal"),
    FieldSpec("CF_NR_WFFF", "没收违法所得、没收非法财物的金额(万元)", "confiscated_amount", "decimal"),
    FieldSpec("CF_NR_ZKDX", "暂扣或吊销证照名称及编号", "suspended_license"),
    FieldSpec("CF_JDRQ", "处罚决定日期", "decided_on", "date", required=True),
    FieldSpec("CF_YXQ", "处罚有效期", "penalty_valid_until", "date"),
    FieldSpec("CF_GSJZQ", "公示截止期", "publicity_ends_on", "computed"),
    FieldSpec("CF_CFJG", "处罚机关", "authority", "org_name", required=True),
    FieldSpec("CF_CFJGDM", "处罚机关统一社会信用代码", "authority", "org_uscc", required=True),
    FieldSpec("CF_SJLY", "数据来源单位", "data_source", "org_name", required=True),
    FieldSpec("CF_SJLYDM", "数据来源单位统一社会信用代码", "data_source", "org_uscc", required=True),
    FieldSpec("BZ", "备注", "remarks"),
]
# Not in the standard: the safety domain that sets a one-year minimum publicity (our extension).
PENALTY_EXTENSIONS: list[FieldSpec] = [FieldSpec("X_AQLY", "安全领域", "safety_domain", "choice", "safety_domain")]

LICENSE_FIELDS: list[FieldSpec] = [
    *_subject_fields("XK"),
    FieldSpec("XK_XKWS", "行政许可决定文书名称", "decision_document_name", required=True),
    FieldSpec("XK_WSH", "行政许可决定文书号", "decision_number", required=True),
    FieldSpec("XK_XKLB", "许可类别", "license_category", "choice", "license_category", required=True),
    FieldSpec("XK_XKZS", "许可证书名称", "certificate_name"),
    FieldSpec("XK_XKBH", "许可编号", "license_number"),
    FieldSpec("XK_NR", "许可内容", "content"),
    FieldSpec("XK_JDRQ", "许可决定日期", "decided_on", "date", required=True),
    FieldSpec("XK_YXQZ", "有效期自", "valid_from", "date"),
    FieldSpec("XK_YXQZI", "有效期至", "valid_until", "date"),
    FieldSpec("XK_XKJG", "许可机关", "authority", "org_name", required=True),
    FieldSpec("XK_XKJGDM", "许可机关统一社会信用代码", "authority", "org_uscc", required=True),
    FieldSpec("XK_ZT", "当前状态", "license_state", "choice", "license_state"),
    FieldSpec("XK_LYDW", "数据来源单位", "data_source", "org_name", required=True),
    FieldSpec("XK_LYDWDM", "数据来源单位统一社会信用代码", "data_source", "org_uscc", required=True),
    FieldSpec("BZ", "备注", "remarks"),
]
LICENSE_EXTENSIONS: list[FieldSpec] = []

SPECS = {"penalty": PENALTY_FIELDS + PENALTY_EXTENSIONS, "license": LICENSE_FIELDS + LICENSE_EXTENSIONS}
WIRE_SPECS = {"penalty": PENALTY_FIELDS, "license": LICENSE_FIELDS}
_LIST_SEPARATORS = re.compile(r"[;；,，、|]")
# Natural persons' ID numbers: masked in the public document, as they are wherever the public reads.
MASKED_ATTRIBUTES = ("subject_id_number", "legal_representative_id_number")
_MASKED_CODES = {
    kind: [(spec.code, spec.attribute) for spec in specs if spec.attribute in MASKED_ATTRIBUTES]
    for kind, specs in WIRE_SPECS.items()
}


def to_national(record, kind: str, *, mask: bool = False) -> dict[str, str]:
    """A record in the national wire format. `mask=True` hides natural persons' ID numbers."""
    row: dict[str, str] = {}
    for spec in WIRE_SPECS[kind]:
        row[spec.code] = _wire_value(record, spec, mask=mask)
    return row


def to_documents(record, kind: str) -> tuple[dict[str, str], dict[str, str]]:
    """(public, national) from one build, for the ledger's check of every record: the public document is
    the national one with natural persons' ID numbers masked — the very same dict when there is none."""
    national = to_national(record, kind)
    masked = {code: getattr(record, f"masked_{attribute}") for code, attribute in _MASKED_CODES[kind] if national[code]}
    return ({**national, **masked} if masked else national), national


def organization_value(record, spec: FieldSpec) -> str:
    """The name or credit code of the deciding authority or data source. Published records carry the
    ones they were published under; drafts (and rows made without them, such as benchmark data)
    read the organization as it is now."""
    if spec.kind == "org_name":
        return getattr(record, f"{spec.attribute}_name", "") or getattr(record, spec.attribute).name
    return getattr(record, f"{spec.attribute}_uscc", "") or getattr(record, spec.attribute).uscc or ""


def _wire_value(record, spec: FieldSpec, *, mask: bool) -> str:
    if spec.kind in ("org_name", "org_uscc"):
        return organization_value(record, spec)
    value = getattr(record, spec.attribute)
    if value in (None, ""):
        return ""
    if mask and spec.attribute in MASKED_ATTRIBUTES:
        return getattr(record, f"masked_{spec.attribute}")
    if spec.kind == "choice":
        return WIRE_LABELS[spec.choices].get(value, value)
    if spec.kind == "choices":
        return ";".join(WIRE_LABELS[spec.choices].get(v, v) for v in value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    return str(value)


def header_index(headers: list[str], kind: str) -> tuple[dict[int, FieldSpec], list[str]]:
    """Which column holds which field: headers may be the national codes or the Chinese names."""
    by_name: dict[str, FieldSpec] = {}
    for spec in SPECS[kind]:
        if spec.kind == "computed":
            continue
        by_name[spec.code.upper()] = spec
        by_name.setdefault(_clean_header(spec.label), spec)
    columns: dict[int, FieldSpec] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        key = _clean_header(header)
        spec = by_name.get(key.upper()) or by_name.get(key)
        if spec is None:
            if key:
                unknown.append(header)
            continue
        columns[index] = spec
    return columns, unknown


def _clean_header(header: str) -> str:
    return (header or "").strip().lstrip("\ufeff").replace("（", "(").replace("）", ")").replace("*", "").strip()


def parse_cell(spec: FieldSpec, raw) -> tuple[object, str | None]:
    """One cell → (python value, error message or None). Empty cells become "" / None / []."""
    if raw is None:
        raw = ""
    if isinstance(raw, datetime.datetime):
        raw = raw.date()
    if spec.kind == "date":
        if isinstance(raw, datetime.date):
            return raw, None
        text = str(raw).strip()
        if not text:
            return None, None
        text = text.replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
        try:
            parts = [int(p) for p in text.split("-")]
            return datetime.date(*parts), None
        except (TypeError, ValueError):
            return None, _("“%(value)s” is not a date; write it as 2026-03-31.") % {"value": raw}
    if spec.kind == "decimal":
        text = str(raw).strip().replace(",", "")
        if not text:
            return None, None
        try:
            return decimal.Decimal(text), None
        except decimal.InvalidOperation:
            return None, _("“%(value)s” is not a number (amounts are in 10,000 yuan).") % {"value": raw}
    text = str(raw).strip()
    if spec.kind == "choice":
        if not text:
            return "", None
        return _choice_value(spec.choices, text)
    if spec.kind == "choices":
        values, errors = [], []
        for part in filter(None, (p.strip() for p in _LIST_SEPARATORS.split(text))):
            value, error = _choice_value(spec.choices, part)
            (errors.append(error) if error else values.append(value))
        return values, "; ".join(errors) or None
    return text, None


@functools.cache
def _choice_lookup(table: str) -> dict[str, str]:
    """Label or code → code, for one choice table (the first of equal labels wins, as before)."""
    lookup: dict[str, str] = {}
    for value, label in WIRE_LABELS[table].items():
        lookup.setdefault(label, value)
        lookup.setdefault(value, value)
    return lookup


def _choice_value(table: str, text: str) -> tuple[str, str | None]:
    found = _choice_lookup(table).get(text)
    if found is not None:
        return found, None
    labels = WIRE_LABELS[table]
    if table == "id_type" and text in ("居民身份证", "身份证件"):
        return IdType.RESIDENT_ID, None
    allowed = "、".join(label for label in labels.values() if label)
    return "", _("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": allowed}
