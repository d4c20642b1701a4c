"""Filing: field errors in the user's language with nothing saved, a code and a secret shown once, the
acceptance deadline counted in calendar days, identity kept apart."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from complaints.choices import Channel, DeadlineKind, EventKind, Status
from complaints.models import Complainant, Complaint, ComplaintAttachment
from complaints.services import common
from core.models import AuditEvent
from tests.complaints.factories import complaint_data, file_complaint
from tests.dishonesty_records.factories import Clock

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_filed_complaint_has_a_code_a_secret_once_and_its_acceptance_deadline(world, monkeypatch):
    Clock(monkeypatch, D(2026, 9, 20))  # 15 days later is 5 October, in the National Day holiday
    filed = file_complaint(world.department)
    complaint = filed.complaint
    assert complaint.status == Status.RECEIVED and complaint.received_on == D(2026, 9, 20)
    assert complaint.accept_due == D(2026, 10, 8)
    assert complaint.periods == {DeadlineKind.ACCEPT: {"start": "2026-09-20", "days": 15}}
    assert common.normalize_code(complaint.tracking_code) == complaint.tracking_code
    assert len(filed.secret) == 10 and filed.secret not in complaint.secret_digest
    assert common.secret_matches(complaint, filed.secret) and common.secret_matches(complaint, filed.secret.lower())
    assert Complainant.objects.get(complaint=complaint).name == "张三"
    assert list(complaint.events.values_list("kind", flat=True)) == [EventKind.FILED]
    audit = AuditEvent.objects.get(action="complaints.complaint.file")
    assert "张三" not in str(audit.after) and "13800000000" not in str(audit.after)


def test_codes_are_distinct_and_read_forgivingly():
    codes = {common.new_tracking_code() for _ in range(200)}
    assert len(codes) == 200
    code = next(iter(codes))
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert common.normalize_code(typed) == code
    assert common.normalize_code("HZ-123") == ""


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "gossip"}, "category"),
        ({"organization": 999999}, "organization"),
        ({"organization": "乱码"}, "organization"),
        ({"title": ""}, "title"),
        ({"facts": "太短"}, "facts"),
        ({"facts": "x" * 5001}, "facts"),
        ({"facts": "乱码\ufffd\ufffd的文字内容，无法读取，请重新提交。"}, "facts"),
        ({"name": ""}, "name"),
        ({"phone": "", "email": ""}, "phone"),
        ({"phone": "call me maybe"}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"happened_on": D(2099, 1, 1)}, "happened_on"),
        ({"latitude": "91"}, "latitude"),
        ({"latitude": "NaN"}, "latitude"),
        ({"longitude": "Infinity"}, "longitude"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(world, changes, field):
    with pytest.raises(ValidationError) as caught:
        file_complaint(world.department, **changes)
    assert field in caught.value.message_dict
    assert not Complaint.objects.exists() and not Complainant.objects.exists()


def test_messages_come_in_chinese_by_default(world):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        file_complaint(world.department, category="gossip")
    assert caught.value.message_dict["category"] == ["请选择投诉事项类别。"]


def test_anonymous_complaints_keep_no_identity_and_cannot_consent(world):
    filed = file_complaint(world.department, anonymous=True, name="", phone="", consent_to_share=True)
    assert filed.complaint.anonymous and not filed.complaint.consent_to_share
    assert not Complainant.objects.exists()


def test_staff_register_a_letter_without_contacts(world):
    from organizations.choices import Role
    from tests.factories import user_with_role

    intake = user_with_role(Role.COMPLAINT_INTAKE, world.city)
    filed = file_complaint(
        world.department, channel=Channel.LETTER, actor=intake, phone="", received_on=None, address=""
    )
    assert filed.complaint.channel == Channel.LETTER and filed.complaint.received_by_label == intake.get_username()


def test_script_in_the_text_is_kept_as_text_and_control_characters_dropped(world):
    filed = file_complaint(
        world.department, title="<script>alert(1)</script>窗口", facts="事情经过\x00\x07：<b>没有</b>一次告知材料清单。"
    )
    complaint = Complaint.objects.get(pk=filed.complaint.pk)
    assert complaint.title == "<script>alert(1)</script>窗口"  # escaped where shown, never executed
    assert "\x00" not in complaint.facts and "\x07" not in complaint.facts


def test_a_pdf_that_is_really_a_program_is_refused_with_nothing_saved(world):
    fake = SimpleUploadedFile("证据.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        file_complaint(world.department, files=[fake])
    assert "attachments" in caught.value.message_dict
    assert not Complaint.objects.exists() and not ComplaintAttachment.objects.exists()


def test_a_plain_pdf_is_kept_privately(world):
    pdf = SimpleUploadedFile(
        "回执.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )
    filed = file_complaint(world.department, files=[pdf])
    attachment = ComplaintAttachment.objects.get(complaint=filed.complaint)
    assert attachment.original_name == "回执.pdf" and attachment.content_type == "application/pdf"
    assert filed.complaint.tracking_code not in attachment.file.name
    assert attachment.file.read().startswith(b"%PDF-")


def test_the_receipt_date_is_not_in_the_future(world):
    with pytest.raises(ValidationError) as caught:
        from complaints import services

        services.complaint_file(data=complaint_data(world.department), channel=Channel.PHONE, received_on=D(2099, 1, 1))
    assert "received_on" in caught.value.message_dict


def test_a_photo_is_stored_without_its_gps_and_camera_data(world):
    from tests.core.test_attachments import jpeg_with_metadata, markers

    photo = jpeg_with_metadata()
    assert 0xE1 in markers(photo)
    filed = file_complaint(world.department, files=[SimpleUploadedFile("现场.jpg", photo, content_type="image/jpeg")])
    attachment = ComplaintAttachment.objects.get(complaint=filed.complaint)
    stored = attachment.file.read()
    assert attachment.metadata_removed and 0xE1 not in markers(stored) and b"GPS" not in stored
    assert attachment.size == len(stored) < len(photo)


def test_a_pdf_with_a_script_is_refused(world):
    script = b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\ntrailer<<>>\n%%EOF\n"
    with pytest.raises(ValidationError) as caught:
        file_complaint(world.department, files=[SimpleUploadedFile("材料.pdf", script)])
    assert "材料.pdf" in caught.value.message_dict["attachments"][0]
    assert not Complaint.objects.exists()
