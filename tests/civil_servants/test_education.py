"""Integrity education: courses and completions with their field errors, the versioned handbook and its
public view, yearly completion rates counted by hand, and who may reach each page."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from civil_servants.models import Completion, Course, HandbookPage, HandbookVersion
from civil_servants.selectors.education import completion_rates, courses_due
from civil_servants.services import education as services
from core.models import AuditEvent
from organizations.choices import Role
from tests.factories import CivilServantFactory, make_organization, user_with_role
from tests.permissions import request_as

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def officer(world):
    return user_with_role(Role.PERSONNEL_OFFICER, world.district)


@pytest.fixture
def other_officer(world):
    return user_with_role(Role.PERSONNEL_OFFICER, world.other_district)


@pytest.fixture
def city_officer(world):
    return user_with_role(Role.PERSONNEL_OFFICER, world.city)


def course_data(organization, **changes):
    return {
        "title": "廉洁从政专题",
        "hours": "4",
        "provider": "干部学习新干线",
        "mandatory": True,
        "year": YEAR,
        "audience": "all",
        "organization": organization,
        **changes,
    }


def make_course(organization, actor=None, **changes):
    return services.course_create(data=course_data(organization, **changes), actor=actor)


# --- courses ------------------------------------------------------------------------------------------


def test_a_personnel_officer_adds_and_edits_a_course_of_their_subtree(world, officer):
    course = make_course(world.district, officer)
    assert (course.hours, course.mandatory, course.year) == (Decimal("4.0"), True, YEAR)
    assert AuditEvent.objects.filter(action="civil_servants.course.create", target_id=str(course.pk)).exists()
    services.course_update(course=course, data={"hours": "6", "title": "廉洁从政专题（修订）"}, actor=officer)
    course.refresh_from_db()
    assert (course.hours, course.title) == (Decimal("6.0"), "廉洁从政专题（修订）")
    event = AuditEvent.objects.get(action="civil_servants.course.update")
    assert event.before["hours"] == "4.0" and event.after["hours"] == "6.0"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"hours": "0"}, "hours"),
        ({"hours": "两小时"}, "hours"),
        ({"hours": "1.25"}, "hours"),
        ({"provider": " "}, "provider"),
        ({"year": "明年"}, "year"),
        ({"year": 1999}, "year"),
        ({"audience": "everyone"}, "audience"),
        ({"organization": None}, "organization"),
    ],
)
def test_bad_course_input_is_a_field_error(world, officer, changes, field):
    with pytest.raises(ValidationError) as caught:
        services.course_create(data={**course_data(world.district), **changes}, actor=officer)
    assert field in caught.value.message_dict
    assert not Course.objects.exists()


def test_another_districts_officer_may_not_keep_the_course(world, officer, other_officer):
    with pytest.raises(ValidationError) as caught:
        make_course(world.district, other_officer)
    assert "organization" in caught.value.message_dict
    course = make_course(world.district, officer)
    with pytest.raises(ValidationError):
        services.course_update(course=course, data={"hours": "2"}, actor=other_officer)
    with pytest.raises(ValidationError):  # nor move one's own course to another district
        services.course_update(course=course, data={"organization": world.other_district}, actor=officer)


# --- completions -------------------------------------------------------------------------------------


def test_a_completion_takes_the_courses_hours_by_default(world, officer):
    course = make_course(world.city)
    servant = CivilServantFactory(organization=world.department)
    completion = services.completion_record(civil_servant=servant, course=course, completed_on=TODAY, actor=officer)
    assert completion.hours == Decimal("4.0") and completion.source == "form"
    assert AuditEvent.objects.filter(action="civil_servants.completion.record").exists()
    other = CivilServantFactory(organization=world.department)
    partial = services.completion_record(
        civil_servant=other, course=course, completed_on=TODAY, hours="1.5", actor=officer
    )
    assert partial.hours == Decimal("1.5")


def test_bad_completions_are_field_errors(world, officer):
    course = make_course(world.city, year=YEAR)
    servant = CivilServantFactory(organization=world.department)
    cases = [
        ({"completed_on": TODAY + datetime.timedelta(days=1)}, "completed_on"),
        ({"completed_on": D(YEAR - 1, 12, 31)}, "completed_on"),
        ({"completed_on": None}, "completed_on"),
        ({"hours": "0.2"}, "hours"),
        ({"hours": "9"}, "hours"),  # more than the course's 4
        ({"course": None}, "course"),
    ]
    for changes, field in cases:
        arguments = {"civil_servant": servant, "course": course, "completed_on": TODAY, **changes}
        with pytest.raises(ValidationError) as caught:
            services.completion_record(**arguments, actor=officer)
        assert field in caught.value.message_dict, (changes, caught.value)
    services.completion_record(civil_servant=servant, course=course, completed_on=TODAY, actor=officer)
    with pytest.raises(ValidationError) as caught:  # once per servant and course
        services.completion_record(civil_servant=servant, course=course, completed_on=TODAY, actor=officer)
    assert "course" in caught.value.message_dict
    # A district's course is not for another district's servants.
    theirs = make_course(world.other_district, title="乙区专题")
    with pytest.raises(ValidationError) as caught:
        services.completion_record(civil_servant=servant, course=theirs, completed_on=TODAY, actor=officer)
    assert "course" in caught.value.message_dict
    assert Completion.objects.count() == 1


def test_a_servant_outside_the_officers_scope_is_refused(world, other_officer):
    course = make_course(world.city)
    servant = CivilServantFactory(organization=world.department)
    with pytest.raises(PermissionDenied):
        services.completion_record(civil_servant=servant, course=course, completed_on=TODAY, actor=other_officer)
    assert not Completion.objects.exists()


# --- the handbook --------------------------------------------------------------------------------------


def page_data(**changes):
    return {
        "title": "什么是政务诚信",
        "slug": "what-is-integrity",
        "body": "政务诚信是社会信用体系建设的关键。",
        **changes,
    }


def test_each_edit_is_a_new_version_and_the_old_ones_stay(city_officer):
    page = services.handbook_page_create(data=page_data(), actor=city_officer)
    assert list(page.versions.values_list("number", flat=True)) == [1]
    second = services.handbook_page_edit(
        page=page,
        data={
            "title": "什么是政务诚信",
            "body": "政务诚信是社会信用体系建设的关键，是政府公信力的基础。",
            "note": "补充",
        },
        actor=city_officer,
    )
    third = services.handbook_page_edit(
        page=page, data={"title": "政务诚信概述", "body": second.body, "note": "改标题"}, actor=city_officer
    )
    assert (second.number, third.number) == (2, 3)
    versions = list(HandbookVersion.objects.filter(page=page).order_by("number"))
    assert [v.title for v in versions] == ["什么是政务诚信", "什么是政务诚信", "政务诚信概述"]
    assert versions[0].body == "政务诚信是社会信用体系建设的关键。" and versions[2].note == "改标题"
    assert AuditEvent.objects.filter(action="civil_servants.handbook_page.edit").count() == 2


def test_bad_handbook_input_is_a_field_error(city_officer, officer):
    page = services.handbook_page_create(data=page_data(), actor=city_officer)
    for data, field in [
        (page_data(slug="what-is-integrity"), "slug"),  # taken
        (page_data(slug="Not A Slug!"), "slug"),
        (page_data(title="", slug="x-1"), "title"),
        (page_data(body="短", slug="x-2"), "body"),
    ]:
        with pytest.raises(ValidationError) as caught:
            services.handbook_page_create(data=data, actor=city_officer)
        assert field in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:  # an edit says what changed
        services.handbook_page_edit(
            page=page, data={**page_data(body="新的正文内容，足够长。"), "note": ""}, actor=city_officer
        )
    assert "note" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:  # and changes something
        services.handbook_page_edit(page=page, data={**page_data(), "note": "无变化"}, actor=city_officer)
    assert "body" in caught.value.message_dict
    with pytest.raises(PermissionDenied):  # the handbook is the city's
        services.handbook_page_edit(
            page=page, data={**page_data(body="区里改的正文内容。"), "note": "改"}, actor=officer
        )
    assert page.versions.count() == 1


def test_the_public_reads_the_latest_version_of_published_pages_only(client, city_officer):
    page = services.handbook_page_create(data=page_data(), actor=city_officer)
    draft = services.handbook_page_create(
        data=page_data(slug="draft-page", title="未发布的页面", body="尚未发布的内容草稿。"), actor=city_officer
    )
    url = reverse("civil_servants:handbook_page", args=[page.slug])
    assert client.get(url).status_code == 404  # not yet published
    services.handbook_page_publish(page=page, actor=city_officer)
    services.handbook_page_edit(
        page=page, data={"title": "政务诚信概述", "body": "第二版的正文内容。", "note": "改写"}, actor=city_officer
    )
    response = client.get(url)
    text = response.content.decode()
    assert response.status_code == 200
    assert "第二版的正文内容。" in text and "政务诚信是社会信用体系建设的关键。" not in text
    assert reverse("civil_servants:handbook_version", args=[page.slug, 1]) in text  # the history lists v1
    old = client.get(reverse("civil_servants:handbook_version", args=[page.slug, 1])).content.decode()
    assert "政务诚信是社会信用体系建设的关键。" in old
    index = client.get(reverse("civil_servants:handbook_index")).content.decode()
    assert "政务诚信概述" in index and "未发布的页面" not in index
    assert client.get(reverse("civil_servants:handbook_page", args=[draft.slug])).status_code == 404
    assert client.get(reverse("civil_servants:handbook_version", args=[page.slug, 9])).status_code == 404
    services.handbook_page_publish(page=page, actor=city_officer, published=False)
    assert client.get(url).status_code == 404
    with pytest.raises(ValidationError):
        services.handbook_page_publish(page=page, actor=city_officer, published=False)


def test_the_staff_editor_saves_a_new_version(client, city_officer, officer):
    page = services.handbook_page_create(data=page_data(), actor=city_officer)
    url = reverse("civil_servants:handbook_staff_page", args=[page.pk])
    assert request_as(client, None, "get", url).status_code == 302
    assert request_as(client, officer, "get", url).status_code == 403  # a district officer: not the city's
    response = request_as(
        client, city_officer, "post", url, {"title": "政务诚信概述", "body": "第二版的正文内容。", "note": "改写"}
    )
    assert response.status_code == 302
    assert page.versions.count() == 2
    response = client.get(url + "?version=1")
    assert response.status_code == 200 and "政务诚信是社会信用体系建设的关键。" in response.content.decode()
    response = client.post(url, {"title": "政务诚信概述", "body": "第二版的正文内容。", "note": ""})
    assert response.status_code == 200 and page.versions.count() == 2  # the form shows the error
    response = client.post(reverse("civil_servants:handbook_staff_publish", args=[page.pk]), {"published": "1"})
    assert response.status_code == 302
    assert HandbookPage.objects.get(pk=page.pk).is_published
    listing = client.get(reverse("civil_servants:handbook_staff_list"))
    assert listing.status_code == 200 and "政务诚信概述" in listing.content.decode()
    create = reverse("civil_servants:handbook_staff_create")
    assert client.get(create).status_code == 200
    response = client.post(
        create, {"title": "承诺践诺", "slug": "pledges", "position": "2", "body": "公开承诺，接受监督。"}
    )
    assert response.status_code == 302 and HandbookPage.objects.get(slug="pledges").versions.count() == 1
    response = client.post(create, {"title": "承诺践诺", "slug": "pledges", "body": "公开承诺，接受监督。"})
    assert response.status_code == 200  # the address is taken: a field error on the form
    assert request_as(client, officer, "get", create).status_code == 403


# --- completion rates ------------------------------------------------------------------------------------


def test_completion_rates_counted_by_hand(world, officer):
    """City: two mandatory courses for all; district: one more (3 due in the district and below);
    a leaders' course, an optional one and last year's are not counted."""
    city_a = make_course(world.city, title="城市必修一")
    city_b = make_course(world.city, title="城市必修二")
    district_c = make_course(world.district, title="甲区必修")
    make_course(world.city, title="选修", mandatory=False)
    make_course(world.city, title="领导干部专题", audience="leaders")
    last_year = make_course(world.city, title="去年必修", year=YEAR - 1)
    in_department = [CivilServantFactory(organization=world.department) for _ in range(4)]
    in_district = [CivilServantFactory(organization=world.district) for _ in range(2)]
    CivilServantFactory(organization=world.department, is_active=False)  # left: not counted
    in_other = [CivilServantFactory(organization=world.other_department) for _ in range(2)]

    def done(servant, *courses):
        for course in courses:
            Completion.objects.create(
                civil_servant=servant, course=course, completed_on=TODAY, hours=course.hours, recorded_by_label="t"
            )

    done(in_department[0], city_a, city_b, district_c)  # complete
    done(in_department[1], city_a, city_b, district_c)  # complete
    done(in_department[2], city_a, city_b)  # misses the district's
    done(in_department[3], city_a, city_b, last_year)  # last year's does not stand in
    done(in_district[0], city_a, city_b, district_c)  # complete
    done(in_other[0], city_a, city_b)  # complete: only the city's two are due in 乙区
    done(in_other[1], city_a)

    with CaptureQueriesContext(connection) as queries:
        rows = completion_rates(year=YEAR, root=world.city)
    assert len(queries) == 2
    by_org = {row.organization_id: row for row in rows}
    department, district = by_org[world.department.pk], by_org[world.district.pk]
    assert (department.active, department.due, department.completed) == (4, 4, 2)
    assert department.percent == 50.0
    assert (district.completed, district.due) == (1, 2)
    assert (district.subtree_completed, district.subtree_due) == (3, 6) and district.subtree_percent == 50.0
    other = by_org[world.other_department.pk]
    assert (other.completed, other.due) == (1, 2)
    city = by_org[world.city.pk]
    assert (city.active, city.due, city.rate) == (0, 0, None)
    assert (city.subtree_completed, city.subtree_due) == (4, 8) and city.subtree_percent == 50.0
    assert completion_rates(year=YEAR - 1, root=world.city)[0].subtree_completed == 1  # in_department[3]
    # The district alone, and a year with nothing due.
    assert completion_rates(year=YEAR, root=world.district)[0].subtree_due == 6
    assert completion_rates(year=YEAR - 5, root=world.city)[0].subtree_rate is None


def test_courses_for_leaders_and_new_entrants_are_due_only_to_them(world):
    """A leaders' course is due to those holding a leading post; a new entrants' course to those who
    entered the service this year or last; both on top of the courses for all."""
    for_all = make_course(world.city, title="全员必修")
    for_leaders = make_course(world.city, title="领导干部专题", audience="leaders")
    for_new = make_course(world.city, title="新录用人员专题", audience="new_entrants")
    leader = CivilServantFactory(organization=world.department, is_leading_cadre=True)
    newcomer = CivilServantFactory(organization=world.department, entered_service_on=D(YEAR - 1, 1, 1))
    veteran = CivilServantFactory(organization=world.department, entered_service_on=D(YEAR - 2, 12, 31))

    def done(servant, *courses):
        for course in courses:
            Completion.objects.create(
                civil_servant=servant, course=course, completed_on=TODAY, hours=course.hours, recorded_by_label="t"
            )

    done(leader, for_all, for_new)  # the new entrants' course does not stand in for the leaders'
    done(newcomer, for_all, for_new)  # complete
    done(veteran, for_all)  # complete: only the course for all is due

    assert [due.course.title for due in courses_due(leader, year=YEAR)] == ["全员必修", "领导干部专题"]
    assert [(d.course.pk, d.completed_on) for d in courses_due(newcomer, year=YEAR)] == [
        (for_all.pk, TODAY),
        (for_new.pk, TODAY),
    ]
    assert [due.course.pk for due in courses_due(veteran, year=YEAR)] == [for_all.pk]
    department = {row.organization_id: row for row in completion_rates(year=YEAR, root=world.city)}[world.department.pk]
    assert (department.active, department.due, department.completed) == (3, 3, 2)
    done(leader, for_leaders)
    department = {row.organization_id: row for row in completion_rates(year=YEAR, root=world.city)}[world.department.pk]
    assert department.completed == 3


def test_rates_cost_the_same_few_queries_for_a_larger_tree(world):
    make_course(world.city)
    for _ in range(5):
        unit = make_organization(parent=world.department)
        CivilServantFactory.create_batch(3, organization=unit)
    with CaptureQueriesContext(connection) as queries:
        rows = completion_rates(year=YEAR, root=world.city)
    assert len(queries) == 2 and rows[0].subtree_due == 15 and rows[0].subtree_completed == 0


# --- who reaches the pages ------------------------------------------------------------------------------


def test_permission_matrix_of_the_staff_pages(client, world, officer, other_officer):
    course = make_course(world.district, officer)
    pages = [
        reverse("civil_servants:course_list"),
        reverse("civil_servants:course_create"),
        reverse("civil_servants:completion_create"),
        reverse("civil_servants:completion_rates"),
        reverse("civil_servants:completion_import_list"),
        reverse("civil_servants:completion_import_upload"),
    ]
    for url in pages:
        assert request_as(client, None, "get", url).status_code == 302, url
        assert request_as(client, None, "get", url)["Location"].startswith(reverse("login"))
        assert request_as(client, officer, "get", url).status_code == 200, url
        assert request_as(client, other_officer, "get", url).status_code == 200, url  # their own scope
        assert request_as(client, world.user("own_org"), "get", url).status_code == 403, url  # not personnel
    edit = reverse("civil_servants:course_edit", args=[course.pk])
    assert request_as(client, officer, "get", edit).status_code == 200
    assert request_as(client, other_officer, "get", edit).status_code == 404
    assert request_as(client, None, "get", edit).status_code == 302
    rates = reverse("civil_servants:completion_rates") + f"?organization={world.district.pk}&year={YEAR}"
    assert request_as(client, officer, "get", rates).status_code == 200
    assert request_as(client, other_officer, "get", rates).status_code == 404
    # Another district's officer does not see the course in their catalogue.
    listing = request_as(client, other_officer, "get", reverse("civil_servants:course_list")).content.decode()
    assert course.title not in listing


def test_the_completion_form_records_and_shows_field_errors(client, world, officer, other_officer):
    course = make_course(world.city)
    servant = CivilServantFactory(organization=world.department)
    url = reverse("civil_servants:completion_create")
    data = {"staff_number": servant.staff_number, "course": course.pk, "completed_on": TODAY.isoformat()}
    response = request_as(client, other_officer, "post", url, data)
    assert response.status_code == 200 and not Completion.objects.exists()  # not among those they keep
    response = request_as(client, officer, "post", url, {**data, "completed_on": D(YEAR + 1, 1, 1).isoformat()})
    assert response.status_code == 200 and not Completion.objects.exists()
    assert request_as(client, officer, "post", url, data).status_code == 302
    assert Completion.objects.get().hours == course.hours


def test_the_course_form_shows_field_errors_and_saves(client, world, officer):
    url = reverse("civil_servants:course_create")
    data = {**course_data(world.district), "organization": world.district.pk, "hours": "0.2", "is_active": "on"}
    response = request_as(client, officer, "post", url, data)
    assert response.status_code == 200 and not Course.objects.exists()
    response = request_as(client, officer, "post", url, {**data, "hours": "3"})
    assert response.status_code == 302 and Course.objects.get().hours == Decimal("3.0")
    response = request_as(
        client, officer, "post", url, {**data, "organization": world.other_district.pk, "title": "他区课程"}
    )
    assert response.status_code == 200 and Course.objects.count() == 1  # not a choice for them
