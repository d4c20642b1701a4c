"""/api/v1/commitments/: pledges as the public, external systems, staff and supervisors call them."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from commitments import services
from commitments.choices import PledgeKind
from commitments.models import Pledge, ProgressReport
from organizations import services as organization_services
from tests.api_schema import validate_response
from tests.disclosures.factories import make_penalty
from tests.files import PDF
from tests.permissions import ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR, assert_matrix, request_as

from .factories import make_pledge, pledge_data, today

pytestmark = pytest.mark.django_db
PLEDGES = "/api/v1/commitments/pledges/"
DETAIL = f"{PLEDGES}{{id}}/"
EVIDENCE = "/api/v1/commitments/pledge-evidence/"
NOTE = "已完成线上系统改造，试运行两个月。"
REASON = "上次填报有误，现予更正。"


def detail(pledge) -> str:
    return f"{PLEDGES}{pledge.pk}/"


def act(pledge, name: str) -> str:
    return f"{PLEDGES}{pledge.pk}/{name}/"


def token_for(organization, *scopes) -> str:
    _client, token = organization_services.api_client_create(
        organization=organization, name="业务系统", scopes=list(scopes), actor=None
    )
    return f"Token {token}"


def as_persona(api_client, world, persona, method, url, data=None, **extra):
    return request_as(api_client, world.user(persona), method, url, data, **extra)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def published(world, **overrides) -> Pledge:
    return make_pledge(world.department, actor=world.user(OWN_ORG), published=True, **overrides)


def draft(world, **overrides) -> Pledge:
    return make_pledge(world.department, actor=world.user(OWN_ORG), **overrides)


def pdf(name="验收报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def in_chinese(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def api_pledge(organization=None, **overrides) -> dict:
    data = pledge_data(organization, **overrides)
    payload = {}
    for name, value in data.items():
        if value is None or (name == "organization" and organization is None):
            continue
        payload[name] = (
            value.pk if hasattr(value, "pk") else value.isoformat() if hasattr(value, "isoformat") else value
        )
    return payload


# --- reading ------------------------------------------------------------------------------------------


def test_anonymous_sees_only_published_public_pledges(api_client, world):
    public = published(world)
    a_draft = draft(world, title="草稿承诺")
    internal = draft(world, title="内部目标", is_public=False)
    withdrawn = published(world, title="已撤回")
    services.pledge_withdraw(pledge=withdrawn, reason="重复录入，予以撤回。", actor=world.user(SUPERVISOR))

    assert ids(api_client.get(PLEDGES)) == [public.pk]
    for hidden in (a_draft, internal, withdrawn):
        assert api_client.get(detail(hidden)).status_code == 404
    body = api_client.get(detail(public)).json()
    assert body["shape"] == "public"
    assert body["reference"] == public.reference and body["organization"]["name"] == world.department.name
    assert not {"created_by", "is_public", "withdrawal_reason", "evaluated_by_label"} & set(body)
    validate_response(body, DETAIL, "get", 200)
    validate_response(api_client.get(PLEDGES).json(), PLEDGES, "get", 200)


def test_reading_follows_the_permission_matrix(api_client, world):
    public = published(world)
    a_draft = draft(world)
    internal = draft(world, is_public=False)
    assert_matrix(api_client, world, detail(public), {ANONYMOUS: 200, OTHER_ORG: 200, OWN_ORG: 200, SUPERVISOR: 200})
    for hidden in (a_draft, internal):
        assert_matrix(
            api_client, world, detail(hidden), {ANONYMOUS: 404, OTHER_ORG: 404, OWN_ORG: 200, SUPERVISOR: 200}
        )
    listed = {
        persona: set(ids(as_persona(api_client, world, persona, "get", PLEDGES)))
        for persona in (ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR)
    }
    assert listed == {
        ANONYMOUS: {public.pk},
        OTHER_ORG: {public.pk},
        OWN_ORG: {public.pk, a_draft.pk, internal.pk},
        SUPERVISOR: {public.pk, a_draft.pk, internal.pk},
    }


def test_the_inside_is_shown_to_the_pledging_body_and_its_supervisors_only(api_client, world):
    pledge = published(world)
    services.pledge_report_progress(pledge=pledge, progress="30", note=NOTE, files=[pdf()], actor=world.user(OWN_ORG))
    shapes = {}
    for persona in (ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR):
        body = as_persona(api_client, world, persona, "get", detail(pledge)).json()
        validate_response(body, DETAIL, "get", 200)
        shapes[persona] = body["shape"]
        step, evidence = body["timeline"][0], body["evidence"][0]
        if body["shape"] == "public":
            assert "reported_by_label" not in step and "uploaded_by_label" not in evidence
        else:
            assert step["reported_by_label"] and evidence["uploaded_by_label"]
            assert body["created_by"] and body["is_public"] is True
    assert shapes == {ANONYMOUS: "public", OTHER_ORG: "public", OWN_ORG: "internal", SUPERVISOR: "internal"}


def test_a_token_reads_its_own_organizations_drafts(api_client, world):
    a_draft = draft(world)
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "read"))
    assert a_draft.pk in ids(api_client.get(PLEDGES))
    assert api_client.get(detail(a_draft)).json()["shape"] == "internal"
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.other_department, "read"))
    assert api_client.get(detail(a_draft)).status_code == 404


def test_filters_narrow_the_list_and_never_widen_it(api_client, world):
    department = published(world)
    street = published(world, kind=PledgeKind.STREET, theme="", service_area="elderly_care", title="居家养老服务全覆盖")
    matter = published(world, kind=PledgeKind.PRACTICAL_MATTER, theme="", year=2026, title="老旧小区加装电梯")
    other = make_pledge(world.other_department, published=True, title="乙区承诺")
    a_draft = draft(world)
    assert ids(api_client.get(PLEDGES, {"kind": "street"})) == [street.pk]
    assert ids(api_client.get(PLEDGES, {"service_area": "elderly_care"})) == [street.pk]
    assert ids(api_client.get(PLEDGES, {"year": 2026})) == [matter.pk]
    assert ids(api_client.get(PLEDGES, {"theme": "better_service"})) == [other.pk, department.pk]
    assert ids(api_client.get(PLEDGES, {"organization": world.other_department.pk})) == [other.pk]
    assert ids(api_client.get(PLEDGES, {"q": "电梯"})) == [matter.pk]
    assert ids(api_client.get(PLEDGES, {"fulfilment": "in_progress", "kind": "department"})) == [
        other.pk,
        department.pk,
    ]
    assert ids(api_client.get(PLEDGES, {"status": "draft"})) == []  # the public asks for drafts, sees none
    api_client.force_login(world.user(OWN_ORG))
    assert ids(api_client.get(PLEDGES, {"status": "draft"})) == [a_draft.pk]


@pytest.mark.parametrize(
    "query",
    [
        {"organization": "x"},
        {"organization": "0"},
        {"organization": str(2**63)},
        {"parent": "-1"},
        {"year": "1.5"},
        {"year": "99999"},
        {"due_after": "yesterday"},
        {"due_before": "2026-02-30"},
        {"kind": "promise"},
        {"q": "长" * 101},
        {"cursor": "not-a-cursor"},
        {"page_size": "x"},
    ],
)
def test_bad_queries_are_field_errors_never_a_server_error(api_client, world, query):
    published(world)
    response = api_client.get(PLEDGES, query)
    if response.status_code == 200:  # a page size that is not a number falls back to the default
        assert set(query) == {"page_size"}
        return
    assert response.status_code == 400, (query, response.content)
    validate_response(response.json(), PLEDGES, "get", 400)


def test_cursor_pages_walk_the_list_newest_first(api_client, world):
    made = [published(world, title=f"承诺{n}") for n in range(5)]
    first = api_client.get(PLEDGES, {"page_size": 2}).json()
    assert [row["id"] for row in first["results"]] == [made[4].pk, made[3].pk]
    assert "count" not in first
    second = api_client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [made[2].pk, made[1].pk]


def test_an_id_past_the_database_range_is_404(api_client, world):
    assert api_client.get(f"{PLEDGES}{2**63}/").status_code == 404
    assert api_client.get(f"{PLEDGES}99999999999999999999999/").status_code == 404
    assert api_client.get(f"{EVIDENCE}{2**63}/").status_code == 404


# --- the detail: milestones, timeline, evidence, parts, measurement -------------------------------------


def test_progress_reported_through_the_api_joins_the_public_timeline_with_its_evidence(api_client, world):
    pledge = published(world)
    milestone = services.milestone_add(
        pledge=pledge,
        title="完成系统改造",
        due_on=pledge.starts_on + datetime.timedelta(days=60),
        actor=world.user(OWN_ORG),
    )
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    response = api_client.post(
        act(pledge, "progress"),
        {"progress": "40", "note": NOTE, "milestone": milestone.pk, "files": [pdf()]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    validate_response(response.json(), f"{DETAIL}progress/", "post", 201)
    report = ProgressReport.objects.get(pledge=pledge)
    assert response.json()["id"] == report.pk and response.json()["evidence"][0]["original_name"] == "验收报告.pdf"

    api_client.credentials()
    body = api_client.get(detail(pledge)).json()
    assert body["progress"] == "40.00"
    assert body["timeline"] == [
        {
            "id": report.pk,
            "reported_at": body["timeline"][0]["reported_at"],
            "progress_before": "0.00",
            "progress_after": "40.00",
            "note": NOTE,
            "reason": "",
            "milestone": milestone.pk,
            "source": "api",
        }
    ]
    assert body["milestones"][0]["id"] == milestone.pk and body["milestones"][0]["done_on"] == today().isoformat()
    (evidence,) = body["evidence"]
    assert evidence["size"] == len(PDF) and len(evidence["sha256"]) == 64 and evidence["report"] == report.pk
    download = api_client.get(evidence["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_evidence_of_a_pledge_the_caller_cannot_see_is_404(api_client, world):
    pledge = draft(world)
    services.pledge_report_progress(pledge=pledge, progress="10", note=NOTE, files=[pdf()], actor=world.user(OWN_ORG))
    evidence = pledge.evidence.get()
    url = f"{EVIDENCE}{evidence.pk}/"
    assert_matrix(api_client, world, url, {ANONYMOUS: 404, OTHER_ORG: 404, OWN_ORG: 200, SUPERVISOR: 200})
    assert api_client.get(f"{EVIDENCE}{evidence.pk + 1000}/").status_code == 404


def test_parts_show_their_weight_and_progress_and_the_public_sees_only_public_parts(api_client, world):
    staff = world.user(OWN_ORG)
    whole = published(world, title="营商环境十件实事")
    heavy = published(world, title="一网通办", parent=whole, weight="3")
    light = draft(world, title="容缺受理", parent=whole, weight="1")
    services.pledge_report_progress(pledge=heavy, progress="80", note=NOTE, actor=staff)
    services.pledge_report_progress(pledge=light, progress="40", note=NOTE, actor=staff)
    public = api_client.get(detail(whole)).json()
    assert public["progress"] == "70.00"  # (3 × 80 + 1 × 40) / 4
    assert [(part["id"], part["weight"], part["progress"]) for part in public["parts"]] == [(heavy.pk, "3.00", "80.00")]
    api_client.force_login(staff)
    inside = api_client.get(detail(whole)).json()
    assert [(part["id"], part["weight"], part["progress"]) for part in inside["parts"]] == [
        (heavy.pk, "3.00", "80.00"),
        (light.pk, "1.00", "40.00"),
    ]


def test_a_measured_pledge_shows_its_value_target_and_monthly_points(api_client, world):
    make_penalty(world.department, decided_on=today())
    pledge = published(
        world,
        starts_on=today() - datetime.timedelta(days=10),
        indicator="disclosures.penalty_published_within",
        indicator_parameters={"working_days": 5},
        indicator_target="95",
    )
    body = api_client.get(detail(pledge)).json()
    validate_response(body, DETAIL, "get", 200)
    measurement = body["measurement"]
    assert body["measured"] is True
    assert (measurement["value"], measurement["target"], measurement["meets_target"]) == ("100.0", "95.0", True)
    assert measurement["met"] == measurement["counted"] == 1
    assert measurement["points"] == [
        {"month": today().replace(day=1).isoformat(), "met": 1, "counted": 1, "value": "100.0"}
    ]
    assert api_client.get(detail(published(world))).json()["measurement"] is None


# --- query counts -------------------------------------------------------------------------------------


def test_the_list_costs_the_same_queries_for_two_rows_or_twenty(api_client, world, django_assert_num_queries):
    for n in range(2):
        published(world, title=f"承诺{n}")
    with django_assert_num_queries(1):
        assert len(ids(api_client.get(PLEDGES))) == 2
    for n in range(18):
        published(world, title=f"更多承诺{n}")
    with django_assert_num_queries(1):
        assert len(ids(api_client.get(PLEDGES))) == 20
    api_client.force_login(world.user(OWN_ORG))
    for n in range(3):
        draft(world, title=f"草稿{n}")
    with django_assert_num_queries(4):  # the session, the user and the user's roles; then one page
        assert len(ids(api_client.get(PLEDGES))) == 20


def test_the_detail_reads_each_relation_once_whatever_it_holds(api_client, world, django_assert_num_queries):
    staff = world.user(OWN_ORG)
    small = published(world)
    big = published(world, title="大承诺")
    for n in range(3):
        services.milestone_add(
            pledge=big, title=f"节点{n}", due_on=big.starts_on + datetime.timedelta(days=10 * (n + 1)), actor=staff
        )
        services.pledge_report_progress(
            pledge=big, progress=str(10 * (n + 1)), note=NOTE, files=[pdf(f"照片{n}.pdf")], actor=staff
        )
    for n in range(3):
        published(world, title=f"部分{n}", parent=small if n == 0 else big)
    # The pledge with its organization, then milestones, timeline, evidence and parts: one query each.
    with django_assert_num_queries(5):
        body = api_client.get(detail(small)).json()
    assert len(body["parts"]) == 1
    with django_assert_num_queries(5):
        body = api_client.get(detail(big)).json()
    assert (len(body["milestones"]), len(body["timeline"]), len(body["evidence"]), len(body["parts"])) == (3, 3, 3, 2)
