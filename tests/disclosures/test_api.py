import datetime

import pytest

from core.publication import PublicationStatus
from disclosures import services
from disclosures.models import PenaltyDisclosure
from organizations import services as organization_services
from tests.factories import make_resident_id
from tests.permissions import OWN_ORG

from .test_services import penalty_data

pytestmark = pytest.mark.django_db
PENALTIES = "/api/v1/disclosures/penalties/"
LICENSES = "/api/v1/disclosures/licenses/"


def token_for(organization, *scopes, name="业务系统"):
    _client, token = organization_services.api_client_create(
        organization=organization, name=name, scopes=list(scopes), actor=None
    )
    return f"Token {token}"


def api_payload(**overrides):
    payload = {
        "subject_name": "杭州某某贸易有限公司",
        "subject_kind": "legal_person",
        "subject_uscc": "91330100716105852F",
        "legal_representative": "张三",
        "decision_number": "杭市监罚〔2026〕118号",
        "violation_type": "虚假宣传",
        "violation_facts": "发布虚假广告",
        "legal_basis": "《广告法》第五十五条",
        "penalty_kinds": ["warning", "fine"],
        "penalty_content": "警告，罚款二千元",
        "fine_amount": "0.2",
        "decided_on": "2026-11-20",
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def published(world):
    reviewer = world.user(OWN_ORG)
    data = penalty_data(
        world,
        subject_kind="natural_person",
        subject_name="王小明",
        subject_uscc="",
        legal_representative="",
        subject_id_type="resident_id",
        subject_id_number=make_resident_id(11),
        decided_on=datetime.date(2026, 11, 2),
    )
    record = services.disclosure_create(kind="penalty", data=data, actor=None)
    return services.disclosure_publish(record=record, actor=reviewer)


def test_anonymous_reads_only_public_records_with_ids_masked(api_client, world, published):
    services.disclosure_create(kind="penalty", data=penalty_data(world, decision_number="草稿1"), actor=None)
    body = api_client.get(PENALTIES).json()
    assert [row["id"] for row in body["results"]] == [published.pk]
    row = body["results"][0]
    for field in (
        "id",
        "subject_name",
        "subject_uscc",
        "decision_number",
        "decided_on",
        "publish_deadline",
        "published_at",
        "on_time",
        "publicity_ends_on",
        "status",
        "penalty_kinds",
        "fine_amount",
    ):
        assert field in row
    assert row["subject_id_number"] == published.masked_subject_id_number != published.subject_id_number
    assert api_client.get(f"{PENALTIES}{published.pk}/").json()["subject_id_number"].count("*") == 8


def test_list_query_count_and_no_total_count(api_client, world, published, django_assert_max_num_queries):
    for number in range(5):
        record = services.disclosure_create(
            kind="penalty", data=penalty_data(world, decision_number=f"批{number}"), actor=None
        )
        services.disclosure_publish(record=record, actor=world.user(OWN_ORG))
    with django_assert_max_num_queries(6):
        body = api_client.get(PENALTIES, {"page_size": 3}).json()
    assert "count" not in body and body["next"]


def test_filters(api_client, world, published):
    other = services.disclosure_create(
        kind="penalty",
        data=penalty_data(
            world,
            decision_number="乙1",
            subject_name="杭州滨江科技有限公司",
            decided_on=datetime.date(2026, 3, 1),
            authority=world.other_department,
            data_source=world.other_department,
        ),
        actor=None,
    )
    services.disclosure_publish(record=other, actor=world.user(OWN_ORG))

    def ids(**params):
        return {row["id"] for row in api_client.get(PENALTIES, params).json()["results"]}

    assert ids(subject_name="滨江") == {other.pk}
    assert ids(subject_name="小明") == {published.pk}
    assert ids(subject_uscc="91330100716105852f") == {other.pk}
    assert ids(authority=world.department.pk) == {published.pk}
    assert ids(decided_after="2026-06-01") == {published.pk}
    assert ids(decided_before="2026-06-01") == {other.pk}
    assert ids(penalty_kind="fine") == {published.pk, other.pk}
    assert ids(penalty_kind="detention") == set()
    bad = api_client.get(PENALTIES, {"decided_after": "yesterday"})
    assert bad.status_code == 400 and "decided_after" in bad.json()


def test_a_write_client_enters_drafts_for_its_own_organization(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    response = api_client.post(PENALTIES, api_payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["authority"] == world.department.pk and body["publish_deadline"]
    record = PenaltyDisclosure.objects.get()
    assert record.created_by_label.startswith("api:") and record.data_source == world.department
    # It sees its drafts (with the full ID numbers of its own records) and the status filter works.
    assert [r["id"] for r in api_client.get(PENALTIES, {"status": "draft"}).json()["results"]] == [record.pk]


def test_field_errors_come_back_per_field_in_the_callers_language(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    response = api_client.post(
        PENALTIES + "?language=en", api_payload(fine_amount=None, subject_uscc="91330100716105852G"), format="json"
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) >= {"fine_amount", "subject_uscc"}
    assert "check character" in errors["subject_uscc"][0]
    bad_kind = api_client.post(PENALTIES, api_payload(penalty_kinds=["flogging"]), format="json")
    assert bad_kind.status_code == 400 and "penalty_kinds" in bad_kind.json()
    assert not PenaltyDisclosure.objects.exists()


def test_entering_for_another_organization_is_refused(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    response = api_client.post(PENALTIES, api_payload(authority=world.other_department.pk), format="json")
    assert response.status_code == 400 and "authority" in response.json()
    read_only = token_for(world.department, "read", name="只读")
    api_client.credentials(HTTP_AUTHORIZATION=read_only)
    assert api_client.post(PENALTIES, api_payload(), format="json").status_code == 400
    assert not PenaltyDisclosure.objects.exists()


def test_anonymous_cannot_write(api_client, world):
    assert api_client.post(PENALTIES, api_payload(), format="json").status_code in (401, 403)


def test_editing_drafts_and_another_organizations_records_are_404(api_client, world):
    mine = services.disclosure_create(kind="penalty", data=penalty_data(world), actor=None)
    theirs = services.disclosure_create(
        kind="penalty",
        data=penalty_data(world, authority=world.other_department, data_source=world.other_department),
        actor=None,
    )
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    response = api_client.patch(f"{PENALTIES}{mine.pk}/", {"penalty_content": "罚款贰仟元"}, format="json")
    assert response.status_code == 200 and response.json()["penalty_content"] == "罚款贰仟元"
    assert api_client.patch(f"{PENALTIES}{theirs.pk}/", {"penalty_content": "x"}, format="json").status_code == 404
    assert api_client.get(f"{PENALTIES}{theirs.pk}/").status_code == 404


def test_publish_needs_the_review_scope_and_four_eyes(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write", "review", name="一体"))
    created = api_client.post(PENALTIES, api_payload(), format="json").json()
    refused = api_client.post(f"{PENALTIES}{created['id']}/publish/")
    assert refused.status_code == 400 and "non_field_errors" in refused.json()

    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write", name="录入"))
    assert api_client.post(f"{PENALTIES}{created['id']}/publish/").status_code == 404

    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "review", name="审核"))
    response = api_client.post(f"{PENALTIES}{created['id']}/publish/")
    assert response.status_code == 200
    assert response.json()["status"] == PublicationStatus.PUBLISHED and response.json()["version"] == 1
    again = api_client.post(f"{PENALTIES}{created['id']}/publish/")
    assert again.status_code == 400


def test_withdraw_and_correct_through_the_api(api_client, world, published):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "review"))
    assert api_client.post(f"{PENALTIES}{published.pk}/withdraw/", {}, format="json").json().keys() >= {"reason"}
    corrected = api_client.post(
        f"{PENALTIES}{published.pk}/correct/",
        {"penalty_content": "罚款人民币贰仟元整", "reason": "更正笔误"},
        format="json",
    )
    assert corrected.status_code == 200 and corrected.json()["version"] == 2
    withdrawn = api_client.post(f"{PENALTIES}{published.pk}/withdraw/", {"reason": "复议撤销原决定"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    api_client.credentials()
    assert api_client.get(f"{PENALTIES}{published.pk}/").status_code == 404


def test_a_reason_that_is_not_text_is_a_field_error_not_a_500(api_client, world, published):
    # Found by schemathesis: {"reason": [null, null]} reached the service and failed on .strip().
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "review"))
    for body in ({"reason": [None, None]}, {"reason": 12345}, ["复议撤销原决定"]):
        for operation in ("withdraw", "correct"):
            response = api_client.post(f"{PENALTIES}{published.pk}/{operation}/", body, format="json")
            assert response.status_code == 400, (operation, body, response.content)
    published.refresh_from_db()
    assert published.status == PublicationStatus.PUBLISHED and published.version == 1


def test_licences_endpoint(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    payload = {
        "subject_name": "杭州某餐饮有限公司",
        "subject_kind": "legal_person",
        "subject_uscc": "91330100716105852F",
        "legal_representative": "李四",
        "decision_document_name": "食品经营许可决定书",
        "license_number": "JY2330106",
        "license_category": "ordinary",
        "decided_on": "2026-11-02",
        "valid_from": "2026-11-02",
        "valid_until": "2099-12-31",
    }
    response = api_client.post(LICENSES, payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["decision_number"] == "JY2330106"
    bad = api_client.post(LICENSES, {**payload, "license_number": "JY2", "valid_until": "2020-01-01"}, format="json")
    assert bad.status_code == 400 and "valid_until" in bad.json()


def test_schema_documents_the_disclosure_endpoints(client):
    text = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/disclosures/penalties/",
        "/api/v1/disclosures/penalties/{id}/publish/",
        "/api/v1/disclosures/licenses/",
    ):
        assert path in text
    assert "杭市监罚〔2026〕118号" in text  # the documented example
