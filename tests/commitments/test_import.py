"""Pledge progress from CSV and XLSX: dry run, confirmation, all or nothing, scope, error report, pages."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from commitments import importing, services, tasks
from commitments.models import Pledge, ProgressImport, ProgressReport
from core.imports import ImportStatus
from core.models import AuditEvent
from tests.permissions import ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR, assert_matrix

from .factories import make_pledge

pytestmark = pytest.mark.django_db

HEADER = ["承诺编号", "进度(%)", "进展说明", "进度回退原因", "里程碑"]


def csv_bytes(rows: list[list], *, header=HEADER, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], *, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    for line in [header, *rows]:
        workbook.active.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_job(world, content: bytes, *, name="进度.csv", user=None, organization=None) -> ProgressImport:
    return importing.job_create(
        organization=organization or world.department,
        upload=SimpleUploadedFile(name, content),
        actor=user or world.user(OWN_ORG),
        language="zh-hans",
    )


def check(job) -> ProgressImport:
    tasks.check_progress_import(job.pk)
    job.refresh_from_db()
    return job


def confirm_and_run(job) -> ProgressImport:
    assert importing.job_confirm(job=job, actor=job.created_by), importing.confirmation_refusal(job)
    tasks.run_progress_import(job.pk)
    job.refresh_from_db()
    return job


def in_chinese(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def errors_of(job) -> list[dict]:
    return [e for e in job.errors if e["level"] == "error"]


@pytest.fixture
def pledges(world):
    first = make_pledge(world.department, title="企业开办一日办结")
    second = make_pledge(world.department, title="不动产登记一窗受理")
    services.milestone_add(pledge=second, title="窗口改造完成", due_on=second.due_on, actor=world.user(OWN_ORG))
    return first, second


# --- the main path ---------------------------------------------------------------------------------


def test_the_dry_run_saves_nothing_and_the_confirmed_import_reports_every_row(world, pledges):
    first, second = pledges
    rows = [
        [first.reference, "60", "完成窗口改造", "", ""],
        [str(second.pk), "30%", "完成流程梳理", "", "窗口改造完成"],
        [first.reference.lower(), "50", "重新核算进度", "原统计重复计算了两个窗口", ""],
    ]
    job = check(make_job(world, csv_bytes(rows)))
    assert job.status == ImportStatus.PREVIEWED, (job.message, job.errors)
    assert (job.total_rows, job.valid_rows, job.error_rows) == (3, 3, 0)
    assert not ProgressReport.objects.exists()
    assert Pledge.objects.get(pk=first.pk).progress == 0
    assert not AuditEvent.objects.filter(action="commitments.pledge.progress").exists()

    job = confirm_and_run(job)
    assert job.status == ImportStatus.DONE and job.reported_count == 3 and job.finished_at
    reports = list(ProgressReport.objects.order_by("id"))
    assert [(r.pledge_id, r.progress_after, r.source) for r in reports] == [
        (first.pk, Decimal(60), "import"),
        (second.pk, Decimal(30), "import"),
        (first.pk, Decimal(50), "import"),
    ]
    assert reports[2].reason == "原统计重复计算了两个窗口" and reports[1].milestone.done_on
    assert Pledge.objects.get(pk=first.pk).progress == Decimal(50)
    event = AuditEvent.objects.filter(action="commitments.pledge.progress").first()
    assert event.actor == world.user(OWN_ORG) and event.request_id == f"progress-import-{job.pk}"
    assert AuditEvent.objects.filter(action="commitments.progress_import.confirm", target_id=str(job.pk)).exists()


def test_xlsx_with_numbers_and_starred_headers(world, pledges):
    first, second = pledges
    header = [f"{h}*" for h in HEADER[:3]] + HEADER[3:]
    content = xlsx_bytes(
        [[first.reference, 75, "完成窗口改造", None, None], [second.pk, 12.5, "完成流程梳理"]], header=header
    )
    job = confirm_and_run(check(make_job(world, content, name="进度.xlsx")))
    assert job.status == ImportStatus.DONE, (job.message, job.errors)
    assert Pledge.objects.get(pk=first.pk).progress == Decimal(75)
    assert Pledge.objects.get(pk=second.pk).progress == Decimal("12.5")


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8"])
def test_csv_in_gb18030_or_utf8_without_bom(world, pledges, encoding):
    first, _second = pledges
    job = confirm_and_run(
        check(make_job(world, csv_bytes([[first.reference, "40", "完成窗口改造"]], encoding=encoding)))
    )
    assert job.status == ImportStatus.DONE, (job.message, job.errors)
    assert ProgressReport.objects.get().note == "完成窗口改造"


def test_a_title_line_above_the_header_and_english_headers(world, pledges):
    first, _second = pledges
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["2026年承诺进展"], ["Reference", "Progress (%)", "Note"], [first.reference, "20", "已启动前期工作"]]
    )
    job = check(make_job(world, buffer.getvalue().encode()))
    assert job.status == ImportStatus.PREVIEWED and job.valid_rows == 1, (job.message, job.errors)


# --- bad rows: nothing is saved ----------------------------------------------------------------------


def test_each_bad_row_is_a_field_level_error_in_the_users_language_and_nothing_is_saved(world, pledges):
    first, second = pledges
    services.pledge_report_progress(pledge=second, progress="60", note="完成窗口改造", actor=world.user(OWN_ORG))
    theirs = make_pledge(world.other_department)
    rows = [
        [first.reference, "40", "完成窗口改造"],  # row 2: valid
        [first.reference, "120", "完成了更多"],  # row 3: above 100
        [second.reference, "40", "重新核算", ""],  # row 4: backwards without a reason
        ["XYCN-999999", "50", "完成窗口改造"],  # row 5: no such pledge
        [theirs.reference, "50", "完成窗口改造"],  # row 6: another organization's pledge
        [first.reference, "一半", "完成窗口改造"],  # row 7: not a number
        ["ABC", "50", "完成窗口改造"],  # row 8: not a reference
        [first.reference, "70", "好", "", ""],  # row 9: no note worth the name
        [first.reference, "80", "完成验收", "", "不存在的里程碑"],  # row 10: unknown milestone
    ]
    job = check(make_job(world, csv_bytes(rows)))
    assert job.status == ImportStatus.PREVIEWED
    assert (job.valid_rows, job.error_rows) == (1, 8)
    by_row = {e["row"]: e for e in errors_of(job)}
    assert set(by_row) == {3, 4, 5, 6, 7, 8, 9, 10}
    assert (by_row[3]["field"], by_row[3]["column"], by_row[3]["value"]) == ("progress", "进度(%)", "120")
    assert by_row[3]["message"] == in_chinese("Progress is a share from 0 to 100 %.")
    assert by_row[4]["field"] == "reason" and by_row[4]["message"] == in_chinese("Progress goes down: say why.")
    assert by_row[5]["field"] == "pledge" and by_row[5]["column"] == "承诺编号"
    # Another body's pledge reads exactly like one that does not exist: nothing of it leaks.
    assert by_row[6]["field"] == "pledge"
    assert by_row[6]["message"].replace(theirs.reference, "X") == by_row[5]["message"].replace("XYCN-999999", "X")
    assert theirs.title not in str(job.errors)
    assert by_row[7]["field"] == "progress"
    assert by_row[7]["message"] == in_chinese("Give the progress as a number from 0 to 100.")
    assert by_row[8]["field"] == "pledge"
    assert by_row[9]["field"] == "note" and by_row[9]["message"] == in_chinese("Say what was done.")
    assert by_row[10]["field"] == "milestone" and by_row[10]["column"] == "里程碑"

    assert importing.confirmation_refusal(job)
    assert not importing.job_confirm(job=job, actor=world.user(OWN_ORG))
    assert tasks.run_progress_import(job.pk) == "skipped"
    assert ProgressReport.objects.count() == 1  # the one reported by hand above
    assert Pledge.objects.get(pk=first.pk).progress == 0


def test_messages_follow_the_uploaders_language(world, pledges):
    first, _second = pledges
    job = make_job(world, csv_bytes([[first.reference, "120", "完成窗口改造"]]))
    ProgressImport.objects.filter(pk=job.pk).update(language="en")
    assert errors_of(check(job))[0]["message"] == "Progress is a share from 0 to 100 %."


def test_a_row_failing_at_run_time_rolls_back_every_row_and_the_job_says_why(world, pledges):
    first, second = pledges
    job = check(
        make_job(world, csv_bytes([[first.reference, "40", "完成窗口改造"], [second.reference, "30", "完成流程梳理"]]))
    )
    assert job.valid_rows == 2
    importing.job_confirm(job=job, actor=world.user(OWN_ORG))
    # Meanwhile someone reports the second pledge further by hand: 30 now goes backwards without a reason.
    services.pledge_report_progress(pledge=second, progress="70", note="完成窗口改造", actor=world.user(OWN_ORG))
    tasks.run_progress_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.reported_count == 0
    assert job.message == in_chinese(
        "Nothing was imported: %(count)d rows have errors now (the data changed since the check)."
    ) % {"count": 1}
    assert [e["row"] for e in errors_of(job)] == [3]
    assert not ProgressReport.objects.filter(source="import").exists()
    assert Pledge.objects.get(pk=first.pk).progress == 0  # the valid first row was rolled back too


def test_a_pledge_outside_the_jobs_organization_is_not_found_even_for_a_supervisor(world, pledges):
    first, _second = pledges
    supervisor = world.user(SUPERVISOR)
    theirs = make_pledge(world.other_department)
    rows = [[first.reference, "40", "完成窗口改造"], [theirs.reference, "40", "完成窗口改造"]]
    job = check(make_job(world, csv_bytes(rows), user=supervisor, organization=world.district))
    assert (job.valid_rows, job.error_rows) == (1, 1)
    assert errors_of(job)[0]["row"] == 3


# --- the file as a whole ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.csv", b"\xff\xfe\x00\x00\x81\x30"),
        ("bad.xlsx", b"PK\x03\x04 not really a zip"),
        ("empty.csv", b"\xef\xbb\xbf"),
        ("header-only.csv", ",".join(HEADER).encode() + b"\n"),
        ("no-progress.csv", "承诺编号,进展说明\nXYCN-000001,完成\n".encode()),
    ],
)
def test_unreadable_files_fail_with_a_message(world, name, content):
    job = check(make_job(world, content, name=name))
    assert job.status == ImportStatus.FAILED and job.message


def test_a_missing_required_column_is_named_and_unknown_columns_are_warnings(world, pledges):
    job = check(make_job(world, csv_bytes([["XYCN-000001", "完成"]], header=["承诺编号", "进展说明", "备注"])))
    assert job.status == ImportStatus.FAILED and "进度(%)" in job.message
    first, _second = pledges
    job = check(
        make_job(world, csv_bytes([[first.reference, "40", "完成窗口改造", "x"]], header=[*HEADER[:3], "备注"]))
    )
    assert job.status == ImportStatus.PREVIEWED and job.error_rows == 0
    assert [e["value"] for e in job.errors if e["level"] == "warning"] == ["备注"]


def test_tasks_are_idempotent(world, pledges):
    first, _second = pledges
    job = check(make_job(world, csv_bytes([[first.reference, "40", "完成窗口改造"]])))
    assert tasks.check_progress_import(job.pk) == "skipped"
    assert tasks.run_progress_import(job.pk) == "skipped"  # not confirmed
    job = confirm_and_run(job)
    assert tasks.run_progress_import(job.pk) == "skipped"
    assert ProgressReport.objects.count() == 1


def test_progress_is_visible_while_the_transaction_is_open(world, pledges, monkeypatch):
    first, _second = pledges
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 2)
    rows = [[first.reference, str(n * 10), "完成窗口改造"] for n in range(1, 6)]
    job = check(make_job(world, csv_bytes(rows)))
    importing.job_confirm(job=job, actor=world.user(OWN_ORG))
    seen = []
    original = importing.imports.publish_progress

    def spy(key, processed):
        original(key, processed)
        now = ProgressImport.objects.get(pk=job.pk)
        seen.append((now.status, importing.live_progress(now), importing.live_percent(now)))

    monkeypatch.setattr(importing.imports, "publish_progress", spy)
    tasks.run_progress_import(job.pk)
    assert seen == [("importing", 2, 40), ("importing", 4, 80)]


def test_jobs_left_running_by_a_dead_worker_are_failed(world, pledges):
    import datetime

    from django.utils import timezone

    job = make_job(world, csv_bytes([[pledges[0].reference, "40", "完成窗口改造"]]))
    ProgressImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.IMPORTING, updated_at=timezone.now() - datetime.timedelta(hours=2)
    )
    assert tasks.fail_stalled_progress_imports() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.message
    assert tasks.fail_stalled_progress_imports() == 0


# --- pages -----------------------------------------------------------------------------------------


@pytest.fixture
def run_tasks_inline(monkeypatch):
    """The worker, in process: what the views enqueue runs when the transaction commits."""
    monkeypatch.setattr(tasks.check_progress_import, "delay", lambda pk: tasks.check_progress_import(pk))
    monkeypatch.setattr(tasks.run_progress_import, "delay", lambda pk: tasks.run_progress_import(pk))


def test_upload_check_confirm_and_import_through_the_pages(
    client, world, pledges, run_tasks_inline, django_capture_on_commit_callbacks
):
    first, second = pledges
    client.force_login(world.user(OWN_ORG))
    content = csv_bytes([[first.reference, "40", "完成窗口改造"], [second.reference, "20", "完成流程梳理"]])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("commitments:progress_import_upload"),
            {"organization": world.department.pk, "file": SimpleUploadedFile("进度.csv", content, "text/csv")},
        )
    job = ProgressImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("commitments:progress_import_detail", args=[job.pk])
    assert job.status == ImportStatus.PENDING and len(callbacks) == 1
    assert AuditEvent.objects.filter(action="commitments.progress_import.upload", target_id=str(job.pk)).exists()

    fragment = client.get(reverse("commitments:progress_import_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "<progress" in fragment
    status = client.get(reverse("commitments:progress_import_status", args=[job.pk])).json()
    assert status["status"] == "pending" and status["running"] is True

    callbacks[0]()  # the worker picks the check up
    page = client.get(reverse("commitments:progress_import_detail", args=[job.pk])).content.decode()
    assert "hx-trigger" not in page and reverse("commitments:progress_import_confirm", args=[job.pk]) in page
    assert not ProgressReport.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("commitments:progress_import_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and ProgressReport.objects.count() == 2
    status = client.get(reverse("commitments:progress_import_status", args=[job.pk])).json()
    assert (status["status"], status["percent"], status["reported"], status["running"]) == ("done", 100, 2, False)


def test_the_upload_form_refuses_wrong_files_field_by_field(client, world):
    client.force_login(world.user(OWN_ORG))
    url = reverse("commitments:progress_import_upload")
    for upload in (
        SimpleUploadedFile("进度.txt", b"x\n"),
        SimpleUploadedFile("进度.xlsx", b"a,b\n"),  # a CSV renamed
        SimpleUploadedFile("进度.csv", b""),
    ):
        response = client.post(url, {"organization": world.department.pk, "file": upload})
        assert response.status_code == 200 and response.context["form"].errors.keys() == {"file"}, upload.name
    response = client.post(url, {"organization": world.other_department.pk, "file": SimpleUploadedFile("a.csv", b"x")})
    assert "organization" in response.context["form"].errors
    assert not ProgressImport.objects.exists()


def test_the_error_report_is_a_formula_safe_csv(client, world, pledges):
    job = check(make_job(world, csv_bytes([["=HYPERLINK(1)", "40", "完成窗口改造"]])))
    client.force_login(world.user(OWN_ORG))
    response = client.get(reverse("commitments:progress_import_error_report", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text)))
    assert len(header) == 5 and len(lines) == 1
    assert lines[0][:4] == ["2", "pledge", "承诺编号", "'=HYPERLINK(1)"]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_templates_are_empty_files_that_import_once_filled(client, world, pledges, file_format):
    client.force_login(world.user(OWN_ORG))
    response = client.get(reverse("commitments:progress_import_template", args=[file_format]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if file_format == "csv":
        header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    else:
        header = [c.value for c in next(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows())]
    assert header == ["承诺编号*", "进度(%)*", "进展说明*", "进度回退原因", "里程碑"]
    job = check(make_job(world, csv_bytes([[pledges[0].reference, "40", "完成窗口改造", "", ""]], header=header)))
    assert job.status == ImportStatus.PREVIEWED and job.valid_rows == 1 and not job.errors, job.errors


def test_job_pages_permission_matrix(client, world, pledges):
    job = check(make_job(world, csv_bytes([[pledges[0].reference, "120", "完成窗口改造"]])))
    for name in (
        "progress_import_detail",
        "progress_import_progress",
        "progress_import_status",
        "progress_import_error_report",
    ):
        assert_matrix(
            client,
            world,
            reverse(f"commitments:{name}", args=[job.pk]),
            {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 200, SUPERVISOR: 200},
        )
    assert_matrix(
        client,
        world,
        reverse("commitments:progress_import_confirm", args=[job.pk]),
        {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 302, SUPERVISOR: 302},
        method="post",
    )


def test_list_upload_and_template_pages_need_the_right_to_report(client, world):
    for url in (
        reverse("commitments:progress_import_list"),
        reverse("commitments:progress_import_upload"),
        reverse("commitments:progress_import_template", args=["csv"]),
    ):
        assert_matrix(client, world, url, {ANONYMOUS: 302, OTHER_ORG: 200, OWN_ORG: 200, SUPERVISOR: 200})


def test_the_list_shows_only_the_jobs_the_user_may_see(client, world):
    make_job(world, csv_bytes([["XYCN-000001", "1", "完成窗口改造"]]), name="本单位.csv")
    make_job(
        world,
        csv_bytes([["XYCN-000001", "1", "完成窗口改造"]]),
        name="别的单位.csv",
        user=world.user(OTHER_ORG),
        organization=world.other_department,
    )
    for persona, sees_own in ((OWN_ORG, True), (SUPERVISOR, True), (OTHER_ORG, False)):
        client.force_login(world.user(persona))
        page = client.get(reverse("commitments:progress_import_list")).content.decode()
        assert ("本单位.csv" in page) is sees_own and ("别的单位.csv" in page) is (persona == OTHER_ORG), persona


def test_a_published_pledge_gets_a_new_ledger_version_only_from_the_import_not_from_the_check(world):
    from core.models import LedgerEntry

    pledge = make_pledge(world.department, published=True)
    before = LedgerEntry.objects.count()
    job = check(make_job(world, csv_bytes([[pledge.reference, "40", "完成窗口改造"]])))
    assert job.valid_rows == 1 and LedgerEntry.objects.count() == before
    confirm_and_run(job)
    assert LedgerEntry.objects.count() == before + 1
    assert Pledge.objects.get(pk=pledge.pk).version == 2
