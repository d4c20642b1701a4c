"""/api/v1/complaints/: filing, the caller's complaints, the handler's steps; every answer checked against the
schema, and no complainant identity in any of them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import services
from complaints.choices import Channel, Status
from complaints.models import Complaint
from organizations import services as organization_services
from tests.api_schema import validate_response
from tests.files import png, upload

from .factories import cast_for, complaint_data, file_complaint

pytestmark = pytest.mark.django_db

LIST = "/api/v1/complaints/"
DETAIL = "/api/v1/complaints/{tracking_code}/"
IDENTITY = ("张三", "13800000000", "zhang@example.com")


def token_for(organization, *scopes, name="业务系统"):
    _client, token = organization_services.api_client_create(
        organization=organization, name=name, scopes=list(scopes), actor=None
    )
    return f"Token {token}"


def as_json(about, **changes) -> dict:
    data = complaint_data(about, **{"email": "zhang@example.com", **changes})
    data["organization"] = about.pk
    return data


def url(complaint, act: str = "") -> str:
    return DETAIL.replace("{tracking_code}", complaint.tracking_code) + (f"{act}/" if act else "")


def assert_no_identity(response) -> None:
    text = response.content.decode()
    for value in IDENTITY:
        assert value not in text


@pytest.fixture
def cast(world):
    return cast_for(world)


# --- filing ----------------------------------------------------------------------------------------


def test_a_client_with_the_write_scope_files_and_gets_the_code_and_secret_once(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    response = api_client.post(LIST, as_json(world.department), format="json")
    assert response.status_code == 201, response.content
    validate_response(response.json(), LIST, "post", 201)
    body = response.json()
    complaint = Complaint.objects.get(tracking_code=body["tracking_code"])
    assert complaint.channel == Channel.API
    assert complaint.complainant.name == "张三"
    assert body["secret"] and body["status"] == Status.RECEIVED
    assert services.complaint_find(code=body["tracking_code"], secret=body["secret"]) == complaint
    assert_no_identity(response)


def test_filing_with_attachments_as_multipart(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    data = {**as_json(world.department), "attachments": [upload("现场.png", png())]}
    response = api_client.post(LIST, data, format="multipart")
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(tracking_code=response.json()["tracking_code"])
    assert complaint.attachments.count() == 1


def test_field_errors_come_in_the_callers_language(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    data = as_json(world.department, facts="太短", name="", phone="", email="")
    response = api_client.post(f"{LIST}?language=en", data, format="json")
    assert response.status_code == 400
    validate_response(response.json(), LIST, "post", 400)
    errors = response.json()
    assert errors["facts"] == ["Write at least 10 characters."]
    assert errors["name"] == ["This field is required."]
    bad_type = api_client.post(f"{LIST}?language=en", {**data, "organization": "x"}, format="json")
    assert bad_type.status_code == 400
    assert bad_type.json()["organization"] == ["A valid integer is required."]
    missing = {**as_json(world.department), "organization": 10**9}
    unknown = api_client.post(f"{LIST}?language=en", missing, format="json")
    assert unknown.status_code == 400
    assert "not on it" in unknown.json()["organization"][0]
    assert not Complaint.objects.exists()


def test_no_credentials_401_and_a_read_token_403(api_client, world):
    response = api_client.post(LIST, as_json(world.department), format="json")
    assert response.status_code == 401
    validate_response(response.json(), LIST, "post", 401)
    listed = api_client.get(LIST)
    assert listed.status_code == 401
    validate_response(listed.json(), LIST, "get", 401)
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "read"))
    response = api_client.post(f"{LIST}?language=en", as_json(world.department), format="json")
    assert response.status_code == 403
    validate_response(response.json(), LIST, "post", 403)
    assert response.json()["detail"] == "These credentials may not file complaints."
    assert not Complaint.objects.exists()


# --- reading ---------------------------------------------------------------------------------------


def test_the_list_holds_the_callers_complaints_without_identity(api_client, world, cast):
    ours = file_complaint(world.department, email="zhang@example.com").complaint
    theirs = file_complaint(world.other_department).complaint
    api_client.force_authenticate(cast["intake"])  # the city's intake officers: both
    response = api_client.get(LIST)
    assert response.status_code == 200
    validate_response(response.json(), LIST, "get", 200)
    assert {row["tracking_code"] for row in response.json()["results"]} == {ours.tracking_code, theirs.tracking_code}
    assert_no_identity(response)
    api_client.force_authenticate(cast["other_supervisor"])
    codes = [row["tracking_code"] for row in api_client.get(LIST).json()["results"]]
    assert codes == [theirs.tracking_code]


def test_filters(api_client, world, cast):
    first = file_complaint(world.department).complaint
    second = file_complaint(world.other_department, category="arrears").complaint
    services.complaint_accept(complaint=first, handling_organization=world.department, actor=cast["intake"])
    api_client.force_authenticate(cast["intake"])

    def codes(**query):
        response = api_client.get(LIST, query)
        assert response.status_code == 200, response.content
        return {row["tracking_code"] for row in response.json()["results"]}

    assert codes(status="accepted") == {first.tracking_code}
    assert codes(category="arrears") == {second.tracking_code}
    assert codes(organization=world.other_department.pk) == {second.tracking_code}
    today = first.received_on.isoformat()
    assert codes(received_after=today, received_before=today) == {first.tracking_code, second.tracking_code}
    assert codes(received_after="2999-01-01") == set()
    bad = api_client.get(LIST, {"status": "nonsense", "language": "en"})
    assert bad.status_code == 400
    validate_response(bad.json(), LIST, "get", 400)


def test_the_detail_shows_the_timeline_and_deadlines_and_out_of_reach_is_404(api_client, world, cast):
    complaint = file_complaint(world.department, email="zhang@example.com").complaint
    api_client.force_authenticate(cast["intake"])
    response = api_client.get(url(complaint))
    assert response.status_code == 200
    validate_response(response.json(), DETAIL, "get", 200)
    body = response.json()
    assert [step["kind"] for step in body["timeline"]] == ["filed"]
    assert body["deadlines"] and body["deadlines"][0]["how"]
    assert_no_identity(response)
    api_client.force_authenticate(cast["other_staff"])
    hidden = api_client.get(url(complaint))
    assert hidden.status_code == 404
    validate_response(hidden.json(), DETAIL, "get", 404)


def test_the_list_asks_the_same_number_of_queries_whatever_the_rows(api_client, world, cast):
    api_client.force_authenticate(cast["intake"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get(LIST).status_code == 200
        return len(captured)

    complaint = file_complaint(world.department).complaint
    services.complaint_accept(complaint=complaint, handling_organization=world.department, actor=cast["intake"])
    few = queries()
    for _n in range(6):
        file_complaint(world.other_department)
    assert queries() == few


# --- the handler's steps ---------------------------------------------------------------------------


def test_accept_reply_and_the_errors_of_each_step(api_client, world, cast):
    complaint = file_complaint(world.department).complaint
    api_client.force_authenticate(cast["intake"])
    accepted = api_client.post(
        url(complaint, "accept"), {"handling_organization": world.department.pk, "note": "转办"}, format="json"
    )
    assert accepted.status_code == 200, accepted.content
    validate_response(accepted.json(), DETAIL + "accept/", "post", 200)
    assert accepted.json()["status"] == "accepted"

    # The head of the handling organization sees it but does not write the reply.
    api_client.force_authenticate(cast["head"])
    wrong = api_client.post(url(complaint, "reply"), {"text": "已经核实并整改完毕。"}, format="json")
    assert wrong.status_code == 403
    validate_response(wrong.json(), DETAIL + "reply/", "post", 403)
    # A client with the write scope of the handling organization does.
    api_client.force_authenticate(None)
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    replied = api_client.post(url(complaint, "reply"), {"text": "已经核实并整改完毕。"}, format="json")
    assert replied.status_code == 200, replied.content
    validate_response(replied.json(), DETAIL + "reply/", "post", 200)
    assert replied.json()["status"] == "replied"
    again = api_client.post(
        f"{url(complaint, 'reply')}?language=en", {"text": "再答复一次。再答复一次。"}, format="json"
    )
    assert again.status_code == 400
    validate_response(again.json(), DETAIL + "reply/", "post", 400)
    assert "non_field_errors" in again.json()
    short = api_client.post(f"{url(complaint, 'reply')}?language=en", {}, format="json")
    assert short.status_code == 400
    assert short.json()["text"] == ["This field is required."]


def test_decline_and_out_of_reach(api_client, world, cast):
    complaint = file_complaint(world.department).complaint
    api_client.force_authenticate(cast["other_staff"])
    response = api_client.post(url(complaint, "decline"), {"reason": "other", "explanation": "x" * 12}, format="json")
    assert response.status_code == 404
    validate_response(response.json(), DETAIL + "decline/", "post", 404)
    api_client.force_authenticate(cast["intake"])
    response = api_client.post(
        url(complaint, "decline"), {"reason": "litigation", "explanation": "该事项已进入行政复议程序。"}, format="json"
    )
    assert response.status_code == 200, response.content
    validate_response(response.json(), DETAIL + "decline/", "post", 200)
    assert response.json()["status"] == "declined"
    assert response.json()["decline_reason"] == "litigation"
