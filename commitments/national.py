"""A pledge as it is ledgered, published and pushed: one document of what the public sees of it.

The exchange format's conventions, as for the other types: every value a string ("" when not given),
closed lists as the standard's Chinese terms (never our codes, never a translated label), dates as
YYYY-MM-DD, CN_ codes (信用承诺). A pledge carries no personal ID number (a civil servant's pledge is
internal and never published), so the public and the national documents are the same.

Every public pledge is pushed: they are the government's promises to the public and to companies, which
is what the national platform's 政务诚信 collection asks of a city; internal pledges are never published,
so never announced, ledgered or pushed.
"""

from __future__ import annotations

from .choices import DepartmentTheme, Fulfilment, LawfulGround, PledgeKind, PPPStage, ServiceArea

KIND_TERMS = {
    PledgeKind.DEPARTMENT: "部门承诺",
    PledgeKind.CIVIL_SERVANT: "公务员任职承诺",
    PledgeKind.STREET: "街道乡镇公开承诺",
    PledgeKind.PRACTICAL_MATTER: "为民办实事",
    PledgeKind.INVESTMENT_PROMISE: "招商引资政策承诺",
    PledgeKind.INVESTMENT_CONTRACT: "招商引资合同",
    PledgeKind.PPP_DUTY: "PPP项目政府方责任",
    PledgeKind.PROCUREMENT_CONTRACT: "政府采购合同履约",
}
THEME_TERMS = {
    DepartmentTheme.DUTY: "履职尽责",
    DepartmentTheme.LAWFUL_ADMINISTRATION: "依法行政",
    DepartmentTheme.BETTER_SERVICE: "优化服务",
    DepartmentTheme.OPEN_GOVERNMENT: "政务公开",
    DepartmentTheme.OTHER: "其他",
}
AREA_TERMS = {
    ServiceArea.EMPLOYMENT: "就业",
    ServiceArea.PROPERTY_MANAGEMENT: "物业",
    ServiceArea.SCHOOLING: "就学",
    ServiceArea.FAMILY_PLANNING: "计生",
    ServiceArea.ELDERLY_CARE: "养老",
    ServiceArea.DISABILITY: "助残",
    ServiceArea.POVERTY_RELIEF: "扶贫",
    ServiceArea.MEDICAL_INSURANCE: "医保",
    ServiceArea.HOUSING: "住房",
    ServiceArea.TRANSPORT: "出行",
    ServiceArea.PARKING: "停车",
    ServiceArea.SAFETY: "防火防盗",
    ServiceArea.MILITARY_FAMILIES: "拥军优属",
    ServiceArea.CONVENIENCE: "便民服务",
}
STAGE_TERMS = {
    PPPStage.PREPARATION: "筹备",
    PPPStage.TENDERING: "招标投标",
    PPPStage.PROCUREMENT: "政府采购",
    PPPStage.FINANCING: "融资",
    PPPStage.IMPLEMENTATION: "实施",
}
FULFILMENT_TERMS = {
    Fulfilment.IN_PROGRESS: "履行中",
    Fulfilment.FULFILLED: "已兑现",
    Fulfilment.PARTLY_FULFILLED: "部分兑现",
    Fulfilment.OVERDUE: "逾期未兑现",
    Fulfilment.BREACHED: "违背承诺",
    Fulfilment.CHANGED_LAWFULLY: "依法变更",
}
GROUND_TERMS = {
    LawfulGround.NATIONAL_INTEREST: "国家利益",
    LawfulGround.PUBLIC_INTEREST: "公共利益",
    LawfulGround.OTHER_STATUTORY: "其他法定事由",
}


def _date(value) -> str:
    return value.isoformat() if value else ""


def to_national(pledge) -> dict[str, str]:
    organization = pledge.organization
    return {
        "CN_BH": pledge.reference,
        "CN_ZTMC": organization.name,
        "CN_ZTDM": organization.uscc or "",
        "CN_LX": KIND_TERMS.get(pledge.kind, ""),
        "CN_ZT": THEME_TERMS.get(pledge.theme, ""),
        "CN_FWLY": AREA_TERMS.get(pledge.service_area, ""),
        "CN_ND": str(pledge.year or ""),
        "CN_DX": pledge.counterparty,
        "CN_DXDM": pledge.counterparty_uscc,
        "CN_XM": pledge.project,
        "CN_BT": pledge.title,
        "CN_NR": pledge.content,
        "CN_YJ": pledge.legal_basis,
        "CN_QSRQ": _date(pledge.starts_on),
        "CN_JZRQ": _date(pledge.due_on),
        "CN_ZRR": pledge.responsible_person,
        "CN_SJ": pledge.parent.reference if pledge.parent_id else "",
        "CN_JD": f"{pledge.progress:.2f}",
        "CN_DXQK": FULFILMENT_TERMS.get(pledge.fulfilment, ""),
        "CN_DXRQ": _date(pledge.settled_on),
        "CN_BGYJ": GROUND_TERMS.get(pledge.change_ground, ""),
        "CN_BGPZ": pledge.change_approved_by,
        "CN_BGWH": pledge.change_document,
        "CN_BC": pledge.change_compensation,
        "CN_GSJZQ": _date(pledge.publicity_ends_on),
        "BZ": "",
    }
