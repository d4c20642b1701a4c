"""Open311 GeoReport v2: discovery, services and their definition, filing with an api_key, following a
request (JSON and XML the same), the GET filters, the spec's error list, no identity anywhere, and a 311
client talking to a live server."""

import datetime
import json
import xml.etree.ElementTree as ET

import pytest
import requests
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import services
from complaints.choices import Category, Channel, DeclineReason, Status
from complaints.models import Complaint
from organizations.choices import ApiScope
from organizations.services import api_client_create
from tests.complaints.factories import cast_for, file_complaint
from tests.dishonesty_records.factories import Clock

pytestmark = pytest.mark.django_db
D = datetime.date
V2 = "/open311/v2"
FACTS = "今年九月去窗口办理企业登记，工作人员先后三次要求补交不同材料，没有一次性告知。"
IDENTITY = ("张三", "13800000000", "zhang@example.com")


@pytest.fixture
def cast(world):
    return cast_for(world)


@pytest.fixture
def key(world):
    """A city 12345 system's key (the city organization, write scope)."""
    return api_client_create(organization=world.city, name="12345", scopes=[ApiScope.WRITE], actor=None)[1]


@pytest.fixture
def other_key(world):
    return api_client_create(organization=world.other_department, name="other", scopes=[ApiScope.WRITE], actor=None)[1]


def post_data(world, key, **changes):
    data = {
        "api_key": key,
        "jurisdiction_id": "hangzhou.gov.cn",
        "service_code": Category.SERVICE_CONDUCT,
        "lat": "30.274084",
        "long": "120.155070",
        "address_string": "市民中心三楼",
        "email": IDENTITY[2],
        "first_name": "三",
        "last_name": "张",
        "phone": IDENTITY[1],
        "description": FACTS,
        "media_url": "https://example.com/photo.jpg",
        "attribute[organization]": str(world.department.pk),
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def file(client, world, key, fmt="json", **changes):
    return client.post(f"{V2}/requests.{fmt}", post_data(world, key, **changes))


def xml_of(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own answer


def no_identity(response):
    text = response.content.decode()
    for value in IDENTITY:
        assert value not in text


def test_discovery_lists_the_v2_endpoint_in_both_formats(client):
    data = client.get("/open311/discovery.json").json()
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production" and endpoint["formats"] == ["text/xml", "application/json"]
    root = xml_of(client.get("/open311/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


def test_services_in_the_spec_shape_and_language(client):
    response = client.get(f"{V2}/services.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    services_ = response.json()
    assert isinstance(services_, list) and len(services_) == len(Category)
    keys = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    for item in services_:
        assert set(item) == keys
        assert item["metadata"] is True and item["type"] == "realtime"
        assert all(isinstance(item[k], str) for k in keys - {"metadata"})
    assert {item["service_code"] for item in services_} == set(Category.values)
    english = client.get(f"{V2}/services.json?locale=en").json()
    assert english[0]["service_name"].startswith("A government pledge not kept")
    by_header = client.get(f"{V2}/services.json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert by_header[0]["service_name"] == english[0]["service_name"]

    root = xml_of(client.get(f"{V2}/services.xml"))
    assert root.tag == "services" and len(root.findall("service")) == len(Category)
    first = root.find("service")
    assert [child.tag for child in first] == list(services_[0])
    assert first.find("metadata").text == "true" and first.find("service_code").text == services_[0]["service_code"]
    assert first.find("service_name").text == services_[0]["service_name"]


def test_service_definition_and_unknown_service(client, world):
    data = client.get(f"{V2}/services/{Category.ARREARS}.json").json()
    assert data["service_code"] == Category.ARREARS
    organization = data["attributes"][0]
    assert organization["code"] == "organization" and organization["required"] is True
    assert organization["datatype"] == "singlevaluelist"
    assert {"key": world.department.pk, "name": world.department.name} in organization["values"]
    assert [a["order"] for a in data["attributes"]] == [1, 2, 3, 4, 5]
    for attribute in data["attributes"]:
        assert {"variable", "code", "datatype", "required", "datatype_description", "order", "description"} <= set(
            attribute
        )
    root = xml_of(client.get(f"{V2}/services/{Category.ARREARS}.xml"))
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/values/value/key") is not None

    missing = client.get(f"{V2}/services/potholes.json")
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404 and "potholes" in missing.json()[0]["description"]
    root = xml_of(client.get(f"{V2}/services/potholes.xml"))
    assert root.tag == "errors" and root.find("error/code").text == "404"


def test_a_long_organization_list_becomes_a_string_attribute(client, world, settings):
    settings.OPEN311_ORGANIZATION_LIST_MAX = 2
    organization = client.get(f"{V2}/services/{Category.ARREARS}.json").json()["attributes"][0]
    assert organization["datatype"] == "string" and "values" not in organization


def test_post_files_a_complaint_from_open311(client, world, key):
    response = file(client, world, key)
    assert response.status_code == 200, response.content
    (answer,) = response.json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    assert answer["account_id"] is None
    complaint = Complaint.objects.get(tracking_code=answer["service_request_id"])
    assert complaint.channel == Channel.OPEN311
    assert complaint.category == Category.SERVICE_CONDUCT and complaint.organization == world.department
    assert complaint.title == FACTS[:40] and complaint.facts.startswith(FACTS)
    assert complaint.facts.endswith("media_url: https://example.com/photo.jpg")
    assert complaint.place == "市民中心三楼" and str(complaint.latitude) == "30.274084"
    assert complaint.received_by_label.startswith("api:12345#")
    assert complaint.complainant.name == "张三" and complaint.complainant.email == IDENTITY[2]
    assert complaint.tracking_code in answer["service_notice"]


def test_post_by_short_name_anonymous_with_attributes_and_xml(client, world, key):
    response = file(
        client,
        world,
        key,
        fmt="xml",
        first_name=None,
        last_name=None,
        email=None,
        phone=None,
        lat=None,
        long=None,
        **{
            "attribute[organization]": world.department.short_name,
            "attribute[title]": "窗口推诿",
            "attribute[happened_on]": "2026-01-05",
            "attribute[consent_to_share]": "yes",
        },
    )
    root = xml_of(response)
    assert response.status_code == 200
    assert root.tag == "service_requests"
    code = root.find("request/service_request_id").text
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.anonymous and complaint.title == "窗口推诿" and complaint.happened_on == D(2026, 1, 5)
    assert complaint.organization == world.department
    assert root.find("request/account_id").text is None


@pytest.mark.parametrize(
    "api_key, description",
    [(None, "api_key is missing"), ("hzi_wrong", "Invalid api_key"), ("坏 key", "Invalid api_key")],
)
def test_post_without_a_valid_key_is_403_with_the_error_list(client, world, key, api_key, description):
    with_english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    response = client.post(f"{V2}/requests.json?locale=en", post_data(world, api_key), **with_english)
    assert response.status_code == 403
    (error,) = response.json()
    assert error["code"] == 403 and description in error["description"]
    assert not Complaint.objects.exists()


def test_a_read_only_key_may_not_file(client, world):
    read_key = api_client_create(organization=world.city, name="r", scopes=[ApiScope.READ], actor=None)[1]
    response = file(client, world, read_key)
    assert response.status_code == 403 and not Complaint.objects.exists()


def test_post_errors_per_spec(client, world, key):
    unknown = file(client, world, key, service_code="potholes")
    assert unknown.status_code == 404 and unknown.json()[0]["code"] == 404
    missing = file(client, world, key, service_code=None)
    assert missing.status_code == 400 and "service_code" in missing.json()[0]["description"]
    wrong_place = file(client, world, key, jurisdiction_id="sfgov.org")
    assert wrong_place.status_code == 404 and "jurisdiction_id" in wrong_place.json()[0]["description"]
    fields = client.post(
        f"{V2}/requests.json?locale=en",
        post_data(world, key, description="短", long=None, **{"attribute[organization]": "nowhere"}),
    )
    assert fields.status_code == 400
    descriptions = [error["description"] for error in fields.json()]
    assert all(error["code"] == 400 for error in fields.json())
    assert any(d.startswith("description:") for d in descriptions)
    assert any(d.startswith("long:") for d in descriptions)
    assert any(d.startswith("attribute[organization]:") for d in descriptions)
    too_long = file(client, world, key, description="很" * 4001)
    assert too_long.status_code == 400
    assert not Complaint.objects.exists()
    assert client.put(f"{V2}/requests.json").status_code == 405
    assert client.get("/open311/v2/nothing.json").status_code == 404


def test_following_a_request_after_accept_and_reply(client, world, key, cast, monkeypatch):
    clock = Clock(monkeypatch, D(2026, 7, 1))
    code = file(client, world, key).json()[0]["service_request_id"]
    url = f"{V2}/requests/{code}.json?api_key={key}"
    (received,) = client.get(url).json()
    assert received["status"] == "open" and received["status_notes"] is None
    assert received["agency_responsible"] is None
    assert received["requested_datetime"] == "2026-07-01T10:00:00+08:00"
    assert received["expected_datetime"] == "2026-07-16T23:59:59+08:00"
    assert received["description"].startswith(FACTS)

    complaint = Complaint.objects.get(tracking_code=code)
    complaint = services.complaint_accept(
        complaint=complaint, handling_organization=world.department, actor=cast["intake"]
    )
    (accepted,) = client.get(url).json()
    assert accepted["status"] == "open" and accepted["agency_responsible"] == world.department.name
    assert accepted["expected_datetime"] == "2026-08-31T23:59:59+08:00"
    clock.day = D(2026, 8, 20)
    services.complaint_reply(
        complaint=complaint, text="经核查，窗口已整改，建立一次性告知清单。", actor=cast["handler"]
    )
    response = client.get(url)
    (closed,) = response.json()
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "经核查，窗口已整改，建立一次性告知清单。"
    assert closed["agency_responsible"] == world.department.name
    assert closed["expected_datetime"] is None
    assert closed["updated_datetime"] == "2026-08-20T10:00:00+08:00"
    assert list(closed) == [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
        "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
        "address", "address_id", "zipcode", "lat", "long", "media_url",
    ]  # fmt: skip
    assert closed["lat"] == 30.274084 and closed["long"] == 120.15507
    no_identity(response)

    xml_response = client.get(f"{V2}/requests/{code}.xml?api_key={key}")
    request_element = xml_of(xml_response).find("request")
    for name, value in closed.items():
        text = request_element.find(name).text
        assert text == (None if value is None else str(value)), name
    no_identity(xml_response)

    (by_token,) = client.get(f"{V2}/tokens/{code}.json?api_key={key}").json()
    assert by_token == {"service_request_id": code, "token": code}
    assert client.get(f"{V2}/tokens/HZ-00000-00000.json?api_key={key}").status_code == 404


def test_a_declined_request_is_closed_with_the_explanation(client, world, key, cast):
    code = file(client, world, key).json()[0]["service_request_id"]
    services.complaint_decline(
        complaint=Complaint.objects.get(tracking_code=code),
        reason=DeclineReason.LITIGATION,
        explanation="该事项已进入行政复议程序。",
        actor=cast["intake"],
    )
    (declined,) = client.get(f"{V2}/requests/{code}.json?api_key={key}").json()
    assert declined["status"] == "closed" and "该事项已进入行政复议程序。" in declined["status_notes"]


def test_who_may_follow_what(client, world, key, other_key, cast):
    code = file(client, world, key).json()[0]["service_request_id"]
    assert client.get(f"{V2}/requests/{code}.json").status_code == 403  # no key: the spec's 403
    assert client.get(f"{V2}/requests.json").status_code == 403
    assert client.get(f"{V2}/tokens/{code}.json").status_code == 403
    assert client.get(f"{V2}/requests/{code}.json?api_key={other_key}").status_code == 404
    assert client.get(f"{V2}/requests.json?api_key={other_key}").json() == []
    # The handling organization's system sees it once it is theirs, without the facts.
    department_key = api_client_create(organization=world.department, name="dept", scopes=[ApiScope.WRITE], actor=None)[
        1
    ]
    assert client.get(f"{V2}/requests/{code}.json?api_key={department_key}").status_code == 404
    services.complaint_accept(
        complaint=Complaint.objects.get(tracking_code=code),
        handling_organization=world.department,
        actor=cast["intake"],
    )
    response = client.get(f"{V2}/requests/{code}.json?api_key={department_key}")
    assert response.status_code == 200 and response.json()[0]["description"] is None
    no_identity(response)
    # Complaints from other channels are not the Open311 client's.
    web = file_complaint(world.department).complaint
    assert client.get(f"{V2}/requests/{web.tracking_code}.json?api_key={key}").status_code == 404


def test_get_requests_filters(client, world, key, cast, monkeypatch):
    clock = Clock(monkeypatch, D(2026, 3, 1))
    old = file(client, world, key).json()[0]["service_request_id"]
    clock.day = D(2026, 7, 1)
    arrears = file(client, world, key, service_code=Category.ARREARS).json()[0]["service_request_id"]
    conduct = file(client, world, key).json()[0]["service_request_id"]
    services.complaint_decline(
        complaint=Complaint.objects.get(tracking_code=conduct),
        reason=DeclineReason.OTHER,
        explanation="不属于本平台的受理范围，请向有关部门反映。",
        actor=cast["intake"],
    )

    def ids(query=""):
        response = client.get(f"{V2}/requests.json?api_key={key}{query}")
        assert response.status_code == 200, response.content
        no_identity(response)
        return [item["service_request_id"] for item in response.json()]

    assert ids() == [conduct, arrears]  # the most recent 90 days, newest first
    assert ids("&status=open") == [arrears]
    assert ids("&status=closed") == [conduct]
    assert ids("&status=open,closed") == [conduct, arrears]
    assert ids(f"&service_code={Category.ARREARS}") == [arrears]
    assert ids("&start_date=2026-02-01T00:00:00Z&end_date=2026-04-01T00:00:00Z") == [old]
    assert ids("&start_date=2026-02-20T00:00:00%2B08:00") == [old]
    assert ids(f"&service_request_id={old},{conduct}&status=open") == [conduct, old]
    span = client.get(f"{V2}/requests.json?api_key={key}&start_date=2026-01-01T00:00:00Z&end_date=2026-07-01T00:00:00Z")
    assert span.status_code == 400 and span.json()[0]["description"] == "start_date 与 end_date 的间隔不得超过 90 天。"
    assert client.get(f"{V2}/requests.json?api_key={key}&start_date=yesterday").status_code == 400
    assert client.get(f"{V2}/requests.json?api_key={key}&status=pending").status_code == 400
    root = xml_of(client.get(f"{V2}/requests.xml?api_key={key}"))
    assert [e.text for e in root.findall("request/service_request_id")] == [conduct, arrears]
    assert Complaint.objects.get(tracking_code=conduct).status == Status.DECLINED


def test_the_list_takes_a_fixed_number_of_queries(client, world, key):
    for _ in range(3):
        file(client, world, key)
    url = f"{V2}/requests.json?api_key={key}"
    client.get(url)  # the key's last use is touched once
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).json()) == 3
    for _ in range(3):
        file(client, world, key)
    with CaptureQueriesContext(connection) as more:
        assert len(client.get(url).json()) == 6
    assert len(more) == len(few) <= 3


def test_an_open311_client_against_the_live_server(live_server, world, key):
    """What a 311 client does: discovery, services, the definition, POST a request, GET it back."""
    discovery = requests.get(f"{live_server.url}/open311/discovery.json", timeout=10).json()
    endpoint = discovery["endpoints"][0]["url"]
    assert endpoint == f"{live_server.url}/open311/v2"
    service_list = requests.get(f"{endpoint}/services.json", timeout=10).json()
    code = service_list[0]["service_code"]
    definition = requests.get(f"{endpoint}/services/{code}.json", timeout=10).json()
    organization = next(a for a in definition["attributes"] if a["code"] == "organization")
    chosen = next(v for v in organization["values"] if v["name"] == world.department.name)
    posted = requests.post(
        f"{endpoint}/requests.json",
        data={
            "api_key": key,
            "service_code": code,
            "address_string": "市民中心三楼",
            "description": FACTS,
            "email": IDENTITY[2],
            "first_name": "张三",
            "attribute[organization]": chosen["key"],
        },
        timeout=10,
    )
    assert posted.status_code == 200, posted.text
    request_id = posted.json()[0]["service_request_id"]
    followed = requests.get(f"{endpoint}/requests/{request_id}.xml", params={"api_key": key}, timeout=10)
    assert followed.headers["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(followed.content)  # noqa: S314 - our own answer
    assert root.find("request/service_request_id").text == request_id
    assert root.find("request/status").text == "open"
    assert IDENTITY[2] not in followed.text and "张三" not in followed.text
    assert json.loads(requests.get(f"{endpoint}/services.json", timeout=10).content) == service_list


def test_bad_input_is_an_error_list_never_a_500(client, world, key):
    for query in (
        "&start_date=2026-02-30T00:00:00Z",
        "&end_date=2026-13-01",
        "&start_date=2026-07-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
        "&jurisdiction_id=%00",
    ):
        response = client.get(f"{V2}/requests.xml?api_key={key}{query}")
        assert response.status_code in (400, 404), query
        assert xml_of(response).tag == "errors"
    assert client.get(f"{V2}/requests.json?api_key={key}&service_code=%00,x&service_request_id=").json() == []
    assert client.get(f"{V2}/requests/%00.xml?api_key={key}").status_code == 404
    assert client.get(f"{V2}/tokens/HZ%0012.xml?api_key={key}").status_code == 404
    response = file(
        client,
        world,
        key,
        lat="NaN",
        long="Infinity",
        **{"attribute[organization]": "\x00x", "attribute[happened_on]": "2026-02-30T00:00:00"},
    )
    assert response.status_code == 400
    descriptions = " ".join(error["description"] for error in response.json())
    for parameter in ("lat:", "long:", "attribute[organization]:", "attribute[happened_on]:"):
        assert parameter in descriptions
    huge = client.post(f"{V2}/requests.json", {"api_key": key, "description": "x" * 3_000_000})
    assert huge.status_code == 413 and huge.json()[0]["code"] == 413
    assert not Complaint.objects.exists()


def test_a_flood_of_requests_from_one_key_is_refused(client, world, key, settings):
    settings.RATE_LIMITS = {"open311_file": "2/h"}
    assert [file(client, world, key).status_code for _ in range(2)] == [200, 200]
    refused = file(client, world, key)
    assert refused.status_code == 429 and refused.json()[0]["code"] == 429
    assert int(refused["Retry-After"]) >= 1
    assert Complaint.objects.count() == 2
