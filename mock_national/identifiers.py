"""The national platform's own identifier checks: 统一社会信用代码 (GB 32100-2015) and 居民身份证号 (GB 11643-1999).

Written here on purpose instead of importing the portal's code: the stand-in is "the other side" and
must catch what the portal gets wrong. Each check returns None when the value passes, otherwise the
Chinese message the national platform would answer with.
"""

from __future__ import annotations

import datetime
import re

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [3**i % 31 for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
_USCC_VALUES = {char: value for value, char in enumerate(USCC_ALPHABET)}
# Positions 1–2: registration authority and organisation kind (letters allowed); 3–8: division code (digits).
_USCC_SHAPE = re.compile(rf"^[{USCC_ALPHABET}]{{2}}\d{{6}}[{USCC_ALPHABET}]{{10}}$")

RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
RESIDENT_ID_CHECK = "10X98765432"
_RESIDENT_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
# Wire values of CF_XDR_ZJLX / CF_FR_ZJLX that mean a mainland resident identity card.
RESIDENT_ID_TYPES = frozenset({"身份证", "居民身份证"})


def uscc_check_character(first17: str) -> str:
    total = sum(_USCC_VALUES[char] * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def resident_id_check_character(first17: str) -> str:
    return RESIDENT_ID_CHECK[
        sum(int(digit) * weight for digit, weight in zip(first17, RESIDENT_ID_WEIGHTS, strict=True)) % 11
    ]


def _is_placeholder(body: str) -> bool:
    """All zeros, or one character repeated: what exports put in when the real code is unknown."""
    return len(set(body)) == 1


def uscc_problem(value: str) -> str | None:
    if len(value) != 18:
        return f"统一社会信用代码应为18位，实为{len(value)}位"
    if any(char not in _USCC_VALUES for char in value):
        return "统一社会信用代码含有非法字符（不使用I、O、S、V、Z及小写字母）"
    if _is_placeholder(value[:17]):
        return "统一社会信用代码为占位代码，不是真实代码"
    if not _USCC_SHAPE.match(value):
        return "统一社会信用代码第3至8位应为行政区划码（数字）"
    if value[17] != uscc_check_character(value[:17]):
        return "统一社会信用代码校验位错误"
    return None


def resident_id_problem(value: str, *, today: datetime.date | None = None) -> str | None:
    if not _RESIDENT_ID_SHAPE.match(value):
        return "居民身份证号码应为17位数字加1位校验码（数字或大写X）"
    if _is_placeholder(value[:17]):
        return "居民身份证号码为占位号码，不是真实号码"
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "居民身份证号码中的出生日期无效"
    if birth > (today or datetime.date.today()):
        return "居民身份证号码中的出生日期晚于今天"
    if value[17] != resident_id_check_character(value[:17]):
        return "居民身份证号码校验位错误"
    return None
