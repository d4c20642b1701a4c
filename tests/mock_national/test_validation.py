"""Field-level rejections: the stand-in checks records as strictly as the national platform."""

import pytest

from mock_national.models import ReceivedRecord

from .helpers import (
    LICENSE,
    license_data,
    natural_person_penalty_data,
    penalty_data,
    post_records,
    record,
    resident_id,
    tomorrow,
    uscc,
    wrong_check,
)

pytestmark = pytest.mark.django_db


def _outcome(client, data, record_type="disclosures.penalty", action="publish", record_id=1):
    response = post_records(client, [record(record_id, record_type=record_type, action=action, data=data)])
    assert response.status_code == 200, response.content
    return response.json()["results"][0]


def _reasons(result) -> dict[str, str]:
    assert result["status"] == "rejected", result
    assert "receipt_id" not in result
    return {reason["field"]: reason["message"] for reason in result["reasons"]}


def test_test_identifiers_are_valid(client):
    assert _outcome(client, natural_person_penalty_data())["status"] == "accepted"


@pytest.mark.parametrize("field", ["CF_XDR_SHXYM", "CF_CFJGDM", "CF_SJLYDM"])
def test_a_wrong_uscc_check_character_is_rejected_on_its_field(client, field):
    data = penalty_data()
    data[field] = wrong_check(data[field])

    assert _reasons(_outcome(client, data)) == {field: "统一社会信用代码校验位错误"}


def test_a_uscc_whose_first_two_characters_are_letters_is_accepted(client):
    assert _outcome(client, penalty_data(CF_XDR_SHXYM=uscc("NA330106MA2B00003")))["status"] == "accepted"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("00000000000000000X", "占位"),
        (uscc("11111111111111111"), "占位"),
        ("91330106MA2B0000", "18位"),
        ("91330106MA2BO00011", "非法字符"),
        (uscc("9133A106MA2B00001"), "行政区划"),
    ],
    ids=["zeros", "repeated", "short", "letter-O", "division-letter"],
)
def test_malformed_and_placeholder_uscc_are_rejected(client, code, message):
    reasons = _reasons(_outcome(client, penalty_data(CF_XDR_SHXYM=code)))

    assert list(reasons) == ["CF_XDR_SHXYM"]
    assert message in reasons["CF_XDR_SHXYM"]


def test_a_wrong_resident_id_check_digit_is_rejected(client):
    data = natural_person_penalty_data(CF_XDR_ZJHM=wrong_check(resident_id()))

    assert _reasons(_outcome(client, data)) == {"CF_XDR_ZJHM": "居民身份证号码校验位错误"}


def test_a_legal_representatives_resident_id_is_checked_too(client):
    data = penalty_data(CF_FR_ZJLX="身份证", CF_FR_ZJHM="330106199001011230")

    assert list(_reasons(_outcome(client, data))) == ["CF_FR_ZJHM"]


def test_a_passport_number_is_not_checked_as_a_resident_id(client):
    data = natural_person_penalty_data(CF_XDR_ZJLX="护照", CF_XDR_ZJHM="E12345678")

    assert _outcome(client, data)["status"] == "accepted"


def test_missing_required_fields_are_each_named(client):
    data = penalty_data(CF_WSH="", CF_CFJG="  ")
    del data["CF_JDRQ"]

    assert _reasons(_outcome(client, data)) == {
        "CF_WSH": "必填项缺失",
        "CF_CFJG": "必填项缺失",
        "CF_JDRQ": "必填项缺失",
    }


def test_a_legal_person_needs_a_uscc_and_a_natural_person_an_id(client):
    assert list(_reasons(_outcome(client, penalty_data(CF_XDR_SHXYM="")))) == ["CF_XDR_SHXYM"]
    natural = natural_person_penalty_data(CF_XDR_ZJLX="", CF_XDR_ZJHM="")
    assert set(_reasons(_outcome(client, natural))) == {"CF_XDR_ZJLX", "CF_XDR_ZJHM"}


def test_an_unknown_subject_kind_is_rejected(client):
    assert list(_reasons(_outcome(client, penalty_data(CF_XDR_LB="企业")))) == ["CF_XDR_LB"]


def test_a_decision_dated_in_the_future_is_rejected(client):
    reasons = _reasons(_outcome(client, penalty_data(CF_JDRQ=tomorrow())))

    assert reasons == {"CF_JDRQ": "决定日期不能晚于当前日期"}


@pytest.mark.parametrize("value", ["2026/03/02", "2026-02-30", "20260302"])
def test_dates_must_be_real_iso_dates(client, value):
    assert list(_reasons(_outcome(client, penalty_data(CF_JDRQ=value)))) == ["CF_JDRQ"]


@pytest.mark.parametrize("value", ["-0.2", "abc", "1e3", "0.2万"])
def test_amounts_must_be_non_negative_decimals(client, value):
    assert list(_reasons(_outcome(client, penalty_data(CF_NR_FK=value, CF_NR_WFFF="0")))) == ["CF_NR_FK"]


def test_penalty_kinds_must_be_standard_terms(client):
    assert list(_reasons(_outcome(client, penalty_data(CF_CFLB="警告;训诫")))) == ["CF_CFLB"]


def test_values_must_be_strings(client):
    assert list(_reasons(_outcome(client, penalty_data(CF_NR_FK=0.2)))) == ["CF_NR_FK"]


def test_data_must_be_a_non_empty_object_for_any_record_type(client):
    assert list(_reasons(_outcome(client, {}, record_type="later.app"))) == ["data"]
    assert _outcome(client, {"anything": "goes"}, record_type="later.app", record_id=2)["status"] == "accepted"


def test_a_valid_licence_is_accepted_and_its_rules_apply(client):
    assert _outcome(client, license_data(), record_type=LICENSE)["status"] == "accepted"
    bad = license_data(XK_YXQZ="2031-02-10", XK_XKJGDM=wrong_check(license_data()["XK_XKJGDM"]), XK_XKLB="一般")
    bad.pop("XK_XKWS")

    reasons = _reasons(_outcome(client, bad, record_type=LICENSE, record_id=2))

    assert set(reasons) == {"XK_XKWS", "XK_XKJGDM", "XK_YXQZI", "XK_XKLB"}


def test_a_withdrawal_is_validated_like_a_publication(client):
    result = _outcome(client, penalty_data(CF_CFJGDM="00000000000000000X"), action="withdraw")

    assert list(_reasons(result)) == ["CF_CFJGDM"]


def test_rejected_entries_are_stored_with_their_reasons_and_data(client):
    _outcome(client, penalty_data(CF_WSH=""))

    entry = ReceivedRecord.objects.get()
    assert entry.accepted is False
    assert entry.reasons == [{"field": "CF_WSH", "message": "必填项缺失"}]
    assert entry.data["CF_XDR_MC"] == "杭州示例贸易有限公司"


def test_a_rejected_record_can_be_sent_again_and_accepted(client):
    _outcome(client, penalty_data(CF_WSH=""))

    assert _outcome(client, penalty_data())["status"] == "accepted"
    assert ReceivedRecord.objects.count() == 2
