import contextlib
import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

from core.identifiers import (
    mask_resident_id,
    uscc_check_character,
    validate_resident_id,
    validate_uscc,
)

# Published codes of well-known companies (business licences are public).
REAL_USCCS = [
    "91330100716105852F",  # 阿里巴巴(中国)有限公司, Hangzhou
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "914403001922038216",  # 华为技术有限公司
    "91110000802100433B",  # 北京百度网讯科技有限公司
]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_uscc_codes_validate(code):
    assert validate_uscc(code) == code


def test_uscc_is_normalised_before_checking():
    assert validate_uscc(" 91330100-716105852f ") == "91330100716105852F"


@pytest.mark.parametrize("first17", ["N2330110MF0000120", "Y1330100MB1234567", "A1110000MC0000006"])
def test_codes_whose_registration_authority_is_a_letter_are_valid(first17):
    code = first17 + uscc_check_character(first17)
    assert validate_uscc(code) == code
    # python-stdnum rejects exactly these real codes: the reason we check structure ourselves.
    with pytest.raises(StdnumError):
        stdnum_uscc.validate(code)


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("91330100716105852G", "uscc_checksum"),  # one character changed
        ("91330100716105852", "uscc_length"),
        ("9133010071610585IF", "uscc_characters"),  # I is never used
        ("91330100716105O52F", "uscc_characters"),  # O is never used
        ("00000000000000000X", "uscc_placeholder"),
        ("000000000000000000", "uscc_placeholder"),  # checksum-valid, still a placeholder
        ("111111111111111111", "uscc_placeholder"),
        ("91000000716105852F", "uscc_placeholder"),  # division code 000000
        ("0133010071610585XX", "uscc_authority"),
        ("913301A0716105852F", "uscc_division"),
    ],
)
def test_invalid_uscc_codes_are_rejected_with_a_reason(code, error_code):
    with pytest.raises(ValidationError) as raised:
        validate_uscc(code)
    assert raised.value.code == error_code
    assert raised.value.messages[0]


def test_uscc_messages_speak_the_users_language():
    from django.utils import translation

    with pytest.raises(ValidationError) as raised:
        validate_uscc("91330100716105852G")
    with translation.override("en"):
        assert "check character" in raised.value.messages[0]
    with translation.override("zh-hans"):
        assert "校验" in raised.value.messages[0]


REAL_RESIDENT_IDS = [
    "11010519491231002X",  # the worked example of GB 11643-1999
    "440524188001010014",  # an 1880 birth date, the classic 广东 example
]


@pytest.mark.parametrize("number", REAL_RESIDENT_IDS)
def test_real_resident_ids_validate(number):
    assert validate_resident_id(number) == number


def test_lower_case_x_is_accepted_and_normalised():
    assert validate_resident_id("11010519491231002x") == "11010519491231002X"


def test_numbers_from_retired_counties_are_accepted():
    # 330103 was 杭州市下城区, merged away in 2021; people still carry these numbers.
    number = "330103198001010014"
    assert validate_resident_id(number) == number


@pytest.mark.parametrize(
    ("number", "error_code"),
    [
        ("110105194912310021", "ric_checksum"),
        ("110105491231002", "ric_old_format"),
        ("11010519491231002", "ric_format"),
        ("99010519491231002X", "ric_area"),
        ("110105194913310020", "ric_birth_date"),  # month 13
        ("000000000000000000", "ric_placeholder"),
    ],
)
def test_invalid_resident_ids_are_rejected_with_a_reason(number, error_code):
    with pytest.raises(ValidationError) as raised:
        validate_resident_id(number)
    assert raised.value.code == error_code


def test_a_birth_date_in_the_future_is_rejected():
    with pytest.raises(ValidationError) as raised:
        validate_resident_id("11010520300101002X", today=datetime.date(2026, 11, 27))
    assert raised.value.code == "ric_birth_date"


def test_stdnum_ric_is_not_used_because_it_rejects_some_valid_numbers():
    # Documented decision: we do not depend on stdnum's county table. Whatever its verdict on a
    # retired county, ours accepts a number with a correct checksum and birth date.
    number = "330103198001010014"
    with contextlib.suppress(StdnumError):
        stdnum_ric.validate(number)
    assert validate_resident_id(number) == number


def test_masking_hides_the_birth_date_but_keeps_region_and_tail():
    assert mask_resident_id("11010519491231002X") == "110105********002X"
    assert mask_resident_id("") == ""


def test_our_check_character_is_the_standards():
    import random

    rng = random.Random(7)
    for _ in range(2000):
        body = "9" + rng.choice("123") + "".join(rng.choice("0123456789") for _ in range(6))
        body += "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
        assert uscc_check_character(body) == stdnum_uscc.calc_check_digit(body)
