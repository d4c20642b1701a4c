"""The pledge pages: what the public sees, what staff do, who may do what, and how many queries it costs."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commitments import services
from commitments.choices import Fulfilment, PledgeKind, ServiceArea
from commitments.models import Evidence, Pledge, ProgressReport
from organizations.choices import OrganizationKind, Role
from tests.factories import make_organization, user_with_role
from tests.permissions import ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR, assert_matrix

from .factories import make_pledge, reviewer_of, staff_of, today

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def practical(organization, title, *, year=None, **overrides):
    return make_pledge(
        organization,
        published=True,
        kind=PledgeKind.PRACTICAL_MATTER,
        theme="",
        year=year or today().year,
        title=title,
        **overrides,
    )


# --- public pages ----------------------------------------------------------------------------------


def test_the_public_list_shows_published_public_pledges_only(client, world):
    shown = make_pledge(world.department, published=True, title="公开的承诺")
    make_pledge(world.department, title="草稿承诺")
    internal = make_pledge(world.department, title="内部目标", is_public=False)
    response = client.get(reverse("commitments:public_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "公开的承诺" in body and "草稿承诺" not in body and "内部目标" not in body
    assert client.get(reverse("commitments:public_detail", args=[shown.pk])).status_code == 200
    assert client.get(reverse("commitments:public_detail", args=[internal.pk])).status_code == 404


def test_the_public_list_filters_by_kind_service_area_and_organization(client, world):
    street = make_organization(parent=world.district, name="甲街道办事处", kind=OrganizationKind.STREET)
    make_pledge(
        street,
        published=True,
        kind=PledgeKind.STREET,
        theme="",
        service_area=ServiceArea.ELDERLY_CARE,
        title="居家养老服务全覆盖",
    )
    make_pledge(world.department, published=True, title="企业开办一日办结")
    body = client.get(reverse("commitments:public_list"), {"kind": "street"}).content.decode()
    assert "居家养老服务全覆盖" in body and "企业开办一日办结" not in body
    body = client.get(reverse("commitments:public_list"), {"service_area": "elderly_care"}).content.decode()
    assert "居家养老服务全覆盖" in body and "企业开办一日办结" not in body
    body = client.get(reverse("commitments:public_list"), {"organization": world.department.pk}).content.decode()
    assert "企业开办一日办结" in body and "居家养老服务全覆盖" not in body
    bad = client.get(reverse("commitments:public_list"), {"kind": "nonsense"})
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()


def test_the_public_list_costs_the_same_few_queries_for_any_number_of_rows(client, world, django_assert_num_queries):
    for number in range(30):
        make_pledge(world.department, published=True, title=f"承诺{number}")
    with django_assert_num_queries(2):  # the page, then the bodies' names by id
        response = client.get(reverse("commitments:public_list"))
    assert response.context["page"].next_after is not None
    assert len(response.context["page"].items) == 25


def test_the_board_lists_the_years_practical_matters_with_their_parts(client, world, django_assert_num_queries):
    first = practical(world.department, "新建改建公办幼儿园")
    practical(world.department, "老旧小区综合改造")
    practical(world.department, "去年的实事", year=today().year - 1)
    part = make_pledge(
        world.department,
        title="第一批幼儿园",
        kind=PledgeKind.PRACTICAL_MATTER,
        theme="",
        year=today().year,
        parent=first,
        published=True,
    )
    url = reverse("commitments:board", args=[today().year])
    with django_assert_num_queries(4):  # the bodies with a list, the items, their parts, the years
        response = client.get(url)
    body = response.content.decode()
    assert "新建改建公办幼儿园" in body and "老旧小区综合改造" in body and "去年的实事" not in body
    assert "第一批幼儿园" in body
    assert [item.pk for item in response.context["items"]] == [first.pk, first.pk + 1]
    assert part.pk not in [item.pk for item in response.context["items"]]
    assert client.get(reverse("commitments:board_current")).url == url


def test_the_board_export_is_a_workbook_with_one_row_per_item_and_part(client, world):
    first = practical(world.department, "新建改建公办幼儿园")
    make_pledge(
        world.department,
        title="第一批幼儿园",
        kind=PledgeKind.PRACTICAL_MATTER,
        theme="",
        year=today().year,
        parent=first,
        published=True,
    )
    practical(world.department, '=HYPERLINK("http://x")')
    response = client.get(reverse("commitments:board_export", args=[today().year]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4  # header, item, its part, the second item
    assert rows[1][2] == "新建改建公办幼儿园" and rows[2][8] == first.reference
    assert sheet.cell(row=4, column=3).data_type == "s"  # a formula-looking title stays text
    printed = client.get(reverse("commitments:board_print", args=[today().year])).content.decode()
    assert "新建改建公办幼儿园" in printed and "navbar" not in printed


def test_street_pledges_are_counted_by_service_area(client, world):
    street = make_organization(parent=world.district, name="甲街道办事处", kind=OrganizationKind.STREET)
    for area in (ServiceArea.PARKING, ServiceArea.PARKING, ServiceArea.HOUSING):
        make_pledge(street, published=True, kind=PledgeKind.STREET, theme="", service_area=area, title=f"{area}承诺")
    response = client.get(reverse("commitments:streets"))
    areas = {row["area"]: row for row in response.context["areas"]}
    assert len(areas) == 14
    assert areas["parking"]["total"] == 2 and areas["housing"]["total"] == 1 and areas["schooling"]["total"] == 0


def test_the_pledge_page_shows_timeline_milestones_evidence_and_the_roll_up(client, world):
    whole = make_pledge(world.department, published=True, title="整体承诺")
    first = make_pledge(world.department, published=True, title="第一部分", parent=whole, weight=Decimal(3))
    make_pledge(world.department, published=True, title="第二部分", parent=whole, weight=Decimal(1))
    services.milestone_add(pledge=first, title="完成方案", working_days=10, actor=staff_of(world.department))
    services.pledge_report_progress(
        pledge=first,
        progress=40,
        note="完成方案设计",
        files=[SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf")],
        actor=staff_of(world.department),
    )
    whole_page = client.get(reverse("commitments:public_detail", args=[whole.pk])).content.decode()
    assert "30.00 %" in whole_page  # (3 × 40 + 1 × 0) ÷ 4
    assert "3 × 40" in whole_page
    page = client.get(reverse("commitments:public_detail", args=[first.pk])).content.decode()
    assert "完成方案设计" in page and "完成方案" in page and "方案.pdf" in page
    evidence = Evidence.objects.get(pledge=first)
    download = client.get(reverse("commitments:public_evidence", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_evidence_of_a_pledge_not_on_public_view_is_not_served(client, world):
    draft = make_pledge(world.department, title="草稿")
    services.pledge_report_progress(
        pledge=draft,
        progress=10,
        note="开始实施方案",
        files=[SimpleUploadedFile("a.pdf", PDF)],
        actor=staff_of(world.department),
    )
    evidence = Evidence.objects.get(pledge=draft)
    assert client.get(reverse("commitments:public_evidence", args=[evidence.pk])).status_code == 404


# --- staff pages -----------------------------------------------------------------------------------


def test_the_workspace_lists_overdue_due_soon_and_what_to_evaluate(client, world):
    soon = make_pledge(
        world.department,
        title="即将到期",
        starts_on=today() - datetime.timedelta(days=10),
        due_on=today() + datetime.timedelta(days=5),
    )
    late = make_pledge(
        world.department,
        title="已逾期",
        starts_on=today() - datetime.timedelta(days=40),
        due_on=today() - datetime.timedelta(days=3),
    )
    Pledge.objects.filter(pk=late.pk).update(fulfilment=Fulfilment.OVERDUE)
    done = make_pledge(world.department, title="已完成")
    services.pledge_report_progress(pledge=done, progress=100, note="全部完成", actor=staff_of(world.department))
    services.pledge_settle(pledge=done, outcome=Fulfilment.FULFILLED, note="按期完成", actor=world.user(SUPERVISOR))
    client.force_login(world.user(SUPERVISOR))
    response = client.get(reverse("commitments:staff_workspace"))
    assert [p.pk for p in response.context["due_soon"]] == [soon.pk]
    assert [p.pk for p in response.context["overdue"]] == [late.pk]
    assert [p.pk for p in response.context["to_evaluate"]] == [done.pk]
    client.force_login(world.user(OTHER_ORG))
    other = client.get(reverse("commitments:staff_workspace"))
    assert other.context["mine"] == [] and other.context["to_evaluate"] == []


def test_staff_enter_a_pledge_and_report_progress_through_the_forms(client, world):
    client.force_login(world.user(OWN_ORG))
    response = client.post(
        reverse("commitments:staff_new"),
        {
            "kind": "department",
            "organization": world.department.pk,
            "theme": "duty",
            "title": "行政许可限时办结",
            "content": "所有许可事项在法定时限内办结",
            "starts_on": (today() - datetime.timedelta(days=5)).isoformat(),
            "due_on": (today() + datetime.timedelta(days=100)).isoformat(),
            "is_public": "on",
        },
    )
    pledge = Pledge.objects.get(title="行政许可限时办结")
    assert response.url == reverse("commitments:staff_detail", args=[pledge.pk])
    response = client.post(
        reverse("commitments:staff_progress", args=[pledge.pk]), {"progress": "120", "note": "超额完成任务"}
    )
    assert response.status_code == 400
    assert (
        "0 to 100" in response.content.decode()
        or "0–100" in response.content.decode()
        or "0 至 100" in response.content.decode()
    )
    assert not ProgressReport.objects.filter(pledge=pledge).exists()
    response = client.post(
        reverse("commitments:staff_progress", args=[pledge.pk]), {"progress": "35", "note": "完成一批"}
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.progress == Decimal("35.00")
    response = client.post(
        reverse("commitments:staff_progress", args=[pledge.pk]), {"progress": "20", "note": "重新统计口径"}
    )
    assert response.status_code == 400 and "reason" in response.context["forms"]["progress"].errors


def test_wrong_evidence_is_refused_with_nothing_saved(client, world):
    pledge = make_pledge(world.department, title="承诺")
    client.force_login(world.user(OWN_ORG))
    fake = SimpleUploadedFile("照片.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    response = client.post(
        reverse("commitments:staff_progress", args=[pledge.pk]), {"progress": "10", "note": "上传照片", "files": fake}
    )
    assert response.status_code == 400
    assert "照片.png" in " ".join(response.context["forms"]["progress"].errors["files"])
    assert not ProgressReport.objects.filter(pledge=pledge).exists() and not Evidence.objects.exists()
    pledge.refresh_from_db()
    assert pledge.progress == 0


def test_a_lawful_change_without_its_ground_is_refused_on_the_form(client, world):
    pledge = make_pledge(
        world.department,
        published=True,
        kind=PledgeKind.INVESTMENT_PROMISE,
        theme="",
        counterparty="某某科技有限公司",
        title="落户奖励",
    )
    client.force_login(world.user(SUPERVISOR))
    response = client.post(
        reverse("commitments:staff_change", args=[pledge.pk]), {"approved_by": "市政府", "reason": "规划调整"}
    )
    assert response.status_code == 400
    errors = response.context["forms"]["change"].errors
    assert {"ground", "document", "compensation"} <= set(errors)
    pledge.refresh_from_db()
    assert pledge.fulfilment == Fulfilment.IN_PROGRESS


def test_the_staff_pages_follow_the_permission_matrix(client, world):
    pledge = make_pledge(world.department, title="矩阵承诺")
    detail = reverse("commitments:staff_detail", args=[pledge.pk])
    assert_matrix(client, world, detail, {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 200, SUPERVISOR: 200})
    assert_matrix(
        client,
        world,
        reverse("commitments:staff_workspace"),
        {ANONYMOUS: 302, OTHER_ORG: 200, OWN_ORG: 200, SUPERVISOR: 200},
    )
    progress = reverse("commitments:staff_progress", args=[pledge.pk])
    assert_matrix(
        client,
        world,
        progress,
        {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 302, SUPERVISOR: 302},
        method="post",
        data={"progress": "10", "note": "推进项目实施"},
    )
    # Only a supervisor over the body settles or evaluates; its own staff are refused.
    settle = reverse("commitments:staff_evaluate", args=[pledge.pk])
    assert_matrix(
        client,
        world,
        settle,
        {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 403, SUPERVISOR: 302},
        method="post",
        data={"score": "90", "comment": "推进有力"},
    )
    # Publishing takes a reviewer or a supervisor, and not the one who entered it.
    publish = reverse("commitments:staff_publish", args=[pledge.pk])
    assert_matrix(
        client, world, publish, {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 403, SUPERVISOR: 302}, method="post"
    )
    pledge.refresh_from_db()
    assert pledge.status == "published"


def test_a_reviewer_publishes_and_the_public_page_follows(client, world):
    pledge = make_pledge(world.department, title="待发布")
    client.force_login(reviewer_of(world.department))
    assert client.post(reverse("commitments:staff_publish", args=[pledge.pk])).status_code == 302
    assert client.get(reverse("commitments:public_detail", args=[pledge.pk])).status_code == 200


def test_a_supervisor_over_another_district_cannot_reach_the_pledge(client, world):
    pledge = make_pledge(world.department, title="甲区承诺")
    elsewhere = user_with_role(Role.SUPERVISOR, world.other_district)
    client.force_login(elsewhere)
    assert client.get(reverse("commitments:staff_detail", args=[pledge.pk])).status_code == 404
    assert (
        client.post(
            reverse("commitments:staff_settle", args=[pledge.pk]), {"outcome": "breached", "note": "x"}
        ).status_code
        == 404
    )


def test_a_parents_milestone_is_marked_reached_on_its_page(client, world):
    whole = make_pledge(world.department, title="整体")
    make_pledge(world.department, title="部分", parent=whole)
    milestone = services.milestone_add(
        pledge=whole, title="总体方案批复", working_days=5, actor=staff_of(world.department)
    )
    client.force_login(world.user(OWN_ORG))
    url = reverse("commitments:staff_milestone_done", args=[whole.pk])
    assert client.post(url, {}).status_code == 400  # which milestone?
    assert client.post(url, {"milestone": milestone.pk, "done_on": today().isoformat()}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == today()
    again = client.post(url, {"milestone": milestone.pk})
    assert again.status_code == 400  # no longer among the open ones


def test_the_board_shows_one_bodys_list_the_citys_first_with_the_others_offered(client, world):
    practical(world.city, "市级实事一")
    practical(world.district, "区级实事一")
    practical(world.district, "区级实事二")
    url = reverse("commitments:board", args=[today().year])
    response = client.get(url)
    assert [item.title for item in response.context["items"]] == ["市级实事一"]
    assert [body["items"] for body in response.context["bodies"]] == [1, 2]
    district = client.get(url, {"organization": world.district.pk})
    assert [item.title for item in district.context["items"]] == ["区级实事一", "区级实事二"]
    assert f"?organization={world.district.pk}" in district.content.decode()  # export and print follow
    assert client.get(url, {"organization": world.other_department.pk}).status_code == 404
    export = client.get(reverse("commitments:board_export", args=[today().year]), {"organization": world.district.pk})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["区级实事一", "区级实事二"]
