"""Field-level checks of one record's `data`, as the national platform applies them.

Penalties (行政处罚) use CF_ codes and licences (行政许可) XK_ codes; every value on the wire is a
string and an empty string means "not given". Messages are in Chinese: the stand-in speaks the
national platform's language. A record type this module does not know only needs a non-empty object.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from .identifiers import RESIDENT_ID_TYPES, resident_id_problem, uscc_problem

PENALTY_TYPE = "disclosures.penalty"
LICENSE_TYPE = "disclosures.license"

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
_LIST_SEPARATORS = re.compile(r"[;；,，、]")
_DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NON_NEGATIVE_DECIMAL = re.compile(r"^\d+(\.\d+)?$")

Reason = dict[str, str]


@dataclass(frozen=True)
class RecordRules:
    prefix: str  # CF or XK
    required: tuple[str, ...]
    uscc_fields: tuple[str, ...]
    date_fields: tuple[str, ...]
    decimal_fields: tuple[str, ...] = ()
    # A decision cannot be dated in the future.
    decision_date_field: str = ""


PENALTY_RULES = RecordRules(
    prefix="CF",
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
    decimal_fields=("CF_NR_FK", "CF_NR_WFFF"),
    decision_date_field="CF_JDRQ",
)
LICENSE_RULES = RecordRules(
    prefix="XK",
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
    decision_date_field="XK_JDRQ",
)
RULES_BY_TYPE = {PENALTY_TYPE: PENALTY_RULES, LICENSE_TYPE: LICENSE_RULES}


def record_problems(record_type: str, data: object, *, today: datetime.date) -> list[Reason]:
    """Every reason the platform refuses this record; an empty list means it is acceptable."""
    if not isinstance(data, dict) or not data:
        return [{"field": "data", "message": "数据项缺失：data 应为非空对象"}]
    rules = RULES_BY_TYPE.get(record_type)
    if rules is None:
        return []
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
    _check_subject(rules.prefix, given, add, today)
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
    if rules is PENALTY_RULES and given("CF_CFLB"):
        unknown = [kind for kind in _split(given("CF_CFLB")) if kind not in PENALTY_KINDS]
        if unknown:
            add("CF_CFLB", f"处罚类别不在标准取值范围内：{'、'.join(unknown)}")
    if rules is LICENSE_RULES:
        if given("XK_XKLB") and given("XK_XKLB") not in LICENSE_CATEGORIES:
            add("XK_XKLB", "许可类别应为普通、特许、认可、核准、登记或其他")
        valid_from, valid_until = dates.get("XK_YXQZ"), dates.get("XK_YXQZI")
        if valid_from and valid_until and valid_from > valid_until:
            add("XK_YXQZI", "有效期至不能早于有效期自")
    return reasons


def _check_subject(prefix: str, given, add, today: datetime.date) -> None:
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


def _parse_date(text: str) -> datetime.date | None:
    if not _DATE_SHAPE.match(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _split(text: str) -> list[str]:
    return [part.strip() for part in _LIST_SEPARATORS.split(text) if part.strip()]
