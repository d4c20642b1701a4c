"""Chinese identifiers: 统一社会信用代码 (GB 32100-2015) and 居民身份证号 (GB 11643-1999).

Decisions (see DESIGN.md §4):
- USCC: stdnum.cn.uscc.validate() demands eight leading digits and so rejects real codes whose
  registration authority is a letter (A, N, Y). We check structure and the GB check character
  ourselves (tests compare our check character with stdnum's calc_check_digit).
- The inner organisation code (positions 9–17) carries a GB 11714 check digit of its own; some
  codes issued to 个体工商户 and older re-registrations do not satisfy it, so it is not enforced.
- Resident ID: checksum, a real birth date and a known province prefix. stdnum.cn.ric also looks
  up the county in a fixed table, which rejects real numbers from retired counties; we do not.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18
# Position 1: registration authority (GB 32100-2015 table 1).
USCC_REGISTRATION_AUTHORITIES = {
    "1": _("organisation staffing authority (机构编制)"),
    "2": _("foreign affairs (外交)"),
    "3": _("justice administration (司法行政)"),
    "4": _("culture (文化)"),
    "5": _("civil affairs (民政)"),
    "6": _("tourism (旅游)"),
    "7": _("religious affairs (宗教)"),
    "8": _("trade unions (工会)"),
    "9": _("market regulation (工商)"),
    "A": _("central military staffing (中央军委改革和编制办公室)"),
    "N": _("agriculture (农业)"),
    "Y": _("other (其他)"),
}
_USCC_RE = re.compile(rf"^[{USCC_ALPHABET}]{{2}}\d{{6}}[{USCC_ALPHABET}]{{10}}$")

RESIDENT_ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
RESIDENT_ID_CHECK = "10X98765432"
# First two digits: province-level divisions (GB/T 2260), including Hong Kong/Macao/Taiwan residence permits.
RESIDENT_ID_PROVINCES = frozenset(
    {
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
        71,
        81,
        82,
        83,
    }
)
_RESIDENT_ID_RE = re.compile(r"^\d{17}[\dX]$")


def normalize_uscc(value: str) -> str:
    return (value or "").strip().replace(" ", "").replace("-", "").upper()


_USCC_VALUES = {character: index for index, character in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def uscc_check_character(first17: str) -> str:
    """GB 32100-2015: alphabet[(31 − Σ c_i·3^i mod 31) mod 31]; python-stdnum's calc_check_digit gives the
    same (tests compare), at a fraction of the cost for bulk imports."""
    total = sum(_USCC_VALUES[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    """Return the normalised code or raise ValidationError with a message for a person."""
    code = normalize_uscc(value)
    if len(code) != USCC_LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="uscc_length",
            params={"count": len(code)},
        )
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain %(chars)s (the letters I, O, S, V and Z are never used)."),
            code="uscc_characters",
            params={"chars": "、".join(bad)},
        )
    if _is_placeholder(code[:17]) or code[2:8] == "000000":
        raise ValidationError(
            _("%(code)s is a placeholder, not a real unified social credit code."),
            code="uscc_placeholder",
            params={"code": code},
        )
    if code[0] not in USCC_REGISTRATION_AUTHORITIES:
        raise ValidationError(
            _(
                "The first character of a unified social credit code names the registration authority; “%(char)s” is not one."
            ),
            code="uscc_authority",
            params={"char": code[0]},
        )
    if not _USCC_RE.match(code):
        raise ValidationError(
            _(
                "Characters 3 to 8 of a unified social credit code are the administrative division code and must be digits."
            ),
            code="uscc_division",
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong: mistyped or invented."),
            code="uscc_checksum",
        )
    return code


def is_valid_uscc(value: str) -> bool:
    try:
        validate_uscc(value)
    except ValidationError:
        return False
    return True


def normalize_resident_id(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def resident_id_check_character(first17: str) -> str:
    return RESIDENT_ID_CHECK[sum(int(c) * w for c, w in zip(first17, RESIDENT_ID_WEIGHTS, strict=True)) % 11]


def validate_resident_id(value: str, *, today: datetime.date | None = None) -> str:
    number = normalize_resident_id(value)
    if len(number) == 15 and number.isdigit():
        raise ValidationError(
            _("This is an old 15-digit ID number; enter the 18-digit number of the current card."),
            code="ric_old_format",
        )
    if not _RESIDENT_ID_RE.match(number):
        raise ValidationError(
            _("A resident ID number has 17 digits followed by a digit or X."),
            code="ric_format",
        )
    if _is_placeholder(number[:17]):
        raise ValidationError(_("This is a placeholder, not a real resident ID number."), code="ric_placeholder")
    if int(number[:2]) not in RESIDENT_ID_PROVINCES:
        raise ValidationError(
            _("The first two digits of a resident ID number name a province; %(prefix)s is not one."),
            code="ric_area",
            params={"prefix": number[:2]},
        )
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    today = today or datetime.date.today()
    if birth is None or birth.year < 1870 or birth > today:
        raise ValidationError(
            _("Digits 7 to 14 of a resident ID number are the date of birth; %(digits)s is not a possible one."),
            code="ric_birth_date",
            params={"digits": number[6:14]},
        )
    if number[17] != resident_id_check_character(number[:17]):
        raise ValidationError(
            _("The check digit of this resident ID number is wrong: mistyped or invented."),
            code="ric_checksum",
        )
    return number


def is_valid_resident_id(value: str) -> bool:
    try:
        validate_resident_id(value)
    except ValidationError:
        return False
    return True


def mask_resident_id(value: str) -> str:
    """330106199001011234 → 330106********1234: region kept, birth date hidden."""
    number = normalize_resident_id(value)
    if len(number) < 10:
        return "*" * len(number)
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def mask_identifier(value: str) -> str:
    """A personal ID number of any kind, masked: an 18-character number as a resident ID, anything
    else with a quarter kept at each end (E12345678 → E1*****78). Masking a masked value changes
    nothing, so it is safe to apply twice."""
    number = (value or "").strip()
    if not number:
        return ""
    if len(number) == 18:
        return mask_resident_id(number)
    keep = max(1, len(number) // 4)
    if len(number) <= 2 * keep:
        return "*" * len(number)
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


def _is_placeholder(body: str) -> bool:
    """All one character, or a run like 123456789… — what exports put where a code was unknown."""
    return len(set(body)) <= 1 or body in "0123456789" * 3 or body.strip("0") == ""
