"""/api/v1/commitments/ writes: each act of a pledge against the permission matrix, and field-level errors in the
caller's language."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commitments import services
from commitments.choices import Fulfilment
from commitments.models import Pledge
from core.publication import PublicationStatus
from tests.api_schema import validate_response
from tests.permissions import ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR, assert_matrix

from .factories import make_pledge, reviewer_of
from .test_api import (
    DETAIL,
    NOTE,
    PLEDGES,
    REASON,
    act,
    api_pledge,
    as_persona,
    detail,
    draft,
    in_chinese,
    published,
    token_for,
)

pytestmark = pytest.mark.django_db


# --- the permission matrix ----------------------------------------------------------------------------


def test_creating_a_pledge_follows_the_matrix(api_client, world):
    body = api_pledge(world.department)
    got = assert_matrix(
        api_client,
        world,
        PLEDGES,
        {ANONYMOUS: 401, OTHER_ORG: 400, OWN_ORG: 201, SUPERVISOR: 201},
        method="post",
        data=body,
        format="json",
    )
    assert got
    response = as_persona(api_client, world, OTHER_ORG, "post", PLEDGES, body, format="json")
    assert set(response.json()) == {"organization"}
    made = Pledge.objects.filter(organization=world.department)
    assert made.count() == 2 and set(made.values_list("status", flat=True)) == {PublicationStatus.DRAFT}


def test_a_write_token_enters_pledges_for_its_own_organization_and_a_read_token_none(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    response = api_client.post(PLEDGES, api_pledge(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    validate_response(body, PLEDGES, "post", 201)
    assert body["organization"]["id"] == world.department.pk and body["status"] == "draft"
    assert body["shape"] == "internal" and body["created_by"].startswith("api:")

    other = api_client.post(PLEDGES, api_pledge(world.other_department), format="json")
    assert other.status_code == 400 and set(other.json()) == {"organization"}

    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "read"))
    assert api_client.post(PLEDGES, api_pledge(), format="json").status_code == 403


def test_changing_a_draft_follows_the_matrix(api_client, world):
    pledge = draft(world)
    assert_matrix(
        api_client,
        world,
        detail(pledge),
        {ANONYMOUS: 401, OTHER_ORG: 404, OWN_ORG: 200, SUPERVISOR: 200},
        method="patch",
        data={"title": "企业开办半日办结"},
        format="json",
    )
    pledge.refresh_from_db()
    assert pledge.title == "企业开办半日办结"
    public = published(world)
    assert_matrix(
        api_client,
        world,
        detail(public),
        {OTHER_ORG: 403, OWN_ORG: 400},  # visible to the other body, not theirs; a published one is corrected
        method="patch",
        data={"title": "改名"},
        format="json",
    )


def test_a_draft_cannot_be_moved_to_a_body_outside_the_callers_reach(api_client, world):
    pledge = draft(world)
    response = as_persona(
        api_client, world, OWN_ORG, "patch", detail(pledge), {"organization": world.other_department.pk}, format="json"
    )
    assert response.status_code == 400 and set(response.json()) == {"organization"}
    pledge.refresh_from_db()
    assert pledge.organization_id == world.department.pk


def test_publishing_follows_the_matrix_and_keeps_four_eyes(api_client, world):
    pledge = draft(world)
    assert_matrix(
        api_client,
        world,
        act(pledge, "publish"),
        {ANONYMOUS: 401, OTHER_ORG: 404, OWN_ORG: 403, SUPERVISOR: 200},
        method="post",
        format="json",
    )
    pledge.refresh_from_db()
    assert pledge.status == PublicationStatus.PUBLISHED
    # A token that both writes and reviews may not publish what it entered itself.
    api_client.logout()
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write", "review"))
    entered = api_client.post(PLEDGES, api_pledge(), format="json").json()
    response = api_client.post(f"{PLEDGES}{entered['id']}/publish/")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "review"))
    published_by_another = api_client.post(f"{PLEDGES}{entered['id']}/publish/")
    assert published_by_another.status_code == 200 and published_by_another.json()["status"] == "published"
    api_client.credentials()
    internal = draft(world, is_public=False)
    api_client.force_login(reviewer_of(world.department))
    assert api_client.post(act(internal, "publish")).status_code == 400


def test_withdrawing_is_a_supervisors_act_with_a_reason(api_client, world):
    pledge = published(world)
    api_client.force_login(world.user(SUPERVISOR))
    response = api_client.post(act(pledge, "withdraw"), {"reason": "撤"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"reason"}
    assert_matrix(
        api_client,
        world,
        act(pledge, "withdraw"),
        {ANONYMOUS: 401, OTHER_ORG: 403, OWN_ORG: 403, SUPERVISOR: 200},
        method="post",
        data={"reason": "与另一承诺重复录入，予以撤回。"},
        format="json",
    )
    pledge.refresh_from_db()
    assert pledge.status == PublicationStatus.WITHDRAWN
    api_client.logout()
    assert api_client.get(detail(pledge)).status_code == 404  # the public no longer sees it


def test_correcting_a_published_pledge_follows_the_matrix(api_client, world):
    pledge = published(world)
    body = {"legal_basis": "《优化营商环境条例》第十九条、第二十条", "reason": "原公开的法律依据漏列第二十条。"}
    assert_matrix(
        api_client,
        world,
        act(pledge, "correct"),
        {ANONYMOUS: 401, OTHER_ORG: 403, OWN_ORG: 200},
        method="post",
        data=body,
        format="json",
    )
    pledge.refresh_from_db()
    assert (pledge.version, pledge.legal_basis) == (2, body["legal_basis"])
    api_client.force_login(world.user(SUPERVISOR))
    no_reason = api_client.post(act(pledge, "correct"), {"title": "新标题"}, format="json")
    assert no_reason.status_code == 400 and set(no_reason.json()) == {"reason"}
    again = api_client.post(act(pledge, "correct"), body, format="json")
    assert again.status_code == 400 and "non_field_errors" in again.json()  # nothing was changed
    a_draft = draft(world)
    assert api_client.post(act(a_draft, "correct"), body, format="json").status_code == 400


def test_reporting_progress_follows_the_matrix(api_client, world):
    pledge = published(world)
    assert_matrix(
        api_client,
        world,
        act(pledge, "progress"),
        {ANONYMOUS: 401, OTHER_ORG: 403, OWN_ORG: 201, SUPERVISOR: 201},
        method="post",
        data={"progress": "25", "note": NOTE},
        format="json",
    )
    assert pledge.progress_reports.count() == 2
    hidden = draft(world)
    assert_matrix(
        api_client,
        world,
        act(hidden, "progress"),
        {OTHER_ORG: 404, OWN_ORG: 201},
        method="post",
        data={"progress": "25", "note": NOTE},
        format="json",
    )


def test_adding_a_milestone_follows_the_matrix(api_client, world):
    pledge = published(world)
    due = (pledge.starts_on + datetime.timedelta(days=30)).isoformat()
    assert_matrix(
        api_client,
        world,
        act(pledge, "milestones"),
        {ANONYMOUS: 401, OTHER_ORG: 403, OWN_ORG: 201, SUPERVISOR: 201},
        method="post",
        data={"title": "材料清单公布", "due_on": due},
        format="json",
    )
    api_client.force_login(world.user(OWN_ORG))
    counted = api_client.post(act(pledge, "milestones"), {"title": "二十个工作日", "working_days": 20}, format="json")
    assert counted.status_code == 201, counted.content
    validate_response(counted.json(), f"{DETAIL}milestones/", "post", 201)
    assert counted.json()["working_days"] == 20 and counted.json()["due_on"] > pledge.starts_on.isoformat()


def test_settling_is_a_supervisors_act_and_a_breach_proposes_a_record(api_client, world):
    pledge = published(world)
    assert_matrix(
        api_client,
        world,
        act(pledge, "settle"),
        {ANONYMOUS: 401, OTHER_ORG: 403, OWN_ORG: 403, SUPERVISOR: 200},
        method="post",
        data={"outcome": "partly_fulfilled", "note": "完成大部分事项，个别事项顺延。"},
        format="json",
    )
    pledge.refresh_from_db()
    assert pledge.fulfilment == Fulfilment.PARTLY_FULFILLED
    broken = published(world, title="奖励资金按期兑付")
    api_client.force_login(world.user(SUPERVISOR))
    response = api_client.post(
        act(broken, "settle"), {"outcome": "breached", "note": "承诺的奖励资金逾期十二个月未兑付。"}, format="json"
    )
    assert response.status_code == 200, response.content
    validate_response(response.json(), f"{DETAIL}settle/", "post", 200)
    assert response.json()["pledge"]["fulfilment"] == "breached"
    assert response.json()["dishonesty_record"]["id"]
    done = published(world, title="未完成")
    early = api_client.post(act(done, "settle"), {"outcome": "fulfilled", "note": "已经兑现。"}, format="json")
    assert early.status_code == 400 and set(early.json()) == {"outcome"}


def test_a_lawful_change_is_a_supervisors_act_with_its_ground_and_approval(api_client, world):
    pledge = published(world)
    body = {
        "ground": "public_interest",
        "approved_by": "杭州市人民政府",
        "document": "杭政函〔2026〕45号",
        "reason": "项目地块调整为公共绿地，原承诺依法变更。",
    }
    api_client.force_login(world.user(SUPERVISOR))
    missing = api_client.post(act(pledge, "change-lawfully"), {**body, "document": ""}, format="json")
    assert missing.status_code == 400 and set(missing.json()) == {"document"}
    assert_matrix(
        api_client,
        world,
        act(pledge, "change-lawfully"),
        {ANONYMOUS: 401, OTHER_ORG: 403, OWN_ORG: 403, SUPERVISOR: 200},
        method="post",
        data=body,
        format="json",
    )
    pledge.refresh_from_db()
    assert pledge.fulfilment == Fulfilment.CHANGED_LAWFULLY
    public = api_client.get(detail(pledge)).json()
    assert public["change_ground"] == "public_interest" and public["change_document"] == body["document"]


def test_evaluating_is_a_supervisors_act(api_client, world):
    pledge = published(world)
    assert_matrix(
        api_client,
        world,
        act(pledge, "evaluate"),
        {ANONYMOUS: 401, OTHER_ORG: 403, OWN_ORG: 403, SUPERVISOR: 200},
        method="post",
        data={"score": 92, "comment": "按期推进，群众满意度高。"},
        format="json",
    )
    pledge.refresh_from_db()
    assert pledge.evaluation_score == 92
    api_client.force_login(world.user(SUPERVISOR))
    bad = api_client.post(act(pledge, "evaluate"), {"score": 101, "comment": ""}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"score"}
    unexplained = api_client.post(act(pledge, "evaluate"), {"score": 60, "comment": ""}, format="json")
    assert unexplained.status_code == 400 and set(unexplained.json()) == {"comment"}


# --- writing: field-level errors in the caller's language -----------------------------------------------


def test_progress_above_a_hundred_is_a_field_error_in_chinese_by_default(api_client, world):
    pledge = published(world)
    api_client.force_login(world.user(OWN_ORG))
    response = api_client.post(act(pledge, "progress"), {"progress": "150", "note": NOTE}, format="json")
    assert response.status_code == 400
    assert response.json() == {"progress": [in_chinese("Progress is a share from 0 to 100 %.")]}
    validate_response(response.json(), f"{DETAIL}progress/", "post", 400)
    english = api_client.post(
        f"{act(pledge, 'progress')}?language=en", {"progress": "150", "note": NOTE}, format="json"
    )
    assert english.json() == {"progress": ["Progress is a share from 0 to 100 %."]}


def test_going_backwards_needs_the_reason(api_client, world):
    pledge = published(world)
    services.pledge_report_progress(pledge=pledge, progress="60", note=NOTE, actor=world.user(OWN_ORG))
    api_client.force_login(world.user(OWN_ORG))
    response = api_client.post(
        f"{act(pledge, 'progress')}?language=en", {"progress": "40", "note": "复核后调整进度。"}, format="json"
    )
    assert response.status_code == 400 and response.json() == {"reason": ["Progress goes down: say why."]}
    fixed = api_client.post(
        act(pledge, "progress"), {"progress": "40", "note": "复核后调整进度。", "reason": REASON}, format="json"
    )
    assert fixed.status_code == 201 and fixed.json()["reason"] == REASON
    assert api_client.get(detail(pledge)).json()["timeline"][-1]["reason"] == REASON


def test_a_milestone_due_before_the_pledge_starts_is_a_field_error(api_client, world):
    pledge = published(world)
    api_client.force_login(world.user(OWN_ORG))
    early = (pledge.starts_on - datetime.timedelta(days=1)).isoformat()
    response = api_client.post(
        f"{act(pledge, 'milestones')}?language=en", {"title": "提前", "due_on": early}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"due_on": ["A milestone cannot fall due before the pledge starts."]}
    neither = api_client.post(act(pledge, "milestones"), {"title": "无期限"}, format="json")
    assert neither.status_code == 400 and set(neither.json()) == {"due_on"}


def test_a_milestone_of_another_pledge_and_a_bad_file_are_field_errors(api_client, world):
    pledge = published(world)
    other = published(world, title="另一承诺")
    foreign = services.milestone_add(
        pledge=other, title="节点", due_on=other.starts_on + datetime.timedelta(days=5), actor=world.user(OWN_ORG)
    )
    api_client.force_login(world.user(OWN_ORG))
    response = api_client.post(
        act(pledge, "progress"), {"progress": "10", "note": NOTE, "milestone": foreign.pk}, format="json"
    )
    assert response.status_code == 400 and set(response.json()) == {"milestone"}
    fake = SimpleUploadedFile("报告.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = api_client.post(
        act(pledge, "progress"), {"progress": "10", "note": NOTE, "files": [fake]}, format="multipart"
    )
    assert response.status_code == 400 and set(response.json()) == {"files"}
    assert not pledge.progress_reports.exists()


def test_a_bad_pledge_gets_every_field_error_at_once(api_client, world):
    api_client.force_login(world.user(OWN_ORG))
    response = api_client.post(
        f"{PLEDGES}?language=en",
        {"kind": "department", "title": "", "content": "短", "starts_on": "2026-05-01", "due_on": "2026-04-01"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"theme", "title", "content", "due_on"}
    assert response.json()["due_on"] == ["A pledge cannot fall due before it starts."]
    absurd = api_client.post(PLEDGES, api_pledge(starts_on=datetime.date(1, 1, 1)), format="json")
    assert absurd.status_code == 400 and "starts_on" in absurd.json()
    long_title = api_client.post(PLEDGES, api_pledge(title="长" * 201), format="json")
    assert long_title.status_code == 400 and set(long_title.json()) == {"title"}
    not_an_object = api_client.post(PLEDGES, ["kind"], format="json")
    assert not_an_object.status_code == 400 and "non_field_errors" in not_an_object.json()
    validate_response(not_an_object.json(), PLEDGES, "post", 400)


def test_a_part_can_hang_only_under_a_visible_pledge_of_the_same_body(api_client, world):
    other_draft = make_pledge(world.other_department)
    api_client.force_login(world.user(OWN_ORG))
    hidden = api_client.post(PLEDGES, api_pledge(parent=other_draft), format="json")
    assert hidden.status_code == 400 and set(hidden.json()) == {"parent"}
    whole = published(world)
    part = api_client.post(PLEDGES, api_pledge(parent=whole, weight="2"), format="json")
    assert part.status_code == 201, part.content
    assert part.json()["parent"] == whole.pk and part.json()["weight"] == "2.00"
    assert [row["id"] for row in api_client.get(detail(whole)).json()["parts"]] == [part.json()["id"]]
