"""A pledge as it is ledgered, published and pushed: one document of what the public sees of it.

There is no national wire standard for government pledges in the data standard the portal follows; the
document uses the plan's own terms, in Chinese keys named after 信用承诺 practice (承诺主体, 承诺类型,
承诺内容, 承诺期限, 兑现情况). A pledge carries no personal ID number (a civil servant's pledge is internal
and never published), so the public and the national documents are the same.
"""

from __future__ import annotations


def _date(value) -> str:
    return value.isoformat() if value else ""


def to_national(pledge) -> dict:
    organization = pledge.organization
    return {
        "CN_BH": pledge.reference,
        "CN_ZTMC": organization.name,
        "CN_ZTDM": organization.uscc or "",
        "CN_LX": pledge.kind,
        "CN_ZT": pledge.theme,
        "CN_FWLY": pledge.service_area,
        "CN_ND": pledge.year or "",
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
        "CN_DXQK": pledge.fulfilment,
        "CN_DXRQ": _date(pledge.settled_on),
        "CN_BGYJ": pledge.change_ground,
        "CN_BGPZ": pledge.change_approved_by,
        "CN_BGWH": pledge.change_document,
        "CN_BC": pledge.change_compensation,
        "CN_GSJZQ": _date(pledge.publicity_ends_on),
        "BZ": "",
    }
