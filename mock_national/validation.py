"""Field-level checks of one record's `data`, as the national platform applies them.

Penalties (行政处罚) use CF_ codes, licences (行政许可) XK_ codes and government dishonesty records
(政务失信记录) ZWSX_ codes; every value on the wire is a string and an empty string means "not given".
Messages are in Chinese: the stand-in speaks the national platform's language. A record type without
rules here is refused as a whole (`unknown_record_type`), as the real platform refuses what it has no
catalogue entry for: nothing is accepted unchecked.

These rules are the stand-in's own copy, written from the exchange format, not imported from the
portal: the other side must catch what the portal gets wrong.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from .identifiers import RESIDENT_ID_TYPES, resident_id_problem, uscc_problem

PENALTY_TYPE = "disclosures.penalty"
LICENSE_TYPE = "disclosures.license"
DISHONESTY_TYPE = "dishonesty_records.record"
PLEDGE_TYPE = "commitments.pledge"

SUBJECT_KINDS = ("法人及非法人组织", "个体工商户", "自然人")
LEGAL_PERSON, NATURAL_PERSON = SUBJECT_KINDS[0], SUBJECT_KINDS[2]
PENALTY_KINDS = frozenset(
    {
        "警告",
        "通报批评",
        "罚款",
        "没收违法所得",
        "没收非法财物",
        "暂扣许可证件",
        "降低资质等级",
        "吊销许可证件",
        "限制开展生产经营活动",
        "责令停产停业",
        "责令关闭",
        "限制从业",
        "行政拘留",
        "其他",
    }
)
LICENSE_CATEGORIES = frozenset({"普通", "特许", "认可", "核准", "登记", "其他"})
# 政务失信记录: the subject is a government body or a civil servant.
GOVERNMENT_BODY, CIVIL_SERVANT = "政府机构", "公务员"
DISHONESTY_CATEGORIES = frozenset(
    {
        "违背信用承诺",
        "拒不履行法院生效判决",
        "被司法判决",
        "被行政处罚",
        "纪律处分",
        "问责处理",
        "政府采购违法违规",
        "PPP项目违约",
        "招标投标违法违规",
        "招商引资虚假承诺或毁约",
        "违规举债或担保、恶意逃废债务",
        "其他",
    }
)
DISHONESTY_SEVERITIES = frozenset({"一般", "严重"})
# ZWSX_CJLB 惩戒类别 (optional, several separated like CF_CFLB); ZWSX_CJNR 惩戒内容 and ZWSX_TBPP 通报批评
# (the published notice's text) are optional free text.
SANCTION_KINDS = frozenset({"通报批评", "取消评优评先资格", "责任追究"})
DISHONESTY_SOURCE_KINDS = frozenset(
    {"人民法院", "监察机关/纪检机关", "行政机关", "投诉举报", "督查检查", "承诺履约评价"}
)
_LIST_SEPARATORS = re.compile(r"[;；,，、]")
_DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NON_NEGATIVE_DECIMAL = re.compile(r"^\d+(\.\d+)?$")

Reason = dict[str, str]


# checks(given, add, dates, today): `given(field)` is the stripped value ("" when absent), `add(field,
# message)` refuses, `dates` holds the parsed date fields.
TypeChecks = Callable[[Callable[[str], str], Callable[[str, str], None], dict[str, datetime.date], datetime.date], None]


@dataclass(frozen=True)
class RecordRules:
    required: tuple[str, ...]
    uscc_fields: tuple[str, ...]
    date_fields: tuple[str, ...]
    # What is checked beyond the common rules of every type.
    checks: TypeChecks
    decimal_fields: tuple[str, ...] = ()
    # A decision cannot be dated in the future.
    decision_date_field: str = ""
    # Fields whose value must be one of a closed list of terms.
    choices: tuple[tuple[str, frozenset[str]], ...] = ()


def is_known_type(record_type: str) -> bool:
    return record_type in RULES_BY_TYPE


def unknown_type_reason(record_type: str) -> Reason:
    known = "、".join(sorted(RULES_BY_TYPE))
    return {"field": "record_type", "message": f"不支持的记录类型 {record_type}（支持：{known}）"}


def record_problems(record_type: str, data: object, *, today: datetime.date) -> list[Reason]:
    """Every reason the platform refuses this record; an empty list means it is acceptable."""
    rules = RULES_BY_TYPE.get(record_type)
    if rules is None:
        return [unknown_type_reason(record_type)]
    if not isinstance(data, dict) or not data:
        return [{"field": "data", "message": "数据项缺失：data 应为非空对象"}]
    reasons: list[Reason] = []
    values: dict[str, str] = {}
    for code, value in data.items():
        if not isinstance(value, str):
            reasons.append({"field": str(code), "message": "取值必须为字符串"})
        else:
            values[str(code)] = value.strip()
    reasons += _check(rules, values, today)
    return reasons


def _check(rules: RecordRules, values: dict[str, str], today: datetime.date) -> list[Reason]:
    reasons: list[Reason] = []

    def add(field: str, message: str) -> None:
        reasons.append({"field": field, "message": message})

    def given(field: str) -> str:
        return values.get(field, "")

    for field in rules.required:
        if not given(field):
            add(field, "必填项缺失")
    for field, terms in rules.choices:
        if given(field) and given(field) not in terms:
            add(field, f"取值不在标准取值范围内：{given(field)}")
    for field in rules.uscc_fields:
        if given(field) and (problem := uscc_problem(given(field))):
            add(field, problem)
    dates: dict[str, datetime.date] = {}
    for field in rules.date_fields:
        if given(field):
            parsed = _parse_date(given(field))
            if parsed is None:
                add(field, "日期格式应为YYYY-MM-DD")
            else:
                dates[field] = parsed
    decided_on = dates.get(rules.decision_date_field)
    if decided_on and decided_on > today:
        add(rules.decision_date_field, "决定日期不能晚于当前日期")
    for field in rules.decimal_fields:
        if given(field) and not _NON_NEGATIVE_DECIMAL.match(given(field)):
            add(field, "金额应为非负数（单位：万元）")
    rules.checks(given, add, dates, today)
    return reasons


def _check_subject(prefix: str, given, add, today: datetime.date) -> None:
    """The 行政相对人 of a penalty or a licence: a body with its code, or a person with an ID."""
    kind = given(f"{prefix}_XDR_LB")
    if kind and kind not in SUBJECT_KINDS:
        add(f"{prefix}_XDR_LB", "行政相对人类别应为法人及非法人组织、个体工商户或自然人")
    if kind == LEGAL_PERSON and not given(f"{prefix}_XDR_SHXYM"):
        add(f"{prefix}_XDR_SHXYM", "法人及非法人组织应填写统一社会信用代码")
    if kind == NATURAL_PERSON:
        if not given(f"{prefix}_XDR_ZJLX"):
            add(f"{prefix}_XDR_ZJLX", "自然人应填写证件类型")
        if not given(f"{prefix}_XDR_ZJHM"):
            add(f"{prefix}_XDR_ZJHM", "自然人应填写证件号码")
    for holder in ("XDR", "FR"):
        number = given(f"{prefix}_{holder}_ZJHM")
        is_resident_id = given(f"{prefix}_{holder}_ZJLX") in RESIDENT_ID_TYPES
        if number and is_resident_id and (problem := resident_id_problem(number, today=today)):
            add(f"{prefix}_{holder}_ZJHM", problem)


def _penalty_checks(given, add, dates, today) -> None:
    _check_subject("CF", given, add, today)
    if given("CF_CFLB"):
        unknown = [kind for kind in _split(given("CF_CFLB")) if kind not in PENALTY_KINDS]
        if unknown:
            add("CF_CFLB", f"处罚类别不在标准取值范围内：{'、'.join(unknown)}")


def _license_checks(given, add, dates, today) -> None:
    _check_subject("XK", given, add, today)
    if given("XK_XKLB") and given("XK_XKLB") not in LICENSE_CATEGORIES:
        add("XK_XKLB", "许可类别应为普通、特许、认可、核准、登记或其他")
    valid_from, valid_until = dates.get("XK_YXQZ"), dates.get("XK_YXQZI")
    if valid_from and valid_until and valid_from > valid_until:
        add("XK_YXQZI", "有效期至不能早于有效期自")


def _dishonesty_checks(given, add, dates, today) -> None:
    """What the subject's kind asks for, and dates in their order: occurred ≤ determined ≤ publicity end."""
    kind = given("ZWSX_ZTLB")
    for field in {GOVERNMENT_BODY: GOVERNMENT_BODY_REQUIRED, CIVIL_SERVANT: CIVIL_SERVANT_REQUIRED}.get(kind, ()):
        if not given(field):
            add(field, f"必填项缺失（{kind}的失信记录应填写）")
    # Sanctions are optional: a record may carry none. Given, their kinds are standard terms and say what.
    if given("ZWSX_CJLB"):
        unknown = [term for term in _split(given("ZWSX_CJLB")) if term not in SANCTION_KINDS]
        if unknown:
            add("ZWSX_CJLB", f"惩戒类别不在标准取值范围内：{'、'.join(unknown)}")
        if not given("ZWSX_CJNR"):
            add("ZWSX_CJNR", "必填项缺失（填写了惩戒类别应填写惩戒内容）")
    occurred_on, determined_on, ends_on = dates.get("ZWSX_FSRQ"), dates.get("ZWSX_RDRQ"), dates.get("ZWSX_GSJZQ")
    if occurred_on and determined_on and occurred_on > determined_on:
        add("ZWSX_FSRQ", "发生日期不能晚于认定日期")
    if determined_on and ends_on and ends_on < determined_on:
        add("ZWSX_GSJZQ", "公示截止日期不能早于认定日期")


PENALTY_RULES = RecordRules(
    required=(
        "CF_XDR_MC",
        "CF_XDR_LB",
        "CF_WSH",
        "CF_WFXW",
        "CF_SY",
        "CF_YJ",
        "CF_CFLB",
        "CF_NR",
        "CF_JDRQ",
        "CF_CFJG",
        "CF_CFJGDM",
        "CF_SJLY",
        "CF_SJLYDM",
    ),
    uscc_fields=("CF_XDR_SHXYM", "CF_CFJGDM", "CF_SJLYDM"),
    date_fields=("CF_JDRQ", "CF_YXQ", "CF_GSJZQ"),
    checks=_penalty_checks,
    decimal_fields=("CF_NR_FK", "CF_NR_WFFF"),
    decision_date_field="CF_JDRQ",
)
LICENSE_RULES = RecordRules(
    required=(
        "XK_XDR_MC",
        "XK_XDR_LB",
        "XK_XKWS",
        "XK_WSH",
        "XK_XKLB",
        "XK_JDRQ",
        "XK_XKJG",
        "XK_XKJGDM",
        "XK_LYDW",
        "XK_LYDWDM",
    ),
    uscc_fields=("XK_XDR_SHXYM", "XK_XKJGDM", "XK_LYDWDM"),
    date_fields=("XK_JDRQ", "XK_YXQZ", "XK_YXQZI"),
    checks=_license_checks,
    decision_date_field="XK_JDRQ",
)
DISHONESTY_RULES = RecordRules(
    # Whoever the subject is; what else is required depends on it (_dishonesty_checks). A code
    # (ZWSX_TYSHXYDM) is checked when given: not every government body has one on record.
    required=(
        "ZWSX_ZTMC",
        "ZWSX_ZTLB",
        "ZWSX_SSDW",
        "ZWSX_SXLB",
        "ZWSX_SSZY",
        "ZWSX_RDJG",
        "ZWSX_RDRQ",
        "ZWSX_GSJZQ",
    ),
    uscc_fields=("ZWSX_TYSHXYDM",),
    date_fields=("ZWSX_RDRQ", "ZWSX_GSJZQ", "ZWSX_FSRQ"),
    checks=_dishonesty_checks,
    decision_date_field="ZWSX_RDRQ",
    choices=(
        ("ZWSX_ZTLB", frozenset({GOVERNMENT_BODY, CIVIL_SERVANT})),
        ("ZWSX_SXLB", DISHONESTY_CATEGORIES),
        ("ZWSX_YZCD", DISHONESTY_SEVERITIES),
        ("ZWSX_LYLB", DISHONESTY_SOURCE_KINDS),
    ),
)
# What a government body's record must say beyond the common fields; a civil servant's says only the
# position besides (their record never carries an ID number or the full facts).
GOVERNMENT_BODY_REQUIRED = ("ZWSX_YZCD", "ZWSX_LYLB", "ZWSX_LYJG", "ZWSX_FSRQ", "ZWSX_RDYY")
CIVIL_SERVANT_REQUIRED = ("ZWSX_ZW",)
# 信用承诺 (CN_): a government body's pledge, how far it is kept and how it ended.
PLEDGE_KINDS = frozenset(
    {
        "部门承诺",
        "公务员任职承诺",
        "街道乡镇公开承诺",
        "为民办实事",
        "招商引资政策承诺",
        "招商引资合同",
        "PPP项目政府方责任",
        "政府采购合同履约",
    }
)
PLEDGE_FULFILMENTS = frozenset({"履行中", "已兑现", "部分兑现", "逾期未兑现", "违背承诺", "依法变更"})
PLEDGE_CHANGE_GROUNDS = frozenset({"国家利益", "公共利益", "其他法定事由"})
_PERCENT = re.compile(r"^\d{1,3}(\.\d{1,2})?$")


def _pledge_checks(given, add, dates, today) -> None:
    starts_on, due_on = dates.get("CN_QSRQ"), dates.get("CN_JZRQ")
    if starts_on and due_on and due_on < starts_on:
        add("CN_JZRQ", "承诺期限不能早于起始日期")
    progress = given("CN_JD")
    if progress and (not _PERCENT.match(progress) or float(progress) > 100):
        add("CN_JD", "进度应为0至100之间的百分数")
    if given("CN_DXQK") == "依法变更":
        for field in ("CN_BGYJ", "CN_BGPZ", "CN_BGWH"):
            if not given(field):
                add(field, "必填项缺失（依法变更的承诺应填写变更依据、批准机关和批准文号）")
    if given("CN_LX") in {"招商引资政策承诺", "招商引资合同"} and not given("CN_DX"):
        add("CN_DX", "必填项缺失（招商引资承诺应填写承诺对象）")


PLEDGE_RULES = RecordRules(
    required=("CN_BH", "CN_ZTMC", "CN_LX", "CN_BT", "CN_NR", "CN_QSRQ", "CN_JZRQ", "CN_DXQK"),
    uscc_fields=("CN_ZTDM", "CN_DXDM"),
    date_fields=("CN_QSRQ", "CN_JZRQ", "CN_DXRQ", "CN_GSJZQ"),
    checks=_pledge_checks,
    choices=(("CN_LX", PLEDGE_KINDS), ("CN_DXQK", PLEDGE_FULFILMENTS), ("CN_BGYJ", PLEDGE_CHANGE_GROUNDS)),
)
RULES_BY_TYPE = {
    PENALTY_TYPE: PENALTY_RULES,
    LICENSE_TYPE: LICENSE_RULES,
    DISHONESTY_TYPE: DISHONESTY_RULES,
    PLEDGE_TYPE: PLEDGE_RULES,
}


def _parse_date(text: str) -> datetime.date | None:
    if not _DATE_SHAPE.match(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _split(text: str) -> list[str]:
    return [part.strip() for part in _LIST_SEPARATORS.split(text) if part.strip()]
