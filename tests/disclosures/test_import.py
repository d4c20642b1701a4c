"""Bulk import from CSV and XLSX: dry run, confirmation, modes, re-upload, scope, error report, pages."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.identifiers import uscc_check_character
from core.models import AuditEvent
from core.publication import PublicationStatus
from disclosures import importing, national, services, tasks
from disclosures.choices import ImportMode, ImportStatus
from disclosures.models import ImportJob, LicenseDisclosure, PenaltyDisclosure
from organizations.choices import Role
from organizations.models import RoleAssignment
from tests.factories import make_resident_id, user_with_role
from tests.permissions import ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR, assert_matrix

from .test_services import penalty_data

pytestmark = pytest.mark.django_db
D = datetime.date


def subject_uscc(serial: int) -> str:
    body = f"91330100{serial:09d}"
    return body + uscc_check_character(body)


def penalty_row(serial: int = 1, **overrides) -> dict[str, object]:
    """One penalty in the national wire format (codes → cell values)."""
    return {
        "CF_XDR_MC": f"杭州测试贸易有限公司{serial}",
        "CF_XDR_LB": "法人及非法人组织",
        "CF_XDR_SHXYM": subject_uscc(serial),
        "CF_FRDB": "王五",
        "CF_WSH": f"杭市监罚〔2026〕{serial}号",
        "CF_WFXW": "虚假宣传",
        "CF_SY": "在网店发布虚假广告",
        "CF_YJ": "《中华人民共和国广告法》第五十五条",
        "CF_CFLB": "罚款",
        "CF_NR": "罚款二千元",
        "CF_NR_FK": "0.2",
        "CF_JDRQ": "2026-09-30",
        "BZ": "",
        **overrides,
    }


def license_row(serial: int = 1, **overrides) -> dict[str, object]:
    return {
        "XK_XDR_MC": f"杭州测试餐饮有限公司{serial}",
        "XK_XDR_LB": "法人及非法人组织",
        "XK_XDR_SHXYM": subject_uscc(1000 + serial),
        "XK_FRDB": "赵六",
        "XK_XKWS": "食品经营许可决定书",
        "XK_WSH": f"杭市监许〔2026〕{serial}号",
        "XK_XKLB": "普通",
        "XK_XKZS": "食品经营许可证",
        "XK_XKBH": f"JY133010{serial:06d}",
        "XK_JDRQ": "2026-10-12",
        "XK_YXQZ": "2026-10-12",
        "XK_YXQZI": "2031-10-11",
        "XK_ZT": "有效",
        **overrides,
    }


def _labels(kind: str) -> dict[str, str]:
    return {spec.code: spec.label for spec in national.SPECS[kind]}


def table(rows: list[dict], kind: str = "penalty", *, headers: str = "codes") -> list[list]:
    codes = list(dict.fromkeys(code for row in rows for code in row))
    names = _labels(kind)
    header = codes if headers == "codes" else [names.get(code, code) for code in codes]
    return [header] + [[row.get(code, "") for code in codes] for row in rows]


def csv_bytes(rows: list[dict], kind: str = "penalty", *, headers: str = "codes", encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table(rows, kind, headers=headers))
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict], kind: str = "penalty", *, headers: str = "codes") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in table(rows, kind, headers=headers):
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_job(world, content: bytes, *, name="penalties.csv", kind="penalty", mode=ImportMode.ALL_OR_NOTHING, user=None):
    return importing.job_create(
        kind=kind,
        organization=world.department,
        upload=SimpleUploadedFile(name, content),
        mode=mode,
        actor=user or world.user(OWN_ORG),
        language="zh-hans",
    )


def check(job) -> ImportJob:
    tasks.check_import(job.pk)
    job.refresh_from_db()
    return job


def confirm_and_run(job) -> ImportJob:
    assert importing.job_confirm(job=job, actor=job.created_by), importing.confirmation_refusal(job)
    tasks.run_import(job.pk)
    job.refresh_from_db()
    return job


def in_chinese(message: str) -> str:
    """What a job run in zh-hans stores (the msgid itself until the message is translated)."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def errors_of(job, row: int | None = None) -> list[dict]:
    return [e for e in job.errors if e["level"] == "error" and (row is None or e["row"] == row)]


# --- the main path ---------------------------------------------------------------------------------


def test_the_dry_run_saves_nothing_and_the_confirmed_import_creates_audited_drafts(world):
    job = check(make_job(world, csv_bytes([penalty_row(1), penalty_row(2)])))
    assert job.status == ImportStatus.PREVIEWED
    assert (job.total_rows, job.valid_rows, job.error_rows, job.created_count) == (2, 2, 0, 2)
    assert not PenaltyDisclosure.objects.exists()
    assert not AuditEvent.objects.filter(action="disclosures.penalty.create").exists()

    job = confirm_and_run(job)
    assert job.status == ImportStatus.DONE and job.created_count == 2 and job.finished_at
    record = PenaltyDisclosure.objects.get(decision_number="杭市监罚〔2026〕1号")
    assert record.status == PublicationStatus.DRAFT
    assert record.authority == world.department and record.data_source == world.department
    assert record.penalty_kinds == ["fine"] and record.fine_amount == Decimal("0.2")
    assert record.created_by == world.user(OWN_ORG) and record.created_by_label == world.user(OWN_ORG).username
    assert record.import_job_id == job.pk
    # Derived exactly as the single-record service derives them.
    assert record.publish_deadline == D(2026, 10, 15)
    assert record.publicity_ends_on == D(2029, 9, 30)
    assert "测试" in record.subject_grams.split()
    events = AuditEvent.objects.filter(action="disclosures.penalty.create")
    assert sorted(events.values_list("target_id", flat=True)) == sorted(
        str(pk) for pk in PenaltyDisclosure.objects.values_list("pk", flat=True)
    )
    event = events.first()
    assert event.actor == world.user(OWN_ORG) and event.scope_path == world.department.path
    assert event.after["import_job"] == job.pk and event.request_id == f"import-job-{job.pk}"
    assert event.target_repr == str(PenaltyDisclosure.objects.get(pk=event.target_id))  # as __str__ reads


@pytest.mark.parametrize("headers", ["codes", "names"])
def test_xlsx_with_either_header_variant(world, headers):
    content = xlsx_bytes([penalty_row(1), penalty_row(2, CF_JDRQ=datetime.datetime(2026, 9, 29))], headers=headers)
    job = confirm_and_run(check(make_job(world, content, name="处罚.xlsx")))
    assert job.status == ImportStatus.DONE, job.errors
    assert PenaltyDisclosure.objects.get(decision_number="杭市监罚〔2026〕2号").decided_on == D(2026, 9, 29)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_with_chinese_headers_in_any_common_encoding(world, encoding):
    content = csv_bytes([penalty_row(1)], headers="names", encoding=encoding)
    job = confirm_and_run(check(make_job(world, content)))
    assert job.status == ImportStatus.DONE, (job.message, job.errors)
    assert PenaltyDisclosure.objects.get().subject_name == "杭州测试贸易有限公司1"


def test_licences_import_too(world):
    content = csv_bytes([license_row(1), license_row(2, XK_WSH="", XK_XKBH="JY1330100000099")], "license")
    job = confirm_and_run(check(make_job(world, content, kind="license")))
    assert job.status == ImportStatus.DONE, job.errors
    assert LicenseDisclosure.objects.count() == 2
    # XK_WSH falls back to the licence number (validation.py's rule).
    assert LicenseDisclosure.objects.filter(decision_number="JY1330100000099").exists()


def test_a_title_line_above_the_header_is_skipped_and_row_numbers_stay_the_sheets(world):
    rows = table([penalty_row(1), penalty_row(2, CF_JDRQ="2026-13-01")])
    rows.insert(0, ["杭州市行政处罚信息公示表"])
    workbook = openpyxl.Workbook()
    for line in rows:
        workbook.active.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = check(make_job(world, buffer.getvalue(), name="p.xlsx", mode=ImportMode.ACCEPT_VALID))
    assert job.valid_rows == 1 and job.error_rows == 1
    assert [e["row"] for e in errors_of(job)] == [4]  # title row 1, header row 2, data rows 3 and 4


# --- modes -----------------------------------------------------------------------------------------


def test_all_or_nothing_with_an_invalid_row_cannot_be_confirmed(world):
    job = check(make_job(world, csv_bytes([penalty_row(1), penalty_row(2, CF_XDR_SHXYM="91330100716105852G")])))
    assert (job.valid_rows, job.error_rows) == (1, 1)
    assert importing.confirmation_refusal(job)
    assert not importing.job_confirm(job=job, actor=world.user(OWN_ORG))
    assert tasks.run_import(job.pk) == "skipped"
    assert not PenaltyDisclosure.objects.exists()


def test_all_or_nothing_rolls_everything_back_when_rows_fail_after_the_check(world):
    rows = [penalty_row(n) for n in range(1, 6)]
    job = check(make_job(world, csv_bytes(rows)))
    assert job.valid_rows == 5
    importing.job_confirm(job=job, actor=world.user(OWN_ORG))
    # Meanwhile someone enters and publishes row 5's decision by hand.
    reviewer = user_with_role(Role.REVIEWER, world.department)
    record = services.disclosure_create(
        kind="penalty", data=penalty_data(world, decision_number="杭市监罚〔2026〕5号"), actor=None
    )
    services.disclosure_publish(record=record, actor=reviewer)
    tasks.run_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.created_count == 0
    assert PenaltyDisclosure.objects.count() == 1
    assert [e["row"] for e in errors_of(job)] == [6]


def test_accept_valid_imports_the_valid_rows_and_reports_the_others(world, monkeypatch):
    monkeypatch.setattr(importing.pipeline, "BATCH_SIZE", 2)  # several batches, each its own transaction
    rows = [penalty_row(n) for n in range(1, 6)]
    rows[2]["CF_NR_FK"] = "两千"
    job = check(make_job(world, csv_bytes(rows), mode=ImportMode.ACCEPT_VALID))
    assert (job.valid_rows, job.error_rows) == (4, 1)
    assert importing.confirmation_refusal(job) is None
    job = confirm_and_run(job)
    assert job.status == ImportStatus.DONE and (job.created_count, job.error_rows) == (4, 1)
    assert PenaltyDisclosure.objects.count() == 4
    assert not PenaltyDisclosure.objects.filter(decision_number="杭市监罚〔2026〕3号").exists()


# --- re-uploading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("preload_limit", [200_000, 0], ids=["authority-loaded-once", "looked-up-per-batch"])
def test_uploading_the_same_file_again_updates_the_drafts_instead_of_duplicating_them(
    world, monkeypatch, preload_limit
):
    from disclosures.importing import existing

    monkeypatch.setattr(existing, "PRELOAD_LIMIT", preload_limit)
    rows = [penalty_row(1), penalty_row(2)]
    first = confirm_and_run(check(make_job(world, csv_bytes(rows))))
    assert first.created_count == 2
    rows[1]["CF_SY"] = "更正后的违法事实"
    second = check(make_job(world, csv_bytes(rows)))
    assert (second.created_count, second.updated_count) == (0, 2)
    second = confirm_and_run(second)
    assert (second.created_count, second.updated_count) == (0, 2)
    assert PenaltyDisclosure.objects.count() == 2
    record = PenaltyDisclosure.objects.get(decision_number="杭市监罚〔2026〕2号")
    assert record.violation_facts == "更正后的违法事实" and record.import_job_id == second.pk
    assert record.created_by == world.user(OWN_ORG)
    assert AuditEvent.objects.filter(action="disclosures.penalty.update", after__import_job=second.pk).count() == 2
    creations = AuditEvent.objects.filter(action="disclosures.penalty.create")
    assert creations.count() == 2 and not creations.filter(after__import_job=second.pk).exists()


def test_the_detail_page_says_when_the_same_file_was_uploaded_before(client, world):
    content = csv_bytes([penalty_row(1)])
    first = make_job(world, content)
    second = make_job(world, content)
    client.force_login(world.user(OWN_ORG))
    page = client.get(reverse("disclosures:import_detail", args=[second.pk])).content.decode()
    assert reverse("disclosures:import_detail", args=[first.pk]) in page


def test_a_published_decision_is_refused_and_a_withdrawn_one_does_not_count(world):
    reviewer = user_with_role(Role.REVIEWER, world.department)
    published = services.disclosure_create(
        kind="penalty", data=penalty_data(world, decision_number="杭市监罚〔2026〕1号"), actor=None
    )
    services.disclosure_publish(record=published, actor=reviewer)
    withdrawn = services.disclosure_create(
        kind="penalty", data=penalty_data(world, decision_number="杭市监罚〔2026〕2号"), actor=None
    )
    services.disclosure_publish(record=withdrawn, actor=reviewer)
    services.disclosure_withdraw(record=withdrawn, reason="决定已被撤销", actor=reviewer)

    job = check(make_job(world, csv_bytes([penalty_row(1), penalty_row(2)]), mode=ImportMode.ACCEPT_VALID))
    (error,) = errors_of(job)
    assert error["row"] == 2 and error["code"] == "CF_WSH"
    assert error["message"] == in_chinese("This decision is already published: correct the published record instead.")
    job = confirm_and_run(job)
    assert job.created_count == 1
    assert PenaltyDisclosure.objects.filter(decision_number="杭市监罚〔2026〕2号").count() == 2


def test_the_same_decision_twice_in_one_file_is_an_error_on_the_second_row(world):
    job = check(make_job(world, csv_bytes([penalty_row(1), penalty_row(1, CF_XDR_MC="另一家公司")])))
    (error,) = errors_of(job)
    assert error["row"] == 3 and error["code"] == "CF_WSH"


# --- errors ----------------------------------------------------------------------------------------


def test_row_errors_name_the_row_the_column_and_the_value(world):
    rows = [
        penalty_row(1, CF_XDR_SHXYM="91330100716105852G"),  # wrong check character
        penalty_row(2, CF_JDRQ="2026-02-30"),  # not a date
        penalty_row(3, CF_XDR_LB="法人"),  # not a subject kind
        penalty_row(4, CF_CFLB="警告", CF_NR_FK="0.2"),  # an amount without a fine
    ]
    job = check(make_job(world, csv_bytes(rows), mode=ImportMode.ACCEPT_VALID))
    assert (job.valid_rows, job.error_rows) == (0, 4)
    by_row = {e["row"]: e for e in errors_of(job)}
    assert by_row[2]["code"] == "CF_XDR_SHXYM" and by_row[2]["column"] == "统一社会信用代码"
    assert by_row[2]["value"] == "91330100716105852G" and by_row[2]["field"] == "subject_uscc"
    assert by_row[3]["code"] == "CF_JDRQ" and by_row[3]["value"] == "2026-02-30"
    assert by_row[4]["code"] == "CF_XDR_LB"
    assert by_row[5]["code"] == "CF_NR_FK"
    assert importing.confirmation_refusal(job)  # no valid row at all


def test_a_cell_that_cannot_be_read_is_reported_once_not_again_as_missing(world):
    job = check(make_job(world, csv_bytes([penalty_row(1, CF_JDRQ="昨天")])))
    assert [e["code"] for e in errors_of(job)] == ["CF_JDRQ"]


def test_messages_are_in_the_uploaders_language(world):
    content = csv_bytes([penalty_row(1, CF_SY="")])
    english = make_job(world, content)
    ImportJob.objects.filter(pk=english.pk).update(language="en")
    chinese = make_job(world, content)
    assert errors_of(check(english))[0]["message"] == "This field is required."
    assert errors_of(check(chinese))[0]["message"] == in_chinese("This field is required.") != "This field is required."


def test_the_error_report_is_a_downloadable_csv(client, world):
    job = check(make_job(world, csv_bytes([penalty_row(1), penalty_row(2, CF_XDR_MC="")]), mode="accept_valid"))
    client.force_login(world.user(OWN_ORG))
    response = client.get(reverse("disclosures:import_error_report", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text)))
    assert len(header) == 5
    assert lines == [["3", "CF_XDR_MC", "行政相对人名称", "", in_chinese("This field is required.")]]


def test_a_missing_required_column_fails_the_file_and_unknown_columns_are_warnings(world):
    row = penalty_row(1, **{"备用列": "x"})
    del row["CF_WSH"]
    job = check(make_job(world, csv_bytes([row])))
    assert job.status == ImportStatus.FAILED and "CF_WSH" in job.message
    assert any(e["code"] == "CF_WSH" for e in job.errors)

    job = check(make_job(world, csv_bytes([penalty_row(1, **{"备用列": "x"}, CF_GSJZQ="2029-09-30")])))
    assert job.status == ImportStatus.PREVIEWED and job.error_rows == 0
    warnings = {e["value"]: e["message"] for e in job.errors if e["level"] == "warning"}
    assert set(warnings) == {"备用列", "CF_GSJZQ"}
    assert warnings["CF_GSJZQ"] == in_chinese("Computed by the system from the decision date; the column is ignored.")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.csv", b"\xff\xfe\x00\x00\x81\x30"),  # neither UTF-8 nor GB18030
        ("bad.xlsx", b"PK\x03\x04 not really a zip"),
        ("empty.csv", b"\xef\xbb\xbf"),
        ("header-only.csv", (",".join(penalty_row()) + "\n").encode()),
    ],
)
def test_unreadable_files_fail_with_a_message(world, name, content):
    job = check(make_job(world, content, name=name))
    assert job.status == ImportStatus.FAILED and job.message


# --- organizations ---------------------------------------------------------------------------------


def test_authority_columns_resolve_by_code_first_then_by_name(world):
    department = world.department
    # The uploader enters records for the city and the other department too: sources must be in scope.
    for organization in (world.city, world.other_department):
        RoleAssignment.objects.create(user=world.user(OWN_ORG), role=Role.STAFF, organization=organization)
    rows = [
        penalty_row(1, CF_CFJG="随便写的名称", CF_CFJGDM=department.uscc, CF_SJLY="", CF_SJLYDM=""),
        penalty_row(2, CF_CFJG=department.name, CF_CFJGDM="", CF_SJLY=world.city.name, CF_SJLYDM=""),
        penalty_row(3, CF_CFJG="", CF_CFJGDM="", CF_SJLY="", CF_SJLYDM=world.other_department.uscc),
    ]
    job = confirm_and_run(check(make_job(world, csv_bytes(rows))))
    assert job.status == ImportStatus.DONE, job.errors
    records = {r.decision_number[-2:]: r for r in PenaltyDisclosure.objects.all()}
    assert records["1号"].authority == department and records["1号"].data_source == department
    assert records["2号"].authority == department and records["2号"].data_source == world.city
    assert records["3号"].authority == department and records["3号"].data_source == world.other_department


def test_a_data_source_outside_the_uploaders_scope_is_a_row_error(world):
    """Defect 10: the data source was resolved and saved whatever body it named."""
    rows = [
        penalty_row(1, CF_SJLY="", CF_SJLYDM=world.other_department.uscc),
        penalty_row(2, CF_SJLY=world.city.name, CF_SJLYDM=""),
        penalty_row(3, CF_SJLY="", CF_SJLYDM=world.department.uscc),
    ]
    job = check(make_job(world, csv_bytes(rows), mode=ImportMode.ACCEPT_VALID))
    assert job.valid_rows == 1
    by_row = {e["row"]: e for e in errors_of(job)}
    assert set(by_row) == {2, 3}
    assert by_row[2]["code"] == "CF_SJLYDM" and world.other_department.name in by_row[2]["message"]
    assert by_row[3]["code"] == "CF_SJLY" and world.city.name in by_row[3]["message"]
    job = confirm_and_run(job)
    assert [r.data_source for r in PenaltyDisclosure.objects.all()] == [world.department]


def test_an_authority_outside_the_uploaders_scope_is_a_row_error(world):
    rows = [
        penalty_row(1, CF_CFJGDM=world.other_department.uscc),
        penalty_row(2, CF_CFJG=world.district.name),
        penalty_row(3, CF_CFJGDM=subject_uscc(77)),  # a valid code, but no such organization
    ]
    job = check(make_job(world, csv_bytes(rows), mode=ImportMode.ACCEPT_VALID))
    assert job.valid_rows == 0
    by_row = {e["row"]: e for e in errors_of(job)}
    assert by_row[2]["code"] == "CF_CFJGDM" and world.other_department.name in by_row[2]["message"]
    assert by_row[3]["code"] == "CF_CFJG"
    assert by_row[4]["code"] == "CF_CFJGDM"


# --- tasks -----------------------------------------------------------------------------------------


def test_tasks_are_idempotent(world):
    job = check(make_job(world, csv_bytes([penalty_row(1)])))
    assert tasks.check_import(job.pk) == "skipped"  # already previewed
    assert tasks.run_import(job.pk) == "skipped"  # not confirmed
    job = confirm_and_run(job)
    assert tasks.run_import(job.pk) == "skipped"  # already done
    assert tasks.check_import(job.pk) == "skipped"
    assert PenaltyDisclosure.objects.count() == 1


def test_a_checked_job_stuck_in_validating_is_checked_again_on_redelivery(world):
    job = make_job(world, csv_bytes([penalty_row(1)]))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING, processed_rows=1)
    assert check(job).status == ImportStatus.PREVIEWED


def test_progress_is_visible_inside_an_all_or_nothing_transaction(world, monkeypatch):
    job = check(make_job(world, csv_bytes([penalty_row(n) for n in range(1, 6)])))
    importing.job_confirm(job=job, actor=world.user(OWN_ORG))
    monkeypatch.setattr(importing.pipeline, "BATCH_SIZE", 2)
    seen = []
    original = importing.Importer._report_progress

    def spy(self):
        original(self)
        job_now = ImportJob.objects.get(pk=job.pk)
        seen.append((job_now.status, importing.live_progress(job_now)))

    monkeypatch.setattr(importing.Importer, "_report_progress", spy)
    tasks.run_import(job.pk)
    assert seen == [("importing", 2), ("importing", 4), ("importing", 5)]


# --- pages -----------------------------------------------------------------------------------------


@pytest.fixture
def run_tasks_inline(monkeypatch):
    """The worker, in process: what the views enqueue runs when the transaction commits."""
    monkeypatch.setattr(tasks.check_import, "delay", lambda pk: tasks.check_import(pk))
    monkeypatch.setattr(tasks.run_import, "delay", lambda pk: tasks.run_import(pk))


def test_upload_check_confirm_and_import_through_the_pages(
    client, world, run_tasks_inline, django_capture_on_commit_callbacks
):
    client.force_login(world.user(OWN_ORG))
    upload = SimpleUploadedFile("处罚.csv", csv_bytes([penalty_row(1), penalty_row(2)]), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("disclosures:import_upload"),
            {"kind": "penalty", "organization": world.department.pk, "mode": "all_or_nothing", "file": upload},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("disclosures:import_detail", args=[job.pk])
    assert job.status == ImportStatus.PENDING and len(callbacks) == 1
    assert AuditEvent.objects.filter(action="disclosures.import.upload", target_id=str(job.pk)).exists()

    fragment = client.get(reverse("disclosures:import_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "<progress" in fragment and 'style="' not in fragment

    callbacks[0]()  # the worker picks the check up
    page = client.get(reverse("disclosures:import_detail", args=[job.pk])).content.decode()
    assert "hx-trigger" not in page and reverse("disclosures:import_confirm", args=[job.pk]) in page
    assert not PenaltyDisclosure.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("disclosures:import_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and PenaltyDisclosure.objects.count() == 2
    assert AuditEvent.objects.filter(action="disclosures.import.confirm", target_id=str(job.pk)).exists()
    fragment = client.get(reverse("disclosures:import_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment


def test_the_upload_form_refuses_wrong_files_field_by_field(client, world, monkeypatch):
    client.force_login(world.user(OWN_ORG))
    url = reverse("disclosures:import_upload")
    base = {"kind": "penalty", "organization": world.department.pk, "mode": "all_or_nothing"}
    for upload in (
        SimpleUploadedFile("处罚.txt", b"CF_XDR_MC\n"),
        SimpleUploadedFile("处罚.xls", b"\xd0\xcf\x11\xe0"),
        SimpleUploadedFile("处罚.xlsx", b"CF_XDR_MC,CF_WSH\n"),  # a CSV renamed
    ):
        response = client.post(url, {**base, "file": upload})
        assert response.status_code == 200 and response.context["form"].errors.keys() == {"file"}, upload.name
    monkeypatch.setattr(importing, "MAX_UPLOAD_BYTES", 10)
    response = client.post(url, {**base, "file": SimpleUploadedFile("处罚.csv", csv_bytes([penalty_row()]))})
    assert "file" in response.context["form"].errors
    response = client.post(
        url, {**base, "organization": world.other_department.pk, "file": SimpleUploadedFile("a.csv", b"x")}
    )
    assert "organization" in response.context["form"].errors
    assert not ImportJob.objects.exists()


def test_job_pages_permission_matrix(client, world):
    job = check(make_job(world, csv_bytes([penalty_row(1), penalty_row(2, CF_XDR_MC="")])))
    for name in ("import_detail", "import_progress", "import_error_report"):
        assert_matrix(
            client,
            world,
            reverse(f"disclosures:{name}", args=[job.pk]),
            {ANONYMOUS: 302, OTHER_ORG: 404, OWN_ORG: 200, SUPERVISOR: 404},
        )
    assert_matrix(
        client,
        world,
        reverse("disclosures:import_confirm", args=[job.pk]),
        {ANONYMOUS: 302, OTHER_ORG: 404, SUPERVISOR: 404},
        method="post",
    )


def test_list_upload_and_template_pages_need_the_right_to_enter_records(client, world):
    for url in (
        reverse("disclosures:import_list"),
        reverse("disclosures:import_upload"),
        reverse("disclosures:import_template", args=["penalty", "codes", "csv"]),
    ):
        assert_matrix(client, world, url, {ANONYMOUS: 302, OTHER_ORG: 200, OWN_ORG: 200, SUPERVISOR: 403})


def test_the_list_shows_only_the_jobs_of_the_users_organizations(client, world):
    own = make_job(world, csv_bytes([penalty_row(1)]), name="本单位.csv")
    other_user = world.user(OTHER_ORG)
    importing.job_create(
        kind="penalty",
        organization=world.other_department,
        upload=SimpleUploadedFile("别的单位.csv", csv_bytes([penalty_row(1)])),
        mode=ImportMode.ALL_OR_NOTHING,
        actor=other_user,
        language="zh-hans",
    )
    client.force_login(world.user(OWN_ORG))
    page = client.get(reverse("disclosures:import_list")).content.decode()
    assert own.original_name in page and "别的单位.csv" not in page


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("variant", ["codes", "names"])
def test_templates_are_empty_files_that_import_once_filled(client, world, variant, file_format):
    client.force_login(world.user(OWN_ORG))
    response = client.get(reverse("disclosures:import_template", args=["penalty", variant, file_format]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if file_format == "csv":
        header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    else:
        header = [c.value for c in next(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows())]
    expected = "CF_XDR_MC" if variant == "codes" else "行政相对人名称*"
    assert header[0] == expected and "CF_GSJZQ" not in header
    codes = [spec.code for spec in national.SPECS["penalty"] if spec.kind != "computed"]
    values = penalty_row(1, CF_CFJG="", CF_CFJGDM="", CF_SJLY="", CF_SJLYDM="", X_AQLY="")
    filled = io.StringIO()
    csv.writer(filled).writerows([header, [values.get(code, "") for code in codes]])
    job = check(make_job(world, filled.getvalue().encode("utf-8-sig")))
    assert job.status == ImportStatus.PREVIEWED and job.valid_rows == 1 and not job.errors, job.errors


def test_natural_persons_ids_are_checked_and_stored(world):
    number = make_resident_id(42)
    row = penalty_row(
        1,
        CF_XDR_LB="自然人",
        CF_XDR_SHXYM="",
        CF_FRDB="",
        CF_XDR_ZJLX="身份证",
        CF_XDR_ZJHM=number,
        CF_XDR_MC="李四",
    )
    bad = penalty_row(
        2, CF_XDR_LB="自然人", CF_XDR_SHXYM="", CF_FRDB="", CF_XDR_ZJLX="身份证", CF_XDR_ZJHM="330106198506150000"
    )
    job = confirm_and_run(check(make_job(world, csv_bytes([row, bad]), mode=ImportMode.ACCEPT_VALID)))
    assert PenaltyDisclosure.objects.get().subject_id_number == number
    assert [e["code"] for e in errors_of(job)] == ["CF_XDR_ZJHM"]


def test_the_polled_fragment_is_cheap_and_never_loads_the_error_list(client, world, django_assert_max_num_queries):
    job = make_job(world, csv_bytes([penalty_row(1)]))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING, errors=[{"row": 2}] * 5000)
    client.force_login(world.user(OWN_ORG))
    url = reverse("disclosures:import_progress", args=[job.pk])
    client.get(url)  # warm the session and the user's grants
    with django_assert_max_num_queries(4) as captured:
        response = client.get(url)
    assert 'hx-trigger="every 1s"' in response.content.decode()
    assert not any('"errors"' in query["sql"] for query in captured.captured_queries)


@pytest.mark.parametrize(
    ("status", "mode", "says"),
    [
        (ImportStatus.IMPORTING, ImportMode.ALL_OR_NOTHING, "nothing was saved"),
        (ImportStatus.IMPORTING, ImportMode.ACCEPT_VALID, "kept as drafts"),
        (ImportStatus.VALIDATING, ImportMode.ALL_OR_NOTHING, "nothing was saved"),
    ],
)
def test_jobs_left_running_by_a_dead_worker_are_failed_with_what_was_kept(world, status, mode, says):
    from django.utils import timezone

    job = make_job(world, csv_bytes([penalty_row(1)]), mode=mode)
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, language="en", updated_at=timezone.now() - datetime.timedelta(hours=2)
    )
    fresh = make_job(world, csv_bytes([penalty_row(2)]), name="fresh.csv")
    ImportJob.objects.filter(pk=fresh.pk).update(status=ImportStatus.IMPORTING)

    assert importing.fail_stalled_jobs() == 1
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == ImportStatus.FAILED and says in job.message
    assert fresh.status == ImportStatus.IMPORTING  # still within the task's time limit: maybe alive
    assert AuditEvent.objects.filter(action="disclosures.import.stalled", target_id=str(job.pk)).exists()
    assert importing.fail_stalled_jobs() == 0
