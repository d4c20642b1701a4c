"""Exports in the national format: staff downloads (audited; ID numbers masked unless a reason is
given, and then whole only in the user's own scope) and the public open-data files (public records
only, ID numbers masked)."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from core.models import AuditEvent
from disclosures import national, services
from disclosures.models import PenaltyDisclosure
from organizations.choices import Role
from tests.factories import UserFactory, make_resident_id, user_with_role
from tests.permissions import ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR, assert_matrix

pytestmark = pytest.mark.django_db
D = datetime.date
PENALTY_CODES = [spec.code for spec in national.WIRE_SPECS["penalty"]]


def natural_person_penalty(authority, serial: int, **overrides):
    data = {
        "subject_name": f"自然人{serial}",
        "subject_kind": "natural_person",
        "subject_id_type": "resident_id",
        "subject_id_number": make_resident_id(serial),
        "decision_number": f"罚〔2026〕{serial}号",
        "violation_type": "占道经营",
        "violation_facts": "在人行道上摆摊",
        "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
        "penalty_kinds": ["fine"],
        "penalty_content": "罚款五百元",
        "fine_amount": Decimal("0.05"),
        "decided_on": D(2026, 9, 30),
        "authority": authority,
        "data_source": authority,
        **overrides,
    }
    return services.disclosure_create(kind="penalty", data=data, actor=None)


def publish(record):
    reviewer = user_with_role(Role.REVIEWER, record.authority)
    return services.disclosure_publish(record=record, actor=reviewer)


def read_csv(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # Excel needs the BOM to read Chinese text
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def records(world):
    own_draft = natural_person_penalty(world.department, 1)
    own_published = publish(natural_person_penalty(world.department, 2, decided_on=D(2026, 10, 20)))
    other_published = publish(natural_person_penalty(world.other_department, 3))
    other_draft = natural_person_penalty(world.other_department, 4)
    return {
        "own_draft": own_draft,
        "own_published": own_published,
        "other_published": other_published,
        "other_draft": other_draft,
    }


def staff_csv(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("disclosures:staff_export", args=["penalty", "csv"]), params)
    assert response.status_code == 200, response.content
    return read_csv(response)


def test_the_staff_export_has_national_codes_and_masked_ids_even_of_own_records(client, world, records):
    rows = staff_csv(client, world.user(OWN_ORG))
    assert list(rows[0]) == PENALTY_CODES
    by_number = {row["CF_WSH"]: row for row in rows}
    # Own drafts and published records, plus other organizations' public ones; never their drafts.
    assert set(by_number) == {"罚〔2026〕1号", "罚〔2026〕2号", "罚〔2026〕3号"}
    assert by_number["罚〔2026〕1号"]["CF_XDR_ZJHM"] == records["own_draft"].masked_subject_id_number
    assert by_number["罚〔2026〕1号"]["CF_XDR_LB"] == "自然人" and by_number["罚〔2026〕1号"]["CF_NR_FK"] == "0.05"
    assert by_number["罚〔2026〕1号"]["CF_CFJGDM"] == world.department.uscc
    # Another organization's public record is exported as the public sees it.
    assert by_number["罚〔2026〕3号"]["CF_XDR_ZJHM"] == records["other_published"].masked_subject_id_number


def test_every_staff_export_is_an_audit_row(client, world, records):
    staff_csv(client, world.user(OWN_ORG), status="draft")
    event = AuditEvent.objects.get(action="disclosures.export")
    assert event.actor == world.user(OWN_ORG) and event.scope_path == world.department.path
    assert event.after == {"kind": "penalty", "format": "csv", "filters": {"status": "draft"}, "rows": 1}


def test_the_staff_export_takes_the_lists_filters(client, world, records):
    user = world.user(OWN_ORG)
    assert {r["CF_WSH"] for r in staff_csv(client, user, status="published")} == {"罚〔2026〕2号", "罚〔2026〕3号"}
    assert {r["CF_WSH"] for r in staff_csv(client, user, decided_after="2026-10-01")} == {"罚〔2026〕2号"}
    assert {r["CF_WSH"] for r in staff_csv(client, user, decided_before="2026-10-01")} == {
        "罚〔2026〕1号",
        "罚〔2026〕3号",
    }
    exports_so_far = AuditEvent.objects.filter(action="disclosures.export").count()
    response = client.get(
        reverse("disclosures:staff_export", args=["penalty", "csv"]),
        {"decided_after": "2026-10-02", "decided_before": "2026-10-01"},
    )
    assert response.status_code == 400
    assert AuditEvent.objects.filter(action="disclosures.export").count() == exports_so_far


def test_with_a_reason_own_records_are_exported_whole_and_the_reason_audited(client, world, records):
    rows = staff_csv(client, world.user(OWN_ORG), reveal_reason="报送省平台核对")
    by_number = {row["CF_WSH"]: row for row in rows}
    assert by_number["罚〔2026〕1号"]["CF_XDR_ZJHM"] == records["own_draft"].subject_id_number
    assert by_number["罚〔2026〕3号"]["CF_XDR_ZJHM"] == records["other_published"].masked_subject_id_number
    event = AuditEvent.objects.get(action="disclosures.export.reveal_id")
    assert event.actor == world.user(OWN_ORG) and event.after["reason"] == "报送省平台核对"
    assert not AuditEvent.objects.filter(action="disclosures.export").exists()


def test_a_reason_that_says_nothing_is_refused_before_anything_is_exported(client, world, records):
    client.force_login(world.user(OWN_ORG))
    response = client.get(reverse("disclosures:staff_export", args=["penalty", "csv"]), {"reveal_reason": "看"})
    assert response.status_code == 400
    assert records["own_draft"].subject_id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="disclosures.export").exists()


def test_a_supervisor_exports_the_whole_jurisdiction_unmasked_with_a_reason(client, world, records):
    rows = staff_csv(client, world.user(SUPERVISOR), reveal_reason="专项检查")
    by_number = {row["CF_WSH"]: row for row in rows}
    assert by_number["罚〔2026〕1号"]["CF_XDR_ZJHM"] == records["own_draft"].subject_id_number
    assert by_number["罚〔2026〕3号"]["CF_XDR_ZJHM"] == records["other_published"].masked_subject_id_number


def test_the_xlsx_export_has_the_same_rows(client, world, records):
    client.force_login(world.user(OWN_ORG))
    response = client.get(reverse("disclosures:staff_export", args=["penalty", "xlsx"]), {"status": "draft"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert header == PENALTY_CODES
    assert rows[0][PENALTY_CODES.index("CF_XDR_ZJHM")] == records["own_draft"].masked_subject_id_number
    assert len(rows) == 1
    assert AuditEvent.objects.filter(action="disclosures.export", after__format="xlsx").exists()


def test_staff_export_permissions(client, world, records):
    url = reverse("disclosures:staff_export", args=["penalty", "csv"])
    assert_matrix(client, world, url, {ANONYMOUS: 302, OTHER_ORG: 200, OWN_ORG: 200, SUPERVISOR: 200})
    client.force_login(UserFactory())  # signed in, but no role anywhere
    assert client.get(url).status_code == 403
    assert client.get(reverse("disclosures:staff_export", args=["fines", "csv"])).status_code == 404


def test_other_organizations_staff_export_only_the_public_records_of_the_department(client, world, records):
    rows = staff_csv(client, world.user(OTHER_ORG))
    by_number = {row["CF_WSH"]: row for row in rows}
    assert "罚〔2026〕1号" not in by_number  # someone else's draft
    assert by_number["罚〔2026〕2号"]["CF_XDR_ZJHM"] == records["own_published"].masked_subject_id_number
    assert by_number["罚〔2026〕4号"]["CF_XDR_ZJHM"] == records["other_draft"].masked_subject_id_number


def test_open_data_is_public_masked_and_in_the_national_format(client, world, records):
    response = client.get("/disclosures/open-data/penalties.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert list(rows[0]) == PENALTY_CODES
    assert {row["CF_WSH"] for row in rows} == {"罚〔2026〕2号", "罚〔2026〕3号"}
    for row in rows:
        assert "********" in row["CF_XDR_ZJHM"]
    body = "".join(str(r) for r in rows)
    for record in records.values():
        assert record.subject_id_number not in body
    assert not AuditEvent.objects.filter(action="disclosures.export").exists()


def test_open_data_of_licences_and_unknown_sets(client, world):
    response = client.get(reverse("disclosures:open_data", args=["licenses"]))
    assert read_csv(response) == []
    body = b"".join(client.get(reverse("disclosures:open_data", args=["licenses"])).streaming_content)
    assert body.decode("utf-8-sig").strip().split(",") == [spec.code for spec in national.WIRE_SPECS["license"]]
    assert client.get("/disclosures/open-data/fines.csv").status_code == 404


def test_records_that_left_public_view_leave_the_open_data(client, world, records):
    PenaltyDisclosure.objects.filter(pk=records["own_published"].pk).update(publicity_ends_on=D(2026, 1, 1))
    rows = read_csv(client.get("/disclosures/open-data/penalties.csv"))
    assert {row["CF_WSH"] for row in rows} == {"罚〔2026〕3号"}


def test_cells_that_spreadsheets_would_run_as_formulas_are_neutralised_in_the_download(client, world):
    record = natural_person_penalty(
        world.department,
        9,
        subject_name='＝HYPERLINK("http://example.test","点此")',
        violation_type="＋1+1",
        violation_facts="－1+1",
        legal_basis="＠SUM(1)",
    )
    # The services strip surrounding blanks; a leading tab or carriage return can only come from data
    # written another way (an older version, a repair by hand), and is neutralised all the same.
    PenaltyDisclosure.objects.filter(pk=record.pk).update(penalty_content="\t=1+1", remarks="\r=1+1")
    row = staff_csv(client, world.user(OWN_ORG))[0]
    assert row["CF_XDR_MC"] == '\'＝HYPERLINK("http://example.test","点此")'
    assert [row[code] for code in ("CF_WFXW", "CF_SY", "CF_YJ", "CF_NR", "BZ")] == [
        "'＋1+1",
        "'－1+1",
        "'＠SUM(1)",
        "'\t=1+1",
        "'\r=1+1",
    ]
    assert row["CF_WSH"] == "罚〔2026〕9号"  # ordinary text is left alone


def test_an_exported_file_imports_back_over_its_drafts(client, world, records):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from disclosures import importing, tasks

    client.force_login(world.user(OWN_ORG))

    def checked_import(**params):
        response = client.get(
            reverse("disclosures:staff_export", args=["penalty", "csv"]), {"status": "draft", **params}
        )
        job = importing.job_create(
            kind="penalty",
            organization=world.department,
            upload=SimpleUploadedFile("export.csv", b"".join(response.streaming_content)),
            mode="all_or_nothing",
            actor=world.user(OWN_ORG),
            language="zh-hans",
        )
        tasks.check_import(job.pk)
        job.refresh_from_db()
        return job

    # Exported for re-import, so with the whole ID numbers, for a stated reason.
    job = checked_import(reveal_reason="修改后重新导入")
    assert (job.valid_rows, job.error_rows, job.created_count, job.updated_count) == (1, 0, 0, 1), job.errors
    assert [e["code"] for e in job.errors] == ["CF_GSJZQ"]  # computed: a warning, not an error
    # A masked export does not overwrite the numbers on file: its rows are refused, field by field.
    masked = checked_import()
    assert masked.error_rows == 1 and "CF_XDR_ZJHM" in {e["code"] for e in masked.errors}
    assert PenaltyDisclosure.objects.get(pk=records["own_draft"].pk).subject_id_number == make_resident_id(1)
