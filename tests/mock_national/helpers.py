"""Talking to the stand-in the way the pusher will: signed JSON over HTTP. Also valid test identifiers.

Deliberately independent of core/ and sharing/: the check characters are computed here from the
standards so that the stand-in's own checks are tested against a second implementation.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import itertools
import json
import time
import uuid

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

PENALTY = "disclosures.penalty"
LICENSE = "disclosures.license"
DISHONESTY = "dishonesty_records.record"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_serial = itertools.count(1)


def uscc(first17: str) -> str:
    """GB 32100-2015: append the check character (weights 3^i mod 31)."""
    total = sum(USCC_ALPHABET.index(c) * (3**i % 31) for i, c in enumerate(first17))
    return first17 + USCC_ALPHABET[(31 - total % 31) % 31]


def new_uscc() -> str:
    return uscc(f"11330100{next(_serial):09d}")


def resident_id(first17: str = "33010619900101123") -> str:
    """GB 11643-1999: append the check character."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


def wrong_check(code: str) -> str:
    """The same code with a different, wrong last character."""
    return code[:17] + ("1" if code[17] != "1" else "2")


AUTHORITY_USCC = uscc("11330100002500001")
SOURCE_USCC = uscc("11330100002500002")


def penalty_data(**overrides: str) -> dict[str, str]:
    data = {
        "CF_XDR_MC": "杭州示例贸易有限公司",
        "CF_XDR_LB": "法人及非法人组织",
        "CF_XDR_SHXYM": uscc("91330106MA2B00001"),
        "CF_FRDB": "张三",
        "CF_XDR_ZJLX": "",
        "CF_XDR_ZJHM": "",
        "CF_WSH": "杭市监罚〔2026〕1号",
        "CF_WFXW": "销售不合格产品",
        "CF_SY": "当事人销售不合格产品。",
        "CF_YJ": "《中华人民共和国产品质量法》第四十九条",
        "CF_CFLB": "警告;罚款",
        "CF_NR": "警告，罚款人民币2000元",
        "CF_NR_FK": "0.2",
        "CF_NR_WFFF": "",
        "CF_JDRQ": "2026-03-02",
        "CF_CFJG": "杭州市市场监督管理局",
        "CF_CFJGDM": AUTHORITY_USCC,
        "CF_SJLY": "杭州市市场监督管理局",
        "CF_SJLYDM": SOURCE_USCC,
        "BZ": "",
    }
    data.update(overrides)
    return data


def natural_person_penalty_data(**overrides: str) -> dict[str, str]:
    return penalty_data(
        **{
            "CF_XDR_MC": "李四",
            "CF_XDR_LB": "自然人",
            "CF_XDR_SHXYM": "",
            "CF_FRDB": "",
            "CF_XDR_ZJLX": "身份证",
            "CF_XDR_ZJHM": resident_id(),
            **overrides,
        }
    )


def license_data(**overrides: str) -> dict[str, str]:
    data = {
        "XK_XDR_MC": "杭州示例餐饮有限公司",
        "XK_XDR_LB": "法人及非法人组织",
        "XK_XDR_SHXYM": uscc("92330106MA2B00002"),
        "XK_XKWS": "食品经营许可决定书",
        "XK_WSH": "JY13301060000001",
        "XK_XKLB": "普通",
        "XK_XKZS": "食品经营许可证",
        "XK_XKBH": "JY13301060000001",
        "XK_JDRQ": "2026-02-10",
        "XK_YXQZ": "2026-02-10",
        "XK_YXQZI": "2031-02-09",
        "XK_XKJG": "杭州市市场监督管理局",
        "XK_XKJGDM": AUTHORITY_USCC,
        "XK_LYDW": "杭州市市场监督管理局",
        "XK_LYDWDM": SOURCE_USCC,
    }
    data.update(overrides)
    return data


def dishonesty_data(**overrides: str) -> dict[str, str]:
    """A government body's dishonesty record (政务失信记录), as dishonesty_records/national.py sends it."""
    data = {
        "ZWSX_ZTMC": "杭州市某区住房和城乡建设局",
        "ZWSX_ZTLB": "政府机构",
        "ZWSX_SSDW": "杭州市某区住房和城乡建设局",
        "ZWSX_SXLB": "拒不履行法院生效判决",
        "ZWSX_SSZY": "未履行法院生效判决确定的支付义务",
        "ZWSX_RDJG": "杭州市人民政府",
        "ZWSX_RDRQ": "2026-03-02",
        "ZWSX_GSJZQ": "2027-03-02",
        "ZWSX_TYSHXYDM": uscc("11330100MB0000001"),
        "ZWSX_YZCD": "一般",
        "ZWSX_LYLB": "人民法院",
        "ZWSX_LYWH": "（2026）浙0106执123号",
        "ZWSX_LYJG": "杭州市西湖区人民法院",
        "ZWSX_FSRQ": "2025-09-01",
        "ZWSX_RDYY": "经核查，事实清楚，证据确凿。",
    }
    data.update(overrides)
    return data


def civil_servant_dishonesty_data(**overrides: str) -> dict[str, str]:
    """A civil servant's record: name, position, body, category and summary — no ID, no full facts."""
    data = {
        "ZWSX_ZTMC": "王五",
        "ZWSX_ZTLB": "公务员",
        "ZWSX_SSDW": "杭州市某区住房和城乡建设局",
        "ZWSX_SXLB": "纪律处分",
        "ZWSX_SSZY": "违规干预招标投标活动",
        "ZWSX_RDJG": "杭州市人民政府",
        "ZWSX_RDRQ": "2026-03-02",
        "ZWSX_GSJZQ": "2027-03-02",
        "ZWSX_ZW": "科长",
    }
    data.update(overrides)
    return data


def record(record_id, *, version: int = 1, action: str = "publish", record_type: str = PENALTY, data=None) -> dict:
    if data is None:
        data = {LICENSE: license_data, DISHONESTY: dishonesty_data}.get(record_type, penalty_data)()
    return {"record_type": record_type, "record_id": str(record_id), "version": version, "action": action, "data": data}


def sign(body: bytes, *, secret: str | None = None, timestamp: int | None = None) -> dict[str, str]:
    secret = settings.MOCK_NATIONAL["SECRET"] if secret is None else secret
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Timestamp": str(timestamp), "X-Signature": f"sha256={digest}"}


def encode(records: list[dict]) -> bytes:
    return json.dumps({"records": records}, ensure_ascii=False).encode()


def post_records(
    client, records: list[dict] | None = None, *, body: bytes | None = None, key: str | None = "", **signing
):
    """POST a signed batch. key="" → a fresh Idempotency-Key; key=None → none sent."""
    body = encode(records or []) if body is None else body
    headers = sign(body, **signing)
    if key is not None:
        headers["Idempotency-Key"] = key or str(uuid.uuid4())
    return client.post(reverse("mock_national:records"), data=body, content_type="application/json", headers=headers)


def signed_get(client, name: str, params: dict | None = None, **signing):
    return client.get(reverse(f"mock_national:{name}"), params or {}, headers=sign(b"", **signing))


def configure(settings_fixture, **overrides) -> None:
    """Change the stand-in's fault settings for one test (pytest-django restores them)."""
    settings_fixture.MOCK_NATIONAL = {**settings_fixture.MOCK_NATIONAL, **overrides}


def tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
