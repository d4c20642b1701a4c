"""Field-level rejections: the stand-in checks records as strictly as the national platform."""

import pytest

from mock_national.models import ReceivedRecord

from .helpers import (
    DISHONESTY,
    LICENSE,
    civil_servant_dishonesty_data,
    dishonesty_data,
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


@pytest.mark.parametrize("record_type", ["disclosures.penalty", LICENSE, DISHONESTY])
def test_data_must_be_a_non_empty_object_for_every_record_type(client, record_type):
    assert list(_reasons(_outcome(client, {}, record_type=record_type))) == ["data"]


def test_a_record_type_without_rules_is_refused_on_its_own_with_a_code(client):
    response = post_records(
        client,
        [record(1, record_type="later.app", data={"anything": "goes"}), record(2), record(3, record_type=DISHONESTY)],
    )

    assert response.status_code == 200
    unknown, penalty, dishonesty = response.json()["results"]
    assert (unknown["status"], unknown["code"]) == ("rejected", "unknown_record_type")
    assert [reason["field"] for reason in unknown["reasons"]] == ["record_type"]
    assert "later.app" in unknown["reasons"][0]["message"]
    assert penalty["status"] == dishonesty["status"] == "accepted"
    assert ReceivedRecord.objects.get(record_id="1").refusal_code == "unknown_record_type"


def test_field_problems_are_answered_with_the_invalid_record_code(client):
    result = _outcome(client, penalty_data(CF_WSH=""))

    assert result["code"] == "invalid_record"


# --- government dishonesty records (政务失信记录, ZWSX_ codes) -------------------------------------------


def test_complete_dishonesty_records_of_a_body_and_of_a_civil_servant_are_accepted(client):
    assert _outcome(client, dishonesty_data(), record_type=DISHONESTY)["status"] == "accepted"
    civil_servant = _outcome(client, civil_servant_dishonesty_data(), record_type=DISHONESTY, record_id=2)
    assert civil_servant["status"] == "accepted"


@pytest.mark.parametrize(
    "field", ["ZWSX_ZTMC", "ZWSX_ZTLB", "ZWSX_SSDW", "ZWSX_SXLB", "ZWSX_SSZY", "ZWSX_RDJG", "ZWSX_RDRQ", "ZWSX_GSJZQ"]
)
def test_a_dishonesty_record_missing_a_required_field_is_refused_naming_it(client, field):
    data = dishonesty_data()
    del data[field]

    result = _outcome(client, data, record_type=DISHONESTY)

    assert result["code"] == "invalid_record"
    assert _reasons(result) == {field: "必填项缺失"}
    assert not ReceivedRecord.objects.filter(accepted=True).exists()


@pytest.mark.parametrize("field", ["ZWSX_YZCD", "ZWSX_LYLB", "ZWSX_LYJG", "ZWSX_FSRQ", "ZWSX_RDYY"])
def test_a_bodys_record_needs_its_severity_source_and_reasons(client, field):
    reasons = _reasons(_outcome(client, dishonesty_data(**{field: ""}), record_type=DISHONESTY))

    assert list(reasons) == [field]
    assert "必填项缺失" in reasons[field]


def test_a_civil_servants_record_needs_the_position_and_nothing_of_a_body(client):
    reasons = _reasons(_outcome(client, civil_servant_dishonesty_data(ZWSX_ZW=""), record_type=DISHONESTY))

    assert list(reasons) == ["ZWSX_ZW"]


def test_dishonesty_terms_codes_and_dates_are_checked(client):
    data = dishonesty_data(
        ZWSX_ZTLB="事业单位",
        ZWSX_SXLB="迟到",
        ZWSX_TYSHXYDM=wrong_check(dishonesty_data()["ZWSX_TYSHXYDM"]),
        ZWSX_RDRQ=tomorrow(),
        ZWSX_FSRQ="2026/01/01",
    )

    reasons = _reasons(_outcome(client, data, record_type=DISHONESTY))

    assert set(reasons) == {"ZWSX_ZTLB", "ZWSX_SXLB", "ZWSX_TYSHXYDM", "ZWSX_RDRQ", "ZWSX_FSRQ"}
    ordered = dishonesty_data(ZWSX_FSRQ="2026-04-01", ZWSX_GSJZQ="2026-01-01")
    assert set(_reasons(_outcome(client, ordered, record_type=DISHONESTY, record_id=2))) == {"ZWSX_FSRQ", "ZWSX_GSJZQ"}


def test_a_dishonesty_records_sanctions_and_notice_are_optional_and_checked_when_given(client):
    with_sanctions = dishonesty_data(
        ZWSX_CJLB="通报批评；取消评优评先资格",
        ZWSX_CJNR="通报批评：2026-03-05起\n取消评优评先资格：2026-03-05至2027-03-04",
        ZWSX_TBPP="关于某区住房和城乡建设局拒不履行法院生效判决的通报",
    )
    assert _outcome(client, with_sanctions, record_type=DISHONESTY)["status"] == "accepted"

    unknown_kind = dishonesty_data(ZWSX_CJLB="通报批评；罚站", ZWSX_CJNR="通报批评：2026-03-05起")
    assert list(_reasons(_outcome(client, unknown_kind, record_type=DISHONESTY, record_id=2))) == ["ZWSX_CJLB"]
    without_content = dishonesty_data(ZWSX_CJLB="责任追究")
    assert list(_reasons(_outcome(client, without_content, record_type=DISHONESTY, record_id=3))) == ["ZWSX_CJNR"]
    structured = dishonesty_data(ZWSX_CJNR=[{"kind": "通报批评"}])
    assert list(_reasons(_outcome(client, structured, record_type=DISHONESTY, record_id=4))) == ["ZWSX_CJNR"]


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
