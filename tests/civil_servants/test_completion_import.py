"""Course completions from CSV and XLSX: dry run, confirmation, all or nothing, unknown people and courses
named by row, scope, and the import pages."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from civil_servants import importing, tasks
from civil_servants.models import Completion, CompletionImport
from civil_servants.services import education as services
from core.imports import ImportStatus
from core.models import AuditEvent
from organizations.choices import Role
from tests.factories import CivilServantFactory, user_with_role
from tests.permissions import request_as

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year
HEADER = ["工号", "课程", "年度", "完成日期", "学时"]


def csv_bytes(rows, *, header=HEADER, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    for line in [header, *rows]:
        workbook.active.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def officer(world):
    return user_with_role(Role.PERSONNEL_OFFICER, world.district)


@pytest.fixture
def other_officer(world):
    return user_with_role(Role.PERSONNEL_OFFICER, world.other_district)


@pytest.fixture
def courses(world):
    def course(title, year=YEAR, hours="4", organization=None):
        return services.course_create(
            data={
                "title": title,
                "hours": hours,
                "provider": "干部学习新干线",
                "mandatory": True,
                "year": year,
                "organization": organization or world.city,
            },
            actor=None,
        )

    return course("廉洁从政专题"), course("廉洁从政专题", year=YEAR - 1), course("诚信政府建设", hours="2")


@pytest.fixture
def servants(world):
    return [
        CivilServantFactory(organization=world.department, staff_number="JA0001"),
        CivilServantFactory(organization=world.district, staff_number="JA0002"),
    ]


def make_job(world, officer, content: bytes, *, name="学习记录.csv", organization=None) -> CompletionImport:
    return importing.job_create(
        organization=organization or world.district,
        upload=SimpleUploadedFile(name, content),
        actor=officer,
        language="zh-hans",
    )


def check(job) -> CompletionImport:
    tasks.check_completion_import(job.pk)
    job.refresh_from_db()
    return job


def confirm_and_run(job) -> CompletionImport:
    assert importing.job_confirm(job=job, actor=job.created_by), importing.confirmation_refusal(job)
    tasks.run_completion_import(job.pk)
    job.refresh_from_db()
    return job


def errors_of(job):
    return [e for e in job.errors if e["level"] == "error"]


def in_chinese(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def test_the_check_saves_nothing_and_the_confirmed_import_saves_every_row(world, officer, courses, servants):
    current, _last_year, other = courses
    day = TODAY.isoformat()
    rows = [
        ["JA0001", "廉洁从政专题", str(YEAR), day, ""],
        ["JA0001", "诚信政府建设", "", day, "1.5"],
        ["JA0002", "廉洁从政专题", str(YEAR), day, "4"],
    ]
    job = check(make_job(world, officer, csv_bytes(rows)))
    assert job.status == ImportStatus.PREVIEWED, (job.message, job.errors)
    assert (job.total_rows, job.valid_rows, job.error_rows) == (3, 3, 0)
    assert not Completion.objects.exists()
    job = confirm_and_run(job)
    assert job.status == ImportStatus.DONE and job.saved_count == 3
    saved = {(c.civil_servant.staff_number, c.course_id): c for c in Completion.objects.select_related("civil_servant")}
    assert saved[("JA0001", current.pk)].hours == Decimal("4.0")  # the course's hours by default
    assert saved[("JA0001", other.pk)].hours == Decimal("1.5")
    assert {c.source for c in saved.values()} == {"import"}
    event = AuditEvent.objects.filter(action="civil_servants.completion.record").first()
    assert event.actor == officer and event.request_id == f"completion-import-{job.pk}"


def test_xlsx_with_dates_and_numbers(world, officer, courses, servants):
    content = xlsx_bytes([["JA0001", "诚信政府建设", YEAR, TODAY, 2]], header=[f"{h}*" for h in HEADER])
    job = confirm_and_run(check(make_job(world, officer, content, name="学习记录.xlsx")))
    assert job.status == ImportStatus.DONE, (job.message, job.errors)
    assert Completion.objects.get().completed_on == TODAY


def test_unknown_people_and_courses_are_named_by_row_and_nothing_is_saved(world, officer, courses, servants):
    theirs = CivilServantFactory(organization=world.other_department, staff_number="YB0001")
    day = TODAY.isoformat()
    rows = [
        ["JA0001", "廉洁从政专题", str(YEAR), day, ""],  # row 2: valid
        ["JA9999", "廉洁从政专题", str(YEAR), day, ""],  # row 3: no such person
        ["YB0001", "诚信政府建设", "", day, ""],  # row 4: another district's servant
        ["JA0002", "不存在的课程", "", day, ""],  # row 5: no such course
        ["JA0002", "廉洁从政专题", "", day, ""],  # row 6: two courses of that title: the year is needed
        ["JA0002", "诚信政府建设", "", "2099-01-01", ""],  # row 7: in the future
        ["JA0002", "诚信政府建设", "", "昨天", ""],  # row 8: not a date
        ["JA0001", "廉洁从政专题", str(YEAR), day, ""],  # row 9: the same completion twice
        ["", "诚信政府建设", "", day, "9"],  # row 10: no staff number
    ]
    job = check(make_job(world, officer, csv_bytes(rows)))
    assert job.status == ImportStatus.PREVIEWED
    assert (job.valid_rows, job.error_rows) == (1, 8)
    by_row: dict[int, list[dict]] = {}
    for entry in errors_of(job):
        by_row.setdefault(entry["row"], []).append(entry)
    assert set(by_row) == {3, 4, 5, 6, 7, 8, 9, 10}
    assert by_row[3][0]["field"] == "staff_number" and by_row[3][0]["value"] == "JA9999"
    assert "JA9999" in by_row[3][0]["message"]
    # Another district's servant reads exactly like one who does not exist.
    assert by_row[4][0]["field"] == "staff_number"
    assert by_row[4][0]["message"].replace("YB0001", "X") == by_row[3][0]["message"].replace("JA9999", "X")
    assert theirs.name not in str(job.errors)
    assert by_row[5][0]["field"] == "course" and "不存在的课程" in by_row[5][0]["message"]
    assert by_row[6][0]["field"] == "year"
    assert by_row[7][0]["field"] == "completed_on"
    assert by_row[7][0]["message"] == in_chinese("A completion cannot be dated in the future.")
    assert by_row[8][0]["field"] == "completed_on"
    assert by_row[9][0]["field"] == "course"
    assert by_row[10][0]["field"] == "staff_number"

    assert importing.confirmation_refusal(job)
    assert not importing.job_confirm(job=job, actor=officer)
    assert tasks.run_completion_import(job.pk) == "skipped"
    assert not Completion.objects.exists()
    report = request_as(
        Client(),
        officer,
        "get",
        reverse("civil_servants:completion_import_error_report", args=[job.pk]),
    )
    assert report.status_code == 200
    assert "JA9999" in b"".join(report.streaming_content).decode("utf-8-sig")


def test_a_row_failing_at_run_time_rolls_back_every_row(world, officer, courses, servants):
    day = TODAY.isoformat()
    job = check(
        make_job(
            world,
            officer,
            csv_bytes([["JA0001", "诚信政府建设", "", day, ""], ["JA0002", "诚信政府建设", "", day, ""]]),
        )
    )
    assert job.valid_rows == 2
    # Someone records the second one by hand between the check and the import.
    services.completion_record(civil_servant=servants[1], course=courses[2], completed_on=TODAY, actor=officer)
    job = confirm_and_run(job)
    assert job.status == ImportStatus.FAILED and job.saved_count == 0 and job.error_rows == 1
    assert Completion.objects.count() == 1  # the one by hand; the first row was rolled back


def test_missing_columns_fail_the_file(world, officer, courses, servants):
    job = check(make_job(world, officer, csv_bytes([["JA0001", TODAY.isoformat()]], header=["工号", "完成日期"])))
    assert job.status == ImportStatus.FAILED
    assert {e["field"] for e in job.errors} == {"course"}


def test_gb18030_csv(world, officer, courses, servants):
    content = csv_bytes([["JA0001", "诚信政府建设", "", TODAY.isoformat(), ""]], encoding="gb18030")
    job = confirm_and_run(check(make_job(world, officer, content)))
    assert job.status == ImportStatus.DONE, (job.message, job.errors)


def test_only_ones_personnel_scope(world, officer, other_officer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        make_job(world, other_officer, csv_bytes([]))
    with pytest.raises(PermissionDenied):
        make_job(world, world.user("own_org"), csv_bytes([]), organization=world.department)


def test_stalled_jobs_fail(world, officer, courses, servants):
    job = make_job(world, officer, csv_bytes([["JA0001", "诚信政府建设", "", TODAY.isoformat(), ""]]))
    CompletionImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.IMPORTING, updated_at=timezone.now() - datetime.timedelta(days=1)
    )
    assert tasks.fail_stalled_completion_imports() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.message


def test_the_import_pages(client, world, officer, other_officer, courses, servants):
    upload = reverse("civil_servants:completion_import_upload")
    content = csv_bytes([["JA0001", "诚信政府建设", "", TODAY.isoformat(), ""]])
    response = request_as(
        client,
        officer,
        "post",
        upload,
        {"organization": world.district.pk, "file": SimpleUploadedFile("学习记录.csv", content)},
    )
    assert response.status_code == 302
    job = CompletionImport.objects.get()
    check(job)
    detail = reverse("civil_servants:completion_import_detail", args=[job.pk])
    for name in ("completion_import_detail", "completion_import_progress", "completion_import_status"):
        url = reverse(f"civil_servants:{name}", args=[job.pk])
        assert request_as(client, officer, "get", url).status_code == 200, name
        assert request_as(client, other_officer, "get", url).status_code == 404, name
        assert request_as(client, None, "get", url).status_code == 302, name
    page = request_as(client, officer, "get", detail).content.decode()
    assert reverse("civil_servants:completion_import_confirm", args=[job.pk]) in page
    status = request_as(client, officer, "get", reverse("civil_servants:completion_import_status", args=[job.pk]))
    assert status.json()["status"] == "previewed" and status.json()["valid_rows"] == 1
    confirm = reverse("civil_servants:completion_import_confirm", args=[job.pk])
    assert request_as(client, other_officer, "post", confirm).status_code == 404
    assert request_as(client, officer, "post", confirm).status_code == 302
    job.refresh_from_db()
    assert job.confirmed_at is not None
    tasks.run_completion_import(job.pk)  # what the worker does after commit
    assert Completion.objects.count() == 1
    for file_format in ("csv", "xlsx"):
        url = reverse("civil_servants:completion_import_template", args=[file_format])
        assert request_as(client, officer, "get", url).status_code == 200
    assert request_as(client, other_officer, "get", reverse("civil_servants:completion_import_list")).status_code == 200
    assert "学习记录.csv" not in client.get(reverse("civil_servants:completion_import_list")).content.decode()
